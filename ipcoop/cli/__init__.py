"""The command line, in layers that only ever import downwards:

    app        the root command, the lazy command group, errors -> exit codes
    registry   which module holds each command (imported only when used)
    commands/  one module per group of commands: parse, call the core, render
    options    shared options, and completers that read the database in use
    context    which database, its first use, reading and writing it
    output     data to stdout, messages to stderr
    compat     the one import of a private Typer module, and Typer's words translated
    wrapping   help measured and wrapped by terminal cells (Chinese is two a character)

May import: ipcoop.core, ipcoop.reports, ipcoop.sync (to start a sync) and
ipcoop.base; the data file only through ipcoop.core.database. Nothing imports
it but `python -m ipcoop` (ipcoop/__main__.py). tests/test_layers.py keeps it so.
"""

from ipcoop.cli.app import app

__all__ = ["app"]
