"""Changes that used to vanish in a sync without a conflict, as officials made them."""

from __future__ import annotations

from tests.test_sync import Copy, bare_git, converge, pair, remote  # noqa: F401 - fixtures


def test_a_change_taken_back_is_not_lost_to_a_sheet_of_the_old_value(pair, tmp_path):  # noqa: F811
    hk, gd = pair
    original = hk.projects()[12]["notes"]
    hk.ok("edit", "12", "--note", "Mediation scheme launched")
    hk.ok("sync")
    sheet = tmp_path / "for-gd.csv"
    hk.ok("export", "--output", sheet)  # sent to Guangdong by e-mail
    hk.ok("edit", "12", "--note", original)  # taken back
    hk.ok("sync")
    gd.ok("import", sheet)  # gd, offline since the start, takes the sheet in
    converge(hk, gd)
    listed = hk.ok("conflicts", "--json").json()
    assert [(c["id"], c["field"]) for c in listed] == [(12, "notes")]
    assert {v["value"] for v in listed[0]["values"]} == {original, "Mediation scheme launched"}
    assert listed[0]["shown"] == hk.projects()[12]["notes"]


def test_an_edit_beats_a_removal_without_undoing_a_rename(pair, tmp_path, remote):  # noqa: F811
    hk, gd = pair
    third = Copy(tmp_path, "customs")
    third.ok("sync", remote, "--name", "GDCUS")
    gd.ok("edit", "16", "--title", "Exchange on copyright and related rights")
    gd.ok("sync")
    hk.ok("sync")
    hk.ok("remove", "16", "--yes")
    hk.ok("sync")
    third.ok("edit", "16", "--note", "Customs seminar added")  # offline since joining
    converge(hk, gd, third)
    project = third.projects()[16]
    assert project["title"] == "Exchange on copyright and related rights"
    assert project["notes"] == "Customs seminar added"
    assert [c["field"] for c in third.ok("conflicts", "--json").json()] == ["removed"]


def test_sync_says_which_projects_went_and_came_and_counts_an_undo(pair):  # noqa: F811
    hk, gd = pair
    hk.ok("edit", "12", "--note", "a slip")
    hk.ok("sync")
    assert "Projects received 12." in gd.ok("sync").stderr
    hk.ok("undo")  # the slip taken back: a change the other side must get
    told = hk.ok("sync").stderr
    assert "Sent 1 change(s), received 0.\n  Projects sent 12.\n" in told
    told = gd.ok("sync").stderr
    assert "Sent 0 change(s), received 1.\n  Projects received 12.\n" in told
