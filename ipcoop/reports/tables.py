"""The project table: for a terminal (in any of the three languages) and in Markdown."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ipcoop.base import models, safe
from ipcoop.reports.render import (
    ANSI,
    RESET,
    STATUS_STYLE,
    cell_len,
    md_cell,
    terminal_width,
    use_colour,
    wrap_cells,
)

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project


def to_markdown(projects: Sequence[Project], lang: str = "en") -> str:
    from ipcoop.base.words import WORDS

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
    from ipcoop.base.words import WORDS

    say = WORDS[lang]
    statuses = {s: say[s] for s in models.STATUSES}
    leads = {lead: say[f"lead {lead}"] for lead in models.LEADS}
    # Areas repeat: each is made safe and measured once, not once per row.
    area_texts = {a: safe.sanitize(a) for a in {p["area"] for p in projects}}
    area_lens = {a: cell_len(text) for a, text in area_texts.items()}
    status_width = max(cell_len(s) for s in statuses.values())
    from ipcoop.base.dates import cell_style, span_text

    # The event's day or span, when any project listed has one.
    style = cell_style(lang)
    # (A row read cheaply has no date fields when the project has no date.)
    dates = {
        p["id"]: span_text(p.get("starts_on"), p.get("ends_on"), style, True) for p in projects
    }
    date_width = max(map(cell_len, dates.values()), default=0)
    # (header, width, shown): narrow terminals drop Lead, then Year, then Key
    # (a key project's title then starts with ★), before the title is squeezed.
    columns = {
        "ID": max(cell_len(say["ID"]), len(str(max((p["id"] for p in projects), default=0)))),
        "Year": max(4, cell_len(say["Year"])),
        "Area": max([cell_len(say["Area"]), *area_lens.values()]),
        "Status": max(status_width, cell_len(say["Status"])),
        "Key": max(3, cell_len(say["Key"])),
        "Lead": max([cell_len(say["Lead"]), *(cell_len(w) for w in leads.values())]),
        "Date": max(date_width, cell_len(say["Date"])),
    }
    shown = list(columns) if date_width else list(columns)[:-1]
    for drop in ("Lead", "Year", "Key", "Date" if date_width else None, None):
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
    # Cells that repeat (areas, statuses, leads, the key mark) are padded once, not per row,
    # each with the gap that follows it.
    area_width = columns["Area"]
    area_cells = {
        a: text + " " * (area_width - area_lens[a]) + gap for a, text in area_texts.items()
    }
    status_cells = {}
    for s, word in statuses.items():
        cell = word + " " * (columns["Status"] - cell_len(word))
        status_cells[s] = (f"{ANSI[STATUS_STYLE[s]]}{cell}{RESET}" if colour else cell) + gap
    show_year, show_key, show_lead = ("Year" in shown), ("Key" in shown), ("Lead" in shown)
    date_cells = (
        {i: d + " " * (columns["Date"] - cell_len(d)) + gap for i, d in dates.items()}
        if "Date" in shown
        else dict.fromkeys(dates, "")
    )
    lead_cells = {
        k: (w + " " * (columns["Lead"] - cell_len(w)) + gap) if show_lead else ""
        for k, w in leads.items()
    }
    key_cells = {
        True: (" ★ ".ljust(columns["Key"]) + gap) if show_key else "",
        False: (" " * columns["Key"] + gap) if show_key else "",
    }
    id_width = columns["ID"]
    english = lang == "en"
    append, extend = lines.append, lines.extend
    for p in projects:
        year = f"{p['year']}{gap}" if show_year else ""
        key = bool(p["key"])
        text = p["title"] if english else shown_title(p, lang)
        if not text.isprintable():
            text = safe.sanitize(text)
        if key and not show_key:
            text = "★ " + text
        title = wrap_cells(text, title_width)
        append(
            f"{p['id']:>{id_width}}{gap}{year}{area_cells[p['area']]}"
            f"{status_cells[p['status']]}{key_cells[key]}{lead_cells[p['lead']]}"
            f"{date_cells[p['id']]}{title[0]}"
        )
        if len(title) > 1:
            extend([blank + rest for rest in title[1:]])
    return lines


def shown_title(project: Project, lang: str) -> str:
    """The title in `lang`, marked † if it was converted and no person has set it."""
    if lang == "en":
        return str(project["title"])
    from ipcoop.core import languages

    text = languages.title_in(project, lang)
    return f"{text} †" if languages.is_converted(project, lang) else text


def print_projects(projects: Sequence[Project], lang: str = "en") -> None:
    from ipcoop.base import words
    from ipcoop.core import languages

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
