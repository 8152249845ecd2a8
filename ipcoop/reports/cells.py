"""Terminal cells: how wide text is on a terminal, and where a line may break.

Chinese characters take two cells and Latin ones one; a line is broken
between words, or between Chinese characters, but never before a closing
mark or after an opening one.
"""

from __future__ import annotations

import re

__all__ = ["cell_len", "wrap_cells"]

# Characters that are always two cells wide: CJK punctuation, kana, ideographs,
# Hangul and full-width forms (checked against Rich's table in the tests).
_WIDE = (
    (0x3000, 0x3029),
    (0x3030, 0x303E),
    (0x3041, 0x3096),
    (0x309B, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0xFF01, 0xFF60),
    (0xFFE0, 0xFFE6),
)
# Characters ipcoop draws (bars, marks, rules), one cell each as Rich counts them.
_NARROW_OWN = "█░─★✔▶·✘…→—"
_OTHER_THAN_ASCII = re.compile("[^\x20-\x7e]+")  # runs of anything but printable ASCII
_CELLS: dict[str, int] = {}  # a character seen before: 2 wide, 1 narrow, 0 ask Rich
_WIDE_SEEN: set[str] = set()  # the wide ones among them


def _cells_of(ch: str) -> int:
    code = ord(ch)
    if any(first <= code <= last for first, last in _WIDE):
        cells = 2
        _WIDE_SEEN.add(ch)
    else:
        cells = 1 if ch in _NARROW_OWN else 0
    _CELLS[ch] = cells
    return cells


def cell_len(text: str) -> int:
    """Terminal cells `text` takes (wide CJK characters count two), as Rich counts them.

    Printable ASCII costs a len(). Otherwise the runs of other characters are found by a
    regular expression and a run of wide characters seen before is counted
    whole by a set lookup, all at C speed; a character not seen before is
    looked up once; anything that is neither wide nor ipcoop's own narrow marks
    goes to Rich, whose per-character loop is exact but slow.
    """
    if text.isascii() and text.isprintable():
        return len(text)
    extra = 0
    for run in _OTHER_THAN_ASCII.findall(text):
        if _WIDE_SEEN.issuperset(run):
            extra += len(run)
            continue
        for ch in run:
            cells = _CELLS.get(ch)
            if cells is None:
                cells = _cells_of(ch)
            if cells == 0:
                from rich.cells import cell_len as rich_cell_len

                return rich_cell_len(text)
            extra += cells - 1
    return len(text) + extra


def wrap_cells(value: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells (wide CJK characters count two).

    Chinese has no spaces between words: a run of wide characters breaks
    between any two of them, as Chinese text does."""
    if value.isascii() and len(value) <= width:
        return [value]
    # Each word measured once (most are ASCII: their length is their width);
    # the widths add up, so the whole needs no measuring of its own.
    words = value.split(" ")
    sizes = [len(word) if word.isascii() else cell_len(word) for word in words]
    if sum(sizes) + len(words) - 1 <= width:
        return [value]
    lines: list[str] = []
    line, line_len = "", 0
    for whole, whole_len in zip(words, sizes, strict=True):
        word, word_len = whole, whole_len
        if line and line_len + 1 + word_len <= width:
            line, line_len = f"{line} {word}", line_len + 1 + word_len
            continue
        if line and word_len > len(word):  # wide characters: fill the line first
            cut = _cut(word, width - line_len - 1)
            if cut:
                line, line_len = f"{line} {cut}", line_len + 1 + cell_len(cut)
                word = word[len(cut) :]
                word_len = cell_len(word)
        if line:
            lines.append(line)
        line, line_len = "", 0
        while word_len > width:  # fold a word longer than the column
            cut = _cut(word, width) or word[0]  # a character wider than the column alone
            lines.append(cut)
            word = word[len(cut) :]
            word_len = cell_len(word)
        line, line_len = word, word_len
    if line:
        lines.append(line)
    return lines


# Chinese line breaking: no line starts with closing punctuation or ends with
# opening punctuation, and a run of Latin letters or digits (27, 2020-06-30,
# 33.3%) is not split.
_NO_START = "，。、；：？！）」』》〉】,.;:?!)]}%…—～"
_NO_END = "（「『《〈【([{"


def _cut(word: str, room: int) -> str:
    """The longest start of `word` that fits `room` cells, broken where Chinese
    text may break (the whole fitting part if no such place)."""
    cut, cut_len = "", 0
    for ch in word:
        ch_len = cell_len(ch)
        if cut_len + ch_len > room:
            break
        cut, cut_len = cut + ch, cut_len + ch_len
    if len(cut) == len(word):
        return cut
    end = len(cut)
    while end > 1 and not _may_break(word, end):
        end -= 1
    return word[:end] if _may_break(word, end) else cut


def _may_break(text: str, at: int) -> bool:
    before, after = text[at - 1], text[at]
    if after in _NO_START or before in _NO_END:
        return False
    return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())
