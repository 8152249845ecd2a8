"""The screen's views beyond the table: the programmes to switch to, the conflicts to
settle, the summary, and a sync run from the screen."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ipcoop.base.i18n import tr
from ipcoop.tui import actions, model, pages
from ipcoop.tui.screens import Choose, Page, speaking


def programmes(app: Any) -> None:
    def chosen(key: str | None) -> None:
        if key is not None:
            app.programme, app.marked = key, set()
            app.refill()

    choices = pages.programme_choices(app.db, app.lang)
    app.push_screen(speaking(Choose)(tr("Programmes"), choices), chosen)


def conflicts(app: Any) -> None:
    found = pages.conflict_choices(app.db)
    if not found:
        app.say(tr("No conflicts to settle."), "green")
        return

    def chosen(value: tuple[int, str, int] | None) -> None:
        if value is not None:
            pid, field, n = value
            app.run_change(lambda: actions.settle(app.path, pid, field, n))

    note = tr("Enter keeps the chosen value; the others are let go (undo brings them back).")
    app.push_screen(speaking(Choose)(tr("Conflicts"), found, note), chosen)


def summary(app: Any) -> None:
    figures = model.figures(app.db, str(app.programme))
    width = max(40, app.size.width - 4)
    app.push_screen(speaking(Page)(tr("Summary"), pages.summary_text(figures, width, app.lang)))


def sync(app: Any) -> None:
    """`ipcoop sync` in a worker: each line it says shown as it comes, then all of it."""
    app.say(tr("Syncing…"), "yellow")
    app.busy = True

    def in_thread() -> None:
        def progress(line: str) -> None:
            app.call_from_thread(app.say, tr("Syncing… {line}").format(line=line), "yellow")

        text, ok = pages.run_sync(app.path, progress)
        app.call_from_thread(synced, app, text, ok)

    app.run_worker(in_thread, thread=True, group="sync")


def synced(app: Any, text: str, ok: bool) -> None:
    app.busy = False
    if not app.reopen():
        return
    if ok:
        app.say(tr("Synced.    $ ipcoop sync"), "green")
    else:
        app.say(tr("The sync did not go through: its words are on the page."), "red")
    app.push_screen(speaking(Page)(tr("Sync"), Text(text)))
    app.refill()
