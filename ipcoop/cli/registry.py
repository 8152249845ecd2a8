"""Which module holds each command, in the order --help lists them.

A command is a plain function (or, for a group, a Typer app) in a module of
ipcoop.cli.commands; `build` turns the one a run needs into a Click command
through Typer's public `typer.main.get_command`.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> (module in ipcoop.cli.commands, attribute, the first line of its help).
# The help lines are here so that `ipcoop --help` imports no command module;
# tests/test_layers.py checks that each is the command's own first line.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "list": ("projects", "list_", "List projects, filtered and sorted."),
    "show": ("projects", "show", "Show one project in full, with every form of its title."),
    "add": ("projects", "add", "Add a project; prints its new id."),
    "edit": (
        "projects",
        "edit",
        "Change fields of a project; each option replaces the field it names.",
    ),
    "start": ("status", "start", "Mark projects active."),
    "done": ("status", "done", "Mark projects done."),
    "reopen": ("status", "reopen", "Mark projects planned again and clear their done date."),
    "drop": ("status", "drop", "Mark projects dropped (they no longer count against progress)."),
    "remove": (
        "status",
        "remove",
        "Delete projects for good (undo can bring them back). Their ids are never reused.",
    ),
    "note": (
        "progress",
        "note",
        "Add a dated progress note to a project, signed with this copy's name.",
    ),
    "link": (
        "progress",
        "link",
        "Link a project to what is published about it: a press release, an MoU, a page.",
    ),
    "undo": (
        "history",
        "undo",
        "Revert the last changing command, whole. Run it again to go further back.",
    ),
    "log": ("history", "log", "Show the history of changes, newest first."),
    "summary": (
        "programme",
        "summary",
        "A programme's summary, or of years: progress by area, key projects, the one before.",
    ),
    "release": (
        "reports",
        "release",
        "The press release of a programme and its annex, in the group's words.",
    ),
    "carry": (
        "programme",
        "carry",
        "Copy the unfinished projects of a programme into the next one.",
    ),
    "members": (
        "members",
        "members_app",
        "List the member agencies and their codes (for --agency).",
    ),
    "areas": ("programme", "areas_app", "Show the areas with their project counts and progress."),
    "programme": (
        "programmes",
        "programme_app",
        "The group's programmes: periods, areas in order, endorsement, reported figures.",
    ),
    "init": (
        "data",
        "init",
        "Create a new database with the bundled 2019 review and 2020 programme.",
    ),
    "export": (
        "data",
        "export",
        "Write every project out, for a spreadsheet, a calendar or another database.",
    ),
    "import": (
        "data",
        "import_",
        "Bring in the projects of a JSON, CSV or Excel file (as export writes them), all or "
        "nothing.",
    ),
    "check": (
        "data",
        "check",
        "Verify the database file and say what is wrong and how to recover.",
    ),
    "sync": (
        "sharing",
        "sync",
        "Share the database with the other side: commit, fetch, merge record by record, push.",
    ),
    "copies": (
        "signing",
        "copies_app",
        "List the copies that share the database: side, key, trusted or waiting, last sync.",
    ),
    "verify": (
        "signing",
        "verify",
        "Check who made every change of the shared history; exit 1 if any is not verified.",
    ),
    "conflicts": (
        "sharing",
        "conflicts",
        "List values that both sides changed differently (the later one is shown).",
    ),
    "settle": (
        "sharing",
        "settle",
        "Settle a conflict by keeping one of its values (numbered by 'ipcoop conflicts').",
    ),
    "tui": ("screen", "tui", "The programme on one screen, worked by keys and mouse."),
}


def target(name: str) -> Any:
    module, attribute, _ = COMMANDS[name]
    return getattr(importlib.import_module(f"ipcoop.cli.commands.{module}"), attribute)


def build(name: str) -> Any:
    """The Click command for `name`, or None if there is no such command."""
    if name not in COMMANDS:
        return None
    import typer

    found = target(name)
    if isinstance(found, typer.Typer):
        return examples_kept(localized(typer.main.get_command(found)))
    resolve_annotations(found)
    # The root command offers the completion options; a command of its own needs none.
    single = typer.Typer(
        rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False
    )
    single.command(name)(found)
    return examples_kept(localized(typer.main.get_command(single)))


def localized(command: Any, subcommands: bool = True) -> Any:
    """The command's help and its options' help in the interface's language,
    paragraph by paragraph (as tools/i18n.py extracts them)."""
    from ipcoop.base import i18n

    english = getattr(command, "english", None)
    if english is None:  # kept, for the root command, which serves every run of a process
        english = command.english = (
            command.help,
            command.short_help,
            [getattr(p, "help", None) for p in command.params],
        )
    command.help, command.short_help = english[0], english[1]
    for param, text in zip(command.params, english[2], strict=False):
        param.help = text
    if i18n.current() != "en" or i18n.pseudo():
        command.help = help_text(command.help)
        command.short_help = help_text(command.short_help)
        for param in command.params:
            if getattr(param, "help", None):
                param.help = help_text(param.help)
    if command.short_help is None and command.help:
        # A group lists its commands by their first paragraph, whole: Click would cut it
        # at 45 characters, in the middle of a Chinese sentence.
        command.short_help = command.help.split("\n\n")[0]
    if subcommands:
        for sub in getattr(command, "commands", {}).values():
            localized(sub)
    return command


def help_text(text: str | None) -> str | None:
    """A help text translated paragraph by paragraph."""
    if not text:
        return text
    import inspect

    from ipcoop.base.i18n import tr

    parts = [p.strip("\n") for p in inspect.cleandoc(text).split("\n\n") if p.strip()]
    return "\n\n".join(tr(p) for p in parts)


def examples_kept(command: Any, subcommands: bool = True) -> Any:
    """The command (and its subcommands) with the examples of its help set apart, each
    on a line of its own that help never rewraps: "Example: ipcoop list --year 2020"
    run into the prose, or broken inside the command, reads as something else."""
    command.help = examples_apart(command.help)
    for sub in getattr(command, "commands", {}).values() if subcommands else ():
        examples_kept(sub)
    return command


def examples_apart(text: str | None) -> str | None:
    """Help text with its "Example:" lines (and their continuations, up to a blank line
    or the next example) gathered into one paragraph Click leaves as it is (\b)."""
    if not text or "Example:" not in text:
        return text
    import inspect

    prose: list[str] = []
    examples: list[str] = []
    taking = False
    # An example begun inside a line of prose starts a line of its own.
    for line in inspect.cleandoc(text).replace(" Example: ", "\nExample: ").split("\n"):
        stripped = line.strip()
        if stripped.startswith("Example:"):
            examples.append(stripped.removeprefix("Example:").strip())
            taking = True
        elif taking and stripped:
            examples[-1] += " " + stripped
        else:
            taking = False
            prose.append(line)
    while prose and not prose[-1].strip():
        prose.pop()
    if not examples:
        return text
    from ipcoop.base.i18n import tr

    heading = tr("Example:") if len(examples) == 1 else tr("Examples:")
    from ipcoop.cli.wrapping import help_width

    lines = [line for e in examples for line in _example_lines(e, help_width() - 2)]
    return "\n".join([*prose, "", "\b", heading, *lines])


def _example_lines(example: str, room: int) -> list[str]:
    """An example's command as shell lines, and what it says after it in brackets
    ("(or --only 12 --only 15)") as prose below it, wrapped by cells like the rest."""
    import re

    from ipcoop.cli.wrapping import fill
    from ipcoop.reports.cells import cell_len

    found = re.fullmatch(r"(.*?\S)\s+([(（].*[)）])", example)
    if found is None or cell_len(example) + 2 <= room:  # all on one line, as it fits
        return _shell_lines(example, room)
    said = fill(found.group(2), room, "      ", "      ").split("\n")
    return [*_shell_lines(found.group(1), room), *said]


def _shell_lines(example: str, room: int = 76) -> list[str]:
    """An example as lines of at most `room` cells, continued as a shell continues a
    command (a trailing backslash), so that it pastes as it is."""
    import re

    from ipcoop.reports.cells import cell_len

    tokens = re.findall(r"""(?:[^\s"']+|"[^"]*"|'[^']*')+""", example)
    words: list[str] = []  # an option stays with its value
    for token in tokens:
        if words and words[-1].startswith("-") and " " not in words[-1] and token[:1] != "-":
            words[-1] += " " + token
        else:
            words.append(token)
    lines, current = [], "  "
    for word in words:
        if current.strip() and cell_len(current) + 1 + cell_len(word) + 2 > room:
            lines.append(current + " \\")
            current = "      "
        current += ("" if not current.strip() else " ") + word
    return [*lines, current]


def resolve_annotations(function: Any) -> None:
    """Evaluate the function's annotations once, in place.

    The command modules write annotations as strings (`from __future__ import
    annotations`); Typer would evaluate each of them twice (for the signature,
    then for the type hints), compiling every string each time. Evaluated here,
    both of its reads find objects: the build of `list` takes half the time.
    """
    import typing

    function.__annotations__ = typing.get_type_hints(function, include_extras=True)


def summary_line(name: str) -> str:
    """The first line of a command's help, for the command list of --help."""
    from ipcoop.base.i18n import tr

    return tr(COMMANDS[name][2])
