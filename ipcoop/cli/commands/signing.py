"""Signing: the copies that share the database and their keys, and the audit of
who made each change (`ipcoop copies`, `ipcoop verify`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ipcoop.base.i18n import mark, tr
from ipcoop.cli.context import db_path, reading
from ipcoop.cli.options import JsonOpt
from ipcoop.cli.output import emit, say

# A copy's state, as `copies` says it.
STATES = {
    "trusted": mark("trusted"),
    "waiting": mark("waiting"),
    "revoked": mark("revoked"),
    "no key": mark("no key"),
}


def _state_words(state: str) -> str:
    """A copy's state as `copies` prints it ("revoked (here; sync to send)")."""
    base, _, here = state.partition(" (")
    return tr(STATES[base]) + tr(" (here; sync to send)") if here else tr(STATES.get(base, base))


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
        which = (
            tr(" (this copy)")
            if row["this_copy"]
            else tr(" (an earlier key of this copy)")
            if row["earlier_key"]
            else ""
        )
        founder = tr(", founder") if row["founder"] else ""
        lines.append(f"{row['name']}{which}: {_state_words(row['state'])}{founder}")
        lines.append(
            tr("  side {value}, copy {copy}").format(value=row["side"] or "-", copy=row["copy"])
        )
        if row["fingerprint"]:
            lines.append(tr("  key {fingerprint}").format(fingerprint=row["fingerprint"]))
        if row["trusted"]:
            lines.append(
                tr("  trusted {local_time} by {value}").format(
                    local_time=local_time(row["trusted"]), value=row["trusted_by"] or "?"
                )
            )
        if row["revoked"]:
            lines.append(
                tr("  revoked {local_time} by {value}").format(
                    local_time=local_time(row["revoked"]), value=row["revoked_by"] or "?"
                )
            )
        if row["last_sync"]:
            lines.append(
                tr("  last signed change {local_time}").format(
                    local_time=local_time(row["last_sync"])
                )
            )
        if row["earlier_key"] and row["state"] == "trusted":
            lines.append(tr("  if that key may be in other hands, have a trusted copy revoke it"))
        if row["state"] == "waiting" and row["this_copy"]:
            lines.append(tr("  ask a trusted copy to approve this key (read it to them by phone)"))
        elif row["state"] == "waiting" and trusted_here:
            lines.append(
                tr(
                    "  to approve (compare the key by phone first): ipcoop copies approve "
                    "{fingerprint}"
                ).format(fingerprint=row["fingerprint"][:19])
            )
        if row["state"] == "no key":
            lines.append(tr("  has not synced since changes were signed"))
    emit("\n".join(lines) + "\n" if lines else tr("No copies: the database is not shared.") + "\n")


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
            tr("Verified: {n} change(s) signed by {side}").format(n=n, side=side)
            for side, n in found["verified"].items()
        ]
        if found["before_signing"]:
            lines.append(
                tr("Made before signing began: {before_signing} (not checked)").format(
                    before_signing=found["before_signing"]
                )
            )
        if found["before_approval"]:
            lines.append(
                tr(
                    "Signed by a copy before it was approved: {before_approval} (held "
                    "then; its changes came again once it was)"
                ).format(before_approval=found["before_approval"])
            )
        for held in found["held"]:
            who = f" by {held['signer']}" if held["signer"] else ""
            when = render.local_time(held["time"]) if held["time"] else ""
            lines.append(
                tr("Held aside: {commit} {when}{who}: {reason}").format(
                    commit=held["commit"][:12], when=when, who=who, reason=held["reason"]
                )
            )
        for problem in found["journal"]:
            lines.append(tr("Journal: {problem}").format(problem=problem))
        if not found["journal"]:
            lines.append(tr("Each copy's journal entries follow one another unbroken."))
        lines.append(
            tr("Every change verifies.")
            if found["ok"]
            else tr(
                "{count} change(s) held aside (never merged), {count2} break(s) in the journal."
            ).format(count=len(found["held"]), count2=len(found["journal"]))
        )
        emit("\n".join(lines) + "\n")
    if not found["ok"]:
        raise typer.Exit(1)
