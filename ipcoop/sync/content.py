"""A database's content as git holds it: parsed, brought up to date, checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError
from ipcoop.store import layout, migrate


def parse_blob(raw: bytes, label: str, copy: str = "0", name: str = "?") -> layout.Data:
    """Data of any schema we read, migrated to the current one; DatabaseError otherwise."""
    where = Path(label)
    duplicates: list[str] = []
    data: Any = layout.decode(raw, where, duplicates)
    if duplicates:
        raise DatabaseError(
            f"{label} holds the key {duplicates[0]!r} twice in one object (one of the two "
            f"records would be lost)"
        )
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
