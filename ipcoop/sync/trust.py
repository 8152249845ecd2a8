"""Who this copy trusts: the founder it pinned, its own record in the signers file,
and the approvals and revocations a trusted copy gives.

This copy's state (`.local`) keeps `roots` ({founder key id: [commits before
signing]}), pinned once: when this copy founds signing (it shares the
database first, or signs first a database shared before signing) or when it
first signs a history someone else founded. `key` is the path of a key given
with --key; `founding` stays true until the founding commit is on the remote.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError, IpcoopError, NotFound
from ipcoop.base.i18n import tr
from ipcoop.store import files, identity
from ipcoop.store.lock import locked
from ipcoop.sync import keys as keymod
from ipcoop.sync import signers as sig


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def roots(state: dict[str, Any]) -> dict[str, list[str]]:
    found = state.get("roots")
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(c, str) for c in v)
        for k, v in found.items()
    ):
        return {}
    return found


def read_local_signers(path: Path) -> sig.Signers:
    import os

    where = sig.path_of(path)
    if not os.path.lexists(where):
        return {}
    raw = files.read_bytes(where)  # a regular file only: a FIFO or a folder is refused
    try:
        return sig.parse(raw, str(where))
    except sig.SignersError as exc:
        raise DatabaseError(
            tr(
                "{message}; it was left as it is. Put back the version last synced "
                "with 'git -C {parent} checkout HEAD -- {name}', then sync"
            ).format(message=exc.message, parent=path.parent, name=where.name)
        ) from None


def write_local_signers(path: Path, signers: sig.Signers) -> None:
    files.atomic_write(sig.path_of(path), sig.serialise(signers), keep_backup=False)


def key_of(path: Path, given: Path | None, name: str) -> keymod.Key:
    """The key this copy signs with; a key given with --key is remembered."""
    state = identity.read_local(path)
    saved = state.get("key") if isinstance(state.get("key"), str) else None
    key = keymod.ensure(path, given, saved, name, signed=bool(roots(state)))
    if given is not None and saved != str(key.private):
        with locked(path):
            identity.write_local(path, {**identity.read_local(path), "key": str(key.private)})
    return key


def pin(path: Path, key: keymod.Key, remote_signers: sig.Signers, before: list[str]) -> bool:
    """Pin the founder the remote's signers file names (compare its fingerprint by
    phone), or found signing with this copy's key when it names none. True: founded."""
    with locked(path):
        state = identity.read_local(path)
        if roots(state):
            return False
        founders = sig.founders(remote_signers)
        if founders:
            pinned = {f: list(remote_signers[f].get("since", [])) for f in founders}
        else:
            pinned = {key.ident: sorted(set(before))}
        identity.write_local(path, {**state, "roots": pinned, "founding": not founders})
        return not founders


def register(
    path: Path,
    key: keymod.Key,
    copy: str,
    name: str,
    side: str | None,
    shared: sig.Signers,
) -> str:
    """This copy's record in the signers file (merged with the `shared` one): "founded"
    when it founds signing, "waiting" when it asks to be approved, else ""."""
    with locked(path):
        state = identity.read_local(path)
        pinned = roots(state)
        local = read_local_signers(path)
        merged = sig.merge(local, shared)
        mine = merged.get(key.ident)
        event = ""
        if mine is None:
            mine = sig.record(copy, name, side, key.public, now())
            if list(pinned) == [key.ident] and state.get("founding"):
                mine.update(trusted=mine["added"], trusted_by=key.ident, since=pinned[key.ident])
                event = "founded"
            merged[key.ident] = mine
            event = event or ("waiting" if key.ident not in sig.trusted(merged, pinned) else "")
        elif side and mine["side"] is None:
            merged[key.ident] = {**mine, "side": side}
        if merged != local:
            write_local_signers(path, merged)
        if not state.get("copy"):
            identity.write_local(path, {**state, "copy": copy, "name": state.get("name") or name})
        return event


def give_up_founding(path: Path, key: keymod.Key, remote_signers: sig.Signers) -> bool:
    """Another copy founded signing first (its push won): pin its founder instead, and
    ask to be approved like any joining copy. True if that happened."""
    with locked(path):
        state = identity.read_local(path)
        founders = [f for f in sig.founders(remote_signers) if f != key.ident]
        if not state.get("founding") or not founders:
            return False
        pinned = {f: list(remote_signers[f].get("since", [])) for f in founders}
        local = read_local_signers(path)
        mine = dict(local.get(key.ident) or {})
        if mine:
            mine.update(trusted=None, trusted_by=None)
            mine.pop("since", None)
            local = {**local, key.ident: mine}
        merged = {**sig.merge(local, remote_signers)}
        if mine:
            merged[key.ident] = mine
        write_local_signers(path, merged)
        identity.write_local(path, {**state, "roots": pinned, "founding": False})
        return True


def pushed(path: Path) -> None:
    with locked(path):
        state = identity.read_local(path)
        if state.get("founding"):
            identity.write_local(path, {**state, "founding": False})


# ---------------------------------------------------------------------- approving
def decide(path: Path, who: list[str], everyone: bool, revoke: bool) -> list[dict[str, Any]]:
    """Approve (or revoke) the named copies' keys as this copy; returns their records."""
    with locked(path):
        state = identity.read_local(path)
        pinned = roots(state)
        local = read_local_signers(path)
        if not pinned or not local:
            raise IpcoopError(
                tr(
                    "this database does not sign its changes yet; run 'ipcoop sync' first "
                    "(its first signed sync lists every copy)"
                )
            )
        saved = state.get("key") if isinstance(state.get("key"), str) else None
        me = keymod.ensure(path, None, saved, str(state.get("name") or "")).ident
        if me not in sig.trusted(local, pinned):
            done = "was revoked" if (local.get(me) or {}).get("revoked") else "is not trusted yet"
            raise IpcoopError(
                tr(
                    "this copy's own key {done}, so what it approves or revokes would not "
                    "count; a trusted copy can do it"
                ).format(done=done)
            )
        if everyone:
            chosen = [k for k, r in local.items() if sig.state(local, k, pinned) == "waiting"]
        else:
            chosen = [_find(local, name) for name in who]
        changed = []
        at = now()
        for k in chosen:
            record = dict(local[k])
            if revoke:
                if k == me:
                    raise IpcoopError(
                        tr(
                            "that is this copy's own key, and a revoked key is never trusted "
                            "again; another trusted copy can revoke it (to change keys, sync with "
                            "--key NEW and have the new key approved)"
                        )
                    )
                if record["revoked"] is None and not sig.may_revoke(local, me, k):
                    raise IpcoopError(_not_yours(local, k))
                if record["revoked"] is None:
                    record.update(revoked=at, revoked_by=me)
                else:
                    record["already"] = True
            else:
                if record["revoked"] is not None:
                    raise IpcoopError(
                        tr(
                            "{name}'s key was revoked, and a revoked key is never trusted again; "
                            "that copy can sign with a new key (--key)"
                        ).format(name=record["name"])
                    )
                if k not in sig.trusted(local, pinned):
                    record.update(trusted=at, trusted_by=me)
                else:
                    record["already"] = True
            already = record.pop("already", False)
            local[k] = record
            changed.append({"id": k, **record, "already": already})
        write_local_signers(path, local)
        for record in changed:  # keys it approved stay trusted: say which
            record["approved"] = sorted(
                r["name"]
                for k, r in local.items()
                if r["trusted_by"] == record["id"] and k != record["id"] and not r["revoked"]
            )
        return changed


def _not_yours(local: sig.Signers, key: str) -> str:
    name = local[key]["name"]
    if local[key]["trusted_by"] == key:
        return tr(
            "{name} founded the list of trusted keys, so no copy can revoke it; if "
            "its key is lost or in other hands, share the database anew on a new "
            "remote (README: 'Sharing between both sides')"
        ).format(name=name)
    founders = [r["name"] for k, r in local.items() if r["trusted_by"] == k]
    return (
        f"only the founder ({', '.join(founders) or '?'}) revokes keys, so that two copies "
        f"can never revoke each other; ask them to revoke {name}"
    )


def _find(local: sig.Signers, wanted: str) -> str:
    from ipcoop.sync.keys import fingerprint

    text = wanted.strip().removeprefix("SHA256:")
    hits = [
        k
        for k, r in local.items()
        if r["name"] == wanted.strip()
        or r["copy"] == text
        or (len(text) >= 8 and fingerprint(r["key"]).removeprefix("SHA256:").startswith(text))
        or (len(text) >= 8 and k.startswith(text))
    ]
    if not hits:
        names = ", ".join(sorted({r["name"] for r in local.values()})) or tr("none")
        raise NotFound(
            tr(
                "no copy named {wanted!r} (copies: {names}); a copy that joined since "
                "this copy last synced is listed after 'ipcoop sync'"
            ).format(wanted=wanted, names=names)
        )
    if len(hits) > 1:
        raise IpcoopError(
            tr(
                "{count} keys answer to {wanted!r}; name one by its fingerprint "
                "('ipcoop copies' shows them)"
            ).format(count=len(hits), wanted=wanted)
        )
    return hits[0]
