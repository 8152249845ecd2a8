"""The interface's language: every message a person reads passes through `tr`.

The English text is the message's id; the Hong Kong (zh-hk) and Guangdong (zh-cn)
texts come from gettext catalogs compiled into ipcoop/locale (their sources are
po/*.po, written by people, each side in its own terms). English needs no file:
`tr` hands back the id. A catalog is read once, on the first message of a run.

    tr("no project with id {id}").format(id=99)

A message keeps its id (`Text.msgid`) through `format`, so an error knows which
message it is in every language (its stable code, see `code_of`).

IPCOOP_PSEUDO=1 wraps every message in ⟦ ⟧ (tests/cli/test_languages.py): text
outside the brackets reached a person without passing through the catalog.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# The catalog of each language, under LOCALE/<folder>/LC_MESSAGES/ipcoop.mo.
FOLDERS = {"zh-hk": "zh_HK", "zh-cn": "zh_CN"}
DOMAIN = "ipcoop"
OPEN, CLOSE = "⟦", "⟧"

# The run's language, its catalog once read, and whether the pseudo-language is on.
_state: dict[str, Any] = {"lang": "en", "catalog": None, "pseudo": None}


class Text(str):
    """A message in the interface's language that remembers its English id."""

    msgid: str

    def __new__(cls, value: str, msgid: str) -> Text:
        made = super().__new__(cls, value)
        made.msgid = msgid
        return made

    def format(self, *args: Any, **kwargs: Any) -> Text:
        return Text(str.format(self, *args, **kwargs), self.msgid)


def use(lang: str) -> None:
    """Speak `lang` (en, zh-hk or zh-cn) from here on."""
    if lang != _state["lang"]:
        _state.update(lang=lang, catalog=None)


def current() -> str:
    return str(_state["lang"])


def pseudo() -> bool:
    if _state["pseudo"] is None:
        _state["pseudo"] = os.environ.get("IPCOOP_PSEUDO", "") == "1"
    return bool(_state["pseudo"])


def tr(msgid: str) -> Text:
    """The message `msgid` in the interface's language (English when untranslated)."""
    if pseudo():
        return Text(f"{OPEN}{msgid}{CLOSE}", msgid)
    if _state["lang"] == "en":
        return Text(msgid, msgid)
    return Text(catalog().gettext(msgid), msgid)


def catalog(lang: str | None = None) -> Any:
    """The gettext translations of `lang` (default: the current one); English when
    its catalog is missing or unreadable, as in a broken install."""
    if lang is not None and lang != _state["lang"]:
        return _read(lang)
    if _state["catalog"] is None:
        _state["catalog"] = _read(_state["lang"])
    return _state["catalog"]


def _read(lang: str) -> Any:
    import gettext

    folder = FOLDERS.get(lang)
    if folder is not None:
        try:
            with (LOCALE / folder / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
                return gettext.GNUTranslations(file)
        except Exception:  # missing, or damaged in any way gettext can fail: English
            pass
    return gettext.NullTranslations()


def code_of(message: str) -> str | None:
    """The stable code of an error message ("E042"): the same in every language, kept
    in LOCALE/codes.txt by tools/i18n.py (a code is never given to another message)."""
    msgid = getattr(message, "msgid", None)
    if msgid is None:
        return None
    try:
        lines = (LOCALE / "codes.txt").read_text("utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        code, _, text = line.partition(" ")
        if text.replace("\\n", "\n") == msgid:
            return code
    return None
