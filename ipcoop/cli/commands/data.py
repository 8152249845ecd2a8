"""The database as a whole: init, export, import and check."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli.context import db_path, ensure_default, reading, saved, stdin_is_terminal, writing
from ipcoop.cli.options import LangOpt, OutputOpt, lang_of
from ipcoop.cli.output import confirm, emit, say


def init(
    ctx: typer.Context,
    empty: Annotated[
        bool, typer.Option("--empty", help="No projects; just the areas and members.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing database (kept as .bak).")
    ] = False,
) -> None:
    """Create a new database with the bundled 2019 review and 2020 programme.

    Example: ipcoop --db team.json init --empty
    """
    from ipcoop.core import tracker

    path, _ = db_path(ctx)
    count, old_file = tracker.init_database(path, empty=empty, force=force)
    saved(ctx)
    if old_file:
        line = tr("Created {path} with {count} projects ({old_file}).")
    else:
        line = tr("Created {path} with {count} projects.")
    say(line.format(path=path, count=count, old_file=old_file))


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="json (as list --json prints), csv (one column per field), xlsx (an "
            "Excel workbook to edit and send back) or ics (the dated projects as calendar "
            "events); default: what the --output file's name says, else json.",
            autocompletion=lambda incomplete: [
                f for f in ("json", "csv", "xlsx", "ics") if f.startswith(incomplete)
            ],
        ),
    ] = None,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write every project out, for a spreadsheet, a calendar or another database.

    The Excel workbook has drop-down lists for area, status, lead and key, its
    identity columns locked, and a sheet of the areas and members; 'ipcoop
    import' reads it back, updating the projects it came from. The calendar
    (.ics, in the --lang language) holds one all-day event per project with a
    date; importing it again into Outlook or Google Calendar updates the events.
    Example: ipcoop export --output projects.csv
    Example: ipcoop export --output programme.xlsx
    Example: ipcoop export --output events.ics --lang zh-hk
    """
    from ipcoop.cli.output import choose_format
    from ipcoop.core import transfer

    chosen = choose_format(fmt, output, ("json", "csv", "xlsx", "ics"), "json")
    db = reading(ctx)
    if chosen == "ics":
        from ipcoop.core.history import sequences
        from ipcoop.reports.calendar import to_ics

        calendar = to_ics(db.projects(), lang_of(lang), sequences(db), db.areas(), db.members())
        # Bytes keep the CRLF lines exact in a file or a pipe; a terminal is shown text.
        to_terminal = output is None and sys.stdout.isatty()
        emit(calendar if to_terminal else calendar.encode("utf-8"), output)
        return
    if chosen == "xlsx":
        from ipcoop.reports.workbook import projects_workbook

        emit(projects_workbook(db.projects(), db.areas(), db.members()), output)
        return
    emit(transfer.export_text(db.projects(), chosen), output)


def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A .json, .csv or .xlsx (Excel) file.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and say what would be done.")
    ] = False,
) -> None:
    """Bring in the projects of a JSON, CSV or Excel file (as export writes them), all or nothing.

    A record that export wrote updates the project it came from (same id and
    creation stamp); any other record is added with a new id, and never
    overwrites a project. A sheet of your own needs only the columns
    title,area,year (area: its key or its name). Dates are day first
    (30/06/2020) or year first (2020-06-30); agencies are member codes
    separated by ; , or /. A workbook may have title rows above its header,
    headers in Chinese, merged cells and Excel dates.
    Example: ipcoop import projects.csv --dry-run
    Example: ipcoop import programme.xlsx
    """
    from ipcoop.base import models
    from ipcoop.core import importplan, transfer

    fmt, records = transfer.read_import(Path(file))
    stamp = models.now_stamp()

    def plan_for(db: Any) -> Any:
        with _progress(len(records), tr("Checking")) as tick:
            return importplan.plan_for(db, records, stamp, tick)

    if dry_run:
        db = reading(ctx)
        plan = plan_for(db)
        importplan.check_room(db, plan, file)
        lines = plan.lines()
        if lines:
            emit("\n".join(lines) + "\n")
        say(
            tr(
                "Would add {count}, update {count2} and leave {unchanged} as they are, "
                "from {file} ({fmt}); nothing changed."
            ).format(
                count=len(plan.added),
                count2=len(plan.updated),
                unchanged=plan.unchanged,
                file=file,
                fmt=fmt,
            )
        )
        return
    # The check and the change under one lock: an area removed meanwhile cannot slip in.
    with writing(ctx) as db:
        plan = plan_for(db)
        ids = importplan.apply_import(db, plan)
    if ids:
        said = tr(
            "Imported {file}: added {added} ({ids}), updated {count}, left {unchanged} as "
            "they were."
        )
    else:
        said = tr("Imported {file}: added {added}, updated {count}, left {unchanged} as they were.")
    say(
        said.format(
            file=file,
            added=len(ids),
            ids=importplan.ids_text(ids),
            count=len(plan.updated),
            unchanged=plan.unchanged,
        )
    )
    for index, old in sorted(plan.returning.items()):
        say(
            tr(
                "Note: project {old} was removed; the sheet's row brought it back as "
                "project {ids} ('ipcoop remove {ids}' if it should stay gone)."
            ).format(old=old, ids=ids[index])
        )


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Any]:
    """A progress bar on stderr for long jobs, only when stderr is a terminal."""
    if total < 2000 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from ipcoop.reports import render

    with Progress(console=render.console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def check(
    ctx: typer.Context,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put the .bak (the version before) back in place.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --restore.")] = False,
) -> None:
    """Verify the database file and say what is wrong and how to recover.

    Exit 0: sound; 1: readable with problems; 3: unusable.
    Example: ipcoop check --restore --yes (without --yes it asks first, on a terminal)
    """
    from ipcoop.core import database

    path, explicit = db_path(ctx)
    if restore:
        bak = database.backup_path(path)
        if not yes:
            if not stdin_is_terminal():
                raise IpcoopError(tr("refusing to restore without confirmation; pass --yes"))
            if not confirm(tr("Replace {path} with {bak}?").format(path=path, bak=bak)):
                raise typer.Abort()
        aside = database.restore_backup(path)
        saved(ctx)
        if aside:
            said = tr("Restored {path} from {bak}; the file it replaced is kept as {aside}.")
        else:
            said = tr("Restored {path} from {bak}.")
        say(said.format(path=path, bak=bak, aside=aside))
        return
    ensure_default(path, explicit)
    info, problems = database.check_file(path)  # an unusable file: exit 3, saying how to restore
    if problems:
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        raise IpcoopError(
            tr(
                "{path} has {count} problem(s), listed above; fix them by hand, or "
                "'ipcoop --db {path} check --restore' to go back to the version before"
            ).format(path=path, count=len(problems))
        )
    copies = len(info["copies"])
    if copies == 1:
        said = tr("{path}: sound (schema {schema}, {projects} projects, 1 copy)")
    else:
        said = tr("{path}: sound (schema {schema}, {projects} projects, {copies} copies)")
    sys.stdout.write(
        said.format(path=path, schema=info["schema"], projects=info["projects"], copies=copies)
        + "\n"
    )
