"""The summary's headline sentence in English, and in Chinese written per language
(not converted).

Hong Kong: the year in Chinese numerals (二○二○年), counts in Arabic numerals
with 個; Guangdong: Arabic numerals throughout, counts with 项.
"""

from __future__ import annotations

from typing import Any

from ipcoop.base.words import period_text, shown
from ipcoop.core.summary import counted

# Phrases that differ between the two sides beyond the script.
_PHRASES = {
    "zh-hk": {
        "group": "專責小組",
        "in": "在",  # 專責小組在二○二○年...
        "unit": "個",
        "none": "{period}沒有合作項目紀錄。",
        "did": "{group}{at}共有{total}個合作項目，已落實{done}個{share}",
        "share": "（不計已取消{carried}的項目，完成率為{pct}%）",
        "reported": "{group}{at}共落實{reported}個合作項目，其中{done}個在此逐項列出",
        "carried": "及已轉入下期",
        "dropped_n": "{n}個已取消",
        "carried_n": "{n}個已轉入下期",
        "open_n": "{n}個仍未完成",
        "late": "已完成的項目中有{n}個在期後才完成。",
        "prev_reported": "{group}{at}共落實{n}個合作項目。",
        "prev": "{group}{at}共有{total}個合作項目，已落實{done}個（{pct}%）。",
        "sep": "；",
        "stop": "。",
    },
    "zh-cn": {
        "group": "专责小组",
        "in": "",  # 专责小组2020年...
        "unit": "项",
        "none": "{period}没有合作项目记录。",
        "did": "{group}{at}共有{total}项合作项目，已落实{done}项{share}",
        "share": "（不计已取消{carried}的项目，完成率为{pct}%）",
        "reported": "{group}{at}共落实{reported}项合作项目，其中{done}项在此逐项列出",
        "carried": "和已转入下期",
        "dropped_n": "{n}项已取消",
        "carried_n": "{n}项已转入下期",
        "open_n": "{n}项仍未完成",
        "late": "已完成的项目中有{n}项在期后才完成。",
        "prev_reported": "{group}{at}共落实{n}项合作项目。",
        "prev": "{group}{at}共有{total}项合作项目，已落实{done}项（{pct}%）。",
        "sep": "；",
        "stop": "。",
    },
}


def _chinese_headline(summary: dict[str, Any], lang: str) -> str:
    """The summary's headline in zh-hk or zh-cn, with the same facts and caveats
    as the English one."""
    say = _PHRASES[lang]
    group = say["group"]

    def at(label: str) -> str:
        return say["in"] + period_text(label, lang)

    total, done = summary["total"], summary["done"]
    if total == 0:
        return say["none"].format(period=period_text(shown(summary), lang))
    reported = summary.get("reported_done")
    if reported is not None:
        parts = [
            say["reported"].format(group=group, at=at(shown(summary)), reported=reported, done=done)
        ]
    else:
        parts = [
            say["did"].format(
                group=group,
                at=at(shown(summary)),
                total=total,
                done=done,
                share=say["share"].format(
                    carried=say["carried"] if summary.get("carried") else "",
                    pct=f"{summary['percent_done']:.1f}",
                )
                if counted(summary) > 0
                else "",  # every project dropped or carried: no share to give
            )
        ]
    for status in ("dropped", "carried"):
        if summary.get(status):
            parts.append(say[f"{status}_n"].format(n=summary[status]))
    still = summary["planned"] + summary["active"]
    if still:
        parts.append(say["open_n"].format(n=still))
    sentence = say["sep"].join(parts) + say["stop"]
    if summary.get("done_late"):
        sentence += say["late"].format(n=summary["done_late"])
    prev = summary["previous"]
    if prev:
        if prev.get("reported_done") is not None:
            sentence += say["prev_reported"].format(
                group=group, at=at(shown(prev)), n=prev["reported_done"]
            )
        elif prev["total"]:
            sentence += say["prev"].format(
                group=group,
                at=at(shown(prev)),
                total=prev["total"],
                done=prev["done"],
                pct=f"{prev['percent_done']:.1f}",
            )
    return sentence


def headline(summary: dict[str, Any], lang: str = "en") -> str:
    """One sentence for the report: 'In 2020 the group implemented 27 of its 30 ...'
    (in Chinese, written per language by `_chinese_headline`)."""
    if lang != "en":
        return _chinese_headline(summary, lang)
    period = shown(summary)
    total, done = summary["total"], summary["done"]
    if total == 0:
        return f"No co-operation projects are recorded for {period}."
    noun = "project" if total == 1 else "projects"
    reported = summary.get("reported_done")
    if reported is not None:
        sentence = (
            f"In {period} the Expert Group implemented a total of {reported} "
            f"co-operation projects, {done} of them itemised here"
        )
        parts = [sentence]
    else:
        share = (
            f" ({summary['percent_done']:.1f}% of those not dropped"
            f"{' or carried over' if summary.get('carried') else ''})"
            if counted(summary) > 0
            else ""  # every project dropped or carried: no share to give
        )
        parts = [
            f"In {period} the Expert Group implemented {done} of its {total} co-operation "
            f"{noun}{share}"
        ]
    for status, verb in (("dropped", "dropped"), ("carried", "carried over")):
        n = summary.get(status, 0)
        if n:
            parts.append(f"{n} {'was' if n == 1 else 'were'} {verb}")
    still = summary["planned"] + summary["active"]
    if still:
        parts.append(f"{still} {'is' if still == 1 else 'are'} still open")
    sentence = "; ".join(parts) + "."
    late = summary.get("done_late", 0)
    if late:
        sentence += f" {late} of the done projects were finished after the period ended."
    prev = summary["previous"]
    if prev:
        if prev.get("reported_done") is not None:
            sentence += f" In {shown(prev)} it implemented a total of {prev['reported_done']}."
        elif prev["total"]:
            sentence += (
                f" In {shown(prev)} it implemented {prev['done']} of "
                f"{prev['total']} ({prev['percent_done']:.1f}%)."
            )
    return sentence
