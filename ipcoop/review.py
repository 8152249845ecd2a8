"""What to look at before a programme's release or summary is published.

Public text is printed from the data as it is: a value still in conflict, a
title with no form in the release's language (the English one is printed
instead), a form OpenCC made that no person has checked, a main title that
is not English, a project added after the programme was endorsed. None of
them stops a report; `release --check` lists them and exits 1.
"""

from __future__ import annotations

from typing import Any

from ipcoop import conflicts, languages


def findings(db: Any, programme: dict[str, Any], langs: list[str]) -> list[str]:
    """One line per thing to look at, for the projects of `programme` in `langs`."""
    key = programme["key"]
    out = []
    unsettled = conflicts.warning(db, programme=key)
    if unsettled:
        out.append(unsettled.removeprefix("Warning: "))
    endorsed = (programme.get("endorsed") or {}).get("on")
    recorded = _endorsed_at(db, key) if endorsed else None
    counted = [
        p
        for p in db.projects()
        if p["programme"] == key and p["status"] not in ("dropped", "carried")
    ]
    from ipcoop import duplicates

    out += duplicates.said(duplicates.alike_pairs(counted))
    for project in counted:
        pid = project["id"]
        if "en" in langs and languages.has_chinese(project["title"]):
            out.append(f"project {pid}'s main title is Chinese; the English text prints it")
        for lang in (t for t in langs if t != "en"):
            if not project["titles"].get(lang):
                out.append(f"project {pid} has no {lang} title; the {lang} text prints another")
            elif lang in project["converted"]:
                out.append(
                    f"project {pid}'s {lang} title was converted by OpenCC and no person has "
                    f"checked it ('ipcoop edit {pid} --{lang} TEXT' sets it)"
                )
        if recorded and project["created"] > recorded:
            out.append(
                f"project {pid} was added on {project['created'][:10]}, after the programme "
                f"was endorsed on {endorsed}"
            )
    return out


def _endorsed_at(db: Any, key: str) -> str | None:
    """When this database recorded the programme's endorsement (the journal entry of
    'programme endorse'); None when it came endorsed (the bundled programmes)."""
    from ipcoop.store.journal import entries

    found = None
    for entry in entries(db):
        for change in entry.get("changes") or ():
            after = change.get("after") if isinstance(change, dict) else None
            if (
                change.get("table") == "programmes"
                and change.get("id") == key
                and isinstance(after, dict)
                and after.get("endorsed")
                and not (change.get("before") or {}).get("endorsed")
            ):
                found = str(entry.get("at", ""))[:19] + "Z"
    return found
