"""Programmes: what the group endorses for a period, in areas named and ordered for it.

A programme has a key ("2020", "2018-19", "2022-23"), a period by month, a
name, its areas in order, and once endorsed, the date, the count of projects
endorsed and the areas' names and order as they were (later renames apply to
later programmes only). A project belongs to one programme; its `year` is the
programme's first year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ipcoop.base import models, words
from ipcoop.base.errors import InvalidValue, IpcoopError, NotFound
from ipcoop.base.i18n import tr
from ipcoop.core import languages

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR_KEY = re.compile(r"^(\d{4})$")
_RANGE_KEY = re.compile(r"^(\d{4})-(\d{2}|\d{4})$")


def parse_month(value: str, what: str) -> str:
    match = _MONTH.match(value.strip()) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidValue(
            tr("{what} must be a month such as 2022-07, not {value!r}").format(
                what=what, value=value
            )
        )
    year = models.parse_year(match.group(1), what)
    return f"{year}-{int(match.group(2)):02d}"


def key_years(key: str) -> tuple[int, int] | None:
    """The years a key such as 2020, 2018-19 or 2022-2023 reads as, if it reads as any."""
    match = _YEAR_KEY.match(key)
    if match:
        return int(key), int(key)
    match = _RANGE_KEY.match(key)
    if match:
        first = int(match.group(1))
        tail = match.group(2)
        last = int(tail) if len(tail) == 4 else first - first % 100 + int(tail)
        if last < first:
            last += 100
        return first, last
    return None


def _check_period(key: str, start: str, end: str, extending: bool = False) -> None:
    if end < start:
        raise InvalidValue(
            tr("the programme ends ({end}) before it starts ({start})").format(end=end, start=start)
        )
    years = key_years(key)
    # A year's key may run on past it (the 2020 programme was extended through 2021);
    # a new range's key must say its years, and an edit may extend it past them.
    single = years is not None and years[0] == years[1] and _YEAR_KEY.match(key)
    if extending and years:
        if years[0] != int(start[:4]) or int(end[:4]) < years[1]:
            raise InvalidValue(
                tr(
                    "programme {key} keeps its key, so it starts in {years} and runs at "
                    "least into {years2} (it may be extended past it), but the period "
                    "would be {start} to {end}; for another period, add a programme with "
                    "its own key and move the projects to it ('ipcoop edit ID --programme "
                    "NEW')"
                ).format(key=key, years=years[0], years2=years[1], start=start, end=end)
            )
        return
    if years and (years[0] != int(start[:4]) or (not single and years[1] != int(end[:4]))):
        said = (
            tr(
                "the key {key} reads as {first}, but the period is {start} to {end}; "
                "choose a key that matches it"
            )
            if years[1] == years[0]
            else tr(
                "the key {key} reads as {first} to {last}, but the period is {start} to "
                "{end}; choose a key that matches it"
            )
        )
        raise InvalidValue(
            said.format(key=key, first=years[0], last=years[1], start=start, end=end)
        )


def all_programmes(db: Any) -> list[dict[str, Any]]:
    """Every programme, by start (then key)."""
    table = db.tables["programmes"]
    return [dict(table[k]) for k in sorted(table, key=lambda k: (table[k]["start"], k))]


def get(db: Any, key: str) -> dict[str, Any]:
    value = models.parse_programme_key(key)
    found = db.tables["programmes"].get(value)
    if found is None:
        known = ", ".join(p["key"] for p in all_programmes(db)) or tr("none yet")
        raise NotFound(
            tr(
                "no programme {value!r} (programmes: {known}); add it with 'ipcoop programme add'"
            ).format(value=value, known=known)
        )
    return dict(found)


def _areas(db: Any, keys: Sequence[str]) -> list[str]:
    known = {a["key"] for a in db.areas()}
    out: list[str] = []
    for raw in keys:
        key = models.parse_area_key(raw)
        if key not in known:
            raise NotFound(
                tr("unknown area {raw!r}; add it first with 'ipcoop areas add'").format(raw=raw)
            )
        if key not in out:
            out.append(key)
    return out


def calendar(db: Any, year: int) -> dict[str, Any]:
    """A programme for one calendar year, with the areas in force in it (the same
    record whichever command makes it, so that two copies making it agree)."""
    from ipcoop.store.migrate import calendar_programme

    return calendar_programme(year, db.areas())


def add(
    db: Any,
    key: str,
    start: str,
    end: str,
    name: str | None,
    areas: Sequence[str],
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    value = models.parse_programme_key(key)
    if value in db.tables["programmes"]:
        raise IpcoopError(
            tr("programme {value!r} already exists; use 'ipcoop programme edit'").format(
                value=value
            )
        )
    programme: dict[str, Any] = {
        "areas": [],
        "end": parse_month(end, "--end"),
        "endorsed": None,
        "key": value,
        "name": "",
        "reported_done": None,
        "start": parse_month(start, "--start"),
    }
    _check_period(value, programme["start"], programme["end"])
    if name:
        programme["name"] = models.parse_title(name, "--name")
        programme = languages.with_names(programme, names or {}, "programme name")
    elif names:  # a Chinese name given: the other is converted from it
        programme["name"] = words.programme_name(value, "en")
        programme = languages.with_names(programme, names, "programme name")
    else:  # the usual name, written in each language
        programme["name"] = words.programme_name(value, "en")
        programme = languages.with_names(programme, {})
        programme["names"] = {t: words.programme_name(value, t) for t in languages.CHINESE}
    programme["areas"] = (
        _areas(db, areas) if areas else calendar(db, int(programme["start"][:4]))["areas"]
    )
    if not programme["areas"]:
        raise InvalidValue(
            tr("programme {value} would have no areas; give them with --area").format(value=value)
        )
    db.put_keyed("programmes", value, programme)
    return programme


def edit(
    db: Any,
    key: str,
    *,
    start: str | None = None,
    end: str | None = None,
    name: str | None = None,
    areas: Sequence[str] = (),
    add_areas: Sequence[str] = (),
    reported_done: int | None = None,
    names: Mapping[str, str] | None = None,
    statement: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    programme = get(db, key)
    if not any((start, end, name, areas, add_areas, reported_done is not None, names, statement)):
        raise InvalidValue(
            tr(
                "nothing to change; give --start, --end, --name, --zh-hk, --zh-cn, "
                "--area, --add-area, --reported-done or --statement"
            )
        )
    if statement:
        from ipcoop.base import wording

        said = wording.with_given(programme.get("statement"), statement, "--statement")
        programme = {k: v for k, v in programme.items() if k != "statement"}
        if said is not None:
            programme["statement"] = said
    if start is not None:
        programme["start"] = parse_month(start, "--start")
    if end is not None:
        programme["end"] = parse_month(end, "--end")
    _check_period(programme["key"], programme["start"], programme["end"], extending=True)
    if name is not None:
        programme["name"] = models.parse_title(name, "--name")
    if areas or add_areas:
        if programme.get("endorsed"):
            raise IpcoopError(
                tr("programme {key} was endorsed: its areas are frozen as they were").format(
                    key=programme["key"]
                )
            )
        new = _areas(db, areas) if areas else list(programme["areas"])
        new += [a for a in _areas(db, add_areas) if a not in new]
        used = (
            {p["area"] for p in db.rows() if p["programme"] == programme["key"]}
            if not db.writable
            else {p["area"] for p in db.projects() if p["programme"] == programme["key"]}
        )
        missing = sorted(used - set(new))
        if missing:
            raise IpcoopError(
                tr(
                    "projects of programme {key} are in {items}: keep those areas, or move "
                    "the projects"
                ).format(key=programme["key"], items=", ".join(missing))
            )
        programme["areas"] = new
    if names:
        programme = languages.with_names(programme, names, "programme name")
    if reported_done is not None:
        if reported_done < 0:
            raise InvalidValue(tr("--reported-done must be 0 or more"))
        programme["reported_done"] = reported_done
    given = [
        field
        for field, value in (
            ("start", start),
            ("end", end),
            ("name", name),
            ("areas", areas or add_areas or None),
            ("reported_done", reported_done),
            ("names", names or None),
            ("statement", statement or None),
        )
        if value is not None
    ]
    programme = languages.settled(programme, given)  # what a person set again is settled
    db.put_keyed("programmes", programme["key"], programme)
    return programme


def endorsement(db: Any, key: str) -> tuple[str, dict[str, Any]] | None:
    """When this database recorded the programme's endorsement, and the programme as it
    was then: the journal's entry of 'programme endorse' (None for one that came
    endorsed, as the bundled programmes do)."""
    from ipcoop.store.journal import entries

    found = None
    for entry in entries(db):
        for change in entry.get("changes") or ():
            after = change.get("after") if isinstance(change, dict) else None
            if (
                change.get("table") == "programmes"
                and change.get("id") == key
                and isinstance(after, dict)
                and after.get("endorsed")
                and not (change.get("before") or {}).get("endorsed")
            ):
                found = (precise(entry.get("at")), after)  # to the microsecond
    return found


def precise(at: Any) -> str:
    """A journal time with its microseconds (an older entry kept whole seconds)."""
    text = str(at or "")
    return text[:-1] + ".000000Z" if text.endswith("Z") and "." not in text else text


def endorsed_span(db: Any, programme: dict[str, Any]) -> tuple[str, str]:
    """The months the programme spanned when it was endorsed: an extension since (the
    2020 plan carried on through 2021) is not what was endorsed. From the journal's
    entry of the endorsement, else the bundled programme, else the span it has now."""
    from ipcoop.base import bundled

    found = endorsement(db, programme["key"])
    then = found[1] if found else {}
    if isinstance(then.get("start"), str) and isinstance(then.get("end"), str):
        return then["start"], then["end"]
    for shipped in bundled.programmes():
        if shipped["key"] == programme["key"] and shipped.get("endorsed"):
            return shipped["start"], shipped["end"]
    return programme["start"], programme["end"]


def endorse(db: Any, key: str, on: str | None) -> dict[str, Any]:
    programme = get(db, key)
    if on is None:
        date = models.today().isoformat()
    else:  # day first, as people write dates in both places, or year first
        from ipcoop.base.dates import typed_date

        date = typed_date(on, "--on")
    known = {a["key"]: a for a in db.areas()}
    count = sum(1 for p in db.projects() if p["programme"] == programme["key"])
    programme["endorsed"] = {
        "areas": [
            {
                "key": k,
                "name": known[k]["name"],
                "names": dict(known[k].get("names") or languages.no_forms()),
            }
            for k in programme["areas"]
        ],
        "count": count,
        "on": date,
    }
    db.put_keyed("programmes", programme["key"], programme)
    return programme


def area_rows(db: Any, programme: dict[str, Any]) -> list[dict[str, Any]]:
    """The programme's areas in its order, named as endorsed (or as they are now)."""
    if programme.get("endorsed"):
        return [dict(a) for a in programme["endorsed"]["areas"]]
    known = {a["key"]: a for a in db.areas()}
    return [
        {
            "key": k,
            "name": known[k]["name"] if k in known else k,
            "names": dict(known[k].get("names") or languages.no_forms())
            if k in known
            else languages.no_forms(),
        }
        for k in programme["areas"]
    ]


def covering(db: Any, year: int) -> dict[str, Any] | None:
    """The first programme whose period takes in any month of `year`, if any."""
    found: list[dict[str, Any]] = [
        p
        for p in db.tables["programmes"].values()
        if str(p.get("start", "")) <= f"{year}-12" and str(p.get("end", "")) >= f"{year}-01"
    ]
    if not found:
        return None
    first = min(found, key=lambda p: str(p.get("start")))
    return dict(first)


def for_new_project(db: Any, programme: str | None, year: str | int | None) -> dict[str, Any]:
    """The programme a new project goes in: --programme KEY, or --year Y (the
    programme keyed Y, made for the calendar year if missing)."""
    if programme is not None:
        return get(db, programme)
    if year is None:
        raise InvalidValue(tr("give --programme KEY or --year YEAR"))
    value = models.parse_year(year)
    found = db.tables["programmes"].get(str(value))
    if found is not None:
        return dict(found)
    p = covering(db, value)
    if p is not None:  # a calendar programme made beside it would overlap: ask which is meant
        raise IpcoopError(
            tr(
                "programme {key} ({start} to {end}) covers {value}: add the project to "
                "it with --programme {key} (or to another programme by its key)"
            ).format(key=p["key"], start=p["start"], end=p["end"], value=value)
        )
    made = calendar(db, value)
    if not made["areas"]:
        raise InvalidValue(
            tr("no area is in force in {value}; add one with 'ipcoop areas add'").format(
                value=value
            )
        )
    db.put_keyed("programmes", made["key"], made)
    return made


def require_area(programme: dict[str, Any], area: str) -> None:
    if area not in programme["areas"] and programme.get("endorsed"):
        raise IpcoopError(
            tr(
                "area {area!r} is not in programme {key}, which was endorsed with its "
                "areas ({items}); choose one of them, or another programme"
            ).format(area=area, key=programme["key"], items=", ".join(programme["areas"]))
        )
    if area not in programme["areas"]:
        listed = " ".join(f"--area {a}" for a in [*programme["areas"], area])
        raise IpcoopError(
            tr(
                "area {area!r} is not in programme {key} (its areas: {items}); add it "
                "with 'ipcoop programme edit {key} --add-area {area}' (or set them "
                "all: {listed})"
            ).format(
                area=area, key=programme["key"], items=", ".join(programme["areas"]), listed=listed
            )
        )


def done_warning(programme: dict[str, Any], done_on: str, project_id: int) -> str | None:
    """A word when work is marked done before its programme began or long after it ended."""
    start = dt.date(int(programme["start"][:4]), int(programme["start"][5:]), 1)
    end_year, end_month = int(programme["end"][:4]), int(programme["end"][5:])
    late = dt.date(end_year + 1, end_month, 28)
    when = dt.date.fromisoformat(done_on)
    period = f"{programme['start']} to {programme['end']}"
    if when < start:
        return tr(
            "project {project_id} is marked done on {done_on}, before its "
            "programme {key} began ({period})"
        ).format(project_id=project_id, done_on=done_on, key=programme["key"], period=period)
    if when > late:
        return tr(
            "project {project_id} is marked done on {done_on}, more than a year "
            "after its programme {key} ended ({period})"
        ).format(project_id=project_id, done_on=done_on, key=programme["key"], period=period)
    return None


def project_counts(db: Any) -> dict[str, int]:
    """How many projects each programme has."""
    counts: dict[str, int] = {}
    for p in db.rows():
        counts[p["programme"]] = counts.get(p["programme"], 0) + 1
    return counts
