"""Found by an adversarial review of notes, links, members and git's lock files.

Each was accepted (or deleted a file, or blocked every copy) before it was fixed.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from ipcoop.sync import locks
from tests.helpers import one_error_line
from tests.sharing import Copy, converge, git, intruder, join, push, refused, rewrite


def journaled(table: str, key: str):
    """A change with a journal entry naming it, as a command would leave: an entry of
    HK's copy, whose key the intruder signs with."""

    def add_entry(data: dict) -> None:
        copy = next(k for k, r in data["copies"].items() if r.get("name") == "HK IPD")
        data["history"][f"{copy}.000900"] = {
            "at": "2026-12-05T00:00:00.000000Z",
            "by": "intruder",
            "command": "by hand",
            "changes": [{"table": table, "id": key, "before": None, "after": None}],
        }

    return add_entry


def test_undoing_a_member_a_project_uses_is_refused(pair):
    hk, gd = pair
    hk.ok("members", "add", "NEWAG", "New agency", "--side", "hk")
    hk.ok("sync")
    gd.ok("sync")
    gd.ok("add", "Uses it", "--area", "gba", "--year", "2020", "--agency", "NEWAG")
    gd.ok("sync")
    hk.ok("sync")
    result = hk("undo")
    assert result.exit_code == 1
    assert "uses the member NEWAG it made" in one_error_line(result)
    skipped = hk("undo", "--skip")  # nothing older of hk's can be undone past it either
    assert "NEWAG" in [m["code"] for m in hk.ok("members", "--json").json()]
    assert skipped.exit_code in (0, 1)
    assert hk.ok("check").exit_code == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: (d["members"].pop("HKIPD"), journaled("members", "HKIPD")(d)),
         "removes the member HKIPD, which project"),
        (lambda d: (d["programmes"].pop("2020"), journaled("programmes", "2020")(d)),
         "removes the programme 2020, which project"),
        (lambda d: (d["members"]["HKIPD"].update(name=123), journaled("members", "HKIPD")(d)),
         "member record HKIPD has a bad name"),
        (lambda d: (d["members"]["HKIPD"].update({"from": 2030, "until": 2010}),
                    journaled("members", "HKIPD")(d)), "ends (2010) before it starts"),
        (lambda d: (d["projects"]["12"].update(progress=[
            {"on": "2021-99-99", "by": "x", "text": "bad date"}]), journaled("projects", "12")(d)),
         "bad date"),
        (lambda d: (d["projects"]["12"].update(links=[
            {"url": " https://x.example/", "label": None}]), journaled("projects", "12")(d)),
         "spaces around it"),
        (lambda d: (d["projects"]["12"].update(links=[]), journaled("projects", "12")(d)),
         "an empty one is not stored"),
        (lambda d: (d["projects"]["12"].update(progress=[
            {"on": "2021-01-01", "by": "x", "text": f"n{i}"} for i in range(501)]),
            journaled("projects", "12")(d)), "more than 500"),
    ],
    ids=["member-in-use", "programme-in-use", "member-name", "member-years", "note-date",
         "link-space", "empty-links", "too-many-notes"],
)  # fmt: skip
def test_a_remote_record_no_command_would_write_is_refused(pair, tmp_path, remote, change, words):
    hk, gd = pair
    converge(hk, gd)
    evil = intruder(tmp_path, remote, signing=pair[0])
    rewrite(evil, change)
    push(evil)
    refused(hk, words)


def test_both_sides_years_of_a_member_stay_one_valid_pair(pair):
    hk, gd = pair
    hk.ok("members", "edit", "GDCAB", "--until", "2019")
    gd.ok("members", "edit", "GDCAB", "--from", "2021")
    converge(hk, gd)
    (member,) = [m for m in hk.ok("members", "--json").json() if m["code"] == "GDCAB"]
    assert (member["from"], member["until"]) in ((None, 2019), (2021, None))
    assert hk.ok("check").exit_code == 0
    assert "GDCAB" in hk.ok("conflicts").stdout


def test_both_sides_relabelling_a_link_keep_one_entry(pair):
    hk, gd = pair
    url = "https://example.org/release"
    hk.ok("link", "12", url, "--label", "Old")
    converge(hk, gd)
    hk.ok("link", "12", url, "--label", "HK's label")
    gd.ok("link", "12", url, "--label", "GD's label")
    converge(hk, gd)
    links = hk.projects()[12]["links"]
    assert [link["url"] for link in links] == [url]
    assert hk.ok("check").exit_code == 0
    # Not silently: both labels are kept as a conflict, and either can be kept.
    (conflict,) = hk.ok("conflicts", "--json").json()
    assert conflict["id"] == 12 and conflict["field"] == "links"
    labels = [v["value"][0]["label"] for v in conflict["values"]]
    assert sorted(labels) == ["GD's label", "HK's label"]
    told = hk.ok("conflicts").stdout
    assert "HK's label" in told and "GD's label" in told and "{" not in told
    assert "ipcoop settle 12 links N" in told
    hk.ok("settle", "12", "links", str(1 + labels.index("HK's label")))
    converge(hk, gd)
    assert gd.projects()[12]["links"] == [{"url": url, "label": "HK's label"}]
    assert gd.ok("conflicts", "--json").json() == []


def _old(path: Path) -> None:
    then = time.time() - 3600
    os.utime(path, (then, then))


def test_lock_clearing_never_touches_a_work_tree_or_another_folder(tmp_path, monkeypatch):
    """A remote whose .git is a file (a linked work tree): its files named like locks
    were deleted; a relative URL was read from the current folder, not the copy's."""
    main = tmp_path / "main"
    subprocess.run(["git", "init", "-q", str(main)], check=True)
    git(main, "commit", "-q", "--allow-empty", "-m", "first")
    linked = tmp_path / "linked"
    git(main, "worktree", "add", "-q", "-b", "side", str(linked))
    assert (linked / ".git").is_file()
    for name in ("HEAD.lock", "packed-refs.lock"):
        (linked / name).write_text("a user's file")
        _old(linked / name)
    assert locks.clear_remote(str(linked), tmp_path, wait=0) is None
    assert (linked / "HEAD.lock").exists() and (linked / "packed-refs.lock").exists()
    # A relative remote is read from the copy's folder.
    copy_folder = tmp_path / "copy"
    copy_folder.mkdir()
    real = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(real)], check=True)
    decoy = tmp_path / "elsewhere" / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(decoy)], check=True)
    for repo in (real, decoy):
        (repo / "refs" / "heads" / "main.lock").write_text("")
        _old(repo / "refs" / "heads" / "main.lock")
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert locks.clear_remote("../remote.git", copy_folder, wait=0) is None
    assert not (real / "refs" / "heads" / "main.lock").exists()
    assert (decoy / "refs" / "heads" / "main.lock").exists()


def test_a_lock_replaced_after_it_was_judged_left_over_is_kept(tmp_path):
    lock = tmp_path / "main.lock"
    lock.write_text("")
    _old(lock)
    seen = locks.left_over(lock)
    assert seen is not None
    lock.unlink()  # another sync removed it, and a live push took the lock meanwhile
    lock.write_text("")
    locks._remove(lock, seen)
    assert lock.exists()


def test_a_remote_that_lost_its_branch_is_refused_not_called_in_step(pair, remote):
    hk, gd = pair
    hk.ok("add", "Shared", "--area", "gba", "--year", "2021")
    converge(hk, gd)
    subprocess.run(["git", "-C", str(remote), "update-ref", "-d", "refs/heads/main"], check=True)
    before = hk.db.read_bytes()
    result = hk("sync")
    assert result.exit_code == 1, result.stderr
    assert "it has lost its branch main" in one_error_line(result)
    assert hk.db.read_bytes() == before


def test_keeping_one_label_keeps_the_links_added_since(pair, tmp_path, remote):
    hk, gd = pair
    third = Copy(tmp_path, "customs")
    join(third, remote, hk, "GDCUS")
    url, other = "https://example.org/x", "https://example.org/y"
    hk.ok("link", "14", url, "--label", "first")
    converge(hk, gd, third)
    hk.ok("link", "14", url, "--label", "l1")
    gd.ok("link", "14", url, "--label", "l2")
    third.ok("link", "14", url, "--label", "l3")
    third.ok("link", "14", other)
    converge(hk, gd, third)
    (conflict,) = hk.ok("conflicts", "--json").json()
    hk.ok("settle", "14", "links", "1")
    converge(hk, gd, third)
    links = {link["url"]: link["label"] for link in gd.projects()[14]["links"]}
    assert set(links) == {url, other}  # the link nobody removed is still there
    assert links[url] == conflict["values"][0]["value"][0]["label"]
