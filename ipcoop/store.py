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
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ipcoop.errors import DatabaseError, IpcoopError, NotFound

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
            f"it was left as it is; the previous version is in {bak} "
            f"('ipcoop --db {path} check' says more; copy the .bak over it to restore)"
        )
    return (
        f"it was left as it is; restore it from a backup, or move it aside "
        f"and run 'ipcoop --db {path} init' to start again"
    )


def parse_text(raw: bytes, path: Path) -> dict[str, dict[str, Any]]:
    """Decode and check the shape of a database file; raise DatabaseError if unusable."""
    if not raw.strip(b" \t\r\n"):
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


def dump(data: dict[str, dict[str, Any]]) -> str:
    """Serialise deterministically: one document per line, ids in numeric order."""
    out = ["{"]
    names = sorted(data)
    for t, name in enumerate(names):
        table = data[name]
        out.append(f"{json.dumps(name)}: {{")
        ids = sorted(table, key=int)
        last = len(ids) - 1
        for i, doc_id in enumerate(ids):
            doc = json.dumps(table[doc_id], ensure_ascii=False, sort_keys=True)
            out.append(f' "{doc_id}": {doc}{"," if i < last else ""}')
        out.append("}," if t < len(names) - 1 else "}")
    out.append("}")
    return "\n".join(out) + "\n"


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


def atomic_write(path: Path, text: str, keep_backup: bool = True) -> None:
    """Replace `path` with `text` so that a crash leaves the old or the new file.

    The previous file, if any, is kept as `<name>.bak` (a hard link, so no copy
    is made and the old bytes are never rewritten).
    """
    payload = text.encode("utf-8")
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
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
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise DatabaseError(f"cannot write {path}: {reason}; the file was not changed") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_dir(folder)


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
    """Hold the database's inter-process lock, or raise DatabaseError after the timeout."""
    from filelock import FileLock, Timeout

    timeout = lock_timeout()
    lock = FileLock(str(lock_path(path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise DatabaseError(
            f"{path} is locked by another ipcoop command (waited {timeout:g} s); "
            f"try again when it has finished"
        ) from None
    except OSError as exc:
        raise DatabaseError(f"cannot lock {path}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


# --------------------------------------------------------------------------- the session


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


def _tinydb(data: dict[str, dict[str, Any]]) -> Any:
    """A TinyDB over an in-memory copy of the file; writes only mark it dirty."""
    from tinydb import TinyDB
    from tinydb.storages import Storage

    class BufferedStorage(Storage):
        def __init__(self, initial: dict[str, dict[str, Any]]) -> None:
            self.data = initial

        def read(self) -> dict[str, dict[str, Any]]:
            return self.data

        def write(self, data: dict[str, dict[str, Any]]) -> None:
            self.data = data

    return TinyDB(data, storage=BufferedStorage)


class Database:
    """One command's view of the database.

    Reads go straight to the loaded data; changes go through TinyDB's tables
    on the in-memory copy and are recorded for the undo journal. Nothing is
    written until `commit()`.
    """

    def __init__(self, path: Path, data: dict[str, dict[str, Any]], writable: bool) -> None:
        self.path = path
        self._db = _tinydb(data)
        self.writable = writable
        self._changes: list[dict[str, Any]] = []
        self._dirty = False

    # -- raw access
    @property
    def _data(self) -> dict[str, dict[str, Any]]:
        return self._db.storage.data

    @property
    def meta(self) -> dict[str, Any]:
        return self._data["_meta"]["1"]

    @property
    def next_id(self) -> int:
        return int(self.meta["next_id"])

    # -- reads
    def projects(self) -> list[dict[str, Any]]:
        """Every project as a contract-shaped dict (id first), in id order."""
        table = self._data["projects"]
        try:
            return [_shape(int(k), table[k]) for k in sorted(table, key=int)]
        except (KeyError, TypeError) as exc:
            raise self._damaged(exc) from None

    def project(self, project_id: int) -> dict[str, Any]:
        doc = self._data["projects"].get(str(project_id))
        if doc is None:
            raise NotFound(f"no project with id {project_id} (see 'ipcoop list')")
        try:
            return _shape(project_id, doc)
        except (KeyError, TypeError) as exc:
            raise self._damaged(exc) from None

    def _damaged(self, exc: Exception) -> DatabaseError:
        return DatabaseError(
            f"{self.path} has a project record without the field {exc}; it was left as it "
            f"is ('ipcoop --db {self.path} check' lists the problems)"
        )

    def has_project(self, project_id: int) -> bool:
        return str(project_id) in self._data["projects"]

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

    def insert_project(self, record: dict[str, Any]) -> int:
        """Store a new project under the next id; return the id."""
        self._require_writable()
        from tinydb.table import Document

        project_id = self.next_id
        doc = {k: v for k, v in record.items() if k != "id"}
        self._db.table("projects").insert(Document(doc, doc_id=project_id))
        self.meta["next_id"] = project_id + 1
        self._record("projects", project_id, None, doc)
        return project_id

    def insert_projects(self, records: list[dict[str, Any]]) -> list[int]:
        """Store many new projects in one pass (for import and carry)."""
        self._require_writable()
        from tinydb.table import Document

        first = self.next_id
        docs = []
        for offset, record in enumerate(records):
            doc = {k: v for k, v in record.items() if k != "id"}
            docs.append(Document(doc, doc_id=first + offset))
        self._db.table("projects").insert_multiple(docs)
        self.meta["next_id"] = first + len(docs)
        for doc in docs:
            self._record("projects", doc.doc_id, None, dict(doc))
        return [doc.doc_id for doc in docs]

    def replace_project(self, record: dict[str, Any]) -> None:
        """Store `record` (with its id) in place of the project of that id."""
        self._require_writable()
        project_id = int(record["id"])
        before = self._data["projects"].get(str(project_id))
        if before is None:
            raise NotFound(f"no project with id {project_id}")
        doc = {k: v for k, v in record.items() if k != "id"}
        if doc == before:
            return
        # TinyDB's update() merges fields; the record is complete, so set it whole.
        self._data["projects"][str(project_id)] = doc
        self._db.storage.write(self._data)
        self._record("projects", project_id, dict(before), doc)

    def remove_projects(self, project_ids: list[int]) -> None:
        self._require_writable()
        befores = [(pid, self._data["projects"][str(pid)]) for pid in project_ids]
        self._db.table("projects").remove(doc_ids=project_ids)
        for pid, before in befores:
            self._record("projects", pid, dict(before), None)

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
    def changes(self) -> list[dict[str, Any]]:
        return list(self._changes)

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
        for change in reversed(entry["changes"]):
            table = self._data[change["table"]]
            key = str(change["id"])
            if change["before"] is None:
                table.pop(key, None)
            else:
                table[key] = change["before"]
        entry = {**entry, "undone": True}
        history[seq] = entry
        self._db.storage.write(self._data)
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
        atomic_write(self.path, dump(self._data))
        self._changes = []
        self._dirty = False


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
    return Database(path, read_file(path), writable=False)


@contextlib.contextmanager
def open_write(path: Path) -> Iterator[Database]:
    """Lock, load, yield; the caller commits. Nothing is written if the body raises."""
    if not path.exists():
        read_file(path)  # raises the "no database" error without creating a lock file
    with locked(path):
        yield Database(path, read_file(path), writable=True)


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
        atomic_write(path, dump(data))
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
    for doc_id, doc in sorted(data["projects"].items(), key=lambda kv: int(kv[0])):
        where = f"project {doc_id}"
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
