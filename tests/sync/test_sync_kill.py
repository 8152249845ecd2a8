"""A kill at each step of a sync (commit, fetch, judge, merge, push), then a sync that finishes
the job; the sync also holds aside a change no trusted key signed.

strace kills the syncing process (SIGKILL) at its Nth wait for a git command
(so at every git step: while git commits, fetches, pushes) and at its Nth
rename (the atomic writes of the database and its local files), for
N = 1, 2, ... until the sync gets through untouched. The git commands of a
killed sync run on to their end or are killed too (strace counts their own
calls as well). After every kill, a plain `ipcoop sync` must succeed, and
after both sides sync again their files are byte-identical with every
change of both sides in them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests import helpers
from tests.sharing import Copy, converge, intruder, push, rewrite


def _sync_under_strace(copy: Copy, syscall: str, when: int) -> int:
    command = [
        "strace",
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        f"trace={syscall}",
        "-e",
        f"inject={syscall}:signal=SIGKILL:when={when}",
        sys.executable,
        "-m",
        "ipcoop",
        "--db",
        str(copy.db),
        "sync",
    ]
    done = subprocess.run(command, capture_output=True, env=helpers.env(), check=False, timeout=120)
    return done.returncode


@pytest.mark.slow
@pytest.mark.parametrize("syscall", ["wait4", "rename"])
def test_a_kill_at_each_step_of_a_sync_loses_nothing(pair, remote, tmp_path, syscall):
    if shutil.which("strace") is None:
        pytest.fail("strace is needed: apt-get install strace")
    hk, gd = pair
    hk.ok("edit", "11", "--note", "HK's change")
    hk.ok("add", "HK's project", "--area", "gba", "--year", "2021")
    hk.ok("sync")
    # And a change no trusted key signed, which every sync holds aside.
    evil = intruder(tmp_path, remote)
    rewrite(evil, lambda d: d["projects"]["13"].update(title="Forged"))
    push(evil)
    gd.ok("edit", "12", "--note", "GD's change")
    gd.ok("add", "GD's project", "--area", "trading", "--year", "2021")
    pristine = tmp_path / "pristine"
    # Every round starts from the same state on all three: a remote put back alone
    # would be a rewound remote to the copy that synced with it (refused).
    places = {"gd": gd.folder, "hk": hk.folder, "remote": remote}
    for name, place in places.items():
        shutil.copytree(place, pristine / name, symlinks=True)
    kills = 0
    for when in range(1, 200):
        for name, place in places.items():
            shutil.rmtree(place)
            shutil.copytree(pristine / name, place, symlinks=True)
        code = _sync_under_strace(gd, syscall, when)
        if code == 0:
            break
        kills += 1
        finished = gd("sync")
        assert finished.exit_code == 0, (syscall, when, finished.stderr)
        converge(hk, gd)
        titles = {p["title"] for p in gd.projects().values()}
        assert {"HK's project", "GD's project"} <= titles, (syscall, when)
        notes = {p["id"]: p["notes"] for p in gd.projects().values()}
        assert (notes[11], notes[12]) == ("HK's change", "GD's change"), (syscall, when)
        assert "Forged" not in titles, (syscall, when)
        assert gd.ok("check").exit_code == 0
    else:
        pytest.fail(f"the sync made more than 199 {syscall} calls")
    assert kills >= 3, kills
    print(f"{syscall}: {kills} kills")
