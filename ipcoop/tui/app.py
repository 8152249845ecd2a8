"""`ipcoop tui`: the programme on one screen, worked by keys and mouse (Textual).

The table lists one programme's projects in its area order; the pane beside it
shows the selected one in full with its history; the header shows the
programme's figures and follows every change. Each action runs the same core
function as its command, in a worker thread (so a lock held by another command
makes it wait, and the screen says so), and the footer then shows the command
line it stands for. The file is watched: a change made elsewhere (another
command, a sync) is on screen within a second, the selection kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from ipcoop.base import models
from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import mark, tr
from ipcoop.tui import actions, model, pages, views
from ipcoop.tui.screens import Confirm, Page, ProjectForm, Prompt, speaking


class ProjectTable(DataTable):
    """The table of projects: a double click on a row edits it."""

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2:
            self.app.call_after_refresh(self.app.action_edit)  # type: ignore[attr-defined]


class IpcoopApp(App[None]):
    TITLE = "ipcoop"
    CSS = """
    #figures { height: auto; padding: 0 1; background: $boost; }
    #main { height: 1fr; }
    #projects { width: 2fr; }
    #side { width: 1fr; min-width: 36; border-left: solid $accent; padding: 0 1; }
    #main.narrow { layout: vertical; }
    #main.narrow #projects { width: 100%; height: 3fr; }
    #main.narrow #side { width: 100%; height: 2fr; border-left: none;
                         border-top: solid $accent; }
    #filter { display: none; }
    #filter.shown { display: block; }
    #filterline { height: auto; padding: 0 1; color: $text-muted; }
    #message { height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", mark("Filter")),
        Binding("escape", "clear_filter", mark("Clear filter"), show=False),
        Binding("s", "change('start')", mark("Start")),
        Binding("d", "done", mark("Done")),
        Binding("r", "change('reopen')", mark("Reopen")),
        Binding("x", "drop", mark("Drop")),
        Binding("a", "add", mark("Add")),
        Binding("e", "edit", mark("Edit")),
        Binding("delete", "remove", mark("Remove")),
        Binding("u", "undo", mark("Undo")),
        Binding("space", "mark", mark("Mark"), show=False),
        Binding("p", "programmes", mark("Programmes")),
        Binding("c", "conflicts", mark("Conflicts")),
        Binding("t", "summary", mark("Summary")),
        Binding("l", "log", mark("Log")),
        Binding("S", "sync", mark("Sync")),
        Binding("question_mark", "help", mark("Keys")),
        Binding("q", "quit", mark("Quit")),
    ]

    def __init__(self, path: Path, programme: str | None = None, lang: str = "en") -> None:
        super().__init__()
        self.path, self.lang = path, lang
        self.db: Any = None
        self.programme = programme
        self.rows: list[dict[str, Any]] = []
        self.marked: set[int] = set()
        self.filter_text = ""
        self.busy = False
        self.failed = False  # the message under the table is about a damaged file
        self.after_removal: int | None = None  # where the cursor goes once rows are removed
        self.seen: tuple[int, int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="figures")
        with Horizontal(id="main"):
            yield ProjectTable(id="projects", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="side"):
                yield Static(id="detail")
        yield Static(id="filterline")
        yield Input(placeholder=tr(pages.FILTER_HINT), id="filter")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        from ipcoop.core import programmes

        self.open()
        if self.programme is None:
            self.programme = model.latest_programme(self.db)
        else:
            self.programme = programmes.get(self.db, self.programme)["key"]
        self.refill()
        self.query_one("#projects", DataTable).focus()
        self.set_interval(0.5, self.check_file)

    # -- what is shown --------------------------------------------------------------

    def open(self) -> None:
        from ipcoop.core import database

        self.seen = model.stamp(self.path)
        self.db = database.open_read(self.path)

    def reopen(self) -> bool:
        """Read the file again; a damaged one is said, and the screen keeps what it had."""
        try:
            self.open()
        except IpcoopError as exc:
            self.say(tr("Error: {exc}").format(exc=exc), "red")
            self.failed = True
            return False
        if self.failed:  # the file is whole again: the error no longer holds
            self.say("")
            self.failed = False
        return True

    def refill(self, keep: int | None = None) -> None:
        """The table again from the database as read, the cursor on `keep` (or where
        it was)."""
        table = self.query_one("#projects", DataTable)
        if keep is None:
            keep = self.current_id()
        line = self.query_one("#filterline", Static)
        try:
            self.rows = model.filtered(self.db, str(self.programme), self.filter_text, self.lang)
        except IpcoopError as exc:
            line.update(Text(tr("Filter: {problem}").format(problem=exc), style="red"))
            return
        line.update(pages.filter_line(self.filter_text, len(self.rows)))
        self.marked &= {p["id"] for p in self.rows}
        table.clear(columns=True)
        dated = any(p.get("starts_on") for p in self.rows)
        rows = [pages.cells(p, self.lang, p["id"] in self.marked, dated) for p in self.rows]
        room = table.size.width or max(40, self.size.width * 2 // 3)
        for (label, key), width in zip(
            pages.columns(self.lang, dated), pages.widths(self.lang, rows, room, dated), strict=True
        ):
            table.add_column(label, key=key, width=width)
        for p, cells in zip(self.rows, rows, strict=True):
            table.add_row(*cells, key=str(p["id"]))
        ids = [p["id"] for p in self.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), scroll=True)
        self.query_one("#figures", Static).update(
            pages.header(model.figures(self.db, str(self.programme)), self.lang)
        )
        self.show_detail()

    def row_after(self, going: list[int]) -> int | None:
        """The row the cursor goes to once `going` are removed: the next one below the
        cursor that stays, else the last that stays."""
        table = self.query_one("#projects", DataTable)
        staying = [int(p["id"]) for p in self.rows if p["id"] not in going]
        below = [int(p["id"]) for p in self.rows[table.cursor_row :] if p["id"] not in going]
        chosen = below or staying[-1:]
        return chosen[0] if chosen else None

    def current_id(self) -> int | None:
        table = self.query_one("#projects", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return int(self.rows[table.cursor_row]["id"])

    def chosen(self) -> list[int]:
        """The marked rows, else the selected one."""
        if self.marked:
            return sorted(self.marked)
        current = self.current_id()
        return [current] if current is not None else []

    def show_detail(self) -> None:
        pid = self.current_id()
        detail = self.query_one("#detail", Static)
        if pid is None:
            detail.update("")
            return
        detail.update(pages.detail(self.db, pid, self.lang))

    def on_resize(self, event: events.Resize) -> None:
        # Under 100 columns the pane goes below the table, which then has the width.
        self.query_one("#main").set_class(event.size.width < 100, "narrow")
        if self.db is not None:
            self.call_after_refresh(self.refill)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def check_file(self) -> None:
        """Reload when the file changed underneath (not while a change of ours runs)."""
        if self.busy or model.stamp(self.path) == self.seen:
            return
        if self.reopen():
            self.refill()

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#message", Static).update(Text(text, style=style))

    # -- the filter -----------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.value = self.filter_text
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.filter_text = event.value
            self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.input.remove_class("shown")
            self.query_one("#projects", DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("shown")
        box.value = ""
        self.filter_text = ""
        self.refill()
        self.query_one("#projects", DataTable).focus()

    def action_mark(self) -> None:
        pid = self.current_id()
        if pid is None:
            return
        self.marked ^= {pid}
        table = self.query_one("#projects", DataTable)
        table.update_cell(str(pid), "mark", "*" if pid in self.marked else " ")
        table.action_cursor_down()

    # -- changes --------------------------------------------------------------------

    def run_change(self, work: Callable[[], tuple[str, str, list[str]]]) -> None:
        """Run a change in a worker thread: the lock may be held by another command."""
        self.busy = True
        self.set_timer(0.3, self._waiting)

        def in_thread() -> None:
            try:
                said, command, warnings = work()
            except IpcoopError as exc:
                problem = tr("Error: {message}").format(message=exc)
                self.call_from_thread(self._finished, problem, "", [], True)
            except Exception as exc:  # the screen stays up; nothing was changed
                problem = tr("Error: {message}").format(
                    message=tr("unexpected failure ({name}: {exc})").format(
                        name=type(exc).__name__, exc=exc
                    )
                )
                self.call_from_thread(self._finished, problem, "", [], True)
            else:
                self.call_from_thread(self._finished, said, command, warnings, False)

        self.run_worker(in_thread, thread=True, group="change")

    def _waiting(self) -> None:
        if self.busy:
            self.say(tr("Waiting: another command is changing the database…"), "yellow")

    def _finished(self, said: str, command: str, warnings: list[str], failed: bool) -> None:
        self.busy = False
        if not self.reopen():
            return
        if failed:
            self.say(said, "red")
            self.bell()
        else:
            line = f"{said}    $ ipcoop {command}" if command else said
            self.say(" ".join([line, *warnings]), "green")
            self.marked.clear()
        added = getattr(said, "msgid", "") == "Added {id}"  # the new project is selected
        digits = "".join(c for c in said if c.isdigit())
        self.refill(keep=int(digits) if added and digits else self.after_removal)
        self.after_removal = None

    def action_change(self, action: str) -> None:
        ids = self.chosen()
        if ids:
            self.run_change(lambda: actions.status(self.path, ids, action))

    def action_done(self) -> None:
        ids = self.chosen()
        if not ids:
            return

        def answered(on: str | None) -> None:
            if on is not None:
                day = on.strip() or models.today().isoformat()
                self.run_change(lambda: actions.status(self.path, ids, "done", on=day))

        prompt = Prompt(
            pages.ask("done", ids), models.today().isoformat(), check=pages.check_done_date
        )
        self.push_screen(prompt, answered)

    def action_drop(self) -> None:
        ids = self.chosen()
        if not ids:
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                why = reason.strip() or None
                self.run_change(lambda: actions.status(self.path, ids, "drop", reason=why))

        self.push_screen(speaking(Prompt)(pages.ask("drop", ids)), answered)

    def action_remove(self) -> None:
        ids = self.chosen()
        if not ids:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.after_removal = self.row_after(ids)
                self.run_change(lambda: actions.remove(self.path, ids))

        self.push_screen(speaking(Confirm)(pages.removing(self.db, ids, self.lang)), answered)

    def action_undo(self) -> None:
        from ipcoop.core import history

        entry = history.next_undo(self.db, say=tr)
        if entry is None:
            self.say(tr("Nothing of this copy's to undo."), "yellow")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_change(lambda: actions.undo(self.path, str(entry["entry"])))

        self.push_screen(speaking(Confirm)(pages.undoing(entry)), answered)

    def action_add(self) -> None:
        def answered(values: dict[str, Any] | None) -> None:
            if values is not None:
                programme = str(self.programme)
                self.run_change(lambda: actions.add(self.path, programme, values))

        areas, leads = pages.choices(self.db, str(self.programme), self.lang)
        form = speaking(ProjectForm)(
            tr("Add a project"), {}, areas, leads, pages.form_check(self.db, None)
        )
        self.push_screen(form, answered)

    def action_edit(self) -> None:
        pid = self.current_id()
        if pid is None:
            return
        before = pages.form_values(self.db.project(pid))

        def answered(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.run_change(lambda: actions.edit(self.path, pid, values, before))

        areas, leads = pages.choices(self.db, str(self.programme), self.lang)
        check = pages.form_check(self.db, before)
        title = tr("Edit project {pid}").format(pid=pid)
        self.push_screen(speaking(ProjectForm)(title, before, areas, leads, check), answered)

    # -- views (in tui/views.py) ---------------------------------------------------

    def action_programmes(self) -> None:
        views.programmes(self)

    def action_conflicts(self) -> None:
        views.conflicts(self)

    def action_summary(self) -> None:
        views.summary(self)

    def action_log(self) -> None:
        self.push_screen(speaking(Page)(tr("Log"), pages.log_text(self.db)))

    def action_help(self) -> None:
        self.push_screen(speaking(Page)(tr("Keys"), pages.keys_table(self.BINDINGS)))

    def action_sync(self) -> None:
        views.sync(self)


def make(path: Path, programme: str | None, lang: str) -> IpcoopApp:
    """The screen, speaking `lang` (its words and its keys' names)."""
    from ipcoop.base import i18n

    i18n.use(lang)
    app: IpcoopApp = speaking(IpcoopApp)(path, programme, lang)
    return app


def run(path: Path, programme: str | None, lang: str) -> None:
    make(path, programme, lang).run()
