"""Helpers for tests that run ipcoop as a real process."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    """Run ipcoop with its stdout on a pseudo-terminal: (exit code, screen, stderr)."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ipcoop", *map(str, args)],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env(**extra),
            check=False,
            timeout=60,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: all read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    screen = b"".join(chunks).decode("utf-8", "replace")
    return done.returncode, screen, done.stderr.decode("utf-8", "replace")
