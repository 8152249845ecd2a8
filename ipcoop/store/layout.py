"""The file's layout: one TinyDB JSON document, written deterministically.

    {
    "_meta": {
     "1": {"schema": 2}
    },
    "areas": {
     "education": {...},
    ...
    },
    "copies": {...},
    "history": {...},
    "members": {...},
    "projects": {
     "1": {...},
    ...
    }
    }

Tables by name, one document per line, documents by key (projects by their
numeric id), keys sorted inside documents, UTF-8 without \\u escapes. Two
files with the same content have the same bytes, and a change to a record
changes its line only, so git sees real edits and merges them line by line.

Tables and their keys (the file holds facts only; nothing here can be computed):
    _meta     "1": {"schema": N}
    areas     area key -> {"key", "name", "from", "until"}
    copies    copy id  -> {"name", "blocks": [[first, last or null], ...], "next"}
    history   "<copy id>.<seq>" -> {"at", "by", "command", "changes", "undone"?,
              "prev": the hash of the copy's entry before (schema 8)}
    members   member code -> {"code", "name", "side"}
    programmes programme key -> {"key", "name", "start", "end", "areas": [keys],
              "endorsed": {"on", "count", "areas": [{"key", "name"}]} or null,
              "reported_done"}
    projects  project id -> the project without its id
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipcoop.base.errors import DatabaseError
from ipcoop.base.i18n import tr

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project

SCHEMA_VERSION = 10
TABLES = ("_meta", "areas", "copies", "history", "members", "programmes", "projects")
# Tables that can be large and are kept as raw lines until a command needs them.
RAW_TABLES = ("history", "projects")
KEY_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MAX_NESTING = "maximum recursion depth"

Data = dict[str, dict[str, Any]]


# A project's Chinese title forms are stored only when it has some: most projects
# have none, and an empty {"zh-hk": null, "zh-cn": null} on each of 50,000 lines
# costs 14% more file to read and write, and memory to hold.
# Stored only when not empty: title forms, dated progress notes, links.
OPTIONAL_PROJECT_FIELDS = {
    "titles": (dict,),
    "converted": (list,),
    "progress": (list,),
    "links": (list,),
    "phrases": (dict,),  # the release's wording of it: absent when it has none
    "phrases_back": (dict,),  # the next release's, looking back at it
    "starts_on": (str,),  # an event's dates: absent when it has none
    "ends_on": (str,),
}
NO_TITLES: dict[str, str | None] = {"zh-hk": None, "zh-cn": None}
NO_PHRASES: dict[str, str | None] = {"en": None, "zh-hk": None, "zh-cn": None}


def canonical_project(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A project as the file stores it (a new dict): no title forms when it has none."""
    out = dict(doc)
    titles = out.get("titles", ...)
    if titles is None or (titles is not ... and not any(titles.values())):
        del out["titles"]
    for wording in ("phrases", "phrases_back"):
        given = out.get(wording)
        if isinstance(given, dict) and not any(given.values()):
            del out[wording]
    for field in ("converted", "progress", "links", "starts_on", "ends_on"):
        if field in out and not out[field]:
            del out[field]
    return out


def recover_hint(path: Path) -> str:
    import os

    from ipcoop.store.paths import backup_path

    if not os.path.lexists(path):  # not a file here: a version git holds, or the remote's
        return tr("nothing here was changed")
    bak = backup_path(path)
    if bak.exists():
        return tr(
            "it was left as it is; the previous version is kept in {name}, and "
            "'ipcoop --db {path} check --restore' puts it back"
        ).format(name=bak.name, path=path)
    return tr(
        "it was left as it is; restore it from a backup, or move it aside and "
        "run 'ipcoop --db {path} init' to start again"
    ).format(path=path)


def has_conflict_markers(raw: bytes) -> bool:
    return raw.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in raw or b"\n>>>>>>> " in raw


def decode(raw: bytes, path: Path, duplicates: list[str] | None = None) -> Any:
    """The JSON in `raw`, or DatabaseError saying why it is unusable."""
    if not raw or raw.isspace():
        raise DatabaseError(
            tr("{path} is empty (0 bytes of data): {recover_hint}").format(
                path=path, recover_hint=recover_hint(path)
            )
        )
    if has_conflict_markers(raw):
        raise DatabaseError(
            tr(
                "{path} holds git conflict markers (a merge made without ipcoop's "
                "merge driver); run 'ipcoop sync' in its folder to repair it. The file "
                "was not changed"
            ).format(path=path)
        )
    hook = None
    if duplicates is not None:

        def hook(items: list[tuple[str, Any]]) -> dict[str, Any]:
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    duplicates.append(key)
                seen.add(key)
            return dict(items)

    try:
        return parse(raw.decode("utf-8"), hook)
    except UnicodeDecodeError:
        raise DatabaseError(
            tr("{path} is not UTF-8 text: {recover_hint}").format(
                path=path, recover_hint=recover_hint(path)
            )
        ) from None
    except json.JSONDecodeError as exc:
        raise DatabaseError(
            tr(
                "{path} is corrupt (not valid JSON: {msg} at line {lineno} column "
                "{colno}): {recover_hint}"
            ).format(
                path=path,
                msg=exc.msg,
                lineno=exc.lineno,
                colno=exc.colno,
                recover_hint=recover_hint(path),
            )
        ) from None
    except (RecursionError, ValueError) as exc:
        raise DatabaseError(
            tr("{path} is corrupt ({exc}): {recover_hint}").format(
                path=path, exc=str(exc)[:80], recover_hint=recover_hint(path)
            )
        ) from None


def schema_of(data: Any) -> int | None:
    """The schema version a decoded file claims, or None if it has none we can read."""
    if not isinstance(data, dict):
        return None
    meta = data.get("_meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("1"), dict):
        return None
    schema = meta["1"].get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        return None
    return schema


def refuse_newer(schema: int, path: Path) -> None:
    if schema > SCHEMA_VERSION:
        raise DatabaseError(
            tr(
                "{path} was written by a newer ipcoop (schema {schema}; this version "
                "reads up to {schema_version}); upgrade ipcoop to use it. The file was "
                "not changed"
            ).format(path=path, schema=schema, schema_version=SCHEMA_VERSION)
        )


def shape_problem(data: Any) -> str | None:
    """Why `data` is not a current-schema database, or None if its tables are there.

    Bad keys and records are for `checks.audit`: `check` lists them one by one.
    """
    if not isinstance(data, dict):
        return tr("the top level is a {name}, not an object").format(name=type(data).__name__)
    for table in TABLES:
        if table not in data:
            return tr("the table {table!r} is missing").format(table=table)
    for name, table in data.items():
        if name not in TABLES:
            return tr("unknown table {name!r}").format(name=name)
        if not isinstance(table, dict):
            return tr("the table {name!r} is not an object").format(name=name)
    if schema_of(data) is None:
        return tr("the schema version is missing or bad")
    return None


def doc_line(key: str | int, doc: dict[str, Any]) -> bytes:
    """One document as the file holds it: ' "key": {...}' (no newline, no comma)."""
    return f' "{key}": {_encode_line(doc)}'.encode()


# One encoder for every line (json.dumps with options would make one per call).
_encode_line = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def sort_key(table: str, key: str) -> Any:
    return int(key) if table == "projects" else key


def table_body(name: str, table: dict[str, Any]) -> bytes:
    """A table's documents, each on its own line after a newline, commas between."""
    keys = sorted(table, key=lambda k: sort_key(name, k))
    return b",".join(b"\n" + doc_line(k, table[k]) for k in keys)


def assemble(bodies: dict[str, list[Any]]) -> bytes:
    """The file from each table's body, given as pieces (bytes or views) joined once."""
    pieces: list[Any] = [b"{\n"]
    for i, name in enumerate(TABLES):
        pieces.append(b"" if i == 0 else b",\n")
        pieces.append(f'"{name}": {{'.encode())
        pieces.extend(bodies[name])
        pieces.append(b"\n}")
    pieces.append(b"\n}\n")
    return b"".join(pieces)


def serialise(data: Data) -> bytes:
    """The whole file for `data`, deterministically."""
    return assemble({name: [table_body(name, data.get(name, {}))] for name in TABLES})


def split_tables(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """Where each table's body is in a file of our own layout, or None if the layout differs.

    Tables are searched from the front, but the last one (projects, the large
    one) is known to end just before the file's closing lines.
    """
    if not raw.startswith(b"{\n") or not raw.endswith(b"\n}\n}\n"):
        return None
    spans = {}
    pos = 2
    last = len(TABLES) - 1
    for i, name in enumerate(TABLES):
        head = f'"{name}": {{'.encode()
        if not raw.startswith(head, pos):
            return None
        pos += len(head)
        end = len(raw) - 5 if i == last else raw.find(b"\n}", pos)
        if end < pos:
            return None
        spans[name] = (pos, end)
        pos = end + 2
        tail = b",\n" if i < last else b"\n}\n"
        if not raw.startswith(tail, pos):
            return None
        pos += len(tail)
    return spans if pos == len(raw) else None


def parse_body(body: bytes) -> dict[str, Any]:
    table: dict[str, Any] = parse(b"{" + body + b"}")
    return table


def parse_span(raw: bytes, start: int, end: int) -> dict[str, Any]:
    """The table whose body is raw[start:end], decoded in place: the braces around a
    body of our layout are in the file already, so the text is made without the
    two copies of the body that joining braces to it costs (34 MB at 50,000)."""
    if raw[start - 1 : start] != b"{" or raw[end : end + 2] != b"\n}":
        return parse_body(raw[start:end])
    table: dict[str, Any] = parse(str(memoryview(raw)[start - 1 : end + 2], "utf-8"))
    return table


def parse(text: str | bytes, hook: Any = None) -> Any:
    """json.loads with the cycle collector paused (see `uncollected`)."""
    return uncollected(json.loads, text, object_pairs_hook=hook)


def uncollected(make: Any, *args: Any, **kwargs: Any) -> Any:
    """make(*args, **kwargs) with the cycle collector paused, for building records.

    Parsed JSON (or marshal) holds no reference cycles, so the collector has
    nothing to find in it; left running, it walks the new records again at
    every few hundred of them (8% of listing 50,000 projects)."""
    if not gc.isenabled():
        return make(*args, **kwargs)
    gc.disable()
    try:
        return make(*args, **kwargs)
    finally:
        gc.enable()


def shape(project_id: int, doc: Mapping[str, Any]) -> Project:
    """A stored project in the contract's JSON shape and field order."""
    titles = doc.get("titles") or NO_TITLES
    return {
        "id": project_id,
        "uuid": doc["uuid"],
        "title": doc["title"],
        "titles": {"zh-hk": titles.get("zh-hk"), "zh-cn": titles.get("zh-cn")},
        "converted": list(doc.get("converted", ())),
        "area": doc["area"],
        "year": doc["year"],
        "programme": doc["programme"],
        "status": doc["status"],
        "key": doc["key"],
        "lead": doc["lead"],
        "agencies": list(doc["agencies"]),
        "notes": doc["notes"],
        "progress": [dict(entry) for entry in doc.get("progress", ())],
        "links": [dict(link) for link in doc.get("links", ())],
        "phrases": {tag: (doc.get("phrases") or NO_PHRASES).get(tag) for tag in NO_PHRASES},
        "phrases_back": {
            tag: (doc.get("phrases_back") or NO_PHRASES).get(tag) for tag in NO_PHRASES
        },
        "starts_on": doc.get("starts_on"),
        "ends_on": doc.get("ends_on"),
        "done_on": doc["done_on"],
        "carried_to": doc["carried_to"],
        "created": doc["created"],
        "updated": doc["updated"],
    }


def entry_count(raw: bytes) -> int:
    """How many journal entries a file holds, counted on its lines as written (the
    history table is written one entry per line)."""
    start = raw.find(b'\n"history": {')
    if start < 0:
        return 0
    end = raw.find(b"\n}", start + 1)
    return raw.count(b'\n "', start, end if end >= 0 else len(raw))
