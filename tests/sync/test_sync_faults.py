"""Sharing around the happy path: two syncs at once, a copy's own files, hostile remotes.

Each test here was a way to lose a change or hand an id out twice: a remote
that ships files ipcoop never shares, symbolic links, records no command
would write, a branch rewound in time, a remote that never answers.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipcoop.store.lock import locked
from tests import helpers
from tests.helpers import invoke, one_error_line
from tests.sharing import Copy, converge, files_of, git, intruder, push


def local_of(copy: Copy) -> Path:
    return copy.db.with_name(copy.db.name + ".local")


# ---------------------------------------------------------------- one sync at a time


def test_a_second_sync_of_one_copy_says_another_is_running(pair):
    hk, _ = pair
    hk.ok("edit", "12", "--note", "waiting to be shared")
    before = files_of(hk)
    target = hk.db.with_name(f".{hk.db.name}.sync.lock")
    fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a sync running in another terminal holds it
        result = hk("sync")
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert "another 'ipcoop sync' of this database is running" in one_error_line(result)
    assert files_of(hk) == before
    assert "Sent 1 change(s)" in hk.ok("sync").stderr  # once the other one is done


def test_sync_changes_this_copys_state_only_under_the_lock(pair):
    """Its start wrote `.local` without the lock, dropping a concurrent command's write."""
    hk, _ = pair
    hk.ok("add", "Offline work", "--area", "gba", "--year", "2021")
    before = files_of(hk)
    with locked(hk.db):
        result = hk("sync")
    assert result.exit_code == 3
    assert "locked by another ipcoop command" in one_error_line(result)
    assert files_of(hk) == before


# ---------------------------------------------------------------- the copy's own state


@pytest.mark.parametrize(
    "content",
    [
        b'{"copy": "abcd1234", "high": "abc"}',
        b'{"copy": "abcd1234", "high": null}',
        b'{"copy": "abcd1234", "high": [1]}',
        b'{"copy": "abcd1234", "pending": "x"}',
        b'{"copy": "abcd1234", "pending": [[1, "x"]]}',
        b'{"copy": 7}',
        b"[1, 2]",
        b"",
        b'{"copy": "abcd1234", "na',
    ],
)
def test_a_damaged_local_state_is_refused_not_replaced(db_path, content):
    local = db_path.with_name(db_path.name + ".local")
    local.write_bytes(content)
    before = db_path.read_bytes()
    for args in (["add", "New", "--area", "gba", "--year", "2020"], ["done", "12"]):
        result = invoke("--db", db_path, *args)
        assert result.exit_code == 3, (content, args, result.stderr)
        line = one_error_line(result)
        assert "db.json.local" in line and "damaged" in line
    assert db_path.read_bytes() == before
    assert local.read_bytes() == content


def test_the_local_state_is_synced_to_disk_when_it_changes(db_path, monkeypatch):
    """A power cut must not leave it empty: it is written, synced, then renamed."""
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    local = db_path.with_name(db_path.name + ".local")
    before = json.loads(local.read_bytes())
    result = invoke("--db", db_path, "add", "Seminar", "--area", "gba", "--year", "2020")
    assert result.exit_code == 0, result.stderr
    after = json.loads(local.read_bytes())
    assert after["high"] == before["high"] + 1
    assert any(Path(p).name.startswith(f".{local.name}.") for p in synced), synced


# ---------------------------------------------------------------- what a remote may hold


def test_a_plain_pull_cannot_replace_own_files_nor_plant_a_link(pair, tmp_path, remote):
    hk, gd = pair
    gd.ok("list")  # the cache is written
    own = {name: gd.folder.joinpath(name).read_bytes() for name in ("ipcoop.json.local",)}
    cache = gd.db.with_name("ipcoop.json.cache")
    cached = cache.read_bytes()
    outside = tmp_path / "outside.json"
    original = gd.db.read_bytes()
    outside.write_bytes(original)
    evil = intruder(tmp_path, remote, signing=pair[0])
    (evil / "ipcoop.json.local").write_text(local_of(hk).read_text())
    (evil / "ipcoop.json.cache").write_text('{"version": 2, "stats": {}}')
    (evil / "ipcoop.json").unlink()
    (evil / "ipcoop.json").symlink_to(outside)
    push(evil)
    git(gd.folder, "pull", "-q", "--no-rebase", check=False)
    for name, data in own.items():
        assert gd.folder.joinpath(name).read_bytes() == data, name
    assert cache.read_bytes() == cached
    assert not gd.db.is_symlink()
    gd("add", "Written where?", "--area", "gba", "--year", "2020")
    assert outside.read_bytes() == original  # never written through a link


@pytest.mark.parametrize("extra", ["file", "link"])
def test_a_remote_holding_other_files_is_refused(pair, tmp_path, remote, extra):
    _, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    if extra == "file":
        (evil / "ipcoop.json.local").write_text('{"copy": "stolen"}')
    else:
        (evil / "ipcoop.json").unlink()
        (evil / "ipcoop.json").symlink_to("/etc/passwd")
    push(evil)
    gd.ok("edit", "12", "--note", "GD's unshared note")
    before = files_of(gd)
    result = gd("sync")
    assert result.exit_code == 1
    assert "which ipcoop never shares" in one_error_line(result)
    assert files_of(gd) == before


def _edit_remote_record(evil: Path, change) -> None:
    data = json.loads((evil / "ipcoop.json").read_text())
    change(data)
    lines = json.dumps(data, ensure_ascii=False, indent=1)
    (evil / "ipcoop.json").write_text(lines)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["projects"]["12"].update(status="finished"),
        lambda d: d["projects"]["12"].update(agencies=["NOSUCH"]),
        lambda d: d["projects"]["12"].update(title="x" * 5000),
        lambda d: d["projects"]["12"].update(notes="n" * 20_000),
        lambda d: d["projects"].update(abc=d["projects"]["12"]),
    ],
    ids=["status", "agency", "title", "notes", "id"],
)
def test_a_remote_record_no_command_would_write_is_refused(pair, tmp_path, remote, change):
    _, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    _edit_remote_record(evil, change)
    push(evil)
    pushed = git(remote, "rev-parse", "main").stdout
    before = files_of(gd)
    result = gd("sync")
    assert result.exit_code == 1, result.stderr
    assert "holds a record this copy refuses" in one_error_line(result)
    assert files_of(gd) == before
    assert gd.ok("list").exit_code == 0
    assert git(remote, "rev-parse", "main").stdout == pushed  # nothing pushed on


def test_a_remote_that_never_answers_is_given_up(pair, remote):
    hk, _ = pair
    packed = remote / "packed-refs"
    packed.unlink(missing_ok=True)
    os.mkfifo(packed)
    before = files_of(hk)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ipcoop", "--db", str(hk.db), "sync"],
        capture_output=True,
        text=True,
        env=helpers.env(IPCOOP_GIT_TIMEOUT="2"),
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 1, done.stderr
    assert "did not finish within 2 s" in done.stderr and "nothing is lost" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert files_of(hk) == before


def test_a_remote_rewound_in_time_is_refused(pair, tmp_path, remote):
    """B leases and pushes; the branch is put back; nothing may follow it silently."""
    hk, gd = pair
    old = git(remote, "rev-parse", "main").stdout.strip()
    hk.ok("add", "HK's project", "--area", "gba", "--year", "2021")
    hk.ok("sync")
    gd.ok("sync")
    git(remote, "update-ref", "refs/heads/main", old)  # a restored backup
    gd.ok("edit", "12", "--note", "GD's work")
    before = files_of(gd)
    result = gd("sync")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "was rewound" in line and "sync --put-back" in line
    assert files_of(gd) == before
    assert gd("sync").exit_code == 1  # still refused: it is remembered
    gd.ok("sync", "--put-back")  # the advice
    converge(hk, gd)
    assert "HK's project" in {p["title"] for p in gd.projects().values()}
    assert gd.projects()[12]["notes"] == "GD's work"


def test_a_rewound_remote_pushed_to_since_is_put_back_merged(pair, tmp_path, remote):
    """A backup restored after HK pushed; GD, which had not fetched HK's push, pushes
    on top of the backup. HK is refused until it puts its history back: merged with
    GD's, nothing lost, no id given twice."""
    hk, gd = pair
    old = git(remote, "rev-parse", "main").stdout.strip()
    hk.ok("add", "Only HK had it", "--area", "gba", "--year", "2021")
    hk.ok("sync")
    git(remote, "update-ref", "refs/heads/main", old)  # a restored backup
    gd.ok("add", "Pushed since", "--area", "gba", "--year", "2021")
    gd.ok("sync")  # GD never saw HK's push: the remote moves forward for it
    refused = hk("sync")
    assert refused.exit_code == 1 and "--put-back" in one_error_line(refused)
    hk.ok("sync", "--put-back")
    converge(hk, gd)
    titles = [p["title"] for p in gd.projects().values()]
    assert "Only HK had it" in titles and "Pushed since" in titles
    assert len(gd.projects()) == len(set(gd.projects()))
    for copy in (hk, gd):
        assert copy.ok("verify", "--json").json()["ok"]


def test_git_writes_durably(pair, tmp_path):
    if shutil.which("strace") is None:
        pytest.fail("strace is needed: apt-get install strace")
    hk, _ = pair
    hk.ok("add", "To be shared", "--area", "gba", "--year", "2021")
    trace = tmp_path / "trace"
    done = subprocess.run(
        [
            *("strace", "-f", "-qq", "-y", "-o", str(trace), "-e", "trace=fsync,fdatasync"),
            *(sys.executable, "-m", "ipcoop", "--db", str(hk.db), "sync"),
        ],
        capture_output=True,
        env=helpers.env(),
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    calls = trace.read_text()
    assert "/hk/.git/objects/" in calls  # this copy's commits
    assert "/remote.git/objects/" in calls  # what the remote receives
    for setting in ("core.fsync", "core.fsyncmethod"):
        assert git(hk.folder, "config", setting).stdout.strip()


# ---------------------------------------------------------------- joining and naming


def test_a_first_time_user_joins_from_nothing(pair, tmp_path, remote, monkeypatch):
    """No data folder yet (XDG_DATA_HOME does not exist): sync makes it."""
    data_home = tmp_path / "fresh-xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    hk, _ = pair
    result = invoke("sync", remote, "--name", "GD")
    assert result.exit_code == 0, result.stderr
    assert "Fetched the shared database" in result.stderr
    assert invoke("list", "--json").stdout == hk.ok("list", "--json").stdout


def test_a_database_name_with_a_space_keeps_its_merge_driver(tmp_path, remote):
    folder = tmp_path / "hk"
    folder.mkdir()
    db = folder / "ipcoop data [hk].json"
    assert invoke("--db", db, "init").exit_code == 0
    shared = invoke("--db", db, "sync", remote, "--name", "HK")
    assert shared.exit_code == 0, shared.stderr
    attr = git(folder, "check-attr", "merge", "--", db.name).stdout
    assert attr.strip().endswith("merge: ipcoop"), attr
    ignored = git(folder, "check-ignore", "--", f"{db.name}.local").stdout
    assert ignored.strip() == f"{db.name}.local"


def test_a_lock_made_by_root_belongs_to_the_owner(db_path):
    if os.geteuid() != 0:
        pytest.fail("this test needs root (CI runs as root)")
    owner = 4321
    os.chown(db_path.parent, owner, owner)
    os.chown(db_path, owner, owner)
    lock = db_path.with_name(db_path.name + ".lock")
    lock.unlink(missing_ok=True)
    assert invoke("--db", db_path, "done", "12").exit_code == 0
    assert (lock.stat().st_uid, lock.stat().st_gid) == (owner, owner)


# ---------------------------------------------------------------- smaller things


@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_import_of_something_that_is_not_a_file_is_refused_at_once(db_path, tmp_path, target):
    if target == "fifo":
        target = str(tmp_path / "sheet.csv")
        os.mkfifo(target)
    before = db_path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "ipcoop", "--db", str(db_path), "import", target],
        capture_output=True,
        text=True,
        env=helpers.env(),
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    # The line ends with the message's code, the same in every language.
    assert re.fullmatch(
        re.escape(f"Error: {target} is not a regular file (a device, FIFO or socket)")
        + r" \[E\d{3}\]\n",
        done.stderr,
    ), done.stderr
    assert db_path.read_bytes() == before


def test_a_damaged_remote_gets_no_local_recovery_advice(pair, tmp_path, remote):
    _, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    (evil / "ipcoop.json").write_text('{"_meta": {"1": {"schema": 5}}, "projects": ')
    push(evil)
    result = gd("sync")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "the database on" in line and "init" not in line and "--restore" not in line


def test_a_merged_area_gains_no_title_forms(pair):
    hk, gd = pair
    hk.ok("areas", "edit", "guidance", "--name", "Guidance on IP for enterprises")
    gd.ok("areas", "edit", "guidance", "--zh-hk", "企業知識產權指導")
    converge(hk, gd)
    stored = json.loads(hk.db.read_text("utf-8"))["areas"]["guidance"]
    assert "titles" not in stored
    assert stored["name"] == "Guidance on IP for enterprises"
    assert stored["names"]["zh-hk"] == "企業知識產權指導"
    assert hk.ok("check").exit_code == 0


def test_a_change_dated_far_ahead_is_reported(pair, monkeypatch):
    from ipcoop.base import models

    hk, gd = pair
    monkeypatch.setattr(models, "precise_stamp", lambda: "2036-12-05T10:00:00.000000Z")
    gd.ok("edit", "12", "--note", "from a machine ten years ahead")
    monkeypatch.undo()
    gd.ok("sync")
    received = hk.ok("sync")
    assert "Warning: a change received from GDAMR, dated 2036-12-05" in received.stderr
    assert "check the clocks" in received.stderr
    assert "Warning" not in hk.ok("sync").stderr  # said once, when it came in


def test_objects_a_power_cut_left_empty_are_mended(pair):
    """What git wrote without fsync, a power cut leaves as empty files; every later
    git command failed on them ("object file ... is empty")."""
    hk, gd = pair
    objects = hk.folder / ".git" / "objects"
    before = set(objects.glob("??/*"))
    hk.ok("add", "Before the power cut", "--area", "gba", "--year", "2021")
    gd.ok("edit", "13", "--note", "GD meanwhile")
    gd.ok("sync")
    hk.ok("sync")
    written = [p for p in objects.glob("??/*") if p not in before]
    assert written
    for path in written:  # the power cut: their data never reached the disk
        path.chmod(0o644)
        path.write_bytes(b"")
    hk.ok("edit", "12", "--note", "After the power cut")
    synced = hk("sync")
    assert synced.exit_code == 0, synced.stderr
    converge(hk, gd)
    projects = gd.projects()
    assert "Before the power cut" in {p["title"] for p in projects.values()}
    assert (projects[12]["notes"], projects[13]["notes"]) == ("After the power cut", "GD meanwhile")
    assert hk.ok("check").exit_code == 0


def test_a_copy_never_sends_a_record_the_others_would_refuse(pair, remote):
    hk, gd = pair
    data = json.loads(hk.db.read_text("utf-8"))
    data["projects"]["12"]["carried_to"] = 13  # carried_to on a planned project
    hk.db.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    pushed = git(remote, "rev-parse", "main").stdout
    refused = hk("sync")
    assert refused.exit_code == 1
    line = one_error_line(refused)
    assert "every other copy would refuse" in line and "Nothing was sent" in line, line
    assert git(remote, "rev-parse", "main").stdout == pushed
    assert gd.ok("sync").exit_code == 0  # the other side goes on


def test_a_symlinked_database_is_not_shared_from_its_targets_folder(tmp_path, remote):
    """The link's target sat in the home folder: sharing made the home a repository."""
    home = tmp_path / "home-like"
    home.mkdir()
    real = home / "real.json"
    assert invoke("--db", real, "init").exit_code == 0
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ipcoop.json").symlink_to(real)
    result = invoke("--db", folder / "ipcoop.json", "sync", remote, "--name", "GD")
    assert result.exit_code == 3
    assert "symbolic link" in one_error_line(result)
    assert not (home / ".git").exists() and not (folder / ".git").exists()


def test_a_backup_that_lost_a_lease_is_survived_as_the_refusal_says(pair, tmp_path, remote):
    """HK leased ids 219-318 and pushed; the remote was put back from a backup, and GD
    was granted the same block. HK is refused (no id may be given twice); the advice
    (a sheet, a fresh join, an import) brings all of HK's work across, with new ids."""
    hk, gd = pair
    backup = tmp_path / "backup.git"
    shutil.copytree(remote, backup)

    def rows(copy: Copy, label: str, count: int) -> None:
        sheet = tmp_path / f"{label}.csv"
        lines = [f"{label} {n},gba,2021" for n in range(count)]
        sheet.write_text("title,area,year\n" + "\n".join(lines) + "\n", "utf-8")
        copy.ok("import", sheet)

    rows(hk, "HK seminar", 70)
    hk.ok("sync")  # leases the next block
    rows(hk, "HK later", 60)  # ids from the new block
    shutil.rmtree(remote)
    shutil.copytree(backup, remote)  # the backup put back
    rows(gd, "GD workshop", 70)
    gd.ok("sync")  # granted the block HK had
    rows(gd, "GD later", 60)
    overlap = {p["id"] for p in hk.projects().values() if p["title"].startswith("HK later")}
    assert overlap & set(gd.projects())  # the same ids went to two copies
    refused = hk("sync", "--put-back")
    assert refused.exit_code == 1
    line = one_error_line(refused)
    assert "the same ids went to two copies" in line and "import mine.json" in line
    sheet = tmp_path / "mine.json"
    hk.ok("export", "--output", sheet)
    shutil.move(hk.folder, tmp_path / "hk-aside")
    hk.folder.mkdir()
    hk.ok("sync", remote, "--name", "HK IPD (new)")
    gd.ok("sync")
    gd.ok("copies", "approve", "HK IPD (new)")
    gd.ok("sync")
    hk.ok("sync")
    assert "run 'ipcoop sync' to lease more" in hk("import", sheet).stderr  # 130 new ids
    hk.ok("sync")
    hk.ok("import", sheet)
    converge(hk, gd)
    titles = [p["title"] for p in gd.projects().values()]
    for label, count in (("HK seminar", 70), ("HK later", 60), ("GD workshop", 70)):
        assert sum(t.startswith(label) for t in titles) == count, label
