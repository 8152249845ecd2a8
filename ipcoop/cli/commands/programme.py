"""The programme as a whole: the year-end summary, carry-over, members and areas."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli.context import reading, writing
from ipcoop.cli.options import (
    FromOpt,
    JsonOpt,
    LangOpt,
    OutputOpt,
    UntilOpt,
    ZhCnOpt,
    ZhHkOpt,
    complete_area,
    complete_programme,
    lang_of,
)
from ipcoop.cli.output import choose_format, emit, notes, say

SUMMARY_FORMATS = ("table", "json", "md", "html", "svg", "docx", "xlsx")


def summary(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="[KEY|PERIOD]",
            help="A programme's key (2020, 2022-23), or a year or range of years "
            "(2021, 2020-2021); default: the latest programme.",
            autocompletion=complete_programme,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="table, json, md, html (a printable page), svg (a chart), docx (Word) or "
            "xlsx (Excel); default: what the --output file's name says, else table.",
            autocompletion=lambda incomplete: [
                f for f in SUMMARY_FORMATS if f.startswith(incomplete)
            ],
        ),
    ] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; list what to look at before it goes out (values in "
            "conflict; for a programme, missing or unchecked titles in --lang, projects "
            "added after endorsement); exit 1 if there is anything.",
        ),
    ] = False,
) -> None:
    """A programme's summary, or of years: progress by area, key projects, the one before.

    --lang writes it in en, zh-hk or zh-cn: headings, names, titles, and the headline
    in each side's house style (JSON carries every form).

    Before it goes out: ipcoop summary 2020 --lang zh-hk --check

    Example: ipcoop summary 2020 --format md --output summary-2020.md
    """
    from ipcoop.core import periods
    from ipcoop.reports import report

    fmt = choose_format("json" if as_json else fmt, output, SUMMARY_FORMATS, "table")
    if lang is not None and lang.strip().lower() == "all":
        raise IpcoopError(
            tr(
                "a summary is in one language at a time (en, zh-hk or zh-cn); 'ipcoop "
                "release --lang all' writes all three"
            )
        )
    the_lang = lang_of(lang)
    db = reading(ctx)
    figures = periods.summary_for(db, period)
    from ipcoop.core.conflicts import warning

    unsettled = (
        warning(db, programme=figures["programme"])
        if figures.get("programme")
        else warning(db, years=(int(figures["from"]), int(figures["to"])))
    )
    if check:
        _check(db, figures, the_lang, unsettled)
        return
    if unsettled:
        say(tr("Warning: {message}").format(message=unsettled))
    if fmt == "table" and output is None:
        report.print_terminal(figures, the_lang)
        return
    if fmt == "xlsx":
        from ipcoop.reports.workbook import summary_workbook

        emit(summary_workbook(figures, the_lang), output)
        return
    if fmt in ("html", "svg", "docx"):
        from ipcoop.reports import summary_doc

        writer = {"html": summary_doc.to_html, "svg": summary_doc.to_svg}.get(
            fmt, summary_doc.to_docx
        )
        emit(writer(figures, the_lang), output)
        return
    writers = {"json": report.to_json, "md": report.to_markdown, "table": report.to_text}
    emit(writers[fmt](figures, the_lang), output)


def _check(db: object, figures: dict, lang: str, unsettled: str | None) -> None:
    from ipcoop.core import programmes
    from ipcoop.core.review import findings

    if figures.get("programme"):
        found = findings(db, programmes.get(db, figures["programme"]), [lang])
    else:
        found = [unsettled] if unsettled else []
    if found:
        emit("\n".join(found) + "\n")
        raise IpcoopError(
            tr("{count} thing(s) to look at before it goes out (listed above)").format(
                count=len(found)
            )
        )
    say(tr("Nothing to look at in the summary ({lang}).").format(lang=lang))


def carry(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            metavar="FROM",
            help="The programme (its key, or a year) to carry from.",
            autocompletion=complete_programme,
        ),
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="KEY",
            help="The programme to carry into (default: the next one).",
            autocompletion=complete_programme,
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", metavar="ID", help="Carry these projects only (repeat for several)."
        ),
    ] = None,
) -> None:
    """Copy the unfinished projects of a programme into the next one.

    Area, key flag, lead and agencies are kept; each copy notes where it came
    from, and the original becomes 'carried', naming its copy, so the old
    programme's figures read right. Running it again copies nothing twice.
    Example: ipcoop carry 2020 --to 2021 (or --only 12 --only 15)
    """
    from ipcoop.core import periods, tracker

    ids = tracker.parse_ids(only) if only else []
    with writing(ctx) as db:
        copies, originals, _ = periods.carry(db, source, to, ids)
    if copies:
        say(
            tr("Carried {count} project(s) into programme {programme}: ").format(
                count=len(copies), programme=copies[0]["programme"]
            )
            + ", ".join(f"{o['id']} -> {c['id']}" for o, c in zip(originals, copies, strict=True))
        )
    else:
        say(tr("Nothing to carry."))


areas_app = typer.Typer(cls=TyperGroup, rich_markup_mode=None)


@areas_app.callback(invoke_without_command=True)
def areas(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option("--year", help="Figures for one year.")] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the areas with their project counts and progress.

    Example: ipcoop areas --year 2020 --lang zh-cn
    """
    if ctx.invoked_subcommand is not None:
        return
    from ipcoop.base import models
    from ipcoop.core import areas as areas_rules
    from ipcoop.reports import render, views

    the_year = models.parse_year(year) if year is not None else None
    rows = areas_rules.area_table(reading(ctx), the_year)
    if as_json:
        emit(render.to_json(rows))
    else:
        views.print_areas(rows, the_year, lang_of(lang))


@areas_app.command("add")
def areas_add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Short key, e.g. culture.")],
    name: Annotated[str, typer.Argument(help="The area's name as the programme gives it.")],
    start: FromOpt = None,
    until: UntilOpt = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
) -> None:
    """Add an area, optionally in force only for some years.

    Example: ipcoop areas add smes "Supporting SMEs on IP" --from 2016 --until 2018
    --zh-hk "支援中小企" --zh-cn "支持中小企业"
    """
    from ipcoop.core import areas as areas_rules
    from ipcoop.core import languages

    names = languages.typed(zh_hk, zh_cn)
    with writing(ctx) as db:
        area = areas_rules.add_area(db, key, name, start, until, names)
    say(tr("Added area {key}.").format(key=area["key"]))
    notes(languages.entry_notes(names, area["names"], area["converted"], "name"))


@areas_app.command("edit")
def areas_edit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The area's key.", autocompletion=complete_area)],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    start: FromOpt = None,
    until: UntilOpt = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
) -> None:
    """Rename an area (in any language) or change its years; its projects stay with it.

    --from or --until given as "" removes that bound.
    Example: ipcoop areas edit guidance --until 2021
    """
    from ipcoop.core import areas as areas_rules
    from ipcoop.core import languages

    names = languages.typed(zh_hk, zh_cn)
    with writing(ctx) as db:
        area = areas_rules.edit_area(db, key, name, start, until, names)
    say(tr("Updated area {key}.").format(key=area["key"]))
    notes(languages.entry_notes(names, area["names"], area["converted"], "name"))


@areas_app.command("remove")
def areas_remove(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The area's key.", autocompletion=complete_area)],
) -> None:
    """Remove an area that no project uses.

    Example: ipcoop areas remove culture
    """
    from ipcoop.core import areas as areas_rules

    with writing(ctx) as db:
        areas_rules.remove_area(db, key)
    say(tr("Removed area {key}.").format(key=key))
