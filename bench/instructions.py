"""Instructions each command executes at 1,000 projects, against F, counted by valgrind.

    python bench/instructions.py                      # the ipcoop of this tree
    python bench/instructions.py --source /tmp/old    # another tree's ipcoop/ (a checkout)

Wall times on a shared machine move by 10-20% between runs; the number of
instructions a command executes does not (hash randomisation is fixed), so a
change can be judged by one run of each. Instructions are not time: F spends
more of its time than ipcoop does outside them (loading files, page faults),
so a ratio here reads higher than the same ratio of wall times (about 1.38
here for 1.19 there). Needs valgrind (Debian: valgrind); each command takes a
few seconds under it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import FLOOR, build_ipcoop  # noqa: E402

from ipcoop import store  # noqa: E402
from ipcoop.base import bundled  # noqa: E402

# ipcoop run from a given source tree, as the installed command runs it.
RUNNER = """
import sys
sys.path.insert(0, {source!r})
sys.argv[0] = "ipcoop"
from ipcoop.__main__ import main
main()
"""
SUFFIXES = ("", ".cache", ".local")


def count(argv: list[str], env: dict[str, str]) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stderr
    found = re.search(r"Collected : (\d+)", out)
    if found is None:
        raise SystemExit(f"valgrind gave no count for {argv}:\n{out[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="A tree holding ipcoop/.")
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"
    compiled = [sys.executable, "-m", "compileall", "-q", str(args.source / "ipcoop")]
    subprocess.run(compiled, check=True)
    work = Path(tempfile.mkdtemp(prefix="ipcoop-instructions-"))
    try:
        floor = work / "floor.py"
        floor.write_text(FLOOR)
        runner = work / "ipcoop_runner.py"
        runner.write_text(RUNNER.format(source=str(args.source.resolve())))
        base, db = work / "base.json", work / "db.json"
        build_ipcoop(base, args.size)
        empty_base, empty = work / "empty-base.json", work / "empty.json"
        store.create(empty_base, bundled.areas(), bundled.members(), [], force=True)

        def reset(source: Path, target: Path) -> None:
            for suffix in SUFFIXES:
                shutil.copy(f"{source}{suffix}", f"{target}{suffix}")

        reset(base, db)
        ip = [sys.executable, str(runner), "--db", str(db)]
        export = work / "export.json"
        written = subprocess.run([*ip, "export"], capture_output=True, text=True, check=True)
        export.write_text(written.stdout)
        # As in daily use, the local cache has been written by an earlier read.
        subprocess.run([*ip, "list"], capture_output=True, check=True)
        n = args.size
        cases = [
            ("list (all)", ["list"], None),
            ("list --open", ["list", "--open"], None),
            ("list --area gba --status done", ["list", "--area", "gba", "--status", "done"], None),
            ("list --json", ["list", "--json"], None),
            ("summary", ["summary", "2020"], None),
            ("show", ["show", str(n // 2)], None),
            ("export --format csv", ["export", "--format", "csv"], None),
            ("done", ["done", str(n // 2)], (base, db)),
            ("add", ["add", "New project", "--area", "gba", "--year", "2021"], (base, db)),
        ]
        f = count([sys.executable, str(floor)], env)
        print(f"| command ({n:,} projects) | instructions | / F |")
        print("|---|---:|---:|")
        print(f"| F | {f / 1e6:.1f} M | 1.000 |")
        for label, command, fresh in cases:
            if fresh:
                reset(*fresh)
            c = count([*ip, *command], env)
            print(f"| {label} | {c / 1e6:.1f} M | {c / f:.3f} |", flush=True)
        reset(empty_base, empty)
        c = count([sys.executable, str(runner), "--db", str(empty), "import", str(export)], env)
        print(f"| import (all) | {c / 1e6:.1f} M | {c / f:.3f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
