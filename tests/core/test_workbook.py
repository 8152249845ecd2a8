"""Excel workbooks both ways: export writes one to edit and send back, import reads
it, and the shapes people send (title rows, Chinese headers, merged cells, Excel
dates in both date systems, ids as 11.0). Reopened with openpyxl, as a reader
other than the writer."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests.helpers import invoke, one_error_line


def _export(db: Path, path: Path) -> openpyxl.Workbook:
    done = invoke("--db", db, "export", "--output", path)
    assert done.exit_code == 0, done.stderr
    return openpyxl.load_workbook(path)


def test_export_writes_a_workbook_made_to_be_edited(db_path, tmp_path):
    invoke("--db", db_path, "done", "13", "--on", "2020-11-30")
    invoke("--db", db_path, "add", '=HYPERLINK("http://x")', "--area", "gba", "--year", "2020")
    book = _export(db_path, tmp_path / "programme.xlsx")
    assert book.sheetnames == ["Projects", "Lists", "Areas and members"]
    sheet = book["Projects"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["id", "uuid", "title"] and "done_on" in header
    col = {name: i for i, name in enumerate(header)}
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert len(rows) == 19
    assert rows[13][col["done_on"]].value == dt.datetime(2020, 11, 30)  # a real date
    assert isinstance(rows[13][col["year"]].value, int)
    formula = rows[19][col["title"]]
    assert formula.value == '=HYPERLINK("http://x")' and formula.data_type == "s"  # text
    assert sheet.freeze_panes == "A2" and sheet.protection.sheet
    assert rows[13][col["uuid"]].protection.locked and not rows[13][col["title"]].protection.locked
    assert book["Lists"].sheet_state == "hidden"
    sources = {
        next(iter(v.sqref.ranges)).min_col - 1: v.formula1
        for v in sheet.data_validations.dataValidation
    }
    assert sources[col["area"]].startswith("Lists!$A$2")
    assert sources[col["status"]].startswith("Lists!$B$2")
    widths = {name: sheet.column_dimensions[chr(65 + i)].width for name, i in col.items() if i < 26}
    assert widths["title_zh_hk"] > widths["id"] and widths["title"] > widths["status"]
    names = [c.value for c in book["Areas and members"]["A"] if c.value]
    assert "gba" in names and "HKIPD" in names


def test_a_workbook_edited_and_sent_back_updates_its_projects(db_path, tmp_path):
    path = tmp_path / "programme.xlsx"
    book = _export(db_path, path)
    sheet = book["Projects"]
    sheet.protection.sheet = False
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == 14)
    row[header.index("title")].value = "Edited in Excel"
    row[header.index("status")].value = "done"
    row[header.index("done_on")].value = dt.datetime(2020, 12, 1)
    row[header.index("id")].value = 14.0  # as some programs write numbers
    book.save(path)
    done = invoke("--db", db_path, "import", path)
    assert done.exit_code == 0, done.stderr
    assert "added 0, updated 1" in done.stderr
    shown = invoke("--db", db_path, "show", "14", "--json").json()
    assert (shown["title"], shown["status"], shown["done_on"]) == (
        "Edited in Excel", "done", "2020-12-01",
    )  # fmt: skip
    assert len(invoke("--db", db_path, "list", "--json").json()) == 18


@pytest.mark.parametrize("system", [1900, 1904])
def test_a_sheet_as_people_send_it(db_path, tmp_path, system):
    """A title row above the header, Chinese headers, a running number, the area in a
    merged cell over two rows, an Excel date number, a year as 2021.0."""
    path = tmp_path / "sent.xlsx"
    book = xlsxwriter.Workbook(path, {"date_1904": system == 1904})
    sheet = book.add_worksheet("2021計劃")
    sheet.write(0, 0, "二〇二一年粵港知識產權合作項目")
    sheet.write_row(2, 0, ["序號", "項目名稱", "範疇", "年份", "狀態", "完成日期"])
    sheet.write_row(3, 0, [1, "知識產權研討會"])
    sheet.merge_range(3, 2, 4, 2, "gba")
    sheet.write_number(3, 3, 2021.0)
    sheet.write_row(3, 4, ["planned"])
    sheet.write_row(4, 0, [2, "商標交流活動"])
    sheet.write_number(4, 3, 2021)
    sheet.write(4, 4, "done")
    serial = (
        dt.date(2021, 11, 1) - (dt.date(1904, 1, 1) if system == 1904 else dt.date(1899, 12, 30))
    ).days
    sheet.write_number(4, 5, serial)  # a date number, not formatted as a date
    book.close()
    done = invoke("--db", db_path, "import", path)
    assert done.exit_code == 0, done.stderr
    added = {p["title"]: p for p in invoke("--db", db_path, "list", "--json").json()}
    assert added["知識產權研討會"]["area"] == "gba" == added["商標交流活動"]["area"]
    assert added["商標交流活動"]["done_on"] == "2021-11-01"
    assert added["知識產權研討會"]["year"] == 2021


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 2**20))


def _huge(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:C1000000"/></worksheet>'
        )


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("damaged", "cannot be read as a workbook"),
        ("old-xls", "Excel 97-2003"),
        ("no-header", "no sheet has a header row"),
        ("unknown-column", "which ipcoop does not know"),
        ("bomb", "would unpack to"),
        ("huge", "1,000,000 rows"),
        # The reader gives an error cell as empty: found in the sheet's own XML.
        ("error-cell", "Sheet 1!A3 holds an Excel error (such as #REF!)"),
    ],
)
def test_a_workbook_that_cannot_be_taken_is_one_line_and_changes_nothing(
    db_path, tmp_path, case, words
):
    path = tmp_path / ("old.xls" if case == "old-xls" else f"{case}.xlsx")
    if case == "damaged":
        _export(db_path, tmp_path / "whole.xlsx")
        path.write_bytes((tmp_path / "whole.xlsx").read_bytes()[:3000])
    elif case == "old-xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    elif case in ("no-header", "unknown-column"):
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("P")
        extra = ["Budget"] if case == "unknown-column" else []
        sheet.write_row(0, 0, (["title", "area", "year"] if extra else ["foo"]) + extra)
        book.close()
    elif case == "error-cell":
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("Sheet 1")
        sheet.write_row(0, 0, ["title", "area", "year", "序號"])
        sheet.write_row(1, 0, ["Seminar", "exchange", 2020])
        sheet.write_formula(1, 3, "=#REF!", None, "#REF!")  # in a column left out: taken
        sheet.write_formula(2, 0, "=#REF!", None, "#REF!")
        sheet.write_row(2, 1, ["exchange", 2020])
        book.close()
    elif case == "bomb":
        _bomb(path)
    else:
        _huge(path)
    before = db_path.read_bytes()
    refused = invoke("--db", db_path, "import", path)
    assert refused.exit_code == 1
    assert words in one_error_line(refused)
    assert db_path.read_bytes() == before


def test_list_and_version_do_not_load_the_workbook_libraries(db_path):
    import subprocess
    import sys

    for args in (["--version"], ["--db", str(db_path), "list"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "ipcoop", *args],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        loaded = done.stderr
        assert "xlsxwriter" not in loaded and "python_calamine" not in loaded, args


def test_a_workbook_goes_to_a_pipe_whole_and_never_to_a_terminal(db_path, tmp_path):
    from tests.helpers import on_terminal, run

    piped = tmp_path / "piped.xlsx"
    with piped.open("wb") as out:
        done = run("--db", db_path, "export", "--format", "xlsx", stdout=out)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(piped)["Projects"].max_row == 19
    code, screen, stderr = on_terminal("--db", db_path, "export", "--format", "xlsx")
    assert code == 1 and screen == ""
    assert stderr.startswith("Error: ") and "not for a terminal" in stderr
    assert len(stderr.splitlines()) == 1
