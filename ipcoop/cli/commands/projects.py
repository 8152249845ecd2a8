"""Everyday commands on projects: list, show, add, edit (status changes: `status`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli.context import reading, writing
from ipcoop.cli.options import (
    AgencyListOpt,
    AreaOpt,
    EventFromOpt,
    EventOnOpt,
    EventToOpt,
    IdArg,
    JsonOpt,
    LangOpt,
    LeadOpt,
    NoAgencyOpt,
    PhraseBackOpt,
    PhraseBackZhCnOpt,
    PhraseBackZhHkOpt,
    PhraseOpt,
    PhraseZhCnOpt,
    PhraseZhHkOpt,
    ProgrammeOpt,
    ZhCnOpt,
    ZhHkOpt,
    complete_agency,
    complete_area,
    complete_format,
    complete_lead,
    complete_sort,
    complete_status,
    given_forms,
    lang_of,
)
from ipcoop.cli.output import emit, notes, say


def list_(
    ctx: typer.Context,
    year: Annotated[
        str | None,
        typer.Option(
            "--year", metavar="PERIOD", help="A year or a range: 2020, 2019-2020 or 2022-23."
        ),
    ] = None,
    programme: ProgrammeOpt = None,
    done_in: Annotated[
        str | None,
        typer.Option(
            "--done-in",
            metavar="PERIOD",
            help="Done during this calendar time: 2021, 2021-03, 2020-2021 or 2022-23.",
        ),
    ] = None,
    area: AreaOpt = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="planned, active, done, dropped, or open (= planned,active); repeatable.",
            autocompletion=complete_status,
        ),
    ] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only unfinished projects (planned or active).")
    ] = False,
    key: Annotated[
        bool | None,
        typer.Option("--key/--not-key", help="Only key projects (or only the others)."),
    ] = None,
    lead: LeadOpt = None,
    agency: Annotated[
        str | None,
        typer.Option("--agency", help="Member agency code.", autocompletion=complete_agency),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            help="Text to find in every form of the title and in the notes "
            "(Chinese in either script).",
        ),
    ] = None,
    upcoming: Annotated[
        str | None,
        typer.Option(
            "--upcoming",
            metavar="WHEN",
            help="Only events coming up (or under way): in the next 30d or 2w, or in a "
            "month such as 2020-11; soonest first. Dropped ones are left out.",
        ),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="Field to sort by; prefix - to reverse (default id; starts_on with --upcoming).",
            autocompletion=complete_sort,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="table, json, csv or md.", autocompletion=complete_format),
    ] = "table",
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List projects, filtered and sorted.

    --lang picks the title shown and the table's words (JSON and CSV carry every
    form). --search finds Chinese in either script: 粵港 finds 粤港.
    Example: ipcoop list --year 2020 --area gba --status open --sort -year
    Example: ipcoop list --upcoming 2w
    """
    from ipcoop.core import listing

    the_lang = lang_of(lang)
    fmt = "json" if as_json else fmt.lower()
    if fmt not in ("table", "json", "csv", "md"):
        raise IpcoopError(
            tr("unknown format {fmt!r}; choose table, json, csv or md").format(fmt=fmt)
        )
    db = reading(ctx)
    filters = listing.make_filters(
        db,
        year=year,
        area=area,
        status=status or (),
        key=key,
        lead=lead,
        agency=agency,
        search=search,
        sort=sort,
        open_only=open_only,
        programme=programme,
        done_in=done_in,
        upcoming=upcoming,
        lang=the_lang,
    )
    projects = listing.select(db.rows(), filters, whole=fmt != "table")
    if fmt in ("json", "csv"):  # the machine formats need no table code
        from ipcoop.core import interchange

        emit((interchange.to_json_records if fmt == "json" else interchange.to_csv)(projects))
        return
    from ipcoop.reports import tables

    if fmt == "md":
        emit(tables.to_markdown(projects, the_lang))
    elif not projects:
        say(tr("No projects match."))
    else:
        tables.print_projects(projects, the_lang)


def show(
    ctx: typer.Context,
    project_id: IdArg,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one project in full, with every form of its title.

    A form made by conversion is marked until a person sets it (edit --zh-hk/--zh-cn).
    Example: ipcoop show 12 --lang zh-hk
    """
    from ipcoop.core import tracker
    from ipcoop.reports import render, views

    (pid,) = tracker.parse_ids([project_id])
    db = reading(ctx)
    project = db.project(pid)  # a read: no "nothing was changed" in its error
    if as_json:
        emit(render.to_json(project))
        return
    areas = {a["key"]: a for a in db.areas()}
    members = {m["code"]: m for m in db.members()}
    views.print_project(project, areas.get(project["area"]), members, lang_of(lang))
    from ipcoop.core.conflicts import of_projects, value_text

    for c in of_projects(db, pid):  # values both sides set differently, each with its number
        values = "; ".join(
            f"{n}. {value_text(v['value'])} ({v['by']})" for n, v in enumerate(c["values"], 1)
        )
        said = tr("Conflict on {field}: {values}; keep one: ipcoop settle {pid} {field} N")
        emit(said.format(field=c["field"], values=values, pid=pid) + "\n")


def add(
    ctx: typer.Context,
    title: Annotated[
        str, typer.Argument(help="The project's main title (normally English; any text).")
    ],
    area: Annotated[
        str,
        typer.Option(
            "--area",
            metavar="KEY",
            autocompletion=complete_area,
            help="Area key: see 'ipcoop areas' (bundled: gba, protection, "
            "trading, exchange, guidance, education).",
        ),
    ],
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            metavar="YYYY",
            help="The programme keyed by this year (made for the calendar year if missing).",
        ),
    ] = None,
    programme: ProgrammeOpt = None,
    key: Annotated[bool, typer.Option("--key", help="Mark it a key project.")] = False,
    lead: Annotated[
        str, typer.Option("--lead", help="gd, hk or joint.", autocompletion=complete_lead)
    ] = "joint",
    agency: AgencyListOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    status: Annotated[
        str,
        typer.Option("--status", help="Initial status.", autocompletion=complete_status),
    ] = "planned",
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
    on: EventOnOpt = None,
    start: EventFromOpt = None,
    end: EventToOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a project; prints its new id.

    An event's day goes in --on, or its span in --from and --to (day first as well:
    12/11/2020).
    Example: ipcoop add "IP seminar for SMEs" --area guidance --year 2021 --agency HKIPD
    Example: ipcoop add "IP Forum" --area trading --year 2021 --on 2021-12-02
    """
    from ipcoop.base.dates import span_of_options
    from ipcoop.core import languages, tracker
    from ipcoop.reports import render

    if year is None and programme is None:
        raise typer.BadParameter(
            tr("give --programme KEY or --year YEAR"), param_hint="'--programme' / '--year'"
        )
    with writing(ctx) as db:
        project = tracker.add_project(
            db,
            title=title,
            area=area,
            year=year,
            programme=programme,
            key=key,
            lead=lead,
            agencies=agency or (),
            note=note,
            status=status,
            titles=(forms := languages.typed(zh_hk, zh_cn)),
            span=span_of_options(on, start, end) or (None, None),
        )
    emit(render.to_json(project) if as_json else f"{project['id']}\n")
    _notes(forms, project)


def edit(
    ctx: typer.Context,
    project_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    area: AreaOpt = None,
    year: Annotated[
        str | None,
        typer.Option("--year", metavar="YYYY", help="Move it to the programme keyed by this year."),
    ] = None,
    programme: ProgrammeOpt = None,
    key: Annotated[
        bool | None, typer.Option("--key/--no-key", help="Set or clear the key flag.")
    ] = None,
    lead: LeadOpt = None,
    agency: AgencyListOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Replace the notes.")] = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
    on: EventOnOpt = None,
    start: EventFromOpt = None,
    end: EventToOpt = None,
    no_date: Annotated[
        bool, typer.Option("--no-date", help="Clear the event's date or span.")
    ] = False,
    phrase: PhraseOpt = None,
    phrase_zh_hk: PhraseZhHkOpt = None,
    phrase_zh_cn: PhraseZhCnOpt = None,
    no_agency: NoAgencyOpt = False,
    phrase_back: PhraseBackOpt = None,
    phrase_back_zh_hk: PhraseBackZhHkOpt = None,
    phrase_back_zh_cn: PhraseBackZhCnOpt = None,
) -> None:
    """Change fields of a project; each option replaces the field it names.

    --agency given again replaces the whole list; --from or --to alone moves one end of
    the event's span.
    Example: ipcoop edit 12 --year 2021 --key
    Example: ipcoop edit 12 --from 2021-11-12 --to 2021-11-13
    """
    from ipcoop.core import languages, tracker

    (pid,) = tracker.parse_ids([project_id])
    forms = languages.typed(zh_hk, zh_cn)
    given = {
        "title": title,
        "area": area,
        "year": year,
        "programme": programme,
        "key": key,
        "lead": lead,
        "agencies": agency,
        "notes": note,
        "titles": forms or None,
    }
    changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if no_agency and agency:
        raise IpcoopError(tr("--no-agency clears the agencies; give it without --agency"))
    if no_agency:
        changes["agencies"] = []
    if no_date and (on or start or end):
        raise IpcoopError(tr("--no-date clears the event's date; give it alone, not with --on"))
    if no_date or on is not None or start is not None or end is not None:
        changes["event"] = None if no_date else (on, start, end)
    for field, said in (
        ("phrases", given_forms(phrase, phrase_zh_hk, phrase_zh_cn)),
        ("phrases_back", given_forms(phrase_back, phrase_back_zh_hk, phrase_back_zh_cn)),
    ):
        if said:
            changes[field] = said
    with writing(ctx) as db:
        project = tracker.edit_project(db, pid, changes)
    say(tr("Updated project {id}.").format(id=project["id"]))
    _notes(forms, project)


def _notes(given: dict[str, str], project: Mapping[str, Any]) -> None:
    if given:
        from ipcoop.core import languages

        notes(languages.entry_notes(given, project["titles"], project["converted"]))
