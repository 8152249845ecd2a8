"""The release's paragraphs that word the projects in prose, as the group writes them:
the key projects, cross-border enforcement in the new programme, and the look back
at the previous programme area by area (the Greater Bay Area first, the other
collaboration, cross-border protection).

An item is worded by its phrase in the language (how the group says it: "continuing
to promote ...", "organising the ... Contest 2020 as well as ..."), else by its
title; an item whose phrase is "-" is worded with another's and left out here.
Which area is which part is by its key: `gba` and `protection`, the group's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ipcoop.base import wording
from ipcoop.core.languages import title_in

GBA, PROTECTION = "gba", "protection"

# Ordinary words a project's title may start with: inside a sentence they take
# a small letter. Anything else (Guangdong-Hong Kong-Macao ..., Customs) keeps its capital.
_ORDINARY_WORDS = """promote promoting exchange exchanges organise organising organize organizing
continue continuing support supporting combat combating strengthen strengthening enhance
enhancing hold holding joint seminar seminars training study studies other short production
produce publicity explore exploring conduct conducting develop developing encourage
encouraging set setting launch launching participate participating co-organise co-organising"""
_ORDINARY = frozenset(_ORDINARY_WORDS.split())


def in_sentence(title: str) -> str:
    """A title inside an English sentence: an ordinary first word in small letters."""
    first = title.split(" ", 1)[0].rstrip(":,;")
    if first.lower() in _ORDINARY and first[:1].isupper() and first[1:] == first[1:].lower():
        return title[0].lower() + title[1:]
    return title


def series(items: list[str], lang: str, last: str = "") -> str:
    """a, b and c / a、b及c / a、b和c (names); `last` joins a list of clauses."""
    if len(items) < 2:
        return "".join(items)
    if lang == "en":
        return ", ".join(items[:-1]) + " and " + items[-1]
    return "、".join(items[:-1]) + ("及" if lang == "zh-hk" else "和") + items[-1]


def clauses(items: list[str], lang: str) -> str:
    """Items of a sentence separated by semicolons, the last after 'and' / 以及."""
    if len(items) < 2:
        return "".join(items)
    if lang == "en":
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return "；".join(items[:-1]) + "；以及" + items[-1]


TEXT = {
    "en": {
        "keys": "Key co-operation projects include {items}.",
        "enforce": "On cross-border protection of IP, {sentences}",
        "enforce_titles": "On cross-border protection of IP, the projects include {items}.",
        "back": "Looking back at {prev}, members of the Expert Group forged closer "
        "co-operation and implemented a total of {n} co-operation project{s}, actively "
        "promoting regional IP development.",
        "past": "the past year",
        "back_gba": "With respect to promoting IP co-operation in the Greater Bay Area, the "
        "Expert Group proactively explored the co-operation opportunities in the Greater Bay "
        "Area through organising a wide array of activities, including {items}.",
        "back_other": "Other collaboration projects include {items}.",
        "back_protection": "As for cross-border protection of IP, law enforcement authorities "
        "in Guangdong and Hong Kong {items}.",
        "back_protection_titles": "As for cross-border protection of IP, the projects carried "
        "out include {items}.",
    },
    "zh-hk": {
        "keys": "重點合作項目包括{items}。",
        "enforce": "在跨境知識產權保護方面，{sentences}",
        "enforce_titles": "在跨境知識產權保護方面，有關項目包括{items}。",
        "back": "回顧{prev}，專責小組成員緊密合作，共落實{n}個合作項目，積極推動區域知識產權發展。",
        "past": "過去一年",
        "back_gba": "在推動大灣區知識產權合作方面，專責小組透過舉辦一系列活動，包括{items}，"
        "積極探索大灣區的合作機遇。",
        "back_other": "其他合作項目包括{items}。",
        "back_protection": "在跨境知識產權保護方面，粵港兩地執法部門{items}。",
        "back_protection_titles": "在跨境知識產權保護方面，已落實的項目包括{items}。",
    },
    "zh-cn": {
        "keys": "重点合作项目包括{items}。",
        "enforce": "在跨境知识产权保护方面，{sentences}",
        "enforce_titles": "在跨境知识产权保护方面，有关项目包括{items}。",
        "back": "回顾{prev}，专责小组成员紧密合作，共落实{n}项合作项目，积极推动区域知识产权发展。",
        "past": "过去一年",
        "back_gba": "在推动大湾区知识产权合作方面，专责小组通过举办一系列活动，包括{items}，"
        "积极探索大湾区的合作机遇。",
        "back_other": "其他合作项目包括{items}。",
        "back_protection": "在跨境知识产权保护方面，粤港两地执法部门{items}。",
        "back_protection_titles": "在跨境知识产权保护方面，已落实的项目包括{items}。",
    },
}


def worded(
    items: Sequence[dict[str, Any]],
    lang: str,
    field: str = "phrases",
    skipped: Sequence[int] = (),
) -> tuple[list[str], bool]:
    """Each item's words in `lang` (its phrase, else its title as a sentence takes it),
    in id order; an item worded with another ('-') left out when the item just before
    it has a phrase that words it (else, that one dropped: `skipped`, it is worded by
    its title); and whether every one had a phrase."""
    out, all_phrased = [], True
    covered = False  # the item just before has a phrase that words the next '-'
    last = 0
    for p in sorted(items, key=lambda p: p["id"]):
        if any(last < gone < p["id"] for gone in skipped):
            covered = False  # the item between, whose phrase may have worded this, is gone
        last = p["id"]
        phrase = wording.text_in(p.get(field), lang)
        if phrase == wording.WITH_ANOTHER and covered:
            continue
        if phrase is None or phrase == wording.WITH_ANOTHER:
            all_phrased = False
            title = title_in(p, lang)
            phrase = in_sentence(title) if lang == "en" else title
            covered = False
        else:
            covered = True
        out.append(phrase)
    return out, all_phrased


def listed(items: list[str], lang: str) -> str:
    """A list inside a sentence: a, b and c / a、b，以及c."""
    if len(items) < 2:
        return "".join(items)
    if lang == "en":
        return ", ".join(items[:-1]) + ", and " + items[-1]
    return "、".join(items[:-1]) + "，以及" + items[-1]


def key_projects(
    items: Sequence[dict[str, Any]], lang: str, skipped: Sequence[int] = ()
) -> str | None:
    words, _ = worded([p for p in items if p["key"]], lang, skipped=skipped)
    return TEXT[lang]["keys"].format(items=clauses(words, lang)) if words else None


def enforcement(
    items: Sequence[dict[str, Any]], lang: str, skipped: Sequence[int] = ()
) -> str | None:
    """The new programme's cross-border enforcement (its protection items that are not
    key projects): their phrases as sentences, else their titles as a list."""
    chosen = [p for p in items if p["area"] == PROTECTION and not p["key"]]
    words, phrased = worded(chosen, lang, skipped=skipped)
    if not words:
        return None
    say = TEXT[lang]
    if not phrased:
        return say["enforce_titles"].format(items=clauses(words, lang))
    words[0] = _leading(words[0], lang)  # it follows "On cross-border protection of IP,"
    if lang == "en":
        return say["enforce"].format(sentences=" ".join(w.rstrip(".") + "." for w in words))
    return say["enforce"].format(sentences="，".join(w.rstrip("。") for w in words) + "。")


def _leading(phrase: str, lang: str) -> str:
    """A phrase written to follow another, put first: 'The two sides will ...' after a
    comma is 'the two sides will ...'; '並因應...' loses its 並."""
    if lang != "en":
        for joint in ("並", "并", "以及", "及", "和", "同時", "同时"):
            if phrase.startswith(joint) and len(phrase) > len(joint):
                return phrase[len(joint) :]
        return phrase
    first = phrase.split(" ", 1)[0]
    if first in ("The", "A", "An", "And", "Also"):
        rest = phrase[len(first) :].lstrip()
        return rest if first in ("And", "Also") else first.lower() + phrase[len(first) :]
    return phrase


def look_back(
    previous: dict[str, Any], done: int, label: str, items: Sequence[dict[str, Any]], lang: str
) -> list[str]:
    """The look back at the previous programme: its figure, then its done items by part."""
    say = TEXT[lang]
    first = say["back"].format(prev=label, n=done, s="" if done == 1 else "s")
    gba = [p for p in items if p["area"] == GBA]
    protection = [p for p in items if p["area"] == PROTECTION]
    others = [p for p in items if p["area"] not in (GBA, PROTECTION)]
    paragraphs = [first]
    words, _ = worded(gba, lang, "phrases_back")
    if words:
        paragraphs[0] += ("" if lang != "en" else " ") + say["back_gba"].format(
            items=listed(words, lang)
        )
    words, _ = worded(others, lang, "phrases_back")
    if words:
        paragraphs.append(say["back_other"].format(items=clauses(words, lang)))
    words, phrased = worded(protection, lang, "phrases_back")
    if words:
        template = "back_protection" if phrased else "back_protection_titles"
        joined = listed(words, lang) if phrased else clauses(words, lang)
        paragraphs.append(say[template].format(items=joined))
    return paragraphs


_IP = re.compile(r"\bIP\b")


def spell_out_ip(paragraphs: list[str]) -> list[str]:
    """'intellectual property (IP)' at the first use of IP, unless already so written."""
    for i, text in enumerate(paragraphs):
        found = _IP.search(text)
        if found is None:
            continue
        if "intellectual property (IP)" in text[: found.end() + 1]:
            return paragraphs
        spelt = text[: found.start()] + "intellectual property (IP)" + text[found.end() :]
        return [*paragraphs[:i], spelt, *paragraphs[i + 1 :]]
    return paragraphs
