"""One command's view of the database: load, read, change in memory, commit once.

Changes are applied in memory, recorded in the journal, and written once,
by `commit`, atomically. A database opened for writing holds the lock from
before it is read until after it is written.

Loading takes one of two paths. When the local cache vouches for the file's
exact bytes (see `cache`), the large tables stay raw lines and a one-line
change is spliced in (`rawtable`). Otherwise the careful path parses
everything, checks every record, and writes the cache for next time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipcoop.base.errors import DatabaseError, IpcoopError, NotFound
from ipcoop.base.i18n import tr
from ipcoop.store import cache, checks, files, identity, journal, layout
from ipcoop.store.layout import shape
from ipcoop.store.rawtable import RawTable

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project

SMALL_TABLES = tuple(t for t in layout.TABLES if t not in layout.RAW_TABLES)
# Bulk inserts (import, carry) record id ranges in the journal, not every record.
BULK = 20
# More single-project edits than this, and the whole table is parsed and rewritten.
SPLICE_LIMIT = 64


class Database:
    def __init__(
        self,
        path: Path,
        small: dict[str, dict[str, Any]],
        raw: dict[str, RawTable],
        writable: bool,
        stats: dict[str, Any] | None,
        rewrite: bool,
        problems: Sequence[checks.Problem] = (),
    ) -> None:
        self.path = path
        self.writable = writable
        self.tables = small
        self.raw = raw
        self._stats = stats
        self._rewrite = rewrite  # write the whole file (migrated, or not of our layout)
        self.problems = list(problems)
        self.warnings: list[str] = []
        self._changes: list[dict[str, Any]] = []
        self._dirty = False
        self._me: tuple[str, str, bool] | None = None
        self.before_write: Any = lambda: None  # the lock's last check, set by open_write
        self._tiny: Any = None

    # ------------------------------------------------------------------ reads
    @property
    def projects_table(self) -> RawTable:
        return self.raw["projects"]

    def _doc(self, project_id: int) -> dict[str, Any] | None:
        doc = self.projects_table.get(str(project_id))
        damage = checks.project_damage(doc) if doc is not None else None
        if damage:
            raise self._damaged(f"project {project_id}: {damage}")
        return doc

    def _damaged(self, what: str) -> DatabaseError:
        return DatabaseError(
            tr(
                "{path} has a damaged record ({what}); it was left as it is ('ipcoop "
                "--db {path} check' lists the problems)"
            ).format(path=self.path, what=what)
        )

    def has_project(self, project_id: int) -> bool:
        return self.projects_table.get(str(project_id)) is not None

    def project(self, project_id: int) -> Project:
        doc = self._doc(project_id)
        if doc is None:
            raise NotFound(
                tr("no project with id {project_id} (see 'ipcoop list')").format(
                    project_id=project_id
                )
            )
        return shape(project_id, doc)

    def projects(self) -> list[Project]:
        """Every project as a contract-shaped dict, in id order."""
        table = self.projects_table.load()
        return [shape(int(k), table[k]) for k in sorted(table, key=int)]

    def rows(self) -> list[Project]:
        """Every project, cheaply: the stored records themselves with their id added.

        Only for a read-only database, whose records are never written back.
        """
        if self.writable:
            return self.projects()
        table = self.projects_table.load()
        rows = []
        none: list[str] = []  # shared by rows without title forms: read-only, never written
        for key, doc in table.items():
            doc["id"] = int(key)
            if "titles" not in doc:
                doc["titles"] = layout.NO_TITLES
                doc["converted"] = none
            rows.append(doc)
        rows.sort(key=lambda row: row["id"])
        return rows

    def existing(self, ids: Sequence[int]) -> dict[int, Project]:
        """The projects of those ids that exist, read in one pass over the table
        (a lookup per id would scan the raw table once per id)."""
        wanted = sorted({i for i in ids if i >= 1})
        docs = self.projects_table.get_many([str(i) for i in wanted])
        return {pid: shape(pid, doc) for pid, doc in zip(wanted, docs, strict=True) if doc}

    def projects_by_id(self, ids: list[int]) -> list[Project]:
        docs = self.projects_table.get_many([str(i) for i in ids])
        out = []
        for pid, doc in zip(sorted(ids), docs, strict=True):
            if doc is None or checks.project_damage(doc):
                raise self._damaged(f"project {pid}")
            out.append(shape(pid, doc))
        return out

    def stats(self) -> dict[str, Any] | None:
        """The summary figures for the file as it is, or None (then count rows)."""
        if self.projects_table.edits or self._dirty:
            return None
        return self._stats

    def areas(self) -> list[dict[str, Any]]:
        table = self.tables["areas"]
        ordered = sorted(table, key=lambda k: (table[k].get("order", 0), k))
        return [{k: v for k, v in table[key].items() if k != "order"} for key in ordered]

    def members(self) -> list[dict[str, Any]]:
        table = self.tables["members"]
        ordered = sorted(table, key=lambda k: (table[k].get("order", 0), k))
        return [{k: v for k, v in table[key].items() if k != "order"} for key in ordered]

    def copies(self) -> dict[str, Any]:
        return self.tables["copies"]

    def history(self) -> dict[str, Any]:
        return self.raw["history"].load()

    def data(self) -> dict[str, dict[str, Any]]:
        """Every table, parsed (for whole-file work: conflicts, merges)."""
        return {**self.tables, **{name: t.load() for name, t in self.raw.items()}}

    @property
    def tiny(self) -> Any:
        """TinyDB over this command's tables (made on first use: reads need none)."""
        if self._tiny is None:
            from ipcoop.store.tiny import open_tinydb

            self._tiny = open_tinydb(self)
        return self._tiny

    # ------------------------------------------------------------------ identity
    def me(self) -> tuple[str, str]:
        """(copy id, name) of this copy; a new copy gets a record of its own."""
        if self._me is None:
            self._me = identity.choose(self.path, self.copies())
        return self._me[0], self._me[1]

    def _my_record(self) -> dict[str, Any]:
        copy, name = self.me()
        copies = self.copies()
        if copy not in copies:
            # The first copy of a database owns every id; a later one leases blocks.
            blocks = [] if copies else [[1, None]]
            copies[copy] = {"blocks": blocks, "name": name, "next": 1}
        return copies[copy]

    def allocate(self, count: int) -> list[int]:
        self._require_writable()
        state = identity.read_local(self.path)
        record = self._my_record()
        try:
            ids, warnings = identity.allocate(
                record, count, state.get("pending", []), self.has_project, int(state.get("high", 0))
            )
        except IpcoopError:
            identity.note_need(self.path, count)  # the next sync leases enough for it
            raise
        self.warnings += warnings
        self._dirty = True
        return ids

    def ids_left(self) -> int | None:
        """How many ids this copy can still hand out without a sync (None: any number)."""
        copy, _ = self.me()
        copies = self.copies()
        if copy not in copies:
            return None if not copies else 0  # the first copy owns every id
        pending = identity.read_local(self.path).get("pending", [])
        return identity.free_ids(copies[copy], pending)

    # ------------------------------------------------------------------ changes
    def _require_writable(self) -> None:
        if not self.writable:
            raise IpcoopError(tr("internal: the database was opened read-only"))

    def _record(self, table: str, key: Any, before: Any, after: Any) -> None:
        self._changes.append({"table": table, "id": key, "before": before, "after": after})
        self._dirty = True

    def _put(self, project_id: int, doc: dict[str, Any] | None) -> None:
        table = self.projects_table
        if table.raw and len(table.edits) >= SPLICE_LIMIT:
            table.load()
        if table.raw:  # the measured fast path: splice one line (see store.tiny)
            table.put(str(project_id), doc)
        elif doc is None:
            self.tiny.table("projects").remove(doc_ids=[project_id])
        else:
            self.tiny.table("projects").put(project_id, doc)

    def _complete(self, record: dict[str, Any]) -> dict[str, Any]:
        """A new record as stored: its programme (the calendar one of its year if it
        names none, made if missing), and no carry-over."""
        doc = layout.canonical_project(record)
        doc.pop("id", None)
        doc["uuid"] = identity.new_uuid()  # a new project, wherever its fields came from
        doc.setdefault("carried_to", None)
        doc.setdefault("programme", str(doc["year"]))
        if doc["programme"] not in self.tables["programmes"]:
            from ipcoop.store.migrate import calendar_programme

            made = calendar_programme(int(doc["year"]), self.areas())
            self.put_keyed("programmes", doc["programme"], {**made, "key": doc["programme"]})
        return doc

    def insert_project(self, record: dict[str, Any]) -> int:
        """Store a new project under a new id of this copy's; return the id."""
        (project_id,) = self.allocate(1)
        doc = self._complete(record)
        self._put(project_id, doc)
        self._record("projects", project_id, None, doc)
        return project_id

    def insert_projects(self, records: list[dict[str, Any]]) -> list[int]:
        """Store many new projects in one pass (for import and carry)."""
        if len(records) < BULK:
            return [self.insert_project(r) for r in records]
        ids = self.allocate(len(records))
        stamp = records[0].get("created")
        docs = [self._complete(record) for record in records]
        raw = self.projects_table
        taken = [pid for pid in ids if raw.get(str(pid)) is not None]
        if taken:  # allocate never hands out a stored id; refuse rather than overwrite
            raise DatabaseError(
                tr("{path}: id {taken} is taken; nothing was changed").format(
                    path=self.path, taken=taken[0]
                )
            )
        if raw.raw and len(raw.edits) + len(docs) < SPLICE_LIMIT:
            # A sheet of a few dozen: spliced in as lines, the rest of the file untouched
            # (20 new projects into 50,000: 0.2 s instead of 1 s parsing and rewriting all).
            for pid, doc in zip(ids, docs, strict=True):
                raw.put(str(pid), doc)
        else:
            # Straight into the parsed table: TinyDB's insert_multiple would copy every
            # record twice more and convert every key of the table (an import of 1,000
            # projects: 5 ms and TinyDB's import, of about 60 ms in all).
            table = raw.load()
            table.update((str(pid), doc) for pid, doc in zip(ids, docs, strict=True))
        self._changes.append(
            {"table": "projects", "ids": journal.ranges(ids), "before": None, "stamp": stamp}
        )
        self._dirty = True
        return ids

    def replace_project(self, record: Mapping[str, Any], settles: tuple[str, ...] = ()) -> None:
        """Store `record` (with its id) in place of the project of that id.

        A conflict on a field is settled when the command sets that field
        (`settles`) or changes its value; conflicts on other fields stay.
        """
        self._require_writable()
        project_id = int(record["id"])
        before = self._doc(project_id)
        if before is None:
            raise NotFound(tr("no project with id {project_id}").format(project_id=project_id))
        before = dict(before)  # the stored record may be changed in place below
        doc = layout.canonical_project(record)
        doc.pop("id", None)
        if "conflicts" in before and "conflicts" not in record:
            # Any change to the project keeps it: that settles an edit-against-removal.
            kept = {
                f: v
                for f, v in before["conflicts"].items()
                if f != "removed"
                and f not in settles
                and all(before.get(g) == doc.get(g) for g in _group(f))
            }
            if kept:
                doc["conflicts"] = kept
        if doc == before:
            return
        self._put(project_id, doc)
        self._record("projects", project_id, before, doc)

    def remove_projects(self, project_ids: list[int]) -> None:
        self._require_writable()
        table = self.projects_table
        if table.raw and len(project_ids) + len(table.edits) > SPLICE_LIMIT:
            table.load()
        for pid in project_ids:
            before = self._doc(pid)
            if before is None:
                raise NotFound(tr("no project with id {pid}").format(pid=pid))
            self._put(pid, None)
            self._record("projects", pid, dict(before), None)

    def put_keyed(self, table: str, key: str, doc: dict[str, Any] | None) -> None:
        """Add, replace or (None) remove one area or member."""
        self._require_writable()
        records = self.tables[table]
        before = records.get(key)
        before = dict(before) if before is not None else None  # stored ones change in place
        if doc is not None:
            order = before.get("order") if before else None
            if order is None:
                order = max((r.get("order", 0) for r in records.values()), default=0) + 1
            doc = {**doc, "order": order}
        if doc == before:
            return
        if doc is None:
            self.tiny.table(table).remove(doc_ids=[key])
        else:
            self.tiny.table(table).put(key, doc)
        self._record(table, key, before, doc)

    def put_area(self, area: dict[str, Any]) -> None:
        self.put_keyed("areas", area["key"], area)

    def remove_area(self, key: str) -> None:
        self.put_keyed("areas", key, None)

    # ------------------------------------------------------------------ journal
    def undo_last(self, skip: bool = False) -> dict[str, Any]:
        from ipcoop.store.journal import undo

        self._require_writable()
        self.projects_table.load()
        entry = undo(self, self.me()[0], skip)
        self._dirty = True
        return entry

    def commit(self, command: str, at: str) -> bool:
        """Write the command's changes, with their journal entry, atomically.

        Returns whether anything was written. Once the file is replaced, nothing
        here raises: the change is made.
        """
        self._require_writable()
        if not self._dirty:
            return False
        copy, name = self.me()
        self._my_record()
        if self._changes:
            from ipcoop.store.journal import entry_hash, last_of

            history = self.raw["history"]
            last, seq = last_of(history, copy)
            entry = {"at": at, "by": name, "command": command, "changes": self._changes}
            if last:  # the chain of this copy's entries (schema 8)
                entry["prev"] = entry_hash(history.get(last))
            history.put(f"{copy}.{seq + 1:06d}", entry)
        payload = self.serialise()
        stats = self._new_stats()
        self.before_write()
        files.atomic_write(self.path, payload)
        # The change is made; the rest is local housekeeping that may not fail it.
        try:
            cache.write(self.path, payload, stats)
            copy, name = self.me()
            identity.save_high(self.path, copy, name, self.copies().get(copy, {}).get("next", 1))
        except Exception:
            cache.forget(self.path)
        self._changes = []
        self._dirty = False
        return True

    def serialise(self) -> bytes:
        if self._rewrite:
            for table in self.raw.values():
                table.load()
        bodies = {name: [layout.table_body(name, self.tables[name])] for name in SMALL_TABLES}
        bodies.update({name: table.pieces() for name, table in self.raw.items()})
        return layout.assemble(bodies)

    def _new_stats(self) -> dict[str, Any]:
        table = self.projects_table
        if table.raw and self._stats is not None:
            return cache.adjust(self._stats, table.edits, table.originals)
        return cache.project_stats(table.load())


def _group(field: str) -> tuple[str, ...]:
    """Fields that are set together (a status and its done date)."""
    return ("status", "done_on") if field in ("status", "done_on") else (field,)
