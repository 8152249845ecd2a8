"""This copy's signing key: made with OpenSSH's ssh-keygen, or one the user names.

A copy's own key is `<name>.local.key` beside `.local` (owner-only, never
committed: .gitignore keeps `<name>.local.*` out). It has no passphrase, so a
sync signs without an agent or a prompt. git signs and verifies with it
(`gpg.format=ssh`); nothing here does cryptography of its own.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ipcoop.base.errors import IpcoopError
from ipcoop.base.i18n import tr
from ipcoop.store.paths import local_path

TYPES = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa",
)


class KeyError_(IpcoopError):
    """A key that cannot sign: exit 1, nothing changed."""


@dataclass(frozen=True)
class Key:
    private: Path
    public: str  # "ssh-ed25519 AAAA..." (no comment)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    @property
    def ident(self) -> str:
        return ident(self.public)


def fingerprint(public: str) -> str:
    """As ssh-keygen and git print it: SHA256:<base64 without padding>."""
    try:
        blob = base64.b64decode(public.split()[1], validate=True)
    except (IndexError, ValueError):
        return "SHA256:?"
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def ident(public: str) -> str:
    """The fingerprint as a record key (letters, digits, - and _ only)."""
    return fingerprint(public).removeprefix("SHA256:").replace("+", "-").replace("/", "_")


def own_key_path(db: Path) -> Path:
    local = local_path(db)
    return local.with_name(local.name + ".key")


def _keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise KeyError_(
            tr(
                "ssh-keygen is not installed, and every change a sync sends is signed "
                "with it; install OpenSSH (Debian: apt-get install openssh-client)"
            )
        )
    return found


def _run(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [_keygen(), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise KeyError_(tr("cannot run ssh-keygen: {exc}").format(exc=exc)) from None


def _looks_public(path: Path) -> bool:
    """Whether the file holds an OpenSSH public key line (world-readable, as it may be)."""
    try:
        with path.open("rb") as f:
            start = f.read(64)
    except OSError:
        return False
    return any(start.startswith(t.encode() + b" ") for t in TYPES)


def load(path: Path, what: str = "the key", quick: bool = False) -> Key:
    """A private key fit to sign with, or KeyError_ saying why not."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KeyError_(tr("{what} {path} does not exist").format(what=what, path=path)) from None
    except OSError as exc:
        raise KeyError_(
            tr("cannot read {what} {path}: {value}").format(
                what=what, path=path, value=exc.strerror or exc
            )
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise KeyError_(tr("{what} {path} is not a file").format(what=what, path=path))
    if _looks_public(path):
        said = (
            tr("{what} {path} is a public key; give the private key beside it ({private})")
            if path.suffix == ".pub"
            else tr("{what} {path} is a public key; give the private key beside it")
        )
        raise KeyError_(said.format(what=what, path=path, private=path.with_suffix("")))
    if info.st_mode & 0o077:
        raise KeyError_(
            tr(
                "{what} {path} can be read by others (mode {s_imode:o}), which ssh "
                "refuses for a private key; run 'chmod 600 {path}'"
            ).format(what=what, path=path, s_imode=stat.S_IMODE(info.st_mode))
        )
    if not os.access(path, os.R_OK):
        raise KeyError_(
            tr("cannot read {what} {path}: permission denied").format(what=what, path=path)
        )
    if quick:  # this copy's own key, as ssh-keygen made it: its public half beside it
        try:
            parts = path.with_name(path.name + ".pub").read_text("ascii").split()
        except (OSError, UnicodeDecodeError):
            parts = []
        if len(parts) >= 2 and parts[0] in TYPES:
            return Key(path, f"{parts[0]} {parts[1]}")
    done = _run("-y", "-P", "", "-f", str(path))
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        text = reason[-1] if reason else "not a key"
        if "passphrase" in text:
            raise KeyError_(
                tr(
                    "{what} {path} has a passphrase, and a sync signs without asking for "
                    "one; give a key without a passphrase (or let ipcoop make one: leave "
                    "out --key)"
                ).format(what=what, path=path)
            )
        raise KeyError_(
            tr("{what} {path} is not an OpenSSH private key ({text})").format(
                what=what, path=path, text=text
            )
        )
    parts = done.stdout.decode("utf-8", "replace").split()
    if len(parts) < 2 or parts[0] not in TYPES:
        kind = parts[0] if parts else "unknown"
        raise KeyError_(
            tr(
                "{what} {path} is a key of type {kind}, which cannot sign without a "
                "device; give an ed25519, ECDSA or RSA key"
            ).format(what=what, path=path, kind=kind)
        )
    return Key(path, f"{parts[0]} {parts[1]}")


def ensure(db: Path, given: Path | None, saved: str | None, name: str, signed: bool = False) -> Key:
    """The key this copy signs with: `given` (--key), else the one saved in its state,
    else its own, made now if there is none and the copy never `signed` before."""
    if given is not None:
        return load(given.expanduser().resolve(), "the key")
    if saved:
        return load(Path(saved), "this copy's key")
    own = own_key_path(db)
    if own.exists() or os.path.lexists(own):
        return load(own, "this copy's key", quick=True)
    if signed:
        raise KeyError_(
            tr(
                "this copy's key {own} is missing, and the other copies know this copy "
                "by it; put it back from a backup, or make a new one ('ssh-keygen -t "
                "ed25519 -N \"\" -f PATH') and sync with '--key PATH' (a trusted copy "
                "must then approve it)"
            ).format(own=own)
        )
    return _make(own, name)


def _make(target: Path, name: str) -> Key:
    """A new ed25519 key without a passphrase, written whole or not at all."""
    import secrets

    from ipcoop.store.files import fsync_dir

    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    try:
        done = _run("-q", "-t", "ed25519", "-N", "", "-C", f"ipcoop {name}", "-f", str(tmp))
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip() or "no reason given"
            raise KeyError_(
                tr("cannot make a signing key in {parent}: {reason}").format(
                    parent=target.parent, reason=reason
                )
            )
        for made in (tmp, tmp.with_name(tmp.name + ".pub")):
            with open(made, "rb") as handle:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp.with_name(tmp.name + ".pub"), target.with_name(target.name + ".pub"))
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise KeyError_(
            tr("cannot make a signing key in {parent}: {value}").format(
                parent=target.parent, value=exc.strerror or exc
            )
        ) from None
    finally:
        for left in (tmp, tmp.with_name(tmp.name + ".pub")):
            with contextlib.suppress(OSError):
                left.unlink()
    return load(target, "this copy's key")
