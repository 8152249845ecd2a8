"""Running git: the command line, never a library (libraries do not run merge drivers).

Every call runs with settings that make it predictable whatever the user's
configuration says: no prompts, no pagers, no hooks, no signing, no end-of-
line conversion, C locale for messages we read. Nothing here needs git to
have been configured (no user.name: commits carry the copy's name).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr

# Every object, ref and index git writes is synced to disk before git goes on: a
# power cut must not leave an empty object that fails every later sync (git 2.36
# and later; the older core.fsyncObjectFiles would make git warn on every command).
DURABLE = ("core.fsync=objects,derived-metadata,reference,index", "core.fsyncMethod=fsync")
# Settings given on every command line, beating whatever the user's config says.
OVERRIDES = (
    *DURABLE,
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
                tr(
                    "git is not installed; install it (Debian: apt-get install git) to "
                    "share the database"
                )
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
        limit = timeout()
        try:
            # A session of its own, so that a git that hangs (a remote that never
            # answers) is killed with every process it started.
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**self.env, **(env or {})},
                start_new_session=True,
            )
        except OSError as exc:
            raise GitError(
                tr("cannot run git: {value}").format(value=exc.strerror or exc)
            ) from None
        try:
            out, err = process.communicate(input, timeout=limit)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise GitError(
                tr(
                    "git {args} did not finish within {limit:g} s (a remote that does not "
                    "answer?); nothing is lost, sync again later. IPCOOP_GIT_TIMEOUT sets "
                    "the limit"
                ).format(args=args[0], limit=limit)
            ) from None
        except BaseException:  # Ctrl-C: git goes too
            _kill(process)
            raise
        done = subprocess.CompletedProcess(command, process.returncode, out, err)
        if check and done.returncode != 0:
            raise GitError(
                tr("git {args} failed: {last_line}").format(
                    args=args[0], last_line=last_line(done.stderr)
                )
            )
        return done

    def out(self, *args: str, **kwargs: object) -> str:
        return self.run(*args, **kwargs).stdout.decode("utf-8", "replace").strip()  # type: ignore[arg-type]

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0


def timeout() -> float:
    """Seconds one git command may take (IPCOOP_GIT_TIMEOUT, default 300)."""
    try:
        value = float(os.environ.get("IPCOOP_GIT_TIMEOUT") or 300)
    except ValueError:
        return 300.0
    return value if value > 0 else 300.0


def _kill(process: subprocess.Popen) -> None:
    import signal

    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        process.communicate(timeout=5)


def last_line(stderr: bytes) -> str:
    """git's own reason, in one line: its first 'fatal:' or 'error:' line, else its last."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("hint:")]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return lines[-1] if lines else "no reason given"
