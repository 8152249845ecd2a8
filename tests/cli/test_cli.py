"""The everyday commands, driven through the real CLI on a temporary database."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from rich.cells import cell_len

from ipcoop import __version__
from ipcoop.cli import app
from tests.helpers import ROOT, invoke, one_error_line

FIELDS = [
    "id",
    "uuid",  # contract v3
    "title",
    "titles",
    "converted",
    "area",
    "year",
    "programme",
    "status",
    "key",
    "lead",
    "agencies",
    "notes",
    "progress",  # dated progress notes (schema 6)
    "links",
    "phrases",  # how the release words it, by language
    "phrases_back",  # how the next one does, looking back
    "starts_on",  # contract v3: the event's dates
    "ends_on",
    "done_on",
    "carried_to",
    "created",
    "updated",
]


def projects(cli) -> list[dict]:
    result = cli("list", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


# --------------------------------------------------------------------------- basics


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"ipcoop {__version__}\n"


def test_no_arguments_shows_help():
    result = invoke()
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert "list" in result.stdout


def test_every_command_has_help_with_an_example():
    import typer.main

    group = typer.main.get_command(app)
    names = []
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        names.append(name)
        assert command.help, f"{name} has no help text"
        # The examples set apart, a command a line (never run into the prose).
        assert re.search(r"\bExamples?:\n  ipcoop ", command.help), f"{name}: no example"
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert re.search(r"\n  Examples?:\n    ipcoop ", result.stdout), name
        examples = result.stdout.split("Example", 1)[1].split("\n\n", 1)[0]
        assert all(cell_len(line) <= 80 for line in examples.splitlines()), (name, examples)
    assert {"init", "list", "show", "add", "edit", "start", "done", "reopen", "drop"} <= set(names)
    assert {"remove", "undo", "log", "areas", "members"} <= set(names)


def test_usage_error_is_one_line_exit_2(cli):
    result = cli("list", "--no-such-option")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "--no-such-option" in line
    assert result.stdout == ""


def test_unknown_command_is_exit_2(cli):
    result = cli("frobnicate")
    assert result.exit_code == 2
    one_error_line(result)


# --------------------------------------------------------------------------- the database file


def test_default_database_created_on_first_use(tmp_path):
    result = invoke("list", "--json")
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "xdg" / "ipcoop" / "ipcoop.json"
    assert path.exists()
    assert result.stderr.count("\n") == 1
    assert str(path) in result.stderr
    assert len(result.json()) == 18
    again = invoke("list", "--json")
    assert again.stderr == ""


def test_explicit_database_missing_is_exit_3_and_not_created(tmp_path):
    path = tmp_path / "nope.json"
    for args in (["list"], ["add", "x", "--area", "gba", "--year", "2020"], ["done", "1"]):
        result = invoke("--db", path, *args)
        assert result.exit_code == 3
        assert "init" in one_error_line(result)
        assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_env_var_selects_database(tmp_path, monkeypatch):
    path = tmp_path / "env.json"
    assert invoke("--db", path, "init", "--empty").exit_code == 0
    monkeypatch.setenv("IPCOOP_DB", str(path))
    assert invoke("list", "--json").json() == []


def test_init_refuses_existing_without_force(db_path):
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "init")
    assert result.exit_code == 1
    assert "--force" in one_error_line(result)
    assert db_path.read_bytes() == before


def test_init_force_keeps_backup_and_ids_move_on(db_path):
    invoke("--db", db_path, "add", "extra", "--area", "gba", "--year", "2021")
    result = invoke("--db", db_path, "init", "--force", "--empty")
    assert result.exit_code == 0, result.stderr
    assert db_path.with_name("db.json.bak").exists()
    new = invoke("--db", db_path, "add", "after", "--area", "gba", "--year", "2021")
    assert int(new.stdout) == 20  # ids 1-19 were used by the old database


def test_init_empty_has_areas_and_members(empty_db):
    assert invoke("--db", empty_db, "list", "--json").json() == []
    areas = invoke("--db", empty_db, "areas", "--json").json()
    assert [a["key"] for a in areas] == [
        "gba",
        "protection",
        "trading",
        "exchange",
        "guidance",
        "education",
    ]
    members = invoke("--db", empty_db, "members", "--json").json()
    assert [m["code"] for m in members] == [
        "GDAMR",
        "GDCAB",
        "GDPSD",
        "GDDOC",
        "GDCUS",
        "HKIPD",
        "HKCEDB",
        "HKCED",
    ]
    assert {m["side"] for m in members[:5]} == {"gd"}
    assert {m["side"] for m in members[5:]} == {"hk"}
    # v2: names in all three forms, and which Chinese ones were converted.
    assert set(members[0]) == {"code", "name", "names", "converted", "side"} | {
        "from",  # schema 7: the years a member is in force, and its side's leader
        "until",
        "leader",
    }
    assert members[5]["names"] == {"zh-hk": "知識產權署", "zh-cn": "知识产权署"}


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00" * 64, b"{not json", b'{"_meta": {"1": {"schema": 1', b"[]", b'{"a": 1}'],
    ids=["empty", "nul", "garbage", "truncated", "list", "wrong-shape"],
)
def test_corrupt_file_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    for args in (["list"], ["add", "t", "--area", "gba", "--year", "2020"], ["undo"]):
        result = invoke("--db", path, *args)
        assert result.exit_code == 3, result.stderr
        line = one_error_line(result)
        assert str(path) in line
        assert "init" in line or ".bak" in line
        assert path.read_bytes() == content


def test_newer_schema_is_refused(db_path):
    data = json.loads(db_path.read_text())
    data["_meta"]["1"]["schema"] = 99
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "done", "1")
    assert result.exit_code == 3
    assert "newer" in one_error_line(result)
    assert db_path.read_bytes() == before


def test_file_is_deterministic_utf8_one_record_per_line(empty_db):
    invoke("--db", empty_db, "add", "粵港知識產權 seminar", "--area", "gba", "--year", "2021")
    text = empty_db.read_text("utf-8")
    assert "粵港知識產權" in text  # not \u-escaped
    lines = text.splitlines()
    start = lines.index('"projects": {')
    project_lines = [line for line in lines[start:] if "粵港" in line]
    assert len(project_lines) == 1
    record = json.loads(project_lines[0].split(": ", 1)[1].rstrip(","))
    assert list(record) == sorted(record)
    # Writing the same data again gives the same bytes.
    from ipcoop import store

    assert store.serialise(json.loads(text)) == text.encode()


def test_file_is_valid_tinydb(empty_db):
    from tinydb import TinyDB

    invoke("--db", empty_db, "add", "t", "--area", "gba", "--year", "2021")
    db = TinyDB(empty_db)
    try:
        assert db.table("projects").get(doc_id=1)["title"] == "t"
    finally:
        db.close()


# --------------------------------------------------------------------------- list


def test_list_json_shape(cli):
    rows = projects(cli)
    assert len(rows) == 18
    for row in rows:
        assert list(row) == FIELDS
    assert [r["id"] for r in rows] == list(range(1, 19))
    assert sum(r["status"] == "done" for r in rows) == 10
    assert sum(r["key"] for r in rows) == 6
    uuids = {r["uuid"] for r in rows}
    assert len(uuids) == 18 and all(len(u) == 36 and u[14] == "4" for u in uuids)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--year", "2019"], list(range(1, 11))),
        (["--year", "2019-2020"], list(range(1, 19))),
        (["--year", "2021"], []),
        (["--area", "protection"], [10, 12, 17, 18]),
        (["--status", "done", "--area", "gba"], [1, 2, 3, 4, 5]),
        (["--status", "planned,done", "--year", "2020", "--area", "gba"], [13]),
        (["--key"], [11, 12, 13, 14, 15, 16]),
        (["--not-key", "--year", "2020"], [17, 18]),
        (["--lead", "hk"], [5, 7]),
        (["--agency", "GDCAB"], [16]),
        (["--agency", "hkced", "--year", "2020"], [17, 18]),
        (["--search", "SEMINAR"], [3, 6]),
        (["--search", "Belt and Road"], [2, 17]),
        (["--open", "--area", "exchange"], [14, 15, 16]),
        (["--status", "open", "--lead", "hk"], []),
    ],
)
def test_list_filters(cli, args, expected):
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in result.json()] == expected


def test_list_sort(cli):
    cli("done", "12", "--on", "2020-06-01")
    cli("done", "11", "--on", "2020-05-01")
    ids = [r["id"] for r in cli("list", "--json", "--sort", "-id").json()]
    assert ids == list(range(18, 0, -1))
    by_done = [r["id"] for r in cli("list", "--json", "--sort", "done_on", "--year", "2020").json()]
    assert by_done[:2] == [11, 12]
    assert by_done[2:] == [13, 14, 15, 16, 17, 18]
    by_area = cli("list", "--json", "--sort", "area").json()
    assert [r["area"] for r in by_area] == sorted(r["area"] for r in by_area)


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--year", "20x0"], "year"),
        (["--year", "2023-2020"], "before"),
        (["--area", "nowhere"], "unknown area"),
        (["--status", "finished"], "status"),
        (["--lead", "macau"], "lead"),
        (["--agency", "XXX"], "unknown agency"),
        (["--sort", "colour"], "sort"),
        (["--format", "xml"], "format"),
    ],
)
def test_list_bad_values(cli, args, word):
    result = cli("list", *args)
    assert result.exit_code == 1
    assert word in one_error_line(result)
    assert result.stdout == ""


def test_list_table_fits_width_and_keeps_chinese_aligned(cli):
    cli("add", "粵港澳大灣區高價值專利培育布局大賽 2021", "--area", "gba", "--year", "2021")
    from rich.cells import cell_len

    for width in (60, 80, 132):
        result = cli("list", env={"COLUMNS": str(width)})
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert all(cell_len(line) <= width for line in lines), width
        assert "\x1b[" not in result.stdout
    # The table's column boundaries line up on every row, Chinese included.
    result = cli("list", "--year", "2021", env={"COLUMNS": "120"})
    header, _, row = result.stdout.splitlines()[:3]
    title_col = cell_len(header[: header.index("Title")])
    assert cell_len(row[: row.index("粵")]) == title_col


def test_list_formats(cli):
    csv_out = cli("list", "--format", "csv", "--year", "2020").stdout
    # The title's Chinese forms are columns of their own in a spreadsheet.
    columns = [
        c
        for f in FIELDS
        for c in {
            "titles": ["title_zh_hk", "title_zh_cn"],
            "phrases": ["phrase", "phrase_zh_hk", "phrase_zh_cn"],
            "phrases_back": ["phrase_back", "phrase_back_zh_hk", "phrase_back_zh_cn"],
        }.get(f, [f])
    ]
    assert csv_out.splitlines()[0] == ",".join(columns)
    assert len(csv_out.splitlines()) == 9
    md = cli("list", "--format", "md", "--key").stdout.splitlines()
    assert md[0].startswith("| ID |")
    assert len(md) == 2 + 6
    assert cli("list", "--format", "json").json() == cli("list", "--json").json()


def test_list_empty_result_says_so_on_stderr(cli):
    result = cli("list", "--year", "2030")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No projects" in result.stderr


def test_markup_and_control_characters_are_shown_as_text(cli):
    title = "[bold]x[/] \x1b[31mred\x07 trailing\\"
    new_id = cli("add", title, "--area", "gba", "--year", "2021").stdout.strip()
    assert cli("show", new_id, "--json").json()["title"] == title
    for args in (["list"], ["show", new_id], ["list", "--format", "md"]):
        out = cli(*args, env={"COLUMNS": "200"}).stdout
        assert "\x1b" not in out
        assert "\x07" not in out
        assert "[bold]x[/]" in out
        # Markdown doubles backslashes so that a trailing one cannot escape a "|".
        shown = "\\\\x1b[31mred\\\\x07" if "md" in args else "\\x1b[31mred\\x07"
        assert shown in out
    assert "trailing\\" in cli("list", env={"COLUMNS": "200"}).stdout


def test_no_colour_when_piped_and_under_no_color(cli):
    assert "\x1b" not in cli("list").stdout
    assert "\x1b" not in cli("areas").stdout
    assert "\x1b" not in cli("list", env={"NO_COLOR": "1"}).stdout


# --------------------------------------------------------------------------- show / add / edit


def test_show(cli):
    result = cli("show", "13")
    assert result.exit_code == 0
    assert "High Value Patent Portfolio Contest 2020" in result.stdout
    assert "GDAMR" in result.stdout
    record = cli("show", "13", "--json").json()
    assert list(record) == FIELDS
    assert record["id"] == 13


@pytest.mark.parametrize("bad", ["99", "0", "abc", "-1"])
def test_show_bad_id(cli, bad):
    result = cli("show", bad) if bad != "-1" else cli("show", "--", bad)
    assert result.exit_code == 1
    one_error_line(result)


def test_add_prints_id_and_stores_everything(cli):
    result = cli(
        "add",
        "IP seminar for SMEs",
        "--area",
        "guidance",
        "--year",
        "2021",
        "--key",
        "--lead",
        "hk",
        "--agency",
        "HKIPD",
        "--agency",
        "gdamr",
        "--note",
        "yearly",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "19\n"
    record = cli("show", "19", "--json").json()
    assert record["title"] == "IP seminar for SMEs"
    assert record["area"] == "guidance"
    assert record["year"] == 2021
    assert record["key"] is True
    assert record["lead"] == "hk"
    assert record["agencies"] == ["HKIPD", "GDAMR"]
    assert record["notes"] == "yearly"
    assert record["status"] == "planned"
    assert record["done_on"] is None
    assert record["created"] == record["updated"]


def test_add_json_and_done_status(cli):
    record = cli("add", "x", "--area", "gba", "--year", "2020", "--status", "done", "--json").json()
    assert record["status"] == "done"
    assert record["done_on"] == dt.date.today().isoformat()


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["t", "--area", "moon", "--year", "2020"], "unknown area"),
        (["t", "--area", "gba", "--year", "1800"], "out of range"),
        (["t", "--area", "gba", "--year", "twenty"], "year"),
        (["t", "--area", "gba", "--year", "2020", "--status", "started"], "status"),
        (["t", "--area", "gba", "--year", "2020", "--lead", "both"], "lead"),
        (["t", "--area", "gba", "--year", "2020", "--agency", "NOPE"], "unknown agency"),
        (["  ", "--area", "gba", "--year", "2020"], "empty"),
        (["x" * 501, "--area", "gba", "--year", "2020"], "limit"),
    ],
)
def test_add_bad_values_change_nothing(cli, db_path, args, word):
    before = db_path.read_bytes()
    result = cli("add", *args)
    assert result.exit_code == 1
    assert word in one_error_line(result)
    assert db_path.read_bytes() == before


def test_add_missing_required_option_is_usage_error(cli, db_path):
    before = db_path.read_bytes()
    result = cli("add", "t", "--area", "gba")
    assert result.exit_code == 2
    assert "--year" in one_error_line(result)
    assert db_path.read_bytes() == before


def test_edit_replaces_named_fields(cli):
    result = cli("edit", "17", "--title", "New title", "--year", "2021", "--no-key")
    assert result.exit_code == 0, result.stderr
    record = cli("show", "17", "--json").json()
    assert (record["title"], record["year"], record["key"]) == ("New title", 2021, False)
    assert record["agencies"] == ["GDCUS", "HKCED"]
    cli("edit", "17", "--agency", "HKIPD")
    assert cli("show", "17", "--json").json()["agencies"] == ["HKIPD"]
    cli("edit", "17", "--key", "--lead", "gd", "--area", "gba", "--note", "n")
    record = cli("show", "17", "--json").json()
    assert (record["key"], record["lead"], record["area"], record["notes"]) == (
        True,
        "gd",
        "gba",
        "n",
    )
    assert record["updated"] >= record["created"]


def test_edit_errors(cli, db_path):
    before = db_path.read_bytes()
    for args, code in (
        (["99", "--title", "x"], 1),
        (["1"], 1),
        (["1", "--area", "nowhere"], 1),
        (["1", "--year", "abc"], 1),
        (["1", "--agency", "ZZZ"], 1),
        (["1", "--title", ""], 1),
    ):
        result = cli("edit", *args)
        assert result.exit_code == code, args
        one_error_line(result)
    assert db_path.read_bytes() == before


# --------------------------------------------------------------------------- status changes


def test_status_cycle(cli):
    assert cli("start", "11", "12").exit_code == 0
    assert {p["status"] for p in projects(cli) if p["id"] in (11, 12)} == {"active"}
    assert cli("done", "11", "--on", "2020-10-01").exit_code == 0
    record = cli("show", "11", "--json").json()
    assert (record["status"], record["done_on"]) == ("done", "2020-10-01")
    assert cli("done", "12").exit_code == 0
    assert cli("show", "12", "--json").json()["done_on"] == dt.date.today().isoformat()
    assert cli("reopen", "11").exit_code == 0
    record = cli("show", "11", "--json").json()
    assert (record["status"], record["done_on"]) == ("planned", None)
    assert cli("drop", "13", "--reason", "postponed by the pandemic").exit_code == 0
    record = cli("show", "13", "--json").json()
    assert record["status"] == "dropped"
    assert record["notes"].endswith("Dropped: postponed by the pandemic")


def test_start_refuses_done_projects(cli, db_path):
    before = db_path.read_bytes()
    result = cli("start", "11", "1")
    assert result.exit_code == 1
    assert "reopen" in one_error_line(result)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("command", ["start", "done", "reopen", "drop", "remove"])
def test_multi_id_commands_are_all_or_nothing(cli, db_path, command):
    before = db_path.read_bytes()
    extra = ["--yes"] if command == "remove" else []
    result = cli(command, "11", "999", "12", *extra)
    assert result.exit_code == 1
    assert "999" in one_error_line(result)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("on", ["2020-13-01", "yesterday", "2020-02-30", "2999-01-01"])
def test_done_bad_date(cli, db_path, on):
    before = db_path.read_bytes()
    result = cli("done", "11", "--on", on)
    assert result.exit_code == 1
    one_error_line(result)
    assert db_path.read_bytes() == before


# --------------------------------------------------------------------------- remove / undo / log


def test_remove_refuses_without_terminal_or_yes(cli, db_path):
    before = db_path.read_bytes()
    result = cli("remove", "11")
    assert result.exit_code == 1
    assert "--yes" in one_error_line(result)
    assert db_path.read_bytes() == before


def test_remove_asks_on_a_terminal(cli, monkeypatch):
    monkeypatch.setattr("ipcoop.cli.commands.status.stdin_is_terminal", lambda: True)
    declined = cli("remove", "11", input="n\n")
    assert declined.exit_code == 1
    assert cli("show", "11").exit_code == 0
    accepted = cli("remove", "11", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert cli("show", "11").exit_code == 1


def test_removed_ids_are_never_reused(cli):
    cli("remove", "18", "17", "--yes")
    new_id = cli("add", "after", "--area", "gba", "--year", "2021").stdout.strip()
    assert new_id == "19"
    cli("undo")  # undo the add: the counter stays
    assert cli("add", "again", "--area", "gba", "--year", "2021").stdout.strip() == "20"


def test_undo_reverts_whole_commands_repeatedly(cli, db_path):
    original = projects(cli)
    cli("done", "11", "12", "13", "--on", "2020-12-01")
    cli("edit", "14", "--title", "changed")
    cli("remove", "15", "16", "--yes")
    cli("add", "new one", "--area", "gba", "--year", "2021")
    for _ in range(4):
        result = cli("undo")
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("Undid: ")
    assert projects(cli) == original
    result = cli("undo")
    assert result.exit_code == 1
    assert "nothing to undo" in one_error_line(result)


def test_undo_survives_between_runs_and_journal_is_kept_whole(cli, db_path):
    # The journal is not capped: git keeps a shared file's history anyway, and
    # `log` shows every change for as long as the record exists.
    for i in range(120):
        cli("edit", "11", "--note", f"note {i}")
    data = json.loads(db_path.read_text())
    assert len(data["history"]) == 120
    cli("undo")
    assert cli("show", "11", "--json").json()["notes"] == "note 118"
    assert len(cli("log", "11", "--json").json()) == 120


def test_log(cli):
    cli("done", "11", "--on", "2020-12-01")
    cli("edit", "12", "--title", "Renamed")
    result = cli("log")
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("edit 12 --title Renamed") < out.index("done 11 --on 2020-12-01")
    assert "status: 'planned' -> 'done'" in out
    only = cli("log", "11", "--json").json()
    assert len(only) == 1
    assert only[0]["command"] == "done 11 --on 2020-12-01"
    cli("undo")
    assert "(undone)" in cli("log").stdout


# --------------------------------------------------------------------------- areas / members


def test_areas_counts_and_progress(cli):
    rows = cli("areas", "--json").json()
    gba = next(r for r in rows if r["key"] == "gba")
    assert (gba["total"], gba["done"], gba["planned"], gba["percent_done"]) == (6, 5, 1, 83.3)
    rows_2020 = cli("areas", "--year", "2020", "--json").json()
    exchange = next(r for r in rows_2020 if r["key"] == "exchange")
    assert (exchange["total"], exchange["done"]) == (3, 0)
    table = cli("areas").stdout
    assert "█" in table
    assert "83.3%" in table
    bad = cli("areas", "--year", "year")
    assert bad.exit_code == 1
    one_error_line(bad)


def test_members_table(cli):
    out = cli("members").stdout
    assert "HKIPD" in out
    assert "Customs and Excise Department" in out


# --------------------------------------------------------------------------- completion


def test_completion_of_area_keys_statuses_and_codes(db_path, monkeypatch):
    from typer.testing import CliRunner

    def complete(words: str) -> list[str]:
        env = {
            "_IPCOOP_COMPLETE": "complete_bash",
            "COMP_WORDS": f"ipcoop --db {db_path} {words}",
            "COMP_CWORD": str(len(words.split()) + 2),
        }
        result = CliRunner().invoke(app, [], env=env, prog_name="ipcoop")
        return result.stdout.split()

    assert complete("list --area pr") == ["protection"]
    assert complete("list --status d") == ["done", "dropped"]
    assert complete("add t --agency HKC") == ["HKCEDB", "HKCED"]


def test_show_completion_script(monkeypatch):
    """--show-completion is a flag: Typer asks shellingham for the shell by walking
    the process tree (the "bash" once given here was an ignored extra argument). Run
    with no shell among its ancestors (a test runner started by a service, not from a
    terminal), the detection fails and Typer prints no script: the cause of this
    test's old intermittent failure. The shell is fixed here, as a terminal would."""
    import shellingham

    monkeypatch.setattr(shellingham, "detect_shell", lambda *a, **k: ("bash", "/bin/bash"))
    result = CliRunner_invoke(["--show-completion"])
    assert "complete -o default -F _ipcoop_completion ipcoop" in result
    assert "_IPCOOP_COMPLETE=complete_bash" in result


def CliRunner_invoke(args: list[str]) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, args, prog_name="ipcoop", env={"SHELL": "/bin/bash"})
    return result.stdout


def test_the_bundled_data_is_found_in_a_checkout_without_an_install(monkeypatch):
    """Run from the source tree (as CI's tests are), ipcoop.data is not a package:
    the files are read from data/ beside the package."""
    from importlib import resources

    from ipcoop.base import bundled

    def not_installed(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(resources, "files", not_installed)
    assert [a["key"] for a in bundled.areas()] == [
        a["key"] for a in json.loads((ROOT / "data" / "areas.json").read_text("utf-8"))
    ]


def test_bundled_data_in_json_files():
    root = ROOT / "data"
    p2019 = json.loads((root / "programme-2019.json").read_text())
    p2020 = json.loads((root / "programme-2020.json").read_text())
    assert {p["year"] for p in p2019} == {2019}
    assert {p["status"] for p in p2019} == {"done"}
    assert {p["year"] for p in p2020} == {2020}
    assert any("Contest 2020" in p["title"] and p["key"] for p in p2020)


def test_cell_width_matches_rich():
    import random

    from rich.cells import cell_len as rich_cell_len

    from ipcoop.reports.render import cell_len

    rng = random.Random(5)
    pools = [
        range(0x20, 0x7F),
        range(0x3000, 0x3100),
        range(0x4E00, 0x4F00),
        range(0xAC00, 0xAD00),
        range(0xFF00, 0xFF70),
        range(0xA0, 0x2000),
        range(0x1F300, 0x1F400),
    ]
    pools.append(range(0, 0x20))  # control characters, which Rich counts as nothing
    for _ in range(3000):
        text = "".join(chr(rng.choice(rng.choice(pools))) for _ in range(rng.randint(1, 12)))
        assert cell_len(text) == rich_cell_len(text), text
    # Long runs of wide characters already seen are counted whole: the same answer.
    for _ in range(300):
        text = " ".join(
            "".join(chr(rng.choice(rng.choice(pools[1:5]))) for _ in range(rng.randint(1, 30)))
            for _ in range(rng.randint(1, 4))
        )
        assert cell_len(text) == rich_cell_len(text), text
    from ipcoop.reports.cells import _NARROW_OWN

    for mark in _NARROW_OWN:
        assert cell_len(mark) == rich_cell_len(mark) == 1


def test_every_subpackage_is_packaged():
    """A non-editable install only has the packages pyproject.toml lists."""
    import tomllib

    root = ROOT
    config = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(root).parts) for p in (root / "ipcoop").rglob("__init__.py")
    }
    assert found <= listed, found - listed


@pytest.mark.parametrize("args", [["list"], ["summary", "2020"], ["areas"], ["show", "13"]])
def test_colour_only_on_a_terminal_without_no_color(cli, db_path, args):
    """The contract: escape codes only when stdout is a terminal and NO_COLOR is unset.

    Runs the real command with its stdout on a pseudo-terminal.
    """

    cli("done", "13", "--on", "2020-11-30")
    from tests.helpers import on_terminal

    for no_color, expect_escapes in ((None, True), ("1", False)):
        extra = {} if no_color is None else {"NO_COLOR": no_color}
        code, shown, stderr = on_terminal("--db", db_path, *args, **extra)
        assert code == 0, stderr
        assert ("\x1b[" in shown) is expect_escapes, (args, no_color, shown[:200])


def test_completion_does_not_create_the_default_database(tmp_path):
    from typer.testing import CliRunner

    env = {
        "_IPCOOP_COMPLETE": "complete_bash",
        "COMP_WORDS": "ipcoop list --area g",
        "COMP_CWORD": "3",
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="ipcoop")
    assert result.stdout.split() == ["gba", "guidance"]
    assert not (tmp_path / "xdg" / "ipcoop" / "ipcoop.json").exists()


@pytest.mark.parametrize("width", [40, 45, 50, 60, 80])
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["areas"],
        ["members"],
        ["summary", "2020"],
        ["show", "11"],
        ["log"],
        ["programme", "list"],
        ["programme", "show", "2020"],
    ],
)
def test_every_view_fits_narrow_terminals_without_splitting_words(cli, width, args):
    from ipcoop.reports.render import cell_len

    cli("done", "11", "--on", "2020-11-30")
    result = cli(*args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines
    too_wide = [line for line in lines if cell_len(line) > width]
    assert too_wide == [], (width, args, too_wide[:3])
    if args[0] in ("list", "areas") or args == ["programme", "list"]:
        # No word broken in two: the words of titles and names all appear whole.
        shown = set(result.stdout.split())
        source = cli(*args[:2] if args[0] == "programme" else args[:1], "--json").json()
        for record in source:
            for word in (record.get("title") or record.get("name")).split():
                if len(word) <= 16:
                    assert word in shown or f"★{word}" in shown, (width, word)


def test_list_json_is_an_array_with_one_project_per_line(cli, empty_db):
    lines = cli("list", "--json").stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 18 + 2
    assert [json.loads(line.rstrip(","))["id"] for line in lines[1:-1]] == list(range(1, 19))
    assert invoke("--db", empty_db, "list", "--json").stdout == "[]\n"


def test_init_force_says_the_bundled_projects_ids_carry_on(db_path):
    result = invoke("--db", db_path, "init", "--force")
    assert result.exit_code == 0, result.stderr
    assert "so the projects are numbered 19-36: an id is never reused" in result.stderr
    ids = [p["id"] for p in invoke("--db", db_path, "list", "--json").json()]
    assert ids == list(range(19, 37))


def test_a_mistyped_command_gets_a_suggestion(cli):
    result = cli("lst")
    assert result.exit_code == 2
    assert re.fullmatch(
        re.escape("Error: No such command 'lst'; did you mean 'list'? (see 'ipcoop --help')")
        + r" \[E\d{3}\]",
        one_error_line(result),
    )
    assert cli("xyz").exit_code == 2


def test_dropping_again_with_the_same_reason_does_not_repeat_it(cli):
    for _ in range(2):
        assert cli("drop", "18", "--reason", "merged into 17").exit_code == 0
    notes = cli("show", "18", "--json").json()["notes"]
    assert notes.count("Dropped: merged into 17") == 1


def test_show_gives_times_in_the_readers_time_zone_as_log_does(cli, monkeypatch):
    import datetime as dt
    import time

    monkeypatch.setenv("TZ", "Asia/Hong_Kong")
    time.tzset()
    try:
        stamp = cli("show", "12", "--json").json()["created"]
        local = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) + dt.timedelta(hours=8)
        shown = cli("show", "12").stdout
    finally:
        monkeypatch.undo()
        time.tzset()
    assert f"Created         {local:%Y-%m-%d %H:%M}" in shown


def test_completion_offers_what_each_command_can_take(db_path):
    """Programme keys for summary, programme show and carry (not file names), and for
    done only the projects not done yet."""
    from typer.testing import CliRunner

    def complete(words: str) -> list[str]:
        env = {
            "_IPCOOP_COMPLETE": "complete_bash",
            "COMP_WORDS": f"ipcoop --db {db_path} {words}",
            "COMP_CWORD": str(len(words.split()) + 2),
        }
        result = CliRunner().invoke(app, [], env=env, prog_name="ipcoop")
        return result.stdout.split()

    assert complete("summary 202") == ["2020"]
    assert complete("programme show 202") == ["2020"]
    assert complete("carry 202") == ["2020"]
    assert complete("carry 2020 --to 202") == ["2020"]
    invoke("--db", db_path, "done", "11", "12", "--on", "2020-11-30")
    offered = complete("done 1")
    assert "11" not in offered and "12" not in offered and "13" in offered
    closed = complete("reopen 1")
    assert {"11", "12"} <= set(closed) and "13" not in closed


def test_show_says_where_a_carried_project_went_and_areas_keep_to_their_years(db_path):
    assert invoke("--db", db_path, "programme", "add", "2021", "--start", "2021-01",
                  "--end", "2021-12", "--area", "gba", "--area", "protection",
                  "--area", "trading", "--area", "exchange", "--area", "guidance",
                  "--area", "education").exit_code == 0  # fmt: skip
    assert invoke("--db", db_path, "carry", "2020", "--to", "2021", "--only", "15").exit_code == 0
    shown = invoke("--db", db_path, "show", "15").stdout
    assert re.search(r"Carried\s+→ 19", shown), shown
    invoke("--db", db_path, "areas", "add", "culture", "IP in culture", "--from", "2022")
    assert "culture" not in invoke("--db", db_path, "areas", "--year", "2019").stdout
    assert "culture" in invoke("--db", db_path, "areas").stdout


def test_log_keeps_its_indents_at_40_columns_with_a_long_name_and_note(db_path):
    from ipcoop.reports.render import cell_len

    env = {"COLUMNS": "40"}
    long_name = "Intellectual Property Department, Hong Kong"
    local = db_path.with_name(db_path.name + ".local")
    state = json.loads(local.read_text()) if local.exists() else {}
    state["name"] = long_name
    local.write_text(json.dumps(state))
    note = "HK speakers invited for the seminar on the twentieth of September"
    assert invoke("--db", db_path, "note", "12", note).exit_code == 0
    shown = invoke("--db", db_path, "log", "12", env=env).stdout.splitlines()
    assert all(cell_len(line) <= 40 for line in shown), shown
    assert all(line.startswith("  ") or line[:4].isdigit() for line in shown), shown
