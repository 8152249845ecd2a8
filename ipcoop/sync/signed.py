"""The signing steps of a sync: the first signed sync of a copy, judging what came in,
and what of it was held aside (see verify and trust)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipcoop.base.errors import DatabaseError, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store import files, identity
from ipcoop.store.lock import locked
from ipcoop.sync import guard, trust
from ipcoop.sync import signers as sig
from ipcoop.sync.content import parse_blob
from ipcoop.sync.repo import REMOTE_REF, Repo
from ipcoop.sync.verify import Judge

if TYPE_CHECKING:
    from ipcoop.sync.report import Report


def first(repo: Repo, path: Path, report: Report, key: Any, who: str, side: str | None) -> None:
    """The first signed sync of this copy: pin the founder (or found signing) and put
    this copy's key in the signers file; later, only a side given anew."""
    state = identity.read_local(path)
    listed = trust.read_local_signers(path).get(key.ident)
    if side and listed and listed["side"] not in (None, side):
        raise IpcoopError(
            tr(
                "this copy's key is listed for side {side}, and a key's side never "
                "changes; to keep the other side, sync with a new key (--key PATH) and "
                "have it approved"
            ).format(side=listed["side"])
        )
    if trust.roots(state) and listed is not None and (not side or listed["side"] == side):
        return
    guard.fetch_forward(repo, report.remote, report.put_back)
    theirs = repo.revs(REMOTE_REF)[0]
    listed = remote_signers(repo, theirs)
    head = repo.revs("HEAD")[0]
    trust.pin(path, key, listed, [c for c in (head, theirs) if c])
    shared: sig.Signers = {}
    if theirs is not None:
        judge = judge_of(repo, path)
        judge.judge(theirs)
        shared = judge.signers_at(theirs)
        taken = judge.db_raw(theirs)
        if report.first == "joined" and taken is not None and taken != files.read_bytes(path):
            with locked(path):  # what the remote holds that this copy does not take
                files.atomic_write(path, taken)
    try:
        data = parse_blob(files.read_bytes(path), str(path))
    except DatabaseError:  # conflict markers a plain `git pull` left: the sync repairs them
        data = {"copies": {}, "members": {}}
    copy, _, _ = identity.choose(path, data["copies"])
    side = side or sig.guess_side(who, data["members"])
    report.signing = trust.register(path, key, copy, who, side, shared)
    from ipcoop.sync.keys import fingerprint

    report.founders = [
        f"{shared[k]['name']} ({fingerprint(shared[k]['key'])})"
        for k in sorted(trust.roots(identity.read_local(path)))
        if k in shared and k != key.ident
    ]


def remote_signers(repo: Repo, rev: str | None) -> sig.Signers:
    if rev is None:
        return {}
    try:
        return sig.parse(
            repo.blob(rev, repo.signers_name), f"the signers file on {repo.remote_url()}"
        )
    except sig.SignersError:
        return {}  # judged commit by commit: a damaged one is held aside


def judge_of(repo: Repo, path: Path) -> Judge:
    return Judge(repo, trust.roots(identity.read_local(path)))


def note_held(judge: Judge, new: list[str], report: Report, key: Any) -> None:
    """Commits held aside among those just judged (not this copy's own)."""
    for commit in new:
        verdict = judge.verdicts[commit]
        if verdict.kind == "held" and verdict.signer != key.ident:
            report.held.append((commit, verdict.signer or "", verdict.reason))


def unvouched(repo: Repo, path: Path, head: str) -> bool:
    """Whether the branch holds this file in a commit no trusted key vouches for and that
    this copy did not sign (a plain `git commit` or `git pull`): signed anew, it counts."""
    judge = judge_of(repo, path)
    judge.judge(head)
    verdict = judge.verdicts[head]
    return verdict.kind == "held" and verdict.signer != repo.signer


def local_raw(path: Path) -> bytes:
    return sig.serialise(trust.read_local_signers(path))


def before_commit(repo: Repo, path: Path, head: str | None) -> tuple[bytes | None, set[str] | None]:
    """What a new commit on `head` is judged against: the database this copy trusts at
    `head` (what was committed, for a copy that does not sign yet), and the journal
    entries any sync brought here (None: not to be checked)."""
    from ipcoop.sync.entries import keys_in

    if head is None:
        return None, None
    state = identity.read_local(path)
    if not trust.roots(state):
        return repo.blob(head), None
    judge = judge_of(repo, path)
    trusted = judge.db_raw_of(head)
    last = (state.get("committed") or {}).get("head")
    if (
        isinstance(last, str)
        and last != head
        and (
            not repo.git.ok("cat-file", "-e", f"{last}^{{commit}}") or repo.is_ancestor(head, last)
        )
    ):
        # A power cut set the branch back: the file may hold what the lost commits
        # brought; the judge holds what must be held.
        return trusted, None
    theirs = repo.revs(REMOTE_REF)[0]
    known = keys_in(trusted) | (keys_in(judge.db_raw_of(theirs)) if theirs else set())
    return trusted, known
