"""The database's folder as a git repository: set-up, reading commits, making them.

Only three files are tracked: the database, .gitattributes (which names the
merge driver for it) and .gitignore (which keeps this copy's own files, the
backup, lock, cache and identity, out of git). Commits are made through a
private index, so a killed sync never leaves git's own index locked; the
branch moves only by compare-and-swap (update-ref with the old value).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from ipcoop.base.i18n import tr
from ipcoop.sync.git import BRANCH, DURABLE, REMOTE, Git, GitError

BRANCH_REF = f"refs/heads/{BRANCH}"
REMOTE_REF = f"refs/remotes/{REMOTE}/{BRANCH}"
DRIVER = "ipcoop"


class Repo:
    def __init__(self, git: Git, db_name: str) -> None:
        self.git = git
        self.folder = git.folder
        self.name = db_name
        self.refused = ""  # why the last push was refused
        self.key: Path | None = None  # the private key every commit is signed with
        self.signer = ""  # its key id (as the signers file names it)

    @property
    def git_dir(self) -> Path:
        return self.folder / ".git"

    # ------------------------------------------------------------------ looking
    def exists(self) -> bool:
        return self.git_dir.is_dir()

    def enclosing(self) -> Path | None:
        """The top of a repository this folder is inside of (or is), if any."""
        done = self.git.run("rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            return None
        return Path(done.stdout.decode().strip())

    def rev(self, ref: str) -> str | None:
        done = self.git.run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def revs(self, *refs: str) -> list[str | None]:
        """Several branch tips in one git call (None for a branch not there yet)."""
        names = [BRANCH_REF if ref == "HEAD" else ref for ref in refs]
        listed = self.git.out("for-each-ref", "--format=%(refname) %(objectname)", *names)
        found = dict(line.split(" ", 1) for line in listed.splitlines() if " " in line)
        return [found.get(name) for name in names]

    def blob(self, rev: str, name: str | None = None) -> bytes | None:
        done = self.git.run("cat-file", "blob", f"{rev}:{name or self.name}", check=False)
        return done.stdout if done.returncode == 0 else None

    def holds(self, rev: str, contents: dict[str, bytes]) -> bool:
        """Whether the commit holds exactly these files' bytes (one git call)."""
        names = sorted(contents)
        query = "".join(f"{rev}:{name}\n" for name in names).encode()
        out = self.git.run("cat-file", "--batch", input=query, check=False).stdout
        at = 0
        for name in names:
            end = out.find(b"\n", at)
            header = out[at:end].split()
            if end < 0 or len(header) != 3 or header[1] != b"blob":
                return False
            size = int(header[2])
            if out[end + 1 : end + 1 + size] != contents[name]:
                return False
            at = end + 1 + size + 1
        return True

    def merge_base(self, a: str, b: str) -> str | None:
        done = self.git.run("merge-base", a, b, check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def is_ancestor(self, a: str, b: str) -> bool:
        return self.git.ok("merge-base", "--is-ancestor", a, b)

    def files(self, rev: str) -> list[str]:
        return self.git.out("ls-tree", "--name-only", rev).splitlines()

    def remote_url(self) -> str | None:
        done = self.git.run("config", "--get", f"remote.{REMOTE}.url", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def merge_head(self) -> str | None:
        path = self.git_dir / "MERGE_HEAD"
        try:
            return path.read_text().split()[0]
        except (OSError, IndexError):
            return None

    # ------------------------------------------------------------------ setting up
    def init(self) -> None:
        if not self.exists():
            self.git.run("init", "-q", "-b", BRANCH)
        self.git.run("symbolic-ref", "HEAD", BRANCH_REF)

    def local_config(self) -> dict[str, str]:
        done = self.git.run("config", "--local", "--list", check=False)
        found = {}
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition("=")
            found[key.lower()] = value
        return found

    def configure(self, remote: str | None, current: dict[str, str] | None = None) -> None:
        """The remote, the merge driver that lets a plain `git pull` merge the file, and
        what keeps such a pull from harming the folder: git writes only the database and
        its two support files there (a sparse checkout), never a symbolic link, and
        syncs what it writes to disk."""
        config = [
            ("merge.ipcoop.name", "ipcoop: merge the database record by record"),
            ("merge.ipcoop.driver", driver_command()),
            (f"remote.{REMOTE}.fetch", f"+{BRANCH_REF}:{REMOTE_REF}"),
            (f"branch.{BRANCH}.remote", REMOTE),
            (f"branch.{BRANCH}.merge", BRANCH_REF),
            ("core.symlinks", "false"),
            ("core.sparsecheckout", "true"),
            ("core.sparsecheckoutcone", "false"),
            *(tuple(setting.split("=", 1)) for setting in DURABLE),
        ]
        if remote is not None:
            config.insert(0, (f"remote.{REMOTE}.url", remote))
        current = self.local_config() if current is None else current
        for key, value in config:
            if current.get(key.lower()) != value:
                self.git.run("config", key, value)
        # Attributes of this repository's own (they beat .gitattributes, which the remote
        # writes): git never converts the database, whatever a committed file says.
        attributes = self.git_dir / "info" / "attributes"
        keep = (
            f"/{pattern(self.name)} merge={DRIVER} -text !eol !working-tree-encoding "
            f"!filter -ident\n"
        ).encode()
        _write_if_changed(attributes, keep)
        sparse = self.git_dir / "info" / "sparse-checkout"
        # Each name as a file only: a folder of that name (and all in it) stays out.
        wanted = "".join(
            f"/{pattern(name)}\n!/{pattern(name)}/\n" for name in self.shared_names()
        ).encode()
        _write_if_changed(sparse, wanted)

    def support_files(self) -> dict[str, bytes]:
        name = pattern(self.name)
        return {
            ".gitattributes": f"/{name} merge={DRIVER} -text\n".encode(),
            ".gitignore": (
                "# This copy's own files: never shared.\n"
                f"/{name}.bak\n/{name}.lock\n/{name}.cache\n/{name}.local\n/{name}.local.*\n"
                f"/.{name}.*\n/{name}.replaced-*\n/{name}.unreadable*\n"
            ).encode(),
        }

    @property
    def signers_name(self) -> str:
        return self.name + ".signers"

    def shared_names(self) -> tuple[str, ...]:
        """The only paths a shared branch may hold."""
        return (self.name, self.signers_name, *self.support_files())

    def contents(self, db: bytes, signers: bytes) -> dict[str, bytes]:
        """What a commit holds: the database, the signers file, the support files."""
        return {self.name: db, self.signers_name: signers, **self.support_files()}

    def foreign_entries(self, rev: str) -> list[str]:
        """What a commit holds besides the database and its two support files as
        regular files, and support files that say anything but what ipcoop writes:
        anything else (a symlink, another file, a folder, a submodule, attributes
        that would make git rewrite the file) is not ipcoop's."""
        listed = self.git.run("ls-tree", "-z", rev).stdout.decode("utf-8", "replace")
        found = []
        support = self.support_files()
        for entry in filter(None, listed.split("\0")):
            info, _, name = entry.partition("\t")
            mode = info.split(" ", 1)[0]
            if name not in self.shared_names() or mode != "100644":
                kind = {
                    "120000": "a symbolic link",
                    "040000": "a folder",
                    "160000": "a submodule",
                }.get(mode, "a file")
                found.append(f"{name!r} ({kind})")
            elif name in support and not _known_support(name, self.blob(rev, name), self.name):
                found.append(f"{name!r} (not as ipcoop writes it)")
        return found

    def write_support_files(self) -> None:
        """.gitattributes and .gitignore in the folder as committed (git status stays clean)."""
        from ipcoop.store.files import write_quietly

        for name, data in self.support_files().items():
            target = self.folder / name
            try:
                if target.read_bytes() == data:
                    continue
            except OSError:
                pass
            write_quietly(target, data)

    # ------------------------------------------------------------------ committing
    def commit(self, contents: dict[str, bytes], parents: list[str], message: str) -> str:
        """A commit of exactly `contents` (the database and its support files), whatever
        its parents held besides (what a plain `git pull` brought is not carried on);
        the branch is not moved."""
        index = self.git_dir / "ipcoop.index"
        env = {"GIT_INDEX_FILE": str(index)}
        with contextlib.suppress(OSError):
            index.unlink()
        try:
            self.git.run("read-tree", "--empty", env=env)
            for name, data in sorted(contents.items()):
                blob = self.git.out("hash-object", "-w", "--stdin", "--no-filters", input=data)
                self.git.run(
                    "update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env
                )
            tree = self.git.out("write-tree", env=env)
        finally:
            with contextlib.suppress(OSError):
                index.unlink()
        args = ["commit-tree", tree, "--no-gpg-sign", "-m", message]
        if self.key is not None:  # signed by this copy's key, with OpenSSH through git
            args = [
                *("-c", "gpg.format=ssh", "-c", f"user.signingkey={self.key}"),
                *("-c", "gpg.ssh.program=ssh-keygen", "commit-tree", tree, "-S", "-m", message),
            ]
        for parent in parents:
            args += ["-p", parent]
        return self.git.out(*args)

    def tree_of(self, rev: str) -> str:
        return self.git.out("rev-parse", f"{rev}^{{tree}}")

    def move_branch(self, new: str, old: str | None) -> None:
        """Point the branch at `new` only if it still points at `old`."""
        self.git.run("update-ref", "-m", "ipcoop sync", BRANCH_REF, new, old or "")
        self.refresh_index()

    def refresh_index(self) -> None:
        """git's index as HEAD has it, so that `git status` and `git pull` see a clean tree."""
        for leftover in ("MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE", "ORIG_HEAD"):
            with contextlib.suppress(OSError):
                (self.git_dir / leftover).unlink()
        self.git.run("read-tree", "HEAD", check=False)
        self.git.run("update-index", "-q", "--refresh", check=False)

    # ------------------------------------------------------------------ the remote
    def fetch(self) -> None:
        done = self.git.run(
            "fetch", "-q", "--no-tags", REMOTE, f"+{BRANCH_REF}:{REMOTE_REF}", check=False
        )
        if done.returncode != 0:
            reason = last_reason(done.stderr)
            if "couldn't find remote ref" in reason:
                # An empty remote: what this copy last fetched from it is gone there too
                # (the guard then tells a remote that lost its branch from a new one).
                self.git.run("update-ref", "-d", REMOTE_REF, check=False)
                return
            raise GitError(
                tr("cannot fetch from {remote_url}: {reason}").format(
                    remote_url=self.remote_url(), reason=reason
                )
            )

    def push(self, rev: str) -> bool:
        """Push; False when refused because the remote moved on (fetch and try again)."""
        # The remote's git writes durably too (a local remote's receive-pack does not
        # inherit our -c settings: git clears them for the other repository).
        receive = "git " + " ".join(f"-c {setting}" for setting in DURABLE) + " receive-pack"
        done = self.git.run(
            "push",
            "-q",
            "--no-verify",
            "--porcelain",
            f"--receive-pack={receive}",
            REMOTE,
            f"{rev}:{BRANCH_REF}",
            check=False,
        )
        if done.returncode == 0:
            return True
        text = (done.stdout + done.stderr).decode("utf-8", "replace")
        self.refused = text
        if (
            "[rejected]" in text
            or "non-fast-forward" in text
            or "fetch first" in text
            or ("[remote rejected]" in text and "cannot lock ref" in text)
        ):
            return False
        raise GitError(
            tr("cannot push to {remote_url}: {last_reason}").format(
                remote_url=self.remote_url(), last_reason=last_reason(done.stderr)
            )
        )


def last_reason(stderr: bytes) -> str:
    from ipcoop.sync.git import last_line

    return last_line(stderr)


def probe(git: Git, remote: str) -> dict[str, str]:
    """The remote's branches; GitError if it is not a repository we can reach."""
    done = git.run("ls-remote", "--heads", remote, check=False)
    if done.returncode != 0:
        raise GitError(
            tr("cannot reach {remote}: {last_reason}").format(
                remote=remote, last_reason=last_reason(done.stderr)
            )
        )
    heads = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        sha, _, ref = line.partition("\t")
        heads[ref.strip()] = sha.strip()
    return heads


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    from ipcoop.store.files import atomic_write

    path.parent.mkdir(exist_ok=True)
    atomic_write(path, data, keep_backup=False, error=GitError)


def _known_support(name: str, data: bytes | None, db: str) -> bool:
    """Whether a support file says only what some version of ipcoop writes there: the
    merge driver for the database, and ignore patterns for this copy's own files."""
    if data is None:
        return False
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    own = {f"/{db}", f"/{pattern(db)}"}
    if name == ".gitattributes":
        return all(
            line.split()[0] in own and line.split()[1:] == [f"merge={DRIVER}", "-text"]
            for line in lines
        )
    prefixes = tuple(f"{p}." for p in own) + tuple(f"/.{p[1:]}." for p in own)
    return all(line.startswith(prefixes) and "/" not in line[1:] for line in lines)


def pattern(name: str) -> str:
    """A file name as a pattern of .gitignore, .gitattributes and sparse-checkout:
    wildcards escaped, white space (which ends a pattern in .gitattributes) and
    control characters matched by a class instead."""
    out = []
    for char in name:
        if char in "\\*?[":
            out.append("\\" + char)
        elif char.isspace() or ord(char) < 32 or ord(char) == 127:
            out.append("[[:space:]]" if char == " " else "?")
        else:
            out.append(char)
    return "".join(out)


def driver_command() -> str:
    """How git runs our merge driver: this very Python (each sync writes it anew,
    so a reinstalled ipcoop is found again)."""
    python = sys.executable.replace("'", "'\\''")
    return f"'{python}' -m ipcoop.sync.driver %O %A %B %P"
