"""The summary figures: pure functions, exact numbers."""

from __future__ import annotations

from ipcoop.core import summary
from ipcoop.reports import sentences

AREAS = [
    {"key": "gba", "name": "Greater Bay Area", "from": None, "until": None},
    {"key": "guidance", "name": "Guidance", "from": None, "until": 2021},
    {"key": "smes", "name": "SMEs", "from": 2016, "until": 2018},
    {"key": "new", "name": "New", "from": 2022, "until": None},
]


def project(pid, year, status, area="gba", key=False, done_on=None):
    return {
        "id": pid,
        "title": f"p{pid}",
        "area": area,
        "year": year,
        "status": status,
        "key": key,
        "lead": "joint",
        "agencies": [],
        "notes": "",
        "done_on": done_on,
        "created": "2026-01-01T00:00:00Z",
        "updated": "2026-01-01T00:00:00Z",
    }


def test_percent_done():
    assert summary.percent_done(27, 30, 0) == 90.0
    assert summary.percent_done(2, 8, 1) == 28.6
    assert summary.percent_done(1, 3, 0) == 33.3
    assert summary.percent_done(0, 0, 0) == 0.0
    assert summary.percent_done(0, 4, 4) == 0.0


def test_previous_period():
    assert summary.previous_period(2020, 2020) == (2019, 2019)
    assert summary.previous_period(2022, 2023) == (2020, 2021)


def test_year_figures():
    projects = [
        project(1, 2019, "done"),
        project(2, 2019, "done"),
        project(3, 2019, "planned"),
        project(4, 2020, "done", key=True, done_on="2020-06-01"),
        project(5, 2020, "done", done_on="2021-02-01"),
        project(6, 2020, "active", area="guidance", key=True),
        project(7, 2020, "dropped", area="guidance"),
        project(8, 2020, "planned"),
        project(9, 2021, "planned"),
    ]
    s = summary.summarize(projects, AREAS, 2020, 2020)
    assert (s["period"], s["from"], s["to"]) == ("2020", 2020, 2020)
    assert (s["total"], s["planned"], s["active"], s["done"], s["dropped"]) == (5, 1, 1, 2, 1)
    assert s["percent_done"] == 50.0
    assert [a["key"] for a in s["areas"]] == ["gba", "guidance"]
    gba, guidance = s["areas"]
    assert (gba["total"], gba["done"], gba["percent_done"]) == (3, 2, 66.7)
    assert (guidance["total"], guidance["dropped"], guidance["percent_done"]) == (2, 1, 0.0)
    assert [p["id"] for p in s["key_projects"]] == [4, 6]
    assert s["previous"] == {"period": "2019", "total": 3, "done": 2, "percent_done": 66.7}
    assert (s["done_in_period"], s["done_late"], s["done_undated"]) == (1, 1, 0)


def test_areas_in_force_over_a_range():
    s = summary.summarize([project(1, 2017, "done", area="smes")], AREAS, 2016, 2017)
    assert [a["key"] for a in s["areas"]] == ["gba", "guidance", "smes"]
    s = summary.summarize([], AREAS, 2022, 2023)
    assert [a["key"] for a in s["areas"]] == ["gba", "new"]
    # An area out of force that still has projects in the period is listed.
    s = summary.summarize([project(1, 2022, "planned", area="guidance")], AREAS, 2022, 2022)
    assert [a["key"] for a in s["areas"]] == ["gba", "guidance", "new"]


def test_empty_year():
    s = summary.summarize([project(1, 2019, "done")], AREAS, 2030, 2030)
    assert s["total"] == 0
    assert s["percent_done"] == 0.0
    assert s["previous"] is None
    assert s["key_projects"] == []
    assert all(a["total"] == 0 for a in s["areas"])
    assert sentences.headline(s) == "No co-operation projects are recorded for 2030."


def test_everything_dropped():
    s = summary.summarize([project(i, 2020, "dropped") for i in (1, 2)], AREAS, 2020, 2020)
    assert (s["total"], s["dropped"], s["percent_done"]) == (2, 2, 0.0)


def test_range_and_previous_range():
    projects = [project(i, 2020 + i % 4, "done" if i % 2 else "planned") for i in range(1, 13)]
    s = summary.summarize(projects, AREAS, 2022, 2023)
    assert s["period"] == "2022-2023"
    assert s["total"] == 6
    assert s["previous"]["period"] == "2020-2021"
    assert s["previous"]["total"] == 6


def test_headline():
    projects = [project(i, 2019, "done") for i in range(27)] + [project(99, 2019, "dropped")]
    s = summary.summarize(projects, AREAS, 2019, 2019)
    assert sentences.headline(s) == (
        "In 2019 the Expert Group implemented 27 of its 28 co-operation projects "
        "(100.0% of those not dropped); 1 was dropped."
    )
