"""The first sync of a copy: sharing its database through an empty remote, or joining
the database a remote holds."""

from __future__ import annotations

import os
from pathlib import Path

from ipcoop.base.errors import IpcoopError
from ipcoop.store import files, identity, paths
from ipcoop.store.admin import aside_name
from ipcoop.store.lock import locked
from ipcoop.sync import guard
from ipcoop.sync.repo import BRANCH_REF, REMOTE_REF, Repo, probe


def normalise(remote: str) -> str:
    """A local path is stored absolute, so the repository works from any folder."""
    if not remote.strip() or remote.startswith("-") or "\x00" in remote:
        raise IpcoopError(f"{remote!r} is not a git URL or path")
    if "://" in remote or (":" in remote.split("/", maxsplit=1)[0] and not Path(remote).exists()):
        return remote
    try:
        return str(Path(remote).expanduser().resolve())
    except (RuntimeError, OSError) as exc:  # ~nosuchuser, a symlink loop
        raise IpcoopError(f"cannot use the remote {remote}: {exc}") from None


def _as_found(path: Path) -> tuple[str, bool]:
    """The database here, read once: why it cannot be read ("" if it can), and whether
    it holds no change made with ipcoop (no journal entry: the bundled programme as the
    first command made it, which joining may replace)."""
    from ipcoop.base.errors import DatabaseError
    from ipcoop.sync.content import parse_blob

    try:
        return "", not parse_blob(files.read_bytes(path), str(path))["history"]
    except DatabaseError as exc:
        return exc.message, False


def first_time(repo: Repo, path: Path, remote: str) -> tuple[str, str]:
    """Share the database with `remote` or join the one there, if this copy has no remote
    yet: ("shared" | "joined" | "" when it already syncs with that remote, the name
    an untouched database that joining replaced was kept under)."""
    current = repo.remote_url() if repo.exists() else None
    if current is not None:
        if current != remote:
            raise IpcoopError(
                f"{path} is already shared with {current}; to change that, "
                f"run 'git -C {path.parent} remote set-url origin {remote}'"
            )
        return "", ""
    heads = probe(repo.git, remote)
    exists = paths.check_regular(path, missing_ok=True)
    if BRANCH_REF in heads:
        damage, untouched = _as_found(path) if exists else ("", True)
        if damage:
            raise IpcoopError(
                f"{remote} already holds a database, and {path.name} here cannot be read "
                f"({damage}); move it aside ('mv {path} {path}.damaged'), then run "
                f"'ipcoop sync {remote}' to fetch the shared one"
            )
        if not untouched:
            raise IpcoopError(
                f"{remote} already holds a database, and {path.name} here is another one "
                f"(unrelated histories, and changes made here); to join: move {path.name} "
                f"aside, run 'ipcoop sync {remote}' to fetch the shared one, then make your "
                f"changes again there ('ipcoop --db OLD log' lists them)"
            )
        existed = repo.exists()
        try:
            return _join(repo, path, remote, exists)
        except IpcoopError:
            if not existed:  # as it was: a later try starts afresh, not "unrelated"
                import shutil

                shutil.rmtree(repo.git_dir, ignore_errors=True)
            raise
    if heads:
        raise IpcoopError(
            f"{remote} is a git repository without an ipcoop database "
            f"(no branch main); give an empty repository or one ipcoop shared"
        )
    if not exists:
        raise IpcoopError(
            f"there is no database at {path} to share, and {remote} is empty; "
            f"create one first ('ipcoop --db {path} init')"
        )
    repo.init()
    repo.configure(remote)
    return "shared", ""


def _join(repo: Repo, path: Path, remote: str, exists: bool) -> tuple[str, str]:
    """Fetch the shared database into this folder (one holding none, or an untouched one)."""
    repo.init()
    repo.configure(remote)
    repo.fetch()
    theirs = repo.rev(REMOTE_REF)
    raw = repo.blob(theirs) if theirs else None
    if raw is None:
        listed = ", ".join(repo.files(theirs)) if theirs else "nothing"
        raise IpcoopError(
            f"{remote} holds no {path.name} on its branch main "
            f"(it holds: {listed}); is it an ipcoop remote?"
        )
    assert theirs is not None  # it gave the file
    guard.remote_data(repo, theirs, remote)
    with locked(path):
        kept = _keep(path) if exists else ""
        files.atomic_write(path, raw)
        if kept:  # its identity and ids were that database's: this copy starts anew
            state = identity.read_local(path)
            identity.write_local(path, {k: v for k, v in state.items() if k == "name"})
    repo.move_branch(theirs, None)
    return "joined", kept


def _keep(path: Path) -> str:
    """The bundled programme, never changed, kept aside all the same."""
    kept = aside_name(path, "before-joining")
    try:
        os.link(path, kept)
    except OSError as exc:
        raise IpcoopError(f"cannot keep {path} aside as {kept.name}: {exc.strerror}") from None
    return kept.name
