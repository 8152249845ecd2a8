"""Changes of status, and removal: start, done, reopen, drop, remove."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli.context import reading, stdin_is_terminal, writing
from ipcoop.cli.options import ClosedIdsArg, IdsArg, OpenIdsArg
from ipcoop.cli.output import confirm, say


def _status_command(ctx: typer.Context, ids: list[str], action: str, **kwargs: Any) -> None:
    from ipcoop.core import tracker

    parsed = tracker.parse_ids(ids)
    with writing(ctx) as db:
        projects = tracker.change_status(db, parsed, action, **kwargs)
    say(tracker.said_changed(action, projects))


def start(ctx: typer.Context, ids: OpenIdsArg) -> None:
    """Mark projects active.

    Example: ipcoop start 3 4
    """
    _status_command(ctx, ids, "start")


def done(
    ctx: typer.Context,
    ids: OpenIdsArg,
    on: Annotated[
        str | None, typer.Option("--on", help="The date it was done, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Mark projects done.

    Example: ipcoop done 3 4 --on 2020-11-30
    """
    _status_command(ctx, ids, "done", on=on)


def reopen(ctx: typer.Context, ids: ClosedIdsArg) -> None:
    """Mark projects planned again and clear their done date.

    Example: ipcoop reopen 3
    """
    _status_command(ctx, ids, "reopen")


def drop(
    ctx: typer.Context,
    ids: OpenIdsArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why; added to the notes.")] = None,
) -> None:
    """Mark projects dropped (they no longer count against progress).

    Example: ipcoop drop 7 --reason "merged into 8"
    """
    _status_command(ctx, ids, "drop", reason=reason)


def remove(
    ctx: typer.Context,
    ids: IdsArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete projects for good (undo can bring them back). Their ids are never reused.

    Example: ipcoop remove 7 --yes
    """
    from ipcoop.core import tracker

    parsed = tracker.parse_ids(ids)
    if not yes:
        projects = tracker.require_projects(reading(ctx), parsed)
        if not stdin_is_terminal():
            raise IpcoopError(
                tr(
                    "refusing to remove projects without confirmation; pass --yes (nothing "
                    "was changed)"
                )
            )
        from ipcoop.base import i18n, safe
        from ipcoop.core.languages import title_in

        for p in projects:  # by the title its reader reads
            say(f"  {p['id']}  {safe.sanitize(title_in(p, i18n.current()))}")
        if len(projects) == 1:
            question = tr("Remove the project?")
        else:
            question = tr("Remove {count} projects?").format(count=len(projects))
        if not confirm(question):
            raise typer.Abort()
    with writing(ctx) as db:
        removed = tracker.remove_projects(db, parsed)
    say(tracker.said_changed("remove", removed))
