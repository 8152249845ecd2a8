"""Programmes as the group runs them, rebuilt through the CLI with exact figures:
2018-19 (25 projects in seven areas), 2020 (six areas; 2019 reported 27), and
2022-23 (five areas, guidance gone, 19 completed over the two years before)."""

from __future__ import annotations

from tests.helpers import ROOT, invoke, one_error_line

SEVEN = ["gba", "protection", "trading", "exchange", "guidance", "education", "smes"]


def ok(db, *args):
    result = invoke("--db", db, *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def test_the_2018_19_programme(empty_db):
    ok(
        empty_db,
        "areas",
        "add",
        "smes",
        "Supporting SMEs in using IP",
        "--from",
        "2018",
        "--until",
        "2019",
    )
    area_args = [a for key in SEVEN for a in ("--area", key)]
    ok(
        empty_db,
        "programme",
        "add",
        "2018-19",
        "--start",
        "2018-07",
        "--end",
        "2019-06",
        "--name",
        "Co-operation projects for the second half of 2018 to the first half of 2019",
        *area_args,
    )
    for i in range(25):
        ok(empty_db, "add", f"Project {i}", "--area", SEVEN[i % 7], "--programme", "2018-19")
    ok(empty_db, "done", *[str(i) for i in range(1, 21)], "--on", "2019-05-31")
    ok(empty_db, "done", "21", "--on", "2019-09-30")  # after the programme ended
    ok(empty_db, "drop", "25")
    ok(empty_db, "programme", "endorse", "2018-19", "--on", "2018-06-28")
    s = ok(empty_db, "summary", "2018-19", "--json").json()
    assert (s["period"], s["programme"], s["total"], s["done"], s["dropped"]) == (
        "2018-19",
        "2018-19",
        25,
        21,
        1,
    )
    assert s["percent_done"] == 87.5  # 21 of the 24 not dropped
    assert [a["key"] for a in s["areas"]] == SEVEN  # the programme's order
    assert [a["total"] for a in s["areas"]] == [4, 4, 4, 4, 3, 3, 3]
    assert (s["done_in_period"], s["done_late"]) == (20, 1)
    assert s["done_by_month"] == {"2019-05": 20, "2019-09": 1}
    assert s["endorsed"] == "2018-06-28" and s["endorsed_count"] == 25
    assert s["previous"] is None
    assert [p["year"] for p in ok(empty_db, "list", "--json").json()] == [2018] * 25


def test_the_bundled_2020_programme_compares_with_2019_as_reported(db_path):
    s = ok(db_path, "summary", "--json").json()
    assert s["programme"] == "2020" and s["endorsed"] == "2020-04-24"
    assert s["endorsed_count"] == 8
    assert [a["key"] for a in s["areas"]] == [
        "gba",
        "protection",
        "trading",
        "exchange",
        "guidance",
        "education",
    ]
    assert s["previous"] == {
        "period": "2019",
        "total": 10,
        "done": 10,
        "percent_done": 100.0,
        "reported_done": 27,
    }
    s2019 = ok(db_path, "summary", "2019", "--json").json()
    assert (s2019["reported_done"], s2019["total"], s2019["done"]) == (27, 10, 10)
    assert "27 reported implemented" in ok(db_path, "summary", "2019").stdout


def test_the_2022_23_programme_after_2020_extended_through_2021(db_path):
    # The 2020 plan was extended through 2021; 19 of its projects were completed.
    ok(db_path, "programme", "edit", "2020", "--end", "2021-12")
    for i in range(11):
        ok(db_path, "add", f"More 2020 work {i}", "--area", "exchange", "--programme", "2020")
    ok(db_path, "done", *[str(i) for i in range(11, 19)], "--on", "2020-12-15")
    ok(db_path, "done", *[str(i) for i in range(19, 30)], "--on", "2021-06-30")
    assert len(ok(db_path, "list", "--done-in", "2021", "--json").json()) == 11
    assert len(ok(db_path, "list", "--done-in", "2021-06", "--json").json()) == 11
    assert len(ok(db_path, "list", "--done-in", "2020-21", "--json").json()) == 19
    # 2022: five areas, guidance gone, four renamed.
    ok(db_path, "areas", "edit", "guidance", "--until", "2021")
    for key, name in (
        ("gba", "Deepening co-operation on IP in the Greater Bay Area"),
        ("protection", "Strengthening IP protection in both places"),
        ("trading", "Promoting IP trading and exploitation"),
        ("exchange", "Enhancing IP exchange in both places"),
    ):
        ok(db_path, "areas", "edit", key, "--name", name)
    ok(
        db_path,
        "programme",
        "add",
        "2022-23",
        "--start",
        "2022-07",
        "--end",
        "2023-12",
        "--area",
        "gba",
        "--area",
        "protection",
        "--area",
        "trading",
        "--area",
        "exchange",
        "--area",
        "education",
    )
    ok(
        db_path,
        "add",
        "Patent portfolio contest 2022",
        "--area",
        "gba",
        "--programme",
        "2022-23",
        "--key",
    )
    s = ok(db_path, "summary", "2022-23", "--json").json()
    assert [a["key"] for a in s["areas"]] == [
        "gba",
        "protection",
        "trading",
        "exchange",
        "education",
    ]
    assert s["areas"][0]["name"] == "Deepening co-operation on IP in the Greater Bay Area"
    assert s["previous"] == {
        "period": "2020",
        "period_label": "2020-2021",  # the years it spans, which text names it by
        "total": 19,
        "done": 19,
        "percent_done": 100.0,
    }
    # The endorsed 2020 programme keeps the names it was endorsed with.
    s2020 = ok(db_path, "summary", "2020", "--json").json()
    assert s2020["areas"][0]["name"] == "Strengthening co-operation on IP in the Greater Bay Area"
    assert s2020["done_by_month"] == {"2020-12": 8, "2021-06": 11}
    # Calendar 2021 as a period, as v1 counted: programmes starting in 2021 (none).
    empty = ok(db_path, "summary", "2021")
    assert "No co-operation projects are recorded for 2021." in empty.stdout
    assert "0 of 0" not in empty.stdout


def test_adding_to_an_area_outside_the_programme_is_refused(db_path):
    ok(db_path, "areas", "add", "culture", "Culture and creative industries", "--from", "2022")
    ok(db_path, "programme", "add", "2021", "--start", "2021-01", "--end", "2021-12")
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "add", "x", "--area", "culture", "--programme", "2021")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "not in programme 2021" in line and "--add-area culture" in line
    endorsed = invoke("--db", db_path, "add", "x", "--area", "culture", "--programme", "2020")
    assert endorsed.exit_code == 1
    assert "was endorsed with its areas" in one_error_line(endorsed)
    assert db_path.read_bytes() == before
    ok(db_path, "programme", "edit", "2021", "--add-area", "culture")
    ok(db_path, "add", "x", "--area", "culture", "--programme", "2021")


def test_a_carried_project_cannot_be_reopened_while_its_copy_exists(db_path):
    ok(db_path, "add", "x", "--area", "gba", "--year", "2021")  # programme 2021
    ok(db_path, "carry", "2020", "--to", "2021")
    original = ok(db_path, "show", "12", "--json").json()
    assert original["status"] == "carried"
    copy = original["carried_to"]
    refused = invoke("--db", db_path, "reopen", "12")
    assert refused.exit_code == 1
    assert f"carried into project {copy}" in one_error_line(refused)
    assert invoke("--db", db_path, "done", "12").exit_code == 1
    s = ok(db_path, "summary", "2020", "--json").json()
    assert (s["carried"], s["total"], s["percent_done"]) == (8, 8, 0.0)
    ok(db_path, "remove", str(copy), "--yes")
    ok(db_path, "reopen", "12")
    assert ok(db_path, "show", "12", "--json").json()["carried_to"] is None


def test_work_done_outside_its_programme_is_warned_about(db_path):
    early = ok(db_path, "done", "12", "--on", "2019-06-01")
    assert "before its programme 2020 began (2020-01 to 2020-12)" in early.stderr
    late = ok(db_path, "done", "13", "--on", "2022-03-01")
    assert "more than a year after" in late.stderr
    again = ok(db_path, "done", "13", "--on", "2021-03-01")
    assert "was already done on 2022-03-01; now 2021-03-01" in again.stderr
    assert ok(db_path, "show", "13", "--json").json()["done_on"] == "2021-03-01"


def test_bad_programmes_are_one_line_and_change_nothing(db_path):
    before = db_path.read_bytes()
    for args in (
        ["programme", "add", "2020-21", "--start", "2022-07", "--end", "2023-12"],
        ["programme", "add", "2024", "--start", "2024-07", "--end", "2024-01"],
        ["programme", "add", "2020", "--start", "2020-01", "--end", "2020-12"],
        ["programme", "add", "x", "--start", "2024-13", "--end", "2024-12"],
        ["programme", "edit", "2020", "--area", "gba"],  # endorsed: areas frozen
        ["programme", "show", "1999"],
        ["summary", "2024-2022"],
    ):
        result = invoke("--db", db_path, *args)
        assert result.exit_code in (1, 2), (args, result.stderr)
        one_error_line(result)
    assert db_path.read_bytes() == before
    # Overlapping programmes are allowed: the group's plans overlap.
    ok(db_path, "programme", "add", "2020-21", "--start", "2020-07", "--end", "2021-06")


def test_an_area_a_programme_names_cannot_be_removed(db_path):
    before = db_path.read_bytes()
    result = invoke("--db", db_path, "areas", "remove", "education")
    assert result.exit_code == 1
    assert "programme(s) 2019, 2020" in one_error_line(result)
    assert db_path.read_bytes() == before


def test_the_readmes_programme_example_runs_as_written(db_path, tmp_path, monkeypatch):
    import shlex

    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("Rebuilding another programme:", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0].replace("\\\n", " ")
    monkeypatch.chdir(tmp_path)
    commands = [line.split("#")[0] for line in block.splitlines() if line.strip()]
    assert len(commands) >= 8
    for line in commands:
        args = shlex.split(line)
        assert args[0] == "ipcoop"
        ok(db_path, *args[1:])
    assert "## Co-operation projects 2022-23" in (tmp_path / "summary.md").read_text("utf-8")
