"""Areas: their figures, and adding, editing and removing them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ipcoop import store
from ipcoop.base import models
from ipcoop.base.errors import InvalidValue, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.core import languages, summary
from ipcoop.core.tracker import known_area


def area_table(db: store.Database, year: int | None = None) -> list[dict[str, Any]]:
    """Each area with counts by status and percent done (optionally for one year: then
    the areas in force that year, and any other that has projects in it)."""
    projects = db.rows()
    if year is not None:
        projects = [p for p in projects if p["year"] == year]
    return [
        {
            "key": area["key"],
            "name": area["name"],
            "names": languages.ordered(area.get("names")),
            "converted": list(area.get("converted", ())),
            "from": area.get("from"),
            "until": area.get("until"),
            **summary.counts(p for p in projects if p["area"] == area["key"]),
        }
        for area in db.areas()
        if year is None
        or (
            (area.get("from") is None or area["from"] <= year)
            and (area.get("until") is None or area["until"] >= year)
        )
        or any(p["area"] == area["key"] for p in projects)
    ]


def year_bound(value: str | int | None, what: str) -> int | None:
    """A --from or --until year; empty text removes the bound (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return models.parse_year(value, what)


def check_span(start: int | None, until: int | None) -> None:
    if start is not None and until is not None and until < start:
        raise InvalidValue(
            tr("--until {until} is before --from {start}").format(until=until, start=start)
        )


def add_area(
    db: store.Database,
    key: str,
    name: str,
    start: str | None,
    until: str | None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    value = models.parse_area_key(key)
    if any(a["key"] == value for a in db.areas()):
        raise IpcoopError(
            tr("area {value!r} already exists; use 'ipcoop areas edit {value}'").format(value=value)
        )
    area: dict[str, Any] = {
        "key": value,
        "name": models.parse_title(name, "area name"),
        "from": year_bound(start, "--from"),
        "until": year_bound(until, "--until"),
    }
    check_span(area["from"], area["until"])
    area = languages.with_names(area, names or {}, "area name")
    db.put_area(area)
    return area


def edit_area(
    db: store.Database,
    key: str,
    name: str | None,
    start: str | None,
    until: str | None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    value = known_area(db, key)
    if name is None and start is None and until is None and not names:
        raise InvalidValue(
            tr("nothing to change; give --name, --zh-hk, --zh-cn, --from or --until")
        )
    area = next(a for a in db.areas() if a["key"] == value)
    if name is not None:
        area["name"] = models.parse_title(name, "area name")
    if start is not None:
        area["from"] = year_bound(start, "--from")
    if until is not None:
        area["until"] = year_bound(until, "--until")
    check_span(area.get("from"), area.get("until"))
    if names:
        area = languages.with_names(area, names, "area name")
    given = [f for f, v in (("name", name), ("from", start), ("until", until)) if v is not None]
    area = languages.settled(area, [*given, *(["names"] if names else [])])
    db.put_area(area)
    return area


def remove_area(db: store.Database, key: str) -> None:
    value = known_area(db, key)
    used = [p["id"] for p in db.projects() if p["area"] == value]
    if used:
        raise IpcoopError(
            tr(
                "area {value!r} is used by {count} project(s) (e.g. {used}); move them "
                "to another area first"
            ).format(value=value, count=len(used), used=used[0])
        )
    listed = [p["key"] for p in db.tables["programmes"].values() if value in p["areas"]]
    if listed:
        raise IpcoopError(
            tr(
                "area {value!r} is an area of programme(s) {items}; an area stays "
                "while a programme names it (to end it, give it --until instead)"
            ).format(value=value, items=", ".join(sorted(listed)))
        )
    db.remove_area(value)
