"""What `ipcoop copies` and `ipcoop verify` report: every copy and its key, and every
commit of the shared history judged again from the start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store import identity
from ipcoop.sync import signers as sig
from ipcoop.sync import trust
from ipcoop.sync.git import Git
from ipcoop.sync.keys import fingerprint
from ipcoop.sync.repo import Repo
from ipcoop.sync.verify import Judge


def _repo(path: Path) -> Repo:
    from ipcoop.store.paths import resolve

    path = resolve(path)
    repo = Repo(Git(path.parent), path.name)
    if not repo.exists() or repo.remote_url() is None:
        raise IpcoopError(
            tr(
                "{path} is not shared yet, so nothing is signed; 'ipcoop sync REMOTE' shares it"
            ).format(path=path)
        )
    return repo


def _when(stamp: int) -> str | None:
    if not stamp:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat().replace("+00:00", "Z")


def copies(path: Path, shared: dict[str, Any]) -> list[dict[str, Any]]:
    """Every copy: its key and whether it is trusted, waiting or revoked."""
    repo = _repo(path)
    path = repo.folder / repo.name
    state = identity.read_local(path)
    pinned = trust.roots(state)
    local = trust.read_local_signers(path)
    judge = Judge(repo, pinned)
    head = repo.revs("HEAD")[0]
    if pinned and head:
        judge.judge(head)
    last: dict[str, int] = {}
    for verdict in judge.verdicts.values():
        if verdict.signer and verdict.kind != "before":
            last[verdict.signer] = max(last.get(verdict.signer, 0), verdict.time)
    names = {k: r["name"] for k, r in local.items()}
    # What the others hold (the last commit's trusted signers), with this copy's own
    # approvals and revocations not yet sent if its key may make them.
    agreed = judge.signers_at(head) if pinned and head else {}
    mine = _own_key(path, state)
    out = []
    for key, record in sorted(local.items(), key=lambda kv: (kv[1]["name"], kv[0])):
        out.append(
            {
                "name": record["name"],
                "side": record["side"],
                "copy": record["copy"],
                "fingerprint": fingerprint(record["key"]),
                "state": _state(local, agreed, key, pinned, state.get("copy")),
                "founder": key in pinned,
                "this_copy": record["copy"] == state.get("copy") and key in (mine, None),
                "earlier_key": (
                    record["copy"] == state.get("copy") and mine is not None and key != mine
                ),
                "trusted": record["trusted"],
                "trusted_by": names.get(record["trusted_by"] or ""),
                "revoked": record["revoked"],
                "revoked_by": names.get(record["revoked_by"] or ""),
                "last_sync": _when(last.get(key, 0)),
            }
        )
    keyed = {r["copy"] for r in local.values()}
    for copy, record in sorted(shared.items()):
        if copy not in keyed:
            out.append(
                {
                    "name": record.get("name", copy),
                    "side": None,
                    "copy": copy,
                    "fingerprint": None,
                    "state": "no key",
                    "founder": False,
                    "this_copy": copy == state.get("copy"),
                    "earlier_key": False,
                    "trusted": None,
                    "trusted_by": None,
                    "revoked": None,
                    "revoked_by": None,
                    "last_sync": None,
                }
            )
    return out


def _own_key(path: Path, state: dict[str, Any]) -> str | None:
    """The id of the key this copy signs with now (None: it has none it can use)."""
    from ipcoop.sync import keys as keymod

    saved = state.get("key") if isinstance(state.get("key"), str) else None
    try:
        return keymod.ensure(path, None, saved, "", signed=True).ident
    except IpcoopError:
        return None


def _state(local: sig.Signers, agreed: sig.Signers, key: str, pinned: Any, me: Any) -> str:
    now = sig.state(local, key, pinned)
    if key not in agreed:
        return "waiting" if now == "trusted" else now
    before = sig.state(agreed, key, pinned)
    if now == before:
        return now
    record = local[key]
    by = record["revoked_by"] if now == "revoked" else record["trusted_by"]
    if by in sig.trusted(agreed, pinned) and local[by]["copy"] == me:  # made here
        return f"{now} (here; sync to send)"
    return before


def verify(path: Path) -> dict[str, Any]:
    """Every commit of the shared history judged anew (the kept verdicts are not read)."""
    repo = _repo(path)
    path = repo.folder / repo.name
    pinned = trust.roots(identity.read_local(path))
    if not pinned:
        raise IpcoopError(
            tr("this copy has not signed yet, so it trusts no key; run 'ipcoop sync' once")
        )
    head, theirs = repo.revs("HEAD", "refs/remotes/origin/main")
    judge = Judge(repo, pinned, fresh=True)
    judge.judge(head, theirs)
    signers = sig.merge(*(judge.signers_at(c) for c in (head, theirs) if c))
    approved = sig.anchored(signers, pinned)  # revoked since or not
    by_side: dict[str, int] = {}
    held, before, approval = [], 0, 0
    for commit, verdict in judge.verdicts.items():
        record = signers.get(verdict.signer or "") or {}
        if verdict.kind == "verified":
            side = record.get("side") or "unknown side"
            by_side[side] = by_side.get(side, 0) + 1
        elif verdict.kind == "before":
            before += 1
        elif verdict.signer in approved and (
            verdict.reason.endswith("which is waiting for approval")
            or verdict.reason == "made outside the signed history"
        ):
            approval += 1  # signed by a copy approved since: it sent its changes again
        else:
            held.append(
                {
                    "commit": commit,
                    "time": _when(verdict.time),
                    "signer": record.get("name"),
                    "fingerprint": verdict.seen or None,
                    "reason": verdict.reason,
                }
            )
    held.sort(key=lambda h: (h["time"] or "", h["commit"]))
    from ipcoop.store import files
    from ipcoop.store.journal import broken_chains
    from ipcoop.sync.content import parse_blob

    journal = broken_chains(parse_blob(files.read_bytes(path), str(path))["history"])
    return {
        "verified": dict(sorted(by_side.items())),
        "before_signing": before,
        "before_approval": approval,
        "held": held,
        "journal": journal,
        "ok": not held and not journal,
    }


def marks(path: Path, entries: list[dict[str, Any]]) -> None:
    """Mark each log entry with who signed it, once the database signs its changes: the
    key of the copy that made it, if a trusted copy approved it ("verified"), made
    before signing began, or not verified (a copy whose key is waiting or unknown)."""
    import datetime as dt

    from ipcoop.store.paths import resolve

    path = resolve(path)
    if not sig.path_of(path).exists():
        return
    state = identity.read_local(path)
    pinned = trust.roots(state)
    local = trust.read_local_signers(path)
    if not pinned or not local:
        return

    def moment(text: Any) -> dt.datetime | None:
        try:
            value = dt.datetime.fromisoformat(str(text))
        except ValueError:
            return None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    trusted = sig.trusted(local, pinned)
    began = min(
        (m for k in pinned if k in local and (m := moment(local[k]["added"]))), default=None
    )
    keys: dict[str, list[tuple[str, str]]] = {}
    for key, record in local.items():
        keys.setdefault(record["copy"], []).append((record["added"], key))
    from ipcoop.sync.entries import keys_in

    try:
        shared = keys_in(_repo(path).blob("HEAD"))  # what this copy has signed or taken
    except IpcoopError:
        shared = set()
    for entry in entries:
        at = moment(entry.get("at"))
        mine = sorted(keys.get(str(entry.get("copy")), []))
        # The key the copy signed with then: the last one it had by that time.
        then = [k for added, k in mine if at is None or (moment(added) or at) <= at]
        vouched = [
            k
            for k in (then[-1:] or [k for _, k in mine[:1]])
            if k in trusted or local[k]["revoked"] is not None
        ]
        if began is None or at is None or at < began:
            entry["signer"] = {"verdict": "before signing"}
            continue
        if not vouched or not any(k in trusted or local[k]["trusted"] for k in vouched):
            entry["signer"] = {"verdict": "not verified"}
            continue
        if entry.get("entry") not in shared:  # made here since the last sync
            entry["signer"] = {"verdict": "not shared yet"}
            continue
        record = local[vouched[-1]]
        revoked_at = moment(record["revoked"]) if record["revoked"] else None
        if revoked_at is not None and at > revoked_at:  # signed after: held by the others
            entry["signer"] = {"verdict": "not verified"}
            continue
        entry["signer"] = {
            "verdict": "verified",
            "name": record["name"],
            "side": record["side"],
            "fingerprint": fingerprint(record["key"]),
            "revoked": record["revoked"],
        }
