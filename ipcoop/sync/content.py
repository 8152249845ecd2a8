"""A database's content as git holds it: parsed, brought up to date, checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError
from ipcoop.base.i18n import tr
from ipcoop.store import layout, migrate


def parse_blob(raw: bytes, label: str, copy: str = "0", name: str = "?") -> layout.Data:
    """Data of any schema we read, migrated to the current one; DatabaseError otherwise."""
    where = Path(label)
    duplicates: list[str] = []
    data: Any = layout.decode(raw, where, duplicates)
    if duplicates:
        raise DatabaseError(
            tr(
                "{label} holds the key {duplicates!r} twice in one object (one of the "
                "two records would be lost)"
            ).format(label=label, duplicates=duplicates[0])
        )
    schema = layout.schema_of(data)
    if schema is None:
        raise DatabaseError(tr("{label} is not an ipcoop database").format(label=label))
    if schema > layout.SCHEMA_VERSION:
        raise DatabaseError(
            tr(
                "{label} was written by a newer ipcoop (schema {schema}; this version "
                "reads up to {schema_version}); upgrade ipcoop, then sync again. "
                "Nothing was changed"
            ).format(label=label, schema=schema, schema_version=layout.SCHEMA_VERSION)
        )
    if schema < layout.SCHEMA_VERSION:
        data = migrate.upgrade(data, schema, where, copy, name)
    problem = layout.shape_problem(data)
    if problem:
        raise DatabaseError(
            tr("{label} is not an ipcoop database ({problem})").format(label=label, problem=problem)
        )
    return data
