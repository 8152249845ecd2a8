"""Older files, read as they are and brought up to the current schema in memory.

A file of an earlier schema opens for reading without being touched; the
first change writes it in the current schema (the old file kept as .bak).

Schema 1 (ipcoop 0.x, one user): `_meta` carried the id counter, summary
figures and a checksum; areas and members were numbered documents; the
journal was numbered 1, 2, ... Schema 2 keys areas and members by their key
and code, moves the counter into this copy's `copies` record, and keys the
journal by copy, so that two copies' files merge record by record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipcoop.base.errors import DatabaseError
from ipcoop.base.i18n import tr
from ipcoop.store.layout import KEY_RE, SCHEMA_VERSION, Data, recover_hint

SCHEMA_1_TABLES = ("_meta", "areas", "history", "members", "projects")


def upgrade(data: dict[str, Any], schema: int, path: Path, copy: str, name: str) -> Data:
    # Before schema 2 there was no copies table: this copy's id is made up on reading.
    founder = _founder(data.get("copies")) if schema >= 2 else ""
    if schema == 1:
        data, schema = from_1(data, path, copy, name), 2
    if schema == 2:
        data, schema = from_2(data, path), 3
    if schema == 3:
        data, schema = from_3(data), 4
    if schema == 4:
        data, schema = from_4(data, founder), 5
    if schema == 5:
        data, schema = from_5(data), 6
    if schema == 6:
        data, schema = from_6(data), 7
    if schema == 7:
        data, schema = from_7(data), 8
    if schema == 8:
        data, schema = from_8(data), 9
    if schema == 9:
        data = from_9(data)
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION
    return data


def from_2(data: dict[str, Any], path: Path) -> Data:
    """Schema 3 adds programmes: every year with projects becomes the programme of
    that calendar year, with the areas in force then, not endorsed."""
    tables = ("_meta", "areas", "copies", "history", "members", "projects")
    for table in tables:
        if not isinstance(data.get(table), dict):
            raise DatabaseError(
                tr(
                    "{path} is not an ipcoop database (the table {table!r} is missing): "
                    "{recover_hint}"
                ).format(path=path, table=table, recover_hint=recover_hint(path))
            )
    areas = sorted(data["areas"].values(), key=lambda a: (a.get("order", 0), str(a.get("key"))))
    programmes: dict[str, Any] = {}
    projects = {}
    for key, stored in data["projects"].items():
        doc = stored
        year = doc.get("year") if isinstance(doc, dict) else None
        if isinstance(year, int) and not isinstance(year, bool):
            programme = str(year)
            if programme not in programmes:
                programmes[programme] = calendar_programme(year, areas)
            doc = {**doc, "programme": programme, "carried_to": None}
        projects[key] = doc
    history = {}
    for key, entry in data["history"].items():
        changes = entry.get("changes") if isinstance(entry, dict) else None
        history[key] = (
            {**entry, "changes": [_with_programme(c) for c in changes]}
            if isinstance(changes, list)
            else entry
        )
    return {
        **{t: data[t] for t in tables},
        "_meta": {"1": {"schema": 3}},
        "history": history,
        "programmes": programmes,
        "projects": projects,
    }


def from_3(data: dict[str, Any]) -> Data:
    """Schema 4 holds titles and names in three languages. Projects are as they
    were (a project without Chinese title forms stores none); areas, members and
    programmes gain Chinese names, filled from the bundled ones where the English
    name is the bundled one (or, for a programme, the default name)."""
    from ipcoop.base.bundled import chinese_names
    from ipcoop.base.models import CHINESE
    from ipcoop.base.words import programme_name

    known = chinese_names()
    out = dict(data)
    out["_meta"] = {"1": {"schema": 4}}
    for table in ("areas", "members"):
        out[table] = {k: _with_names(doc, known) for k, doc in data[table].items()}
    # A programme with the name given by default gets the default Chinese names.
    defaults: dict[str, dict[str, str | None]] = dict(known)
    for key in data["programmes"]:
        defaults[programme_name(key, "en")] = {t: programme_name(key, t) for t in CHINESE}
    out["programmes"] = {k: _with_names(doc, defaults) for k, doc in data["programmes"].items()}
    history = {}
    for key, entry in data["history"].items():
        changes = entry.get("changes") if isinstance(entry, dict) else None
        history[key] = (
            {**entry, "changes": [_change_in_4(c, defaults) for c in changes]}
            if isinstance(changes, list)
            else entry
        )
    out["history"] = history
    return out


def from_4(data: dict[str, Any], founder: str) -> Data:
    """Schema 5 gives every project a UUID, its identity everywhere. Each copy
    migrates on its own, so an existing project's UUID is derived from what all
    copies share: the database's founding copy (the one whose ids start at 1), the
    project's id and its creation stamp. The journal's records gain it too, so
    that undo puts back whole projects."""
    from ipcoop.store.identity import derived_uuid

    def with_uuid(key: Any, doc: Any) -> Any:
        if not isinstance(doc, dict) or "uuid" in doc:
            return doc
        return {**doc, "uuid": derived_uuid(f"{founder}/{key}/{doc.get('created')}")}

    out = dict(data)
    out["_meta"] = {"1": {"schema": 5}}
    out["projects"] = {k: with_uuid(k, doc) for k, doc in data["projects"].items()}
    history = {}
    for key, entry in data["history"].items():
        changes = entry.get("changes") if isinstance(entry, dict) else None
        history[key] = (
            {**entry, "changes": [_change_in_5(c, with_uuid) for c in changes]}
            if isinstance(changes, list)
            else entry
        )
    out["history"] = history
    return out


def from_5(data: dict[str, Any]) -> Data:
    """Schema 6 lets a project hold dated progress notes and links (stored only when
    it has some): no record changes; the version tells older ipcoop to refuse the file
    rather than call the new fields damage."""
    return {**data, "_meta": {"1": {"schema": 6}}}


# How the release named each side's leader before members held it (schema 6).
LEADERS = {
    "GDAMR": {
        "en": "the Director-General of the Guangdong Administration for Market Regulation "
        "(Guangdong Intellectual Property Administration)",
        "zh-hk": "廣東省市場監督管理局（廣東省知識產權局）局長",
        "zh-cn": "广东省市场监督管理局（广东省知识产权局）局长",
    },
    "HKIPD": {
        "en": "the Director of Intellectual Property",
        "zh-hk": "知識產權署署長",
        "zh-cn": "香港特区政府知识产权署署长",
    },
}


def from_6(data: dict[str, Any]) -> Data:
    """Schema 7 gives members the years they are in force (none: always, as before) and
    the leader of each side, as the release named them until now."""
    members = {
        code: (
            {**member, "leader": LEADERS[code]}
            if code in LEADERS and isinstance(member, dict) and "leader" not in member
            else member
        )
        for code, member in data["members"].items()
    }
    return {**data, "_meta": {"1": {"schema": 7}}, "members": members}


def from_7(data: dict[str, Any]) -> Data:
    """Schema 8 chains each copy's journal entries (each new one carries the hash of the
    one before): no record changes; the version tells older ipcoop to refuse the file."""
    return {**data, "_meta": {"1": {"schema": 8}}}


def from_8(data: dict[str, Any]) -> Data:
    """Schema 9 gives a project the dates of its event (`starts_on`, `ends_on`, absent
    when it has none, as every project of an older file): no record changes; the version
    tells older ipcoop, which would drop the dates, to refuse the file."""
    return {**data, "_meta": {"1": {"schema": 9}}}


def from_9(data: dict[str, Any]) -> Data:
    """Schema 10 gives a programme its statement and a project its phrase (how the
    release words them, in each language; absent when none, as in every older file): no
    record changes; the version tells older ipcoop, which would drop them, to refuse."""
    return {**data, "_meta": {"1": {"schema": 10}}}


def _founder(copies: Any) -> str:
    """The copy that owned the database's first ids, which every copy agrees on."""
    if not isinstance(copies, dict):
        return ""
    for copy, record in sorted(copies.items()):
        blocks = record.get("blocks") if isinstance(record, dict) else None
        if isinstance(blocks, list) and any(isinstance(b, list) and b[:1] == [1] for b in blocks):
            return str(copy)
    return ""


def _change_in_5(change: Any, with_uuid: Any) -> Any:
    if not isinstance(change, dict) or change.get("table") != "projects" or "id" not in change:
        return change
    key = change["id"]
    return {
        **change,
        "before": with_uuid(key, change.get("before")),
        "after": with_uuid(key, change.get("after")),
    }


def _with_names(doc: Any, known: dict[str, dict[str, str | None]]) -> Any:
    if not isinstance(doc, dict) or "name" not in doc:
        return doc
    names = known.get(doc["name"]) if isinstance(doc["name"], str) else None
    out = {"converted": [], "names": dict(names or {"zh-cn": None, "zh-hk": None}), **doc}
    endorsed = out.get("endorsed")
    if isinstance(endorsed, dict) and isinstance(endorsed.get("areas"), list):
        out["endorsed"] = {
            **endorsed,
            "areas": [_with_names(a, known) for a in endorsed["areas"]],
        }
    return out


def _change_in_4(change: Any, known: dict[str, dict[str, str | None]]) -> Any:
    """A journal entry's records as schema 4 holds them (undo puts them back)."""
    if not isinstance(change, dict):
        return change
    out = dict(change)
    for side in ("before", "after"):
        doc = out.get(side)
        if not isinstance(doc, dict) or len(doc) < 2:
            continue
        if change.get("table") in ("areas", "members", "programmes"):
            out[side] = _with_names(doc, known)
    return out


def _with_programme(change: Any) -> Any:
    """A journal entry's project records as schema 3 holds them (undo puts them back)."""
    if not isinstance(change, dict) or change.get("table") != "projects":
        return change
    out = dict(change)
    for side in ("before", "after"):
        doc = out.get(side)
        if isinstance(doc, dict) and isinstance(doc.get("year"), int) and len(doc) > 1:
            out[side] = {**doc, "programme": str(doc["year"]), "carried_to": None}
    return out


def calendar_programme(year: int, areas: list[dict[str, Any]]) -> dict[str, Any]:
    """The programme of one calendar year, with the areas in force in it."""
    keys = [
        a["key"]
        for a in areas
        if (a.get("from") is None or a["from"] <= year)
        and (a.get("until") is None or a["until"] >= year)
    ]
    from ipcoop.base.words import programme_name

    return {
        "areas": keys,
        "converted": [],
        "end": f"{year}-12",
        "endorsed": None,
        "key": str(year),
        "name": programme_name(str(year), "en"),
        "names": {tag: programme_name(str(year), tag) for tag in ("zh-cn", "zh-hk")},
        "reported_done": None,
        "start": f"{year}-01",
    }


def _shape_1(data: dict[str, Any]) -> str | None:
    for table in SCHEMA_1_TABLES:
        if not isinstance(data.get(table), dict):
            return f"the table {table!r} is missing"
    for name in SCHEMA_1_TABLES:
        for doc_id, doc in data[name].items():
            if not doc_id.isascii() or not doc_id.isdigit() or int(doc_id) < 1:
                return f"the table {name!r} has a bad id {doc_id!r}"
            if not isinstance(doc, dict):
                return f"the record {name}/{doc_id} is not an object"
    next_id = data["_meta"].get("1", {}).get("next_id")
    if not isinstance(next_id, int) or isinstance(next_id, bool) or next_id < 1:
        return "the id counter is missing or bad"
    return None


def _keyed(table: dict[str, Any], field: str, what: str, path: Path) -> tuple[dict, dict]:
    """Numbered documents keyed by `field` instead, with their old order kept."""
    out: dict[str, Any] = {}
    numbers: dict[int, str] = {}
    for order, doc_id in enumerate(sorted(table, key=int), start=1):
        doc = table[doc_id]
        key = doc.get(field)
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise DatabaseError(
                tr("{path} has a {what} record with a bad {field}: {recover_hint}").format(
                    path=path, what=what, field=field, recover_hint=recover_hint(path)
                )
            )
        if key in out:
            raise DatabaseError(
                tr(
                    "{path} defines the {what} {key!r} twice; keep one of them by hand "
                    "('ipcoop --db {path} check' lists the problems). The file was not "
                    "changed"
                ).format(path=path, what=what, key=key)
            )
        out[key] = {**doc, "order": order}
        numbers[int(doc_id)] = key
    return out, numbers


def from_1(data: dict[str, Any], path: Path, copy: str, name: str) -> Data:
    problem = _shape_1(data)
    if problem:
        raise DatabaseError(
            tr("{path} is not an ipcoop database ({problem}): {recover_hint}").format(
                path=path, problem=problem, recover_hint=recover_hint(path)
            )
        )
    areas, area_keys = _keyed(data["areas"], "key", "area", path)
    members, member_codes = _keyed(data["members"], "code", "member", path)
    renumbered = {"areas": area_keys, "members": member_codes}
    history = {}
    for seq in sorted(data["history"], key=int):
        entry = data["history"][seq]
        changes = []
        for old in entry.get("changes", []) if isinstance(entry.get("changes"), list) else []:
            change = dict(old)
            if "ids" in change:
                change["ids"] = [list(change["ids"])]
            elif change.get("table") in renumbered:
                change["id"] = renumbered[change["table"]].get(change.get("id"), str(change["id"]))
            changes.append(change)
        history[f"{copy}.{int(seq):06d}"] = {**entry, "by": name, "changes": changes}
    return {
        "_meta": {"1": {"schema": 2}},
        "areas": areas,
        "copies": {
            copy: {"blocks": [[1, None]], "name": name, "next": data["_meta"]["1"]["next_id"]}
        },
        "history": history,
        "members": members,
        "projects": data["projects"],
    }
