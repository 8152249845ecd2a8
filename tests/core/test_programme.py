"""Summaries, areas over the years and carry-over, through the real CLI."""

from __future__ import annotations

import json

import pytest

from tests.helpers import one_error_line


def test_summary_default_is_latest_year(cli):
    cli("done", "11", "13", "--on", "2020-11-30")
    cli("drop", "18")
    s = cli("summary", "--json").json()
    assert s["period"] == "2020"
    assert (s["total"], s["done"], s["dropped"], s["planned"]) == (8, 2, 1, 5)
    assert s["percent_done"] == 28.6
    # The bundled 2019 programme itemises 10 projects; the group reported 27 (v2).
    assert s["previous"] == {
        "period": "2019",
        "total": 10,
        "done": 10,
        "percent_done": 100.0,
        "reported_done": 27,
    }
    assert [p["id"] for p in s["key_projects"]] == [11, 12, 13, 14, 15, 16]
    assert set(s) >= {
        "period",
        "from",
        "to",
        "total",
        "planned",
        "active",
        "done",
        "dropped",
        "percent_done",
        "areas",
        "key_projects",
        "previous",
    }
    protection = next(a for a in s["areas"] if a["key"] == "protection")
    assert protection == {
        "key": "protection",
        "name": "Reinforcing co-operation on protection of IP in both places",
        "names": {"zh-hk": "加強兩地知識產權保護合作", "zh-cn": "加强两地知识产权保护合作"},
        "total": 3,
        "planned": 2,
        "active": 0,
        "done": 0,
        "dropped": 1,
        "carried": 0,
        "percent_done": 0.0,
    }


def test_summary_terminal_report(cli):
    cli("done", "13", "--on", "2020-11-30")
    for width in ("80", "140"):
        out = cli("summary", "2020", env={"COLUMNS": width}).stdout
        assert "Co-operation projects 2020" in out
        assert "1 of 8 done (12.5%)" in out
        assert "Previous (2019): 27 implemented, as the group reported (10 itemised" in out
        assert "Key projects (6)" in out
        assert "\x1b" not in out
        assert all(len(line) <= int(width) for line in out.splitlines())
    assert "Greater Bay Area" in cli("summary", "2020", env={"COLUMNS": "140"}).stdout


def test_summary_markdown(cli):
    cli("done", "13", "--on", "2020-11-30")
    md = cli("summary", "2020", "--format", "md").stdout
    assert md.startswith("## Co-operation projects 2020\n")
    assert "In 2020 the Expert Group implemented 1 of its 8 co-operation projects" in md
    gba = "Strengthening co-operation on IP in the Greater Bay Area"
    assert f"| {gba} | 1 | 1 | 0 | 0 | 100.0 |" in md
    contest = "Guangdong-Hong Kong-Macao Greater Bay Area High Value Patent Portfolio Contest 2020"
    assert f"- {contest} — done, 2020-11-30" in md


@pytest.mark.parametrize(("fmt", "marker"), [("html", "<html"), ("svg", "<svg")])
def test_summary_html_and_svg_to_file(cli, tmp_path, fmt, marker):
    out = tmp_path / f"report.{fmt}"
    result = cli("summary", "2020", "--format", fmt, "--output", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    content = out.read_text("utf-8")
    assert marker in content
    if fmt == "html":  # v2: a document with the key projects; the SVG is a chart of areas
        assert "Co-operation projects 2020" in content and "Contest" in content
    else:
        assert "Strengthening co-operation on IP" in content  # a long name is cut to fit


def test_summary_table_to_file_is_plain_text(cli, tmp_path):
    out = tmp_path / "s.txt"
    assert cli("summary", "2019", "--output", out).exit_code == 0
    text = out.read_text("utf-8")
    assert "10 of 10 done (100.0%)" in text
    assert "\x1b" not in text


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["2023-2020"], 1),
        (["20x0"], 1),
        (["2020-"], 1),
        (["1999"], 1),
        (["2020", "--format", "pdf"], 1),
    ],
)
def test_summary_bad_input(cli, args, code):
    result = cli("summary", *args)
    assert result.exit_code == code
    one_error_line(result)
    assert result.stdout == ""


def test_summary_of_empty_database(empty_db):
    from tests.helpers import invoke

    result = invoke("--db", empty_db, "summary")
    assert result.exit_code == 1
    one_error_line(result)
    s = invoke("--db", empty_db, "summary", "2021", "--json").json()
    assert (s["total"], s["percent_done"], s["previous"]) == (0, 0.0, None)


def test_programmes_over_the_years(empty_db):
    """Reconstruct several programmes with different area sets and check each summary."""
    from tests.helpers import invoke

    def run(*args):
        result = invoke("--db", empty_db, *args)
        assert result.exit_code == 0, result.stderr
        return result

    run("areas", "add", "smes", "Supporting SMEs in using IP", "--from", "2016", "--until", "2018")
    run("areas", "edit", "guidance", "--until", "2021")
    for i in range(4):
        run("add", f"SME clinic {i}", "--area", "smes", "--year", "2018", "--status", "done")
    run("add", "Guidance 2021", "--area", "guidance", "--year", "2021", "--status", "done")
    run("add", "GBA 2022", "--area", "gba", "--year", "2022", "--key")
    run("add", "Trading 2022", "--area", "trading", "--year", "2022", "--status", "done")
    s2018 = run("summary", "2018", "--json").json()
    assert "smes" in [a["key"] for a in s2018["areas"]]
    assert (s2018["total"], s2018["done"], s2018["percent_done"]) == (4, 4, 100.0)
    s2022 = run("summary", "2022", "--json").json()
    keys = [a["key"] for a in s2022["areas"]]
    assert "guidance" not in keys and "smes" not in keys
    assert len(keys) == 5
    assert s2022["previous"] == {"period": "2021", "total": 1, "done": 1, "percent_done": 100.0}
    s_range = run("summary", "2021-2022", "--json").json()
    assert (s_range["total"], s_range["done"], s_range["percent_done"]) == (3, 2, 66.7)
    assert s_range["previous"] is None  # 2019-2020 has no projects
    run("areas", "edit", "smes", "--name", "Supporting SMEs")
    assert (
        next(a for a in run("summary", "2018", "--json").json()["areas"] if a["key"] == "smes")[
            "name"
        ]
        == "Supporting SMEs"
    )
    assert len(run("list", "--area", "smes", "--json").json()) == 4
    for fmt in ("md", "html", "svg", "json", "table"):
        run("summary", "2018", "--format", fmt)


def test_areas_add_edit_errors_change_nothing(cli, db_path):
    before = db_path.read_bytes()
    for args in (
        ["add", "gba", "Duplicate"],
        ["add", "Bad Key!", "Name"],
        ["add", "x", "Name", "--from", "2020", "--until", "2019"],
        ["add", "x", "Name", "--from", "twenty"],
        ["add", "x", "   "],
        ["edit", "moon", "--name", "x"],
        ["edit", "gba"],
        ["edit", "gba", "--until", "1990"],
        ["edit", "gba", "--from", "2021", "--until", "2020"],
        ["remove", "gba"],
        ["remove", "moon"],
    ):
        result = cli("areas", *args)
        assert result.exit_code == 1, args
        one_error_line(result)
    assert db_path.read_bytes() == before


def test_areas_remove_unused_and_undo(cli):
    assert cli("areas", "add", "culture", "Culture").exit_code == 0
    assert cli("areas", "remove", "culture").exit_code == 0
    assert "culture" not in [a["key"] for a in cli("areas", "--json").json()]
    assert cli("undo").exit_code == 0
    assert "culture" in [a["key"] for a in cli("areas", "--json").json()]


def test_carry_over(cli, db_path):
    cli("done", "11", "13", "--on", "2020-11-30")
    cli("start", "12")
    cli("drop", "18")
    before_2020 = cli("list", "--year", "2020", "--json").json()
    result = cli("carry", "2020")
    assert result.exit_code == 0, result.stderr
    copies = cli("list", "--year", "2021", "--json").json()
    assert [c["title"] for c in copies] == [
        p["title"] for p in before_2020 if p["status"] in ("planned", "active")
    ]
    first = copies[0]
    original = cli("show", "12", "--json").json()
    assert first["status"] == "planned"
    for name in ("area", "key", "lead", "agencies"):
        assert first[name] == original[name]
    assert first["notes"] == "Carried over from project 12 (2020)."
    # The originals are carried, naming their copies; the rest of 2020 is as it was.
    after_2020 = {p["id"]: p for p in cli("list", "--year", "2020", "--json").json()}
    for p in before_2020:
        if p["status"] in ("planned", "active"):
            assert after_2020[p["id"]]["status"] == "carried"
            assert after_2020[p["id"]]["carried_to"] in {c["id"] for c in copies}
        else:
            assert after_2020[p["id"]] == p
    # Twice: nothing more.
    again = cli("carry", "2020")
    assert again.exit_code == 0
    assert "Nothing to carry" in again.stderr
    assert len(cli("list", "--year", "2021", "--json").json()) == len(copies)
    # Undo removes the copies as a whole, and the originals are as they were.
    cli("undo")
    assert cli("list", "--year", "2021", "--json").json() == []
    assert cli("list", "--year", "2020", "--json").json() == before_2020


def test_carry_bad_input(cli, db_path):
    before = db_path.read_bytes()
    for args in (["20x0"], ["2020", "--to", "2019"], ["2020", "--to", "2020"]):
        result = cli("carry", *args)
        assert result.exit_code == 1
        one_error_line(result)
    assert db_path.read_bytes() == before


def test_carry_into_a_programme_without_the_area_is_refused(cli, db_path):
    cli("areas", "edit", "exchange", "--until", "2020")
    before = db_path.read_bytes()
    result = cli("carry", "2020")
    assert result.exit_code == 1
    assert "has no area exchange" in result.stderr and "--add-area exchange" in result.stderr
    assert db_path.read_bytes() == before
    cli("add", "x", "--area", "gba", "--year", "2021")  # makes programme 2021
    assert cli("programme", "edit", "2021", "--add-area", "exchange").exit_code == 0
    assert cli("carry", "2020").exit_code == 0
    assert json.loads(cli("list", "--year", "2021", "--area", "exchange", "--json").stdout)


def test_carry_from_a_mistyped_year_makes_no_programme(cli, db_path):
    before = db_path.read_bytes()
    result = cli("carry", "2031")
    assert result.exit_code == 1
    assert "no programme '2031' to carry from" in one_error_line(result)
    assert db_path.read_bytes() == before
    cli("done", *[str(p["id"]) for p in cli("list", "--json", "--open").json()])
    assert "Nothing to carry." in cli("carry", "2020", "--to", "2033").stderr
    keys = [p["key"] for p in cli("programme", "list", "--json").json()]
    assert "2033" not in keys and "2031" not in keys and "2032" not in keys


def test_the_log_tells_title_forms_in_words(cli):
    cli("edit", "3", "--zh-hk", "測試")
    told = " ".join(cli("log", "3").stdout.split())
    assert "{" not in told and "null" not in told, told
    assert "-> zh-cn: '“老字号品牌发展：品牌再造”研讨会'; zh-hk: '測試'" in told


def test_areas_of_a_year_add_up_and_show_a_dash_where_nothing_counts(cli):
    cli("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    cli("programme", "edit", "2021", "--add-area", "protection")
    in_2020 = [p for p in cli("list", "--json", "--year", "2020").json() if p["area"] == "gba"]
    assert (
        cli("carry", "2020", "--to", "2021", "--only", *[str(p["id"]) for p in in_2020]).exit_code
        == 0
    )
    rows = {
        line.split()[0]: line.split()
        for line in cli("areas", "--year", "2020").stdout.splitlines()[2:]
        if line.strip()
    }
    header = cli("areas", "--year", "2020").stdout.splitlines()[1].split()
    assert "Carried" in header and "Drop" in header
    gba = rows["gba"]
    assert gba[1:6] == [str(len(in_2020)), "0", "0", "0", str(len(in_2020))]
    assert gba[6] == "—"


def test_an_area_whose_projects_were_all_carried_has_no_percentage(cli):
    """Trading's only 2020 project went on to 2022-23: reports print a dash for its
    share (JSON keeps the contract's 0.0 when nothing counts, with the counts beside
    it); at 40 columns the table keeps Carried, so each row adds up."""
    from ipcoop.reports.render import cell_len

    cli(
        "programme",
        "add",
        "2022-23",
        "--start",
        "2022-07",
        "--end",
        "2023-12",
        "--area",
        "trading",
        "--area",
        "gba",
    )
    assert cli("carry", "2020", "--to", "2022-23", "--only", "11").exit_code == 0
    cli("drop", "12")
    figures = cli("summary", "2020", "--json").json()
    trading = next(a for a in figures["areas"] if a["key"] == "trading")
    assert (trading["carried"], trading["total"], trading["percent_done"]) == (1, 1, 0.0)
    for fmt, mark in (("md", "Promoting co-operation on IP trading"), ("table", "trading")):
        shown = cli("summary", "2020", "--format", fmt, env={"COLUMNS": "120"}).stdout
        row = next(line for line in shown.splitlines() if line.lstrip("| ").startswith(mark))
        assert "—" in row and "0.0" not in row, (fmt, row)
    narrow = cli("summary", "2020", env={"COLUMNS": "40"}).stdout
    assert all(cell_len(line) <= 40 for line in narrow.splitlines())
    lines = narrow.splitlines()
    header = next(line for line in lines if "Carried" in line).split()
    assert header[:5] == ["Area", "Done", "Open", "Drop", "Carried"], header
    for area in figures["areas"]:
        row = next(line.split() for line in lines if line.split()[:1] == [area["key"]])
        assert sum(map(int, row[1:5])) == area["total"], row


def test_a_ranged_programme_can_be_extended_and_is_named_by_its_years(cli, db_path):
    add = ("programme", "add", "2022-23", "--start", "2022-07", "--end", "2023-12")
    assert cli(*add, "--area", "gba").exit_code == 0
    assert cli("programme", "edit", "2022-23", "--end", "2024-06").exit_code == 0
    assert cli("programme", "show", "2022-23", "--json").json()["end"] == "2024-06"
    cli("add", "Done in its extra year", "--area", "gba", "--programme", "2022-23")
    cli("done", "19", "--on", "2024-03-01")
    assert "Co-operation projects 2022-2024" in cli("summary", "2022-23").stdout
    before = db_path.read_bytes()
    for bad in (("--start", "2021-07"), ("--end", "2022-12")):
        refused = cli("programme", "edit", "2022-23", *bad)
        assert refused.exit_code == 1
        assert "edit ID --programme NEW" in one_error_line(refused)
    assert db_path.read_bytes() == before


def test_an_edit_that_made_a_programme_is_undone_with_it(cli):
    assert cli("edit", "12", "--year", "2025").exit_code == 0  # makes programme 2025
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert cli("show", "12", "--json").json()["programme"] == "2020"
    keys = [p["key"] for p in cli("programme", "list", "--json").json()]
    assert "2025" not in keys


def test_a_period_whose_projects_were_all_carried_gives_no_percentage(cli):
    """The table printed a dash and the headline 0.0%: no share of nothing is given."""
    cli("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba")
    cli("add", "Only one", "--area", "gba", "--year", "2021")
    cli("programme", "add", "2022", "--start", "2022-01", "--end", "2022-12", "--area", "gba")
    assert cli("carry", "2021", "--to", "2022").exit_code == 0
    for lang in ("en", "zh-hk", "zh-cn"):
        for fmt in ("table", "md"):
            shown = cli("summary", "2021", "--lang", lang, "--format", fmt).stdout
            before = shown  # this period's own words, not the comparison with 2020
            for mark in ("Previous", "上一期", "2020", "二○二○"):
                before = before.split(mark)[0]
            assert "%" not in before, (lang, fmt, before)
