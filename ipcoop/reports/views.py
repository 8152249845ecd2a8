"""The small terminal views: one project, areas, members, the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ipcoop.base import safe
from ipcoop.base.i18n import mark, tr
from ipcoop.base.words import WORDS, table_date
from ipcoop.core.languages import CHINESE, has_chinese, name_in, other
from ipcoop.reports.render import (
    STATUS_STYLE,
    Column,
    Line,
    Segment,
    bar_room,
    cell_len,
    emit,
    grid,
    local_time,
    progress_text,
    terminal_width,
    wrap_cells,
)

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project


def print_project(
    project: Project,
    area: dict[str, Any] | None,
    members: dict[str, dict[str, Any]],
    lang: str = "en",
) -> None:
    """One project, its labels in `lang`; every form of its title, the one of
    `lang` first, a converted one marked as such."""
    columns = [Column(""), Column("", wrap=True)]
    emit(grid(columns, project_rows(project, area, members, lang), terminal_width(), header=False))


def project_rows(
    project: Project,
    area: dict[str, Any] | None,
    members: dict[str, dict[str, Any]],
    lang: str = "en",
) -> list[list[Segment | str]]:
    """A project's fields as (label, value) rows, as `show` and the screen show them."""
    say = WORDS[lang]
    agencies = [
        f"{code} ({name_in(members[code], lang) if code in members else '?'})"
        for code in project["agencies"]
    ]
    done_on = table_date(project["done_on"], lang) or ("-" if project["status"] != "done" else "?")
    area_name = name_in(area, lang) if area else "?"
    rows: list[list[Segment | str]] = [[(say["ID"], "bold"), str(project["id"])]]
    order = ["en", *CHINESE] if lang == "en" else [lang, "en", other(lang)]
    for tag in order:
        text = project["title"] if tag == "en" else project["titles"].get(tag)
        if text is None:
            continue
        # The main title is called English only when it is: some are typed in Chinese.
        shown = say["main"] if tag == "en" and has_chinese(text) else tag
        label = say["Title"] if tag == order[0] else f"{say['Title']} ({shown})"
        if tag in project["converted"]:
            text += f"  († {say['converted ' + tag]})"  # from the other script
        rows.append([(label, "bold"), text])
    rows += [
        [(say["Area"], "bold"), f"{project['area']} ({area_name})"],
        [(say["Year"], "bold"), str(project["year"])],
        [(say["Programme"], "bold"), project["programme"]],
        [(say["Status"], "bold"), (say[project["status"]], STATUS_STYLE[project["status"]])],
        [(say["Key project"], "bold"), say["yes"] if project["key"] else say["no"]],
        [(say["Lead"], "bold"), say[project["lead"]]],
        [(say["Agencies"], "bold"), ", ".join(agencies) or "-"],
        [(say["Done on"], "bold"), done_on],
    ]
    if project["starts_on"]:
        from ipcoop.base.dates import span_text

        event = span_text(project["starts_on"], project["ends_on"], lang, table=True)
        rows.insert(len(rows) - 1, [(say["Date"], "bold"), event])
    if project["carried_to"] is not None:
        rows.append([(say["Carried"], "bold"), f"→ {project['carried_to']}"])
    # Notes keep their line breaks: one row per line.
    for i, note in enumerate((project["notes"] or "-").split("\n")):
        rows.append([(say["Notes"] if i == 0 else "", "bold"), note])
    for i, entry in enumerate(project["progress"]):
        head: Segment | str = (say["Progress"], "bold") if i == 0 else ""
        rows.append([head, f"{entry['on']} {entry['by']}: {entry['text']}"])
    for i, link in enumerate(project["links"]):
        head = (say["Links"], "bold") if i == 0 else ""
        rows.append(
            [head, f"{link['label']} <{link['url']}>" if link["label"] else link["url"] or ""]
        )
    rows += [
        # In the reader's time zone, as `log` shows times (JSON keeps UTC).
        [(say["Created"], "bold"), local_time(project["created"])],
        [(say["Updated"], "bold"), local_time(project["updated"])],
    ]
    return rows


def print_areas(rows: Sequence[dict[str, Any]], year: int | None, lang: str = "en") -> None:
    from ipcoop.base.words import year_text

    say = WORDS[lang]
    if lang == "en":
        title = f"Areas, {year}" if year is not None else "Areas, all years"
    else:
        title = say["Areas"] + (f"（{year_text(year, lang)}）" if year is not None else "")
    from ipcoop.core.summary import counted

    carried = any(row["carried"] for row in rows)  # the columns add up to the total
    columns = [
        Column(say["Area key"]),
        Column(say["Total"], right=True, drop=2),
        Column(say["Done"], right=True),
        Column(say["Open"], right=True),
        Column(say["Drop"], right=True, drop=4),
        *([Column(say["Carried"], right=True, drop=4)] if carried else []),
        Column(say["Done %"], drop=3),
        Column(say["Years"], drop=1),
        Column(say["Name"], wrap=True),
    ]
    table = [
        [
            row["key"],
            str(row["total"]),
            str(row["done"]),
            str(row["planned"] + row["active"]),
            str(row["dropped"]),
            *([str(row["carried"])] if carried else []),
            (progress_text(row["percent_done"], bar_room(terminal_width())), "green")
            if counted(row)
            else ("—", "dim"),
            _span(row.get("from"), row.get("until"), say["always"]),
            _marked(row, lang),
        ]
        for row in rows
    ]
    emit([[(title, "bold")], *grid(columns, table, terminal_width())])


def _marked(record: dict[str, Any], lang: str) -> str:
    """A name in `lang`, marked † if it was converted and no person has set it."""
    name = name_in(record, lang)
    return f"{name} †" if lang in record.get("converted", ()) and lang != "en" else name


def _span(start: int | None, end: int | None, always: str = "always") -> str:
    if start is None and end is None:
        return always
    if end is None:
        return f"{start}-"
    if start is None:
        return f"-{end}"
    return f"{start}-{end}" if start != end else str(start)


def print_members(members: Sequence[dict[str, Any]], lang: str = "en") -> None:
    say = WORDS[lang]
    columns = [Column(say["Code"]), Column(say["Side"]), Column(say["Name"], wrap=True)]
    table = [[m["code"], say.get(m["side"], m["side"]), _marked(m, lang)] for m in members]
    if any(m.get("from") is not None or m.get("until") is not None for m in members):
        columns.insert(2, Column(say["Years"], drop=1))
        for row, m in zip(table, members, strict=True):
            start, until = m.get("from"), m.get("until")
            row.insert(2, "" if start is None and until is None else f"{start or ''}–{until or ''}")
    emit(grid(columns, table, terminal_width()))


def print_log(entries: Sequence[dict[str, Any]]) -> None:
    """Each command: when (local time) and by whom, then the command and its changes,
    wrapped with a hanging indent so that the layout holds in any width."""
    lines: list[Line] = []
    width = terminal_width()
    room = max(20, width - 6)
    for entry in entries:
        who = safe.sanitize(str(entry["by"] or "?"))
        when = local_time(entry["at"])
        tail = who + _signed(entry.get("signer")) + ("  (undone)" if entry["undone"] else "")
        if cell_len(when) + 2 + cell_len(tail) <= width:
            lines.append([(when, ""), ("  " + tail, "dim")])
        else:  # a long copy name goes under the time, indented, wrapped
            lines.append([(when, "")])
            lines += [[("    ", ""), (part, "dim")] for part in wrap_cells(tail, width - 4)]
        for i, part in enumerate(wrap_cells(safe.sanitize(entry["command"]), room)):
            lines.append([("    " if i == 0 else "      ", ""), (part, "bold" if i == 0 else "")])
        for change in entry["changes"]:  # indented two more: two cells less room
            for i, part in enumerate(wrap_cells(safe.sanitize(change), max(18, room - 2))):
                lines.append([("      " if i == 0 else "        ", ""), (part, "")])
    emit(lines)


# The verdicts the log shows beside an entry (verify's JSON keeps them as they are).
VERDICTS = (mark("before signing"), mark("not shared yet"), mark("not verified"))


def _signed(signer: dict[str, Any] | None) -> str:
    """How the log marks who signed an entry (nothing when changes are not signed)."""
    if not signer:
        return ""
    if signer["verdict"] != "verified":
        return "  [" + tr(signer["verdict"]) + "]"
    side = f", {signer['side']}" if signer.get("side") else ""
    revoked = tr(", key since revoked") if signer.get("revoked") else ""
    return "  " + tr("[verified: {name}{side}{revoked}]").format(
        name=safe.sanitize(signer["name"]), side=side, revoked=revoked
    )
