"""Every change signed by its copy's key; only keys a trusted copy approved count.

Real keys (ssh-keygen), real signatures (git with gpg.format=ssh), a bare remote
and copies in tmp_path; intruders are plain git clones.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import invoke, one_error_line
from tests.sharing import Copy, converge, files_of, git, intruder, push, rewrite


def _title(copy: Copy, pid: int) -> str:
    return copy.projects()[pid]["title"]


def _states(copy: Copy) -> dict[str, str]:
    return {row["name"]: row["state"] for row in copy.ok("copies", "--json").json()}


def _fp(public: str) -> str:
    from ipcoop.sync.keys import fingerprint

    return fingerprint(public)


def _keygen(path: Path, *extra: str) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path), *extra], check=True
    )
    return path


def test_a_joining_copy_waits_until_a_trusted_copy_approves_it(tmp_path, remote):
    hk, gd = Copy(tmp_path, "hk"), Copy(tmp_path, "gd")
    hk.ok("init")
    founded = hk.ok("sync", remote, "--name", "HK IPD").stderr
    assert "founds the list of trusted keys" in founded
    joined = gd.ok("sync", remote, "--name", "GDAMR").stderr
    assert "waiting for approval" in joined
    # Its ids and changes count nowhere yet: it is not told they are leased or taken.
    assert "Leased ids" not in joined and "once its key is approved" in joined
    assert "hold them aside until this copy's key is approved" in joined
    founder = next(r for r in hk.ok("copies", "--json").json() if r["name"] == "HK IPD")
    assert f"HK IPD ({founder['fingerprint']})" in joined  # to compare by phone
    gd.ok("edit", "11", "--title", "Edited in Guangdong")
    assert "waiting for approval" in gd.ok("sync").stderr
    held = hk.ok("sync").stderr
    assert "Held aside" in held and "GDAMR" in held
    assert _title(hk, 11) != "Edited in Guangdong"  # not merged while waiting
    assert _states(hk) == {"HK IPD": "trusted", "GDAMR": "waiting"}
    fingerprint = next(
        r["fingerprint"] for r in hk.ok("copies", "--json").json() if r["name"] == "GDAMR"
    )
    assert f"ipcoop copies approve {fingerprint[:19]}" in hk.ok("copies").stdout
    assert "ask a trusted copy to approve this key" in gd.ok("copies").stdout
    refused = gd("copies", "approve", "HK IPD")  # a waiting copy's approval counts for nothing
    assert refused.exit_code == 1 and "not trusted yet" in one_error_line(refused)
    hk.ok("copies", "approve", "GDAMR")
    twice = hk.ok("copies", "approve", "GDAMR").stderr
    assert "already trusted" in twice and "Approved" not in twice
    assert "sent the approval of GDAMR's key" in hk.ok("sync").stderr
    told = gd.ok("sync").stderr  # approved: its changes go out signed by a trusted key
    assert "approved by HK IPD" in told and "received the approval of GDAMR's key" in told
    hk.ok("sync")
    assert _title(hk, 11) == "Edited in Guangdong"
    assert _states(gd) == {"HK IPD": "trusted", "GDAMR": "trusted"}
    converge(hk, gd)
    for copy in (hk, gd):
        report = copy.ok("verify", "--json").json()
        assert report["ok"] and report["held"] == []
        assert set(report["verified"]) == {"hk", "gd"}
        assert report["before_approval"] >= 1


def test_the_key_is_the_copys_own_owner_only_and_never_shared(pair, remote):
    hk, _ = pair
    key = hk.folder / "ipcoop.json.local.key"
    assert key.stat().st_mode & 0o777 == 0o600
    shared = git(remote, "ls-tree", "--name-only", "main").stdout.split()
    assert sorted(shared) == [".gitattributes", ".gitignore", "ipcoop.json", "ipcoop.json.signers"]
    for commit in git(remote, "rev-list", "main").stdout.split():
        assert "-----BEGIN SSH SIGNATURE-----" in git(remote, "cat-file", "commit", commit).stdout


def test_an_unsigned_commit_claiming_hks_name_is_held_aside(pair, tmp_path, remote):
    hk, gd = pair
    original = _title(hk, 12)
    evil = intruder(tmp_path, remote)
    rewrite(evil, lambda d: d["projects"]["12"].update(title="Forged title"))
    git(evil, "add", "-A")
    git(evil, "commit", "-q", "--author", "HK IPD <hk@example.invalid>", "-m", "HK IPD: 1")
    git(evil, "push", "-q", "origin", "HEAD:main")
    for copy in (gd, hk):
        told = copy.ok("sync").stderr
        assert "Held aside 1 change(s)" in told and "unsigned" in told
        assert "its author line claiming 'HK IPD'" in told  # who it pretends to be
        assert _title(copy, 12) == original
    gd.ok("edit", "13", "--note", "trusted change after the forged one")
    gd.ok("sync")
    hk.ok("sync")  # a held commit never blocks the trusted ones after it
    assert hk.projects()[13]["notes"] == "trusted change after the forged one"
    assert _title(hk, 12) == original
    converge(hk, gd)
    report = hk("verify", "--json")
    assert report.exit_code == 1
    held = report.json()["held"]
    assert [h["reason"] for h in held] == ["unsigned, its author line claiming 'HK IPD'"]
    assert "Forged title" not in hk.ok("log").stdout


def test_a_commit_signed_by_an_unlisted_key_is_held(pair, tmp_path, remote):
    hk, gd = pair
    original = _title(hk, 12)
    key = _keygen(tmp_path / "stranger")
    evil = intruder(tmp_path, remote, signing=key)
    rewrite(evil, lambda d: d["projects"]["12"].update(title="Forged, signed"))
    push(evil)
    told = gd.ok("sync").stderr
    assert "no signers file lists" in told
    assert _title(gd, 12) == original
    verdict = gd("verify")
    assert verdict.exit_code == 1 and "no signers file lists" in verdict.stdout


def test_a_stranger_listing_its_own_key_as_trusted_is_held(pair, tmp_path, remote):
    hk, gd = pair
    key = _keygen(tmp_path / "stranger")
    public = " ".join((tmp_path / "stranger.pub").read_text().split()[:2])
    evil = intruder(tmp_path, remote, signing=key)
    from ipcoop.sync.keys import ident

    signers = json.loads((evil / "ipcoop.json.signers").read_text())
    hk_id = next(k for k, r in signers.items() if r["name"] == "HK IPD")
    signers[ident(public)] = {
        "copy": "deadbeef",
        "name": "HK IPD",
        "side": "hk",
        "key": public,
        "added": "2026-01-01T00:00:00Z",
        "trusted": "2026-01-01T00:00:00Z",
        "trusted_by": hk_id,
        "revoked": None,
        "revoked_by": None,
    }
    (evil / "ipcoop.json.signers").write_text(json.dumps(signers))
    rewrite(evil, lambda d: d["projects"]["12"].update(title="Forged by a listed stranger"))
    push(evil)
    gd.ok("sync")
    hk.ok("sync")
    assert _title(hk, 12) != "Forged by a listed stranger"
    held = hk("verify", "--json").json()["held"]
    assert [h["reason"] for h in held] == [
        f"signed by a key no trusted copy listed ({_fp(public)}), calling itself 'HK IPD'"
    ]  # not "waiting for approval": nobody can approve it, it asked nobody
    states = hk.ok("copies", "--json").json()
    assert [r["state"] for r in states if r["copy"] == "deadbeef"] in ([], ["waiting"])
    assert hk("verify").exit_code == 1


def test_a_revoked_keys_later_changes_are_held_its_earlier_ones_stay(pair):
    hk, gd = pair
    gd.ok("edit", "11", "--note", "before revocation")
    gd.ok("sync")
    hk.ok("sync")
    hk.ok("copies", "revoke", "GDAMR")
    hk.ok("sync")
    gd.ok("sync")
    gd.ok("edit", "12", "--note", "after revocation")
    said = gd.ok("sync").stderr
    assert "This copy's key was revoked" in said and "--key" in said
    assert "waiting for approval" not in said
    told = hk.ok("sync").stderr
    assert "was revoked" in told
    projects = hk.projects()
    assert projects[11]["notes"] == "before revocation"
    assert projects[12]["notes"] != "after revocation"
    assert _states(hk)["GDAMR"] == "revoked"
    # What it signed while waiting (before HK approved it) is not called waiting now.
    report = hk("verify", "--json").json()
    assert report["before_approval"] >= 1
    assert not any("waiting" in h["reason"] for h in report["held"]), report["held"]
    assert "already revoked" in hk.ok("copies", "revoke", "GDAMR").stderr
    again = hk("copies", "approve", "GDAMR")
    assert again.exit_code == 1 and "never trusted again" in one_error_line(again)
    own = hk("copies", "revoke", "HK IPD")  # a copy cannot lock itself out
    assert own.exit_code == 1 and "own key" in one_error_line(own)
    assert _states(hk)["HK IPD"] == "trusted"
    bad = hk("sync", "--side", "xx")
    assert bad.exit_code == 2 and "gd or hk" in one_error_line(bad)
    signers = hk.db.with_name("ipcoop.json.signers").read_bytes()
    other = hk("sync", "--side", "gd")  # a key's side is fixed once listed
    assert other.exit_code == 1 and "never changes" in one_error_line(other)
    assert hk.db.with_name("ipcoop.json.signers").read_bytes() == signers
    hk.ok("sync", "--side", "hk")  # the same side again is no change


def test_a_remote_rewound_by_force_is_refused(pair, tmp_path, remote):
    hk, gd = pair
    hk.ok("edit", "11", "--note", "one")
    hk.ok("sync")
    gd.ok("sync")
    git(remote, "config", "receive.denyNonFastForwards", "false")
    old = git(remote, "rev-parse", "main~1").stdout.strip()
    git(remote, "update-ref", "refs/heads/main", old)
    before = files_of(gd)
    result = gd("sync")
    assert result.exit_code == 1
    assert "rewound" in one_error_line(result)
    assert files_of(gd) == before


@pytest.mark.parametrize("case", ["missing", "loose", "not-a-key", "passphrase", "public"])
def test_a_key_that_cannot_sign_is_refused_in_one_line(tmp_path, remote, case):
    hk = Copy(tmp_path, "hk")
    hk.ok("init")
    key = tmp_path / "given"
    if case == "loose":
        _keygen(key)
        os.chmod(key, 0o644)
    elif case == "not-a-key":
        key.write_text("hello\n")
        os.chmod(key, 0o600)
    elif case == "passphrase":
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", str(key)], check=True
        )
    elif case == "public":
        _keygen(tmp_path / "pair")
        key = tmp_path / "pair.pub"  # as ssh-keygen left it: readable by all
    before = files_of(hk)
    result = hk("sync", remote, "--name", "HK IPD", "--key", key)
    assert result.exit_code == 1, result.stderr
    line = one_error_line(result)
    assert str(key) in line
    assert {
        "missing": "does not exist",
        "loose": "chmod 600",
        "not-a-key": "not an OpenSSH private key",
        "passphrase": "passphrase",
        "public": f"is a public key; give the private key beside it ({tmp_path / 'pair'})",
    }[case] in line
    assert files_of(hk) == before
    assert git(remote, "for-each-ref").stdout == ""


def test_a_key_given_with_key_signs_every_commit(tmp_path, remote):
    hk = Copy(tmp_path, "hk")
    hk.ok("init")
    key = _keygen(tmp_path / "mine")
    hk.ok("sync", remote, "--name", "HK IPD", "--key", key)
    hk.ok("edit", "11", "--note", "signed with my key")
    hk.ok("sync")  # remembered: no --key this time
    row = hk.ok("copies", "--json").json()[0]
    from ipcoop.sync.keys import fingerprint

    assert row["fingerprint"] == fingerprint((tmp_path / "mine.pub").read_text())
    assert not (hk.folder / "ipcoop.json.local.key").exists()
    report = hk.ok("verify", "--json").json()
    assert report["ok"] and list(report["verified"]) == ["hk"]


def test_a_damaged_signers_file_is_refused_and_left_alone(pair):
    hk, _ = pair
    signers = hk.folder / "ipcoop.json.signers"
    signers.write_text("{not json")
    result = hk("sync")
    assert result.exit_code == 3
    assert "damaged" in one_error_line(result) and "checkout" in one_error_line(result)
    assert signers.read_text() == "{not json"


def _shared_before_signing(tmp_path: Path, remote: Path, start: str) -> tuple[Copy, Copy]:
    """HK shared the database with plain git (as before signing); GD cloned it and
    pushed a change of its own."""
    hk = Copy(tmp_path, "hk")
    if start == "bundled":
        hk.ok("init")
    else:
        import shutil

        from tests.helpers import DATA

        shutil.copy(DATA / "schema4.json", hk.db)
    git(hk.folder, "init", "-q", "-b", "main")
    git(hk.folder, "add", "ipcoop.json")
    git(hk.folder, "commit", "-q", "-m", "shared before signing")
    git(hk.folder, "remote", "add", "origin", str(remote))
    git(hk.folder, "push", "-q", "origin", "main")
    gd_folder = tmp_path / "gd"
    git(tmp_path, "clone", "-q", "-b", "main", str(remote), str(gd_folder))
    gd = Copy.__new__(Copy)
    gd.name, gd.folder, gd.db = "gd", gd_folder, gd_folder / "ipcoop.json"
    # An older ipcoop had given the copy an identity of its own.
    (gd_folder / "ipcoop.json.local").write_text('{"copy": "0dd0c0de", "name": "GDAMR"}')
    gd.ok("edit", "11", "--note", "old-style change")
    git(gd.folder, "commit", "-q", "-am", "an older ipcoop's change")
    git(gd.folder, "push", "-q", "origin", "main")
    return hk, gd


@pytest.mark.parametrize("start", ["bundled", "schema4"])
def test_a_database_shared_before_signing_moves_to_signing(tmp_path, remote, start):
    """History made by plain git (as before signing) stays, reported as made before it;
    a file of schema 4 (before the copies had ids of their own) as well."""
    hk, gd = _shared_before_signing(tmp_path, remote, start)
    assert "founds" in hk.ok("sync", "--name", "HK IPD").stderr
    assert hk.projects()[11]["notes"] == "old-style change"  # made before signing: taken
    assert "waiting" in gd.ok("sync", "--name", "GDAMR").stderr
    hk.ok("sync")
    approved = hk.ok("copies", "approve", "--all").stderr
    assert "Warning: every waiting key is now trusted" in approved
    again = hk.ok("copies", "approve", "--all").stderr
    assert again == "No copy was waiting.\n"  # no warning when nothing was trusted
    hk.ok("sync")
    gd.ok("edit", "12", "--note", "signed change")
    gd.ok("sync")
    hk.ok("sync")
    assert hk.projects()[12]["notes"] == "signed change"
    converge(hk, gd)
    verdict = hk("verify", "--json")
    report = verdict.json()
    assert report["held"] == [], report["held"]
    assert verdict.exit_code == 0 and report["before_signing"] >= 2


def test_copies_and_verify_need_a_shared_database(empty_db):
    for command in (["copies"], ["verify"]):
        result = invoke("--db", empty_db, *command)
        assert result.exit_code == 1
        assert "not shared yet" in one_error_line(result)


def test_log_says_who_signed_each_change(tmp_path, remote):
    hk, gd = Copy(tmp_path, "hk"), Copy(tmp_path, "gd")
    hk.ok("init")
    hk.ok("edit", "3", "--note", "before sharing")
    hk.ok("sync", remote, "--name", "HK IPD")
    gd.ok("sync", remote, "--name", "GDAMR")
    gd.ok("edit", "11", "--note", "by Guangdong")
    waiting = gd.ok("log", "--json").json()[0]
    assert waiting["signer"] == {"verdict": "not verified"}
    hk.ok("sync")
    hk.ok("copies", "approve", "GDAMR")
    hk.ok("sync")
    gd.ok("sync")
    hk.ok("sync")
    entries = hk.ok("log", "--json").json()
    by_gd = next(e for e in entries if e["command"].startswith("edit 11"))
    assert by_gd["signer"]["verdict"] == "verified"
    assert (by_gd["signer"]["name"], by_gd["signer"]["side"]) == ("GDAMR", "gd")
    assert by_gd["signer"]["fingerprint"].startswith("SHA256:")
    (early,) = [e for e in entries if e["command"].startswith("edit 3")]
    assert early["signer"] == {"verdict": "before signing"}  # before it was shared
    text = hk.ok("log").stdout
    assert "[verified: GDAMR, gd]" in text and "[before signing]" in text
    hk.ok("edit", "12", "--note", "not synced yet")  # signed by nobody so far
    assert hk.ok("log", "--json").json()[0]["signer"] == {"verdict": "not shared yet"}
    assert "[not shared yet]" in hk.ok("log").stdout


def test_a_revoked_copy_cannot_pass_a_change_off_as_made_before_its_revocation(pair):
    """Its commit sat on the last commit before the revocation, so it was judged as
    trusted there, and came in through the merge that followed."""
    hk, gd = pair
    hk.ok("copies", "revoke", "GDAMR")
    hk.ok("sync")
    gd.ok("edit", "5", "--title", "Changed by a revoked copy")  # not synced since
    gd.ok("sync")
    assert "revoked" in hk.ok("sync").stderr
    hk.ok("sync")
    assert _title(hk, 5) != "Changed by a revoked copy"
    held = hk("verify", "--json").json()["held"]
    assert any("after its key was revoked" in h["reason"] for h in held), held


def test_a_revoked_key_cannot_approve_a_new_key_on_a_fork(pair, tmp_path, remote):
    hk, gd = pair
    before_revocation = git(remote, "rev-parse", "main").stdout.strip()
    hk.ok("copies", "revoke", "GDAMR")
    hk.ok("sync")
    gd_key = gd.folder / "ipcoop.json.local.key"
    spare = _keygen(tmp_path / "spare")
    public = " ".join((tmp_path / "spare.pub").read_text().split()[:2])
    from ipcoop.sync.keys import ident

    gd_id = ident(" ".join((gd.folder / "ipcoop.json.local.key.pub").read_text().split()[:2]))
    evil = intruder(tmp_path, remote)
    tip = git(evil, "rev-parse", "HEAD").stdout.strip()
    git(evil, "checkout", "-q", before_revocation)
    signers = json.loads((evil / "ipcoop.json.signers").read_text())
    signers[ident(public)] = {
        "copy": "5a5a5a5a",
        "name": "GD spare",
        "side": "gd",
        "key": public,
        "added": "2026-01-01T00:00:00Z",
        "trusted": "2026-01-01T00:00:00Z",
        "trusted_by": gd_id,
        "revoked": None,
        "revoked_by": None,
    }
    (evil / "ipcoop.json.signers").write_text(json.dumps(signers))
    signed = ("-c", "gpg.format=ssh")
    git(evil, *signed, "-c", f"user.signingkey={gd_key}", "commit", "-S", "-q", "-am", "mint")
    git(evil, "merge", "-q", "--no-edit", "-s", "ours", tip)
    rewrite(evil, lambda d: d["projects"]["3"].update(title="Forged by a minted key"))
    git(evil, *signed, "-c", f"user.signingkey={spare}", "commit", "-S", "-q", "-am", "x")
    git(evil, "push", "-q", "origin", "HEAD:main")
    hk.ok("sync")
    assert _title(hk, 3) != "Forged by a minted key"
    assert "GD spare" not in {
        r["name"] for r in hk.ok("copies", "--json").json() if r["state"] == "trusted"
    }
    assert hk("verify").exit_code == 1


def test_a_signature_git_cannot_read_is_held_not_a_stuck_sync(pair, tmp_path, remote):
    hk, gd = pair
    evil = intruder(tmp_path, remote)
    rewrite(evil, lambda d: d["projects"]["3"].update(title="Forged, garbage signature"))
    git(evil, "add", "-A")
    tree = git(evil, "write-tree").stdout.strip()
    parent = git(evil, "rev-parse", "HEAD").stdout.strip()
    raw = (
        f"tree {tree}\nparent {parent}\nauthor x <x@x> 1800000000 +0000\n"
        f"committer x <x@x> 1800000000 +0000\ngpgsig garbage\n\nmsg\n"
    )
    (evil / "raw").write_text(raw)
    made = git(evil, "hash-object", "-t", "commit", "-w", "raw").stdout.strip()
    git(evil, "push", "-q", "origin", f"{made}:refs/heads/main")
    for copy in (hk, gd):
        told = copy.ok("sync").stderr
        assert "cannot be read" in told
        assert _title(copy, 3) != "Forged, garbage signature"
    assert "cannot be read" in hk("verify").stdout
    converge(hk, gd)


def test_a_key_that_would_add_lines_to_the_allowed_signers_is_damage(pair, tmp_path, remote):
    hk, gd = pair
    hk_pub = " ".join((hk.folder / "ipcoop.json.local.key.pub").read_text().split()[:2])
    key = _keygen(tmp_path / "stranger")
    public = " ".join((tmp_path / "stranger.pub").read_text().split()[:2])
    from ipcoop.sync.keys import ident

    evil = intruder(tmp_path, remote, signing=key)
    signers = json.loads((evil / "ipcoop.json.signers").read_text())
    signers[ident(public)] = {
        "copy": "0badc0de",
        "name": "helper",
        "side": None,
        "key": f'{public}\n0hijack namespaces="git" {hk_pub}',
        "added": "2026-01-01T00:00:00Z",
        "trusted": None,
        "trusted_by": None,
        "revoked": None,
        "revoked_by": None,
    }
    (evil / "ipcoop.json.signers").write_text(json.dumps(signers))
    push(evil)
    hk.ok("sync")
    hk.ok("edit", "4", "--note", "still trusted")
    hk.ok("sync")
    gd.ok("sync")
    assert gd.projects()[4]["notes"] == "still trusted"  # HK's signature still counts
    assert "0hijack" not in (hk.folder / "ipcoop.json.signers").read_text()


def test_a_copy_whose_key_went_missing_is_refused_not_given_a_new_one(pair, tmp_path):
    hk, gd = pair
    gd.ok("edit", "11", "--note", "signed with the old key")
    gd.ok("sync")
    hk.ok("sync")
    key = gd.folder / "ipcoop.json.local.key"
    key.unlink()
    before = files_of(gd)
    result = gd("sync")
    assert result.exit_code == 1
    assert "is missing" in one_error_line(result) and "--key" in one_error_line(result)
    assert files_of(gd) == before
    assert not key.exists()
    # As the README says: a new key, approved by a trusted copy; the old one revoked.
    gd.ok("sync", "--key", _keygen(tmp_path / "new-key"))
    hk.ok("sync")
    new = next(r for r in hk.ok("copies", "--json").json() if r["state"] == "waiting")
    hk.ok("copies", "approve", new["fingerprint"][7:20])
    hk.ok("sync")
    gd.ok("sync")
    rows = gd.ok("copies", "--json").json()
    assert [r["this_copy"] for r in rows if r["fingerprint"] == new["fingerprint"]] == [True]
    (old,) = [r for r in rows if r["earlier_key"]]
    assert not old["this_copy"] and old["state"] == "trusted"
    assert "if that key may be in other hands" in gd.ok("copies").stdout
    hk.ok("copies", "revoke", old["fingerprint"][7:20])
    hk.ok("sync")
    gd.ok("edit", "12", "--note", "signed with the new key")
    gd.ok("sync")
    hk.ok("sync")
    assert hk.projects()[12]["notes"] == "signed with the new key"
    signed = {e["command"][:7]: e["signer"] for e in hk.ok("log", "--json").json()}
    assert signed["edit 11"]["fingerprint"] == old["fingerprint"]  # not the new key's
    assert signed["edit 11"]["revoked"] is not None
    assert signed["edit 12"]["fingerprint"] == new["fingerprint"]


def test_a_waiting_copy_approving_itself_by_hand_is_still_waiting(tmp_path, remote):
    hk, gd = Copy(tmp_path, "hk"), Copy(tmp_path, "gd")
    hk.ok("init")
    hk.ok("sync", remote, "--name", "HK IPD")
    gd.ok("sync", remote, "--name", "GDAMR")
    signers = json.loads((gd.folder / "ipcoop.json.signers").read_text())
    for record in signers.values():
        if record["name"] == "GDAMR":
            record.update(trusted="2026-01-01T00:00:00Z", trusted_by=next(iter(signers)))
    (gd.folder / "ipcoop.json.signers").write_text(json.dumps(signers))
    gd.ok("edit", "11", "--title", "Self-approved")
    assert "waiting for approval" in gd.ok("sync").stderr
    assert _states(gd)["GDAMR"] == "waiting"
    hk.ok("sync")
    assert _title(hk, 11) != "Self-approved"


def test_verify_finds_a_journal_entry_dropped_by_hand(pair):
    hk, _ = pair
    for n in (1, 2, 3):
        hk.ok("edit", str(n), "--note", f"note {n}")
    hk.ok("sync")
    assert hk("verify").exit_code == 0
    data = json.loads(hk.db.read_text("utf-8"))
    mine = sorted(k for k in data["history"] if data["history"][k]["command"].startswith("edit 2"))
    del data["history"][mine[0]]
    hk.db.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = hk("verify", "--json")
    assert result.exit_code == 1
    assert result.json()["journal"] == [
        f"entry {mine[0].rsplit('.', 1)[0]}.{int(mine[0].rsplit('.', 1)[1]) + 1:06d} "
        f"follows an entry that is missing"
    ]


@pytest.mark.slow
def test_a_kill_at_each_step_of_an_approval_leaves_it_made_or_not(pair, tmp_path, remote):
    import shutil
    import sys

    from tests import helpers

    hk, _ = pair
    third = Copy(tmp_path, "laptop")
    third.ok("sync", remote, "--name", "GD laptop")
    hk.ok("sync")
    signers = hk.folder / "ipcoop.json.signers"
    before = signers.read_bytes()
    pristine = tmp_path / "pristine-hk"
    shutil.copytree(hk.folder, pristine, symlinks=True)
    outcomes = set()
    for when in range(1, 40):
        shutil.rmtree(hk.folder)
        shutil.copytree(pristine, hk.folder, symlinks=True)
        command = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=write,rename,fsync"]
        command += ["-e", f"inject=write,rename,fsync:signal=SIGKILL:when={when}"]
        command += [sys.executable, "-m", "ipcoop", "--db", str(hk.db)]
        command += ["copies", "approve", "GD laptop"]
        done = subprocess.run(command, capture_output=True, env=helpers.env(), check=False)
        state = _states(hk)["GD laptop"]
        assert state in ("waiting", "trusted (here; sync to send)"), (when, state)
        assert signers.read_bytes() == before or state != "waiting", when
        outcomes.add(state)
        hk.ok("sync")  # and the copy syncs on, whichever it was
        if done.returncode == 0:
            break
    assert outcomes == {"waiting", "trusted (here; sync to send)"}


def test_a_signers_file_that_is_not_a_file_is_refused_not_waited_on(pair):
    hk, _ = pair
    signers = hk.folder / "ipcoop.json.signers"
    signers.unlink()
    os.mkfifo(signers)  # reading it would wait for a writer for ever
    result = hk("sync")
    assert result.exit_code == 3
    assert "not a regular file" in one_error_line(result)


def test_nobody_revokes_the_founder_or_a_key_above_it_so_it_always_stays(pair, tmp_path, remote):
    """Only the founder revokes (two copies revoking each other left copies disagreeing
    on who is trusted): GD cannot revoke the founder, by command or by a signers file
    edited by hand and signed with GD's own key (held aside), nor its laptop. HK's
    revocation of GD says the laptop GD approved stays trusted."""
    hk, gd = pair
    refused = gd("copies", "revoke", "HK IPD")
    assert refused.exit_code == 1 and "no copy can revoke it" in one_error_line(refused)
    assert _states(gd)["HK IPD"] == "trusted"
    laptop = Copy(tmp_path, "laptop")
    laptop.ok("sync", remote, "--name", "GD laptop", "--side", "gd")
    gd.ok("sync")
    gd.ok("copies", "approve", "GD laptop")
    gd.ok("sync")
    laptop.ok("sync")
    hk.ok("sync")
    refused = laptop("copies", "revoke", "GDAMR")  # only the founder revokes
    assert refused.exit_code == 1 and "only the founder (HK IPD)" in one_error_line(refused)
    refused = gd("copies", "revoke", "GD laptop")  # not even the key GD approved
    assert refused.exit_code == 1 and "only the founder" in one_error_line(refused)
    evil = intruder(tmp_path, remote, signing=gd)  # GD's own key, used by hand
    path = evil / "ipcoop.json.signers"
    signers = json.loads(path.read_text())
    founder = next(k for k, r in signers.items() if r["name"] == "HK IPD")
    gd_id = next(k for k, r in signers.items() if r["name"] == "GDAMR")
    signers[founder].update(revoked="2026-12-01T00:00:00Z", revoked_by=gd_id)
    path.write_text(json.dumps(signers))
    push(evil, "GD revokes the founder by hand")
    told = hk.ok("sync").stderr
    assert "only the founder revokes keys" in told
    assert _states(hk)["HK IPD"] == "trusted"
    said = hk.ok("copies", "revoke", "GDAMR").stderr
    assert "Revoked GDAMR" in said and "keys GDAMR approved stay trusted (GD laptop)" in said


def test_a_trusted_copy_cannot_pass_its_change_off_as_another_copys(pair, tmp_path, remote):
    """GD writes a journal entry under HK's copy id (its .local set to HK's): its own
    sync refuses to send it, and the same commit made with plain git and signed with
    GD's key is held aside by HK, never shown as HK's."""
    hk, gd = pair
    hk_copy = json.loads((hk.folder / "ipcoop.json.local").read_text())["copy"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "ipcoop.json").write_bytes(gd.db.read_bytes())
    (scratch / "ipcoop.json.local").write_text(json.dumps({"copy": hk_copy, "name": "HK IPD"}))
    forged = invoke("--db", scratch / "ipcoop.json", "drop", "13", "--reason", "HK withdraws")
    assert forged.exit_code == 0, forged.stderr
    gd.db.write_bytes((scratch / "ipcoop.json").read_bytes())
    tip = git(remote, "rev-parse", "main").stdout
    refused = gd("sync")
    assert refused.exit_code == 1
    assert "journal entry of another copy" in one_error_line(refused)
    assert git(remote, "rev-parse", "main").stdout == tip  # nothing was sent
    evil = intruder(tmp_path, remote, signing=gd)  # the same, by hand, with GD's key
    (evil / "ipcoop.json").write_bytes((scratch / "ipcoop.json").read_bytes())
    push(evil, "GDAMR: 1 change(s)")
    told = hk.ok("sync").stderr
    assert "brings 1 journal entry of another copy" in told
    assert hk.projects()[13]["status"] != "dropped"
    assert "withdraws" not in hk.ok("log").stdout
    held = hk("verify", "--json").json()["held"]
    assert any("journal entry of another copy" in h["reason"] for h in held), held


def test_a_change_another_copy_built_on_before_a_revocation_stays(pair, tmp_path, remote):
    """HK's laptop edits 13; GD takes it and builds on it; HK, not having synced the
    edit, revokes the laptop. GD vouched for the edit before it knew: it stays on
    every copy, verified, and neither GD nor anyone is stuck."""
    hk, gd = pair
    laptop = Copy(tmp_path, "laptop")
    laptop.ok("sync", remote, "--name", "HK laptop", "--side", "hk")
    hk.ok("sync")
    hk.ok("copies", "approve", "HK laptop")
    hk.ok("sync")
    laptop.ok("sync")
    gd.ok("sync")
    laptop.ok("edit", "13", "--title", "The laptop's edit")
    laptop.ok("sync")
    gd.ok("sync")  # GD takes it, trusted
    gd.ok("edit", "16", "--note", "GD builds on it")
    gd.ok("sync")
    hk.ok("copies", "revoke", "HK laptop")  # HK has not seen the edit
    hk.ok("sync")
    gd.ok("edit", "17", "--note", "GD after the revocation")
    assert gd.ok("sync").exit_code == 0
    converge(hk, gd)
    for copy in (hk, gd):
        projects = copy.projects()
        assert projects[13]["title"] == "The laptop's edit"
        assert projects[17]["notes"] == "GD after the revocation"
        report = copy.ok("verify", "--json").json()
        assert report["ok"], report["held"]
    laptop.ok("edit", "14", "--title", "After the revocation")  # nobody vouches for this
    laptop.ok("sync")
    assert "after its key was revoked" in hk.ok("sync").stderr
    assert hk.projects()[14]["title"] != "After the revocation"


def test_a_copy_whose_own_change_is_held_is_told(pair):
    """GD's signers file edited by hand (the founder revoked, which no copy may do):
    everything GD sends is held aside, and its sync says so, not only 'Sent'."""
    _, gd = pair
    path = gd.folder / "ipcoop.json.signers"
    signers = json.loads(path.read_text())
    founder = next(k for k, r in signers.items() if r["name"] == "HK IPD")
    gd_id = next(k for k, r in signers.items() if r["name"] == "GDAMR")
    signers[founder].update(revoked="2026-12-01T00:00:00Z", revoked_by=gd_id)
    path.write_text(json.dumps(signers))
    told = gd.ok("sync").stderr
    assert "Warning: this copy's last change is held aside by every copy" in told
    assert "only the founder revokes keys" in told


def _gd_entry(gd: Copy) -> tuple[str, dict]:
    copy = json.loads((gd.folder / "ipcoop.json.local").read_text())["copy"]
    entry = {
        "at": "2026-12-01T00:00:00.000000Z",
        "by": "GDAMR",
        "command": "edit 12 --title 'Forged'",
        "changes": [],
    }
    return f"{copy}.000900", entry


@pytest.mark.parametrize("how", ["new-entry", "undone-mark", "rewritten", "odd-key"])
def test_a_signed_commit_cannot_touch_another_copys_journal_in_any_layout(
    pair, tmp_path, remote, how
):
    """HK's key, used by hand, on GD's journal, in a layout no command writes (the
    judge compares parsed journals, not lines): held aside; GD is not stuck."""
    hk, gd = pair
    gd.ok("edit", "15", "--note", "GD's own")
    gd.ok("sync")
    hk.ok("sync")
    evil = intruder(tmp_path, remote, signing=hk)

    def forge(data: dict) -> None:
        history = data["history"]
        gd_keys = sorted(k for k in history if k.startswith(key.split(".")[0]))
        if how == "new-entry":
            history[key] = entry
        elif how == "undone-mark":
            history[gd_keys[-1]]["undone"] = True
        elif how == "rewritten":
            history[gd_keys[-1]]["command"] = "remove 1 2 3"
        else:
            history[key.split(".")[0] + ".x"] = entry
        data["projects"]["12"]["title"] = "Forged"

    key, entry = _gd_entry(gd)
    rewrite(evil, forge)  # indented: not the layout a command writes
    push(evil, "HK IPD: 1 change(s)")
    told = gd.ok("sync").stderr
    assert "journal entr" in told and "of another copy" in told, told
    assert gd.projects()[12]["title"] != "Forged"
    gd.ok("edit", "16", "--note", "GD goes on")  # not stuck
    gd.ok("sync")
    hk.ok("sync")
    assert hk.projects()[16]["notes"] == "GD goes on"


@pytest.mark.parametrize("what", ["forged-entry", "no-entry"])
def test_a_plain_git_pull_of_an_outsiders_commit_is_not_signed_as_ones_own(
    pair, tmp_path, remote, what
):
    hk, gd = pair
    evil = intruder(tmp_path, remote)  # unsigned: held by everyone

    def forge(data: dict) -> None:
        if what == "forged-entry":
            key, entry = _gd_entry(hk)
            data["history"][key] = entry
        data["projects"]["12"]["title"] = "Forged"

    rewrite(evil, forge)
    push(evil, "outsider")
    git(gd.folder, "pull", "-q", "--no-rebase", "origin", "main")
    refused = gd("sync")
    assert refused.exit_code == 1, refused.stderr
    line = one_error_line(refused)
    assert "nothing was" in line and ".other" in line
    os.rename(gd.db, gd.db.with_name("ipcoop.json.other"))  # the advice
    gd.ok("sync")
    gd.ok("edit", "13", "--note", "after the pull")
    gd.ok("sync")
    hk.ok("sync")
    for copy in (hk, gd):
        assert copy.projects()[12]["title"] != "Forged"
    assert hk.projects()[13]["notes"] == "after the pull"


def test_a_revoked_key_cannot_vouch_for_another_revoked_keys_change(pair, tmp_path, remote):
    """Two keys revoked together (stolen from one machine): one signs a change on a
    parent from before the revocation, the other builds on it and merges it in. A
    voucher must not itself be revoked: the change is held, not merged."""
    hk, gd = pair
    laptop = Copy(tmp_path, "laptop")
    laptop.ok("sync", remote, "--name", "GD laptop", "--side", "gd")
    for step in (("sync",), ("copies", "approve", "GD laptop"), ("sync",)):
        hk.ok(*step)
    laptop.ok("sync")
    gd.ok("sync")
    before = git(remote, "rev-parse", "main").stdout.strip()
    hk.ok("copies", "revoke", "GDAMR")
    hk.ok("copies", "revoke", "GD laptop")
    hk.ok("sync")
    evil = intruder(tmp_path, remote)

    def signed(key: Path, *args: str) -> str:
        settings = ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}")
        return git(evil, *settings, *args).stdout.strip()

    gd_key = gd.folder / "ipcoop.json.local.key"
    laptop_key = laptop.folder / "ipcoop.json.local.key"
    git(evil, "checkout", "-q", before)
    key, entry = _gd_entry(gd)

    def forge(data: dict) -> None:  # a change as GD's own command would write it
        was = dict(data["projects"]["12"])
        data["projects"]["12"]["title"] = "After the revocation"
        change = {"table": "projects", "id": 12, "before": was, "after": data["projects"]["12"]}
        data["history"][key] = {**entry, "changes": [change]}

    rewrite(evil, forge)
    git(evil, "add", "-A")
    signed(gd_key, "commit", "-q", "-S", "-m", "GDAMR: 1")
    change = git(evil, "rev-parse", "HEAD").stdout.strip()
    signed(laptop_key, "commit", "-q", "--allow-empty", "-S", "-m", "built on it")
    vouch = git(evil, "rev-parse", "HEAD").stdout.strip()
    tip = git(evil, "rev-parse", "origin/main").stdout.strip()
    merged = signed(
        laptop_key, "commit-tree", "-S", f"{tip}^{{tree}}", "-p", tip, "-p", vouch, "-m", "m"
    )
    git(evil, "push", "-q", "origin", f"{merged}:refs/heads/main")
    hk.ok("sync")
    assert hk.projects()[12]["title"] != "After the revocation"
    held = hk("verify", "--json").json()["held"]
    assert any(h["commit"] == change for h in held), held


def test_a_refused_join_leaves_nothing_behind_and_can_be_tried_again(pair, tmp_path, remote):
    hk, _ = pair
    evil = intruder(tmp_path, remote)
    rewrite(evil, lambda d: d["projects"]["12"].update(status="finished"))
    push(evil, "a record no command writes")
    joiner = Copy(tmp_path, "joiner")
    refused = joiner("sync", remote, "--name", "GD laptop")
    assert refused.exit_code == 1, refused.stderr
    assert not (joiner.folder / ".git").exists() and not joiner.db.exists()
    hk.ok("edit", "13", "--note", "a clean change on top")
    hk.ok("sync")
    joined = joiner("sync", remote, "--name", "GD laptop")
    assert joined.exit_code == 0, joined.stderr
    assert joiner.projects()[13]["notes"] == "a clean change on top"


def test_a_copys_own_entry_under_the_other_sides_name_is_held(pair, tmp_path, remote):
    """GD's key, GD's own journal key, but 'by': 'HK IPD': the log and the conflicts
    would show HK's name on GD's change."""
    hk, gd = pair
    evil = intruder(tmp_path, remote, signing=gd)
    key, entry = _gd_entry(gd)

    def forge(data: dict) -> None:
        was = dict(data["projects"]["6"])
        data["projects"]["6"]["title"] = "HK agreed title"
        change = {"table": "projects", "id": 6, "before": was, "after": data["projects"]["6"]}
        data["history"][key] = {**entry, "by": "HK IPD", "changes": [change]}

    rewrite(evil, forge)
    push(evil, "GDAMR: 1 change(s)")
    told = hk.ok("sync").stderr
    assert "Held aside 1 change(s)" in told, told
    assert hk.projects()[6]["title"] != "HK agreed title"
