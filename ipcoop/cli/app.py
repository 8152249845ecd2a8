"""The application: the root command, the lazy command group, and one place where
every failure becomes one `Error:` line and an exit code.

Commands are found through `registry` and imported only when used: a run
builds the one command it needs (Typer would otherwise inspect all twenty,
about 25 ms). Nothing here imports a command module by name.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Annotated, Any, ClassVar

import typer
from typer.core import TyperGroup

from ipcoop import __version__
from ipcoop.base.errors import EXIT_FAILED, EXIT_USAGE, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.cli import registry
from ipcoop.cli.context import State, set_database


class IpcoopGroup(TyperGroup):
    """Click's lazy group pattern (list_commands / get_command), on Typer's group."""

    built: ClassVar[dict[tuple[str, str, bool, int], Any]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return list(registry.COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from ipcoop.base import i18n
        from ipcoop.cli.wrapping import help_width

        # A command is built in the language and width of the run (its help is then
        # translated, its examples broken to fit).
        key = (cmd_name, i18n.current(), i18n.pseudo(), help_width())
        if key not in self.built:
            command = registry.build(cmd_name)
            if command is None:
                return None
            self.built[key] = command
        return self.built[key]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Click's own, with a 'did you mean' for a mistyped command (ipcoop lst)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            from ipcoop.cli.compat import UsageError

            close = difflib.get_close_matches(name, list(registry.COMMANDS), n=1, cutoff=0.6)
            if close:
                raise UsageError(
                    tr("No such command '{name}'; did you mean '{close}'?").format(
                        name=name, close=close[0]
                    ),
                    ctx,
                )
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of --help, from the docstrings, without building the commands."""
        with formatter.section(tr("Commands")):
            formatter.write_dl([(name, registry.summary_line(name)) for name in registry.COMMANDS])

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:

        argv = list(sys.argv[1:] if args is None else args)
        _streams()
        state = State(argv=argv)
        extra.setdefault("obj", state)
        from ipcoop.cli.wrapping import help_width

        extra.setdefault("terminal_width", help_width())
        from ipcoop.base import i18n

        spoken = i18n.current()
        code = 0
        try:
            _speak(argv)
            registry.examples_kept(registry.localized(self, subcommands=False), subcommands=False)
            result = super().main(
                args=argv,
                prog_name=prog_name or "ipcoop",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
            _flush_stdout()
        except BaseException as exc:
            code = _failure(exc, state)
        finally:
            i18n.use(spoken)  # what runs after (a test, a caller) speaks as it did
        if standalone_mode:
            if _stdout_broken():
                # Python would try the flush again at exit and print a traceback.
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.flush()
                os._exit(code)
            sys.exit(code)
        return code


def _speak(argv: list[str]) -> None:
    """Speak the language asked for: a --lang anywhere on the line (so that the errors
    of a command given --lang are in it), then IPCOOP_LANG, then the locale. A bad
    IPCOOP_LANG is refused; a bad --lang is the command's to refuse."""
    from ipcoop.base import i18n
    from ipcoop.cli import compat

    compat.install()
    chosen = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        given = arg[7:] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            given = argv[i + 1]
        chosen = i18n.known(given) or chosen
    given = os.environ.get("IPCOOP_LANG", "").strip()
    if chosen is None:
        chosen = i18n.known(given) if given else i18n.locale_lang()
    if chosen is None:  # IPCOOP_LANG names no language ipcoop speaks
        i18n.use(i18n.locale_lang())  # refused in the locale's language
        # Help, the version and completion still answer: they are how one finds out.
        asking = {"-h", "--help", "--version"} & set(argv) or not argv
        if not asking and not any(k.endswith("_COMPLETE") for k in os.environ):
            from ipcoop.core.languages import parse_lang

            parse_lang(given, "IPCOOP_LANG")  # raises, saying what it may be
        chosen = i18n.current()
    i18n.use(chosen)


def _streams() -> None:
    """Standard streams as the messages need them: a closed one (2>&-) becomes a sink,
    and a terminal in a legacy encoding (Big5, GB2312) shows a character it lacks as
    '?' rather than failing on it (Hong Kong text holds 粵, Guangdong's 粤)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
            continue
        legacy = (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8"
        # Data written to a file or a pipe stays exact (a character the encoding lacks
        # fails the command, as before); only what a person reads is shown with '?'.
        if legacy and (name == "stderr" or stream.isatty()):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="replace")


def _error(message: str, warning: bool = False) -> None:
    from ipcoop.base.i18n import code_of
    from ipcoop.base.safe import sanitize

    # Messages quote user input: control characters are shown, never sent raw.
    # An error ends with its code ([E012]), the same in every language.
    code = None if warning else code_of(message)
    text = sanitize(message) + (f" [{code}]" if code else "")
    line = tr("Warning: {message}") if warning else tr("Error: {message}")
    # A stderr that cannot be written (a closed pipe, a full disk) leaves only the exit code.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(line.format(message=text) + "\n")
        sys.stderr.flush()


def _flush_stdout() -> None:
    sys.stdout.flush()


def _stdout_broken() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return False


def _failure(exc: BaseException, state: State) -> int:
    """Report a failure in one line; return the exit code.

    After a change was written, the command succeeded whatever fails next
    (its output to a full disk, say): exit 0, with a warning that says so.
    """
    from typer import TyperException

    from ipcoop.cli.compat import NoArgsIsHelpError, UsageError, click_message

    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else 0
    if state.committed and not isinstance(exc, IpcoopError):
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _error(
            tr("the change was saved, but what followed failed ({reason})").format(reason=reason),
            warning=True,
        )
        return 0
    if isinstance(exc, IpcoopError):
        _error(exc.message)
        return exc.exit_code
    if isinstance(exc, NoArgsIsHelpError):
        sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
        return 0
    if isinstance(exc, UsageError):
        message = click_message(exc.format_message(), getattr(exc, "message", None))
        if exc.ctx:
            message = tr("{message} (see '{command} --help')").format(
                message=message, command=exc.ctx.command_path
            )
        _error(message)
        return EXIT_USAGE
    if isinstance(exc, TyperException):
        _error(click_message(exc.format_message(), getattr(exc, "message", None)))
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        _error(tr("aborted; nothing was changed"))
        return EXIT_FAILED
    if isinstance(exc, KeyboardInterrupt):
        _error(tr("interrupted; nothing was changed"))
        return 130
    if isinstance(exc, BrokenPipeError):
        # The reader went away (ipcoop list | head): not an error of ours.
        return 0
    if isinstance(exc, OSError) and exc.filename is None:
        _error(
            tr("cannot write the output: {value}; nothing was changed").format(
                value=exc.strerror or exc
            )
        )
        return EXIT_FAILED
    if isinstance(exc, UnicodeEncodeError) and not state.committed:
        _error(
            tr(
                "the output's encoding ({encoding}) cannot hold {char!r}; use a UTF-8 "
                "locale or PYTHONIOENCODING=utf-8; nothing was changed"
            ).format(encoding=exc.encoding, char=exc.object[exc.start : exc.end])
        )
        return EXIT_FAILED
    if os.environ.get("IPCOOP_DEBUG"):
        raise exc
    _error(
        tr(
            "unexpected failure ({name}: {exc}); nothing was changed. Please "
            "report it; IPCOOP_DEBUG=1 shows the details"
        ).format(name=type(exc).__name__, exc=exc)
    )
    return EXIT_FAILED


app = typer.Typer(
    cls=IpcoopGroup,
    name="ipcoop",
    help=(
        "Track the co-operation projects of the Guangdong/Hong Kong Expert Group "
        "on the Protection of Intellectual Property Rights.\n\n"
        "Example: ipcoop list --year 2020 --status open"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ipcoop {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="IPCOOP_DB",
            metavar="FILE",
            help="The database file (default: ipcoop.json in the user data folder).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Track the Expert Group's co-operation projects."""
    set_database(ctx, db)
