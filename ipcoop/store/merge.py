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

from typing import Any

from ipcoop.store.layout import SCHEMA_VERSION, Data
from ipcoop.store.provenance import (
    BOOKKEEPING,
    MISSING,
    REMOVED,
    Provenance,
    canon,
    conflict_entry,
    group_of,
    union_entries,
)

# A project's progress notes and links merge as sets: both sides' additions are kept.
SET_FIELDS = ("progress", "links")


def _as_sets(field: str, base: Any, ours: Any, theirs: Any, prefer: int = 0) -> Any:
    """Two sides' lists merged as sets: what either side added is kept, what either
    side removed is gone (MISSING: an empty list, which the file does not hold).
    Links keep one entry per address: where both sides relabelled one, `prefer`
    says whose label (1 ours, 2 theirs, 0 the later in canonical order)."""

    def keyed(items: Any) -> dict[str, Any]:
        return {canon(x): x for x in items} if isinstance(items, list) else {}

    b, o, t = keyed(base), keyed(ours), keyed(theirs)
    out = {k: v for k, v in o.items() if k in t or k not in b}
    out.update({k: v for k, v in t.items() if k not in b and k not in out})
    values = list(out.values())
    if field == "links":  # one entry per address: both relabelled it, one label is kept
        by_url: dict[str, Any] = {}
        side = o if prefer == 1 else t if prefer == 2 else {}
        for link in values:
            url = str(link.get("url")) if isinstance(link, dict) else ""
            kept = by_url.get(url)
            if kept is None or (canon(link) in side, canon(link)) > (
                canon(kept) in side,
                canon(kept),
            ):
                by_url[url] = link
        values = [link for link in values if by_url.get(str(link.get("url"))) is link]
    if field == "progress":
        values.sort(key=lambda n: (str(n.get("on")), canon(n)))
    return values or MISSING


def _relabelled(
    key: str,
    base: Any,
    ours: Any,
    theirs: Any,
    merged: list[Any],
    docs: tuple[dict[str, Any], dict[str, Any]],
    prov: tuple[Provenance, Provenance],
    conflicts: dict[str, Any],
) -> list[Any]:
    """Both sides gave one link different labels: a conflict on `links` whose values
    are the merged links with each side's labels (the later side's is shown)."""
    choices = [_as_sets("links", base, ours, theirs, prefer) for prefer in (1, 2)]
    if canon(choices[0]) == canon(choices[1]):
        return merged
    sides = []
    for n, value in enumerate(choices):
        by, at = prov[n].who("projects", key, ("links",), docs[n])
        sides.append(conflict_entry(value, by, at))
    winner = max(sides, key=lambda e: (e["at"], e["by"], canon(e["value"])))
    conflicts["links"] = union_entries(conflicts.get("links", []), sides)
    return winner["value"]


def _three(base: Any, ours: Any, theirs: Any) -> tuple[bool, Any]:
    """(agreed, value) of one value's three-way merge; agreed False: a real conflict."""
    if canon(ours) == canon(theirs):
        return True, ours
    if canon(ours) == canon(base):
        return True, theirs
    if canon(theirs) == canon(base):
        return True, ours
    return False, None


_FORMS = ("zh-hk", "zh-cn")


# Groups merged part by part: Chinese forms each on its own, years each on its own.
PARTS = ("titles", "names", "from", "start")
# The release's wording, in three languages: one side's zh-hk and the other's en both stay.
WORDINGS = ("phrases", "phrases_back", "statement")


def _by_language(base: Any, ours: Any, theirs: Any) -> Any:
    """A wording both sides changed, merged language by language when they changed
    different ones; None: a real conflict (MISSING: no text left in any)."""
    sides = [value if isinstance(value, dict) else {} for value in (base, ours, theirs)]
    merged = {}
    for tag in ("en", "zh-hk", "zh-cn"):
        agreed, value = _three(*(side.get(tag) for side in sides))
        if not agreed:
            return None
        merged[tag] = value
    return merged if any(merged.values()) else MISSING


def _by_part(
    table: str, group: tuple[str, ...], base: Any, ours: Any, theirs: Any
) -> dict[str, Any] | None:
    """A group both sides changed, merged part by part when the parts do not clash:
    each Chinese form on its own (a form a person typed beats one made by conversion
    from the other's), or each of the years (if they still fit: from <= until).
    None: a real conflict."""
    if not isinstance(ours, dict) or not isinstance(theirs, dict):
        return None
    b = base if isinstance(base, dict) else dict.fromkeys(group)
    if group[0] in ("from", "start"):
        merged = {}
        for name in group:
            agreed, value = _three(b.get(name), ours.get(name), theirs.get(name))
            if not agreed:
                return None
            merged[name] = value
        start, end = (merged[name] for name in group)
        fits = start is None or end is None or type(start) is not type(end) or start <= end
        return merged if fits else None
    forms = group[0]

    def parts(value: dict[str, Any]) -> dict[str, tuple[Any, bool]]:
        given: dict[str, Any] = value[forms] if isinstance(value.get(forms), dict) else {}
        made: list[Any] = value["converted"] if isinstance(value.get("converted"), list) else []
        return {tag: (given.get(tag), tag in made) for tag in _FORMS}

    pb, po, pt = parts(b), parts(ours), parts(theirs)
    chosen = {}
    for tag in _FORMS:
        agreed, value = _three(pb[tag], po[tag], pt[tag])
        if not agreed:  # both changed it: a person's form beats a conversion
            if po[tag][1] == pt[tag][1]:
                return None
            value = pt[tag] if po[tag][1] else po[tag]
        chosen[tag] = value
    names = {tag: chosen[tag][0] for tag in _FORMS}
    made = [tag for tag in _FORMS if chosen[tag][1]]
    if table == "projects":  # a project without forms holds neither field
        return {forms: names if any(names.values()) else None, "converted": made or None}
    return {forms: names, "converted": made}


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
    if canon(ours) == canon(theirs):
        return False
    if canon(ours) == canon(base):
        return prov[0].touched(table, key, group)
    if canon(theirs) == canon(base):
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
        merged = value if agreed else union_entries(o.get(field) or [], t.get(field) or [])
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
    conflicts[REMOVED] = union_entries(
        conflicts.get(REMOVED, []),
        [conflict_entry("kept (changed)", by_k, at_k), conflict_entry("removed", by_r, at_r)],
    )
    survivor["conflicts"] = conflicts
    return survivor


def merge_record(
    table: str, key: str, base: Any, ours: Any, theirs: Any, prov: tuple[Provenance, Provenance]
) -> Any:
    """One record's three-way merge (None: removed)."""
    o, t = canon(ours), canon(theirs)
    if o == t:
        return ours  # the usual case: each text made once
    b = canon(base)
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
            if field == "links" and value is not MISSING:
                value = _relabelled(key, b, o, t, value, (ours, theirs), prov, conflicts)
            if value is not MISSING:
                record[field] = value
            continue
        agreed, value = _three(b, o, t)
        if not agreed and group[0] in (*PARTS, *WORDINGS):
            value = _by_part(table, group, b, o, t) if group[0] in PARTS else _by_language(b, o, t)
            agreed = value is not None
        if agreed and _taken_back(table, key, group, b, o, t, prov):
            agreed = False
        if not agreed:
            by_o, at_o = prov[0].who(table, key, group, ours)
            by_t, at_t = prov[1].who(table, key, group, theirs)
            sides = [conflict_entry(o, by_o, at_o), conflict_entry(t, by_t, at_t)]
            winner = max(sides, key=lambda e: (e["at"], e["by"], canon(e["value"])))
            value = winner["value"]
            conflicts[group[0]] = union_entries(conflicts.get(group[0], []), sides)
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
        # An absent optional field stays absent (a span one side cleared: no dates).
        for field in ("titles", "converted", "starts_on", "ends_on"):
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
                "blocks": sorted([list(x) for x in blocks], key=lambda x: (x[0], canon(x))),
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
                **max(sides, key=canon),
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
            record = dict(max(found, key=canon))
            record["conflicts"] = {
                **record.get("conflicts", {}),
                REMOVED: [
                    conflict_entry("kept (still used)", "ipcoop", ""),
                    conflict_entry("removed", "?", ""),
                ],
            }
            merged[table][key] = record
