"""Which module holds each command, in the order --help lists them.

A command is a plain function (or, for a group, a Typer app) in a module of
ipcoop.cli.commands; `build` turns the one a run needs into a Click command
through Typer's public `typer.main.get_command`.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

# name -> (module in ipcoop.cli.commands, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("projects", "list_"),
    "show": ("projects", "show"),
    "add": ("projects", "add"),
    "edit": ("projects", "edit"),
    "start": ("projects", "start"),
    "done": ("projects", "done"),
    "reopen": ("projects", "reopen"),
    "drop": ("projects", "drop"),
    "remove": ("projects", "remove"),
    "undo": ("history", "undo"),
    "log": ("history", "log"),
    "summary": ("programme", "summary"),
    "carry": ("programme", "carry"),
    "members": ("programme", "members"),
    "areas": ("programme", "areas_app"),
    "programme": ("programmes", "programme_app"),
    "init": ("data", "init"),
    "export": ("data", "export"),
    "import": ("data", "import_"),
    "check": ("data", "check"),
    "sync": ("sharing", "sync"),
    "conflicts": ("sharing", "conflicts"),
}


def target(name: str) -> Any:
    module, attribute = COMMANDS[name]
    return getattr(importlib.import_module(f"ipcoop.cli.commands.{module}"), attribute)


def build(name: str) -> Any:
    """The Click command for `name`, or None if there is no such command."""
    if name not in COMMANDS:
        return None
    import typer

    found = target(name)
    if isinstance(found, typer.Typer):
        return typer.main.get_command(found)
    single = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    single.command(name)(found)
    return typer.main.get_command(single)


def summary_line(name: str) -> str:
    """The first line of a command's help, for the command list of --help."""
    import typer

    found = target(name)
    if isinstance(found, typer.Typer):
        return (typer.main.get_command(found).help or "").split("\n")[0]
    return (inspect.getdoc(found) or "").split("\n")[0]
