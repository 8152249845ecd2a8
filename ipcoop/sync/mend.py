"""Mending this copy's repository after a power cut left git's objects or index damaged.

git writes an object to a file of its own; without fsync (as before ipcoop
set core.fsync) a power cut can leave such files empty, and every later git
command that reads one fails ("object file ... is empty"). The database file
is the truth and the remote holds everything pushed, so nothing is lost with
them: every sync first removes the empty objects (a scan of the object
folders: a few milliseconds), moves each branch that needs one back to the
newest version its reflog can still read (the remote-tracking branch is
dropped and fetched again), and goes on as usual.
"""

from __future__ import annotations

import contextlib
import hashlib
import os

from ipcoop.sync.repo import BRANCH_REF, REMOTE_REF, Repo


def empty_objects(repo: Repo) -> list[str]:
    """Loose objects of zero bytes: what a power cut leaves of an unsynced write."""
    found = []
    objects = repo.git_dir / "objects"
    with contextlib.suppress(OSError):
        for fan in os.scandir(objects):
            if len(fan.name) != 2 or not fan.is_dir():
                continue
            for entry in os.scandir(fan.path):
                with contextlib.suppress(OSError):
                    if entry.is_file() and entry.stat().st_size == 0:
                        found.append(entry.path)
    return found


def index_sound(repo: Repo) -> bool:
    """Whether git's index is whole: its header and the checksum that ends it (SHA-1 or
    SHA-256). A torn index makes every git command fail; HEAD rebuilds it."""
    try:
        raw = (repo.git_dir / "index").read_bytes()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if raw[:4] != b"DIRC":
        return False
    return any(
        len(raw) > 12 + size and hashlib.new(name, raw[:-size]).digest() == raw[-size:]
        for name, size in (("sha1", 20), ("sha256", 32))
    )


def readable(repo: Repo, rev: str) -> bool:
    """Whether a commit, its tree and the database in it can all be read."""
    return repo.git.ok("cat-file", "-e", f"{rev}^{{tree}}") and repo.blob(rev) is not None


def reflog(repo: Repo, ref: str) -> list[str]:
    """The values a branch had, newest first, read from its log file directly: git's
    own `reflog` stops at the first commit it cannot read."""
    try:
        lines = (repo.git_dir / "logs" / ref).read_text("utf-8", "replace").splitlines()
    except OSError:
        return []
    revs = [line.split(" ", 2)[1] for line in lines if line.count(" ") >= 2]
    return [rev for rev in reversed(revs) if len(rev) == 40 and rev.strip("0")]


def mend(repo: Repo) -> bool:
    """Remove empty objects and a torn index, move damaged branches back; whether
    anything was done."""
    damaged = empty_objects(repo)
    if not index_sound(repo):
        damaged.append(str(repo.git_dir / "index"))
    for path in damaged:
        with contextlib.suppress(OSError):
            os.unlink(path)
    if not damaged:
        return False
    (head,) = repo.revs(BRANCH_REF)
    if head is not None and not readable(repo, head):
        good = next((rev for rev in reflog(repo, BRANCH_REF) if readable(repo, rev)), None)
        if good is not None:
            repo.git.run("update-ref", BRANCH_REF, good)
        else:
            repo.git.run("update-ref", "-d", BRANCH_REF, check=False)
    (theirs,) = repo.revs(REMOTE_REF)
    if theirs is not None and not readable(repo, theirs):
        repo.git.run("update-ref", "-d", REMOTE_REF, check=False)
    repo.refresh_index()
    return True
