"""What a merge needs to know besides the values: who changed which record's fields
since the common ancestor, and when (from each side's journal); and the conflicts a
merge keeps, as data: their entries, and how `ipcoop conflicts` lists them.
"""

from __future__ import annotations

import json
from typing import Any

from ipcoop.store.layout import Data

MISSING: Any = object()
# Fields that are not edits in their own right.
BOOKKEEPING = ("conflicts", "updated")
REMOVED = "removed"


def group_of(field: str, table: str = "projects") -> tuple[str, ...]:
    """Fields changed together: a status and its done date; the Chinese forms of a
    project's title (an area's, member's or programme's name) and which of them
    were converted."""
    forms = "titles" if table == "projects" else "names"
    # An area's or member's years, a programme's, a project's event: a span changes whole.
    spans = (("from", "until"), ("start", "end"), ("starts_on", "ends_on"))
    # A project's year is its programme's first, and its area one of the programme's:
    # the three change together.
    place = ("programme", "year", "area")
    together = (("status", "done_on", "carried_to"), (forms, "converted"), place)
    for group in (*together, *spans):
        if field in group:
            return group
    return (field,)


def canon(value: Any) -> str:
    if value is MISSING:
        return "\x00"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Provenance:
    """Who changed which record's fields, and when, on one side since the base."""

    def __init__(self, side: Data, base: Data | None) -> None:
        self.changes: dict[tuple[str, str], list[tuple[str, str, set[str]]]] = {}
        # A record as it was just before this side removed it (the latest removal).
        self.removed: dict[tuple[str, str], tuple[str, Any]] = {}
        old = base["history"] if base else {}
        for key, entry in side["history"].items():
            if not isinstance(entry.get("changes"), list):
                continue
            # An entry new on this side, or one this side undid since (undo writes no
            # entry of its own: the records it put back are its copy's change too).
            undone = key in old and entry.get("undone") and not (old[key] or {}).get("undone")
            if key in old and not undone:
                continue
            at, by = str(entry.get("at", "")), str(entry.get("by", "?"))
            for change in entry["changes"]:
                table = change.get("table")
                if "ids" in change:
                    for first, last in change["ids"]:
                        for pid in range(first, last + 1):
                            self._add(table, str(pid), at, by, {REMOVED})
                    continue
                before, after = change.get("before"), change.get("after")
                if before is None or after is None:
                    fields = {REMOVED}
                    if isinstance(before, dict) and after is None and not undone:
                        place = (str(table), str(change.get("id")))
                        if at >= self.removed.get(place, ("", None))[0]:
                            self.removed[place] = (at, before)
                else:
                    fields = {f for f in set(before) | set(after) if before.get(f) != after.get(f)}
                    # Settling a conflict decides its field, even keeping the value shown.
                    settled = set(before.get("conflicts") or {}) - set(after.get("conflicts") or {})
                    for field in settled:
                        fields.update(group_of(field, str(table)))
                self._add(table, str(change.get("id")), at, by, fields)

    def _add(self, table: Any, key: str, at: str, by: str, fields: set[str]) -> None:
        self.changes.setdefault((str(table), key), []).append((at, by, fields))

    def touched(self, table: str, key: str, fields: tuple[str, ...] | None = None) -> bool:
        """Whether this side changed the record (those fields) since the base, even if
        it later set them back: a change taken back is a change too."""
        return any(
            fields is None or changed & set(fields)
            for _, _, changed in self.changes.get((table, key), [])
        )

    def who(
        self, table: str, key: str, fields: tuple[str, ...] | None, doc: Any
    ) -> tuple[str, str]:
        """(by, at) of the latest change to `fields` (None: any) of a record on this side."""
        found = [
            (at, by)
            for at, by, changed in self.changes.get((table, key), [])
            if fields is None or REMOVED in changed or changed & set(fields)
        ]
        if found:
            at, by = max(found)
            return by, at
        stamp = doc.get("updated", "") if isinstance(doc, dict) else ""
        return "?", str(stamp)


def conflict_entry(value: Any, by: str, at: str) -> dict[str, Any]:
    return {"at": at, "by": by, "value": None if value is MISSING else value}


def union_entries(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for values in lists:
        for item in values:
            seen[canon(item)] = item
    return sorted(seen.values(), key=lambda e: (str(e.get("at")), str(e.get("by")), canon(e)))


def open_conflicts(data: Data) -> list[dict[str, Any]]:
    """Every open conflict, as `ipcoop conflicts --json` lists them."""
    out = []
    for table in ("projects", "areas", "members", "programmes"):
        keys = sorted(data[table], key=lambda k: int(k) if table == "projects" else k)
        for key in keys:
            record = data[table][key]
            for field, values in sorted(record.get("conflicts", {}).items()):
                ident: Any = int(key) if table == "projects" else f"{table}/{key}"
                group = group_of(field, table)
                shown: Any = (
                    "kept (changed)"
                    if field == REMOVED
                    else (
                        record.get(field) if len(group) == 1 else {f: record.get(f) for f in group}
                    )
                )
                out.append({"id": ident, "field": field, "values": values, "shown": shown})
    return out
