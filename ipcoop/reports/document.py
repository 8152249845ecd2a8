"""Reports as documents: a list of blocks (headings, paragraphs, lists, tables,
a chart), written as plain text, Markdown or a self-contained HTML page.

The release and the summary build blocks; this module only writes them. The
HTML page asks for nothing from anywhere (no web fonts, scripts or images by
address): its chart is inline SVG and its fonts are the system's.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from ipcoop.base.safe import sanitize


def escape(text: str) -> str:
    """Text for HTML or SVG: control characters shown as escapes, markup escaped."""
    return html.escape(sanitize(text))


# BCP 47 tags for HTML's lang attribute, so that browsers pick CJK fonts right.
HTML_LANG = {"en": "en", "zh-hk": "zh-Hant-HK", "zh-cn": "zh-Hans-CN"}


@dataclass
class Block:
    """One piece of a report.

    kind: title, subtitle, heading, para, bullets, numbered, table, chart, section.
    A table has `head` and `rows` (and `right`, the columns aligned right; a last
    row in `total` is the table's foot). A chart carries its SVG in `text`. A
    section starts the part of a document in one language (`lang`).
    """

    kind: str
    text: str = ""
    items: Sequence[str] = ()
    head: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    right: Sequence[bool] = ()
    total: Sequence[str] = ()
    lang: str = "en"
    level: int = 2
    bars: Sequence[tuple[str, int, int]] = ()
    page: bool = False  # starts a page of its own in a printed document (the annex)


# --------------------------------------------------------------------------- text


def to_text(blocks: Sequence[Block]) -> str:
    """Plain text to paste: one line per paragraph (the editor wraps), blank lines between."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "section":
            if out:
                out.append("")
            continue
        if block.kind in ("title", "subtitle", "heading", "para"):
            out += [block.text, ""]
        elif block.kind == "bullets":
            out += [f"• {item}" for item in block.items] + [""]
        elif block.kind == "numbered":
            gap = " " if block.lang == "en" else ""  # the full-width bracket has its own space
            out += [f"{marker(i, block.lang)}{gap}{item}" for i, item in enumerate(block.items, 1)]
            out.append("")
        elif block.kind == "table":
            out += [*_text_table(block), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def marker(n: int, lang: str) -> str:
    """An item's number: (1) in English, （一） in Chinese."""
    if lang == "en":
        return f"({n})"
    from ipcoop.base.words import chinese_number

    return f"（{chinese_number(n)}）"


def _text_table(block: Block) -> list[str]:
    from ipcoop.reports.render import cell_len

    rows = [list(block.head), *map(list, block.rows)] + ([list(block.total)] if block.total else [])
    widths = [max(cell_len(r[i]) for r in rows) for i in range(len(block.head))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell_len(cell))
            cells.append(pad + cell if _right(block, i) else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


def _right(block: Block, i: int) -> bool:
    return i < len(block.right) and block.right[i]


# --------------------------------------------------------------------------- Markdown


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if block.kind == "title":
            out += [f"# {block.text}", ""]
        elif block.kind == "subtitle":
            out += [f"*{block.text}*", ""]
        elif block.kind == "heading":
            out += [f"{'#' * block.level} {block.text}", ""]
        elif block.kind == "para":
            out += [block.text, ""]
        elif block.kind == "bullets":
            out += [f"- {item}" for item in block.items] + [""]
        elif block.kind == "numbered":
            out += [f"{i}. {item}" for i, item in enumerate(block.items, start=1)] + [""]
        elif block.kind == "table":
            out.append("| " + " | ".join(_md(h) for h in block.head) + " |")
            out.append(
                "|"
                + "|".join("---:" if _right(block, i) else "---" for i in range(len(block.head)))
                + "|"
            )
            for row in block.rows:
                out.append("| " + " | ".join(_md(c) for c in row) + " |")
            if block.total:
                out.append(
                    "| " + " | ".join(f"**{_md(c)}**" if c else "" for c in block.total) + " |"
                )
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  color: #1b1b1b; background: #fff; max-width: 58rem; margin: 2rem auto;
  padding: 0 1.5rem; line-height: 1.55; }
:lang(zh-Hant-HK) { font-family: "Microsoft JhengHei", "PingFang HK", "Noto Sans CJK HK",
  "Noto Sans CJK TC", "Source Han Sans HC", sans-serif; }
:lang(zh-Hans-CN) { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
  "Source Han Sans SC", sans-serif; }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .5rem; border-bottom: 1px solid #d0d0d0; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
ol > li::marker { content: "(" counter(list-item) ") "; }
:lang(zh-Hant-HK) ol > li::marker, :lang(zh-Hans-CN) ol > li::marker {
  content: "（" counter(list-item, cjk-decimal) "）"; }
.subtitle { color: #555; margin: 0 0 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem;
  border-bottom: 1px solid #e0e0e0; }
th { border-bottom: 2px solid #444; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: bold; border-top: 2px solid #444; border-bottom: none; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
section + section { margin-top: 3rem; border-top: 3px double #bbb; padding-top: 1rem; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h1, h2, h3, h4 { break-after: avoid; }
  table, figure, li, tr { break-inside: avoid; }
  section + section { break-before: page; border-top: none; margin-top: 0; }
  .page { break-before: page; }
}
"""


def to_html(blocks: Sequence[Block], title: str, lang: str = "en") -> str:
    """A whole HTML page: light, printable on A4, self-contained."""
    e = escape
    body: list[str] = []
    open_section = False
    for block in blocks:
        k = block.kind
        if k == "section":
            if open_section:
                body.append("</section>")
            body.append(f'<section lang="{HTML_LANG[block.lang]}">')
            open_section = True
        elif k == "title":
            body.append(f"<h1>{e(block.text)}</h1>")
        elif k == "subtitle":
            body.append(f'<p class="subtitle">{e(block.text)}</p>')
        elif k == "heading":
            page = ' class="page"' if block.page else ""  # the annex: a page of its own
            body.append(f"<h{block.level}{page}>{e(block.text)}</h{block.level}>")
        elif k == "para":
            body.append(f"<p>{e(block.text)}</p>")
        elif k in ("bullets", "numbered"):
            tag = "ul" if k == "bullets" else "ol"
            body.append(f"<{tag}>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + f"</{tag}>")
        elif k == "table":
            body.append(_html_table(block))
        elif k == "chart":
            body.append(f"<figure>{block.text}</figure>")
    if open_section:
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _html_table(block: Block) -> str:
    e = escape

    def cells(row: Sequence[str], tag: str) -> str:
        return "".join(
            f'<{tag} class="n">{e(c)}</{tag}>' if _right(block, i) else f"<{tag}>{e(c)}</{tag}>"
            for i, c in enumerate(row)
        )

    parts = ["<table>", f"<thead><tr>{cells(block.head, 'th')}</tr></thead>", "<tbody>"]
    parts += [f"<tr>{cells(row, 'td')}</tr>" for row in block.rows]
    parts.append("</tbody>")
    if block.total:
        parts.append(f"<tfoot><tr>{cells(block.total, 'td')}</tr></tfoot>")
    parts.append("</table>")
    return "".join(parts)
