"""Three languages: title and name forms, conversion, --lang, search and sort."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcoop.base import words
from ipcoop.core import languages
from ipcoop.reports.render import cell_len
from tests.helpers import env, invoke, one_error_line

# ------------------------------------------------------------------ conversion


@pytest.mark.parametrize(
    ("simplified", "hong_kong"),
    [
        ("发育", "發育"),  # 发 is 發 here, not 髮 (a stale port gets this wrong)
        ("头发", "頭髮"),  # ... and 髮 here
        ("里面", "裏面"),  # Hong Kong writes 裏, Taiwan 裡
        ("东涌线", "東涌綫"),  # 綫 comes from the Hong Kong phrase table, not the characters
        ("干部", "幹部"),  # one Simplified character, two Traditional ones: a phrase decides
        ("粤港保护知识产权合作专责小组", "粵港保護知識產權合作專責小組"),
    ],
)
def test_conversion_both_ways(simplified, hong_kong):
    assert languages.convert(simplified, "zh-hk") == hong_kong
    assert languages.convert(hong_kong, "zh-cn") == simplified


def test_set_forms_converts_only_what_no_person_set():
    forms, converted = languages.set_forms(None, [], {"zh-hk": "知識產權署"})
    assert forms == {"zh-hk": "知識產權署", "zh-cn": "知识产权署"}
    assert converted == ["zh-cn"]
    # A person sets zh-cn: the mark goes; a later zh-hk edit leaves it alone.
    forms, converted = languages.set_forms(forms, converted, {"zh-cn": "知识产权署（香港）"})
    assert converted == []
    forms, converted = languages.set_forms(forms, converted, {"zh-hk": "香港知識產權署"})
    assert forms == {"zh-hk": "香港知識產權署", "zh-cn": "知识产权署（香港）"}
    assert converted == []


def test_house_style_years_dates_and_counts():
    assert words.year_text(2020, "zh-hk") == "二○二○年"
    assert words.year_text(2020, "zh-cn") == "2020年"
    assert words.period_text("2022-23", "zh-hk") == "二○二二至二○二三年"
    assert words.date_text("2020-04-24", "en") == "24 April 2020"
    assert words.date_text("2020-04-24", "zh-hk") == "二○二○年四月二十四日"


# ------------------------------------------------------------------ entering forms


def test_add_with_one_chinese_form_converts_the_other_and_marks_it(empty_db):
    made = invoke(
        "--db", empty_db, "add", "IP seminar", "--area", "gba", "--year", "2021",
        "--zh-cn", "知识产权研讨会里面", "--json",
    ).json()  # fmt: skip
    assert made["titles"] == {"zh-hk": "知識產權研討會裏面", "zh-cn": "知识产权研讨会里面"}
    assert made["converted"] == ["zh-hk"]
    shown = invoke("--db", empty_db, "show", "1").stdout
    assert "Title (zh-hk)   知識產權研討會裏面  († converted" in shown
    listed = invoke("--db", empty_db, "list", "--lang", "zh-hk").stdout
    assert "知識產權研討會裏面 †" in listed and "† 由簡體自動轉換，未經人手核對" in listed
    assert "†" not in invoke("--db", empty_db, "list", "--lang", "zh-cn").stdout
    # A person sets the converted form: the mark goes.
    assert invoke("--db", empty_db, "edit", "1", "--zh-hk", "知識產權研討會").exit_code == 0
    made = invoke("--db", empty_db, "show", "1", "--json").json()
    assert made["titles"]["zh-hk"] == "知識產權研討會" and made["converted"] == []


def test_wrong_script_is_kept_as_typed_and_empty_forms_are_refused(empty_db):
    made = invoke(
        "--db", empty_db, "add", "Seminar", "--area", "gba", "--year", "2021",
        "--zh-hk", "知识产权", "--json",
    ).json()  # fmt: skip
    assert made["titles"]["zh-hk"] == "知识产权"  # Simplified given as zh-hk: not corrected
    before = empty_db.read_bytes()
    for flag in ("--zh-hk", "--zh-cn"):
        result = invoke("--db", empty_db, "edit", "1", flag, "   ")
        assert result.exit_code == 1
        assert "must not be empty" in one_error_line(result)
    assert empty_db.read_bytes() == before


def test_areas_take_chinese_names(empty_db):
    assert invoke(
        "--db", empty_db, "areas", "add", "smes", "Supporting SMEs", "--zh-hk", "支援中小企業"
    ).exit_code == 0  # fmt: skip
    area = {a["key"]: a for a in invoke("--db", empty_db, "areas", "--json").json()}["smes"]
    assert area["names"] == {"zh-hk": "支援中小企業", "zh-cn": "支援中小企业"}
    assert area["converted"] == ["zh-cn"]
    assert (
        invoke("--db", empty_db, "areas", "edit", "smes", "--zh-cn", "支持中小企业").exit_code == 0
    )
    out = invoke("--db", empty_db, "areas", "--lang", "zh-cn").stdout
    assert "支持中小企业" in out and "†" not in out
    assert "加强粤港澳大湾区知识产权合作" in out  # the bundled areas carry all three forms
    members = invoke("--db", empty_db, "members", "--lang", "zh-hk").stdout
    assert "知識產權署" in members and "香港海關" in members


# ------------------------------------------------------------------ choosing the language


def test_an_unknown_language_is_one_line_naming_the_three(db_path):
    result = invoke("--db", db_path, "list", "--lang", "fr")
    assert result.exit_code == 1
    assert "en, zh-hk, zh-cn" in one_error_line(result)
    result = invoke("--db", db_path, "summary", env={"IPCOOP_LANG": "zh-tw"})
    assert "IPCOOP_LANG" in one_error_line(result) and "zh-hk" in one_error_line(result)


def test_the_language_follows_ipcoop_lang_then_the_locale():
    assert languages.default_lang({}) == "en"
    assert languages.default_lang({"LANG": "zh_HK.UTF-8"}) == "zh-hk"
    assert languages.default_lang({"LANG": "zh_TW.UTF-8"}) == "zh-hk"
    assert languages.default_lang({"LANG": "zh_SG.UTF-8"}) == "zh-cn"
    assert languages.default_lang({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}) == "en"
    assert languages.default_lang({"LANG": "zh_CN.UTF-8", "IPCOOP_LANG": "zh-hk"}) == "zh-hk"


def test_list_in_each_language_falls_back_to_the_main_title(db_path):
    invoke("--db", db_path, "add", "English only", "--area", "gba", "--year", "2020")
    for lang, title, word in (
        ("zh-hk", "商標交流活動", "計劃中"),
        ("zh-cn", "商标交流活动", "计划中"),
        ("en", "Exchange activities on trademarks", "planned"),
    ):
        out = invoke("--db", db_path, "list", "--year", "2020", env={"IPCOOP_LANG": lang}).stdout
        assert title in out and word in out and "English only" in out


@pytest.mark.parametrize("width", [40, 80, 120])
def test_mixed_script_tables_keep_their_columns(db_path, width):
    invoke("--db", db_path, "add", "Mixed 粵港 title", "--area", "gba", "--year", "2020", "--key")
    for lang in ("en", "zh-hk", "zh-cn"):
        out = invoke(
            "--db", db_path, "list", "--lang", lang, env={"COLUMNS": str(width)}
        ).stdout.splitlines()  # fmt: skip
        assert all(cell_len(line) <= width for line in out), (lang, width)
        header = out[0]
        title_at = cell_len(header[: header.index(words.word(lang, "Title"))])
        rows = [line for line in out[2:-2] if line[:title_at].strip()]
        for line in rows:  # the first line of each project starts its title at one cell
            prefix = ""
            for ch in line:
                if cell_len(prefix) >= title_at:
                    break
                prefix += ch
            assert cell_len(prefix) == title_at and line[len(prefix) - 1] == " ", line


# ------------------------------------------------------------------ search and sort


def test_search_matches_across_scripts_and_forms(db_path):
    def found(query):
        return [
            p["id"] for p in invoke("--db", db_path, "list", "--search", query, "--json").json()
        ]

    assert found("粵港") == found("粤港") != []
    assert found("粵港澳大灣區高價值") == [1, 13]  # the English title does not say it
    assert found("商標") == found("商标") == [9, 15]
    assert found("trademark") == [9, 15]


def test_sorting_by_title_puts_the_two_scripts_together(empty_db):
    for title, form in (("b", "知識產權"), ("a", "知识产权署"), ("c", "商標")):
        invoke("--db", empty_db, "add", title, "--area", "gba", "--year", "2021", "--zh-hk", form)
    invoke("--db", empty_db, "add", "d", "--area", "gba", "--year", "2021", "--zh-cn", "知识产权")
    rows = invoke("--db", empty_db, "list", "--sort", "title", "--lang", "zh-hk", "--json").json()
    hk = [r["titles"]["zh-hk"] for r in rows]
    # 知識產權 (typed) and 知識產權 (converted from 知识产权) sit side by side.
    assert hk.index("知識產權") + 1 == len(hk) - 1 - hk[::-1].index("知識產權")


# ------------------------------------------------------------------ summaries


def test_the_headline_in_each_house_style(db_path):
    def headline(lang, period):
        md = invoke("--db", db_path, "summary", period, "--format", "md", "--lang", lang).stdout
        return md.splitlines()[2]

    assert (
        headline("zh-hk", "2019") == "專責小組在二○一九年共落實27個合作項目，其中10個在此逐項列出。"
    )
    assert headline("zh-cn", "2019") == "专责小组2019年共落实27项合作项目，其中10项在此逐项列出。"
    invoke("--db", db_path, "done", "11", "--on", "2020-06-30")
    invoke("--db", db_path, "drop", "12")
    assert headline("zh-hk", "2020") == (
        "專責小組在二○二○年共有8個合作項目，已落實1個（不計已取消的項目，完成率為14.3%）；"
        "1個已取消；6個仍未完成。專責小組在二○一九年共落實27個合作項目。"
    )
    assert headline("zh-cn", "2020") == (
        "专责小组2020年共有8项合作项目，已落实1项（不计已取消的项目，完成率为14.3%）；"
        "1项已取消；6项仍未完成。专责小组2019年共落实27项合作项目。"
    )
    table = invoke("--db", db_path, "summary", "2020", "--lang", "zh-cn").stdout
    assert table.startswith("2020年合作项目") and "重点合作项目（6）" in table


# ------------------------------------------------------------------ round trips


FORM = st.text(
    alphabet=st.sampled_from("知識產權知识产权粵港粤港合作 Seminar-+=@'\",;"),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() == t and t.strip())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(FORM, st.one_of(st.none(), FORM), FORM), min_size=1, max_size=4))
def test_three_form_records_survive_the_file_json_and_csv(tmp_path_factory, records):
    home = tmp_path_factory.mktemp("forms")
    db = home / "db.json"
    invoke("--db", db, "init", "--empty")
    for title, hk, cn in records:
        args = ["add", "--area", "gba", "--year", "2021", "--zh-cn", cn]
        if hk is not None:
            args += ["--zh-hk", hk]
        assert invoke("--db", db, *args, "--", title).exit_code == 0
    before = invoke("--db", db, "list", "--json").json()
    stored = json.loads(db.read_text("utf-8"))["projects"]
    assert [stored[str(p["id"])]["titles"] for p in before] == [p["titles"] for p in before]
    for fmt in ("json", "csv"):
        out = home / f"out.{fmt}"
        fresh = home / f"fresh-{fmt}.json"
        assert invoke("--db", db, "export", "--format", fmt, "--output", out).exit_code == 0
        invoke("--db", fresh, "init", "--empty")
        assert invoke("--db", fresh, "import", out).exit_code == 0
        after = invoke("--db", fresh, "list", "--json").json()
        keep = ("title", "titles", "converted")
        assert [{k: p[k] for k in keep} for p in after] == [{k: p[k] for k in keep} for p in before]


def test_a_json_import_with_one_form_converts_the_other(empty_db, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps([{"title": "T", "area": "gba", "year": 2021, "titles": {"zh-hk": "專利"}}])
    )
    assert invoke("--db", empty_db, "import", source).exit_code == 0
    made = invoke("--db", empty_db, "show", "1", "--json").json()
    assert made["titles"] == {"zh-hk": "專利", "zh-cn": "专利"} and made["converted"] == ["zh-cn"]


@pytest.mark.slow
def test_commands_that_convert_nothing_do_not_import_opencc(db_path):
    for args in (["list", "--lang", "zh-hk"], ["summary", "--lang", "zh-cn"], ["show", "1"]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "ipcoop", "--db", str(db_path), *args],
            capture_output=True,
            text=True,
            env=env(),
            check=True,
        )
        assert "opencc" not in result.stderr, args
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipcoop", "--db", str(db_path), "list",
         "--search", "粤港"],
        capture_output=True, text=True, env=env(), check=True,
    )  # fmt: skip
    assert "opencc" in result.stderr  # searching in Chinese does fold scripts


def test_chinese_wraps_between_characters_but_not_inside_numbers_or_before_punctuation():
    from ipcoop.reports.render import wrap_cells

    text = "上一期（二○一九年）：專責小組公布共落實27個（此處逐項列出10個），已完成3個（33.3%）"
    for width in range(8, 41):
        lines = wrap_cells(text, width)
        assert "".join(lines) == text
        assert all(cell_len(line) <= width for line in lines), width
        for line in lines[1:]:
            assert line[0] not in "，。、；：）」%", (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in "（「", (width, lines)
            assert not (line[-1].isdigit() and text[text.index(line) + len(line)].isdigit())


def test_mixed_titles_wrap_within_the_column_and_keep_every_character():
    import random

    from ipcoop.reports.render import wrap_cells

    rng = random.Random(12)
    words = ["Co-operation", "IP", "合作項目", "粵港知識產權交流", "2020-06-30", "★", "a", "x" * 30]
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 9)))
        width = rng.randint(2, 50)
        lines = wrap_cells(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (text, width)
        assert all(cell_len(line) <= width for line in lines), (text, width, lines)
        if cell_len(text) <= width:
            assert lines == [text]


def test_notes_say_when_a_form_looks_like_the_other_script_or_is_kept(empty_db):
    result = invoke(
        "--db", empty_db, "add", "x", "--area", "gba", "--year", "2021", "--zh-hk", "粤港交流会"
    )  # fmt: skip
    assert result.exit_code == 0
    assert "Note: the zh-hk title looks like Simplified Chinese; it is kept as typed" in (
        result.stderr
    )
    assert invoke("--db", empty_db, "edit", "1", "--zh-cn", "粤港交流会议").stderr.startswith(
        "Updated project 1.\nNote: the zh-hk title was set by a person and is kept"
    )
    shown = invoke("--db", empty_db, "show", "1", "--json").json()
    assert list(shown["titles"]) == ["zh-hk", "zh-cn"]  # the contract's order
    assert shown["titles"] == {"zh-hk": "粤港交流会", "zh-cn": "粤港交流会议"}


def test_a_converted_form_changed_in_a_sheet_is_no_longer_marked(empty_db, tmp_path):
    invoke("--db", empty_db, "add", "x", "--area", "gba", "--year", "2021", "--zh-hk", "專利")
    sheet = tmp_path / "s.csv"
    invoke("--db", empty_db, "export", "--format", "csv", "--output", sheet)
    text = sheet.read_text("utf-8-sig").replace("专利", "专利权")
    sheet.write_text(text, "utf-8-sig")
    assert invoke("--db", empty_db, "import", sheet).exit_code == 0
    shown = invoke("--db", empty_db, "show", "1", "--json").json()
    assert shown["titles"]["zh-cn"] == "专利权" and shown["converted"] == []


def test_programme_views_in_chinese(empty_db, db_path):
    assert invoke("--db", empty_db, "programme", "list", "--lang", "zh-hk").exit_code == 0
    out = invoke("--db", db_path, "programme", "list", "--lang", "zh-hk").stdout
    assert "二○二○年合作項目" in out and "2020-01至2020-12" in out
    shown = invoke("--db", db_path, "programme", "show", "2020", "--lang", "zh-cn").stdout
    assert "2020年合作项目" in shown and "加强粤港澳大湾区知识产权合作" in shown


def test_the_log_shows_chinese_as_written(db_path):
    invoke("--db", db_path, "edit", "12", "--zh-cn", "仲裁调解")
    out = invoke("--db", db_path, "log").stdout
    assert "仲裁调解" in out and "\\u4ef2" not in out


def test_blank_chinese_names_are_refused_by_every_command(empty_db):
    before = empty_db.read_bytes()
    for args in (
        ["areas", "add", "smes", "SMEs", "--zh-hk", "  "],
        ["areas", "edit", "gba", "--zh-cn", ""],
        ["programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--zh-hk", " "],
    ):
        result = invoke("--db", empty_db, *args)
        assert result.exit_code == 1, args
        assert "name (zh-" in one_error_line(result) and "must not be empty" in result.stderr
    assert empty_db.read_bytes() == before


def test_hong_kong_wording_is_not_called_simplified(empty_db):
    """布局 is how the Hong Kong side writes it; OpenCC's phrases prefer 佈局."""
    result = invoke(
        "--db", empty_db, "add", "Layout", "--area", "gba", "--year", "2021",
        "--zh-hk", "推動粵港知識產權布局",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "looks like" not in result.stderr
    typed_wrong = invoke("--db", empty_db, "edit", "1", "--zh-cn", "推動粵港知識產權佈局")
    assert "the zh-cn title looks like Traditional Chinese" in typed_wrong.stderr


def test_conversion_writes_each_sides_quotation_marks_and_zero(empty_db):
    invoke(
        "--db", empty_db, "add", "Quoted", "--area", "gba", "--year", "2021",
        "--zh-hk", "「粵港知識產權」研討會二○二○",
    )  # fmt: skip
    invoke(
        "--db", empty_db, "add", "Quoted back", "--area", "gba", "--year", "2021",
        "--zh-cn", "“粤港知识产权”研讨会二〇二一",
    )  # fmt: skip
    shown = {p["id"]: p["titles"] for p in invoke("--db", empty_db, "list", "--json").json()}
    assert shown[1]["zh-cn"] == "“粤港知识产权”研讨会二〇二〇"
    assert shown[2]["zh-hk"] == "「粵港知識產權」研討會二○二一"


def test_a_main_title_typed_in_chinese_gets_both_scripts_and_is_not_called_english(empty_db):
    for title in ("粵港知識產權研討會", "粤港知识产权研讨会"):
        added = invoke("--db", empty_db, "add", title, "--area", "gba", "--year", "2021")
        assert added.exit_code == 0, added.stderr
    titles = {p["id"]: p["titles"] for p in invoke("--db", empty_db, "list", "--json").json()}
    assert titles[1] == {"zh-hk": "粵港知識產權研討會", "zh-cn": "粤港知识产权研讨会"}
    assert titles[2] == {"zh-hk": "粵港知識產權研討會", "zh-cn": "粤港知识产权研讨会"}
    shown = invoke("--db", empty_db, "show", "2", "--lang", "zh-cn")
    assert "(en)" not in shown.stdout and "(主要)" in shown.stdout
    english = invoke("--db", empty_db, "add", "Seminar", "--area", "gba", "--year", "2021")
    assert english.exit_code == 0
    assert "(en)" in invoke("--db", empty_db, "show", "3", "--lang", "zh-cn").stdout


def test_the_converted_mark_names_the_script_it_came_from(empty_db):
    invoke("--db", empty_db, "add", "Seminar", "--area", "gba", "--year", "2021",
           "--zh-hk", "中小企知識產權研討會")  # fmt: skip
    invoke("--db", empty_db, "add", "Meeting", "--area", "gba", "--year", "2021",
           "--zh-cn", "粤港知识产权交流会")  # fmt: skip
    first = invoke("--db", empty_db, "show", "1", "--lang", "zh-hk").stdout
    assert "由繁體自動轉換" in first and "由簡體" not in first  # its zh-cn came from zh-hk
    second = invoke("--db", empty_db, "show", "2", "--lang", "zh-cn").stdout
    assert "由简体自动转换" in second and "由繁体" not in second


def test_release_check_lists_forms_typed_in_the_wrong_script_or_language(db_path):
    invoke(
        "--db",
        db_path,
        "add",
        "Enforcement workshop",
        "--area",
        "protection",
        "--year",
        "2020",
        "--zh-hk",
        "知识产权执法工作坊",
        "--zh-cn",
        "知識產權執法工作坊",
    )
    invoke(
        "--db",
        db_path,
        "add",
        "Brand forum",
        "--area",
        "gba",
        "--year",
        "2020",
        "--zh-hk",
        "Brand protection forum",
        "--zh-cn",
        "品牌保护论坛",
    )
    found = invoke("--db", db_path, "release", "2020", "--lang", "all", "--check")
    assert found.exit_code == 1
    assert "project 19's zh-hk title looks like Simplified Chinese" in found.stdout
    assert "project 19's zh-cn title looks like Traditional Chinese" in found.stdout
    assert "project 20's zh-hk title is not Chinese" in found.stdout
    assert "project 20's zh-cn" not in found.stdout
