"""Reading what the judge needs from git in one process each: blobs, and every
commit's signature as git checks it against an allowed-signers file."""

from __future__ import annotations

from ipcoop.sync.repo import Repo

ALLOWED = "ipcoop-allowed-signers"


def contents(repo: Repo, blobs: set[str]) -> dict[str, bytes]:
    if not blobs:
        return {}
    order = sorted(blobs)
    out = repo.git.run(
        "cat-file", "--batch", input="".join(f"{b}\n" for b in order).encode()
    ).stdout
    found, at = {}, 0
    for blob in order:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        size = int(header[2]) if len(header) == 3 else 0
        found[blob] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return found


def signatures(repo: Repo, commits: list[str], keys: dict[str, str]) -> dict[str, list[str]]:
    allowed = (repo.git_dir / ALLOWED).resolve()
    text = "".join(f'{k} namespaces="git" {key}\n' for k, key in sorted(keys.items()))
    allowed.write_text(text or "# none\n")
    settings = (
        *("-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed}"),
        *("-c", "gpg.ssh.program=ssh-keygen", "log", "--no-walk=unsorted", "--stdin"),
        "--format=%H%x1f%G?%x1f%GF%x1f%GS%x1f%ct%x1f%an",
    )
    found = _read_signatures(repo, settings, commits)
    if found is None:  # a signature git cannot even read: judge one commit at a time
        found = {}
        for commit in commits:
            one = _read_signatures(repo, settings, [commit])
            found.update(one if one is not None else {commit: ["!", "", "", "0"]})
    return found


def _read_signatures(
    repo: Repo, settings: tuple[str, ...], commits: list[str]
) -> dict[str, list[str]] | None:
    done = repo.git.run(*settings, input="".join(f"{c}\n" for c in commits).encode(), check=False)
    if done.returncode != 0:
        return None
    found = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\x1f")
        if len(parts) == 6:
            found[parts[0]] = parts[1:]
    return found
