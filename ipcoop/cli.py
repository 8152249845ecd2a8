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


def _error(message: str) -> None:
    from ipcoop.models import sanitize

    # Messages quote user input: control characters are shown, never sent raw.
    sys.stderr.write(f"Error: {sanitize(message)}\n")
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
        from typer import TyperException
        from typer._click.exceptions import NoArgsIsHelpError, UsageError

        argv = list(sys.argv[1:] if args is None else args)
        extra.setdefault("obj", State(argv=argv))
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
        except IpcoopError as exc:
            _error(exc.message)
            code = exc.exit_code
        except NoArgsIsHelpError as exc:
            sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx else "")
            code = 0
        except UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _error(exc.format_message() + hint)
            code = EXIT_USAGE
        except TyperException as exc:
            _error(exc.format_message())
            code = exc.exit_code
        except typer.Abort:
            _error("aborted; nothing was changed")
            code = EXIT_FAILED
        except KeyboardInterrupt:
            _error("interrupted; nothing was changed")
            code = 130
        except BrokenPipeError:
            # The reader went away (ipcoop list | head): not an error of ours.
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            code = 0
        except Exception as exc:
            if os.environ.get("IPCOOP_DEBUG"):
                raise
            _error(
                f"unexpected failure ({type(exc).__name__}: {exc}); nothing was changed. "
                "Please report it; IPCOOP_DEBUG=1 shows the details"
            )
            code = EXIT_FAILED
        if standalone_mode:
            sys.exit(code)
        return code


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
        Path | None,
        typer.Option(
            "--db",
            envvar="IPCOOP_DB",
            help="The database file (default: ipcoop.json in the user data folder).",
            dir_okay=False,
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
    state.db = db


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def _path(ctx: typer.Context) -> tuple[Path, bool]:
    from ipcoop import store

    db = _state(ctx).db
    if db is not None:
        return db.expanduser(), True
    return store.default_path(), False


def _ensure_default(path: Path, explicit: bool) -> None:
    """Create the default database from the bundled data on first use."""
    if explicit or path.exists():
        return
    from ipcoop import tracker

    with contextlib.suppress(IpcoopError):
        count, _ = tracker.init_database(path, empty=False, force=False)
        _note(f"Created a new database at {path} with {count} bundled projects.")


def reading(ctx: typer.Context) -> Any:
    from ipcoop import store

    path, explicit = _path(ctx)
    _ensure_default(path, explicit)
    return store.open_read(path)


@contextlib.contextmanager
def writing(ctx: typer.Context) -> Iterator[Any]:
    """The database opened for a change, committed at the end under the lock."""
    from ipcoop import models, store

    path, explicit = _path(ctx)
    _ensure_default(path, explicit)
    with store.open_write(path) as db:
        yield db
        db.commit(_command_line(_state(ctx).argv), models.now_stamp())


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


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _note(message: str) -> None:
    sys.stderr.write(message + "\n")


def _emit(content: str, output: Path | None = None) -> None:
    from ipcoop import render

    if output is None:
        render.write(sys.stdout, content)
        return
    try:
        output.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise IpcoopError(f"cannot write {output}: {exc.strerror}") from None
    _note(f"Wrote {output}")


# --------------------------------------------------------------------------- completion


def _complete_area(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        keys = [a["key"] for a in reading(ctx).areas()]
    except Exception:
        from ipcoop import tracker

        keys = [a["key"] for a in tracker.bundled_areas()]
    return [k for k in keys if k.startswith(incomplete)]


def _complete_agency(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        codes = [m["code"] for m in reading(ctx).members()]
    except Exception:
        from ipcoop import tracker

        codes = [m["code"] for m in tracker.bundled_members()]
    return [c for c in codes if c.startswith(incomplete.upper())]


def _complete_status(incomplete: str) -> list[str]:
    from ipcoop import models

    return [s for s in (*models.STATUSES, "open") if s.startswith(incomplete)]


def _complete_lead(incomplete: str) -> list[str]:
    from ipcoop import models

    return [s for s in models.LEADS if s.startswith(incomplete)]


def _complete_sort(incomplete: str) -> list[str]:
    from ipcoop import models

    names = [*models.SORT_FIELDS, *(f"-{f}" for f in models.SORT_FIELDS)]
    return [s for s in names if s.startswith(incomplete)]


def _complete_format(incomplete: str) -> list[str]:
    return [f for f in ("table", "json", "csv", "md") if f.startswith(incomplete)]


AreaOpt = Annotated[
    str | None,
    typer.Option("--area", help="Area key, e.g. gba.", autocompletion=_complete_area),
]
LeadOpt = Annotated[
    str | None,
    typer.Option("--lead", help="Lead side: gd, hk or joint.", autocompletion=_complete_lead),
]
AgencyListOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        help="Member agency code (repeat for several), e.g. HKIPD.",
        autocompletion=_complete_agency,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdsArg = Annotated[list[str], typer.Argument(help="Project ids.", show_default=False)]


# --------------------------------------------------------------------------- commands


@commands.command()
def init(
    ctx: typer.Context,
    empty: Annotated[
        bool, typer.Option("--empty", help="No projects; just the areas and members.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing database (kept as .bak).")
    ] = False,
) -> None:
    """Create a new database with the bundled 2019 review and 2020 programme.

    Example: ipcoop --db team.json init --empty
    """
    from ipcoop import tracker

    path, _ = _path(ctx)
    count, note = tracker.init_database(path, empty=empty, force=force)
    _note(f"Created {path} with {count} projects." + (f" ({note})" if note else ""))


@commands.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        str | None, typer.Option("--year", help="A year or a range: 2020 or 2019-2020.")
    ] = None,
    area: AreaOpt = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="planned, active, done, dropped, or open (= planned,active); repeatable.",
            autocompletion=_complete_status,
        ),
    ] = None,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only unfinished projects (planned or active).")
    ] = False,
    key: Annotated[
        bool | None,
        typer.Option("--key/--not-key", help="Only key projects (or only the others)."),
    ] = None,
    lead: LeadOpt = None,
    agency: Annotated[
        str | None,
        typer.Option("--agency", help="Member agency code.", autocompletion=_complete_agency),
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Text to find in titles and notes.")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort", help="Field to sort by; prefix - to reverse.", autocompletion=_complete_sort
        ),
    ] = "id",
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="table, json, csv or md.", autocompletion=_complete_format
        ),
    ] = "table",
    as_json: JsonOpt = False,
) -> None:
    """List projects, filtered and sorted.

    Example: ipcoop list --year 2020 --area gba --status open --sort -year
    """
    from ipcoop import render, tracker

    fmt = "json" if as_json else fmt.lower()
    if fmt not in ("table", "json", "csv", "md"):
        raise IpcoopError(f"unknown format {fmt!r}; choose table, json, csv or md")
    db = reading(ctx)
    filters = tracker.make_filters(
        db,
        year=year,
        area=area,
        status=status or (),
        key=key,
        lead=lead,
        agency=agency,
        search=search,
        sort=sort,
        open_only=open_only,
    )
    projects = tracker.select(db.rows(), filters)
    if fmt != "table":
        from ipcoop.store import shape

        projects = [shape(p) for p in projects]
    if fmt == "json":
        _emit(render.to_json(projects))
    elif fmt == "csv":
        _emit(render.to_csv(projects))
    elif fmt == "md":
        _emit(render.to_markdown(projects))
    elif not projects:
        _note("No projects match.")
    else:
        render.print_projects(projects)


@commands.command()
def show(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(metavar="ID", help="Project id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one project in full.

    Example: ipcoop show 12 --json
    """
    from ipcoop import render, tracker

    (pid,) = tracker.parse_ids([project_id])
    db = reading(ctx)
    (project,) = tracker.require_projects(db, [pid])
    if as_json:
        _emit(render.to_json(project))
        return
    areas = {a["key"]: a["name"] for a in db.areas()}
    members = {m["code"]: m["name"] for m in db.members()}
    render.print_project(project, areas.get(project["area"], "?"), members)


@commands.command()
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The project's title (any text).")],
    area: Annotated[
        str, typer.Option("--area", help="Area key, e.g. gba.", autocompletion=_complete_area)
    ],
    year: Annotated[str, typer.Option("--year", help="Programme year, e.g. 2020.")],
    key: Annotated[bool, typer.Option("--key", help="Mark it a key project.")] = False,
    lead: Annotated[
        str, typer.Option("--lead", help="gd, hk or joint.", autocompletion=_complete_lead)
    ] = "joint",
    agency: AgencyListOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    status: Annotated[
        str,
        typer.Option("--status", help="Initial status.", autocompletion=_complete_status),
    ] = "planned",
    as_json: JsonOpt = False,
) -> None:
    """Add a project; prints its new id.

    Example: ipcoop add "IP seminar for SMEs" --area guidance --year 2021 --agency HKIPD
    """
    from ipcoop import render, tracker

    with writing(ctx) as db:
        project = tracker.add_project(
            db,
            title=title,
            area=area,
            year=year,
            key=key,
            lead=lead,
            agencies=agency or (),
            note=note,
            status=status,
        )
    _emit(render.to_json(project) if as_json else f"{project['id']}\n")


@commands.command()
def edit(
    ctx: typer.Context,
    project_id: Annotated[str, typer.Argument(metavar="ID", help="Project id.")],
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    area: AreaOpt = None,
    year: Annotated[str | None, typer.Option("--year", help="New programme year.")] = None,
    key: Annotated[
        bool | None, typer.Option("--key/--no-key", help="Set or clear the key flag.")
    ] = None,
    lead: LeadOpt = None,
    agency: AgencyListOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Replace the notes.")] = None,
) -> None:
    """Change fields of a project; each option replaces the field it names.

    --agency given again replaces the whole list. Example: ipcoop edit 12 --year 2021 --key
    """
    from ipcoop import tracker

    (pid,) = tracker.parse_ids([project_id])
    given = {
        "title": title,
        "area": area,
        "year": year,
        "key": key,
        "lead": lead,
        "agencies": agency,
        "notes": note,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    with writing(ctx) as db:
        project = tracker.edit_project(db, pid, changes)
    _note(f"Updated project {project['id']}.")


def _status_command(ctx: typer.Context, ids: list[str], action: str, **kwargs: Any) -> None:
    from ipcoop import tracker

    parsed = tracker.parse_ids(ids)
    with writing(ctx) as db:
        projects = tracker.change_status(db, parsed, action, **kwargs)
    word = {"start": "Started", "done": "Done", "reopen": "Reopened", "drop": "Dropped"}[action]
    _note(f"{word}: " + ", ".join(str(p["id"]) for p in projects))


@commands.command()
def start(ctx: typer.Context, ids: IdsArg) -> None:
    """Mark projects active.

    Example: ipcoop start 3 4
    """
    _status_command(ctx, ids, "start")


@commands.command()
def done(
    ctx: typer.Context,
    ids: IdsArg,
    on: Annotated[
        str | None, typer.Option("--on", help="The date it was done, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Mark projects done.

    Example: ipcoop done 3 4 --on 2020-11-30
    """
    _status_command(ctx, ids, "done", on=on)


@commands.command()
def reopen(ctx: typer.Context, ids: IdsArg) -> None:
    """Mark projects planned again and clear their done date.

    Example: ipcoop reopen 3
    """
    _status_command(ctx, ids, "reopen")


@commands.command()
def drop(
    ctx: typer.Context,
    ids: IdsArg,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why; added to the notes.")
    ] = None,
) -> None:
    """Mark projects dropped (they no longer count against progress).

    Example: ipcoop drop 7 --reason "merged into 8"
    """
    _status_command(ctx, ids, "drop", reason=reason)


@commands.command()
def remove(
    ctx: typer.Context,
    ids: IdsArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete projects for good (undo can bring them back). Their ids are never reused.

    Example: ipcoop remove 7 --yes
    """
    from ipcoop import tracker

    parsed = tracker.parse_ids(ids)
    if not yes:
        projects = tracker.require_projects(reading(ctx), parsed)
        if not _stdin_is_terminal():
            raise IpcoopError(
                "refusing to remove projects without confirmation; pass --yes "
                "(nothing was changed)"
            )
        from ipcoop import models

        for p in projects:
            _note(f"  {p['id']}  {models.sanitize(p['title'])}")
        noun = "project" if len(projects) == 1 else f"{len(projects)} projects"
        if not typer.confirm(f"Remove {noun}?", err=True):
            raise typer.Abort()
    with writing(ctx) as db:
        removed = tracker.remove_projects(db, parsed)
    _note("Removed: " + ", ".join(str(p["id"]) for p in removed))


@commands.command()
def undo(ctx: typer.Context) -> None:
    """Revert the last changing command, whole. Run it again to go further back.

    Example: ipcoop undo
    """
    from ipcoop import models, tracker

    with writing(ctx) as db:
        entry = tracker.undo(db)
    _note(f"Undid: {models.sanitize(entry['command'])} ({entry['at']})")


@commands.command()
def log(
    ctx: typer.Context,
    project_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only changes to this project.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the history of changes, newest first.

    Example: ipcoop log 12
    """
    from ipcoop import render, tracker

    db = reading(ctx)
    pid = None
    if project_id is not None:
        (pid,) = tracker.parse_ids([project_id])
    entries = tracker.log_entries(db, pid)
    if as_json:
        _emit(render.to_json(entries))
    elif not entries:
        _note("No changes recorded." if pid is None else f"No recorded changes to {pid}.")
    else:
        render.print_log(entries)


areas_app = typer.Typer(cls=TyperGroup, rich_markup_mode=None)
commands.add_typer(areas_app, name="areas")


@areas_app.callback(invoke_without_command=True)
def areas(
    ctx: typer.Context,
    year: Annotated[str | None, typer.Option("--year", help="Figures for one year.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the areas with their project counts and progress.

    Example: ipcoop areas --year 2020
    """
    if ctx.invoked_subcommand is not None:
        return
    from ipcoop import models, render, tracker

    the_year = models.parse_year(year) if year is not None else None
    rows = tracker.area_table(reading(ctx), the_year)
    if as_json:
        _emit(render.to_json(rows))
    else:
        render.print_areas(rows, the_year)


FromOpt = Annotated[
    str | None, typer.Option("--from", help="First programme year it is in force.")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Last programme year it is in force.")
]


@areas_app.command("add")
def areas_add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Short key, e.g. culture.")],
    name: Annotated[str, typer.Argument(help="The area's name as the programme gives it.")],
    start: FromOpt = None,
    until: UntilOpt = None,
) -> None:
    """Add an area, optionally in force only for some years.

    Example: ipcoop areas add smes "Supporting SMEs on IP" --from 2016 --until 2018
    """
    from ipcoop import tracker

    with writing(ctx) as db:
        area = tracker.add_area(db, key, name, start, until)
    _note(f"Added area {area['key']}.")


@areas_app.command("edit")
def areas_edit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The area's key.", autocompletion=_complete_area)],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    start: FromOpt = None,
    until: UntilOpt = None,
) -> None:
    """Rename an area or change its years; its projects stay with it.

    --from or --until given as "" removes that bound.
    Example: ipcoop areas edit guidance --until 2021
    """
    from ipcoop import tracker

    with writing(ctx) as db:
        area = tracker.edit_area(db, key, name, start, until)
    _note(f"Updated area {area['key']}.")


@areas_app.command("remove")
def areas_remove(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The area's key.", autocompletion=_complete_area)],
) -> None:
    """Remove an area that no project uses.

    Example: ipcoop areas remove culture
    """
    from ipcoop import tracker

    with writing(ctx) as db:
        tracker.remove_area(db, key)
    _note(f"Removed area {key}.")


SUMMARY_FORMATS = ("table", "json", "md", "html", "svg")


@commands.command()
def summary(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="[PERIOD]", help="A year (2020) or a range (2022-2023); default: the latest."
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="table, json, md, html or svg.",
            autocompletion=lambda incomplete: [
                f for f in SUMMARY_FORMATS if f.startswith(incomplete)
            ],
        ),
    ] = "table",
    as_json: JsonOpt = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.", dir_okay=False)
    ] = None,
) -> None:
    """The year-end summary: progress overall and by area, key projects, change on the year before.

    Example: ipcoop summary 2020 --format md --output summary-2020.md
    """
    from ipcoop import report, tracker

    fmt = "json" if as_json else fmt.lower()
    if fmt not in SUMMARY_FORMATS:
        raise IpcoopError(f"unknown format {fmt!r}; choose {', '.join(SUMMARY_FORMATS)}")
    figures = tracker.summary_for(reading(ctx), period)
    if fmt == "table" and output is None:
        report.print_terminal(figures)
        return
    writers = {
        "json": report.to_json,
        "md": report.to_markdown,
        "html": report.to_html,
        "svg": report.to_svg,
        "table": report.to_text,
    }
    _emit(writers[fmt](figures), output)


@commands.command()
def carry(
    ctx: typer.Context,
    from_year: Annotated[str, typer.Argument(metavar="FROM_YEAR", help="The year to carry from.")],
    to: Annotated[
        str | None, typer.Option("--to", help="The year to carry into (default: the next).")
    ] = None,
) -> None:
    """Copy the unfinished projects of a year into the next programme year.

    Area, key flag, lead and agencies are kept; each copy notes where it came from.
    Running it again copies nothing twice. Example: ipcoop carry 2020 --to 2021
    """
    from ipcoop import tracker

    with writing(ctx) as db:
        copies, skipped, warnings = tracker.carry_over(db, from_year, to)
    for warning in warnings:
        _note(f"Warning: {warning}")
    if skipped:
        _note(f"Already carried: {', '.join(str(p['id']) for p in skipped)}")
    if copies:
        _note(f"Carried {len(copies)} project(s): " + ", ".join(
            f"{c['notes'].split()[4]} -> {c['id']}" for c in copies
        ))
    else:
        _note("Nothing to carry.")


@commands.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json (as list --json prints) or csv (one column per field).",
            autocompletion=lambda incomplete: [
                f for f in ("json", "csv") if f.startswith(incomplete)
            ],
        ),
    ] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.", dir_okay=False)
    ] = None,
) -> None:
    """Write every project out, for a spreadsheet or another database.

    Example: ipcoop export --format csv --output projects.csv
    """
    from ipcoop import transfer

    _emit(transfer.export_text(reading(ctx).projects(), fmt.lower()), output)


@commands.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .json or .csv file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and say what would be imported.")
    ] = False,
) -> None:
    """Add the projects of a JSON or CSV file (as export writes them), all or nothing.

    Records need no id, created or updated; each gets a new id.
    Example: ipcoop import projects.csv --dry-run
    """
    from ipcoop import models, transfer

    fmt, records = transfer.read_import(file)
    db = reading(ctx)
    with _progress(len(records), "Checking") as tick:
        checked = transfer.check_records(
            records,
            [a["key"] for a in db.areas()],
            [m["code"] for m in db.members()],
            models.now_stamp(),
            tick,
        )
    years = sorted({r["year"] for r in checked})
    span = f" ({years[0]}-{years[-1]})" if len(years) > 1 else f" ({years[0]})" if years else ""
    if dry_run:
        _note(f"Would import {len(checked)} project(s){span} from {file} ({fmt}); nothing changed.")
        return
    if not checked:
        _note(f"{file} holds no projects; nothing imported.")
        return
    with writing(ctx) as db:
        ids = db.insert_projects(checked)
    _note(f"Imported {len(ids)} project(s){span}: ids {ids[0]}-{ids[-1]}.")


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Any]:
    """A progress bar on stderr for long jobs, only when stderr is a terminal."""
    if total < 2000 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from ipcoop import render

    with Progress(console=render.console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


@commands.command()
def check(
    ctx: typer.Context,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put the .bak (the version before) back in place.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --restore.")] = False,
) -> None:
    """Verify the database file and say what is wrong and how to recover.

    Exit 0: sound; 1: readable with problems; 3: unusable.
    Example: ipcoop check --restore
    """
    from ipcoop import store
    from ipcoop.errors import DatabaseError

    path, explicit = _path(ctx)
    if restore:
        bak = store.backup_path(path)
        if not yes:
            if not _stdin_is_terminal():
                raise IpcoopError("refusing to restore without confirmation; pass --yes")
            if not typer.confirm(f"Replace {path} with {bak}?", err=True):
                raise typer.Abort()
        aside = store.restore_backup(path)
        kept = f"; the file it replaced is kept as {aside}" if aside else ""
        _note(f"Restored {path} from {bak}{kept}.")
        return
    _ensure_default(path, explicit)
    try:
        data, problems = store.check_file(path)
    except DatabaseError as exc:
        bak = store.backup_path(path)
        if bak.exists():
            exc.message += f". 'ipcoop --db {path} check --restore' puts {bak.name} back"
        raise
    projects = len(data["projects"])
    if problems:
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        raise IpcoopError(
            f"{path} has {len(problems)} problem(s), listed above; fix them by hand, "
            f"or 'ipcoop --db {path} check --restore' to go back to the version before"
        )
    sys.stdout.write(
        f"{path}: sound (schema {data['_meta']['1']['schema']}, {projects} projects, "
        f"next id {data['_meta']['1']['next_id']})\n"
    )


@commands.command()
def members(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the member agencies and their codes (for --agency).

    Example: ipcoop members --json
    """
    from ipcoop import render

    rows = [
        {"code": m["code"], "name": m["name"], "side": m["side"]} for m in reading(ctx).members()
    ]
    if as_json:
        _emit(render.to_json(rows))
    else:
        render.print_members(rows)
