"""Shared options and the completers behind them (reading the database in use)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ipcoop.base.errors import IpcoopError


def _completion_db(ctx: typer.Context) -> Any:
    """The database in use (--db or IPCOOP_DB, else the default) for completing a word:
    never created, and None if unusable. The root callback does not run while
    the shell completes, so --db is read from the parsed parameters."""
    import os
    from pathlib import Path

    from ipcoop.core import database

    raw = ctx.find_root().params.get("db") or os.environ.get("IPCOOP_DB") or None
    try:
        return database.open_read(Path(raw) if raw else database.default_path())
    except IpcoopError:
        return None


def _ids_in(statuses: tuple[str, ...] | None) -> Any:
    """A completer of project ids, with their titles as the shell's help: of projects in
    these statuses (what the command can change), or of all (None)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        from ipcoop.base.safe import sanitize

        db = _completion_db(ctx)
        if db is None:
            return []
        return [
            (str(p["id"]), sanitize(p["title"])[:60])
            for p in db.rows()
            if (statuses is None or p["status"] in statuses) and str(p["id"]).startswith(incomplete)
        ]

    return complete


complete_id = _ids_in(None)


def complete_programme(ctx: typer.Context, incomplete: str) -> list[str]:
    db = _completion_db(ctx)
    keys = sorted(db.tables["programmes"]) if db else []
    return [k for k in keys if k.startswith(incomplete)]


def complete_area(ctx: typer.Context, incomplete: str) -> list[str]:
    from ipcoop.base import bundled

    db = _completion_db(ctx)
    keys = [a["key"] for a in (db.areas() if db else bundled.areas())]
    return [k for k in keys if k.startswith(incomplete)]


def complete_agency(ctx: typer.Context, incomplete: str) -> list[str]:
    from ipcoop.base import bundled

    db = _completion_db(ctx)
    codes = [m["code"] for m in (db.members() if db else bundled.members())]
    return [c for c in codes if c.startswith(incomplete.upper())]


def complete_status(incomplete: str) -> list[str]:
    from ipcoop.base import models

    return [s for s in (*models.STATUSES, "open") if s.startswith(incomplete)]


def complete_lead(incomplete: str) -> list[str]:
    from ipcoop.base import models

    return [s for s in models.LEADS if s.startswith(incomplete)]


def complete_sort(incomplete: str) -> list[str]:
    from ipcoop.base import models

    names = [*models.SORT_FIELDS, *(f"-{f}" for f in models.SORT_FIELDS)]
    return [s for s in names if s.startswith(incomplete)]


def complete_format(incomplete: str) -> list[str]:
    return [f for f in ("table", "json", "csv", "md") if f.startswith(incomplete)]


AreaOpt = Annotated[
    str | None,
    typer.Option(
        "--area",
        metavar="KEY",
        autocompletion=complete_area,
        help="Area key (see 'ipcoop areas'; bundled: gba, protection, trading, "
        "exchange, guidance, education).",
    ),
]
LeadOpt = Annotated[
    str | None,
    typer.Option("--lead", help="Lead side: gd, hk or joint.", autocompletion=complete_lead),
]
AgencyListOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        help="Member agency code (repeat for several), e.g. HKIPD.",
        autocompletion=complete_agency,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file (replaced whole, atomically, if it exists).",
    ),
]
IdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...", help="Project ids.", show_default=False, autocompletion=complete_id
    ),
]


def _ids_arg(statuses: tuple[str, ...]) -> Any:
    return Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Project ids.",
            show_default=False,
            autocompletion=_ids_in(statuses),
        ),
    ]


OpenIdsArg = _ids_arg(("planned", "active"))  # what start, done and drop change
ClosedIdsArg = _ids_arg(("done", "dropped"))  # what reopen changes
FromOpt = Annotated[str | None, typer.Option("--from", help="First programme year it is in force.")]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last programme year it is in force.")
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="Project id.", autocompletion=complete_id)]
ProgrammeOpt = Annotated[
    str | None,
    typer.Option(
        "--programme",
        metavar="KEY",
        help="A programme's key, e.g. 2022-23.",
        autocompletion=complete_programme,
    ),
]


def complete_lang(incomplete: str) -> list[str]:
    return [tag for tag in ("en", "zh-hk", "zh-cn") if tag.startswith(incomplete.lower())]


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="LANG",
        help="en, zh-hk or zh-cn (default: IPCOOP_LANG, else a zh_HK/zh_TW/zh_MO or "
        "zh_CN/zh_SG locale, else en).",
        autocompletion=complete_lang,
    ),
]
ZhHkOpt = Annotated[
    str | None,
    typer.Option(
        "--zh-hk",
        metavar="TEXT",
        help="Traditional Chinese, as written in Hong Kong (zh-cn is converted from it "
        "unless given or set before).",
    ),
]
ZhCnOpt = Annotated[
    str | None,
    typer.Option(
        "--zh-cn",
        metavar="TEXT",
        help="Simplified Chinese, as written in Guangdong (zh-hk is converted from it "
        "unless given or set before).",
    ),
]


def lang_of(value: str | None) -> str:
    """The language asked for, else the default (IPCOOP_LANG, the locale, English)."""
    from ipcoop.core import languages

    return languages.parse_lang(value) if value is not None else languages.default_lang()


EventOnOpt = Annotated[
    str | None,
    typer.Option(
        "--on",
        metavar="DATE",
        help="The day the project's event takes place: 2020-11-12 or 12/11/2020.",
    ),
]
EventFromOpt = Annotated[
    str | None,
    typer.Option("--from", metavar="DATE", help="The first day of an event over several days."),
]
EventToOpt = Annotated[
    str | None,
    typer.Option("--to", metavar="DATE", help="The last day of an event over several days."),
]
PhraseOpt = Annotated[
    str | None,
    typer.Option(
        "--phrase",
        metavar="TEXT",
        help="How the release words it in prose, where that differs from the title "
        "('-': worded with another item's phrase; '' clears it).",
    ),
]
PhraseZhHkOpt = Annotated[
    str | None, typer.Option("--phrase-zh-hk", metavar="TEXT", help="The phrase in zh-hk.")
]
PhraseZhCnOpt = Annotated[
    str | None, typer.Option("--phrase-zh-cn", metavar="TEXT", help="The phrase in zh-cn.")
]
NoAgencyOpt = Annotated[
    bool, typer.Option("--no-agency", help="Clear the list of agencies (none named).")
]
PhraseBackOpt = Annotated[
    str | None,
    typer.Option(
        "--phrase-back",
        metavar="TEXT",
        help="How the next programme's release words it, looking back, as its sentence "
        "takes it (the bundled 2019 items show each kind; '-' and '' as for --phrase).",
    ),
]
PhraseBackZhHkOpt = Annotated[
    str | None,
    typer.Option("--phrase-back-zh-hk", metavar="TEXT", help="The look-back phrase in zh-hk."),
]
PhraseBackZhCnOpt = Annotated[
    str | None,
    typer.Option("--phrase-back-zh-cn", metavar="TEXT", help="The look-back phrase in zh-cn."),
]


def given_forms(en: str | None, zh_hk: str | None, zh_cn: str | None) -> dict[str, str]:
    """The languages a person gave at an option and its -zh-hk and -zh-cn twins (an
    empty text too: it clears that language)."""
    return {t: v for t, v in (("en", en), ("zh-hk", zh_hk), ("zh-cn", zh_cn)) if v is not None}
