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

# The run's language, and its catalog once read.
_state: dict[str, Any] = {"lang": "en", "catalog": None}


class Text(str):
    """A message in the interface's language that remembers its English id."""

    msgid: str
    cause: str | None = None

    def __new__(cls, value: str, msgid: str) -> Text:
        made = super().__new__(cls, value)
        made.msgid = msgid
        return made

    def format(self, *args: Any, **kwargs: Any) -> Text:
        # A word that says what a value is ("title", "the last commit") is translated
        # too; a value of the user's never is (it comes in other placeholders). In
        # Chinese it runs on: no space between it and the Chinese beside it.
        words: dict[str, str] = {}
        for name in _DESCRIBING.intersection(kwargs):
            value = kwargs[name]
            if type(value) is str and value in VOCABULARY and f"{{{name}}}" in self:
                words[f"\x00{len(words)}\x00"] = tr(value)
                kwargs[name] = f"\x00{len(words) - 1}\x00"
        try:
            text = str.format(self, *args, **kwargs)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            # A translation whose placeholders differ (a damaged catalog): the English.
            text = str.format(self.msgid, *args, **kwargs)
        for mark_, word in words.items():
            text = _run_on(text, mark_, word)
        made = Text(text, self.msgid)
        # What an error is about: its own message, inside "{message} (see ...)".
        inner = kwargs.get("message")
        made.cause = getattr(inner, "cause", None) or getattr(inner, "msgid", None)
        return made


def _run_on(text: str, placeholder: str, word: str) -> str:
    """`text` with `word` in place of `placeholder`, and the spaces around it dropped
    where the word and its neighbour are both Chinese."""
    import re

    def wide(char: str) -> bool:
        return "\u2e80" <= char <= "\uffef"

    def put(found: re.Match[str]) -> str:
        before, after = found.group(1), found.group(3)
        left = (
            ""
            if before
            and word
            and wide(word[0])
            and wide(text[found.start() - 1 : found.start()] or "a")
            else before
        )
        right = (
            ""
            if after
            and word
            and wide(word[-1])
            and wide(text[found.end() : found.end() + 1] or "a")
            else after
        )
        return left + word + right

    return re.sub(f"( ?)({re.escape(placeholder)})( ?)", put, text)


def mark(msgid: str) -> str:
    """`msgid` as it is: marks a message that is translated later, by `tr(variable)`."""
    return msgid


# Placeholders that say what a value is, and the words the code puts in them.
_DESCRIBING = frozenset({"what", "noun", "label", "kind", "ident", "table", "where"})
VOCABULARY = frozenset(
    {
        mark("project"),
        mark("projects"),
        mark("title"),
        mark("name"),
        mark("notes"),
        mark("area"),
        mark("programme"),
        mark("the header row"),
        mark("member"),
        mark("agency"),
        mark("code"),
        mark("year"),
        mark("period"),
        mark("date"),
        mark("area name"),
        mark("area key"),
        mark("key projects"),
        mark("enforcement"),
        mark("look back"),
        mark("member name"),
        mark("programme name"),
        mark("phrase"),
        mark("statement"),
        mark("the key"),
        mark("this copy's key"),
        mark("a held merge"),
        mark("the common version"),
        mark("the last commit"),
        mark("the other version"),
        mark("this copy's version"),
    }
)


# Tags as people write them, and the locales whose people read a Chinese form.
_ALIASES = {"zh_hk": "zh-hk", "zh_cn": "zh-cn", "zh-hant-hk": "zh-hk", "zh-hans-cn": "zh-cn"}
_LOCALES = {
    "zh_hk": "zh-hk",
    "zh_tw": "zh-hk",
    "zh_mo": "zh-hk",
    "zh_hant": "zh-hk",
    "zh_cn": "zh-cn",
    "zh_sg": "zh-cn",
    "zh_hans": "zh-cn",
    "zh_my": "zh-cn",
    "zh": "zh-cn",
}


def known(value: object) -> str | None:
    """The tag en, zh-hk or zh-cn that `value` names (any case; zh_HK too), or None."""
    text = value.strip().lower() if isinstance(value, str) else ""
    text = _ALIASES.get(text, text)
    return text if text in ("en", "zh-hk", "zh-cn") else None


def locale_lang(environ: Any = None) -> str:
    """The language of the user's locale: the first of LC_ALL, LC_MESSAGES and LANG
    that is set decides, as POSIX says (zh_HK, zh_TW, zh_MO read zh-hk; zh_CN, zh_SG
    and a bare zh read zh-cn; anything else, or nothing readable, English). Where
    none is set, as usual on Windows, the user's interface language."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = str(env.get(name, "")).strip()
        if value:
            return _LOCALES.get(_locale_base(value), "en")
    if environ is None and os.name == "nt":
        return _windows_lang()
    return "en"


def _locale_base(value: str) -> str:
    """zh_HK.UTF-8@euro -> zh_hk; zh-Hant-TW -> zh_hant (script before region)."""
    first = value.split(":", maxsplit=1)[0]  # "zh_HK:en", as LANGUAGE lists them
    base = first.split(".", maxsplit=1)[0].split("@", maxsplit=1)[0].replace("-", "_").lower()
    parts = base.split("_")
    if len(parts) > 2:
        return "_".join(parts[:2])
    return base


def _windows_lang() -> str:
    try:
        import ctypes
        import locale

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        return _LOCALES.get(_locale_base(locale.windows_locale.get(lcid, "")), "en")
    except (AttributeError, OSError, ValueError):
        return "en"


def use(lang: str) -> None:
    """Speak `lang` (en, zh-hk or zh-cn) from here on."""
    if lang != _state["lang"]:
        _state.update(lang=lang, catalog=None)


def current() -> str:
    return str(_state["lang"])


def pseudo() -> bool:
    return os.environ.get("IPCOOP_PSEUDO", "") == "1"


def tr(msgid: str) -> str:
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
    ids = [getattr(message, "cause", None), getattr(message, "msgid", None)]
    try:
        lines = (LOCALE / "codes.txt").read_text("utf-8").splitlines()
    except (OSError, ValueError):  # missing or damaged: no code, never a failure
        return None
    codes = {}
    for line in lines:
        code, _, text = line.partition(" ")
        codes[text.replace("\\n", "\n")] = code
    return next((codes[i] for i in ids if i in codes), None)
