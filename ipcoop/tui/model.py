"""What the screen shows, made from the database without Textual: the programme's
rows as filtered, the figures in the header, a project's details and history, and
the filter line read into `list`'s own filters.

The filter line takes words and `name:value` pairs: `area:gba status:open key
lead:hk agency:HKIPD 粵港`. Values may be typed in Chinese as on the command
line (狀態:計劃中, area: an area's Chinese name); the words left over are
searched for in every form of the title and the notes, in either script.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr

# What a filter word may name, in English and both Chinese scripts.
FILTER_NAMES = {
    "area": "area",
    "範疇": "area",
    "领域": "area",
    "status": "status",
    "狀態": "status",
    "状态": "status",
    "lead": "lead",
    "牽頭": "lead",
    "牵头": "lead",
    "agency": "agency",
    "機構": "agency",
    "单位": "agency",
    "key": "key",
    "重點": "key",
    "重点": "key",
}
_YES = ("yes", "y", "true", "1", "是")
_NO = ("no", "n", "false", "0", "否", "not")


def split_filter(text: str) -> tuple[dict[str, Any], str]:
    """The filter line as `list`'s options, and the words left to search for."""
    options: dict[str, Any] = {}
    words = []
    try:
        parts = shlex.split(text)
    except ValueError:  # an unclosed quote: read the words as they are
        parts = text.split()
    for part in parts:
        name, sep, value = part.replace("：", ":").partition(":")
        field = FILTER_NAMES.get(name.strip().lower())
        if field == "key" and not sep:
            options["key"] = True
        elif field is not None and sep:
            if field == "key":
                if value.strip().lower() not in (*_YES, *_NO):
                    raise IpcoopError(tr("key: takes yes or no, not {value!r}").format(value=value))
                options["key"] = value.strip().lower() in _YES
            elif field == "status":
                options.setdefault("status", []).append(value)
            else:
                options[field] = value
        else:
            words.append(part)
    return options, " ".join(words)


def filtered(db: Any, programme: str, text: str, lang: str) -> list[dict[str, Any]]:
    """The programme's projects that pass the filter line, in the programme's area
    order (then by id), as `list` selects them."""
    from ipcoop.core import listing, programmes

    options, search = split_filter(text)
    filters = listing.make_filters(
        db,
        programme=programme,
        search=search or None,
        lang=lang,
        **options,
    )
    rows: list[dict[str, Any]] = list(listing.select(db.rows(), filters))  # type: ignore[arg-type]
    order = {key: i for i, key in enumerate(programmes.get(db, programme)["areas"])}
    return sorted(rows, key=lambda p: (order.get(p["area"], len(order)), p["id"]))


def latest_programme(db: Any) -> str:
    """The programme the screen opens on: the latest that has projects, else the latest."""
    from ipcoop.core import programmes

    every = programmes.all_programmes(db)
    if not every:
        raise IpcoopError(tr("the database has no programmes; add one with 'ipcoop programme add'"))
    counts = programmes.project_counts(db)
    with_projects = [p for p in every if counts.get(p["key"])]
    return str((with_projects or every)[-1]["key"])


def figures(db: Any, programme: str) -> dict[str, Any]:
    """The programme's summary, as `summary KEY --json` gives it."""
    from ipcoop.core import periods

    return periods.summary_for(db, programme)


def stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells that the file changed underneath: its inode, size and time."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def command_line(action: str, ids: list[int], extra: list[str] | None = None) -> str:
    """The command a screen action stands for, as the journal records a command."""
    return shlex.join([action, *map(str, ids), *(extra or [])])
