"""Member agencies: their years in force, who leads each side, and changing them.

Agencies change: an administration is formed, two merge, one is renamed. A
member holds the years it is in force (`from`, `until`: programme years,
either open), as areas do, so that the release of a rebuilt 2018-19
programme names the agencies of that time and not one formed later. The
member whose head leads its side of the group holds `leader`: how the
release names that head, in each language ("the Director of Intellectual
Property", "知識產權署署長").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ipcoop import store
from ipcoop.base import models
from ipcoop.base.errors import InvalidValue, IpcoopError, NotFound
from ipcoop.base.i18n import tr
from ipcoop.core import languages
from ipcoop.core.areas import check_span, year_bound

LEADER_FORMS = ("en", "zh-hk", "zh-cn")


def in_force(member: Mapping[str, Any], first: int, last: int) -> bool:
    """Whether a member is in force in any year from `first` to `last`."""
    start, until = member.get("from"), member.get("until")
    return (start is None or start <= last) and (until is None or until >= first)


def leader_in(member: Mapping[str, Any], lang: str) -> str | None:
    """How the release names the head who leads this member's side, in `lang`."""
    leader = member.get("leader") or {}
    return leader.get(lang) or (leader.get(languages.other(lang)) if lang != "en" else None)


def known_member(db: store.Database, code: str) -> dict[str, Any]:
    value = models.parse_agency_code(code)
    for member in db.members():
        if member["code"] == value:
            return member
    codes = ", ".join(m["code"] for m in db.members())
    raise NotFound(tr("no member {value} (members: {codes})").format(value=value, codes=codes))


def _leader(
    current: Mapping[str, Any] | None, given: Mapping[str, str | None]
) -> dict[str, str | None] | None:
    """The leader's forms after a person gave some (an empty text removes one); a
    Chinese form given alone makes the other by conversion."""
    out: dict[str, str | None] = {t: (current or {}).get(t) for t in LEADER_FORMS}
    for tag, text in given.items():
        out[tag] = models.parse_title(text, f"--leader ({tag})") if text and text.strip() else None
    for tag in languages.CHINESE:
        second = languages.other(tag)
        if given.get(tag) and second not in given:
            out[second] = languages.convert(str(out[tag]), second)
    return out if any(out.values()) else None


def _check(member: dict[str, Any]) -> dict[str, Any]:
    check_span(member.get("from"), member.get("until"))
    return {k: v for k, v in member.items() if v is not None}


def add_member(
    db: store.Database,
    code: str,
    name: str,
    side: str,
    start: str | None = None,
    until: str | None = None,
    names: Mapping[str, str] | None = None,
    leader: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    value = models.parse_agency_code(code)
    if any(m["code"] == value for m in db.members()):
        raise IpcoopError(
            tr("member {value} already exists; use 'ipcoop members edit {value}'").format(
                value=value
            )
        )
    if side not in models.SIDES:
        raise InvalidValue(
            tr("--side must be one of {items}, not {side!r}").format(
                items=", ".join(models.SIDES), side=side
            )
        )
    member: dict[str, Any] = {
        "code": value,
        "name": models.parse_title(name, "member name"),
        "side": side,
        "from": year_bound(start, "--from"),
        "until": year_bound(until, "--until"),
        "leader": _leader(None, leader or {}),
    }
    member = languages.with_names(_check(member), names or {}, "member name")
    db.put_keyed("members", value, member)
    return member


def edit_member(
    db: store.Database,
    code: str,
    name: str | None = None,
    start: str | None = None,
    until: str | None = None,
    names: Mapping[str, str] | None = None,
    leader: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    member = dict(known_member(db, code))
    if name is None and start is None and until is None and not names and not leader:
        raise InvalidValue(
            tr("nothing to change; give --name, --zh-hk, --zh-cn, --from, --until or --leader")
        )
    if name is not None:
        member["name"] = models.parse_title(name, "member name")
    if start is not None:
        member["from"] = year_bound(start, "--from")
    if until is not None:
        member["until"] = year_bound(until, "--until")
    if leader:
        member["leader"] = _leader(member.get("leader"), leader)
    given = [f for f, v in (("name", name), ("from", start), ("until", until)) if v is not None]
    given += ["names"] if names else []
    given += ["leader"] if leader else []
    member = languages.settled(member, given)
    member = languages.with_names(_check(member), names or {}, "member name")
    db.put_keyed("members", member["code"], member)
    return member


def leader_notes(db: store.Database, member: Mapping[str, Any]) -> list[str]:
    """What to know when a member names its side's leader and another member of that
    side, in force in some of the same years, does too: the release names one."""
    if not member.get("leader"):
        return []
    first, last = member.get("from") or 0, member.get("until") or 9999
    others = [
        m["code"]
        for m in db.members()
        if m["code"] != member["code"]
        and m["side"] == member["side"]
        and m.get("leader")
        and in_force(m, first, last)
    ]
    return [
        f"{code} also names the {member['side']} side's leader in some of these years; a "
        f"release names the first in the members' order ('ipcoop members edit {code} "
        f'--leader ""\' removes it)'
        for code in others
    ]


def remove_member(db: store.Database, code: str) -> None:
    member = known_member(db, code)
    users = [p["id"] for p in db.rows() if member["code"] in p["agencies"]]
    if users:
        raise IpcoopError(
            tr(
                "member {code} is named by project(s) {items}; a member stays while a "
                "project names it (to end it, give it --until instead)"
            ).format(code=member["code"], items=", ".join(map(str, users[:10])))
        )
    db.put_keyed("members", member["code"], None)


def listed(member: Mapping[str, Any]) -> dict[str, Any]:
    """A member in the shape `members --json` prints."""
    return {
        "code": member["code"],
        "name": member["name"],
        "names": languages.ordered(member.get("names")),
        "converted": list(member.get("converted", ())),
        "side": member["side"],
        "from": member.get("from"),
        "until": member.get("until"),
        "leader": {t: (member.get("leader") or {}).get(t) for t in LEADER_FORMS}
        if member.get("leader")
        else None,
    }
