"""Helpers for the tests: running ipcoop in-process (CliRunner) or as a process of its own."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ipcoop.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"  # files older versions wrote, and the press release


def env(**extra: str) -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = str(ROOT) + os.pathsep + out.get("PYTHONPATH", "")
    out.update(extra)
    return out


def run(
    *args: object, stdout: object = subprocess.PIPE, timeout: float = 60, **extra: str
) -> subprocess.CompletedProcess:
    """`python -m ipcoop ARGS` as a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "ipcoop", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env(**extra),
        check=False,
        timeout=timeout,
        text=True,
    )


def on_terminal(*args: object, **extra: str) -> tuple[int, str, str]:
    """Run ipcoop with its stdout on a pseudo-terminal: (exit code, screen, stderr).
    The screen is read while ipcoop writes: a terminal holds only a few kilobytes."""
    import threading

    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: all read
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ipcoop", *map(str, args)],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env(**extra),
            check=False,
            timeout=60,
        )
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    screen = b"".join(chunks).decode("utf-8", "replace")
    return done.returncode, screen, done.stderr.decode("utf-8", "replace")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(*args: Any, input: str | None = None, env: dict[str, str] | None = None) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args], input=input, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def one_error_line(result: Run) -> str:
    """The stderr of a failed command: exactly one line starting 'Error: '."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def fill_the_disk(monkeypatch: Any, written: int = 0) -> None:
    """Make the store's writes fail as on a full disk (ENOSPC), after `written` bytes."""
    import errno

    from ipcoop.store import files

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> None:
            self.handle.write(data[:written])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))


STAMP = "2026-01-01T00:00:00Z"


def stored_project(title: str, **extra: object) -> dict:
    """A project as the data file stores it (no id: that is its key), planned in gba, 2020."""
    from ipcoop.store.identity import derived_uuid

    return {
        "uuid": derived_uuid(title),
        "title": title,
        "area": "gba",
        "year": 2020,
        "programme": "2020",
        "status": "planned",
        "key": False,
        "lead": "joint",
        "agencies": [],
        "notes": "",
        "done_on": None,
        "carried_to": None,
        "created": STAMP,
        "updated": STAMP,
        **extra,
    }
