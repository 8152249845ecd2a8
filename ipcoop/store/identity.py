"""Who this copy is, and the ids it may hand out.

Every copy of a database has a random copy id, kept in `<name>.local`
beside the file (never shared), and a record in the shared `copies` table:
its name (shown in the log), the blocks of ids it owns, and the next id it
will hand out. A copy only ever writes its own record, so two copies never
hand out the same id:

- A database that was never shared has one copy, owning every id ([1, null]).
- `ipcoop sync` closes that open block when the database is first shared,
  and leases each copy further blocks of BLOCK ids as it needs them; a
  lease counts only once `sync` has pushed it, because the remote takes one
  push at a time, so two copies can never be granted the same block.
- A copy that has used up its blocks while offline refuses to add (exit 1)
  and says to sync: that is the corner case this scheme cannot rule out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store.files import atomic_write
from ipcoop.store.paths import local_path

BLOCK = 100
# sync leases another block when fewer ids than this are left.
LOW_WATER = 50


def read_local(path: Path) -> dict[str, Any]:
    """This copy's state; {} when there is none yet (a new copy).

    A file that is there but damaged is refused rather than taken for a new
    copy: a new identity would orphan this copy's ids and its undo history.
    """
    where = local_path(path)
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise DatabaseError(
            tr("cannot read {where}: {value}").format(where=where, value=exc.strerror or exc)
        ) from None
    try:
        state = json.loads(raw)
    except (ValueError, RecursionError):
        state = None
    problem = local_problem(state)
    if problem:
        raise DatabaseError(
            tr(
                "{where}, which says who this copy is, is damaged ({problem}); it was "
                "left as it is. If it came from elsewhere (a copied folder, a restored "
                "backup), put this copy's own back; deleting it makes this a new copy "
                "whose unused ids are abandoned"
            ).format(where=where, problem=problem)
        )
    return state  # local_problem checked that it is an object


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**15


def local_problem(state: Any) -> str | None:
    """What is wrong with a copy's state as read from `.local`, or None."""
    if not isinstance(state, dict):
        return "not a JSON object"
    copy = state.get("copy")
    if copy is not None and not (isinstance(copy, str) and 0 < len(copy) <= 64):
        return "a bad copy id"
    if "name" in state and not isinstance(state["name"], str):
        return "a bad name"
    if "high" in state and not _is_count(state["high"]):
        return "a bad id high-water mark"
    pending = state.get("pending", [])
    if not isinstance(pending, list) or not all(
        isinstance(b, list) and len(b) == 2 and all(_is_count(n) for n in b) for b in pending
    ):
        return "bad pending leases"
    committed = state.get("committed")
    if committed is not None and not (
        isinstance(committed, dict) and isinstance(committed.get("head"), str)
    ):
        return "a bad record of the last sync"
    if not isinstance(state.get("syncing", False), bool):
        return "a bad sync mark"
    if "want" in state and not _is_count(state["want"]):
        return "a bad count of ids wanted"
    return None


def note_need(path: Path, count: int) -> None:
    """Remember that a command needed `count` ids this copy did not hold: the next
    sync leases at least that many (a copy otherwise leases only when low)."""
    state = read_local(path)
    if state.get("want") != count:
        write_local(path, {**state, "want": count})


def wanted(state: dict[str, Any]) -> int:
    """How many unused ids a sync makes sure this copy holds."""
    return max(LOW_WATER, int(state.get("want", 0)))


def save_high(path: Path, copy: str, name: str, next_id: int) -> None:
    """Remember this copy's highest id (below `next_id`) in `.local`, if it grew."""
    state = read_local(path)
    high = max(int(state.get("high", 0)), int(next_id) - 1)
    wanted = {**state, "copy": copy, "name": name, "high": high}
    if wanted != state:
        write_local(path, wanted)


def write_local(path: Path, state: dict[str, Any]) -> None:
    """Save this copy's state, durably: a power cut leaves the old state or the new."""
    payload = (json.dumps(state, sort_keys=True) + "\n").encode()
    atomic_write(local_path(path), payload, keep_backup=False)


def new_uuid() -> str:
    """A random (version 4) UUID: a project's identity everywhere (the uuid module
    is not imported for it: start-up time)."""
    return _uuid(os.urandom(16), 4)


def derived_uuid(seed: str) -> str:
    """A name-based (version 5) UUID: the same seed gives the same one on every copy."""
    import hashlib

    return _uuid(hashlib.sha1(seed.encode("utf-8")).digest()[:16], 5)


def _uuid(raw: bytes, version: int) -> str:
    b = bytearray(raw)
    b[6] = (b[6] & 0x0F) | (version << 4)
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_uuid(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 36
        and all(value[i] == "-" for i in (8, 13, 18, 23))
        and all(c in "0123456789abcdef-" for c in value)
    )


def new_copy_id() -> str:
    import secrets

    return secrets.token_hex(4)


def default_name() -> str:
    """git's user.name if set, else the login name."""
    import shutil
    import subprocess

    if shutil.which("git"):
        try:
            done = subprocess.run(
                ["git", "config", "--get", "user.name"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
            name = done.stdout.strip()
            if done.returncode == 0 and name:
                return name
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        import getpass

        return getpass.getuser() or "local"
    except Exception:  # no login name in some containers
        return os.environ.get("USER") or "local"


def choose(path: Path, copies: dict[str, Any]) -> tuple[str, str, bool]:
    """(copy id, name, whether it is new) for the database at `path`.

    A database moved or copied without its `.local` file, that has one copy
    owning every id, is taken to be that copy (it was moved, not shared).
    """
    state = read_local(path)
    copy = state.get("copy")
    if isinstance(copy, str) and copy:
        record = copies.get(copy, {})
        return copy, str(state.get("name") or record.get("name") or default_name()), False
    if len(copies) == 1:
        ((only, record),) = copies.items()
        if any(block[1] is None for block in record.get("blocks", [])):
            return only, str(record.get("name") or default_name()), True
    return new_copy_id(), str(state.get("name") or default_name()), True


def closing(record: dict[str, Any], first: int) -> int:
    """Where an open block starting at `first` ends once its copy shares the database:
    a block's worth past the ids it has handed out. Other copies count on that
    end before the owner has pushed it (a database shared before signing)."""
    return max(int(record.get("next", 1)) - 1, first - 1) + BLOCK


def blocks_of(record: dict[str, Any], pending: list[list[int]]) -> list[list[Any]]:
    """The blocks a copy may hand ids out of: its own, less those not yet pushed."""
    return sorted(
        (b for b in record.get("blocks", []) if list(b) not in pending),
        key=lambda b: b[0],
    )


def free_ids(record: dict[str, Any], pending: list[list[int]]) -> int | None:
    """How many ids the copy can still hand out (None: unlimited)."""
    nxt = record.get("next", 1)
    left = 0
    for first, last in blocks_of(record, pending):
        if last is None:
            return None
        left += max(0, last - max(first, nxt) + 1)
    return left


def allocate(
    record: dict[str, Any], count: int, pending: list[list[int]], taken: Any, high: int = 0
) -> tuple[list[int], list[str]]:
    """`count` new ids from the copy's blocks; the record's counter moves past them.

    `taken(id)` says whether a project has the id already: a counter that is
    behind (a file copied over, a hand edit, an old merge) is moved on past
    it, never used to overwrite a project. `high` is the highest id this copy
    handed out, as its local state remembers. Returns the ids and warnings.
    """
    warnings: list[str] = []
    nxt = int(record.get("next", 1))
    if high >= nxt:
        warnings.append(
            tr(
                "this copy's id counter in the file ({nxt}) was behind the ids it has "
                "handed out (up to {high}); the file was replaced by an older one? It "
                "now starts at {value}"
            ).format(nxt=nxt, high=high, value=high + 1)
        )
        nxt = high + 1
    ids: list[int] = []
    skipped: list[int] = []
    for first, last in blocks_of(record, pending):
        candidate = max(nxt, first)
        while len(ids) < count and (last is None or candidate <= last):
            if taken(candidate):
                skipped.append(candidate)
            else:
                ids.append(candidate)
            candidate += 1
        nxt = max(nxt, candidate)
        if len(ids) == count:
            break
    if len(ids) < count:
        have = free_ids(record, pending)
        waiting = (
            " (a new copy's lease counts once a trusted copy has approved its key: "
            "'ipcoop copies' says whether it has)"
            if pending
            else ""
        )
        raise IpcoopError(
            tr(
                "this copy holds {value} unused project id(s) and needs {count}; run "
                "'ipcoop sync' to lease more{waiting} (ids are leased through the "
                "shared remote so that no two copies hand out the same one). Nothing "
                "was changed"
            ).format(value=have or 0, count=count, waiting=waiting)
        )
    if skipped:
        warnings.append(
            tr(
                "the id counter was behind: project(s) {ranges} already exist, so they "
                "were skipped, not overwritten; the counter now starts at {value}"
            ).format(ranges=_ranges(skipped), value=ids[-1] + 1)
        )
    record["next"] = ids[-1] + 1 if ids else nxt
    return ids, warnings


def _ranges(ids: list[int]) -> str:
    if len(ids) <= 3:
        return ", ".join(map(str, ids))
    return f"{ids[0]}-{ids[-1]} ({len(ids)})"
