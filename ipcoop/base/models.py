"""The vocabulary of the tracker: statuses, sides, fields, and value checks.

Projects travel through the program as plain dicts in the contract's JSON
shape; this module says what a valid one looks like.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ipcoop.base import wording
from ipcoop.base.dates import MAX_YEAR, MIN_YEAR, checked_span, parse_date
from ipcoop.base.dates import shown_value as _show
from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr

STATUSES = ("planned", "active", "done", "dropped", "carried")
OPEN_STATUSES = ("planned", "active")
LEADS = ("gd", "hk", "joint")
SIDES = ("gd", "hk")
# The languages of the data: titles and names in English and both Chinese scripts.
LANGS = ("en", "zh-hk", "zh-cn")
CHINESE = ("zh-hk", "zh-cn")

# The contract's field order for a project, used by JSON, CSV and tables.
PROJECT_FIELDS = (
    "id",
    "uuid",
    "title",
    "titles",
    "converted",
    "area",
    "year",
    "programme",
    "status",
    "key",
    "lead",
    "agencies",
    "notes",
    "progress",
    "links",
    "phrases",
    "phrases_back",
    "starts_on",
    "ends_on",
    "done_on",
    "carried_to",
    "created",
    "updated",
)
# CSV holds the Chinese title forms as columns of their own.
CSV_COLUMNS = {
    "titles": ("title_zh_hk", "title_zh_cn"),
    "phrases": ("phrase", "phrase_zh_hk", "phrase_zh_cn"),
    "phrases_back": ("phrase_back", "phrase_back_zh_hk", "phrase_back_zh_cn"),
}
CSV_FIELDS = tuple(c for f in PROJECT_FIELDS for c in CSV_COLUMNS.get(f, (f,)))
# Fields a user may sort by in `list --sort`.
SORT_FIELDS = (
    "id",
    "title",
    "area",
    "year",
    "programme",
    "status",
    "key",
    "lead",
    "starts_on",
    "done_on",
    "created",
    "updated",
)

# The fields that hold a calendar date, which sheets may write as dates of their own.
DATE_FIELDS = ("starts_on", "ends_on", "done_on")
MAX_TITLE = 500
MAX_NOTES = 10_000

_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
_YEAR_RE = re.compile(r"^\d{4}$")
_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def now_stamp() -> str:
    """The current time as the file stores it: UTC, to the second."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def precise_stamp() -> str:
    """The current time in UTC to the microsecond: orders the journals of two copies."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def today() -> dt.date:
    return dt.date.today()


def parse_year(value: Any, what: str = "year") -> int:
    """A programme year, from an int or a 4-digit string."""
    if isinstance(value, bool):
        raise InvalidValue(
            tr("{what} must be a year such as 2020, not {value!r}").format(what=what, value=value)
        )
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and _YEAR_RE.match(value.strip()):
        year = int(value.strip())
    else:
        raise InvalidValue(
            tr("{what} must be a year such as 2020, not {show}").format(
                what=what, show=_show(value)
            )
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidValue(
            tr("{what} {year} is out of range ({min_year}-{max_year})").format(
                what=what, year=year, min_year=MIN_YEAR, max_year=MAX_YEAR
            )
        )
    return year


def parse_period(text: str) -> tuple[int, int]:
    """'2020' or '2020-2021' -> (first year, last year)."""
    text = text.strip()
    first, sep, last = text.partition("-")
    if sep and not last:
        raise InvalidValue(
            tr("period {show} is not a year or a range such as 2020-2021").format(show=_show(text))
        )
    try:
        start = parse_year(first, "period")
        end = parse_year(last, "period") if sep else start
    except InvalidValue as exc:
        if "out of range" in getattr(exc.message, "msgid", ""):  # a year, but out of reach
            raise
        raise InvalidValue(
            tr("period {show} is not a year or a range such as 2020-2021").format(show=_show(text))
        ) from None
    if end < start:
        raise InvalidValue(
            tr("period {text} ends before it starts; write it as {end}-{start}").format(
                text=text, end=end, start=start
            )
        )
    return start, end


_PROGRAMME_RE = re.compile(r"^[0-9a-z][0-9a-z-]{0,31}$")


def parse_programme_key(value: Any) -> str:
    """A programme's key: '2020', '2018-19', '2022-23', or a short lower-case word."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _PROGRAMME_RE.match(value.strip().lower()):
        return value.strip().lower()
    raise InvalidValue(
        tr("a programme key is short, such as 2020 or 2022-23, not {show}").format(
            show=_show(value)
        )
    )


def parse_status(value: Any) -> str:
    from ipcoop.base.words import typed

    found = typed(value, STATUSES, "")
    if found is None:
        raise InvalidValue(
            tr("status must be one of {items}, not {show}").format(
                items=", ".join(STATUSES), show=_show(value)
            )
        )
    return found


def parse_lead(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "joint"  # a blank cell: the default, as `add` has it
    from ipcoop.base.words import typed

    found = typed(value, LEADS, "lead ", "")
    if found is None:
        raise InvalidValue(
            tr("lead must be one of {items}, not {show}").format(
                items=", ".join(LEADS), show=_show(value)
            )
        )
    return found


def parse_title(value: Any, what: str = "title") -> str:
    if not isinstance(value, str):
        raise InvalidValue(
            tr("{what} must be text, not {show}").format(what=what, show=_show(value))
        )
    title = value.strip()
    if not title:
        raise InvalidValue(tr("{what} must not be empty").format(what=what))
    if len(title) > MAX_TITLE:
        raise InvalidValue(
            tr("{what} is {count} characters long; the limit is {max_title}").format(
                what=what, count=len(title), max_title=MAX_TITLE
            )
        )
    _check_encodable(title, what)
    return title


def parse_forms(forms: Any, converted: Any, what: str = "title") -> tuple[dict, list[str]]:
    """The Chinese forms of a title or name ({"zh-hk": str|None, "zh-cn": str|None})
    and which of them were converted; each form given is checked like a title."""
    if forms is None and (converted is None or (type(converted) is list and not converted)):
        return {"zh-hk": None, "zh-cn": None}, []
    if forms is None:
        forms = {}
    if not isinstance(forms, dict):
        raise InvalidValue(
            tr("{what}s must be an object with zh-hk and zh-cn, not {show}").format(
                what=what, show=_show(forms)
            )
        )
    unknown = sorted(set(forms) - {"zh-hk", "zh-cn"})
    if unknown:
        raise InvalidValue(
            tr("{what}s has {unknown!r}; the forms are zh-hk and zh-cn").format(
                what=what, unknown=unknown[0]
            )
        )
    out: dict[str, str | None] = {}
    for tag in ("zh-hk", "zh-cn"):
        value = forms.get(tag)
        out[tag] = None if value is None else parse_title(value, f"{what} ({tag})")
    if converted is None:
        converted = []
    if isinstance(converted, str):
        converted = [t for t in re.split(r"[;,\s]+", converted) if t]
    if not isinstance(converted, list):
        raise InvalidValue(
            tr("converted must be a list of zh-hk and zh-cn, not {show}").format(
                show=_show(converted)
            )
        )
    marked = []
    for tag in converted:
        if tag not in ("zh-hk", "zh-cn"):
            raise InvalidValue(
                tr("converted lists zh-hk and zh-cn only, not {show}").format(show=_show(tag))
            )
        if out[tag] is None:
            raise InvalidValue(
                tr("converted lists {tag}, but the {what} has no {tag} form").format(
                    tag=tag, what=what
                )
            )
        if tag not in marked:
            marked.append(tag)
    return out, [t for t in ("zh-hk", "zh-cn") if t in marked]


def parse_notes(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(tr("notes must be text, not {show}").format(show=_show(value)))
    if len(value) > MAX_NOTES:
        raise InvalidValue(
            tr("notes are {count} characters long; the limit is {max_notes}").format(
                count=len(value), max_notes=MAX_NOTES
            )
        )
    _check_encodable(value, "notes")
    return value.strip()


def parse_area_key(value: Any) -> str:
    if isinstance(value, str) and _KEY_RE.match(value.strip().lower()):
        return value.strip().lower()
    raise InvalidValue(
        tr("area key must be a short lower-case word such as 'gba', not {show}").format(
            show=_show(value)
        )
    )


def parse_agency_code(value: Any) -> str:
    if isinstance(value, str) and _CODE_RE.match(value.strip().upper()):
        return value.strip().upper()
    raise InvalidValue(
        tr("agency must be a member code such as HKIPD, not {show}").format(show=_show(value))
    )


def parse_flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    # As sheets in both places write them: 是/否 too.
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "y", "是"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "0", "n", "", "否"):
        return False
    raise InvalidValue(
        tr("{what} must be true or false, not {show}").format(what=what, show=_show(value))
    )


def _check_encodable(text: str, what: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(tr("{what} is not valid Unicode text").format(what=what)) from None


def validate_project(
    record: Mapping[str, Any],
    area_keys: Iterable[str],
    member_codes: Iterable[str],
) -> dict[str, Any]:
    """Check every field of a stored project; return it normalised.

    `id`, `created` and `updated` are left to the caller. Raises InvalidValue
    naming the first bad field.
    """
    areas = area_keys if isinstance(area_keys, set | frozenset) else set(area_keys)
    codes = member_codes if isinstance(member_codes, set | frozenset) else set(member_codes)
    title = parse_title(record.get("title"))
    titles, converted = parse_forms(record.get("titles"), record.get("converted"))
    area = record.get("area")
    if not (isinstance(area, str) and area in areas and _KEY_RE.match(area)):
        area = parse_area_key(area)  # (a known, well-formed key needs no stripping)
    if area not in areas:
        raise InvalidValue(
            tr("unknown area {area!r} (known: {items})").format(
                area=area, items=", ".join(sorted(areas))
            )
        )
    year = parse_year(record.get("year"))
    status = parse_status(record.get("status", "planned"))
    key = parse_flag(record.get("key", False), "key")
    lead = parse_lead(record.get("lead", "joint"))
    raw_agencies = record.get("agencies", [])
    if isinstance(raw_agencies, str):
        raw_agencies = [a for a in raw_agencies.split(";") if a.strip()]
    if not isinstance(raw_agencies, list):
        raise InvalidValue(
            tr("agencies must be a list of member codes, not {show}").format(
                show=_show(raw_agencies)
            )
        )
    agencies: list[str] = []
    for raw in raw_agencies:
        known = isinstance(raw, str) and raw in codes and _CODE_RE.match(raw)
        code = raw if known else parse_agency_code(raw)
        if code not in codes:
            raise InvalidValue(
                tr("unknown agency {code!r} (see 'ipcoop members')").format(code=code)
            )
        if code not in agencies:
            agencies.append(code)
    notes = parse_notes(record.get("notes", ""))
    done_on = record.get("done_on")
    done_on = None if done_on in (None, "") else parse_date(done_on, "done_on")
    if status != "done" and done_on is not None:
        raise InvalidValue(
            tr("done_on is set but the status is {status}, not done").format(status=status)
        )
    starts_on, ends_on = checked_span(record.get("starts_on"), record.get("ends_on"))
    phrases = wording.parse(record.get("phrases"), "phrase") or dict.fromkeys(wording.TAGS)
    back = wording.parse(record.get("phrases_back"), "phrase_back") or dict.fromkeys(wording.TAGS)
    carried_to = record.get("carried_to")
    if carried_to in (None, ""):
        carried_to = None
    elif (
        isinstance(carried_to, str)
        and carried_to.strip().isascii()
        and carried_to.strip().isdigit()
        and len(carried_to.strip()) < 16
    ):
        carried_to = int(carried_to.strip())
    if carried_to is not None and (
        not isinstance(carried_to, int) or isinstance(carried_to, bool) or carried_to < 1
    ):
        raise InvalidValue(
            tr("carried_to must be a project id, not {show}").format(show=_show(carried_to))
        )
    if (status == "carried") != (carried_to is not None):
        raise InvalidValue(
            tr(
                "a carried project names the project it was carried into (carried_to), "
                "and only a carried one does"
            )
        )
    programme = record.get("programme")
    if programme in (None, ""):
        programme = str(year)
    programme = parse_programme_key(programme)
    return {
        "title": title,
        "titles": titles,
        "converted": converted,
        "area": area,
        "year": year,
        "programme": programme,
        "status": status,
        "key": key,
        "lead": lead,
        "agencies": agencies,
        "notes": notes,
        "phrases": phrases,
        "phrases_back": back,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "done_on": done_on,
        "carried_to": carried_to,
    }


def is_stamp(value: Any) -> bool:
    return isinstance(value, str) and bool(_STAMP_RE.match(value))
