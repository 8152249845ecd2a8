"""Schema 8: each copy's journal entries form a chain (each names the hash of the one
before), so an entry dropped, changed or put out of order is seen."""

from __future__ import annotations

import json
import shutil

from ipcoop import store
from ipcoop.store.journal import broken_chains, entry_hash
from tests.helpers import DATA, invoke


def test_a_schema_7_file_is_upgraded_and_its_journal_chained_from_then_on(tmp_path):
    path = tmp_path / "ipcoop.json"
    shutil.copy(DATA / "schema7.json", path)
    old = json.loads(path.read_text("utf-8"))
    assert old["_meta"]["1"]["schema"] == 7
    assert invoke("--db", path, "edit", "5", "--note", "after the upgrade").exit_code == 0
    data = json.loads(path.read_text("utf-8"))
    assert data["_meta"]["1"]["schema"] == store.SCHEMA_VERSION >= 8
    assert {k: data["history"][k] for k in old["history"]} == old["history"]  # kept as they were
    (new,) = sorted(set(data["history"]) - set(old["history"]))
    last_old = max(old["history"])
    assert new.rsplit(".", 1)[0] == last_old.rsplit(".", 1)[0]
    assert data["history"][new]["prev"] == entry_hash(old["history"][last_old])
    assert broken_chains(data["history"]) == []
    assert invoke("--db", path, "check").exit_code == 0


def test_an_entry_dropped_or_changed_breaks_the_chain(tmp_path):
    path = tmp_path / "ipcoop.json"
    assert invoke("--db", path, "init").exit_code == 0
    for n in (1, 2, 3):
        assert invoke("--db", path, "edit", str(n), "--note", f"note {n}").exit_code == 0
    assert invoke("--db", path, "undo").exit_code == 0  # marking undone keeps the chain
    history = json.loads(path.read_text("utf-8"))["history"]
    keys = sorted(history)
    assert len(keys) == 3 and history[keys[2]].get("undone")
    assert broken_chains(history) == []
    dropped = {k: v for k, v in history.items() if k != keys[1]}
    assert broken_chains(dropped) == [f"entry {keys[2]} follows an entry that is missing"]
    changed = {**history, keys[0]: {**history[keys[0]], "command": "edit 1 --note forged"}}
    assert broken_chains(changed) == [f"entry {keys[1]} does not follow the entry before it"]


def test_a_journal_key_no_command_wrote_is_passed_over_not_read_as_a_number():
    """'abcd0123.x' sorted last and stopped every command ('invalid literal for int')."""
    from ipcoop.store.journal import last_of

    class History(dict):
        def last_key(self, prefix: str) -> str | None:
            return max((k for k in self if k.startswith(prefix)), default=None)

        def load(self) -> dict:
            return self

    history = History({"abcd0123.000001": {}, "abcd0123.000002": {}, "abcd0123.x": {}})
    assert last_of(history, "abcd0123") == ("abcd0123.000002", 2)
    assert last_of(History(), "abcd0123") == (None, 0)
