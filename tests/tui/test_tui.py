"""The terminal screen (`ipcoop tui`), driven by Textual's own harness: every action
changes the file as its command would (and `undo` takes it back), the filter in both
scripts, the file changed underneath, a lock held by another command, damage."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from ipcoop.tui.app import make
from tests.helpers import invoke, one_error_line


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ipcoop.json"
    assert invoke("--db", path, "init").exit_code == 0
    return path


def projects(db) -> dict[int, dict]:
    listed = json.loads(invoke("--db", db, "list", "--json").stdout)
    return {p["id"]: p for p in listed}


def last_command(db) -> str:
    return json.loads(invoke("--db", db, "log", "--json").stdout)[0]["command"]


def screen(db, scenario, lang="en", size=(120, 36), programme=None):
    """Run `scenario(app, pilot)` on the screen opened on `db`."""

    async def main():
        app = make(db, programme, lang)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())


async def settle(app, pilot):
    """Wait for the change running in its worker thread, and the screen after it."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def go_to(app, pilot, pid):
    ids = [p["id"] for p in app.rows]
    table = app.query_one("#projects")
    table.move_cursor(row=ids.index(pid))
    await pilot.pause()


def shown(app, selector: str) -> str:
    """What a widget shows, as plain text."""
    with app.console.capture() as captured:
        app.console.print(app.query_one(selector).content)
    return captured.get()


def message(app) -> str:
    return str(app.query_one("#message").render())


def test_it_opens_on_the_latest_programme_in_its_area_order(db):
    async def scenario(app, pilot):
        assert app.programme == "2020"
        areas = [p["area"] for p in app.rows]
        assert areas == sorted(areas, key=["gba", "protection", "trading", "exchange"].index)
        assert {p["id"] for p in app.rows} == set(range(11, 19))
        header = shown(app, "#figures")
        assert "Co-operation projects 2020" in header and "0 of 8 done" in header
        detail = app.query_one("#detail").render()
        assert app.current_id() == app.rows[0]["id"]
        assert detail is not None

    screen(db, scenario)


def test_start_then_undo_go_through_the_journal(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 12)
        await pilot.press("s")
        await settle(app, pilot)
        assert "$ ipcoop start 12" in message(app)
        assert projects(db)[12]["status"] == "active"
        assert next(p for p in app.rows if p["id"] == 12)["status"] == "active"
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert "Undid: start 12" in message(app)
        assert projects(db)[12]["status"] == "planned"

    screen(db, scenario)
    log = json.loads(invoke("--db", db, "log", "--json").stdout)
    assert log[0]["command"] == "start 12" and log[0]["undone"]


def test_marked_rows_done_on_a_day_first_date(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 12)
        await pilot.press("space")  # marks 12, moves down to 17
        await go_to(app, pilot, 14)
        await pilot.press("space")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"30/11/2020", "enter")
        await settle(app, pilot)
        assert "$ ipcoop done 12 14 --on 2020-11-30" in message(app)
        assert not app.marked

    screen(db, scenario)
    found = projects(db)
    assert (found[12]["status"], found[12]["done_on"]) == ("done", "2020-11-30")
    assert (found[14]["status"], found[14]["done_on"]) == ("done", "2020-11-30")
    assert last_command(db) == "done 12 14 --on 2020-11-30"


def test_drop_with_a_reason_and_a_refusal_said_on_screen(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 18)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"merged into 17", "enter")
        await settle(app, pilot)
        before = db.read_bytes()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"01/01/2099", "enter")  # refused: in the future
        await pilot.pause()
        assert type(app.screen).__name__ == "Prompt"  # asked again, the date kept to correct
        await pilot.press("escape")
        await settle(app, pilot)
        assert db.read_bytes() == before

    screen(db, scenario)
    assert projects(db)[18]["status"] == "dropped"
    assert "merged into 17" in projects(db)[18]["notes"]


def test_add_through_the_form_with_the_chinese_converted(db):
    async def scenario(app, pilot):
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        form.query_one("#title").value = "Seminar on IP and SMEs"
        form.query_one("#zh-hk").value = "中小企知識產權研討會"
        await pilot.pause()
        preview = str(form.query_one("#preview-zh-cn").render())
        assert "中小企知识产权研讨会" in preview  # what OpenCC will make, shown before saving
        form.query_one("#area").value = "guidance"
        form.query_one("#key").value = True
        form.query_one("#agencies").value = "HKIPD, GDAMR"
        form.query_one("#from").value = "18/06/2020"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "$ ipcoop add 'Seminar on IP and SMEs'" in message(app)

    screen(db, scenario)
    (new,) = [p for p in projects(db).values() if p["title"] == "Seminar on IP and SMEs"]
    assert new["titles"] == {"zh-hk": "中小企知識產權研討會", "zh-cn": "中小企知识产权研讨会"}
    assert new["converted"] == ["zh-cn"] and new["key"] and new["area"] == "guidance"
    assert new["agencies"] == ["HKIPD", "GDAMR"] and new["starts_on"] == "2020-06-18"
    assert new["programme"] == "2020"
    assert last_command(db).startswith("add 'Seminar on IP and SMEs' --zh-hk")


def test_edit_changes_only_what_the_form_changed(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 15)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        form.query_one("#note").value = "Held in Guangzhou"
        form.query_one("#from").value = "2020-12-01"
        form.query_one("#to").value = "2020-12-02"
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    screen(db, scenario)
    p = projects(db)[15]
    assert p["notes"] == "Held in Guangzhou"
    assert (p["starts_on"], p["ends_on"]) == ("2020-12-01", "2020-12-02")
    assert last_command(db) == (
        "edit 15 --note 'Held in Guangzhou' --from 2020-12-01 --to 2020-12-02"
    )


def test_remove_asks_and_undo_brings_it_back(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 16)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("n")  # not removed
        await pilot.pause()
        assert 16 in projects(db)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert 16 not in {p["id"] for p in app.rows}

    screen(db, scenario)
    assert 16 not in projects(db)
    assert invoke("--db", db, "undo").exit_code == 0
    assert 16 in projects(db)


def test_the_filter_reads_either_script_and_chinese_values(db):
    async def scenario(app, pilot):
        await pilot.press("slash")
        await pilot.press(*"粤港")  # Simplified finds the Traditional title 粵港...
        await pilot.pause()
        assert [p["id"] for p in app.rows] == [13]
        app.query_one("#filter").value = "status:计划中 area:exchange key"
        await pilot.pause()
        assert sorted(p["id"] for p in app.rows) == [14, 15, 16]
        app.query_one("#filter").value = "key:maybe"
        await pilot.pause()
        assert "key: takes yes or no" in str(app.query_one("#filterline").render())
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.rows) == 8 and app.filter_text == ""

    screen(db, scenario)


def test_a_change_made_underneath_shows_and_keeps_the_selection(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 14)
        assert invoke("--db", db, "edit", "14", "--title", "Renamed elsewhere").exit_code == 0
        app.check_file()
        await pilot.pause()
        assert app.current_id() == 14
        assert next(p for p in app.rows if p["id"] == 14)["title"] == "Renamed elsewhere"

    screen(db, scenario)


def test_an_action_waits_for_a_lock_another_command_holds(db, monkeypatch):
    from ipcoop.store.lock import locked

    monkeypatch.setenv("IPCOOP_LOCK_TIMEOUT", "10")
    release = threading.Event()
    holding = threading.Event()

    def other_command():
        with locked(db):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=other_command)
    holder.start()
    holding.wait(5)

    async def scenario(app, pilot):
        await go_to(app, pilot, 11)
        await pilot.press("s")
        await asyncio.sleep(0.6)
        await pilot.pause()
        assert "Waiting" in message(app)
        assert projects(db)[11]["status"] == "planned"
        release.set()
        await settle(app, pilot)
        assert "$ ipcoop start 11" in message(app)

    try:
        screen(db, scenario)
    finally:
        release.set()
        holder.join()
    assert projects(db)[11]["status"] == "active"


def test_a_file_damaged_underneath_is_said_and_the_screen_stays(db):
    async def scenario(app, pilot):
        db.write_text("{not json", "utf-8")
        app.check_file()
        await pilot.pause()
        assert message(app).startswith("Error:")
        assert app.is_running

    screen(db, scenario)


def test_conflicts_are_settled_by_choosing_a_value(db):
    data = json.loads(db.read_text("utf-8"))
    record = data["projects"]["13"]
    record["title"] = "Gd's title"
    record["conflicts"] = {
        "title": [
            {"at": "2026-01-01T00:00:01Z", "by": "hk", "value": "Hk's title"},
            {"at": "2026-01-01T00:00:02Z", "by": "gd", "value": "Gd's title"},
        ]
    }
    db.write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    async def scenario(app, pilot):
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")  # the first value listed: hk's
        await settle(app, pilot)
        assert "$ ipcoop settle 13 title 1" in message(app)

    screen(db, scenario)
    assert projects(db)[13]["title"] == "Hk's title"
    assert json.loads(invoke("--db", db, "conflicts", "--json").stdout) == []


def test_views_open_and_close_and_a_programme_is_chosen(db):
    async def scenario(app, pilot):
        for key in ("t", "l", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is not app.screen_stack[0]
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("down", "enter")  # newest first: 2020, then 2019
        await pilot.pause()
        assert app.programme == "2019"
        assert {p["id"] for p in app.rows} == set(range(1, 11))

    screen(db, scenario)


def test_chinese_screen_at_80_columns(db):
    async def scenario(app, pilot):
        header = shown(app, "#figures")
        assert "二○二○年合作項目" in header and "已完成0個，共8個" in header
        table = app.query_one("#projects")
        assert [c.label.plain for c in table.columns.values()][1:3] == ["編號", "範疇"]
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width

    screen(db, scenario, lang="zh-hk", size=(80, 30))


def test_the_command_refuses_a_damaged_file_a_bad_programme_and_no_terminal(db):
    before = db.read_bytes()
    result = invoke("--db", db, "tui", "--programme", "1999")
    assert result.exit_code == 1 and "1999" in one_error_line(result)
    result = invoke("--db", db, "tui")
    assert result.exit_code == 1 and "needs a terminal" in one_error_line(result)
    assert db.read_bytes() == before
    db.write_text("{not json", "utf-8")
    result = invoke("--db", db, "tui")
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_list_summary_help_and_version_do_not_load_textual(db):
    import subprocess
    import sys

    from tests.helpers import env

    for args in (["--version"], ["--help"], ["list"], ["summary", "2020"]):
        code = (
            f"import sys, runpy; sys.argv = ['ipcoop', '--db', {str(db)!r}, *{args!r}]\n"
            "try:\n    runpy.run_module('ipcoop', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "loaded = [m for m in ('textual', 'docx', 'opencc') if m in sys.modules]\n"
            "sys.stderr.write('LOADED=' + ','.join(loaded))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env(), check=False
        )
        assert "LOADED=" in done.stderr and done.stderr.rsplit("LOADED=", 1)[1] == "", args


def test_an_action_on_a_file_damaged_underneath_leaves_the_screen_up(db):
    """The screen had died with a traceback (and exit 0) when a change ended on a file
    damaged since."""

    async def scenario(app, pilot):
        await go_to(app, pilot, 12)
        db.write_bytes(b"garbage\x00\xff{{{")
        await pilot.press("s")
        await settle(app, pilot)
        assert message(app).startswith("Error:") and app.is_running
        app.check_file()
        await pilot.pause()
        assert app.is_running

    screen(db, scenario)
    assert db.read_bytes() == b"garbage\x00\xff{{{"  # left as it was


def test_escape_codes_in_a_title_never_reach_the_terminal(db):
    assert invoke("--db", db, "edit", "14", "--title", "OSC\x1b]2;PWNED\x07 after").exit_code == 0

    async def scenario(app, pilot):
        await go_to(app, pilot, 14)
        detail = shown(app, "#detail")
        assert "\x1b]2;" not in detail and "\\x1b]2;PWNED\\x07 after" in detail
        await pilot.press("u")
        await pilot.pause()
        with app.console.capture() as captured:
            app.console.print(app.screen.query_one("#question").content)
        assert "\x07" not in captured.get() and "\\x07" in captured.get()

    screen(db, scenario)


def test_undo_takes_back_only_the_change_it_showed(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 12)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("u")  # shows: start 12
        await pilot.pause()
        assert invoke("--db", db, "edit", "17", "--note", "meanwhile").exit_code == 0
        await pilot.press("y")
        await settle(app, pilot)
        assert "not the one shown" in message(app)

    screen(db, scenario)
    found = projects(db)
    assert found[12]["status"] == "active" and found[17]["notes"] == "meanwhile"


def test_the_form_keeps_what_was_typed_when_a_value_is_refused(db):
    async def scenario(app, pilot):
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Seminar")  # the title has the focus
        form = app.screen
        assert form.query_one("#title").value == "Seminar"
        form.query_one("#area").value = "exchange"
        form.query_one("#from").value = "31/02/2020"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, what was typed kept
        form.query_one("#from").value = "28/02/2020"
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    before = set(projects(db))
    screen(db, scenario)
    (new,) = set(projects(db)) - before
    assert projects(db)[new]["starts_on"] == "2020-02-28"


def test_clearing_the_agencies_in_the_form_is_the_command_it_says(db):
    async def scenario(app, pilot):
        await go_to(app, pilot, 17)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#agencies").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "$ ipcoop edit 17 --no-agency" in message(app)

    screen(db, scenario)
    assert projects(db)[17]["agencies"] == []
    assert last_command(db) == "edit 17 --no-agency"
    assert invoke("--db", db, "undo").exit_code == 0
    assert invoke("--db", db, "edit", "17", "--no-agency").exit_code == 0  # the same by hand
    assert projects(db)[17]["agencies"] == []


def test_sync_from_the_screen_says_what_sync_said(db):
    async def scenario(app, pilot):
        await pilot.press("S")
        await settle(app, pilot)
        for _ in range(50):  # the sync runs as a process of its own
            if not app.busy:
                break
            await asyncio.sleep(0.1)
        await pilot.pause()
        assert "did not go through" in message(app)  # not shared: sync says so
        body = app.screen.query_one("#body").content
        assert "Error:" in str(body)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and not app.busy

    screen(db, scenario)


def test_keys_in_a_burst_close_a_dialog_once(db):
    """Enter Enter on the done question had popped the screen twice (a traceback)."""

    async def scenario(app, pilot):
        await go_to(app, pilot, 12)
        await pilot.press("d", "enter", "enter")
        await settle(app, pilot)
        assert app.is_running

    screen(db, scenario)
    assert projects(db)[12]["status"] == "done"


def test_the_form_shows_a_titles_escape_codes_escaped_and_leaves_them(db):
    assert invoke("--db", db, "edit", "15", "--title", "Esc \x1b[2J title").exit_code == 0

    async def scenario(app, pilot):
        await go_to(app, pilot, 15)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#title").value == "Esc \\x1b[2J title"
        app.screen.query_one("#note").value = "a note"
        await pilot.press("ctrl+s")
        await settle(app, pilot)

    screen(db, scenario)
    assert projects(db)[15]["title"] == "Esc \x1b[2J title"  # not sent back as a change
    assert last_command(db) == "edit 15 --note 'a note'"


def test_a_click_selects_and_a_double_click_edits(db):
    async def scenario(app, pilot):
        await pilot.click("#projects", offset=(8, 3))  # the header, then rows 0, 1, 2
        await pilot.pause()
        chosen = app.current_id()
        assert chosen == app.rows[2]["id"]
        await pilot.double_click("#projects", offset=(8, 3))
        await pilot.pause()
        assert type(app.screen).__name__ == "ProjectForm"
        assert app.screen.heading == f"Edit project {chosen}"

    screen(db, scenario)


def test_the_screen_speaks_through_the_catalog(db, monkeypatch):
    """In the pseudo-language every word of the screen's own is ⟦wrapped⟧: its keys,
    the filter line, the form's labels, a question; in zh-cn they are Chinese."""
    monkeypatch.setenv("IPCOOP_PSEUDO", "1")

    async def scenario(app, pilot):
        described = [b.description for b in app.BINDINGS if b.description]
        assert described and all(d.startswith("⟦") for d in described), described
        assert shown(app, "#filterline").strip().startswith("⟦")
        await pilot.press("a")
        await pilot.pause()
        labels = [str(label.render()) for label in app.screen.query("Label")][1:]
        assert labels and all(text.startswith("⟦") for text in labels), labels
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x")  # drop: asks why
        await pilot.pause()
        asked = [str(label.render()) for label in app.screen.query("Label")]
        assert asked and asked[0].startswith("⟦Drop "), asked

    screen(db, scenario)
    monkeypatch.delenv("IPCOOP_PSEUDO")

    async def chinese(app, pilot):
        assert {b.description for b in app.BINDINGS} >= {"筛选", "完成", "撤销", "退出"}

    screen(db, chinese, lang="zh-cn")
