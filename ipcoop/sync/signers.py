"""The signers file: which keys may change the shared record, as data in the repository.

`<name>.signers` sits beside the database and is shared with it. One record
per key, keyed by the key's fingerprint (as a record key):

    {"copy", "name", "side": "gd" | "hk" | null, "key": "ssh-ed25519 AAAA...",
     "added": ISO time, "trusted": ISO time | null, "trusted_by": key id | null,
     "revoked": ISO time | null, "revoked_by": key id | null,
     "since": [commits]  (the founder's only: the history before signing)}

A key is trusted when its approval leads back to a founder this copy pinned
(in `.local`, when it founded or joined) and it is not revoked. Records are
never removed, and a trust or a revocation once given stays: two versions of
the file merge without a base (the union, the earliest approval and the
earliest revocation of each key).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr

SUFFIX = ".signers"
SIDES = ("gd", "hk")
FIELDS = ("copy", "name", "side", "key", "added", "trusted", "trusted_by", "revoked", "revoked_by")
FIXED = ("copy", "name", "key", "added", "since")

Signers = dict[str, dict[str, Any]]


class SignersError(IpcoopError):
    """A signers file that cannot be read as one."""


def path_of(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


def file_name(db_name: str) -> str:
    return db_name + SUFFIX


def parse(raw: bytes | None, where: str = "the signers file") -> Signers:
    if raw is None or not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise SignersError(tr("{where} is damaged (not JSON)").format(where=where)) from None
    if not isinstance(data, dict):
        raise SignersError(tr("{where} is damaged (not an object of signers)").format(where=where))
    from ipcoop.sync.keys import ident

    for key, record in data.items():
        problem = _record_problem(record)
        if problem is None and ident(record["key"]) != key:
            problem = "its key does not have that fingerprint"
        if problem:
            raise SignersError(
                tr("{where} is damaged (signer {key}: {problem})").format(
                    where=where, key=str(key)[:16], problem=problem
                )
            )
    return data


# What each field may hold: nothing that could add a line to the allowed-signers file
# git reads, or print anything but text.
KEY_RE = re.compile(
    r"\A(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]{16,2000}={0,3}\Z"
)
COPY_RE = re.compile(r"\A[A-Za-z0-9_.-]{1,64}\Z")
TIME_RE = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?\Z")
COMMIT_RE = re.compile(r"\A[0-9a-f]{40}([0-9a-f]{24})?\Z")


def _record_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not an object"
    extra = set(record) - set(FIELDS) - {"since"}
    if extra or not set(FIELDS) <= set(record):
        return "wrong fields"
    if not all(isinstance(record[f], str) and record[f] for f in ("copy", "name", "key", "added")):
        return "a missing name, copy, key or date"
    if not KEY_RE.match(record["key"]):
        return "a key that is not one OpenSSH public key"
    if not COPY_RE.match(record["copy"]):
        return "a bad copy id"
    name = record["name"]
    if len(name) > 80 or not name.strip() or any(not ch.isprintable() for ch in name):
        return "a bad name"
    for when in ("added", "trusted", "revoked"):
        if record[when] is not None and not (
            isinstance(record[when], str) and TIME_RE.match(record[when])
        ):
            return f"a bad {when} date"
    for by in ("trusted_by", "revoked_by"):
        if record[by] is not None and not (
            isinstance(record[by], str) and COPY_RE.match(record[by])
        ):
            return f"a bad {by}"
    if record["side"] not in (*SIDES, None):
        return "a side that is neither gd nor hk"
    for when, by in (("trusted", "trusted_by"), ("revoked", "revoked_by")):
        if (record[when] is None) != (record[by] is None):
            return f"{when} without who"
        if record[when] is not None and not all(isinstance(record[f], str) for f in (when, by)):
            return f"a bad {when}"
    since = record.get("since", [])
    if not (
        isinstance(since, list) and all(isinstance(c, str) and COMMIT_RE.match(c) for c in since)
    ):
        return "a bad list of commits before signing"
    return None


def serialise(signers: Signers) -> bytes:
    lines = [
        json.dumps(k, ensure_ascii=False)
        + ": "
        + json.dumps(signers[k], ensure_ascii=False, sort_keys=True)
        for k in sorted(signers)
    ]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode() if lines else b"{}\n"


def merge(*versions: Signers) -> Signers:
    """The union of versions of the file: each key's earliest approval and revocation."""
    out: Signers = {}
    for version in versions:
        for key, record in version.items():
            if key not in out:
                out[key] = dict(record)
                continue
            have = out[key]
            for when, by in (("trusted", "trusted_by"), ("revoked", "revoked_by")):
                pairs = [(r[when], r[by]) for r in (have, record) if r[when] is not None]
                if pairs:
                    have[when], have[by] = min(pairs)
            if have["side"] is None:
                have["side"] = record["side"]
            for field in FIXED:  # the same in every version unless forged: keep one of them
                if field in record and json.dumps(record.get(field)) > json.dumps(have.get(field)):
                    have[field] = record[field]
    return out


def founders(signers: Signers) -> list[str]:
    return sorted(k for k, r in signers.items() if r["trusted_by"] == k and "since" in r)


def anchored(signers: Signers, roots: list[str] | dict[str, Any]) -> set[str]:
    """Keys whose approval leads back to a pinned founder, revoked since or not (a
    revocation does not undo the approvals a key gave while it was trusted)."""
    found = {k for k in roots if k in signers and signers[k]["trusted_by"] == k}
    grown = True
    while grown:
        more = {k for k, r in signers.items() if k not in found and r["trusted_by"] in found}
        found |= more
        grown = bool(more)
    return found


def trusted(signers: Signers, roots: list[str] | dict[str, Any]) -> set[str]:
    """Keys whose approval leads back to a pinned founder and that are not revoked."""
    return {k for k in anchored(signers, roots) if signers[k]["revoked"] is None}


def state(signers: Signers, key: str, roots: list[str] | dict[str, Any]) -> str:
    record = signers[key]
    if record["revoked"] is not None:
        return "revoked"
    return "trusted" if key in trusted(signers, roots) else "waiting"


def approvers(signers: Signers, key: str) -> list[str]:
    """The keys whose approvals led to `key`'s: who approved it, who approved that
    one, and so on up to a founder (who approved itself)."""
    out: list[str] = []
    at = (signers.get(key) or {}).get("trusted_by")
    while isinstance(at, str) and at in signers and at not in out and at != key:
        out.append(at)
        nxt = signers[at]["trusted_by"]
        at = None if nxt == at else nxt
    return out


def may_revoke(signers: Signers, signer: str, key: str) -> bool:
    """Only the founder revokes, and never its own key: one authority, so two copies can
    never revoke each other and leave copies disagreeing on who is trusted (any order
    of judging gives the same keys); the founder approves new keys for a copy whose
    key it revoked."""
    return signers.get(signer, {}).get("trusted_by") == signer and key != signer


def change_problem(before: Signers, after: Signers, signer: str, may: bool) -> str | None:
    """What is wrong with a commit by `signer` (trusted before it: `may`) turning the
    file from `before` into `after`, or None."""
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            return f"it removes the signer {old['name']}"
        for field in FIXED:
            if old.get(field) != new.get(field):
                return f"it changes the {field} of the signer {old['name']}"
        if old["side"] is not None and new["side"] != old["side"]:
            return f"it changes the side of the signer {old['name']}"
        if old["side"] is None and new["side"] is not None and key != signer:
            return f"it gives another copy's key a side ({old['name']})"
        for when, by in (("trusted", "trusted_by"), ("revoked", "revoked_by")):
            if old[when] is not None and (new[when], new[by]) != (old[when], old[by]):
                return f"it rewrites the {when} of the signer {old['name']}"
            if old[when] is None and new[when] is not None and not (may and new[by] == signer):
                return f"it marks {old['name']} {when} without the right to"
            revoking = when == "revoked" and old[when] is None and new[when] is not None
            if revoking and not may_revoke(before, signer, key):
                return f"it revokes {old['name']}, and only the founder revokes keys"
    for key, new in after.items():
        if key in before:
            continue
        if key != signer and not may:
            return f"it adds the key of another copy ({new['name']})"
        if new["revoked"] is not None:
            return f"it adds {new['name']} already revoked"
        if new["trusted"] is not None and not (may and new["trusted_by"] == signer):
            return f"it adds {new['name']} already trusted"
    return None


def registration(before: Signers, after: Signers, signer: str) -> Signers:
    """`before` with the signer's own new record, waiting, if the commit added one."""
    new = after.get(signer)
    if signer in before or new is None:
        return before
    if new["trusted"] is not None or new["revoked"] is not None or "since" in new:
        return before
    return {**before, signer: dict(new)}


def record(copy: str, name: str, side: str | None, public: str, at: str) -> dict[str, Any]:
    return {
        "copy": copy,
        "name": name,
        "side": side,
        "key": public,
        "added": at,
        "trusted": None,
        "trusted_by": None,
        "revoked": None,
        "revoked_by": None,
    }


def guess_side(name: str, members: dict[str, Any]) -> str | None:
    """The side of a copy named after a member (GDAMR, "HK IPD") or a place."""
    squeezed = "".join(name.split()).upper()
    for code, member in members.items():
        if isinstance(member, dict) and squeezed == str(code).upper():
            side = member.get("side")
            return side if side in SIDES else None
    words = name.upper().replace("-", " ").replace("_", " ").split()
    if any(w in ("HK", "HONG", "HKSAR") or w.startswith("HK") for w in words):
        return "hk"
    if any(w in ("GD", "GUANGDONG") or w.startswith("GD") for w in words):
        return "gd"
    if "香港" in name:
        return "hk"
    if "广东" in name or "廣東" in name:
        return "gd"
    return None
