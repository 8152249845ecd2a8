"""The screen as drawn, at 80 and 120 columns, in English and Hong Kong Chinese:
SVG snapshots (pytest-textual-snapshot) of a fixed database, so that a change in
how it looks is seen and looked at (`pytest --snapshot-update` takes a new one)."""

from __future__ import annotations

import shutil
import time

import pytest

from ipcoop.tui.app import make
from tests.helpers import DATA


@pytest.fixture
def fixed(tmp_path, monkeypatch):
    """A database written once (its stamps, ids and history fixed), in UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    path = tmp_path / "ipcoop.json"
    shutil.copy(DATA / "schema9.json", path)
    yield path
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
@pytest.mark.parametrize("size", [(80, 30), (120, 36)])
def test_the_main_screen(snap_compare, fixed, lang, size):
    assert snap_compare(make(fixed, "2020", lang), terminal_size=size)


def test_the_filter_and_a_marked_row(snap_compare, fixed):
    assert snap_compare(
        make(fixed, "2020", "zh-hk"),
        press=["space", "slash", *"粤港"],
        terminal_size=(120, 36),
    )
