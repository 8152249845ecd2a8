"""The projects as an Excel workbook, made to be edited and sent back (`export
--format xlsx`); XlsxWriter is loaded only here.

The Projects sheet has export's columns (import reads them back, as from CSV):
a frozen, styled header; widths that fit Chinese (a wide character takes two);
drop-down lists for area, status, lead and key, kept on a hidden sheet (a list
written inline is capped at 255 characters); the identity columns (id, uuid,
created, updated) locked and shaded, the sheet protected without a password so
that they are not edited by mistake; the done date a real date; every other
cell written as text, so a title starting with '=' or holding a web address is
never a formula or a link. A second sheet lists the areas and members in the
three languages.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ipcoop.base import models
from ipcoop.reports.cells import cell_len

if TYPE_CHECKING:
    from ipcoop.base.records import Project

IDENTITY = ("id", "uuid", "created", "updated")
WIDEST = 60  # cells: a longer title wraps inside its column
LISTS = "Lists"


def _cells(project: Project) -> list[Any]:
    """A project's values as the CSV has them, its dates dates Excel knows."""
    from ipcoop.core.interchange import cells

    values = cells(project)
    for field in models.DATE_FIELDS:
        at = models.CSV_FIELDS.index(field)
        if values[at]:
            values[at] = dt.date.fromisoformat(values[at])
    return values


def projects_workbook(
    projects: Sequence[Project],
    areas: Sequence[dict[str, Any]],
    members: Sequence[dict[str, Any]],
) -> bytes:
    import xlsxwriter  # type: ignore[import-untyped]

    out = io.BytesIO()
    never = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(out, {"in_memory": True, **never})
    head = book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "locked": True})
    fixed = book.add_format({"bg_color": "#EEEEEE", "locked": True, "valign": "top"})
    free = book.add_format({"locked": False, "valign": "top", "text_wrap": True})
    date = book.add_format({"locked": False, "valign": "top", "num_format": "yyyy-mm-dd"})
    number = book.add_format({"locked": False, "valign": "top"})
    sheet = book.add_worksheet("Projects")
    fields = models.CSV_FIELDS
    rows = [_cells(p) for p in projects]
    for col, name in enumerate(fields):
        sheet.write_string(0, col, name, head)
        style = fixed if name in IDENTITY else date if name in models.DATE_FIELDS else free
        if name in ("year", "carried_to"):
            style = number
        for row, values in enumerate(rows, start=1):
            _write(sheet, row, col, values[col], style)
        texts = [name, *(_shown(v[col]) for v in rows)]
        width = max(cell_len(line) for t in texts for line in (t.splitlines() or [""]))
        sheet.set_column(col, col, min(max(width, len(name)) + 2, WIDEST), style)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(fields) - 1)
    _drop_downs(book, sheet, fields, areas, max(len(rows), 1) + 500)
    sheet.protect("", {"autofilter": True, "sort": True, "format_columns": True,
                       "format_rows": True, "insert_rows": True, "delete_rows": True})  # fmt: skip
    _reference(book, head, areas, members)
    book.close()
    return out.getvalue()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write(sheet: Any, row: int, col: int, value: Any, style: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), style)
    elif isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, str(value), style)  # never a formula, never a link


def _drop_downs(
    book: Any, sheet: Any, fields: Sequence[str], areas: Sequence[dict[str, Any]], last: int
) -> None:
    """Lists for area, status, lead and key, kept on a hidden sheet."""
    lists = book.add_worksheet(LISTS)
    choices = {
        "area": [a["key"] for a in areas],
        "status": list(models.STATUSES),
        "lead": list(models.LEADS),
        "key": ["true", "false"],
    }
    for col, (name, values) in enumerate(choices.items()):
        lists.write_string(0, col, name)
        for row, value in enumerate(values, start=1):
            lists.write_string(row, col, value)
        letter = chr(ord("A") + col)
        target = fields.index(name)
        sheet.data_validation(
            1, target, last, target,
            {"validate": "list", "source": f"={LISTS}!${letter}$2:${letter}${len(values) + 1}",
             "error_title": name, "error_message": f"Choose the {name} from the list."},
        )  # fmt: skip
    lists.hide()


def _reference(
    book: Any, head: Any, areas: Sequence[dict[str, Any]], members: Sequence[dict[str, Any]]
) -> None:
    """The areas and members in the three languages, to read the codes by."""
    sheet = book.add_worksheet("Areas and members")
    rows: list[list[Any]] = [["area", "name", "zh-hk", "zh-cn", "from", "until"]]
    for a in areas:
        names = a.get("names") or {}
        rows.append([a["key"], a["name"], names.get("zh-hk"), names.get("zh-cn"),
                     a.get("from"), a.get("until")])  # fmt: skip
    rows.append([])
    rows.append(["member", "name", "zh-hk", "zh-cn", "side", "leader"])
    for m in members:
        names = m.get("names") or {}
        rows.append([m["code"], m["name"], names.get("zh-hk"), names.get("zh-cn"),
                     m.get("side"), m.get("leader")])  # fmt: skip
    widths = [0] * 6
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            style = head if values and values[0] in ("area", "member") else None
            _write(sheet, r, c, value if not isinstance(value, bool) else str(value), style)
            widths[c] = max(widths[c], cell_len(_shown(value)))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, min(width + 2, WIDEST))


def summary_workbook(summary: dict[str, Any], lang: str = "en") -> bytes:
    """The summary as a sheet (`summary --format xlsx`): the headline, the areas' figures
    with their totals as formulas, the key projects, and the months."""
    import xlsxwriter

    from ipcoop.base.words import WORDS
    from ipcoop.reports import report
    from ipcoop.reports.sentences import headline

    say = WORDS[lang]
    out = io.BytesIO()
    never = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(out, {"in_memory": True, **never})
    styles = {
        "big": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "head": book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1}),
        "total": book.add_format({"bold": True, "top": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "total percent": book.add_format({"num_format": "0.0%", "bold": True, "top": 1}),
    }
    sheet = book.add_worksheet(say["Summary"])
    sheet.write_string(0, 0, report.title(summary, lang), styles["big"])
    sheet.write_string(1, 0, headline(summary, lang))
    row, columns = _area_figures(sheet, styles, summary, lang, 3)
    row = _project_lists(sheet, styles, summary, lang, row + 2)
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, max(columns, 3), 12)
    book.close()
    return out.getvalue()


def _area_figures(
    sheet: Any, styles: dict[str, Any], summary: dict[str, Any], lang: str, top: int
) -> tuple[int, int]:
    """The areas' table from row `top`; the totals are formulas (with their values)."""
    from ipcoop.base.words import WORDS
    from ipcoop.core.languages import name_in

    say = WORDS[lang]
    carried = bool(summary.get("carried"))
    names = ["Area", "Total", "Done", "Open", "Dropped", *(["Carried"] if carried else [])]
    for col, name in enumerate([*names, "Done %"]):
        sheet.write_string(top, col, say[name], styles["head"])

    def figures(row: dict[str, Any]) -> list[int]:
        cells = [row["total"], row["done"], row["planned"] + row["active"], row["dropped"]]
        return cells + ([row["carried"]] if carried else [])

    row = top
    for row, area in enumerate(summary["areas"], start=top + 1):
        sheet.write_string(row, 0, name_in(area, lang), styles["wrap"])
        for col, n in enumerate(figures(area), start=1):
            sheet.write_number(row, col, n)
        _percent(sheet, row, len(names), area, styles["percent"])
    last = row + 1
    sheet.write_string(last, 0, say["All areas"], styles["total"])
    for col, n in enumerate(figures(summary), start=1):
        letter = chr(ord("A") + col)
        formula = f"=SUM({letter}{top + 2}:{letter}{last})"
        sheet.write_formula(last, col, formula, styles["total"], n)
    _percent(sheet, last, len(names), summary, styles["total percent"])
    return last, len(names)


def _percent(sheet: Any, row: int, col: int, figures: dict[str, Any], style: Any) -> None:
    """The share done as a number Excel shows as a percentage; a dash when nothing counts."""
    from ipcoop.core.summary import counted

    if counted(figures) and isinstance(figures.get("percent_done"), int | float):
        sheet.write_number(row, col, figures["percent_done"] / 100, style)
    else:
        sheet.write_string(row, col, "—", style)


def _project_lists(
    sheet: Any, styles: dict[str, Any], summary: dict[str, Any], lang: str, row: int
) -> int:
    """The key projects, done projects by month, and the events, from row `row`."""
    from ipcoop.base.words import WORDS
    from ipcoop.core.languages import title_in

    say = WORDS[lang]
    keys = summary["key_projects"]
    sheet.write_string(row, 0, f"{say['Key projects']} ({len(keys)})", styles["bold"])
    for col, name in enumerate(("Title", "ID", "Status", "Done on")):
        sheet.write_string(row + 1, col, say[name], styles["head"])
    row += 2
    for p in keys:  # the title first, in the wide column
        sheet.write_string(row, 0, title_in(p, lang), styles["wrap"])
        sheet.write_number(row, 1, p["id"])
        sheet.write_string(row, 2, say[p["status"]])
        done = dt.date.fromisoformat(p["done_on"]) if p["done_on"] else None
        _write(sheet, row, 3, done, styles["date"])
        row += 1
    months = summary.get("done_by_month") or {}
    if months:
        row += 1
        sheet.write_string(row, 0, say["Done by month"], styles["bold"])
        for month, n in months.items():
            row += 1
            sheet.write_string(row, 0, month)
            sheet.write_number(row, 1, n)
        row += 1
    events = summary.get("events") or []
    if events:
        row += 1
        sheet.write_string(row, 0, say["Events by month"], styles["bold"])
        for p in events:
            row += 1
            sheet.write_string(row, 0, title_in(p, lang), styles["wrap"])
            sheet.write_number(row, 1, p["id"])
            _write(sheet, row, 2, dt.date.fromisoformat(str(p["starts_on"])), styles["date"])
            _write(sheet, row, 3, dt.date.fromisoformat(str(p["ends_on"])), styles["date"])
    return row
