"""Turning data into output: what text tables for people need, and JSON for scripts.

User text is always data here: `models.sanitize` makes control characters
visible, and nothing is ever parsed as markup (Rich, used only for the HTML
and SVG reports and progress bars, gets plain Text).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

from ipcoop.base import safe
from ipcoop.reports.cells import cell_len, wrap_cells

STATUS_STYLE = {
    "planned": "cyan",
    "active": "yellow",
    "done": "green",
    "dropped": "dim",
    "carried": "dim",
}


def console(stderr: bool = False) -> Any:
    """A Rich console on stdout (or stderr): plain when piped or under NO_COLOR."""
    from rich.console import Console

    return Console(
        file=sys.stderr if stderr else sys.stdout,
        no_color="NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


# --------------------------------------------------------------------------- machine formats


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def md_cell(value: str) -> str:
    return safe.sanitize(value).replace("\\", "\\\\").replace("|", "\\|")


def write(out: IO[str], content: str) -> None:
    out.write(content)
    out.flush()


# --------------------------------------------------------------------------- tables


def terminal_width() -> int:
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)


def use_colour(stream: IO[str]) -> bool:
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


ANSI = {"cyan": "\x1b[36m", "yellow": "\x1b[33m", "green": "\x1b[32m", "dim": "\x1b[2m"}
RESET = "\x1b[0m"


# --------------------------------------------------------------------------- styled lines
#
# Tables other than the long project list are small, but Rich's import alone
# costs about 30 ms a command; they are laid out here as lines of
# (text, style) segments, written with ANSI codes on a terminal and plain
# when piped. The HTML and SVG reports turn the same lines into Rich Text.

Segment = tuple[str, str]
Line = list[Segment]
_STYLE_CODES = {**ANSI, "bold": "\x1b[1m", "italic": "\x1b[3m"}


def emit(lines: Sequence[Line], out: IO[str] | None = None, width: int | None = None) -> None:
    stream = out if out is not None else sys.stdout
    colour = use_colour(stream)
    fitted = fit(lines, width or terminal_width())
    stream.write("".join(line_text(line, colour) + "\n" for line in fitted))
    stream.flush()


def fit(lines: Sequence[Line], width: int) -> list[Line]:
    """Wrap any line wider than `width` (in a very narrow terminal), keeping its main style."""
    out: list[Line] = []
    for line in lines:
        text = "".join(t for t, _ in line).rstrip()
        if cell_len(text) <= width:
            out.append(line)
            continue
        style = max(line, key=lambda seg: cell_len(seg[0]))[1]
        out.extend([(part, style)] for part in wrap_cells(text, width))
    return out


def line_text(line: Line, colour: bool = False) -> str:
    if not colour:
        return "".join(text for text, _ in line).rstrip()
    return "".join(
        f"{_STYLE_CODES[style]}{text}{RESET}" if style and text.strip() else text
        for text, style in line
    ).rstrip()


def plain(lines: Sequence[Line]) -> str:
    return "".join(line_text(line) + "\n" for line in lines)


class Column:
    """A table column; `drop` > 0: dropped (lowest first) when the terminal is too
    narrow for the wrapping column to keep 16 cells."""

    def __init__(self, header: str, right: bool = False, wrap: bool = False, drop: int = 0) -> None:
        self.header, self.right, self.wrap, self.drop = header, right, wrap, drop


def grid(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Segment | str]],
    width: int,
    header: bool = True,
) -> list[Line]:
    """Lay out a table in `width` cells; the one wrapping column takes what is left.
    Columns with `drop` go, lowest first, while the table does not fit."""
    cells = [[c if isinstance(c, tuple) else (c, "") for c in row] for row in rows]
    wrap_col = next((c for c in columns if c.wrap), None)
    need = 16 if wrap_col is not None else 0
    if any(c.drop for c in columns):
        keep = list(range(len(columns)))
        for victim in sorted((c.drop, i) for i, c in enumerate(columns) if c.drop):
            fixed = sum(
                max(
                    [
                        cell_len(columns[i].header) if header else 0,
                        *(cell_len(r[i][0]) for r in cells),
                    ]
                )
                + 1
                for i in keep
                if not columns[i].wrap
            )
            if wrap_col is None:
                fixed -= 1  # no gap after the last column
            if width - fixed >= need:
                break
            keep.remove(victim[1])
        columns = [columns[i] for i in keep]
        cells = [[row[i] for i in keep] for row in cells]
    cells = [[(safe.sanitize(t), st) for t, st in row] for row in cells]
    widths = []
    for i, col in enumerate(columns):
        values = [cell_len(row[i][0]) for row in cells]
        widths.append(max([cell_len(col.header) if header else 0, *values]))
    wrap_at = next((i for i, c in enumerate(columns) if c.wrap), None)
    # Narrower gaps first, before the wrapping column is squeezed.
    for gap in ("   ", "  ", " "):
        fixed = sum(w for i, w in enumerate(widths) if i != wrap_at)
        fixed += len(gap) * (len(columns) - 1)
        if width - fixed >= (16 if wrap_at is not None else 0):
            break
    if wrap_at is not None and width - fixed < 16:
        return _stacked(columns, cells, widths, wrap_at, width, header)
    if wrap_at is not None:
        widths[wrap_at] = max(8, min(widths[wrap_at], width - fixed))

    def pad(text: str, i: int) -> str:
        room = widths[i] - cell_len(text)
        return (" " * room + text) if columns[i].right else (text + " " * room)

    lines: list[Line] = []
    if header:
        head: Line = []
        for i, col in enumerate(columns):
            head += [(pad(col.header, i), "bold"), (gap if i < len(columns) - 1 else "", "")]
        lines.append(head)
        lines.append([("─" * min(width, sum(widths) + len(gap) * (len(columns) - 1)), "")])
    for row in cells:
        wrapped = wrap_cells(row[wrap_at][0], widths[wrap_at]) if wrap_at is not None else []
        first: Line = []
        for i, (value, style) in enumerate(row):
            shown = wrapped[0] if i == wrap_at and wrapped else value
            first += [(pad(shown, i), style), (gap if i < len(columns) - 1 else "", "")]
        lines.append(first)
        if wrap_at is not None:
            indent = sum(widths[:wrap_at]) + len(gap) * wrap_at
            style = row[wrap_at][1]
            lines.extend([(" " * indent, ""), (more, style)] for more in wrapped[1:])
    return lines


def _stacked(
    columns: Sequence[Column],
    cells: list[list[tuple[str, str]]],
    widths: list[int],
    wrap_at: int,
    width: int,
    header: bool,
) -> list[Line]:
    """The table with its wrapping column under each row, indented, when the other
    columns leave it too little room to wrap words in."""
    keep = [i for i in range(len(columns)) if i != wrap_at]
    narrow = grid(
        [columns[i] for i in keep], [[row[i] for i in keep] for row in cells], width, header
    )
    lines = narrow[: 2 if header else 0]
    for row, line in zip(cells, narrow[2 if header else 0 :], strict=True):
        lines.append(line)
        text, style = row[wrap_at]
        lines.extend([("  ", ""), (part, style)] for part in wrap_cells(text, max(8, width - 2)))
    return lines


def bar(percent: float, width: int = 10) -> str:
    """A text progress bar: full and empty cells both show, coloured or not."""
    percent = max(0.0, min(percent, 100.0))
    filled = round(percent * width / 100)
    return "█" * filled + "░" * (width - filled)


def progress_segments(percent: float, width: int = 10, figures: bool = True) -> Line:
    drawn = bar(percent, width)
    filled = drawn.count("█")
    line: Line = [(drawn[:filled], "green"), (drawn[filled:], "dim")]
    if figures:
        line.append((f" {percent:5.1f}%", ""))
    return line


def progress_text(percent: float, width: int = 10) -> str:
    """Bar and percentage; just the percentage when there is no room for a bar."""
    if width <= 0:
        return f"{percent:5.1f}%"
    return bar(percent, width) + f" {percent:5.1f}%"


def bar_room(width: int) -> int:
    """Cells for the bars of a table in a terminal `width` wide."""
    return 10 if width >= 72 else 0


def plain_value(value: Any) -> str:
    """A stored value in a line of text (control characters escaped)."""
    if isinstance(value, str):
        return repr(safe.sanitize(value))
    return safe.sanitize(json.dumps(value, ensure_ascii=False))


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the reader's local time, to the minute."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
