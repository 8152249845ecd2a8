"""The press release and its annex, in the group's own words, in each language.

Modelled on the release of 24 April 2020: the new programme (endorsed on a
date, its areas, its key projects as prose), a look back at the previous
programme in one figure, who the group is, then the annex that the
Intellectual Property Department posts: the programme's items under their
area headings. Public text: no percentages, nothing "open" or "dropped"
(dropped items are left out of the annex).

Each language is written in its own house style, not converted: see `words`.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base.words import GROUP, chinese_number, date_text, period_text
from ipcoop.core import programmes
from ipcoop.core.languages import name_in, title_in
from ipcoop.core.summary import span_label
from ipcoop.reports.document import Block
from ipcoop.reports.prose import series

_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_HK_SMALL = "零一二三四五六七八九十"

TEXT = {
    "en": {
        "headline": "{short} takes forward co-operation projects for {period}",
        "endorsed": "The {group} endorsed the co-operation projects for {period}{on}.",
        "on": " on {date}",
        "drawn": "The {group} has drawn up the co-operation projects for {period}.",
        "areas": "Co-operation projects of the Expert Group for {period} cover the following "
        "{n} area{s}:",
        "set_up": "The Expert Group was set up after the Sixth Plenary of the Hong Kong/Guangdong "
        "Co-operation Joint Conference in August 2003. It aims at enhancing exchanges and "
        "co-operation in various aspects of IP protection, including promotion and education, "
        "training, enforcement, research study and information dissemination.",
        "led": "The leader of the Expert Group from the {side} side is {leader}, and members "
        "include officials from {members}.",
        "unled": "Members of the Expert Group from the {side} side include officials from "
        "{members}.",
        "gd": "Guangdong",
        "hk": "Hong Kong",
        "uploaded": "A summary of the co-operation items has been uploaded to the website of the "
        "Intellectual Property Department.",
        "annex": "Annex",
        "annex_title": "Co-operation projects of the {group} for {period}",
    },
    "zh-hk": {
        "headline": "{short}推展{period}合作項目",
        "endorsed": "{group}{on}通過{period}合作項目。",
        "on": "於{date}",
        "drawn": "{group}已擬定{period}合作項目。",
        "areas": "專責小組{period}的合作項目涵蓋以下{n}個範疇：",
        "set_up": "專責小組於二○○三年八月粵港合作聯席會議第六次會議後成立，旨在加強兩地在"
        "知識產權保護各方面的交流與合作，包括宣傳教育、培訓、執法、研究及資訊發放等。",
        "led": "{side}組長為{leader}，成員包括{members}的官員",
        "unled": "{side}成員包括{members}的官員",
        "gd": "粵方",
        "hk": "港方",
        "uploaded": "合作項目摘要已上載至知識產權署網站。",
        "annex": "附件",
        "annex_title": "{group}{period}合作項目",
    },
    "zh-cn": {
        "headline": "{short}推进{period}合作项目",
        "endorsed": "{group}{on}通过{period}合作项目。",
        "on": "于{date}",
        "drawn": "{group}已拟定{period}合作项目。",
        "areas": "专责小组{period}合作项目涵盖以下{n}个方面：",
        "set_up": "专责小组于2003年8月粤港合作联席会议第六次会议后成立，旨在加强两地在"
        "知识产权保护各方面的交流与合作，包括宣传教育、培训、执法、研究及信息发布等。",
        "led": "{side}组长为{leader}，成员包括{members}的官员",
        "unled": "{side}成员包括{members}的官员",
        "gd": "粤方",
        "hk": "港方",
        "uploaded": "合作项目摘要已在香港特区政府知识产权署网站发布。",
        "annex": "附件",
        "annex_title": "{group}{period}合作项目",
    },
}
# The release's headline names the group as the release of 2020 did.
SHORT = {
    "en": "Guangdong/Hong Kong Expert Group on Protection of Intellectual Property Rights",
    "zh-hk": GROUP["zh-hk"],
    "zh-cn": GROUP["zh-cn"],
}


def count_word(n: int, lang: str) -> str:
    """Counts in running text: six areas / 六個範疇 / 六个方面 (as official text writes
    them; 兩個/两个, not 二個, as a count)."""
    if lang == "en":
        return _SMALL[n] if 0 <= n <= 10 else str(n)
    if n == 2:
        return "兩" if lang == "zh-hk" else "两"
    return _HK_SMALL[n] if 0 <= n <= 10 else str(n)


def _period(programme: dict[str, Any], lang: str) -> str:
    key = span_label(programme["key"], programme["start"], programme["end"])
    if lang == "en":
        return key
    text = period_text(key, lang)
    if text != key:
        return text
    name = name_in(programme, lang)
    for ending in ("合作項目", "合作项目"):
        name = name.removesuffix(ending)
    return name


def _previous(db: Any, programme: dict[str, Any]) -> tuple[dict[str, Any], int] | None:
    """The programme before this one and what it implemented (as reported, or done)."""
    earlier = [
        p
        for p in programmes.all_programmes(db)
        if (p["start"], p["key"]) < (programme["start"], programme["key"])
    ]
    if not earlier:
        return None
    before = earlier[-1]
    if before.get("reported_done") is not None:
        return before, before["reported_done"]
    done = sum(1 for p in db.rows() if p["programme"] == before["key"] and p["status"] == "done")
    return (before, done) if done else None


def blocks(db: Any, key: str, lang: str) -> list[Block]:
    """The release of programme `key` in `lang`."""
    programme = programmes.get(db, key)
    say = TEXT[lang]
    group = GROUP[lang]
    period = _period(programme, lang)
    here = [p for p in db.rows() if p["programme"] == programme["key"]]
    items = [p for p in here if p["status"] != "dropped"]
    gone = [p["id"] for p in here if p["status"] == "dropped"]  # (a phrase may have named one)
    areas = programmes.area_rows(db, programme)
    endorsed = programme.get("endorsed")
    out = [
        Block("section", lang=lang),
        Block("title", say["headline"].format(short=SHORT[lang], period=period)),
    ]
    if endorsed:
        on = say["on"].format(date=date_text(endorsed["on"], lang)) if endorsed.get("on") else ""
        start, end = programmes.endorsed_span(db, programme)  # not an extension made since
        then = _period({**programme, "start": start, "end": end}, lang)
        opening = say["endorsed"].format(group=group, period=then, on=on)
    else:
        opening = say["drawn"].format(group=group, period=period)
    from ipcoop.base import wording

    statement = wording.text_in(programme.get("statement"), lang)  # the group's own words
    if statement:
        opening += (" " if lang == "en" else "") + statement
    out.append(Block("para", opening))
    n = len(areas)
    out.append(
        Block(
            "para",
            say["areas"].format(period=period, n=count_word(n, lang), s="" if n == 1 else "s"),
        )
    )
    names = [name_in(a, lang) for a in areas]
    if lang == "en":
        bullets = [f"{name};" for name in names[:-2]] + (
            [f"{names[-2]}; and", f"{names[-1]}."] if n >= 2 else [f"{names[-1]}."] if n else []
        )
    else:
        bullets = [f"{name}；" for name in names[:-2]] + (
            [f"{names[-2]}；以及", f"{names[-1]}。"] if n >= 2 else [f"{names[-1]}。"] if n else []
        )
    out.append(Block("bullets", items=bullets))
    from ipcoop.reports import prose

    for text in (prose.key_projects(items, lang, gone), prose.enforcement(items, lang, gone)):
        if text:
            out.append(Block("para", text))
    previous = _previous(db, programme)
    if previous is not None:
        before, done = previous
        label = prose.TEXT[lang]["past"] if _just_before(before, programme) else None
        prev = label or _period(before, lang)
        ended = [p for p in db.rows() if p["programme"] == before["key"] and p["status"] == "done"]
        out += [Block("para", text) for text in prose.look_back(before, done, prev, ended, lang)]
    if lang == "en":  # "intellectual property (IP)" where IP is first used
        texts = prose.spell_out_ip(
            [b.text if b.kind == "para" else "\n".join(b.items) for b in out[2:]]
        )
        for block, text in zip(out[2:], texts, strict=True):
            if block.kind == "para":
                block.text = text
            elif block.kind == "bullets":
                block.items = text.split("\n")
    out += [
        Block("para", say["set_up"]),
        Block("para", _members(db, lang, programme)),
        Block("para", say["uploaded"]),
    ]
    known = {a["key"]: a for a in db.areas()}
    out += _annex(items, areas, programme, lang, known)
    return out


def _just_before(before: dict[str, Any], programme: dict[str, Any]) -> bool:
    """Whether the previous programme is the calendar year just before this one's
    (the release then looks back at "the past year")."""
    year = programme["start"][:4]
    return (
        before["start"] == f"{int(year) - 1}-01"
        and before["end"] == f"{int(year) - 1}-12"
        and programme["start"].endswith("-01")
    )


def _members(db: Any, lang: str, programme: dict[str, Any]) -> str:
    """Who is in the group in the programme's years, side by side: the member whose
    head leads each side, and the agencies in force then."""
    from ipcoop.core.members import in_force, leader_in

    first, last = int(programme["start"][:4]), int(programme["end"][:4])
    say = TEXT[lang]
    sentences = []
    for side in ("gd", "hk"):
        current = [m for m in db.members() if m["side"] == side and in_force(m, first, last)]
        if not current:
            continue
        names = [f"the {name_in(m, lang)}" if lang == "en" else name_in(m, lang) for m in current]
        leader = next((text for m in current if (text := leader_in(m, lang))), None)
        form = "led" if leader else "unled"
        sentences.append(
            say[form].format(side=say[side], leader=leader, members=series(names, lang))
        )
    if lang == "en":
        return " ".join(sentences)
    return ("專責小組" if lang == "zh-hk" else "专责小组") + "；".join(sentences) + "。"


def _annex(
    items: list[Any],
    areas: list[dict[str, Any]],
    programme: dict[str, Any],
    lang: str,
    known: dict[str, dict[str, Any]],
) -> list[Block]:
    """The items under their area headings; an item in an area the programme does
    not list goes under that area's own name, after the programme's areas."""
    say = TEXT[lang]
    out = [
        Block("heading", say["annex"], page=True),
        Block(
            "heading",
            say["annex_title"].format(group=GROUP[lang], period=_period(programme, lang)),
            level=3,
        ),
    ]
    listed = {a["key"] for a in areas}
    others = sorted({p["area"] for p in items} - listed)
    number = 0
    for area in [*areas, *(known.get(k, {"key": k, "name": k}) for k in others)]:
        titles = [
            _dated(title_in(p, lang), p, lang)
            for p in sorted(items, key=lambda p: p["id"])
            if p["area"] == area["key"]
        ]
        if not titles:
            continue
        number += 1
        mark = f"{number}." if lang == "en" else f"{chinese_number(number)}、"
        out += [
            Block(
                "heading",
                f"{mark} {name_in(area, lang)}" if lang == "en" else f"{mark}{name_in(area, lang)}",
                level=4,
            ),
            Block("numbered", items=titles, lang=lang),
        ]
    return out


def _dated(text: str, project: Any, lang: str) -> str:
    """An item with its event's date when known: "... Contest 2020 (12 November 2020)"."""
    if not project.get("starts_on"):
        return text
    from ipcoop.base.dates import span_text

    when = span_text(project["starts_on"], project["ends_on"], lang)
    return f"{text} ({when})" if lang == "en" else f"{text}（{when}）"


def all_blocks(db: Any, key: str, langs: list[str]) -> list[Block]:
    out: list[Block] = []
    for lang in langs:
        out += blocks(db, key, lang)
    return out
