"""Hostile text in titles and notes: markup, escapes, control characters, very
long lines, right-to-left and wide characters. Stored exactly, shown safely."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.helpers import invoke

HOSTILE = [
    "[bold red]not markup[/] [link=http://x]y[/link]",
    "\x1b[2J\x1b[H cleared? \x07 bell \x1b]0;title\x07",
    "carriage\rreturn and\ttab and\x00nul",
    "مشروع التعاون في مجال الملكية الفكرية",  # right-to-left
    "\u202eevil\u202c override",
    "粵港知識產權合作項目" * 20,  # wide, and longer than any terminal
    "😀 emoji 👩‍💻 with joiners",
    "word" * 120,  # one unbreakable 480-character word
]


@pytest.fixture
def hostile_db(empty_db):
    for title in HOSTILE:
        result = invoke(
            "--db",
            empty_db,
            "add",
            "--area",
            "gba",
            "--year",
            "2021",
            "--key",
            f"--note={title}",
            "--",
            title,
        )
        assert result.exit_code == 0, result.stderr
    return empty_db


def test_hostile_text_is_stored_exactly(hostile_db):
    rows = invoke("--db", hostile_db, "list", "--json").json()
    assert [r["title"] for r in rows] == [t.strip() for t in HOSTILE]
    assert [r["notes"] for r in rows] == [t.strip() for t in HOSTILE]


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "1"],
        ["show", "2"],
        ["show", "6"],
        ["summary", "2021"],
        ["log"],
        ["list", "--format", "md"],
        ["summary", "2021", "--format", "md"],
        ["areas"],
    ],
)
@pytest.mark.parametrize("width", ["40", "80", "200"])
def test_hostile_text_is_shown_safely(hostile_db, args, width):
    result = invoke("--db", hostile_db, *args, env={"COLUMNS": width})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for raw in ("\x1b", "\x07", "\x00", "\r"):
        assert raw not in out
    if "md" not in args:
        assert all(cell_len(line) <= int(width) for line in out.splitlines()), width


def test_hostile_text_in_html_svg_word_and_the_release(hostile_db, tmp_path):
    import xml.etree.ElementTree as ET

    from docx import Document

    evil = "<script>alert(1)</script> \x1b[2J\x07 & \u202e"
    assert invoke("--db", hostile_db, "areas", "add", "evil", evil).exit_code == 0
    assert (
        invoke("--db", hostile_db, "programme", "edit", "2021", "--add-area", "evil").exit_code == 0
    )
    assert invoke("--db", hostile_db, "add", "x", "--area", "evil", "--year", "2021").exit_code == 0
    for fmt in ("html", "svg", "docx"):
        out = tmp_path / f"r.{fmt}"
        assert (
            invoke("--db", hostile_db, "summary", "2021", "--format", fmt, "-o", out).exit_code == 0
        )
        if fmt == "docx":
            doc = Document(str(out))
            cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
            text = "".join([*(p.text for p in doc.paragraphs), *cells])
            assert "[bold red]not markup" in text and "\x1b" not in text
            continue
        content = out.read_text("utf-8")
        assert "\x1b" not in content and "\x07" not in content and "\u202e" not in content
        assert "<script" not in content.lower()
        if fmt == "svg":
            ET.fromstring(content)  # well-formed, the area's name escaped
            assert "&lt;script&gt;" in content
        else:
            assert "[bold" in content and "markup[/]" in content
    for fmt in ("html", "md", "txt"):
        out = tmp_path / f"release.{fmt}"
        args = ["release", "2021", "--format", fmt, "-o", out]
        assert invoke("--db", hostile_db, *args).exit_code == 0
        if fmt == "html":
            content = out.read_text("utf-8")
            assert "<script" not in content.lower() and "\x1b" not in content
