"""A power-loss explorer: every state a power cut could leave a command in, each checked.

A command (a change, or a sync with git and the remote's receive-pack in
it) runs once under strace (powertrace.py). Its calls are then replayed on
a model of the folder, and at each call that changes a name or a file's
bytes the explorer builds the states a power cut at that moment could leave
on the disk, writes each one out in place of the folder, and checks it.

The model is ext4 in its default mode (data=ordered) as a pessimist sees it:
- changes to names (create, rename, link, unlink, mkdir) reach the disk in
  the order they were made, and any fsync commits every one made before it
  (ext4 has one journal);
- a file's bytes reach the disk only when that file is fsynced; until then a
  power cut leaves its last synced bytes (nothing, for a new file), or its
  last write torn in half.
The states at each call: everything done (as after a kill); the names done
but every unsynced byte lost; the names since the last fsync lost as well
(and, with --full, each number of them in between); the last write torn.
Identical states are checked once.

Each state must satisfy:
- each watched file (the database, `.local`) holds bytes it held whole
  during the run (the old state, the new, or a step between), never torn or
  emptied, and is there if it was there;
- once the command printed its result, the watched files hold their final
  bytes (what was reported is on the disk);
- the next command and the next sync finish the job (each scenario says how).

    python -m tests.powerloss             # every state of every scenario (minutes)
    python -m tests.powerloss --sample 8  # every 8th state, as CI runs it
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests import powertrace
from tests.powertrace import Model

ROOT = Path(__file__).resolve().parent.parent
DB = "ipcoop.json"


def environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONDONTWRITEBYTECODE="1",
        GIT_CONFIG_GLOBAL=str(root / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(root / "home"),
        IPCOOP_LOCK_TIMEOUT="10",
    )
    env.pop("GIT_DIR", None)
    return env


def ipcoop(root: Path, copy: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ipcoop", "--db", str(root / copy / DB), *args],
        cwd=root,
        env=environment(root),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def ok(root: Path, copy: str, *args: str) -> str:
    done = ipcoop(root, copy, *args)
    if done.returncode != 0:
        raise AssertionError(f"{copy}: ipcoop {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Scenario:
    name: str
    setup: Callable[[Path], None]
    copy: str  # the copy whose command is traced
    command: list[str]
    finish: Callable[[Path, str], list[str]]  # (root, what the command printed) -> problems
    watched: tuple[str, ...] = (DB, DB + ".local")
    durable_once_printed: bool = True
    argv: Callable[[Path], list[str]] | None = None  # another program than ipcoop

    def program(self, root: Path) -> list[str]:
        if self.argv is not None:
            return self.argv(root)
        ipcoop = [sys.executable, "-m", "ipcoop", "--db", str(root / self.copy / DB)]
        return [*ipcoop, *self.command]


def _pair(root: Path) -> None:
    (root / "gitconfig").write_text("")
    (root / "home").mkdir()
    subprocess.run(["git", "init", "-q", "--bare", str(root / "remote.git")], check=True)
    for name in ("hk", "gd"):
        (root / name).mkdir()
    ok(root, "hk", "init")
    ok(root, "hk", "sync", str(root / "remote.git"), "--name", "HK IPD")
    ok(root, "gd", "sync", str(root / "remote.git"), "--name", "GDAMR")
    ok(root, "hk", "sync")  # Hong Kong approves Guangdong's key (compared by phone)
    ok(root, "hk", "copies", "approve", "GDAMR")
    ok(root, "hk", "sync")
    ok(root, "gd", "sync")


def _both_changed(root: Path) -> None:
    _pair(root)
    ok(root, "hk", "edit", "11", "--note", "HK's change")
    ok(root, "hk", "add", "HK's project", "--area", "gba", "--year", "2021")
    ok(root, "hk", "sync")
    ok(root, "gd", "edit", "12", "--note", "GD's change")
    ok(root, "gd", "add", "GD's project", "--area", "trading", "--year", "2021")


def _converged(root: Path, must_hold: set[str]) -> list[str]:
    """Both copies sync in turn, twice round; then they must agree and hold every change."""
    for copy in ("gd", "hk", "gd", "hk"):
        done = ipcoop(root, copy, "sync")
        if done.returncode != 0:
            return [f"{copy} sync exit {done.returncode}: {done.stderr.strip()}"]
    if (root / "gd" / DB).read_bytes() != (root / "hk" / DB).read_bytes():
        return ["the copies differ after syncing"]
    problems = []
    for copy in ("gd", "hk"):
        check = ipcoop(root, copy, "check")
        if check.returncode != 0:
            problems.append(f"{copy} check exit {check.returncode}: {check.stdout.strip()}")
    text = (root / "gd" / DB).read_text("utf-8")
    problems += [f"lost: {item}" for item in sorted(must_hold) if item not in text]
    return problems


def _finish_sync(root: Path, printed: str) -> list[str]:
    first = ipcoop(root, "gd", "sync")
    if first.returncode != 0:
        return [f"the next sync: exit {first.returncode}: {first.stderr.strip()}"]
    return _converged(root, {"HK's change", "HK's project", "GD's change", "GD's project"})


def _finish_add(root: Path, printed: str) -> list[str]:
    problems = []
    check = ipcoop(root, "gd", "check")
    if check.returncode != 0:
        problems.append(f"check exit {check.returncode}: {check.stdout.strip()}")
    after = ipcoop(root, "gd", "add", "After the power cut", "--area", "gba", "--year", "2021")
    if after.returncode != 0:
        return [*problems, f"the next add: exit {after.returncode}: {after.stderr.strip()}"]
    if printed.strip() and after.stdout.strip() == printed.strip():
        problems.append(f"id {printed.strip()} printed twice")
    return problems + _converged(root, {"After the power cut", "GD's change"})


SCENARIOS = [
    Scenario(
        "add",
        _both_changed,
        "gd",
        ["add", "Before the power cut", "--area", "gba", "--year", "2021"],
        _finish_add,
    ),
    Scenario("sync", _both_changed, "gd", ["sync"], _finish_sync, durable_once_printed=False),
]


@dataclass
class State:
    call: int
    what: str
    names: dict[str, tuple]
    content: dict[int, bytes]
    printed: bool

    def key(self) -> bytes:
        digest = hashlib.blake2b(b"printed" if self.printed else b"")
        for path in sorted(self.names):
            node = self.names[path]
            digest.update(path.encode("utf-8", "surrogateescape") + b"\0" + repr(node[0]).encode())
            if node[0] == "file":
                digest.update(hashlib.blake2b(self.content[node[1]]).digest())
            elif node[0] == "link":
                digest.update(node[1].encode("utf-8", "surrogateescape"))
        return digest.digest()


def _contents(model: Model, names: dict[str, tuple], synced: bool) -> dict[int, bytes]:
    inodes = {node[1] for node in names.values() if node[0] == "file"}
    return {i: model.inodes[i].synced if synced else bytes(model.inodes[i].data) for i in inodes}


def states(
    model: Model, trace: list[powertrace.Call], root_pid: int, full: bool
) -> Iterator[State]:
    """The states a power cut could leave, call by call, as the calls are replayed."""
    printed = False
    for index, call in enumerate(trace):
        kind = model.replay(call)
        if call.pid == root_pid and call.name == "write" and call.args.startswith("1<"):
            printed = True
        if kind not in ("data", "name"):
            continue
        label = f"{call.name} #{index}"
        yield State(
            index, f"{label}: all done", model.names, _contents(model, model.names, False), printed
        )
        yield State(
            index,
            f"{label}: unsynced bytes lost",
            model.names,
            _contents(model, model.names, True),
            printed,
        )
        pending = len(model.uncommitted)
        counts = range(pending) if full else [0] if pending else []
        for count in counts:
            names = model.names_after(count)
            what = f"{label}: {pending - count} of {pending} name changes lost, unsynced bytes lost"
            yield State(index, what, names, _contents(model, names, True), printed)
        if kind == "data":
            torn = _torn(model, call)
            if torn is not None:
                yield State(index, f"{label}: its write torn", model.names, torn, printed)


def _torn(model: Model, call: powertrace.Call) -> dict[int, bytes] | None:
    _, ino = model.inode_of(call) if call.name not in ("open", "openat", "creat") else (None, None)
    if ino is None:
        return None
    inode = model.inodes[ino]
    if inode.last_write is None or inode.before_last_write is None or inode.synced == inode.data:
        return None
    offset, data = inode.last_write
    cut = bytearray(inode.before_last_write)
    half = data[: len(data) // 2]
    cut[offset : offset + len(half)] = half
    content = _contents(model, model.names, False)
    content[ino] = bytes(cut)
    return content


def _before_this_start() -> float:
    """A time before this machine last started: what every file a power cut left shows."""
    return time.time() - time.clock_gettime(time.CLOCK_BOOTTIME) - 60


def materialise(state: State, root: Path, modes: dict[str, int]) -> None:
    """Write the state out in place of the folder, as the machine finds it when it starts
    again: every file dated before the start."""
    shutil.rmtree(root)
    made: dict[int, str] = {}
    for path in sorted(state.names):
        node = state.names[path]
        if node[0] == "dir":
            os.makedirs(path, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if node[0] == "link":
            os.symlink(node[1], path)
        elif node[1] in made:
            os.link(made[node[1]], path)
        else:
            Path(path).write_bytes(state.content[node[1]])
            os.chmod(path, modes.get(path, 0o644))
            made[node[1]] = path
    then = _before_this_start()
    for path in sorted(state.names, reverse=True):
        os.utime(path, (then, then), follow_symlinks=False)


def _modes(root: Path) -> dict[str, int]:
    return {
        os.path.join(folder, f): os.lstat(os.path.join(folder, f)).st_mode & 0o7777
        for folder, _, files in os.walk(root)
        for f in files
    }


def _differences(model: Model, root: Path) -> list[str]:
    """Where the replayed model and the folder the real run left disagree."""
    real = Model.of(root)
    out = []
    for path in sorted(set(real.names) | set(model.names)):
        a, b = model.names.get(path), real.names.get(path)
        if (a is None) != (b is None) or (a and b and a[0] != b[0]):
            out.append(f"{path}: {a and a[0]} in the model, {b and b[0]} on disk")
        elif a and b and a[0] == "file" and model.inodes[a[1]].data != real.inodes[b[1]].data:
            out.append(f"{path}: other bytes in the model")
    return out


@dataclass
class Report:
    scenario: str
    calls: int = 0
    states: int = 0
    checked: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def explore(
    scenario: Scenario, work: Path, sample: int = 1, full: bool = False, stop: bool = False
) -> Report:
    """Run one scenario; check every `sample`-th distinct state (`stop`: at the first
    failure, leave its state in `work`/folder, as it was before the next command)."""
    started = time.monotonic()
    report = Report(scenario.name)
    root = work / "folder"
    root.mkdir(parents=True)
    scenario.setup(root)
    before = Model.of(root)
    versions = {name: {_bytes_at(root / scenario.copy / name)} for name in scenario.watched}
    trace_file = work / "trace"
    code = powertrace.record(scenario.program(root), root, environment(root), trace_file)
    if code != 0:
        raise AssertionError(f"{scenario.name}: the traced command failed (exit {code})")
    trace = powertrace.calls(trace_file)
    report.calls = len(trace)
    printed = _printed(trace)
    final = {name: _bytes_at(root / scenario.copy / name) for name in scenario.watched}
    # Every whole version of a watched file: the bytes it held each time a name was bound to it.
    replay = before.copy()
    replay.parents = powertrace.parents_of(trace)
    replay.cwd[trace[0].pid] = str(root)
    watched = {str(root / scenario.copy / name): name for name in scenario.watched}
    for call in trace:
        if replay.replay(call) == "name":
            for path, name in watched.items():
                node = replay.names.get(path)
                versions[name].add(bytes(replay.inodes[node[1]].data) if node else None)
    for name, data in final.items():
        versions[name].add(data)
    wrong = _differences(replay, root)
    if wrong:
        raise powertrace.TraceError(
            f"{scenario.name}: the replay does not match the run: {wrong[:5]}"
        )
    modes = _modes(root)
    model = before.copy()
    model.parents = powertrace.parents_of(trace)
    model.cwd[trace[0].pid] = str(root)
    seen: set[bytes] = set()
    for state in states(model, trace, trace[0].pid, full):
        key = state.key()
        if key in seen:
            continue
        seen.add(key)
        report.states += 1
        if (report.states - 1) % sample:
            continue
        report.checked += 1
        problems = _whole(state, root, scenario, versions, final)
        materialise(state, root, modes)
        problems += scenario.finish(root, printed if state.printed else "")
        report.failures += [f"{scenario.name}, {state.what}: {p}" for p in problems]
        if problems and stop:
            materialise(state, root, modes)
            break
    report.seconds = time.monotonic() - started
    return report


def _bytes_at(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _printed(trace: list[powertrace.Call]) -> str:
    out = b""
    for call in trace:
        if call.pid == trace[0].pid and call.name == "write" and call.args.startswith("1<"):
            out += b"".join(powertrace._bytes(s) for s in call.strings())
    return out.decode("utf-8", "replace")


def _whole(state: State, root: Path, scenario: Scenario, versions: dict, final: dict) -> list[str]:
    problems = []
    for name in scenario.watched:
        node = state.names.get(str(root / scenario.copy / name))
        data = state.content[node[1]] if node and node[0] == "file" else None
        if data not in versions[name]:
            size = "missing" if data is None else f"{len(data)} bytes"
            problems.append(f"{name} holds what it never held whole ({size})")
        elif scenario.durable_once_printed and state.printed and data != final[name]:
            problems.append(f"{name} lost what the command had reported")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=1, help="check every Nth distinct state")
    parser.add_argument("--full", action="store_true", help="also each partial set of name changes")
    parser.add_argument("--only", help="one scenario by name")
    parser.add_argument(
        "--stop", metavar="FOLDER", help="stop at the first failure, its state here"
    )
    args = parser.parse_args(argv)
    failed = 0
    for scenario in SCENARIOS:
        if args.only and scenario.name != args.only:
            continue
        if args.stop:
            report = explore(scenario, Path(args.stop), args.sample, args.full, stop=True)
        else:
            with tempfile.TemporaryDirectory(prefix="ipcoop-powerloss-") as work:
                report = explore(scenario, Path(work), args.sample, args.full)
        print(
            f"{report.scenario}: {report.calls} calls, {report.states} distinct states, "
            f"{report.checked} checked, {len(report.failures)} failures, {report.seconds:.0f} s"
        )
        for failure in report.failures:
            print("  " + failure)
        failed += len(report.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
