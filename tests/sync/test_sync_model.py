"""A model of sharing: three copies and a bare remote, driven by generated command sequences.

Each example builds a fresh remote and three copies (A runs `init` and shares; B and C
join), then runs up to IPCOOP_MODEL_EXAMPLES x stateful_step_count random commands:
add, edit, start/done/reopen/drop, progress notes, links, remove, undo (also --skip), a
CSV sheet exported on one copy and imported on another, sync, and an unreachable remote
(its folder renamed). Checked:

- every command exits 0, or 1 with one clean "Error: ..." line; never a traceback, never
  "unexpected failure"; a sync under an unreachable remote exits 1 and changes nothing;
- an id printed by `add` is never printed again, by any copy;
- at the end (remote reachable, every copy synced in turn twice): the three files are
  byte for byte the same, every copy shows the same projects and conflicts, `check`
  exits 0 everywhere, the UUIDs are distinct, an id printed by `add` is present (with a
  title it was given) unless some copy removed it or undid its `add`.

git runs with an empty global config and no system config, as everywhere in the tests (conftest.py).
IPCOOP_MODEL_EXAMPLES sets how many examples run (default 5).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)

from tests.helpers import Run, invoke

EXAMPLES = int(os.environ.get("IPCOOP_MODEL_EXAMPLES", "5"))
NAMES = ("A", "B", "C")
AREAS = ("gba", "protection", "trading", "exchange", "guidance")
WORDS = ("Seminar", "Exchange visit", "Training", "Study", "Forum", "研討會", "Joint campaign")
BUNDLED = range(1, 19)  # the ids `init` creates

# What ran, over every example of the session (printed at the end of the test).
STATS: Counter[str] = Counter()

ENV_SET = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "IPCOOP_LOCK_TIMEOUT": "1",
    "LANG": "C.UTF-8",
    "COLUMNS": "100",
}
ENV_DROP = (
    "IPCOOP_DB",
    "IPCOOP_DEBUG",
    "NO_COLOR",
    "IPCOOP_LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
)


def _kind(stderr: str) -> str:
    """An error line with its numbers and paths blurred, to count kinds of refusal."""
    line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    line = re.sub(r"/\S+", "PATH", line)
    line = re.sub(r"'[^']*'", "'…'", line)
    return re.sub(r"\d+", "N", line)[:110]


def _step(method: Any) -> Any:
    """Mark the machine broken when a step fails, so teardown does not mask the failure."""

    @functools.wraps(method)
    def wrapper(self: SharingModel, *args: Any, **kwargs: Any) -> Any:
        self.broken = True
        result = method(self, *args, **kwargs)
        self.broken = False
        STATS["steps"] += 1
        return result

    return wrapper


class SharingModel(RuleBasedStateMachine):
    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.broken = True
        self.root = Path(tempfile.mkdtemp(prefix="ipcoop-model-"))
        self.saved_env = {
            k: os.environ.get(k)
            for k in (*ENV_SET, *ENV_DROP, "HOME", "XDG_DATA_HOME", "GIT_CONFIG_GLOBAL")
        }
        try:
            (self.root / "home").mkdir()
            (self.root / "gitconfig").write_text("")
            os.environ.update(ENV_SET)
            os.environ["HOME"] = str(self.root / "home")
            os.environ["XDG_DATA_HOME"] = str(self.root / "xdg")
            os.environ["GIT_CONFIG_GLOBAL"] = str(self.root / "gitconfig")
            for key in ENV_DROP:
                os.environ.pop(key, None)
            self.remote = self.root / "remote.git"
            self.moved = self.root / "remote-moved.git"
            subprocess.run(["git", "init", "-q", "--bare", str(self.remote)], check=True)
            self.db = {}
            for name in NAMES:
                (self.root / name).mkdir()
                self.db[name] = self.root / name / "ipcoop.json"
            self.unreachable = False
            self.counter = 0
            self.printed: dict[int, str] = {}  # id printed by add -> the copy that printed it
            self.added_title: dict[str, dict[str, int]] = {n: {} for n in NAMES}
            self.titles: dict[int, set[str]] = {}  # every title each id was given
            self.removed: set[int] = set()  # targets of remove, and adds (or init) undone
            self.log: list[str] = []
            self.ok("A", "init")
            self.ok("A", "sync", self.remote, "--name", "A")
            self.ok("B", "sync", self.remote, "--name", "B")
            self.ok("C", "sync", self.remote, "--name", "C")
            # A trusts B's and C's keys (as after comparing them by phone).
            self.ok("A", "sync")
            self.ok("A", "copies", "approve", "B", "C")
            self.ok("A", "sync")
            self.ok("B", "sync")
            self.ok("C", "sync")
            for project in self.ok("A", "list", "--json").json():
                self.titles.setdefault(project["id"], set()).add(project["title"])
            STATS["examples"] += 1
            self.broken = False
        except BaseException:
            self._cleanup()
            raise

    # -- running commands -------------------------------------------------------------

    def run(self, name: str, *args: Any) -> Run:
        """Run one command on a copy; a clean exit 0, or 1 with one 'Error:' line."""
        words = [str(a) for a in args]
        shown = " ".join(w if re.fullmatch(r"[\w./:@=-]+", w) else repr(w) for w in words)
        shown = shown.replace(str(self.root), "$T")
        try:
            result = invoke("--db", self.db[name], *words)
        except BaseException as exc:  # escaped the CLI: what a user would see as a traceback
            note(f"{name}$ ipcoop {shown}  -> raised {exc!r}")
            raise AssertionError(f"Traceback from {name}: ipcoop {shown}: {exc!r}") from exc
        stderr = result.stderr.replace(str(self.root), "$T")
        note(f"{name}$ ipcoop {shown}  -> {result.exit_code} {stderr.strip()!r}")
        STATS[f"{words[0]} exit {result.exit_code}"] += 1
        if result.exit_code:
            STATS[f"  {words[0]} exit {result.exit_code}: {_kind(stderr)}"] += 1
        for stream in (result.stdout, result.stderr):
            assert "Traceback" not in stream, (name, shown, stream)
            assert "unexpected failure" not in stream, (name, shown, stream)
            assert "what followed failed" not in stream, (name, shown, stream)
        assert result.exit_code in (0, 1), (name, shown, result.exit_code, stderr)
        if result.exit_code == 1:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error: "), (name, shown, stderr)
        return result

    def ok(self, name: str, *args: Any) -> Run:
        result = self.run(name, *args)
        assert result.exit_code == 0, (name, args, result.stderr)
        return result

    # -- rules ------------------------------------------------------------------------

    @initialize(target=ids)
    def bundled_ids(self) -> Any:
        return multiple(*BUNDLED)

    @rule(
        target=ids,
        copy=st.sampled_from(NAMES),
        word=st.sampled_from(WORDS),
        area=st.sampled_from(AREAS),
        year=st.sampled_from((2020, 2021)),
    )
    @_step
    def add(self, copy: str, word: str, area: str, year: int) -> Any:
        self.counter += 1
        title = f"{word} {self.counter}"
        result = self.run(copy, "add", title, "--area", area, "--year", year)
        if result.exit_code:
            assert "unused project id" in result.stderr, result.stderr  # ids used up
            return multiple()
        pid = int(result.stdout)
        assert pid not in self.printed, f"id {pid} printed by {self.printed[pid]} and {copy}"
        assert pid not in BUNDLED, pid
        self.printed[pid] = copy
        self.added_title[copy][title] = pid
        self.titles.setdefault(pid, set()).add(title)
        return pid

    @rule(
        copy=st.sampled_from(NAMES),
        pid=ids,
        field=st.sampled_from(("note", "title")),
        word=st.sampled_from(WORDS),
    )
    @_step
    def edit(self, copy: str, pid: int, field: str, word: str) -> None:
        self.counter += 1
        text = f"{word} edited {self.counter}"
        if field == "title":
            self.titles.setdefault(pid, set()).add(text)
        self.run(copy, "edit", pid, f"--{field}", text)

    @rule(copy=st.sampled_from(NAMES), pid=ids, word=st.sampled_from(WORDS))
    @_step
    def progress(self, copy: str, pid: int, word: str) -> None:
        """A dated progress note: both sides' notes must all survive a merge."""
        self.counter += 1
        self.run(copy, "note", pid, f"{word} noted {self.counter}", "--on", "2021-03-15")

    @rule(
        copy=st.sampled_from(NAMES),
        pid=ids,
        which=st.sampled_from(("a", "b")),
        remove=st.booleans(),
    )
    @_step
    def link(self, copy: str, pid: int, which: str, remove: bool) -> None:
        url = f"https://example.org/{which}"
        extra = ("--remove",) if remove else ("--label", f"Page {which} {self.counter}")
        self.run(copy, "link", pid, url, *extra)

    @rule(
        copy=st.sampled_from(NAMES),
        pid=ids,
        verb=st.sampled_from(("start", "done", "reopen", "drop")),
    )
    @_step
    def status(self, copy: str, pid: int, verb: str) -> None:
        extra: tuple[str, ...] = ()
        if verb == "done":
            extra = ("--on", "2021-03-15")
        elif verb == "drop":
            extra = ("--reason", "merged")
        self.run(copy, verb, pid, *extra)

    @rule(copy=st.sampled_from(NAMES), pid=ids)
    @_step
    def remove(self, copy: str, pid: int) -> None:
        self.removed.add(pid)
        self.run(copy, "remove", pid, "--yes")

    @rule(copy=st.sampled_from(NAMES), skip=st.booleans())
    @_step
    def undo(self, copy: str, skip: bool) -> None:
        result = self.run(copy, "undo", *(("--skip",) if skip else ()))
        if result.exit_code:
            return
        undone = re.match(r"Undid: (.*) \(\d{4}-\d\d-\d\d \d\d:\d\d\)$", result.stderr.strip())
        assert undone, result.stderr
        command = undone.group(1)
        STATS[f"undo of {command.split(' ', 1)[0]}"] += 1
        if command == "init":
            self.removed.update(BUNDLED)
        elif command.startswith("add "):
            title = re.match(r"add '(.*?)' --area", command)
            if title and title.group(1) in self.added_title[copy]:
                self.removed.add(self.added_title[copy][title.group(1)])
            else:  # cannot tell which: any id this copy added may be gone
                self.removed.update(self.added_title[copy].values())

    @rule(pair=st.sampled_from([(a, b) for a in NAMES for b in NAMES if a != b]))
    @_step
    def sheet(self, pair: tuple[str, str]) -> None:
        source, target = pair
        self.counter += 1
        path = self.root / f"sheet-{self.counter}.csv"
        self.ok(source, "export", "--format", "csv", "--output", path)
        result = self.run(target, "import", path)
        if result.exit_code:
            assert "unused project id" in result.stderr, result.stderr

    @rule(copy=st.sampled_from(NAMES))
    @_step
    def sync(self, copy: str) -> None:
        if not self.unreachable:
            result = self.ok(copy, "sync")
            counts = re.search(r"Sent (\d+) change\(s\), received (\d+)", result.stderr)
            assert counts, result.stderr
            sent, received = (int(n) for n in counts.groups())
            STATS["sync that sent and received"] += sent > 0 and received > 0
            return
        before = self.db[copy].read_bytes()
        result = self.run(copy, "sync")
        assert result.exit_code == 1, result.stderr
        assert self.db[copy].read_bytes() == before, "a sync that failed changed the file"
        STATS["unreachable sync"] += 1

    @rule()
    @_step
    def toggle_unreachable(self) -> None:
        if self.unreachable:
            self.moved.rename(self.remote)
        else:
            self.remote.rename(self.moved)
        self.unreachable = not self.unreachable
        note(f"(remote {'unreachable' if self.unreachable else 'reachable again'})")

    # -- the end ----------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if not self.broken:
                self.broken = True
                self._converge()
                self.broken = False
        finally:
            self._cleanup()

    def _converge(self) -> None:
        if self.unreachable:
            self.moved.rename(self.remote)
            self.unreachable = False
            note("(remote reachable again)")
        note("-- converging: every copy syncs in turn, twice --")
        for _ in range(2):
            for name in NAMES:
                self.ok(name, "sync")
        first = self.db["A"].read_bytes()
        for name in NAMES[1:]:
            assert self.db[name].read_bytes() == first, f"A and {name} differ after syncing"
        views = {
            name: tuple(self.ok(name, what, "--json").stdout for what in ("list", "conflicts"))
            for name in NAMES
        }
        assert views["B"] == views["A"], "A and B show different data"
        assert views["C"] == views["A"], "A and C show different data"
        for name in NAMES:
            self.ok(name, "check")
        for conflict in json.loads(views["A"][1]):
            STATS[f"conflict kept at the end: {conflict['field']}"] += 1
        projects = {p["id"]: p for p in self.ok("A", "list", "--json").json()}
        uuids = Counter(p["uuid"] for p in projects.values())
        assert not [u for u, n in uuids.items() if n > 1], f"one UUID on several projects: {uuids}"
        for pid, copy in self.printed.items():
            if pid not in projects:
                assert pid in self.removed, (
                    f"id {pid} (added on {copy}) is gone, but no copy removed it or undid its add"
                )
            else:
                assert projects[pid]["title"] in self.titles[pid], (
                    f"id {pid} holds {projects[pid]['title']!r}, never a title of it: "
                    f"{self.titles[pid]}"
                )
        for pid in BUNDLED:
            if pid in projects:
                assert projects[pid]["title"] in self.titles[pid], (pid, projects[pid]["title"])
            else:
                assert pid in self.removed, f"bundled project {pid} is gone, never removed"
        STATS["examples converged"] += 1

    def _cleanup(self) -> None:
        for key, value in self.saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(self.root, ignore_errors=True)


_db = os.environ.get("IPCOOP_MODEL_DB")  # where to keep failing examples (default: nowhere)

SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=25,
    deadline=None,
    database=DirectoryBasedExampleDatabase(_db) if _db else None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_sharing_model() -> None:
    STATS.clear()
    try:
        run_state_machine_as_test(SharingModel, settings=SETTINGS)
    finally:
        print()
        for key in sorted(STATS, key=str.strip):
            print(f"{STATS[key]:6}  {key}")
