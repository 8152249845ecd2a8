"""The journal: undo and log."""

from __future__ import annotations

from typing import Annotated

import typer

from ipcoop.base.i18n import tr
from ipcoop.cli.context import db_path, reading, writing
from ipcoop.cli.options import JsonOpt
from ipcoop.cli.output import emit, say


def undo(
    ctx: typer.Context,
    skip: Annotated[
        bool,
        typer.Option(
            "--skip",
            help="Leave commands that cannot be undone (the other side changed what they "
            "changed) and undo the newest one that can.",
        ),
    ] = False,
) -> None:
    """Revert the last changing command, whole. Run it again to go further back.

    Example: ipcoop undo (or ipcoop undo --skip, past one the other side built on)
    """
    from ipcoop.base import safe
    from ipcoop.core import tracker

    with writing(ctx) as db:
        entry = tracker.undo(db, skip)
    from ipcoop.reports.render import local_time

    say(
        tr("Undid: {sanitize} ({local_time})").format(
            sanitize=safe.sanitize(entry["command"]), local_time=local_time(entry["at"])
        )
    )


def log(
    ctx: typer.Context,
    project_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only changes to this project.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the history of changes, newest first.

    Example: ipcoop log 12
    """
    from ipcoop.core import history, tracker
    from ipcoop.reports import render, views

    db = reading(ctx)
    pid = None
    if project_id is not None:
        (pid,) = tracker.parse_ids([project_id])
    # JSON says the changes in English, whatever the language; the text, in the reader's.
    entries = history.log_entries(db, pid, say=(str if as_json else tr))
    path, _ = db_path(ctx)
    if path.with_name(path.name + ".signers").exists():  # shared, and signed: who signed
        from ipcoop.sync import audit

        audit.marks(path, entries)
    if as_json:
        emit(render.to_json(entries))
    elif not entries:
        say(
            tr("No changes recorded.")
            if pid is None
            else tr("No recorded changes to {pid}.").format(pid=pid)
        )
    else:
        views.print_log(entries)
