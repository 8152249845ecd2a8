"""The year-end summary as people read it: terminal, Markdown, HTML and SVG.

The figures come from `summary.summarize`; this module only lays them out.
HTML and SVG are the terminal report recorded by Rich's console.
"""

from __future__ import annotations

import io
from typing import Any

from ipcoop import render
from ipcoop.summary import headline

GROUP = "Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights"
# A report lists this many key projects; the rest are a command away.
KEY_LIMIT = 25
STATUS_MARK = {"done": "✔", "active": "▶", "planned": "·", "dropped": "✘", "carried": "→"}


def _title(summary: dict[str, Any]) -> str:
    return f"Co-operation projects {summary['period']}"


def _change(summary: dict[str, Any]) -> str | None:
    prev = summary["previous"]
    if not prev:
        return None
    if prev.get("reported_done") is not None:
        return (
            f"Previous ({prev['period']}): {prev['reported_done']} implemented, as the "
            f"group reported ({prev['total']} itemised here)"
        )
    if not summary["total"]:
        return f"Previous ({prev['period']}): {prev['done']} of {prev['total']} done"
    points = summary["percent_done"] - prev["percent_done"]
    projects = summary["done"] - prev["done"]
    return (
        f"Previous ({prev['period']}): {prev['done']} of {prev['total']} done "
        f"({prev['percent_done']:.1f}%); change {projects:+d} done, {points:+.1f} points"
    )


def _overall(summary: dict[str, Any], width: int) -> render.Line:
    if not summary["total"]:
        return [(f"No co-operation projects are recorded for {summary['period']}.", "")]
    line = render.progress_segments(summary["percent_done"], 30 if width >= 100 else 20, False)
    line.append(
        (f"  {summary['done']} of {summary['total']} done ({summary['percent_done']:.1f}%)", "")
    )
    rest = ", ".join(
        f"{summary[s]} {s}" for s in ("active", "planned", "dropped", "carried") if summary.get(s)
    )
    if rest:
        line.append((f"; {rest}", ""))
    if summary.get("reported_done") is not None:
        line.append((f"; {summary['reported_done']} reported implemented", ""))
    return line


def month_lines(summary: dict[str, Any], width: int) -> list[render.Line]:
    """Done projects per month, as bars (like Taskwarrior's history.monthly)."""
    months = summary.get("done_by_month") or {}
    if not months:
        return []
    most = max(months.values())
    room = max(5, min(40, width - 16))
    out: list[render.Line] = [[], [("Done by month", "bold")]]
    for month, n in months.items():
        bar = "█" * max(1, round(n * room / most))
        out.append([(f"{month}  ", ""), (bar, "green"), (f" {n}", "")])
    if summary.get("done_undated"):
        out.append([(f"(and {summary['done_undated']} done on dates not recorded)", "dim")])
    return out


def lines(summary: dict[str, Any], width: int) -> list[render.Line]:
    """The report as styled lines for a terminal of `width` cells."""
    out: list[render.Line] = []
    head: render.Line = [(_title(summary), "bold")]
    if width >= 110:
        head.append((f"  {GROUP}", "dim"))
    out.append(head)
    out.append(_overall(summary, width))
    change = _change(summary)
    if change:
        out.append([(change, "dim")])
    out += [[], [("Areas", "bold")]]
    wide = width >= 100
    columns = [
        render.Column("Area"),
        render.Column("Total", right=True),
        render.Column("Done", right=True),
        render.Column("Open", right=True),
        render.Column("Drop", right=True),
        render.Column("Done %"),
    ]
    carried = bool(summary.get("carried"))
    if carried:
        columns.insert(5, render.Column("Carried", right=True))
    if wide:
        columns.append(render.Column("Name", wrap=True))
    rows = []
    for row in summary["areas"]:
        cells: list[render.Segment | str] = [
            row["key"],
            str(row["total"]),
            str(row["done"]),
            str(row["planned"] + row["active"]),
            str(row["dropped"]),
            (render.progress_text(row["percent_done"], render.bar_room(width)), "green"),
        ]
        if carried:
            cells.insert(5, str(row["carried"]))
        if wide:
            cells.append(row["name"])
        rows.append(cells)
    out += render.grid(columns, rows, width)
    keys = summary["key_projects"]
    out += [[], [(f"Key projects ({len(keys)})", "bold")]]
    if not keys:
        out.append([("  none recorded", "dim")])
    key_rows = []
    for p in keys[:KEY_LIMIT]:
        style = render.STATUS_STYLE[p["status"]]
        status = (
            p["status"]
            + (f" {p['done_on']}" if p["done_on"] else "")
            + (f" to {p['carried_to']}" if p.get("carried_to") else "")
        )
        key_rows.append(
            [(STATUS_MARK[p["status"]], style), str(p["id"]), (status, style), p["title"]]
        )
    key_columns = [
        render.Column(""),
        render.Column("", right=True),
        render.Column(""),
        render.Column("", wrap=True),
    ]
    out += [[(" ", ""), *line] for line in render.grid(key_columns, key_rows, width - 1, False)]
    if len(keys) > KEY_LIMIT:
        hint = f"ipcoop list --year {summary['period']} --key"
        out.append([(f"  ... and {len(keys) - KEY_LIMIT} more: {hint}", "dim")])
    out += month_lines(summary, width)
    late = summary.get("done_late", 0)
    if late:
        out += [[], [(f"{late} of the done projects were finished after {summary['to']}.", "")]]
    return out


def print_terminal(summary: dict[str, Any]) -> None:
    width = render.terminal_width()
    render.emit(lines(summary, width), width=width)


def to_text(summary: dict[str, Any]) -> str:
    return render.plain(render.fit(lines(summary, 100), 100))


def _recorded(summary: dict[str, Any], width: int = 110) -> Any:
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        markup=False,
        emoji=False,
    )
    for line in render.fit(lines(summary, width), width):
        console.print(Text.assemble(*line) if line else Text(""), no_wrap=True, crop=True)
    return console


def to_html(summary: dict[str, Any]) -> str:
    from rich.terminal_theme import DEFAULT_TERMINAL_THEME

    # 100 columns: area names shown, and the page fits a 1,000-pixel window.
    return (
        _recorded(summary, width=100)
        .export_html(theme=DEFAULT_TERMINAL_THEME, inline_styles=True, clear=False)
        .replace("<head>", f"<head>\n<title>{_escape(_title(summary))}</title>", 1)
    )


def to_svg(summary: dict[str, Any]) -> str:
    return _recorded(summary).export_svg(title=_title(summary), clear=False)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(summary: dict[str, Any]) -> str:
    lines = [f"## {_title(summary)}", "", headline(summary), ""]
    lines += [
        "| Area | Total | Done | Open | Dropped | Done % |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in summary["areas"]:
        lines.append(
            f"| {render.md_cell(row['name'])} | {row['total']} | {row['done']} | "
            f"{row['planned'] + row['active']} | {row['dropped']} | {row['percent_done']:.1f} |"
        )
    lines.append(
        f"| **All areas** | **{summary['total']}** | **{summary['done']}** | "
        f"**{summary['planned'] + summary['active']}** | **{summary['dropped']}** | "
        f"**{summary['percent_done']:.1f}** |"
    )
    lines += ["", f"### Key projects ({len(summary['key_projects'])})", ""]
    if not summary["key_projects"]:
        lines.append("None recorded.")
    for p in summary["key_projects"]:
        when = f", {p['done_on']}" if p["done_on"] else ""
        lines.append(f"- {render.md_cell(p['title'])} — {p['status']}{when}")
    change = _change(summary)
    if change:
        lines += ["", change + "."]
    return "\n".join(lines) + "\n"


def to_json(summary: dict[str, Any]) -> str:
    return render.to_json(summary)
