"""Output: data to stdout (escaped on a terminal, exact in pipes and files), messages to stderr."""

from __future__ import annotations

import sys
from pathlib import Path

from ipcoop.errors import IpcoopError


def say(message: str) -> None:
    sys.stderr.write(message + "\n")


def emit(content: str | bytes, output: str | Path | None = None) -> None:
    """Text or a binary document (Word) to stdout or, atomically, to `output`."""
    from ipcoop import render

    if output is None and isinstance(content, bytes):
        if sys.stdout.isatty():
            raise IpcoopError("a Word document is not for a terminal; give --output FILE.docx")
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    if output is None:
        assert isinstance(content, str)
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
