"""Sharing: sync with the other side through git, and the conflicts it kept."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ipcoop.base.i18n import tr
from ipcoop.cli.context import db_path, reading, saved, writing
from ipcoop.cli.options import JsonOpt, complete_id
from ipcoop.cli.output import emit, say


def sync(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Argument(
            metavar="[REMOTE]",
            help="The first time: a git URL or path both sides can reach (an empty bare "
            "repository to start, or the one the other side shared).",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="NAME",
            help="This copy's name in the log (default: git's user.name, else your login name).",
        ),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            metavar="PATH",
            help="Sign with this OpenSSH private key (no passphrase) instead of the copy's "
            "own, made on its first sync. Remembered.",
        ),
    ] = None,
    side: Annotated[
        str | None,
        typer.Option(
            "--side",
            metavar="gd|hk",
            help="The side this copy keeps, shown to the others (guessed from --name).",
        ),
    ] = None,
    put_back: Annotated[
        bool,
        typer.Option(
            "--put-back",
            help="The remote was rewound (a restored backup, a forced push): merge this "
            "copy's history with what it holds now, and push it back.",
        ),
    ] = False,
) -> None:
    """Share the database with the other side: commit, fetch, merge record by record, push.

    The first time, give REMOTE: the database's folder becomes a git repository
    tracking it (a copy with no database fetches it). Later, run it alone.
    Conflicting values are kept as data: see 'ipcoop conflicts'.
    Every change it sends is signed with the copy's key; changes signed by no
    trusted key are held aside ('ipcoop verify'), and a new copy's count once a
    trusted copy approves it ('ipcoop copies approve NAME').
    Example: ipcoop sync /shared/ipcoop.git --name "HK IPD" --side hk
    """
    from ipcoop.sync.engine import sync as run_sync

    path, _ = db_path(ctx)
    if name is not None and not name.strip():
        from ipcoop.base.errors import InvalidValue

        raise InvalidValue(tr("--name must not be empty"))
    if side is not None and side.strip().lower() not in ("gd", "hk"):
        raise typer.BadParameter(
            tr("must be gd or hk, not {side!r}").format(side=side), param_hint="--side"
        )
    report = run_sync(
        path,
        remote,
        name.strip() if name else None,
        key,
        side.strip().lower() if side else None,
        put_back,
    )
    saved(ctx)
    if report.restored:
        say(
            tr("{name} was missing; it was put back as this copy last synced it.").format(
                name=path.name
            )
        )
    if report.first == "shared":
        say(tr("Shared {path} with {remote}.").format(path=path, remote=report.remote))
    elif report.first == "joined":
        say(
            tr("Fetched the shared database from {remote} into {path}.").format(
                remote=report.remote, path=path
            )
        )
        if report.kept:
            say(
                tr(
                    "The database that was there held no change of yours (the bundled "
                    "programme as first made); it is kept as {kept}."
                ).format(kept=report.kept)
            )
    sent = len(report.sent) + len(report.sent_other)
    received = len(report.received) + len(report.received_other)
    if sent and report.revoked:
        line = tr(
            "Sent {sent} change(s) (the others hold them aside: this copy's key was revoked), "
            "received {received}."
        )
    elif sent and report.waiting:
        line = tr(
            "Sent {sent} change(s) (the others hold them aside until this copy's key is "
            "approved), received {received}."
        )
    else:
        line = tr("Sent {sent} change(s), received {received}.")
    say(line.format(sent=sent, received=received))
    said = (
        (
            _ids(report.sent),
            _ids(report.received),
            (
                tr("  Projects sent {sent}; received {received}."),
                tr("  Projects sent {sent}."),
                tr("  Projects received {received}."),
            ),
        ),
        (
            ", ".join(report.sent_other),
            ", ".join(report.received_other),
            (
                tr("  Also sent {sent}; received {received}."),
                tr("  Also sent {sent}."),
                tr("  Also received {received}."),
            ),
        ),
    )
    for went, came, (both, only_sent, only_received) in said:
        if went or came:
            line = both if went and came else only_sent if went else only_received
            say(line.format(sent=went, received=came))
    if report.ahead:
        say(
            tr(
                "Warning: a change received from {ahead} is dated more than a day "
                "ahead of this machine's clock; conflicts are decided by time, so "
                "check the clocks of both machines"
            ).format(ahead=report.ahead)
        )
    from ipcoop.core import duplicates

    alike = duplicates.said(duplicates.met_in_sync(report.mine, report.theirs, report.final))
    for line in alike[:10]:
        say(tr("Note: {line}").format(line=line))
    if len(alike) > 10:
        say(
            tr(
                "Note: and {value} more pairs that look alike; 'ipcoop summary KEY "
                "--check' lists those of a programme"
            ).format(value=len(alike) - 10)
        )
    for line in said_in_sync(report):
        say(line)
    for first, last in report.leased:
        if report.waiting:
            say(
                tr(
                    "Asked for ids {first}-{last}: this copy can use them once its key is approved."
                ).format(first=first, last=last)
            )
        else:
            say(tr("Leased ids {first}-{last} for this copy.").format(first=first, last=last))
    if report.conflicts:
        say(
            tr(
                "{conflicts} conflict(s) kept as data: 'ipcoop conflicts' lists them, "
                "each with the 'ipcoop settle' that keeps one of its values (setting "
                "the field again settles it too)."
            ).format(conflicts=report.conflicts)
        )


def _ids(ids: list[int], shown: int = 12) -> str:
    more = tr(" and {value} more").format(value=len(ids) - shown) if len(ids) > shown else ""
    return ", ".join(map(str, ids[:shown])) + more


def conflicts(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List values that both sides changed differently (the later one is shown).

    Each value is numbered: 'ipcoop settle ID FIELD N' keeps value N. Any command
    that sets the field settles it too, on every copy after the next sync.
    Example: ipcoop conflicts --json
    """
    from ipcoop.base import safe
    from ipcoop.core import conflicts as kept
    from ipcoop.reports import render

    db = reading(ctx)
    if as_json:
        emit(render.to_json(kept.every(db)))
        return
    found, rest = kept.of_projects(db), kept.others(db)
    if not found and not rest:
        say(tr("No conflicts."))
        return
    lines = []
    for c in found:
        lines.append(f"#{c['id']} {safe.sanitize(c['title'])}")
        lines += _values(c, kept.value_text)
        lines.append(
            tr("    to keep one: ipcoop settle {id} {field} N").format(id=c["id"], field=c["field"])
        )
    for c in rest:
        lines.append(f"{c['id']}")
        lines += _values(c, kept.value_text)
        lines.append(
            tr("    to keep one: ipcoop settle {id} {field} N").format(id=c["id"], field=c["field"])
        )
    sys.stdout.write("\n".join(lines) + "\n")


def _values(conflict: dict, text: Any) -> list[str]:
    from ipcoop.reports import render

    out = [
        tr("  {field}: shown {value}").format(
            field=conflict["field"], value=text(conflict["shown"])
        )
    ]
    for n, v in enumerate(conflict["values"], start=1):
        when = render.local_time(v["at"]) if v["at"] else "?"
        out.append(f"    {n}. {text(v['value'])}  ({v['by']}, {when})")
    return out


def settle(
    ctx: typer.Context,
    project_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A project's id, or an area, member or programme as listed (areas/gba).",
            autocompletion=complete_id,
        ),
    ],
    field: Annotated[
        str, typer.Argument(metavar="FIELD", help="The field in conflict, as listed.")
    ],
    choice: Annotated[
        int,
        typer.Argument(metavar="N", help="The number of the value to keep, as listed.", min=1),
    ],
) -> None:
    """Settle a conflict by keeping one of its values (numbered by 'ipcoop conflicts').

    It is a change like any other: in the log, undone by undo, shared by the next
    sync, which settles the conflict on every copy.
    Example: ipcoop settle 15 title 2
    Example: ipcoop settle members/HKCED from 1
    """
    from ipcoop.core import conflicts as kept
    from ipcoop.core import tracker

    if "/" in project_id:
        ident = project_id.strip()
        with writing(ctx) as db:
            value = kept.settle_record(db, ident, field.strip(), choice)
        say(
            tr("Settled {strip} of {ident}: {value}.").format(
                strip=field.strip(), ident=ident, value=value
            )
        )
        return
    (pid,) = tracker.parse_ids([project_id])
    with writing(ctx) as db:
        value = kept.settle(db, pid, field.strip(), choice)
    if field.strip() == "removed":
        say(
            tr("Settled the removal conflict of project {pid}: it is {value}.").format(
                pid=pid, value=value
            )
        )
    else:
        say(
            tr("Settled {strip} of project {pid}: kept {value}.").format(
                strip=field.strip(), pid=pid, value=value
            )
        )


def said_in_sync(report: Any) -> list[str]:
    """What a sync says about signing."""
    out = []
    if report.signing == "founded":
        out.append(
            tr(
                "This copy now signs every change it shares, and founds the list of "
                "trusted keys: its key is {fingerprint}. Tell the other side by phone."
            ).format(fingerprint=report.fingerprint)
        )
    elif report.signing == "waiting":
        out.append(
            tr("This copy signs its changes with the key {fingerprint}.").format(
                fingerprint=report.fingerprint
            )
        )
        if report.founders:
            out.append(
                tr(
                    "It trusts the keys that {items} approves: compare that fingerprint "
                    "with them by phone too."
                ).format(items=", ".join(report.founders))
            )
    if report.revoked:
        out.append(
            tr(
                "This copy's key was revoked: the other copies hold aside what it "
                'signs. To go on, make a new key (\'ssh-keygen -t ed25519 -N "" -f '
                "PATH'), sync with '--key PATH', and have a trusted copy approve it."
            )
        )
    elif report.approved_by:
        out.append(
            tr(
                "This copy's key was approved by {approved_by}: the changes it signs "
                "count on every copy from now on."
            ).format(approved_by=report.approved_by)
        )
    elif report.waiting:
        out.append(
            tr(
                "This copy's key is waiting for approval: the other copies hold its "
                "changes aside until a trusted copy runs 'ipcoop copies approve NAME' "
                "and syncs; then this copy syncs again, and they count. Read them the "
                "fingerprint {fingerprint} to compare."
            ).format(fingerprint=report.fingerprint)
        )
    if report.own_held:
        out.append(
            tr(
                "Warning: this copy's last change is held aside by every copy "
                "({own_held}); 'ipcoop verify' lists it"
            ).format(own_held=report.own_held)
        )
    if report.held:
        who = sorted({h[2] for h in report.held})
        out.append(
            tr(
                "Held aside {count} change(s) that no trusted key signed or may make "
                "({items}); they were not merged. 'ipcoop verify' lists them."
            ).format(count=len(report.held), items="; ".join(who[:3]))
        )
    return out
