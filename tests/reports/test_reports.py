"""Reports people paste: the release, the HTML page, the SVG chart and Word files,
each parsed back and compared with the figures and with the source release."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.helpers import DATA, ROOT, env, invoke, one_error_line

SOURCE = (DATA / "press-release-2020-04-24.txt").read_text("utf-8")
SVG = "{http://www.w3.org/2000/svg}"


def release(db, *args):
    result = invoke("--db", db, "release", "2020", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def source_sentences() -> set[str]:
    text = " ".join(line.strip() for line in SOURCE.splitlines())
    return {s.strip() for s in re.split(r"(?<=\.)\s+", text) if s.strip()}


# ------------------------------------------------------------------ the release


# Where the release still differs from the source, and why: it is written on any day,
# not on the day of endorsement ("today (April 24)"); the source's text stops at the
# web address, which is not data.
DIFFERENT = {
    "The Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights "
    "endorsed the co-operation projects for 2020 today (April 24).": "The Guangdong/Hong Kong "
    "Expert Group on the Protection of Intellectual Property Rights endorsed the co-operation "
    "projects for 2020 on 24 April 2020.",
    "A summary of the co-operation items has been uploaded to the website of the Intellectual "
    "Property Department (": "A summary of the co-operation items has been uploaded to the "
    "website of the Intellectual Property Department.",
}


def body_sentences(lines: list[str], bullet: str) -> tuple[list[str], list[str]]:
    """The sentences of a release's body (up to the annex), and its bullet lines."""
    body = lines[1 : lines.index("Annex")] if "Annex" in lines else lines[1:]
    bullets = [line.strip()[2:] for line in body if line.strip().startswith(bullet)]
    text = " ".join(
        line.strip() for line in body if line.strip() and not line.strip().startswith(bullet)
    )
    return [s.strip() for s in re.split(r"(?<=\.)\s+", text) if s.strip()], bullets


def test_the_english_release_follows_the_source_sentence_by_sentence(db_path):
    out = release(db_path, "--lang", "en").splitlines()
    assert out[0] == SOURCE.splitlines()[0]
    ours, our_bullets = body_sentences(out, "• ")
    theirs, their_bullets = body_sentences(SOURCE.splitlines(), "* ")
    assert our_bullets == their_bullets  # the six areas, word for word
    # Every sentence of the source, in its order, word for word (but the two above).
    assert ours == [DIFFERENT.get(s, s) for s in theirs]
    assert sum("intellectual property (IP)" in s for s in ours) == 1  # spelt out once
    annex = out[out.index("Annex") :]
    assert annex[4] == "1. Strengthening co-operation on IP in the Greater Bay Area"
    assert "(3) Exchange activities on copyright and other related areas" in annex


def test_without_phrases_the_titles_read_as_prose_and_ip_is_spelt_out(db_path):
    """An item with no phrase is worded by its title; a programme with no statement
    spells out 'intellectual property (IP)' where IP is first used."""
    for pid in range(1, 19):
        cleared = invoke("--db", db_path, "edit", str(pid), "--phrase", "", "--phrase-back", "")
        assert cleared.exit_code == 0
    edited = invoke("--db", db_path, "programme", "edit", "2020", "--statement", "")
    assert edited.exit_code == 0, edited.stderr
    out = release(db_path, "--lang", "en")
    assert "• Strengthening co-operation on intellectual property (IP) in the Greater" in out
    assert out.count("intellectual property (IP)") == 1
    assert (
        "Key co-operation projects include promote the development of IP trading in both "
        "places" in out
    )
    assert "; Guangdong-Hong Kong-Macao Greater Bay Area High Value" in out  # a name's capital
    assert "On cross-border protection of IP, the projects include Customs: combat" in out
    assert "As for cross-border protection of IP, the projects carried out include combating" in out


def test_a_phrase_and_a_statement_are_set_in_each_language(db_path):
    result = invoke(
        "--db", db_path, "edit", "17", "--phrase", "Customs will act",
        "--phrase-zh-hk", "海關將採取行動", "--phrase-zh-cn", "海关将采取行动",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with_17 = ("--phrase", "-", "--phrase-zh-hk", "-", "--phrase-zh-cn", "-")
    assert invoke("--db", db_path, "edit", "18", *with_17).exit_code == 0
    assert (
        invoke(
            "--db", db_path, "programme", "edit", "2020", "--statement-zh-hk", "專責小組同意。"
        ).exit_code
        == 0
    )
    assert "On cross-border protection of IP, Customs will act." in release(db_path)
    hk = release(db_path, "--lang", "zh-hk")
    assert "在跨境知識產權保護方面，海關將採取行動。" in hk
    assert "通過二○二○年合作項目。專責小組同意。" in hk
    shown = json.loads(invoke("--db", db_path, "show", "17", "--json").stdout)
    assert shown["phrases"] == {"en": "Customs will act", "zh-hk": "海關將採取行動",
                                "zh-cn": "海关将采取行动"}  # fmt: skip
    before = db_path.read_bytes()
    bad = invoke("--db", db_path, "edit", "17", "--phrase", "a\x07b")
    assert bad.exit_code == 1 and "control character" in one_error_line(bad)
    bad = invoke("--db", db_path, "programme", "edit", "2020", "--statement", "x" * 2001)
    assert bad.exit_code == 1 and "the limit is 2000" in one_error_line(bad)
    assert db_path.read_bytes() == before  # a refused change changes nothing


def test_the_chinese_releases_in_each_house_style(db_path):
    hk = release(db_path, "--lang", "zh-hk").splitlines()
    cn = release(db_path, "--lang", "zh-cn").splitlines()
    assert hk[0] == "粵港保護知識產權合作專責小組推展二○二○年合作項目"
    assert cn[0] == "粤港保护知识产权合作专责小组推进2020年合作项目"
    assert hk[2].startswith(
        "粵港保護知識產權合作專責小組於二○二○年四月二十四日通過二○二○年合作項目。"
    )
    assert hk[2].endswith("推動粵港知識產權合作進一步發展。")
    assert cn[2].startswith("粤港保护知识产权合作专责小组于2020年4月24日通过2020年合作项目。")
    assert "專責小組二○二○年的合作項目涵蓋以下六個範疇：" in hk
    assert "专责小组2020年合作项目涵盖以下六个方面：" in cn
    assert "• 加強兩地知識產權指導服務；以及" in hk
    for lines, expected in ((hk, ZH_HK), (cn, ZH_CN)):
        body = [line for line in lines if line and not line.startswith("•")]
        start = next(i for i, line in enumerate(body) if line.startswith(expected[0][:6]))
        assert body[start : start + len(expected)] == expected
    assert "一、加強粵港澳大灣區知識產權合作" in hk
    assert "（二）商标交流活动" in cn  # no space after the full-width bracket


ZH_HK = [
    "重點合作項目包括繼續推動兩地知識產權貿易發展，促進科研成果轉化運用；繼續推動以仲裁或調解方式"
    "解決知識產權爭議；以及舉辦2020粵港澳大灣區高價值專利培育布局大賽，並開展知識產權訴訟及司法保護、"
    "商標、版權及其他相關範疇的交流活動。",
    "在跨境知識產權保護方面，兩地海關今年將繼續重點打擊以香港為目的地或經香港輸往「一帶一路」國家的"
    "侵權貨物，並因應形勢變化適時開展其他聯合執法行動。",
    "回顧過去一年，專責小組成員緊密合作，共落實27個合作項目，積極推動區域知識產權發展。在推動大灣區"
    "知識產權合作方面，專責小組透過舉辦一系列活動，包括2019粵港澳大灣區高價值專利培育布局大賽、粵港澳"
    "大灣區知識產權發展及「一帶一路」論壇、「老字號品牌發展：品牌再造」研討會、仲裁及調解交流活動，以及"
    "製作大灣區知識產權商品化宣傳短片，積極探索大灣區的合作機遇。",
    "其他合作項目包括舉辦粵港知識產權與中小企業發展研討會；繼續支持香港特區政府、香港貿易發展局及"
    "香港設計中心合辦的亞洲知識產權營商論壇；以及舉辦知識產權保護、運用及貿易交流計劃，包括商標審查及"
    "執法交流活動。",
    "在跨境知識產權保護方面，粵港兩地執法部門透過情報交流、資訊資源共享、聯合行動及項目合作等多種合作"
    "機制，打擊跨境侵權活動。",
]
ZH_CN = [
    "重点合作项目包括继续推动两地知识产权贸易发展，促进科研成果转化运用；继续推动以仲裁或调解方式"
    "解决知识产权争议；以及举办2020粤港澳大湾区高价值专利培育布局大赛，并开展知识产权诉讼及司法保护、"
    "商标、版权及其他相关领域的交流活动。",
    "在跨境知识产权保护方面，两地海关今年将继续重点打击以香港为目的地或经香港输往“一带一路”国家的"
    "侵权货物，并因应形势变化适时开展其他联合执法行动。",
    "回顾过去一年，专责小组成员紧密合作，共落实27项合作项目，积极推动区域知识产权发展。在推动大湾区"
    "知识产权合作方面，专责小组通过举办一系列活动，包括2019粤港澳大湾区高价值专利培育布局大赛、粤港澳"
    "大湾区知识产权发展及“一带一路”论坛、“老字号品牌发展：品牌再造”研讨会、仲裁及调解交流活动，以及"
    "制作大湾区知识产权商品化宣传短片，积极探索大湾区的合作机遇。",
    "其他合作项目包括举办粤港知识产权与中小企业发展研讨会；继续支持香港特区政府、香港贸易发展局及"
    "香港设计中心合办的亚洲知识产权营商论坛；以及举办知识产权保护、运用及贸易交流计划，包括商标审查及"
    "执法交流活动。",
    "在跨境知识产权保护方面，粤港两地执法部门通过情报交流、信息资源共享、联合行动及项目合作等多种合作"
    "机制，打击跨境侵权活动。",
]


def test_public_text_has_no_percentages_and_no_dropped_items(db_path):
    invoke("--db", db_path, "drop", "15")
    invoke("--db", db_path, "done", "11", "--on", "2020-06-30")
    for lang in ("en", "zh-hk", "zh-cn"):
        out = release(db_path, "--lang", lang)
        assert "%" not in out
        assert not re.search(r"\b(dropped|open|planned)\b", out)
    assert "Exchange activities on trademarks" not in release(db_path, "--lang", "en")


def test_all_three_languages_in_one_release(db_path, tmp_path):
    md = release(db_path, "--lang", "all", "--format", "md")
    titles = [line for line in md.splitlines() if line.startswith("# ")]
    assert [t[:6] for t in titles] == ["# Guan", "# 粵港保護", "# 粤港保护"]
    page = tmp_path / "r.html"
    release(db_path, "--lang", "all", "--format", "html", "--output", page)
    parsed = Page.parse(page.read_text("utf-8"))
    assert parsed.section_langs == ["en", "zh-Hant-HK", "zh-Hans-CN"]


def test_a_programme_not_endorsed_is_drawn_up_and_said_so(db_path):
    invoke("--db", db_path, "add", "A 2021 project", "--area", "gba", "--year", "2021")
    result = invoke("--db", db_path, "release", "2021")
    assert result.exit_code == 0
    assert "has drawn up the co-operation projects for 2021." in result.stdout
    assert "not endorsed yet" in result.stderr


# ------------------------------------------------------------------ HTML


class Page(HTMLParser):
    """What a test needs of an HTML page: tags, table cells, references outward."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[list[str]] = []
        self.section_langs: list[str] = []
        self.outward: list[str] = []
        self._cell: list[str] | None = None
        self.text: list[str] = []

    @classmethod
    def parse(cls, content: str) -> Page:
        page = cls()
        page.feed(content)
        return page

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") or (value and "url(" in value):
                self.outward.append(f"{name}={value}")
            if tag == "section" and name == "lang":
                self.section_langs.append(value)
        if tag == "tr":
            self.cells.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def test_the_summary_page_is_a_document_with_real_tables(db_path, tmp_path):
    invoke("--db", db_path, "done", "11", "13", "--on", "2020-06-30")
    invoke("--db", db_path, "drop", "12")
    out = tmp_path / "s.html"
    assert invoke("--db", db_path, "summary", "2020", "--format", "html", "-o", out).exit_code == 0
    content = out.read_text("utf-8")
    page = Page.parse(content)
    assert "pre" not in page.tags and "table" in page.tags and "svg" in page.tags
    assert page.outward == []
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", content)
    assert "<script" not in content and "@media print" in content and "size: A4" in content
    rows = {r[0]: r[1:] for r in page.cells if r}
    # Area, Total, Done, Open, Dropped, Done %
    assert rows["Strengthening co-operation on IP in the Greater Bay Area"] == [
        "1", "1", "0", "0", "100.0",
    ]  # fmt: skip
    assert rows["Reinforcing co-operation on protection of IP in both places"][:4] == [
        "3", "0", "2", "1",
    ]  # fmt: skip
    assert rows["Promoting exchange and deliberation on IP in both places"][:3] == ["3", "0", "3"]
    assert rows["All areas"] == ["8", "2", "5", "1", "28.6"]
    assert rows["2020-06"] == ["2"]
    text = "".join(page.text)
    assert "Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property" in text
    assert "endorsed on 24 April 2020" in text


def test_the_summary_page_in_chinese(db_path, tmp_path):
    out = tmp_path / "s.html"
    invoke("--db", db_path, "summary", "2020", "--format", "html", "--lang", "zh-hk", "-o", out)
    content = out.read_text("utf-8")
    assert '<html lang="zh-Hant-HK">' in content and "Microsoft JhengHei" in content
    page = Page.parse(content)
    assert ["所有範疇", "8", "0", "8", "0", "0.0"] in page.cells
    assert "粵港保護知識產權合作專責小組・於二○二○年四月二十四日通過" in "".join(page.text)


# ------------------------------------------------------------------ SVG


def test_the_chart_bars_match_the_figures(db_path, tmp_path):
    invoke("--db", db_path, "done", "11", "13", "--on", "2020-06-30")
    invoke("--db", db_path, "done", "14", "--on", "2020-09-15")
    out = tmp_path / "c.svg"
    assert (
        invoke(
            "--db", db_path, "summary", "2020", "--format", "svg", "--lang", "zh-cn", "-o", out
        ).exit_code
        == 0
    )
    content = out.read_text("utf-8")
    root = ET.fromstring(content)
    assert not re.search(r"href|url\(|@import|https?://(?!www\.w3\.org/2000/svg)", content)
    rects = root.iter(f"{SVG}rect")
    bars = [(r.get("class"), r.get("data-area") or r.get("data-month"), r) for r in rects]
    done = {k: r for c, k, r in bars if c == "done"}
    still = {k: r for c, k, r in bars if c == "open"}
    assert list(done) == ["gba", "protection", "trading", "exchange", "guidance", "education"]
    counts = {k: (int(done[k].get("data-count")), int(still[k].get("data-count"))) for k in done}
    assert counts == {
        "gba": (1, 0), "protection": (0, 3), "trading": (1, 0),
        "exchange": (1, 2), "guidance": (0, 0), "education": (0, 0),
    }  # fmt: skip
    unit = float(done["gba"].get("width"))  # one project
    for key, (d, o) in counts.items():
        assert float(done[key].get("width")) == pytest.approx(d * unit, abs=0.11)
        assert float(still[key].get("width")) == pytest.approx(o * unit, abs=0.11)
    months = {k: r for c, k, r in bars if c == "month"}
    # Every month from the first to the last, so that the bars stand in time.
    assert list(months) == ["2020-06", "2020-07", "2020-08", "2020-09"]
    assert [m.get("data-count") for m in months.values()] == ["2", "0", "0", "1"]
    assert float(months["2020-06"].get("height")) == pytest.approx(
        2 * float(months["2020-09"].get("height")), abs=0.11
    )
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "加强粤港澳大湾区知识产权合作" in labels and "各领域合作项目" in labels


def test_chinese_labels_are_measured_at_their_true_width():
    from ipcoop.reports import chart

    assert chart.text_width("粵港", 10) == pytest.approx(20)  # two full ems
    assert chart.text_width("ab", 10) == pytest.approx(10.4)
    cut = chart.fit("粵港澳大灣區知識產權合作", 60, 10)
    assert cut.endswith("…") and chart.text_width(cut, 10) <= 60


# ------------------------------------------------------------------ Word


def test_word_files_reopen_with_their_text_tables_and_east_asian_fonts(db_path, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    report = tmp_path / "s.docx"
    assert (
        invoke(
            "--db", db_path, "summary", "2020", "--format", "docx", "--lang", "zh-cn", "-o", report
        ).exit_code
        == 0
    )
    doc = Document(str(report))
    text = [p.text for p in doc.paragraphs]
    assert "2020年合作项目" in text
    assert any(t.startswith("专责小组2020年共有8项合作项目，已落实0项") for t in text)
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["所有领域", "8", "0", "8", "0", "0.0"] in cells
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"

    both = tmp_path / "r.docx"
    assert (
        invoke("--db", db_path, "release", "2020", "--lang", "all", "--format", "docx", "-o", both)
    ).exit_code == 0
    doc = Document(str(both))
    text = [p.text for p in doc.paragraphs]
    assert "粤港保护知识产权合作专责小组推进2020年合作项目" in text
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == (
        "Microsoft JhengHei"
    )
    # The Simplified part's runs carry their own East Asian font.
    simplified = next(
        p for p in doc.paragraphs if p.text.startswith("粤港保护知识产权合作专责小组于")
    )
    run_fonts = simplified.runs[0].element.rPr.find(qn("w:rFonts"))
    assert run_fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"


# ------------------------------------------------------------------ bad requests


def test_bad_report_requests_are_one_line_and_write_nothing(db_path, tmp_path):
    cases = [
        (["release", "2020", "--format", "pdf"], "unknown format"),
        (["release", "2030"], "no programme"),
        (["release", "2020", "--lang", "fr"], "en, zh-hk, zh-cn"),
        (["summary", "2020", "--lang", "all"], "one language at a time"),
        (["summary", "2020", "--format", "pdf"], "unknown format"),
        (
            ["release", "2020", "--format", "docx", "-o", tmp_path / "no" / "r.docx"],
            "does not exist",
        ),
        (["summary", "2020", "--format", "html", "-o", tmp_path], "not a regular file"),
    ]
    for args, words in cases:
        result = invoke("--db", db_path, *args)
        assert result.exit_code == 1, args
        assert words in one_error_line(result), args
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "db.json",
        "db.json.cache",
        "db.json.local",
        "db.json.lock",
    ]


def test_an_existing_report_is_replaced_whole(db_path, tmp_path):
    out = tmp_path / "r.md"
    out.write_text("old text\n")
    assert invoke("--db", db_path, "release", "2020", "--format", "md", "-o", out).exit_code == 0
    assert out.read_text("utf-8").startswith("# Guangdong/Hong Kong Expert Group")


@pytest.mark.slow
def test_everyday_commands_do_not_import_the_report_libraries(db_path):
    for args in (["list"], ["summary"], ["--version"]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "ipcoop", "--db", str(db_path), *args],
            capture_output=True, text=True, env=env(), check=True,
        )  # fmt: skip
        imported = result.stderr
        assert " docx" not in imported and "lxml" not in imported, args
        assert "rich" not in imported, args


def test_the_file_name_chooses_the_format_and_a_contradiction_is_refused(db_path, tmp_path):
    from docx import Document
    from docx.shared import Mm

    word = tmp_path / "release.docx"
    assert invoke("--db", db_path, "release", "2020", "-o", word).exit_code == 0
    section = Document(str(word)).sections[0]  # a Word file, on A4
    assert abs(section.page_width - Mm(210)) < Mm(0.1)  # stored in twentieths of a point
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    page = tmp_path / "summary.html"
    assert invoke("--db", db_path, "summary", "2020", "-o", page).exit_code == 0
    assert page.read_text("utf-8").startswith("<!DOCTYPE html>")
    result = invoke("--db", db_path, "release", "2020", "--format", "md", "-o", tmp_path / "x.docx")
    assert result.exit_code == 1 and "give --format docx" in one_error_line(result)
    assert not (tmp_path / "x.docx").exists()
    # '-' is standard output; a link is written through, and stays a link.
    assert invoke("--db", db_path, "release", "2020", "-o", "-").stdout.startswith("Guangdong")
    target = tmp_path / "target.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert invoke("--db", db_path, "release", "2020", "-o", link).exit_code == 0
    assert link.is_symlink() and target.read_text("utf-8").startswith("# Guangdong")


def test_a_year_out_of_range_says_so(db_path):
    result = invoke("--db", db_path, "summary", "1999")
    assert "period 1999 is out of range (2000-2100)" in one_error_line(result)


def test_a_file_name_the_command_does_not_write_is_refused(db_path, tmp_path):
    for args in (
        ["release", "2020", "-o", tmp_path / "x.svg"],
        ["release", "2020", "--format", "txt", "-o", tmp_path / "y.svg"],
        ["summary", "2020", "-o", tmp_path / "z.csv"],
    ):
        result = invoke("--db", db_path, *args)
        assert result.exit_code == 1 and "does not write" in one_error_line(result), args
    assert invoke("--db", db_path, "summary", "2020", "--format", "md", "-o", tmp_path / "s.txt")
    assert (tmp_path / "s.txt").read_text("utf-8").startswith("## Co-operation projects 2020")
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".svg", ".csv")]


def test_carried_projects_keep_their_chinese_titles(db_path):
    invoke("--db", db_path, "edit", "12", "--zh-cn", "仲裁调解")
    invoke("--db", db_path, "programme", "add", "2021", "--start", "2021-01", "--end", "2021-12")
    assert invoke("--db", db_path, "carry", "2020", "--to", "2021").exit_code == 0
    carried = invoke("--db", db_path, "list", "--programme", "2021", "--json").json()
    by_title = {p["title"]: p for p in carried}
    copy = by_title["Promote the settlement of IP disputes by arbitration or mediation"]
    assert copy["titles"] == {"zh-hk": "推動以仲裁或調解方式解決知識產權爭議", "zh-cn": "仲裁调解"}
    assert copy["converted"] == []
    assert "推動以仲裁或調解方式解決知識產權爭議" in release_text(db_path, "2021", "zh-hk")


def release_text(db, key, lang):
    result = invoke("--db", db, "release", key, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_chinese_release_with_many_items_and_odd_programmes(db_path, tmp_path):
    import json

    items = [{"title": f"I{i}", "area": "gba", "year": 2020} for i in range(105)]
    source = tmp_path / "many.json"
    source.write_text(json.dumps(items))
    assert invoke("--db", db_path, "import", source).exit_code == 0
    hk = release_text(db_path, "2020", "zh-hk")
    # The contest is item 1 of gba: I97 is item 99, I104 item 106 (Arabic from 100 on).
    assert "（九十九）I97" in hk and "（106）I104" in hk and "一百" not in hk
    invoke("--db", db_path, "programme", "add", "p1", "--start", "2021-01", "--end", "2021-12",
           "--area", "gba", "--area", "trading")  # fmt: skip
    invoke("--db", db_path, "add", "T", "--area", "gba", "--programme", "p1")
    text = release_text(db_path, "p1", "zh-hk")
    assert "合作項目合作項目" not in text and "涵蓋以下兩個範疇" in text


def test_check_looks_inside_the_endorsed_areas(db_path):
    import json

    data = json.loads(db_path.read_text("utf-8"))
    data["programmes"]["2020"]["endorsed"]["areas"][0]["names"] = "x"
    db_path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = invoke("--db", db_path, "summary", "2020")
    assert result.exit_code == 3 and "names of programmes/2020" in one_error_line(result)


def test_the_readme_shows_what_the_commands_print(db_path):
    """The README's examples of the release and the Chinese summaries, run."""
    readme = (ROOT / "README.md").read_text("utf-8")
    lines = readme.splitlines()
    checked = 0
    for i, line in enumerate(lines):
        if not line.startswith("$ ipcoop ") or "|" not in line:
            continue
        checked += 1
        command, _, pipe = line[2:].partition(" | ")
        args = command.split()[1:]
        shown = []
        for following in lines[i + 1 :]:
            if following.startswith(("$ ", "```", "...")):
                break
            shown.append(following)
        out = invoke("--db", db_path, *args).stdout.splitlines()
        if pipe.startswith("head -"):
            out = out[: int(pipe.split("-")[1])]
        elif pipe.startswith("sed -n "):
            out = [out[int(pipe.split()[2].rstrip("p")) - 1]]
        assert out == shown, line
    assert checked >= 3


def test_a_word_file_is_by_the_group_not_by_the_library(db_path, tmp_path):
    from docx import Document

    target = tmp_path / "r.docx"
    assert invoke("--db", db_path, "release", "2020", "-o", target).exit_code == 0
    props = Document(str(target)).core_properties
    assert (
        props.author
        == "Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights"
    )
    assert props.created is not None and props.created.year >= 2026


def test_long_area_names_wrap_in_the_chart_instead_of_being_cut(db_path):
    """The chart gives names at most half its width; a longer one took a … there."""
    import xml.etree.ElementTree as ET

    from ipcoop.reports import chart

    long_name = (
        "Strengthening co-operation on the protection and use of intellectual property "
        "in the Guangdong-Hong Kong-Macao Greater Bay Area"
    )
    for args in (
        ["areas", "edit", "gba", "--name", long_name],
        ["programme", "add", "2021", "--start", "2021-01", "--end", "2021-12", "--area", "gba"],
        ["add", "A project", "--area", "gba", "--programme", "2021"],
    ):
        result = invoke("--db", db_path, *args)
        assert result.exit_code == 0, (args, result.stderr)
    svg = invoke("--db", db_path, "summary", "2021", "--format", "svg").stdout
    root = ET.fromstring(svg)
    labels = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert not any("…" in label for label in labels)
    start = next(i for i, t in enumerate(labels) if t.startswith("Strengthening co-operation"))
    joined = " ".join(labels[start : start + 3])
    assert long_name in joined
    lines = chart.wrap("粵港澳大灣區知識產權合作" * 3, 100, 10)
    assert len(lines) == 3 and all(chart.text_width(x, 10) <= 100 for x in lines)
    assert lines[-1].endswith("…")  # at most three lines; the rest is cut


@pytest.mark.parametrize("lang", ["zh-hk", "zh-cn"])
@pytest.mark.parametrize("width", [80, 60])
def test_a_chinese_summary_names_its_areas_at_any_width(db_path, lang, width):
    """At 80 columns Chinese readers saw only the English keys (gba, protection, ...)."""
    from ipcoop.reports.cells import cell_len

    shown = invoke("--db", db_path, "summary", "2020", "--lang", lang,
                   env={"COLUMNS": str(width)}).stdout  # fmt: skip
    assert all(cell_len(line) <= width for line in shown.splitlines())
    areas = invoke("--db", db_path, "areas", "--json").json()
    gba = next(a for a in areas if a["key"] == "gba")
    assert gba["names"][lang][:6] in shown
    table = shown.split("\n\n")[1]  # the areas' table
    assert "gba" not in table and "protection" not in table


def test_chinese_views_give_dates_in_each_sides_style(db_path):
    """They showed ISO dates, and '是' (yes) for a programme endorsed on a day not
    recorded."""
    assert invoke("--db", db_path, "done", "13", "--on", "2020-11-30").exit_code == 0

    def out(*args: str) -> str:
        return invoke("--db", db_path, *args, env={"COLUMNS": "120"}).stdout

    assert "2020年11月30日" in out("show", "13", "--lang", "zh-cn")
    assert "二○二○年十一月三十日" in out("summary", "2020", "--lang", "zh-hk")
    listed = out("programme", "list", "--lang", "zh-cn")
    assert "2020年4月24日" in listed and "日期未记录" in listed
    assert " 是 " not in listed and "2020-04-24" not in listed
    assert "2020-11-30" in out("show", "13")  # English keeps ISO dates


@pytest.mark.parametrize("lang", ["en", "zh-hk", "zh-cn"])
def test_word_documents_are_laid_out_to_their_content(db_path, tmp_path, lang):
    """Every column was as wide as every other (names wrapped into strips, figures half
    empty), rows split across pages, the bars wrapped, the annex ran on."""
    import zipfile

    import docx

    summary, release = tmp_path / "summary.docx", tmp_path / "release.docx"
    for command, path in ((["summary", "2020"], summary), (["release", "2020"], release)):
        done = invoke("--db", db_path, *command, "--lang", lang, "--output", path)
        assert done.exit_code == 0, done.stderr
    document = docx.Document(summary)
    areas = document.tables[0]
    widths = [cell.width.mm for cell in areas.rows[0].cells]
    assert widths[0] == max(widths) and widths[0] > 2.5 * min(widths[1:])  # names wide
    assert all(w >= 11.9 for w in widths) and sum(widths) <= 170.5
    for table in document.tables:
        assert not table.autofit  # the widths hold
        # No word, figure or date is broken inside ("Tota/l", "2020-11-/30", "三十/日"):
        # each column holds its widest piece at 2.5 mm a character, in an 11 pt body.
        for c, column_cells in enumerate(zip(*(row.cells for row in table.rows), strict=True)):
            width = column_cells[0].width.mm
            for cell in column_cells:
                for token in cell.text.split():
                    if re.fullmatch(r"[\x00-\u2e7f]+|\S*年\S*月\S*日", token):
                        assert len(token) * (5 if "年" in token else 2.5) + 3 <= width, (
                            c,
                            token,
                            width,
                        )
    if lang != "en":  # the Chinese title on one line: the year never broken in two
        (title,) = [p for p in docx.Document(release).paragraphs if p.style.name == "Title"]
        size = title.runs[0].font.size.pt
        ems = sum(1 if ord(ch) >= 0x2E80 or ch in "○〇" else 0.6 for ch in title.text)
        assert ems * size <= 470
    bars = document.tables[1]  # the chart, after the areas' table
    assert bars.rows[0].cells[2].width.mm >= 24 * 2.5  # room for the whole bar
    xml = zipfile.ZipFile(summary).read("word/document.xml").decode()
    assert xml.count("<w:tr>") == xml.count("<w:cantSplit/>") > 0  # no row splits
    headings = [p for p in docx.Document(release).paragraphs if p.style.name.startswith("Head")]
    assert all(h.paragraph_format.keep_with_next for h in headings)
    annex = [h for h in headings if h.paragraph_format.page_break_before]
    assert [h.text for h in annex] == [{"en": "Annex"}.get(lang, "附件")]


def test_a_schema_9_file_is_upgraded_and_gains_phrases_and_statements(tmp_path):
    import shutil

    from ipcoop import store

    path = tmp_path / "ipcoop.json"
    shutil.copy(DATA / "schema9.json", path)
    old = json.loads(path.read_text("utf-8"))
    assert old["_meta"]["1"]["schema"] == 9
    shown = json.loads(invoke("--db", path, "show", "13", "--json").stdout)
    assert shown["phrases"] == {"en": None, "zh-hk": None, "zh-cn": None}
    assert json.loads(path.read_text("utf-8")) == old  # reading changed nothing
    assert invoke("--db", path, "edit", "13", "--phrase", "organising the Contest").exit_code == 0
    statement = invoke("--db", path, "programme", "edit", "2020", "--statement", "Agreed.")
    assert statement.exit_code == 0, statement.stderr
    data = json.loads(path.read_text("utf-8"))
    assert data["_meta"]["1"]["schema"] == store.SCHEMA_VERSION == 10
    assert {k: data["history"][k] for k in old["history"]} == old["history"]
    assert data["projects"]["13"]["phrases"]["en"] == "organising the Contest"
    assert "phrases" not in data["projects"]["14"]  # none: no field, as before
    assert data["projects"]["14"]["starts_on"] == "2020-11-30"  # schema 9's dates kept
    assert data["programmes"]["2020"]["statement"]["en"] == "Agreed."
    assert invoke("--db", path, "check").exit_code == 0
    out = release(path)
    assert "Key co-operation projects include" in out and "organising the Contest" in out
    assert "endorsed the co-operation projects for 2020" in out and "Agreed." in out


def test_phrases_travel_through_a_sheet_and_back(db_path, tmp_path):
    sheet = tmp_path / "p.csv"
    assert invoke("--db", db_path, "export", "-o", sheet).exit_code == 0
    text = sheet.read_text("utf-8-sig")
    assert "phrase,phrase_zh_hk,phrase_zh_cn" in text.splitlines()[0]
    fresh = tmp_path / "other.json"
    assert invoke("--db", fresh, "init", "--empty").exit_code == 0
    assert invoke("--db", fresh, "import", sheet).exit_code == 0
    listed = json.loads(invoke("--db", fresh, "list", "--json").stdout)
    by_title = {p["title"]: p["phrases"] for p in listed}
    assert by_title["Exchange activities on trademarks"] == {"en": "-", "zh-hk": "-", "zh-cn": "-"}


def test_dropping_items_of_the_prose_keeps_it_whole_and_check_says_what_to_reword(db_path):
    assert invoke("--db", db_path, "drop", "17").exit_code == 0
    en = release(db_path)
    assert "On cross-border protection of IP, the two sides will mount other joint" in en
    hk = release(db_path, "--lang", "zh-hk")
    assert "在跨境知識產權保護方面，因應形勢變化適時開展其他聯合執法行動。" in hk
    assert invoke("--db", db_path, "drop", "13").exit_code == 0  # its phrase worded 14-16
    key_line = next(line for line in release(db_path).splitlines() if line.startswith("Key co"))
    assert "exchange activities on IP litigation and judicial protection" in key_line
    assert "Contest 2020" not in key_line
    check = invoke("--db", db_path, "release", "2020", "--lang", "en", "--check")
    assert check.exit_code == 1
    assert "project 14's en phrase '-' says another item words it, but none before" in (
        check.stdout
    )
    assert invoke("--db", db_path, "undo").exit_code == 0  # 13 back
    assert invoke("--db", db_path, "drop", "16").exit_code == 0
    check = invoke("--db", db_path, "release", "2020", "--lang", "en", "--check")
    assert "project 16 is dropped, but project 13's en phrase words it too" in check.stdout


def test_the_next_release_looks_back_with_the_look_back_phrases(db_path):
    """2020's phrases look forward ('continuing to promote ...'); the release of 2021
    looks back at 2020 with each item's look-back phrase, else its title."""
    run = ("programme", "add", "2021", "--start", "2021-01", "--end", "2021-12")
    assert invoke("--db", db_path, *run).exit_code == 0
    assert (
        invoke("--db", db_path, "add", "Contest 2021", "--area", "gba", "--year", "2021").exit_code
        == 0
    )
    assert invoke("--db", db_path, "done", "11", "12", "13", "--on", "2020-11-30").exit_code == 0
    assert invoke("--db", db_path, "drop", "16").exit_code == 0
    back = (
        "13", "--phrase-back", "the Guangdong-Hong Kong-Macao Greater Bay Area High "
        "Value Patent Portfolio Contest 2020",
    )  # fmt: skip
    assert invoke("--db", db_path, "edit", *back).exit_code == 0
    out = release(db_path, "--lang", "en").split("\n\n")  # (the 2020 release: unchanged)
    out = invoke("--db", db_path, "release", "2021").stdout
    assert "Looking back at the past year, members of the Expert Group forged closer " in out
    assert "wide array of activities, including the Guangdong-Hong Kong-Macao Greater" in out
    assert "copyright" not in out.split("Annex")[0]  # 16 was dropped: never said done
    assert "continuing to promote" not in out  # no forward-looking phrase in a look back
    check = invoke("--db", db_path, "release", "2021", "--check")
    assert "the look back of the en release word project(s) 11, 12 by their titles" in check.stdout
