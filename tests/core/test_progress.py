"""Dated progress notes and links: the commands, what shows them, sheets, merges, schema 6."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from ipcoop import store
from tests.helpers import DATA, invoke, one_error_line
from tests.sharing import converge


def project(db: Path, pid: int) -> dict:
    return invoke("--db", db, "show", str(pid), "--json").json()


def test_notes_are_dated_signed_kept_in_date_order_and_shown(db_path):
    first = invoke("--db", db_path, "note", "12", "Seminar held in Guangzhou", "--on", "02/03/2020")
    assert first.exit_code == 0, first.stderr
    later = invoke("--db", db_path, "note", "12", "Report published", "--on", "2020-05-01")
    assert later.exit_code == 0 and "Noted on project 12 (2 note(s))" in later.stderr
    early = invoke("--db", db_path, "note", "12", "Planning meeting", "--on", "2020-01-15")
    assert early.exit_code == 0
    notes = project(db_path, 12)["progress"]
    assert [n["on"] for n in notes] == ["2020-01-15", "2020-03-02", "2020-05-01"]
    assert [n["text"] for n in notes][1] == "Seminar held in Guangzhou"
    assert len({n["by"] for n in notes}) == 1 and notes[0]["by"]
    shown = invoke("--db", db_path, "show", "12").stdout
    assert f"2020-03-02 {notes[0]['by']}: Seminar held in Guangzhou" in shown
    assert "Progress" in shown
    assert "進展" in invoke("--db", db_path, "show", "12", "--lang", "zh-hk").stdout
    # The summary note is the summary's: a progress note does not replace it.
    assert project(db_path, 12)["notes"].startswith("Key project of the 2020 programme")


def test_a_bad_note_is_one_line_and_changes_nothing(db_path):
    before = db_path.read_bytes()
    for args in (
        ["note", "12", "   "],
        ["note", "12", "x", "--on", "2999-01-01"],
        ["note", "12", "x", "--on", "31/02/2020"],
        ["note", "99", "x"],
        ["note", "12", "x" * 2001],
    ):
        result = invoke("--db", db_path, *args)
        assert result.exit_code == 1, args
        one_error_line(result)
    assert db_path.read_bytes() == before


def test_undo_takes_a_note_back(db_path):
    invoke("--db", db_path, "note", "13", "Contest launched")
    assert len(project(db_path, 13)["progress"]) == 1
    assert invoke("--db", db_path, "undo").exit_code == 0
    assert project(db_path, 13)["progress"] == []
    stored = json.loads(db_path.read_text("utf-8"))["projects"]["13"]
    assert "progress" not in stored  # an empty list is not stored


def test_links_are_added_relabelled_removed_and_only_web_addresses(db_path):
    url = "https://www.ipd.gov.hk/en/press.html"
    assert invoke("--db", db_path, "link", "12", url).exit_code == 0
    assert invoke("--db", db_path, "link", "12", url, "--label", "Press release").exit_code == 0
    added = invoke("--db", db_path, "link", "12", "http://example.org/mou.pdf", "--label", "MoU")
    assert added.exit_code == 0 and "(2 link(s))" in added.stderr
    assert project(db_path, 12)["links"] == [
        {"url": url, "label": "Press release"},
        {"url": "http://example.org/mou.pdf", "label": "MoU"},
    ]
    assert f"Press release <{url}>" in invoke("--db", db_path, "show", "12").stdout
    before = db_path.read_bytes()
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "www.ipd.gov.hk", "https://a b"):
        result = invoke("--db", db_path, "link", "12", bad)
        assert result.exit_code == 1, bad
        assert "a link must" in one_error_line(result)
    missing = invoke("--db", db_path, "link", "12", "https://nowhere.example", "--remove")
    assert missing.exit_code == 1 and "has no link" in one_error_line(missing)
    assert db_path.read_bytes() == before
    assert invoke("--db", db_path, "link", "12", url, "--remove").exit_code == 0
    assert [k["label"] for k in project(db_path, 12)["links"]] == ["MoU"]


def test_sheets_show_notes_and_links_and_importing_one_back_keeps_them(db_path, tmp_path):
    invoke("--db", db_path, "note", "12", "Seminar held", "--on", "2020-03-02")
    invoke("--db", db_path, "link", "12", "https://example.org/a", "--label", "Release")
    sheet = tmp_path / "sheet.csv"
    assert invoke("--db", db_path, "export", "--format", "csv", "-o", sheet).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == "12")
    assert row["progress"].endswith(": Seminar held") and row["progress"].startswith("2020-03-02 ")
    assert row["links"] == "Release <https://example.org/a>"
    row["title"] = "Renamed in the sheet"
    row["progress"], row["links"] = "", ""  # emptied cells do not take them away
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(buffer.getvalue(), "utf-8")
    result = invoke("--db", db_path, "import", sheet)
    assert result.exit_code == 0, result.stderr
    after = project(db_path, 12)
    assert after["title"] == "Renamed in the sheet"
    assert [n["text"] for n in after["progress"]] == ["Seminar held"]
    assert after["links"] == [{"url": "https://example.org/a", "label": "Release"}]
    exported = tmp_path / "all.json"
    invoke("--db", db_path, "export", "-o", exported)
    fresh = tmp_path / "fresh.json"
    invoke("--db", fresh, "init", "--empty")
    assert invoke("--db", fresh, "import", exported).exit_code == 0
    assert all(p["progress"] == [] for p in invoke("--db", fresh, "list", "--json").json())


def test_both_sides_notes_and_links_survive_a_sync_without_a_conflict(pair):
    hk, gd = pair
    hk.ok("link", "12", "https://example.org/old", "--label", "Old page")
    hk.ok("sync")
    gd.ok("sync")
    hk.ok("note", "12", "HK: venue booked", "--on", "2020-03-01")
    hk.ok("link", "12", "https://example.org/old", "--remove")
    gd.ok("note", "12", "GD: speakers invited", "--on", "2020-02-20")
    gd.ok("link", "12", "https://example.org/new", "--label", "New page")
    converge(hk, gd)
    merged = hk.projects()[12]
    assert [n["text"] for n in merged["progress"]] == ["GD: speakers invited", "HK: venue booked"]
    assert [n["by"] for n in merged["progress"]] == ["GDAMR", "HK IPD"]
    assert merged["links"] == [{"url": "https://example.org/new", "label": "New page"}]
    assert "No conflicts" in hk.ok("conflicts").stdout + hk.ok("conflicts").stderr


SCHEMA_5 = DATA / "schema5.json"


def test_a_schema_5_file_is_read_as_it_is_and_its_first_change_writes_the_current_schema(
    tmp_path,
):
    """tests/data/schema5.json was written by schema 5: init, an add with a Chinese
    title, an edit, done, a remove and a drop."""
    old = tmp_path / "old.json"
    shutil.copy(SCHEMA_5, old)
    before = old.read_bytes()
    listed = invoke("--db", old, "list", "--json").json()
    assert len(listed) == 18 and all(p["progress"] == [] and p["links"] == [] for p in listed)
    assert old.read_bytes() == before
    noted = invoke("--db", old, "note", "12", "After the upgrade")
    assert noted.exit_code == 0, noted.stderr
    data = json.loads(old.read_text("utf-8"))
    assert data["_meta"]["1"]["schema"] == store.SCHEMA_VERSION >= 6
    assert store.backup_path(old).read_bytes() == before
    old_data = json.loads(before)
    assert {k: v for k, v in data["projects"].items() if k != "12"} == {
        k: v for k, v in old_data["projects"].items() if k != "12"
    }
    # The old journal still undoes: the note, the drop, the remove.
    for _ in range(3):
        assert invoke("--db", old, "undo").exit_code == 0
    assert invoke("--db", old, "show", "17", "--json").json()["title"]
    assert invoke("--db", old, "check").exit_code == 0


def test_a_damaged_note_or_link_is_a_damaged_record(db_path):
    for field, value in (
        ("progress", [{"on": "someday", "by": "x", "text": "y"}]),
        ("progress", ["just text"]),
        ("links", [{"url": "javascript:alert(1)", "label": None}]),
        ("links", [{"url": "https://example.org"}]),
    ):
        data = json.loads(db_path.read_text("utf-8"))
        data["projects"]["12"][field] = value
        path = db_path.with_name(f"damaged-{field}.json")
        path.write_bytes(store.serialise(data))
        result = invoke("--db", path, "list")
        assert result.exit_code == 3, (field, value)
        assert "damaged" in one_error_line(result)


def test_the_same_project_added_on_both_sides_is_flagged_never_merged(pair):
    hk, gd = pair
    hk.ok("add", "Seminar on IP and SMEs, 2020", "--area", "guidance", "--programme", "2020")
    gd.ok("add", "Seminar on IP & SMEs 2020", "--area", "guidance", "--programme", "2020",
          "--zh-cn", "知识产权与中小企业研讨会")  # fmt: skip
    gd.ok("add", "Patent drafting workshop", "--area", "guidance", "--programme", "2020")
    hk.ok("sync")
    met = gd.ok("sync")
    ids = sorted(p["id"] for p in gd.projects().values() if "SMEs" in p["title"])
    assert len(ids) == 2  # both kept: a merge never decides they are one
    line = f"Note: projects {ids[0]} and {ids[1]} look alike"
    assert line in met.stderr
    assert met.stderr.count("look alike") == 1  # the workshop is not like either
    checked = gd("release", "2020", "--lang", "zh-cn", "--check")
    assert checked.exit_code == 1
    assert f"projects {ids[0]} and {ids[1]} look alike" in checked.stdout
    gd.ok("remove", str(ids[1]), "--yes")
    assert "look alike" not in gd("release", "2020", "--lang", "zh-cn", "--check").stdout


def test_titles_alike_across_chinese_scripts_and_punctuation_only(db_path):
    from ipcoop.core import duplicates

    def p(pid: int, title: str, zh: str | None = None, programme: str = "2020") -> dict:
        return {"id": pid, "title": title, "titles": {"zh-hk": zh, "zh-cn": None},
                "programme": programme}  # fmt: skip

    pairs = duplicates.alike_pairs([
        p(1, "Exchange on trade marks", "商標交流"),
        p(2, "商标交流"),  # the same, typed in Simplified as its main title
        p(3, "Exchange on trade marks", programme="2021"),  # another programme
        p(4, "Exchange on patents"),
    ])  # fmt: skip
    assert pairs == [(1, 2)]


def test_a_numbered_series_or_one_copys_own_pair_is_not_flagged():
    """'Seminar 1' and 'Seminar 2' are a series; 'Seminar 2020' and 'Seminar (2020)'
    one title. Only two copies (apart) can add one project twice without knowing."""
    from ipcoop.core import duplicates

    def p(pid: int, title: str) -> dict:
        return {"id": pid, "title": title, "titles": {"zh-hk": None, "zh-cn": None},
                "programme": "2020"}  # fmt: skip

    pairs = duplicates.alike_pairs([
        p(1, "IP seminar for SMEs 1"),
        p(2, "IP seminar for SMEs 2"),
        p(3, "Patent workshop for SMEs 2021"),
        p(4, "Patent workshop for SMEs 2022"),
        p(5, "Exchange on trade marks 2020"),
        p(6, "Exchange on trade marks (2020)"),
        p(105, "Exchange on trade marks, 2020"),
    ])  # fmt: skip
    assert pairs == [(5, 6), (5, 105), (6, 105)]
    copies = {"hk": {"blocks": [[1, 100]]}, "gd": {"blocks": [[101, 200]]}}
    assert duplicates.apart(pairs, copies) == [(5, 105), (6, 105)]


def test_the_sync_that_brings_in_a_look_alike_says_so_on_both_sides(pair):
    """Before, only the copy whose own project was new to the remote was told."""
    hk, gd = pair
    hk.ok("add", "IP seminar for SMEs", "--area", "guidance", "--programme", "2020")
    gd.ok("add", "IP seminar for SMEs.", "--area", "guidance", "--programme", "2020")
    hk.ok("sync")  # the remote has hk's; nothing alike yet
    assert "look alike" in gd.ok("sync").stderr
    assert "look alike" in hk.ok("sync").stderr  # hk receives gd's: told as well


def test_an_endorsement_made_apart_from_the_other_sides_additions_is_pointed_out(pair):
    hk, gd = pair
    hk.ok("programme", "add", "2022-23", "--start", "2022-07", "--end", "2023-12",
          "--area", "gba")  # fmt: skip
    hk.ok("add", "First", "--area", "gba", "--programme", "2022-23")
    converge(hk, gd)
    hk.ok("add", "Added in Hong Kong meanwhile", "--area", "gba", "--programme", "2022-23")
    gd.ok("programme", "endorse", "2022-23", "--on", "2022-06-30")  # 1 project, as gd saw it
    converge(hk, gd)
    checked = gd("release", "2022-23", "--check")
    assert checked.exit_code == 1
    assert "programme 2022-23 was endorsed with 1 project(s) and now holds 2" in checked.stdout
