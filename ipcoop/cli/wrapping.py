"""Help text wrapped by terminal cells, the way Chinese is read.

Click measures and wraps help by characters: a line of Chinese, two cells a
character, comes out twice as wide as the terminal. These two functions stand
in for Click's `term_len` and `wrap_text` (cli/compat.py puts them in place):
they count cells as the reports do (reports/cells.py), break between any two
Chinese characters (no spaces are needed there, and none are added when lines
are joined), keep a closing mark
(，。）」) on the line before it and an opening one (（「) with what follows.
"""

from __future__ import annotations

import re

from ipcoop.reports.cells import cell_len

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Marks that never begin a line, and marks that never end one.
_CLOSING = set("，。、；：！？）」』》〉】〕”’…·%,.;:!?)]}")
_OPENING = set("（「『《〈【〔“‘([{")


def help_width() -> int:
    """The width help is written to: the terminal's (COLUMNS), up to 80, less a
    margin. Click would never go under 50, which spills over a 40-column terminal."""
    import shutil

    return max(min(shutil.get_terminal_size().columns, 80) - 2, 30)


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def term_len(x: str) -> int:
    return cell_len(_ANSI.sub("", x))


def _units(text: str) -> list[tuple[str, int]]:
    """The text as the pieces a line may break between: (piece, spaces before it)."""
    units: list[tuple[str, int]] = []
    space = 0
    glue = False  # the piece before was an opening mark: what follows stays with it
    for char in text:
        if char.isspace():
            space += 1
            glue = False
            continue
        wide = _wide(char)
        last = units[-1][0][-1] if units else ""
        joins = units and not space and (glue or char in _CLOSING or not (wide or _wide(last)))
        if joins:
            piece, before = units[-1]
            units[-1] = (piece + char, before)
        else:
            units.append((char, space))
        space = 0
        glue = char in _OPENING
    return units


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one: a space between them, except between two
    wide characters (Chinese runs on without one)."""
    out = ""
    for given in lines:
        line = given.strip()
        if not line:
            continue
        if out and not (_wide(out[-1]) and _wide(line[0])):
            out += " "
        out += line
    return out


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """One paragraph, filled to `width` cells."""
    lines: list[str] = []
    line, used, empty = initial_indent, cell_len(initial_indent), True
    for unit, space in _units(text):
        piece, size = unit, cell_len(unit)
        gap = space if not empty else 0  # as many spaces as the text has ("  [required]")
        if not empty and used + gap + size > width:
            lines.append(line.rstrip())
            line, used, gap = subsequent_indent, cell_len(subsequent_indent), 0
        while used + size > width and len(piece) > 1:  # longer than a line: cut it
            cut = 1
            while cut < len(piece) and used + cell_len(piece[: cut + 1]) <= width:
                cut += 1
            # Not before a closing mark, nor after an opening one: each keeps its word.
            while cut > 1 and (piece[cut - 1] in _OPENING or piece[cut : cut + 1] in _CLOSING):
                cut -= 1
            lines.append(line + " " * gap + piece[:cut])
            line, used, gap = subsequent_indent, cell_len(subsequent_indent), 0
            piece = piece[cut:]
            size = cell_len(piece)
        line += " " * gap + piece
        used += gap + size
        empty = False
    lines.append(line.rstrip() if not empty else line)
    return "\n".join(lines)


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """Click's wrap_text, by cells: paragraphs kept apart, a paragraph opened by a
    line holding only \\b left as it is (indented only)."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(join_lines(text.splitlines()), width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, list[str]]] = []
    block: list[str] = []
    indent: int | None = None
    for line in [*text.splitlines(), ""]:
        if line:
            if indent is None:
                indent = term_len(line) - term_len(line.lstrip())
            block.append(line.lstrip() if not block else line)
            continue
        if block:
            raw = block[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, block[1:] if raw else block))
        block, indent = [], None
    out = []
    for extra, raw, lines in paragraphs:
        first, rest = " " * extra + initial_indent, " " * extra + subsequent_indent
        if raw:
            out.append("\n".join((first if i == 0 else rest) + s for i, s in enumerate(lines)))
        else:
            out.append(fill(join_lines(lines), width, first, rest))
    return "\n\n".join(out)
