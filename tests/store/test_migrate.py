"""Schema 1 (the single-user file) opens as it is and is migrated by the first change.

tests/data/schema1.json was written by the released version: init, then
add, done, drop, areas add and remove, so that it has a journal to carry.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ipcoop import store
from tests.helpers import DATA, invoke, one_error_line

SCHEMA_1 = DATA / "schema1.json"


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "old.json"
    shutil.copy(SCHEMA_1, path)
    return path


def test_a_schema_1_file_reads_as_it_is(old_db):
    before = old_db.read_bytes()
    listed = invoke("--db", old_db, "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    projects = listed.json()
    assert [p["id"] for p in projects] == [*range(1, 17), 18, 19]
    assert next(p for p in projects if p["id"] == 19)["agencies"] == ["GDAMR", "HKIPD"]
    assert next(p for p in projects if p["id"] == 13)["done_on"] == "2020-11-30"
    for command in (["summary", "2020"], ["areas"], ["show", "18"], ["log"], ["check"]):
        result = invoke("--db", old_db, *command)
        assert result.exit_code == 0, (command, result.stderr)
    areas = invoke("--db", old_db, "areas", "--json").json()
    assert [a["key"] for a in areas][-1] == "culture"  # the old order is kept
    assert old_db.read_bytes() == before  # reading never writes
    assert not store.backup_path(old_db).exists()


def test_the_first_change_migrates_and_keeps_the_old_file_as_bak(old_db):
    before = old_db.read_bytes()
    old_projects = invoke("--db", old_db, "list", "--json").json()
    result = invoke("--db", old_db, "add", "After the upgrade", "--area", "gba", "--year", "2021")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "20\n"  # the old counter carries on; 17 (removed) is never reused
    assert store.backup_path(old_db).read_bytes() == before
    data = json.loads(old_db.read_text("utf-8"))
    assert data["_meta"] == {"1": {"schema": store.SCHEMA_VERSION}}
    assert set(data["areas"]) == {
        "gba",
        "protection",
        "trading",
        "exchange",
        "guidance",
        "education",
        "culture",
    }
    (copy,) = data["copies"].values()
    assert copy["next"] == 21
    # Facts only: no summary figures or checksum in the shared file.
    assert "stats" not in old_db.read_text() and "projects_crc" not in old_db.read_text()
    new_projects = invoke("--db", old_db, "list", "--json").json()
    assert new_projects[:-1] == old_projects
    assert new_projects[-1]["title"] == "After the upgrade"
    # The journal came along: undo walks back through the old commands too.
    assert invoke("--db", old_db, "undo").exit_code == 0  # the add
    assert invoke("--db", old_db, "undo").exit_code == 0  # remove 17 --yes
    assert invoke("--db", old_db, "show", "17", "--json").json()["title"]
    assert invoke("--db", old_db, "undo").exit_code == 0  # areas add culture
    assert "culture" not in [a["key"] for a in invoke("--db", old_db, "areas", "--json").json()]
    log = invoke("--db", old_db, "log", "--json").json()
    assert [e["command"] for e in log][-1] == "init" or len(log) == 6
    assert invoke("--db", old_db, "check").exit_code == 0


def test_migrating_a_file_with_an_area_defined_twice_is_refused(old_db):
    data = json.loads(old_db.read_text("utf-8"))
    data["areas"]["99"] = dict(data["areas"]["1"])
    old_db.write_text(json.dumps(data), "utf-8")
    before = old_db.read_bytes()
    result = invoke("--db", old_db, "done", "12")
    assert result.exit_code == 3
    assert "twice" in one_error_line(result)
    assert old_db.read_bytes() == before


SCHEMA_2 = DATA / "schema2.json"


def test_a_schema_2_file_gets_a_programme_for_each_year(tmp_path):
    """tests/data/schema2.json was written by schema 2 (no programmes): init, add, done,
    drop, an area added for 2021 with a project in it, guidance ended 2021, carry 2020."""
    old = tmp_path / "old.json"
    shutil.copy(SCHEMA_2, old)
    before = old.read_bytes()
    listed = invoke("--db", old, "list", "--json").json()
    assert {p["programme"] for p in listed} == {"2019", "2020", "2021"}
    assert all(p["programme"] == str(p["year"]) for p in listed)
    assert old.read_bytes() == before  # read as it is
    programmes = invoke("--db", old, "programme", "list", "--json").json()
    assert [(p["key"], p["start"], p["end"], p["endorsed"]) for p in programmes] == [
        ("2019", "2019-01", "2019-12", None),
        ("2020", "2020-01", "2020-12", None),
        ("2021", "2021-01", "2021-12", None),
    ]
    # The areas in force in each year: culture from 2021 on.
    assert "culture" not in programmes[1]["areas"] and "culture" in programmes[2]["areas"]
    assert invoke("--db", old, "done", "21", "--on", "2021-06-30").exit_code == 0
    assert json.loads(old.read_text())["_meta"]["1"]["schema"] == store.SCHEMA_VERSION
    assert store.backup_path(old).read_bytes() == before
    assert invoke("--db", old, "undo").exit_code == 0
    assert invoke("--db", old, "undo").exit_code == 0  # the old journal's carry
    assert [p["year"] for p in invoke("--db", old, "list", "--json").json()][-1] == 2021
    assert invoke("--db", old, "check").exit_code == 0


SCHEMA_3 = DATA / "schema3.json"


def test_a_schema_3_file_gains_title_forms_and_the_bundled_chinese_names(tmp_path):
    """tests/data/schema3.json was written by schema 3 (English only): init --empty, two
    adds (one titled in Chinese), done, guidance renamed, an area smes added, and a
    programme 2022-23 added."""
    old = tmp_path / "old.json"
    shutil.copy(SCHEMA_3, old)
    before = old.read_bytes()
    listed = invoke("--db", old, "list", "--json").json()
    assert [p["titles"] for p in listed] == [{"zh-hk": None, "zh-cn": None}] * 2
    assert [p["converted"] for p in listed] == [[], []]
    assert old.read_bytes() == before  # read as it is
    areas = {a["key"]: a for a in invoke("--db", old, "areas", "--json").json()}
    # Bundled names gain their Chinese forms; a renamed or new area has none yet.
    assert areas["gba"]["names"] == {
        "zh-hk": "加強粵港澳大灣區知識產權合作",
        "zh-cn": "加强粤港澳大湾区知识产权合作",
    }
    assert areas["guidance"]["names"] == {"zh-hk": None, "zh-cn": None}
    assert areas["smes"]["names"] == {"zh-hk": None, "zh-cn": None}
    members = {m["code"]: m for m in invoke("--db", old, "members", "--json").json()}
    assert members["HKIPD"]["names"]["zh-hk"] == "知識產權署"
    programmes = invoke("--db", old, "programme", "list", "--json").json()
    assert programmes[0]["key"] == "2021" and programmes[0]["names"]["zh-cn"] == "2021年合作项目"
    # The first change writes schema 4, keeps the old file, and the old journal still undoes.
    assert invoke("--db", old, "edit", "2", "--zh-hk", "粵港知識產權研討會").exit_code == 0
    assert json.loads(old.read_text())["_meta"]["1"]["schema"] == store.SCHEMA_VERSION
    assert store.backup_path(old).read_bytes() == before
    shown = invoke("--db", old, "show", "2", "--json").json()
    assert shown["titles"] == {"zh-hk": "粵港知識產權研討會", "zh-cn": "粤港知识产权研讨会"}
    assert shown["converted"] == ["zh-cn"]
    for _ in range(2):  # the edit, then schema 3's programme add
        assert invoke("--db", old, "undo").exit_code == 0
    assert invoke("--db", old, "undo").exit_code == 0  # schema 3's area add
    assert "smes" not in {a["key"] for a in invoke("--db", old, "areas", "--json").json()}
    assert invoke("--db", old, "undo").exit_code == 0  # schema 3's rename
    renamed = {a["key"]: a for a in invoke("--db", old, "areas", "--json").json()}["guidance"]
    assert renamed["name"] == "Strengthening guidance service on IP in both places"
    assert invoke("--db", old, "check").exit_code == 0


SCHEMA_4 = DATA / "schema4.json"


def test_a_schema_4_file_gives_every_project_a_uuid_every_copy_agrees_on(tmp_path):
    """tests/data/schema4.json was written by schema 4: init, an add with a Chinese
    title, an edit, done, a remove and a drop, so that its journal holds projects."""
    old = tmp_path / "old.json"
    shutil.copy(SCHEMA_4, old)
    before = old.read_bytes()
    listed = invoke("--db", old, "list", "--json").json()
    uuids = {p["id"]: p["uuid"] for p in listed}
    assert len(uuids) == 18 and len(set(uuids.values())) == 18
    assert all(len(u) == 36 and u[14] == "5" for u in uuids.values())  # derived, version 5
    assert old.read_bytes() == before  # read as it is
    # Another copy of the same database (another identity) derives the same UUIDs.
    elsewhere = tmp_path / "elsewhere" / "old.json"
    elsewhere.parent.mkdir()
    shutil.copy(SCHEMA_4, elsewhere)
    assert invoke("--db", elsewhere, "done", "12").exit_code == 0
    again = {p["id"]: p["uuid"] for p in invoke("--db", elsewhere, "list", "--json").json()}
    assert again == uuids
    # The first change writes schema 5 with them; a new project gets a random one.
    added = invoke("--db", old, "add", "After the upgrade", "--area", "gba", "--year", "2020")
    assert added.exit_code == 0, added.stderr
    assert json.loads(old.read_text())["_meta"]["1"]["schema"] == store.SCHEMA_VERSION >= 5
    assert store.backup_path(old).read_bytes() == before
    now = {p["id"]: p["uuid"] for p in invoke("--db", old, "list", "--json").json()}
    new_id = int(added.stdout)
    assert {k: v for k, v in now.items() if k != new_id} == uuids
    assert now[new_id][14] == "4" and now[new_id] not in uuids.values()
    # The old journal undoes into whole projects: the drop, then the remove.
    for _ in range(3):
        assert invoke("--db", old, "undo").exit_code == 0
    back = invoke("--db", old, "show", "16", "--json").json()
    assert back["title"] == "Exchange activities on copyright and other related areas"
    assert back["uuid"] == back["uuid"].lower() and len(back["uuid"]) == 36
    assert invoke("--db", old, "check").exit_code == 0
