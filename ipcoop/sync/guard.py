"""What a sync refuses to take or to send: the checks that keep the shared record whole.

- A remote is taken only as ipcoop shares it: the database and its two
  support files as regular files, every record one a local command would
  write, and a branch that still holds what this copy saw there last.
- A local file is sent only if it comes from the shared record: one made
  anew by `init`, or copied from another database, lacks the journal of
  what was shared, and committing it would wipe the record on every copy.
- A database missing from its shared folder is put back as last synced.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ipcoop.errors import DatabaseError
from ipcoop.store import files, layout
from ipcoop.store.paths import check_regular
from ipcoop.sync.content import incoming_problem, parse_blob
from ipcoop.sync.git import GitError
from ipcoop.sync.repo import REMOTE_REF, STALE_LOCKS, Repo

UNCHANGED = "; it was not merged and nothing here was changed"
# A git command on a repository this small takes seconds: a lock older than this was
# left by one that was killed (a plain `git pull` interrupted), and blocks every sync.
STALE_AFTER = 120.0


def remote_data(repo: Repo, rev: str, remote: str, ours: layout.Data | None = None) -> layout.Data:
    """The database at the remote's `rev`, if this copy can take it; GitError otherwise."""
    foreign = repo.foreign_entries(rev)
    if foreign:
        raise GitError(
            f"{remote} holds {', '.join(foreign[:3])} beside the database, which ipcoop "
            f"never shares{UNCHANGED}; whoever manages the remote should remove it"
        )
    try:
        data = parse_blob(repo.blob(rev) or b"", f"the database on {remote}")
    except DatabaseError as exc:
        raise GitError(exc.message + UNCHANGED) from None
    problem = incoming_problem(ours, data)
    if problem:
        raise GitError(
            f"the database on {remote} holds a record this copy refuses ({problem}){UNCHANGED}; "
            f"the copy that made it should correct it and sync"
        )
    return data


def fetch_forward(repo: Repo, remote: str) -> None:
    """Fetch, refusing a remote whose branch no longer holds what this copy saw there
    last (a restored backup, a forced push): following it would hand out ids again
    and drop changes. The remote-tracking branch is put back, so this holds until
    the remote is mended."""
    (seen,) = repo.revs(REMOTE_REF)
    repo.fetch()
    (now,) = repo.revs(REMOTE_REF)
    if seen is None or now == seen or (now is not None and repo.is_ancestor(seen, now)):
        return
    repo.git.run("update-ref", REMOTE_REF, seen)
    where = f"is back at {now[:12]}" if now else "has lost its branch main"
    raise GitError(
        f"{remote} was rewound: its branch {where}, which does not hold {seen[:12]} that "
        f"this copy synced before (a restored backup or a forced push); nothing was merged "
        f"and nothing here was changed. If nothing else was pushed since, "
        f"'git -C {repo.folder} push origin main' puts the history back; then sync again"
    )


def descends(path: Path, data: layout.Data, shared: layout.Data | None) -> None:
    """Refuse to send a file that does not come from the shared record it would replace.

    The journal only grows (undo adds to it, merges take the union), so a file
    that lacks entries the last synced version has was not made from it.
    """
    if shared is None:
        return
    missing = set(shared["history"]) - set(data["history"])
    if not missing:
        return
    name = path.name
    raise GitError(
        f"{name} here does not come from the shared record: it lacks {len(missing)} of the "
        f"changes this copy last synced (made anew by init, or replaced by another "
        f"database's file), so nothing was sent and the shared record is unchanged. To "
        f"keep its projects: move it aside ('mv {name} other.json'), run 'ipcoop sync' to "
        f"put the shared record back, then import them ('ipcoop --db other.json export "
        f"--output other-export.json', 'ipcoop import other-export.json')"
    )


# A change dated further ahead of this machine's clock than this says that one of the
# two clocks is wrong: conflicts are decided by time, so the user must hear of it.
SKEW = 24 * 3600


def clock_ahead(data: layout.Data, received: set[str]) -> str:
    """'NAME, at TIME' of the received change dated furthest in the future, if any is."""
    from datetime import UTC, datetime, timedelta

    limit = (datetime.now(UTC) + timedelta(seconds=SKEW)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ahead = [
        (str(entry.get("at")), str(entry.get("by", "?")))
        for key in received
        if isinstance(entry := data["history"].get(key), dict) and str(entry.get("at")) > limit
    ]
    if not ahead:
        return ""
    at, by = max(ahead)
    return f"{by}, dated {at}"


def restore_missing(repo: Repo, path: Path, head: str | None) -> bool:
    """Put the database back as this copy last synced it, if it is missing (a plain
    `git pull` killed midway removes it before writing the new one)."""
    if head is None or check_regular(path, missing_ok=True):
        return False
    raw = repo.blob(head)
    if raw is None:
        return False
    files.atomic_write(path, raw)
    return True


def clear_stale_locks(repo: Repo, ours_killed: bool) -> None:
    """Remove the locks a killed git left: all of them after a sync of ours was killed
    (we hold the sync lock, so no git of ours runs), else those too old to be live."""
    now = time.time()
    for name in STALE_LOCKS:
        lock = repo.git_dir / name
        try:
            if ours_killed or now - os.stat(lock).st_mtime > STALE_AFTER:
                os.unlink(lock)
        except OSError:
            continue
