"""What the screen's parts say, as Rich text: the table's columns and cells, the
header's figures, a project's details and history, the dialogs' questions, and the
pages (summary, log, keys).

Table cells hold no symbol whose width terminals disagree on (East Asian
"ambiguous": ★ ○ † ▶ █ ─ ...): a key project is marked with the word, a
marked row with '*', and the header's bars are coloured spaces.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ipcoop.base.i18n import mark, tr

FILTER_HINT = mark("Filter: words, area:gba status:open key lead:hk agency:HKIPD (Esc clears)")
STATUS_COLOUR = {
    "planned": "",
    "active": "yellow",
    "done": "green",
    "dropped": "dim",
    "carried": "magenta",
}
KEY_WORD = {"en": "key", "zh-hk": "重點", "zh-cn": "重点"}


def columns(lang: str, dated: bool = True) -> list[tuple[str, str]]:
    """The table's columns (a Date column when a project listed has a date)."""
    from ipcoop.base.words import WORDS

    say = WORDS[lang]
    names = ("ID", "Area", "Status", "Key", "Lead", *(("Date",) if dated else ()), "Title")
    return [("", "mark"), *((say[n], n.lower()) for n in names)]


def cells(p: dict[str, Any], lang: str, marked: bool, dated: bool = True) -> list[Any]:
    from ipcoop.base.dates import cell_style, span_text
    from ipcoop.base.words import WORDS
    from ipcoop.core.languages import title_in

    say = WORDS[lang]
    style = cell_style(lang)
    return [
        "*" if marked else " ",
        Text(str(p["id"]), justify="right"),
        p["area"],
        Text(say[p["status"]], style=STATUS_COLOUR[p["status"]]),
        KEY_WORD[lang] if p["key"] else "",
        say[p["lead"]],
        *((span_text(p.get("starts_on"), p.get("ends_on"), style, True),) if dated else ()),
        safe(title_in(p, lang)),
    ]


def widths(lang: str, rows: list[list[Any]], room: int, dated: bool) -> list[int]:
    """Each column as wide as its widest cell; the title takes the room left (a
    title longer than that is cut: the pane beside the table shows it whole)."""
    from rich.cells import cell_len

    out = []
    for i, (label, _) in enumerate(columns(lang, dated)):
        texts = [label, *(str(r[i]) if not isinstance(r[i], Text) else r[i].plain for r in rows)]
        out.append(max(cell_len(t) for t in texts))
    used = sum(w + 2 for w in out[:-1]) + 2 + 2  # each cell's padding; the scroll bar
    out[-1] = max(10, room - used)
    return out


def filter_line(text: str, shown: int) -> Text:
    if not text.strip():
        said = tr("1 project") if shown == 1 else tr("{count} projects").format(count=shown)
        return Text(said + "    " + tr("/ to filter"))
    return Text.assemble(
        (tr("Filter: "), "bold"),
        text,
        "    " + tr("({count} shown; Esc clears)").format(count=shown),
    )


def _bar(done: int, total: int, room: int = 10) -> Text:
    filled = round(room * done / total) if total else 0
    return Text.assemble((" " * filled, "on green"), (" " * (room - filled), "on grey30"))


def header(figures: dict[str, Any], lang: str) -> Any:
    from ipcoop.core.languages import name_in
    from ipcoop.core.summary import share
    from ipcoop.reports.report import title

    counted = figures["total"] - figures["dropped"] - figures.get("carried", 0)
    done, pct = figures["done"], share(figures)
    pct = "" if pct == "—" else f"{pct}%"
    said = {
        "en": f"{done} of {counted} done" + (f" ({pct})" if pct else ""),
        "zh-hk": f"已完成{done}個，共{counted}個" + (f"（{pct}）" if pct else ""),
        "zh-cn": f"已完成{done}项，共{counted}项" + (f"（{pct}）" if pct else ""),
    }[lang]
    top = Text.assemble((title(figures, lang), "bold"), f"    {said}")
    grid = Table.grid(expand=True, padding=(0, 2))
    cells = []
    for row in figures["areas"]:
        if not row["total"]:
            continue
        grid.add_column(ratio=1)
        name = row["key"] if lang == "en" else name_in(row, lang)  # whole: never cut
        counted = row["total"] - row["dropped"] - row.get("carried", 0)
        cell = Text(safe(name) + "\n")
        cell.append_text(_bar(row["done"], counted))
        cell.append(f" {row['done']}/{row['total']}")
        cells.append(cell)
    if not cells:
        return top
    grid.add_row(*cells)
    return Group(top, grid)


def detail(db: Any, pid: int, lang: str) -> Group:
    """The project in full, its open conflicts, and its history from the journal."""
    from ipcoop.core import history
    from ipcoop.core.conflicts import of_projects, value_text
    from ipcoop.reports.render import local_time
    from ipcoop.reports.views import project_rows

    project = db.project(pid)
    areas = {a["key"]: a for a in db.areas()}
    members = {m["code"]: m for m in db.members()}
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in project_rows(project, areas.get(project["area"]), members, lang):
        grid.add_row(_text(label), _text(value))
    parts: list[Any] = [grid]
    for c in of_projects(db, pid):
        values = "; ".join(
            f"{n}. {value_text(v['value'])} ({v['by']})" for n, v in enumerate(c["values"], 1)
        )
        said = tr("Conflict on {field}: {values} (c to settle)").format(
            field=c["field"], values=values
        )
        parts.append(Text(safe(said), style="red"))
    entries = history.log_entries(db, pid, say=tr)
    if entries:
        parts.append(Text("\nHistory", style="bold"))
    for entry in entries[:12]:
        undone = "  " + tr("(undone)") if entry["undone"] else ""
        parts.append(Text(safe(f"{local_time(entry['at'])}  {entry['by']}{undone}"), style="dim"))
        parts.append(Text(safe(f"  {entry['command']}")))
        parts += [Text(safe(f"    {change}")) for change in entry["changes"]]
    return Group(*parts)


def _text(value: Any) -> Text:
    """Text from the data for the screen: a control character (an escape sequence in a
    title synced from elsewhere) shown as an escape, never sent to the terminal."""
    if isinstance(value, tuple):
        return Text(safe(value[0]), style=value[1])
    return Text(safe(str(value)))


def safe(text: str) -> str:
    from ipcoop.base.safe import sanitize

    return sanitize(text)


def ask(action: str, ids: Sequence[int]) -> str:
    which = ", ".join(map(str, ids))
    if action == "done":
        return tr("Mark {which} done on (YYYY-MM-DD or 30/11/2020; Enter: today)").format(
            which=which
        )
    return tr("Drop {which}: why? (added to the notes; Enter: no reason)").format(which=which)


def check_done_date(text: str) -> None:
    """A done date as `done --on` takes it (Enter alone: today)."""
    from ipcoop.core.tracker import done_date

    done_date(text.strip() or None, "the date")


def form_check(db: Any, before: dict[str, Any] | None) -> Any:
    """What the form's values must pass before it closes: its dates, agencies, and no
    Chinese title cleared (the command line cannot clear one either)."""
    from ipcoop.base.dates import span_of_options
    from ipcoop.base.errors import InvalidValue
    from ipcoop.core import tracker
    from ipcoop.tui.actions import event_of

    def check(values: dict[str, Any]) -> None:
        span_of_options(*(event_of(values) or (None, None, None)))
        for code in values.get("agencies") or []:
            tracker.known_agency(db, code)
        for tag in ("zh-hk", "zh-cn"):
            if before is not None and before.get(tag) and not values.get(tag):
                raise InvalidValue(
                    tr("the {tag} title cannot be cleared; give the one wanted").format(tag=tag)
                )

    return check


def removing(db: Any, ids: Sequence[int], lang: str) -> Text:
    from ipcoop.core.languages import title_in

    out = Text(tr("Remove for good (undo can bring them back)?") + "\n\n", style="bold")
    for p in db.projects_by_id(list(ids)):
        out.append(safe(f"  {p['id']}  {title_in(p, lang)}") + "\n")
    return out


def undoing(entry: dict[str, Any]) -> Text:
    from ipcoop.reports.render import local_time

    out = Text(tr("Undo this change?") + "\n\n", style="bold")
    out.append(safe(f"  {entry['command']}  ({local_time(entry['at'])}, {entry['by']})") + "\n")
    for change in entry["changes"]:
        out.append(safe(f"    {change}") + "\n")
    return out


def choices(db: Any, programme: str, lang: str) -> tuple[list[tuple[str, str]], list]:
    """The form's areas (the programme's) and leads, as (value, label)."""
    from ipcoop.base.words import WORDS
    from ipcoop.core import programmes
    from ipcoop.core.languages import name_in

    areas = {a["key"]: a for a in db.areas()}
    keys = programmes.get(db, programme)["areas"]
    listed = [(k, f"{k}: {name_in(areas[k], lang)}") for k in keys if k in areas]
    say = WORDS[lang]
    return listed, [(lead, say[lead]) for lead in ("joint", "gd", "hk")]


def form_values(project: dict[str, Any]) -> dict[str, Any]:
    """The project's fields as the form shows them: text with any control character
    shown as an escape (a field left as shown is not sent back as a change)."""
    titles = project["titles"]
    return {
        "title": safe(project["title"]),
        "zh-hk": safe(titles.get("zh-hk") or ""),
        "zh-cn": safe(titles.get("zh-cn") or ""),
        "area": project["area"],
        "key": bool(project["key"]),
        "lead": project["lead"],
        "agencies": list(project["agencies"]),
        "note": safe(project["notes"]),
        "from": project.get("starts_on") or "",
        "to": project.get("ends_on") or "",
    }


def programme_choices(db: Any, lang: str) -> list[tuple[Any, str | Text]]:
    from ipcoop.core import programmes
    from ipcoop.core.languages import name_in

    counts = programmes.project_counts(db)
    return [
        (p["key"], safe(f"{p['key']:<10} {name_in(p, lang)}  ({counts.get(p['key'], 0)} projects)"))
        for p in reversed(programmes.all_programmes(db))
    ]


def conflict_choices(db: Any) -> list[tuple[Any, str | Text]]:
    from ipcoop.core.conflicts import of_projects, value_text
    from ipcoop.reports.render import local_time

    out: list[tuple[Any, str | Text]] = []
    for c in of_projects(db):
        for n, v in enumerate(c["values"], 1):
            text = (
                f"{c['id']} {c['field']}: {n}. {value_text(v['value'])}  "
                f"({v['by']}, {local_time(v['at'])})  {c['title']}"
            )
            out.append(((c["id"], c["field"], n), safe(text)))
    return out


def summary_text(figures: dict[str, Any], width: int, lang: str) -> Text:
    from ipcoop.reports.report import lines

    out = Text()
    for line in lines(figures, width, lang):
        out.append_text(Text.assemble(*line))
        out.append("\n")
    return out


def log_text(db: Any, limit: int = 300) -> Text:
    from ipcoop.core import history
    from ipcoop.reports.render import local_time

    out = Text()
    for entry in history.log_entries(db, say=tr)[:limit]:
        undone = "  " + tr("(undone)") if entry["undone"] else ""
        out.append(safe(f"{local_time(entry['at'])}  {entry['by']}{undone}") + "\n", style="dim")
        out.append(safe(f"    {entry['command']}") + "\n", style="bold")
        for change in entry["changes"]:
            out.append(safe(f"      {change}") + "\n")
    return out


def keys_table(bindings: Sequence[Any]) -> Group:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for b in bindings:
        if b.key != "space":  # said below, with what it does
            grid.add_row(b.key.replace("question_mark", "?").replace("slash", "/"), b.description)
    grid.add_row("space", tr("Mark the row (an action then applies to every marked row)"))
    grid.add_row(tr("double-click"), tr("Edit the project"))
    return Group(grid, Text("\n" + tr(FILTER_HINT)))


def run_sync(path: Path, progress: Any = None) -> tuple[str, bool]:
    """`ipcoop sync` as its own process (it asks nothing): each line it says passed to
    `progress` as it comes; its words, and whether it went through."""
    lines: list[str] = []
    try:
        from ipcoop.base import i18n

        with subprocess.Popen(
            # in the screen's language, whatever the environment says
            [sys.executable, "-m", "ipcoop", "--db", str(path), "sync"],
            env={**os.environ, "IPCOOP_LANG": i18n.current()},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(safe(line.rstrip("\n")))
                if progress is not None:
                    progress(lines[-1])
            code = process.wait(timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return tr("Error: {message}").format(
            message=tr("sync could not run ({exc})").format(exc=exc)
        ), False
    return "\n".join(lines).strip() or tr("Nothing to say."), code == 0
