"""A Chinese-first user types what the Chinese outputs print: statuses, leads, areas
and agencies by their Chinese words or names, in either script, wherever a value
is typed (issue: the release as the group writes it, item 4)."""

from __future__ import annotations

import pytest

from tests.helpers import invoke, one_error_line

GBA_HK = "加強粵港澳大灣區知識產權合作"
GBA_CN = "加强粤港澳大湾区知识产权合作"


@pytest.mark.parametrize(
    ("status", "lead", "area", "agency"),
    [
        ("進行中", "合辦", GBA_HK, "知識產權署"),
        ("进行中", "粤港合办", GBA_CN, "广东省知识产权局"),
        ("Active", "JOINT", "Strengthening co-operation on IP in the Greater Bay Area", "hkipd"),
    ],
)
def test_add_edit_and_list_take_chinese_words_and_names(db_path, status, lead, area, agency):
    def ok(*args: str):
        done = invoke("--db", db_path, *args)
        assert done.exit_code == 0, (args, done.stderr)
        return done

    ok("add", "中文輸入", "--area", area, "--year", "2020", "--status", status,
       "--lead", lead, "--agency", agency)  # fmt: skip
    shown = ok("show", "19", "--json").json()
    assert (shown["area"], shown["status"], shown["lead"]) == ("gba", "active", "joint")
    assert shown["agencies"] == ["HKIPD" if "署" in agency or agency == "hkipd" else "GDAMR"]
    listed = ok("list", "--status", status, "--lead", lead, "--area", area, "--json").json()
    assert [p["id"] for p in listed] == [19]
    ok("edit", "19", "--lead", "香港", "--agency", "GDAMR")
    assert ok("show", "19", "--json").json()["lead"] == "hk"


def test_an_import_takes_chinese_statuses_leads_and_area_names(db_path, tmp_path):
    sheet = tmp_path / "sent.csv"
    sheet.write_text(
        f"title,area,year,status,lead,done_on\n研討會,{GBA_CN},2020,已完成,广东,2020-11-30\n",
        "utf-8",
    )
    done = invoke("--db", db_path, "import", sheet)
    assert done.exit_code == 0, done.stderr
    shown = invoke("--db", db_path, "show", "19", "--json").json()
    assert (shown["area"], shown["status"], shown["lead"]) == ("gba", "done", "gd")


def test_an_unknown_chinese_area_or_agency_says_what_may_be_given(db_path):
    for option, value, words in (
        ("--area", "不存在的範疇", "or its name as 'ipcoop areas' lists it"),
        ("--agency", "不存在的部門", "or its name as 'ipcoop members' lists it"),
    ):
        args = ["add", "x", "--year", "2020", "--area", "gba", option, value]
        refused = invoke("--db", db_path, *args)
        assert refused.exit_code == 1, refused.stderr
        assert words in one_error_line(refused)
