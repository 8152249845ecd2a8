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

from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store import files, layout
from ipcoop.store.paths import check_regular
from ipcoop.sync import incoming
from ipcoop.sync.content import parse_blob
from ipcoop.sync.git import GitError
from ipcoop.sync.locks import SEEN_REF
from ipcoop.sync.repo import BRANCH_REF, REMOTE_REF, Repo

UNCHANGED = "; it was not merged and nothing here was changed"


def remote_data(
    repo: Repo,
    rev: str,
    remote: str,
    ours: layout.Data | None = None,
    base: layout.Data | None = None,
    raw: bytes | None = None,
    tree: bool = True,
) -> layout.Data:
    """The database at the remote's `rev` (or `raw`, what this copy takes of it), if this
    copy can take it, judged against `base`, the version both share (see `incoming`);
    GitError otherwise. `tree`: whether the commit's own files are judged (not for a
    commit held aside, whose files are not taken)."""
    foreign = repo.foreign_entries(rev) if tree else []
    if foreign:
        raise GitError(
            tr(
                "{remote} holds {items} beside the database, which ipcoop never "
                "shares{unchanged}; whoever manages the remote should remove it"
            ).format(remote=remote, items=", ".join(foreign[:3]), unchanged=UNCHANGED)
        )
    try:
        data = parse_blob(
            raw if raw is not None else repo.blob(rev) or b"", f"the database on {remote}"
        )
    except DatabaseError as exc:
        said = exc.message.removesuffix(". Nothing was changed")  # said once, below
        raise GitError(said + UNCHANGED) from None
    problem = incoming.problem(ours, data, base)
    if problem:
        raise GitError(
            tr(
                "the database on {remote} holds a record this copy refuses "
                "({problem}){unchanged}; the copy that made it should correct it and "
                "sync"
            ).format(remote=remote, problem=problem, unchanged=UNCHANGED)
        )
    return data


def outgoing(ours: layout.Data, remote_data: layout.Data, remote: str) -> None:
    """Refuse to send what the other copies would refuse (content a plain `git pull`
    brought in, or an edit by hand): judged as they will judge it."""
    problem = incoming.problem(remote_data, ours, remote_data)
    if problem:
        raise GitError(
            tr(
                "this copy's database would be refused by the other copies "
                "({problem}); nothing was sent to {remote}. 'ipcoop check' lists what "
                "is wrong"
            ).format(problem=problem, remote=remote)
        )


def merged(data: layout.Data, ours: layout.Data, remote: str) -> layout.Data:
    """The merge's result, unless it holds what no command would write (every changing
    command would then refuse the file, on every copy)."""
    problem = incoming.problem(ours, data, None)
    if problem:
        raise GitError(
            tr(
                "merging {remote} would give a record this copy refuses ({problem}); "
                "nothing here was changed"
            ).format(remote=remote, problem=problem)
        )
    return data


def leased(data: layout.Data, remote: str) -> None:
    """After this copy's claims were settled: no two copies may hold the same ids
    (a remote rewound between two copies' leases can leave that)."""
    problem = incoming.overlap(data)
    if problem:
        raise GitError(
            tr(
                "after merging {remote}, {problem}: the remote lost a lease (a backup "
                "put back, a forced push) and the same ids went to two copies; nothing "
                "here was changed. To go on, keep this copy's work in a sheet ('ipcoop "
                "export --output mine.json'), move this folder aside, run 'ipcoop sync "
                "{remote}' to join afresh, then 'ipcoop import mine.json' (its "
                "projects come in with new ids)"
            ).format(remote=remote, problem=problem)
        )


def fetch_forward(repo: Repo, remote: str, put_back: bool = False) -> None:
    """Fetch, refusing a remote whose branch no longer holds what this copy saw there
    last (a restored backup, a forced push): following it would hand out ids again
    and drop changes. The remote-tracking branch is put back, so this holds until
    the remote is mended, or until `put_back`: then what the remote holds now is
    merged with this copy's history like any other change, and pushed."""
    # Remembered in a ref of ipcoop's own: a plain `git fetch` moves the remote-tracking
    # branch (its refspec is forced) and would make the rewind look like the last seen.
    recorded, tracking = repo.revs(SEEN_REF, REMOTE_REF)
    seen = recorded or tracking
    repo.fetch()
    (now,) = repo.revs(REMOTE_REF)
    if seen is None or now == seen or (now is not None and repo.is_ancestor(seen, now)) or put_back:
        if now is not None and now != recorded:
            repo.git.run("update-ref", SEEN_REF, now)
        return
    repo.git.run("update-ref", REMOTE_REF, seen)
    where = (
        tr("its branch main is back at {now}").format(now=now[:12])
        if now
        else tr("it has lost its branch main")
    )
    raise GitError(
        tr(
            "{remote} was rewound: {where}, which does not hold {seen} that this "
            "copy synced before (a restored backup or a forced push); nothing was "
            "merged and nothing here was changed. Ask whoever manages it why; then "
            "'ipcoop sync --put-back' puts this copy's history back, merged with "
            "anything pushed since"
        ).format(remote=remote, where=where, seen=seen[:12])
    )


def _as_written(entry: Any) -> Any:
    """A journal entry as its command wrote it (an undo marks it later)."""
    return {k: v for k, v in entry.items() if k != "undone"} if isinstance(entry, dict) else entry


def descends(path: Path, data: layout.Data, shared: layout.Data | None) -> None:
    """Refuse to send a file that does not come from the shared record it would replace.

    The journal only grows (undo adds to it, merges take the union), so a file
    that lacks entries the last synced version has was not made from it.
    """
    if shared is None:
        return
    missing = set(shared["history"]) - set(data["history"])
    reused = [
        k
        for k, entry in data["history"].items()
        if k in shared["history"] and _as_written(entry) != _as_written(shared["history"][k])
    ]
    if reused:  # an older version, with a command made on it since under a key in use
        made = data["history"][reused[0]].get("command", "?")
        raise GitError(
            tr(
                "{name} here is an older version of the shared record (a backup put "
                "back?) with a command made on it since ('{made}'), whose journal "
                "entry reuses one already shared, so nothing was sent. Keep it aside "
                "('mv {path} {path}.old'), run 'ipcoop --db {path} sync' to take the "
                "shared record again, and make that command again ('ipcoop --db "
                "{path}.old log' lists what it holds)"
            ).format(name=path.name, made=made, path=path)
        )
    if not missing:
        return
    name = path.name
    older = data["history"] and set(data["history"]) <= set(shared["history"])
    if older and set(data["copies"]) <= set(shared["copies"]):
        raise GitError(
            tr(
                "{name} here is an older version of the shared record (a backup put "
                "back? it lacks {count} of the changes this copy last synced), so "
                "nothing was sent. To go back on a change, use 'ipcoop undo' instead; "
                "to take the shared record again: 'mv {path} {path}.old', then 'ipcoop "
                "--db {path} sync'"
            ).format(name=name, count=len(missing), path=path)
        )
    raise GitError(
        tr(
            "{name} here does not come from the shared record: it lacks {count} of "
            "the changes this copy last synced (made anew by init, or replaced by "
            "another database's file), so nothing was sent and the shared record "
            "is unchanged. To keep its projects: move it aside ('mv {path} "
            "{path}.other'), run 'ipcoop --db {path} sync' to put the shared "
            "record back, then bring over the projects only it holds ('ipcoop --db "
            "{path}.other export --output other.csv', keep the rows of those "
            "projects only (the bundled ones are in the record already), then "
            "'ipcoop --db {path} import other.csv')"
        ).format(name=name, count=len(missing), path=path)
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


def restore_missing(repo: Repo, path: Path, head: str | None, trusted: Any = None) -> bool:
    """Put the database back as this copy last synced it, if it is missing (a plain
    `git pull` killed midway removes it before writing the new one; one that took a
    commit without the file, or with a folder in its place, removes it too). With
    `trusted` (a copy that signs), what it trusts of that version: held changes not."""
    if head is None or check_regular(path, missing_ok=True):
        return False
    from ipcoop.sync.mend import reflog

    for rev in [head, *reflog(repo, BRANCH_REF)]:
        raw = trusted(rev) if trusted is not None else repo.blob(rev)
        if raw:
            files.atomic_write(path, raw)
            return True
    return False


def own_entries(path: Path, data: dict[str, Any], known: set[str]) -> None:
    """Refuse to send journal entries of another copy that never came in through a sync
    (a file copied from another copy, a backup of theirs, a plain `git pull` of an
    outsider's commit): signed by this copy, they would pass its changes off as
    theirs, and every copy holds them aside."""
    from ipcoop.store import identity
    from ipcoop.sync.entries import owned

    me = identity.read_local(path).get("copy")
    if not isinstance(me, str):
        return
    foreign = sorted(k for k in set(data["history"]) - known if not owned(k, me))
    if foreign:
        said = (
            tr(
                "{name} holds {count} journal entry of another copy ({foreign}) "
                "that no sync brought here (a file or backup copied from another "
                "copy?), so nothing was sent: the other copies would hold it aside. To "
                "go back to the shared record as this copy last synced it: 'mv {path} "
                "{path}.other', then 'ipcoop --db {path} sync'"
            )
            if len(foreign) == 1
            else tr(
                "{name} holds {count} journal entries of another copy ({foreign}) "
                "that no sync brought here (a file or backup copied from another "
                "copy?), so nothing was sent: the other copies would hold them aside. "
                "To go back to the shared record as this copy last synced it: 'mv "
                "{path} {path}.other', then 'ipcoop --db {path} sync'"
            )
        )
        raise GitError(
            said.format(
                name=path.name,
                count=len(foreign),
                foreign=foreign[0],
                path=path,
            )
        )


def made_by_commands(path: Path, data: dict[str, Any], before: dict[str, Any]) -> None:
    """Refuse to commit a change no command made (a plain `git pull` of an outsider's
    commit, an edit by hand): the others would refuse it, and signed here it would
    stay in this copy's history."""
    problem = incoming.problem(before, data, before)
    if problem:
        raise GitError(
            tr(
                "{name} holds a change no ipcoop command made ({problem}: a plain 'git "
                "pull' or an edit by hand?), so nothing was committed or sent. To go "
                "back to the shared record as this copy last synced it: 'mv {path} "
                "{path}.other', then 'ipcoop --db {path} sync'"
            ).format(name=path.name, problem=problem, path=path)
        )


def sound_to_send(path: Path, data: dict[str, Any], before: dict[str, Any] | None) -> None:
    """Refuse to send a database with records no command would write: every other copy
    would refuse it, and their syncs would stop until it is mended here. The projects
    changed since `before` (the last version synced) are checked, as `incoming` checks
    what comes in, with the whole of the small tables."""
    found = incoming.records_problem(before, data)
    if found:
        raise IpcoopError(
            tr(
                "{name} holds a record every other copy would refuse ({found}); "
                "'ipcoop check' lists what is wrong. Nothing was sent"
            ).format(name=path.name, found=found)
        )
