"""The dates of the group's events (schema 9): add/edit --on or --from/--to, list
--upcoming, show, the summary's months, the annex, CSV and Excel, and the calendar."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from ipcoop import store
from tests.helpers import DATA, invoke, one_error_line


def _json(db, *args) -> list[dict]:
    result = invoke("--db", db, "list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _span(db, pid: int) -> tuple[str | None, str | None]:
    (p,) = [p for p in _json(db) if p["id"] == pid]
    return p["starts_on"], p["ends_on"]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ipcoop.json"
    assert invoke("--db", path, "init").exit_code == 0
    return path


def test_a_schema_8_file_is_upgraded_and_its_projects_gain_dates(tmp_path):
    path = tmp_path / "ipcoop.json"
    shutil.copy(DATA / "schema8.json", path)
    old = json.loads(path.read_text("utf-8"))
    assert old["_meta"]["1"]["schema"] == 8
    assert all("starts_on" not in p for p in old["projects"].values())
    # Read as it is, untouched: every project without an event's date.
    assert {p["starts_on"] for p in _json(path)} == {None}
    assert json.loads(path.read_text("utf-8")) == old  # reading changed nothing
    result = invoke("--db", path, "edit", "14", "--on", "12/11/2020")
    assert result.exit_code == 0, result.stderr
    data = json.loads(path.read_text("utf-8"))
    assert data["_meta"]["1"]["schema"] == store.SCHEMA_VERSION >= 9
    assert {k: data["history"][k] for k in old["history"]} == old["history"]
    assert data["projects"]["14"]["starts_on"] == data["projects"]["14"]["ends_on"] == "2020-11-12"
    assert "starts_on" not in data["projects"]["13"]  # no date: no field, as before
    assert invoke("--db", path, "check").exit_code == 0
    assert invoke("--db", path, "undo").exit_code == 0
    assert "starts_on" not in json.loads(path.read_text("utf-8"))["projects"]["14"]


def test_add_and_edit_set_move_and_clear_an_events_dates(db):
    result = invoke(
        "--db", db, "add", "Business of IP Asia Forum 2020", "--area", "exchange",
        "--year", "2020", "--from", "03/12/2020", "--to", "2020-12-04",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pid = int(result.stdout)
    assert _span(db, pid) == ("2020-12-03", "2020-12-04")
    assert invoke("--db", db, "edit", str(pid), "--to", "2020-12-05").exit_code == 0
    assert _span(db, pid) == ("2020-12-03", "2020-12-05")  # one end moved, the other kept
    assert invoke("--db", db, "edit", str(pid), "--on", "2020-11-12").exit_code == 0
    assert _span(db, pid) == ("2020-11-12", "2020-11-12")
    shown = invoke("--db", db, "show", str(pid))
    assert "Date" in shown.stdout and "2020-11-12" in shown.stdout
    assert "舉行日期" in invoke("--db", db, "show", str(pid), "--lang", "zh-hk").stdout
    assert invoke("--db", db, "edit", str(pid), "--no-date").exit_code == 0
    assert _span(db, pid) == (None, None)
    assert "starts_on" not in json.loads(db.read_text("utf-8"))["projects"][str(pid)]
    log = invoke("--db", db, "log", str(pid)).stdout
    assert "2020-11-12" in log


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "2020-12-05", "--to", "2020-12-03"], "--to 2020-12-03 is before --from"),
        (["--on", "2020-12-05", "--from", "2020-12-03"], "give the event's date with --on, or"),
        (["--to", "2020-12-03"], "a span needs --from as well"),
        (["--on", "31/02/2020"], "is not a real date"),
        (["--on", "12/31/2020"], "looks month-first"),
        (["--on", "next week"], "--on must be a date"),
    ],
)
def test_a_bad_date_is_refused_in_one_line_and_changes_nothing(db, args, words):
    before = db.read_bytes()
    result = invoke("--db", db, "add", "Seminar", "--area", "exchange", "--year", "2020", *args)
    assert result.exit_code == 1  # a bad value
    assert words in one_error_line(result)
    assert db.read_bytes() == before


def test_edit_moving_one_end_past_the_other_is_refused(db):
    assert (
        invoke("--db", db, "edit", "13", "--from", "2020-11-12", "--to", "2020-11-14").exit_code
        == 0
    )
    before = db.read_bytes()
    result = invoke("--db", db, "edit", "13", "--from", "2020-11-20")
    assert "before it starts on 2020-11-20" in one_error_line(result)
    result = invoke("--db", db, "edit", "13", "--no-date", "--on", "2020-11-20")
    assert "--no-date" in one_error_line(result)
    assert db.read_bytes() == before


def test_list_upcoming_lists_what_is_coming_soonest_first(db):
    today = dt.date.today()

    def day(n: int) -> str:
        return (today + dt.timedelta(days=n)).isoformat()

    plan = {
        13: (day(20), day(21)),
        14: (day(3), day(3)),
        15: (day(-2), day(1)),
        16: (day(40), day(40)),
    }
    for pid, (first, last) in plan.items():
        assert invoke("--db", db, "edit", str(pid), "--from", first, "--to", last).exit_code == 0
    assert invoke("--db", db, "edit", "12", "--on", day(5)).exit_code == 0
    assert invoke("--db", db, "drop", "12").exit_code == 0  # dropped: not coming
    assert [p["id"] for p in _json(db, "--upcoming", "30d")] == [15, 14, 13]  # 15 under way
    assert [p["id"] for p in _json(db, "--upcoming", "1w")] == [15, 14]
    assert [p["id"] for p in _json(db, "--upcoming", "30d", "--sort", "-id")] == [15, 14, 13]
    table = invoke("--db", db, "list", "--upcoming", "2w").stdout
    assert "Date" in table and day(3) in table


def test_list_upcoming_a_month_and_bad_windows(db):
    assert (
        invoke("--db", db, "edit", "13", "--from", "2020-10-30", "--to", "2020-11-02").exit_code
        == 0
    )
    assert invoke("--db", db, "edit", "14", "--on", "2020-11-30").exit_code == 0
    assert invoke("--db", db, "edit", "15", "--on", "2020-12-01").exit_code == 0
    assert [p["id"] for p in _json(db, "--upcoming", "2020-11")] == [13, 14]
    for bad in ("soon", "2020-13", "0d"):
        result = invoke("--db", db, "list", "--upcoming", bad)
        assert result.exit_code == 1  # a bad value, not a usage error
        assert "--upcoming" in one_error_line(result)


def test_the_summary_says_what_took_place_each_month_and_the_annex_gives_dates(db):
    assert invoke("--db", db, "edit", "13", "--on", "2020-11-12").exit_code == 0
    assert (
        invoke("--db", db, "edit", "14", "--from", "2020-11-30", "--to", "2020-12-02").exit_code
        == 0
    )
    assert invoke("--db", db, "edit", "15", "--on", "2020-12-01").exit_code == 0
    assert invoke("--db", db, "drop", "15").exit_code == 0
    db.with_name(db.name + ".cache").unlink()  # (a key project with a date, read twice)
    for attempt in range(2):  # counted from the file, then from the cache
        figures = json.loads(invoke("--db", db, "summary", "2020", "--json").stdout)
        assert [p["id"] for p in figures["events"]] == [13, 14], attempt
    text = invoke("--db", db, "summary", "2020").stdout
    assert "Events by month" in text and "2020-11-30 to 12-02" in text
    assert "各月活動" in invoke("--db", db, "summary", "2020", "--lang", "zh-hk").stdout
    release = invoke("--db", db, "release", "2020").stdout
    assert "Contest 2020 (12 November 2020)" in release
    assert "(30 November – 2 December 2020)" in release
    zh = invoke("--db", db, "release", "2020", "--lang", "zh-hk").stdout
    assert "（二○二○年十一月三十日至十二月二日）" in zh
    cn = invoke("--db", db, "release", "2020", "--lang", "zh-cn").stdout
    assert "（2020年11月12日）" in cn


def test_csv_and_excel_carry_the_dates_both_ways(db, tmp_path):
    assert invoke("--db", db, "edit", "13", "--on", "2020-11-12").exit_code == 0
    sheet = tmp_path / "projects.csv"
    assert invoke("--db", db, "export", "-o", sheet).exit_code == 0
    text = sheet.read_text("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header.index("starts_on") < header.index("ends_on") < header.index("done_on")
    fields = {n: i for i, n in enumerate(header)}
    import csv
    import io

    table = list(csv.reader(io.StringIO(text)))  # the sheet sent back, 14 dated by hand
    for row in table[1:]:
        if row[0] == "14":
            row[fields["starts_on"]], row[fields["ends_on"]] = "30/11/2020", "2/12/2020"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    edited = out.getvalue()
    sheet.write_text(edited, "utf-8")
    result = invoke("--db", db, "import", sheet)
    assert result.exit_code == 0, result.stderr
    assert _span(db, 14) == ("2020-11-30", "2020-12-02")
    assert _span(db, 13) == ("2020-11-12", "2020-11-12")

    openpyxl = pytest.importorskip("openpyxl")
    book_path = tmp_path / "programme.xlsx"
    assert invoke("--db", db, "export", "-o", book_path).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    sheet_ = book["Projects"]
    head = [c.value for c in sheet_[1]]
    col = head.index("starts_on") + 1
    row = next(r for r in range(2, sheet_.max_row + 1) if sheet_.cell(r, 1).value == 14)
    assert sheet_.cell(row, col).value == dt.datetime(2020, 11, 30)  # a date Excel knows


def test_a_workbook_with_a_chinese_date_column_of_excel_numbers(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["項目名稱", "範疇", "年度", "舉行日期", "結束日期"])
    sheet.append(["粵港知識產權研討會", "exchange", 2020, 44147, 44148])  # 12-13/11/2020
    sheet.append(["Another seminar", "exchange", 2020, 44166, None])  # 1/12/2020
    path = tmp_path / "sent.xlsx"
    book.save(path)
    result = invoke("--db", db, "import", path)
    assert result.exit_code == 0, result.stderr
    made = {p["title"]: (p["starts_on"], p["ends_on"]) for p in _json(db)}
    assert made["粵港知識產權研討會"] == ("2020-11-12", "2020-11-13")
    assert made["Another seminar"] == ("2020-12-01", "2020-12-01")


def test_a_sheet_with_an_end_but_no_start_is_refused_whole(db, tmp_path):
    sheet = tmp_path / "sent.csv"
    sheet.write_text("title,area,year,ends_on\nSeminar,exchange,2020,2020-11-12\n", "utf-8")
    before = db.read_bytes()
    result = invoke("--db", db, "import", sheet)
    assert "row 2: ends_on is 2020-11-12 but starts_on is not set" in one_error_line(result)
    assert db.read_bytes() == before


def test_summary_as_a_workbook_has_the_figures_totals_as_formulas_and_the_events(db, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    assert invoke("--db", db, "done", "13", "--on", "2020-11-30").exit_code == 0
    assert invoke("--db", db, "edit", "14", "--on", "2020-11-12").exit_code == 0
    path = tmp_path / "summary.xlsx"
    result = invoke("--db", db, "summary", "2020", "-o", path, "--lang", "zh-hk")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(invoke("--db", db, "summary", "2020", "--json").stdout)
    sheet = openpyxl.load_workbook(path)["摘要"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "二○二○年合作項目"
    head = rows[3]
    assert head[:3] == ["範疇", "總數", "已完成"]
    total_row = next(r for r in rows if r[0] == "所有範疇")
    assert total_row[1] == f"=SUM(B5:B{4 + len(figures['areas'])})"
    gba = next(r for r in rows if r[0] == "加強粵港澳大灣區知識產權合作")
    assert gba[1:3] == [1, 1] and gba[head.index("完成率")] == 1.0  # a number, as a percentage
    cell = sheet.cell(rows.index(gba) + 1, head.index("完成率") + 1)
    assert cell.number_format == "0.0%"
    events = rows.index(next(r for r in rows if r[0] == "各月活動"))
    assert rows[events + 1][:3] == ["知識產權訴訟及司法保護交流活動", 14, dt.datetime(2020, 11, 12)]


def test_rows_read_cheaply_leave_the_records_whole_for_a_later_read(db):
    """The screen lists the rows, then reads the programme's key projects from the same
    database: the cheap rows once gave every undated record empty dates, which the
    full read then took for damage."""
    from ipcoop.core import database

    assert invoke("--db", db, "edit", "13", "--on", "2020-11-12").exit_code == 0
    opened = database.open_read(db)
    rows = {p["id"]: p for p in opened.rows()}
    assert rows[13]["starts_on"] == "2020-11-12" and "starts_on" not in rows[14]
    (p11, p13) = opened.projects_by_id([11, 13])
    assert (p11["starts_on"], p13["starts_on"]) == (None, "2020-11-12")


def test_a_sheet_without_some_columns_leaves_those_fields_alone(db, tmp_path):
    """A column deleted from an exported sheet clears nothing (it had cleared every
    project's dates, notes and agencies)."""
    import csv
    import io

    assert (
        invoke("--db", db, "edit", "14", "--from", "2020-11-30", "--to", "2020-12-02").exit_code
        == 0
    )
    sheet = tmp_path / "projects.csv"
    assert invoke("--db", db, "export", "-o", sheet).exit_code == 0
    table = list(csv.reader(io.StringIO(sheet.read_text("utf-8-sig"))))
    dropped = {"starts_on", "ends_on", "notes", "agencies", "done_on", "title_zh_hk"}
    keep = [i for i, name in enumerate(table[0]) if name not in dropped]
    title_at = table[0].index("title")
    for row in table[1:]:
        if row[0] == "15":
            row[title_at] = "Exchange activities on trademarks (renamed)"
    out = io.StringIO()
    csv.writer(out).writerows([[row[i] for i in keep] for row in table])
    sheet.write_text(out.getvalue(), "utf-8")
    before = projects_by_id = {p["id"]: p for p in _json(db)}
    dry = invoke("--db", db, "import", sheet, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "update 15: title" in dry.stdout and "starts_on" not in dry.stdout
    assert invoke("--db", db, "import", sheet).exit_code == 0
    after = {p["id"]: p for p in _json(db)}
    assert after[15]["title"].endswith("(renamed)")
    for pid, p in before.items():
        for field in ("starts_on", "ends_on", "notes", "agencies", "done_on", "titles"):
            assert after[pid][field] == p[field], (pid, field)
    assert projects_by_id is before


def test_dates_out_of_range_and_empty_windows_are_refused(db):
    for args in (["--on", "9999-12-31"], ["--on", "0001-01-01"], ["--on", "01/01/1999"]):
        result = invoke("--db", db, "edit", "13", *args)
        assert "out of range (2000-2100)" in one_error_line(result), args
    for bad in ("", "0000-01", "99999d"):
        result = invoke("--db", db, "list", "--upcoming", bad)
        assert "--upcoming" in one_error_line(result), bad


def test_summary_documents_list_the_events_and_a_midnight_date_is_a_date(db, tmp_path):
    assert invoke("--db", db, "edit", "13", "--on", "2020-11-12").exit_code == 0
    md = invoke("--db", db, "summary", "2020", "--format", "md").stdout
    assert "### Events by month" in md and "- 2020-11-12: Guangdong-Hong Kong-Macao" in md
    html = invoke("--db", db, "summary", "2020", "--format", "html").stdout
    assert "Events by month" in html
    sheet = tmp_path / "sent.csv"
    sheet.write_text("title,area,year,starts_on\nSeminar,exchange,2020,2020-10-05 00:00:00\n")
    assert invoke("--db", db, "import", sheet).exit_code == 0
    assert [p["starts_on"] for p in _json(db) if p["title"] == "Seminar"] == ["2020-10-05"]


def test_a_sheet_without_the_end_column_keeps_each_events_end(db, tmp_path):
    import csv
    import io

    assert (
        invoke("--db", db, "edit", "13", "--from", "2020-11-12", "--to", "2020-11-14").exit_code
        == 0
    )
    sheet = tmp_path / "p.csv"
    assert invoke("--db", db, "export", "-o", sheet).exit_code == 0
    table = list(csv.reader(io.StringIO(sheet.read_text("utf-8-sig"))))
    drop = table[0].index("ends_on")
    out = io.StringIO()
    csv.writer(out).writerows([row[:drop] + row[drop + 1 :] for row in table])
    sheet.write_text(out.getvalue(), "utf-8")
    dry = invoke("--db", db, "import", sheet, "--dry-run")
    assert "update" not in dry.stdout, dry.stdout  # nothing changes
    assert invoke("--db", db, "import", sheet).exit_code == 0
    assert _span(db, 13) == ("2020-11-12", "2020-11-14")


def test_a_hand_edited_event_or_phrase_is_refused_as_damage_not_a_failure(db):
    data = json.loads(db.read_text("utf-8"))
    data["projects"]["13"]["starts_on"] = "2020-02-30"
    data["projects"]["13"]["ends_on"] = "2020-02-30"
    data["projects"]["14"]["phrases"] = {"en": 5}
    data["programmes"]["2020"]["statement"] = 5
    db.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    before = db.read_bytes()
    check = invoke("--db", db, "check")
    assert check.exit_code != 0
    assert "not a real date" in check.stdout + check.stderr
    assert "statement is malformed" in check.stdout + check.stderr
    for args in (
        ["export", "--format", "ics"],
        ["show", "13"],
        ["release", "2020"],
        ["programme", "show", "2020"],
    ):
        result = invoke("--db", db, *args)
        assert "unexpected failure" not in result.stderr, args
        if result.exit_code:  # refused: the database cannot be used as it is
            assert result.exit_code == 3 and "damaged record" in one_error_line(result), args
    assert db.read_bytes() == before


def test_chinese_spaces_are_text_in_a_phrase(db):
    result = invoke(
        "--db", db, "edit", "14", "--phrase-zh-hk", "繼續\u3000推動", "--phrase", "a\u00a0b"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(invoke("--db", db, "show", "14", "--json").stdout)["phrases"]["zh-hk"] == (
        "繼續\u3000推動"
    )


def test_settling_a_phrase_conflict_keeps_the_chosen_phrase(db):
    """settle had said it kept a phrase and kept the other (a phrase is a dict of its
    own, not a group of fields)."""
    data = json.loads(db.read_text("utf-8"))
    record = data["projects"]["16"]
    record["phrases"] = {"en": "gd16", "zh-cn": None, "zh-hk": None}
    record["conflicts"] = {
        "phrases": [
            {
                "at": "2026-01-01T00:00:01Z",
                "by": "hk",
                "value": {"en": "hk16", "zh-cn": None, "zh-hk": None},
            },
            {
                "at": "2026-01-01T00:00:02Z",
                "by": "gd",
                "value": {"en": "gd16", "zh-cn": None, "zh-hk": None},
            },
        ]
    }
    db.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = invoke("--db", db, "settle", "16", "phrases", "1")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(invoke("--db", db, "show", "16", "--json").stdout)
    assert shown["phrases"]["en"] == "hk16"
    assert json.loads(invoke("--db", db, "conflicts", "--json").stdout) == []
