"""The year-end summary as people read it: terminal, Markdown, HTML and SVG.

The figures come from `summary.summarize`; this module only lays them out.
HTML and SVG are the terminal report recorded by Rich's console.
"""

from __future__ import annotations

import io
from typing import Any

from ipcoop import models, render
from ipcoop.summary import headline

GROUP = "Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights"
# A report lists this many key projects; the rest are a command away.
KEY_LIMIT = 25
STATUS_MARK = {"done": "✔", "active": "▶", "planned": "·", "dropped": "✘"}


def _title(summary: dict[str, Any]) -> str:
    return f"Co-operation projects {summary['period']}"


def _change(summary: dict[str, Any]) -> str | None:
    prev = summary["previous"]
    if not prev:
        return None
    points = summary["percent_done"] - prev["percent_done"]
    projects = summary["done"] - prev["done"]
    return (
        f"Previous ({prev['period']}): {prev['done']} of {prev['total']} done "
        f"({prev['percent_done']:.1f}%); change {projects:+d} done, {points:+.1f} points"
    )


def renderables(summary: dict[str, Any], width: int) -> list[Any]:
    """The report as a list of Rich renderables, for any console width."""
    from rich.text import Text

    out: list[Any] = []
    head = Text(_title(summary), style="bold")
    head.append(f"  {GROUP}" if width >= 100 else "", style="dim")
    out.append(head)
    bar_width = 30 if width >= 100 else 20
    overall = render.progress(summary["percent_done"], bar_width, figures=False)
    overall.append(
        f"  {summary['done']} of {summary['total']} done ({summary['percent_done']:.1f}%)"
    )
    rest = ", ".join(
        f"{summary[s]} {s}" for s in ("active", "planned", "dropped") if summary[s]
    )
    if rest:
        overall.append(f"; {rest}", style="")
    out.append(overall)
    change = _change(summary)
    if change:
        out.append(Text(change, style="dim"))
    out.append(Text(""))

    out.append(_area_table(summary, width))
    out.append(Text(""))
    keys = summary["key_projects"]
    out.append(Text(f"Key projects ({len(keys)})", style="bold"))
    out.append(_key_projects(keys[:KEY_LIMIT]) if keys else Text("  none recorded", style="dim"))
    if len(keys) > KEY_LIMIT:
        period = summary["period"]
        out.append(
            Text(
                f"  ... and {len(keys) - KEY_LIMIT} more: ipcoop list --year {period} --key",
                style="dim",
            )
        )
    late = summary.get("done_late", 0)
    if late:
        out.append(Text(""))
        out.append(Text(f"{late} of the done projects were finished after {summary['to']}."))
    return out


def _area_table(summary: dict[str, Any], width: int) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, title="Areas", title_justify="left", pad_edge=False
    )
    table.add_column("Area", no_wrap=True)
    table.add_column("Total", justify="right", no_wrap=True)
    table.add_column("Done", justify="right", no_wrap=True)
    table.add_column("Open", justify="right", no_wrap=True)
    table.add_column("Drop", justify="right", no_wrap=True)
    table.add_column("Done %", no_wrap=True, min_width=17)
    if width >= 100:
        table.add_column("Name", overflow="fold", min_width=20)
    for row in summary["areas"]:
        cells = [
            render.text(row["key"]),
            str(row["total"]),
            str(row["done"]),
            str(row["planned"] + row["active"]),
            str(row["dropped"]),
            render.progress(row["percent_done"]),
        ]
        if width >= 100:
            cells.append(render.text(row["name"]))
        table.add_row(*cells)
    return table


def _key_projects(keys: list[dict[str, Any]]) -> Any:
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_column(no_wrap=True)
    for p in keys:
        status = p["status"] + (f" {p['done_on']}" if p["done_on"] else "")
        style = render.STATUS_STYLE[p["status"]]
        grid.add_row(
            Text(" " + STATUS_MARK[p["status"]], style=style),
            str(p["id"]),
            render.text(p["title"]),
            Text(status, style=style),
        )
    return grid


def print_terminal(summary: dict[str, Any]) -> None:
    console = render.console()
    for item in renderables(summary, console.width):
        console.print(item)


def _recorded(summary: dict[str, Any], width: int = 110) -> Any:
    from rich.console import Console

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
    for item in renderables(summary, width):
        console.print(item)
    return console


def to_text(summary: dict[str, Any]) -> str:
    return _recorded(summary, width=100).export_text(clear=False, styles=False)


def to_html(summary: dict[str, Any]) -> str:
    from rich.terminal_theme import DEFAULT_TERMINAL_THEME

    return _recorded(summary).export_html(
        theme=DEFAULT_TERMINAL_THEME, inline_styles=True, clear=False
    ).replace("<head>", f"<head>\n<title>{_escape(_title(summary))}</title>", 1)


def to_svg(summary: dict[str, Any]) -> str:
    return _recorded(summary).export_svg(title=_title(summary), clear=False)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md(value: str) -> str:
    return models.sanitize(value).replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(summary: dict[str, Any]) -> str:
    lines = [f"## {_title(summary)}", "", headline(summary), ""]
    lines += [
        "| Area | Total | Done | Open | Dropped | Done % |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in summary["areas"]:
        lines.append(
            f"| {_md(row['name'])} | {row['total']} | {row['done']} | "
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
        lines.append(f"- {_md(p['title'])} — {p['status']}{when}")
    change = _change(summary)
    if change:
        lines += ["", change + "."]
    return "\n".join(lines) + "\n"


def to_json(summary: dict[str, Any]) -> str:
    return render.to_json(summary)
