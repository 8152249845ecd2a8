"""The typed records commands and views pass around.

A project travels as a plain dict in the contract's JSON shape (what
`list --json` prints); `Project` says what is in it, so that type checkers
and readers know. The store makes them (`store.shape`); the rules in
`tracker` take and return them.
"""

from __future__ import annotations

from typing import TypedDict


class Project(TypedDict):
    id: int
    uuid: str  # its identity everywhere (sync, import), unlike the id never reused anywhere
    title: str  # the main (normally English) title
    titles: dict[str, str | None]  # {"zh-hk": ..., "zh-cn": ...}
    converted: list[str]  # the Chinese forms made by OpenCC that no person has set
    area: str  # an area's key
    year: int  # the programme's first year
    programme: str  # the programme's key
    status: str  # planned, active, done, dropped or carried
    key: bool
    lead: str  # gd, hk or joint
    agencies: list[str]  # member codes
    notes: str  # the summary note (edit --note)
    progress: list[dict[str, str]]  # dated notes, oldest first: {"on", "by", "text"}
    links: list[dict[str, str | None]]  # {"url", "label"}: releases, MoUs, pages
    phrases: dict[str, str | None]  # how its programme's release words it ("-": with another)
    phrases_back: dict[str, str | None]  # how the next programme's release, looking back, does
    starts_on: str | None  # YYYY-MM-DD: the day its event takes place, or the first
    ends_on: str | None  # the last day (the same for a one-day event); both or neither
    done_on: str | None  # YYYY-MM-DD, for a done project
    carried_to: int | None  # the project it was carried into
    created: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    updated: str
