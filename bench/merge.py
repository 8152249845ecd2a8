"""Time the record-by-record merge and a sync with nothing to do.

    python bench/merge.py [--size 10000] [--changed 50] [--runs 7]

The merge: two copies of a SIZE-project database, each side changing
CHANGED projects (with their journal entries), merged with their common
version and written out, in-process (what `sync` and the git merge driver
run). The no-op sync: `ipcoop sync` on a copy with nothing to send or
receive, against a bare repository on this machine, beside the git
commands it runs, each timed as a whole process.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ipcoop.store import layout  # noqa: E402
from ipcoop.store.merge import merge  # noqa: E402


def side(base: dict, copy_id: str, name: str, ids: list[int]) -> dict:
    data = copy.deepcopy(base)
    for seq, pid in enumerate(ids, start=1):
        at = f"2026-11-27T00:{seq // 60:02d}:{seq % 60:02d}.000000Z"
        before = data["projects"][str(pid)]
        after = {**before, "notes": f"changed by {name}", "updated": at[:19] + "Z"}
        data["projects"][str(pid)] = after
        data["history"][f"{copy_id}.{seq:06d}"] = {
            "at": at,
            "by": name,
            "command": f"edit {pid} --note ...",
            "changes": [{"table": "projects", "id": pid, "before": before, "after": after}],
        }
    return data


def time_merge(size: int, changed: int, runs: int) -> list[float]:
    import run as bench

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.json"
        bench.build_ipcoop(path, size)
        base = json.loads(path.read_bytes())
    ours = side(base, "aaaa0001", "HK", list(range(1, 2 * changed, 2)))
    theirs = side(base, "bbbb0002", "GD", list(range(2, 2 * changed + 1, 2)))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        layout.serialise(merge(base, ours, theirs))
        times.append(time.perf_counter() - started)
    return times


def whole(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_noop_sync(size: int, runs: int) -> tuple[float, float]:
    import run as bench

    work = Path(tempfile.mkdtemp(prefix="ipcoop-sync-"))
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(work / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    (work / "gitconfig").write_text("")
    subprocess.run(
        ["git", "init", "-q", "--bare", "-b", "main", str(work / "remote.git")], check=True, env=env
    )
    (work / "a").mkdir()
    db = work / "a" / "ipcoop.json"
    bench.build_ipcoop(db, size)
    ipcoop = [sys.executable, "-m", "ipcoop", "--db", str(db), "sync"]
    subprocess.run(
        [*ipcoop[:-1], "sync", str(work / "remote.git")], env=env, check=True, capture_output=True
    )
    subprocess.run(ipcoop, env=env, check=True, capture_output=True)
    ours = whole(ipcoop, env, runs)
    # The git commands a sync with nothing to do runs, one process each.
    git = ["git", "-C", str(work / "a")]
    steps = [
        [*git, "config", "--local", "--list"],
        [*git, "for-each-ref", "refs/heads/main"],
        [*git, "fetch", "-q", "--no-tags", "origin", "+refs/heads/main:refs/remotes/origin/main"],
        [*git, "for-each-ref", "refs/heads/main", "refs/remotes/origin/main"],
        [*git, "for-each-ref", "refs/remotes/origin/main"],
    ]
    theirs = sum(whole(step, env, runs) for step in steps)
    shutil.rmtree(work, ignore_errors=True)
    return ours, theirs


def time_signed(runs: int, commits: int = 50) -> tuple[float, float]:
    """(a sync that sends one signed change, a sync receiving `commits` signed commits
    it has not judged yet), medians, on the bundled database with a local remote."""
    work = Path(tempfile.mkdtemp(prefix="ipcoop-signed-"))
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(work / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(work),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    (work / "gitconfig").write_text("")
    remote = str(work / "remote.git")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", remote], check=True, env=env)

    def cli(copy: str, *args: str) -> list[str]:
        return [sys.executable, "-m", "ipcoop", "--db", str(work / copy / "ipcoop.json"), *args]

    def run(copy: str, *args: str) -> None:
        subprocess.run(cli(copy, *args), env=env, check=True, capture_output=True)

    for folder in ("hk", "gd"):
        (work / folder).mkdir()
    run("hk", "init")
    run("hk", "sync", remote, "--name", "HK IPD", "--side", "hk")
    run("gd", "sync", remote, "--name", "GDAMR", "--side", "gd")
    for step in (("hk", "sync"), ("hk", "copies", "approve", "GDAMR"), ("hk", "sync")):
        run(*step)
    run("gd", "sync")
    run("hk", "sync")
    sends = []
    for n in range(runs):
        run("hk", "edit", "12", "--note", f"change {n}")
        started = time.perf_counter()
        run("hk", "sync")
        sends.append(time.perf_counter() - started)
    run("gd", "sync")
    shutil.copytree(work / "gd", work / "gd-before", symlinks=True)
    for n in range(commits):
        run("gd", "edit", str(1 + n % 18), "--note", f"GD change {n}")
        run("gd", "sync")
    receives = []
    for _ in range(runs):
        shutil.rmtree(work / "gd-again", ignore_errors=True)
        shutil.copytree(work / "gd-before", work / "gd-again", symlinks=True)
        started = time.perf_counter()
        run("gd-again", "sync")
        receives.append(time.perf_counter() - started)
    shutil.rmtree(work, ignore_errors=True)
    return statistics.median(sends), statistics.median(receives)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    merged = time_merge(args.size, args.changed, args.runs)
    print(
        f"merge of two {args.size:,}-project copies, {args.changed} changed on each side: "
        f"median {statistics.median(merged) * 1000:.0f} ms "
        f"(min {min(merged) * 1000:.0f}, max {max(merged) * 1000:.0f})"
    )
    ours, git = time_noop_sync(args.size, args.runs)
    print(
        f"sync with nothing to do ({args.size:,} projects, local bare remote): "
        f"{ours * 1000:.0f} ms; the git commands it runs: {git * 1000:.0f} ms "
        f"({ours / git:.1f} x)"
    )
    send, receive = time_signed(args.runs)
    print(
        f"signed sharing (bundled database, local bare remote): a sync sending one change "
        f"{send * 1000:.0f} ms; a sync receiving 50 signed commits {receive * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
