"""A project's dated progress notes and its links: their checks and the rules that change them.

Progress notes are what happened, when, and which copy wrote it ("2021-03-02,
GDAMR: the seminar was held in Guangzhou"); they are appended, never edited,
and both sides' notes are kept when copies merge. The summary note (`edit
--note`) stays the one sentence a summary prints. Links point at what the
group publishes about a project: a press release, an MoU, the annex page.
Only http and https addresses are kept: a link is opened from HTML and Word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ipcoop.base import models
from ipcoop.base.dates import parse_date
from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr

MAX_NOTE = 2_000
MAX_LABEL = 200
MAX_URL = 2_000
MAX_ENTRIES = 500
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(tr("a progress note must be some text"))
    text = value.strip()
    if len(text) > MAX_NOTE:
        raise InvalidValue(
            tr("a progress note is {count} characters long; the limit is {max_note}").format(
                count=len(text), max_note=MAX_NOTE
            )
        )
    return models.parse_notes(text)


def parse_url(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text) if text and len(text) <= MAX_URL else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidValue(
            tr("a link must be a web address starting http:// or https://, not {text!r}").format(
                text=text[:60]
            )
        )
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise InvalidValue(tr("a link must not hold spaces or control characters"))
    return text


def parse_label(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return models.parse_title(value, "--label")[:MAX_LABEL]


def entry_problem(entry: Any) -> str | None:
    """Why a stored progress note is not one `note` could have written, or None."""
    if not isinstance(entry, dict) or set(entry) != {"on", "by", "text"}:
        return "a progress note is not {on, by, text}"
    if not all(isinstance(entry[k], str) for k in entry) or not _DATE.match(entry["on"]):
        return "a progress note has a bad value"
    try:
        parse_date(entry["on"])
        if parse_text(entry["text"]) != entry["text"]:
            return "a progress note's text is not in its normal form"
    except InvalidValue:
        return "a progress note has a bad date or text"
    if not entry["by"].strip() or len(entry["by"]) > MAX_LABEL:
        return "a progress note does not say which copy wrote it"
    return None


def link_problem(link: Any) -> str | None:
    """Why a stored link is not one `link` could have written, or None."""
    if not isinstance(link, dict) or set(link) != {"url", "label"}:
        return "a link is not {url, label}"
    label = link["label"]
    if label is not None and (not isinstance(label, str) or parse_label(label) != label):
        return "a link's label has a bad value"
    try:
        if parse_url(link["url"]) != link["url"]:
            return "a link's address has spaces around it"
    except InvalidValue:
        return "a link's address is not http or https"
    return None


def list_problem(field: str, items: Any) -> str | None:
    """Why a project's notes or links as a whole are not what the commands keep."""
    if not isinstance(items, list) or not items:
        return f"the field {field!r} is not a list of entries (an empty one is not stored)"
    if len(items) > MAX_ENTRIES:
        return f"the field {field!r} holds more than {MAX_ENTRIES} entries"
    check = entry_problem if field == "progress" else link_problem
    for item in items:
        found = check(item)
        if found:
            return found
    keys = [item["url"] for item in items] if field == "links" else [repr(i) for i in items]
    if len(set(keys)) != len(keys):
        return f"the field {field!r} holds an entry twice"
    return None


def with_note(project: Mapping[str, Any], text: str, on: str, by: str) -> list[dict[str, str]]:
    """The project's progress notes with a new one, in date order (a note dated
    earlier than others goes before them)."""
    notes = [*project["progress"], {"on": on, "by": by, "text": parse_text(text)}]
    if len(notes) > MAX_ENTRIES:
        raise InvalidValue(
            tr("a project holds at most {max_entries} progress notes").format(
                max_entries=MAX_ENTRIES
            )
        )
    return sorted(notes, key=lambda n: n["on"])


def with_link(project: Mapping[str, Any], url: str, label: str | None) -> list[dict[str, Any]]:
    """The project's links with `url` added, or its label changed if it is there."""
    url, label = parse_url(url), parse_label(label)
    links = [dict(link) for link in project["links"]]
    for link in links:
        if link["url"] == url:
            link["label"] = label
            return links
    if len(links) >= MAX_ENTRIES:
        raise InvalidValue(
            tr("a project holds at most {max_entries} links").format(max_entries=MAX_ENTRIES)
        )
    return [*links, {"url": url, "label": label}]


def without_link(project: Mapping[str, Any], url: str) -> list[dict[str, Any]]:
    links = [link for link in project["links"] if link["url"] != url.strip()]
    if len(links) == len(project["links"]):
        held = ", ".join(link["url"] for link in project["links"]) or tr("none")
        raise InvalidValue(
            tr("project {id} has no link {strip!r} (it has: {held})").format(
                id=project["id"], strip=url.strip(), held=held
            )
        )
    return links
