"""The machine formats a project travels in: JSON records and CSV rows.

`export`, `list --json` and `list --format csv` write them; `import` reads them
back. A cell a spreadsheet would run as a formula is neutralised on the way
out and restored on the way in, so a round trip through Excel changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ipcoop.base import models

if TYPE_CHECKING:  # the record type, for readers and type checkers only
    from ipcoop.base.records import Project

# Characters a spreadsheet treats as the start of a formula.
FORMULA_START = ("=", "+", "-", "@")


def to_json_records(records: Sequence[Any]) -> str:
    """A JSON array of records, one record per line (as the data file keeps them):
    as easy to read and diff, and written by json's C encoder, three times faster
    than indenting every field."""
    if not records:
        return "[]\n"
    encode = json.JSONEncoder(ensure_ascii=False).encode
    return "[\n  " + ",\n  ".join(map(encode, records)) + "\n]\n"


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (restored by `restore`)."""
    if cell.startswith(FORMULA_START) or (
        cell.startswith("'") and len(cell) > 1 and cell[1] in (*FORMULA_START, "'")
    ):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    if cell.startswith("'") and len(cell) > 1 and cell[1] in (*FORMULA_START, "'"):
        return cell[1:]
    return cell


def csv_row(p: Project) -> list[Any]:
    """A project's cells in the order of models.CSV_FIELDS (tests hold the two together):
    text made safe for a spreadsheet, lists joined with ';', None left empty."""
    return [neutralise(c) if c.__class__ is str and c[:1] in _RISKY else c for c in cells(p)]


def cells(p: Project) -> list[Any]:
    """A project's values in the order of models.CSV_FIELDS, as a sheet holds them:
    lists joined with ';', notes and links one per line."""
    titles = p["titles"]
    return [
        p["id"],
        p["uuid"],
        p["title"],
        titles["zh-hk"],
        titles["zh-cn"],
        ";".join(p["converted"]),
        p["area"],
        p["year"],
        p["programme"],
        p["status"],
        "true" if p["key"] else "false",
        p["lead"],
        ";".join(p["agencies"]),
        p["notes"],
        "\n".join(f"{n['on']} {n['by']}: {n['text']}" for n in p["progress"]),
        "\n".join(
            f"{k['label']} <{k['url']}>" if k["label"] else str(k["url"]) for k in p["links"]
        ),
        *(p["phrases"].get(tag) for tag in ("en", "zh-hk", "zh-cn")),
        *(p["phrases_back"].get(tag) for tag in ("en", "zh-hk", "zh-cn")),
        p["starts_on"],
        p["ends_on"],
        p["done_on"],
        p["carried_to"],
        p["created"],
        p["updated"],
    ]


_RISKY = frozenset((*FORMULA_START, "'"))  # first characters that neutralise may change


def to_csv(projects: Sequence[Project]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(models.CSV_FIELDS)
    writer.writerows(map(csv_row, projects))
    return buffer.getvalue()
