"""The data file under faults: failed writes, kills, concurrent writers, a held lock."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcoop import store
from ipcoop.base import models
from ipcoop.base.errors import IpcoopError
from ipcoop.core import tracker
from ipcoop.store import files, identity, loader
from tests.helpers import ROOT, fill_the_disk, invoke, one_error_line, stored_project


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


# --------------------------------------------------------------------------- injected faults


def test_failed_replace_leaves_old_file_intact(db_path, monkeypatch):
    before = db_path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    result = invoke("--db", db_path, "done", "11")
    assert result.exit_code == 3
    assert "cannot write" in one_error_line(result)
    assert db_path.read_bytes() == before
    leftovers = [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_disk_full_during_write_leaves_old_file_intact(db_path, monkeypatch):
    before = db_path.read_bytes()
    fill_the_disk(monkeypatch)
    result = invoke("--db", db_path, "add", "t", "--area", "gba", "--year", "2021")
    assert result.exit_code == 3
    assert "disk is full" in one_error_line(result)
    assert db_path.read_bytes() == before
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_fsync_failure_leaves_old_file_intact(db_path, monkeypatch):
    before = db_path.read_bytes()

    def broken_fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    result = invoke("--db", db_path, "edit", "11", "--title", "x")
    assert result.exit_code == 3
    one_error_line(result)
    assert db_path.read_bytes() == before


def test_unwritable_folder_is_exit_3(db_path, monkeypatch):
    # Simulated, because the test suite may run as root, which ignores modes.
    before = db_path.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    from ipcoop.store import files

    monkeypatch.setattr(files, "_temporary", refuse)  # where the new file is created
    result = invoke("--db", db_path, "done", "11")
    assert result.exit_code == 3
    assert "Permission denied" in one_error_line(result)
    assert db_path.read_bytes() == before


def test_backup_is_previous_version(db_path):
    before = db_path.read_bytes()
    assert invoke("--db", db_path, "done", "11").exit_code == 0
    assert store.backup_path(db_path).read_bytes() == before
    assert db_path.read_bytes() != before


def test_corrupt_file_message_names_backup(db_path):
    invoke("--db", db_path, "done", "11")
    db_path.write_bytes(b"\x00" * 100)
    result = invoke("--db", db_path, "list")
    assert result.exit_code == 3
    assert ".bak" in one_error_line(result)
    assert db_path.read_bytes() == b"\x00" * 100


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.__setitem__("3", [1, 2]),
        lambda t: t.__setitem__("x7", dict(t["3"])),
        lambda t: t["4"].pop("status"),
    ],
    ids=["not-an-object", "bad-id", "missing-status"],
)
@pytest.mark.parametrize(
    "command", [["list"], ["summary"], ["areas"], ["done", "5"], ["carry", "2020"]]
)
def test_damaged_project_records_are_exit_3(db_path, damage, command):
    data = json.loads(db_path.read_text())
    damage(data["projects"])
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    result = invoke("--db", db_path, *command)
    assert result.exit_code == 3, result.stderr
    one_error_line(result)
    assert db_path.read_bytes() == before
    checked = invoke("--db", db_path, "check")
    assert checked.exit_code == 1
    assert checked.stdout


def test_record_missing_a_field_is_exit_3(db_path):
    data = json.loads(db_path.read_text())
    del data["projects"]["3"]["title"]
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "list")
    assert result.exit_code == 3
    one_error_line(result)
    assert db_path.read_bytes() == before


# --------------------------------------------------------------------------- the lock


def test_lock_held_elsewhere_is_exit_3_after_timeout(db_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; "
            "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); "
            "time.sleep(60)",
            str(store.lock_path(db_path)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = db_path.read_bytes()
        started = time.monotonic()
        result = invoke("--db", db_path, "done", "11", env={"IPCOOP_LOCK_TIMEOUT": "0.5"})
        elapsed = time.monotonic() - started
        assert result.exit_code == 3
        assert "locked" in one_error_line(result)
        assert elapsed < 5
        assert db_path.read_bytes() == before
        # Reading does not need the lock.
        assert invoke("--db", db_path, "list", "--json").exit_code == 0
    finally:
        holder.kill()
        holder.wait()
    assert invoke("--db", db_path, "done", "11").exit_code == 0


# --------------------------------------------------------------------------- processes


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ipcoop", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=_env(IPCOOP_LOCK_TIMEOUT="60"),
        check=False,
    )


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(empty_db):
    workers, per_worker = 4, 6
    script = (
        "import subprocess, sys\n"
        "db, w, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
        "for i in range(n):\n"
        "    out = subprocess.run([sys.executable, '-m', 'ipcoop', '--db', db, 'add',\n"
        "        f'worker {w} item {i}', '--area', 'gba', '--year', '2021'],\n"
        "        capture_output=True, text=True)\n"
        "    assert out.returncode == 0, out.stderr\n"
        "    pid = out.stdout.strip()\n"
        "    out = subprocess.run([sys.executable, '-m', 'ipcoop', '--db', db, 'done', pid],\n"
        "        capture_output=True, text=True)\n"
        "    assert out.returncode == 0, out.stderr\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(empty_db), str(w), str(per_worker)],
            env=_env(IPCOOP_LOCK_TIMEOUT="60"),
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    rows = json.loads(_cli(empty_db, "list", "--json").stdout)
    assert len(rows) == workers * per_worker
    assert sorted(r["id"] for r in rows) == list(range(1, workers * per_worker + 1))
    assert {r["status"] for r in rows} == {"done"}
    titles = {r["title"] for r in rows}
    assert titles == {f"worker {w} item {i}" for w in range(workers) for i in range(per_worker)}


KILL_LOOP = """
import sys
from pathlib import Path
from ipcoop import store
from ipcoop.core import tracker
path = Path(sys.argv[1])
print("ready", flush=True)
i = 0
while True:
    with store.open_write(path) as db:
        tracker.add_project(db, title=f"bulk {i}", area="gba", year=2021)
        tracker.change_status(db, [1 + i % 50], "done")
        db.commit(f"loop {i}", "2026-01-01T00:00:00Z")
    i += 1
"""


@pytest.mark.slow
def test_sigkill_during_writes_leaves_old_or_new_file(empty_db):
    # A database big enough that each write takes a while.
    records = [
        {
            "title": f"项目 {i} " + "x" * 80,
            "area": "gba",
            "year": 2020,
            "status": "planned",
            "key": False,
            "lead": "joint",
            "agencies": ["HKIPD"],
            "notes": "",
            "done_on": None,
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
        }
        for i in range(20000)
    ]
    with store.open_write(empty_db) as db:
        db.insert_projects(records)
        db.commit("seed", "2026-01-01T00:00:00Z")
    rng = random.Random(7)
    seen_counts = set()
    for _ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_LOOP, str(empty_db)],
            env=_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        db = store.open_read(empty_db)  # never corrupt
        count = len(db.projects())
        # Old or new state, never half: the counter and the records agree.
        (record,) = db.copies().values()
        assert record["next"] == count + 1
        seen_counts.add(count)
        result = _cli(empty_db, "add", "after kill", "--area", "gba", "--year", "2021")
        assert result.returncode == 0, result.stderr
    assert len(seen_counts) > 1  # the loop really did write between kills


# --------------------------------------------------------------------------- round trips

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60
).filter(lambda s: s.strip() != "")

RECORDS = st.fixed_dictionaries(
    {
        "title": TEXT,
        "area": st.sampled_from(["gba", "protection", "trading", "exchange", "education"]),
        "year": st.integers(models.MIN_YEAR, models.MAX_YEAR),
        "status": st.sampled_from([s for s in models.STATUSES if s != "carried"]),
        "key": st.booleans(),
        "lead": st.sampled_from(models.LEADS),
        "agencies": st.lists(st.sampled_from(["GDAMR", "HKIPD", "HKCED", "GDCUS"]), unique=True),
        "notes": st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    }
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(RECORDS, min_size=1, max_size=8))
def test_projects_round_trip_through_the_file(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("rt") / "db.json"
    tracker.init_database(path, empty=True, force=False)
    with store.open_write(path) as db:
        added = []
        for r in records:
            added.append(
                tracker.add_project(
                    db,
                    title=r["title"],
                    area=r["area"],
                    year=r["year"],
                    key=r["key"],
                    lead=r["lead"],
                    agencies=r["agencies"],
                    note=r["notes"],
                    status=r["status"],
                )
            )
        db.commit("test", models.now_stamp())
    reread = store.open_read(path).projects()
    assert reread == added
    for r, got in zip(records, reread, strict=True):
        assert got["title"] == r["title"].strip()
        assert got["notes"] == r["notes"].strip()
        assert got["agencies"] == r["agencies"]
    # Deterministic: dumping what was read gives the same bytes.
    text = path.read_text("utf-8")
    assert store.serialise(json.loads(text)) == text.encode()


# --------------------------------------------------------------------------- the splice write path

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), TEXT),
        st.tuples(st.just("done"), st.integers(1, 30)),
        st.tuples(st.just("edit"), st.integers(1, 30), TEXT),
        st.tuples(st.just("remove"), st.integers(1, 30)),
        st.tuples(st.just("undo")),
        st.tuples(st.just("bulk"), st.integers(20, 30)),
    ),
    min_size=1,
    max_size=12,
)


def _apply(path: Path, op: tuple, careful: bool, monkeypatch) -> None:
    if careful:  # no cache: every load parses and checks the whole file
        monkeypatch.setattr(loader.cache, "read", lambda path, raw: None)
    try:
        with store.open_write(path) as db:
            kind = op[0]
            if kind == "add":
                tracker.add_project(db, title=op[1], area="gba", year=2021)
            elif kind == "done":
                tracker.change_status(db, [op[1]], "done", on="2021-01-01")
            elif kind == "edit":
                tracker.edit_project(db, op[1], {"title": op[2]})
            elif kind == "remove":
                tracker.remove_projects(db, [op[1]])
            elif kind == "undo":
                tracker.undo(db)
            else:
                db.insert_projects(
                    [stored_project(f"bulk {i}", year=2021, programme="2021") for i in range(op[1])]
                )
            db.commit("op", "2026-01-01T00:00:00Z")
    except IpcoopError:
        pass
    finally:
        monkeypatch.undo()


def _without_stamps(path: Path) -> dict:
    data = json.loads(path.read_text("utf-8"))
    for doc in data["projects"].values():
        doc.pop("created"), doc.pop("updated")
        assert identity.is_uuid(doc.pop("uuid"))  # random: each file's own
    # Each file is its own copy, with an id and name of its own.
    data["copies"] = sorted(c["next"] for c in data["copies"].values())
    data["history"] = [data["history"][k] for k in sorted(data["history"])]
    for entry in data["history"]:
        entry.pop("at"), entry.pop("by")
        entry.pop("prev", None)  # the hash of the entry before, stamps and all
        for change in entry["changes"]:
            for side in ("before", "after"):
                if isinstance(change.get(side), dict):
                    change[side].pop("created", None)
                    change[side].pop("updated", None)
                    change[side].pop("uuid", None)
    return data


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_splice_path_writes_what_the_careful_path_writes(tmp_path_factory, monkeypatch, ops):
    folder = tmp_path_factory.mktemp("splice")
    fast, careful = folder / "fast.json", folder / "careful.json"
    for path in (fast, careful):
        tracker.init_database(path, empty=False, force=False)
    for op in ops:
        _apply(fast, op, careful=False, monkeypatch=monkeypatch)
        _apply(careful, op, careful=True, monkeypatch=monkeypatch)
        text = fast.read_text("utf-8")
        assert store.serialise(json.loads(text)) == text.encode()  # what a full write writes
        assert _without_stamps(fast) == _without_stamps(careful)


def test_changes_use_the_raw_body_only_when_the_checksum_vouches_for_it(db_path):
    def raw(path: Path) -> bool:
        return loader.load(path, writable=True).projects_table.raw

    assert raw(db_path)
    # A hand edit (still valid JSON) changes the body: the careful path is taken.
    text = db_path.read_text("utf-8").replace("Exchange activities on trademarks", "Hand-edited")
    db_path.write_text(text, "utf-8")
    assert not raw(db_path)
    assert invoke("--db", db_path, "done", "15").exit_code == 0
    assert invoke("--db", db_path, "show", "15", "--json").json()["title"] == "Hand-edited"
    assert raw(db_path)  # vouched for again
    # Damage inside the body is refused even though the layout looks right.
    raw = db_path.read_bytes()
    broken = raw.replace(b'"Hand-edited"', b'"Hand-edited\x00', 1)
    db_path.write_bytes(broken)
    result = invoke("--db", db_path, "done", "16")
    assert result.exit_code == 3
    assert db_path.read_bytes() == broken


TRICKY = st.sampled_from(
    [
        "plain",
        '"quoted"',
        "back\\slash\\",
        '", "status": "done", "title": "x',
        '", "year": 1999}',
        "new\nline",
        '粵港 "合作"',
        '\\"',
        '}, "key": true',
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    records=st.lists(st.tuples(TRICKY, TRICKY, RECORDS), min_size=1, max_size=10),
    period=st.tuples(st.integers(models.MIN_YEAR, models.MAX_YEAR), st.integers(0, 3)),
)
def test_summary_from_kept_figures_equals_counting(tmp_path_factory, records, period):
    from ipcoop.core import periods, summary

    path = tmp_path_factory.mktemp("stats") / "db.json"
    tracker.init_database(path, empty=True, force=False)
    with store.open_write(path) as db:
        for title, note, r in records:
            tracker.add_project(
                db,
                title=title + r["title"],
                area=r["area"],
                year=r["year"],
                key=r["key"],
                lead=r["lead"],
                agencies=r["agencies"],
                note=note,
                status=r["status"],
            )
        db.commit("test", models.now_stamp())
    fast = store.open_read(path)
    assert fast.stats() is not None  # the kept figures are really used
    projects = store.open_read(path).projects()
    start = period[0]
    end = min(start + period[1], models.MAX_YEAR)
    for first, last in ((start, end), (records[0][2]["year"], records[0][2]["year"])):
        counted = summary.summarize(projects, fast.areas(), first, last)
        assert periods.summary_for(fast, f"{first}-{last}") == counted


def test_bulk_insert_never_overwrites_a_stored_project(empty_db, monkeypatch):
    """Should the id allocator ever hand out a stored id, a bulk insert refuses."""
    from ipcoop.base.errors import DatabaseError
    from ipcoop.store.session import BULK, Database

    records = [stored_project(f"p{i}") for i in range(BULK)]
    with store.open_write(empty_db) as db:
        first = db.insert_projects(records)
        db.commit("seed", "2026-01-01T00:00:00Z")
    before = empty_db.read_bytes()
    monkeypatch.setattr(Database, "allocate", lambda self, n: first[:n])
    with pytest.raises(DatabaseError, match="is taken"), store.open_write(empty_db) as db:
        db.insert_projects(records)
        db.commit("again", "2026-01-01T00:00:00Z")
    assert empty_db.read_bytes() == before
    assert store.open_read(empty_db).project(first[0])["title"] == "p0"


def test_a_few_dozen_new_projects_are_spliced_and_write_what_a_full_rewrite_writes(
    tmp_path, monkeypatch
):
    """A sheet of 20-63 projects goes in as spliced lines (the table is not parsed),
    and the file is byte for byte what parsing and rewriting the table gives."""
    from ipcoop.store import layout, rawtable
    from ipcoop.store.session import BULK, SPLICE_LIMIT

    files_made = []  # the projects table of each file (each file is a copy of its own)
    for whole in (False, True):
        numbers = iter(range(10**6))  # the same UUIDs in both files, in the same order
        monkeypatch.setattr(
            identity, "new_uuid", lambda n=numbers: identity.derived_uuid(str(next(n)))
        )
        target = tmp_path / f"db-{whole}.json"
        store.create(target, [{"key": "gba", "name": "GBA"}], [], [], force=True)
        with store.open_write(target) as db:
            db.insert_projects([stored_project(f"P{i}") for i in range(100)])
            db.commit("seed", "2026-01-01T00:00:00Z")
        store.open_read(target).rows()  # as in daily use: the cache keeps the rows
        with store.open_write(target) as db:
            if whole:
                db.projects_table.load()
            else:
                monkeypatch.setattr(
                    rawtable.RawTable, "load", lambda self: pytest.fail("parsed the table")
                )
            ids = db.insert_projects([stored_project(f"N{i}") for i in range(BULK + 10)])
            db.commit("import sheet", "2026-01-02T00:00:00Z")
        monkeypatch.undo()
        assert BULK + 10 < SPLICE_LIMIT and ids == list(range(101, 101 + BULK + 10))
        raw = target.read_bytes()
        files_made.append(raw[slice(*layout.split_tables(raw)["projects"])])
        titles = [p["title"] for p in store.open_read(target).rows()]
        assert titles[-1] == f"N{BULK + 9}" and len(titles) == 100 + BULK + 10
        assert invoke("--db", target, "undo").exit_code == 0
        assert len(store.open_read(target).rows()) == 100
    assert files_made[0] == files_made[1]
