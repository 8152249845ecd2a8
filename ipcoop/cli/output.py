"""Output: data to stdout (escaped on a terminal, exact in pipes and files), messages to stderr."""

from __future__ import annotations

import sys
from pathlib import Path

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr


def say(message: str) -> None:
    sys.stderr.write(message + "\n")


def confirm(question: str) -> bool:
    """A yes-or-no question on stderr, answered on stdin: y or yes (是) says yes; n, no
    (否) or Enter alone says no; anything else asks again. No input left: aborted."""
    import typer

    yes, no = {"y", "yes", "是", "好"}, {"", "n", "no", "否", "不"}
    while True:
        sys.stderr.write(question + tr(" [y/N]: "))
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stderr.write("\n")
            raise typer.Abort()
        answer = line.strip().lower()
        if answer in yes or answer in no:
            return answer in yes
        say(tr("Please answer y or n."))


def notes(lines: list[str]) -> None:
    """What a person may want to know after a change: a line each, on stderr."""
    for line in lines:
        say(tr("Note: {line}.").format(line=line))


def emit(content: str | bytes, output: str | Path | None = None) -> None:
    """Text or a binary document (Word) to stdout or, atomically, to `output`."""
    from ipcoop.reports import render

    if output is not None and str(output) == "-":
        output = None  # '-' is standard output, as usual
    if output is None and isinstance(content, bytes):
        if sys.stdout.isatty():
            raise IpcoopError(
                tr("a Word or Excel file is not for a terminal; give --output FILE.docx or .xlsx")
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    if output is None:
        assert isinstance(content, str)
        if sys.stdout.isatty():
            # Data is kept exact in files and pipes; a terminal gets no raw controls.
            from ipcoop.base.safe import terminal_safe

            content = terminal_safe(content)
        render.write(sys.stdout, content)
        return
    from ipcoop.core.database import write_output

    if not str(output).strip():
        raise IpcoopError(tr("--output is empty; give a file name"))
    output = Path(output)
    write_output(output, content)
    say(tr("Wrote {output}").format(output=output))


# File name endings and the formats they mean.
SUFFIXES = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".docx": "docx",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".ics": "ics",
    # Files of other programs, which no command writes: refused, not filled with text.
    **{f".{ext}": ext for ext in ("xls", "xlsm", "ods", "odt", "doc", "rtf", "pdf")},
    **{f".{ext}": ext for ext in ("png", "jpg", "jpeg", "gif", "xml", "zip", "pptx")},
}


def choose_format(fmt: str | None, output: str | None, formats: tuple[str, ...], plain: str) -> str:
    """The format asked for, else the one the output file's name says, else `plain`.

    `--output report.docx` alone writes Word; a --format that contradicts the
    name is refused rather than writing, say, text into a .docx file."""
    named = SUFFIXES.get(Path(output).suffix.lower()) if output and output != "-" else None
    text = ("md", "table", "txt", "json", "csv", "html", "svg")
    if named == "txt" and fmt is not None and fmt.strip().lower() in text:
        named = None  # any text format asked for may go into a .txt file
    elif named == "txt" and "txt" not in formats and "table" in formats:
        named = "table"  # a terminal table saved as text
    if named is not None and named not in formats and named != plain:
        raise IpcoopError(
            tr(
                "{name} names a .{lstrip} file, which this command does not write; choose {items}"
            ).format(
                name=Path(str(output)).name,
                lstrip=Path(str(output)).suffix.lower().lstrip("."),
                items=", ".join(formats),
            )
        )
    if fmt is None:
        chosen = named if named in formats else plain
    else:
        chosen = fmt.strip().lower()
        if chosen not in formats:
            raise IpcoopError(
                tr("unknown format {fmt!r}; choose {items}").format(
                    fmt=fmt, items=", ".join(formats)
                )
            )
        if named is not None and named != chosen and named in formats:
            raise IpcoopError(
                tr(
                    "--format {chosen} but the file is named {name}; give --format "
                    "{named}, or a name ending in .{chosen}"
                ).format(chosen=chosen, name=Path(str(output)).name, named=named)
            )
    return chosen
