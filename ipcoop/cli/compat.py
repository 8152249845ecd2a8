"""The one place that touches private parts of Typer.

- The Click exception classes it vendors (typer._click), which Typer does not
  re-export.
- Typer's own words. Typer 0.28 vendors Click with its messages in fixed English
  and reads its own few ("Options", "required") through the standard gettext.
  `install` routes both through ipcoop's catalog: the gettext function of
  typer.core, the usage line's "Usage:", the headings, the help option's text;
  `click_message` translates a message Click built (a missing argument, an
  unknown option) by matching it against the templates below. Help is measured
  and wrapped by terminal cells (cli/wrapping.py), not characters.

tests/cli/test_languages.py fails loudly if an upgrade moves any of these.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.exceptions import NoArgsIsHelpError, UsageError

from ipcoop.base.i18n import mark, tr

__all__ = ["NoArgsIsHelpError", "UsageError", "click_message", "install"]

# Typer's words (typer.core, through gettext) and the help of the options it adds.
TYPER_WORDS = (
    mark("Arguments"),
    mark("Options"),
    mark("Commands"),
    mark("default: {default}"),
    mark("required"),
    mark("env var: {var}"),
    mark("(dynamic)"),
    mark("Missing command."),
    mark("No such command {name!r}."),
    mark("Aborted!"),
    mark("Show this message and exit."),
    mark("Install completion for the current shell."),
    mark("Show completion for the current shell, to copy it or customize the installation."),
)
# Click's messages, as its source builds them; {message} is itself translated.
CLICK_MESSAGES = (
    mark("{message} (Possible options: {options})"),  # first: it holds another
    mark("Missing argument {name}."),
    mark("Missing option {name}."),
    mark("Missing parameter {name}."),
    mark("No such option: {name}"),
    mark("Invalid value for {name}: {message}"),
    mark("Invalid value: {message}"),
    mark("{value} is not a valid boolean. Recognized values: {values}"),
    mark("{value} is not a valid {type}."),
    mark("{value} is not in the range {range}."),
    mark("Option {name} requires an argument."),
    mark("Option {name} requires {count} arguments."),
    mark("Option {name} does not take a value."),
    mark("Got unexpected extra argument ({value})"),
    mark("Got unexpected extra arguments ({value})"),
)
# The names Click gives its types, in "'x' is not a valid int."
TYPE_WORDS = {
    "int": mark("whole number"),
    "int range": mark("whole number"),
    "float": mark("number"),
    "float range": mark("number"),
    "uuid": mark("UUID"),
}
_patterns: list[tuple[re.Pattern[str], str]] = []


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(regex + r"\Z", re.S)


def click_message(text: str, inner: str | None = None) -> str:
    """A message Click built, in the interface's language (as it is if unknown: one of
    ipcoop's own keeps its id, and so its code). `inner` is the message Click wrapped
    ("Invalid value for '--side': ..."), when the exception holds it."""
    if getattr(text, "msgid", None) is not None:
        return text  # ipcoop's own words, already translated
    if not _patterns:
        _patterns.extend((_pattern(t), t) for t in CLICK_MESSAGES)
    if "argument(s) (" in text:  # Click writes "argument(s)": one form each
        text = re.sub(r"argument\(s\) \((\S+)\)\Z", r"argument (\1)", text)
        text = re.sub(r"argument\(s\) \((.+ .+)\)\Z", r"arguments (\1)", text)
    for pattern, template in _patterns:
        found = pattern.match(text)
        if found:
            values: dict[str, str] = found.groupdict()
            if "message" in values:
                said = values["message"]
                ours = inner is not None and getattr(inner, "msgid", None) and said == inner
                values["message"] = inner if ours and inner else click_message(said)
            if values.get("type") in TYPE_WORDS:
                values["type"] = tr(TYPE_WORDS[values["type"]])
            return tr(template).format(**values)
    return text


def install() -> None:
    """Put ipcoop's catalog and cell widths into Typer's help and messages (once)."""
    import typer.core
    from typer._click import core as click_core
    from typer._click import formatting

    from ipcoop.cli import wrapping

    if getattr(formatting, "ipcoop_installed", False):
        return
    formatting.ipcoop_installed = True  # type: ignore[attr-defined]
    typer.core._ = lambda message: str(tr(message))
    formatting.term_len = wrapping.term_len
    formatting.wrap_text = wrapping.wrap_text
    usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        usage(self, prog, args, str(tr("Usage: ")) if prefix is None else prefix)

    def write_heading(self: Any, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{tr('{heading}:').format(heading=heading)}\n")

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    formatting.HelpFormatter.write_heading = write_heading  # type: ignore[method-assign]
    help_option = click_core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = help_option(self, ctx)
        if option is not None and option.help == "Show this message and exit.":
            option.help = str(tr(option.help))
        return option

    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]


mark("Usage: ")
mark("{heading}:")
