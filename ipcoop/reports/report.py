"""The year-end summary in a terminal, as Markdown and as JSON, in any of the
three languages. The HTML page, the chart and the Word file are in `summary_doc`.

The figures come from `summary.summarize`; this module only lays them out.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base.words import (
    GROUP,
    WORDS,
    date_text,
    period_text,
    programme_name,
    shown,
    table_date,
)
from ipcoop.core.languages import name_in, title_in
from ipcoop.core.summary import counted, share
from ipcoop.reports import render

# A report lists this many key projects; the rest are a command away.
KEY_LIMIT = 25
STATUS_MARK = {"done": "✔", "active": "▶", "planned": "·", "dropped": "✘", "carried": "→"}


def title(summary: dict[str, Any], lang: str = "en") -> str:
    if lang != "en":
        return programme_name(shown(summary), lang)
    return f"Co-operation projects {shown(summary)}"


def change(summary: dict[str, Any], lang: str = "en") -> str | None:
    prev = summary["previous"]
    if not prev:
        return None
    if lang != "en":
        return _change_zh(summary, prev, lang)
    if prev.get("reported_done") is not None:
        return (
            f"Previous ({shown(prev)}): {prev['reported_done']} implemented, as the "
            f"group reported ({prev['done']} itemised here)"
        )
    if not summary["total"]:
        return f"Previous ({shown(prev)}): {prev['done']} of {prev['total']} done"
    points = summary["percent_done"] - prev["percent_done"]
    projects = summary["done"] - prev["done"]
    return (
        f"Previous ({shown(prev)}): {prev['done']} of {prev['total']} done "
        f"({prev['percent_done']:.1f}%); change {projects:+d} done, {points:+.1f} points"
    )


def _change_zh(summary: dict[str, Any], prev: dict[str, Any], lang: str) -> str:
    unit = "個" if lang == "zh-hk" else "项"
    when = f"上一期（{period_text(shown(prev), lang)}）："
    if prev.get("reported_done") is not None:
        told = "專責小組公布共落實" if lang == "zh-hk" else "专责小组公布共落实"
        listed = "此處逐項列出" if lang == "zh-hk" else "此处逐项列出"
        return f"{when}{told}{prev['reported_done']}{unit}（{listed}{prev['done']}{unit}）"
    done = f"共{prev['total']}{unit}，已完成{prev['done']}{unit}"
    if not summary["total"]:
        return when + done
    points = summary["percent_done"] - prev["percent_done"]
    projects = summary["done"] - prev["done"]
    change = "變化" if lang == "zh-hk" else "变化"
    pts = "個百分點" if lang == "zh-hk" else "个百分点"
    return (
        f"{when}{done}（{prev['percent_done']:.1f}%）；{change}：已完成{projects:+d}{unit}，"
        f"{points:+.1f}{pts}"
    )


def _overall(summary: dict[str, Any], width: int, lang: str = "en") -> render.Line:
    if lang != "en":
        return _overall_zh(summary, width, lang)
    if not summary["total"]:
        return [(f"No co-operation projects are recorded for {summary['period']}.", "")]
    line = render.progress_segments(summary["percent_done"], 30 if width >= 100 else 20, False)
    # The percentage leaves dropped (and carried) projects out: say so when there are any.
    aside = {
        (True, False): " of those not dropped",
        (False, True): " of those not carried",
        (True, True): " of those not dropped or carried",
    }.get((bool(summary.get("dropped")), bool(summary.get("carried"))), "")
    given = f" ({summary['percent_done']:.1f}%{aside})" if counted(summary) > 0 else ""
    line.append((f"  {summary['done']} of {summary['total']} done{given}", ""))
    rest = ", ".join(
        f"{summary[s]} {s}" for s in ("active", "planned", "dropped", "carried") if summary.get(s)
    )
    if rest:
        line.append((f"; {rest}", ""))
    if summary.get("reported_done") is not None:
        line.append((f"; {summary['reported_done']} reported implemented", ""))
    return line


def _overall_zh(summary: dict[str, Any], width: int, lang: str) -> render.Line:
    say = WORDS[lang]
    unit = "個" if lang == "zh-hk" else "项"
    if not summary["total"]:
        none = "沒有合作項目紀錄" if lang == "zh-hk" else "没有合作项目记录"
        return [(f"{period_text(summary['period'], lang)}{none}。", "")]
    line = render.progress_segments(summary["percent_done"], 30 if width >= 100 else 20, False)
    given = (
        f"（{_left_out_zh(summary, lang)}{summary['percent_done']:.1f}%）"
        if counted(summary) > 0
        else ""
    )
    line.append((f"  共{summary['total']}{unit}，已完成{summary['done']}{unit}{given}", ""))
    rest = "，".join(
        f"{say[s]}{summary[s]}{unit}"
        for s in ("active", "planned", "dropped", "carried")
        if summary.get(s)
    )
    if rest:
        line.append((f"；{rest}", ""))
    if summary.get("reported_done") is not None:
        told = "公布共落實" if lang == "zh-hk" else "公布共落实"
        line.append((f"；{told}{summary['reported_done']}{unit}", ""))
    return line


def _left_out_zh(summary: dict[str, Any], lang: str) -> str:
    """What the percentage leaves out, in Chinese: 不計已取消及已轉入下期，..."""
    left = [
        word
        for status, word in (("dropped", "已取消"), ("carried", say_carried(lang)))
        if summary.get(status)
    ]
    if not left:
        return ""
    joined = ("及" if lang == "zh-hk" else "和").join(left)
    return f"{'不計' if lang == 'zh-hk' else '不计'}{joined}，"


def say_carried(lang: str) -> str:
    return "已轉入下期" if lang == "zh-hk" else "已转入下期"


def month_lines(summary: dict[str, Any], width: int, lang: str = "en") -> list[render.Line]:
    """Done projects per month, as bars (like Taskwarrior's history.monthly)."""
    months = summary.get("done_by_month") or {}
    if not months:
        return []
    most = max(months.values())
    room = max(5, min(40, width - 16))
    out: list[render.Line] = [[], [(WORDS[lang]["Done by month"], "bold")]]
    for month, n in months.items():
        bar = "█" * max(1, round(n * room / most))
        out.append([(f"{month}  ", ""), (bar, "green"), (f" {n}", "")])
    if summary.get("done_undated"):
        undated = summary["done_undated"]
        note = {
            "en": f"(and {undated} done on dates not recorded)",
            "zh-hk": f"（另有{undated}個已完成，未有紀錄完成日期）",
            "zh-cn": f"（另有{undated}项已完成，未记录完成日期）",
        }[lang]
        out.append([(note, "dim")])
    return out


def event_lines(summary: dict[str, Any], width: int, lang: str = "en") -> list[render.Line]:
    """What took place (or will) in each month: the projects with an event's date."""
    from ipcoop.base.dates import cell_style, span_text
    from ipcoop.base.words import month_text

    events = summary.get("events") or []
    if not events:
        return []
    style = cell_style(lang)
    rows: list[list[render.Segment | str]] = []
    last = ""
    for p in events:
        month = str(p["starts_on"])[:7]
        label = month_text(month, style)
        rows.append(
            [
                label if month != last else "",
                str(p["id"]),
                span_text(p["starts_on"], p["ends_on"], style, True),
                (title_in(p, lang), render.STATUS_STYLE[p["status"]]),
            ]
        )
        last = month
    columns = [
        render.Column(""),
        render.Column("", right=True),
        render.Column(""),
        render.Column("", wrap=True),
    ]
    out: list[render.Line] = [[], [(WORDS[lang]["Events by month"], "bold")]]
    out += [[(" ", ""), *line] for line in render.grid(columns, rows, width - 1, False)]
    return out


def lines(summary: dict[str, Any], width: int, lang: str = "en") -> list[render.Line]:
    """The report as styled lines for a terminal of `width` cells, in `lang`."""
    say = WORDS[lang]
    out: list[render.Line] = []
    head: render.Line = [(title(summary, lang), "bold")]
    if width >= 110:
        head.append((f"  {GROUP[lang]}", "dim"))
    out.append(head)
    out.append(_overall(summary, width, lang))
    compared = change(summary, lang)
    if compared:
        out.append([(compared, "dim")])
    out += [[], [(say["Areas"], "bold")]]
    wide = width >= 100 and lang == "en"
    # A Chinese reader reads the areas by their names, at any width, not by their keys.
    named = lang != "en"
    columns = [
        render.Column(say["Area"], wrap=named),
        render.Column(say["Total"], right=True, drop=1),  # first: the rest add up to it
        render.Column(say["Done"], right=True),
        render.Column(say["Open"], right=True),
        render.Column(say["Drop"], right=True, drop=3),
        render.Column(say["Done %"]),
    ]
    carried = bool(summary.get("carried"))
    if carried:
        # Kept while Drop is: without it the rows would not add up.
        columns.insert(5, render.Column(say["Carried"], right=True))
    if wide:
        columns.append(render.Column(say["Name"], wrap=True))
    rows = []
    for row in summary["areas"]:
        cells: list[render.Segment | str] = [
            name_in(row, lang) if named else row["key"],
            str(row["total"]),
            str(row["done"]),
            str(row["planned"] + row["active"]),
            str(row["dropped"]),
            (render.progress_text(row["percent_done"], render.bar_room(width)), "green")
            if counted(row)
            else ("—", "dim"),
        ]
        if carried:
            cells.insert(5, str(row["carried"]))
        if wide:
            cells.append(name_in(row, lang))
        rows.append(cells)
    out += render.grid(columns, rows, width)
    keys = summary["key_projects"]
    count = f" ({len(keys)})" if lang == "en" else f"（{len(keys)}）"
    out += [[], [(say["Key projects"] + count, "bold")]]
    if not keys:
        out.append([(f"  {say['none recorded']}", "dim")])
    key_rows: list[list[render.Segment | str]] = []
    for p in keys[:KEY_LIMIT]:
        style = render.STATUS_STYLE[p["status"]]
        status = (
            say[p["status"]]
            + (f" {table_date(p['done_on'], lang)}" if p["done_on"] else "")
            + (f" {'to' if lang == 'en' else '→'} {p['carried_to']}" if p.get("carried_to") else "")
        )
        key_rows.append(
            [(STATUS_MARK[p["status"]], style), str(p["id"]), (status, style), title_in(p, lang)]
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
    out += month_lines(summary, width, lang)
    out += event_lines(summary, width, lang)
    late = summary.get("done_late", 0)
    if late:
        after = {
            "en": f"{late} of the done projects were finished after {summary['to']}.",
            "zh-hk": f"已完成的項目中有{late}個在{period_text(str(summary['to']), lang)}後才完成。",
            "zh-cn": f"已完成的项目中有{late}项在{summary['to']}年后才完成。",
        }[lang]
        out += [[], [(after, "")]]
    return out


def print_terminal(summary: dict[str, Any], lang: str = "en") -> None:
    width = render.terminal_width()
    render.emit(lines(summary, width, lang), width=width)


def to_text(summary: dict[str, Any], lang: str = "en") -> str:
    return render.plain(render.fit(lines(summary, 100, lang), 100))


def to_markdown(summary: dict[str, Any], lang: str = "en") -> str:
    say = WORDS[lang]
    from ipcoop.reports.sentences import headline

    lines = [f"## {title(summary, lang)}", "", headline(summary, lang), ""]
    carried = bool(summary.get("carried"))  # a column of its own, so that rows add up
    head = ["Area", "Total", "Done", "Open", "Dropped", *(["Carried"] if carried else []), "Done %"]
    lines += [
        "| " + " | ".join(say[h] for h in head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]

    def cells(row: dict[str, Any]) -> list[str]:
        figures = [row["total"], row["done"], row["planned"] + row["active"], row["dropped"]]
        return [*map(str, figures), *([str(row["carried"])] if carried else []), share(row)]

    for row in summary["areas"]:
        lines.append(f"| {render.md_cell(name_in(row, lang))} | " + " | ".join(cells(row)) + " |")
    total = " | ".join(f"**{cell}**" for cell in cells(summary))
    lines.append(f"| **{say['All areas']}** | {total} |")
    n = len(summary["key_projects"])
    lines += [
        "",
        f"### {say['Key projects']} ({n})" if lang == "en" else f"### {say['Key projects']}（{n}）",
        "",
    ]
    if not summary["key_projects"]:
        lines.append("None recorded." if lang == "en" else f"{say['none recorded']}。")
    for p in summary["key_projects"]:
        name = render.md_cell(title_in(p, lang))
        if lang == "en":
            when = f", {p['done_on']}" if p["done_on"] else ""
            lines.append(f"- {name} — {say[p['status']]}{when}")
        else:
            when = f"，{date_text(p['done_on'], lang)}" if p["done_on"] else ""
            lines.append(f"- {name}（{say[p['status']]}{when}）")
    compared = change(summary, lang)
    if compared:
        lines += ["", compared + ("." if lang == "en" else "。")]
    events = summary.get("events") or []
    if events:
        from ipcoop.base.dates import cell_style, span_text

        style = cell_style(lang)
        lines += ["", f"### {say['Events by month']}", ""]
        lines += [
            f"- {span_text(p['starts_on'], p['ends_on'], style, True)}: "
            f"{render.md_cell(title_in(p, lang))} ({p['id']})"
            for p in events
        ]
    return "\n".join(lines) + "\n"


def to_json(summary: dict[str, Any], lang: str = "en") -> str:
    return render.to_json(summary)
