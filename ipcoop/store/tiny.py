"""TinyDB over one command's tables: its Storage and Table extension points.

The session (`session.Database`) holds the command's tables in memory; the
Storage here hands them to TinyDB and takes its writes back, so that TinyDB's
tables and queries work on records while the file itself is written once,
atomically and deterministically, by the session's commit. Keyed tables
(areas by key, members by code) use string document ids; projects use the
project id.

Where a measured target needs a path around TinyDB, the session takes it:
a one-project change on a 50,000-project file splices one line into the raw
table (rawtable.py), since TinyDB's table update converts every document of
the table for each operation; a bulk insert (import, carry) puts its new
records straight into the parsed table (see docs/benchmarks.md for the figures).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table


class _Tables(MutableMapping):
    """The session's tables as TinyDB reads them: raw tables are parsed on first use."""

    def __init__(self, session: Any) -> None:
        self.session = session

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name in self.session.raw:
            return self.session.raw[name].load()
        return self.session.tables[name]

    def __setitem__(self, name: str, table: dict[str, Any]) -> None:
        from ipcoop.store.rawtable import RawTable

        if name in self.session.raw:
            self.session.raw[name] = RawTable(name, table=table)
        else:
            self.session.tables[name] = table

    def __delitem__(self, name: str) -> None:  # pragma: no cover - tables are never dropped
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter([*self.session.tables, *self.session.raw])

    def __len__(self) -> int:
        return len(self.session.tables) + len(self.session.raw)


class SessionStorage(Storage):
    def __init__(self, session: Any) -> None:
        self.tables = _Tables(session)

    def read(self) -> MutableMapping:  # type: ignore[override]  # live tables, not a copy
        return self.tables

    def write(self, data: MutableMapping) -> None:
        pass  # the tables were changed in place; the session's commit writes the file


class RecordTable(Table):
    """A table whose document ids are the records' keys: strings, or project ids."""

    def __init__(self, storage: Storage, name: str, **kwargs: Any) -> None:
        super().__init__(storage, name, **kwargs)
        if name != "projects":
            self.document_id_class = str  # type: ignore[assignment]

    def put(self, key: Any, doc: dict[str, Any]) -> None:
        """Store `doc` whole under `key` (TinyDB's update would merge fields)."""
        if self.contains(doc_id=key):

            def replace(stored: dict[str, Any]) -> None:
                stored.clear()
                stored.update(doc)

            self.update(replace, doc_ids=[key])  # type: ignore[arg-type]
        else:
            self.insert(Document(doc, doc_id=key))


class SessionTinyDB(TinyDB):
    table_class = RecordTable  # type: ignore[assignment]  # TinyDB's documented extension


def open_tinydb(session: Any) -> SessionTinyDB:
    return SessionTinyDB(storage=SessionStorage, session=session)
