"""The log in plain words: what each command changed, by whom and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ipcoop import store
from ipcoop.base.i18n import mark

Say = Callable[[str], str]


def _english(message: str) -> str:
    return message


def log_entries(
    db: store.Database, project_id: int | None = None, say: Say = _english
) -> list[dict[str, Any]]:
    """Journal entries of every copy, newest first, each with the changes in plain words:
    English (as JSON carries them), or through `say` (tr: the interface's language).

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
        entries.append(_told(entry, changes, say))
    return entries


def _told(entry: dict[str, Any], changes: list[dict[str, Any]], say: Say) -> dict[str, Any]:
    """A journal entry as the log tells it: who, when, the command, its changes in words."""
    return {
        "at": entry.get("at"),
        "by": entry.get("by"),
        "copy": entry.get("copy"),
        "entry": entry.get("key"),
        "command": entry.get("command", ""),
        "undone": bool(entry.get("undone")),
        "changes": [describe_change(c, say) for c in changes],
    }


def _touches(change: dict[str, Any], project_id: int) -> bool:
    if "ids" in change:
        return any(first <= project_id <= last for first, last in change["ids"])
    return change["id"] == project_id


def describe_change(change: dict[str, Any], say: Say = _english) -> str:
    if "ids" in change:
        count = sum(last - first + 1 for first, last in change["ids"])
        spans = ", ".join(f"#{a}" if a == b else f"#{a}-#{b}" for a, b in change["ids"])
        return say(mark("added projects {spans} ({count})")).format(spans=spans, count=count)
    before, after = change["before"], change["after"]
    what = "project" if change["table"] == "projects" else change["table"].rstrip("s")
    name = f"#{change['id']}" if change["table"] == "projects" else ""
    if before is None or after is None:
        record = after if before is None else before
        label = record.get("title") or record.get("key") or record.get("code") or ""
        said = (
            mark("added {what} {name} {title!r}")
            if before is None
            else mark("removed {what} {name} {title!r}")
        )
        return say(said).format(what=what, name=name, title=label).replace("  ", " ")
    diffs = []
    for key_name in sorted(set(before) | set(after)):
        if key_name in ("updated", "order", "conflicts") or before.get(key_name) == after.get(
            key_name
        ):
            continue
        old, new = before.get(key_name), after.get(key_name)
        if key_name in ("progress", "links"):
            diffs += _entries_changed(key_name, old or [], new or [], say)
            continue
        diffs.append(f"{key_name}: {_plain(old, say)} -> {_plain(new, say)}")
    ident = name or (after.get("key") or after.get("code") or "")
    settled = sorted(set(before.get("conflicts") or {}) - set(after.get("conflicts") or {}))
    if settled:
        diffs.append(
            say(mark("settled the conflict on {fields}")).format(fields=", ".join(settled))
        )
    return say(mark("changed {what} {record}: {changes}")).format(
        what=what, record=ident, changes="; ".join(diffs)
    )


def _entries_changed(field: str, old: list[Any], new: list[Any], say: Say) -> list[str]:
    """Notes and links told one by one: 'added note 2021-03-02 GDAMR: ...'."""

    def told(item: Any) -> str:
        if not isinstance(item, dict):
            return _plain(item, say)
        if field == "progress":
            return say(mark("note {on} {by}: {text}")).format(
                on=item.get("on"), by=item.get("by"), text=_plain(item.get("text"), say)
            )
        label = f" ({_plain(item['label'], say)})" if item.get("label") else ""
        return say(mark("link {url}{labelled}")).format(url=item.get("url"), labelled=label)

    added = [i for i in new if i not in old]
    removed = [i for i in old if i not in new]
    out = []
    if field == "links":  # the same address with another label: relabelled
        urls = {i.get("url"): i for i in removed if isinstance(i, dict)}
        for item in [i for i in added if isinstance(i, dict) and i.get("url") in urls]:
            was = urls.pop(item["url"])
            out.append(
                say(mark("relabelled link {url}: {old} -> {new}")).format(
                    url=item["url"],
                    old=_plain(was.get("label"), say),
                    new=_plain(item.get("label"), say),
                )
            )
            added.remove(item)
            removed.remove(was)
    out += [say(mark("added {item}")).format(item=told(i)) for i in added]
    out += [say(mark("removed {item}")).format(item=told(i)) for i in removed]
    return out or [say(mark("{field}: reordered")).format(field=field)]


def _plain(value: Any, say: Say = _english) -> str:
    if isinstance(value, dict):  # forms of a name, or years: 'zh-hk: ...; zh-cn: ...'
        return "; ".join(f"{k}: {_plain(v, say)}" for k, v in value.items()) or say(mark("(none)"))
    if value is None:
        return say(mark("(none)"))
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return json.dumps(value, ensure_ascii=False)


def exported_versions(db: store.Database) -> dict[tuple[int, str], dict[str, Any]]:
    """Each version of a project the journal knows, by (id, its `updated` stamp): what
    an export of that moment wrote (the last of a second, if several)."""
    from ipcoop.store import journal

    found: dict[tuple[int, str], dict[str, Any]] = {}
    for entry in journal.entries(db):
        changes = entry.get("changes")
        for change in changes if isinstance(changes, list) else []:
            if change.get("table") != "projects" or not isinstance(change.get("id"), int):
                continue
            before, after = change.get("before"), change.get("after")
            if isinstance(before, dict) and isinstance(before.get("updated"), str):
                found.setdefault((change["id"], before["updated"]), before)  # as made
            if isinstance(after, dict) and isinstance(after.get("updated"), str):
                found[(change["id"], after["updated"])] = after
    return found


def removed_projects(db: store.Database) -> dict[str, int]:
    """The id each removed project had, by its UUID (as the journal tells it)."""
    from ipcoop.store import journal

    gone: dict[str, int] = {}
    for entry in journal.entries(db):
        changes = entry.get("changes")
        for change in changes if isinstance(changes, list) else []:
            before = change.get("before")
            if (
                change.get("table") == "projects"
                and change.get("after") is None
                and isinstance(before, dict)
                and isinstance(before.get("uuid"), str)
            ):
                gone[before["uuid"]] = change.get("id")
    return gone


def sequences(db: store.Database) -> dict[int, int]:
    """How many times the journal changed each project since it was made (an undone
    change counts twice: made, then taken back), for a calendar's SEQUENCE. Every copy
    holds the same journal after a sync, so both sides count alike; the count only grows."""
    from ipcoop.store import journal

    counts: dict[int, int] = {}
    for entry in journal.entries(db):
        changes = entry.get("changes")
        weight = 2 if entry.get("undone") else 1
        for change in changes if isinstance(changes, list) else []:
            pid = change.get("id")
            # A change of a project; not its making (nothing before).
            if change.get("table") == "projects" and isinstance(pid, int) and change.get("before"):
                counts[pid] = counts.get(pid, 0) + weight
    return counts


def next_undo(db: store.Database, say: Say = _english) -> dict[str, Any] | None:
    """The entry `undo` would take back now: this copy's newest that is not undone,
    with its changes in plain words (None: nothing to undo)."""
    from ipcoop.store import journal

    copy = db.me()[0]
    for entry in reversed(journal.entries(db)):  # only the one found is told in words
        if entry["copy"] == copy and not entry.get("undone"):
            changes = entry.get("changes")
            return _told(entry, changes if isinstance(changes, list) else [], say)
    return None
