"""What a sync tells: what went and came, and what it did about signing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ipcoop.base.i18n import tr
from ipcoop.store import layout


@dataclass
class Report:
    remote: str = ""
    first: str = ""  # "", "shared" (first push) or "joined" (fetched)
    put_back: bool = False  # merge a rewound remote's branch with this copy's history
    kept: str = ""  # joining replaced an untouched database: kept under this name
    sent: list[int] = field(default_factory=list)  # projects the remote did not have so
    received: list[int] = field(default_factory=list)  # projects that came in changed
    conflicts: int = 0
    restored: bool = False  # the file was missing and was put back as last synced
    ahead: str = ""  # a received change dated in the future: whose, and when
    # The projects as this copy had them when the sync began, as the remote had them
    # before the last push, and as they are now (None: nothing was parsed).
    mine: layout.Data | None = None
    theirs: layout.Data | None = None
    final: layout.Data | None = None
    # Areas, members and programmes that went and came ("area gba").
    sent_other: list[str] = field(default_factory=list)
    received_other: list[str] = field(default_factory=list)
    # The signers file, at the same three moments (approvals and revocations go too).
    signers_mine: dict | None = None
    signers_theirs: dict | None = None
    signers_final: dict | None = None

    def tally(self) -> None:
        """Which records went and came: by the records, whatever the journal says
        (an undo is a change too; a retried push is counted once)."""
        if self.final is None:
            return
        final = self.final
        pairs = (
            (self.theirs, self.sent, self.sent_other),
            (self.mine, self.received, self.received_other),
        )
        for before, ids, others in pairs:
            if before is None:
                continue
            for table in ("projects", "areas", "members", "programmes", "copies"):
                new, old = final[table], before[table]
                changed = sorted(k for k in set(new) | set(old) if new.get(k) != old.get(k))
                if table == "projects":
                    ids[:] = sorted(map(int, changed))
                elif table == "copies":  # a copy joined, or leased ids
                    others += [
                        tr("the ids of {name}").format(name=(new.get(k) or {}).get("name", k))
                        for k in changed
                    ]
                else:
                    record = {
                        "areas": tr("area {key}"),
                        "members": tr("member {key}"),
                        "programmes": tr("programme {key}"),
                    }[table]
                    others += [record.format(key=k) for k in changed]
        keys = (
            (self.signers_theirs, self.sent_other),
            (self.signers_mine, self.received_other),
        )
        for old_keys, said in keys:
            if old_keys is not None and self.signers_final is not None:
                said.extend(key_changes(old_keys, self.signers_final))

    leased: list[list[int]] = field(default_factory=list)
    # Signing: "founded" (this copy founded it), "waiting" (this copy asked to be
    # approved); whether this copy's key is still waiting; this copy's fingerprint;
    # commits held aside that came in: (commit, who, why).
    signing: str = ""
    waiting: bool = False
    revoked: bool = False
    founders: list[str] = field(default_factory=list)  # pinned on joining: name (fingerprint)
    fingerprint: str = ""
    held: list[tuple[str, str, str]] = field(default_factory=list)
    approved_by: str = ""  # this copy's key was approved since its last sync: by whom
    own_held: str = ""  # this copy's own last commit is held aside: why


def key_changes(before: dict, after: dict) -> list[str]:
    """The signers file's changes, said as the others see them."""
    out = []
    for k in sorted(after, key=lambda k: (after[k].get("name", ""), k)):
        new, old = after[k], before.get(k)
        if new == old:
            continue
        name = new.get("name", "?")
        if sum(1 for r in after.values() if r.get("name") == name) > 1:  # say which key
            from ipcoop.sync.keys import fingerprint

            name = f"{name} ({fingerprint(new.get('key', ''))[:15]}…)"
        if old is None:
            out.append(tr("the key of {name}").format(name=name))
        elif new.get("revoked") and not old.get("revoked"):
            out.append(tr("the revocation of {name}'s key").format(name=name))
        elif new.get("trusted") and not old.get("trusted"):
            out.append(tr("the approval of {name}'s key").format(name=name))
        else:
            out.append(tr("the key record of {name}").format(name=name))
    return out
