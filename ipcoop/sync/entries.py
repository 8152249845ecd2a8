"""Whose journal entries a commit brings: each entry's key starts with the id of the
copy that wrote it ("d87ab3e7.000012"), and only that copy's key may sign it in.

A copy writes and undoes entries of its own only, so a signed commit that adds,
changes or drops another copy's entry (against every parent's trusted content)
passes a change off as someone else's: the judge holds it aside. Merges bring
nothing new (each entry is as one parent has it), and a copy that took a plain
`git pull` re-signs the trusted content only. Histories are compared parsed, so
the file's layout does not matter.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ipcoop.sync.git import Git

KEY = re.compile(r"[0-9a-f]{8}\.\d{1,9}")


def owned(key: str, copy: str) -> bool:
    """Whether a journal key is well formed and the copy's own."""
    return KEY.fullmatch(key) is not None and key.split(".", maxsplit=1)[0] == copy


class Entries:
    def __init__(self, git: Git) -> None:
        self.git = git
        self._histories: dict[str, dict[str, str]] = {}
        self._names: dict[str, dict[str, str]] = {}

    def history(self, blob: str | None) -> dict[str, str]:
        """A database blob's journal: each key with its entry as canonical JSON."""
        if blob is None:
            return {}
        if blob not in self._histories:
            raw = self.git.run("cat-file", "blob", blob, check=False).stdout
            try:
                data: Any = json.loads(raw)
                found, copies = data.get("history"), data.get("copies")
            except (ValueError, AttributeError, RecursionError):
                found, copies = None, None
            self._histories[blob] = (
                {str(k): json.dumps(v, sort_keys=True) for k, v in found.items()}
                if isinstance(found, dict)
                else {}
            )
            self._names[blob] = (
                {str(k): str(r.get("name")) for k, r in copies.items() if isinstance(r, dict)}
                if isinstance(copies, dict)
                else {}
            )
        return self._histories[blob]

    def foreign(self, blob: str | None, parents: list[str | None], copy: str) -> list[str]:
        """Entries of another copy than `copy` that the commit adds, changes or drops
        against every parent (a key not in the journal's form counts as another's)."""
        if blob is None or not parents or blob in parents:
            return []
        mine = self.history(blob)
        theirs = [self.history(p) for p in parents]
        new = {key for key, entry in mine.items() if not any(h.get(key) == entry for h in theirs)}
        found = {key for key in new if not owned(key, copy)}
        found.update(k for h in theirs for k in h if k not in mine and not owned(k, copy))
        # Its own entries under another copy's name (the log and conflicts show 'by').
        names = self._names.get(blob, {})
        others = {n for c, n in names.items() if c != copy} - {names.get(copy)}
        for key in new - found:
            entry = json.loads(mine[key])
            if isinstance(entry, dict) and entry.get("by") in others:
                found.add(key)
        return sorted(found)


def keys_in(raw: bytes | None) -> set[str]:
    """Every journal entry key a database file holds."""
    try:
        found = json.loads(raw or b"{}").get("history")
    except (ValueError, AttributeError, RecursionError):
        return set()
    return set(found) if isinstance(found, dict) else set()
