"""The words of views and reports in each language, and how each writes years,
dates and counts.

Written per language, not converted: Hong Kong government Chinese writes a
year in Chinese numerals with ○ for zero (二○二○年) and counts in Arabic
numerals with the measure word 個 (27個合作項目); Guangdong writes Arabic
numerals throughout with 项 (2020年, 27项合作项目). The command-line help and
error messages stay English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

GROUP = {
    "en": "Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights",
    "zh-hk": "粵港保護知識產權合作專責小組",
    "zh-cn": "粤港保护知识产权合作专责小组",
}

_DIGITS = "○一二三四五六七八九"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ID": "ID",
        "Year": "Year",
        "Area": "Area",
        "Status": "Status",
        "Key": "Key",
        "Lead": "Lead",
        "Title": "Title",
        "Key project": "Key project",
        "Agencies": "Agencies",
        "Done on": "Done on",
        "Date": "Date",
        "Notes": "Notes",
        "Progress": "Progress",
        "Statement": "Statement",
        "Links": "Links",
        "Created": "Created",
        "Updated": "Updated",
        "Programme": "Programme",
        "yes": "yes",
        "no": "no",
        "Code": "Code",
        "Side": "Side",
        "Name": "Name",
        "Total": "Total",
        "Done": "Done",
        "Open": "Open",
        "Drop": "Drop",
        "Dropped": "Dropped",
        "Carried": "Carried",
        "Done %": "Done %",
        "Years": "Years",
        "Areas": "Areas",
        "Key projects": "Key projects",
        "Done by month": "Done by month",
        "Events by month": "Events by month",
        "All areas": "All areas",
        "none recorded": "none recorded",
        "always": "always",
        "converted": "converted from the other Chinese form; a person has not checked it",
        "converted zh-hk": "converted from the Simplified form; a person has not checked it",
        "converted zh-cn": "converted from the Traditional form; a person has not checked it",
        "main": "main",
        "mark": "†",
        "planned": "planned",
        "active": "active",
        "done": "done",
        "dropped": "dropped",
        "carried": "carried",
        "Month": "Month",
        "Summary": "Summary",
        "Projects by area": "Projects by area",
        "Completions by month": "Completions by month",
        "No completions recorded": "No completions recorded with a date",
        "endorsed on": "endorsed on {date}",
        "not endorsed": "not endorsed yet",
        "Area key": "Key",
        "Period": "Period",
        " to ": " to ",
        "Endorsed": "Endorsed",
        "Endorsed count": "Endorsed count",
        "Reported done": "Reported done",
        "Projects": "Projects",
        "not yet": "not yet",
        "date not recorded": "date not recorded",
        "No projects match.": "No projects match.",
        "lead gd": "gd",
        "lead hk": "hk",
        "lead joint": "joint",
        "gd": "Guangdong",
        "hk": "Hong Kong",
        "joint": "joint",
    },
    "zh-hk": {
        "ID": "編號",
        "Year": "年度",
        "Area": "範疇",
        "Status": "狀態",
        "Key": "重點",
        "Lead": "牽頭",
        "Title": "項目名稱",
        "Key project": "重點項目",
        "Agencies": "參與機構",
        "Done on": "完成日期",
        "Date": "舉行日期",
        "Notes": "備註",
        "Progress": "進展",
        "Statement": "聲明",
        "Links": "連結",
        "Created": "建立",
        "Updated": "更新",
        "Programme": "合作計劃",
        "yes": "是",
        "no": "否",
        "Code": "代號",
        "Side": "所屬",
        "Name": "名稱",
        "Total": "總數",
        "Done": "已完成",
        "Open": "未完成",
        "Drop": "已取消",
        "Dropped": "已取消",
        "Carried": "已轉入下期",
        "Done %": "完成率",
        "Years": "年份",
        "Areas": "合作範疇",
        "Key projects": "重點合作項目",
        "Done by month": "按月完成數目",
        "Events by month": "各月活動",
        "All areas": "所有範疇",
        "none recorded": "沒有紀錄",
        "always": "不限",
        "converted": "由簡體自動轉換，未經人手核對",
        "converted zh-hk": "由簡體自動轉換，未經人手核對",
        "converted zh-cn": "由繁體自動轉換，未經人手核對",
        "main": "主要",
        "mark": "†",
        "planned": "計劃中",
        "active": "進行中",
        "done": "已完成",
        "dropped": "已取消",
        "carried": "已轉入下期",
        "Month": "月份",
        "Summary": "摘要",
        "Projects by area": "各範疇合作項目",
        "Completions by month": "每月完成項目",
        "No completions recorded": "沒有附日期的完成紀錄",
        "endorsed on": "於{date}通過",
        "not endorsed": "尚未通過",
        "Area key": "代號",
        "Period": "期間",
        " to ": "至",
        "Endorsed": "通過日期",
        "Endorsed count": "通過時項目數",
        "Reported done": "公布落實數目",
        "Projects": "項目數",
        "not yet": "尚未通過",
        "date not recorded": "日期未有紀錄",
        "No projects match.": "沒有符合的項目。",
        "lead gd": "廣東",
        "lead hk": "香港",
        "lead joint": "合辦",
        "gd": "廣東",
        "hk": "香港",
        "joint": "粵港合辦",
    },
    "zh-cn": {
        "ID": "编号",
        "Year": "年度",
        "Area": "领域",
        "Status": "状态",
        "Key": "重点",
        "Lead": "牵头",
        "Title": "项目名称",
        "Key project": "重点项目",
        "Agencies": "参与单位",
        "Done on": "完成日期",
        "Date": "举办日期",
        "Notes": "备注",
        "Progress": "进展",
        "Statement": "声明",
        "Links": "链接",
        "Created": "创建",
        "Updated": "更新",
        "Programme": "合作计划",
        "yes": "是",
        "no": "否",
        "Code": "代号",
        "Side": "所属",
        "Name": "名称",
        "Total": "总数",
        "Done": "已完成",
        "Open": "未完成",
        "Drop": "已取消",
        "Dropped": "已取消",
        "Carried": "已转入下期",
        "Done %": "完成率",
        "Years": "年份",
        "Areas": "合作领域",
        "Key projects": "重点合作项目",
        "Done by month": "按月完成数量",
        "Events by month": "各月活动",
        "All areas": "所有领域",
        "none recorded": "没有记录",
        "always": "不限",
        "converted": "由繁体自动转换，未经人工核对",
        "converted zh-hk": "由简体自动转换，未经人工核对",
        "converted zh-cn": "由繁体自动转换，未经人工核对",
        "main": "主要",
        "mark": "†",
        "planned": "计划中",
        "active": "进行中",
        "done": "已完成",
        "dropped": "已取消",
        "carried": "已转入下期",
        "Month": "月份",
        "Summary": "摘要",
        "Projects by area": "各领域合作项目",
        "Completions by month": "每月完成项目",
        "No completions recorded": "没有附日期的完成记录",
        "endorsed on": "于{date}通过",
        "not endorsed": "尚未通过",
        "Area key": "代号",
        "Period": "期间",
        " to ": "至",
        "Endorsed": "通过日期",
        "Endorsed count": "通过时项目数",
        "Reported done": "公布落实数量",
        "Projects": "项目数",
        "not yet": "尚未通过",
        "date not recorded": "日期未记录",
        "No projects match.": "没有符合的项目。",
        "lead gd": "广东",
        "lead hk": "香港",
        "lead joint": "合办",
        "gd": "广东",
        "hk": "香港",
        "joint": "粤港合办",
    },
}


def word(lang: str, key: str) -> str:
    return WORDS[lang].get(key, key)


def chinese_number(n: int) -> str:
    """1-99 in Chinese numerals (一, 十, 十一, 二十); larger numbers stay Arabic."""
    digits = "〇一二三四五六七八九"
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def chinese_year(year: int) -> str:
    """2020 -> 二○二○ (Hong Kong government style)."""
    return "".join(_DIGITS[int(d)] for d in str(year))


def year_text(year: int, lang: str) -> str:
    """A year as each language writes it in running text: 2020, 二○二○年, 2020年."""
    if lang == "zh-hk":
        return f"{chinese_year(year)}年"
    if lang == "zh-cn":
        return f"{year}年"
    return str(year)


def period_text(label: str, lang: str) -> str:
    """A period label (2020, 2019-2020, 2022-23) in running text."""
    first, sep, last = label.partition("-")
    if not first.isdigit():
        return label
    if not sep:
        return year_text(int(first), lang)
    if not last.isdigit():
        return label
    if lang == "en":
        return label
    if len(last) == 2:  # 2022-23: a financial or two-year period
        last = first[:2] + last
    if lang == "zh-hk":
        return f"{chinese_year(int(first))}至{chinese_year(int(last))}年"
    return f"{first}至{last}年"


def date_text(iso: str, lang: str) -> str:
    """2020-04-24 -> 24 April 2020, 二○二○年四月二十四日 (Hong Kong: one numeral style
    with its years in a sentence) or 2020年4月24日."""
    day = dt.date.fromisoformat(iso)
    if lang == "en":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    if lang == "zh-hk":
        return (
            f"{year_text(day.year, lang)}{chinese_number(day.month)}月{chinese_number(day.day)}日"
        )
    return f"{day.year}年{day.month}月{day.day}日"


def month_text(month: str, lang: str) -> str:
    """2020-11 as each side writes a month: 2020-11, 二○二○年十一月, 2020年11月."""
    if lang == "en" or len(month) != 7:
        return month
    year, number = int(month[:4]), int(month[5:])
    if lang == "zh-hk":
        return f"{year_text(year, lang)}{chinese_number(number)}月"
    return f"{year}年{number}月"


def table_date(iso: str | None, lang: str) -> str | None:
    """A date in a table or a view: ISO in English, each side's own style in Chinese."""
    if not iso or lang == "en":
        return iso
    try:
        return date_text(iso, lang)
    except ValueError:
        return iso


def programme_name(label: str, lang: str) -> str:
    """The name a programme is given when a person gives none."""
    if lang == "zh-hk":
        return f"{period_text(label, lang)}合作項目"
    if lang == "zh-cn":
        return f"{period_text(label, lang)}合作项目"
    return f"Co-operation projects for {label}"


def shown(figures: dict[str, Any]) -> str:
    """The period a summary (or its `previous`) is of, as text names it: a programme's
    span when its key (a year) no longer says it (2020 extended to 2021-12)."""
    return str(figures.get("period_label") or figures["period"])


_TYPED: dict[tuple[str, ...], dict[str, str]] = {}


def typed(value: Any, keys: tuple[str, ...], *prefixes: str) -> str | None:
    """The key a typed value means: the key itself (any case), or the word the Chinese
    outputs print for it in either script (a Chinese-first user types what they read:
    計劃中, 合辦); None if it means none."""
    if value in keys:  # already normal (the usual case): nothing to strip or fold
        return str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower() in keys:
        return text.lower()
    if keys + prefixes not in _TYPED:
        _TYPED[keys + prefixes] = {
            said: key
            for lang in ("zh-hk", "zh-cn")
            for key in keys
            for prefix in prefixes
            if (said := WORDS[lang].get(prefix + key))
        }
    return _TYPED[keys + prefixes].get(text)
