"""Reading an Excel workbook for `import`: what export wrote, and what people send.

python-calamine (loaded only here) reads the cells; this module finds the sheet
and its header row (a title row or two may sit above it; headers in English or
either Chinese script), fills merged cells down, turns Excel date numbers (1900
or 1904 date system) into dates and 11.0 into 11, and hands back the rows as
CSV cells, so that the rest is the CSV import's. A problem is named as Excel
shows the cell: `Projects!C14`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ipcoop.base import models
from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr

# Header names as people write them, folded (no case, spaces or punctuation).
SYNONYMS = {
    "title": ("title", "project", "projecttitle", "標題", "标题", "項目", "项目",
              "項目名稱", "项目名称", "名稱", "名称"),
    "title_zh_hk": ("titlezhhk", "繁體標題", "繁体标题", "標題繁體", "标题繁体", "中文標題"),
    "title_zh_cn": ("titlezhcn", "簡體標題", "简体标题", "標題簡體", "标题简体", "简体中文标题"),
    "area": ("area", "範疇", "范畴", "領域", "领域", "方面", "合作範疇", "合作范畴"),
    "year": ("year", "年份", "年度"),
    "programme": ("programme", "program", "計劃", "计划", "合作計劃", "合作计划"),
    "status": ("status", "狀態", "状态", "進度", "进度"),
    "key": ("key", "keyproject", "重點", "重点", "重點項目", "重点项目"),
    "lead": ("lead", "牽頭", "牵头", "主導", "主导", "牽頭方", "牵头方"),
    "agencies": ("agencies", "agency", "參與單位", "参与单位", "單位", "单位", "機構", "机构"),
    "notes": ("notes", "note", "備註", "备注"),
    "done_on": ("doneon", "done", "完成日期", "完成"),
    "starts_on": ("startson", "start", "from", "date", "eventdate", "日期", "開始日期",
                  "开始日期", "舉行日期", "举办日期", "举行日期", "活動日期", "活动日期"),
    "ends_on": ("endson", "end", "to", "結束日期", "结束日期"),
}  # fmt: skip
ROW_NUMBERS = ("序號", "序号", "no", "編號", "编号", "#")  # a running number: left out
_FOLD = re.compile(r"[\s_()（）:：.\-/]+")
MAX_ROWS = 200_000  # a sheet of projects is tens of rows; far beyond is not one
MAX_UNPACKED = 256 * 2**20  # what the workbook's parts may take once unzipped


def _fold(text: str) -> str:
    return _FOLD.sub("", text).lower()


_KNOWN = {
    **{_fold(f): f for f in models.CSV_FIELDS},
    **{_fold(s): field for field, names in SYNONYMS.items() for s in names},
}


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inspect(path: Path) -> tuple[bool, dict[str, set[str]]]:
    """Whether the workbook counts its dates from 1904 (old Excel for Mac), and the cells
    of each sheet that hold an error (#REF!), which the reader gives as empty."""
    errors: dict[str, set[str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
            if unpacked > MAX_UNPACKED:
                raise IpcoopError(
                    tr(
                        "{path} would unpack to {value} MB; a workbook of projects is far "
                        "smaller (a damaged file, or not a sheet of projects)"
                    ).format(path=path, value=unpacked // 2**20)
                )
            for info in archive.infolist():  # a sheet's size, before a reader loads it
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as part:
                        found = re.search(
                            rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', part.read(2048)
                        )
                    if found and int(found.group(1)) > MAX_ROWS:
                        raise IpcoopError(
                            tr(
                                "{path} has a sheet of {group:,} rows; "
                                "ipcoop imports sheets of up to {max_rows:,}"
                            ).format(path=path, group=int(found.group(1)), max_rows=MAX_ROWS)
                        )
                    errors[info.filename] = _error_cells(archive.read(info))
            xml = archive.read("xl/workbook.xml")
            by_name = _sheet_parts(xml, archive.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error):
        return False, {}
    named = {name: errors.get(part, set()) for name, part in by_name.items()}
    return bool(re.search(rb'date1904="(1|true)"', xml[:4096])), named


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?\bt="e"')


def _error_cells(xml: bytes) -> set[str]:
    return {m.group(1).decode() for m in _ERROR_CELL.finditer(xml)} if b't="e"' in xml else set()


def _sheet_parts(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Each sheet's name and the part that holds it (xl/worksheets/sheet1.xml)."""
    import html

    targets = {
        m.group(1).decode(): m.group(2).decode()
        for m in re.finditer(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', rels)
    }
    targets.update(
        (m.group(2).decode(), m.group(1).decode())
        for m in re.finditer(rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"', rels)
    )
    out = {}
    for m in re.finditer(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"', workbook):
        target = targets.get(m.group(2).decode(), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[html.unescape(m.group(1).decode("utf-8", "replace"))] = part
    return out


def read(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(where, {field: cell text}) for each row of the projects sheet."""
    try:
        import python_calamine as calamine
    except ImportError:  # pragma: no cover - installed with ipcoop
        raise IpcoopError(tr("reading .xlsx needs python-calamine; reinstall ipcoop")) from None
    if path.suffix.lower() == ".xls" or _old_format(path):
        raise IpcoopError(
            tr(
                "{path} is an Excel 97-2003 workbook (.xls); save it as .xlsx and import that"
            ).format(path=path)
        )
    since_1904, errors = _inspect(path)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors for every kind of damage
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "password" in reason.lower() or "encrypt" in reason.lower():
            reason = "it is protected by a password; save a copy without one"
        raise IpcoopError(
            tr("{path} cannot be read as a workbook ({reason})").format(path=path, reason=reason)
        ) from None
    for name in sorted(book.sheet_names, key=lambda n: n != "Projects"):
        sheet = book.get_sheet_by_name(name)
        if sheet.total_height > MAX_ROWS:
            raise IpcoopError(
                tr(
                    "{path}: the sheet {name!r} has {total_height:,} rows; ipcoop imports "
                    "sheets of up to {max_rows:,}"
                ).format(path=path, name=name, total_height=sheet.total_height, max_rows=MAX_ROWS)
            )
        rows = sheet.to_python(skip_empty_area=False)
        _fill_merged(rows, sheet)
        found = _header(rows)
        if found is not None:
            _no_errors(path, name, errors.get(name, set()), found)
            return _records(path, name, rows, found, since_1904)
    raise IpcoopError(
        tr(
            "{path}: no sheet has a header row naming title, area and year (in "
            "English or Chinese); 'ipcoop export --output programme.xlsx' shows "
            "the columns"
        ).format(path=path)
    )


def _no_errors(
    path: Path, sheet: str, cells: set[str], found: tuple[int, list[str | None]]
) -> None:
    """Refuse a cell of a known column below the header that holds an Excel error."""
    start, fields = found
    columns = {column_letter(c) for c, field in enumerate(fields) if field}
    for ref in sorted(cells, key=lambda r: (int(re.sub("[A-Z]", "", r)), len(r), r)):
        letters, row = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
        if letters in columns and int(row) > start + 1:
            raise IpcoopError(
                tr(
                    "{path}: {sheet}!{ref} holds an Excel error (such as #REF!); correct "
                    "it in the workbook and import again"
                ).format(path=path, sheet=sheet, ref=ref)
            )


def _old_format(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .xls, or encrypted
    except OSError:
        return False


def _fill_merged(rows: list[list[Any]], sheet: Any) -> None:
    """A merged cell's value in every cell it covers (an area typed once over rows)."""
    try:
        merged = sheet.merged_cell_ranges or []
    except Exception:  # not every reader version knows them
        merged = []
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                rows[r][c] = value


def _header(rows: list[list[Any]]) -> tuple[int, list[str | None]] | None:
    """The header row among the first rows: the one naming title, area and year."""
    for index, row in enumerate(rows[:30]):
        fields: list[str | None] = []
        for cell in row:
            text = _fold(str(cell)) if isinstance(cell, str) else ""
            fields.append(_KNOWN.get(text) if text not in ROW_NUMBERS else None)
        if {"title", "area", "year"} <= set(fields):
            return index, fields
    return None


def _records(
    path: Path, sheet: str, rows: list[list[Any]], found: tuple[int, list[str | None]], old: bool
) -> list[tuple[str, dict[str, str]]]:
    start, fields = found
    header = rows[start]
    for col, (field, cell) in enumerate(zip(fields, header, strict=False)):
        text = str(cell).strip() if cell is not None else ""
        if field is None and text and _fold(text) not in ROW_NUMBERS:
            raise IpcoopError(
                tr(
                    "{path}: {sheet}!{column_letter}{value} names the column {text!r}, "
                    "which ipcoop does not know (columns: {items}, or their Chinese names)"
                ).format(
                    path=path,
                    sheet=sheet,
                    column_letter=column_letter(col),
                    value=start + 1,
                    text=text,
                    items=", ".join(models.CSV_FIELDS),
                )
            )
    named = [f for f in fields if f]
    if len(set(named)) != len(named):
        twice = next(f for f in named if named.count(f) > 1)
        raise IpcoopError(
            tr("{path}: {sheet}!{value} names the column {twice!r} twice").format(
                path=path, sheet=sheet, value=start + 1, twice=twice
            )
        )
    out = []
    for index in range(start + 1, len(rows)):
        row = rows[index]
        record: dict[str, str] = {}
        for col, field in enumerate(fields):
            if field is None:
                continue
            value = row[col] if col < len(row) else None
            where = f"{sheet}!{column_letter(col)}{index + 1}"
            record[field] = _text(value, field, where, old)
        if any(v.strip() for v in record.values()):
            out.append((f"{sheet}!{index + 1}", record))
    return out


def _text(value: Any, field: str, where: str, old: bool) -> str:
    """A cell as the CSV import would have it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if field in models.DATE_FIELDS else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta | dt.time):
        raise IpcoopError(
            tr("{where} holds a time of day, not a {field}").format(where=where, field=field)
        )
    if isinstance(value, float):
        if field in models.DATE_FIELDS and 1 <= value < 2_958_466:  # an Excel date number
            base = dt.date(1904, 1, 1) if old else dt.date(1899, 12, 30)
            return (base + dt.timedelta(days=int(value))).isoformat()
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith("#") and text.rstrip("!?0/").upper() in _ERRORS:
        raise IpcoopError(
            tr("{where} holds the error {text}; correct it in the workbook").format(
                where=where, text=text
            )
        )
    return text


_ERRORS = {"#REF", "#VALUE", "#DIV", "#N/A", "#NAME", "#NUM", "#NULL", "#GETTING_DATA"}
