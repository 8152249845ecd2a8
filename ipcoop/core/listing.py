"""Listing: the filters `list` applies, and the order it sorts by."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ipcoop.base import models
from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr
from ipcoop.core.tracker import known_agency, known_area

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project


class Filters:
    """What `list` keeps: None (or empty) means no filter on that field."""

    def __init__(self, sort: str = "id") -> None:
        self.years: tuple[int, int] | None = None
        self.area: str | None = None
        self.statuses: tuple[str, ...] = ()
        self.key: bool | None = None
        self.lead: str | None = None
        self.agency: str | None = None
        self.search: str | None = None
        self.programme: str | None = None
        self.done_in: tuple[str, str] | None = None  # first and last day
        self.upcoming: tuple[str, str] | None = None  # events in this window, first and last
        self.sort = sort
        self.lang = "en"  # the title sorted by


def make_filters(
    db: Any,
    *,
    year: str | None = None,
    area: str | None = None,
    status: Sequence[str] = (),
    key: bool | None = None,
    lead: str | None = None,
    agency: str | None = None,
    search: str | None = None,
    sort: str | None = None,
    open_only: bool = False,
    programme: str | None = None,
    done_in: str | None = None,
    upcoming: str | None = None,
    lang: str = "en",
) -> Filters:
    """Check the user's filter values against the database; return Filters. Events
    coming up (`upcoming`: 30d, 2w, 2020-11) sort soonest first unless told otherwise."""
    filters = Filters(sort=parse_sort(sort or ("starts_on" if upcoming is not None else "id")))
    if upcoming is not None:
        from ipcoop.base import dates

        filters.upcoming = dates.window(upcoming, models.today())
    filters.lang = lang
    if year is not None:
        from ipcoop.core import periods

        filters.years = periods.parse_period(year)
    if programme is not None:
        from ipcoop.core import programmes

        filters.programme = programmes.get(db, programme)["key"]
    if done_in is not None:
        filters.done_in = _calendar_span(done_in)
    if area is not None:
        filters.area = known_area(db, area)
    statuses: list[str] = []
    for chunk in status:
        for part in chunk.split(","):
            if part.strip().lower() == "open":
                statuses.extend(models.OPEN_STATUSES)
            elif part.strip():
                statuses.append(models.parse_status(part))
    if open_only:
        statuses.extend(models.OPEN_STATUSES)
    filters.statuses = tuple(dict.fromkeys(statuses))
    filters.key = key
    if lead is not None:
        filters.lead = models.parse_lead(lead)
    if agency is not None:
        filters.agency = known_agency(db, agency)
    if search is not None:
        filters.search = search.strip().casefold() or None
    return filters


def _calendar_span(text: str) -> tuple[str, str]:
    """First and last day of 2021, 2021-03 (a month), 2020-2021 or 2022-23 (two years).

    YYYY-NN is a range when NN read as a year comes after YYYY (2022-23),
    and a month otherwise (2021-03)."""
    import calendar
    import re

    from ipcoop.core import periods

    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if match:
        year, tail = int(match.group(1)), int(match.group(2))
        if year - year % 100 + tail <= year:
            if not 1 <= tail <= 12:
                raise InvalidValue(
                    tr("--done-in {strip} is neither a month nor a range").format(
                        strip=text.strip()
                    )
                )
            models.parse_year(year, "--done-in")
            last = calendar.monthrange(year, tail)[1]
            return f"{year}-{tail:02d}-01", f"{year}-{tail:02d}-{last:02d}"
    first, last_year = periods.parse_period(text)
    return f"{first}-01-01", f"{last_year}-12-31"


def parse_sort(text: str) -> str:
    name = text.strip().lower()
    bare = name.lstrip("-")
    if bare not in models.SORT_FIELDS:
        raise InvalidValue(
            tr("cannot sort by {text!r}; choose one of {items} (prefix - for descending)").format(
                text=text, items=", ".join(models.SORT_FIELDS)
            )
        )
    return name


def _texts(p: Project) -> list[str]:
    """What --search looks in: every form of the title, and the notes."""
    return [p["title"], *(t for t in p["titles"].values() if t), p["notes"]]


def select(projects: Iterable[Project], filters: Filters, whole: bool = False) -> list[Project]:
    """The projects that pass every filter, sorted; `whole` gives each in full, as
    JSON and CSV carry it (a table needs only the fields it shows).

    --search matches across scripts: Chinese in the query folds both it and the
    texts to one script, so 粵港 finds 粤港 and the reverse."""
    out = []
    years, area, statuses = filters.years, filters.area, filters.statuses
    fold: Callable[[str], str] = str.casefold
    needle = filters.search
    if needle is not None and not needle.isascii():
        from ipcoop.core.languages import folder

        projects = list(projects)
        fold = folder([needle, *(t for p in projects for t in _texts(p))])
        needle = fold(needle)
    for p in projects:
        if years is not None and not years[0] <= p["year"] <= years[1]:
            continue
        if area is not None and p["area"] != area:
            continue
        if statuses and p["status"] not in statuses:
            continue
        if filters.key is not None and p["key"] != filters.key:
            continue
        if filters.lead is not None and p["lead"] != filters.lead:
            continue
        if filters.agency is not None and filters.agency not in p["agencies"]:
            continue
        if filters.programme is not None and p["programme"] != filters.programme:
            continue
        if filters.done_in is not None and not (
            p["done_on"] and filters.done_in[0] <= p["done_on"] <= filters.done_in[1]
        ):
            continue
        if needle is not None and not any(needle in fold(t) for t in _texts(p)):
            continue
        if filters.upcoming is not None and not _coming(p, *filters.upcoming):
            continue
        out.append(p)
    out = sort_projects(out, filters.sort, filters.lang)
    if whole:
        from ipcoop.store import shape

        out = [shape(p["id"], p) for p in out]
    return out


def _coming(p: Project, first: str, last: str) -> bool:
    """An event in the window that will take place: not dropped, not carried away."""
    from ipcoop.base.dates import within

    return p["status"] not in ("dropped", "carried") and within(p, first, last)


def sort_projects(projects: list[Project], sort: str, lang: str = "en") -> list[Project]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name == "id":
        return sorted(projects, key=lambda p: p["id"], reverse=descending)
    if name == "status":
        order = {s: i for i, s in enumerate(models.STATUSES)}
        return sorted(projects, key=lambda p: (order[p["status"]], p["id"]), reverse=descending)
    if name == "title":
        # The title shown in `lang`, folded to one script: a Traditional title and
        # its Simplified form sort together.
        from ipcoop.core.languages import folder, title_in

        titles = {p["id"]: title_in(p, lang) for p in projects}
        fold = folder(titles.values())
        return sorted(projects, key=lambda p: (fold(titles[p["id"]]), p["id"]), reverse=descending)

    # Missing values (done_on of open projects) sort last either way.
    def value(p: Project) -> Any:  # (a row read cheaply has no date fields when undated)
        return cast(Mapping[str, Any], p).get(name)

    present = [p for p in projects if value(p) is not None]
    missing = [p for p in projects if value(p) is None]
    if name == "starts_on":  # soonest first, the shorter of two that start together first
        present.sort(
            key=lambda p: (str(p.get("starts_on")), str(p.get("ends_on")), p["id"]),
            reverse=descending,
        )
        return present + sorted(missing, key=lambda p: p["id"])
    present.sort(key=lambda p: (value(p), p["id"]), reverse=descending)
    return present + sorted(missing, key=lambda p: p["id"])
