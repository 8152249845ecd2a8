"""The journal: every changing command, by which copy, when; and undo.

History entries are keyed by the copy that wrote them and its sequence
number ("<copy>.<seq>"), so both sides' entries merge as a union; only the
copy that wrote an entry ever marks it undone.
"""

from __future__ import annotations

import json
from typing import Any

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr


def entry_hash(entry: Any) -> str:
    """What the copy's next entry names as its `prev`: a hash of the entry as written
    (without `undone`, which only its copy changes later). Each copy's entries thus
    form a chain: one dropped or reordered breaks it, and `ipcoop verify` says so."""
    import hashlib
    import json

    body = {k: v for k, v in entry.items() if k != "undone"} if isinstance(entry, dict) else entry
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def broken_chains(history: dict[str, Any]) -> list[str]:  # in English: verify's JSON says them
    """Each copy's entries in order of their sequence: where one does not name the
    entry before it (an entry dropped, changed or put out of order)."""
    by_copy: dict[str, dict[int, Any]] = {}
    for key, entry in history.items():
        copy, _, number = key.rpartition(".")
        if number.isdigit():
            by_copy.setdefault(copy, {})[int(number)] = entry
    found = []
    for copy, entries in sorted(by_copy.items()):
        for seq in sorted(entries):
            entry = entries[seq]
            prev = entry.get("prev") if isinstance(entry, dict) else None
            if prev is None:
                continue  # written before entries were chained
            before = entries.get(seq - 1)
            if before is None:
                found.append(f"entry {copy}.{seq:06d} follows an entry that is missing")
            elif entry_hash(before) != prev:
                found.append(f"entry {copy}.{seq:06d} does not follow the entry before it")
    return found


def entries(db: Any) -> list[dict[str, Any]]:
    """Every entry, oldest first: by time, then copy and sequence."""
    history = db.history()
    out = []
    for key, entry in history.items():
        copy, _, seq = key.rpartition(".")
        out.append({"key": key, "copy": copy, "seq": int(seq) if seq.isdigit() else 0, **entry})
    out.sort(key=lambda e: (str(e.get("at", "")), e["copy"], e["seq"]))
    return out


def _matches(current: Any, after: Any) -> bool:
    """Whether a record is as a command left it (older journals kept only a title)."""
    if after is None or current is None:
        return after is current
    if set(after) <= {"title"}:
        return all(current.get(k) == v for k, v in after.items())
    strip = {"conflicts", "order"}  # older journals kept no order; conflicts are not edits
    return {k: v for k, v in current.items() if k not in strip} == {
        k: v for k, v in after.items() if k not in strip
    }


def _current(db: Any, table: str, key: Any) -> Any:
    if table == "projects":
        return db.projects_table.get(str(key))
    return db.tables[table].get(key)


def undo(db: Any, copy: str, skip: bool = False) -> dict[str, Any]:
    """Revert this copy's last command that is not undone; return its entry.

    Refuses when a record it changed has been changed since (by the other
    side, through a merge): undoing would throw that change away. With
    `skip`, such commands stay as they are and the newest one that can be
    undone is. The id counter is left alone, so undone ids are never handed
    out again.
    """
    history = db.raw["history"].load()
    mine = [e for e in entries(db) if e["copy"] == copy and not e.get("undone")]
    if not mine:
        raise IpcoopError(tr("nothing to undo (undo reverts this copy's own commands)"))
    refused: list[IpcoopError] = []
    for entry in sorted(mine, key=lambda e: e["seq"], reverse=True):
        try:
            changes = _undoable(db, entry)
        except IpcoopError as exc:
            if not skip:
                raise IpcoopError(
                    tr(
                        "{exc}; 'ipcoop undo --skip' leaves it and undoes the newest command "
                        "that can be"
                    ).format(exc=exc)
                ) from None
            refused.append(exc)
            continue
        _revert(db, changes, copy)
        stored = {k: v for k, v in entry.items() if k not in ("key", "copy", "seq")}
        history[entry["key"]] = {**stored, "undone": True}
        return entry
    raise IpcoopError(
        tr("{refused}; no older command of this copy can be undone either").format(
            refused=refused[0]
        )
    )


def _undoable(db: Any, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entry's changes, if every record it changed is still as it left it."""
    changes = entry.get("changes")
    if not isinstance(changes, list):
        raise IpcoopError(
            tr("the journal entry of '{get}' is malformed; it cannot be undone").format(
                get=entry.get("command")
            )
        )
    going: set[str] = set()  # projects the undo removes (added by the command)
    for change in changes:
        table = change.get("table")
        if "ids" in change:
            for first, last in change["ids"]:
                for pid in range(first, last + 1):
                    doc = _current(db, "projects", pid)
                    if doc is not None and doc.get("updated") != change.get("stamp"):
                        raise _changed_since(entry, pid)
                    going.add(str(pid))
        elif not _matches(_current(db, table, change.get("id")), change.get("after")):
            _refuse_if_in_conflict(entry, change, _current(db, table, change.get("id")))
            raise _changed_since(entry, change.get("id"), table)
        else:
            _refuse_if_in_conflict(entry, change, _current(db, table, change.get("id")))
            if table == "projects" and change.get("before") is None:
                going.add(str(change.get("id")))
    # Projects as the undo leaves them: removed (added by it) or as they were before it.
    after_undo: dict[str, Any] = dict.fromkeys(going)
    for change in changes:
        if "ids" not in change and change.get("table") == "projects" and change["before"]:
            after_undo[str(change.get("id"))] = change["before"]
    for change in changes:
        if "ids" not in change and change["table"] != "projects" and change["before"] is None:
            _refuse_if_used(db, entry, change["table"], change["id"], after_undo)
    return changes


def _refuse_if_in_conflict(entry: dict[str, Any], change: dict[str, Any], current: Any) -> None:
    """A record whose changed field holds the other side's value too (a conflict): going
    back to the value before would throw the other side's away with it."""
    from ipcoop.store.provenance import group_of

    before, after = change.get("before") or {}, change.get("after") or {}
    if not isinstance(current, dict) or not current.get("conflicts"):
        return
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    for field in sorted(current["conflicts"]):
        if set(group_of(field, change["table"])) & changed:
            key = change.get("id")
            ident = key if change["table"] == "projects" else f"{change['table']}/{key}"
            raise IpcoopError(
                tr(
                    "cannot undo '{get}': the other side set {field} of {ident} too, and "
                    "both values are kept as a conflict; settle it first ('ipcoop "
                    "conflicts' lists it, 'ipcoop settle {ident} {field} N' keeps one); "
                    "nothing was changed"
                ).format(get=entry.get("command"), field=field, ident=ident)
            )


def _kept_by_others(db: Any, copy: str, change: dict[str, Any]) -> Any:
    """The record as it was before `change`, with the links and progress notes that
    another copy's command added too (the same link, added on both sides): undoing
    one side's leaves the other's."""
    before, pid = change["before"], change["id"]
    current = db.projects_table.get(str(pid))
    if not isinstance(before, dict) or not isinstance(current, dict):
        return before
    extra: dict[str, list[Any]] = {}
    for entry in entries(db):
        if entry["copy"] == copy or entry.get("undone"):
            continue
        for other in entry.get("changes") or []:
            if other.get("table") != "projects" or other.get("id") != pid or "ids" in other:
                continue
            was, now = other.get("before") or {}, other.get("after") or {}
            for field in ("links", "progress"):
                added = [i for i in now.get(field) or [] if i not in (was.get(field) or [])]
                extra.setdefault(field, []).extend(added)
    out = dict(before)
    for field, items in extra.items():
        kept = list(out.get(field) or [])
        seen = {_item_key(field, i) for i in kept}
        for item in current.get(field) or []:  # as it is now, where the other's still is
            key = _item_key(field, item)
            if key not in seen and any(_item_key(field, i) == key for i in items):
                kept.append(item)
                seen.add(key)
        if kept:
            out[field] = kept  # (an empty list is not stored)
    return out


def _item_key(field: str, item: Any) -> Any:
    """A link is one per address; a progress note is itself."""
    if field == "links" and isinstance(item, dict):
        return item.get("url")
    return json.dumps(item, sort_keys=True)


def _revert(db: Any, changes: list[dict[str, Any]], copy: str = "") -> None:
    for change in reversed(changes):
        table = change["table"]
        if "ids" in change:
            for first, last in change["ids"]:
                for pid in range(first, last + 1):
                    db.projects_table.put(str(pid), None)
        elif table == "projects":
            db.projects_table.put(str(change["id"]), _kept_by_others(db, copy, change))
        elif change["before"] is None:
            db.tables[table].pop(change["id"], None)
        else:
            records = db.tables[table]
            before = dict(change["before"])
            if "order" not in before:  # an older journal's record: keep its place
                current = records.get(change["id"]) or {}
                before["order"] = current.get("order") or 1 + max(
                    (r.get("order", 0) for r in records.values()), default=0
                )
            records[change["id"]] = before


def _refuse_if_used(
    db: Any, entry: dict[str, Any], table: str, key: Any, after_undo: dict[str, Any]
) -> None:
    """An area or programme a command made is not undone while a project uses it
    (one added since, perhaps by the other side): the project would point at nothing.
    Projects are judged as the same undo leaves them (`after_undo`: removed, None, or
    as before the command: an edit that moved a project there is undone with it)."""
    field = {"areas": "area", "programmes": "programme", "members": "agencies"}.get(table)
    if field is None:
        return
    for pid, stored in db.projects_table.load().items():
        doc = after_undo.get(str(pid), stored)
        value = doc.get(field) if doc is not None else None
        used = key in value if isinstance(value, list) else value == key
        if doc is not None and used:
            raise IpcoopError(
                tr(
                    "cannot undo '{get}': project {pid} uses the {rstrip} {key} it made "
                    "(see 'ipcoop log'); nothing was changed"
                ).format(get=entry.get("command"), pid=pid, rstrip=table.rstrip("s"), key=key)
            )


def _changed_since(entry: dict[str, Any], key: Any, table: str = "projects") -> IpcoopError:
    what = f"project {key}" if table == "projects" else f"{table.rstrip('s')} {key}"
    return IpcoopError(
        tr(
            "cannot undo '{get}': {what} has been changed since (see 'ipcoop "
            "log'); nothing was changed"
        ).format(get=entry.get("command"), what=what)
    )


def ranges(ids: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def last_of(history: Any, copy: str) -> tuple[str | None, int]:
    """This copy's last journal key and its number (None, 0: none yet). A key no
    command wrote (a hand edit, 'abcd0123.x') is passed over, not read as a number."""
    last = history.last_key(copy + ".")
    tail = last.rsplit(".", 1)[1] if last else "0"
    if tail.isdigit():
        return last, int(tail)
    tails = [k.rsplit(".", 1)[1] for k in history.load() if k.startswith(copy + ".")]
    seq = max((int(t) for t in tails if t.isdigit()), default=0)
    return (f"{copy}.{seq:06d}" if seq else None), seq
