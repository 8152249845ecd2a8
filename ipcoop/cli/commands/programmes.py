"""The group's programmes: add, edit, endorse, list, show."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from ipcoop.base.i18n import mark, tr
from ipcoop.cli.context import reading, writing
from ipcoop.cli.options import (
    JsonOpt,
    LangOpt,
    ZhCnOpt,
    ZhHkOpt,
    complete_area,
    complete_programme,
    given_forms,
    lang_of,
)
from ipcoop.cli.output import emit, say

programme_app = typer.Typer(cls=TyperGroup, rich_markup_mode=None, no_args_is_help=True)


@programme_app.callback()
def programme() -> None:
    """The group's programmes: periods, areas in order, endorsement, reported figures.

    Example: ipcoop programme add 2022-23 --start 2022-07 --end 2023-12 --area gba
    """


KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY", help="The programme's key, e.g. 2022-23.", autocompletion=complete_programme
    ),
]
StartOpt = Annotated[
    str | None, typer.Option("--start", metavar="YYYY-MM", help="Its first month.")
]
EndOpt = Annotated[str | None, typer.Option("--end", metavar="YYYY-MM", help="Its last month.")]
NameOpt = Annotated[
    str | None,
    typer.Option(
        "--name", metavar="TEXT", help="Its name (default: Co-operation projects for KEY)."
    ),
]
AreasOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--area",
        metavar="KEY",
        autocompletion=complete_area,
        help="Its areas, in the programme's order (repeat; on edit, replaces the list).",
    ),
]


@programme_app.command("add")
def programme_add(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="The new programme's key, e.g. 2022-23.")
    ],
    start: StartOpt = None,
    end: EndOpt = None,
    name: NameOpt = None,
    area: AreasOpt = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
) -> None:
    """Add a programme: its period by month and its areas in order.

    Without --area it takes the areas in force in its first year.
    Example: ipcoop programme add 2018-19 --start 2018-07 --end 2019-06 --area gba --area smes
    """
    from ipcoop.base.errors import InvalidValue
    from ipcoop.core import languages, programmes

    if start is None or end is None:
        raise InvalidValue(tr("give the programme's period: --start YYYY-MM --end YYYY-MM"))
    names = languages.typed(zh_hk, zh_cn)
    with writing(ctx) as db:
        made = programmes.add(db, key, start, end, name, area or (), names)
    say(
        tr("Added programme {key} ({start} to {end}, {count} areas).").format(
            key=made["key"], start=made["start"], end=made["end"], count=len(made["areas"])
        )
    )


@programme_app.command("edit")
def programme_edit(
    ctx: typer.Context,
    key: KeyArg,
    start: StartOpt = None,
    end: EndOpt = None,
    name: NameOpt = None,
    area: AreasOpt = None,
    add_area: Annotated[
        list[str] | None,
        typer.Option(
            "--add-area",
            metavar="KEY",
            autocompletion=complete_area,
            help="Add an area at the end of the programme's list (repeat).",
        ),
    ] = None,
    reported_done: Annotated[
        int | None,
        typer.Option(
            "--reported-done",
            metavar="N",
            help="How many projects the group reported implemented (when it itemised fewer).",
        ),
    ] = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
    statement: Annotated[
        str | None,
        typer.Option(
            "--statement",
            metavar="TEXT",
            help="The group's policy sentence for the release, in English ('' clears it).",
        ),
    ] = None,
    statement_zh_hk: Annotated[
        str | None,
        typer.Option("--statement-zh-hk", metavar="TEXT", help="The statement in zh-hk."),
    ] = None,
    statement_zh_cn: Annotated[
        str | None,
        typer.Option("--statement-zh-cn", metavar="TEXT", help="The statement in zh-cn."),
    ] = None,
) -> None:
    """Change a programme; each option replaces what it names.

    The statement follows the endorsement in the release, in each language as written
    (not converted: give each one).
    Example: ipcoop programme edit 2019 --reported-done 27
    Example: ipcoop programme edit 2020 --statement "The Expert Group agreed to ..."
    """
    from ipcoop.core import languages, programmes

    names = languages.typed(zh_hk, zh_cn)
    said = given_forms(statement, statement_zh_hk, statement_zh_cn)
    with writing(ctx) as db:
        changed = programmes.edit(
            db,
            key,
            start=start,
            end=end,
            name=name,
            areas=area or (),
            add_areas=add_area or (),
            reported_done=reported_done,
            names=names,
            statement=said,
        )
    say(tr("Updated programme {key}.").format(key=changed["key"]))


@programme_app.command("endorse")
def programme_endorse(
    ctx: typer.Context,
    key: KeyArg,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", metavar="YYYY-MM-DD", help="The date it was endorsed (default today)."
        ),
    ] = None,
) -> None:
    """Record the endorsement: the count of projects and the areas' names and order are
    frozen as they are (later renames apply to later programmes only).

    Example: ipcoop programme endorse 2020 --on 2020-04-24
    """
    from ipcoop.core import programmes

    with writing(ctx) as db:
        done = programmes.endorse(db, key, on)
    say(
        tr("Endorsed programme {key} on {on} ({count}, {count2}).").format(
            key=done["key"],
            on=done["endorsed"]["on"],
            count=_count(done["endorsed"]["count"], "project"),
            count2=_count(len(done["areas"]), "area"),
        )
    )


@programme_app.command("list")
def programme_list(ctx: typer.Context, lang: LangOpt = None, as_json: JsonOpt = False) -> None:
    """List the programmes, by start.

    Example: ipcoop programme list --lang zh-hk
    """
    from ipcoop.base.words import WORDS
    from ipcoop.core import programmes
    from ipcoop.core.languages import name_in
    from ipcoop.reports import render

    the_lang = lang_of(lang)
    label = WORDS[the_lang]
    from ipcoop.base.words import table_date

    db = reading(ctx)
    rows = programmes.all_programmes(db)
    counts = programmes.project_counts(db)
    if as_json:
        emit(render.to_json(rows))
        return
    if not rows:
        say(tr("No programmes yet: 'ipcoop programme add', or add a project with --year."))
        return
    columns = [
        render.Column(label["Area key"]),
        render.Column(label["Period"]),
        render.Column(label["Areas"], right=True, drop=2),
        render.Column(label["Projects"], right=True),
        render.Column(label["Endorsed"], drop=1),
        render.Column(label["Name"], wrap=True),
    ]
    table = [
        [
            p["key"],
            p["start"] + label[" to "] + p["end"],
            str(len(p["areas"])),
            str(counts.get(p["key"], 0)),
            table_date((p["endorsed"] or {}).get("on"), the_lang)
            or (label["date not recorded"] if p["endorsed"] else "-"),
            name_in(p, the_lang),
        ]
        for p in rows
    ]
    render.emit(render.grid(columns, table, render.terminal_width()))


@programme_app.command("show")
def programme_show(
    ctx: typer.Context, key: KeyArg, lang: LangOpt = None, as_json: JsonOpt = False
) -> None:
    """Show one programme: period, areas in order (as endorsed), figures.

    Example: ipcoop programme show 2020 --lang zh-cn
    """
    from ipcoop.base.words import WORDS
    from ipcoop.core import programmes
    from ipcoop.core.languages import name_in
    from ipcoop.reports import render

    the_lang = lang_of(lang)
    label = WORDS[the_lang]
    from ipcoop.base.words import table_date

    db = reading(ctx)
    found = programmes.get(db, key)
    if as_json:
        emit(render.to_json(found))
        return
    endorsed = found.get("endorsed") or {}
    rows: list[list[render.Segment | str]] = [
        [(label["Area key"], "bold"), found["key"]],
        [(label["Name"], "bold"), name_in(found, the_lang)],
        [(label["Period"], "bold"), found["start"] + label[" to "] + found["end"]],
        [
            (label["Endorsed"], "bold"),
            (table_date(endorsed.get("on"), the_lang) or label["date not recorded"])
            if endorsed
            else label["not yet"],
        ],
    ]
    if endorsed.get("count") is not None:
        rows.append([(label["Endorsed count"], "bold"), str(endorsed["count"])])
    if found.get("reported_done") is not None:
        rows.append([(label["Reported done"], "bold"), str(found["reported_done"])])
    for i, area in enumerate(programmes.area_rows(db, found)):
        head = label["Areas"] if i == 0 else ""
        rows.append([(head, "bold"), f"{area['key']}: {name_in(area, the_lang)}"])
    statement = found.get("statement")
    for tag, text in (statement if isinstance(statement, dict) else {}).items():
        if isinstance(text, str) and text:
            said = label["Statement"] + (f" ({tag})" if tag != "en" else "")
            rows.append([(said, "bold"), text])
    columns = [render.Column(""), render.Column("", wrap=True)]
    render.emit(render.grid(columns, rows, render.terminal_width(), header=False))


def _count(n: int, noun: str) -> str:
    """'1 project', '11 projects', '6 areas', in the interface's language."""
    counted = {
        ("project", True): mark("1 project"),
        ("project", False): mark("{count} projects"),
        ("area", True): mark("1 area"),
        ("area", False): mark("{count} areas"),
    }
    return tr(counted[noun, n == 1]).format(count=n)
