"""Where the database and the files beside it live, and which paths may be used at all.

Beside `ipcoop.json` live files that belong to this copy only and are never
shared: `.bak` (the version before the last change), `.lock` (the lock),
`.cache` (figures that can be rebuilt) and `.local` (who this copy is).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ipcoop.base.errors import DatabaseError
from ipcoop.base.i18n import tr

APP_NAME = "ipcoop"
FILE_NAME = "ipcoop.json"
DEFAULT_LOCK_TIMEOUT = 5.0
# Beside the database; none of these is shared through git.
SUFFIXES = (".bak", ".lock", ".cache", ".local")


def default_path() -> Path:
    """The database in the user data dir (XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / FILE_NAME


def beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def backup_path(path: Path) -> Path:
    return beside(path, ".bak")


def lock_path(path: Path) -> Path:
    return beside(path, ".lock")


def cache_path(path: Path) -> Path:
    return beside(path, ".cache")


def local_path(path: Path) -> Path:
    return beside(path, ".local")


def sync_lock_path(path: Path) -> Path:
    """Held for a whole `ipcoop sync`: one sync of a copy at a time (a dot file, which
    the shared folder's .gitignore already keeps out of git)."""
    return path.with_name(f".{path.name}.sync.lock")


def lock_timeout() -> float:
    raw = os.environ.get("IPCOOP_LOCK_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return value if value >= 0 else DEFAULT_LOCK_TIMEOUT


def resolve(path: Path) -> Path:
    """The real file behind `path`: a symlinked database is written where it points.

    Writing through the link would replace the link itself with a regular
    file, leaving the real database behind; the lock, the backup and the
    temp files all belong beside the real file.
    """
    if not str(path):
        raise DatabaseError(tr("the database path is empty; give a file name with --db"))
    try:
        expanded = path.expanduser()
    except RuntimeError:  # ~nosuchuser
        raise DatabaseError(tr("cannot expand {path}: no such user").format(path=path)) from None
    try:
        real = Path(os.path.realpath(expanded, strict=False))
        if os.path.islink(expanded) and not os.path.lexists(real):
            os.stat(expanded)  # a dangling link or a loop: say why, loudly
        os.lstat(real.parent)
        if len(real.name.encode("utf-8", "surrogateescape")) > 255:
            raise OSError(36, "File name too long")
    except FileNotFoundError:
        return real  # a file (or folder) not there yet: the caller says so
    except OSError as exc:
        raise DatabaseError(
            tr("cannot use {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None
    except ValueError:  # a NUL in the name
        raise DatabaseError(tr("{path!r} is not a file name").format(path=str(path))) from None
    return real


def shared_folder(path: Path) -> bool:
    """Whether the database's folder is a repository that `ipcoop sync` shares (it set
    up its merge driver there), not just any git repository."""
    try:
        with open(path.parent / ".git" / "config", encoding="utf-8", errors="replace") as file:
            return '[merge "ipcoop"]' in file.read()
    except OSError:
        return False


def check_regular(path: Path, missing_ok: bool = False) -> bool:
    """Refuse anything but a regular file, before it is opened (a FIFO would hang
    every command, /dev/zero would be read until memory runs out).

    Returns whether the file exists.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if missing_ok:
            return False
        if shared_folder(path):
            raise DatabaseError(
                tr(
                    "the shared database {path} is missing; 'ipcoop --db {path} sync' puts "
                    "back the version this copy last synced, 'ipcoop --db {path} check "
                    "--restore --yes' the one before its last change, with the changes not "
                    "yet synced but that one (init would replace the shared record)"
                ).format(path=path)
            ) from None
        raise DatabaseError(
            tr("no database at {path}; create it with 'ipcoop --db {path} init'").format(path=path)
        ) from None
    except OSError as exc:
        raise DatabaseError(
            tr("cannot use {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseError(tr("{path} is a folder, not a database file").format(path=path))
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseError(
            tr(
                "{path} is not a regular file (a device, FIFO or socket); give the "
                "path of a database file"
            ).format(path=path)
        )
    return True
