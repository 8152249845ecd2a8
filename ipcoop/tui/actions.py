"""The screen's actions, each through the same core function as its command and
committed the same way: one change, under the lock, journalled with the command
line it stands for (so `log` shows it and `undo` undoes it), all or nothing.

Each returns what to say and the command line, for the screen's footer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ipcoop.base.i18n import tr
from ipcoop.tui.model import command_line


def commit(path: Path, command: str, change: Callable[[Any], Any]) -> tuple[Any, list[str]]:
    """Run `change` on the database opened for a change; its result and the warnings."""
    from ipcoop.core import database

    with database.changing(path, command, lambda written: None) as db:
        result = change(db)
    return result, list(db.warnings)


def status(
    path: Path, ids: Sequence[int], action: str, on: str | None = None, reason: str | None = None
) -> tuple[str, str, list[str]]:
    from ipcoop.core import tracker

    on = tracker.done_date(on, "the date") if on else None  # as the command takes it best
    extra = ["--on", on] if on else ["--reason", reason] if reason else []
    command = command_line(action, list(ids), extra)
    projects, warnings = commit(
        path, command, lambda db: tracker.change_status(db, list(ids), action, on, reason)
    )
    return tracker.said_changed(action, projects), command, warnings


def remove(path: Path, ids: Sequence[int]) -> tuple[str, str, list[str]]:
    from ipcoop.core import tracker

    command = command_line("remove", list(ids), ["--yes"])
    removed, warnings = commit(path, command, lambda db: tracker.remove_projects(db, list(ids)))
    return tracker.said_changed("remove", removed), command, warnings


def undo(path: Path, expected: str) -> tuple[str, str, list[str]]:
    """Undo the entry `expected` (its key), the one the screen showed; refused if a
    newer change of this copy's came since."""
    from ipcoop.base.errors import IpcoopError
    from ipcoop.base.safe import sanitize
    from ipcoop.core import history, tracker

    def change(db: Any) -> Any:
        latest = history.next_undo(db)
        if latest is None or latest["entry"] != expected:
            newer = sanitize(latest["command"]) if latest else "nothing"
            raise IpcoopError(
                tr(
                    "the last change is now '{newer}', not the one shown; nothing was "
                    "undone (press u again to see it)"
                ).format(newer=newer)
            )
        return tracker.undo(db)

    entry, warnings = commit(path, "undo", change)
    return tr("Undid: {command}").format(command=sanitize(entry["command"])), "undo", warnings


def settle(path: Path, pid: int, field: str, choice: int) -> tuple[str, str, list[str]]:
    from ipcoop.core import conflicts

    command = command_line("settle", [pid], [field, str(choice)])
    kept, warnings = commit(path, command, lambda db: conflicts.settle(db, pid, field, choice))
    return (
        tr("Settled {pid} {field}: kept {kept}").format(pid=pid, field=field, kept=kept),
        (command),
        warnings,
    )


def form_options(values: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    """The options of `add`/`edit` that a filled-in form stands for (for an edit, only
    the fields that changed)."""
    out: list[str] = []

    def changed(name: str) -> bool:
        return before is None or values.get(name) != before.get(name)

    for name, option in (("title", "--title"), ("zh-hk", "--zh-hk"), ("zh-cn", "--zh-cn")):
        if values.get(name) and changed(name) and not (name == "title" and before is None):
            out += [option, values[name]]
    if changed("area") and values.get("area"):
        out += ["--area", values["area"]]
    if changed("key") and (before is not None or values.get("key")):
        out.append("--key" if values.get("key") else "--no-key")
    if changed("lead") and values.get("lead"):
        out += ["--lead", values["lead"]]
    if changed("agencies") and (before is not None or values.get("agencies")):
        for code in values.get("agencies") or []:
            out += ["--agency", code]
        if before is not None and not values.get("agencies"):
            out.append("--no-agency")
    if changed("note") and (before is not None or values.get("note")):
        out += ["--note", values.get("note") or ""]
    if changed("from") or changed("to"):
        event = event_of(values)
        if event is not None:
            on, first, last = event
            out += ["--on", on] if on else ["--from", str(first), "--to", str(last)]
        elif before is not None:
            out.append("--no-date")
    return out


def event_of(values: dict[str, Any]) -> tuple[str | None, str | None, str | None] | None:
    """The form's dates as --on, or --from and --to (None: no date)."""
    first, last = (values.get("from") or "").strip(), (values.get("to") or "").strip()
    if not first and not last:
        return None
    if not last or last == first:
        return first or None, None, None if first else last
    return None, first or None, last


def add(path: Path, programme: str, values: dict[str, Any]) -> tuple[str, str, list[str]]:
    from ipcoop.base.dates import span_of_options
    from ipcoop.core import languages, tracker

    options = form_options(values, None)
    command = command_line("add", [], [values["title"], *options, "--programme", programme])

    def change(db: Any) -> Any:
        return tracker.add_project(
            db,
            title=values["title"],
            area=values["area"],
            programme=programme,
            key=bool(values.get("key")),
            lead=values.get("lead") or "joint",
            agencies=values.get("agencies") or (),
            note=values.get("note") or None,
            titles=languages.typed(values.get("zh-hk") or None, values.get("zh-cn") or None),
            span=span_of_options(*(event_of(values) or (None, None, None))) or (None, None),
        )

    project, warnings = commit(path, command, change)
    return tr("Added {id}").format(id=project["id"]), command, warnings


def edit(
    path: Path, pid: int, values: dict[str, Any], before: dict[str, Any]
) -> tuple[str, str, list[str]]:
    from ipcoop.core import languages, tracker

    options = form_options(values, before)
    if not options:
        return tr("Nothing changed."), "", []
    command = command_line("edit", [pid], options)
    changes: dict[str, Any] = {}
    if values["title"] != before["title"]:
        changes["title"] = values["title"]
    typed = {tag: values[tag] for tag in ("zh-hk", "zh-cn") if values.get(tag) != before.get(tag)}
    if any(typed.values()):
        changes["titles"] = languages.typed(typed.get("zh-hk") or None, typed.get("zh-cn") or None)
    for name, field in (("area", "area"), ("key", "key"), ("lead", "lead")):
        if values.get(name) != before.get(name):
            changes[field] = values[name]
    if values.get("agencies") != before.get("agencies"):
        changes["agencies"] = values.get("agencies") or []
    if values.get("note") != before.get("note"):
        changes["notes"] = values.get("note") or ""
    if (values.get("from"), values.get("to")) != (before.get("from"), before.get("to")):
        changes["event"] = event_of(values)
    project, warnings = commit(path, command, lambda db: tracker.edit_project(db, pid, changes))
    return tr("Updated project {id}.").format(id=project["id"]), command, warnings
