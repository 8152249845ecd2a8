"""Whole-file operations: open, create, check, restore."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store import files, identity, layout
from ipcoop.store.loader import load
from ipcoop.store.lock import locked
from ipcoop.store.paths import backup_path, check_regular, resolve, shared_folder
from ipcoop.store.session import Database


def open_read(path: Path) -> Database:
    """Open for reading: no lock (writes are atomic)."""
    return load(resolve(path), writable=False)


@contextlib.contextmanager
def open_write(path: Path) -> Iterator[Database]:
    """Lock, load, yield; the caller commits. Nothing is written if the body raises."""
    real = resolve(path)
    check_regular(real)  # the "no database" error, without creating a lock file
    with locked(real) as still_held:
        db = load(real, writable=True)
        db.before_write = still_held
        yield db


def new_data(areas: list[dict[str, Any]], members: list[dict[str, Any]]) -> layout.Data:
    """An empty database's tables, with areas and members in the order given."""
    return {
        "_meta": {"1": {"schema": layout.SCHEMA_VERSION}},
        "areas": {a["key"]: {**_named(a), "order": i} for i, a in enumerate(areas, start=1)},
        "copies": {},
        "history": {},
        "members": {m["code"]: {**_named(m), "order": i} for i, m in enumerate(members, start=1)},
        "programmes": {},
        "projects": {},
    }


def _named(record: dict[str, Any]) -> dict[str, Any]:
    """A record with its Chinese names, empty if it has none."""
    return {"converted": [], "names": {"zh-cn": None, "zh-hk": None}, **record}


def aside_name(path: Path, label: str) -> Path:
    """A name beside `path` that no file has yet: a file set aside is never overwritten."""
    candidate = path.with_name(f"{path.name}.{label}")
    n = 2
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.name}.{label}-{n}")
        n += 1
    return candidate


def create(
    path: Path,
    areas: list[dict[str, Any]],
    members: list[dict[str, Any]],
    projects: list[dict[str, Any]],
    force: bool,
    programmes: Sequence[dict[str, Any]] = (),
) -> str | None:
    """Write a brand-new database at `path` under the lock.

    Without `force` an existing file is refused. With it, the old file is kept
    as the .bak (or, if it was unreadable, set aside under a new name) and the
    ids carry on from the old file's, so that no id is handed out twice.
    Returns a note about what happened to the old file, if anything.
    """
    path = resolve(path)
    if shared_folder(path):
        if not check_regular(path, missing_ok=True):
            check_regular(path)  # says how to put the shared database back
        raise IpcoopError(
            tr(
                "{path} is shared through git with the other side: a new database here "
                "would replace the shared record on every copy, so init is refused. To "
                "start a separate database, give another file with --db"
            ).format(path=path)
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            tr("cannot create the folder {parent}: {strerror}").format(
                parent=path.parent, strerror=exc.strerror
            )
        ) from None
    exists = check_regular(path, missing_ok=True)
    note = None
    with locked(path):
        first_id = 1
        if exists:
            if not force:
                raise IpcoopError(
                    tr(
                        "{path} already exists; pass --force to replace it (the old file is "
                        "then kept as {name})"
                    ).format(path=path, name=backup_path(path).name)
                )
            try:
                old = load(path, writable=False)
            except DatabaseError:
                aside = aside_name(path, "unreadable")
                try:
                    os.link(path, aside)
                except OSError as exc:
                    raise DatabaseError(
                        tr("cannot keep {path} aside: {strerror}").format(
                            path=path, strerror=exc.strerror
                        )
                    ) from None
                note = tr("the unreadable old file is kept as {aside}").format(aside=aside)
            else:
                ids = [int(k) for k in old.projects_table.load()]
                nexts = [int(c.get("next", 1)) for c in old.copies().values()]
                first_id = max([*ids, *[n - 1 for n in nexts], 0]) + 1
                note = tr("the old file is kept as {path}").format(
                    path=backup_path(path)
                ) + _numbered(first_id, len(projects))
        from ipcoop.store.migrate import calendar_programme

        data = new_data(areas, members)
        data["programmes"] = {p["key"]: dict(p) for p in programmes}
        copy, name, _ = identity.choose(path, {})
        for offset, project in enumerate(projects):
            doc = {k: v for k, v in project.items() if k != "id"}
            doc["uuid"] = identity.new_uuid()
            doc.setdefault("programme", str(doc["year"]))
            doc.setdefault("carried_to", None)
            doc = layout.canonical_project(doc)
            if doc["programme"] not in data["programmes"]:
                data["programmes"][doc["programme"]] = calendar_programme(doc["year"], areas)
            data["projects"][str(first_id + offset)] = doc
        data["copies"][copy] = {
            "blocks": [[1, None]],
            "name": name,
            "next": first_id + len(projects),
        }
        payload = layout.serialise(data)
        files.atomic_write(path, payload)
        from ipcoop.store import cache

        cache.write(path, payload, cache.project_stats(data["projects"]))
        with contextlib.suppress(OSError, IpcoopError):
            identity.write_local(
                path, {"copy": copy, "name": name, "high": first_id + len(projects) - 1}
            )
    return note


def _numbered(first_id: int, count: int) -> str:
    if not count or first_id == 1:
        return ""
    return tr(
        "; ids carry on from the old file's, so the projects are numbered "
        "{first}-{last}: an id is never reused"
    ).format(first=first_id, last=first_id + count - 1)


def check_file(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Load the file (DatabaseError if unusable) and list every problem in it."""
    path = resolve(path)
    raw = files.read_bytes(path)
    from ipcoop.store import checks
    from ipcoop.store.loader import decode_current

    data, schema, duplicates = decode_current(raw, path, lambda: ("0", "local"))
    found = checks.audit(data, duplicates)
    return {"schema": schema, "projects": len(data["projects"]), "copies": data["copies"]}, [
        p.text for p in found
    ]


def restore_backup(path: Path) -> Path | None:
    """Put the .bak back in place; the current file, if any, is set aside, never overwritten.

    Returns where the current file went (None if there was none).
    """
    from ipcoop.base import models

    path = resolve(path)
    bak = backup_path(path)
    if not bak.exists():
        raise DatabaseError(tr("there is no backup {bak} to restore").format(bak=bak))
    raw = files.read_bytes(bak)
    layout.decode(raw, bak)  # refuse a backup that is itself unusable
    if shared_folder(path):
        from ipcoop.store import identity

        synced = (identity.read_local(path).get("committed") or {}).get("entries")
        if isinstance(synced, int) and layout.entry_count(raw) < synced:
            raise IpcoopError(
                tr(
                    "{path} is shared, and its backup is older than the version this copy "
                    "last synced: put back, it would set this copy behind the shared "
                    "record. To go back on a change: 'ipcoop undo'; to take the shared "
                    "record again: 'mv {path} {path}.old', then 'ipcoop --db {path} sync'. "
                    "Nothing was changed"
                ).format(path=path)
            )
    aside = None
    with locked(path):
        if check_regular(path, missing_ok=True):
            stamp = models.now_stamp().replace(":", "").replace("-", "")
            aside = aside_name(path, f"replaced-{stamp}")
            try:
                os.link(path, aside)
            except OSError as exc:
                raise DatabaseError(
                    tr("cannot keep the current file aside: {strerror}").format(
                        strerror=exc.strerror
                    )
                ) from None
        files.atomic_write(path, raw, keep_backup=False)
    return aside
