"""The three-way merge of two copies' data, record by record.

merge(base, ours, theirs) is deterministic and symmetric: swapping ours and
theirs gives the same result, so both sides of a sync write the same bytes.

- Records are matched by key (projects by id, areas by key, members by code,
  programmes by key).
  A record changed on one side takes that side's version; changes to
  different fields of one record are combined.
- The same field changed to different values on both sides is a conflict:
  both values are kept in the record's `conflicts`, with who changed it and
  when (from each side's journal), and the later change is shown. A status
  and its done date count as one field.
- An edit beats a removal: the record stays, with a `removed` conflict.
- The journal merges as a union (its keys never collide); each copy's own
  record in `copies` is changed only by that copy, and two versions of one
  are combined (the higher counter, every block).
"""

from __future__ import annotations

import json
from typing import Any

from ipcoop.store.layout import SCHEMA_VERSION, Data

MISSING: Any = object()
# Fields that are not edits in their own right.
BOOKKEEPING = ("conflicts", "updated")
REMOVED = "removed"


def group_of(field: str, table: str = "projects") -> tuple[str, ...]:
    """Fields changed together: a status and its done date; the Chinese forms of a
    project's title (an area's, member's or programme's name) and which of them
    were converted."""
    forms = "titles" if table == "projects" else "names"
    for group in (("status", "done_on"), (forms, "converted"), ("from", "until")):
        if field in group:
            return group
    return (field,)


def _canon(value: Any) -> str:
    if value is MISSING:
        return "\x00"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Provenance:
    """Who changed which record's fields, and when, on one side since the base."""

    def __init__(self, side: Data, base: Data | None) -> None:
        self.changes: dict[tuple[str, str], list[tuple[str, str, set[str]]]] = {}
        # A record as it was just before this side removed it (the latest removal).
        self.removed: dict[tuple[str, str], tuple[str, Any]] = {}
        seen = set(base["history"]) if base else set()
        for key, entry in side["history"].items():
            if key in seen or not isinstance(entry.get("changes"), list):
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
                    if isinstance(before, dict) and after is None:
                        place = (str(table), str(change.get("id")))
                        if at >= self.removed.get(place, ("", None))[0]:
                            self.removed[place] = (at, before)
                else:
                    fields = {f for f in set(before) | set(after) if before.get(f) != after.get(f)}
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


def _entry(value: Any, by: str, at: str) -> dict[str, Any]:
    return {"at": at, "by": by, "value": None if value is MISSING else value}


def _union(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for values in lists:
        for item in values:
            seen[_canon(item)] = item
    return sorted(seen.values(), key=lambda e: (str(e.get("at")), str(e.get("by")), _canon(e)))


# A project's progress notes and links merge as sets: both sides' additions are kept.
SET_FIELDS = ("progress", "links")


def _as_sets(field: str, base: Any, ours: Any, theirs: Any) -> Any:
    """Two sides' lists merged as sets: what either side added is kept, what either
    side removed is gone (MISSING: an empty list, which the file does not hold)."""

    def keyed(items: Any) -> dict[str, Any]:
        return {_canon(x): x for x in items} if isinstance(items, list) else {}

    b, o, t = keyed(base), keyed(ours), keyed(theirs)
    out = {k: v for k, v in o.items() if k in t or k not in b}
    out.update({k: v for k, v in t.items() if k not in b and k not in out})
    values = list(out.values())
    if field == "links":  # one entry per address: both relabelled it, one label is kept
        by_url: dict[str, Any] = {}
        for link in values:
            url = str(link.get("url")) if isinstance(link, dict) else ""
            kept = by_url.get(url)
            if kept is None or _canon(link) > _canon(kept):
                by_url[url] = link
        values = [link for link in values if by_url.get(str(link.get("url"))) is link]
    if field == "progress":
        values.sort(key=lambda n: (str(n.get("on")), _canon(n)))
    return values or MISSING


def _three(base: Any, ours: Any, theirs: Any) -> tuple[bool, Any]:
    """(agreed, value) of one value's three-way merge; agreed False: a real conflict."""
    if _canon(ours) == _canon(theirs):
        return True, ours
    if _canon(ours) == _canon(base):
        return True, theirs
    if _canon(theirs) == _canon(base):
        return True, ours
    return False, None


def _taken_back(
    table: str,
    key: str,
    group: tuple[str, ...] | None,
    base: Any,
    ours: Any,
    theirs: Any,
    prov: tuple[Provenance, Provenance],
) -> bool:
    """Whether a side that looks unchanged (its value is the base's) changed it and
    set it back since the base, while the other side changed it: both changed it."""
    if _canon(ours) == _canon(theirs):
        return False
    if _canon(ours) == _canon(base):
        return prov[0].touched(table, key, group)
    if _canon(theirs) == _canon(base):
        return prov[1].touched(table, key, group)
    return False


def _values(doc: Any, group: tuple[str, ...]) -> Any:
    if doc is None or doc is MISSING:
        return MISSING
    if len(group) == 1:
        return doc.get(group[0], MISSING)
    return {f: doc.get(f) for f in group}


def _conflicts(base: Any, ours: Any, theirs: Any) -> dict[str, list]:
    found: dict[str, list] = {}
    b = (base or {}).get("conflicts", {}) if isinstance(base, dict) else {}
    o, t = ours.get("conflicts", {}), theirs.get("conflicts", {})
    for field in sorted(set(o) | set(t)):
        agreed, value = _three(b.get(field), o.get(field), t.get(field))
        merged = value if agreed else _union(o.get(field) or [], t.get(field) or [])
        if merged:
            found[field] = merged
    return found


def _survivor(
    table: str, key: str, base: Any, ours: Any, theirs: Any, prov: tuple[Provenance, Provenance]
) -> dict[str, Any]:
    """A record one side removed and the other changed: kept, with a `removed` conflict."""
    kept, kept_prov, gone_prov = (
        (ours, prov[0], prov[1]) if theirs is None else (theirs, prov[1], prov[0])
    )
    by_k, at_k = kept_prov.who(table, key, None, kept)
    by_r, at_r = gone_prov.who(table, key, (REMOVED,), base)
    # What the removing side held last (others' edits merged into it) is kept too:
    # the kept side's changes go on top of it, not on a stale copy.
    last = gone_prov.removed.get((table, key), ("", None))[1]
    if isinstance(last, dict) and isinstance(base, dict):
        mine, other = (kept, last) if kept is ours else (last, kept)
        kept = merge_record(table, key, base, mine, other, prov)
    survivor = dict(kept)
    conflicts = dict(survivor.get("conflicts", {}))
    conflicts[REMOVED] = _union(
        conflicts.get(REMOVED, []),
        [_entry("kept (changed)", by_k, at_k), _entry("removed", by_r, at_r)],
    )
    survivor["conflicts"] = conflicts
    return survivor


def merge_record(
    table: str, key: str, base: Any, ours: Any, theirs: Any, prov: tuple[Provenance, Provenance]
) -> Any:
    """One record's three-way merge (None: removed)."""
    o, t = _canon(ours), _canon(theirs)
    if o == t:
        return ours  # the usual case: each text made once
    b = _canon(base)
    # One side unchanged takes the other's, unless it changed the record and set it back.
    if o == b and not prov[0].touched(table, key):
        return theirs
    if t == b and not prov[1].touched(table, key):
        return ours
    if ours is None or theirs is None:  # an edit beats a removal
        return _survivor(table, key, base, ours, theirs, prov)
    record: dict[str, Any] = {}
    conflicts = _conflicts(base, ours, theirs)
    fields = sorted((set(ours) | set(theirs)) - set(BOOKKEEPING))
    done: set[str] = set()
    for field in fields:
        group = group_of(field, table)
        if group[0] in done:
            continue
        done.add(group[0])
        b, o, t = (_values(doc, group) for doc in (base, ours, theirs))
        if table == "projects" and field in SET_FIELDS:
            value = _as_sets(field, b, o, t)
            if value is not MISSING:
                record[field] = value
            continue
        agreed, value = _three(b, o, t)
        if agreed and _taken_back(table, key, group, b, o, t, prov):
            agreed = False
        if not agreed:
            by_o, at_o = prov[0].who(table, key, group, ours)
            by_t, at_t = prov[1].who(table, key, group, theirs)
            sides = [_entry(o, by_o, at_o), _entry(t, by_t, at_t)]
            winner = max(sides, key=lambda e: (e["at"], e["by"], _canon(e["value"])))
            value = winner["value"]
            conflicts[group[0]] = _union(conflicts.get(group[0], []), sides)
        if value is MISSING:
            continue
        if len(group) == 1:
            record[field] = value
        else:  # a field of the group neither side holds stays absent (an area's titles)
            record.update({f: v for f, v in value.items() if f in ours or f in theirs})
    stamps = [d.get("updated") for d in (ours, theirs) if isinstance(d.get("updated"), str)]
    if stamps:
        record["updated"] = max(stamps)
    if conflicts:
        record["conflicts"] = conflicts
    if table == "projects":
        for field in ("titles", "converted"):  # an absent optional field stays absent
            if record.get(field) is None:
                record.pop(field, None)
    return record


def _merge_table(
    name: str, base: Data | None, ours: Data, theirs: Data, prov: tuple[Provenance, Provenance]
) -> dict[str, Any]:
    b = base[name] if base else {}
    o, t = ours[name], theirs[name]
    out = {}
    for key in set(o) | set(t) | set(b):
        merged = merge_record(name, key, b.get(key), o.get(key), t.get(key), prov)
        if merged is not None:
            out[key] = merged
    return out


def _merge_copies(base: Data | None, ours: Data, theirs: Data) -> dict[str, Any]:
    b = base["copies"] if base else {}
    out = {}
    for key in set(ours["copies"]) | set(theirs["copies"]):
        o, t = ours["copies"].get(key), theirs["copies"].get(key)
        agreed, value = _three(b.get(key), o, t)
        if not agreed:
            o, t = o or {}, t or {}
            blocks = {tuple(x) for x in o.get("blocks", []) + t.get("blocks", [])}
            value = {
                "blocks": sorted([list(x) for x in blocks], key=lambda x: (x[0], _canon(x))),
                "name": max(str(o.get("name", "")), str(t.get("name", ""))),
                "next": max(int(o.get("next", 1)), int(t.get("next", 1))),
            }
        if value is not None:
            out[key] = value
    return out


def _merge_history(base: Data | None, ours: Data, theirs: Data) -> dict[str, Any]:
    b = base["history"] if base else {}
    out = {}
    for key in set(ours["history"]) | set(theirs["history"]):
        o, t = ours["history"].get(key), theirs["history"].get(key)
        agreed, value = _three(b.get(key), o, t)
        if not agreed:  # only its own copy marks an entry undone; both may not agree on it
            sides = [x for x in (o, t) if x is not None]
            value = {
                **max(sides, key=_canon),
                "undone": any(bool(x.get("undone")) for x in sides),
            }
        if value is not None:
            out[key] = value
    return out


def merge(base: Data | None, ours: Data, theirs: Data) -> Data:
    """The merge of two current-schema databases with their common ancestor (or None)."""
    prov = (Provenance(ours, base), Provenance(theirs, base))
    merged = {
        "_meta": {"1": {"schema": SCHEMA_VERSION}},
        "areas": _merge_table("areas", base, ours, theirs, prov),
        "copies": _merge_copies(base, ours, theirs),
        "history": _merge_history(base, ours, theirs),
        "members": _merge_table("members", base, ours, theirs, prov),
        "programmes": _merge_table("programmes", base, ours, theirs, prov),
        "projects": _merge_table("projects", base, ours, theirs, prov),
    }
    keep_referenced(merged, (ours, theirs, base))
    return merged


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


def keep_referenced(merged: Data, sides: tuple[Data | None, ...]) -> None:
    """An area or member removed on one side but still used after the merge is kept,
    with a `removed` conflict: a merge never leaves a project pointing at nothing."""
    used: dict[str, set] = {"areas": set(), "members": set(), "programmes": set()}
    for doc in merged["projects"].values():
        used["areas"].add(doc.get("area"))
        used["members"].update(doc.get("agencies") or [])
        used["programmes"].add(doc.get("programme"))
    for programme in merged["programmes"].values():
        used["areas"].update(a for a in programme.get("areas", []) if isinstance(a, str))
    for table, keys in used.items():
        for key in sorted(k for k in keys if isinstance(k, str) and k not in merged[table]):
            found = [s[table][key] for s in sides if s is not None and key in s[table]]
            if not found:
                continue
            record = dict(max(found, key=_canon))
            record["conflicts"] = {
                **record.get("conflicts", {}),
                REMOVED: [_entry("kept (still used)", "ipcoop", ""), _entry("removed", "?", "")],
            }
            merged[table][key] = record
