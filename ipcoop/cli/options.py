"""Shared options and the completers behind them (reading the database in use)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ipcoop.errors import IpcoopError


def _completion_db(ctx: typer.Context) -> Any:
    """The database in use (--db or IPCOOP_DB, else the default) for completing a word:
    never created, and None if unusable. The root callback does not run while
    the shell completes, so --db is read from the parsed parameters."""
    import os
    from pathlib import Path

    from ipcoop import store

    raw = ctx.find_root().params.get("db") or os.environ.get("IPCOOP_DB") or None
    try:
        return store.open_read(Path(raw) if raw else store.default_path())
    except IpcoopError:
        return None


def complete_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Project ids, with their titles as the shell's help."""
    from ipcoop.models import sanitize

    db = _completion_db(ctx)
    if db is None:
        return []
    return [
        (str(p["id"]), sanitize(p["title"])[:60])
        for p in db.rows()
        if str(p["id"]).startswith(incomplete)
    ]


def complete_programme(ctx: typer.Context, incomplete: str) -> list[str]:
    db = _completion_db(ctx)
    keys = sorted(db.tables["programmes"]) if db else []
    return [k for k in keys if k.startswith(incomplete)]


def complete_area(ctx: typer.Context, incomplete: str) -> list[str]:
    from ipcoop import tracker

    db = _completion_db(ctx)
    keys = [a["key"] for a in (db.areas() if db else tracker.bundled_areas())]
    return [k for k in keys if k.startswith(incomplete)]


def complete_agency(ctx: typer.Context, incomplete: str) -> list[str]:
    from ipcoop import tracker

    db = _completion_db(ctx)
    codes = [m["code"] for m in (db.members() if db else tracker.bundled_members())]
    return [c for c in codes if c.startswith(incomplete.upper())]


def complete_status(incomplete: str) -> list[str]:
    from ipcoop import models

    return [s for s in (*models.STATUSES, "open") if s.startswith(incomplete)]


def complete_lead(incomplete: str) -> list[str]:
    from ipcoop import models

    return [s for s in models.LEADS if s.startswith(incomplete)]


def complete_sort(incomplete: str) -> list[str]:
    from ipcoop import models

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
