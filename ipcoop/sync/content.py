"""A database's content as git holds it: parsed, brought up to date, checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipcoop.errors import DatabaseError
from ipcoop.store import layout, migrate


def parse_blob(raw: bytes, label: str, copy: str = "0", name: str = "?") -> layout.Data:
    """Data of any schema we read, migrated to the current one; DatabaseError otherwise."""
    where = Path(label)
    data: Any = layout.decode(raw, where)
    schema = layout.schema_of(data)
    if schema is None:
        raise DatabaseError(f"{label} is not an ipcoop database")
    if schema > layout.SCHEMA_VERSION:
        raise DatabaseError(
            f"{label} was written by a newer ipcoop (schema {schema}; this version reads up "
            f"to {layout.SCHEMA_VERSION}); upgrade ipcoop, then sync again. Nothing was changed"
        )
    if schema < layout.SCHEMA_VERSION:
        data = migrate.upgrade(data, schema, where, copy, name)
    problem = layout.shape_problem(data)
    if problem:
        raise DatabaseError(f"{label} is not an ipcoop database ({problem})")
    return data


def incoming_problem(ours: layout.Data | None, theirs: layout.Data) -> str | None:
    """The first reason this copy would refuse what the remote holds, or None.

    Only the projects the remote changed are checked (every command checks a
    record the same way when it changes it), with the whole of the small tables:
    a record no local command would write must not come in by a merge either.
    """
    from ipcoop.store.checks import audit

    mine = ours["projects"] if ours else {}
    changed = {k: v for k, v in theirs["projects"].items() if mine.get(k) != v}

    def probe(data: layout.Data, projects: dict[str, Any]) -> dict[str, Any]:
        return {**{name: dict(table) for name, table in data.items()}, "projects": projects}

    known = {p.text for p in audit(probe(ours, {}))} if ours else set()
    for problem in audit(probe(theirs, changed)):
        if problem.kind != "note" and problem.text not in known:
            return problem.text
    return None
