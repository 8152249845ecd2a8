"""The log in plain words: what each command changed, by whom and when."""

from __future__ import annotations

import json
from typing import Any

from ipcoop import store


def log_entries(db: store.Database, project_id: int | None = None) -> list[dict[str, Any]]:
    """Journal entries of every copy, newest first, each with the changes in plain words.

    With `project_id`, only the entries that touched that project.
    """
    from ipcoop.store import journal

    entries = []
    for entry in reversed(journal.entries(db)):
        changes = entry.get("changes") if isinstance(entry.get("changes"), list) else []
        if project_id is not None:
            changes = [c for c in changes if c["table"] == "projects" and _touches(c, project_id)]
            if not changes:
                continue
        entries.append(
            {
                "at": entry.get("at"),
                "by": entry.get("by"),
                "command": entry.get("command", ""),
                "undone": bool(entry.get("undone")),
                "changes": [describe_change(c) for c in changes],
            }
        )
    return entries


def _touches(change: dict[str, Any], project_id: int) -> bool:
    if "ids" in change:
        return any(first <= project_id <= last for first, last in change["ids"])
    return change["id"] == project_id


def describe_change(change: dict[str, Any]) -> str:
    if "ids" in change:
        count = sum(last - first + 1 for first, last in change["ids"])
        spans = ", ".join(f"#{a}" if a == b else f"#{a}-#{b}" for a, b in change["ids"])
        return f"added projects {spans} ({count})"
    before, after = change["before"], change["after"]
    what = "project" if change["table"] == "projects" else change["table"].rstrip("s")
    name = f"#{change['id']}" if change["table"] == "projects" else ""
    if before is None:
        label = after.get("title") or after.get("key") or after.get("code") or ""
        return f"added {what} {name} {label!r}".replace("  ", " ")
    if after is None:
        label = before.get("title") or before.get("key") or ""
        return f"removed {what} {name} {label!r}".replace("  ", " ")
    diffs = []
    for key_name in sorted(set(before) | set(after)):
        if key_name in ("updated", "order", "conflicts") or before.get(key_name) == after.get(
            key_name
        ):
            continue
        diffs.append(f"{key_name}: {_plain(before.get(key_name))} -> {_plain(after.get(key_name))}")
    ident = name or (after.get("key") or after.get("code") or "")
    settled = sorted(set(before.get("conflicts") or {}) - set(after.get("conflicts") or {}))
    if settled:
        diffs.append(f"settled the conflict on {', '.join(settled)}")
    return f"changed {what} {ident}: " + "; ".join(diffs)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return json.dumps(value, ensure_ascii=False)
