"""What the group writes that is not a title: a programme's statement (the policy
sentence of its release) and a project's phrase (how the release words the item in
prose, where that differs from its title), each in the three languages.

A wording is stored as {"en": ..., "zh-hk": ..., "zh-cn": ...}, each text or None,
and is absent when it has no text at all. A project's phrase "-" says that the
release words the item together with another (the other's phrase names both): it
is left out of the prose, and stays in the annex.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr

TAGS = ("en", "zh-hk", "zh-cn")
WITH_ANOTHER = "-"
MAX_WORDING = 2000


def parse(value: Any, what: str) -> dict[str, str | None] | None:
    """A stored or imported wording, checked: None when it holds no text."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidValue(
            tr("{what} must be an object with en, zh-hk and zh-cn, not {value!r}").format(
                what=what, value=value
            )
        )
    unknown = sorted(set(value) - set(TAGS))
    if unknown:
        raise InvalidValue(
            tr("{what} has {unknown!r}; the languages are en, zh-hk and zh-cn").format(
                what=what, unknown=unknown[0]
            )
        )
    out: dict[str, str | None] = {}
    for tag in TAGS:
        text = value.get(tag)
        if text is not None and not isinstance(text, str):
            raise InvalidValue(
                tr("{what} ({tag}) must be text, not {text!r}").format(
                    what=what, tag=tag, text=text
                )
            )
        text = text.strip() if isinstance(text, str) else None
        if text and len(text) > MAX_WORDING:
            raise InvalidValue(
                tr("{what} ({tag}) is {count} characters; the limit is {max_wording}").format(
                    what=what, tag=tag, count=len(text), max_wording=MAX_WORDING
                )
            )
        if text and any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
            raise InvalidValue(
                tr("{what} ({tag}) holds a control character").format(what=what, tag=tag)
            )
        out[tag] = text or None
    return out if any(out.values()) else None


def with_given(current: Mapping[str, Any] | None, given: Mapping[str, str], what: str) -> Any:
    """The wording with the languages a person gave set (an empty text clears one)."""
    merged = {tag: (current or {}).get(tag) for tag in TAGS}
    merged.update({tag: text for tag, text in given.items() if tag in TAGS})
    return parse(merged, what)


def text_in(wording: Mapping[str, Any] | None, lang: str) -> str | None:
    """The wording in `lang`, or None (no fallback: each language is written, not
    converted or borrowed)."""
    if not isinstance(wording, Mapping):  # (a hand-edited file: read as none)
        return None
    text = wording.get(lang)
    return text if isinstance(text, str) and text else None
