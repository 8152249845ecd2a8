"""Running git: the command line, never a library (libraries do not run merge drivers).

Every call runs with settings that make it predictable whatever the user's
configuration says: no prompts, no pagers, no hooks, no signing, no end-of-
line conversion, C locale for messages we read. Nothing here needs git to
have been configured (no user.name: commits carry the copy's name).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ipcoop.errors import IpcoopError

# Settings given on every command line, beating whatever the user's config says.
OVERRIDES = (
    "core.autocrlf=false",
    "core.safecrlf=false",
    "core.hooksPath=/dev/null",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "push.gpgSign=false",
    "gc.auto=0",
    "core.pager=cat",
    "advice.detachedHead=false",
    "init.defaultBranch=main",
    "protocol.file.allow=always",
)
BRANCH = "main"
REMOTE = "origin"


class GitError(IpcoopError):
    """git failed, or cannot be had: exit 1, nothing local lost."""


class Git:
    def __init__(self, folder: Path, name: str = "ipcoop", email: str = "ipcoop@ipcoop.invalid"):
        if shutil.which("git") is None:
            raise GitError(
                "git is not installed; install it (Debian: apt-get install git) "
                "to share the database"
            )
        self.folder = folder
        self.env = dict(os.environ)
        self.env.update(
            GIT_TERMINAL_PROMPT="0",
            GIT_EDITOR="true",
            GIT_MERGE_AUTOEDIT="no",
            LC_ALL="C",
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=name,
            GIT_COMMITTER_EMAIL=email,
        )
        for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            self.env.pop(variable, None)

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess:
        command = ["git"]
        for setting in OVERRIDES:
            command += ["-c", setting]
        command += ["-C", str(self.folder), *args]
        try:
            done = subprocess.run(
                command,
                input=input,
                capture_output=True,
                check=False,
                env={**self.env, **(env or {})},
                timeout=600,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitError(f"cannot run git: {exc}") from None
        if check and done.returncode != 0:
            raise GitError(f"git {args[0]} failed: {last_line(done.stderr)}")
        return done

    def out(self, *args: str, **kwargs: object) -> str:
        return self.run(*args, **kwargs).stdout.decode("utf-8", "replace").strip()  # type: ignore[arg-type]

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0


def last_line(stderr: bytes) -> str:
    """git's own reason, in one line: its first 'fatal:' or 'error:' line, else its last."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("hint:")]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return lines[-1] if lines else "no reason given"
