"""Each fault an adversarial run found, reproduced: a clear error or the right result.

Set-up as in the report: a database with the bundled 18 projects, next id 19.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipcoop import store
from ipcoop.store import files
from tests import helpers
from tests.helpers import fill_the_disk, invoke, one_error_line


def titles(db: Path) -> list[str]:
    return [p["title"] for p in invoke("--db", db, "list", "--json").json()]


# ------------------------------------------------------------------ data lost or misreported


def test_a_lock_file_deleted_while_held_loses_no_update(db_path):
    """1. Writer A holds the lock and is slow; someone deletes the lock file; writer B runs."""
    if shutil.which("strace") is None:
        pytest.fail("strace is needed: apt-get install strace")
    slow = subprocess.Popen(
        [
            "strace",
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-P",
            str(db_path),
            "-e",
            "trace=read",
            "-e",
            "inject=read:delay_exit=1500000:when=1",
            sys.executable,
            "-m",
            "ipcoop",
            "--db",
            str(db_path),
            "add",
            "from A",
            "--area",
            "gba",
            "--year",
            "2021",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=helpers.env(),
        text=True,
    )
    deadline = time.monotonic() + 10
    lock = store.lock_path(db_path)
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # A now holds the lock and sleeps in its read
    lock.unlink()
    other = helpers.run(
        "--db", db_path, "add", "from B", "--area", "gba", "--year", "2021", IPCOOP_LOCK_TIMEOUT="5"
    )
    out, err = slow.communicate(timeout=30)
    stored = titles(db_path)
    succeeded = [
        t for t, code in (("from A", slow.returncode), ("from B", other.returncode)) if code == 0
    ]
    assert succeeded, (err, other.stderr)
    for title in succeeded:  # every command that said it succeeded is on disk
        assert title in stored, (title, err, other.stderr)
    ids = [out.strip()] if slow.returncode == 0 else []
    ids += [other.stdout.strip()] if other.returncode == 0 else []
    assert len(set(ids)) == len(ids)  # never one id twice
    if slow.returncode != 0:
        assert slow.returncode == 3 and "lock" in err


def test_a_change_is_not_reported_failed_when_only_the_sweep_after_it_fails(db_path, monkeypatch):
    """2. The clean-up after the rename cannot open the folder (EMFILE)."""

    def no_folder(self, pattern):
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(Path, "glob", no_folder)
    monkeypatch.setattr(files, "fsync_dir", lambda folder: no_folder(None, None))
    with pytest.raises(OSError):
        files.fsync_dir(db_path.parent)
    monkeypatch.setattr(files, "fsync_dir", lambda folder: None)
    result = invoke("--db", db_path, "done", "11", "--on", "2020-12-01")
    assert result.exit_code == 0, result.stderr
    monkeypatch.undo()
    assert invoke("--db", db_path, "show", "11", "--json").json()["status"] == "done"


def test_output_that_fails_after_the_commit_reports_the_commit(db_path):
    """3. `add ... > /dev/full`: the project is added, and the exit code says so."""
    with open("/dev/full", "w") as full:
        done = helpers.run(
            "--db", db_path, "add", "x", "--area", "gba", "--year", "2020", stdout=full
        )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("Warning: the change was saved"), done.stderr
    assert "Traceback" not in done.stderr
    assert titles(db_path)[-1] == "x"


def test_a_symlinked_database_is_written_where_it_points(db_path, tmp_path):
    """4. The link stays a link; the real file gets the change; .bak is a real file."""
    link = tmp_path / "link.json"
    link.symlink_to(db_path)
    result = invoke("--db", link, "add", "via the link", "--area", "gba", "--year", "2021")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert "via the link" in titles(db_path)
    bak = store.backup_path(db_path)
    assert bak.exists() and not bak.is_symlink()
    assert not store.backup_path(link).exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('\n "3": ', '\n "3": {"title": "twin"},\n "3": ', 1),
        lambda text: text.replace('"done_on": null', '"done_on": "2020-13-45"', 1),
        lambda text: text.replace('"area": "gba"', '"area": "moon"', 1),
        lambda text: text.replace('"year": 2020', '"year": 1900', 1),
    ],
    ids=["two-records-one-id", "bad-date", "unknown-area", "year-out-of-range"],
)
def test_writes_are_refused_on_a_file_check_calls_damaged(db_path, damage):
    """5. The damage is not carried forward, and no record is dropped silently."""
    db_path.write_text(damage(db_path.read_text("utf-8")), "utf-8")
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "add", "new", "--area", "trading", "--year", "2021")
    assert result.exit_code == 3
    assert "check" in one_error_line(result)
    assert db_path.read_bytes() == before
    assert invoke("--db", db_path, "check").exit_code == 1


def test_report_files_are_written_atomically(db_path, tmp_path, monkeypatch):
    """6. A full disk leaves the earlier export whole."""
    target = tmp_path / "export.json"
    target.write_text("the earlier export\n", "utf-8")
    fill_the_disk(monkeypatch, written=4096)
    for command in (["export", "--output", target], ["summary", "2020", "--output", target]):
        result = invoke("--db", db_path, *command)
        assert result.exit_code == 1
        assert "disk is full" in one_error_line(result)
        assert target.read_text("utf-8") == "the earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_files_set_aside_are_never_overwritten(tmp_path):
    """7a. A second init --force on an unreadable file keeps the first one set aside."""
    db = tmp_path / "db.json"
    db.write_bytes(b"first damage")
    assert invoke("--db", db, "init", "--force").exit_code == 0
    db.write_bytes(b"second damage")
    assert invoke("--db", db, "init", "--force").exit_code == 0
    kept = sorted(p.read_bytes() for p in tmp_path.glob("db.json.unreadable*"))
    assert kept == [b"first damage", b"second damage"]


def test_the_version_before_the_last_change_stays_restorable(db_path, monkeypatch):
    """7b. A failed rename leaves .bak as it was: check --restore still goes back a change."""
    assert invoke("--db", db_path, "done", "11").exit_code == 0
    before_last_change = store.backup_path(db_path).read_bytes()

    def broken_replace(src, dst):
        if str(dst) == str(db_path):
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)

    real_replace = os.replace
    monkeypatch.setattr(files.os, "replace", broken_replace)
    assert invoke("--db", db_path, "done", "12").exit_code == 3
    monkeypatch.undo()
    assert store.backup_path(db_path).read_bytes() == before_last_change
    assert invoke("--db", db_path, "check", "--restore", "--yes").exit_code == 0
    assert db_path.read_bytes() == before_last_change


def test_a_write_by_root_keeps_the_owner(db_path, monkeypatch):
    """8. The file stays its owner's (under test as root; simulated otherwise)."""
    if os.geteuid() == 0:
        os.chown(db_path, 4321, 4321)
        assert invoke("--db", db_path, "done", "11").exit_code == 0
        info = os.stat(db_path)
        assert (info.st_uid, info.st_gid) == (4321, 4321)
        return
    calls = []
    monkeypatch.setattr(files.os, "geteuid", lambda: 0)
    monkeypatch.setattr(files.os, "fchown", lambda fd, uid, gid: calls.append((uid, gid)))
    assert invoke("--db", db_path, "done", "11").exit_code == 0
    assert calls == [(os.getuid(), os.getgid())]


# ------------------------------------------------------------------ hangs and runaway reads


@pytest.mark.parametrize("command", [["list"], ["done", "1"], ["init", "--force"]])
def test_anything_but_a_regular_file_is_refused_before_opening(tmp_path, command):
    """9. A FIFO would hang, /dev/zero would fill memory, init --force would move /dev/null."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero"), Path("/dev/null")):
        done = helpers.run("--db", target, *command, timeout=20)
        assert done.returncode == 3, (target, done.stderr)
        assert "not a regular file" in done.stderr
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "home"]


# ------------------------------------------------------------------ plain errors, not crashes


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: doc.__setitem__("state", doc.pop("status")),
        lambda doc: doc.__setitem__("status", "finished"),
    ],
    ids=["key-renamed", "status-finished"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["list", "--json"],
        ["summary"],
        ["show", "4"],
        ["areas"],
        ["add", "x", "--area", "gba", "--year", "2021"],
    ],
)
def test_a_damaged_record_is_exit_3_not_a_crash(db_path, damage, command):
    """10."""
    data = json.loads(db_path.read_text("utf-8"))
    damage(data["projects"]["4"])
    db_path.write_text(json.dumps(data), "utf-8")
    result = invoke("--db", db_path, *command)
    assert result.exit_code == 3, result.stderr
    assert "damaged" in one_error_line(result)


@pytest.mark.parametrize(
    "content", ["[" * 100_000, "[" + "9" * 5000 + "]"], ids=["deeply-nested", "huge-number"]
)
def test_hostile_import_files_are_plain_errors(db_path, tmp_path, content):
    """11."""
    source = tmp_path / "in.json"
    source.write_text(content, "utf-8")
    result = invoke("--db", db_path, "import", source)
    assert result.exit_code == 1
    one_error_line(result)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["done", "⑤"], 1),
        (["done", "²"], 1),
        (["done", "9" * 5000], 1),
        (["--db", "~nosuchuser/x.json", "list"], 3),
        (["--db", "", "add", "x", "--area", "gba", "--year", "2021"], 3),
        (["--db", "x" * 300 + ".json", "add", "x", "--area", "gba", "--year", "2021"], 3),
    ],
    ids=["circled-digit", "superscript", "huge-id", "no-such-user", "empty-db", "long-name"],
)
def test_odd_command_line_values_are_plain_errors(db_path, args, code):
    """12."""
    full = args if args[0] == "--db" else ["--db", str(db_path), *args]
    result = invoke(*full)
    assert result.exit_code == code, result.stderr
    one_error_line(result)


def test_a_symlink_loop_with_init_is_a_plain_error(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(tmp_path / "loop.json")
    result = invoke("--db", loop, "init")
    assert result.exit_code == 3
    one_error_line(result)


def test_output_to_a_full_disk_and_an_unwritable_error_line(db_path):
    """13. No traceback, whichever stream fails."""
    with open("/dev/full", "w") as full:
        done = helpers.run("--db", db_path, "list", "--json", stdout=full)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot write the output")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "ipcoop", "--db", str(db_path), "show", "999"],
            stdout=full,
            stderr=full,
            env=helpers.env(),
            check=False,
            timeout=60,
        )
    assert done.returncode == 1


def test_an_unreadable_backup_is_a_plain_error(db_path):
    bak = store.backup_path(db_path)
    bak.unlink(missing_ok=True)
    bak.mkdir()
    result = invoke("--db", db_path, "check", "--restore", "--yes")
    assert result.exit_code == 3
    one_error_line(result)


def test_a_folder_or_unreadable_database_is_exit_3(tmp_path):
    """14."""
    result = invoke("--db", tmp_path, "list")
    assert result.exit_code == 3
    assert "folder" in one_error_line(result)


def test_an_empty_ipcoop_db_is_refused_not_taken_as_the_default(tmp_path):
    result = invoke("add", "x", "--area", "gba", "--year", "2021", env={"IPCOOP_DB": ""})
    assert result.exit_code == 3
    assert "IPCOOP_DB" in one_error_line(result)
    assert not (tmp_path / "xdg").exists()


# ------------------------------------------------------------------ terminal safety

HOSTILE = "Title \x1b]0;owned\x07 \x85next \u202eevil\x7f end"


@pytest.mark.parametrize("args", [["list", "--format", "csv"], ["list", "--json"], ["export"]])
def test_control_characters_reach_a_terminal_escaped_and_a_pipe_exact(db_path, args):
    """15."""
    assert invoke("--db", db_path, "edit", "11", "--title", HOSTILE).exit_code == 0
    code, screen, _ = helpers.on_terminal("--db", db_path, *args)
    assert code == 0
    for raw in ("\x1b", "\x07", "\x85", "\u202e", "\x7f"):
        assert raw not in screen, (args, repr(raw))
    assert "\\u202e" in screen  # shown as an escape (JSON already escapes C0 as \u001b)
    assert "\\x1b" in screen or "\\u001b" in screen
    piped = helpers.run("--db", db_path, *args)
    assert piped.returncode == 0
    if args[-1] != "csv":
        assert any(p["title"] == HOSTILE for p in json.loads(piped.stdout))
    else:
        assert HOSTILE in piped.stdout


# ------------------------------------------------------------------ a stale id counter


def test_a_stale_id_counter_never_overwrites_a_project(db_path):
    """The case that lost data: a merge kept an old id counter, and add overwrote project 5."""
    data = json.loads(db_path.read_text("utf-8"))
    (copy,) = data["copies"]
    data["copies"][copy]["next"] = 5
    db_path.write_bytes(store.serialise(data))
    store.local_path(db_path).unlink()  # the copy's own memory of its ids is gone too
    checked = invoke("--db", db_path, "check")
    assert checked.exit_code == 1
    assert "id counter" in checked.stdout
    before = invoke("--db", db_path, "list", "--json").json()
    result = invoke("--db", db_path, "add", "new", "--area", "gba", "--year", "2021")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "19\n"
    assert "Warning: the id counter was behind" in result.stderr
    after = invoke("--db", db_path, "list", "--json").json()
    assert after[:-1] == before
    assert invoke("--db", db_path, "undo").exit_code == 0
    assert invoke("--db", db_path, "list", "--json").json() == before
    assert invoke("--db", db_path, "check").exit_code == 0
