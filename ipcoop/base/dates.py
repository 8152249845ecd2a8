"""Dates as people write them, and the dates of the group's events.

Spreadsheets and officials write dates day first (30/06/2020) or year first
(2020-06-30, 2020年6月30日); `parse_sheet_date` reads both. A project may
take place on a day or over a span.

A project stores `starts_on` and `ends_on` ("YYYY-MM-DD"), both or neither; a
one-day event has the same date in both. `list --upcoming` asks which events
fall in a window: the next 30 days, two weeks, or a calendar month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr

# The group was set up in 2003; a generous window keeps typos like 20200 out, for a
# programme's years and an event's dates alike.
MIN_YEAR = 2000
MAX_YEAR = 2100
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")
_WINDOW_RE = re.compile(r"^(\d{1,4})\s*([dw])$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
DEFAULT_WINDOW = "30d"


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?$")


def parse_sheet_date(value: Any, what: str = "done_on") -> Any:
    """A date as spreadsheets in Hong Kong and Guangdong write it: day first
    (30/06/2020, 30-06-2020, 30.06.2020), or year first (2020-06-30, 2020/6/30,
    2020年6月30日). Month-first or two-digit years are refused, not guessed."""
    if not isinstance(value, str):
        return value
    # A spreadsheet saving a date cell as text may add midnight: 2020-10-05 00:00:00.
    text = _MIDNIGHT.sub("", value.strip())
    match = _YEAR_FIRST.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            return text  # let the usual check say what is wrong
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) != 4:
            raise InvalidValue(
                tr(
                    "{what} {text!r} has a two-digit year; write it as {group}/{group2}/20{group3}"
                ).format(
                    what=what,
                    text=text,
                    group=match.group(1),
                    group2=match.group(2),
                    group3=match.group(3),
                )
            )
        if month > 12 and day <= 12:
            raise InvalidValue(
                tr(
                    "{what} {text!r} looks month-first; dates are day first, as in 30/06/2020"
                ).format(what=what, text=text)
            )
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise InvalidValue(
            tr("{what} {text!r} is not a real date").format(what=what, text=text)
        ) from None


def parse_date(value: Any, what: str = "date") -> str:
    """A calendar date as 'YYYY-MM-DD' (validated, normalised)."""
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise InvalidValue(
            tr(
                "{what} must be a date such as 2020-11-30 or, day first, 30/11/2020; "
                "not {shown_value}"
            ).format(what=what, shown_value=shown_value(value))
        )
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidValue(
            tr("{what} {strip} is not a real date").format(what=what, strip=value.strip())
        ) from None


def shown_value(value: Any) -> str:
    """A value as an error message quotes it: its repr, cut at 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def checked_span(starts_on: Any, ends_on: Any) -> tuple[str | None, str | None]:
    """A stored or imported span, normalised: both dates or neither, in order. An end
    alone is refused; a start alone is a one-day event."""
    start = None if starts_on in (None, "") else parse_date(starts_on, "starts_on")
    end = None if ends_on in (None, "") else parse_date(ends_on, "ends_on")
    if start is None and end is not None:
        raise InvalidValue(
            tr("ends_on is {end} but starts_on is not set; give the first day too").format(end=end)
        )
    if start is not None and end is None:
        end = start
    if start is not None and end is not None and end < start:
        raise InvalidValue(
            tr("the event ends ({end}) before it starts ({start})").format(end=end, start=start)
        )
    for day in (start, end):
        if day is not None and not MIN_YEAR <= int(day[:4]) <= MAX_YEAR:
            raise InvalidValue(
                tr(
                    "the event's date {day} is out of range ({min_year}-{max_year}); check the year"
                ).format(day=day, min_year=MIN_YEAR, max_year=MAX_YEAR)
            )
    return start, end


def typed_date(value: str, option: str) -> str:
    """A date typed at an option: 2020-11-12, or day first as in 12/11/2020."""
    return parse_date(parse_sheet_date(value, option), option)


def span_of_options(
    on: str | None,
    start: str | None,
    end: str | None,
    now: tuple[str | None, str | None] = (None, None),
) -> tuple[str | None, str | None] | None:
    """The span `--on` or `--from`/`--to` give, given the project's span now (None: the
    options say nothing). An edit may move one end alone; a new span needs both ends."""
    if on is None and start is None and end is None:
        return None
    if on is not None and (start is not None or end is not None):
        raise InvalidValue(tr("give the event's date with --on, or its span with --from and --to"))
    if on is not None:
        day = typed_date(on, "--on")
        return day, day
    first = typed_date(start, "--from") if start is not None else now[0]
    last = typed_date(end, "--to") if end is not None else now[1]
    if first is None or last is None:
        missing = "--to" if last is None else "--from"
        raise InvalidValue(
            tr("a span needs {missing} as well (or give one day with --on)").format(missing=missing)
        )
    if last < first:
        if start is not None and end is not None:
            raise InvalidValue(
                tr("--to {last} is before --from {first}").format(last=last, first=first)
            )
        moved = "--from" if end is None else "--to"
        raise InvalidValue(
            tr(
                "with {moved} alone the event would end on {last}, before it starts on "
                "{first}; give --from and --to together"
            ).format(moved=moved, last=last, first=first)
        )
    return first, last


def window(text: str | None, today: dt.date) -> tuple[str, str]:
    """The window `--upcoming` names, as (first day, last day): '30d' and '2w' from
    today, '2020-11' a calendar month."""
    raw = (DEFAULT_WINDOW if text is None else text).strip().lower()
    match = _WINDOW_RE.match(raw)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        days = count * (7 if unit == "w" else 1)
        if days < 1:
            raise InvalidValue(tr("--upcoming {text} is empty; give at least 1d").format(text=text))
        if days > 3660:
            raise InvalidValue(
                tr("--upcoming {text} is over ten years; give a shorter window").format(text=text)
            )
        return today.isoformat(), (today + dt.timedelta(days=days - 1)).isoformat()
    match = _MONTH_RE.match(raw)
    if match and 1 <= int(match.group(2)) <= 12 and MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        year, month = int(match.group(1)), int(match.group(2))
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    raise InvalidValue(
        tr(
            "--upcoming takes a number of days or weeks (30d, 2w) or a month "
            "(2020-11), not {text!r}"
        ).format(text=text)
    )


def within(project: Mapping[str, Any], first: str, last: str) -> bool:
    """Whether a project's event touches the window (an event under way counts)."""
    start, end = project.get("starts_on"), project.get("ends_on")
    return isinstance(start, str) and start <= last and str(end or start) >= first


def span_text(start: str | None, end: str | None, lang: str, table: bool = False) -> str:
    """An event's day or span as text: in a table ISO in English (2020-11-12 to 11-14,
    the year said once; never 2020-11-12/14, which reads as a day-first date) and each
    side's style in Chinese (2020年11月12日至14日); in a sentence as the group writes
    dates (12–14 November 2020, 二○二○年十一月十二日至十四日)."""
    from ipcoop.base.words import MONTHS, chinese_number, date_text

    if not start:
        return ""
    end = end or start
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except (TypeError, ValueError):  # (a hand-edited file): shown as it is written
        return f"{start} to {end}" if end != start else str(start)
    if table and lang == "en":
        if end == start:
            return start
        return f"{start} to {end[5:] if end[:4] == start[:4] else end}"
    if end == start:
        return date_text(start, lang)
    if lang == "en":
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{date_text(end, lang)}"
        if first.year == last.year:
            return f"{first.day} {MONTHS[first.month - 1]} – {date_text(end, lang)}"
        return f"{date_text(start, lang)} – {date_text(end, lang)}"
    hk = lang == "zh-hk"
    if first.year != last.year:
        tail = date_text(end, lang)
    elif first.month != last.month:
        tail = f"{chinese_number(last.month) if hk else last.month}月"
        tail += f"{chinese_number(last.day) if hk else last.day}日"
    else:
        tail = f"{chinese_number(last.day) if hk else last.day}日"
    return f"{date_text(start, lang)}至{tail}"


def cell_style(lang: str) -> str:
    """How a terminal's table writes a date in `lang`: ISO in English, Arabic numerals in
    either Chinese (2020年11月30日: narrow enough for a column; the characters are the
    same in both scripts). Documents write zh-hk dates in Chinese numerals instead."""
    return "en" if lang == "en" else "zh-cn"
