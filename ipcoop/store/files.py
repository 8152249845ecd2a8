"""Bytes on disk: reading a database safely, and replacing a file atomically.

Every write goes to a temp file in the same folder, is synced, and renamed
over the old file, so a crash leaves the old file or the new one. Once the
rename has happened the change is made: nothing after it (keeping the
backup, syncing the folder, sweeping up) can turn it into a failure.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from ipcoop.base.errors import DatabaseError, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store.paths import backup_path, check_regular


def read_bytes(path: Path) -> bytes:
    """The whole file, refusing anything that is not a regular file (never hanging)."""
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DatabaseError(
            tr("cannot read {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check
            raise DatabaseError(tr("{path} is not a regular file").format(path=path))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 22)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise DatabaseError(
            tr("cannot read {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or str(exc)


def _pending_backup(path: Path) -> Path:
    bak = backup_path(path)
    return bak.with_name(f".{bak.name}.pending")


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _owner_of(path: Path) -> tuple[int, int, int] | None:
    """(mode, uid, gid) of the file being replaced, or None for a new file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseError(
            tr("cannot write {path}: {reason}; the file was not changed").format(
                path=path, reason=_reason(exc)
            )
        ) from None
    return info.st_mode & 0o777, info.st_uid, info.st_gid


def atomic_write(
    path: Path, payload: bytes, keep_backup: bool = True, error: type[IpcoopError] = DatabaseError
) -> None:
    """Replace `path` with `payload` so that a crash leaves the old or the new file.

    With `keep_backup`, the file being replaced is kept as `<name>.bak`: a hard
    link made before the rename and put in place after it, so a failed rename
    leaves the previous backup as it was. The new file keeps the old one's
    mode and owner (a write by root does not take a user's file from them).
    """
    folder = path.parent
    old = _owner_of(path)
    if old is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = old[0]
    tmp: str | None = None
    pending = _pending_backup(path) if keep_backup and old is not None else None
    try:
        if keep_backup:
            settle_backup(path)
        fd, tmp = _temporary(folder, path.name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
            if old is not None and (old[1], old[2]) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(handle.fileno(), old[1], old[2])
                except PermissionError:
                    raise error(
                        tr(
                            "cannot write {path} without taking it from its owner (uid {old}); run "
                            "the command as that user. The file was not changed"
                        ).format(path=path, old=old[1])
                    ) from None
        if pending is not None:
            _link_or_copy(path, pending)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        if pending is not None:
            with contextlib.suppress(OSError):
                os.unlink(pending)
        raise error(
            tr("cannot write {path}: {reason}; the file was not changed").format(
                path=path, reason=_reason(exc)
            )
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    # The change is made. What follows is housekeeping and never fails the write.
    if pending is not None:
        with contextlib.suppress(OSError):
            os.replace(pending, backup_path(path))
    fsync_dir(folder)
    sweep(path)


def _link_or_copy(source: Path, target: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
            raise
        # Hard links unsupported (some network or FAT file systems): copy instead.
        import shutil

        shutil.copy2(source, target)


def settle_backup(path: Path) -> None:
    """Finish what a killed writer left: a pending backup is the version before the
    current file unless it *is* the current file (killed before its rename)."""
    pending = _pending_backup(path)
    try:
        kept = os.stat(pending)
    except OSError:
        return
    try:
        current = os.stat(path)
        same = (kept.st_ino, kept.st_dev) == (current.st_ino, current.st_dev)
    except OSError:
        same = False
    with contextlib.suppress(OSError):
        if same:
            os.unlink(pending)
        else:
            os.replace(pending, backup_path(path))


def sweep(path: Path) -> None:
    """Remove temp files that killed writers left behind.

    Every writer makes its temp files while holding the lock, which we hold
    now, so any still here belong to a process that died mid-write. Nothing
    here may fail: the folder may not even be readable any more.
    """
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new file beside the target, opened for writing, private until renamed
    (what tempfile.mkstemp does, without importing tempfile and random: 3 ms)."""
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def write_output(path: Path, text: str | bytes) -> None:
    """Write a report or export file atomically: the old file stays whole if this fails."""
    if "\x00" in str(path):
        raise IpcoopError(tr("{path!r} is not a file name").format(path=str(path)))
    try:
        if path.exists() and not path.is_file():
            raise IpcoopError(tr("cannot write {path}: it is not a regular file").format(path=path))
    except OSError as exc:
        raise IpcoopError(
            tr("cannot write {path}: {value}").format(path=path, value=exc.strerror or exc)
        ) from None
    if path.is_symlink():  # write where the link points, and keep the link
        path = Path(os.path.realpath(path))
    if not path.parent.is_dir():
        raise IpcoopError(
            tr("cannot write {path}: the folder {parent} does not exist").format(
                path=path, parent=path.parent
            )
        )
    payload = text if isinstance(text, bytes) else text.encode("utf-8")
    atomic_write(path, payload, keep_backup=False, error=IpcoopError)


def write_quietly(path: Path, *pieces: bytes) -> None:
    """A local, rebuildable file (the cache): atomic, no fsync, failures ignored."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as file:
            for piece in pieces:
                file.write(piece)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
