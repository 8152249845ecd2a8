"""`ipcoop sync`: commit this copy's changes, fetch, merge record by record, push.

Every step can be killed and the next sync finishes the job, because the
database file is always written before the branch is moved: a file that
differs from the branch is simply committed again as a local change, and
merging content that is already in both sides changes nothing.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store import files, identity, layout, paths
from ipcoop.store.lock import locked
from ipcoop.store.merge import merge
from ipcoop.store.provenance import open_conflicts
from ipcoop.sync import first, guard, leases, locks, signed, trust
from ipcoop.sync import signers as sig
from ipcoop.sync.content import parse_blob
from ipcoop.sync.git import Git, GitError
from ipcoop.sync.mend import mend
from ipcoop.sync.repo import BRANCH_REF, REMOTE_REF, Repo
from ipcoop.sync.report import Report
from ipcoop.sync.verify import Judge

ATTEMPTS = 6


def _busy(timeout: float) -> IpcoopError:
    return IpcoopError(
        tr(
            "another 'ipcoop sync' of this database is running (waited {timeout:g} "
            "s); let it finish, then sync again if needed"
        ).format(timeout=timeout)
    )


def sync(
    db: Path,
    remote: str | None = None,
    name: str | None = None,
    key: Path | None = None,
    side: str | None = None,
    put_back: bool = False,
) -> Report:
    path = paths.resolve(db)
    if path != db.expanduser().absolute() and os.path.islink(db.expanduser()):
        # Its folder would become a git repository: the link's target's, say the home.
        raise DatabaseError(
            tr(
                "{db} is a symbolic link to {path}; sharing makes the database's "
                "folder a git repository, so keep the shared database in a folder of "
                "its own and give it itself with --db"
            ).format(db=db, path=path)
        )
    if not path.parent.is_dir():
        # A first-time user joining: the default folder is made, as any first command does.
        if remote is None:
            paths.check_regular(path)  # says there is no database here
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                tr("cannot create {parent}: {value}").format(
                    parent=path.parent, value=exc.strerror or exc
                )
            ) from None
    if key is not None:  # a key that cannot sign is refused before anything is touched
        from ipcoop.sync.keys import load

        load(key.expanduser().resolve(), "the key")
    # One sync of a copy at a time: a second one would read and rewrite this copy's
    # state (its pending leases) under the first one's feet, and remove git's locks.
    with locked(path, paths.sync_lock_path(path), _busy):
        return _sync(path, remote, name, key, side, put_back)


def _sync(
    path: Path,
    remote: str | None,
    name: str | None,
    key: Path | None,
    side: str | None,
    put_back: bool,
) -> Report:
    folder = path.parent
    state = identity.read_local(path)
    copy = state.get("copy") if isinstance(state.get("copy"), str) else None
    who = name or state.get("name") or identity.default_name()
    git = Git(folder, name=who, email=f"{copy or 'ipcoop'}@ipcoop.invalid")
    repo = Repo(git, path.name)
    top = folder if repo.exists() else repo.enclosing()
    if top is not None and top.resolve() != folder.resolve():
        raise IpcoopError(
            tr(
                "{folder} is inside the git repository {top}; keep the shared database "
                "in a folder of its own (move it, then sync)"
            ).format(folder=folder, top=top)
        )
    report = Report(put_back=put_back)
    signing_key = trust.key_of(path, key, who)  # before anything changes: a bad key refuses
    repo.key = signing_key.private
    repo.signer = signing_key.ident
    report.fingerprint = signing_key.fingerprint
    if remote is not None:
        remote = first.normalise(remote)
        report.first, report.kept = first.first_time(repo, path, remote)
    config = repo.local_config() if repo.exists() else {}
    if "remote.origin.url" not in config:
        raise IpcoopError(
            tr(
                "{path} is not shared yet; run 'ipcoop sync REMOTE' once, where REMOTE "
                "is a git URL or path both sides can reach (an empty bare repository "
                "to start)"
            ).format(path=path)
        )
    repo.configure(None, config)
    report.remote = config["remote.origin.url"]
    locks.clear_local(repo, ours_killed=bool(state.get("syncing")))
    held = locks.clear_remote(report.remote, folder)
    if held is not None:
        raise GitError(locks.held_message(str(held)))
    mend(repo)  # objects a power cut left empty would make git answer wrongly
    with locked(path):
        # (The judge, and its kept verdicts, only when the file is missing.)
        trusted = (
            (lambda rev: signed.judge_of(repo, path).db_raw_of(rev)) if trust.roots(state) else None
        )
        report.restored = guard.restore_missing(repo, path, repo.revs("HEAD")[0], trusted)
        _mark(path, syncing=True, name=name)
    try:
        signed.first(repo, path, report, signing_key, who, side)
        _exchange(repo, path, report, signing_key)
    except IpcoopError:
        _ended(path)  # refused, not killed midway
        raise
    _ended(path)
    return report


def _ended(path: Path) -> None:
    with locked(path):
        _mark(path, syncing=False)


def _exchange(repo: Repo, path: Path, report: Report, key: Any) -> None:
    """Commit, fetch, merge, push until the remote takes it; confirm the leases."""
    pinned = trust.roots(identity.read_local(path))
    was_waiting = key.ident not in sig.trusted(trust.read_local_signers(path), pinned)
    for _ in range(ATTEMPTS):
        with locked(path):
            _commit_local(repo, path, repo.revs("HEAD")[0])
        guard.fetch_forward(repo, report.remote, report.put_back)
        theirs = repo.revs(REMOTE_REF)[0]
        if trust.give_up_founding(path, key, signed.remote_signers(repo, theirs)):
            report.signing = "waiting"
        with locked(path):
            head = _integrate(repo, path, report, key)
        if head == repo.revs(REMOTE_REF)[0]:
            break
        if repo.push(head):
            repo.git.run("update-ref", locks.SEEN_REF, head)  # the remote holds it now
            trust.pushed(path)
            break
        time.sleep(random.uniform(0.05, 0.3))  # the other side pushed first: merge again
    else:
        held = locks.blocking(repo.refused)
        if held is not None:
            raise GitError(locks.held_message(held))
        raise GitError(
            tr("the remote kept changing during {attempts} attempts; sync again").format(
                attempts=ATTEMPTS
            )
        )
    report.tally()
    state = identity.read_local(path)
    judge = Judge(repo, trust.roots(state))
    judge.judge(head)
    # Waiting until the others trust this key: as the shared record says, not this file.
    agreed = judge.signers_at(head)
    report.waiting = key.ident not in sig.trusted(agreed, trust.roots(state))
    report.revoked = (agreed.get(key.ident) or {}).get("revoked") is not None
    mine = judge.verdicts.get(head)
    if mine is not None and mine.kind == "held" and mine.signer == key.ident:
        # (A waiting or revoked copy is told so otherwise.)
        report.own_held = "" if report.waiting or report.revoked else mine.reason
    if was_waiting and not report.waiting and key.ident in agreed:
        by = agreed[key.ident].get("trusted_by") or ""
        report.approved_by = (agreed.get(by) or {}).get("name") or by
    if state.get("pending"):
        with locked(path):  # a lease counts once the others take it: trusted content
            leases.confirm(path, judge.db_raw(head) or b"")
    if (report.first == "shared" or report.put_back) and Path(report.remote).is_dir():
        # A plain `git clone` of a bare repository checks out its HEAD: make it main.
        # History only moves forward there: no forced push, no deleted branch.
        for args in (
            ("symbolic-ref", "HEAD", BRANCH_REF),
            ("config", "receive.denyNonFastForwards", "true"),
            ("config", "receive.denyDeletes", "true"),
        ):
            repo.git.run("--git-dir", report.remote, *args, check=False)


def _mark(path: Path, syncing: bool, name: str | None = None) -> None:
    state = identity.read_local(path)
    wanted = {**state, "syncing": syncing}
    if name:
        wanted["name"] = name
    if wanted != state:
        identity.write_local(path, wanted)


def _local(path: Path) -> tuple[bytes, layout.Data]:
    raw = files.read_bytes(path)
    return raw, parse_blob(raw, str(path))


def _committed(path: Path, head: str | None, raw: bytes) -> bool:
    """Whether the file is, byte for byte, what the last sync left committed at `head`."""
    from ipcoop.store.cache import fingerprint

    last = identity.read_local(path).get("committed") or {}
    return head is not None and (last.get("head"), last.get("file")) == (head, fingerprint(raw))


def _remember(path: Path, head: str, raw: bytes) -> None:
    """What the last sync left committed: its head, the file's fingerprint, and how many
    journal entries it held (a backup with fewer is older than the shared record)."""
    from ipcoop.store.cache import fingerprint

    state = identity.read_local(path)
    done = {"head": head, "file": fingerprint(raw), "entries": layout.entry_count(raw)}
    wanted = {**state, "committed": done}
    if wanted != state:
        identity.write_local(path, wanted)


def _commit_local(repo: Repo, path: Path, head: str | None) -> str | None:
    """Commit the file as it is now, if it differs from the branch (at `head`); return the head."""
    raw = files.read_bytes(path)
    if repo.merge_head() or layout.has_conflict_markers(raw):
        from ipcoop.sync.repair import repair

        return repair(repo, path, head, raw)
    signers = signed.local_raw(path)
    if _committed(path, head, raw + signers):
        return head
    contents = repo.contents(raw, signers)
    repo.write_support_files()
    if head is not None and repo.holds(head, contents) and not signed.unvouched(repo, path, head):
        _remember(path, head, raw + signers)
        return head
    _, data = _local(path)
    trusted, known = signed.before_commit(repo, path, head)
    before = _parsed(trusted) if head else None
    guard.descends(path, data, before)
    guard.sound_to_send(path, data, before)
    if known is not None and before is not None:  # what the others will judge, judged first
        guard.own_entries(path, data, known)
        guard.made_by_commands(path, data, before)
    commit = repo.commit(contents, [head] if head else [], _message(data, before))
    repo.move_branch(commit, head)
    _remember(path, commit, raw + signers)
    return commit


def _parsed(raw: bytes | None) -> layout.Data | None:
    """A committed version, or None when there is none this version can read."""
    try:
        return parse_blob(raw, "the last commit") if raw else None
    except DatabaseError:
        return None


def _message(data: layout.Data, before: layout.Data | None) -> str:
    old = set(before["history"]) if before else set()
    commands = [data["history"][k] for k in sorted(data["history"]) if k not in old]
    if not commands:
        return "ipcoop: the database"
    by = commands[-1].get("by", "?")
    lines = [f"{by}: {len(commands)} change(s)", ""]
    lines += [f"- {e.get('command', '')}" for e in commands[:50]]
    return "\n".join(lines)


def _integrate(repo: Repo, path: Path, report: Report, key: Any) -> str:
    """Merge what was fetched into the file and the branch; lease ids; return the head.
    Only trusted content is merged: what a held commit changed is left out."""
    head, theirs = repo.revs("HEAD", REMOTE_REF)
    head = _commit_local(repo, path, head)  # a command may have run during the fetch
    if head is not None and theirs == head and _needs_nothing(path):
        return head  # nothing to send or receive: no parsing, no writing
    judge = signed.judge_of(repo, path)
    signed.note_held(judge, judge.judge(head, theirs), report, key)
    raw, ours = _local(path)
    if report.mine is None:
        report.mine = ours
    data = ours
    parents = [head] if head else []
    local_signers = trust.read_local_signers(path)
    signers = local_signers
    if report.signers_mine is None:
        report.signers_mine = local_signers
    if theirs is not None and theirs != head and not repo.is_ancestor(theirs, head or ""):
        forward, base = _base(repo, judge, head, theirs, ours, report.remote)
        verdict = judge.verdicts[theirs]
        their_data = guard.remote_data(
            repo, theirs, report.remote, ours, base, judge.db_raw(theirs), verdict.kind != "held"
        )
        report.signers_theirs = judge.signers_at(theirs)
        signers = sig.merge(local_signers, report.signers_theirs)
        if forward:
            data, parents = their_data, [theirs]
        else:
            data = guard.merged(merge(base, ours, their_data), ours, report.remote)
            parents = [h for h in (head, theirs) if h]
        received = set(their_data["history"]) - set(ours["history"])
        report.ahead = report.ahead or guard.clock_ahead(their_data, received)
        report.theirs = their_data
    elif theirs is None or theirs != head:
        # (The remote's version may be unreadable, pulled in by a plain `git pull`:
        # this push replaces it.)
        old = _parsed(judge.db_raw(theirs)) if theirs else None
        if old is not None:
            guard.outgoing(ours, old, report.remote)
        report.theirs = old or {name: {} for name in layout.TABLES}
        report.signers_theirs = judge.signers_at(theirs) if theirs else {}
    else:
        report.theirs = report.signers_theirs = None  # the remote holds this head
    report.final, report.signers_final = data, signers
    copy, name, _ = identity.choose(path, data["copies"])
    report.leased += leases.settle(path, data, copy, name)
    guard.leased(data, report.remote)
    new = layout.serialise(data)
    if new != raw:
        files.atomic_write(path, new)
    if signers != local_signers:
        trust.write_local_signers(path, signers)
    signers_raw = sig.serialise(signers)
    report.conflicts = len(open_conflicts(data))
    message = (
        (lambda: _message(data, _parsed(repo.blob(parents[0])) if parents else None))
        if len(parents) < 2
        else (lambda: f"{name}: merge")
    )
    return _place(repo, path, (head, theirs), parents, repo.contents(new, signers_raw), message)


def _place(
    repo: Repo,
    path: Path,
    tips: tuple[str | None, str | None],
    parents: list[str],
    contents: dict[str, bytes],
    message: Callable[[], str],
) -> str:
    """The branch moved to what the merge gave: the remote's head, ours, or a new commit."""
    head, theirs = tips
    new, signers_raw = contents[repo.name], contents[repo.signers_name]
    if theirs is not None and parents == [theirs] and repo.holds(theirs, contents):
        repo.move_branch(theirs, head)  # a fast-forward
        _remember(path, theirs, new + signers_raw)
        return theirs
    if parents == [head] and head is not None and repo.holds(head, contents):
        return head
    commit = repo.commit(
        contents,
        parents,
        message(),
    )
    repo.move_branch(commit, head)
    _remember(path, commit, new + signers_raw)
    return commit


def _base(
    repo: Repo, judge: Judge, head: str | None, theirs: str, ours: layout.Data, remote: str
) -> tuple[bool, layout.Data | None]:
    """(whether the remote's version simply follows ours, the version both share, as
    trusted: a held commit's changes are not in it)."""
    if head is None:
        return True, None
    if repo.is_ancestor(head, theirs) and judge.verdicts[head].kind != "held":
        return True, ours  # this copy's file is its head's version (just committed)
    base_rev = repo.merge_base(head, theirs)
    if base_rev is None:
        raise IpcoopError(
            tr(
                "{remote} holds an unrelated database (no common history); the local "
                "file was not changed"
            ).format(remote=remote)
        )
    base_raw = judge.db_raw(base_rev) if base_rev in judge.verdicts else repo.blob(base_rev)
    return False, parse_blob(base_raw, "the common version") if base_raw else None


def _needs_nothing(path: Path) -> bool:
    """Whether this copy's ids are in order: none pending, enough left (cheap: the
    copies table only, from a file the cache vouches for)."""
    from ipcoop.store.loader import load

    state = identity.read_local(path)
    if state.get("pending") or not isinstance(state.get("copy"), str):
        return False
    record = load(path, writable=False).copies().get(state["copy"])
    if record is None or any(block[1] is None for block in record.get("blocks", [])):
        return False
    return (identity.free_ids(record, []) or 0) >= identity.wanted(state)
