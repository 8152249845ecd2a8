"""The programme as a whole: the year-end summary, carry-over, members and areas."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from ipcoop.cli import (
    JsonOpt,
    OutputOpt,
    commands,
    complete_area,
    emit,
    reading,
    say,
    writing,
)
from ipcoop.errors import IpcoopError

SUMMARY_FORMATS = ("table", "json", "md", "html", "svg")


@commands.command()
def summary(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="[PERIOD]", help="A year (2020) or a range (2022-2023); default: the latest."
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="table, json, md, html or svg.",
            autocompletion=lambda incomplete: [
                f for f in SUMMARY_FORMATS if f.startswith(incomplete)
            ],
        ),
    ] = "table",
    as_json: JsonOpt = False,
    output: OutputOpt = None,
) -> None:
    """The year-end summary: progress overall and by area, key projects, change on the year before.

    Example: ipcoop summary 2020 --format md --output summary-2020.md
    """
    from ipcoop import report, tracker

    fmt = "json" if as_json else fmt.lower()
    if fmt not in SUMMARY_FORMATS:
        raise IpcoopError(f"unknown format {fmt!r}; choose {', '.join(SUMMARY_FORMATS)}")
    figures = tracker.summary_for(reading(ctx), period)
    if fmt == "table" and output is None:
        report.print_terminal(figures)
        return
    writers = {
        "json": report.to_json,
        "md": report.to_markdown,
        "html": report.to_html,
        "svg": report.to_svg,
        "table": report.to_text,
    }
    emit(writers[fmt](figures), output)


@commands.command()
def carry(
    ctx: typer.Context,
    from_year: Annotated[str, typer.Argument(metavar="FROM_YEAR", help="The year to carry from.")],
    to: Annotated[
        str | None, typer.Option("--to", help="The year to carry into (default: the next).")
    ] = None,
) -> None:
    """Copy the unfinished projects of a year into the next programme year.

    Area, key flag, lead and agencies are kept; each copy notes where it came from.
    Running it again copies nothing twice. Example: ipcoop carry 2020 --to 2021
    """
    from ipcoop import tracker

    with writing(ctx) as db:
        copies, skipped, warnings = tracker.carry_over(db, from_year, to)
    for warning in warnings:
        say(f"Warning: {warning}")
    if skipped:
        say(f"Already carried: {', '.join(str(p['id']) for p in skipped)}")
    if copies:
        say(f"Carried {len(copies)} project(s): " + ", ".join(
            f"{c['notes'].split()[4]} -> {c['id']}" for c in copies
        ))
    else:
        say("Nothing to carry.")



@commands.command()
def members(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the member agencies and their codes (for --agency).

    Example: ipcoop members --json
    """
    from ipcoop import render, views

    rows = [
        {"code": m["code"], "name": m["name"], "side": m["side"]} for m in reading(ctx).members()
    ]
    if as_json:
        emit(render.to_json(rows))
    else:
        views.print_members(rows)


areas_app = typer.Typer(cls=TyperGroup, rich_markup_mode=None)
commands.add_typer(areas_app, name="areas")


@areas_app.callback(invoke_without_command=True)
def areas(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option("--year", help="Figures for one year.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the areas with their project counts and progress.

    Example: ipcoop areas --year 2020
    """
    if ctx.invoked_subcommand is not None:
        return
    from ipcoop import areas as areas_rules
    from ipcoop import models, render, views

    the_year = models.parse_year(year) if year is not None else None
    rows = areas_rules.area_table(reading(ctx), the_year)
    if as_json:
        emit(render.to_json(rows))
    else:
        views.print_areas(rows, the_year)


FromOpt = Annotated[
    str | None, typer.Option("--from", help="First programme year it is in force.")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last programme year it is in force.")
]


@areas_app.command("add")
def areas_add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Short key, e.g. culture.")],
    name: Annotated[str, typer.Argument(help="The area's name as the programme gives it.")],
    start: FromOpt = None,
    until: UntilOpt = None,
) -> None:
    """Add an area, optionally in force only for some years.

    Example: ipcoop areas add smes "Supporting SMEs on IP" --from 2016 --until 2018
    """
    from ipcoop import areas as areas_rules

    with writing(ctx) as db:
        area = areas_rules.add_area(db, key, name, start, until)
    say(f"Added area {area['key']}.")


@areas_app.command("edit")
def areas_edit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The area's key.", autocompletion=complete_area)],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    start: FromOpt = None,
    until: UntilOpt = None,
) -> None:
    """Rename an area or change its years; its projects stay with it.

    --from or --until given as "" removes that bound.
    Example: ipcoop areas edit guidance --until 2021
    """
    from ipcoop import areas as areas_rules

    with writing(ctx) as db:
        area = areas_rules.edit_area(db, key, name, start, until)
    say(f"Updated area {area['key']}.")


@areas_app.command("remove")
def areas_remove(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The area's key.", autocompletion=complete_area)],
) -> None:
    """Remove an area that no project uses.

    Example: ipcoop areas remove culture
    """
    from ipcoop import areas as areas_rules

    with writing(ctx) as db:
        areas_rules.remove_area(db, key)
    say(f"Removed area {key}.")
