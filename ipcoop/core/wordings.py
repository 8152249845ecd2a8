"""What to look at in the release's wording before it goes out (`release --check`):
items the release words by their titles for want of a phrase, a phrase that says
another item words it when none does, an item worded with another's phrase that is
now dropped, and a statement missing in a language.

The lists are the release's: the new programme's key projects and its cross-border
enforcement (worded by `phrases`), and the previous programme's done items (worded,
looking back, by `phrases_back`).
"""

from __future__ import annotations

from typing import Any

from ipcoop.base import wording
from ipcoop.base.i18n import tr

PROTECTION = "protection"


def findings(db: Any, programme: dict[str, Any], langs: list[str]) -> list[str]:
    from ipcoop.core import programmes

    key = programme["key"]
    every = [p for p in db.projects() if p["programme"] == key]
    live = [p for p in every if p["status"] not in ("dropped", "carried")]
    keys = [p for p in live if p["key"]]
    enforcement = [p for p in live if p["area"] == PROTECTION and not p["key"]]
    earlier = [
        p
        for p in programmes.all_programmes(db)
        if (p["start"], p["key"]) < (programme["start"], programme["key"])
    ]
    done = (
        [p for p in db.projects() if p["programme"] == earlier[-1]["key"] and p["status"] == "done"]
        if earlier
        else []
    )
    out: list[str] = []
    statement = programme.get("statement") or {}
    for lang in langs:
        if any(statement.values()) and not statement.get(lang):
            out.append(
                tr(
                    "programme {key} has a statement, but none in {lang}: the {lang} "
                    "release leaves it out ('ipcoop programme edit {key} --statement{flag} "
                    "TEXT')"
                ).format(key=key, lang=lang, flag=_flag(lang))
            )
        gone = [p["id"] for p in every if p["status"] == "dropped"]
        # Titles standing in for phrases are said where the wording was begun: the
        # programme has phrases in the language, or (looking back) its items do.
        worded = any(wording.text_in(p.get("phrases"), lang) for p in live)
        recalled = any(
            wording.text_in(p.get(f), lang) for p in done for f in ("phrases", "phrases_back")
        )
        for label, items, field, skipped, begun in (
            ("key projects", keys, "phrases", gone, worded),
            ("enforcement", enforcement, "phrases", gone, worded),
            ("look back", done, "phrases_back", [], recalled),
        ):
            out += _list_findings(label, items, field, lang, skipped, begun)
    out += _dropped_with_another(every, keys, langs)
    return out


def _flag(lang: str) -> str:
    return "" if lang == "en" else f"-{lang}"


def _list_findings(
    label: str,
    items: list[dict[str, Any]],
    field: str,
    lang: str,
    skipped: list[int],
    begun: bool,
) -> list[str]:
    option = "--phrase" if field == "phrases" else "--phrase-back"
    by_title, orphans = [], []
    covered = False
    last = 0
    for p in sorted(items, key=lambda p: p["id"]):
        if any(last < gone < p["id"] for gone in skipped):
            covered = False
        last = p["id"]
        phrase = wording.text_in(p.get(field), lang)
        if phrase == wording.WITH_ANOTHER and not covered:
            orphans.append(p["id"])
        if phrase is None:
            by_title.append(p["id"])
        covered = phrase is not None and (phrase != wording.WITH_ANOTHER or covered)
    out = []
    if by_title and begun:
        ids = ", ".join(map(str, by_title))
        out.append(
            tr(
                "the {label} of the {lang} release word project(s) {ids} by their "
                "titles (no phrase): 'ipcoop edit ID {option}{flag} TEXT' words each "
                "as the group would"
            ).format(label=label, lang=lang, ids=ids, option=option, flag=_flag(lang))
        )
    for pid in orphans:
        out.append(
            tr(
                "project {pid}'s {lang} phrase '-' says another item words it, but "
                "none before it in the {label} does: it is worded by its title"
            ).format(pid=pid, lang=lang, label=label)
        )
    return out


def _dropped_with_another(
    every: list[dict[str, Any]], keys: list[dict[str, Any]], langs: list[str]
) -> list[str]:
    """A dropped key project that another's phrase words too (its '-'): that phrase may
    still name it."""
    out = []
    for p in sorted(every, key=lambda p: p["id"]):
        if p["status"] != "dropped" or not p["key"]:
            continue
        for lang in langs:
            if wording.text_in(p.get("phrases"), lang) != wording.WITH_ANOTHER:
                continue
            before = [
                k
                for k in keys
                if k["id"] < p["id"]
                and wording.text_in(k["phrases"], lang) not in (None, wording.WITH_ANOTHER)
            ]
            if before:
                holder = max(before, key=lambda k: k["id"])["id"]
                out.append(
                    tr(
                        "project {id} is dropped, but project {holder}'s {lang} phrase words "
                        "it too: check that phrase ('ipcoop show {holder}')"
                    ).format(id=p["id"], holder=holder, lang=lang)
                )
                break
    return out
