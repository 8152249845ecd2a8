"""What a version from the remote must be for this copy to take it.

Every change to the shared record is made by a command, and every command
leaves a journal entry naming the records it changed; records no command
would write are refused by the same checks as local commands. So a version
from the remote is taken only if, against the version both copies share
(the base):

- it holds every journal entry of the base (the journal only grows: undo
  marks an entry, merges take the union), so it is no wiped or replaced file;
- each project, area, member and programme it changed is named by a journal
  entry that is new since the base or whose undo mark changed;
- no copy's block of ids shrank or lost ground, no two copies' blocks
  overlap (two copies would hand out the same ids), and a project keeps its
  UUID, which no other project has;
- the records it changed pass the checks every command makes.
"""

from __future__ import annotations

from typing import Any

from ipcoop.store import identity, layout
from ipcoop.store.provenance import REMOVED

KEYED = ("projects", "areas", "members", "programmes")


def problem(ours: layout.Data | None, theirs: layout.Data, base: layout.Data | None) -> str | None:
    """The first reason this copy would refuse `theirs`, or None."""
    try:
        found = records_problem(ours, theirs)  # first: it names a malformed record plainly
        if found is None and base is not None:
            found = _unjournaled(base, theirs) or _blocks(base, theirs)
        return found or _dangling(ours, theirs) or _uuids(base, theirs)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return f"a malformed record ({exc.__class__.__name__})"


def _unjournaled(base: layout.Data, theirs: layout.Data) -> str | None:
    missing = set(base["history"]) - set(theirs["history"])
    if missing:
        return (
            f"it lacks {len(missing)} journal entr{'y' if len(missing) == 1 else 'ies'} of "
            f"the version both copies share: a wiped or replaced database"
        )
    explained = _explained(base, theirs)
    for table in KEYED:
        old, new = base[table], theirs[table]
        for key in set(old) | set(new):
            if table != "projects" and REMOVED in (new.get(key) or {}).get("conflicts", {}):
                continue  # removed on one side, kept by a merge because a project uses it
            if old.get(key) != new.get(key) and (table, str(key)) not in explained:
                what = "removes" if key not in new else "changes"
                return f"it {what} {table.rstrip('s')} {key} without a journal entry"
    return None


def _explained(base: layout.Data, theirs: layout.Data) -> set[tuple[str, str]]:
    """(table, key) of every record that a journal entry new since the base, or one
    undone since, names."""
    seen = base["history"]
    out: set[tuple[str, str]] = set()
    for key, entry in theirs["history"].items():
        old = seen.get(key)
        if old is not None and bool(old.get("undone")) == bool(entry.get("undone")):
            continue
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else ():
            if not isinstance(change, dict):
                continue
            if "ids" in change:
                for first, last in change["ids"]:
                    out.update(("projects", str(pid)) for pid in range(first, last + 1))
            else:
                out.add((str(change.get("table")), str(change.get("id"))))
    return out


def _spans(copies: dict[str, Any]) -> list[tuple[int, float, str]]:
    """Each copy's blocks; an open one (a copy that has not shared yet) as its copy
    will close it (store.identity.closing)."""
    spans = []
    for copy, record in copies.items():
        for block in record.get("blocks", []) if isinstance(record, dict) else ():
            if isinstance(block, list) and len(block) == 2 and isinstance(block[0], int):
                last = block[1]
                if last is None:
                    nxt = record.get("next", 1)
                    last = identity.closing({"next": nxt if isinstance(nxt, int) else 1}, block[0])
                spans.append((block[0], last, copy))
    return sorted(spans)


def overlap(data: layout.Data) -> str | None:
    """Two copies holding the same ids (each would hand them out), if any do."""
    end, owner = -1.0, ""
    for first, last, copy in _spans(data["copies"]):
        if first <= end and copy != owner:
            return f"copies {owner} and {copy} both hold ids from {first}"
        if last > end:
            end, owner = last, copy
    return None


def _blocks(base: layout.Data, theirs: layout.Data) -> str | None:
    found = overlap(theirs)
    if found:
        return found
    for copy, record in base["copies"].items():
        now = theirs["copies"].get(copy)
        if not isinstance(now, dict) or not isinstance(record, dict):
            return f"it drops the record of copy {copy}"
        held = [tuple(b) for b in now.get("blocks", [])]
        for first, last in record.get("blocks", []):
            # An open block is closed when the database is first shared.
            if (first, last) not in held and not (
                last is None and any(b[0] == first for b in held)
            ):
                return f"it takes ids {first}-{last or ''} from copy {copy}"
        if int(now.get("next", 1)) < int(record.get("next", 1)):
            return f"it moves the id counter of copy {copy} back"
    return None


def _uuids(base: layout.Data | None, theirs: layout.Data) -> str | None:
    before = base["projects"] if base else {}
    owner: dict[Any, str] = {}
    for key, doc in theirs["projects"].items():
        uuid = doc.get("uuid") if isinstance(doc, dict) else None
        old = before.get(key)
        if isinstance(old, dict) and old.get("uuid") != uuid:
            return f"it changes the UUID of project {key}"
        if uuid in owner:
            return f"projects {owner[uuid]} and {key} have one UUID"
        owner[uuid] = key
    return None


def _dangling(ours: layout.Data | None, theirs: layout.Data) -> str | None:
    """A project left naming an area, member or programme the remote removed: the
    checks of `records_problem` see only the projects it changed."""
    gone = {
        table: set((ours or {}).get(table, {})) - set(theirs[table])
        for table in ("areas", "members", "programmes")
    }
    if not any(gone.values()):
        return None
    for pid, doc in theirs["projects"].items():
        if not isinstance(doc, dict):
            continue
        raw = doc.get("agencies")
        agencies: list[Any] = raw if isinstance(raw, list) else []
        named = [
            ("area", doc.get("area") in gone["areas"], doc.get("area")),
            ("programme", doc.get("programme") in gone["programmes"], doc.get("programme")),
            *(("member", True, a) for a in agencies if a in gone["members"]),
        ]
        for what, missing, key in named:
            if missing:
                return f"it removes the {what} {key}, which project {pid} still names"
    return None


def records_problem(ours: layout.Data | None, theirs: layout.Data) -> str | None:
    """The checks every command makes, on the projects the remote changed (with the
    whole of the small tables)."""
    from ipcoop.store.checks import audit

    mine = ours["projects"] if ours else {}
    changed = {k: v for k, v in theirs["projects"].items() if mine.get(k) != v}

    def probe(data: layout.Data, projects: dict[str, Any]) -> dict[str, Any]:
        return {**{name: dict(table) for name, table in data.items()}, "projects": projects}

    known = {p.text for p in audit(probe(ours, {}))} if ours else set()
    for found in audit(probe(theirs, changed)):
        if found.kind != "note" and found.text not in known:
            return found.text
    return None
