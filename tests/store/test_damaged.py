"""Every reading and writing command against every kind of damaged file:
one line on stderr, exit 3 (check: 1 when it can list the problems), bytes untouched."""

from __future__ import annotations

import json

import pytest

from tests.helpers import invoke, one_error_line


def _records(text: str) -> str:
    data = json.loads(text)
    data["projects"]["4"]["status"] = "finished"
    return json.dumps(data)


def _dup(text: str) -> str:
    return text.replace('\n "5": ', '\n "5": {"title": "twin"},\n "5": ', 1)


def _newer(text: str) -> str:
    data = json.loads(text)
    data["_meta"]["1"]["schema"] = 99
    return json.dumps(data)


def _markers(text: str) -> str:
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(' "6": '))
    return "".join(
        [
            *lines[:at],
            "<<<<<<< HEAD\n",
            lines[at],
            "=======\n",
            lines[at],
            ">>>>>>> theirs\n",
            *lines[at + 1 :],
        ]
    )


DAMAGE = {
    "empty": lambda text: "",
    "nul-filled": lambda text: "\x00" * 200,
    "not-json": lambda text: text[: len(text) // 2],
    "wrong-shape": lambda text: json.dumps({"projects": []}),
    "damaged-record": _records,
    "two-records-one-id": _dup,
    "newer-schema": _newer,
    "conflict-markers": _markers,
}
READING = [
    ["list"],
    ["list", "--json"],
    ["show", "4"],
    ["summary"],
    ["areas"],
    ["members"],
    ["log"],
    ["export"],
    ["conflicts"],
]
WRITING = [
    ["add", "x", "--area", "gba", "--year", "2021"],
    ["edit", "11", "--note", "n"],
    ["done", "12"],
    ["start", "14"],
    ["reopen", "13"],
    ["drop", "15"],
    ["remove", "16", "--yes"],
    ["undo"],
    ["carry", "2020"],
    ["areas", "add", "culture", "Culture"],
    ["areas", "edit", "gba", "--name", "GBA"],
    ["areas", "remove", "education"],
]


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("command", READING + WRITING, ids=lambda c: " ".join(c[:2]))
def test_damaged_files_are_refused_and_left_alone(db_path, damage, command):
    invoke("--db", db_path, "done", "11")  # a journal, so that undo has work
    db_path.write_text(DAMAGE[damage](db_path.read_text("utf-8")), "utf-8")
    before = db_path.read_bytes()
    result = invoke("--db", db_path, *command)
    readable = damage == "two-records-one-id" and command in READING
    if readable:  # sound enough to read; check and every change refuse it
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 3, (damage, command, result.stderr)
        one_error_line(result)
    assert db_path.read_bytes() == before
    checked = invoke("--db", db_path, "check")
    assert checked.exit_code in (1, 3)
    one_error_line(checked)
