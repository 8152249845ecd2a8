"""The local cache: what can be computed from the file, kept beside it, never shared.

`<name>.cache` holds, for one exact content of the file (its CRC-32 and
size), the word that this content is of our own layout and sound (so a
command may splice its lines without parsing them all), and the figures a
summary needs per programme: its first year, counts by area and status, done
projects by the month of their done_on, and the ids of the key projects and of
those with an event's date. A summary then reads those and the projects it
lists, not 10,000 records.

After those figures (one line of JSON), the cache may keep the projects
table as the last read command that parsed all of it made it, in Python's
own `marshal` format (`KeptRows` says what vouches for it): reading it back
takes less than half the instructions of parsing the JSON at 1,000 projects
(at 50,000, where making the records is most of the work, about a fifth
less time).
A read command that parses the table writes it there; any change to the
file makes it stale, and the next full read writes it again.

A cache that is missing, unreadable or for other content is ignored and
rebuilt by the next command that reads the whole file; kept rows that cannot
be read (another Python, a damaged file) are ignored and the JSON is parsed.
"""

from __future__ import annotations

import contextlib
import json
import marshal  # built in: importing it costs nothing
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from ipcoop.base.models import STATUSES
from ipcoop.store.files import write_quietly
from ipcoop.store.layout import uncollected
from ipcoop.store.paths import cache_path

STATUS_INDEX = {status: i for i, status in enumerate(STATUSES)}
CACHE_VERSION = 3


def fingerprint(raw: bytes) -> list[int]:
    return [zlib.crc32(raw), len(raw)]


def read(path: Path, raw: bytes) -> dict[str, Any] | None:
    """The cached figures for exactly these bytes, or None (the kept rows are not read)."""
    try:
        with open(cache_path(path), "rb") as file:
            cached = json.loads(file.readline())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(cached, dict) or cached.get("version") != CACHE_VERSION:
        return None
    if cached.get("file") != fingerprint(raw) or not isinstance(cached.get("stats"), dict):
        return None
    return cached


def write(path: Path, raw: bytes, stats: dict[str, Any]) -> None:
    """The figures for the file `raw`."""
    header = {"version": CACHE_VERSION, "file": fingerprint(raw), "stats": stats}
    write_quietly(cache_path(path), json.dumps(header, sort_keys=True).encode())


# Kept rows are read only by the Python that wrote them (marshal's format may change).
ROWS_FORMAT = "marshal {} python {}.{}".format(marshal.version, *sys.version_info[:2])


class KeptRows:
    """The parsed projects table kept in the cache, for the file the cache vouches for.

    Used by reads only: a command that writes parses the file itself, so that
    nothing kept here can find its way into the file. The rows are used only
    if the header names this Python's format, a second checksum of the file
    (Adler-32, besides the CRC-32 and size that key the cache), and the
    CRC-32 and size of the rows themselves: a damaged cache, or one left by
    another content of the same CRC-32, is ignored and the JSON is parsed.
    """

    def __init__(self, path: Path, raw: bytes, cached: dict[str, Any]) -> None:
        self.path, self.raw, self.cached = path, raw, cached

    def read(self) -> dict[str, Any] | None:
        kept = self.cached.get("rows")
        if not isinstance(kept, dict) or kept.get("format") != ROWS_FORMAT:
            return None
        if kept.get("file") != zlib.adler32(self.raw):
            return None
        try:
            with open(cache_path(self.path), "rb") as file:
                header = json.loads(file.readline())
                if not isinstance(header, dict) or (header.get("file"), header.get("rows")) != (
                    self.cached["file"],
                    kept,
                ):
                    return None  # replaced since it was read: another command's cache
                payload = file.read()
        except (OSError, ValueError, RecursionError):
            return None
        if len(payload) != kept.get("size") or zlib.crc32(payload) != kept.get("crc"):
            return None
        try:
            table = uncollected(marshal.loads, payload)
        except (ValueError, EOFError, TypeError, RecursionError, MemoryError):
            return None
        if not isinstance(table, dict) or not all(type(doc) is dict for doc in table.values()):
            return None
        return table

    def keep(self, table: dict[str, Any]) -> None:
        """Write the table after the same figures (called before anything changes it)."""
        payload = marshal.dumps(table)
        kept = {
            "format": ROWS_FORMAT,
            "file": zlib.adler32(self.raw),
            "crc": zlib.crc32(payload),
            "size": len(payload),
        }
        header = {**self.cached, "rows": kept}
        line = json.dumps(header, sort_keys=True).encode()
        write_quietly(cache_path(self.path), line, b"\n", payload)  # never joined: 12 MB at 50,000


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(cache_path(path))


def project_stats(table: dict[str, Any]) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for key, doc in table.items():
        count_project(stats, int(key), doc, 1)
    return tidy_stats(stats)


def count_project(stats: dict[str, Any], project_id: int, doc: dict[str, Any], sign: int) -> None:
    """Add (sign 1) or take away (sign -1) one project's part of the figures."""
    entry = stats.setdefault(
        doc["programme"],
        {"areas": {}, "done_on": {}, "key": [], "events": [], "year": doc["year"]},
    )
    counts = entry["areas"].setdefault(doc["area"], [0] * len(STATUS_INDEX))
    counts[STATUS_INDEX[doc["status"]]] += sign
    if doc["status"] == "done":
        when = doc["done_on"][:7] if doc["done_on"] else ""
        entry["done_on"][when] = entry["done_on"].get(when, 0) + sign
    if doc["key"]:
        if sign > 0:
            entry["key"].append(project_id)
        else:
            entry["key"].remove(project_id)
    if doc.get("starts_on") and doc["status"] not in ("dropped", "carried"):
        events = entry.setdefault("events", [])
        if sign > 0:
            events.append(project_id)
        else:
            events.remove(project_id)


def adjust(stats: dict[str, Any], edits: dict[str, Any], originals: dict[str, Any]) -> dict:
    """The figures after a command's edits, from those before it."""
    out = json.loads(json.dumps(stats))
    for key, doc in edits.items():
        before = originals.get(key)
        if before is not None:
            count_project(out, int(key), before, -1)
        if doc is not None:
            count_project(out, int(key), doc, 1)
    return tidy_stats(out)


def tidy_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Drop what counts nothing, sort the ids: equal figures give equal bytes."""
    out = {}
    for programme, entry in stats.items():
        areas = {a: c for a, c in entry["areas"].items() if any(c)}
        if not areas:
            continue
        out[programme] = {
            "areas": areas,
            "done_on": {month: n for month, n in entry["done_on"].items() if n},
            "key": sorted(entry["key"]),
            "events": sorted(entry.get("events", ())),
            "year": entry["year"],
        }
    return out
