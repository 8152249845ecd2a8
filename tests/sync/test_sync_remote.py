"""A remote that someone else can write to: what it may not do to the shared record.

Each case is a commit pushed with plain git by whoever can write to the remote
(an intruder, a careless administrator, a buggy tool). The copies refuse it
(exit 1, nothing changed) or, where a plain `git pull` already brought it in,
are not harmed by it and do not pass it on.
"""

from __future__ import annotations

import pytest

from tests.sharing import converge, git, intruder, push, refused, rewrite


def wipe(data: dict) -> None:
    for table in ("projects", "history", "copies", "areas", "programmes", "members"):
        data[table] = {}


def steal_block(data: dict) -> None:
    """Give one copy's block of ids to another as well."""
    (first, second, *_) = sorted(data["copies"])
    data["copies"][second]["blocks"].append(list(data["copies"][first]["blocks"][-1]))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (wipe, "journal entr"),
        (lambda d: d["projects"].pop("3"), "removes project 3 without a journal entry"),
        (lambda d: d["programmes"].pop("2019"), "removes programme 2019 without a journal"),
        (lambda d: d["projects"]["7"].update(notes="quietly"), "changes project 7 without"),
        (steal_block, "both hold ids from"),
    ],
    ids=["wipe", "remove", "programme", "edit", "block"],
)
def test_a_change_no_command_made_is_refused(pair, tmp_path, remote, change, words):
    hk, gd = pair
    hk.ok("add", "Shared first", "--area", "gba", "--year", "2021")
    converge(hk, gd)
    evil = intruder(tmp_path, remote, signing=pair[0])
    rewrite(evil, change)
    push(evil)
    for copy in (hk, gd):
        refused(copy, words)
    assert "Shared first" in {p["title"] for p in gd.projects().values()}


def test_a_uuid_changed_on_the_remote_is_refused(pair, tmp_path, remote):
    _, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    rewrite(evil, lambda d: d["projects"]["7"].update(uuid=d["projects"]["8"]["uuid"]))
    push(evil)
    refused(gd, "project 7")


def test_duplicate_keys_on_the_remote_are_refused(pair, tmp_path, remote):
    _, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    text = (evil / "ipcoop.json").read_text("utf-8")
    line = next(line for line in text.splitlines() if line.lstrip().startswith('"12": '))
    (evil / "ipcoop.json").write_text(
        text.replace(line, line + "\n" + line.replace('"12"', '"13"', 1))
    )
    push(evil)
    refused(gd, "twice")


def test_attributes_from_the_remote_never_convert_the_file(pair, tmp_path, remote):
    hk, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    (evil / ".gitattributes").write_text("/ipcoop.json working-tree-encoding=UTF-16LE-BOM text\n")
    git(evil, "add", ".gitattributes")
    git(evil, "commit", "-q", "-m", "attributes")
    git(evil, "push", "-q", "origin", "HEAD:main")
    refused(hk, "'.gitattributes' (not as ipcoop writes it)")
    git(gd.folder, "pull", "-q", "--no-rebase", check=False)
    assert gd.db.read_bytes().startswith(b"{")  # still UTF-8 JSON, not rewritten
    assert gd.ok("list").exit_code == 0


def test_a_folder_in_place_of_the_database_never_reaches_the_copy(pair, tmp_path, remote):
    hk, gd = pair
    gd.ok("edit", "12", "--note", "GD's note, synced")
    gd.ok("sync")
    evil = intruder(tmp_path, remote, signing=pair[0])
    (evil / "ipcoop.json").unlink()
    (evil / "ipcoop.json").mkdir()
    (evil / "ipcoop.json" / "x").write_text("x")
    push(evil)
    git(gd.folder, "pull", "-q", "--no-rebase", check=False)
    assert not gd.db.is_dir()
    result = gd.ok("sync")  # puts the file back, and the remote right
    assert "was missing; it was put back" in result.stderr
    converge(hk, gd)
    assert hk.projects()[12]["notes"] == "GD's note, synced"
    assert git(remote, "ls-tree", "main").stdout.count("\n") == 4  # the four shared files


def test_what_a_plain_pull_brought_in_is_not_passed_on(pair, tmp_path, remote):
    hk, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    (evil / "notes.txt").write_text("not ipcoop's")
    push(evil)
    refused(hk, "'notes.txt' (a file)")
    git(gd.folder, "pull", "-q", "--no-rebase", check=False)
    gd.ok("edit", "12", "--note", "after the pull")
    gd.ok("sync")  # its commit holds the three shared files only
    assert "notes.txt" not in git(remote, "ls-tree", "--name-only", "main").stdout
    converge(hk, gd)
    assert hk.projects()[12]["notes"] == "after the pull"


def test_a_rewound_remote_stays_refused_after_a_plain_fetch(pair, tmp_path, remote):
    hk, gd = pair
    old = git(remote, "rev-parse", "main").stdout.strip()
    hk.ok("add", "HK's project", "--area", "gba", "--year", "2021")
    hk.ok("sync")
    git(remote, "update-ref", "refs/heads/main", old)  # a restored backup
    gd.ok("add", "GD's project", "--area", "gba", "--year", "2021")
    gd.ok("sync")  # gd never saw hk's push: it cannot know
    git(hk.folder, "fetch", "-q")  # a plain fetch moves the remote-tracking branch
    refused(hk, "was rewound")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["projects"]["7"].update(uuid=["not", "a", "uuid"]),
        lambda d: next(iter(d["copies"].values())).update(next="many"),
        lambda d: d["history"].update(  # an entry of the signer's copy, malformed
            {next(k for k, r in d["copies"].items() if r["name"] == "HK IPD") + ".999999": "x"}
        ),
    ],
    ids=["uuid", "next", "history"],
)
def test_a_malformed_remote_is_refused_in_one_line(pair, tmp_path, remote, change):
    _, gd = pair
    evil = intruder(tmp_path, remote, signing=pair[0])
    rewrite(evil, change)
    push(evil)
    refused(gd, "refuses")


def test_a_journal_entry_under_a_key_no_copy_has_is_held(pair, tmp_path, remote):
    """Signed by a trusted key, an entry of no copy ('x.000001'): another's, held."""
    hk, gd = pair
    evil = intruder(tmp_path, remote, signing=hk)
    rewrite(evil, lambda d: d["history"].update({"x.000001": "not an entry"}))
    push(evil)
    told = gd.ok("sync").stderr
    assert "Held aside 1 change(s)" in told and "x.000001" in told
