"""Changes that used to vanish in a sync without a conflict, as officials made them."""

from __future__ import annotations

import json
import time

import pytest

from tests.helpers import one_error_line
from tests.sharing import Copy, converge, join


def test_a_change_taken_back_is_not_lost_to_a_sheet_of_the_old_value(pair, tmp_path):
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


def test_an_edit_beats_a_removal_without_undoing_a_rename(pair, tmp_path, remote):
    hk, gd = pair
    third = Copy(tmp_path, "customs")
    join(third, remote, hk, "GDCUS")
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


def test_sync_says_which_projects_went_and_came_and_counts_an_undo(pair):
    hk, gd = pair
    hk.ok("edit", "12", "--note", "a slip")
    hk.ok("sync")
    assert "Projects received 12." in gd.ok("sync").stderr
    hk.ok("undo")  # the slip taken back: a change the other side must get
    told = hk.ok("sync").stderr
    assert "Sent 1 change(s), received 0.\n  Projects sent 12.\n" in told
    told = gd.ok("sync").stderr
    assert "Sent 0 change(s), received 1.\n  Projects received 12.\n" in told


def test_a_sheet_bigger_than_the_ids_held_is_fixed_by_one_sync(pair, tmp_path):
    """The advice to sync used to loop: sync leased only when fewer than 50 were left."""
    hk, gd = pair
    sheet = tmp_path / "sheet.csv"
    rows = [f"Sheet project {i},gba,2021" for i in range(150)]
    sheet.write_text("title,area,year\n" + "\n".join(rows) + "\n", "utf-8")
    before = gd.db.read_bytes()
    dry = gd("import", sheet, "--dry-run")
    assert dry.exit_code == 1
    assert "would add 150 project(s), but this copy holds 100 unused id(s)" in dry.stderr
    real = gd("import", sheet)
    assert real.exit_code == 1 and "run 'ipcoop sync'" in real.stderr
    assert gd.db.read_bytes() == before
    leased = gd.ok("sync").stderr
    assert "Leased ids" in leased
    assert "Would add 150" in gd.ok("import", sheet, "--dry-run").stderr
    gd.ok("import", sheet)
    converge(hk, gd)
    ids = [p["id"] for p in hk.projects().values() if p["title"].startswith("Sheet project")]
    assert len(ids) == len(set(ids)) == 150


def test_a_programme_made_by_add_on_one_copy_and_by_import_on_another_merges(
    pair, tmp_path, remote
):
    hk, gd = pair
    third = Copy(tmp_path, "customs")
    join(third, remote, hk, "GDCUS")
    hk.ok("add", "x", "--area", "gba", "--year", "2021")
    sheet = tmp_path / "s.csv"
    hk.ok("export", "--format", "csv", "--output", sheet)
    gd.ok("import", sheet)  # gd makes programme 2021 through the import
    third.ok("add", "z", "--area", "gba", "--year", "2021")  # the third, through add
    converge(hk, gd, third)
    for copy in (hk, gd, third):
        assert copy.ok("check").exit_code == 0
    assert hk.ok("conflicts", "--json").json() == []


def test_undo_of_an_add_keeps_the_programme_another_copy_uses(pair):
    hk, gd = pair
    gd.ok("add", "y", "--area", "gba", "--year", "2021")  # makes programme 2021
    gd.ok("sync")
    hk.ok("sync")
    pid = int(hk.ok("add", "x", "--area", "gba", "--year", "2021").stdout)
    hk.ok("sync")
    gd.ok("sync")
    before = gd.db.read_bytes()
    result = gd("undo")
    assert result.exit_code == 1
    assert f"project {pid} uses the programme 2021" in result.stderr
    assert gd.db.read_bytes() == before
    converge(hk, gd)
    assert gd.ok("check").exit_code == 0


def test_a_conflict_is_told_in_words_shown_warned_of_and_settled_by_choice(pair):
    hk, gd = pair
    hk.ok("done", "11", "--on", "2020-11-30")
    gd.ok("start", "11")
    hk.ok("edit", "15", "--title", "Exchange on trademarks (HK wording)")
    gd.ok("edit", "15", "--title", "Exchange on trademarks (GD wording)")
    converge(hk, gd)
    listed = hk.ok("conflicts").stdout
    assert "#11 Promote the development of IP trading" in listed
    assert "  status: shown " in listed and "done (2020-11-30)  (HK IPD, " in listed
    assert "active  (GDAMR, " in listed and "{" not in listed  # words, not JSON
    assert "to keep one: ipcoop settle 15 title N" in listed
    shown = hk.ok("show", "15").stdout
    assert "Conflict on title: 1. Exchange on trademarks (HK wording) (HK IPD)" in shown
    assert shown.endswith("ipcoop settle 15 title N\n")  # a whole line
    for command in (["summary", "2020"], ["release", "2020"]):
        warned = hk.ok(*command).stderr
        assert "Warning: project(s) 11, 15 hold values both sides set differently" in warned
    values = [
        v["value"]
        for v in next(c for c in hk.ok("conflicts", "--json").json() if c["id"] == 15)["values"]
    ]
    choice = values.index("Exchange on trademarks (HK wording)") + 1
    settled = gd.ok("settle", "15", "title", choice)
    assert "kept Exchange on trademarks (HK wording)" in settled.stderr
    assert "settle 15 title" in gd.ok("log", "15").stdout
    bad = gd("settle", "15", "title", "1")
    assert bad.exit_code == 1 and "no conflict on 'title'" in bad.stderr
    converge(hk, gd)
    assert hk.projects()[15]["title"] == "Exchange on trademarks (HK wording)"
    assert [c["id"] for c in hk.ok("conflicts", "--json").json()] == [11]


def test_two_copies_leasing_at_once_still_sync(pair, monkeypatch):
    """Each side runs low on ids; hk claims a block while gd's claim waits to be pushed:
    gd's overlapping claim is dropped and claimed again further on."""
    from ipcoop.sync.repo import Repo

    hk, gd = pair
    for copy in (hk, gd):
        for i in range(60):
            copy.ok("add", f"{copy.name} {i}", "--area", "trading", "--year", "2021")
    real_push = Repo.push
    raced = []

    def push(self, rev):  # hk syncs (and leases) just before gd's push
        if not raced and self.folder == gd.folder:
            raced.append(True)
            monkeypatch.setattr(Repo, "push", real_push)
            hk.ok("sync")
        return real_push(self, rev)

    monkeypatch.setattr(Repo, "push", push)
    first = gd("sync")
    monkeypatch.undo()
    assert raced and first.exit_code == 0, first.stderr
    converge(hk, gd)
    ids = [p["id"] for p in hk.projects().values()]
    assert len(ids) == len(set(ids)) == 18 + 120


def test_an_area_removed_on_one_side_and_used_on_the_other_syncs_on(pair):
    hk, gd = pair
    hk.ok("areas", "add", "pilot", "Pilot scheme")
    converge(hk, gd)
    hk.ok("areas", "remove", "pilot")
    gd.ok("add", "Uses pilot", "--area", "pilot", "--year", "2021")
    hk.ok("sync")
    gd.ok("sync")
    converge(hk, gd)  # the area is kept, with a conflict saying so
    assert "pilot" in {a["key"] for a in hk.ok("areas", "--json").json()}
    assert "areas/pilot" in [c["id"] for c in hk.ok("conflicts", "--json").json()]


def test_a_refused_undo_does_not_block_older_ones(pair):
    """hk's newest command was built on by gd: undo refuses it, and --skip passes over it
    to the one before, which is undone; the refused one stays as it was."""
    hk, gd = pair
    hk.ok("edit", "13", "--note", "older, hk's own")
    hk.ok("edit", "14", "--note", "newer, then changed by gd")
    hk.ok("sync")
    gd.ok("sync")
    gd.ok("edit", "14", "--note", "gd's")
    gd.ok("sync")
    hk.ok("sync")
    before = hk.db.read_bytes()
    refused = hk("undo")
    assert refused.exit_code == 1
    line = one_error_line(refused)
    assert "project 14 has been changed since" in line and "'ipcoop undo --skip'" in line
    assert hk.db.read_bytes() == before
    skipped = hk.ok("undo", "--skip")
    assert "Undid: edit 13 --note" in skipped.stderr
    notes = {p["id"]: p["notes"] for p in hk.projects().values()}
    assert notes[14] == "gd's" and notes[13] != "older, hk's own"
    nothing = hk("undo", "--skip")
    assert nothing.exit_code == 1
    assert "no older command of this copy can be undone either" in one_error_line(nothing)
    converge(hk, gd)


def test_a_sync_that_brings_only_another_copys_ids_says_so(tmp_path, remote):
    """It said 'Sent 0 change(s), received 0.' while the file took the other copy's
    lease of ids."""
    hk, gd = Copy(tmp_path, "hk"), Copy(tmp_path, "gd")
    hk.ok("init")
    hk.ok("sync", remote, "--name", "HK IPD")
    gd.ok("sync", remote, "--name", "GDAMR")
    hk.ok("sync")
    hk.ok("copies", "approve", "GDAMR")
    hk.ok("sync")
    gd.ok("sync")  # approved: its lease of ids now counts
    told = hk.ok("sync").stderr
    assert "received 1." in told and "Also received the ids of GDAMR." in told


def test_a_carry_on_one_side_and_a_start_on_the_other_is_a_conflict_not_a_stuck_sync(pair):
    """The merge took the status from one side and the carry's target from the other:
    a record no command writes, and every later sync of that side refused."""
    hk, gd = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    hk.ok("programme", "edit", "2021", "--add-area", "protection")
    converge(hk, gd)
    hk.ok("carry", "2020", "--to", "2021", "--only", "12")
    gd.ok("start", "12")
    converge(hk, gd)
    (conflict,) = hk.ok("conflicts", "--json").json()
    assert (conflict["id"], conflict["field"]) == (12, "status")
    statuses = {v["value"]["status"] for v in conflict["values"]}
    assert statuses == {"carried", "active"}
    assert hk.ok("check").exit_code == 0
    keep = 1 + [v["value"]["status"] for v in conflict["values"]].index("carried")
    gd.ok("settle", "12", "status", str(keep))
    converge(hk, gd)
    assert hk.projects()[12]["status"] == "carried" and hk.projects()[12]["carried_to"]


@pytest.mark.parametrize("copy_changed", [False, True])
def test_settling_a_carry_conflict_against_the_carry_takes_its_copy_with_it(pair, copy_changed):
    """HK carried 12 into 2021 (its copy: a new project); GD dropped 12 meanwhile. GD
    keeps the drop: the copy the carry made goes too, unless it changed since."""
    hk, gd = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    hk.ok("programme", "edit", "2021", "--add-area", "protection")
    converge(hk, gd)
    hk.ok("carry", "2020", "--to", "2021", "--only", "12")
    gd.ok("drop", "12")
    converge(hk, gd)
    (conflict,) = gd.ok("conflicts", "--json").json()
    carried_to = next(
        v["value"]["carried_to"] for v in conflict["values"] if v["value"]["carried_to"]
    )
    assert carried_to in gd.projects()
    if copy_changed:
        gd.ok("edit", str(carried_to), "--note", "work begun on the copy")
    keep = 1 + [v["value"]["status"] for v in conflict["values"]].index("dropped")
    settled = gd("settle", "12", "status", str(keep))
    if copy_changed:
        assert settled.exit_code == 1
        assert f"project {carried_to}, the copy the carry made" in one_error_line(settled)
        assert gd.ok("conflicts", "--json").json() != []
        return
    assert settled.exit_code == 0, settled.stderr
    assert f"project {carried_to}" in settled.stderr and "was removed" in settled.stderr
    converge(hk, gd)
    for copy in (hk, gd):
        assert copy.projects()[12]["status"] == "dropped"
        assert carried_to not in copy.projects()
        assert copy.ok("conflicts", "--json").json() == []
    gd.ok("undo")  # one command: the settle and the removal come back together
    assert carried_to in gd.projects()


def test_a_report_naming_an_area_in_conflict_warns_of_it(pair):
    hk, gd = pair
    hk.ok("areas", "edit", "trading", "--name", "IP trading (HK wording)")
    gd.ok("areas", "edit", "trading", "--name", "IP trading (GD wording)")
    converge(hk, gd)
    for command in (["summary", "2020"], ["release", "2020"]):
        warned = hk.ok(*command, "--lang", "en").stderr
        assert "Warning: areas/trading hold values both sides set differently" in warned


def test_each_side_giving_a_different_chinese_form_keeps_both(pair):
    """One form each, set apart: not a conflict, and neither is lost."""
    hk, gd = pair
    hk.ok("edit", "13", "--zh-hk", "高價值專利組合大賽（港）")
    gd.ok("edit", "13", "--zh-cn", "高价值专利组合大赛（粤）")
    hk.ok("areas", "edit", "gba", "--zh-hk", "加強大灣區知識產權合作（港）")
    gd.ok("areas", "edit", "gba", "--zh-cn", "加强大湾区知识产权合作（粤）")
    converge(hk, gd)
    assert hk.ok("conflicts", "--json").json() == []
    titles = gd.projects()[13]["titles"]
    assert titles == {"zh-hk": "高價值專利組合大賽（港）", "zh-cn": "高价值专利组合大赛（粤）"}
    assert gd.projects()[13]["converted"] == []
    (gba,) = [a for a in gd.ok("areas", "--json").json() if a["key"] == "gba"]
    assert gba["names"] == {
        "zh-hk": "加強大灣區知識產權合作（港）",
        "zh-cn": "加强大湾区知识产权合作（粤）",
    }


def test_one_side_ending_a_member_and_the_other_moving_its_start_keeps_both(pair):
    hk, gd = pair
    hk.ok("members", "edit", "HKCED", "--until", "2021")
    gd.ok("members", "edit", "HKCED", "--from", "2019")
    converge(hk, gd)
    assert hk.ok("conflicts", "--json").json() == []
    (member,) = [m for m in gd.ok("members", "--json").json() if m["code"] == "HKCED"]
    assert (member["from"], member["until"]) == (2019, 2021)
    # Years that would end before they start are still one conflict, never merged.
    hk.ok("members", "edit", "HKCED", "--from", "2021")
    gd.ok("members", "edit", "HKCED", "--until", "2019", "--from", "2019")
    converge(hk, gd)
    assert [c["field"] for c in hk.ok("conflicts", "--json").json()] == ["from"]


def test_a_programme_name_conflict_is_settled_by_settle_or_by_naming_it_again(pair):
    hk, gd = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    converge(hk, gd)
    hk.ok("programme", "edit", "2021", "--zh-hk", "二○二一年合作項目（港）")
    gd.ok("programme", "edit", "2021", "--zh-hk", "二○二一年合作項目（粵）")
    converge(hk, gd)
    (conflict,) = hk.ok("conflicts", "--json").json()
    assert conflict["id"] == "programmes/2021"
    assert f"ipcoop settle programmes/2021 {conflict['field']} N" in hk.ok("conflicts").stdout
    hk.ok("programme", "edit", "2021", "--zh-hk", "二○二一年合作項目")  # naming it again
    converge(hk, gd)
    assert gd.ok("conflicts", "--json").json() == []
    hk.ok("programme", "edit", "2021", "--zh-hk", "二○二一年合作項目（港）")
    gd.ok("programme", "edit", "2021", "--zh-hk", "二○二一年合作項目（粵）")
    converge(hk, gd)
    gd.ok("settle", "programmes/2021", conflict["field"], "1")
    converge(hk, gd)
    assert hk.ok("conflicts", "--json").json() == []
    assert hk.ok("release", "2019", "--check").exit_code == 0


def test_a_sheet_takes_back_only_the_cells_a_person_changed(pair, tmp_path):
    """What changed here after the export (or came in by sync) is kept; a cell edited
    in the sheet is taken; one edited in both is refused."""
    hk, gd = pair
    hk.ok("edit", "14", "--note", "oops")
    sheet = tmp_path / "from-hk.csv"
    hk.ok("export", "--output", sheet)
    time.sleep(1.1)  # stamps are to the second: a change in the export's second is ambiguous
    hk.ok("undo")  # taken back after the export
    gd.ok("edit", "15", "--note", "GD's note")  # comes in by sync after the export
    converge(hk, gd)
    hk.ok("edit", "15", "--zh-hk", "商標交流活動（新）")
    hk.ok("edit", "16", "--lead", "hk")
    rows = sheet.read_text("utf-8-sig").splitlines()
    index = {r.split(",")[0]: n for n, r in enumerate(rows)}
    rows[index["17"]] = rows[index["17"]].replace(",joint,", ",gd,", 1)  # a person's edit
    rows[index["14"]] = rows[index["14"]].replace(",true,", ",false,", 1)
    sheet.write_text("\n".join(rows) + "\n", "utf-8-sig")
    planned = hk.ok("import", sheet, "--dry-run").stdout
    assert planned == "update 14: key\nupdate 17: lead\n", planned
    done = hk.ok("import", sheet)
    assert "updated 2" in done.stderr, done.stderr
    projects = hk.projects()
    assert projects[14]["notes"] != "oops" and projects[14]["key"] is False
    assert projects[15]["notes"] == "GD's note"
    assert projects[15]["titles"]["zh-hk"] == "商標交流活動（新）"
    assert projects[16]["lead"] == "hk" and projects[17]["lead"] == "gd"
    # A cell changed both in the sheet and here since the export: refused.
    again = tmp_path / "again.csv"
    hk.ok("export", "--output", again)
    time.sleep(1.1)
    hk.ok("edit", "17", "--lead", "hk")
    rows = again.read_text("utf-8-sig").splitlines()
    rows = [r.replace(",gd,", ",joint,", 1) if r.startswith("17,") else r for r in rows]
    again.write_text("\n".join(rows) + "\n", "utf-8-sig")
    before = hk.db.read_bytes()
    refused = hk("import", again)
    assert refused.exit_code == 1
    assert "project 17's lead changed both in the sheet and here" in one_error_line(refused)
    assert hk.db.read_bytes() == before


def test_a_sheet_may_set_a_value_back_to_an_older_one(pair, tmp_path):
    import json

    hk, _ = pair
    original = hk.projects()[14]["notes"]
    hk.ok("edit", "14", "--note", "typo note")
    sheet = tmp_path / "s.json"
    hk.ok("export", "--format", "json", "--output", sheet)
    records = json.loads(sheet.read_text("utf-8"))
    for record in records:
        if record["id"] == 14:
            record["notes"] = original
    sheet.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    assert "updated 1" in hk.ok("import", sheet).stderr
    assert hk.projects()[14]["notes"] == original


def test_a_sheet_cannot_make_a_carried_project_done(pair, tmp_path):
    hk, _ = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    hk.ok("programme", "edit", "2021", "--add-area", "protection")
    sheet = tmp_path / "s.json"
    hk.ok("export", "--format", "json", "--output", sheet)
    hk.ok("carry", "2020", "--to", "2021", "--only", "12")
    import json

    records = json.loads(sheet.read_text("utf-8"))
    for record in records:
        if record["id"] == 12:
            record.update(status="done", done_on="2020-11-30")
    sheet.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    before = hk.db.read_bytes()
    refused = hk("import", sheet)
    assert refused.exit_code == 1, refused.stderr
    assert "project 12" in one_error_line(refused)
    assert hk.db.read_bytes() == before
    assert hk.ok("check").exit_code == 0


def test_both_sides_settling_one_conflict_differently_is_a_conflict_again(pair):
    hk, gd = pair
    hk.ok("edit", "14", "--note", "HK")
    gd.ok("edit", "14", "--note", "GD")
    converge(hk, gd)
    (conflict,) = hk.ok("conflicts", "--json").json()
    number = {v["value"]: n for n, v in enumerate(conflict["values"], 1)}
    hk.ok("settle", "14", "notes", str(number["HK"]))
    gd.ok("settle", "14", "notes", str(number["GD"]))  # the value shown: only 'conflicts' changed
    converge(hk, gd)
    (again,) = hk.ok("conflicts", "--json").json()
    assert {v["value"] for v in again["values"]} == {"HK", "GD"}


def test_a_programme_never_ends_before_it_starts_after_a_merge(pair):
    hk, gd = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    converge(hk, gd)
    hk.ok("programme", "edit", "2021", "--start", "2021-06")
    gd.ok("programme", "edit", "2021", "--end", "2021-03")
    converge(hk, gd)
    assert [c["field"] for c in hk.ok("conflicts", "--json").json()] == ["start"]
    shown = hk.ok("programme", "show", "2021", "--json").json()
    assert shown["start"] <= shown["end"]
    hk.ok("programme", "edit", "2021", "--end", "2021-11")  # settles it
    converge(hk, gd)
    assert gd.ok("conflicts", "--json").json() == []
    hk.ok("programme", "edit", "2021", "--start", "2021-02")
    gd.ok("programme", "edit", "2021", "--end", "2021-12")
    converge(hk, gd)  # one side's start and the other's end, when they fit: both kept
    shown = gd.ok("programme", "show", "2021", "--json").json()
    assert (shown["start"], shown["end"]) == ("2021-02", "2021-12")
    assert hk.ok("conflicts", "--json").json() == []


def test_moving_one_project_to_two_programmes_is_one_conflict_settled_whole(pair):
    hk, gd = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    hk.ok("programme", "edit", "2021", "--add-area", "exchange")
    converge(hk, gd)
    hk.ok("edit", "15", "--programme", "2021")
    gd.ok("edit", "15", "--programme", "2019")
    converge(hk, gd)
    (conflict,) = hk.ok("conflicts", "--json").json()
    assert conflict["field"] == "programme"
    pairs = {(v["value"]["programme"], v["value"]["year"]) for v in conflict["values"]}
    assert pairs == {("2021", 2021), ("2019", 2019)}
    for n in (1, 2):
        hk.ok("settle", "15", "programme", str(n))
        project = hk.projects()[15]
        assert (project["programme"], project["year"]) in pairs
        assert hk.ok("check").exit_code == 0
        hk.ok("undo")


def test_an_area_changed_against_a_move_to_another_programme_is_one_conflict(pair, tmp_path):
    """Merged field by field, the project landed in an area its programme lacks."""
    hk, gd = pair
    hk.ok("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    hk.ok("programme", "edit", "2021", "--add-area", "exchange")
    converge(hk, gd)
    hk.ok("edit", "15", "--programme", "2021")
    gd.ok("edit", "15", "--area", "protection")
    converge(hk, gd)
    assert [c["field"] for c in hk.ok("conflicts", "--json").json()] == ["programme"]
    assert hk.ok("check").exit_code == 0 and gd.ok("check").exit_code == 0
    # Nor may a sheet put it in an area its programme lacks.
    sheet = tmp_path / "s.json"
    (conflict,) = hk.ok("conflicts", "--json").json()
    moved = 1 + [v["value"]["programme"] for v in conflict["values"]].index("2021")
    hk.ok("settle", "15", "programme", str(moved))
    assert (hk.projects()[15]["programme"], hk.projects()[15]["area"]) == ("2021", "exchange")
    hk.ok("export", "--format", "json", "--output", sheet)
    records = json.loads(sheet.read_text("utf-8"))
    for record in records:
        if record["id"] == 15:
            record["area"] = "trading"  # an area, but not one of programme 2021's
    sheet.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    before = hk.db.read_bytes()
    refused = hk("import", sheet)
    assert refused.exit_code == 1 and "project 15" in one_error_line(refused)
    assert hk.db.read_bytes() == before


@pytest.mark.parametrize("first", ["gd", "hk"])
def test_undoing_ones_link_keeps_the_other_sides_same_link(pair, first):
    """Both sides linked one address to 13; HK undoes its own: GD's stays everywhere."""
    hk, gd = pair
    url = "https://www.ipd.gov.hk/en/news/annex.html"
    for copy in (gd, hk) if first == "gd" else (hk, gd):
        copy.ok("link", "13", url)
    converge(hk, gd)
    assert [link["url"] for link in hk.projects()[13]["links"]] == [url]
    hk.ok("undo")
    converge(hk, gd)
    for copy in (hk, gd):
        assert [link["url"] for link in copy.projects()[13]["links"]] == [url], copy.name


def test_undoing_one_side_of_a_conflict_is_refused_until_it_is_settled(pair):
    """Undo went back to the title before and took the other side's value with it."""
    hk, gd = pair
    hk.ok("edit", "14", "--title", "HK title")
    gd.ok("edit", "14", "--title", "GD title")
    converge(hk, gd)
    assert gd.ok("conflicts", "--json").json()
    before = gd.db.read_bytes()
    refused = gd("undo")
    assert refused.exit_code == 1
    assert "settle it first" in one_error_line(refused)
    assert gd.db.read_bytes() == before
    values = [v["value"] for v in gd.ok("conflicts", "--json").json()[0]["values"]]
    assert sorted(values) == ["GD title", "HK title"]
    other = hk("undo")  # the side whose value is not shown is told the same
    assert other.exit_code == 1 and "settle it first" in one_error_line(other)


def test_a_removal_by_undo_is_told_with_who_made_it(pair):
    """Undo writes no entry of its own: the removal it made was signed '?'."""
    hk, gd = pair
    added = gd.ok("add", "GD adds then undoes", "--area", "gba", "--year", "2020").stdout
    pid = int(added.strip())
    gd.ok("sync")
    hk.ok("sync")
    hk.ok("edit", str(pid), "--note", "HK works on it meanwhile")
    gd.ok("undo")
    converge(hk, gd)
    (conflict,) = [c for c in hk.ok("conflicts", "--json").json() if c["id"] == pid]
    assert sorted(v["by"] for v in conflict["values"]) == ["GDAMR", "HK IPD"], conflict
