"""The terminal screen: ipcoop tui."""

from __future__ import annotations

from typing import Annotated

import typer

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli.context import db_path, ensure_default, stdin_is_terminal
from ipcoop.cli.options import LangOpt, complete_programme, lang_of


def tui(
    ctx: typer.Context,
    programme: Annotated[
        str | None,
        typer.Option(
            "--programme",
            metavar="KEY",
            help="The programme to open on (default: the latest with projects).",
            autocompletion=complete_programme,
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """The programme on one screen, worked by keys and mouse.

    / filters (text in either script, area:gba status:open key lead:hk agency:HKIPD);
    s start, d done, r reopen, x drop, a add, e edit, Delete remove, u undo; Space
    marks rows for an action; p programmes, c conflicts, t summary, l log, S sync;
    ? every key, q quit. After each action the footer shows the command it stands for.
    Example: ipcoop tui --programme 2020 --lang zh-hk
    """
    import sys

    the_lang = lang_of(lang)
    path, explicit = db_path(ctx)
    ensure_default(path, explicit)
    from ipcoop.core import database, programmes

    # A damaged file or a bad key is refused here, in one line, not on the screen.
    db = database.open_read(path)
    if programme is not None:
        programmes.get(db, programme)
    else:
        db.projects()  # every record read once: a damaged one is named now
    if not (stdin_is_terminal() and sys.stdout.isatty()):
        raise IpcoopError(tr("the screen needs a terminal; run 'ipcoop tui' in one"))
    from ipcoop.tui.app import run

    run(path, programme, the_lang)
