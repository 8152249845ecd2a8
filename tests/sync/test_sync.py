"""Two or three copies and a bare remote, used as two officials would.

git runs with an empty global config and no system config: as on a machine
where git was never configured (no user.name, no pull settings).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipcoop.sync.repo import Repo
from tests.helpers import one_error_line
from tests.sharing import Copy, converge, git, join


def test_a_fast_forward(pair):
    hk, gd = pair
    assert hk.ok("add", "From HK", "--area", "gba", "--year", "2021").stdout == "19\n"
    hk.ok("sync")
    received = gd.ok("sync")
    assert "received 1" in received.stderr
    assert gd.projects()[19]["title"] == "From HK"
    converge(hk, gd)


def test_both_sides_editing_adjacent_projects(pair):
    hk, gd = pair
    hk.ok("edit", "12", "--title", "Dispute settlement (HK)")
    gd.ok("edit", "13", "--note", "Contest held in Guangzhou")
    gd.ok("done", "11", "--on", "2020-11-30")
    hk.ok("edit", "11", "--note", "Trading platform launched")
    converge(hk, gd)
    projects = hk.projects()
    assert projects[12]["title"] == "Dispute settlement (HK)"
    assert projects[13]["notes"] == "Contest held in Guangzhou"
    assert (projects[11]["status"], projects[11]["notes"]) == ("done", "Trading platform launched")
    assert hk.ok("conflicts", "--json").json() == []


def test_both_adding_thirty_projects_offline(pair):
    hk, gd = pair
    printed = {}
    for i in range(30):
        for copy in (hk, gd):
            title = f"{copy.name} project {i}"
            printed[title] = int(
                copy.ok("add", title, "--area", "trading", "--year", "2021").stdout
            )
    assert len(set(printed.values())) == 60  # distinct ids, handed out offline
    converge(hk, gd)
    stored = {p["title"]: p["id"] for p in hk.projects().values()}
    for title, pid in printed.items():
        assert stored[title] == pid  # none renumbered


def test_the_same_field_changed_on_both_sides_is_kept_as_a_conflict(pair):
    hk, gd = pair
    hk.ok("edit", "15", "--title", "Exchange on trademarks (HK wording)")
    gd.ok("edit", "15", "--title", "Exchange on trademarks (GD wording)")
    converge(hk, gd)
    listed = hk.ok("conflicts", "--json").json()
    assert listed == gd.ok("conflicts", "--json").json()
    (conflict,) = listed
    assert conflict["id"] == 15 and conflict["field"] == "title"
    assert {v["value"] for v in conflict["values"]} == {
        "Exchange on trademarks (HK wording)",
        "Exchange on trademarks (GD wording)",
    }
    assert {v["by"] for v in conflict["values"]} == {"HK IPD", "GDAMR"}
    assert conflict["shown"] == hk.projects()[15]["title"]
    gd.ok("edit", "15", "--title", "Exchange activities on trademarks")  # settles it
    converge(hk, gd)
    assert hk.ok("conflicts", "--json").json() == []
    assert hk.projects()[15]["title"] == "Exchange activities on trademarks"


def test_an_edit_beats_a_removal(pair):
    hk, gd = pair
    hk.ok("remove", "16", "--yes")
    gd.ok("edit", "16", "--note", "Still planned for the autumn")
    converge(hk, gd)
    assert hk.projects()[16]["notes"] == "Still planned for the autumn"
    (conflict,) = hk.ok("conflicts", "--json").json()
    assert conflict["field"] == "removed" and conflict["id"] == 16


def test_a_refused_push_is_merged_and_retried(pair, monkeypatch):
    hk, gd = pair
    hk.ok("edit", "17", "--note", "HK")
    gd.ok("edit", "18", "--note", "GD")
    hk.ok("sync")
    # gd's first fetch sees nothing new, as if hk had pushed a moment later.
    calls = {"fetch": 0, "push": []}
    real_fetch, real_push = Repo.fetch, Repo.push

    def late_fetch(self):
        calls["fetch"] += 1
        if calls["fetch"] > 1:
            real_fetch(self)

    def counted_push(self, rev):
        calls["push"].append(real_push(self, rev))
        return calls["push"][-1]

    monkeypatch.setattr(Repo, "fetch", late_fetch)
    monkeypatch.setattr(Repo, "push", counted_push)
    told = gd.ok("sync").stderr
    monkeypatch.undo()
    assert calls["push"] == [False, True]
    # Counted once, by project, though the push was tried twice.
    assert "Sent 1 change(s), received 1.\n  Projects sent 18; received 17.\n" in told
    converge(hk, gd)
    assert (hk.projects()[17]["notes"], hk.projects()[18]["notes"]) == ("HK", "GD")


def test_three_copies(pair, tmp_path, remote):
    hk, gd = pair
    third = Copy(tmp_path, "customs")
    join(third, remote, hk, "GDCUS")
    ids = [
        int(c.ok("add", f"by {c.name}", "--area", "protection", "--year", "2021").stdout)
        for c in (hk, gd, third)
    ]
    assert len(set(ids)) == 3
    third.ok("done", "17", "--on", "2020-10-01")
    hk.ok("drop", "18", "--reason", "merged into 17")
    converge(hk, gd, third)
    projects = third.projects()
    assert projects[17]["status"] == "done" and projects[18]["status"] == "dropped"
    assert {projects[i]["title"] for i in ids} == {"by hk", "by gd", "by customs"}


def test_log_shows_both_sides_and_undo_refuses_what_the_other_side_changed(pair):
    hk, gd = pair
    hk.ok("edit", "14", "--note", "first")
    hk.ok("sync")
    gd.ok("sync")
    gd.ok("edit", "14", "--note", "second")
    gd.ok("sync")
    hk.ok("sync")
    log = hk.ok("log", "14", "--json").json()
    assert [e["by"] for e in log[:2]] == ["GDAMR", "HK IPD"]
    refused = hk("undo")
    assert refused.exit_code == 1
    assert "changed since" in one_error_line(refused)
    assert hk.projects()[14]["notes"] == "second"


def test_a_plain_git_pull_merges_through_the_driver(pair):
    hk, gd = pair
    hk.ok("edit", "11", "--note", "HK side")
    hk.ok("sync")
    gd.ok("edit", "12", "--note", "GD side")
    git(gd.folder, "commit", "-q", "-am", "by hand")
    pulled = git(gd.folder, "pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    projects = gd.projects()  # a sound file, merged record by record
    assert (projects[11]["notes"], projects[12]["notes"]) == ("HK side", "GD side")
    converge(hk, gd)


def test_a_fresh_clone_pulled_with_plain_git_is_repaired_by_sync(pair, tmp_path, remote):
    hk, gd = pair
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    copy = Copy.__new__(Copy)
    copy.name, copy.folder, copy.db = "clone", clone, clone / "ipcoop.json"
    copy.ok("edit", "13", "--title", "Contest 2020 (clone)")
    git(clone, "commit", "-q", "-am", "by hand")
    hk.ok("edit", "13", "--note", "HK note")
    hk.ok("edit", "12", "--title", "Arbitration and mediation")
    hk.ok("sync")
    git(clone, "pull", "-q", "--no-rebase", "--no-edit", check=False)  # no driver here
    before = copy.db.read_bytes()
    assert b"<<<<<<<" in before  # both changed project 13's line: git's text merge gave up
    refused = copy("list")
    assert refused.exit_code == 3
    assert "ipcoop sync" in one_error_line(refused)
    assert copy.db.read_bytes() == before
    copy.ok("sync", "--name", "clone")
    projects = copy.projects()
    assert projects[13]["title"] == "Contest 2020 (clone)"
    assert projects[13]["notes"] == "HK note"
    assert projects[12]["title"] == "Arbitration and mediation"
    hk.ok("sync")  # a clone is a new copy: its changes count once its key is approved
    hk.ok("copies", "approve", "clone")
    hk.ok("sync")
    copy.ok("sync")
    converge(hk, gd, copy)


def test_a_remote_that_cannot_be_reached_loses_nothing(pair, remote):
    hk, _ = pair
    hk.ok("add", "Offline work", "--area", "gba", "--year", "2021")
    before = hk.projects()
    remote.rename(remote.with_name("moved.git"))
    result = hk("sync")
    assert result.exit_code == 1
    assert "cannot fetch" in one_error_line(result)
    assert hk.projects() == before
    remote.with_name("moved.git").rename(remote)
    hk.ok("sync")


def test_a_newer_schema_from_the_remote_is_refused(pair, tmp_path, remote):
    _, gd = pair
    clone = tmp_path / "newer"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    data = json.loads((clone / "ipcoop.json").read_text())
    data["_meta"]["1"]["schema"] = 99
    (clone / "ipcoop.json").write_text(json.dumps(data))
    key = pair[0].folder / "ipcoop.json.local.key"  # a newer ipcoop of a trusted copy
    signed = ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}")
    git(clone, *signed, "commit", "-S", "-q", "-am", "from the future")
    git(clone, "push", "-q", "origin", "main")
    gd.ok("edit", "11", "--note", "local")
    before = gd.db.read_bytes()
    result = gd("sync")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "newer ipcoop" in line
    assert line.count("changed") == 1, line  # "nothing ... was changed" said once
    assert gd.db.read_bytes() == before


@pytest.mark.parametrize(
    "case",
    ["not-a-repository", "unreachable", "not-ipcoop", "inside-another-repository", "unrelated"],
)
def test_bad_remotes_are_one_line_exit_1_and_change_nothing(tmp_path, remote, case):
    copy = Copy(tmp_path, "here")
    copy.ok("init")
    target: Path | str = remote
    if case == "not-a-repository":
        target = tmp_path / "plain-folder"
        target.mkdir()
    elif case == "unreachable":
        target = tmp_path / "nowhere.git"
    elif case == "not-ipcoop":
        other = tmp_path / "other"
        other.mkdir()
        git(tmp_path, "init", "-q", "-b", "main", str(other))
        (other / "README").write_text("hello")
        git(other, "add", "README")
        git(other, "commit", "-q", "-m", "x")
        target = other
    elif case == "inside-another-repository":
        git(tmp_path, "init", "-q", str(tmp_path))
    elif case == "unrelated":
        theirs = Copy(tmp_path, "theirs")
        theirs.ok("init")
        theirs.ok("sync", remote)
        copy.ok("edit", "11", "--note", "made here")  # a database with changes of its own
    before = copy.db.read_bytes()
    result = copy("sync", target)
    assert result.exit_code == 1, result.stderr
    line = one_error_line(result)
    if case == "unrelated":
        assert "--db OLD log" in line
    assert copy.db.read_bytes() == before


def test_joining_with_a_damaged_database_says_to_move_it_aside(tmp_path, remote):
    hk, gd = Copy(tmp_path, "hk"), Copy(tmp_path, "gd")
    hk.ok("init")
    hk.ok("sync", remote, "--name", "HK IPD")
    gd.db.write_bytes(b"\xff\xfe not a database")
    refused = gd("sync", remote, "--name", "GDAMR")
    assert refused.exit_code == 1
    assert "cannot be read" in one_error_line(refused) and ".damaged" in one_error_line(refused)
    assert gd.db.read_bytes() == b"\xff\xfe not a database"


def test_joining_replaces_a_database_that_holds_no_change_keeping_it_aside(tmp_path, remote):
    """The README's first command made the bundled programme here; joining fetches the
    shared one in its place (the old file kept all the same)."""
    hk, gd = Copy(tmp_path, "hk"), Copy(tmp_path, "gd")
    hk.ok("init")
    hk.ok("edit", "12", "--note", "shared by HK")
    hk.ok("sync", remote, "--name", "HK IPD")
    gd.ok("init")
    untouched = gd.db.read_bytes()
    joined = gd.ok("sync", remote, "--name", "GDAMR").stderr
    assert "Fetched the shared database" in joined
    assert "kept as ipcoop.json.before-joining" in joined
    assert (gd.folder / "ipcoop.json.before-joining").read_bytes() == untouched
    assert gd.projects()[12]["notes"] == "shared by HK"
    for step in (("sync",), ("copies", "approve", "GDAMR"), ("sync",)):
        hk.ok(*step)
    gd.ok("sync")
    added = gd.ok("add", "GD's first", "--area", "gba", "--year", "2021")  # not a warning
    assert "Warning" not in added.stderr and "behind" not in added.stderr


def test_a_spreadsheet_exported_on_one_side_updates_the_other_not_copies(pair, tmp_path):
    hk, gd = pair
    sheet = tmp_path / "from-hk.csv"
    hk.ok("edit", "12", "--note", "edited in HK's sheet")
    hk.ok("export", "--format", "csv", "--output", sheet)
    gd.ok("add", "Only in GD", "--area", "gba", "--year", "2021")
    before = gd.projects()
    result = gd.ok("import", sheet)
    assert "added 0" in result.stderr and "updated 1" in result.stderr
    after = gd.projects()
    assert len(after) == len(before)
    assert after[12]["notes"] == "edited in HK's sheet"


def test_keeping_a_project_settles_its_removal_conflict(pair):
    hk, gd = pair
    hk.ok("remove", "16", "--yes")
    gd.ok("edit", "16", "--note", "Still planned")
    converge(hk, gd)
    assert [c["field"] for c in hk.ok("conflicts", "--json").json()] == ["removed"]
    hk.ok("start", "16")  # acting on the project keeps it
    converge(hk, gd)
    assert gd.ok("conflicts", "--json").json() == []
    assert "settled the conflict on removed" in gd.ok("log", "16").stdout


def test_a_sync_with_nothing_to_do_does_not_compare_the_file_with_git(pair, monkeypatch):
    """The kept fingerprint of what was committed vouches for the file: no git call
    reads it back (the state gained a field and the check stopped matching)."""
    from ipcoop.sync.repo import Repo

    hk, _ = pair
    hk.ok("sync")

    def never(*args: object) -> bool:
        raise AssertionError("the file was compared with git's copy")

    monkeypatch.setattr(Repo, "holds", never)
    hk.ok("sync")
