"""Power cuts: the explorer (tests/powerloss.py) on a change and on a sync, and what it found.

The explorer replays a command's file-system calls and checks every state a
power cut could leave. CI checks every state of `add` on a shared copy and
every 8th of a sync; `python -m tests.powerloss` checks them all.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from tests import powerloss
from tests.helpers import one_error_line
from tests.sharing import converge


@pytest.fixture
def strace_available() -> None:
    if shutil.which("strace") is None:
        pytest.fail("strace is needed: apt-get install strace")


def _writer(sync: bool, print_first: bool = False) -> powerloss.Scenario:
    """A program that replaces a file by a temp file and a rename, with or without fsync,
    saying so when it is durable, or before it is."""
    said = "print('done', flush=True)\n"
    program = (
        "import os, sys\n"
        "folder = sys.argv[1]\n"
        "fd = os.open(os.path.join(folder, 'tmp'), os.O_WRONLY | os.O_CREAT, 0o644)\n"
        "os.write(fd, b'new contents ' * 50)\n"
        + ("os.fsync(fd)\n" if sync else "")
        + "os.close(fd)\n"
        + (said if print_first else "")
        + "os.rename(os.path.join(folder, 'tmp'), os.path.join(folder, 'ipcoop.json'))\n"
        "d = os.open(folder, os.O_RDONLY)\n"
        "os.fsync(d)\n" + ("" if print_first else said)
    )

    def setup(root: Path) -> None:
        (root / "x").mkdir()
        (root / "x" / "ipcoop.json").write_text("old contents")

    return powerloss.Scenario(
        "writer",
        setup,
        "x",
        [],
        lambda root, printed: [],
        watched=("ipcoop.json",),
        argv=lambda root: [sys.executable, "-c", program, str(root / "x")],
    )


def test_the_explorer_finds_a_rename_before_fsync(strace_available, tmp_path):
    """It can fail: without fsync before the rename, a power cut leaves the file empty;
    a program that reports before the rename is durable may lose what it reported."""
    report = powerloss.explore(_writer(sync=False), tmp_path / "a")
    assert report.states >= 4
    assert any("holds what it never held whole (0 bytes)" in f for f in report.failures)
    early = powerloss.explore(_writer(sync=True, print_first=True), tmp_path / "c")
    assert any("lost what the command had reported" in f for f in early.failures)
    sound = powerloss.explore(_writer(sync=True), tmp_path / "b")
    assert sound.checked == sound.states >= 4
    assert sound.failures == []


@pytest.mark.slow
def test_every_state_of_an_add_on_a_shared_copy(strace_available, tmp_path):
    (scenario,) = [s for s in powerloss.SCENARIOS if s.name == "add"]
    report = powerloss.explore(scenario, tmp_path)
    assert report.checked == report.states >= 10
    assert report.failures == []


@pytest.mark.slow
def test_every_eighth_state_of_a_sync(strace_available, tmp_path):
    """A sync with changes on both sides: git's objects, refs and index, the remote's
    receive-pack, the database and `.local`. Found: git's index written without fsync
    (every later sync failed), a lock in the remote or in refs/ipcoop left by a push cut
    short (every later sync failed, saying the remote kept changing)."""
    (scenario,) = [s for s in powerloss.SCENARIOS if s.name == "sync"]
    report = powerloss.explore(scenario, tmp_path, sample=8)
    assert report.checked >= 40
    assert report.failures == []


# -- what the explorer found, each as a test of its own ----------------------------------


def test_an_emptied_git_index_is_rebuilt(pair):
    """git wrote its index without fsync: a power cut after a sync left it empty, and the
    next sync failed in its fetch ("index file smaller than expected"), every time."""
    hk, gd = pair
    hk.ok("edit", "12", "--note", "before the power cut")
    hk.ok("sync")
    gd.ok("edit", "13", "--note", "GD meanwhile")
    gd.ok("sync")
    index = hk.folder / ".git" / "index"
    index.write_bytes(b"")
    result = hk("sync")
    assert result.exit_code == 0, result.stderr
    converge(hk, gd)
    notes = {p["id"]: p["notes"] for p in hk.projects().values()}
    assert (notes[12], notes[13]) == ("before the power cut", "GD meanwhile")
    assert index.stat().st_size > 32


def _cut_short_push(remote: Path, age: float) -> Path:
    lock = remote / "refs" / "heads" / "main.lock"
    lock.write_text("")
    then = time.time() - age
    os.utime(lock, (then, then))
    return lock


def test_a_lock_a_push_cut_short_left_in_the_remote_is_removed(pair, remote):
    hk, gd = pair
    lock = _cut_short_push(remote, age=3600)
    hk.ok("edit", "12", "--note", "after the power cut")
    result = hk("sync")
    assert result.exit_code == 0, result.stderr
    assert not lock.exists()
    gd.ok("sync")
    assert gd.projects()[12]["notes"] == "after the power cut"


def test_a_fresh_lock_in_the_remote_is_named_not_called_a_busy_remote(pair, remote):
    hk, _ = pair
    lock = _cut_short_push(remote, age=0)
    hk.ok("edit", "12", "--note", "waiting")
    before = hk.db.read_bytes()
    result = hk("sync")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "the remote's branch is locked by" in line and "main.lock" in line
    assert "remove that file and sync again" in line
    assert lock.exists() and hk.db.read_bytes() == before


def test_a_lock_on_the_seen_ref_left_by_a_killed_sync_is_removed(pair):
    hk, gd = pair
    local = hk.db.with_name(hk.db.name + ".local")
    state = local.read_text()
    assert '"syncing"' not in state or '"syncing": false' in state
    lock = hk.folder / ".git" / "refs" / "ipcoop" / "seen.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("")  # fresh: only the mark of a killed sync tells it is stale
    import json

    data = json.loads(state)
    data["syncing"] = True
    local.write_text(json.dumps(data))
    hk.ok("edit", "12", "--note", "after the kill")
    result = hk("sync")
    assert result.exit_code == 0, result.stderr
    assert not lock.exists()
    gd.ok("sync")
    assert gd.projects()[12]["notes"] == "after the kill"
