"""The store's modules, each on its own: layout, rawtable, files, lock, identity,
checks, cache. (The session, journal and merge have tests of their own files.)"""

from __future__ import annotations

import json
import os

import pytest

from ipcoop.base.errors import DatabaseError, IpcoopError
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


def test_every_table_parses_in_place_as_it_does_alone():
    full = data(30)
    full["projects"]["7"]["title"] = 'quotes " and } and \\n 粵港'
    raw = layout.serialise(full)
    for name, (start, end) in layout.split_tables(raw).items():
        assert layout.parse_span(raw, start, end) == full[name] == layout.parse_body(raw[start:end])
    body = raw[slice(*layout.split_tables(raw)["projects"])]
    assert layout.parse_span(body, 0, len(body)) == full["projects"]  # no braces around: copied


def _loaded(target, writable=False):
    from ipcoop.store import loader

    return loader.load(target, writable=writable)


def test_a_read_keeps_the_parsed_rows_and_the_next_read_uses_them(tmp_path, monkeypatch):
    target = tmp_path / "db.json"
    raw = layout.serialise(data(40))
    target.write_bytes(raw)
    cache.write(target, raw, cache.project_stats(data(40)["projects"]))
    first = _loaded(target).projects_table.load()
    assert first == data(40)["projects"]
    kept = cache.cache_path(target).read_bytes()
    assert kept.split(b"\n", 1)[0].startswith(b"{") and b'"format": "marshal' in kept
    # The next read parses none of the projects' JSON.
    from ipcoop.store import rawtable

    monkeypatch.setattr(rawtable, "parse_span", lambda *a: pytest.fail("parsed the JSON again"))
    assert _loaded(target).projects_table.load() == first
    assert cache.read(target, raw)["stats"] == cache.project_stats(first)  # figures still read


@pytest.mark.parametrize(
    "damage",
    [
        lambda kept: kept[:-40],  # cut short
        lambda kept: kept.split(b"\n", 1)[0] + b"\n" + b"\x00garbage" * 50,
        lambda kept: kept.split(b"\n", 1)[0] + b"\n",  # the rows gone
        lambda kept: kept.replace(b"marshal ", b"marshal 99", 1),  # another Python's
        lambda kept: kept.split(b"\n", 1)[0] + b"\n" + __import__("marshal").dumps({"1": [1]}),
    ],
)
def test_kept_rows_that_cannot_be_read_are_ignored(tmp_path, damage):
    target = tmp_path / "db.json"
    raw = layout.serialise(data(40))
    target.write_bytes(raw)
    cache.write(target, raw, cache.project_stats(data(40)["projects"]))
    _loaded(target).projects_table.load()
    cached = cache.cache_path(target)
    cached.write_bytes(damage(cached.read_bytes()))
    assert _loaded(target).projects_table.load() == data(40)["projects"]


def test_a_flipped_byte_in_kept_rows_is_caught_and_never_written_back(tmp_path):
    """Damage that still reads as marshal data (a letter of a title changed) is
    caught by the rows' checksum; and a writing command never uses kept rows."""
    from ipcoop import store

    target = tmp_path / "db.json"
    store.create(target, [{"key": "gba", "name": "GBA"}], [], [], force=True)
    with store.open_write(target) as db:
        db.insert_projects([project(f"Title {i}") for i in range(30)])
        db.commit("seed", "2026-01-01T00:00:00Z")
    store.open_read(target).rows()
    cached = cache.cache_path(target)
    damaged = cached.read_bytes().replace(b"Title 7", b"TITLE 7")
    assert damaged != cached.read_bytes()
    cached.write_bytes(damaged)
    assert "TITLE 7" not in [p["title"] for p in store.open_read(target).rows()]
    # Even were the checksum to pass, a change parses the file, not the cache.
    header, payload = damaged.split(b"\n", 1)
    fields = json.loads(header)
    fields["rows"]["crc"] = __import__("zlib").crc32(payload)
    cached.write_bytes(json.dumps(fields, sort_keys=True).encode() + b"\n" + payload)
    assert "TITLE 7" in [p["title"] for p in store.open_read(target).rows()]  # a read trusts it
    with store.open_write(target) as db:
        db.projects_table.load()
        db.insert_projects([project(f"More {i}") for i in range(70)])
        db.commit("more", "2026-01-02T00:00:00Z")
    assert b"TITLE 7" not in target.read_bytes() and b"Title 7" in target.read_bytes()


def test_kept_rows_of_another_content_with_the_same_crc_are_not_used(tmp_path):
    """The cache is keyed by CRC-32 and size; kept rows also carry an Adler-32 of
    the file, so a file that collides on the first (by chance or on purpose) is
    read from its own JSON."""
    first = tmp_path / "db.json"
    raw = layout.serialise(data(40))
    first.write_bytes(raw)
    cache.write(first, raw, cache.project_stats(data(40)["projects"]))
    _loaded(first).projects_table.load()
    other = data(40)
    other["projects"]["3"]["title"] = "P3 粤港"  # the same number of bytes
    other_raw = layout.serialise(other)
    assert len(other_raw) == len(raw)
    first.write_bytes(other_raw)
    cached = cache.cache_path(first)
    header, payload = cached.read_bytes().split(b"\n", 1)
    fields = json.loads(header)
    fields["file"] = cache.fingerprint(other_raw)  # as if the CRC-32 had collided
    cached.write_bytes(json.dumps(fields, sort_keys=True).encode() + b"\n" + payload)
    assert _loaded(first).projects_table.load()["3"]["title"] == "P3 粤港"


def test_kept_rows_are_for_one_content_and_a_change_drops_them(tmp_path):
    from ipcoop import store

    target = tmp_path / "db.json"
    store.create(target, [{"key": "gba", "name": "GBA"}], [], [], force=True)
    with store.open_write(target) as db:
        db.insert_projects([project(f"P{i}") for i in range(30)])
        db.commit("seed", "2026-01-01T00:00:00Z")
    assert len(store.open_read(target).rows()) == 30
    assert b"marshal" in cache.cache_path(target).read_bytes()
    with store.open_write(target) as db:  # a writing command keeps nothing
        db.insert_project(project("P30"))
        db.projects_table.load()
        db.commit("add", "2026-01-01T00:00:00Z")
    assert b"marshal" not in cache.cache_path(target).read_bytes()
    assert [p["title"] for p in store.open_read(target).rows()][-1] == "P30"
    # A file changed behind the cache's back (same size): neither figures nor rows are used.
    raw = target.read_bytes()
    target.write_bytes(raw.replace(b'"P1"', b'"Q1"'))
    titles = [p["title"] for p in store.open_read(target).rows()]
    assert "Q1" in titles and "P1" not in titles


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


def test_keys_and_codes_of_the_wrong_form_are_refused_even_when_a_table_holds_them():
    """A hand-edited file may hold an area key or member code of the wrong form;
    a project naming it is still refused (and `check` calls it unsound)."""
    from ipcoop.base import models
    from ipcoop.base.errors import InvalidValue

    good = project("A", agencies=["HKIPD"])
    assert models.validate_project(good, {"gba"}, {"HKIPD"})["area"] == "gba"
    with pytest.raises(InvalidValue, match="area"):
        models.validate_project({**good, "area": "GBA"}, {"GBA"}, {"HKIPD"})
    with pytest.raises(InvalidValue, match="agency"):
        models.validate_project({**good, "agencies": ["cnipa"]}, {"gba"}, {"cnipa"})
