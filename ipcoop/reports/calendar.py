"""The dated projects as an iCalendar file (RFC 5545) for Outlook, Google Calendar and
the like: one all-day event per project with a date or span.

Each event's UID is the project's identity and its SEQUENCE counts the journal's
changes to the project, so a calendar that imports the file again updates its
events rather than adding them twice. Nothing depends on the moment of export
(DTSTAMP is the project's last change): both sides exporting the same data
write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project

PRODID = "-//ipcoop//Co-operation projects//EN"
# A dropped project's event will not take place; a carried project's is now the event of
# the project it was carried into (a new UID): either is marked cancelled, so that a
# calendar that holds it takes it out.
_STATUS = {"planned": "TENTATIVE", "active": "CONFIRMED", "done": "CONFIRMED"}


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks."""
    # Control characters (an escape in a title) are not allowed in a calendar's text.
    text = "".join(c for c in text if c in "\r\n\t" or unicodedata.category(c) not in ("Cc",))
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with a space
        if size + width > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out)


def _day(iso: str) -> str:
    return iso.replace("-", "")


def _stamp(updated: str) -> str:
    """2020-11-30T08:00:00Z -> 20201130T080000Z."""
    return updated.replace("-", "").replace(":", "")


def event_lines(
    project: Project,
    lang: str,
    sequence: int,
    areas: Mapping[str, dict[str, Any]],
    members: Mapping[str, dict[str, Any]],
) -> list[str]:
    from ipcoop.base.words import WORDS
    from ipcoop.core.languages import name_in, title_in

    say = WORDS[lang]
    start = str(project["starts_on"])
    end = dt.date.fromisoformat(str(project["ends_on"] or start)) + dt.timedelta(days=1)
    area = areas.get(project["area"])
    agencies = [name_in(members[c], lang) if c in members else c for c in project["agencies"]]
    colon, comma = (": ", ", ") if lang == "en" else ("：", "、")
    details = [
        f"{say['Area']}{colon}{name_in(area, lang) if area else project['area']}",
        f"{say['Status']}{colon}{say[project['status']]}",
        f"{say['Lead']}{colon}{say[project['lead']]}",
    ]
    if agencies:
        details.append(f"{say['Agencies']}{colon}{comma.join(agencies)}")
    if project["key"]:
        details.append(say["Key project"])
    details.append(f"{say['Programme']}{colon}{project['programme']} (#{project['id']})")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{project['uuid']}@ipcoop",
        f"DTSTAMP:{_stamp(project['updated'])}",
        f"SEQUENCE:{sequence}",
        f"DTSTART;VALUE=DATE:{_day(start)}",
        f"DTEND;VALUE=DATE:{_day(end.isoformat())}",
        f"SUMMARY:{escape(title_in(project, lang))}",
        f"DESCRIPTION:{escape(chr(10).join(details))}",
        f"CATEGORIES:{escape(name_in(area, lang) if area else project['area'])}",
        f"STATUS:{_STATUS.get(project['status'], 'CANCELLED')}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]
    return lines


def to_ics(
    projects: Sequence[Project],
    lang: str,
    sequences: Mapping[int, int],
    areas: Sequence[dict[str, Any]],
    members: Sequence[dict[str, Any]],
) -> str:
    """The calendar of the projects that have a date, soonest first; a dropped or
    carried one is a cancelled event, so that a calendar holding it takes it out."""
    from ipcoop.base.words import GROUP

    by_key = {a["key"]: a for a in areas}
    by_code = {m["code"]: m for m in members}
    dated = [p for p in projects if p["starts_on"]]
    dated.sort(key=lambda p: (str(p["starts_on"]), str(p["ends_on"]), p["id"]))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(GROUP[lang])}",
    ]
    for p in dated:
        lines += event_lines(p, lang, sequences.get(p["id"], 0), by_key, by_code)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
