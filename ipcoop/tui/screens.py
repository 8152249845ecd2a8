"""The screen's dialogs and views: a question, a yes-or-no, the project form, a page
of text (the summary, the log, the keys), and a list to choose from (programmes,
conflicts' values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ipcoop.base.i18n import mark, tr

_spoken: dict[tuple[type, str, bool], type] = {}


def speaking(cls: Any) -> Any:
    """`cls` with the names of its keys in the interface's language. Textual reads a
    class's BINDINGS when the class is made, so each language gets a subclass (of the
    same name, for the CSS) whose bindings say them in it."""
    import dataclasses

    from ipcoop.base import i18n

    key = (cls, i18n.current(), i18n.pseudo())
    if key[1:] == ("en", False):
        return cls
    if key not in _spoken:
        bindings = [
            dataclasses.replace(b, description=tr(b.description))
            if isinstance(b, Binding) and b.description
            else b
            for b in cls.__dict__.get("BINDINGS", [])
        ]
        namespace = {"BINDINGS": bindings, "__module__": cls.__module__}
        _spoken[key] = type(cls.__name__, (cls,), namespace)
    return _spoken[key]


def answer(screen: Any, value: Any) -> None:
    """Close a dialog with its answer, once: a second key pressed in the same burst
    (Enter Enter) finds it closing and does nothing."""
    if getattr(screen, "answered", False):
        return
    screen.answered = True
    screen.dismiss(value)


class Prompt(ModalScreen[str | None]):
    """One value asked for (a date, a reason); Enter gives it, Esc gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", mark("Cancel"))]
    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 70; max-width: 100%; height: auto; border: round $accent;
                        padding: 1 2; }
    """

    def __init__(
        self, question: str, value: str = "", check: Callable[[str], None] | None = None
    ) -> None:
        super().__init__()
        self.question, self.value, self.check = question, value, check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(value=self.value, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from ipcoop.base.errors import IpcoopError

        if self.check is not None:
            try:
                self.check(event.value)
            except IpcoopError as exc:  # said, and the question stays to be answered
                self.notify(str(exc), severity="error")
                return
        answer(self, event.value)

    def action_cancel(self) -> None:
        answer(self, None)


class Confirm(ModalScreen[bool]):
    """A question answered y (or Enter) or n (or Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", mark("Yes")),
        Binding("n,escape", "answer(False)", mark("No")),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 80; max-width: 100%; height: auto; max-height: 80%;
                         border: round $warning; padding: 1 2; }
    """

    def __init__(self, question: str | Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            yield Label(tr("y: yes    n: no"))

    def action_answer(self, yes: bool) -> None:
        answer(self, yes)


class Page(ModalScreen[None]):
    """A page of text to read: Esc or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", mark("Close"))]
    DEFAULT_CSS = """
    Page > VerticalScroll { border: round $accent; padding: 0 1; }
    """

    def __init__(self, title: str, body: Any) -> None:
        super().__init__()
        self.heading, self.body = title, body

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(Text(self.heading, style="bold"))
            yield Static(self.body, id="body")

    def action_close(self) -> None:
        answer(self, None)


class Choose(ModalScreen[Any]):
    """A list to choose one from: Enter gives its value, Esc gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", mark("Close"))]
    DEFAULT_CSS = """
    Choose > Vertical { border: round $accent; padding: 0 1; }
    Choose OptionList { height: 1fr; }
    """

    def __init__(self, title: str, choices: list[tuple[Any, str | Text]], note: str = "") -> None:
        super().__init__()
        self.heading, self.choices, self.note = title, choices, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.heading, style="bold"))
            if self.note:
                yield Label(self.note)
            yield OptionList(
                *[Option(text, id=str(i)) for i, (_, text) in enumerate(self.choices)],
                id="choices",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        answer(self, self.choices[int(event.option.id or 0)][0])

    def action_close(self) -> None:
        answer(self, None)


class ProjectForm(ModalScreen[dict[str, Any] | None]):
    """The fields of `add` and `edit`: the titles (a Chinese form typed alone shows the
    other as OpenCC would make it), the area among the programme's, key, lead,
    agencies, the notes and the event's dates. Ctrl+S saves, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", mark("Save")),
        Binding("escape", "cancel", mark("Cancel")),
    ]
    DEFAULT_CSS = """
    ProjectForm { align: center middle; }
    ProjectForm > VerticalScroll { width: 100; max-width: 100%; height: 90%;
                                   border: round $accent; padding: 0 2; }
    ProjectForm Input, ProjectForm Select { margin: 0 0 1 0; }
    ProjectForm .converted { color: $text-muted; margin: 0 0 1 0; }
    ProjectForm Horizontal { height: auto; }
    """

    def __init__(
        self,
        heading: str,
        values: dict[str, Any],
        areas: list[tuple[str, str]],
        leads: list[tuple[str, str]],
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.heading, self.values, self.areas, self.leads = heading, values, areas, leads
        self.check = check

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()  # the first thing typed is the title

    def compose(self) -> ComposeResult:
        v = self.values
        with VerticalScroll():
            yield Label(Text(self.heading, style="bold"))
            yield Label(tr("Title"))
            yield Input(value=v.get("title", ""), id="title")
            yield Label(tr("Title (zh-hk)"))
            yield Input(value=v.get("zh-hk", ""), id="zh-hk")
            yield Static("", id="preview-zh-cn", classes="converted")
            yield Label(tr("Title (zh-cn)"))
            yield Input(value=v.get("zh-cn", ""), id="zh-cn")
            yield Static("", id="preview-zh-hk", classes="converted")
            yield Label(tr("Area"))
            yield Select(
                [(label, key) for key, label in self.areas],
                value=v.get("area") or Select.NULL,
                id="area",
            )
            yield Checkbox(tr("Key project"), value=bool(v.get("key")), id="key")
            yield Label(tr("Lead"))
            yield Select(
                [(label, key) for key, label in self.leads],
                value=v.get("lead") or "joint",
                allow_blank=False,
                id="lead",
            )
            yield Label(tr("Agencies (codes or names, separated by spaces or commas)"))
            yield Input(value=" ".join(v.get("agencies") or []), id="agencies")
            yield Label(tr("Note"))
            yield Input(value=v.get("note", ""), id="note")
            yield Label(tr("Date of the event, or its first day (2020-11-12 or 12/11/2020)"))
            yield Input(value=v.get("from", ""), id="from")
            yield Label(tr("Last day, for an event over several days"))
            yield Input(value=v.get("to", ""), id="to")
            with Horizontal():
                yield Button(tr("Save (Ctrl+S)"), variant="primary", id="save")
                yield Button(tr("Cancel (Esc)"), id="cancel")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id not in ("zh-hk", "zh-cn"):
            return
        from ipcoop.core import languages

        into = languages.other(event.input.id)
        typed_other = self.query_one(f"#{into}", Input).value.strip()
        preview = self.query_one(f"#preview-{into}", Static)
        text = event.value.strip()
        if text and not typed_other:
            made = languages.convert(text, into)
            preview.update(tr("{into} will be made from it: {made}").format(into=into, made=made))
        else:
            preview.update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def gathered(self) -> dict[str, Any]:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        area = self.query_one("#area", Select).value
        agencies = [a for a in text("agencies").replace(",", " ").replace("、", " ").split() if a]
        return {
            "title": text("title"),
            "zh-hk": text("zh-hk"),
            "zh-cn": text("zh-cn"),
            "area": area if isinstance(area, str) else "",
            "key": self.query_one("#key", Checkbox).value,
            "lead": str(self.query_one("#lead", Select).value),
            "agencies": agencies,
            "note": text("note"),
            "from": text("from"),
            "to": text("to"),
        }

    def action_save(self) -> None:
        from ipcoop.base.errors import IpcoopError

        values = self.gathered()
        if not values["title"]:
            self.notify(tr("A project needs a title."), severity="error")
            return
        if not values["area"]:
            self.notify(tr("Choose the project's area."), severity="error")
            return
        if self.check is not None:
            try:
                self.check(values)
            except IpcoopError as exc:  # said; what was typed stays, to be corrected
                self.notify(str(exc), severity="error")
                return
        answer(self, values)

    def action_cancel(self) -> None:
        answer(self, None)
