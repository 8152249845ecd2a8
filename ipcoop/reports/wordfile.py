"""Reports as Word documents, with python-docx (imported only here).

python-docx's `font.name` sets only the Latin font; Chinese text takes the
East Asian font (`w:eastAsia` in the run properties), which is set here on
every style used, and on the runs of a part in another Chinese script:
Microsoft JhengHei for zh-hk, Microsoft YaHei for zh-cn (both ship with
every Windows since Vista; Word substitutes a font it has elsewhere).

The chart goes in as a table of bars, not a picture: python-docx cannot
place SVG, a PNG would need a rasteriser as a dependency, and a table stays
editable and prints sharp.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ipcoop.base.models import sanitize
from ipcoop.base.words import GROUP
from ipcoop.reports.document import Block, marker

LATIN = "Calibri"
EAST_ASIAN = {"en": "Microsoft JhengHei", "zh-hk": "Microsoft JhengHei", "zh-cn": "Microsoft YaHei"}
WORD_LANG = {"en": "en-GB", "zh-hk": "zh-HK", "zh-cn": "zh-CN"}
STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet")
DONE_RGB, OPEN_RGB = (0x2E, 0x7D, 0x32), (0xF2, 0xA9, 0x00)
BAR_CELLS = 24


def _fonts(element: Any, east_asian: str, lang: str) -> None:
    """Set the Latin and East Asian fonts, and the language, on a style's or run's rPr."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the named one
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:val"), WORD_LANG["en"])
    tag.set(qn("w:eastAsia"), WORD_LANG[lang])


def to_docx(blocks: Sequence[Block], title: str) -> bytes:
    """A Word document of `blocks`; each section block starts a language (and a page)."""
    try:
        from docx import Document
        from docx.shared import Mm, Pt
    except ImportError:
        from ipcoop.base.errors import IpcoopError

        raise IpcoopError(
            "Word output needs python-docx: pip install python-docx (or reinstall ipcoop)"
        ) from None

    doc = Document()
    props = doc.core_properties
    props.title = title
    # The template's own (author "python-docx", a date of 2013) would show in Word's
    # file properties: the group wrote this, now.
    props.author = props.last_modified_by = GROUP["en"]
    props.comments = ""
    props.created = props.modified = _now()
    for section in doc.sections:  # A4, as both governments print (the template is Letter)
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)
    first_lang = next((b.lang for b in blocks if b.kind == "section"), "en")
    for name in STYLES:
        _fonts(doc.styles[name].element, EAST_ASIAN[first_lang], first_lang)
    lang, started = first_lang, False

    def runs_in(paragraph: Any) -> Any:
        if lang != first_lang:  # a part in the other script: its own font on its runs
            for run in paragraph.runs:
                _fonts(run.element, EAST_ASIAN[lang], lang)
        return paragraph

    for raw in blocks:
        block = _clean(raw)
        k = block.kind
        if k == "section":
            if started:
                doc.add_page_break()
            lang = block.lang
        elif k == "title":
            runs_in(doc.add_heading(block.text, level=0))
        elif k == "subtitle":
            runs_in(doc.add_paragraph(block.text, style="Subtitle"))
        elif k == "heading":
            runs_in(doc.add_heading(block.text, level=min(3, block.level - 1)))
        elif k == "para":
            runs_in(doc.add_paragraph(block.text))
        elif k == "bullets":
            for item in block.items:
                runs_in(doc.add_paragraph(item, style="List Bullet"))
        elif k == "numbered":  # numbered by hand: Word's list numbering runs on across lists
            for i, item in enumerate(block.items, start=1):
                paragraph = runs_in(doc.add_paragraph(f"{marker(i, block.lang)}\t{item}"))
                paragraph.paragraph_format.left_indent = Pt(24)
                paragraph.paragraph_format.first_line_indent = Pt(-24)
        elif k == "table":
            _table(doc, block, runs_in)
        elif k == "bars":
            _bars(doc, block, runs_in)
        started = started or k != "section"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _clean(block: Block) -> Block:
    """A block whose text XML can hold: control characters become visible escapes."""
    from dataclasses import replace

    return replace(
        block,
        text=sanitize(block.text),
        items=[sanitize(i) for i in block.items],
        head=[sanitize(h) for h in block.head],
        rows=[[sanitize(c) for c in row] for row in block.rows],
        total=[sanitize(c) for c in block.total],
        bars=[(sanitize(label), done, still) for label, done, still in block.bars],
    )


def _table(doc: Any, block: Block, runs_in: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows = [list(block.head), *map(list, block.rows)]
    rows += [list(block.total)] if block.total else []
    table = doc.add_table(rows=len(rows), cols=len(block.head))
    table.style = doc.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            paragraph = runs_in(cell.paragraphs[0])
            if c < len(block.right) and block.right[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r == 0 or (block.total and r == len(rows) - 1):
                for run in paragraph.runs:
                    run.bold = True


def _bars(doc: Any, block: Block, runs_in: Any) -> None:
    """The chart as a table: label, done/total, and a bar of █ in two colours."""
    from docx.shared import RGBColor

    most = max([1, *(done + still for _, done, still in block.bars)])
    table = doc.add_table(rows=len(block.bars), cols=3)
    for r, (label, done, still) in enumerate(block.bars):
        table.cell(r, 0).text = label
        runs_in(table.cell(r, 0).paragraphs[0])
        table.cell(r, 1).text = f"{done}/{done + still}"
        bar = table.cell(r, 2).paragraphs[0]
        whole = round((done + still) * BAR_CELLS / most)  # the bar, then its done part
        done_cells = min(whole, max(1, round(done * BAR_CELLS / most))) if done else 0
        still_cells = max(1, whole - done_cells) if still else 0
        for n, rgb in ((done_cells, DONE_RGB), (still_cells, OPEN_RGB)):
            if n:
                run = bar.add_run("█" * n)
                run.font.color.rgb = RGBColor(*rgb)


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
