"""The record-level three-way merge: deterministic, symmetric, and it loses no edit."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ipcoop import store
from ipcoop.store import layout
from ipcoop.store.merge import merge
from ipcoop.store.provenance import open_conflicts
from tests.helpers import stored_project


def base_data() -> dict:
    data = store.new_data(
        [
            {"key": k, "name": k.title(), "from": None, "until": None}
            for k in ("gba", "trading", "exchange")
        ],
        [{"code": "HKIPD", "name": "IPD", "side": "hk"}],
    )
    for pid in range(1, 11):
        data["projects"][str(pid)] = stored_project(f"Project {pid}")
    data["programmes"]["2020"] = {
        "areas": ["gba", "trading", "exchange"],
        "end": "2020-12",
        "endorsed": None,
        "key": "2020",
        "name": "2020",
        "reported_done": None,
        "start": "2020-01",
    }
    data["copies"] = {
        "aaaa0001": {"blocks": [[1, 100]], "name": "hk", "next": 11},
        "bbbb0002": {"blocks": [[101, 200]], "name": "gd", "next": 101},
    }
    return data


TITLES = [
    ({"zh-hk": "專利", "zh-cn": "专利"}, ["zh-cn"]),
    ({"zh-hk": "專利", "zh-cn": "专利"}, []),
    ({"zh-hk": "商標", "zh-cn": "商标"}, ["zh-hk"]),
    ({"zh-hk": None, "zh-cn": None}, []),
]
FIELD_VALUES = {
    "title": st.sampled_from(["Alpha", "Beta", "粵港 合作", "Gamma"]),
    "notes": st.sampled_from(["", "note one", "note two"]),
    "key": st.booleans(),
    "status": st.sampled_from(
        [("done", "2020-11-30"), ("done", "2020-12-01"), ("dropped", None), ("active", None)]
    ),
    # The Chinese forms and which were converted change together, as one field.
    "titles": st.sampled_from(TITLES),
}
# An event's day or span (schema 9): its two ends change together; none is no field.
SPANS = [
    ("2020-11-12", "2020-11-12"),
    ("2020-11-12", "2020-11-14"),
    ("2020-12-01", "2020-12-03"),
    (None, None),
]
OP = st.one_of(
    st.tuples(
        st.just("edit"),
        st.integers(1, 10),
        st.sampled_from(sorted([*FIELD_VALUES, "span"])),
        st.integers(0, 3),
    ),
    st.tuples(st.just("remove"), st.integers(1, 10)),
    st.tuples(st.just("add"), st.sampled_from(["New A", "New B"])),
)


def apply(data: dict, copy_id: str, name: str, ops: list, minute: int, draw) -> dict:
    data = copy.deepcopy(data)
    record = data["copies"][copy_id]
    for seq, op in enumerate(ops, start=1):
        at = f"2026-01-01T00:{minute:02d}:{seq:02d}Z"
        changes = []
        if op[0] == "add":
            pid = str(record["next"])
            record["next"] += 1
            doc = {**base_data()["projects"]["1"], "title": op[1], "created": at, "updated": at}
            data["projects"][pid] = doc
            changes.append({"table": "projects", "id": int(pid), "before": None, "after": doc})
        else:
            pid = str(op[1])
            before = data["projects"].get(pid)
            if before is None:
                continue
            if op[0] == "remove":
                del data["projects"][pid]
                after = None
            else:
                field, value = op[2], draw(op[2], op[3])
                after = {**before, "updated": at}
                if field == "status":
                    after["status"], after["done_on"] = value
                elif field == "titles":
                    after["titles"], after["converted"] = value
                elif field == "span":
                    after.pop("starts_on", None), after.pop("ends_on", None)
                    if value[0]:
                        after["starts_on"], after["ends_on"] = value
                else:
                    after[field] = value
                data["projects"][pid] = after
            changes.append({"table": "projects", "id": int(pid), "before": before, "after": after})
        data["history"][f"{copy_id}.{minute:03d}{seq:03d}"] = {
            "at": at,
            "by": name,
            "command": str(op),
            "changes": changes,
        }
    return data


def pick(field: str, index: int):
    choices = {
        "title": ["Alpha", "Beta", "粵港 合作", "Gamma"],
        "notes": ["", "a", "b", "c"],
        "key": [True, False, True, False],
        "status": [
            ("done", "2020-11-30"),
            ("done", "2020-12-01"),
            ("dropped", None),
            ("active", None),
        ],
        "titles": TITLES,
        "span": SPANS,
    }
    return choices[field][index]


def last_held(base: dict, side: dict, pid: str) -> dict | None:
    """The project as the side held it just before removing it since the base."""
    for key in sorted(side["history"]):
        if key in base["history"]:
            continue
        for change in side["history"][key]["changes"]:
            if str(change.get("id")) == pid and change.get("after") is None:
                return change.get("before")
    return None


def touched(base: dict, side: dict, pid: str, group: tuple[str, ...]) -> bool:
    """Whether the side's journal since the base changed those fields of the project."""
    for key, entry in side["history"].items():
        if key in base["history"]:
            continue
        for change in entry["changes"]:
            before, after = change.get("before"), change.get("after")
            if (
                str(change.get("id")) == pid
                and before
                and after
                and any(before.get(f) != after.get(f) for f in group)
            ):
                return True
    return False


@settings(max_examples=200, deadline=None)
@given(ours_ops=st.lists(OP, max_size=8), theirs_ops=st.lists(OP, max_size=8))
def test_merge_is_deterministic_symmetric_and_loses_no_clean_edit(ours_ops, theirs_ops):
    base = base_data()
    ours = apply(base, "aaaa0001", "hk", ours_ops, 1, pick)
    theirs = apply(base, "bbbb0002", "gd", theirs_ops, 2, pick)
    merged = merge(base, ours, theirs)
    written = layout.serialise(merged)
    assert layout.serialise(merge(base, ours, theirs)) == written  # deterministic
    assert layout.serialise(merge(base, theirs, ours)) == written  # symmetric
    json.loads(written)
    conflicted = {(c["id"], c["field"]) for c in open_conflicts(merged)}
    for pid in set(ours["projects"]) | set(theirs["projects"]) | set(base["projects"]):
        b, o, t = (side["projects"].get(pid) for side in (base, ours, theirs))
        m = merged["projects"].get(pid)
        if (o is not None and t is not None) or ((o is None) != (t is None) and (o or t) != b):
            assert m is not None, pid  # kept by both, or edited on one side: an edit wins
        if m is None:
            continue
        spans = ("starts_on", "ends_on")
        for group in (("title",), ("notes",), ("key",), ("status", "done_on"), spans):

            def value(doc, group=group):
                return json.dumps([doc.get(f) for f in group])

            # What each side holds, or held last before removing it.
            held = [side or last_held(base, data, pid) for side, data in ((o, ours), (t, theirs))]
            values = {value(side) for side in held if side is not None}
            if b is not None and o is not None and t is not None:
                changed = [value(side) for side in (o, t) if value(side) != value(b)]
                both = touched(base, ours, pid, group) and touched(base, theirs, pid, group)
                if both and value(o) != value(t):
                    # Both changed it since the base, one perhaps setting it back.
                    assert (int(pid), group[0]) in conflicted, (pid, group)
                elif len(set(changed)) == 1:
                    assert value(m) == changed[0], (pid, group)  # a clean edit is kept
                elif len(changed) == 2:
                    assert (int(pid), group[0]) in conflicted, (pid, group)
            assert value(m) in values, (pid, group)
    # A second merge of the result with either side changes nothing more.
    again = merge(ours, merged, ours)
    assert layout.serialise(again) == written


def test_a_conflict_keeps_both_values_and_shows_the_later():
    base = base_data()
    ours = apply(base, "aaaa0001", "hk", [("edit", 3, "title", 0)], 1, pick)
    theirs = apply(base, "bbbb0002", "gd", [("edit", 3, "title", 1)], 2, pick)
    merged = merge(base, ours, theirs)
    assert merged["projects"]["3"]["title"] == "Beta"  # gd's change came later
    (conflict,) = open_conflicts(merged)
    assert conflict["id"] == 3 and conflict["field"] == "title" and conflict["shown"] == "Beta"
    assert [(v["value"], v["by"]) for v in conflict["values"]] == [("Alpha", "hk"), ("Beta", "gd")]


def test_an_edit_beats_a_removal():
    base = base_data()
    ours = apply(base, "aaaa0001", "hk", [("remove", 4)], 1, pick)
    theirs = apply(base, "bbbb0002", "gd", [("edit", 4, "notes", 1)], 2, pick)
    for merged in (merge(base, ours, theirs), merge(base, theirs, ours)):
        assert merged["projects"]["4"]["notes"] == "a"
        (conflict,) = open_conflicts(merged)
        assert conflict["field"] == "removed"
        assert {v["by"] for v in conflict["values"]} == {"hk", "gd"}


def test_different_fields_of_one_project_combine():
    base = base_data()
    ours = apply(base, "aaaa0001", "hk", [("edit", 5, "title", 2)], 1, pick)
    theirs = apply(base, "bbbb0002", "gd", [("edit", 5, "status", 0)], 2, pick)
    merged = merge(base, ours, theirs)
    project = merged["projects"]["5"]
    assert (project["title"], project["status"], project["done_on"]) == (
        "粵港 合作",
        "done",
        "2020-11-30",
    )
    assert open_conflicts(merged) == []


def test_an_events_span_merges_whole_and_a_clash_is_a_conflict():
    base = base_data()
    # One side moves the event's dates, the other its title: both are kept.
    ours = apply(base, "aaaa0001", "hk", [("edit", 6, "span", 1)], 1, pick)
    theirs = apply(base, "bbbb0002", "gd", [("edit", 6, "title", 3)], 2, pick)
    for merged in (merge(base, ours, theirs), merge(base, theirs, ours)):
        project = merged["projects"]["6"]
        assert (project["starts_on"], project["ends_on"], project["title"]) == (
            "2020-11-12",
            "2020-11-14",
            "Gamma",
        )
        assert open_conflicts(merged) == []
    # One side moves the start, the other the end: not mixed into a span neither set.
    ours = apply(base, "aaaa0001", "hk", [("edit", 6, "span", 1)], 1, pick)
    theirs = apply(base, "bbbb0002", "gd", [("edit", 6, "span", 2)], 2, pick)
    merged = merge(base, ours, theirs)
    (conflict,) = open_conflicts(merged)
    assert (conflict["id"], conflict["field"]) == (6, "starts_on")
    project = merged["projects"]["6"]
    assert (project["starts_on"], project["ends_on"]) == ("2020-12-01", "2020-12-03")  # later
    # A span cleared on one side and untouched on the other stays cleared (no field).
    dated = apply(base, "aaaa0001", "hk", [("edit", 7, "span", 0)], 1, pick)
    cleared = apply(dated, "aaaa0001", "hk", [("edit", 7, "span", 3)], 3, pick)
    merged = merge(dated, cleared, dated)
    assert "starts_on" not in merged["projects"]["7"]


def test_a_change_taken_back_meets_the_other_sides_change_as_a_conflict():
    """hk sets the notes and sets them back; gd, meanwhile, set them to hk's first
    value (from a sheet hk sent). Neither version may vanish without a conflict."""
    base = base_data()
    back = [("edit", 3, "notes", 1), ("edit", 3, "notes", 0)]
    ours = apply(base, "aaaa0001", "hk", back, 1, pick)
    theirs = apply(base, "bbbb0002", "gd", [("edit", 3, "notes", 1)], 2, pick)
    assert ours["projects"]["3"]["notes"] == base["projects"]["3"]["notes"] == ""
    for merged in (merge(base, ours, theirs), merge(base, theirs, ours)):
        (conflict,) = open_conflicts(merged)
        assert (conflict["id"], conflict["field"]) == (3, "notes")
        assert {v["value"] for v in conflict["values"]} == {"", "a"}
        assert merged["projects"]["3"]["notes"] == "a"  # gd's change came later


def test_an_edit_beats_a_removal_on_top_of_what_the_removing_side_held():
    """gd renamed 6 and hk merged it, then removed 6; a third copy, offline since the
    base, set its notes: 6 comes back renamed, with the notes."""
    base = base_data()
    renamed = apply(base, "bbbb0002", "gd", [("edit", 6, "title", 1)], 1, pick)
    removed = apply(renamed, "aaaa0001", "hk", [("remove", 6)], 2, pick)
    base["copies"]["cccc0003"] = {"blocks": [[201, 300]], "name": "c", "next": 201}
    renamed["copies"]["cccc0003"] = removed["copies"]["cccc0003"] = base["copies"]["cccc0003"]
    noted = apply(base, "cccc0003", "c", [("edit", 6, "notes", 2)], 3, pick)
    for merged in (merge(base, removed, noted), merge(base, noted, removed)):
        project = merged["projects"]["6"]
        assert (project["title"], project["notes"]) == ("Beta", "b")
        assert [c["field"] for c in open_conflicts(merged)] == ["removed"]


def test_a_span_cleared_on_one_side_stays_cleared_when_the_other_edits_the_project():
    """The merged record had 'starts_on': null, which the copy then refused, so the two
    copies could not sync again."""
    base = apply(base_data(), "aaaa0001", "hk", [("edit", 7, "span", 1)], 1, pick)
    ours = apply(base, "aaaa0001", "hk", [("edit", 7, "span", 3)], 3, pick)  # --no-date
    theirs = apply(base, "bbbb0002", "gd", [("edit", 7, "notes", 1)], 4, pick)
    for merged in (merge(base, ours, theirs), merge(base, theirs, ours)):
        project = merged["projects"]["7"]
        assert "starts_on" not in project and "ends_on" not in project
        assert project["notes"] == "a"


def test_phrases_changed_in_different_languages_both_stay():
    """hk set the zh-hk phrase, gd the English one: not a conflict that loses one."""

    def phrased(data, copy_id, name, minute, phrases):
        data = copy.deepcopy(data)
        before = data["projects"]["8"]
        after = {**before, "phrases": phrases, "updated": f"2026-01-01T00:{minute:02d}:00Z"}
        data["projects"]["8"] = after
        data["history"][f"{copy_id}.{minute:03d}001"] = {
            "at": after["updated"],
            "by": name,
            "command": "edit 8 --phrase ...",
            "changes": [{"table": "projects", "id": 8, "before": before, "after": after}],
        }
        return data

    base = base_data()
    ours = phrased(base, "aaaa0001", "hk", 1, {"en": None, "zh-hk": "港", "zh-cn": None})
    theirs = phrased(base, "bbbb0002", "gd", 2, {"en": "gd words", "zh-hk": None, "zh-cn": None})
    for merged in (merge(base, ours, theirs), merge(base, theirs, ours)):
        assert merged["projects"]["8"]["phrases"] == {
            "en": "gd words",
            "zh-hk": "港",
            "zh-cn": None,
        }
        assert open_conflicts(merged) == []
    clash = phrased(base, "bbbb0002", "gd", 2, {"en": None, "zh-hk": "粵", "zh-cn": None})
    (conflict,) = open_conflicts(merge(base, ours, clash))
    assert conflict["field"] == "phrases"
