"""export --format ics: the dated projects as all-day events, read back with the
`icalendar` package (a test dependency only)."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from ipcoop.reports.calendar import escape, fold
from tests.helpers import invoke


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ipcoop.json"
    assert invoke("--db", path, "init").exit_code == 0
    for args in (
        ("13", "--on", "2020-11-12"),
        ("14", "--from", "2020-11-30", "--to", "2020-12-02"),
        ("15", "--on", "2020-12-01"),
        ("16", "--on", "2020-12-08"),
    ):
        assert invoke("--db", path, "edit", *args).exit_code == 0
    assert invoke("--db", path, "drop", "16", "--reason", "merged into 15").exit_code == 0
    return path


def _calendar(db, tmp_path, *args, name="events.ics"):
    out = tmp_path / name
    result = invoke("--db", db, "export", "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def _uuids(db) -> dict[int, str]:
    listed = json.loads(invoke("--db", db, "list", "--json").stdout)
    return {p["id"]: p["uuid"] for p in listed}


def test_every_dated_project_is_an_all_day_event_with_its_identity(db, tmp_path):
    raw = _calendar(db, tmp_path)
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    uuids = _uuids(db)
    assert [str(e["UID"]) for e in events] == [
        f"{uuids[n]}@ipcoop" for n in (13, 14, 15, 16)
    ]  # soonest first
    first, span = events[0], events[1]
    assert first.decoded("DTSTART") == dt.date(2020, 11, 12)
    assert first.decoded("DTEND") == dt.date(2020, 11, 13)  # the day after: all day
    assert span.decoded("DTSTART") == dt.date(2020, 11, 30)
    assert span.decoded("DTEND") == dt.date(2020, 12, 3)
    assert str(first["SUMMARY"]).startswith("Guangdong-Hong Kong-Macao Greater Bay Area")
    assert str(events[3]["STATUS"]) == "CANCELLED"  # dropped: taken out of calendars
    assert str(first["STATUS"]) == "TENTATIVE"
    assert "Strengthening co-operation on IP in the Greater Bay Area" in str(first["DESCRIPTION"])
    assert raw.count(b"BEGIN:VEVENT") == 4
    assert all(line.endswith(b"\r") or not line for line in raw.split(b"\n"))  # CRLF lines
    assert all(len(line.rstrip(b"\r")) <= 75 for line in raw.split(b"\n"))


def test_the_same_data_gives_the_same_file_and_a_change_raises_the_sequence(db, tmp_path):
    once = _calendar(db, tmp_path, name="a.ics")
    assert _calendar(db, tmp_path, name="b.ics") == once  # nothing depends on the moment
    shared = tmp_path / "other.json"
    shared.write_bytes(db.read_bytes())  # the other side, holding the same data
    assert _calendar(shared, tmp_path, name="c.ics") == once

    def sequences(raw: bytes) -> dict[str, int]:
        cal = icalendar.Calendar.from_ical(raw)
        return {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.walk("VEVENT")}

    before = sequences(once)
    assert invoke("--db", db, "edit", "13", "--on", "2020-11-13").exit_code == 0
    after = sequences(_calendar(db, tmp_path, name="d.ics"))
    uid = f"{_uuids(db)[13]}@ipcoop"
    assert after[uid] == before[uid] + 1
    assert {k: v for k, v in after.items() if k != uid} == {
        k: v for k, v in before.items() if k != uid
    }
    assert invoke("--db", db, "undo").exit_code == 0  # taken back: the count still grows
    assert sequences(_calendar(db, tmp_path, name="e.ics"))[uid] > after[uid]


def test_the_calendar_speaks_the_chosen_language(db, tmp_path):
    raw = _calendar(db, tmp_path, "--lang", "zh-hk")
    cal = icalendar.Calendar.from_ical(raw)
    first = next(iter(cal.walk("VEVENT")))
    assert str(first["SUMMARY"]) == "2020粵港澳大灣區高價值專利培育布局大賽"
    assert "範疇：加強粵港澳大灣區知識產權合作" in str(first["DESCRIPTION"])
    assert str(cal["X-WR-CALNAME"]) == "粵港保護知識產權合作專責小組"
    cn = icalendar.Calendar.from_ical(_calendar(db, tmp_path, "--lang", "zh-cn", name="cn.ics"))
    assert str(next(iter(cn.walk("VEVENT")))["SUMMARY"]).startswith("2020粤港澳")


def test_text_with_commas_semicolons_and_long_lines_reads_back_exactly(db, tmp_path):
    title = "Seminar; IP, SMEs \\ start-ups: " + "粵港知識產權合作" * 12
    result = invoke(
        "--db", db, "add", title, "--area", "exchange", "--year", "2020", "--on", "2020-12-10"
    )
    assert result.exit_code == 0, result.stderr
    raw = _calendar(db, tmp_path)
    assert all(len(line.rstrip(b"\r")) <= 75 for line in raw.split(b"\n"))
    raw.decode("utf-8")  # folded between characters, never inside one
    cal = icalendar.Calendar.from_ical(raw)
    assert title in [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]


def test_the_writer_escapes_and_folds_as_rfc_5545_says():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "知" * 40)
    pieces = folded.split("\r\n ")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join(pieces) == "SUMMARY:" + "知" * 40


def test_a_carried_project_is_cancelled_and_its_copy_keeps_the_date(db, tmp_path):
    result = invoke("--db", db, "export", "--format", "ics")
    assert result.exit_code == 0
    assert result.stdout.count("BEGIN:VEVENT") == 4
    carried = invoke("--db", db, "carry", "2020", "--to", "2021", "--only", "15")
    assert carried.exit_code == 0, carried.stderr
    listed = json.loads(invoke("--db", db, "list", "--json").stdout)
    (copy,) = [p for p in listed if p["programme"] == "2021"]
    assert (copy["starts_on"], copy["ends_on"]) == ("2020-12-01", "2020-12-01")
    cal = icalendar.Calendar.from_ical(
        invoke("--db", db, "export", "--format", "ics").stdout.encode("utf-8")
    )
    status = {str(e["UID"]): str(e["STATUS"]) for e in cal.walk("VEVENT")}
    assert status[f"{_uuids(db)[15]}@ipcoop"] == "CANCELLED"  # calendars take it out
    assert status[f"{copy['uuid']}@ipcoop"] == "TENTATIVE"
