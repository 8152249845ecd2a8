"""The first sync of a copy: sharing its database through an empty remote, or joining
the database a remote holds."""

from __future__ import annotations

import os
from pathlib import Path

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store import files, identity, paths
from ipcoop.store.admin import aside_name
from ipcoop.store.lock import locked
from ipcoop.sync import guard
from ipcoop.sync.repo import BRANCH_REF, REMOTE_REF, Repo, probe


def normalise(remote: str) -> str:
    """A local path is stored absolute, so the repository works from any folder."""
    if not remote.strip() or remote.startswith("-") or "\x00" in remote:
        raise IpcoopError(tr("{remote!r} is not a git URL or path").format(remote=remote))
    if "://" in remote or (":" in remote.split("/", maxsplit=1)[0] and not Path(remote).exists()):
        return remote
    try:
        return str(Path(remote).expanduser().resolve())
    except (RuntimeError, OSError) as exc:  # ~nosuchuser, a symlink loop
        raise IpcoopError(
            tr("cannot use the remote {remote}: {exc}").format(remote=remote, exc=exc)
        ) from None


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
                tr(
                    "{path} is already shared with {current}; to change that, run 'git -C "
                    "{parent} remote set-url origin {remote}'"
                ).format(path=path, current=current, parent=path.parent, remote=remote)
            )
        return "", ""
    heads = probe(repo.git, remote)
    exists = paths.check_regular(path, missing_ok=True)
    if BRANCH_REF in heads:
        damage, untouched = _as_found(path) if exists else ("", True)
        if damage:
            raise IpcoopError(
                tr(
                    "{remote} already holds a database, and {name} here cannot be read "
                    "({damage}); move it aside ('mv {path} {path}.damaged'), then run "
                    "'ipcoop sync {remote}' to fetch the shared one"
                ).format(remote=remote, name=path.name, damage=damage, path=path)
            )
        if not untouched:
            raise IpcoopError(
                tr(
                    "{remote} already holds a database, and {name} here is another one "
                    "(unrelated histories, and changes made here); to join: move {name} "
                    "aside, run 'ipcoop sync {remote}' to fetch the shared one, then make "
                    "your changes again there ('ipcoop --db OLD log' lists them)"
                ).format(remote=remote, name=path.name)
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
            tr(
                "{remote} is a git repository without an ipcoop database (no branch "
                "main); give an empty repository or one ipcoop shared"
            ).format(remote=remote)
        )
    if not exists:
        raise IpcoopError(
            tr(
                "there is no database at {path} to share, and {remote} is empty; "
                "create one first ('ipcoop --db {path} init')"
            ).format(path=path, remote=remote)
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
            tr(
                "{remote} holds no {name} on its branch main (it holds: {listed}); is "
                "it an ipcoop remote?"
            ).format(remote=remote, name=path.name, listed=listed)
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
        raise IpcoopError(
            tr("cannot keep {path} aside as {name}: {strerror}").format(
                path=path, name=kept.name, strerror=exc.strerror
            )
        ) from None
    return kept.name
