"""Copies that share a database through a bare remote, as the sharing tests use them,
and an intruder: someone who can write to the remote with plain git.

The fixtures `remote` and `pair` (two copies sharing one remote) and the git
without the user's configuration are in conftest.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import Run, invoke, one_error_line


def git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
            "-C",
            str(folder),
            *args,
        ],
        capture_output=True,
        text=True,
        check=check,
    )


class Copy:
    def __init__(self, root: Path, name: str) -> None:
        self.name = name
        self.folder = root / name
        self.folder.mkdir()
        self.db = self.folder / "ipcoop.json"

    def __call__(self, *args: object) -> Run:
        return invoke("--db", self.db, *args)

    def ok(self, *args: object) -> Run:
        result = self(*args)
        assert result.exit_code == 0, (self.name, args, result.stderr)
        return result

    def projects(self) -> dict[int, dict]:
        return {p["id"]: p for p in self.ok("list", "--json").json()}


def join(copy: Copy, remote: Path, by: Copy, name: str) -> Run:
    """A copy joins, and a trusted copy approves its key (as after comparing it by
    phone) and syncs; the copy syncs again, and its changes count from then on."""
    joined = copy.ok("sync", remote, "--name", name)
    by.ok("sync")  # learns of the new key
    by.ok("copies", "approve", name)
    by.ok("sync")
    copy.ok("sync")
    return joined


def converge(*copies: Copy) -> None:
    """Each side syncs in turn, twice round: then every copy holds the same bytes."""
    for _ in range(2):
        for copy in copies:
            copy.ok("sync")
    first = copies[0].db.read_bytes()
    for copy in copies[1:]:
        assert copy.db.read_bytes() == first, copy.name
    views = [
        (
            c.ok("list", "--json").stdout,
            c.ok("areas", "--json").stdout,
            c.ok("conflicts", "--json").stdout,
        )
        for c in copies
    ]
    assert all(v == views[0] for v in views)


def intruder(tmp_path: Path, remote: Path, signing: Copy | Path | None = None) -> Path:
    """A clone made with plain git, by someone who can write to the remote. With
    `signing`, its commits are signed with that copy's own key (a trusted key used by
    hand: what it signs is taken, so only the checks of content stand in the way);
    without, they are unsigned and held aside."""
    folder = tmp_path / "intruder"
    git(tmp_path, "clone", "-q", "-b", "main", str(remote), str(folder))
    if signing is not None:
        key = signing if isinstance(signing, Path) else signing.folder / "ipcoop.json.local.key"
        for setting in ("gpg.format=ssh", f"user.signingkey={key}", "commit.gpgsign=true"):
            git(folder, "config", *setting.split("=", 1))
    return folder


def push(folder: Path, message: str = "by hand") -> None:
    git(folder, "add", "-A", "-f")
    git(folder, "commit", "-q", "-m", message)
    git(folder, "push", "-q", "origin", "HEAD:main")


def files_of(copy: Copy) -> dict[str, object]:
    """The copy's files as they matter: `.local` by the identity and ids it holds (a
    failed sync may still have committed local work to the copy's own repository)."""
    found: dict[str, object] = {}
    for p in copy.folder.iterdir():
        if p.is_file() and p.name.endswith(".local"):
            state = json.loads(p.read_bytes())
            found[p.name] = {k: state.get(k) for k in ("copy", "name", "high", "pending")}
            assert state.get("syncing") is not True, "a sync that ended left its mark"
        elif p.is_file():
            found[p.name] = p.read_bytes()
    return found


def rewrite(evil: Path, change) -> None:
    data = json.loads((evil / "ipcoop.json").read_text("utf-8"))
    change(data)
    (evil / "ipcoop.json").write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")


def refused(copy: Copy, words: str) -> None:
    before = files_of(copy)
    result = copy("sync")
    assert result.exit_code == 1, result.stderr
    assert words in one_error_line(result)
    assert files_of(copy) == before
