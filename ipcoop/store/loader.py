"""Loading a database: the fast path a cache vouches for, or the careful one.

When the local cache vouches for the file's exact bytes (see `cache`), the
large tables stay raw lines and a one-line change is spliced in
(`rawtable`). Otherwise every record is parsed and checked, and the cache is
written for next time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError
from ipcoop.base.i18n import tr
from ipcoop.store import cache, checks, files, identity, layout
from ipcoop.store.rawtable import RawTable
from ipcoop.store.session import SMALL_TABLES, Database


def load(path: Path, writable: bool) -> Database:
    raw = files.read_bytes(path)
    cached = cache.read(path, raw)
    if cached is not None:
        spans = layout.split_tables(raw)
        if spans is not None:
            try:
                small = {name: layout.parse_body(raw[slice(*spans[name])]) for name in SMALL_TABLES}
            except ValueError:
                small = None
            if small is not None and layout.schema_of(small) == layout.SCHEMA_VERSION:
                # A read keeps the projects it parses in the cache for the next read.
                kept = None if writable else cache.KeptRows(path, raw, cached)
                tables = {
                    name: RawTable(
                        name, raw, *spans[name], kept=kept if name == "projects" else None
                    )
                    for name in layout.RAW_TABLES
                }
                return Database(path, small, tables, writable, cached["stats"], rewrite=False)
    return _careful(path, raw, writable)


def decode_current(
    raw: bytes, path: Path, who: Callable[[], tuple[str, str]]
) -> tuple[dict[str, Any], int, list[str]]:
    """The file's tables in the current schema (an older file migrated in memory,
    `who()` naming the copy for it), the schema it was written in, and the keys
    written twice. DatabaseError if it is not an ipcoop database, or is newer."""
    duplicates: list[str] = []
    data = layout.decode(raw, path, duplicates)
    schema = layout.schema_of(data)
    if schema is None:
        what = layout.shape_problem(data) or tr("no schema version")
        raise DatabaseError(
            tr("{path} is not an ipcoop database ({what}): {recover_hint}").format(
                path=path, what=what, recover_hint=layout.recover_hint(path)
            )
        )
    layout.refuse_newer(schema, path)
    if schema < layout.SCHEMA_VERSION:
        from ipcoop.store import migrate

        data = migrate.upgrade(data, schema, path, *who())
    problem = layout.shape_problem(data)
    if problem:
        raise DatabaseError(
            tr("{path} is not an ipcoop database ({problem}): {recover_hint}").format(
                path=path, problem=problem, recover_hint=layout.recover_hint(path)
            )
        )
    return data, schema, duplicates


def _this_copy(path: Path) -> tuple[str, str]:
    """The copy id and name that a migration records this copy's counter under."""
    copy, name, _ = identity.choose(path, {})
    state = identity.read_local(path)
    return (str(state["copy"]) if isinstance(state.get("copy"), str) else copy), name


def _careful(path: Path, raw: bytes, writable: bool) -> Database:
    """Parse and check everything; write the cache when the file is sound and ours."""
    data, schema, duplicates = decode_current(raw, path, lambda: _this_copy(path))
    migrated = schema < layout.SCHEMA_VERSION
    found = checks.audit(data, duplicates)
    damaged = [p for p in found if p.kind == "damaged"]
    if damaged:
        raise DatabaseError(
            tr(
                "{path} has a damaged record ({text}); it was left as it is ('ipcoop "
                "--db {path} check' lists the problems)"
            ).format(path=path, text=damaged[0].text)
        )
    unsound = [p for p in found if p.kind == "unsound"]
    if writable and unsound:
        more = tr(" and {value} more").format(value=len(unsound) - 1) if len(unsound) > 1 else ""
        raise DatabaseError(
            tr(
                "{path} has problems ({text}{more}); a change would carry them "
                "forward, so nothing was written: 'ipcoop --db {path} check' lists them"
            ).format(path=path, text=unsound[0].text, more=more)
        )
    stats = cache.project_stats(data["projects"])
    ours = not migrated and layout.serialise(data) == raw
    if ours and not unsound:
        cache.write(path, raw, stats)
    small = {name: data[name] for name in SMALL_TABLES}
    tables = {name: RawTable(name, table=data[name]) for name in layout.RAW_TABLES}
    return Database(path, small, tables, writable, stats, rewrite=not ours, problems=found)
