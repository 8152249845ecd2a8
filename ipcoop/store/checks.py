"""What is wrong with a database, in three degrees.

- damaged: a record the program cannot read (a field missing, a status
  'finished'): every command refuses the file (exit 3).
- unsound: readable, but a change would carry the damage forward (two
  records under one id, a bad date, an unknown area): changing commands
  refuse (exit 3); reading commands work.
- note: worth knowing (an id counter behind, which the next add repairs;
  a malformed journal entry): only `check` reports it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple

from ipcoop.base import models, progress
from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr
from ipcoop.store.identity import is_uuid
from ipcoop.store.layout import KEY_RE, NO_TITLES, OPTIONAL_PROJECT_FIELDS, canonical_project

# Stored project fields besides the contract's (which have no id: it is the key).
EXTRA_FIELDS = ("conflicts",)
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "uuid": (str,),
    "title": (str,),
    "area": (str,),
    "year": (int,),
    "programme": (str,),
    "status": (str,),
    "key": (bool,),
    "lead": (str,),
    "agencies": (list,),
    "notes": (str,),
    "done_on": (str, type(None)),
    "carried_to": (int, type(None)),
    "created": (str,),
    "updated": (str,),
}


def _member_years_ok(member: dict[str, Any]) -> bool:
    for bound in ("from", "until"):
        value = member.get(bound)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            return False
    leader = member.get("leader")
    if leader is None:
        return True
    return (
        isinstance(leader, dict)
        and set(leader) <= {"en", "zh-hk", "zh-cn"}
        and all(isinstance(v, (str, type(None))) for v in leader.values())
    )


class Problem(NamedTuple):
    kind: str  # damaged, unsound or note
    text: str


def project_damage(doc: Any) -> str | None:
    """Why a stored project cannot be read at all, or None."""
    if not isinstance(doc, dict):
        return "not an object"
    for field, types in FIELD_TYPES.items():
        if field not in doc:
            return f"the field {field!r} is missing"
        value = doc[field]
        if not isinstance(value, types) or (field == "year" and isinstance(value, bool)):
            return f"the field {field!r} has a bad value"
    if not is_uuid(doc["uuid"]):
        return "the field 'uuid' is not a UUID"
    if doc["status"] not in models.STATUSES:
        return f"status {doc['status']!r} is not one of {', '.join(models.STATUSES)}"
    if doc["lead"] not in models.LEADS:
        return f"the lead {doc['lead']!r} is unknown"
    if not all(isinstance(code, str) for code in doc["agencies"]):
        return "an agency is not a code"
    for field, types in OPTIONAL_PROJECT_FIELDS.items():
        if field in doc and not isinstance(doc[field], types):
            return f"the field {field!r} has a bad value"
    for field in ("progress", "links"):
        found = progress.list_problem(field, doc[field]) if field in doc else None
        if found:
            return found
    titles = doc.get("titles", NO_TITLES)
    if set(titles) != {"zh-hk", "zh-cn"} or not all(
        isinstance(t, (str, type(None))) for t in titles.values()
    ):
        return "the field 'titles' has a bad value"
    if not all(isinstance(t, str) and titles.get(t) for t in doc.get("converted", ())):
        return "the field 'converted' has a bad value"
    return _event_or_wording_damage(doc)


def _bad_wording(value: Any) -> bool:
    from ipcoop.base import wording

    try:
        wording.parse(value, "statement")
    except InvalidValue:
        return True
    return value is not None and not isinstance(value, dict)


def _event_or_wording_damage(doc: dict[str, Any]) -> str | None:
    """An event's dates (a pair, real dates, in order) and the release's wording."""
    from ipcoop.base import wording
    from ipcoop.base.dates import checked_span

    if ("starts_on" in doc) != ("ends_on" in doc):
        return "an event's dates come as a pair (starts_on and ends_on)"
    try:
        if "starts_on" in doc:
            checked_span(doc["starts_on"], doc["ends_on"])
        for field in ("phrases", "phrases_back"):
            if field in doc:
                wording.parse(doc[field], field)
    except InvalidValue as exc:
        return exc.message
    return None


def audit(data: dict[str, Any], duplicates: Sequence[str] = ()) -> list[Problem]:  # noqa: PLR0915
    problems: list[Problem] = []
    for name, table in data.items():
        for key in list(table):
            bad = None
            if name == "projects":
                if not key.isascii() or not key.isdigit() or int(key) < 1 or len(key) > 15:
                    bad = f"project id {key!r} is not a number"
            elif not KEY_RE.match(key):
                bad = f"the table {name!r} has a bad key {key!r}"
            if bad is None and not isinstance(table[key], dict):
                bad = f"the record {name}/{key} is not an object"
            if bad:
                problems.append(Problem("damaged", bad))
                del table[key]  # audited as gone: it cannot be read
    for key in duplicates:
        problems.append(
            Problem(
                "unsound",
                tr(
                    "the key {key!r} appears twice in one object (one of the two records "
                    "would be lost)"
                ).format(key=key),
            )
        )
    area_keys = list(data["areas"])
    member_codes = list(data["members"])
    programmes = data["programmes"]
    for key, programme in sorted(programmes.items()):
        if (
            programme.get("key") != key
            or not isinstance(programme.get("areas"), list)
            or not _month(programme.get("start"))
            or not _month(programme.get("end"))
        ):
            problems.append(
                Problem("damaged", tr("programme record {key} is malformed").format(key=key))
            )
        elif any(a not in data["areas"] for a in programme["areas"]):
            problems.append(
                Problem("unsound", tr("programme {key} names an unknown area").format(key=key))
            )
        elif "statement" in programme and _bad_wording(programme["statement"]):
            problems.append(
                Problem("unsound", tr("programme {key}'s statement is malformed").format(key=key))
            )
    for name in ("areas", "members", "programmes"):
        for key, record in sorted(data[name].items()):
            endorsed = record.get("endorsed") if name == "programmes" else None
            inner = endorsed.get("areas") if isinstance(endorsed, dict) else None
            parts = [record, *(inner if isinstance(inner, list) else [])]
            if not all(isinstance(p, dict) and _names_ok(p) for p in parts):
                problems.append(
                    Problem(
                        "damaged",
                        tr("the names of {name}/{key} are malformed").format(name=name, key=key),
                    )
                )
    for key, area in sorted(data["areas"].items()):
        if area.get("key") != key or not isinstance(area.get("name"), str):
            problems.append(
                Problem("damaged", tr("area record {key} has a bad key or name").format(key=key))
            )
    for code, member in sorted(data["members"].items()):
        if member.get("code") != code or member.get("side") not in models.SIDES:
            problems.append(
                Problem(
                    "damaged", tr("member record {code} has a bad code or side").format(code=code)
                )
            )
        elif not _member_years_ok(member) or not isinstance(member.get("name"), str):
            problems.append(
                Problem(
                    "damaged",
                    tr("member record {code} has a bad name, years or leader").format(code=code),
                )
            )
    for name in ("areas", "members", "programmes"):
        for key, record in sorted(data[name].items()):
            order = record.get("order")
            if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
                problems.append(
                    Problem(
                        "damaged", tr("{name}/{key} has a bad order").format(name=name, key=key)
                    )
                )
            start, until = record.get("from"), record.get("until")
            if isinstance(start, int) and isinstance(until, int) and until < start:
                problems.append(
                    Problem(
                        "unsound",
                        tr("{name}/{key} ends ({until}) before it starts").format(
                            name=name, key=key, until=until
                        ),
                    )
                )
    owners = _owners(data["copies"], problems)
    for doc_id in sorted(data["projects"], key=int):
        doc = data["projects"][doc_id]
        where = tr("project {doc_id}").format(doc_id=doc_id)
        damage = project_damage(doc)
        if damage:
            problems.append(Problem("damaged", f"{where}: {damage}"))
            continue
        known = (*FIELD_TYPES, *EXTRA_FIELDS, *OPTIONAL_PROJECT_FIELDS)
        extra = [f for f in doc if f not in known]
        if extra:
            problems.append(
                Problem(
                    "unsound",
                    tr("{where}: unknown field {extra!r}").format(where=where, extra=extra[0]),
                )
            )
        try:
            clean = models.validate_project(doc, area_keys, member_codes)
        except InvalidValue as exc:
            problems.append(Problem("unsound", f"{where}: {exc.message}"))
            continue
        stored = canonical_project({**doc, **clean})
        if any(stored.get(k) != doc.get(k) for k in set(stored) | set(clean) | set(doc)):
            problems.append(
                Problem(
                    "unsound", tr("{where}: a value is not in its normal form").format(where=where)
                )
            )
        for stamp in ("created", "updated"):
            if not models.is_stamp(doc[stamp]):
                problems.append(
                    Problem(
                        "unsound",
                        tr("{where}: {stamp} is not a time such as 2020-01-31T12:00:00Z").format(
                            where=where, stamp=stamp
                        ),
                    )
                )
        programme = programmes.get(doc["programme"])
        if programme is None:
            problems.append(
                Problem(
                    "unsound",
                    tr("{where}: unknown programme {programme!r}").format(
                        where=where, programme=doc["programme"]
                    ),
                )
            )
        elif doc["area"] not in programme.get("areas", []):
            problems.append(
                Problem(
                    "note",
                    tr("{where}: its area {area!r} is not in programme {programme}").format(
                        where=where, area=doc["area"], programme=doc["programme"]
                    ),
                )
            )
        owner = owners(int(doc_id))
        if owner is None:
            problems.append(
                Problem(
                    "note", tr("{where}: its id is in no copy's block of ids").format(where=where)
                )
            )
        elif int(doc_id) >= owner[1]:
            problems.append(
                Problem(
                    "note",
                    tr(
                        "{where}: its id is not below the id counter of copy {owner} "
                        "({owner2}); the next add moves the counter on"
                    ).format(where=where, owner=owner[0], owner2=owner[1]),
                )
            )
    for key, entry in sorted(data["history"].items()):
        if not isinstance(entry.get("changes"), list) or not isinstance(entry.get("command"), str):
            problems.append(
                Problem(
                    "note",
                    tr("history entry {key} is malformed; 'ipcoop undo' cannot undo it").format(
                        key=key
                    ),
                )
            )
    return problems


def _names_ok(record: dict[str, Any]) -> bool:
    """Chinese names, where a record has them: {zh-hk, zh-cn} of text or null."""
    names = record.get("names")
    if names is None:
        return True
    return (
        isinstance(names, dict)
        and set(names) <= {"zh-hk", "zh-cn"}
        and all(isinstance(v, (str, type(None))) for v in names.values())
        and isinstance(record.get("converted", []), list)
    )


def _owners(copies: dict[str, Any], problems: list[Problem]) -> Any:
    spans = []
    for copy, record in sorted(copies.items()):
        nxt = record.get("next")
        blocks = record.get("blocks")
        if (
            not isinstance(nxt, int)
            or not isinstance(blocks, list)
            or not all(
                isinstance(b, list)
                and len(b) == 2
                and isinstance(b[0], int)
                and (b[1] is None or isinstance(b[1], int))
                for b in blocks
            )
        ):
            problems.append(
                Problem("damaged", tr("the record of copy {copy} is malformed").format(copy=copy))
            )
            continue
        for first, last in blocks:
            spans.append((first, last, copy, nxt))
    spans.sort(key=lambda s: s[0])
    for (_, a_last, a_copy, _), (b_first, _, b_copy, _) in itertools.pairwise(spans):
        if a_last is None or a_last >= b_first:
            problems.append(
                Problem(
                    "note",
                    tr(
                        "copies {a_copy} and {b_copy} claim overlapping ids (from {b_first}); "
                        "'ipcoop sync' leases them new blocks"
                    ).format(a_copy=a_copy, b_copy=b_copy, b_first=b_first),
                )
            )

    def owner(project_id: int) -> tuple[str, int] | None:
        for first, last, copy, nxt in spans:
            if first <= project_id and (last is None or project_id <= last):
                return copy, nxt
        return None

    return owner


def _month(value: Any) -> bool:
    import re

    return isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) is not None
