"""git's merge driver for the database: `python -m ipcoop.sync.driver %O %A %B %P`.

git runs it for a plain `git pull` (or merge) in a shared database's folder,
as registered by `ipcoop sync` (.gitattributes plus the repository's config).
It merges the three versions record by record and leaves the result in %A.
Exit 0: merged (conflicting values are kept as data, not as markers);
exit 1: a version could not be read (git then reports a conflict and
leaves the file as it was; `ipcoop sync` finishes the job).
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from ipcoop.base.errors import IpcoopError
    from ipcoop.store import layout
    from ipcoop.store.merge import merge
    from ipcoop.sync.content import parse_blob

    if len(argv) < 3:
        sys.stderr.write("usage: python -m ipcoop.sync.driver BASE OURS THEIRS [PATH]\n")
        return 2
    base_path, ours_path, theirs_path = (Path(a) for a in argv[:3])
    label = argv[3] if len(argv) > 3 else ours_path.name
    try:
        base_raw = base_path.read_bytes()
        base = parse_blob(base_raw, f"{label} (the common version)") if base_raw.strip() else None
        ours = parse_blob(ours_path.read_bytes(), f"{label} (ours)")
        theirs = parse_blob(theirs_path.read_bytes(), f"{label} (theirs)")
        merged = layout.serialise(merge(base, ours, theirs))
        ours_path.write_bytes(merged)
    except (IpcoopError, OSError) as exc:
        message = exc.message if isinstance(exc, IpcoopError) else str(exc)
        sys.stderr.write(f"ipcoop merge driver: {message}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
