"""A crash at every point of the write path.

Each changing command (all fifteen) is run under strace, which kills it with SIGKILL at
the Nth call of one system call of the write path (write, fsync, link,
rename, unlink, flock), for N = 1, 2, ... until the command gets through
untouched. After every kill the database must be readable, hold either the
old state or the new one, pass `check`, and accept the next change.

strace comes from Debian's package of that name; .ci/run installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ipcoop import store
from tests.helpers import ROOT

SYSCALLS = ("write", "fsync", "link", "rename", "unlink", "flock")
IMPORT_CSV = "title,area,year\n" + "".join(f"Imported {i},gba,2021\n" for i in range(30))

SCENARIOS = {
    "add": ["add", "New project", "--area", "gba", "--year", "2021"],
    "edit": ["edit", "12", "--title", "Renamed", "--key"],
    "done": ["done", "12", "14", "--on", "2020-12-01"],
    "drop": ["drop", "15", "--reason", "merged"],
    "remove": ["remove", "16", "17", "--yes"],
    "undo": ["undo"],
    "import": ["import", "{csv}"],
    "carry": ["carry", "2020"],
    "areas-add": ["areas", "add", "sports", "IP in sports events"],
    "areas-edit": ["areas", "edit", "guidance", "--until", "2021"],
    "areas-remove": ["areas", "remove", "culture"],
    "start": ["start", "14", "15"],
    "reopen": ["reopen", "13"],
    "init-force": ["init", "--force", "--empty"],
    "restore": ["check", "--restore", "--yes"],
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["IPCOOP_LOCK_TIMEOUT"] = "10"
    return env


def _ipcoop(db: Path, args: list[str], strace: list[str] | None = None) -> int:
    command = [sys.executable, "-m", "ipcoop", "--db", str(db), *args]
    if strace:
        command = ["strace", "-f", "-qq", "-o", "/dev/null", *strace, *command]
    done = subprocess.run(command, capture_output=True, env=_env(), check=False, timeout=120)
    return done.returncode


def _state(path: Path) -> tuple:
    """What a command changes, without its time stamps and new projects' random UUIDs."""
    store.open_read(path).projects()  # raises if the file is not a sound database
    data = json.loads(path.read_bytes())
    projects = {
        k: {f: v for f, v in doc.items() if f not in ("created", "updated", "uuid")}
        for k, doc in data["projects"].items()
    }
    return (
        projects,
        data["areas"],
        sorted(c["next"] for c in data["copies"].values()),
        [
            (data["history"][k]["command"], bool(data["history"][k].get("undone")))
            for k in sorted(data["history"])
        ],
    )


@pytest.fixture(scope="module")
def strace_available() -> None:
    if shutil.which("strace") is None:
        pytest.fail("strace is needed for the crash tests: apt-get install strace")


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A database with history (so undo has work) and a .bak (so restore has work)."""
    db = tmp_path / "db.json"
    assert _ipcoop(db, ["init"]) == 0
    assert _ipcoop(db, ["start", "13"]) == 0
    assert _ipcoop(db, ["done", "13", "--on", "2020-11-30"]) == 0
    assert _ipcoop(db, ["areas", "add", "culture", "Culture and creative industries"]) == 0
    (tmp_path / "in.csv").write_text(IMPORT_CSV, "utf-8")
    return db


def _snapshot(seeded: Path, tmp_path: Path):
    """A function that puts the database back as it is now: the file, its backup, and
    this copy's local files (which remember the ids it handed out: a database put back
    under a copy that went on would skip them)."""
    kept = [seeded, store.backup_path(seeded), store.local_path(seeded), store.cache_path(seeded)]
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    for path in kept:
        shutil.copy(path, pristine / path.name)

    def reset() -> None:
        for path in kept:
            shutil.copy(pristine / path.name, path)
        for leftover in tmp_path.glob("*.replaced-*"):
            leftover.unlink()

    return reset


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_kill_at_every_write_path_syscall(strace_available, seeded, tmp_path, scenario):
    args = [a.replace("{csv}", str(tmp_path / "in.csv")) for a in SCENARIOS[scenario]]
    reset = _snapshot(seeded, tmp_path)

    old = _state(seeded)
    assert _ipcoop(seeded, args) == 0
    new = _state(seeded)
    assert new != old, "the scenario must change something"

    kills = 0
    outcomes = {"old": 0, "new": 0}
    for syscall in SYSCALLS:
        for when in range(1, 40):
            reset()
            inject = [
                "-e",
                f"trace={syscall}",
                "-e",
                f"inject={syscall}:signal=SIGKILL:when={when}",
            ]
            code = _ipcoop(seeded, args, strace=inject)
            if code == 0:
                assert _state(seeded) == new
                break  # the Nth call never came: the command ran to its end
            kills += 1
            state = _state(seeded)  # raises if the file is not a sound database
            assert state in (old, new), f"{syscall} #{when}: neither the old nor the new state"
            outcomes["old" if state == old else "new"] += 1
            assert _ipcoop(seeded, ["check"]) == 0, f"{syscall} #{when}"
            # The next change works (no stuck lock) and sweeps up the dead temp files.
            after = ["add", "after the crash", "--area", "gba", "--year", "2022"]
            assert _ipcoop(seeded, after) == 0
            assert not list(tmp_path.glob(".db.json*.tmp")), f"{syscall} #{when}"
        else:
            pytest.fail(f"{syscall} was called more than 39 times")
    assert kills >= 4, f"only {kills} kills for {scenario}"
    # Shown with pytest -s; docs/reliability.md quotes these figures.
    print(json.dumps({"scenario": scenario, "kills": kills, **outcomes}))


# An I/O error at every write-path system call: what a full disk, a failing disk, a
# quota or a read-only remount does. errno by call: the one the real fault gives.
ERRORS = {
    "write": "ENOSPC",
    "fsync": "EIO",
    "link": "EMLINK",
    "rename": "EIO",
    "unlink": "EROFS",
    "fchmod": "EPERM",
    "flock": "ENOLCK",
}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_an_error_at_every_write_path_syscall(strace_available, seeded, tmp_path, scenario):
    """exit 0 if and only if the change is on disk; a failure leaves the old bytes, and
    says so in one line."""
    args = [a.replace("{csv}", str(tmp_path / "in.csv")) for a in SCENARIOS[scenario]]
    reset = _snapshot(seeded, tmp_path)

    old_bytes = seeded.read_bytes()
    assert _ipcoop(seeded, args) == 0
    new = _state(seeded)
    tried = failed = 0
    trace = tmp_path / "trace"
    for syscall, error in ERRORS.items():
        for when in range(1, 60):
            reset()
            inject = ["-e", f"trace={syscall}", "-e", f"inject={syscall}:error={error}:when={when}"]
            command = [sys.executable, "-m", "ipcoop", "--db", str(seeded), *args]
            done = subprocess.run(
                ["strace", "-f", "-qq", "-o", str(trace), *inject, *command],
                capture_output=True,
                env=_env(),
                check=False,
                timeout=120,
                text=True,
            )
            if "INJECTED" not in trace.read_text(errors="replace"):
                assert done.returncode == 0, (syscall, when, done.stderr)
                break  # the Nth call never came: every call has had its error
            tried += 1
            assert "Traceback" not in done.stderr, (syscall, when, done.stderr)
            if done.returncode == 0:
                assert _state(seeded) == new, (syscall, when, done.stderr)
            else:
                failed += 1
                assert seeded.read_bytes() == old_bytes, (syscall, when, done.stderr)
                lines = done.stderr.splitlines()
                assert len(lines) == 1 and lines[0].startswith("Error: "), (
                    syscall,
                    when,
                    done.stderr,
                )
        else:
            pytest.fail(f"{syscall} was called more than 59 times")
    assert failed >= 2, failed
    print(json.dumps({"scenario": scenario, "tried": tried, "failed": failed}))
