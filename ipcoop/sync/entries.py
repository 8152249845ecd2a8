"""Whose journal entries a commit brings: each entry's key starts with the id of the
copy that wrote it ("d87ab3e7.000012"), and only that copy's key may sign it in.

A copy writes entries of its own only, so a signed commit that brings in another
copy's entry (new against every parent's trusted content) passes a change off as
someone else's: the judge holds it aside. Merges bring nothing new, and a copy
that took a plain `git pull` re-signs the trusted content only.
"""

from __future__ import annotations

import re

from ipcoop.sync.git import Git

# A history line as the file holds it: ' "d87ab3e7.000012": {"at": ...'
_LINE = re.compile(rb'^([+-]) "([0-9a-f]{8})\.(\d+)": \{', re.MULTILINE)
_HELD = re.compile(rb'^ "([0-9a-f]{8})\.(\d+)": \{', re.MULTILINE)


class Entries:
    def __init__(self, git: Git) -> None:
        self.git = git
        self._added: dict[tuple[str, str], set[str]] = {}

    def added(self, parent: str, blob: str) -> set[str]:
        """The entry keys `blob` holds that `parent` (a blob) does not."""
        pair = (parent, blob)
        if pair not in self._added:
            done = self.git.run(
                "diff", "--no-color", "--no-ext-diff", "-U0", parent, blob, check=False
            )
            plus: set[str] = set()
            minus: set[str] = set()
            for sign, copy, number in _LINE.findall(done.stdout):
                (plus if sign == b"+" else minus).add(f"{copy.decode()}.{number.decode()}")
            self._added[pair] = plus - minus
        return self._added[pair]

    def every(self, blob: str) -> set[str]:
        """Every entry key `blob` holds (against a parent with no database)."""
        return keys_in(self.git.run("cat-file", "blob", blob, check=False).stdout)

    def foreign(self, blob: str | None, parents: list[str | None], copy: str) -> list[str]:
        """Entries new against every parent that another copy than `copy` wrote."""
        if blob is None or not parents:
            return []
        new: set[str] | None = None
        for parent in parents:
            if parent == blob:
                return []
            found = self.every(blob) if parent is None else self.added(parent, blob)
            new = found if new is None else new & found
        return sorted(k for k in new or () if k.split(".")[0] != copy)


def keys_in(raw: bytes | None) -> set[str]:
    """Every journal entry key a database file holds."""
    return {f"{c.decode()}.{n.decode()}" for c, n in _HELD.findall(raw or b"")}
