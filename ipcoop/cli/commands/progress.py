"""A project's dated progress notes and its links."""

from __future__ import annotations

from typing import Annotated

import typer

from ipcoop.base.i18n import tr
from ipcoop.cli.context import writing
from ipcoop.cli.options import IdArg
from ipcoop.cli.output import say


def note(
    ctx: typer.Context,
    project_id: IdArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What happened.")],
    on: Annotated[
        str | None,
        typer.Option("--on", help="The day it happened, YYYY-MM-DD or 30/11/2020 (default today)."),
    ] = None,
) -> None:
    """Add a dated progress note to a project, signed with this copy's name.

    Notes are kept in date order and both sides' notes survive a sync; `show`
    lists them. `edit --note` stays the one summary note a report prints.

    Example: ipcoop note 12 "Seminar held in Guangzhou, 120 attended" --on 2021-03-02
    """
    from ipcoop.core import tracker

    (pid,) = tracker.parse_ids([project_id])
    with writing(ctx) as db:
        project = tracker.add_note(db, pid, text, on)
    say(
        tr("Noted on project {pid} ({count} note(s)).").format(
            pid=pid, count=len(project["progress"])
        )
    )


def link(
    ctx: typer.Context,
    project_id: IdArg,
    url: Annotated[str, typer.Argument(metavar="URL", help="An http or https address.")],
    label: Annotated[
        str | None, typer.Option("--label", help="What it is, e.g. 'Press release'.")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove this link.")] = False,
) -> None:
    """Link a project to what is published about it: a press release, an MoU, a page.

    Giving a link the project has again changes its label. `show` and exports
    list the links; the HTML and Word reports do not print them.

    Example: ipcoop link 12 https://www.ipd.gov.hk/en/news.html --label "Press release"
    """
    from ipcoop.core import tracker

    (pid,) = tracker.parse_ids([project_id])
    with writing(ctx) as db:
        project = tracker.set_link(db, pid, url, label, remove)
    if remove:
        said = tr("Removed the link from project {pid} ({count} link(s)).")
    else:
        said = tr("Linked project {pid} ({count} link(s)).")
    say(said.format(pid=pid, count=len(project["links"])))
