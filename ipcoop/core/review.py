"""What to look at before a programme's release or summary is published.

Public text is printed from the data as it is: a value still in conflict, a
title with no form in the release's language (the English one is printed
instead), a form OpenCC made that no person has checked, a main title that
is not English, a project added after the programme was endorsed. None of
them stops a report; `release --check` lists them and exits 1.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base.i18n import tr
from ipcoop.core import conflicts, languages, programmes


def findings(db: Any, programme: dict[str, Any], langs: list[str]) -> list[str]:
    """One line per thing to look at, for the projects of `programme` in `langs`."""
    key = programme["key"]
    out = []
    unsettled = conflicts.warning(db, programme=key)
    if unsettled:
        out.append(unsettled)
    for kept in conflicts.others(db):  # an area's or member's name, years or leader
        out.append(
            tr(
                "{id} {field} holds values both sides set differently (the later is "
                "printed); setting it again settles it, or 'ipcoop settle {id} {field} "
                "N' keeps one"
            ).format(id=kept["id"], field=kept["field"])
        )
    endorsed = (programme.get("endorsed") or {}).get("on")
    found = programmes.endorsement(db, key) if endorsed else None
    recorded = found[0] if found else None
    added = insertions(db) if recorded else {}

    def after_it(project: dict[str, Any]) -> bool:
        """Added after the endorsement was recorded (by the journal's time, when it has
        one: a carry in the same second as the endorsement is after it, or not)."""
        if not recorded:
            return False
        at = added.get(project["id"])
        return at > recorded if at else project["created"] > recorded[:19] + "Z"

    counted = [
        p
        for p in db.projects()
        if p["programme"] == key and p["status"] not in ("dropped", "carried")
    ]
    from ipcoop.core import duplicates

    out += duplicates.said(duplicates.apart(duplicates.alike_pairs(counted), db.copies()))
    out += _area_names(db, programme, langs)
    late = _added_after(db, programme) if endorsed and not recorded else set()
    for project in counted:
        pid = project["id"]
        if "en" in langs and languages.has_chinese(project["title"]):
            out.append(
                tr("project {pid}'s main title is Chinese; the English text prints it").format(
                    pid=pid
                )
            )
        for lang in (t for t in langs if t != "en"):
            if not project["titles"].get(lang):
                out.append(
                    tr("project {pid} has no {lang} title; the {lang} text prints another").format(
                        pid=pid, lang=lang
                    )
                )
            elif lang in project["converted"]:
                out.append(
                    tr(
                        "project {pid}'s {lang} title was converted by OpenCC and no person "
                        "has checked it ('ipcoop edit {pid} --{lang} TEXT' sets it)"
                    ).format(pid=pid, lang=lang)
                )
            else:
                out += _typed_form(pid, project["titles"][lang], lang)
        if after_it(project) or pid in late:
            out.append(
                tr(
                    "project {pid} was added on {created}, after the programme was "
                    "endorsed on {endorsed}"
                ).format(pid=pid, created=project["created"][:10], endorsed=endorsed)
            )
    count = (programme.get("endorsed") or {}).get("count")
    every = [p for p in db.projects() if p["programme"] == key]  # carried and dropped too
    held = len(every)
    flagged = sum(1 for p in every if after_it(p) or p["id"] in late)
    if isinstance(count, int) and held - flagged != count:
        # Projects added on another copy before it heard of the endorsement, or removed.
        out.append(
            tr("programme {key} was endorsed with {count} project(s) and now holds {held}").format(
                key=key, count=count, held=held
            )
            + (tr(" ({flagged} of them added since)").format(flagged=flagged) if flagged else "")
            + tr("; the release's figures should be the endorsed ones")
        )
    return out


_SCRIPT = {"zh-hk": "Simplified", "zh-cn": "Traditional"}


def _typed_form(pid: int, text: str, lang: str) -> list[str]:
    """A form a person typed that the text would print as it is, though it is not
    Chinese, or is in the other script (typed into the wrong option)."""
    fix = f"('ipcoop edit {pid} --{lang} TEXT' sets it)"
    if not languages.has_chinese(text):
        return [f"project {pid}'s {lang} title is not Chinese {fix}"]
    if languages.looks_like_other_script(text, lang):
        return [f"project {pid}'s {lang} title looks like {_SCRIPT[lang]} Chinese {fix}"]
    return []


def _added_after(db: Any, programme: dict[str, Any]) -> set[int]:
    """For a programme that came endorsed (no journal entry says when), the projects
    beyond the count it was endorsed with, latest added first to go."""
    count = (programme.get("endorsed") or {}).get("count")
    if not isinstance(count, int):
        return set()
    mine = sorted(
        (p for p in db.projects() if p["programme"] == programme["key"]),
        key=lambda p: (p["created"], p["id"]),
    )
    return {p["id"] for p in mine[count:]}


def _area_names(db: Any, programme: dict[str, Any], langs: list[str]) -> list[str]:
    """Areas whose name the text prints in another language, lacking their own."""
    endorsed = (programme.get("endorsed") or {}).get("areas")
    known = {a["key"]: a for a in db.areas()}
    areas = (
        endorsed if isinstance(endorsed, list) else [known.get(k, {}) for k in programme["areas"]]
    )
    out = []
    for area in areas:
        names = area.get("names") or {}
        for lang in (t for t in langs if t != "en"):
            if not names.get(lang) and area.get("key"):
                out.append(
                    tr(
                        "area {key} has no {lang} name; the {lang} text prints another "
                        "('ipcoop areas edit {key} --{lang} TEXT' sets it)"
                    ).format(key=area["key"], lang=lang)
                )
    return out


def insertions(db: Any) -> dict[int, str]:
    """When each project was added, to the microsecond, as the journal says (a
    project's `created` keeps whole seconds only)."""
    from ipcoop.store.journal import entries

    found: dict[int, str] = {}
    for entry in entries(db):
        at = programmes.precise(entry.get("at"))
        for change in entry.get("changes") or ():
            if not isinstance(change, dict):
                continue
            if "ids" in change:
                for first, last in change["ids"]:
                    found.update(dict.fromkeys(range(first, last + 1), at))
            elif (
                change.get("table") == "projects"
                and change.get("before") is None
                and isinstance(change.get("id"), int)
            ):
                found[change["id"]] = at
    return found
