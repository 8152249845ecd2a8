"""Moving projects in and out: reading import files (JSON or CSV) into checked records.

Export writes what `list --json` prints, or CSV with one column per field.
Import takes either back, all or nothing: every record is checked before
anything is stored, and the first bad one is named by its position (JSON)
or row (CSV) and its field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipcoop.base import models
from ipcoop.base.dates import parse_sheet_date
from ipcoop.base.errors import InvalidValue, IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.core import interchange

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project

# Columns an import may carry; id, created and updated are accepted and ignored.
IMPORT_FIELDS = set(models.PROJECT_FIELDS) | set(models.CSV_FIELDS)
# Kept by the copy that holds them: an import neither adds nor takes away progress notes
# (signed by the copy that wrote them) or links; the columns export writes are ignored.
KEPT = ("progress", "links")
REQUIRED = ("title", "area", "year")
CSV_BOM = "\ufeff"


def export_text(projects: list[Project], fmt: str) -> str:
    if fmt == "json":
        return interchange.to_json_records(projects)
    if fmt == "csv":
        # The byte-order mark makes spreadsheets read the file as UTF-8.
        return CSV_BOM + interchange.to_csv(projects)
    raise InvalidValue(tr("unknown format {fmt!r}; choose json or csv").format(fmt=fmt))


# An export of 50,000 projects is about 25 MB; a file far beyond that is not a sheet.
MAX_IMPORT_BYTES = 512 * 1024 * 1024


def _read_sheet(path: Path) -> bytes:
    """A regular file's bytes: a FIFO would wait for ever, /dev/zero never ends."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise IpcoopError(
                tr("{path} is not a regular file (a device, FIFO or socket)").format(path=path)
            )
        if info.st_size > MAX_IMPORT_BYTES:
            raise IpcoopError(
                tr("{path} is {value} MB; ipcoop imports files of up to {value2} MB").format(
                    path=path, value=info.st_size // 2**20, value2=MAX_IMPORT_BYTES // 2**20
                )
            )
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read(MAX_IMPORT_BYTES + 1)
    finally:
        os.close(fd)


def read_import(path: Path) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """Read an import file: (format, [(where, raw record)]) where `where` names it."""
    try:
        raw = _read_sheet(path)
    except FileNotFoundError:
        raise IpcoopError(tr("no such file: {path}").format(path=path)) from None
    except IsADirectoryError:
        raise IpcoopError(tr("{path} is a folder, not a file").format(path=path)) from None
    except OSError as exc:
        raise IpcoopError(
            tr("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
    except ValueError:  # a NUL in the name
        raise IpcoopError(tr("{path!r} is not a file name").format(path=str(path))) from None
    if path.suffix.lower() in (".xlsx", ".xls", ".xlsm") or raw.startswith(
        (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
    ):
        from ipcoop.core import workbook

        return "xlsx", [(where, _from_cells(cells)) for where, cells in workbook.read(path)]
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IpcoopError(
            tr("{path} is not UTF-8 text; save it as UTF-8 and try again").format(path=path)
        ) from None
    stripped = content.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("[", "{")):
        return "json", _json_records(content, path)
    return "csv", _csv_records(content, path)


def _json_records(content: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise IpcoopError(
            tr("{path} is not valid JSON ({msg} at line {lineno} column {colno})").format(
                path=path, msg=exc.msg, lineno=exc.lineno, colno=exc.colno
            )
        ) from None
    except RecursionError:
        raise IpcoopError(
            tr("{path} is nested too deeply to be a list of projects").format(path=path)
        ) from None
    except ValueError as exc:  # a number of thousands of digits
        raise IpcoopError(
            tr("{path} holds a value that cannot be read ({exc})").format(path=path, exc=exc)
        ) from None
    if not isinstance(data, list):
        raise IpcoopError(
            tr("{path} must hold a JSON array of projects, as 'ipcoop export' writes").format(
                path=path
            )
        )
    records = []
    for position, item in enumerate(data, start=1):
        where = tr("record {position}").format(position=position)
        if not isinstance(item, dict):
            raise IpcoopError(tr("{path}: {where} is not an object").format(path=path, where=where))
        _check_fields(item.keys(), where, path)
        records.append((where, item))
    return records


def _csv_records(content: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    import csv
    import io

    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise IpcoopError(
            tr("{path} is not valid CSV ({exc})").format(path=path, exc=exc)
        ) from None
    if not rows:
        raise IpcoopError(
            tr("{path} is empty; it needs a header row (title,area,year,...)").format(path=path)
        )
    header = [h.strip().lower() for h in rows[0]]
    _check_fields(header, "the header row", path)
    if len(set(header)) != len(header):
        raise IpcoopError(tr("{path}: the header row names a column twice").format(path=path))
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = tr("row {number}").format(number=number)
        if len(row) != len(header):
            raise IpcoopError(
                tr("{path}: {where} has {count} cells but the header has {count2}").format(
                    path=path, where=where, count=len(row), count2=len(header)
                )
            )
        cells = {name: interchange.restore(cell) for name, cell in zip(header, row, strict=True)}
        records.append((where, _from_cells(cells)))
    return records


def _from_cells(cells: dict[str, str]) -> dict[str, Any]:
    """A sheet's row (CSV or workbook, as text) as a record."""
    record: dict[str, Any] = {name: _from_cell(name, cell) for name, cell in cells.items()}
    # A field a sheet holds in columns of its own (the Chinese forms of the title, the
    # phrases in each language): the forms whose columns the sheet has, a blank cell too
    # (a form may be cleared).
    for field, columns in models.CSV_COLUMNS.items():
        tags = ("zh-hk", "zh-cn") if field == "titles" else ("en", "zh-hk", "zh-cn")
        given = {
            tag: record.pop(column) or None
            for tag, column in zip(tags, columns, strict=True)
            if column in record
        }
        if given:
            record[field] = given
    return record


def _from_cell(name: str, cell: str) -> Any:
    if name == "agencies":
        # Spreadsheets separate codes every which way: HKIPD;GDAMR, HKIPD, GDAMR, HKIPD/GDAMR.
        return [code for code in re.split(r"[;,/\s]+", cell) if code]
    if name in ("id", "uuid", "created", "updated", *models.DATE_FIELDS):
        return cell.strip() or None
    if name == "converted":
        return [tag for tag in re.split(r"[;,/\s]+", cell) if tag]
    return cell


def _check_fields(names: Iterable[str], where: str, path: Path) -> None:
    names = list(names)
    if where != "the header row" and IMPORT_FIELDS.issuperset(names):
        return  # the usual record: every field known, nothing required here
    unknown = [n for n in names if n not in IMPORT_FIELDS]
    if unknown:
        raise IpcoopError(
            tr("{path}: {where} has the unknown field {unknown!r} (fields: {items})").format(
                path=path, where=where, unknown=unknown[0], items=", ".join(models.PROJECT_FIELDS)
            )
        )
    if where == "the header row":
        missing = [n for n in REQUIRED if n not in names]
        if missing:
            raise IpcoopError(
                tr("{path}: the header row has no {missing!r} column").format(
                    path=path, missing=missing[0]
                )
            )


def check_records(
    records: list[tuple[str, dict[str, Any]]],
    area_keys: list[str],
    member_codes: list[str],
    stamp: str,
    tick: Callable[[], None] | None = None,
    area_names: dict[str, str] | dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """Validate every record; return them ready to store, or raise naming the first bad one."""
    checked = []
    names = {  # an area by any of its names, English or Chinese
        name.strip().casefold(): key
        for key, given in (area_names or {}).items()
        for name in ([given] if isinstance(given, str) else given)
    }
    known_areas, known_codes = set(area_keys), set(member_codes)
    for where, raw in records:
        for name in REQUIRED:
            if raw.get(name) in (None, ""):
                raise InvalidValue(
                    tr("{where}: the field {name!r} is missing").format(where=where, name=name)
                )
        status = raw.get("status") or "planned"
        record = {k: v for k, v in raw.items() if k not in KEPT}
        record["status"] = status
        if status == "done" and not record.get("done_on"):
            record["done_on"] = None
        area = record.get("area")
        if isinstance(area, str) and area not in known_areas and area.strip().casefold() in names:
            record["area"] = names[area.strip().casefold()]  # an area given by its name
        try:
            for field in models.DATE_FIELDS:
                record[field] = parse_sheet_date(record.get(field), field)
            record["titles"], record["converted"] = _completed_forms(record)
            clean = models.validate_project(record, known_areas, known_codes)
        except InvalidValue as exc:
            raise InvalidValue(
                tr("{where}: {message}").format(where=where, message=exc.message)
            ) from None
        clean.update(created=stamp, updated=stamp)
        checked.append(clean)
        if tick is not None:
            tick()
    return checked


def _completed_forms(record: dict[str, Any]) -> tuple[dict, list[str]]:
    """The title's Chinese forms, the missing one converted from the other."""
    forms, converted = models.parse_forms(record.get("titles"), record.get("converted"))
    if forms["zh-hk"] is None and forms["zh-cn"] is None:
        return forms, converted  # the usual record: nothing to convert
    from ipcoop.core import languages

    for tag in languages.CHINESE:
        second = languages.other(tag)
        if forms[tag] is not None and forms[second] is None:
            forms[second] = languages.convert(forms[tag], second)
            converted.append(second)
    return forms, [t for t in languages.CHINESE if t in converted]
