"""A shared record is never replaced by a database that does not come from it.

One side's `init --force`, a deleted file that the next command made anew
from the bundled data, or a file copied from another database, followed by
`sync`, used to wipe the shared record on both sides.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.helpers import invoke, one_error_line
from tests.sharing import Copy, converge, git


def titles(copy: Copy) -> set[str]:
    return {p["title"] for p in copy.projects().values()}


def grown(pair: tuple[Copy, Copy]) -> tuple[Copy, Copy]:
    """Both sides with work shared: a programme and projects beyond the bundled ones."""
    hk, gd = pair
    hk.ok("add", "HK's shared project", "--area", "gba", "--year", "2021")
    gd.ok("add", "GD's shared project", "--area", "trading", "--year", "2021")
    converge(hk, gd)
    return hk, gd


def replace_with_another_database(copy: Copy, tmp_path: Path, how: str) -> None:
    if how == "copied":
        other = tmp_path / f"other-{copy.name}.json"
        assert invoke("--db", other, "init").exit_code == 0
        invoke("--db", other, "add", "Someone else's", "--area", "gba", "--year", "2020")
        shutil.copyfile(other, copy.db)
    elif how == "emptied":
        other = tmp_path / f"empty-{copy.name}.json"
        assert invoke("--db", other, "init", "--empty").exit_code == 0
        shutil.copyfile(other, copy.db)
    else:  # what init --force did: the bundled data, the copy's identity kept
        other = tmp_path / f"bundled-{copy.name}.json"
        assert invoke("--db", other, "init").exit_code == 0
        shutil.copyfile(other, copy.db)


@pytest.mark.parametrize("side", ["hk", "gd"])
@pytest.mark.parametrize("how", ["copied", "emptied", "bundled"])
def test_a_database_from_elsewhere_never_replaces_the_shared_one(pair, tmp_path, remote, side, how):
    hk, gd = grown(pair)
    wiper, other = (hk, gd) if side == "hk" else (gd, hk)
    shared = git(remote, "rev-parse", "main").stdout
    replace_with_another_database(wiper, tmp_path, how)
    replaced = wiper.db.read_bytes()
    result = wiper("sync")
    assert result.exit_code == 1, result.stderr
    line = one_error_line(result)
    assert "does not come from the shared record" in line and "nothing was sent" in line
    assert wiper.db.read_bytes() == replaced  # left as it is, for the user to keep
    assert git(remote, "rev-parse", "main").stdout == shared
    other.ok("sync")
    assert {"HK's shared project", "GD's shared project"} <= titles(other)
    # The advice: move it aside, sync puts the shared record back, import the rest.
    aside = wiper.folder / "other.json"
    os.replace(wiper.db, aside)
    back = wiper.ok("sync")
    assert "was missing; it was put back" in back.stderr
    export = wiper.folder / "other.csv"
    assert invoke("--db", aside, "export", "--output", export).exit_code == 0
    import csv

    with export.open(encoding="utf-8-sig", newline="") as sheet:
        reader = csv.DictReader(sheet)
        rows, header = list(reader), list(reader.fieldnames or [])
    known = titles(wiper)
    with export.open("w", encoding="utf-8", newline="") as sheet:  # only its own rows
        writer = csv.DictWriter(sheet, fieldnames=header)
        writer.writeheader()
        writer.writerows(r for r in rows if r["title"] not in known)
    wiper.ok("import", export)
    converge(hk, gd)
    assert {"HK's shared project", "GD's shared project"} <= titles(other)
    if how == "copied":
        assert "Someone else's" in titles(other)
    every = [p["title"] for p in other.projects().values()]
    assert len(every) == len(set(every))  # nothing came in twice


@pytest.mark.parametrize("force", [True, False])
def test_init_in_a_shared_folder_is_refused(pair, force):
    hk, _ = grown(pair)
    before = hk.db.read_bytes()
    result = hk("init", *(["--force"] if force else []))
    assert result.exit_code == 1
    assert "init is refused" in one_error_line(result)
    assert hk.db.read_bytes() == before


def test_a_deleted_shared_database_is_put_back_not_made_anew(pair, tmp_path, remote, monkeypatch):
    """At the default place, a missing database used to be made anew from the bundled data."""
    hk, gd = grown(pair)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-gd2"))
    assert invoke("sync", remote, "--name", "GD laptop").exit_code == 0
    hk.ok("sync")
    hk.ok("copies", "approve", "GD laptop")
    hk.ok("sync")
    assert invoke("sync").exit_code == 0
    default = tmp_path / "xdg-gd2" / "ipcoop" / "ipcoop.json"
    assert invoke("add", "Laptop's project", "--area", "gba", "--year", "2021").exit_code == 0
    assert invoke("sync").exit_code == 0
    default.unlink()  # a plain `git pull` killed between removing and writing it
    for args in (["list"], ["add", "X", "--area", "gba", "--year", "2021"], ["init"]):
        result = invoke(*args)
        assert result.exit_code == 3, (args, result.stderr)
        assert "'ipcoop --db" in one_error_line(result) and "sync' puts back" in result.stderr
        assert not default.exists()
    result = invoke("sync")
    assert result.exit_code == 0, result.stderr
    assert "was missing; it was put back" in result.stderr
    listed = {p["title"] for p in invoke("list", "--json").json()}
    assert {"HK's shared project", "GD's shared project", "Laptop's project"} <= listed
    converge(hk, gd)
    assert "Laptop's project" in titles(hk)


def test_a_lock_a_killed_git_left_long_ago_does_not_block_sync(pair):
    hk, gd = grown(pair)
    lock = hk.folder / ".git" / "HEAD.lock"
    lock.write_text("")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    hk.ok("edit", "12", "--note", "after the kill")
    hk.ok("sync")
    assert not lock.exists()
    gd.ok("sync")
    assert gd.projects()[12]["notes"] == "after the kill"


def test_a_backup_put_back_after_a_sync_is_told_apart_from_a_wipe(pair):
    hk, gd = grown(pair)
    hk.ok("edit", "12", "--note", "hk")
    hk.ok("sync")
    gd.ok("edit", "13", "--note", "gd")
    gd.ok("sync")  # receives hk's note; the .bak is the file before it
    refused = gd("check", "--restore", "--yes")  # older than the shared record
    assert refused.exit_code == 1 and "older than the version" in one_error_line(refused)
    gd.db.write_bytes(gd.db.with_name("ipcoop.json.bak").read_bytes())  # by hand, then
    result = gd("sync")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "an older version of the shared record" in line and "ipcoop undo" in line
    os.replace(gd.db, gd.db.with_name("ipcoop.json.old"))  # the advice
    gd.ok("sync")
    converge(hk, gd)
    assert (gd.projects()[12]["notes"], gd.projects()[13]["notes"]) == ("hk", "gd")


def test_a_plain_git_repository_is_not_taken_for_a_shared_folder(tmp_path):
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    db = folder / "ipcoop.json"
    assert invoke("--db", db, "init").exit_code == 0
    missing = invoke("--db", folder / "other.json", "list")
    assert missing.exit_code == 3 and "create it with" in missing.stderr


def test_a_deleted_shared_file_says_how_to_get_back_unsynced_work(pair):
    hk, gd = pair
    hk.ok("edit", "12", "--note", "first unsynced change")
    hk.ok("edit", "13", "--note", "second unsynced change")
    hk.db.unlink()
    refused = hk("list")
    assert refused.exit_code == 3
    assert "check --restore --yes' the one before its last change" in one_error_line(refused)
    hk.ok("check", "--restore", "--yes")  # the advice, before any sync
    assert hk.projects()[12]["notes"] == "first unsynced change"  # all but the last change
    converge(hk, gd)
    assert gd.projects()[12]["notes"] == "first unsynced change"


def test_the_other_sides_backup_copied_in_is_refused_not_sent(pair, remote):
    """HK's .bak, taken after an add HK then undid, copied over GD's file (which had
    not synced since): it brought the undone add back and stopped HK's syncs."""
    hk, gd = pair
    hk.ok("add", "HK project", "--area", "guidance", "--year", "2020")
    hk.ok("sync")
    hk.ok("undo")
    backup = hk.folder / "ipcoop.json.bak"
    kept = backup.read_bytes()
    hk.ok("sync")
    gd.db.write_bytes(kept)
    tip = git(remote, "rev-parse", "main").stdout
    refused = gd("sync")
    assert refused.exit_code == 1
    line = one_error_line(refused)
    assert "journal entr" in line and "of another copy" in line and ".other" in line
    assert git(remote, "rev-parse", "main").stdout == tip
    hk.ok("sync")  # HK is not blocked
    os.rename(gd.db, gd.db.with_name("ipcoop.json.other"))  # the advice
    gd.ok("sync")
    converge(hk, gd)
    assert "HK project" not in titles(gd) and "HK project" not in titles(hk)


def test_a_backup_older_than_the_last_sync_is_not_put_back(pair):
    """check --restore after a sync set the copy behind the shared record, and the next
    command reused a journal entry already shared: the copy was stuck for good."""
    hk, gd = pair
    gd.ok("edit", "13", "--note", "from Guangdong")
    gd.ok("sync")
    hk.ok("note", "12", "mediation list agreed")
    hk.ok("sync")  # takes GD's change in: the backup is the file before it
    before = hk.db.read_bytes()
    refused = hk("check", "--restore", "--yes")
    assert refused.exit_code == 1
    assert "older than the version this copy last synced" in one_error_line(refused)
    assert hk.db.read_bytes() == before


def test_an_older_file_with_a_command_made_on_it_is_refused_then_recovered(pair, tmp_path):
    """The backup copied back by hand, then one command: its journal entry reused a key
    already shared. Refused, nothing sent; the advice takes the shared record again."""
    hk, gd = pair
    hk.ok("note", "12", "mediation list agreed")
    old = hk.db.read_bytes()  # before the note... as a backup would hold it
    hk.ok("edit", "14", "--note", "shared next")
    hk.ok("sync")
    hk.db.write_bytes(old)
    hk.ok("done", "11", "--on", "2020-06-30")
    refused = hk("sync")
    assert refused.exit_code == 1
    line = one_error_line(refused)
    assert "older version" in line and ".old" in line, line
    os.rename(hk.db, hk.db.with_name("ipcoop.json.old"))  # the advice
    hk.ok("sync")
    hk.ok("done", "11", "--on", "2020-06-30")
    converge(hk, gd)
    projects = gd.projects()
    assert projects[14]["notes"] == "shared next" and projects[11]["status"] == "done"
