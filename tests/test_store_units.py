"""The store's modules, each on its own: layout, rawtable, files, lock, identity,
checks, cache. (The session, journal and merge have tests of their own files.)"""

from __future__ import annotations

import json
import os

import pytest

from ipcoop.errors import DatabaseError, IpcoopError
from ipcoop.store import cache, checks, files, identity, layout, lock, paths
from ipcoop.store.rawtable import RawTable
from tests.helpers import stored_project

project = stored_project


def data(n: int = 5) -> dict:
    return {
        "_meta": {"1": {"schema": layout.SCHEMA_VERSION}},
        "areas": {"gba": {"key": "gba", "name": "GBA", "from": None, "until": None, "order": 1}},
        "copies": {"c0ffee00": {"blocks": [[1, None]], "name": "hk", "next": n + 1}},
        "history": {},
        "members": {"HKIPD": {"code": "HKIPD", "name": "IPD", "side": "hk", "order": 1}},
        "programmes": {
            "2020": {
                "areas": ["gba"],
                "end": "2020-12",
                "endorsed": None,
                "key": "2020",
                "name": "2020",
                "reported_done": None,
                "start": "2020-01",
            }
        },
        "projects": {str(i): project(f"P{i} 粵港") for i in range(1, n + 1)},
    }


# ------------------------------------------------------------------ layout


def test_layout_is_deterministic_and_splits_back_into_its_tables():
    raw = layout.serialise(data())
    assert layout.serialise(json.loads(raw)) == raw
    assert "粵港".encode() in raw  # UTF-8, not \\u escapes
    spans = layout.split_tables(raw)
    assert list(spans) == list(layout.TABLES)
    assert json.loads(b"{" + raw[slice(*spans["projects"])] + b"}")["3"]["title"] == "P3 粵港"
    assert layout.split_tables(raw.replace(b'"areas": {', b'"areas":{', 1)) is None


def test_conflict_markers_and_newer_schemas_are_named():
    with pytest.raises(DatabaseError, match="conflict markers"):
        layout.decode(b"<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> x\n", paths.Path("db.json"))
    with pytest.raises(DatabaseError, match="newer ipcoop"):
        layout.refuse_newer(layout.SCHEMA_VERSION + 1, paths.Path("db.json"))


# ------------------------------------------------------------------ rawtable


@pytest.mark.parametrize(
    "edits",
    [
        {"3": project("changed")},
        {"1": None, "5": None},
        {"9": project("new, last")},
        {"2": None, "4": project("four"), "7": project("seven")},
    ],
)
def test_a_spliced_table_is_what_a_full_write_writes(edits):
    full = data(6)
    table = dict(full["projects"])
    del table["6"]  # a gap, so that a new id can land inside the table
    raw = layout.serialise({**full, "projects": table})
    spans = layout.split_tables(raw)
    spliced = RawTable("projects", raw, *spans["projects"])
    for key, doc in edits.items():
        spliced.put(key, doc)
        if doc is None:
            table.pop(key)
        else:
            table[key] = doc
    assert b"".join(spliced.pieces()) == layout.table_body("projects", table)


def test_a_raw_table_reads_one_line_without_parsing_the_rest():
    raw = layout.serialise(data(50))
    table = RawTable("projects", raw, *layout.split_tables(raw)["projects"])
    assert table.get("27")["title"] == "P27 粵港"
    assert table.get("51") is None
    assert table.raw  # still raw lines


# ------------------------------------------------------------------ files and lock


def test_atomic_write_keeps_the_version_before_as_bak(tmp_path):
    target = tmp_path / "db.json"
    files.atomic_write(target, b"one")
    files.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert paths.backup_path(target).read_bytes() == b"one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.bak", "home"]


def test_a_backup_left_pending_by_a_killed_writer_is_settled(tmp_path):
    target = tmp_path / "db.json"
    files.atomic_write(target, b"one")
    pending = tmp_path / ".db.json.bak.pending"
    os.link(target, pending)  # killed after linking, before its rename: same file
    files.settle_backup(target)
    assert not pending.exists()
    pending.write_bytes(b"older")  # killed after its rename: the version before
    files.settle_backup(target)
    assert paths.backup_path(target).read_bytes() == b"older"


def test_the_lock_knows_when_its_file_was_deleted(tmp_path):
    target = tmp_path / "db.json"
    target.write_text("{}")
    with lock.locked(target) as still_held:
        still_held()
        paths.lock_path(target).unlink()
        with pytest.raises(DatabaseError, match="deleted"):
            still_held()


# ------------------------------------------------------------------ identity


def test_ids_come_from_the_copys_blocks_and_skip_taken_ones():
    record = {"blocks": [[1, 10], [21, 30]], "name": "hk", "next": 9}
    ids, warnings = identity.allocate(record, 4, [], taken=lambda i: i == 9)
    assert ids == [10, 21, 22, 23]
    assert record["next"] == 24
    assert "behind" in warnings[0]


def test_a_copy_out_of_ids_refuses_and_says_to_sync():
    record = {"blocks": [[1, 10]], "name": "hk", "next": 10}
    with pytest.raises(IpcoopError, match="ipcoop sync"):
        identity.allocate(record, 2, [], taken=lambda i: False)
    assert record["next"] == 10  # nothing was handed out


def test_pending_blocks_are_not_used_until_pushed():
    record = {"blocks": [[1, 5], [101, 200]], "name": "hk", "next": 6}
    with pytest.raises(IpcoopError):
        identity.allocate(record, 1, [[101, 200]], taken=lambda i: False)
    assert identity.allocate(record, 1, [], taken=lambda i: False)[0] == [101]


# ------------------------------------------------------------------ checks and cache


def test_checks_sort_problems_by_what_they_stop():
    broken = data()
    broken["projects"]["1"]["status"] = "finished"
    broken["projects"]["2"]["area"] = "moon"
    broken["copies"]["c0ffee00"]["next"] = 3
    kinds = {p.kind for p in checks.audit(broken)}
    assert kinds == {"damaged", "unsound", "note"}


def test_the_cache_is_for_one_exact_content(tmp_path):
    target = tmp_path / "db.json"
    raw = layout.serialise(data())
    target.write_bytes(raw)
    figures = cache.project_stats(data()["projects"])
    cache.write(target, raw, figures)
    assert cache.read(target, raw)["stats"] == figures
    assert cache.read(target, raw + b" ") is None


# ------------------------------------------------------------------ title forms in the file


def test_title_forms_are_stored_only_when_a_project_has_them(tmp_path):
    assert "titles" not in layout.canonical_project(project("A"))
    empty = {**project("A"), "titles": {"zh-hk": None, "zh-cn": None}, "converted": []}
    assert set(layout.canonical_project(empty)) == set(project("A"))
    forms = {**project("A"), "titles": {"zh-hk": "甲", "zh-cn": "甲"}, "converted": ["zh-cn"]}
    assert layout.canonical_project(forms) == forms
    # Written out of its normal form, the file is unsound (a change would spread it).
    broken = data()
    broken["projects"]["1"].update(titles={"zh-hk": None, "zh-cn": None})
    assert [p.text for p in checks.audit(broken) if p.kind == "unsound"] == [
        "project 1: a value is not in its normal form"
    ]
    broken["projects"]["1"]["titles"] = ["甲"]
    assert any("titles" in p.text for p in checks.audit(broken) if p.kind == "damaged")


def test_a_merge_keeps_title_forms_from_one_side_and_adds_no_empty_ones():
    from ipcoop.store.merge import merge

    base = data()
    ours, theirs = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    ours["projects"]["1"].update(titles={"zh-hk": "甲", "zh-cn": "甲"}, converted=["zh-cn"])
    theirs["projects"]["1"]["notes"] = "changed there"
    theirs["projects"]["2"]["notes"] = "also there"
    merged = merge(base, ours, theirs)
    assert merged["projects"]["1"]["titles"] == {"zh-hk": "甲", "zh-cn": "甲"}
    assert merged["projects"]["1"]["notes"] == "changed there"
    assert "titles" not in merged["projects"]["2"] and "converted" not in merged["projects"]["2"]
    assert checks.audit(merged) == []


def test_parsing_pauses_the_cycle_collector_and_always_restarts_it():
    import gc
    import json

    from ipcoop.store import layout

    seen = []
    hook = lambda items: seen.append(gc.isenabled()) or dict(items)  # noqa: E731
    assert layout.parse('{"a": {"b": 1}}', hook) == {"a": {"b": 1}}
    assert seen == [False, False] and gc.isenabled()
    with pytest.raises(json.JSONDecodeError):
        layout.parse('{"a": ')
    assert gc.isenabled()
    gc.disable()
    try:  # a caller that paused it already keeps it paused
        assert layout.parse_body(b'"1": {}') == {"1": {}}
        assert not gc.isenabled()
    finally:
        gc.enable()
