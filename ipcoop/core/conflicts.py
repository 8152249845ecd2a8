"""Conflicts a merge kept: told in words, and settled by keeping one of their values.

A conflict is data (see store.merge): a field both sides set differently,
with each value, who set it and when; the later one is shown. Setting the
field again settles it; `settle` sets it to one of the values kept.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base import models
from ipcoop.base.errors import InvalidValue, NotFound
from ipcoop.store.merge import REMOVED, open_conflicts

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
    """A line for reports made from values still in conflict ("" when none are)."""
    ids = []
    for conflict in of_projects(db):
        doc = db.projects_table.get(str(conflict["id"])) or {}
        if programme is not None and doc.get("programme") != programme:
            continue
        if years is not None and not years[0] <= int(doc.get("year", 0)) <= years[1]:
            continue
        ids.append(conflict["id"])
    if not ids:
        return ""
    shown = ", ".join(map(str, sorted(set(ids))[:10]))
    return (
        f"Warning: project(s) {shown} hold values both sides set differently; the later "
        f"one is shown here. 'ipcoop conflicts' lists them, 'ipcoop settle' keeps one"
    )


def every(db: Any) -> list[dict[str, Any]]:
    """Every open conflict, of projects and of the rest, as the data holds them."""
    return open_conflicts(db.data())


def others(db: Any) -> list[dict[str, Any]]:
    """Open conflicts on areas, members and programmes."""
    return open_conflicts({**{name: db.tables[name] for name in NONE}, "projects": {}})


def value_text(value: Any) -> str:
    """A kept value as people read it: 'done (2020-11-30)', 'yes', 'HKIPD, GDAMR'."""
    if isinstance(value, dict) and "status" in value:
        done_on = value.get("done_on")
        return f"{value['status']} ({done_on})" if done_on else str(value["status"])
    if isinstance(value, dict) and "titles" in value:
        forms = value.get("titles") or {}
        shown = [f"{tag}: {text}" for tag, text in sorted(forms.items()) if text]
        return models.sanitize("; ".join(shown) or "(none)")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return models.sanitize(", ".join(map(str, value)) or "(none)")
    if value is None or value == "":
        return "(none)"
    return models.sanitize(str(value))


def settle(db: Any, project_id: int, field: str, choice: int) -> str:
    """Keep value `choice` (1, 2, ... as listed) of a project's conflict on `field`,
    as a change of this copy's (journalled, undoable); returns what was kept."""
    found = [c for c in of_projects(db, project_id) if c["field"] == field]
    if not found:
        listed = ", ".join(c["field"] for c in of_projects(db, project_id)) or "none"
        raise NotFound(
            f"project {project_id} has no conflict on {field!r} (its conflicts: {listed}); "
            f"'ipcoop conflicts' lists them"
        )
    values = found[0]["values"]
    if not 1 <= choice <= len(values):
        raise InvalidValue(f"choose a value from 1 to {len(values)}, as 'ipcoop conflicts' lists")
    value = values[choice - 1]["value"]
    if field == REMOVED and value == "removed":
        db.remove_projects([project_id])
        return "removed"
    from ipcoop.core import tracker

    tracker.settle_field(db, project_id, field, None if field == REMOVED else value)
    return value_text(value)
