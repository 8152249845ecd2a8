"""The data file: the only module that touches it, and the only one that imports TinyDB.

The file is one TinyDB JSON document with four tables:

    _meta     doc 1: {"schema": 1, "next_id": N}
    areas     one doc per area:   {"key", "name", "from", "until"}
    members   one doc per agency: {"code", "name", "side"}
    projects  doc id = project id: the project without its id
    history   the undo journal: one doc per changing command (the last MAX_HISTORY)

Promises kept here:
- A command's changes are applied to an in-memory copy and written once, at
  commit, atomically (temp file in the same folder, fsync, os.replace, fsync
  of the folder). A crash leaves the old file or the new one.
- Changing commands hold an inter-process lock for their whole
  read-modify-write; a lock not got within the timeout is a DatabaseError.
- Project ids come from `next_id`, which never goes down (not even on undo),
  so a removed project's id is never given out again.
- A corrupt file, or one from a newer schema, is refused and never written.
- The file is written deterministically: tables by name, docs by id, one doc
  per line, keys sorted, UTF-8 without \\u escapes. It diffs well in git.
- Before each replace, the previous good file is kept as `<name>.bak`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ipcoop.errors import DatabaseError, IpcoopError, NotFound
from ipcoop.models import PROJECT_FIELDS, STATUSES

SCHEMA_VERSION = 1
MAX_HISTORY = 100
DEFAULT_LOCK_TIMEOUT = 5.0
TABLES = ("_meta", "areas", "history", "members", "projects")
APP_NAME = "ipcoop"
FILE_NAME = "ipcoop.json"


# --------------------------------------------------------------------------- paths


def default_path() -> Path:
    """The database in the user data dir (XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / FILE_NAME


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def lock_timeout() -> float:
    raw = os.environ.get("IPCOOP_LOCK_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return value if value >= 0 else DEFAULT_LOCK_TIMEOUT


# --------------------------------------------------------------------------- reading


def _recover_hint(path: Path) -> str:
    bak = backup_path(path)
    if bak.exists():
        return (
            f"it was left as it is; the previous version is kept in {bak.name}, and "
            f"'ipcoop --db {path} check --restore' puts it back"
        )
    return (
        f"it was left as it is; restore it from a backup, or move it aside "
        f"and run 'ipcoop --db {path} init' to start again"
    )


def parse_text(raw: bytes, path: Path) -> dict[str, dict[str, Any]]:
    """Decode and check the shape of a database file; raise DatabaseError if unusable."""
    if not raw or raw.isspace():
        raise DatabaseError(f"{path} is empty (0 bytes of data): {_recover_hint(path)}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DatabaseError(f"{path} is not UTF-8 text: {_recover_hint(path)}") from None
    except json.JSONDecodeError as exc:
        raise DatabaseError(
            f"{path} is corrupt (not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}): {_recover_hint(path)}"
        ) from None
    problem = shape_problem(data)
    if problem:
        raise DatabaseError(f"{path} is not an ipcoop database ({problem}): {_recover_hint(path)}")
    schema = data["_meta"]["1"]["schema"]
    if schema > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer ipcoop (schema {schema}; this version reads "
            f"up to {SCHEMA_VERSION}); upgrade ipcoop to use it. The file was not changed"
        )
    return data


def shape_problem(data: Any) -> str | None:
    """Why `data` is not a database of ours, or None if its shape is right."""
    if not isinstance(data, dict):
        return f"the top level is a {type(data).__name__}, not an object"
    for table in TABLES:
        if table not in data:
            return f"the table {table!r} is missing"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"the table {name!r} is not an object"
        if name == "projects":
            # Tens of thousands of records: their ids and fields are checked as
            # they are read (Database.rows and projects), not in a pass of their own.
            continue
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or int(doc_id) < 1:
                return f"the table {name!r} has a bad id {doc_id!r}"
            if not isinstance(doc, dict):
                return f"the record {name}/{doc_id} is not an object"
    meta = data["_meta"].get("1")
    if meta is None:
        return "the schema record is missing"
    schema, next_id = meta.get("schema"), meta.get("next_id")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        return "the schema version is missing or bad"
    if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 1:
        return "the id counter is missing or bad"
    return None


def read_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatabaseError(
            f"no database at {path}; create it with 'ipcoop --db {path} init'"
        ) from None
    except IsADirectoryError:
        raise DatabaseError(f"{path} is a folder, not a database file") from None
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from None
    return parse_text(raw, path)


# --------------------------------------------------------------------------- writing


def doc_line(doc_id: str | int, doc: dict[str, Any]) -> str:
    """One document as the file holds it: ' "id": {...}' (no trailing comma)."""
    return f' "{doc_id}": {json.dumps(doc, ensure_ascii=False, sort_keys=True)}'


def _table_body(table: dict[str, Any]) -> str:
    """A table's documents, each on its own line after a newline, commas between."""
    ids = sorted(table, key=int)
    return ",".join(f"\n{doc_line(doc_id, table[doc_id])}" for doc_id in ids)


def _checksum(body: bytes, stats: Any) -> int:
    """CRC-32 of the projects body and the summary figures kept for it."""
    import zlib

    figures = json.dumps(stats, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return zlib.crc32(body, zlib.crc32(figures))


def assemble(data: dict[str, dict[str, Any]], projects_body: bytes) -> bytes:
    """The whole file from the other tables and the projects table's body.

    The id counter's record carries a checksum of the projects body, so that a
    later change can trust that body without parsing it (see `Database`).
    """
    meta = dict(data["_meta"]["1"])
    meta["projects_crc"] = _checksum(projects_body, meta.get("stats"))
    tables = {**data, "_meta": {**data["_meta"], "1": meta}}
    parts = []
    for name in sorted(tables):
        if name == "projects":
            continue
        parts.append(f"{json.dumps(name)}: {{{_table_body(tables[name])}\n}}".encode())
    parts.append(b'"projects": {' + projects_body + b"\n}")
    return b"{\n" + b",\n".join(parts) + b"\n}\n"


def serialise(data: dict[str, dict[str, Any]]) -> bytes:
    """The whole file for `data`, deterministically: tables by name (projects
    last), one document per line, ids in numeric order, keys sorted, UTF-8
    without \\u escapes. Recomputes the summary figures in `data`'s _meta."""
    projects = data.get("projects", {})
    data["_meta"]["1"]["stats"] = project_stats(projects)
    return assemble(data, _table_body(projects).encode("utf-8"))


def dump(data: dict[str, dict[str, Any]]) -> str:
    return serialise(data).decode("utf-8")


# --------------------------------------------------------------------------- summary figures
#
# The id counter's record also carries the figures a summary needs, per
# programme year: project counts by area and status, done projects by the
# year of their done_on, and the ids of the key projects. A summary then reads
# those and the lines of the key projects it lists, not 10,000 records.
# A full write recomputes them; a one-line change adjusts them for the lines
# it changes; `check` compares them with the records.

STATUS_INDEX = {status: i for i, status in enumerate(STATUSES)}


def project_stats(table: dict[str, Any]) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for key, doc in table.items():
        count_project(stats, int(key), doc, 1)
    return tidy_stats(stats)


def count_project(stats: dict[str, Any], project_id: int, doc: dict[str, Any], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) one project's part of the figures."""
    entry = stats.setdefault(str(doc["year"]), {"areas": {}, "done_on": {}, "key": []})
    counts = entry["areas"].setdefault(doc["area"], [0, 0, 0, 0])
    counts[STATUS_INDEX[doc["status"]]] += sign
    if doc["status"] == "done":
        when = doc["done_on"][:4] if doc["done_on"] else ""
        entry["done_on"][when] = entry["done_on"].get(when, 0) + sign
    if doc["key"]:
        if sign > 0:
            entry["key"].append(project_id)
        else:
            entry["key"].remove(project_id)


def tidy_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Drop what counts nothing, sort the ids: equal figures give equal bytes."""
    out = {}
    for year, entry in stats.items():
        areas = {a: c for a, c in entry["areas"].items() if any(c)}
        if not areas:
            continue
        out[year] = {
            "areas": areas,
            "done_on": {y: n for y, n in entry["done_on"].items() if n},
            "key": sorted(entry["key"]),
        }
    return out


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str | bytes, keep_backup: bool = True) -> None:
    """Replace `path` with `text` so that a crash leaves the old or the new file.

    The previous file, if any, is kept as `<name>.bak` (a hard link, so no copy
    is made and the old bytes are never rewritten).
    """
    payload = text.encode("utf-8") if isinstance(text, str) else text
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile

    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if keep_backup and path.exists():
            _keep_backup(path)
        os.replace(tmp, path)
        tmp = None
        _sweep(path)
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise DatabaseError(f"cannot write {path}: {reason}; the file was not changed") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_dir(folder)


def _sweep(path: Path) -> None:
    """Remove temp files that killed writers left behind.

    Every writer makes its temp files while holding the lock, which we hold
    now, so any still here belong to a process that died mid-write.
    """
    for pattern in (f".{path.name}.*.tmp", f".{backup_path(path).name}.*.tmp"):
        for leftover in path.parent.glob(pattern):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _keep_backup(path: Path) -> None:
    """Point `<name>.bak` at the current file, atomically, without copying it."""
    bak = backup_path(path)
    link = bak.with_name(f".{bak.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(link)
    try:
        os.link(path, link)
    except OSError:
        # Hard links unsupported (some network or FAT file systems): copy instead.
        import shutil

        shutil.copy2(path, link)
    try:
        os.replace(link, bak)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(link)
        raise


# --------------------------------------------------------------------------- locking


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the database's inter-process lock, or raise DatabaseError after the timeout.

    On POSIX this is flock(2) on `<file>.lock`, taken directly: importing
    filelock costs about 28 ms (it pulls in asyncio-era machinery), a third of
    what `add` does on 10,000 projects. It is the same lock filelock's
    UnixFileLock takes, so the two interoperate. Elsewhere, filelock.
    """
    timeout = lock_timeout()
    try:
        import fcntl
    except ImportError:  # Windows
        with _filelock(path, timeout):
            yield
        return
    import time

    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseError(f"cannot lock {path}: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _lock_timed_out(path, timeout) from None
                time.sleep(0.02)
            except OSError as exc:
                raise DatabaseError(f"cannot lock {path}: {exc.strerror or exc}") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _lock_timed_out(path: Path, timeout: float) -> DatabaseError:
    return DatabaseError(
        f"{path} is locked by another ipcoop command (waited {timeout:g} s); "
        f"try again when it has finished"
    )


@contextlib.contextmanager
def _filelock(path: Path, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise _lock_timed_out(path, timeout) from None
    except OSError as exc:
        raise DatabaseError(f"cannot lock {path}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


# --------------------------------------------------------------------------- the session


def shape(row: dict[str, Any]) -> dict[str, Any]:
    """A row from `Database.rows()` in the contract's shape and field order."""
    return _shape(row["id"], row)


def _shape(project_id: int, doc: dict[str, Any]) -> dict[str, Any]:
    """A stored project as the contract's JSON shape, fields in contract order."""
    return {
        "id": project_id,
        "title": doc["title"],
        "area": doc["area"],
        "year": doc["year"],
        "status": doc["status"],
        "key": doc["key"],
        "lead": doc["lead"],
        "agencies": list(doc["agencies"]),
        "notes": doc["notes"],
        "done_on": doc["done_on"],
        "created": doc["created"],
        "updated": doc["updated"],
    }


def _tinydb(owner: Database) -> Any:
    """A TinyDB over the command's in-memory tables (`owner._data`).

    Its storage reads and writes that dict and never the disk: the file is
    written once, by `Database.commit`.
    """
    from tinydb import TinyDB
    from tinydb.storages import Storage

    class BufferedStorage(Storage):
        def read(self) -> dict[str, dict[str, Any]]:
            return owner._data

        def write(self, data: dict[str, dict[str, Any]]) -> None:
            owner._data = data

    return TinyDB(storage=BufferedStorage)


# Bulk inserts (import, carry) record an id range in the journal, not every record.
BULK = 20
# More single-project edits than this, and the whole file is parsed and rewritten.
SPLICE_LIMIT = 64


class Database:
    """One command's view of the database.

    Reads go to the loaded data; changes are applied in memory, recorded for
    the undo journal, and written once by `commit()`.

    Changing commands usually touch a project or two, so a database opened
    for writing keeps the projects table as its raw bytes (`_body`) when the
    checksum in the file says that body is what ipcoop last wrote: the
    projects it needs are parsed one line at a time, and commit splices the
    changed lines into the old bytes. The bytes written are exactly what
    `dump` would write, so the file stays deterministic. Anything that needs
    every project (or many changes) parses the whole table first.
    """

    def __init__(
        self,
        path: Path,
        data: dict[str, dict[str, Any]],
        writable: bool,
        body: bytes | None = None,
    ) -> None:
        self.path = path
        self._tiny: Any = None  # TinyDB, made on first use (a one-line change needs none)
        self._data = data
        self.writable = writable
        self._body = body  # raw projects table, or None when data["projects"] is parsed
        self._edits: dict[int, dict[str, Any] | None] = {}  # id -> new doc, None = removed
        self._parsed: dict[int, dict[str, Any]] = {}  # lines of _body parsed so far
        self._originals: dict[int, dict[str, Any] | None] = {}  # before this command
        self._changes: list[dict[str, Any]] = []
        self._dirty = False

    # -- raw access
    @property
    def _db(self) -> Any:
        if self._tiny is None:
            self._tiny = _tinydb(self)
        return self._tiny

    @property
    def meta(self) -> dict[str, Any]:
        return self._data["_meta"]["1"]

    @property
    def next_id(self) -> int:
        return int(self.meta["next_id"])

    def _load_all(self) -> dict[str, Any]:
        """The projects table as a dict, parsing the raw body (and edits) if needed."""
        if self._body is not None:
            try:
                table = json.loads(b"{" + self._body + b"}")
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise DatabaseError(f"{self.path} is corrupt: {_recover_hint(self.path)}") from None
            for pid, doc in self._edits.items():
                if doc is None:
                    table.pop(str(pid), None)
                else:
                    table[str(pid)] = doc
            self._data["projects"] = table
            self._body = None
            self._edits = {}
            self._parsed = {}
            self._originals = {}
        return self._data["projects"]

    def _doc(self, project_id: int) -> dict[str, Any] | None:
        """The stored document of one project, or None."""
        if self._body is None:
            return self._data["projects"].get(str(project_id))
        if project_id in self._edits:
            return self._edits[project_id]
        if project_id not in self._parsed:
            span = self._find(project_id)
            if span is None:
                return None
            self._parsed[project_id] = self._line_doc(*span)
        return self._parsed[project_id]

    def _find(self, project_id: int, start: int = 0) -> tuple[int, int] | None:
        """Where project_id's line is in the raw body: (start, end), newline excluded."""
        assert self._body is not None
        at = self._body.find(b'\n "%d": ' % project_id, start)
        if at < 0:
            return None
        end = self._body.find(b"\n", at + 1)
        return at + 1, (len(self._body) if end < 0 else end)

    def _line_doc(self, start: int, end: int) -> dict[str, Any]:
        """The document on one line of the raw body."""
        assert self._body is not None
        try:
            doc = json.loads(self._body[start:end].split(b": ", 1)[1].rstrip(b","))
        except (ValueError, IndexError):
            raise DatabaseError(f"{self.path} is corrupt: {_recover_hint(self.path)}") from None
        if not isinstance(doc, dict):
            raise self._damaged(TypeError(f"line {start} is not an object"))
        return doc

    # -- reads
    def projects(self) -> list[dict[str, Any]]:
        """Every project as a contract-shaped dict (id first), in id order."""
        table = self._load_all()
        try:
            return [_shape(int(k), table[k]) for k in sorted(table, key=int)]
        except (KeyError, TypeError, ValueError) as exc:
            raise self._damaged(exc) from None

    def rows(self) -> list[dict[str, Any]]:
        """Every project, cheaply: the stored records themselves with their id added.

        Field order is the file's, not the contract's (`shape` fixes that for
        output). Only for a read-only database, whose records are never written.
        """
        if self.writable:
            return self.projects()
        table = self._load_all()
        rows = []
        last = 0
        in_order = True
        try:
            for key, doc in table.items():
                doc["id"] = number = int(key)
                in_order = in_order and number > last
                last = number
                # A stored record has 11 fields; with its id, 12.
                if len(doc) != 12:
                    missing = [f for f in PROJECT_FIELDS if f not in doc]
                    raise KeyError(missing[0] if missing else "(unknown)")
                rows.append(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise self._damaged(exc) from None
        if not in_order:  # a hand-edited file; ours are written in id order
            rows.sort(key=lambda row: row["id"])
        return rows

    def stats(self) -> dict[str, Any] | None:
        """The summary figures kept in the file, when they can be trusted as is.

        Only while the projects table is still raw (checksum vouched for) and
        unchanged by this command; otherwise None, and the caller counts rows.
        """
        if self._body is None or self._edits or "stats" not in self.meta:
            return None
        return self.meta["stats"]

    def projects_by_id(self, ids: list[int]) -> list[dict[str, Any]]:
        """The projects with these ids, in id order (one pass over the raw table)."""
        if self._body is None:
            return [self.project(i) for i in sorted(ids)]
        out = []
        start = 0
        for pid in sorted(ids):  # the body is in id order: each search starts where the last ended
            span = self._find(pid, start)
            if span is None:
                raise self._damaged(KeyError(f"project {pid}"))
            try:
                out.append(_shape(pid, self._line_doc(*span)))
            except (KeyError, TypeError) as exc:
                raise self._damaged(exc) from None
            start = span[1]
        return out

    def project(self, project_id: int) -> dict[str, Any]:
        doc = self._doc(project_id)
        if doc is None:
            raise NotFound(f"no project with id {project_id} (see 'ipcoop list')")
        try:
            return _shape(project_id, doc)
        except (KeyError, TypeError) as exc:
            raise self._damaged(exc) from None

    def _damaged(self, exc: Exception) -> DatabaseError:
        return DatabaseError(
            f"{self.path} has a damaged project record (missing or bad: {exc}); it was left "
            f"as it is ('ipcoop --db {self.path} check' lists the problems)"
        )

    def has_project(self, project_id: int) -> bool:
        return self._doc(project_id) is not None

    def areas(self) -> list[dict[str, Any]]:
        table = self._data["areas"]
        return [dict(table[k]) for k in sorted(table, key=int)]

    def members(self) -> list[dict[str, Any]]:
        table = self._data["members"]
        return [dict(table[k]) for k in sorted(table, key=int)]

    def history(self) -> list[dict[str, Any]]:
        table = self._data["history"]
        return [{"seq": int(k), **table[k]} for k in sorted(table, key=int)]

    # -- changes
    def _require_writable(self) -> None:
        if not self.writable:
            raise IpcoopError("internal: the database was opened read-only")

    def _record(self, table: str, doc_id: int, before: Any, after: Any) -> None:
        self._changes.append({"table": table, "id": doc_id, "before": before, "after": after})
        self._dirty = True

    def _put_doc(self, project_id: int, doc: dict[str, Any] | None) -> None:
        """Set (or, with None, remove) one project's document."""
        if self._body is not None and len(self._edits) >= SPLICE_LIMIT:
            self._load_all()
        if self._body is not None:
            if project_id not in self._originals:
                self._originals[project_id] = self._doc(project_id)
            self._edits[project_id] = doc
            self._parsed.pop(project_id, None)
            return
        from tinydb.table import Document

        table = self._db.table("projects")
        if doc is None:
            table.remove(doc_ids=[project_id])
        elif str(project_id) in self._data["projects"]:
            # TinyDB's update() merges fields; a project is replaced whole.
            self._data["projects"][str(project_id)] = doc
        else:
            table.insert(Document(doc, doc_id=project_id))

    def insert_project(self, record: dict[str, Any]) -> int:
        """Store a new project under the next id; return the id."""
        self._require_writable()
        project_id = self.next_id
        doc = {k: v for k, v in record.items() if k != "id"}
        self._put_doc(project_id, doc)
        self.meta["next_id"] = project_id + 1
        self._record("projects", project_id, None, {"title": doc["title"]})
        return project_id

    def insert_projects(self, records: list[dict[str, Any]]) -> list[int]:
        """Store many new projects in one pass (for import and carry)."""
        self._require_writable()
        if len(records) < BULK:
            return [self.insert_project(r) for r in records]
        from tinydb.table import Document

        self._load_all()
        first = self.next_id
        docs = [
            Document({k: v for k, v in r.items() if k != "id"}, doc_id=first + offset)
            for offset, r in enumerate(records)
        ]
        self._db.table("projects").insert_multiple(docs)
        self.meta["next_id"] = first + len(docs)
        last = first + len(docs) - 1
        self._changes.append({"table": "projects", "ids": [first, last], "before": None})
        self._dirty = True
        return list(range(first, last + 1))

    def replace_project(self, record: dict[str, Any]) -> None:
        """Store `record` (with its id) in place of the project of that id."""
        self._require_writable()
        project_id = int(record["id"])
        before = self._doc(project_id)
        if before is None:
            raise NotFound(f"no project with id {project_id}")
        doc = {k: v for k, v in record.items() if k != "id"}
        if doc == before:
            return
        before = dict(before)
        self._put_doc(project_id, doc)
        self._record("projects", project_id, before, doc)

    def remove_projects(self, project_ids: list[int]) -> None:
        self._require_writable()
        if self._body is not None and len(project_ids) + len(self._edits) > SPLICE_LIMIT:
            self._load_all()
        for pid in project_ids:
            before = self._doc(pid)
            if before is None:
                raise NotFound(f"no project with id {pid}")
            before = dict(before)
            self._put_doc(pid, None)
            self._record("projects", pid, before, None)

    def put_area(self, area: dict[str, Any]) -> None:
        """Add an area, or replace the one with the same key."""
        self._require_writable()
        self._put_keyed("areas", "key", area)

    def remove_area(self, key: str) -> None:
        self._require_writable()
        table = self._data["areas"]
        for doc_id, existing in list(table.items()):
            if existing.get("key") == key:
                self._db.table("areas").remove(doc_ids=[int(doc_id)])
                self._record("areas", int(doc_id), dict(existing), None)

    def _put_keyed(self, table_name: str, field: str, doc: dict[str, Any]) -> None:
        table = self._data[table_name]
        for doc_id, existing in table.items():
            if existing.get(field) == doc[field]:
                if existing != doc:
                    table[doc_id] = dict(doc)
                    self._record(table_name, int(doc_id), dict(existing), dict(doc))
                return
        from tinydb.table import Document

        new_id = max((int(k) for k in table), default=0) + 1
        self._db.table(table_name).insert(Document(dict(doc), doc_id=new_id))
        self._record(table_name, new_id, None, dict(doc))

    # -- journal
    def undo_last(self) -> dict[str, Any]:
        """Revert the last command that has not been undone; return its journal entry.

        The id counter is left alone, so ids handed out by the undone command
        are never handed out again.
        """
        self._require_writable()
        history = self._data["history"]
        live = [k for k in sorted(history, key=int) if not history[k].get("undone")]
        if not live:
            raise IpcoopError("nothing to undo")
        seq = live[-1]
        entry = history[seq]
        self._load_all()
        for change in reversed(entry["changes"]):
            table = self._data[change["table"]]
            if "ids" in change:  # a bulk insert
                first, last = change["ids"]
                for doc_id in range(first, last + 1):
                    table.pop(str(doc_id), None)
            elif change["before"] is None:
                table.pop(str(change["id"]), None)
            else:
                table[str(change["id"])] = change["before"]
        entry = {**entry, "undone": True}
        history[seq] = entry
        self._dirty = True
        return {"seq": int(seq), **entry}

    def commit(self, command: str, at: str) -> None:
        """Write the command's changes, with their journal entry, atomically."""
        self._require_writable()
        if not self._dirty:
            return
        if self._changes:
            history = self._data["history"]
            seq = max((int(k) for k in history), default=0) + 1
            history[str(seq)] = {"at": at, "command": command, "changes": self._changes}
            for old in sorted(history, key=int)[:-MAX_HISTORY]:
                del history[old]
        if self._body is not None and "stats" not in self.meta:
            self._load_all()  # a file from before the figures were kept
        if self._body is None:
            atomic_write(self.path, serialise(self._data))
        else:
            stats = json.loads(json.dumps(self.meta["stats"]))
            for pid, doc in self._edits.items():
                before = self._originals.get(pid)
                if before is not None:
                    count_project(stats, pid, before, -1)
                if doc is not None:
                    count_project(stats, pid, doc, 1)
            self.meta["stats"] = tidy_stats(stats)
            atomic_write(self.path, assemble(self._data, self._spliced()))
        self._changes = []
        self._dirty = False

    def _spliced(self) -> bytes:
        """The raw projects body with this command's edits applied."""
        assert self._body is not None
        body = self._body
        old = []  # (start, end, id, new document or None) for projects already in the body
        new = []  # projects added by this command (ids above every stored one)
        for pid in sorted(self._edits):
            span = self._find(pid)
            if span is None:
                if self._edits[pid] is not None:
                    new.append(pid)
            else:
                old.append((span[0], span[1], pid, self._edits[pid]))
        parts: list[bytes] = []
        cursor = 0
        for start, end, pid, doc in sorted(old):
            parts.append(body[cursor : start - 1])  # up to the newline before the line
            if doc is not None:
                parts.append(b"\n" + doc_line(pid, doc).encode("utf-8") + b",")
            cursor = end
        parts.append(body[cursor:])
        out = b"".join(parts)
        # Every line but the last ends with a comma; removals may have left one
        # hanging, or taken the comma-less last line away.
        out = out.rstrip(b",")
        lines = [out] if out else []
        lines += [b"\n" + doc_line(pid, self._edits[pid]).encode("utf-8") for pid in new]
        return b",".join(lines)


def new_data(areas: list[dict[str, Any]], members: list[dict[str, Any]]) -> dict[str, Any]:
    """An empty database's tables, with areas and members."""
    return {
        "_meta": {"1": {"schema": SCHEMA_VERSION, "next_id": 1}},
        "areas": {str(i): dict(a) for i, a in enumerate(areas, start=1)},
        "history": {},
        "members": {str(i): dict(m) for i, m in enumerate(members, start=1)},
        "projects": {},
    }


def open_read(path: Path) -> Database:
    """Open for reading: no lock (writes are atomic), and the projects table stays
    raw until a command needs all of it, so `show` parses one line, not the file."""
    return _load(path, writable=False)


@contextlib.contextmanager
def open_write(path: Path) -> Iterator[Database]:
    """Lock, load, yield; the caller commits. Nothing is written if the body raises."""
    if not path.exists():
        read_file(path)  # raises the "no database" error without creating a lock file
    with locked(path):
        yield _load(path, writable=True)


_PROJECTS_HEAD = b'\n"projects": {'
_TAIL = b"\n}\n}\n"


def _load(path: Path, writable: bool) -> Database:
    """Load the file; keep the projects table raw when its checksum vouches for it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return Database(path, read_file(path), writable=writable)
    head_end = raw.rfind(_PROJECTS_HEAD)
    if head_end > 0 and raw.endswith(_TAIL) and raw.startswith(b"{\n"):
        body = raw[head_end + len(_PROJECTS_HEAD) : len(raw) - len(_TAIL)]
        head = raw[:head_end].rstrip(b",") + b"\n}"
        try:
            data = json.loads(head.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if isinstance(data, dict):
            crc = data.get("_meta", {}).get("1", {}).get("projects_crc")
            data["projects"] = {}
            stats = data.get("_meta", {}).get("1", {}).get("stats")
            if crc == _checksum(body, stats) and shape_problem(data) is None:
                if data["_meta"]["1"]["schema"] > SCHEMA_VERSION:
                    parse_text(raw, path)  # raises the "newer schema" error
                return Database(path, data, writable=writable, body=body)
    # Anything unusual (a hand edit, an old layout, damage): the careful path,
    # which also checks every project record before anything is written.
    data = parse_text(raw, path)
    problem = _projects_problem(data["projects"]) if writable else None
    if problem:
        raise DatabaseError(f"{path} is damaged ({problem}): {_recover_hint(path)}")
    return Database(path, data, writable=writable)


def _projects_problem(table: dict[str, Any]) -> str | None:
    for doc_id, doc in table.items():
        if not doc_id.isdigit() or int(doc_id) < 1:
            return f"the project id {doc_id!r} is not a number"
        if not isinstance(doc, dict):
            return f"project {doc_id} is not an object"
        missing = [f for f in PROJECT_FIELDS[1:] if f not in doc]
        if missing:
            return f"project {doc_id} has no {missing[0]!r}"
    return None


def create(
    path: Path,
    areas: list[dict[str, Any]],
    members: list[dict[str, Any]],
    projects: list[dict[str, Any]],
    force: bool,
) -> str | None:
    """Write a brand-new database at `path` under the lock.

    Without `force` an existing file is refused. With it, the old file is kept
    as the .bak (or, if it was unreadable, renamed aside) and the id counter
    carries on from the old file's, so that no id is handed out twice.
    Returns a note about what happened to the old file, if anything.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
    note = None
    with locked(path):
        first_id = 1
        if path.exists():
            if not force:
                raise IpcoopError(
                    f"{path} already exists; pass --force to replace it "
                    f"(the old file is then kept as {backup_path(path).name})"
                )
            try:
                old = read_file(path)
            except DatabaseError:
                aside = path.with_name(path.name + ".unreadable")
                try:
                    os.replace(path, aside)
                except OSError as exc:
                    raise DatabaseError(f"cannot move {path} aside: {exc.strerror}") from None
                note = f"the unreadable old file was moved to {aside}"
            else:
                first_id = int(old["_meta"]["1"]["next_id"])
                note = f"the old file is kept as {backup_path(path)}"
        data = new_data(areas, members)
        for offset, project in enumerate(projects):
            data["projects"][str(first_id + offset)] = {
                k: v for k, v in project.items() if k != "id"
            }
        data["_meta"]["1"]["next_id"] = first_id + len(projects)
        atomic_write(path, serialise(data))
    return note


# --------------------------------------------------------------------------- checking


def check_file(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Load the file (DatabaseError if unusable) and list every problem in it."""
    from ipcoop import models
    from ipcoop.errors import InvalidValue

    data = read_file(path)
    problems: list[str] = []
    raw = path.read_bytes()
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                duplicates.append(key)
            seen.add(key)
        return dict(items)

    json.loads(raw.decode("utf-8"), object_pairs_hook=pairs)
    for key in duplicates:
        problems.append(f"the key {key!r} appears twice in one object (one copy is ignored)")
    next_id = data["_meta"]["1"]["next_id"]
    area_keys = [a.get("key") for a in data["areas"].values()]
    member_codes = [m.get("code") for m in data["members"].values()]
    for name, values in (("area key", area_keys), ("member code", member_codes)):
        for value in {v for v in values if values.count(v) > 1}:
            problems.append(f"the {name} {value!r} is defined twice")
    for doc_id, area in sorted(data["areas"].items(), key=lambda kv: int(kv[0])):
        if not isinstance(area.get("key"), str) or not isinstance(area.get("name"), str):
            problems.append(f"area record {doc_id} has no key or name")
    for doc_id, member in sorted(data["members"].items(), key=lambda kv: int(kv[0])):
        if member.get("side") not in models.SIDES or not isinstance(member.get("code"), str):
            problems.append(f"member record {doc_id} has a bad code or side")
    for doc_id, doc in data["projects"].items():
        where = f"project {doc_id}"
        if not doc_id.isdigit() or int(doc_id) < 1 or not isinstance(doc, dict):
            problems.append(f"{where}: a bad id or a record that is not an object")
            continue
        if int(doc_id) >= next_id:
            problems.append(f"{where}: its id is not below the id counter ({next_id})")
        missing = [f for f in models.PROJECT_FIELDS if f != "id" and f not in doc]
        if missing:
            problems.append(f"{where}: the field {missing[0]!r} is missing")
            continue
        extra = [f for f in doc if f not in models.PROJECT_FIELDS or f == "id"]
        if extra:
            problems.append(f"{where}: unknown field {extra[0]!r}")
        try:
            clean = models.validate_project(doc, area_keys, member_codes)
        except InvalidValue as exc:
            problems.append(f"{where}: {exc.message}")
            continue
        if any(clean[k] != doc[k] for k in clean):
            problems.append(f"{where}: a value is not in its normal form")
        for stamp in ("created", "updated"):
            if not models.is_stamp(doc[stamp]):
                problems.append(f"{where}: {stamp} is not a time such as 2020-01-31T12:00:00Z")
    if not problems and data["_meta"]["1"].get("stats") != project_stats(data["projects"]):
        problems.append(
            "the summary figures kept with the id counter do not match the projects "
            "(delete the projects_crc field of the _meta record; the next change "
            "recomputes them)"
        )
    for doc_id, entry in data["history"].items():
        if not isinstance(entry.get("changes"), list) or not isinstance(entry.get("command"), str):
            problems.append(f"history entry {doc_id} is malformed; 'ipcoop undo' may fail on it")
    return data, problems


def restore_backup(path: Path) -> Path | None:
    """Put the .bak back in place; the current file, if any, is moved aside, never overwritten.

    Returns where the current file went (None if there was none).
    """
    from ipcoop import models

    bak = backup_path(path)
    if not bak.exists():
        raise DatabaseError(f"there is no backup {bak} to restore")
    raw = bak.read_bytes()
    parse_text(raw, bak)  # refuse a backup that is itself unusable
    aside = None
    with locked(path):
        if path.exists():
            stamp = models.now_stamp().replace(":", "").replace("-", "")
            aside = path.with_name(f"{path.name}.replaced-{stamp}")
            try:
                os.link(path, aside)
            except OSError as exc:
                raise DatabaseError(f"cannot keep the current file aside: {exc.strerror}") from None
        atomic_write(path, raw.decode("utf-8"), keep_backup=False)
    return aside
