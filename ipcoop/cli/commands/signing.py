"""Signing: the copies that share the database and their keys, and the audit of
who made each change (`ipcoop copies`, `ipcoop verify`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ipcoop.base.i18n import tr
from ipcoop.cli.context import db_path, reading
from ipcoop.cli.options import JsonOpt
from ipcoop.cli.output import emit, say

copies_app = typer.Typer(cls=TyperGroup, rich_markup_mode=None)

NamesArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="NAME...",
        help="Copies by name, or by their key's fingerprint (at least 8 characters of it).",
    ),
]


@copies_app.callback(invoke_without_command=True)
def copies(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the copies that share the database: side, key, trusted or waiting, last sync.

    A new copy's changes count once a trusted copy approves its key. Before you
    approve, read its fingerprint to its keeper by phone and compare.
    Example: ipcoop copies
    Example: ipcoop copies approve GDAMR
    """
    if ctx.invoked_subcommand is not None:
        return
    from ipcoop.reports import render
    from ipcoop.reports.render import local_time
    from ipcoop.sync import audit

    path, _ = db_path(ctx)
    rows = audit.copies(path, reading(ctx).copies())
    if as_json:
        emit(render.to_json(rows))
        return
    lines = []
    trusted_here = any(r["this_copy"] and r["state"].startswith("trusted") for r in rows)
    for row in rows:
        mark = (
            " (this copy)"
            if row["this_copy"]
            else " (an earlier key of this copy)"
            if row["earlier_key"]
            else ""
        )
        founder = ", founder" if row["founder"] else ""
        lines.append(f"{row['name']}{mark}: {row['state']}{founder}")
        lines.append(f"  side {row['side'] or '-'}, copy {row['copy']}")
        if row["fingerprint"]:
            lines.append(f"  key {row['fingerprint']}")
        if row["trusted"]:
            lines.append(f"  trusted {local_time(row['trusted'])} by {row['trusted_by'] or '?'}")
        if row["revoked"]:
            lines.append(f"  revoked {local_time(row['revoked'])} by {row['revoked_by'] or '?'}")
        if row["last_sync"]:
            lines.append(f"  last signed change {local_time(row['last_sync'])}")
        if row["earlier_key"] and row["state"] == "trusted":
            lines.append("  if that key may be in other hands, have a trusted copy revoke it")
        if row["state"] == "waiting" and row["this_copy"]:
            lines.append("  ask a trusted copy to approve this key (read it to them by phone)")
        elif row["state"] == "waiting" and trusted_here:
            lines.append(
                f"  to approve (compare the key by phone first): "
                f"ipcoop copies approve {row['fingerprint'][:19]}"
            )
        if row["state"] == "no key":
            lines.append("  has not synced since changes were signed")
    emit("\n".join(lines) + "\n" if lines else "No copies: the database is not shared.\n")


@copies_app.command("approve")
def approve(
    ctx: typer.Context,
    names: NamesArg = None,
    everyone: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every waiting copy at once (after a database shared before signing "
            "moves to signing): trust every key now listed.",
        ),
    ] = False,
) -> None:
    """Trust copies' keys: their changes count from their next sync.

    Compare each key's fingerprint with its keeper by phone first: anyone who
    can write to the remote can list a key under any name.
    Example: ipcoop copies approve GDAMR
    """
    done = _decide(ctx, names, everyone, revoke=False)
    if everyone and done:
        say(
            tr(
                "Warning: every waiting key is now trusted, as if each had been "
                "compared by phone; revoke any you do not know ('ipcoop copies revoke "
                "NAME')."
            )
        )
    for record in done:
        if record["already"]:
            say(
                tr("{name} ({fp}) was already trusted; nothing changed.").format(
                    name=record["name"], fp=_fp(record)
                )
            )
        else:
            say(
                tr("Approved {name} ({fp}); sync to tell the others.").format(
                    name=record["name"], fp=_fp(record)
                )
            )
    if not done:
        say(tr("No copy was waiting."))


@copies_app.command("revoke")
def revoke(ctx: typer.Context, names: NamesArg = None) -> None:
    """Stop trusting copies' keys: what they sign from now on is held aside.

    What they signed before stays, and so do the keys they approved (revoke those
    too if need be). A revoked key is never trusted again; the copy can sign
    with a new key (sync --key) and be approved anew.
    Example: ipcoop copies revoke "GD laptop"
    """
    for record in _decide(ctx, names, False, revoke=True):
        if record["already"]:
            say(
                tr("{name} ({fp}) was already revoked; nothing changed.").format(
                    name=record["name"], fp=_fp(record)
                )
            )
        else:
            say(
                tr("Revoked {name} ({fp}); sync to tell the others.").format(
                    name=record["name"], fp=_fp(record)
                )
            )
        if record["approved"]:
            say(
                tr(
                    "Note: the keys {name} approved stay trusted ({items}); revoke them "
                    "too if they should not."
                ).format(name=record["name"], items=", ".join(record["approved"]))
            )


def _fp(record: dict[str, Any]) -> str:
    from ipcoop.sync.keys import fingerprint

    return fingerprint(record["key"])


def _decide(ctx: typer.Context, names: list[str] | None, everyone: bool, revoke: bool) -> list:
    from ipcoop.sync import trust

    if not names and not everyone:
        raise typer.BadParameter(
            tr("name the copies (as 'ipcoop copies' lists them), or give --all")
        )
    if names and everyone:
        raise typer.BadParameter(tr("give either names or --all, not both"))
    path, _ = db_path(ctx)
    return trust.decide(Path(path), names or [], everyone, revoke)


def verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check who made every change of the shared history; exit 1 if any is not verified.

    Each commit is judged anew: signed by a key trusted before it, made before
    signing began, or held aside (with why). Held changes were never merged.
    Example: ipcoop verify --json
    """
    from ipcoop.reports import render
    from ipcoop.sync import audit

    path, _ = db_path(ctx)
    found = audit.verify(path)
    if as_json:
        emit(render.to_json(found))
    else:
        lines = [
            f"Verified: {n} change(s) signed by {side}" for side, n in found["verified"].items()
        ]
        if found["before_signing"]:
            lines.append(f"Made before signing began: {found['before_signing']} (not checked)")
        if found["before_approval"]:
            lines.append(
                f"Signed by a copy before it was approved: {found['before_approval']} (held "
                f"then; its changes came again once it was)"
            )
        for held in found["held"]:
            who = f" by {held['signer']}" if held["signer"] else ""
            when = render.local_time(held["time"]) if held["time"] else ""
            lines.append(f"Held aside: {held['commit'][:12]} {when}{who}: {held['reason']}")
        for problem in found["journal"]:
            lines.append(f"Journal: {problem}")
        if not found["journal"]:
            lines.append("Each copy's journal entries follow one another unbroken.")
        lines.append(
            "Every change verifies."
            if found["ok"]
            else f"{len(found['held'])} change(s) held aside (never merged), "
            f"{len(found['journal'])} break(s) in the journal."
        )
        emit("\n".join(lines) + "\n")
    if not found["ok"]:
        raise typer.Exit(1)
