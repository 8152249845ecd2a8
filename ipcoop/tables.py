"""The project table: for a terminal (in any of the three languages), CSV and Markdown."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ipcoop import models
from ipcoop.render import (
    ANSI,
    RESET,
    STATUS_STYLE,
    cell_len,
    md_cell,
    neutralise,
    terminal_width,
    use_colour,
    wrap_cells,
)

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.records import Project


def csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in ("agencies", "converted"):
        return neutralise(";".join(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def to_csv(projects: Sequence[Project]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(models.CSV_FIELDS)
    for p in projects:
        row = {**p, "title_zh_hk": p["titles"]["zh-hk"], "title_zh_cn": p["titles"]["zh-cn"]}
        writer.writerow([csv_cell(name, row[name]) for name in models.CSV_FIELDS])
    return buffer.getvalue()


def to_markdown(projects: Sequence[Project], lang: str = "en") -> str:
    from ipcoop.words import WORDS

    say = WORDS[lang]
    head = ("ID", "Year", "Area", "Status", "Key", "Lead", "Title")
    lines = [
        "| " + " | ".join(say[h] for h in head) + " |",
        "|---:|---:|---|---|---|---|---|",
    ]
    for p in projects:
        lines.append(
            f"| {p['id']} | {p['year']} | {p['area']} | {say[p['status']]} | "
            f"{say['yes'] if p['key'] else ''} | {say['lead ' + p['lead']]} | "
            f"{md_cell(shown_title(p, lang))} |"
        )
    return "\n".join(lines) + "\n"


def project_lines(
    projects: Sequence[Project], width: int, colour: bool = False, lang: str = "en"
) -> list[str]:
    """The project table as text lines that fit `width` cells, in `lang`: its
    column names, status words, and the title in that language (a converted
    one marked †).

    Written by hand rather than with Rich's Table, which costs about 1 ms a
    row: a listing of 10,000 projects stays well under a second.
    """
    from ipcoop.words import WORDS

    say = WORDS[lang]
    ids = [str(p["id"]) for p in projects]
    areas = [models.sanitize(p["area"]) for p in projects]
    statuses = {s: say[s] for s in models.STATUSES}
    leads = {lead: say[f"lead {lead}"] for lead in models.LEADS}
    status_width = max(cell_len(s) for s in statuses.values())
    # (header, width, shown): narrow terminals drop Lead, then Year, then Key
    # (a key project's title then starts with ★), before the title is squeezed.
    columns = {
        "ID": max([cell_len(say["ID"]), *map(len, ids)]),
        "Year": max(4, cell_len(say["Year"])),
        "Area": max([cell_len(say["Area"]), *(cell_len(a) for a in areas)]),
        "Status": max(status_width, cell_len(say["Status"])),
        "Key": max(3, cell_len(say["Key"])),
        "Lead": max([cell_len(say["Lead"]), *(cell_len(w) for w in leads.values())]),
    }
    shown = list(columns)
    for drop in ("Lead", "Year", "Key", None):
        for gap in ("   ", "  ", " "):
            fixed = sum(columns[c] for c in shown) + len(gap) * len(shown)
            if width - fixed >= 20:
                break
        if width - fixed >= 20 or drop is None:
            break
        shown.remove(drop)
    title_width = max(8, width - fixed)
    head = gap.join(say[c] + " " * (columns[c] - cell_len(say[c])) for c in shown)
    lines = [f"{head}{gap}{say['Title']}".rstrip(), "─" * min(width, fixed + title_width)]
    blank = " " * fixed
    # Cells that repeat (statuses, leads, the key mark) are padded once, not per row.
    status_cells = {}
    for s, word in statuses.items():
        cell = word + " " * (columns["Status"] - cell_len(word))
        status_cells[s] = f"{ANSI[STATUS_STYLE[s]]}{cell}{RESET}" if colour else cell
    lead_cells = {k: w + " " * (columns["Lead"] - cell_len(w)) for k, w in leads.items()}
    key_cells = {True: " ★ ".ljust(columns["Key"]), False: " " * columns["Key"]}
    show_year, show_key, show_lead = ("Year" in shown), ("Key" in shown), ("Lead" in shown)
    id_width, area_width = columns["ID"], columns["Area"]
    for p, pid, area in zip(projects, ids, areas, strict=True):
        cells = [pid.rjust(id_width)]
        if show_year:
            cells.append(str(p["year"]))
        cells.append(area + " " * (area_width - (len(area) if area.isascii() else cell_len(area))))
        cells.append(status_cells[p["status"]])
        if show_key:
            cells.append(key_cells[bool(p["key"])])
        if show_lead:
            cells.append(lead_cells[p["lead"]])
        text = models.sanitize(shown_title(p, lang))
        if p["key"] and not show_key:
            text = "★ " + text
        cells.append("")
        title = wrap_cells(text, title_width)
        lines.append(gap.join(cells) + title[0])
        lines.extend(blank + rest for rest in title[1:])
    return lines


def shown_title(project: Project, lang: str) -> str:
    """The title in `lang`, marked † if it was converted and no person has set it."""
    if lang == "en":
        return str(project["title"])
    from ipcoop import languages

    text = languages.title_in(project, lang)
    return f"{text} †" if languages.is_converted(project, lang) else text


def print_projects(projects: Sequence[Project], lang: str = "en") -> None:
    from ipcoop import languages, words

    out = sys.stdout
    lines = project_lines(projects, terminal_width(), use_colour(out), lang)
    done = sum(1 for p in projects if p["status"] == "done")
    if lang == "en":
        noun = "project" if len(projects) == 1 else "projects"
        lines.append(f"{len(projects)} {noun}, {done} done")
    elif lang == "zh-hk":
        lines.append(f"共{len(projects)}個項目，已完成{done}個")
    else:
        lines.append(f"共{len(projects)}项，已完成{done}项")
    if lang != "en" and any(languages.is_converted(p, lang) for p in projects):
        lines.append(f"† {words.word(lang, 'converted')}")
    out.write("\n".join(lines) + "\n")
    out.flush()
