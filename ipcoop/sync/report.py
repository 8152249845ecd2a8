"""What a sync tells: what went and came, and what it did about signing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ipcoop.store import layout


@dataclass
class Report:
    remote: str = ""
    first: str = ""  # "", "shared" (first push) or "joined" (fetched)
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
                    others += [f"the ids of {(new.get(k) or {}).get('name', k)}" for k in changed]
                else:
                    others += [f"{table[:-1]} {k}" for k in changed]

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
