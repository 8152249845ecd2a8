"""Member agencies with years in force and each side's leader; schema 7."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ipcoop import store
from tests.helpers import DATA, invoke, one_error_line
from tests.sharing import converge

SCHEMA_6 = DATA / "schema6.json"


def ok(db: Path, *args: str) -> str:
    result = invoke("--db", db, *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout + result.stderr


def _release_2017(db: Path, lang: str = "en") -> str:
    return ok(db, "release", "2017", "--lang", lang)


def _with_2017(db: Path) -> None:
    ok(db, "programme", "add", "2017", "--start", "2017-01", "--end", "2017-12", "--area", "gba")
    ok(db, "add", "An older seminar", "--area", "gba", "--programme", "2017")


def test_a_rebuilt_release_names_the_members_of_its_years(db_path):
    _with_2017(db_path)
    ok(db_path, "members", "edit", "GDAMR", "--from", "2018")
    ok(db_path, "members", "add", "GDIPO", "Guangdong Intellectual Property Office",
       "--side", "gd", "--until", "2018", "--zh-hk", "廣東省知識產權局")  # fmt: skip
    text = _release_2017(db_path)
    assert "Guangdong Administration for Market Regulation" not in text
    assert "Members of the Expert Group from the Guangdong side include officials from " in text
    assert "the Guangdong Intellectual Property Office" in text
    assert "The leader of the Expert Group from the Hong Kong side is the Director of " in text
    ok(db_path, "members", "edit", "GDIPO", "--leader", "the Director of the Office",
       "--leader-zh-hk", "廣東省知識產權局局長")  # fmt: skip
    text = _release_2017(db_path)
    assert "from the Guangdong side is the Director of the Office, and members" in text
    assert "專責小組粵方組長為廣東省知識產權局局長，成員包括" in _release_2017(db_path, "zh-hk")
    assert "粤方组长为广东省知识产权局局长" in _release_2017(db_path, "zh-cn")  # converted
    # The 2020 release still names GDAMR and its Director-General, not the office.
    current = ok(db_path, "release", "2020")
    assert "is the Director-General of the Guangdong Administration for Market Regulation" in (
        current
    )
    assert "Guangdong Intellectual Property Office" not in current


def test_members_json_carries_years_and_leader(db_path):
    ok(db_path, "members", "edit", "GDAMR", "--from", "2018")
    listed = {m["code"]: m for m in invoke("--db", db_path, "members", "--json").json()}
    assert listed["GDAMR"]["from"] == 2018 and listed["GDAMR"]["until"] is None
    assert listed["HKIPD"]["leader"]["en"] == "the Director of Intellectual Property"
    assert listed["HKCED"]["leader"] is None
    assert "2018–" in ok(db_path, "members")
    ok(db_path, "members", "edit", "GDAMR", "--from", "")
    listed = {m["code"]: m for m in invoke("--db", db_path, "members", "--json").json()}
    assert listed["GDAMR"]["from"] is None


def test_bad_member_changes_are_one_line_and_change_nothing(db_path):
    before = db_path.read_bytes()
    for args in (
        ["members", "add", "XX", "Somewhere", "--side", "mo"],
        ["members", "add", "GDAMR", "Again", "--side", "gd"],
        ["members", "add", "NEW", "New", "--side", "gd", "--from", "2020", "--until", "2019"],
        ["members", "edit", "NOSUCH", "--from", "2018"],
        ["members", "edit", "GDAMR"],
        ["members", "remove", "HKIPD"],  # projects name it
    ):
        result = invoke("--db", db_path, *args)
        assert result.exit_code in (1, 2), args
        if result.exit_code == 1:
            one_error_line(result)
    assert db_path.read_bytes() == before


def test_an_unused_member_is_removed_and_undo_brings_it_back(db_path):
    ok(db_path, "members", "add", "GDIPO", "Guangdong Intellectual Property Office", "--side", "gd")
    ok(db_path, "members", "remove", "GDIPO")
    codes = [m["code"] for m in invoke("--db", db_path, "members", "--json").json()]
    assert "GDIPO" not in codes
    ok(db_path, "undo")
    codes = [m["code"] for m in invoke("--db", db_path, "members", "--json").json()]
    assert "GDIPO" in codes


def test_a_schema_6_file_gains_the_leaders_the_release_named(tmp_path):
    old = tmp_path / "old.json"
    shutil.copy(SCHEMA_6, old)
    before = old.read_bytes()
    release = ok(old, "release", "2020", "--lang", "all")
    assert old.read_bytes() == before  # read as it is
    assert "is the Director of Intellectual Property, and members" in release
    assert "港方组长为香港特区政府知识产权署署长" in release
    ok(old, "members", "edit", "GDAMR", "--from", "2018")
    data = json.loads(old.read_text("utf-8"))
    assert data["_meta"]["1"]["schema"] == store.SCHEMA_VERSION
    assert data["members"]["HKIPD"]["leader"]["zh-hk"] == "知識產權署署長"
    assert store.backup_path(old).read_bytes() == before
    assert ok(old, "release", "2020", "--lang", "all") == release
    ok(old, "undo")
    assert invoke("--db", old, "check").exit_code == 0


def test_a_member_change_reaches_the_other_side(pair):
    hk, gd = pair
    hk.ok("members", "edit", "GDAMR", "--from", "2018")
    gd.ok("members", "add", "GDIPO", "Guangdong Intellectual Property Office", "--side", "gd")
    converge(hk, gd)
    listed = {m["code"]: m for m in hk.ok("members", "--json").json()}
    assert listed["GDAMR"]["from"] == 2018 and "GDIPO" in listed


def test_a_second_leader_on_one_side_is_pointed_out(db_path):
    result = invoke("--db", db_path, "members", "edit", "HKCED", "--leader", "the Commissioner")
    assert result.exit_code == 0
    assert "Note: HKIPD also names the hk side's leader" in result.stderr
    assert "is the Director of Intellectual Property" in ok(db_path, "release", "2020")


def test_setting_an_area_or_member_again_settles_its_conflict(pair):
    """The sync's advice, 'setting the field again settles one', held for projects only."""
    hk, gd = pair
    hk.ok("areas", "edit", "guidance", "--name", "Guidance (HK wording)")
    gd.ok("areas", "edit", "guidance", "--name", "Guidance (GD wording)")
    hk.ok("members", "edit", "HKCED", "--from", "2018")
    gd.ok("members", "edit", "HKCED", "--from", "2019")
    converge(hk, gd)
    listed = hk.ok("conflicts", "--json").json()
    assert len(listed) == 2, listed
    checked = hk("release", "2020", "--check")
    assert checked.exit_code == 1 and "areas/guidance name holds values both" in checked.stdout
    hk.ok("areas", "edit", "guidance", "--name", "Guidance (agreed)")
    hk.ok("members", "edit", "HKCED", "--from", "2019")
    converge(hk, gd)
    assert gd.ok("conflicts", "--json").json() == []
    assert "No conflicts" in gd.ok("conflicts").stderr


def test_conflicts_on_areas_and_members_read_as_words_and_settle_with_one_command(pair):
    hk, gd = pair
    hk.ok("areas", "edit", "guidance", "--name", "Guidance (HK wording)")
    gd.ok("areas", "edit", "guidance", "--name", "Guidance (GD wording)")
    hk.ok("members", "edit", "HKCED", "--from", "2018", "--leader", "the Commissioner")
    gd.ok("members", "edit", "HKCED", "--from", "2019", "--leader", "the Deputy Commissioner")
    converge(hk, gd)
    told = hk.ok("conflicts").stdout
    assert "{" not in told and "'" not in told, told  # no raw values
    assert "from: 2018; until: (none)" in told and "en: the Commissioner" in told, told
    assert "to keep one: ipcoop settle areas/guidance name N" in told
    assert "to keep one: ipcoop settle members/HKCED leader N" in told
    listed = {(c["id"], c["field"]): c for c in hk.ok("conflicts", "--json").json()}
    name = listed[("areas/guidance", "name")]
    pick = 1 + [v["value"] for v in name["values"]].index("Guidance (GD wording)")
    years = listed[("members/HKCED", "from")]
    pick_years = 1 + [v["value"]["from"] for v in years["values"]].index(2019)
    bad = hk("settle", "members/HKCED", "name", "1")
    assert bad.exit_code == 1 and "has no conflict on 'name'" in one_error_line(bad)
    bad = hk("settle", "zoo/HKCED", "from", "1")
    assert bad.exit_code == 1 and "neither a project id" in one_error_line(bad)
    before = hk.db.read_bytes()
    bad = hk("settle", "members/HKCED", "from", "9")
    assert bad.exit_code == 1 and hk.db.read_bytes() == before
    assert (
        "Settled name of areas/guidance"
        in hk.ok("settle", "areas/guidance", "name", str(pick)).stderr
    )
    hk.ok("settle", "members/HKCED", "from", str(pick_years))
    hk.ok("settle", "members/HKCED", "leader", "1")
    assert "settled the conflict on name" in hk.ok("log").stdout
    converge(hk, gd)
    assert gd.ok("conflicts", "--json").json() == []
    areas = {a["key"]: a for a in gd.ok("areas", "--json").json()}
    members = {m["code"]: m for m in gd.ok("members", "--json").json()}
    assert areas["guidance"]["name"] == "Guidance (GD wording)"
    assert members["HKCED"]["from"] == 2019
    hk.ok("undo")  # a change like any other
    assert [c["field"] for c in hk.ok("conflicts", "--json").json()] == ["leader"]


def test_the_log_tells_notes_and_links_in_words(db_path):
    ok(db_path, "note", "3", "The seminar was held", "--on", "2020-05-01")
    ok(db_path, "link", "3", "https://example.org/a", "--label", "Release")
    ok(db_path, "link", "3", "https://example.org/a", "--label", "Press release")
    ok(db_path, "link", "3", "https://example.org/a", "--remove")
    told = ok(db_path, "log", "3")
    assert "{" not in told, told
    assert "added note 2020-05-01" in told and "'The seminar was held'" in told
    assert "added link https://example.org/a ('Release')" in told
    assert "relabelled link https://example.org/a: 'Release' -> 'Press release'" in " ".join(
        told.split()
    )
    assert "removed link https://example.org/a ('Press release')" in told
