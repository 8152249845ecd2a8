"""The summary as a document: an HTML page, a Word file, and its chart as SVG.

Each is built from the same blocks (see `document`): the Expert Group's
name and the period, the headline, the areas as a table, the chart, the key
projects, and the completions by month.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base.words import GROUP, WORDS, date_text, month_text, table_date
from ipcoop.core.languages import name_in, title_in
from ipcoop.core.summary import share
from ipcoop.reports import chart, document, report
from ipcoop.reports.document import Block
from ipcoop.reports.sentences import headline


def svg(summary: dict[str, Any], lang: str = "en") -> str:
    """Projects by area (done / open) and completions by month."""
    say = WORDS[lang]
    areas = [
        (row["key"], name_in(row, lang), row["done"], row["planned"] + row["active"])
        for row in summary["areas"]
    ]
    months = dict(summary.get("done_by_month") or {})
    words = {
        "by_area": say["Projects by area"],
        "by_month": say["Completions by month"],
        "done": say["Done"],
        "open": say["Open"],
        "none": say["No completions recorded"],
    }
    return chart.chart(areas, months, words, lang)


def _subtitle(summary: dict[str, Any], lang: str) -> str:
    say = WORDS[lang]
    parts = [GROUP[lang]]
    if summary.get("programme"):
        if summary.get("endorsed"):
            parts.append(say["endorsed on"].format(date=date_text(summary["endorsed"], lang)))
        elif "endorsed" in summary and summary["endorsed"] is None:
            parts.append(say["not endorsed"])
    return (" · " if lang == "en" else "・").join(parts)


def blocks(summary: dict[str, Any], lang: str = "en", word: bool = False) -> list[Block]:
    """The summary's blocks; for Word (`word`), the chart is a table of bars."""
    say = WORDS[lang]
    out = [
        Block("title", report.title(summary, lang)),
        Block("subtitle", _subtitle(summary, lang)),
        Block("para", headline(summary, lang)),
    ]
    prev = summary.get("previous") or {}
    compared = report.change(summary, lang)
    if compared and prev.get("reported_done") is None:  # a reported figure is in the headline
        out.append(Block("para", compared + ("." if lang == "en" else "。")))
    carried = bool(summary.get("carried"))
    head = [say["Area"], say["Total"], say["Done"], say["Open"], say["Dropped"]]
    head += [say["Carried"]] if carried else []
    head.append(say["Done %"])

    def figures(row: dict[str, Any]) -> list[str]:
        cells = [row["total"], row["done"], row["planned"] + row["active"], row["dropped"]]
        cells += [row["carried"]] if carried else []
        return [*map(str, cells), share(row)]

    out += [
        Block("heading", say["Areas"]),
        Block(
            "table",
            head=head,
            rows=[[name_in(row, lang), *figures(row)] for row in summary["areas"]],
            right=[False, *[True] * (len(head) - 1)],
            total=[say["All areas"], *figures(summary)],
        ),
    ]
    if word:
        bars = [
            (name_in(row, lang), row["done"], row["planned"] + row["active"])
            for row in summary["areas"]
        ]
        out += [Block("heading", say["Projects by area"], level=3), Block("bars", bars=bars)]
    else:
        out.append(Block("chart", svg(summary, lang)))
    keys = summary["key_projects"]
    count = f" ({len(keys)})" if lang == "en" else f"（{len(keys)}）"
    out.append(Block("heading", say["Key projects"] + count))
    if keys:
        out.append(
            Block(
                "table",
                head=[say["ID"], say["Title"], say["Status"], say["Done on"]],
                rows=[
                    [
                        str(p["id"]),
                        title_in(p, lang),
                        say[p["status"]],
                        table_date(p["done_on"], lang) or "",
                    ]
                    for p in keys
                ],
                right=[True, False, False, True],
            )
        )
    else:
        out.append(Block("para", say["none recorded"]))
    months = summary.get("done_by_month") or {}
    if months:
        out += [
            Block("heading", say["Done by month"]),
            Block(
                "table",
                head=[say["Month"], say["Done"]],
                rows=[[month_text(m, lang), str(n)] for m, n in months.items()],
                right=[False, True],
            ),
        ]
    return out + event_blocks(summary, lang)


def event_blocks(summary: dict[str, Any], lang: str) -> list[Block]:
    """The programme's events, soonest first: when, which, what."""
    from ipcoop.base.dates import span_text

    events = summary.get("events") or []
    if not events:
        return []
    say = WORDS[lang]
    rows = [  # dates as the key projects' are written: Chinese numerals in zh-hk
        [span_text(p["starts_on"], p["ends_on"], lang, True), str(p["id"]), title_in(p, lang)]
        for p in events
    ]
    return [
        Block("heading", say["Events by month"]),
        Block("table", head=[say["Date"], say["ID"], say["Title"]], rows=rows,
              right=[False, True, False]),
    ]  # fmt: skip


def to_html(summary: dict[str, Any], lang: str = "en") -> str:
    return document.to_html(blocks(summary, lang), report.title(summary, lang), lang)


def to_svg(summary: dict[str, Any], lang: str = "en") -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg(summary, lang) + "\n"


def to_docx(summary: dict[str, Any], lang: str = "en") -> bytes:
    from ipcoop.reports import wordfile

    return wordfile.to_docx(
        [Block("section", lang=lang), *blocks(summary, lang, word=True)],
        report.title(summary, lang),
    )
