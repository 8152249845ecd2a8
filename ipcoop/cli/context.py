"""The command's context: which database, its first use, reading it and writing it.

Every command gets here through `ctx.obj` (a `State` the root callback fills
in); nothing here prints data or knows about any one command.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from ipcoop.base.i18n import tr


class State:
    """What the root callback learns, passed to every command through ctx.obj."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self.argv = argv or []
        self.db: Path | None = None  # --db or IPCOOP_DB; None means the default location
        self.db_problem: str | None = None
        self.committed = False  # a change was written: from here on, exit 0 whatever happens


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def db_path(ctx: typer.Context) -> tuple[Path, bool]:
    from ipcoop.core import database

    state = _state(ctx)
    if state.db_problem:
        from ipcoop.base.errors import DatabaseError

        raise DatabaseError(state.db_problem)
    db = state.db
    if db is not None:
        return db, True
    return database.default_path(), False


def ensure_default(path: Path, explicit: bool) -> None:
    """Create the default database from the bundled data on first use."""
    if explicit or path.exists():
        return
    from ipcoop.core import database

    count = database.create_default(path)
    if count is not None:
        message = tr("Created a new database at {path} with {count} bundled projects.")
        sys.stderr.write(message.format(path=path, count=count) + "\n")


def reading(ctx: typer.Context) -> Any:
    from ipcoop.core import database

    path, explicit = db_path(ctx)
    ensure_default(path, explicit)
    return database.open_read(path)


@contextlib.contextmanager
def writing(ctx: typer.Context) -> Iterator[Any]:
    """The database opened for a change, committed at the end under the lock."""
    from ipcoop.core import database

    path, explicit = db_path(ctx)
    ensure_default(path, explicit)
    state = _state(ctx)

    def saved(written: bool) -> None:
        state.committed = written

    with database.changing(path, _command_line(state.argv), saved) as db:
        yield db
    for warning in db.warnings:
        sys.stderr.write(tr("Warning: {message}").format(message=warning) + "\n")


def _command_line(argv: list[str]) -> str:
    """The command as typed, minus --db (the journal lives in that file anyway)."""
    import shlex

    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--db":
            skip = True
            continue
        if arg.startswith("--db="):
            continue
        kept.append(arg)
    return shlex.join(kept)


def saved(ctx: typer.Context) -> None:
    """Say that this command's change is on disk: from here on it exits 0 whatever fails."""
    _state(ctx).committed = True


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def set_database(ctx: typer.Context, db: str | None) -> None:
    """What --db (or IPCOOP_DB) said, checked when a command first needs it."""
    state = ctx.ensure_object(State)
    if db is None and os.environ.get("IPCOOP_DB", "x").strip() == "":
        # Set but empty: most likely a script's variable gone missing. Using the
        # default database instead would write to the wrong place without a word.
        state.db_problem = tr("IPCOOP_DB is set but empty; unset it to use the default database")
    elif db is not None and not db.strip():
        state.db_problem = tr("--db is empty; give the database file's path")
    state.db = Path(db) if db is not None and db.strip() else None
