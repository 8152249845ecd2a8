"""The rules: what each command does to the projects. No printing, no Typer, no Rich.

Each function takes an open `store.Database` and returns plain data; it
raises an `IpcoopError` for a request that cannot be done, before anything
is changed (every multi-id command checks all ids first).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ipcoop import models, store, summary
from ipcoop.errors import InvalidValue, IpcoopError, NotFound

# --------------------------------------------------------------------------- bundled data


def _bundled(name: str) -> Any:
    """A file of the bundled programme: installed as ipcoop.data, or data/ in a checkout."""
    from importlib import resources

    try:
        source = resources.files("ipcoop.data").joinpath(name)
    except ModuleNotFoundError:
        source = Path(__file__).resolve().parent.parent / "data" / name
    return json.loads(source.read_text("utf-8"))


def bundled_areas() -> list[dict[str, Any]]:
    return _bundled("areas.json")


def bundled_members() -> list[dict[str, Any]]:
    return _bundled("members.json")


def bundled_projects() -> list[dict[str, Any]]:
    return _bundled("programme-2019.json") + _bundled("programme-2020.json")


def init_database(path: Path, empty: bool, force: bool) -> tuple[int, str | None]:
    """Create a database: areas and members always, the bundled programme unless `empty`.

    Returns the number of projects written and a note about the old file.
    """
    areas, members = bundled_areas(), bundled_members()
    stamp = models.now_stamp()
    projects = []
    if not empty:
        keys = [a["key"] for a in areas]
        codes = [m["code"] for m in members]
        for raw in bundled_projects():
            record = models.validate_project(raw, keys, codes)
            projects.append({**record, "created": stamp, "updated": stamp})
    note = store.create(path, areas, members, projects, force=force)
    return len(projects), note


# --------------------------------------------------------------------------- ids


def parse_ids(raw: Sequence[str]) -> list[int]:
    """Project ids from the command line, in order, without repeats."""
    ids: list[int] = []
    for text in raw:
        value = text.strip().lstrip("#")
        # ASCII digits only: '⑤' and '²' are digits to str.isdigit, not to int().
        if not (value.isascii() and value.isdigit()) or len(value) > 15 or int(value) < 1:
            shown = text if len(text) <= 20 else text[:17] + "..."
            raise InvalidValue(f"{shown!r} is not a project id (a whole number such as 12)")
        if int(value) not in ids:
            ids.append(int(value))
    if not ids:
        raise InvalidValue("no project id given")
    return ids


def require_projects(db: store.Database, ids: Iterable[int]) -> list[dict[str, Any]]:
    """All the projects named, or NotFound naming every missing id (nothing is changed)."""
    ids = list(ids)
    missing = [i for i in ids if not db.has_project(i)]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        noun = "project" if len(missing) == 1 else "projects"
        raise NotFound(f"no {noun} with id {listed}; nothing was changed (see 'ipcoop list')")
    return [db.project(i) for i in ids]


# --------------------------------------------------------------------------- listing


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
        self.sort = sort


def make_filters(
    db: store.Database,
    *,
    year: str | None = None,
    area: str | None = None,
    status: Sequence[str] = (),
    key: bool | None = None,
    lead: str | None = None,
    agency: str | None = None,
    search: str | None = None,
    sort: str = "id",
    open_only: bool = False,
) -> Filters:
    """Check the user's filter values against the database; return Filters."""
    filters = Filters(sort=parse_sort(sort))
    if year is not None:
        filters.years = models.parse_period(year)
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
        filters.search = search.casefold()
    return filters


def parse_sort(text: str) -> str:
    name = text.strip().lower()
    bare = name.lstrip("-")
    if bare not in models.SORT_FIELDS:
        raise InvalidValue(
            f"cannot sort by {text!r}; choose one of {', '.join(models.SORT_FIELDS)} "
            f"(prefix - for descending)"
        )
    return name


def select(projects: Iterable[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """The projects that pass every filter, sorted."""
    out = []
    years, area, statuses = filters.years, filters.area, filters.statuses
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
        if filters.search is not None and not (
            filters.search in p["title"].casefold() or filters.search in p["notes"].casefold()
        ):
            continue
        out.append(p)
    return sort_projects(out, filters.sort)


def sort_projects(projects: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name == "id":
        return sorted(projects, key=lambda p: p["id"], reverse=descending)
    if name == "status":
        order = {s: i for i, s in enumerate(models.STATUSES)}
        return sorted(projects, key=lambda p: (order[p["status"]], p["id"]), reverse=descending)
    if name == "title":
        return sorted(
            projects, key=lambda p: (p["title"].casefold(), p["id"]), reverse=descending
        )
    # Missing values (done_on of open projects) sort last either way.
    present = [p for p in projects if p[name] is not None]
    missing = [p for p in projects if p[name] is None]
    present.sort(key=lambda p: (p[name], p["id"]), reverse=descending)
    return present + sorted(missing, key=lambda p: p["id"])


# --------------------------------------------------------------------------- lookups


def known_area(db: store.Database, key: str) -> str:
    value = models.parse_area_key(key)
    keys = [a["key"] for a in db.areas()]
    if value not in keys:
        raise NotFound(f"unknown area {key!r}; known areas: {', '.join(keys)}")
    return value


def known_agency(db: store.Database, code: str) -> str:
    value = models.parse_agency_code(code)
    codes = [m["code"] for m in db.members()]
    if value not in codes:
        raise NotFound(f"unknown agency {code!r}; member codes: {', '.join(codes)}")
    return value


def _validate(db: store.Database, record: dict[str, Any]) -> dict[str, Any]:
    return models.validate_project(
        record, [a["key"] for a in db.areas()], [m["code"] for m in db.members()]
    )


# --------------------------------------------------------------------------- changes


def add_project(
    db: store.Database,
    *,
    title: str,
    area: str,
    year: str | int,
    key: bool = False,
    lead: str = "joint",
    agencies: Sequence[str] = (),
    note: str | None = None,
    status: str = "planned",
    done_on: str | None = None,
) -> dict[str, Any]:
    known_area(db, area)
    for code in agencies:
        known_agency(db, code)
    status = models.parse_status(status)
    if status == "done" and done_on is None:
        done_on = models.today().isoformat()
    if done_on is not None and status != "done":
        raise InvalidValue("--on is only for projects added as done (--status done)")
    record = _validate(
        db,
        {
            "title": title,
            "area": area,
            "year": year,
            "status": status,
            "key": key,
            "lead": lead,
            "agencies": list(agencies),
            "notes": note or "",
            "done_on": done_on,
        },
    )
    stamp = models.now_stamp()
    record.update(created=stamp, updated=stamp)
    project_id = db.insert_project(record)
    return db.project(project_id)


def edit_project(db: store.Database, project_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Replace the named fields of one project. `changes` holds only the fields given."""
    if not changes:
        raise InvalidValue(
            "nothing to change; give at least one of --title, --area, --year, "
            "--key/--no-key, --lead, --agency, --note"
        )
    (project,) = require_projects(db, [project_id])
    if "area" in changes:
        known_area(db, changes["area"])
    for code in changes.get("agencies", ()):
        known_agency(db, code)
    merged = {**project, **changes}
    record = _validate(db, merged)
    return _save(db, project, record, settles=list(changes))


def _save(
    db: store.Database,
    project: dict[str, Any],
    record: dict[str, Any],
    settles: Sequence[str] = (),
) -> dict[str, Any]:
    updated = {**project, **record}
    if updated != project or settles:
        if updated != project:
            updated["updated"] = models.now_stamp()
        db.replace_project(updated, tuple(settles))
    return updated


def _check_on(on: str | None) -> str:
    if on is None:
        return models.today().isoformat()
    date = models.parse_date(on, "--on")
    if dt.date.fromisoformat(date) > models.today():
        raise InvalidValue(f"--on {date} is in the future; give the date it was done")
    return date


def change_status(
    db: store.Database,
    ids: Sequence[int],
    action: str,
    on: str | None = None,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """start / done / reopen / drop for several projects, all or nothing."""
    projects = require_projects(db, ids)
    done_on = _check_on(on) if action == "done" else None
    if action == "start":
        finished = [str(p["id"]) for p in projects if p["status"] == "done"]
        if finished:
            raise IpcoopError(
                f"project {', '.join(finished)} is already done; 'ipcoop reopen' it first "
                f"(nothing was changed)"
            )
    if reason is not None:
        models.parse_notes(reason)
    results = []
    for project in projects:
        record = dict(project)
        if action == "start":
            record.update(status="active", done_on=None)
        elif action == "done":
            record.update(status="done", done_on=done_on)
        elif action == "reopen":
            record.update(status="planned", done_on=None)
        elif action == "drop":
            record.update(status="dropped", done_on=None)
            if reason and reason.strip():
                line = f"Dropped: {reason.strip()}"
                record["notes"] = f"{record['notes']}\n{line}" if record["notes"] else line
        else:  # pragma: no cover - the CLI only passes the four above
            raise ValueError(action)
        results.append(_save(db, project, _validate(db, record), settles=["status"]))
    return results


def remove_projects(db: store.Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    projects = require_projects(db, ids)
    db.remove_projects([p["id"] for p in projects])
    return projects


def undo(db: store.Database) -> dict[str, Any]:
    return db.undo_last()


# --------------------------------------------------------------------------- summary, carry


def summary_for(db: store.Database, period: str | None) -> dict[str, Any]:
    """The summary of PERIOD ('2020', '2022-2023'), or of the latest year with projects.

    Uses the figures the file keeps per year when it can (then only the key
    projects listed are read), and counts every project otherwise.
    """
    stats = db.stats()
    if stats is None:
        projects = db.rows()
        latest = summary.latest_year(projects)
    else:
        latest = max((int(year) for year in stats), default=None)
    if period is None:
        if latest is None:
            raise IpcoopError("there are no projects to summarise yet; add some, or give a PERIOD")
        start = end = latest
    else:
        start, end = models.parse_period(period)
    if stats is None:
        figures = summary.summarize(projects, db.areas(), start, end)
        figures["key_projects"] = [store.shape(p["id"], p) for p in figures["key_projects"]]
        return figures
    ids = [pid for y in range(start, end + 1) for pid in stats.get(str(y), {}).get("key", [])]
    return summary.summarize_stats(stats, db.areas(), start, end, db.projects_by_id(ids))


CARRY_MARK = "Carried over from project {id} ({year})."


def carry_over(
    db: store.Database, from_year: str | int, to_year: str | int | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Copy the unfinished projects of one programme year into the next.

    Returns (copies made, projects skipped because already carried, warnings).
    A project counts as already carried when the target year has a project
    with its title or with its carry-over note.
    """
    source = models.parse_year(from_year, "FROM_YEAR")
    target = source + 1 if to_year is None else models.parse_year(to_year, "--to")
    if target <= source:
        raise InvalidValue(f"--to {target} must be after {source}")
    projects = db.projects()
    in_target = [p for p in projects if p["year"] == target]
    titles = {p["title"].casefold() for p in in_target}
    notes = "\n".join(p["notes"] for p in in_target)
    areas = {a["key"]: a for a in db.areas()}
    copies, skipped, warnings = [], [], []
    stamp = models.now_stamp()
    for p in projects:
        if p["year"] != source or p["status"] not in models.OPEN_STATUSES:
            continue
        mark = CARRY_MARK.format(id=p["id"], year=source)
        if p["title"].casefold() in titles or mark in notes:
            skipped.append(p)
            continue
        area = areas.get(p["area"])
        if area is not None and not summary.in_force(area, target, target):
            warnings.append(f"area {p['area']!r} is not in force in {target} (project {p['id']})")
        copies.append(
            {
                "title": p["title"],
                "area": p["area"],
                "year": target,
                "status": "planned",
                "key": p["key"],
                "lead": p["lead"],
                "agencies": list(p["agencies"]),
                "notes": mark,
                "done_on": None,
                "created": stamp,
                "updated": stamp,
            }
        )
    ids = db.insert_projects(copies) if copies else []
    return [db.project(i) for i in ids], skipped, warnings
