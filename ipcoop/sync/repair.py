"""Repairing what a plain `git pull` without ipcoop's merge driver left behind."""

from __future__ import annotations

from pathlib import Path

from ipcoop.base.errors import DatabaseError
from ipcoop.base.i18n import tr
from ipcoop.store import files, layout
from ipcoop.store.merge import merge
from ipcoop.sync.content import parse_blob
from ipcoop.sync.repo import Repo


def repair(repo: Repo, path: Path, head: str | None, raw: bytes) -> str | None:
    """Merge the two sides git could not, record by record; return the new head.

    A merge in progress (MERGE_HEAD) is finished with a merge commit. Conflict
    markers that were committed (the merge commit holds them) are repaired by
    merging that commit's two parents again.
    """
    merging = repo.merge_head()
    if merging is not None and head is not None:
        ours_rev, theirs_rev, parents = head, merging, [head, merging]
        # The file may hold this copy's changes since (git left it as ours).
        ours_raw = raw if not layout.has_conflict_markers(raw) else repo.blob(head)
    elif head is not None and layout.has_conflict_markers(repo.blob(head) or b""):
        ours_rev, theirs_rev = repo.git.out("rev-parse", f"{head}^1", f"{head}^2").split()
        ours_raw, parents = repo.blob(ours_rev), [head]
    else:
        raise DatabaseError(
            tr(
                "{path} holds conflict markers that git did not leave from a merge "
                "ipcoop can redo; go back to the last shared version with 'git -C "
                "{parent} checkout -- {name}' (your changes since are in its history: "
                "'git log -p')"
            ).format(path=path, parent=path.parent, name=path.name)
        )
    base_rev = repo.merge_base(ours_rev, theirs_rev)
    base_raw = repo.blob(base_rev) if base_rev else None
    base = parse_blob(base_raw, "the common version") if base_raw else None
    ours = parse_blob(ours_raw or b"", "this copy's version")
    theirs = parse_blob(repo.blob(theirs_rev) or b"", "the other version")
    new = layout.serialise(merge(base, ours, theirs))
    files.atomic_write(path, new)
    commit = repo.commit(
        repo.contents(new, _signers(path)), parents, "ipcoop: merge repaired record by record"
    )
    repo.move_branch(commit, head)
    return commit


def _signers(path: Path) -> bytes:
    from ipcoop.sync import signers, trust

    return signers.serialise(trust.read_local_signers(path))
