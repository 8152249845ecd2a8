"""Blocks of ids, leased through the remote (see store.identity for the scheme).

A block this copy claims is written into its own record and marked pending
in its local state: `add` does not use it until a sync has pushed it. The
remote takes one push at a time, and a push only succeeds on top of
everything pushed before it, so a pushed claim was checked against every
other pushed claim: two copies are never granted the same ids. A claim
that turns out to overlap another copy's (both claimed before either
pushed) is dropped and claimed again further on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ipcoop.store import identity, layout


def _end(block: list[Any]) -> float:
    return float("inf") if block[1] is None else block[1]


def _overlaps(block: list[Any], others: list[list[Any]]) -> bool:
    return any(block[0] <= _end(o) and o[0] <= _end(block) for o in others)


def settle(path: Path, data: layout.Data, copy: str, name: str) -> list[list[int]]:
    """Make this copy's blocks fit for sharing; returns the blocks newly claimed."""
    state = identity.read_local(path)
    pending = [list(b) for b in state.get("pending", [])]
    copies = data["copies"]
    record = copies.setdefault(copy, {"blocks": [], "name": name, "next": 1})
    record["name"] = name
    blocks = record.setdefault("blocks", [])
    others = [list(b) for c, r in copies.items() if c != copy for b in r.get("blocks", [])]
    for block in list(blocks):
        if list(block) in pending and _overlaps(block, others):
            blocks.remove(block)
            pending.remove(list(block))
    for block in blocks:
        if block[1] is None:  # first shared: close the block that owned every id,
            # short of a block another copy already holds above the ids handed out
            used = max(int(record.get("next", 1)) - 1, block[0] - 1)
            above = [o[0] - 1 for o in others if o[0] > used]
            block[1] = max(used, min([identity.closing(record, block[0]), *above]))
    claimed = []
    need, free = identity.wanted(state), identity.free_ids(record, []) or 0
    if free < need:
        # Whole blocks, enough for what a command asked for (a 120-row sheet), past
        # every other copy's; an open one ends where its copy will close it.
        size = -(-(need - free) // identity.BLOCK) * identity.BLOCK
        ends = [
            identity.closing(r, b[0]) if b[1] is None else b[1]
            for r in copies.values()
            for b in r.get("blocks", [])
        ]
        top = max([*ends, *(int(k) for k in data["projects"]), 0])
        block = [top + 1, top + size]
        blocks.append(block)
        pending.append(block)
        claimed.append(block)
    blocks.sort(key=lambda b: b[0])
    kept = {k: v for k, v in state.items() if k != "want"}  # held, or claimed above
    wanted = {**kept, "copy": copy, "name": name, "pending": pending}
    if wanted != state:
        identity.write_local(path, wanted)
    return claimed


def confirm(path: Path, pushed: bytes) -> None:
    """Pending claims that the remote now holds are this copy's for good."""
    state = identity.read_local(path)
    pending = state.get("pending", [])
    if not pending:
        return
    try:
        record = json.loads(pushed)["copies"].get(state.get("copy"), {})
    except (ValueError, KeyError, AttributeError):
        return
    held = [list(b) for b in record.get("blocks", [])]
    left = [b for b in pending if list(b) not in held]
    if left != pending:
        identity.write_local(path, {**state, "pending": left})
