"""What a command did to the file system, read from strace, replayed on a model of a folder.

`record` runs a command under `strace -f` (git and every other child
included) and keeps each call that can change a file: opens that create or
truncate, writes with their bytes, truncations, fsyncs, renames, links,
unlinks, directory changes. `Model` replays those calls on a folder held in
memory, keeping for every file both what the processes saw and what a
power cut would keep (see powerloss.py for the rules). Calls on paths
outside the folder are ignored.

strace prints every string in hex (`-xx`) and every descriptor with its
path (`-y`), so names with spaces or quotes parse alike. Relative paths are
resolved against each process's working folder, which is followed through
chdir, fchdir and the fork that made the process.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

TRACED = (
    "open,openat,creat,write,pwrite64,writev,pwritev,pwritev2,ftruncate,truncate,"
    "fsync,fdatasync,sync,syncfs,rename,renameat,renameat2,link,linkat,symlink,"
    "symlinkat,unlink,unlinkat,mkdir,mkdirat,rmdir,chdir,fchdir,clone,clone3,fork,"
    "vfork,dup,dup2,dup3,lseek,close,sendfile,copy_file_range"
)
STRACE = ("strace", "-f", "-qq", "-y", "-xx", "-s", "100000000")
_LINE = re.compile(r"^(\d+) +(.*)$")
_CALL = re.compile(r"^(\w+)\((.*)\) += (-?\d+|\?)(?:<(.*?)>)?(.*)$", re.S)
_HEX = re.compile(r"(?:\\x[0-9a-f]{2})*")
_STRING = re.compile(r'"((?:\\x[0-9a-f]{2})*)"(\.\.\.)?')
_FD = re.compile(r"(AT_FDCWD|-?\d+)<((?:\\x[0-9a-f]{2})*)>(\(deleted\))?")
O_CREAT, O_TRUNC, O_APPEND = "O_CREAT", "O_TRUNC", "O_APPEND"


class TraceError(Exception):
    """The trace holds a call the model cannot replay faithfully."""


def _text(hexed: str) -> str:
    return os.fsdecode(bytes.fromhex(hexed.replace("\\x", "")))


def _bytes(hexed: str) -> bytes:
    return bytes.fromhex(hexed.replace("\\x", ""))


@dataclass
class Call:
    pid: int
    name: str
    args: str
    result: int
    result_path: str | None

    def strings(self) -> list[str]:
        found = _STRING.findall(self.args)
        if any(cut for _, cut in found):
            raise TraceError(f"a string was cut short in {self.name}: raise strace's -s")
        return [s for s, _ in found]

    def fds(self) -> list[tuple[str, str | None]]:
        """Each descriptor argument with its path (None if the path is not a file's)."""
        return [(fd, _text(path) if path else None) for fd, path, _ in _FD.findall(self.args)]

    def first_fd(self) -> tuple[int, str | None, bool]:
        """The first argument as a descriptor: (number, its path or None, deleted)."""
        m = re.match(r"(-?\d+)(?:<([^>]*)>(\(deleted\))?)?", self.args)
        if m is None:
            raise TraceError(f"no descriptor in {self.name}({self.args[:80]})")
        path = m.group(2)
        text = _text(path) if path and _HEX.fullmatch(path) else None
        return int(m.group(1)), text, bool(m.group(3))

    def flags(self) -> str:
        return self.args


def record(command: list[str], cwd: Path, env: dict[str, str], trace: Path) -> int:
    """Run the command under strace; return its exit code. The calls are in `trace`."""
    done = subprocess.run(
        [*STRACE, "-o", str(trace), "-e", f"trace={TRACED}", *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
        timeout=600,
    )
    return done.returncode


def calls(trace: Path) -> list[Call]:
    """The completed calls, in the order they finished; calls split by another process joined."""
    pending: dict[int, str] = {}
    out: list[Call] = []
    for raw in trace.read_text("ascii").splitlines():
        m = _LINE.match(raw)
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if rest.startswith(("---", "+++")):
            continue
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        resumed = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", rest)
        if resumed:
            start = pending.pop(pid, None)
            if start is None:
                raise TraceError(f"a call resumed that never started: {raw[:200]}")
            rest = start + resumed.group(2)
        call = _CALL.match(rest)
        if not call:
            if "exited with" in rest or rest.startswith("exit"):
                continue
            raise TraceError(f"cannot read the trace line: {raw[:200]}")
        result = call.group(3)
        out.append(
            Call(
                pid,
                call.group(1),
                call.group(2),
                -1 if result == "?" else int(result),
                _text(call.group(4)) if call.group(4) and _HEX.fullmatch(call.group(4)) else None,
            )
        )
    return out


@dataclass
class Inode:
    data: bytearray
    synced: bytes
    before_last_write: bytes | None = None  # for a torn write: the bytes before it...
    last_write: tuple[int, bytes] | None = None  # ...and where and what it wrote


@dataclass
class Opened:
    inode: int
    offset: int
    append: bool


@dataclass
class Model:
    """A folder in memory: names (ordered, durable at each fsync) and files' bytes."""

    root: str
    # path -> ("file", inode) | ("dir",) | ("link", target)
    names: dict[str, tuple] = field(default_factory=dict)
    inodes: dict[int, Inode] = field(default_factory=dict)
    committed: dict[str, tuple] = field(default_factory=dict)
    uncommitted: list[tuple] = field(default_factory=list)  # name changes since the last fsync
    opened: dict[tuple[int, int], Opened] = field(default_factory=dict)
    cwd: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    next_inode: int = 0

    @classmethod
    def of(cls, root: Path) -> Model:
        model = cls(str(root))
        seen: dict[int, int] = {}
        model.names[model.root] = ("dir",)
        for folder, dirs, files in os.walk(root):
            for d in dirs:
                path = os.path.join(folder, d)
                if os.path.islink(path):
                    model.names[path] = ("link", os.readlink(path))
                else:
                    model.names[path] = ("dir",)
            for f in files:
                path = os.path.join(folder, f)
                if os.path.islink(path):
                    model.names[path] = ("link", os.readlink(path))
                    continue
                st = os.stat(path)
                if st.st_ino not in seen:
                    data = Path(path).read_bytes()
                    seen[st.st_ino] = model._new_inode(data, synced=data)
                model.names[path] = ("file", seen[st.st_ino])
        model.committed = dict(model.names)
        return model

    def copy(self) -> Model:
        """The same folder, to replay on separately."""
        clone = Model(self.root, dict(self.names), committed=dict(self.committed))
        clone.inodes = {i: Inode(bytearray(n.data), n.synced) for i, n in self.inodes.items()}
        clone.next_inode = self.next_inode
        return clone

    def _new_inode(self, data: bytes = b"", synced: bytes = b"") -> int:
        self.next_inode += 1
        self.inodes[self.next_inode] = Inode(bytearray(data), synced)
        return self.next_inode

    def inside(self, path: str) -> bool:
        return path == self.root or path.startswith(self.root + os.sep)

    # -- names ------------------------------------------------------------------------

    def _rename(self, names: dict, old: str, new: str) -> None:
        node = names.pop(old, None)
        if node is None:
            raise TraceError(f"rename of a name the model does not hold: {old}")
        if node[0] == "dir":
            for path in [p for p in names if p.startswith(old + os.sep)]:
                names[new + path[len(old) :]] = names.pop(path)
        names[new] = node

    def _apply(self, names: dict, change: tuple) -> None:
        kind = change[0]
        if kind == "rename":
            self._rename(names, change[1], change[2])
        elif kind == "bind":
            names[change[1]] = change[2]
        elif kind == "unbind":
            names.pop(change[1], None)

    def change_name(self, change: tuple) -> None:
        self._apply(self.names, change)
        self.uncommitted.append(change)

    def commit(self) -> None:
        for change in self.uncommitted:
            self._apply(self.committed, change)
        self.uncommitted.clear()

    def names_after(self, count: int) -> dict[str, tuple]:
        """The names on the disk if only `count` of the uncommitted changes reached it."""
        names = dict(self.committed)
        for change in self.uncommitted[:count]:
            self._apply(names, change)
        return names

    # -- replaying calls ---------------------------------------------------------------

    def _cwd(self, pid: int) -> str:
        if pid not in self.cwd:
            if pid not in self.parents:
                raise TraceError(f"process {pid} used a relative path; its folder is unknown")
            self.cwd[pid] = self._cwd(self.parents[pid])
        return self.cwd[pid]

    def _path(self, pid: int, raw: str, dirfd: str | None = None) -> str:
        if raw.startswith("/"):
            return os.path.normpath(raw)
        base = dirfd if dirfd is not None else self._cwd(pid)
        return os.path.normpath(os.path.join(base, raw))

    def inode_of(self, call: Call) -> tuple[Opened | None, int | None]:
        fd, path, deleted = call.first_fd()
        opened = self.opened.get((call.pid, fd))
        if opened is not None:
            return opened, opened.inode
        if path is None or deleted or not self.inside(path):
            return None, None
        node = self.names.get(os.path.normpath(path))
        if node is None or node[0] != "file":
            return None, None
        return None, node[1]

    def _write(self, ino: int, offset: int, data: bytes) -> None:
        inode = self.inodes[ino]
        inode.before_last_write = bytes(inode.data)
        inode.last_write = (offset, data)
        if offset > len(inode.data):
            inode.data.extend(b"\0" * (offset - len(inode.data)))
        inode.data[offset : offset + len(data)] = data

    def replay(self, call: Call) -> str | None:
        """Apply one call; say what kind of change it was ('data', 'name', 'sync') or None."""
        if call.result < 0:
            return None
        name, pid = call.name, call.pid
        if name in ("clone", "clone3", "fork", "vfork"):
            if call.result not in self.cwd and "CLONE_THREAD" not in call.args:
                self.cwd[call.result] = self._cwd(pid)
            return None
        if name == "chdir":
            self.cwd[pid] = self._path(pid, _text(call.strings()[0]))
            return None
        if name == "fchdir":
            _, path, _ = call.first_fd()
            if path is None:
                raise TraceError("fchdir to a folder whose path strace did not give")
            self.cwd[pid] = path
            return None
        if name in ("open", "openat", "creat"):
            return self._open(call)
        if name == "close":
            self.opened.pop((pid, call.first_fd()[0]), None)
            return None
        if name in ("dup", "dup2", "dup3"):
            old = self.opened.get((pid, call.first_fd()[0]))
            if old is not None:
                self.opened[(pid, call.result)] = old
            return None
        if name == "lseek":
            opened, _ = self.inode_of(call)
            if opened is not None:
                opened.offset = call.result
            return None
        if name in ("write", "writev", "pwrite64", "pwritev", "pwritev2"):
            return self._write_call(call)
        if name in ("ftruncate", "truncate"):
            return self._truncate(call)
        if name in ("fsync", "fdatasync"):
            _, ino = self.inode_of(call)
            if ino is not None:
                self.inodes[ino].synced = bytes(self.inodes[ino].data)
            self.commit()  # ext4 commits its whole journal on any fsync
            return "sync"
        if name in ("sync", "syncfs"):
            for inode in self.inodes.values():
                inode.synced = bytes(inode.data)
            self.commit()
            return "sync"
        if name in ("sendfile", "copy_file_range"):
            _, ino = self.inode_of(call)
            if ino is not None:
                raise TraceError(f"{name} into the folder is not modelled")
            return None
        return self._name_call(call)

    def _open(self, call: Call) -> str | None:
        path = call.result_path
        if path is None or not self.inside(path):
            return None
        path = os.path.normpath(path)
        flags = call.flags()
        kind = None
        node = self.names.get(path)
        if node is None:
            if O_CREAT not in flags and call.name != "creat":
                raise TraceError(f"opened a file the model does not hold: {path}")
            node = ("file", self._new_inode())
            self.change_name(("bind", path, node))
            kind = "name"
        if node[0] != "file":
            return kind  # a folder opened to be synced or read
        if (O_TRUNC in flags or call.name == "creat") and self.inodes[node[1]].data:
            self._write(node[1], 0, b"")
            self.inodes[node[1]].data.clear()
            kind = "data"
        self.opened[(call.pid, call.result)] = Opened(node[1], 0, O_APPEND in flags)
        return kind

    def _write_call(self, call: Call) -> str | None:
        opened, ino = self.inode_of(call)
        if ino is None:
            return None
        data = b"".join(_bytes(s) for s in call.strings())[: call.result]
        if call.name in ("pwrite64", "pwritev", "pwritev2"):
            parts = call.args.rsplit(",", 2)
            offset = int(parts[-2] if call.name == "pwritev2" else parts[-1])
        elif opened is None or opened.append:
            offset = len(self.inodes[ino].data)
        else:
            offset = opened.offset
        self._write(ino, offset, data)
        if opened is not None and call.name in ("write", "writev"):
            opened.offset = offset + len(data)
        return "data"

    def _truncate(self, call: Call) -> str | None:
        size = int(call.args.rsplit(",", 1)[-1])
        if call.name == "ftruncate":
            _, ino = self.inode_of(call)
        else:
            node = self.names.get(self._path(call.pid, _text(call.strings()[0])))
            ino = node[1] if node and node[0] == "file" else None
        if ino is None:
            return None
        inode = self.inodes[ino]
        inode.before_last_write, inode.last_write = bytes(inode.data), (size, b"")
        del inode.data[size:]
        inode.data.extend(b"\0" * (size - len(inode.data)))
        return "data"

    def _at(self, call: Call, index: int) -> str | None:
        """The folder a *at call's index-th descriptor names (None: the process's folder)."""
        fds = call.fds()
        return fds[index][1] if len(fds) > index else None

    def _name_call(self, call: Call) -> str | None:
        name, pid, s = call.name, call.pid, call.strings()
        at = name.endswith("at") or name == "renameat2"
        if name in ("rename", "renameat", "renameat2"):
            if name == "renameat2" and "RENAME_EXCHANGE" in call.args:
                raise TraceError("renameat2 with RENAME_EXCHANGE is not modelled")
            old = self._path(pid, _text(s[0]), self._at(call, 0) if at else None)
            new = self._path(pid, _text(s[1]), self._at(call, 1) if at else None)
            if not (self.inside(old) or self.inside(new)):
                return None
            if self.inside(old) != self.inside(new):
                raise TraceError(f"a rename across the folder's edge: {old} -> {new}")
            self.change_name(("rename", old, new))
            return "name"
        if name in ("link", "linkat"):
            old = self._path(pid, _text(s[0]), self._at(call, 0) if at else None)
            new = self._path(pid, _text(s[1]), self._at(call, 1) if at else None)
            if not self.inside(new):
                return None
            node = self.names.get(old)
            if node is None:
                raise TraceError(f"a link to a name the model does not hold: {old}")
            self.change_name(("bind", new, node))
            return "name"
        if name in ("symlink", "symlinkat"):
            new = self._path(pid, _text(s[1]), self._at(call, 0) if at else None)
            if not self.inside(new):
                return None
            self.change_name(("bind", new, ("link", _text(s[0]))))
            return "name"
        if name in ("mkdir", "mkdirat"):
            path = self._path(pid, _text(s[0]), self._at(call, 0) if at else None)
            if not self.inside(path):
                return None
            self.change_name(("bind", path, ("dir",)))
            return "name"
        if name in ("unlink", "unlinkat", "rmdir"):
            path = self._path(pid, _text(s[0]), self._at(call, 0) if at else None)
            if not self.inside(path):
                return None
            self.change_name(("unbind", path))
            return "name"
        return None


def parents_of(trace: list[Call]) -> dict[int, int]:
    """Which process made which: {child: parent}."""
    return {
        c.result: c.pid
        for c in trace
        if c.name in ("clone", "clone3", "fork", "vfork") and c.result > 0
    }
