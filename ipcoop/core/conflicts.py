"""Conflicts a merge kept: told in words, and settled by keeping one of their values.

A conflict is data (see store.merge): a field both sides set differently,
with each value, who set it and when; the later one is shown. Setting the
field again settles it; `settle` sets it to one of the values kept.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base import models, safe
from ipcoop.base.errors import InvalidValue, IpcoopError, NotFound
from ipcoop.base.i18n import tr
from ipcoop.store.provenance import REMOVED, group_of, open_conflicts

NONE: dict[str, dict[str, Any]] = {"areas": {}, "members": {}, "programmes": {}}


def of_projects(db: Any, project_id: int | None = None) -> list[dict[str, Any]]:
    """The open conflicts of projects (of one project), each with the project's title.
    Most databases have none: the table is then not parsed at all."""
    table = db.projects_table
    if project_id is not None:
        doc = table.get(str(project_id))
        docs = {str(project_id): doc} if doc else {}
    elif table.mentions(b'"conflicts"'):
        docs = table.load()
    else:
        return []
    return [
        {**c, "title": docs[str(c["id"])]["title"]}
        for c in open_conflicts({**NONE, "projects": docs})
    ]


def warning(db: Any, programme: str | None = None, years: tuple[int, int] | None = None) -> str:
    """A warning for reports made from values still in conflict ("" when none are)."""
    ids = []
    for conflict in of_projects(db):
        doc = db.projects_table.get(str(conflict["id"])) or {}
        if programme is not None and doc.get("programme") != programme:
            continue
        if years is not None and not years[0] <= int(doc.get("year", 0)) <= years[1]:
            continue
        ids.append(conflict["id"])
    # Areas, members and programmes a report names (their names, years, leaders).
    records = sorted({str(c["id"]) for c in others(db)})
    if not ids and not records:
        return ""
    named = (
        [tr("project(s) {items}").format(items=", ".join(map(str, sorted(set(ids))[:10])))]
        if ids
        else []
    )
    named += [", ".join(records[:10])] if records else []
    return tr(
        "{items} hold values both sides set differently; the later one is shown "
        "here. 'ipcoop conflicts' lists them, 'ipcoop settle' keeps one"
    ).format(items=tr(" and ").join(named))


def every(db: Any) -> list[dict[str, Any]]:
    """Every open conflict, of projects and of the rest, as the data holds them."""
    return open_conflicts(db.data())


def others(db: Any) -> list[dict[str, Any]]:
    """Open conflicts on areas, members and programmes."""
    return open_conflicts({**{name: db.tables[name] for name in NONE}, "projects": {}})


def value_text(value: Any) -> str:
    """A kept value as people read it: 'done (2020-11-30)', 'yes', 'HKIPD, GDAMR'."""
    if isinstance(value, dict) and "status" in value:
        done_on, carried_to = value.get("done_on"), value.get("carried_to")
        if carried_to:
            return f"{value['status']} (to project {carried_to})"
        return f"{value['status']} ({done_on})" if done_on else str(value["status"])
    if isinstance(value, dict) and "titles" in value:
        forms = value.get("titles") or {}
        shown = [f"{tag}: {text}" for tag, text in sorted(forms.items()) if text]
        return safe.sanitize("; ".join(shown) or "(none)")
    if isinstance(value, dict):  # a group set together, or the forms of a name
        if value and set(value) <= set(models.LANGS):
            shown = [f"{tag}: {text}" for tag, text in value.items() if text]
            return safe.sanitize("; ".join(shown) or "(none)")
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        items = (value_text(v) if isinstance(v, dict) else str(v) for v in value)
        return safe.sanitize(", ".join(items) or "(none)")
    if value is None or value == "":
        return "(none)"
    return safe.sanitize(str(value))


def settle(db: Any, project_id: int, field: str, choice: int) -> str:
    """Keep value `choice` (1, 2, ... as listed) of a project's conflict on `field`,
    as a change of this copy's (journalled, undoable); returns what was kept."""
    found = [c for c in of_projects(db, project_id) if c["field"] == field]
    if not found:
        listed = ", ".join(c["field"] for c in of_projects(db, project_id)) or tr("none")
        raise NotFound(
            tr(
                "project {project_id} has no conflict on {field!r} (its conflicts: "
                "{listed}); 'ipcoop conflicts' lists them"
            ).format(project_id=project_id, field=field, listed=listed)
        )
    value = _chosen(found[0]["values"], choice)
    if field == REMOVED and value == "removed":
        db.remove_projects([project_id])
        return "removed"
    from ipcoop.core import tracker

    orphans = _carried_copies_let_go(db, found[0]["values"], value) if field == "status" else []
    tracker.settle_field(db, project_id, field, None if field == REMOVED else value)
    if orphans:  # the carry the settle did not keep: its copy goes with it
        db.remove_projects(orphans)
    return value_text(value) + (
        f" (project {', '.join(map(str, orphans))}, carried into another programme by the "
        f"value not kept, was removed)"
        if orphans
        else ""
    )


def _as_carried(copy: dict[str, Any]) -> bool:
    """Whether a carry's copy is as the carry made it (seconds are too coarse to tell by
    its stamps): planned, with the carry's note and nothing added since."""
    from ipcoop.core.periods import CARRY_NOTE

    made = CARRY_NOTE.split("{id}")[0]
    return (
        copy["status"] == "planned"
        and str(copy["notes"]).startswith(made)
        and not copy["progress"]
        and not copy["links"]
        and not copy.get("conflicts")
    )


def _carried_copies_let_go(db: Any, values: list[dict[str, Any]], kept: Any) -> list[int]:
    """The copies made by a carry among a status conflict's values that the value kept
    does not name. A copy changed since the carry is refused: a person decides it."""
    keeps = kept.get("carried_to") if isinstance(kept, dict) else None
    named = {
        v["value"].get("carried_to")
        for v in values
        if isinstance(v.get("value"), dict) and v["value"].get("carried_to")
    }
    found = db.existing(sorted(n for n in named if n != keeps and isinstance(n, int)))
    for pid, copy in found.items():
        if not _as_carried(copy):
            raise IpcoopError(
                tr(
                    "project {pid}, the copy the carry made, has changed since; settle it "
                    "once you have decided about project {pid} ('ipcoop remove {pid}' if "
                    "it should go, or keep the carry). Nothing was changed"
                ).format(pid=pid)
            )
    return sorted(found)


def settle_record(db: Any, ident: str, field: str, choice: int) -> str:
    """Keep value `choice` of a conflict on an area, member or programme, named as
    'ipcoop conflicts' lists it ('areas/gba'); journalled and undoable like any
    change. Keeping a removal removes the record, if nothing uses it any more."""
    table, _, key = ident.partition("/")
    if table not in NONE or not key:
        raise InvalidValue(
            tr(
                "{ident!r} is neither a project id nor an area, member or programme as "
                "'ipcoop conflicts' lists it (e.g. areas/gba)"
            ).format(ident=ident)
        )
    record = db.tables[table].get(key)
    if record is None:
        raise NotFound(
            tr("there is no {table} {key!r}; 'ipcoop conflicts' lists them").format(
                table=table[:-1], key=key
            )
        )
    held = record.get("conflicts") or {}
    if field not in held:
        listed = ", ".join(sorted(held)) or tr("none")
        raise NotFound(
            tr(
                "{ident} has no conflict on {field!r} (its conflicts: {listed}); "
                "'ipcoop conflicts' lists them"
            ).format(ident=ident, field=field, listed=listed)
        )
    value = _chosen(held[field], choice)
    if field == REMOVED and value == "removed":
        _remove(db, table, key)  # refused while projects or programmes still use it
        return "removed"
    kept = dict(record)
    if field != REMOVED:
        group = group_of(field, table)
        given = value if len(group) > 1 and isinstance(value, dict) else {field: value}
        for name in group:
            if name in given and (given[name] is not None or name in kept):
                kept[name] = given[name]
    from ipcoop.core.languages import settled

    db.put_keyed(table, key, settled(kept, [field]))
    return "kept" if field == REMOVED else value_text(value)


def _chosen(values: list[dict[str, Any]], choice: int) -> Any:
    """Value number `choice` (1, 2, ... as 'ipcoop conflicts' lists them)."""
    if not 1 <= choice <= len(values):
        raise InvalidValue(
            tr("choose a value from 1 to {count}, as 'ipcoop conflicts' lists").format(
                count=len(values)
            )
        )
    return values[choice - 1]["value"]


def _remove(db: Any, table: str, key: str) -> None:
    if table == "areas":
        from ipcoop.core.areas import remove_area

        remove_area(db, key)
    elif table == "members":
        from ipcoop.core.members import remove_member

        remove_member(db, key)
    else:  # a programme: no command removes one, and one still used must stay
        used = [p["id"] for p in db.projects() if p["programme"] == key]
        if used:
            raise IpcoopError(
                tr(
                    "programme {key!r} holds {count} project(s) (e.g. {used}); it stays: "
                    "keep value 1 to settle the conflict"
                ).format(key=key, count=len(used), used=used[0])
            )
        db.put_keyed("programmes", key, None)
