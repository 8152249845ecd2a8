"""Figures: projects and areas in, numbers out. No I/O, no Rich.

Two kinds of summary:
- a programme's (`2020`, `2022-23` as the group keys them): its projects,
  its areas in its order (as endorsed, if it was), compared with the
  programme that started before it;
- a year or range of years (`2021`, `2020-2021`): the projects of the
  programmes that start in it, as v1 counted them, compared with the period
  of the same length before.

`percent_done` is done / (total - dropped - carried) x 100, rounded to one
decimal, 0.0 when nothing counts: a dropped or carried project does not
count against its programme.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ipcoop.base.models import STATUSES

NONE = [0] * len(STATUSES)


def counted(figures: dict[str, Any]) -> int:
    """The projects a percentage is of: neither dropped nor carried into another programme."""
    return int(figures["total"]) - int(figures["dropped"]) - int(figures.get("carried", 0))


def share(figures: dict[str, Any]) -> str:
    """The done percentage as reports print it: a dash when no project counts (all of
    them dropped or carried), where the figure 0.0 would say that none was done."""
    return f"{figures['percent_done']:.1f}" if counted(figures) > 0 else "—"


def span_label(key: str, start: str, end: str) -> str:
    """A programme as text names it: its key, unless the programme has outgrown the
    years its key says (2020 extended through 2021, 2022-23 through 2024); then the
    years it spans (2020-2021, 2022-2024)."""
    import re

    first, last = start[:4], end[:4]
    ranged = re.fullmatch(r"(\d{4})-(\d{2}|\d{4})", key)
    if ranged and ranged.group(1) == first:
        said = ranged.group(2)
        if int(last[-len(said) :]) != int(said) or int(last) < int(first):
            return f"{first}-{last}"
        return key
    if not (key.isdigit() and first == key) or (start, end) == (f"{key}-01", f"{key}-12"):
        return key
    return first if first == last else f"{first}-{last}"


def percent_done(done: int, total: int, dropped: int, carried: int = 0) -> float:
    counted = total - dropped - carried
    return round(done * 100 / counted, 1) if counted > 0 else 0.0


def period_label(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def previous_period(start: int, end: int) -> tuple[int, int]:
    """The period of the same length just before: 2019 for 2020, 2020-2021 for 2022-2023."""
    length = end - start + 1
    return start - length, start - 1


def latest_year(projects: Iterable[dict[str, Any]]) -> int | None:
    return max((p["year"] for p in projects), default=None)


def in_force(area: dict[str, Any], start: int, end: int) -> bool:
    """Whether an area is in force in any year of start..end (None = unbounded)."""
    first = area.get("from")
    last = area.get("until")
    return (first is None or first <= end) and (last is None or last >= start)


def counts(projects: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """total, a count per status, and percent_done of some projects."""
    tally = dict.fromkeys(STATUSES, 0)
    for p in projects:
        tally[p["status"]] += 1
    return figures(list(tally.values()))


def figures(by_status: Sequence[int]) -> dict[str, Any]:
    """total, the counts and percent_done from [planned, active, done, dropped, carried]."""
    tally = dict(zip(STATUSES, by_status, strict=True))
    total = sum(by_status)
    return {
        "total": total,
        **tally,
        "percent_done": percent_done(tally["done"], total, tally["dropped"], tally["carried"]),
    }


class Tally:
    """Counts by area and status, done projects by month, and the key projects' ids."""

    def __init__(self) -> None:
        self.by_area: dict[str, list[int]] = {}
        self.months: dict[str, int] = {}
        self.keys: list[int] = []
        self.events: list[int] = []  # projects with an event's date, to take place

    def add_counts(self, area: str, by_status: Sequence[int]) -> None:
        row = self.by_area.setdefault(area, list(NONE))
        for i, n in enumerate(by_status):
            row[i] += n

    def overall(self) -> list[int]:
        return [sum(row[i] for row in self.by_area.values()) for i in range(len(STATUSES))]


def tally_rows(projects: Iterable[dict[str, Any]], wanted: Callable[[dict], bool]) -> Tally:
    tally = Tally()
    index = {s: i for i, s in enumerate(STATUSES)}
    for p in projects:
        if not wanted(p):
            continue
        row = tally.by_area.setdefault(p["area"], list(NONE))
        row[index[p["status"]]] += 1
        if p["status"] == "done":
            month = p["done_on"][:7] if p["done_on"] else ""
            tally.months[month] = tally.months.get(month, 0) + 1
        if p["key"]:
            tally.keys.append(p["id"])
        if p.get("starts_on") and p["status"] not in ("dropped", "carried"):
            tally.events.append(p["id"])
    return tally


def tally_stats(stats: dict[str, Any], wanted: Callable[[str, dict], bool]) -> Tally:
    """The same, from the figures the cache keeps per programme."""
    tally = Tally()
    for programme, entry in stats.items():
        if not wanted(programme, entry):
            continue
        for area, by_status in entry["areas"].items():
            tally.add_counts(area, by_status)
        for month, n in entry["done_on"].items():
            tally.months[month] = tally.months.get(month, 0) + n
        tally.keys.extend(entry["key"])
        tally.events.extend(entry.get("events", ()))
    tally.keys.sort()
    tally.events.sort()
    return tally


def build(
    tally: Tally,
    area_rows: list[dict[str, Any]],
    label: str,
    first: str,
    last: str,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """The summary's shape from a tally and the areas to list (key, name), in order.

    `first` and `last` are the period's first and last months (YYYY-MM); done
    projects are counted by when they were done: in the period, after it, or
    undated.
    """
    rows = []
    listed = set()
    for area in area_rows:
        rows.append(
            {
                "key": area["key"],
                "name": area["name"],
                "names": dict(area.get("names") or {"zh-hk": None, "zh-cn": None}),
                **figures(tally.by_area.get(area["key"], NONE)),
            }
        )
        listed.add(area["key"])
    # Projects in an area the summary does not list still count, under their key.
    for key in sorted(k for k, c in tally.by_area.items() if sum(c) and k not in listed):
        rows.append(
            {
                "key": key,
                "name": key,
                "names": {"zh-hk": None, "zh-cn": None},
                **figures(tally.by_area[key]),
            }
        )
    months = dict(sorted((m, n) for m, n in tally.months.items() if m and n))
    return {
        "period": label,
        "from": int(first[:4]),
        "to": int(last[:4]),
        **figures(tally.overall()),
        "areas": rows,
        "key_projects": tally.keys,
        "events": tally.events,
        "previous": previous,
        "done_in_period": sum(n for m, n in months.items() if first <= m <= last),
        "done_late": sum(n for m, n in months.items() if m > last),
        "done_undated": tally.months.get("", 0),
        "done_by_month": months,
    }


def previous_figures(tally: Tally, label: str, reported: int | None = None) -> dict | None:
    overall = tally.overall()
    if not sum(overall) and reported is None:
        return None
    shown = figures(overall)
    previous = {
        "period": label,
        "total": shown["total"],
        "done": shown["done"],
        "percent_done": shown["percent_done"],
    }
    if reported is not None:
        previous["reported_done"] = reported
    return previous


def years_summary(
    tally: Tally, previous: Tally, areas: Sequence[dict[str, Any]], start: int, end: int
) -> dict[str, Any]:
    """The summary of the years start..end: every area in force in them, and every
    area with projects in them; compared with the period of the same length before."""
    rows = [
        {"key": a["key"], "name": a["name"], "names": a.get("names")}
        for a in areas
        if in_force(a, start, end) or any(tally.by_area.get(a["key"], ()))
    ]
    before = previous_period(start, end)
    return build(
        tally,
        rows,
        period_label(start, end),
        f"{start}-01",
        f"{end}-12",
        previous_figures(previous, period_label(*before)),
    )


def summarize(
    projects: Sequence[dict[str, Any]], areas: Sequence[dict[str, Any]], start: int, end: int
) -> dict[str, Any]:
    """`years_summary` from the projects themselves (each with id, area, year,
    status, key and done_on); key projects are listed as given, in id order."""
    before = previous_period(start, end)
    figures = years_summary(
        tally_rows(projects, lambda p: start <= p["year"] <= end),
        tally_rows(projects, lambda p: before[0] <= p["year"] <= before[1]),
        areas,
        start,
        end,
    )
    for field in ("key_projects", "events"):
        ids = set(figures[field])
        figures[field] = sorted((p for p in projects if p["id"] in ids), key=lambda p: p["id"])
    return figures
