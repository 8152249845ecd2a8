"""Projects that may be one project added twice: both sides added it while apart.

Two copies that add the same seminar offline get two projects with two ids;
a merge must not guess that they are one (both would be lost as records of
who added what). Instead they are flagged: after the sync that brings them
together, and by `release --check` and `summary --check`, until a person
removes one. Two projects look alike when they are in the same programme
and their titles, folded (case, punctuation, spaces, and the two Chinese
scripts to one), are the same or nearly so in any of the three forms.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ipcoop.core import languages

SIMILAR = 0.85  # difflib's ratio at or above which two folded titles are alike
NEAR_LIMIT = 20_000  # pairs compared for near matches (a second at most); beyond, equal only
_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")


def _forms(project: Mapping[str, Any], fold: Callable[[str], str]) -> list[str]:
    texts = [project["title"], *(t for t in project["titles"].values() if t)]
    return [folded for t in texts if (folded := _NOISE.sub("", fold(t)))]


def alike_pairs(
    candidates: Sequence[Mapping[str, Any]], others: Sequence[Mapping[str, Any]] | None = None
) -> list[tuple[int, int]]:
    """Pairs of ids (lower first) that look alike: among `candidates`, or, given
    `others`, between a candidate and one of them. Equal folded titles are found at
    any size; nearly equal ones while the pairs to compare stay below NEAR_LIMIT (a
    programme of tens of projects, as the group keeps, is far below it)."""
    pool = list(candidates) + list(others or ())
    fold = languages.folder(t for p in pool for t in _forms(p, str))
    forms = {p["id"]: _forms(p, fold) for p in pool}
    mine = {p["id"] for p in candidates}
    theirs = {p["id"] for p in others} if others is not None else mine
    found: set[tuple[int, int]] = set()
    same: dict[tuple[Any, str], set[int]] = defaultdict(set)
    for p in pool:
        for form in forms[p["id"]]:
            same[(p["programme"], form)].add(p["id"])
    for ids in same.values():
        for a in ids & mine:
            found.update((min(a, b), max(a, b)) for b in ids & theirs if b != a)
    rights_of: Callable[[int], Sequence[Mapping[str, Any]]] = (
        (lambda i: others) if others is not None else (lambda i: candidates[i + 1 :])
    )
    if len(candidates) * len(others if others is not None else candidates) > NEAR_LIMIT:
        return sorted(found)
    for i, left in enumerate(candidates):
        for right in rights_of(i):
            if left["id"] == right["id"] or left["programme"] != right["programme"]:
                continue
            if any(_close(a, b) for a in forms[left["id"]] for b in forms[right["id"]]):
                found.add((min(left["id"], right["id"]), max(left["id"], right["id"])))
    return sorted(found)


def apart(pairs: Sequence[tuple[int, int]], copies: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The pairs two different copies added (each copy hands out ids from blocks of its
    own): a copy that added both knew of the first, so they are not one added twice."""

    def owner(pid: int) -> str | None:
        for copy, record in copies.items():
            for first, last in record.get("blocks", []) if isinstance(record, dict) else ():
                if isinstance(first, int) and first <= pid and (last is None or pid <= last):
                    return copy
        return None

    return [(a, b) for a, b in pairs if owner(a) is None or owner(a) != owner(b)]


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return False  # "Seminar 1" and "Seminar 2", "... 2021" and "... 2022": a series
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > max(len(a), len(b)) * (1 - SIMILAR):
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def said(pairs: Sequence[tuple[int, int]]) -> list[str]:
    """One line per pair, saying what to do."""
    return [
        f"projects {a} and {b} look alike (one programme, near-identical titles): if they "
        f"are one project, keep one ('ipcoop remove {b}' after moving its notes)"
        for a, b in pairs
    ]


def met_in_sync(mine: Any, theirs: Any, final: Any) -> list[tuple[int, int]]:
    """Pairs a sync brought together: a project new to this copy or to the remote, and
    another of its programme (the versions as `sync` saw them; None: not parsed)."""
    if mine is None or theirs is None or final is None:
        return []
    from ipcoop.store.layout import shape

    projects = final["projects"]
    new = {k for k in projects if k not in mine["projects"] or k not in theirs["projects"]}
    if not new:
        return []
    programmes = {projects[k].get("programme") for k in new}
    pool = [shape(int(k), d) for k, d in projects.items() if d.get("programme") in programmes]
    return apart(alike_pairs([p for p in pool if str(p["id"]) in new], pool), final["copies"])
