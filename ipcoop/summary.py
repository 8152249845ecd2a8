"""Year-end figures: projects and areas in, numbers out. No I/O, no Rich.

A project counts in the period of its programme `year`. `percent_done` is
done / (total - dropped) x 100, rounded to one decimal, 0.0 when nothing
counts: a dropped project does not count against the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ipcoop.models import STATUSES


def percent_done(done: int, total: int, dropped: int) -> float:
    counted = total - dropped
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


def counts(projects: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """total, a count per status, and percent_done of some projects."""
    tally = dict.fromkeys(STATUSES, 0)
    for p in projects:
        tally[p["status"]] += 1
    return figures(list(tally.values()))


def figures(by_status: list[int]) -> dict[str, Any]:
    """total, the counts and percent_done from [planned, active, done, dropped]."""
    tally = dict(zip(STATUSES, by_status, strict=True))
    total = sum(by_status)
    return {
        "total": total,
        **tally,
        "percent_done": percent_done(tally["done"], total, tally["dropped"]),
    }


def summarize(
    projects: Sequence[dict[str, Any]],
    areas: Sequence[dict[str, Any]],
    start: int,
    end: int,
) -> dict[str, Any]:
    """The contract's summary of start..end, plus a few extra figures.

    Extras beyond the contract's shape: `done_in_period` (done with a done_on
    inside the period), `done_late` (done after the period ended) and
    `done_undated` (done, date unknown).

    Each project needs id, area, year, status, key and done_on; key projects
    are listed as given.
    """
    chosen = [p for p in projects if start <= p["year"] <= end]
    area_rows = []
    listed = set()
    for area in areas:
        mine = [p for p in chosen if p["area"] == area["key"]]
        if mine or in_force(area, start, end):
            area_rows.append({"key": area["key"], "name": area["name"], **counts(mine)})
            listed.add(area["key"])
    # Projects in an area the table no longer knows still count, under their key.
    for key in sorted({p["area"] for p in chosen} - listed):
        mine = [p for p in chosen if p["area"] == key]
        area_rows.append({"key": key, "name": key, **counts(mine)})

    first_day, last_day = f"{start}-01-01", f"{end}-12-31"
    done = [p for p in chosen if p["status"] == "done"]
    before_prev = previous_period(start, end)
    prev_projects = [p for p in projects if before_prev[0] <= p["year"] <= before_prev[1]]
    previous = None
    if prev_projects:
        prev = counts(prev_projects)
        previous = {
            "period": period_label(*before_prev),
            "total": prev["total"],
            "done": prev["done"],
            "percent_done": prev["percent_done"],
        }
    return {
        "period": period_label(start, end),
        "from": start,
        "to": end,
        **counts(chosen),
        "areas": area_rows,
        "key_projects": [p for p in chosen if p["key"]],
        "previous": previous,
        "done_in_period": sum(
            1 for p in done if p["done_on"] and first_day <= p["done_on"] <= last_day
        ),
        "done_late": sum(1 for p in done if p["done_on"] and p["done_on"] > last_day),
        "done_undated": sum(1 for p in done if not p["done_on"]),
    }


def summarize_stats(
    stats: dict[str, Any],
    areas: Sequence[dict[str, Any]],
    start: int,
    end: int,
    key_projects: list[dict[str, Any]],
) -> dict[str, Any]:
    """`summarize`, from the per-year figures the file keeps (see store.project_stats).

    stats: {"<year>": {"areas": {key: [planned, active, done, dropped]},
    "done_on": {"<year done>" or "": count}, "key": [ids]}}. Gives the same
    result as `summarize` over the projects themselves (a test checks this).
    """

    def tally(first: int, last: int) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for year in range(first, last + 1):
            for key, counts in stats.get(str(year), {}).get("areas", {}).items():
                total = out.setdefault(key, [0, 0, 0, 0])
                for i, n in enumerate(counts):
                    total[i] += n
        return out

    by_area = tally(start, end)
    area_rows = []
    listed = set()
    for area in areas:
        counts = by_area.get(area["key"], [0, 0, 0, 0])
        if sum(counts) or in_force(area, start, end):
            area_rows.append({"key": area["key"], "name": area["name"], **figures(counts)})
            listed.add(area["key"])
    for key in sorted(k for k, c in by_area.items() if sum(c) and k not in listed):
        area_rows.append({"key": key, "name": key, **figures(by_area[key])})
    overall = [sum(c[i] for c in by_area.values()) for i in range(4)]
    before = previous_period(start, end)
    prev_counts = [sum(c[i] for c in tally(*before).values()) for i in range(4)]
    previous = None
    if sum(prev_counts):
        prev = figures(prev_counts)
        previous = {"period": period_label(*before), "total": prev["total"],
                    "done": prev["done"], "percent_done": prev["percent_done"]}
    done_on: dict[str, int] = {}
    for year in range(start, end + 1):
        for when, n in stats.get(str(year), {}).get("done_on", {}).items():
            done_on[when] = done_on.get(when, 0) + n
    return {
        "period": period_label(start, end),
        "from": start,
        "to": end,
        **figures(overall),
        "areas": area_rows,
        "key_projects": key_projects,
        "previous": previous,
        "done_in_period": sum(n for w, n in done_on.items() if w and start <= int(w) <= end),
        "done_late": sum(n for w, n in done_on.items() if w and int(w) > end),
        "done_undated": done_on.get("", 0),
    }


def headline(summary: dict[str, Any]) -> str:
    """One sentence for the report: 'In 2020 the group implemented 27 of its 30 ...'."""
    period = summary["period"]
    total, done = summary["total"], summary["done"]
    if total == 0:
        return f"No co-operation projects are recorded for {period}."
    noun = "project" if total == 1 else "projects"
    parts = [
        f"In {period} the Expert Group implemented {done} of its {total} co-operation "
        f"{noun} ({summary['percent_done']:.1f}% of those not dropped)"
    ]
    if summary["dropped"]:
        dropped = summary["dropped"]
        parts.append(f"{dropped} {'was' if dropped == 1 else 'were'} dropped")
    still = summary["planned"] + summary["active"]
    if still:
        parts.append(f"{still} {'is' if still == 1 else 'are'} still open")
    sentence = "; ".join(parts) + "."
    prev = summary["previous"]
    if prev:
        sentence += (
            f" In {prev['period']} it implemented {prev['done']} of {prev['total']} "
            f"({prev['percent_done']:.1f}%)."
        )
    return sentence
