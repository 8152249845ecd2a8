"""The database as a front end opens it: where it is, its first use, reading it,
one change committed with its journal entry, and the file-level checks.

A front end (the command line, the terminal screen) comes here instead of
reaching into the store: what it may do to the file is exactly what is named
here. Nothing here prints; what a front end says about it is its own affair.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ipcoop.base.errors import IpcoopError


def default_path() -> Path:
    """The database in the user's data folder, used when none is named."""
    from ipcoop import store

    return store.default_path()


def create_default(path: Path) -> int | None:
    """Create the default database from the bundled programme on first use: the
    number of projects it holds, or None if it was there already (perhaps just
    made by another command)."""
    if path.exists():
        return None
    from ipcoop.core import tracker

    try:
        count, _ = tracker.init_database(path, empty=False, force=False)
    except IpcoopError:
        if path.exists():  # another command created it first
            return None
        raise
    return count


def open_read(path: Path) -> Any:
    """The database as it is on disk, for reading (no lock is held afterwards)."""
    from ipcoop import store

    return store.open_read(path)


@contextlib.contextmanager
def changing(path: Path, command: str, saved: Callable[[bool], None]) -> Iterator[Any]:
    """The database opened for one change, under the lock from before it is read
    until it is written. When the block ends without an error the change is
    committed: the file written once, atomically, with one journal entry naming
    `command`; `saved` learns at once whether anything was written (after that,
    nothing may report the change as failed). Warnings the commit raised are
    left in the database's `warnings`."""
    from ipcoop import store
    from ipcoop.base import models

    with store.open_write(path) as db:
        yield db
        saved(db.commit(command, models.precise_stamp()))


def backup_path(path: Path) -> Path:
    """The file before the last change (`check --restore` puts it back)."""
    from ipcoop import store

    return store.backup_path(path)


def restore_backup(path: Path) -> Path | None:
    """Put the backup in place of the file; the file it replaced is kept aside
    (its path is returned), unless there was none."""
    from ipcoop import store

    return store.restore_backup(path)


def check_file(path: Path) -> tuple[dict[str, Any], list[str]]:
    """What the file holds and what is wrong with it (an unusable file raises)."""
    from ipcoop import store

    return store.check_file(path)


def write_output(path: Path, content: str | bytes) -> None:
    """Write a report or an export to a file of the user's, whole or not at all."""
    from ipcoop.store.files import write_output as write

    write(path, content)
