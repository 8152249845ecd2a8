"""The rules: what each command does to the projects. No printing, no Typer, no Rich.

Each function takes an open `store.Database` and returns plain data; it
raises an `IpcoopError` for a request that cannot be done, before anything
is changed (every multi-id command checks all ids first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ipcoop import store
from ipcoop.base import models
from ipcoop.base.errors import InvalidValue, IpcoopError, NotFound
from ipcoop.base.i18n import tr

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project


def init_database(path: Path, empty: bool, force: bool) -> tuple[int, str | None]:
    """Create a database: areas and members always, the bundled programme unless `empty`.

    Returns the number of projects written and a note about the old file.
    """
    from ipcoop.base import bundled

    areas, members = bundled.areas(), bundled.members()
    stamp = models.now_stamp()
    projects = []
    programmes = []
    if not empty:
        keys = [a["key"] for a in areas]
        codes = [m["code"] for m in members]
        programmes = bundled.programmes()
        for raw in bundled.projects():
            record = models.validate_project(raw, keys, codes)
            projects.append({**record, "created": stamp, "updated": stamp})
    note = store.create(path, areas, members, projects, force=force, programmes=programmes)
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
            raise InvalidValue(
                tr("{shown!r} is not a project id (a whole number such as 12)").format(shown=shown)
            )
        if int(value) not in ids:
            ids.append(int(value))
    if not ids:
        raise InvalidValue(tr("no project id given"))
    return ids


def require_projects(db: store.Database, ids: Iterable[int]) -> list[Project]:
    """All the projects named, or NotFound naming every missing id (nothing is changed)."""
    ids = list(ids)
    missing = [i for i in ids if not db.has_project(i)]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        noun = "project" if len(missing) == 1 else "projects"
        raise NotFound(
            tr("no {noun} with id {listed}; nothing was changed (see 'ipcoop list')").format(
                noun=noun, listed=listed
            )
        )
    return [db.project(i) for i in ids]


# --------------------------------------------------------------------------- lookups


def _by_name(records: list[dict[str, Any]], ident: str, text: str) -> str | None:
    """The record a name names, in English or either Chinese script (as listed)."""
    import re

    wanted = text.strip().casefold()
    for record in records:
        names = [record.get("name"), *(record.get("names") or {}).values()]
        for name in (n for n in names if isinstance(n, str)):
            # a name with another in brackets: the whole, or either part
            parts = [name, *re.split(r"[（）()]", name)]
            if any(p.strip().casefold() == wanted for p in parts if p.strip()):
                return str(record[ident])
    return None


def _known(records: list[dict[str, Any]], ident: str, value: Any, normal: Any, what: str) -> str:
    """A record by its key or code (`normal` folds it), or its name in English or
    either Chinese script; NotFound saying what may be given."""
    idents = [r[ident] for r in records]
    if isinstance(value, str) and normal(value.strip()) in idents:
        return str(normal(value.strip()))
    named = _by_name(records, ident, value) if isinstance(value, str) else None
    if named is not None:
        return named
    noun, listing = what.split("/")
    raise NotFound(
        tr(
            "unknown {noun} {value!r}; give its {ident} ({items}) or its name as "
            "'ipcoop {listing}' lists it"
        ).format(
            noun=noun,
            value=value,
            ident="area key" if ident == "key" else ident,
            items=", ".join(idents),
            listing=listing,
        )
    )


def known_area(db: store.Database, key: str) -> str:
    """An area by its key, or its name in English or either Chinese script."""
    return _known(db.areas(), "key", key, str.lower, "area/areas")


def known_agency(db: store.Database, code: str) -> str:
    """A member by its code, or its name in English or either Chinese script."""
    return _known(db.members(), "code", code, str.upper, "agency/members")


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
    year: str | int | None = None,
    programme: str | None = None,
    key: bool = False,
    lead: str = "joint",
    agencies: Sequence[str] = (),
    note: str | None = None,
    status: str = "planned",
    done_on: str | None = None,
    titles: Mapping[str, str] | None = None,
    span: tuple[str | None, str | None] = (None, None),
) -> Project:
    """Add a project. `titles` holds the Chinese forms a person typed ({tag: text});
    a form given alone makes the other by conversion."""
    from ipcoop.core import languages, programmes

    area = known_area(db, area)
    agencies = [known_agency(db, code) for code in agencies]
    status = models.parse_status(status)
    if status == "carried":
        raise InvalidValue(tr("a project becomes carried by 'ipcoop carry', not by add"))
    if status == "done" and done_on is None:
        done_on = models.today().isoformat()
    if done_on is not None and status != "done":
        raise InvalidValue(tr("--on is only for projects added as done (--status done)"))
    if year is not None and programme is None:
        models.parse_year(year)
    chosen = programmes.for_new_project(db, programme, year)
    programmes.require_area(chosen, area)
    given = languages.main_title_forms(title, languages.checked(titles or {}, "title"))
    forms, converted = languages.set_forms(None, (), given)
    record = _validate(
        db,
        {
            "title": title,
            "titles": forms,
            "converted": converted,
            "area": area,
            "year": int(chosen["start"][:4]),
            "programme": chosen["key"],
            "status": status,
            "key": key,
            "lead": lead,
            "agencies": list(agencies),
            "notes": note or "",
            "done_on": done_on,
            "starts_on": span[0],
            "ends_on": span[1],
        },
    )
    stamp = models.now_stamp()
    record.update(created=stamp, updated=stamp)
    project_id = db.insert_project(record)
    return db.project(project_id)


def edit_project(db: store.Database, project_id: int, changes: dict[str, Any]) -> Project:
    """Replace the named fields of one project. `changes` holds only the fields given."""
    if not changes:
        raise InvalidValue(
            tr(
                "nothing to change; give at least one of --title, --zh-hk, --zh-cn, "
                "--area, --year, --key/--no-key, --lead, --agency, --note, --on, "
                "--from/--to, --no-date"
            )
        )
    from ipcoop.core import languages, programmes

    (project,) = require_projects(db, [project_id])
    if "event" in changes:  # (--on, --from, --to) as typed, or None to clear the dates
        from ipcoop.base.dates import span_of_options

        typed = changes.pop("event")
        now = (project["starts_on"], project["ends_on"])
        span = span_of_options(typed[0], typed[1], typed[2], now) if typed else None
        span = span or (None, None)
        changes.update(starts_on=span[0], ends_on=span[1])
    for field in ("phrases", "phrases_back"):  # the languages given; the others as they were
        if field in changes:
            from ipcoop.base import wording

            option = "--phrase" if field == "phrases" else "--phrase-back"
            given = wording.with_given(project[field], changes[field], option)
            changes[field] = given or dict.fromkeys(wording.TAGS)
    if "titles" in changes:  # the forms a person typed; the other may be converted
        forms, converted = languages.set_forms(
            project["titles"],
            project["converted"],
            languages.checked(changes.pop("titles"), "title"),
        )
        changes.update(titles=forms, converted=converted)
    if "area" in changes:
        changes["area"] = known_area(db, changes["area"])
    if "agencies" in changes:
        changes["agencies"] = [known_agency(db, code) for code in changes["agencies"]]
    merged = {**project, **changes}
    if "programme" in changes or "year" in changes:
        chosen = programmes.for_new_project(db, changes.get("programme"), changes.get("year"))
        merged.update(programme=chosen["key"], year=int(chosen["start"][:4]))
    else:
        chosen = programmes.get(db, merged["programme"])
    if "area" in changes or "programme" in changes or "year" in changes:
        programmes.require_area(chosen, merged["area"])
    record = _validate(db, merged)
    return _save(db, project, record, settles=list(changes))


def settle_field(db: store.Database, project_id: int, field: str, value: Any) -> Project:
    """Set a field (or its group: a dict of the fields) to a value a conflict kept,
    settling the conflict; None for `removed` keeps the project as it is."""
    (project,) = require_projects(db, [project_id])
    if field in ("progress", "links"):  # lists the record checks apart (both sides' labels)
        from ipcoop.base import progress

        problem = progress.list_problem(field, value)
        if problem:
            raise InvalidValue(
                tr("the value kept for {field} is not one a command writes: {problem}").format(
                    field=field, problem=problem
                )
            )
        if field == "links":  # the labels kept; links added or removed since stay so
            chosen = {link["url"]: link for link in value}
            value = [chosen.get(link["url"], link) for link in project["links"]]
        return _save(db, project, {field: value}, settles=[field])
    from ipcoop.store.provenance import group_of

    # A group's kept value is a dict of its fields; a one-field value (a phrase) is itself.
    if isinstance(value, dict) and len(group_of(field)) > 1:
        changes = value
    else:
        changes = {} if value is None else {field: value}
    record = _validate(db, {**project, **changes})
    return _save(db, project, record, settles=[field])


def _save(
    db: store.Database,
    project: Project,
    record: dict[str, Any],
    settles: Sequence[str] = (),
) -> Project:
    updated = cast("Project", {**project, **record})
    if updated != project or settles:
        if updated != project:
            updated["updated"] = models.now_stamp()
        db.replace_project(updated, tuple(settles))
    return updated


def add_note(db: store.Database, project_id: int, text: str, on: str | None) -> Project:
    """Append a dated progress note, signed with this copy's name."""
    from ipcoop.base import progress

    (project,) = require_projects(db, [project_id])
    date = done_date(on)
    return _save(db, project, {"progress": progress.with_note(project, text, date, db.me()[1])})


def set_link(
    db: store.Database, project_id: int, url: str, label: str | None, remove: bool = False
) -> Project:
    """Add a link to a project (or change its label), or remove it."""
    from ipcoop.base import progress

    (project,) = require_projects(db, [project_id])
    links = (
        progress.without_link(project, url) if remove else progress.with_link(project, url, label)
    )
    return _save(db, project, {"links": links})


def done_date(on: str | None, option: str = "--on") -> str:
    """The day a thing was done, as typed (30/06/2020 as well as 2020-06-30; None:
    today); a day in the future is refused."""
    if on is None:
        return models.today().isoformat()
    from ipcoop.base.dates import typed_date

    date = typed_date(on, option)
    if dt.date.fromisoformat(date) > models.today():
        raise InvalidValue(
            tr("{option} {date} is in the future; give the date it was done").format(
                option=option, date=date
            )
        )
    return date


def said_changed(action: str, projects: Sequence[Project]) -> str:
    """What a front end says after a status change: 'Done: 12, 14'."""
    said = {
        "start": tr("Started: {ids}"),
        "done": tr("Done: {ids}"),
        "reopen": tr("Reopened: {ids}"),
        "drop": tr("Dropped: {ids}"),
        "remove": tr("Removed: {ids}"),
    }[action]
    return said.format(ids=", ".join(str(p["id"]) for p in projects))


def change_status(
    db: store.Database,
    ids: Sequence[int],
    action: str,
    on: str | None = None,
    reason: str | None = None,
) -> list[Project]:
    """start / done / reopen / drop for several projects, all or nothing."""
    from ipcoop.core import programmes

    projects = require_projects(db, ids)
    done_on = done_date(on) if action == "done" else None
    for p in projects:
        if p["status"] != "carried":
            continue
        copy = p["carried_to"]
        assert copy is not None  # a carried project names its copy
        if action != "reopen":
            raise IpcoopError(
                tr(
                    "project {id} was carried into project {copy}; change that one instead "
                    "(nothing was changed)"
                ).format(id=p["id"], copy=copy)
            )
        if db.has_project(copy):
            raise IpcoopError(
                tr(
                    "project {id} was carried into project {copy}, which still exists; "
                    "reopen is refused while it does (remove {copy} first if the "
                    "carry-over was a mistake)"
                ).format(id=p["id"], copy=copy)
            )
    if action == "start":
        finished = [str(p["id"]) for p in projects if p["status"] == "done"]
        if finished:
            raise IpcoopError(
                tr(
                    "project {items} is already done; 'ipcoop reopen' it first (nothing "
                    "was changed)"
                ).format(items=", ".join(finished))
            )
    if reason is not None:
        models.parse_notes(reason)
    results = []
    for project in projects:
        record = dict(project)
        if action == "start":
            record.update(status="active", done_on=None)
        elif action == "done":
            if project["status"] == "done" and project["done_on"] != done_on:
                if project["done_on"]:
                    said = tr("project {id} was already done on {was}; now {now}")
                else:
                    said = tr("project {id} was already done on an unknown date; now {now}")
                db.warnings.append(
                    said.format(id=project["id"], was=project["done_on"], now=done_on)
                )
            record.update(status="done", done_on=done_on)
            assert done_on is not None  # set above for action "done"
            warning = programmes.done_warning(
                programmes.get(db, project["programme"]), done_on, project["id"]
            )
            if warning:
                db.warnings.append(warning)
        elif action == "reopen":
            record.update(status="planned", done_on=None, carried_to=None)
        elif action == "drop":
            record.update(status="dropped", done_on=None)
            line = f"Dropped: {reason.strip()}" if reason and reason.strip() else ""
            if line and line not in str(record["notes"]).split("\n"):  # not again if dropped again
                record["notes"] = f"{record['notes']}\n{line}" if record["notes"] else line
        else:  # pragma: no cover - the CLI only passes the four above
            raise ValueError(action)
        results.append(_save(db, project, _validate(db, record), settles=["status"]))
    return results


def remove_projects(db: store.Database, ids: Sequence[int]) -> list[Project]:
    projects = require_projects(db, ids)
    db.remove_projects([p["id"] for p in projects])
    return projects


def undo(db: store.Database, skip: bool = False) -> dict[str, Any]:
    return db.undo_last(skip)
