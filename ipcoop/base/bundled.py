"""The bundled programme: areas, members, programmes and the 2019/2020 projects,
from the Expert Group's release of 24 April 2020, in three languages."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


def _read(name: str) -> Any:
    """A file of the bundled programme: installed as ipcoop.data, or data/ in a checkout."""
    from importlib import resources

    try:
        source = resources.files("ipcoop.data").joinpath(name)
    except ModuleNotFoundError:
        source = Path(__file__).resolve().parents[2] / "data" / name  # ipcoop/base/ -> data/
    return json.loads(source.read_text("utf-8"))


def areas() -> list[dict[str, Any]]:
    return _read("areas.json")


def members() -> list[dict[str, Any]]:
    return _read("members.json")


def projects() -> list[dict[str, Any]]:
    return _read("programme-2019.json") + _read("programme-2020.json")


def programmes() -> list[dict[str, Any]]:
    return _read("programmes.json")


@cache
def chinese_names() -> dict[str, dict[str, str | None]]:
    """The Chinese forms of every bundled English name (areas, members, programmes)."""
    out: dict[str, dict[str, str | None]] = {}
    for record in [*areas(), *members(), *programmes()]:
        out[record["name"]] = dict(record["names"])
    return out
