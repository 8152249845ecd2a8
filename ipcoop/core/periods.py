"""Summaries of a programme or of calendar years, and carrying projects between programmes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ipcoop.base import models
from ipcoop.base.errors import InvalidValue, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.core import programmes, summary

_SHORT_RANGE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> tuple[int, int]:
    """'2020', '2020-2021', or as the government writes a two-year period, '2022-23'."""
    match = _SHORT_RANGE.match(text.strip())
    if match:
        first = int(match.group(1))
        last = first - first % 100 + int(match.group(2))
        if last <= first:
            raise InvalidValue(
                tr("period {strip} ends before it starts").format(strip=text.strip())
            )
        text = f"{first}-{last}"
    return models.parse_period(text)


def summary_for(db: Any, arg: str | None) -> dict[str, Any]:
    """The summary of a programme (by key), of a year or range, or of the latest programme.

    Uses the figures the cache keeps per programme when it can (then only the
    key projects listed are read), and counts every project otherwise.
    """
    stats = db.stats()
    rows = db.rows() if stats is None else None
    known = db.tables["programmes"]
    if arg is None:
        with_projects = [
            p
            for p in programmes.all_programmes(db)
            if (stats is not None and p["key"] in stats)
            or (rows is not None and any(r["programme"] == p["key"] for r in rows))
        ]
        if not with_projects:
            raise IpcoopError(
                tr(
                    "there are no projects to summarise yet; add some, or give a programme "
                    "or a period"
                )
            )
        arg = with_projects[-1]["key"]
    key = arg.strip().lower()
    if key in known:
        figures = _programme(db, known[key], stats, rows)
    else:
        figures = _years(db, *parse_period(arg), stats, rows)
    figures["key_projects"] = db.projects_by_id(figures["key_projects"])
    # The events that took place or will, soonest first (they are few: read in full).
    events = db.projects_by_id(figures["events"])
    figures["events"] = sorted(events, key=lambda p: (p["starts_on"], p["ends_on"], p["id"]))
    return figures


def _tally(
    stats: Any, rows: Any, programme: str | None = None, years: tuple[int, int] | None = None
) -> summary.Tally:
    def wanted_row(p: dict[str, Any]) -> bool:
        if programme is not None:
            return bool(p["programme"] == programme)
        assert years is not None
        return bool(years[0] <= p["year"] <= years[1])

    if stats is not None:
        return summary.tally_stats(
            stats, lambda key, entry: wanted_row({"programme": key, "year": entry["year"]})
        )
    return summary.tally_rows(rows, wanted_row)


def _programme(db: Any, programme: dict[str, Any], stats: Any, rows: Any) -> dict[str, Any]:
    earlier = [
        p
        for p in programmes.all_programmes(db)
        if (p["start"], p["key"]) < (programme["start"], programme["key"])
    ]
    previous = None
    if earlier:
        before = earlier[-1]
        previous = summary.previous_figures(
            _tally(stats, rows, before["key"]), before["key"], before.get("reported_done")
        )
        if previous is not None and _label(before) != before["key"]:
            previous["period_label"] = _label(before)  # only when the key no longer says it
    figures = summary.build(
        _tally(stats, rows, programme["key"]),
        programmes.area_rows(db, programme),
        programme["key"],
        programme["start"],
        programme["end"],
        previous,
    )
    endorsed = programme.get("endorsed") or {}
    figures.update(
        period_label=_label(programme),
        programme=programme["key"],
        name=programme["name"],
        names=programme.get("names") or {"zh-hk": None, "zh-cn": None},
        reported_done=programme.get("reported_done"),
        endorsed=endorsed.get("on") if endorsed else None,
        endorsed_count=endorsed.get("count") if endorsed else None,
    )
    return figures


def _label(programme: dict[str, Any]) -> str:
    return summary.span_label(programme["key"], programme["start"], programme["end"])


def _years(db: Any, start: int, end: int, stats: Any, rows: Any) -> dict[str, Any]:
    before = summary.previous_period(start, end)
    return summary.years_summary(
        _tally(stats, rows, years=(start, end)),
        _tally(stats, rows, years=before),
        db.areas(),
        start,
        end,
    )


def resolve(db: Any, arg: str, what: str, make: bool = True) -> dict[str, Any]:
    """A programme given by its key, or by a year (its calendar programme, made if
    missing, unless `make` is False: a programme carried from must exist)."""
    key = arg.strip().lower()
    if key in db.tables["programmes"]:
        return programmes.get(db, key)
    if key.isascii() and key.isdigit() and len(key) == 4 and make:
        return programmes.for_new_project(db, None, key)
    if not make:
        raise InvalidValue(
            tr("no programme {key!r} to carry from ('ipcoop programme list' lists them)").format(
                key=key
            )
        )
    raise InvalidValue(
        tr(
            "no programme {key!r} for {what}; add it first with 'ipcoop programme "
            "add {key} --start YYYY-MM --end YYYY-MM'"
        ).format(key=key, what=what)
    )


CARRY_NOTE = "Carried over from project {id} ({programme})."


def carry(
    db: Any, source_arg: str, target_arg: str | None, only: Sequence[int] = ()
) -> tuple[list, list, list]:
    """Copy the unfinished projects of one programme (those of `only`, if given) into
    another; the originals become `carried`, naming their copy. Returns (copies,
    originals, warnings)."""
    source = resolve(db, source_arg, "FROM", make=False)
    if not any(
        p["programme"] == source["key"] and p["status"] in models.OPEN_STATUSES
        for p in db.projects()
    ):
        return [], [], []  # nothing to carry: no programme is made for it either
    if target_arg is None:
        later = [p for p in programmes.all_programmes(db) if p["start"] > source["start"]]
        target = later[0] if later else resolve(db, str(int(source["start"][:4]) + 1), "--to")
    else:
        target = resolve(db, target_arg, "--to")
    if target["key"] == source["key"]:
        raise InvalidValue(tr("--to {key} is the programme carried from").format(key=target["key"]))
    if target["start"] < source["start"]:
        raise InvalidValue(
            tr("--to {key} starts before {key2}").format(key=target["key"], key2=source["key"])
        )
    projects = [
        p
        for p in db.projects()
        if p["programme"] == source["key"] and p["status"] in models.OPEN_STATUSES
    ]
    if only:
        open_ids = {p["id"] for p in projects}
        stray = [i for i in only if i not in open_ids]
        if stray:
            raise InvalidValue(
                tr(
                    "project {stray} is not an unfinished project of programme {key}; "
                    "nothing was changed"
                ).format(stray=stray[0], key=source["key"])
            )
        projects = [p for p in projects if p["id"] in set(only)]
    lacking = sorted({p["area"] for p in projects} - set(target["areas"]))
    if lacking:
        which = [str(p["id"]) for p in projects if p["area"] in lacking]
        fix = (
            tr(
                "it was endorsed with its areas, so carry the others only ('--only ID "
                "...', leaving {items})"
            ).format(items=", ".join(which))
            if target.get("endorsed")
            else tr(
                "add it first ('ipcoop programme edit {key} --add-area {lacking}'), or "
                "carry the others only ('--only ID ...')"
            ).format(key=target["key"], lacking=lacking[0])
        )
        raise IpcoopError(
            tr(
                "programme {key} has no area {items}, the area of project(s) {items2} "
                "of {key2}; {fix}. Nothing was changed"
            ).format(
                key=target["key"],
                items=", ".join(lacking),
                items2=", ".join(which),
                key2=source["key"],
                fix=fix,
            )
        )
    stamp = models.now_stamp()
    copies = [
        {
            **{f: p[f] for f in ("title", "area", "key", "lead", "agencies")},
            "agencies": list(p["agencies"]),
            "titles": dict(p["titles"]),  # the Chinese forms and their marks go along
            "converted": list(p["converted"]),
            "year": int(target["start"][:4]),
            "programme": target["key"],
            "status": "planned",
            "done_on": None,
            "carried_to": None,
            # The event's dates go along: a project carried is one still to take place.
            **({"starts_on": p["starts_on"], "ends_on": p["ends_on"]} if p["starts_on"] else {}),
            "notes": CARRY_NOTE.format(id=p["id"], programme=source["key"]),
            "created": stamp,
            "updated": stamp,
        }
        for p in projects
    ]
    ids = db.insert_projects(copies) if copies else []
    for original, new_id in zip(projects, ids, strict=True):
        db.replace_project(
            {**original, "status": "carried", "carried_to": new_id, "updated": stamp}
        )
    return [db.project(i) for i in ids], projects, []
