"""Judging commits: who signed each one, whether that key could change the record
then, and what of each commit this copy takes (its trusted content).

Each commit gets a verdict, once (they are kept in `.git/ipcoop-verdicts.json`):

- verified: signed by a key trusted before it (the signers file of its parents,
  trust leading back to the founder this copy pinned), changing the signers
  file only as such a key may; or the founding commit itself. Its content is
  trusted as it is.
- before: history from before signing began (the founder's `since`).
- held: anything else (unsigned, an unknown, waiting or revoked key, a bad
  signature, a signers file changed without the right to, history grafted on
  from outside). Its changes are held aside: its trusted content is its
  parents' (merged, for a merge), plus, for a new key's own commit, the
  key's request to be approved.

A sync merges trusted contents only, so a held commit changes nothing here
and never blocks the trusted commits after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ipcoop.base.errors import DatabaseError
from ipcoop.sync import signatures as checked
from ipcoop.sync import signers as sig
from ipcoop.sync.entries import Entries
from ipcoop.sync.repo import Repo

CACHE = "ipcoop-verdicts.json"
REASONS = {
    "N": "unsigned",
    "B": "its signature does not match its content",
    "U": "signed by a key no signers file lists",
    "!": "its signature cannot be read",
}


def _claim(author: str) -> str:
    """Whom a commit's author line claims to be (anyone can write any name there)."""
    name = "".join(ch for ch in author if ch.isprintable())[:60].strip()
    return f", its author line claiming {name!r}" if name else ""


@dataclass
class Verdict:
    kind: str  # verified, before, held
    signer: str | None  # the key id of a good signature by a listed key
    db: str | None  # blob id of the trusted database
    signers: str | None  # blob id of the trusted signers file
    time: int
    reason: str = ""
    seen: str = ""  # the signing key's fingerprint as git saw it (even unknown)

    def row(self) -> list[Any]:
        return [self.kind, self.signer, self.db, self.signers, self.time, self.reason, self.seen]


class Judge:
    def __init__(self, repo: Repo, roots: dict[str, list[str]], fresh: bool = False) -> None:
        self.repo = repo
        self.roots = roots
        self.names = (repo.name, sig.file_name(repo.name))
        self.verdicts: dict[str, Verdict] = {}
        self.tips: list[str] = []
        self.revocations: dict[str, list[str]] = {}  # key -> the commits that revoked it
        self._signers: dict[str | None, sig.Signers] = {None: {}}
        self._before: set[str] | None = None
        self.fresh = fresh  # judge everything anew; keep nothing
        self.entries = Entries(repo.git)
        self._todo: list[str] = []  # the tips being judged, and who signed their commits
        self._signed: dict[str, str] = {}
        self._below: dict[str, set[str]] = {}
        if not fresh:
            self._load()

    # ------------------------------------------------------------------ the cache
    def _load(self) -> None:
        try:
            saved = json.loads((self.repo.git_dir / CACHE).read_bytes())
            if saved.get("roots") != self.roots or saved.get("names") != list(self.names):
                return
            self.verdicts = {c: Verdict(*row) for c, row in saved["commits"].items()}
            self.tips = [t for t in saved["tips"] if t in self.verdicts]
            self.revocations = dict(saved.get("revocations", {}))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.verdicts, self.tips = {}, []  # judged again: slower, never wrong

    def _save(self) -> None:
        from ipcoop.store.files import atomic_write
        from ipcoop.sync.git import GitError

        payload = {
            "roots": self.roots,
            "names": list(self.names),
            "tips": self.tips,
            "revocations": self.revocations,
            "commits": {c: v.row() for c, v in self.verdicts.items()},
        }
        atomic_write(
            self.repo.git_dir / CACHE,
            json.dumps(payload, sort_keys=True).encode(),
            keep_backup=False,
            error=GitError,
        )

    # ------------------------------------------------------------------ reading
    def signers_at(self, rev: str) -> sig.Signers:
        return self.signers_blob(self.verdicts[rev].signers)

    def signers_blob(self, blob: str | None) -> sig.Signers:
        if blob not in self._signers:
            raw = self.repo.git.run("cat-file", "blob", blob or "", check=False).stdout
            try:
                self._signers[blob] = sig.parse(raw)
            except sig.SignersError:
                self._signers[blob] = {}
        return self._signers[blob]

    def db_raw_of(self, rev: str) -> bytes | None:
        """The trusted database at `rev`, judging it first if need be."""
        self.judge(rev)
        return self.db_raw(rev)

    def db_raw(self, rev: str) -> bytes | None:
        blob = self.verdicts[rev].db
        if blob is None:
            return None
        done = self.repo.git.run("cat-file", "blob", blob, check=False)
        return done.stdout if done.returncode == 0 else None

    # ------------------------------------------------------------------ judging
    def judge(self, *tips: str | None) -> list[str]:
        """Judge every commit reachable from `tips` not judged yet; the new ones, in order."""
        todo = sorted({t for t in tips if t and t not in self.verdicts})
        if not todo:
            return []
        git = self.repo.git
        listed = git.out(
            "rev-list",
            "--topo-order",
            "--reverse",
            "--parents",
            "--stdin",
            input="".join(f"{t}\n" for t in todo + [f"^{t}" for t in self.tips]).encode(),
        )
        rows = [line.split() for line in listed.splitlines() if line.strip()]
        rows = [r for r in rows if r[0] not in self.verdicts]
        revoked_before = dict(self.revocations)
        blobs = self._blob_ids([r[0] for r in rows])
        raw_signers = checked.contents(self.repo, {b for r in rows if (b := blobs[(r[0], 1)])})
        keys = self._keys(rows, blobs, raw_signers)
        signatures = checked.signatures(self.repo, [r[0] for r in rows], keys)
        self._todo, self._below = todo, {}
        self._signed = {c: s[2] for c, s in signatures.items() if s[0] == "G"}
        # A revocation found among these commits may hold some of them (signed by the
        # revoked key, and not before the revocation): judged again until none is new.
        for _ in range(len(rows) + 1):
            known = {k: list(v) for k, v in self.revocations.items()}
            for commit, *parents in rows:
                verdict = self._one(commit, parents, blobs, raw_signers, signatures, keys)
                self.verdicts[commit] = verdict
                self._note_revocations(commit, parents, verdict)
            if self.revocations == known:
                break
            for commit, *_ in rows:
                del self.verdicts[commit]
        parents_seen = {p for r in rows for p in r[1:]}
        self.tips = sorted({*(t for t in self.tips if t not in parents_seen), *todo})
        if set(self.revocations) - set(revoked_before) and len(self.verdicts) > len(rows):
            # A key revoked for the first time here: what it signed that the revocation
            # did not follow is held wherever it was judged before, so judge all again
            # (every copy then agrees, whatever it saw first).
            everything = self.tips
            self.verdicts, self.tips = {}, []
            self.judge(*everything)
        elif not self.fresh:
            self._save()
        return [r[0] for r in rows]

    def _blob_ids(self, commits: list[str]) -> dict[tuple[str, int], str | None]:
        query = "".join(f"{c}:{n}\n" for c in commits for n in self.names)
        out = self.repo.git.run("cat-file", "--batch-check", input=query.encode()).stdout
        lines = out.decode("utf-8", "replace").splitlines()
        found: dict[tuple[str, int], str | None] = {}
        for i, line in enumerate(lines):
            parts = line.split()
            blob = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
            found[(commits[i // 2], i % 2)] = blob
        return found

    def _keys(self, rows: list[list[str]], blobs: dict, raw: dict[str, bytes]) -> dict[str, str]:
        """Every key any signers file involved lists (key id -> public key)."""
        keys: dict[str, str] = {}
        versions = []  # the new commits' own files, and their judged parents' trusted ones
        for blob in {blobs[(r[0], 1)] for r in rows} - {None}:
            try:
                versions.append(sig.parse(raw.get(blob)))
            except sig.SignersError:
                continue
        for parent in {p for r in rows for p in r[1:]} & set(self.verdicts):
            versions.append(self.signers_at(parent))
        for version in versions:
            keys.update({k: r["key"] for k, r in version.items()})
        return keys

    def _one(
        self,
        commit: str,
        parents: list[str],
        blobs: dict,
        raw_signers: dict[str, bytes],
        signatures: dict[str, list[str]],
        keys: dict[str, str],
    ) -> Verdict:
        from ipcoop.sync.keys import fingerprint

        status, seen, principal, when, *rest = signatures.get(commit) or ["N", "", "", "0"]
        claims = _claim(rest[0] if rest else "")
        time = int(when) if when.isdigit() else 0
        known = [p for p in parents if p in self.verdicts]
        before = sig.merge(*(self.signers_at(p) for p in known))
        may = sig.trusted(before, self.roots)
        signer = (
            principal
            if status == "G" and principal in keys and fingerprint(keys[principal]) == seen
            else None
        )
        db, signers_blob = blobs[(commit, 0)], blobs[(commit, 1)]
        try:
            own: sig.Signers | None = sig.parse(
                raw_signers.get(signers_blob) if signers_blob else None
            )
        except sig.SignersError:
            own = None
        if own is not None and signers_blob:
            self._signers[signers_blob] = own
        if not may:
            if commit in self._before_signing():
                return Verdict("before", signer, db, signers_blob, time, "", seen)
            if signer in self.roots and own is not None and self._founds(before, own, signer):
                return Verdict("verified", signer, db, signers_blob, time, "", seen)
            reason = "made outside the signed history"
        elif signer in may:
            problem = (
                "its signers file is damaged or missing"
                if own is None
                else sig.change_problem(before, own, signer, True)
            )
            if problem is None and self._after_revocation(commit, signer, may):
                name = before[signer]["name"] if signer in before else "?"
                problem = f"signed by {name} ({seen}) after its key was revoked"
            if problem is None:  # another copy's journal entries, passed off as signed
                parent_dbs = [self.verdicts[p].db for p in known]
                foreign = self.entries.foreign(db, parent_dbs, before[signer]["copy"])
                if foreign:
                    problem = (
                        f"signed by {before[signer]['name']} ({seen}), it brings "
                        f"{len(foreign)} journal entr{'y' if len(foreign) == 1 else 'ies'} "
                        f"of another copy, new or changed ({foreign[0]}), which only that "
                        f"copy may sign"
                    )
            if problem is None:
                return Verdict("verified", signer, db, signers_blob, time, "", seen)
            reason = problem
        elif signer is not None and (
            signer in before or sig.registration(before, own or {}, signer) != before
        ):  # a key listed, or one asking in its own commit to be approved
            record = before.get(signer) or (own or {})[signer]
            what = "was revoked" if record.get("revoked") else "is waiting for approval"
            reason = f"signed by a key listed as {record['name']!r} ({seen}), which {what}"
        elif signer is not None:  # listed by nobody trusted: only by the commit itself
            name = ((own or {}).get(signer) or {}).get("name", "?")
            reason = f"signed by a key no trusted copy listed ({seen}), calling itself {name!r}"
        else:
            reason = REASONS.get(status, "its signature cannot be checked (another format?)")
            reason += claims
        return self._held(commit, known, before, own, signer, time, reason, seen)

    def _note_revocations(self, commit: str, parents: list[str], verdict: Verdict) -> None:
        """Remember the commits that revoke a key (its later commits are held)."""
        if verdict.kind != "verified":
            return
        before = sig.merge(*(self.signers_at(p) for p in parents if p in self.verdicts))
        after = self.signers_blob(verdict.signers)
        for key, record in after.items():
            if record["revoked"] is not None and (before.get(key) or {}).get("revoked") is None:
                found = self.revocations.setdefault(key, [])
                if commit not in found:
                    found.append(commit)

    def _after_revocation(self, commit: str, signer: str, may: set[str]) -> bool:
        """Whether a revoked key signed this commit other than before its revocation: a
        commit the revoking copy had already taken is an ancestor of the revocation, and
        one another trusted copy built on before it learnt of the revocation was vouched
        for by that copy's signature (it is not taken back behind that copy's back)."""
        revoking = [r for r in self.revocations.get(signer, []) if r != commit]
        if not self.revocations.get(signer):
            return False
        if any(self.repo.is_ancestor(commit, r) for r in revoking):
            return False
        after = set()
        for r in revoking:  # what follows a revocation knew of it
            after.update(self._descendants(r))
        for d in self._descendants(commit):
            voucher = self._signed.get(d)
            if voucher not in may - {signer} or d in after:
                continue
            # A voucher whose key was revoked too must have signed d before that
            # (by the same rule: a revoked key vouches for nothing on an old parent).
            if voucher is not None and not self._after_revocation(d, voucher, may):
                return False
        return True

    def _descendants(self, commit: str) -> set[str]:
        if commit not in self._below:
            listed = self.repo.git.run(
                "rev-list", "--ancestry-path", f"^{commit}", *self._todo, check=False
            )
            self._below[commit] = (
                set(listed.stdout.decode().split()) if listed.returncode == 0 else set()
            )
        return self._below[commit]

    def _founds(self, before: sig.Signers, own: sig.Signers, signer: str) -> bool:
        record = own.get(signer) or {}
        return (
            record.get("trusted_by") == signer
            and "since" in record
            and set(own) == set(before) | {signer}
            and all(own[k] == before[k] for k in before)
        )

    def _before_signing(self) -> set[str]:
        if self._before is None:
            since = sorted({c for commits in self.roots.values() for c in commits})
            listed = self.repo.git.run("rev-list", *since, check=False) if since else None
            ok = listed is not None and listed.returncode == 0
            self._before = set(listed.stdout.decode().split()) if ok and listed else set()
        return self._before

    def _held(
        self,
        commit: str,
        known: list[str],
        before: sig.Signers,
        own: sig.Signers | None,
        signer: str | None,
        time: int,
        reason: str,
        seen: str,
    ) -> Verdict:
        taken = sig.registration(before, own or {}, signer) if signer else before
        firsts = [self.verdicts[p] for p in known]
        if firsts and taken == self.signers_blob(firsts[0].signers):
            signers_blob = firsts[0].signers
        else:
            signers_blob = self._write(sig.serialise(taken)) if taken else None
            if signers_blob:
                self._signers[signers_blob] = taken
        db = firsts[0].db if firsts else None
        if len(known) > 1:
            db = self._merged_db(known) or db
        return Verdict("held", signer, db, signers_blob, time, reason, seen)

    def _merged_db(self, parents: list[str]) -> str | None:
        """The merge of the parents' trusted databases (a held merge commit)."""
        from ipcoop.store import layout
        from ipcoop.store.merge import merge
        from ipcoop.sync.content import parse_blob

        try:
            raws = [self.db_raw(p) for p in parents]
            if any(r is None for r in raws):
                return None
            data = parse_blob(raws[0] or b"", "a held merge")
            done = [parents[0]]
            for parent, raw in zip(parents[1:], raws[1:], strict=True):
                base_rev = self.repo.merge_base(done[0], parent)
                base_raw = self.db_raw(base_rev) if base_rev in self.verdicts else None
                base = parse_blob(base_raw, "a held merge") if base_raw else None
                data = merge(base, data, parse_blob(raw or b"", "a held merge"))
                done.append(parent)
            return self._write(layout.serialise(data))
        except (DatabaseError, ValueError):
            return None

    def _write(self, data: bytes) -> str:
        return self.repo.git.out("hash-object", "-w", "--stdin", "--no-filters", input=data)
