"""Export, import and check, through the real CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import STAMP, invoke, one_error_line, stored_project

AWKWARD = [
    "Seminar, with commas",
    'Quoted "title" here',
    "Two\nlines",
    "粵港知識產權合作 2021",
    "=SUM(A1:A2)",
    "+cmd",
    "-minus",
    "@at",
    "'=already quoted",
    "'plain apostrophe",
    "[bold]markup[/]",
]


def comparable(rows):
    """What an import into another database keeps: not the identity (id, UUID) nor stamps."""
    identity = ("id", "uuid", "created", "updated")
    return [{k: v for k, v in r.items() if k not in identity} for r in rows]


@pytest.fixture
def awkward_db(empty_db):
    for i, title in enumerate(AWKWARD):
        args = ["add", "--area", "gba", "--year", str(2019 + i % 3), f"--note={title}"]
        if i % 2:
            args += ["--agency", "HKIPD", "--agency", "GDAMR", "--key"]
        args += ["--", title]  # titles such as "-minus" are not options
        assert invoke("--db", empty_db, *args).exit_code == 0
    invoke("--db", empty_db, "done", "1", "3", "--on", "2020-05-01")
    invoke("--db", empty_db, "drop", "2")
    return empty_db


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip(awkward_db, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    assert invoke("--db", awkward_db, "export", "--format", fmt, "--output", out).exit_code == 0
    fresh = tmp_path / "fresh.json"
    invoke("--db", fresh, "init", "--empty")
    result = invoke("--db", fresh, "import", out)
    assert result.exit_code == 0, result.stderr
    before = invoke("--db", awkward_db, "list", "--json").json()
    after = invoke("--db", fresh, "list", "--json").json()
    assert comparable(after) == comparable(before)
    assert [r["title"] for r in after] == AWKWARD


def test_export_json_is_list_json(awkward_db):
    exported = invoke("--db", awkward_db, "export").stdout
    assert json.loads(exported) == invoke("--db", awkward_db, "list", "--json").json()


def test_csv_neutralises_formulas(awkward_db):
    text = invoke("--db", awkward_db, "export", "--format", "csv").stdout
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    titles = [r["title"] for r in rows]
    assert "'=SUM(A1:A2)" in titles
    assert "'+cmd" in titles and "'-minus" in titles and "'@at" in titles
    assert "''=already quoted" in titles
    assert "'plain apostrophe" in titles
    assert all(not t.startswith(("=", "+", "-", "@")) for t in titles)
    assert rows[1]["agencies"] == "HKIPD;GDAMR"


def test_import_dry_run_changes_nothing(awkward_db, tmp_path):
    out = tmp_path / "x.csv"
    invoke("--db", awkward_db, "export", "--format", "csv", "-o", out)
    fresh = tmp_path / "fresh.json"
    invoke("--db", fresh, "init", "--empty")
    for db, expected in (
        (fresh, f"Would add {len(AWKWARD)}, update 0 and leave 0"),
        (awkward_db, f"Would add 0, update 0 and leave {len(AWKWARD)}"),
    ):
        before = db.read_bytes()
        result = invoke("--db", db, "import", out, "--dry-run")
        assert result.exit_code == 0
        assert expected in result.stderr
        assert db.read_bytes() == before


def test_reimporting_an_edited_export_updates_the_projects_it_came_from(db_path, tmp_path):
    """A sheet passed round and edited comes back as changes, not as copies."""
    sheet = tmp_path / "sheet.csv"
    assert invoke("--db", db_path, "export", "--format", "csv", "-o", sheet).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
    fields = list(rows[0])
    rows[11]["title"] = "Settlement of IP disputes by arbitration or mediation"  # project 12
    rows[12]["status"], rows[12]["done_on"] = "done", "30/11/2020"  # project 13, day first
    rows.append({**rows[0], "id": "", "created": "", "updated": "", "title": "A new row"})
    stranger = {**rows[0], "id": "3", "created": "2019-01-01T00:00:00Z", "title": "Elsewhere"}
    rows.append(stranger)  # an id that is not this project's: added, never overwriting 3
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(buffer.getvalue(), "utf-8")
    before = {p["id"]: p for p in invoke("--db", db_path, "list", "--json").json()}
    dry = invoke("--db", db_path, "import", sheet, "--dry-run")
    assert "Would add 2, update 2 and leave 16" in dry.stderr, dry.stderr
    assert dry.stdout.splitlines() == [
        f"add: A new row ({rows[0]['area']}, {rows[0]['year']})",
        f"add: Elsewhere ({rows[0]['area']}, {rows[0]['year']})",
        "update 12: title",
        "update 13: status, done_on",
    ]
    result = invoke("--db", db_path, "import", sheet)
    assert result.exit_code == 0, result.stderr
    after = {p["id"]: p for p in invoke("--db", db_path, "list", "--json").json()}
    assert len(after) == 20
    assert after[12]["title"] == "Settlement of IP disputes by arbitration or mediation"
    assert after[12]["created"] == before[12]["created"]
    assert (after[13]["status"], after[13]["done_on"]) == ("done", "2020-11-30")
    assert after[3] == before[3]
    assert {after[19]["title"], after[20]["title"]} == {"A new row", "Elsewhere"}
    again = invoke("--db", db_path, "import", sheet, "--dry-run")
    assert "Would add 2, update 0 and leave 18" in again.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_sheet_of_an_unrelated_database_made_in_the_same_second_adds(db_path, tmp_path, fmt):
    """The same ids and creation stamps (two databases made in one second) are not the
    same projects: only the UUID says a record came from a project here."""
    other = tmp_path / "other.json"
    assert invoke("--db", other, "init").exit_code == 0
    invoke("--db", other, "edit", "12", "--title", "The other database's project")
    data = json.loads(other.read_text("utf-8"))
    mine = json.loads(db_path.read_text("utf-8"))
    for key, doc in data["projects"].items():  # made in the same second as these
        doc["created"] = mine["projects"][key]["created"]
    other.write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")
    sheet = tmp_path / f"other.{fmt}"
    assert invoke("--db", other, "export", "--output", sheet).exit_code == 0
    before = invoke("--db", db_path, "list", "--json").json()
    result = invoke("--db", db_path, "import", sheet)
    assert result.exit_code == 0, result.stderr
    after = invoke("--db", db_path, "list", "--json").json()
    assert after[:18] == before  # nothing overwritten
    assert len(after) == 36
    assert "The other database's project" in {p["title"] for p in after[18:]}
    assert not {p["uuid"] for p in after[18:]} & {p["uuid"] for p in before}


def test_import_minimal_csv_and_undo(empty_db, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("title,area,year\nSME seminar,guidance,2021\nContest,gba,2021\n", "utf-8")
    result = invoke("--db", empty_db, "import", path)
    assert result.exit_code == 0, result.stderr
    rows = invoke("--db", empty_db, "list", "--json").json()
    assert [(r["id"], r["status"], r["lead"]) for r in rows] == [
        (1, "planned", "joint"),
        (2, "planned", "joint"),
    ]
    invoke("--db", empty_db, "undo")
    assert invoke("--db", empty_db, "list", "--json").json() == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("title,area,year\nA,gba,2021\nB,moon,2021\n", ["row 3", "area"]),
        ("title,area,year\nA,gba,20x1\n", ["row 2", "year"]),
        ("title,area,year,status\nA,gba,2021,finished\n", ["row 2", "status"]),
        ("title,area,year,status,done_on\nA,gba,2021,done,2021-02-30\n", ["row 2", "done_on"]),
        ("title,area,year\n,gba,2021\n", ["row 2", "title"]),
        ("title,area,year,agencies\nA,gba,2021,HKIPD;NOPE\n", ["row 2", "agency"]),
        ("title,area\nA,gba\n", ["header", "year"]),
        ("title,area,year,colour\nA,gba,2021,red\n", ["colour"]),
        ("title,area,year\nA,gba\n", ["row 2", "cells"]),
        (
            '[{"title": "A", "area": "gba", "year": 2021}, {"title": "B", "area": "gba"}]',
            ["record 2", "year"],
        ),
        ('[{"title": 5, "area": "gba", "year": 2021}]', ["record 1", "title"]),
        # Values of the wrong kind where a known key or code is looked up first.
        ('[{"title": "A", "area": ["gba"], "year": 2021}]', ["record 1", "area"]),
        ('[{"title": "A", "area": {"k": 1}, "year": 2021}]', ["record 1", "area"]),
        ('[{"title": "A", "area": "gba", "year": 2021, "agencies": [["HKIPD"]]}]', ["agency"]),
        ('[{"title": "A", "area": "gba", "year": 2021, "status": ["done"]}]', ["status"]),
        ('[{"title": "A", "area": "gba", "year": 2021, "lead": {"gd": 1}}]', ["lead"]),
        ('[{"title": "A", "area": "gba", "year": 2021, "titles": []}]', ["titles"]),
        ('[{"title": "A", "area": "gba", "year": 2021, "converted": false}]', ["converted"]),
        ('[{"title": "A", "area": "gba", "year": 2021, "converted": {}}]', ["converted"]),
        ('{"title": "A"}', ["array"]),
        ("[1, 2]", ["record 1"]),
        ("[{", ["JSON"]),
    ],
)
def test_import_errors_name_record_and_field_and_change_nothing(empty_db, tmp_path, content, words):
    path = tmp_path / ("in.json" if content.startswith(("[", "{")) else "in.csv")
    path.write_text(content, "utf-8")
    before = empty_db.read_bytes()
    result = invoke("--db", empty_db, "import", path)
    assert result.exit_code == 1
    line = one_error_line(result)
    for word in words:
        assert word in line
    assert empty_db.read_bytes() == before


def test_import_missing_or_binary_file(empty_db, tmp_path):
    assert invoke("--db", empty_db, "import", tmp_path / "nope.csv").exit_code == 1
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    result = invoke("--db", empty_db, "import", binary)
    assert result.exit_code == 1
    assert "UTF-8" in one_error_line(result)


# --------------------------------------------------------------------------- check


def test_check_sound(db_path):
    result = invoke("--db", db_path, "check")
    assert result.exit_code == 0
    assert "sound" in result.stdout
    assert "18 projects" in result.stdout


def test_check_problems_exit_1(db_path):
    data = json.loads(db_path.read_text())
    data["projects"]["3"]["area"] = "moon"
    data["projects"]["4"]["status"] = "finished"
    data["projects"]["99"] = dict(data["projects"]["5"])
    data["projects"]["6"]["agencies"] = ["NOPE"]
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "check")
    assert result.exit_code == 1
    assert "problem" in one_error_line(result)
    out = result.stdout
    assert "project 3: unknown area 'moon'" in out
    assert "project 4: status" in out
    assert "project 99: its id is not below the id counter" in out
    assert "project 6: unknown agency 'NOPE'" in out
    assert db_path.read_bytes() == before


def test_check_duplicate_ids(db_path):
    text = db_path.read_text()
    text = text.replace(' "2": {', ' "3": {', 1)
    db_path.write_text(text)
    result = invoke("--db", db_path, "check")
    assert result.exit_code == 1
    assert "appears twice" in result.stdout


def test_check_unusable_exit_3_and_restore(db_path):
    invoke("--db", db_path, "done", "11")
    good = db_path.with_name("db.json.bak").read_bytes()
    db_path.write_bytes(b"")
    result = invoke("--db", db_path, "check")
    assert result.exit_code == 3
    assert "check --restore" in one_error_line(result)
    assert db_path.read_bytes() == b""
    refused = invoke("--db", db_path, "check", "--restore")
    assert refused.exit_code == 1
    assert db_path.read_bytes() == b""
    restored = invoke("--db", db_path, "check", "--restore", "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert db_path.read_bytes() == good
    aside = [p for p in db_path.parent.iterdir() if ".replaced-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == b""
    assert invoke("--db", db_path, "check").exit_code == 0


def test_restore_without_backup(empty_db):
    result = invoke("--db", empty_db, "check", "--restore", "--yes")
    assert result.exit_code == 3
    assert "no backup" in one_error_line(result)


# --------------------------------------------------------------------------- generated input

CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.sampled_from(
            [
                "title",
                "area",
                "year",
                "status",
                "key",
                "lead",
                "agencies",
                "notes",
                "done_on",
                "id",
                "junk",
            ]
        ),
        min_size=0,
        max_size=6,
        unique=True,
    ),
    rows=st.lists(st.lists(CELL, max_size=7), max_size=4),
    as_json=st.booleans(),
)
def test_generated_import_files_never_crash(empty_db, tmp_path_factory, header, rows, as_json):
    folder = tmp_path_factory.mktemp("gen")
    if as_json:
        records = [dict(zip(header, row, strict=False)) for row in rows]
        path = folder / "in.json"
        path.write_text(json.dumps(records), "utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        path = folder / "in.csv"
        path.write_text(buffer.getvalue(), "utf-8")
    before = empty_db.read_bytes()
    result = invoke("--db", empty_db, "import", path)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 1:
        one_error_line(result)
        assert empty_db.read_bytes() == before
    else:
        invoke("--db", empty_db, "undo")


def test_large_import_shows_progress_on_a_terminal(empty_db, tmp_path, monkeypatch):
    import io

    from ipcoop.cli.commands import data as cli

    rows = "".join(f"Project {i},gba,2021\n" for i in range(2500))
    path = tmp_path / "big.csv"
    path.write_text("title,area,year\n" + rows, "utf-8")
    seen = []
    real = cli._progress

    def watching(total, label):
        seen.append(total)
        return real(total, label)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(cli, "_progress", watching)
    monkeypatch.setattr(cli.sys, "stderr", Terminal())
    with cli._progress(2500, "Checking") as tick:
        assert tick is not None  # a bar is drawn when stderr is a terminal
        tick()
    result = invoke("--db", empty_db, "import", path)
    assert result.exit_code == 0, result.stderr
    assert seen == [2500, 2500]
    assert len(invoke("--db", empty_db, "list", "--json").json()) == 2500


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("30/06/2020", "2020-06-30"),
        ("30-06-2020", "2020-06-30"),
        ("1.7.2020", "2020-07-01"),
        ("2020/6/30", "2020-06-30"),
        ("2020年6月30日", "2020-06-30"),
        ("2020-06-30", "2020-06-30"),
    ],
)
def test_sheet_dates_are_read_day_first(empty_db, tmp_path, cell, stored):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        f"title,area,year,status,done_on,agencies\n"
        f"Seminar,Strengthening guidance service on IP in both places,2020,done,"
        f'{cell},"HKIPD, GDAMR/HKCED"\n',
        "utf-8",
    )
    result = invoke("--db", empty_db, "import", sheet)
    assert result.exit_code == 0, result.stderr
    (project,) = invoke("--db", empty_db, "list", "--json").json()
    assert (project["done_on"], project["area"]) == (stored, "guidance")
    assert project["agencies"] == ["HKIPD", "GDAMR", "HKCED"]


@pytest.mark.parametrize(
    ("cell", "word"),
    [("06/30/2020", "day first"), ("30/06/20", "two-digit"), ("31/02/2020", "not a real date")],
)
def test_ambiguous_sheet_dates_are_refused_not_guessed(empty_db, tmp_path, cell, word):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f"title,area,year,status,done_on\nSeminar,gba,2020,done,{cell}\n", "utf-8")
    before = empty_db.read_bytes()
    result = invoke("--db", empty_db, "import", sheet)
    assert result.exit_code == 1
    assert word in one_error_line(result)
    assert empty_db.read_bytes() == before


def test_export_takes_its_format_from_the_file_name(db_path, tmp_path):
    sheet = tmp_path / "projects.csv"
    assert invoke("--db", db_path, "export", "--output", sheet).exit_code == 0
    assert sheet.read_text("utf-8-sig").startswith("id,uuid,title,title_zh_hk")
    result = invoke("--db", db_path, "export", "--output", tmp_path / "y.docx")
    assert result.exit_code == 1 and "does not write" in one_error_line(result)
    result = invoke("--db", db_path, "export", "--format", "json", "-o", tmp_path / "z.csv")
    assert result.exit_code == 1 and "give --format csv" in one_error_line(result)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".csv")) == [
        "projects.csv"
    ]


def test_reimporting_an_export_reads_the_table_once(db_path, tmp_path, monkeypatch):
    """A sheet back from the other side is matched to its projects in one pass over
    the table, not one search of the file per record (which grew with the square)."""
    from ipcoop.store import rawtable

    sheet = tmp_path / "back.json"
    invoke("--db", db_path, "export", "--output", sheet)
    searches = []
    real = rawtable.RawTable._span

    def counted(self, key, start=None):
        searches.append(start)
        return real(self, key) if start is None else real(self, key, start)

    monkeypatch.setattr(rawtable.RawTable, "_span", counted)
    result = invoke("--db", db_path, "import", sheet)
    assert "left 18 as they were" in result.stderr
    # One forward pass: each search starts where the last one ended, none from the top.
    assert len(searches) == 18 and None not in searches and searches == sorted(searches)


def test_csv_columns_carry_their_own_fields():
    """Every CSV column holds the field its header names (the row is written by hand)."""
    import csv
    import io

    from ipcoop.base import models
    from ipcoop.core import interchange
    from ipcoop.store import shape

    project = shape(
        7,
        stored_project(
            "=The title",
            titles={"zh-hk": "粵港", "zh-cn": "粤港"},
            converted=["zh-cn"],
            status="done",
            key=True,
            lead="hk",
            agencies=["GDAMR", "HKIPD"],
            notes="+notes",
            progress=[
                {"on": "2020-03-02", "by": "GDAMR", "text": "Seminar held"},
                {"on": "2020-05-01", "by": "HK IPD", "text": "Report out"},
            ],
            links=[
                {"url": "https://www.ipd.gov.hk/a", "label": "Press release"},
                {"url": "https://example.org/b", "label": None},
            ],
            starts_on="2020-06-29",
            ends_on="2020-06-30",
            done_on="2020-06-30",
            carried_to="2021",
            updated="2020-07-01T00:00:00Z",
        ),
    )
    (row,) = csv.DictReader(io.StringIO(interchange.to_csv([project])))
    assert tuple(row) == models.CSV_FIELDS
    expected = {
        "id": "7", "uuid": project["uuid"], "title": "'=The title",
        "title_zh_hk": "粵港", "title_zh_cn": "粤港",
        "converted": "zh-cn", "area": "gba", "year": "2020", "programme": "2020",
        "status": "done", "key": "true", "lead": "hk", "agencies": "GDAMR;HKIPD",
        "notes": "'+notes",
        "progress": "2020-03-02 GDAMR: Seminar held\n2020-05-01 HK IPD: Report out",
        "links": "Press release <https://www.ipd.gov.hk/a>\nhttps://example.org/b",
        "phrase": "", "phrase_zh_hk": "", "phrase_zh_cn": "",
        "phrase_back": "", "phrase_back_zh_hk": "", "phrase_back_zh_cn": "",
        "starts_on": "2020-06-29", "ends_on": "2020-06-30",
        "done_on": "2020-06-30", "carried_to": "2021",
        "created": STAMP, "updated": "2020-07-01T00:00:00Z",
    }  # fmt: skip
    assert row == expected
    empty = shape(8, stored_project("t"))
    (row,) = csv.DictReader(io.StringIO(interchange.to_csv([empty])))
    assert (row["title_zh_hk"], row["done_on"], row["key"], row["agencies"]) == (
        "",
        "",
        "false",
        "",
    )


def test_sheets_name_areas_in_chinese_and_leave_optional_cells_blank(db_path, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "title,area,year,lead,key\n"
        "研討會,促進兩地知識產權交流與研討,2020,,是\n"
        "培训,举办两地知识产权宣传教育活动,2020,,否\n",
        "utf-8",
    )
    result = invoke("--db", db_path, "import", sheet)
    assert result.exit_code == 0, result.stderr
    added = {p["title"]: p for p in invoke("--db", db_path, "list", "--json").json()}
    assert (added["研討會"]["area"], added["研討會"]["lead"], added["研討會"]["key"]) == (
        "exchange", "joint", True,
    )  # fmt: skip
    assert (added["培训"]["area"], added["培训"]["key"]) == ("education", False)


def test_a_removed_project_brought_back_by_a_sheet_is_said(cli, tmp_path):
    sheet = tmp_path / "s.csv"
    cli("export", "--output", sheet)
    assert cli("remove", "16", "--yes").exit_code == 0
    planned = cli("import", sheet, "--dry-run").stdout
    assert ", once project 16 (removed)" in planned
    done = cli("import", sheet)
    assert "Note: project 16 was removed; the sheet's row brought it back as project" in (
        done.stderr
    )


def test_an_import_names_the_ids_it_added_as_ranges(db_path, tmp_path):
    sheet = tmp_path / "one.csv"
    sheet.write_text("title,area,year\nOne new seminar,gba,2020\n", "utf-8")
    one = invoke("--db", db_path, "import", sheet)
    assert one.exit_code == 0, one.stderr
    assert "added 1 (id 19)," in one.stderr
    sheet.write_text("title,area,year\nSecond,gba,2020\nThird,gba,2020\n", "utf-8")
    assert "added 2 (ids 20-21)," in invoke("--db", db_path, "import", sheet).stderr


def test_an_imported_row_of_a_year_another_programme_covers_is_refused(db_path, tmp_path):
    """Programme 2022-23 runs from July 2022: a row of year 2022 naming no programme
    would make a calendar programme 2022 beside it, as 'add --year 2022' would not."""
    add = ("programme", "add", "2022-23", "--start", "2022-07", "--end", "2023-12")
    assert invoke("--db", db_path, *add, "--area", "gba").exit_code == 0
    sheet = tmp_path / "rows.csv"
    sheet.write_text("title,area,year\nIP seminar 2022,gba,2022\n", "utf-8")
    before = db_path.read_bytes()
    refused = invoke("--db", db_path, "import", sheet)
    assert refused.exit_code == 1
    assert "programme 2022-23 (2022-07 to 2023-12) covers 2022" in one_error_line(refused)
    assert db_path.read_bytes() == before
    sheet.write_text("title,area,year,programme\nIP seminar 2022,gba,2022,2022-23\n", "utf-8")
    assert invoke("--db", db_path, "import", sheet).exit_code == 0
    keys = [p["key"] for p in invoke("--db", db_path, "programme", "list", "--json").json()]
    assert "2022" not in keys


def test_a_chinese_form_an_import_converts_is_marked_unchecked(db_path, tmp_path):
    """A sheet giving only the Simplified title fills the Traditional one by conversion,
    marked (†) as any conversion is; a sheet changing only the Simplified title again
    converts the Traditional one again; a Traditional title typed in the sheet is a
    person's, no longer marked."""
    assert (
        invoke("--db", db_path, "add", "IP two", "--area", "gba", "--year", "2020").exit_code == 0
    )
    sheet = tmp_path / "sheet.csv"

    def import_with(**cells: str) -> dict:
        invoke("--db", db_path, "export", "--format", "csv", "--output", sheet)
        rows = list(csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig"))))
        row = next(r for r in rows if r["id"] == "19")
        row.update(cells)
        with sheet.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        done = invoke("--db", db_path, "import", sheet)
        assert done.exit_code == 0, done.stderr
        return invoke("--db", db_path, "show", "19", "--json").json()

    shown = import_with(title_zh_cn="第二个讲座")
    assert shown["titles"] == {"zh-cn": "第二个讲座", "zh-hk": "第二個講座"}
    assert shown["converted"] == ["zh-hk"]
    shown = import_with(title_zh_cn="第三个讲座")  # zh-hk was converted: it follows
    assert shown["titles"] == {"zh-cn": "第三个讲座", "zh-hk": "第三個講座"}
    assert shown["converted"] == ["zh-hk"]
    shown = import_with(title_zh_hk="第三個研討會")  # now a person's, and zh-cn stays theirs
    assert shown["titles"] == {"zh-cn": "第三个讲座", "zh-hk": "第三個研討會"}
    assert shown["converted"] == []


def test_an_imported_rows_year_is_its_programmes(db_path, tmp_path):
    """A row of programme 2022-23 with the year 2023 was counted in 2023's list and
    in 2022's summary; a project's year is its programme's first."""
    add = ("programme", "add", "2022-23", "--start", "2022-07", "--end", "2023-12")
    assert invoke("--db", db_path, *add, "--area", "gba").exit_code == 0
    sheet = tmp_path / "rows.csv"
    sheet.write_text("title,area,year,programme\nLate row,gba,2023,2022-23\n", "utf-8")
    assert invoke("--db", db_path, "import", sheet).exit_code == 0
    (row,) = [
        p for p in invoke("--db", db_path, "list", "--json").json() if p["title"] == "Late row"
    ]
    assert (row["programme"], row["year"]) == ("2022-23", 2022)
