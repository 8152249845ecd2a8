"""The three languages: their tags, conversion between the two Chinese scripts,
the form of a title or name shown in each, and matching across scripts.

A title or name has a main form (normally English) and two Chinese forms,
`zh-hk` (Traditional, as written in Hong Kong) and `zh-cn` (Simplified, as
written in Guangdong). A person may type either Chinese form; the other is
then made with OpenCC and listed as converted until a person sets it.
Conversion happens when text is entered, never when it is shown, and OpenCC
is imported only then: commands that convert nothing do not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ipcoop.base import i18n
from ipcoop.base.dates import shown_value
from ipcoop.base.errors import InvalidValue
from ipcoop.base.i18n import tr
from ipcoop.base.models import CHINESE

# OpenCC configurations that make each Chinese form from the other: s2hk gives
# Hong Kong variant characters (裏, 着), hk2s reads them back.
CONVERT_INTO = {"zh-hk": "s2hk", "zh-cn": "hk2s"}
# Characters from the CJK radicals block up: text that may need folding.
_CJK_START = 0x2E80

Forms = dict[str, str | None]


def parse_lang(value: Any, what: str = "--lang") -> str:
    """A language tag: en, zh-hk or zh-cn (any case; zh_HK also read)."""
    found = i18n.known(value)
    if found is not None:
        return found
    raise InvalidValue(
        tr("{what} must be one of en, zh-hk, zh-cn, not {value}").format(
            what=what, value=shown_value(value)
        )
    )


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """IPCOOP_LANG if set; otherwise the locale (zh_HK, zh_TW, zh_MO read
    zh-hk; zh_CN, zh_SG and a bare zh read zh-cn); otherwise English."""
    env = os.environ if environ is None else environ
    chosen = env.get("IPCOOP_LANG", "").strip()
    if chosen:
        return parse_lang(chosen, "IPCOOP_LANG")
    return i18n.locale_lang(environ)


def other(tag: str) -> str:
    return "zh-cn" if tag == "zh-hk" else "zh-hk"


_converters: dict[str, Any] = {}


def _opencc(config: str) -> Any:
    converter = _converters.get(config)
    if converter is None:
        import opencc

        converter = _converters[config] = opencc.OpenCC(config)
    return converter


# Punctuation each side writes: Hong Kong quotes with 「」 and writes zero in a year
# as ○; Guangdong quotes with “” and writes U+3007. OpenCC changes characters only.
_MARKS = {"zh-cn": str.maketrans("「」『』", "“”‘’"), "zh-hk": str.maketrans("“”‘’", "「」『』")}
_ZERO = {"zh-cn": ("○", "〇"), "zh-hk": ("〇", "○")}
_NUMERALS = "〇○零一二三四五六七八九十"


def convert(text: str, into: str) -> str:
    """`text` in the other Chinese script, written as `into` (zh-hk or zh-cn) writes it:
    its characters, its quotation marks, and the zero of a year written in words."""
    out = str(_opencc(CONVERT_INTO[into]).convert(text)).translate(_MARKS[into])
    old, new = _ZERO[into]
    if old in out:
        chars = list(out)
        for i, ch in enumerate(chars):
            near = chars[i - 1 : i] + chars[i + 1 : i + 2]
            if ch == old and any(c in _NUMERALS for c in near):
                chars[i] = new
        out = "".join(chars)
    return out


# What a text typed as one Chinese form would become in the standard other script.
_STANDARD = {"zh-hk": "s2t", "zh-cn": "t2s"}


def settled(record: dict[str, Any], given: Iterable[str]) -> dict[str, Any]:
    """An area or member after a person set the fields `given`: their conflicts (and
    those of the fields set with them) are settled, as `edit` settles a project's."""
    from ipcoop.store.provenance import group_of

    def group(field: str) -> str:  # as the merge groups them ("names", not "titles")
        return group_of(field, "areas")[0]

    touched = {group(f) for f in given}
    conflicts = {
        k: v for k, v in (record.get("conflicts") or {}).items() if group(k) not in touched
    }
    out = {k: v for k, v in record.items() if k != "conflicts"}
    return {**out, "conflicts": conflicts} if conflicts else out


def has_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def main_title_forms(title: str, given: Mapping[str, str]) -> dict[str, str]:
    """The Chinese forms a person gave, and, for a main title typed in Chinese with no
    form given, that title as the form of its own script (the other is then converted)."""
    if given or not has_chinese(title):
        return dict(given)
    return {"zh-cn" if looks_like_other_script(title, "zh-hk") else "zh-hk": title}


def looks_like_other_script(text: str, tag: str) -> bool:
    """Whether text typed as `tag` holds characters of the other script. Both OpenCC's
    phrases and its single characters must say so: 布局 is how Hong Kong writes it,
    though OpenCC's phrase table prefers 佈局."""
    converter = _opencc(_STANDARD[tag])
    if converter.convert(text) == text:
        return False
    chars = sorted({ch for ch in text if ord(ch) >= _CJK_START})
    return any(converter.convert(ch) != ch for ch in chars)


def no_forms() -> Forms:
    return {"zh-hk": None, "zh-cn": None}


def ordered(forms: Mapping[str, str | None] | None) -> Forms:
    """The forms in the contract's order (zh-hk, then zh-cn)."""
    forms = forms or {}
    return {"zh-hk": forms.get("zh-hk"), "zh-cn": forms.get("zh-cn")}


def set_forms(
    forms: Mapping[str, str | None] | None,
    converted: Iterable[str],
    given: Mapping[str, str],
) -> tuple[Forms, list[str]]:
    """The Chinese forms after a person gave `given` ({tag: text}).

    What a person gives is theirs, never converted. A form given alone makes the
    other one by conversion, unless a person set that one before.
    """
    out: Forms = {**no_forms(), **(forms or {})}
    marked = set(converted)
    for tag, text in given.items():
        out[tag] = text
        marked.discard(tag)
    for tag in CHINESE:
        second = other(tag)
        if tag in given and second not in given and (out[second] is None or second in marked):
            out[second] = convert(text_of(out, tag), second)
            marked.add(second)
    return out, [t for t in CHINESE if t in marked]


def text_of(forms: Mapping[str, str | None], tag: str) -> str:
    value = forms.get(tag)
    assert value is not None
    return value


def pick(main: str, forms: Mapping[str, str | None] | None, lang: str) -> str:
    """The form shown in `lang`: its own, else the other Chinese form, else the main one."""
    if lang == "en" or not forms:
        return main
    return forms.get(lang) or forms.get(other(lang)) or main


def name_in(record: Mapping[str, Any], lang: str) -> str:
    """An area's, member's or programme's name in `lang`."""
    return pick(record["name"], record.get("names"), lang)


def title_in(project: Mapping[str, Any], lang: str) -> str:
    return pick(project["title"], project.get("titles"), lang)


def is_converted(record: Mapping[str, Any], lang: str) -> bool:
    """Whether what `lang` shows of this record was made by conversion."""
    return lang in record.get("converted", ()) and lang != "en"


def folder(texts: Iterable[str]) -> Callable[[str], str]:
    """A function that folds text to one script (Simplified), character by
    character, and case: 粵港 and 粤港 fold alike. It knows the characters of
    `texts`; OpenCC is imported only if they hold Chinese."""
    chars = sorted({ch for text in texts for ch in text if ord(ch) >= _CJK_START})
    if not chars:
        return str.casefold
    import opencc

    simplified = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(simplified) != len(chars):  # never seen; then one at a time
        simplified = [opencc.OpenCC("t2s").convert(ch) for ch in chars]
    table = {ord(c): s for c, s in zip(chars, simplified, strict=True) if c != s}
    return lambda text: text.translate(table).casefold()


def typed(zh_hk: str | None, zh_cn: str | None) -> dict[str, str]:
    """The Chinese forms a person gave on the command line (options left out are None)."""
    return {t: v for t, v in (("zh-hk", zh_hk), ("zh-cn", zh_cn)) if v is not None}


def checked(given: Mapping[str, str], what: str) -> dict[str, str]:
    """Forms a person gave, each checked (and trimmed) as a title is."""
    from ipcoop.base import models

    return {t: models.parse_title(v, f"{what} ({t})") for t, v in given.items()}


def with_names(
    record: dict[str, Any], given: Mapping[str, str], what: str = "name"
) -> dict[str, Any]:
    """An area, member or programme with the Chinese names a person gave (checked)."""
    names, converted = set_forms(
        record.get("names"), record.get("converted", ()), checked(given, what)
    )
    return {**record, "names": names, "converted": converted}


def entry_notes(
    given: Mapping[str, str],
    forms: Mapping[str, str | None],
    converted: Iterable[str],
    what: str = "title",
) -> list[str]:
    """What a person may want to know after typing Chinese forms: a form that looks
    like the other script (kept as typed), and a form kept because a person set it."""
    notes = []
    script = {"zh-hk": "Simplified", "zh-cn": "Traditional"}
    for tag, text in given.items():
        if looks_like_other_script(text, tag):
            notes.append(
                tr(
                    "the {tag} {what} looks like {script} Chinese; it is kept as typed "
                    "(zh-hk is Traditional as written in Hong Kong, zh-cn Simplified)"
                ).format(tag=tag, what=what, script=script[tag])
            )
    if len(given) == 1:
        (tag,) = given
        second = other(tag)
        if forms.get(second) is not None and second not in set(converted):
            notes.append(
                tr(
                    "the {second} {what} was set by a person and is kept; give --{second} "
                    "too if it should change"
                ).format(second=second, what=what)
            )
    return notes
