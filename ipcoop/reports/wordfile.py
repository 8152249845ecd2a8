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
import re
from collections.abc import Sequence
from typing import Any

from ipcoop.base.i18n import tr
from ipcoop.base.safe import sanitize
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
            tr("Word output needs python-docx: pip install python-docx (or reinstall ipcoop)")
        ) from None

    doc = Document()
    _setup(doc, title, Mm)
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
            title_paragraph = runs_in(doc.add_heading(block.text, level=0))
            size = _title_size(block.text)
            if size is not None:  # a Chinese title on one line: never broken inside a year
                for run in title_paragraph.runs:
                    run.font.size = Pt(size)
        elif k == "subtitle":
            runs_in(doc.add_paragraph(block.text, style="Subtitle"))
        elif k == "heading":
            heading = runs_in(doc.add_heading(block.text, level=min(3, block.level - 1)))
            heading.paragraph_format.keep_with_next = True  # never alone at a page's foot
            heading.paragraph_format.page_break_before = block.page
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
    return _rows_kept_whole(out.getvalue())


def _setup(doc: Any, title: str, mm: Any) -> None:
    props = doc.core_properties
    props.title = title
    # The template's own (author "python-docx", a date of 2013) would show in Word's
    # file properties: the group wrote this, now.
    props.author = props.last_modified_by = GROUP["en"]
    props.comments = ""
    props.created = props.modified = _now()
    for section in doc.sections:  # A4, as both governments print (the template is Letter)
        section.page_width, section.page_height = mm(210), mm(297)
        section.left_margin = section.right_margin = mm(20)
        section.top_margin = section.bottom_margin = mm(20)


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


TEXT_MM = 170  # the width between A4's margins


def _title_size(text: str) -> int | None:
    """The point size at which a Chinese title fits on one line of the page (the title
    style's 26 pt would break 二○二○年 in two), or None to leave it as it is."""
    ems = sum(1.0 if c >= "\u2e80" or c in "○〇" else 0.6 for c in text)
    if not any(c >= "\u2e80" for c in text) or ems <= 18 or ems > 40:
        return None  # short enough, or English (it breaks between words)
    return max(12, int(440 / ems))  # 470 pt of line, less some air; a Chinese character is 1 em


MM_PER_CELL = 2.7  # a character of the body text (11 pt) as wide fonts draw it, bold too
CELL_PADDING = 5.0  # the cell margins, left and right, and a little air


_NUMERAL = "[0-9○〇零一二三四五六七八九十]+"
_CHINESE_DATE = re.compile(f"{_NUMERAL}年{_NUMERAL}月{_NUMERAL}日")


def _unbreakable(text: str) -> int:
    """The widest piece of a cell's text that must not break, in cells: a word, a
    figure, a date (2020-11-30), a year; Chinese breaks between any two characters."""
    from ipcoop.reports.cells import cell_len

    widest = 0
    for token in text.split():
        if _CHINESE_DATE.fullmatch(token):  # 二○二○年十一月三十日: one unit, like 2020-11-30
            widest = max(widest, cell_len(token))
            continue
        pieces = re.findall(r"[\x00-\u2e7f]+", token)  # runs without CJK characters
        widest = max(widest, *(cell_len(p) for p in pieces), 2 if len(pieces) != 1 else 0)
    return widest


def _widths(rows: list[list[str]], total: float = TEXT_MM) -> list[float]:
    """Column widths in mm: each column at least as wide as its widest word, figure or
    date (never broken inside one), then the room left shared by the columns whose
    text is longer (names and titles), in proportion to what each would need."""
    from ipcoop.reports.cells import cell_len

    columns = range(len(rows[0]))
    least = [
        max(_unbreakable(row[c]) for row in rows if c < len(row)) * MM_PER_CELL + CELL_PADDING
        for c in columns
    ]
    whole = [
        max(min(cell_len(row[c]), 80) for row in rows if c < len(row)) * MM_PER_CELL + CELL_PADDING
        for c in columns
    ]
    if sum(least) >= total:  # too many columns for the page: shrink all alike
        return [total * w / sum(least) for w in least]
    if sum(whole) <= total:  # all of it fits: the room left goes to the widest
        extra = total - sum(whole)
        return [w + extra * w / sum(whole) for w in whole]
    spare = total - sum(least)
    wanted = [w - m for w, m in zip(whole, least, strict=True)]
    return [m + spare * n / sum(wanted) for m, n in zip(least, wanted, strict=True)]


def _fixed(table: Any, widths: list[float]) -> None:
    """A table laid out at these widths (Word otherwise makes every column equal)."""
    from docx.shared import Mm

    table.autofit = False  # a fixed layout: the widths hold
    for c, width in enumerate(widths):
        table.columns[c].width = Mm(width)
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            cell.width = Mm(widths[c])


def _rows_kept_whole(docx: bytes) -> bytes:
    """Every table row kept on one page (Word's 'allow row to break across pages' off):
    set in the document's XML as saved, python-docx having no word for it."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:tr>", b"<w:tr><w:trPr><w:cantSplit/></w:trPr>")
                # A table's first row is its header: repeated on every page it runs onto.
                data = re.sub(
                    rb"(<w:tbl>(?:(?!<w:tr>).)*<w:tr><w:trPr><w:cantSplit/>)",
                    rb"\1<w:tblHeader/>",
                    data,
                    flags=re.DOTALL,
                )
            target.writestr(item, data)
    return out.getvalue()


def _table(doc: Any, block: Block, runs_in: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows = [list(block.head), *map(list, block.rows)]
    rows += [list(block.total)] if block.total else []
    table = doc.add_table(rows=len(rows), cols=len(block.head))
    table.style = doc.styles["Table Grid"]
    _fixed(table, _widths(rows))
    whole = len(rows) <= 20  # a short table kept on one page, with what leads to it
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            paragraph = runs_in(cell.paragraphs[0])
            if r == 0 or (whole and r < len(rows) - 1):
                paragraph.paragraph_format.keep_with_next = True
            if c < len(block.right) and block.right[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r == 0 or (block.total and r == len(rows) - 1):
                for run in paragraph.runs:
                    run.bold = True


def _bars(doc: Any, block: Block, runs_in: Any) -> None:
    """The chart as a table: label, done/total, and a bar of █ in two colours."""
    from docx.shared import Pt, RGBColor

    most = max([1, *(done + still for _, done, still in block.bars)])
    table = doc.add_table(rows=len(block.bars), cols=3)
    # The bar's column holds BAR_CELLS blocks of 7 pt (at most 2.5 mm each, in any
    # font): it never wraps.
    bar_mm = BAR_CELLS * 2.5 + 4
    label_mm = TEXT_MM - bar_mm - 16
    _fixed(table, [label_mm, 16, bar_mm])
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
                run.font.size = Pt(7)


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
