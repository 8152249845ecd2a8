"""Benchmark ipcoop against Taskwarrior and against a one-command Typer app (F).

    python bench/run.py                       # 100, 1,000, 10,000 and 50,000 projects
    python bench/run.py --sizes 100 --runs 3  # a quick smoke run

Builds deterministic databases (about 30% done, over the six areas and
several years), times whole commands with its own timing loop, interleaving ipcoop, the
peer and F run by run (so drift on a busy machine hits all three alike),
measures peak memory with /usr/bin/time, and writes docs/benchmarks.md.
Changing commands run on a fresh copy of the database each time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ipcoop import store  # noqa: E402
from ipcoop.base import bundled  # noqa: E402

AREAS = ["gba", "protection", "trading", "exchange", "guidance", "education"]
CODES = ["GDAMR", "GDCAB", "GDPSD", "GDDOC", "GDCUS", "HKIPD", "HKCEDB", "HKCED"]
STAMP = "2026-01-01T00:00:00Z"
NOTES_MARK = "<!-- analysis: kept by bench/run.py -->"
FLOOR = """
import typer
app = typer.Typer()
@app.command()
def main() -> None:  # noqa: PLR0915 - one linear script: build, time, report
    pass
app()
"""


def projects(n: int) -> list[dict]:
    rng = random.Random(n)
    out = []
    for i in range(n):
        done = rng.random() < 0.3
        year = 2016 + i % 8
        out.append(
            {
                "title": f"Co-operation project {i} on IP {rng.choice(AREAS)} 合作項目",
                "area": AREAS[i % len(AREAS)],
                "year": year,
                "status": "done" if done else rng.choice(["planned", "planned", "active"]),
                "key": i % 7 == 0,
                "lead": rng.choice(["gd", "hk", "joint"]),
                "agencies": sorted(rng.sample(CODES, 2)),
                "notes": "",
                "done_on": f"{year}-11-30" if done else None,
                "created": STAMP,
                "updated": STAMP,
            }
        )
    return out


def build_ipcoop(path: Path, n: int) -> None:
    records = projects(n)
    if path.exists():
        path.unlink()
    store.create(path, bundled.areas(), bundled.members(), records, force=True)


def build_task(folder: Path, n: int) -> Path:
    """A Taskwarrior data folder with the same tasks; returns its rc file."""
    folder.mkdir(parents=True, exist_ok=True)
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={folder}\nconfirmation=off\nverbose=nothing\nhooks=off\n"
        "gc=on\nrecurrence=off\nnews.version=2.6.2\n"
    )
    tasks = []
    for i, p in enumerate(projects(n)):
        entry = "20260101T000000Z"
        task = {
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "description": p["title"],
            "project": p["area"],
            "status": "completed" if p["status"] == "done" else "pending",
            "entry": entry,
            "tags": [f"y{p['year']}"] + (["key"] if p["key"] else []),
        }
        if p["status"] == "done":
            task["end"] = entry
        tasks.append(task)
    source = folder / "tasks.json"
    source.write_text(json.dumps(tasks))
    subprocess.run(
        ["task", f"rc:{rc}", "import", str(source)],
        check=True,
        capture_output=True,
    )
    return rc


def have(cmd: str) -> bool:
    return shutil.which(cmd) is not None


def measure(commands: list[tuple[str, str, str | None]], runs: int, warmup: int) -> dict:
    """Median wall seconds per named command: [(name, command, prepare or None)].

    The commands are interleaved (A B C, B C A, C A B, ...) rather than timed
    one block after another, so that a machine that slows down or speeds up
    during the run affects every command alike. Each command is run without
    a shell; `prepare` (a shell line, untimed) runs before each timed run.
    Leading NAME=value words set the command's environment (IPCOOP_LANG=zh-hk ...).
    """
    times: dict[str, list[float]] = {name: [] for name, _, _ in commands}
    for i in range(warmup + runs):
        order = commands[i % len(commands) :] + commands[: i % len(commands)]
        for name, command, prepare in order:
            if prepare:
                subprocess.run(prepare, shell=True, check=True)
            argv = shlex.split(command)
            env = dict(os.environ)
            while argv and re.fullmatch(r"[A-Z_]+=\S*", argv[0]):
                variable, _, value = argv.pop(0).partition("=")
                env[variable] = value
            start = time.perf_counter()
            subprocess.run(
                argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            elapsed = time.perf_counter() - start
            if i >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}


def peak_kib(command: str) -> int:
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "sh", "-c", command + " >/dev/null 2>&1"],
        capture_output=True,
        text=True,
        check=False,
    )
    return int(out.stderr.strip().splitlines()[-1])


def main() -> None:  # noqa: PLR0915 - one linear script: build, time, report
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-task", action="store_true", help="Skip Taskwarrior.")
    args = parser.parse_args()

    # ipcoop runs from its compiled bytecode, as an installed package does (and as
    # Typer and F do): a PYTHONDONTWRITEBYTECODE environment would otherwise have
    # every run compile ipcoop's sources again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "ipcoop")], check=True)
    work = Path(tempfile.mkdtemp(prefix="ipcoop-bench-"))
    exe = shutil.which("ipcoop") or f"{sys.executable} -m ipcoop"
    floor = work / "floor.py"
    floor.write_text(FLOOR)
    floor_cmd = f"{sys.executable} {floor}"
    use_task = have("task") and not args.no_task

    rows: list[tuple[int, str, str, float, float | None, float]] = []
    start_up = measure(
        [
            ("F", floor_cmd, None),
            ("ipcoop --version", f"{exe} --version", None),
            ("ipcoop --help", f"{exe} --help", None),
            # The interface in each Chinese: the catalog is read, the help translated.
            ("ipcoop --version (zh-hk)", f"IPCOOP_LANG=zh-hk {exe} --version", None),
            ("ipcoop --help (zh-hk)", f"IPCOOP_LANG=zh-hk {exe} --help", None),
            ("ipcoop --help (zh-cn)", f"IPCOOP_LANG=zh-cn {exe} --help", None),
            ("ipcoop list --help (zh-cn)", f"IPCOOP_LANG=zh-cn {exe} list --help", None),
        ],
        args.runs,
        args.warmup,
    )
    memory: list[tuple[int, int, int | None]] = []
    for n in args.sizes:
        base = work / f"db-{n}.json"
        build_ipcoop(base, n)
        db = work / f"work-{n}.json"
        for suffix in ("", ".cache", ".local"):
            shutil.copy(f"{base}{suffix}", f"{db}{suffix}")
        ip = f"{exe} --db {db}"
        # The file and the local files beside it (the cache that vouches for its
        # lines, and who this copy is), as a database in daily use has them.
        reset = " && ".join(
            f"cp {base}{suffix} {db}{suffix}" for suffix in ("", ".cache", ".local")
        )
        cases = [
            ("list (all)", f"{ip} list", None, "all"),
            ("list (all), in zh-hk", f"IPCOOP_LANG=zh-hk {ip} list", None, None),
            ("list --open", f"{ip} list --open", None, "list"),
            ("list --area gba --status done", f"{ip} list --area gba --status done", None, None),
            ("list --json", f"{ip} list --json", None, "export"),
            ("summary", f"{ip} summary 2020", None, "summary"),
            ("show", f"{ip} show {n // 2}", None, f"{n // 2} info"),
            ("export --format csv", f"{ip} export --format csv", None, None),
            ("done", f"{ip} done {n // 2}", reset, f"{n // 2} done"),
            ("add", f"{ip} add 'New project' --area gba --year 2021", reset, "add New project"),
        ]
        task_rc = None
        if use_task:
            task_base = work / f"task-{n}"
            build_task(task_base, n)
            task_rc = task_base / "taskrc"
        # Rows of a small database take little time each: more runs cost little and
        # steady their medians on a busy machine.
        runs = args.runs * 3 if n <= 1000 else args.runs
        for label, command, prepare, task_args in cases:
            # F runs in every row, so each ratio compares timings of the same moment.
            commands = [("F", floor_cmd, None), ("ipcoop", command, prepare)]
            if task_rc is not None and task_args is not None:
                tdir = task_rc.parent
                tcopy = work / f"task-{n}-work"
                tprep = f"rm -rf {tcopy} && cp -r {tdir} {tcopy}"
                trc = tcopy / "taskrc"
                ttask = f"task rc:{trc} rc.data.location={tcopy} {task_args}"
                commands.append(("task", ttask, tprep))
                if prepare is None:
                    subprocess.run(tprep, shell=True, check=True)
            result = measure(commands, runs, args.warmup)
            rows.append((n, label, command, result["ipcoop"], result.get("task"), result["F"]))
            print(
                f"{n:>6} {label:32} ipcoop {result['ipcoop'] * 1000:8.1f} ms"
                + (f"  task {result['task'] * 1000:8.1f} ms" if "task" in result else "")
                + f"  F {result['F'] * 1000:6.1f} ms",
                flush=True,
            )
        ip_mem = peak_kib(f"{ip} list --open")
        task_mem = None
        if task_rc is not None:
            task_mem = peak_kib(f"task rc:{task_rc} list")
        memory.append((n, ip_mem, task_mem))
        # An import of the whole data set into an empty database.
        export = work / f"export-{n}.json"
        export.write_text(
            subprocess.run(
                f"{ip} export", shell=True, capture_output=True, text=True, check=True
            ).stdout
        )
        empty = work / f"empty-{n}.json"
        store.create(empty, bundled.areas(), bundled.members(), [], force=True)
        empty_base = work / f"empty-{n}.base"
        for suffix in ("", ".cache", ".local"):
            shutil.copy(f"{empty}{suffix}", f"{empty_base}{suffix}")
        imp = measure(
            [
                ("F", floor_cmd, None),
                (
                    "ipcoop",
                    f"{exe} --db {empty} import {export}",
                    " && ".join(f"cp {empty_base}{s} {empty}{s}" for s in ("", ".cache", ".local")),
                ),
            ],
            max(3, args.runs // 3),
            1,
        )
        rows.append((n, "import (all)", "ipcoop import", imp["ipcoop"], None, imp["F"]))
        print(f"{n:>6} {'import (all)':32} ipcoop {imp['ipcoop'] * 1000:8.1f} ms", flush=True)
        # An everyday import: a sheet of 20 new projects into the database of n.
        sheet = work / f"sheet-{n}.json"
        new = [
            {k: v for k, v in p.items() if k not in ("id", "uuid", "created", "updated")}
            for p in json.loads(export.read_text("utf-8"))[:20]
        ]
        sheet.write_text(json.dumps(new, ensure_ascii=False), "utf-8")
        imp20 = measure(
            [("F", floor_cmd, None), ("ipcoop", f"{ip} import {sheet}", reset)],
            runs,
            args.warmup,
        )
        rows.append((n, "import (20 new)", "ipcoop import", imp20["ipcoop"], None, imp20["F"]))
        print(f"{n:>6} {'import (20 new)':32} ipcoop {imp20['ipcoop'] * 1000:8.1f} ms", flush=True)

    write_report(args.output, rows, start_up, memory, exe, use_task)
    shutil.rmtree(work, ignore_errors=True)


def write_report(path: Path, rows, start_up, memory, exe: str, use_task: bool) -> None:
    f_time = start_up["F"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
        "Medians of whole-process wall times, after a warm-up, from an interleaved loop "
        "(ipcoop, Taskwarrior and F take turns run by run); changing commands run on a "
        "fresh copy each time; databases of up to 1,000 projects get three times the runs.",
        "F is a one-command Typer app run by the same Python; it is timed in every row "
        f"(median of the start-up row: {f_time * 1000:.1f} ms), and each row's ipcoop / F "
        "uses the F of its own row.",
        "",
        "Command: `python bench/run.py` (see its --help).",
        "",
        "## Start-up",
        "",
        "| command | median | / F |",
        "|---|---:|---:|",
    ]
    for name in start_up:
        if name == "F":
            continue
        median = start_up[name]
        lines.append(f"| `{name}` | {median * 1000:.1f} ms | {median / f_time:.2f} |")
    lines += [
        "",
        "## Commands by database size",
        "",
        "| projects | command | ipcoop | Taskwarrior | F | ipcoop / Taskwarrior | ipcoop / F |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n, label, _, ip_time, task_time, f in rows:
        task_cell = f"{task_time * 1000:.1f} ms" if task_time else "-"
        ratio = f"{ip_time / task_time:.2f}" if task_time else "-"
        lines.append(
            f"| {n:,} | {label} | {ip_time * 1000:.1f} ms | {task_cell} | {f * 1000:.1f} ms | "
            f"{ratio} | {ip_time / f:.2f} |"
        )
    lines += [
        "",
        "## Peak memory (`list` of open projects; Taskwarrior `list`)",
        "",
        "| projects | ipcoop | Taskwarrior |",
        "|---:|---:|---:|",
    ]
    for n, ip_mem, task_mem in memory:
        task_cell = f"{task_mem / 1024:.1f} MiB" if task_mem else "-"
        lines.append(f"| {n:,} | {ip_mem / 1024:.1f} MiB | {task_cell} |")
    lines += [
        "",
        "Taskwarrior equivalents: `list` for `list --open`, `export` for `list --json`, "
        "`summary` for `summary`, `N info` for `show`, `N done`, `add`. "
        + ("" if use_task else "Taskwarrior was not installed for this run."),
        "",
    ]
    # The hand-written analysis below the marker survives a new run.
    notes = ""
    if path.exists():
        old = path.read_text("utf-8")
        if NOTES_MARK in old:
            notes = "\n" + old[old.index(NOTES_MARK) :]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + notes)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
