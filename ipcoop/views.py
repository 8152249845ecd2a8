"""The small terminal views: one project, areas, members, the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ipcoop import models
from ipcoop.render import (
    STATUS_STYLE,
    Column,
    Line,
    Segment,
    bar_room,
    emit,
    grid,
    local_time,
    progress_text,
    terminal_width,
    wrap_cells,
)


def print_project(project: dict[str, Any], area_name: str, member_names: dict[str, str]) -> None:
    agencies = [f"{code} ({member_names.get(code, '?')})" for code in project["agencies"]]
    lead = {"gd": "Guangdong", "hk": "Hong Kong", "joint": "joint"}[project["lead"]]
    done_on = project["done_on"] or ("-" if project["status"] != "done" else "unknown")
    rows: list[list[Segment | str]] = [
        [("ID", "bold"), str(project["id"])],
        [("Title", "bold"), project["title"]],
        [("Area", "bold"), f"{project['area']} ({area_name})"],
        [("Year", "bold"), str(project["year"])],
        [("Status", "bold"), (project["status"], STATUS_STYLE[project["status"]])],
        [("Key project", "bold"), "yes" if project["key"] else "no"],
        [("Lead", "bold"), lead],
        [("Agencies", "bold"), ", ".join(agencies) or "-"],
        [("Done on", "bold"), done_on],
    ]
    # Notes keep their line breaks: one row per line.
    for i, note in enumerate((project["notes"] or "-").split("\n")):
        rows.append([("Notes" if i == 0 else "", "bold"), note])
    rows += [[("Created", "bold"), project["created"]], [("Updated", "bold"), project["updated"]]]
    columns = [Column(""), Column("", wrap=True)]
    emit(grid(columns, rows, terminal_width(), header=False))


def print_areas(rows: Sequence[dict[str, Any]], year: int | None) -> None:
    title = f"Areas, {year}" if year is not None else "Areas, all years"
    columns = [
        Column("Key"),
        Column("Total", right=True, drop=2),
        Column("Done", right=True),
        Column("Open", right=True),
        Column("Done %", drop=3),
        Column("Years", drop=1),
        Column("Name", wrap=True),
    ]
    table = [
        [
            row["key"],
            str(row["total"]),
            str(row["done"]),
            str(row["planned"] + row["active"]),
            (progress_text(row["percent_done"], bar_room(terminal_width())), "green"),
            _span(row.get("from"), row.get("until")),
            row["name"],
        ]
        for row in rows
    ]
    emit([[(title, "bold")], *grid(columns, table, terminal_width())])


def _span(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return "always"
    if end is None:
        return f"{start}-"
    if start is None:
        return f"-{end}"
    return f"{start}-{end}" if start != end else str(start)


def print_members(members: Sequence[dict[str, Any]]) -> None:
    columns = [Column("Code"), Column("Side"), Column("Name", wrap=True)]
    sides = {"gd": "Guangdong", "hk": "Hong Kong"}
    table = [[m["code"], sides.get(m["side"], m["side"]), m["name"]] for m in members]
    emit(grid(columns, table, terminal_width()))


def print_log(entries: Sequence[dict[str, Any]]) -> None:
    """Each command: when (local time) and by whom, then the command and its changes,
    wrapped with a hanging indent so that the layout holds in any width."""
    lines: list[Line] = []
    width = terminal_width()
    room = max(20, width - 6)
    for entry in entries:
        who = models.sanitize(str(entry["by"] or "?"))
        head: Line = [(local_time(entry["at"]), ""), ("  " + who, "dim")]
        if entry["undone"]:
            head.append(("  (undone)", "dim"))
        lines.append(head)
        for i, part in enumerate(wrap_cells(models.sanitize(entry["command"]), room)):
            lines.append([("    " if i == 0 else "      ", ""), (part, "bold" if i == 0 else "")])
        for change in entry["changes"]:
            for i, part in enumerate(wrap_cells(models.sanitize(change), room)):
                lines.append([("      " if i == 0 else "        ", ""), (part, "")])
    emit(lines)
