"""git's lock files that a killed git or a power cut left behind, here and in the remote.

git takes a lock by creating `NAME.lock` and drops it by renaming or
removing it; a git that dies in between leaves the file, and every later git
command that needs the same lock fails. A lock is known to be left over:
- in this copy's repository, when a sync of ours was cut short (we hold the
  sync lock, so no git of ours is running), or
- anywhere, when it was made before this machine last started (a power
  cut) or longer ago than any git step takes (a plain `git pull` that was
  interrupted; git holds a ref's lock for milliseconds).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from ipcoop.sync.repo import BRANCH_REF, REMOTE_REF, Repo

SEEN_REF = "refs/ipcoop/seen"  # the remote's branch as this copy last fetched it
# A git command on a repository this small takes seconds: a lock older than this was
# left by one that was killed, and blocks every sync.
STALE_AFTER = 120.0
# Locks git leaves behind when it is killed, in this copy's repository.
LOCAL = (
    "index.lock",
    "HEAD.lock",
    f"{BRANCH_REF}.lock",
    f"{REMOTE_REF}.lock",
    f"{SEEN_REF}.lock",
    "packed-refs.lock",
    "config.lock",
    "shallow.lock",
    "ipcoop.index.lock",
)
# What a push takes in the remote's repository.
REMOTE = (f"{BRANCH_REF}.lock", "HEAD.lock", "packed-refs.lock", "shallow.lock")


def _started() -> float | None:
    """When this machine last started (None where the clock for it is missing)."""
    boot = getattr(time, "CLOCK_BOOTTIME", None)
    if boot is None:
        return None
    return time.time() - time.clock_gettime(boot)


def left_over(path: Path) -> os.stat_result | None:
    """The lock file's stat if it was surely left by a git that is no longer running."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not os.path.isfile(path) or os.path.islink(path):
        return None
    started = _started()
    old = time.time() - st.st_mtime > STALE_AFTER
    return st if old or (started is not None and st.st_mtime < started) else None


def _remove(path: Path, seen: os.stat_result) -> None:
    """Remove a lock judged left over, unless another file has taken its place since
    (a live git's lock, made after someone else removed the old one)."""
    try:
        now = os.lstat(path)
        if (now.st_ino, now.st_dev, now.st_mtime_ns) == (
            seen.st_ino,
            seen.st_dev,
            seen.st_mtime_ns,
        ):
            os.unlink(path)
    except OSError:
        return


def clear_local(repo: Repo, ours_killed: bool) -> None:
    """Remove the locks a killed git left here: all of them after a sync of ours was
    killed, else those left over."""
    for name in LOCAL:
        lock = repo.git_dir / name
        if ours_killed:
            with contextlib.suppress(OSError):
                os.unlink(lock)
            continue
        seen = left_over(lock)
        if seen is not None:
            _remove(lock, seen)


def _git_dir(url: str, here: Path) -> Path | None:
    """The repository folder of a remote on this machine's file system (a relative path
    read from this copy's folder, as git reads it), or None: a URL, or no repository."""
    if "://" in url and not url.startswith("file://"):
        return None
    if ":" in url.split("/", maxsplit=1)[0] and not url.startswith("file://"):
        return None  # host:path, git's scp-like form
    folder = (here / Path(url.removeprefix("file://")).expanduser()).resolve()
    for candidate in (folder / ".git", folder):  # a .git that is a file points elsewhere
        if (
            candidate.is_dir()
            and (candidate / "HEAD").is_file()
            and (candidate / "objects").is_dir()
            and (candidate / "refs").is_dir()
        ):
            return candidate
    return None


def clear_remote(url: str | None, here: Path, wait: float = 3.0) -> Path | None:
    """Remove the locks a push cut short left in a remote on this machine's file system;
    return a lock that is not left over and still there after `wait` seconds (a push
    holds one for milliseconds). `here`: this copy's folder."""
    git_dir = _git_dir(url, here) if url else None
    if git_dir is None:
        return None
    until = time.monotonic() + wait
    for name in REMOTE:
        lock = git_dir / name
        seen = left_over(lock)
        if seen is not None:
            _remove(lock, seen)
        while lock.exists():
            if time.monotonic() > until:
                return lock
            time.sleep(0.1)
    return None


def blocking(text: str) -> str | None:
    """The lock file a failed push names as existing, if that is why it failed."""
    found = re.search(r"Unable to create '([^']+\.lock)': File exists", text)
    return found.group(1) if found else None


def held_message(lock: str) -> str:
    return (
        f"the remote's branch is locked by {lock}: a push to it was cut short, or one is "
        f"under way; if no one is pushing, remove that file and sync again"
    )
