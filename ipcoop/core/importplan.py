"""An import's plan: each checked record matched to the project it was exported
from (or new), what it would change, and whether this copy may take it in (ids
enough; no change made here since the sheet was exported undone). `transfer`
reads and checks the file; this decides what it does to the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ipcoop.base import models, safe
from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.core.transfer import KEPT, check_records

# What a sheet may change of a project it came from: all but its identity and bookkeeping.
EDITABLE = tuple(
    f
    for f in models.PROJECT_FIELDS
    if f not in ("id", "uuid", "programme", "carried_to", "created", "updated", *KEPT)
)


class ImportPlan:
    """What an import would do: new projects, projects it came from to update, and the rest."""

    def __init__(self) -> None:
        self.added: list[dict[str, Any]] = []
        self.updated: list[dict[str, Any]] = []  # full records with their id
        self.changed: list[list[str]] = []  # for each update, the fields it changes
        self.unchanged = 0
        self.returning: dict[int, int] = {}  # index in `added` -> the id it had when removed

    def lines(self) -> list[str]:
        """What it would do, a line per project: the new ones by title, the updated ones
        by id with the fields that change."""
        from ipcoop.base.safe import sanitize

        out = [
            tr("add: {sanitize} ({area}, {year})").format(
                sanitize=sanitize(r["title"]), area=r["area"], year=r["year"]
            )
            + (
                tr(", once project {returning} (removed)").format(returning=self.returning[n])
                if n in self.returning
                else ""
            )
            for n, r in enumerate(self.added)
        ]
        for record, fields in zip(self.updated, self.changed, strict=True):
            out.append(tr("update {id}: {items}").format(id=record["id"], items=", ".join(fields)))
        return out


def plan_import(
    db: Any,
    checked: list[dict[str, Any]],
    sources: list[tuple[Any, Any]],
    stamp: str,
    stamps: list[Any] | None = None,
    present: list[set[str]] | None = None,
) -> ImportPlan:
    """Match each record to the project it was exported from (the same id and UUID);
    anything else is new. A project is never overwritten by a stranger.

    A sheet takes back only what a person changed in it: with `stamps` (each row's
    `updated`, as exported) the version it was exported from is found in the
    journal, and a cell still holding that version's value leaves the project's
    value as it is now (a change made here since, or synced in, is kept). A cell
    changed both in the sheet and here since is refused. A field whose column the sheet
    does not have (`present`: each row's columns) is left as it is: a column deleted
    from a sheet clears nothing."""
    from ipcoop.core import history

    plan = ImportPlan()
    known = db.existing([i for i, uuid in sources if isinstance(i, int) and uuid])
    areas, members = [a["key"] for a in db.areas()], [m["code"] for m in db.members()]
    clashes: list[str] = []
    versions: dict[tuple[int, str], dict[str, Any]] | None = None  # read when first needed
    removed: dict[str, int] | None = None
    for n, (given, (source_id, uuid)) in enumerate(zip(checked, sources, strict=True)):
        record, project = given, None
        candidate = known.get(source_id) if isinstance(source_id, int) and uuid else None
        if candidate is not None and candidate["uuid"] == uuid:
            project = candidate
        if project is None:
            if isinstance(source_id, int) and uuid:
                removed = history.removed_projects(db) if removed is None else removed
                if uuid in removed:
                    plan.returning[len(plan.added)] = removed[uuid]
            _check_new_programme(db, record)
            _year_of_programme(db, record)
            plan.added.append(record)
            continue
        if present is not None:
            record = _kept_absent(project, record, present[n])
        _converted_forms(project, record)
        _year_of_programme(db, record)
        changed = [f for f in EDITABLE if project[f] != record[f]]
        exported = stamps[n] if stamps and models.is_stamp(stamps[n]) else None
        if exported and changed:
            versions = history.exported_versions(db) if versions is None else versions
            was = versions.get((project["id"], exported))
            if was is not None:
                record, clash = _three_way(project, record, was)
                clashes += [f"project {project['id']}'s {f}" for f in clash]
                changed = [f for f in EDITABLE if project[f] != record[f]]
        if not changed:
            plan.unchanged += 1
            continue
        updated = {**project, **{f: record[f] for f in EDITABLE}, "updated": stamp}
        try:
            models.validate_project(updated, areas, members)
            if updated["area"] != project["area"]:
                from ipcoop.core import programmes

                programmes.require_area(programmes.get(db, updated["programme"]), updated["area"])
        except IpcoopError as exc:
            raise IpcoopError(
                tr("project {id}: {exc}; nothing was changed").format(id=project["id"], exc=exc)
            ) from None
        plan.updated.append(updated)
        plan.changed.append(changed)
    if clashes:
        shown = ", ".join(clashes[:5]) + (" and more" if len(clashes) > 5 else "")
        raise IpcoopError(
            tr(
                "{shown} changed both in the sheet and here since it was exported; set "
                "those cells to the value wanted in a fresh export. Nothing was changed"
            ).format(shown=shown)
        )
    return plan


def _kept_absent(
    project: dict[str, Any], record: dict[str, Any], present: set[str]
) -> dict[str, Any]:
    """The row with each field its sheet has no column for taken from the project."""
    out = dict(record)
    titles, marks = dict(out["titles"]), list(out["converted"])
    for tag in ("zh-hk", "zh-cn"):
        if f"titles.{tag}" not in present:  # kept as it is here, not converted anew
            titles[tag] = project["titles"][tag]
            marks = [t for t in marks if t != tag]
            marks += [tag] if tag in project["converted"] else []
    out["titles"] = titles
    out["converted"] = [t for t in ("zh-hk", "zh-cn") if t in marks]
    for field in EDITABLE:
        if field in ("titles", "converted"):
            continue
        if field == "done_on":  # (each of an event's ends as the sheet has it, or as it was)
            absent = field not in present and out["status"] == project["status"]
        else:
            absent = field not in present
        if absent:
            out[field] = project[field]
    return out


def _converted_forms(project: dict[str, Any], record: dict[str, Any]) -> None:
    """Which Chinese forms of the sheet's title are unchecked conversions. A form the
    sheet changed was set by a person; one that was empty here and came converted
    (the sheet gave only the other form) is a conversion, marked as such; and a form
    converted before follows its source when the sheet changed only the source."""
    from ipcoop.core import languages

    titles, marked = dict(record["titles"]), []
    for tag in languages.CHINESE:
        source = languages.other(tag)
        now, was = titles[tag], project["titles"][tag]
        if (
            tag in project["converted"]
            and now == was
            and titles[source] is not None
            and titles[source] != project["titles"][source]
        ):
            titles[tag] = languages.convert(titles[source], tag)
            marked.append(tag)
        elif tag in record["converted"] and (now == was or was is None):
            marked.append(tag)
    record["titles"], record["converted"] = titles, marked


def _year_of_programme(db: Any, record: dict[str, Any]) -> None:
    """A project's year is its programme's first (as edit --programme sets it): a row of
    programme 2022-23 with the year 2023 is counted where the programme is."""
    programme = db.tables["programmes"].get(record["programme"])
    if isinstance(programme, dict) and isinstance(programme.get("start"), str):
        record["year"] = int(programme["start"][:4])


def _check_new_programme(db: Any, record: dict[str, Any]) -> None:
    """A row naming a programme the database lacks makes it for the row's calendar
    year, unless a programme already covers that year: then the row must say which."""
    from ipcoop.core import programmes

    if record["programme"] in db.tables["programmes"]:
        return
    p = programmes.covering(db, int(record["year"]))
    if p is not None:
        raise IpcoopError(
            tr(
                "the row {sanitize!r} ({year}) would make a programme {programme}, but "
                "programme {key} ({start} to {end}) covers {year}: give the row the "
                "programme {key} (a 'programme' column), or add a programme for it "
                "first. Nothing was changed"
            ).format(
                sanitize=safe.sanitize(record["title"]),
                year=record["year"],
                programme=record["programme"],
                key=p["key"],
                start=p["start"],
                end=p["end"],
            )
        )


def _three_way(
    now: dict[str, Any], sheet: dict[str, Any], was: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The sheet's record with every cell a person left as exported set to today's
    value; and the fields changed both in the sheet and here since."""
    out, clash = dict(sheet), []
    units = [("status", "done_on"), *[(f,) for f in EDITABLE if f not in _GROUPED]]
    for unit in units:
        mine, theirs, base = ([r.get(f) for f in unit] for r in (now, sheet, was))
        if theirs in (base, mine):
            out.update({f: now[f] for f in unit})
        elif mine != base:
            clash.append(unit[0])
    forms, made = {}, []
    for tag in ("zh-hk", "zh-cn"):
        held, typed = now["titles"].get(tag), sheet["titles"].get(tag)
        then = (was.get("titles") or {}).get(tag)
        if typed in (then, held):
            forms[tag] = held
            made += [tag] if tag in now["converted"] else []
        else:
            forms[tag] = typed
            clash += ["titles"] if held != then else []
            made += [tag] if tag in sheet["converted"] else []
    out.update(titles=forms, converted=made)
    return out, sorted(set(clash))


_GROUPED = ("status", "done_on", "titles", "converted")


def plan_for(
    db: Any,
    records: list[tuple[str, dict[str, Any]]],
    stamp: str,
    tick: Callable[[], None] | None = None,
) -> ImportPlan:
    """What importing these records (as `read_import` gave them) into `db` would do:
    each checked against its areas and members (an area by its key or any of its
    names) and matched to the project it was exported from."""
    checked = check_records(
        records,
        [a["key"] for a in db.areas()],
        [m["code"] for m in db.members()],
        stamp,
        tick,
        area_names={
            a["key"]: [a["name"], *(n for n in (a.get("names") or {}).values() if n)]
            for a in db.areas()
        },
    )
    sources = [source_of(raw) for _, raw in records]
    stamps = [raw.get("updated") for _, raw in records]  # when the sheet's rows were exported
    present = [_columns(raw) for _, raw in records]
    return plan_import(db, checked, sources, stamp, stamps, present)


def _columns(raw: dict[str, Any]) -> set[str]:
    """The fields a row gives (a Chinese form as titles.zh-hk when its column is there)."""
    forms = raw.get("titles")
    return set(raw) | ({f"titles.{tag}" for tag in forms} if isinstance(forms, dict) else set())


def check_room(db: Any, plan: ImportPlan, file: str) -> None:
    """Refuse a plan that adds more projects than this copy holds unused ids for; the
    need is remembered, so that the next sync leases enough for them."""
    left = db.ids_left()
    if left is None or len(plan.added) <= left:
        return
    from ipcoop.store import identity
    from ipcoop.store.lock import locked

    with locked(db.path):  # this copy's state is changed only under the lock
        identity.note_need(db.path, len(plan.added))
    raise IpcoopError(
        tr(
            "{file} would add {count} project(s), but this copy holds {left} "
            "unused id(s); run 'ipcoop sync' first (it leases enough for them), "
            "then import. Nothing was changed"
        ).format(file=file, count=len(plan.added), left=left)
    )


def source_of(raw: dict[str, Any]) -> tuple[int | None, str | None]:
    """The id and UUID a record was exported with, if any."""
    from ipcoop.store.identity import is_uuid

    raw_id, uuid = raw.get("id"), raw.get("uuid")
    if isinstance(raw_id, str) and raw_id.strip().isascii() and raw_id.strip().isdigit():
        raw_id = int(raw_id.strip()) if len(raw_id.strip()) <= 15 else None
    if not isinstance(raw_id, int) or isinstance(raw_id, bool):
        raw_id = None
    uuid = uuid.strip().lower() if isinstance(uuid, str) else None
    return raw_id, uuid if is_uuid(uuid) else None


def apply_import(db: Any, plan: ImportPlan) -> list[int]:
    """Store what the plan says: the new projects (their ids returned) and the updates."""
    ids = db.insert_projects(plan.added) if plan.added else []
    for record in plan.updated:
        db.replace_project(record)
    return ids


def ids_text(ids: list[int]) -> str:
    """ "id 19", "ids 19-21, 130-131": leased blocks need not follow one another."""
    from ipcoop.store.journal import ranges

    parts = [str(a) if a == b else f"{a}-{b}" for a, b in ranges(ids)]
    return ("id " if len(ids) == 1 else "ids ") + ", ".join(parts)
