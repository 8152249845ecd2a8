"""The member agencies: listing them, and adding, editing and removing them."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from ipcoop.base.i18n import tr
from ipcoop.cli.context import reading, writing
from ipcoop.cli.options import (
    FromOpt,
    JsonOpt,
    LangOpt,
    UntilOpt,
    ZhCnOpt,
    ZhHkOpt,
    complete_agency,
    given_forms,
    lang_of,
)
from ipcoop.cli.output import emit, notes, say

members_app = typer.Typer(cls=TyperGroup, rich_markup_mode=None)

CodeArg = Annotated[
    str, typer.Argument(metavar="CODE", help="The member's code.", autocompletion=complete_agency)
]
LeaderOpt = Annotated[
    str | None,
    typer.Option(
        "--leader",
        metavar="TEXT",
        help="How the release names its head when that head leads the side, in English "
        "('the Director of Intellectual Property'); \"\" removes it.",
    ),
]
LeaderHkOpt = Annotated[
    str | None, typer.Option("--leader-zh-hk", metavar="TEXT", help="The same in zh-hk.")
]
LeaderCnOpt = Annotated[
    str | None, typer.Option("--leader-zh-cn", metavar="TEXT", help="The same in zh-cn.")
]


@members_app.callback(invoke_without_command=True)
def members(ctx: typer.Context, lang: LangOpt = None, as_json: JsonOpt = False) -> None:
    """List the member agencies and their codes (for --agency).

    Example: ipcoop members --lang zh-hk
    """
    if ctx.invoked_subcommand is not None:
        return
    from ipcoop.core import members as rules
    from ipcoop.reports import render, views

    rows = [rules.listed(m) for m in reading(ctx).members()]
    if as_json:
        emit(render.to_json(rows))
    else:
        views.print_members(rows, lang_of(lang))


@members_app.command("add")
def members_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="A short code, e.g. GDAIC.")],
    name: Annotated[str, typer.Argument(help="The agency's name in English.")],
    side: Annotated[str, typer.Option("--side", help="gd or hk.")],
    start: FromOpt = None,
    until: UntilOpt = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
    leader: LeaderOpt = None,
    leader_zh_hk: LeaderHkOpt = None,
    leader_zh_cn: LeaderCnOpt = None,
) -> None:
    """Add a member agency, optionally in force only for some years.

    Example: ipcoop members add GDIPO "Guangdong Intellectual Property Office" --side gd
    --until 2018 --zh-hk "廣東省知識產權局"
    """
    from ipcoop.core import languages
    from ipcoop.core import members as rules

    names = languages.typed(zh_hk, zh_cn)
    given = given_forms(leader, leader_zh_hk, leader_zh_cn)
    with writing(ctx) as db:
        member = rules.add_member(db, code, name, side, start, until, names, given)
        told = rules.leader_notes(db, member)
    say(tr("Added member {code}.").format(code=member["code"]))
    notes(languages.entry_notes(names, member["names"], member["converted"], "name") + told)


@members_app.command("edit")
def members_edit(
    ctx: typer.Context,
    code: CodeArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    start: FromOpt = None,
    until: UntilOpt = None,
    zh_hk: ZhHkOpt = None,
    zh_cn: ZhCnOpt = None,
    leader: LeaderOpt = None,
    leader_zh_hk: LeaderHkOpt = None,
    leader_zh_cn: LeaderCnOpt = None,
) -> None:
    """Rename a member (in any language), change its years or its side's leader.

    --from or --until given as "" removes that bound. Projects keep its code.
    Example: ipcoop members edit GDAMR --from 2018
    """
    from ipcoop.core import languages
    from ipcoop.core import members as rules

    names = languages.typed(zh_hk, zh_cn)
    given = given_forms(leader, leader_zh_hk, leader_zh_cn)
    with writing(ctx) as db:
        member = rules.edit_member(db, code, name, start, until, names, given)
        told = rules.leader_notes(db, member) if given else []
    say(tr("Updated member {code}.").format(code=member["code"]))
    notes(languages.entry_notes(names, member["names"], member["converted"], "name") + told)


@members_app.command("remove")
def members_remove(ctx: typer.Context, code: CodeArg) -> None:
    """Remove a member no project names.

    Example: ipcoop members remove GDIPO
    """
    from ipcoop.core import members as rules

    with writing(ctx) as db:
        rules.remove_member(db, code)
    say(tr("Removed member {upper}.").format(upper=code.strip().upper()))
