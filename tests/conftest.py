"""Every test runs against a temporary database; none touches the real home directory."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Run, invoke
from tests.sharing import Copy, join


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("IPCOOP_DB", raising=False)
    monkeypatch.delenv("IPCOOP_DEBUG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # English unless a test asks: the language follows IPCOOP_LANG, then the locale.
    monkeypatch.delenv("IPCOOP_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("IPCOOP_LOCK_TIMEOUT", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("IPCOOP_PSEUDO", raising=False)
    yield home
    # A test that spoke Chinese in-process (the screen, a core call) leaves English.
    from ipcoop.base import i18n

    i18n.use("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database with the bundled 2019 review and 2020 programme (18 projects)."""
    path = tmp_path / "db.json"
    result = invoke("--db", path, "init")
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "empty.json"
    result = invoke("--db", path, "init", "--empty")
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def cli(db_path: Path):
    """Run ipcoop against the bundled database."""

    def run(*args: Any, **kwargs: Any) -> Run:
        return invoke("--db", db_path, *args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def bare_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """git as on a machine where it was never configured (no user.name, no pull
    settings): an empty global config and no system config, never the user's. It
    lives outside the test's own folder, which some tests list."""
    config = tmp_path_factory.mktemp("git") / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_DIR", raising=False)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """An empty bare repository, as an official would make on a shared drive."""
    path = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


@pytest.fixture(scope="session")
def pair_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pair's folders and remote, made once (keys, signing, approval and all) in
    an environment as isolated as every test's; each test gets a copy of its own."""
    root = tmp_path_factory.mktemp("pair")
    (root / "home").mkdir()
    (root / "gitconfig").write_text("")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (
            ("HOME", str(root / "home")),
            ("XDG_DATA_HOME", str(root / "xdg")),
            ("GIT_CONFIG_GLOBAL", str(root / "gitconfig")),
            ("GIT_CONFIG_NOSYSTEM", "1"),
            ("LANG", "C.UTF-8"),
        ):
            patch.setenv(name, value)
        for name in ("IPCOOP_DB", "IPCOOP_LANG", "LC_ALL", "LC_MESSAGES", "GIT_DIR"):
            patch.delenv(name, raising=False)
        remote = root / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        hk, gd = Copy(root, "hk"), Copy(root, "gd")
        hk.ok("init")
        shared = hk.ok("sync", remote, "--name", "HK IPD")
        assert f"Shared {hk.db} with {remote}" in shared.stderr
        joined = join(gd, remote, hk, "GDAMR")
        assert "Fetched the shared database" in joined.stderr
    return root


@pytest.fixture
def pair(tmp_path: Path, remote: Path, pair_made: Path) -> tuple[Copy, Copy]:
    """Hong Kong's copy shares the bundled database; Guangdong's joins it, and Hong
    Kong approves its key."""
    shutil.rmtree(remote)
    shutil.copytree(pair_made / "remote.git", remote, symlinks=True)
    copies = []
    for name in ("hk", "gd"):
        shutil.copytree(pair_made / name, tmp_path / name, symlinks=True)
        subprocess.run(
            ["git", "-C", str(tmp_path / name), "config", "remote.origin.url", str(remote)],
            check=True,
        )
        copy = Copy.__new__(Copy)
        copy.name, copy.folder, copy.db = name, tmp_path / name, tmp_path / name / "ipcoop.json"
        copies.append(copy)
    return copies[0], copies[1]
