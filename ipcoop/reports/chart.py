"""The summary's chart as SVG: projects by area (done and open, in the
programme's area order) and completions by month.

A small writer of its own: a charting library costs more start-up time than
the whole command. Text is measured the way it is drawn: a wide (CJK)
character takes a full em, other characters about half an em, so Chinese
labels get their true width. The SVG names system fonts and fetches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ipcoop.reports.document import escape
from ipcoop.reports.render import cell_len

# System fonts only, the Chinese ones of the chart's own script first.
CJK = {
    "zh-hk": "'Microsoft JhengHei', 'PingFang HK', 'Noto Sans CJK HK', 'Noto Sans CJK TC'",
    "zh-cn": "'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC'",
}
LATIN = "'Segoe UI', 'Helvetica Neue', Arial"
XML_LANG = {"en": "en", "zh-hk": "zh-Hant-HK", "zh-cn": "zh-Hans-CN"}
DONE, OPEN, INK, RULE = "#2e7d32", "#f2a900", "#222222", "#9e9e9e"
WIDTH = 760
PAD = 16
SIZE = 13  # px, labels
ROW = 26  # px, one area
LINE = 15  # px, each further line of an area's name
PLOT = 150  # px, height of the month bars


def text_width(text: str, size: float = SIZE) -> float:
    """Width in px of `text` drawn at `size`: wide characters 1 em, others ~0.52 em
    (the average of a sans-serif's letters, digits and spaces, rounded up)."""
    wide = cell_len(text) - len(text)
    return (wide * 1.0 + (len(text) - wide) * 0.52) * size


def fit(text: str, room: float, size: float = SIZE) -> str:
    """`text`, cut with … to fit `room` px."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


_TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")
MAX_LINES = 3


def wrap(text: str, room: float, size: float = SIZE) -> list[str]:
    """`text` in lines that each fit `room` px, broken between words (or between
    Chinese characters); at most three, the last cut with … if it must be."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if line and text_width((line + token).rstrip(), size) > room:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], fit(" ".join(lines[MAX_LINES - 1 :]), room, size)]
    return [fit(one, room, size) for one in lines] or [""]


def _text(
    x: float, y: float, text: str, size: int = SIZE, anchor: str = "start", **extra: str
) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
        f"{attrs}>{escape(text)}</text>"
    )


def chart(
    areas: Sequence[tuple[str, str, int, int]],
    months: dict[str, int],
    words: dict[str, str],
    lang: str = "en",
) -> str:
    """The chart: `areas` as (key, label, done, open); `months` YYYY-MM -> done;
    `words` gives the titles and legend in the report's language (keys: by_area,
    by_month, done, open, none)."""
    parts: list[str] = []
    y: float = PAD + 16
    parts.append(_text(PAD, y, words["by_area"], 15, font_weight="bold"))
    # Legend, right-aligned on the title line.
    legend_x: float = WIDTH - PAD
    for label, colour in ((words["open"], OPEN), (words["done"], DONE)):
        legend_x -= text_width(label) + 4
        parts.append(_text(legend_x, y, label, SIZE))
        legend_x -= 16
        parts.append(
            f'<rect x="{legend_x:.1f}" y="{y - 11}" width="12" height="12" fill="{colour}"/>'
        )
        legend_x -= 14
    y += 14
    label_room = min(WIDTH * 0.5, max([60.0, *(text_width(a[1]) for a in areas)]))
    bar_x = PAD + label_room + 10
    bar_room = WIDTH - PAD - bar_x - 56
    most = max([1, *(d + o for _, _, d, o in areas)])
    scale = bar_room / most
    for key, label, done, still in areas:
        y += ROW
        lines = wrap(label, label_room)
        for i, line in enumerate(lines):  # a long name on more lines, not cut
            parts.append(_text(PAD, y - 8 + LINE * i, line))
        x = bar_x
        for cls, n, colour in (("done", done, DONE), ("open", still, OPEN)):
            w = n * scale
            parts.append(
                f'<rect class="{cls}" data-area="{escape(key)}" data-count="{n}" x="{x:.1f}" '
                f'y="{y - 20}" width="{w:.1f}" height="16" fill="{colour}"/>'
            )
            x += w
        parts.append(_text(x + 6, y - 8, f"{done}/{done + still}", SIZE, fill=INK))
        y += LINE * (len(lines) - 1)
    y += 36
    parts.append(_text(PAD, y, words["by_month"], 15, font_weight="bold"))
    y += 12
    if not months:
        y += 22
        parts.append(_text(PAD, y, words["none"], SIZE, fill=RULE))
        y += PAD
    else:
        y = _month_bars(parts, _every_month(months), y)
    first, second = (
        (CJK["zh-cn"], CJK["zh-hk"]) if lang == "zh-cn" else (CJK["zh-hk"], CJK["zh-cn"])
    )
    font = f"{LATIN}, {first}, {second}, sans-serif"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xml:lang="{XML_LANG[lang]}" role="img" '
        f'width="{WIDTH}" height="{y:.0f}" viewBox="0 0 {WIDTH} {y:.0f}" '
        f'font-family="{font}" fill="{INK}">'
        f"<title>{escape(words['by_area'])}; {escape(words['by_month'])}</title>"
        + "".join(parts)
        + "</svg>"
    )


def _every_month(months: dict[str, int]) -> dict[str, int]:
    """The months from the first to the last, those with none done as 0, so that the
    bars stand in time (unless the span is over four years: then only months with any)."""
    keys = sorted(months)
    first_year, first_month = int(keys[0][:4]), int(keys[0][5:7])
    last_year, last_month = int(keys[-1][:4]), int(keys[-1][5:7])
    span = (last_year - first_year) * 12 + last_month - first_month + 1
    if span > 48 or not all(len(k) == 7 and k[4] == "-" for k in keys):
        return dict(sorted(months.items()))
    out = {}
    for i in range(span):
        year, month = divmod(first_month - 1 + i, 12)
        key = f"{first_year + year}-{month + 1:02d}"
        out[key] = months.get(key, 0)
    return out


def _month_bars(parts: list[str], months: dict[str, int], top: float) -> float:
    keys = list(months)
    room = WIDTH - 2 * PAD
    step = room / len(keys)
    width = min(36.0, step * 0.7)
    most = max(months.values())
    base = top + 18 + PLOT
    every = max(1, round(len(keys) / 12))  # at most about twelve month labels
    for i, month in enumerate(keys):
        n = months[month]
        h = n * PLOT / most
        x = PAD + i * step + (step - width) / 2
        parts.append(
            f'<rect class="month" data-month="{month}" data-count="{n}" x="{x:.1f}" '
            f'y="{base - h:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{DONE}"/>'
        )
        if n:
            parts.append(_text(x + width / 2, base - h - 4, str(n), 11, "middle"))
        if i % every == 0:
            parts.append(_text(x + width / 2, base + 14, month, 11, "middle", fill="#555555"))
    parts.append(
        f'<line x1="{PAD}" y1="{base:.1f}" x2="{WIDTH - PAD}" y2="{base:.1f}" stroke="{RULE}"/>'
    )
    return base + 14 + PAD + 4
