"""The first sync of a copy: sharing its database through an empty remote, or joining
the database a remote holds."""

from __future__ import annotations

from pathlib import Path

from ipcoop.base.errors import IpcoopError
from ipcoop.store import files, paths
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


def first_time(repo: Repo, path: Path, remote: str) -> str:
    """Share the database with `remote` or join the one there, if this copy has no remote
    yet: "shared", "joined", or "" when it already syncs with that remote."""
    current = repo.remote_url() if repo.exists() else None
    if current is not None:
        if current != remote:
            raise IpcoopError(
                f"{path} is already shared with {current}; to change that, "
                f"run 'git -C {path.parent} remote set-url origin {remote}'"
            )
        return ""
    heads = probe(repo.git, remote)
    exists = paths.check_regular(path, missing_ok=True)
    if BRANCH_REF in heads:
        if exists:
            raise IpcoopError(
                f"{remote} already holds a database, and {path.name} here is another one "
                f"(unrelated histories); to join them: move {path.name} aside, run "
                f"'ipcoop sync {remote}' to fetch the shared one, then 'ipcoop import' the "
                f"export of yours ('ipcoop --db OLD export --output mine.json')"
            )
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
            files.atomic_write(path, raw)
        repo.move_branch(theirs, None)
        return "joined"
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
    return "shared"
