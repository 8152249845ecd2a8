"""The command line: parse, call the core, render, exit code. Nothing else lives here."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ipcoop import __version__
from ipcoop.errors import EXIT_FAILED, EXIT_USAGE, IpcoopError

# --------------------------------------------------------------------------- plumbing


class State:
    """What the root callback learns, passed to every command through ctx.obj."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self.argv = argv or []
        self.db: Path | None = None  # --db or IPCOOP_DB; None means the default location
        self.db_problem: str | None = None
        self.committed = False  # a change was written: from here on, exit 0 whatever happens


def _error(message: str, label: str = "Error") -> None:
    from ipcoop.models import sanitize

    # Messages quote user input: control characters are shown, never sent raw.
    # A stderr that cannot be written (a closed pipe, a full disk) leaves only the exit code.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"{label}: {sanitize(message)}\n")
        sys.stderr.flush()


class IpcoopGroup(TyperGroup):
    """Runs the app and turns every failure into one 'Error: ...' line and an exit code.

    Commands are registered on `commands` and turned into Click commands only
    when used: Typer would otherwise inspect all twenty of them on every run
    (about 25 ms, more than the rest of a small command's work).
    """

    def _registry(self) -> dict[str, Any]:
        from typer.main import get_command_name

        found: dict[str, Any] = {}
        for info in commands.registered_commands:
            found[info.name or get_command_name(info.callback.__name__)] = info
        for group in commands.registered_groups:
            found[group.name] = group
        return found

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._registry())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        info = self._registry().get(cmd_name)
        if info is None:
            return None
        from typer import main as typer_main

        if isinstance(info, typer_main.TyperInfo):
            built = typer_main.get_group_from_info(
                info, pretty_exceptions_short=True, suggest_commands=True, rich_markup_mode=None
            )
        else:
            built = typer_main.get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )
        self.commands[cmd_name] = built
        return built

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of --help, from the docstrings, without building the commands."""
        import inspect

        from typer.main import TyperInfo

        rows = []
        for name, info in self._registry().items():
            if isinstance(info, TyperInfo):  # a group: its callback holds the help
                callback = info.typer_instance.registered_callback.callback
            else:
                callback = info.callback
            doc = inspect.getdoc(callback) or ""
            rows.append((name, doc.split("\n")[0]))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:

        argv = list(sys.argv[1:] if args is None else args)
        state = State(argv=argv)
        extra.setdefault("obj", state)
        code = 0
        try:
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
        if standalone_mode:
            if _stdout_broken():
                # Python would try the flush again at exit and print a traceback.
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.flush()
                os._exit(code)
            sys.exit(code)
        return code


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
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else 0
    if state.committed and not isinstance(exc, IpcoopError):
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _error(f"the change was saved, but what followed failed ({reason})", "Warning")
        return 0
    if isinstance(exc, IpcoopError):
        _error(exc.message)
        return exc.exit_code
    if isinstance(exc, NoArgsIsHelpError):
        sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
        return 0
    if isinstance(exc, UsageError):
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        _error(exc.format_message() + hint)
        return EXIT_USAGE
    if isinstance(exc, TyperException):
        _error(exc.format_message())
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        _error("aborted; nothing was changed")
        return EXIT_FAILED
    if isinstance(exc, KeyboardInterrupt):
        _error("interrupted; nothing was changed")
        return 130
    if isinstance(exc, BrokenPipeError):
        # The reader went away (ipcoop list | head): not an error of ours.
        return 0
    if isinstance(exc, OSError) and exc.filename is None:
        _error(f"cannot write the output: {exc.strerror or exc}; nothing was changed")
        return EXIT_FAILED
    if os.environ.get("IPCOOP_DEBUG"):
        raise exc
    _error(
        f"unexpected failure ({type(exc).__name__}: {exc}); nothing was changed. "
        "Please report it; IPCOOP_DEBUG=1 shows the details"
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


# The commands live here; IpcoopGroup builds each one only when it is called.
commands = typer.Typer(rich_markup_mode=None)


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
    state = ctx.ensure_object(State)
    if db is None and os.environ.get("IPCOOP_DB", "x").strip() == "":
        # Set but empty: most likely a script's variable gone missing. Using the
        # default database instead would write to the wrong place without a word.
        state.db_problem = "IPCOOP_DB is set but empty; unset it to use the default database"
    elif db is not None and not db.strip():
        state.db_problem = "--db is empty; give the database file's path"
    state.db = Path(db) if db is not None and db.strip() else None


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def db_path(ctx: typer.Context) -> tuple[Path, bool]:
    from ipcoop import store

    state = _state(ctx)
    if state.db_problem:
        from ipcoop.errors import DatabaseError

        raise DatabaseError(state.db_problem)
    db = state.db
    if db is not None:
        return db, True
    return store.default_path(), False


def ensure_default(path: Path, explicit: bool) -> None:
    """Create the default database from the bundled data on first use."""
    if explicit or path.exists():
        return
    from ipcoop import tracker

    try:
        count, _ = tracker.init_database(path, empty=False, force=False)
    except IpcoopError:
        if path.exists():  # another command created it first
            return
        raise
    say(f"Created a new database at {path} with {count} bundled projects.")


def reading(ctx: typer.Context) -> Any:
    from ipcoop import store

    path, explicit = db_path(ctx)
    ensure_default(path, explicit)
    return store.open_read(path)


@contextlib.contextmanager
def writing(ctx: typer.Context) -> Iterator[Any]:
    """The database opened for a change, committed at the end under the lock."""
    from ipcoop import models, store

    path, explicit = db_path(ctx)
    ensure_default(path, explicit)
    state = _state(ctx)
    with store.open_write(path) as db:
        yield db
        state.committed = db.commit(_command_line(state.argv), models.precise_stamp())
    for warning in db.warnings:
        say(f"Warning: {warning}")


def _command_line(argv: list[str]) -> str:
    """The command as typed, minus --db (the journal lives in that file anyway)."""
    import shlex

    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--db":
            skip = True
            continue
        if arg.startswith("--db="):
            continue
        kept.append(arg)
    return shlex.join(kept)


def saved(ctx: typer.Context) -> None:
    """Say that this command's change is on disk: from here on it exits 0 whatever fails."""
    _state(ctx).committed = True


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def say(message: str) -> None:
    sys.stderr.write(message + "\n")


def emit(content: str, output: str | Path | None = None) -> None:
    from ipcoop import render

    if output is None:
        if sys.stdout.isatty():
            # Data is kept exact in files and pipes; a terminal gets no raw controls.
            from ipcoop.models import terminal_safe

            content = terminal_safe(content)
        render.write(sys.stdout, content)
        return
    from ipcoop.store.files import write_output

    if not str(output).strip():
        raise IpcoopError("--output is empty; give a file name")
    output = Path(output)
    write_output(output, content)
    say(f"Wrote {output}")


# --------------------------------------------------------------------------- completion


def _completion_db(ctx: typer.Context) -> Any:
    """The database for completing a word: never created, and None if unusable."""
    from ipcoop import store

    try:
        return store.open_read(db_path(ctx)[0])
    except IpcoopError:
        return None


def complete_area(ctx: typer.Context, incomplete: str) -> list[str]:
    from ipcoop import tracker

    db = _completion_db(ctx)
    keys = [a["key"] for a in (db.areas() if db else tracker.bundled_areas())]
    return [k for k in keys if k.startswith(incomplete)]


def complete_agency(ctx: typer.Context, incomplete: str) -> list[str]:
    from ipcoop import tracker

    db = _completion_db(ctx)
    codes = [m["code"] for m in (db.members() if db else tracker.bundled_members())]
    return [c for c in codes if c.startswith(incomplete.upper())]


def complete_status(incomplete: str) -> list[str]:
    from ipcoop import models

    return [s for s in (*models.STATUSES, "open") if s.startswith(incomplete)]


def complete_lead(incomplete: str) -> list[str]:
    from ipcoop import models

    return [s for s in models.LEADS if s.startswith(incomplete)]


def complete_sort(incomplete: str) -> list[str]:
    from ipcoop import models

    names = [*models.SORT_FIELDS, *(f"-{f}" for f in models.SORT_FIELDS)]
    return [s for s in names if s.startswith(incomplete)]


def complete_format(incomplete: str) -> list[str]:
    return [f for f in ("table", "json", "csv", "md") if f.startswith(incomplete)]


AreaOpt = Annotated[
    str | None,
    typer.Option("--area", help="Area key, e.g. gba.", autocompletion=complete_area),
]
LeadOpt = Annotated[
    str | None,
    typer.Option("--lead", help="Lead side: gd, hk or joint.", autocompletion=complete_lead),
]
AgencyListOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        help="Member agency code (repeat for several), e.g. HKIPD.",
        autocompletion=complete_agency,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OutputOpt = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help="Write to this file (replaced whole, atomically, if it exists)."),
]
IdsArg = Annotated[list[str], typer.Argument(help="Project ids.", show_default=False)]


# Registering the commands, in the order --help lists them (each is built only
# when it is called, by IpcoopGroup).
from ipcoop.commands import projects, history, programme, programmes, data, sharing  # noqa: E402, F401, I001
