"""Reports people paste: the release, the HTML page, the SVG chart and Word files,
each parsed back and compared with the figures and with the source release."""

from __future__ import annotations

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


def test_the_english_release_follows_the_source_sentence_by_sentence(db_path):
    out = release(db_path, "--lang", "en").splitlines()
    sentences = source_sentences()
    # Written as the source wrote them, word for word:
    assert out[0] == SOURCE.splitlines()[0]
    for line in (
        "Strengthening co-operation on IP in the Greater Bay Area;",
        "Strengthening guidance service on IP in both places; and",
        "Organising IP promotion and education activities in both places.",
    ):
        assert f"• {line}" in out and f"* {line}" in SOURCE
    paragraphs = [line for line in out if line and not line.startswith(("•", "("))]
    for wanted in (
        "The Expert Group was set up after the Sixth Plenary of the Hong Kong/Guangdong "
        "Co-operation Joint Conference in August 2003.",
        "The leader of the Expert Group from the Hong Kong side is the Director of "
        "Intellectual Property, and members include officials from the Intellectual Property "
        "Department, the Commerce and Economic Development Bureau and the Customs and Excise "
        "Department.",
    ):
        assert wanted in sentences and any(wanted in p for p in paragraphs)
    # ... and where the facts come from the data, in the source's shape.
    assert (
        "The Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property "
        "Rights endorsed the co-operation projects for 2020 on 24 April 2020." in out
    )
    assert (
        "Co-operation projects of the Expert Group for 2020 cover the following six areas:" in out
    )
    assert (
        "Looking back at 2019, members of the Expert Group forged closer co-operation and "
        "implemented a total of 27 co-operation projects." in out
    )
    key_line = next(line for line in out if line.startswith("Key co-operation projects"))
    assert key_line.startswith("Key co-operation projects include: promote the development of IP")
    assert "; Guangdong-Hong Kong-Macao Greater Bay Area" in key_line  # a name keeps its capital
    assert key_line.endswith("; and exchange activities on copyright and other related areas.")
    # The annex: items under their area headings, in the programme's order.
    annex = out[out.index("Annex") :]
    assert annex[4] == "1. Strengthening co-operation on IP in the Greater Bay Area"
    assert "(3) Exchange activities on copyright and other related areas" in annex


def test_the_chinese_releases_in_each_house_style(db_path):
    hk = release(db_path, "--lang", "zh-hk").splitlines()
    cn = release(db_path, "--lang", "zh-cn").splitlines()
    assert hk[0] == "粵港保護知識產權合作專責小組推展二○二○年合作項目"
    assert cn[0] == "粤港保护知识产权合作专责小组推进2020年合作项目"
    assert "粵港保護知識產權合作專責小組於二○二○年四月二十四日通過二○二○年合作項目。" in hk
    assert "粤港保护知识产权合作专责小组于2020年4月24日通过2020年合作项目。" in cn
    assert "專責小組二○二○年的合作項目涵蓋以下六個範疇：" in hk
    assert "专责小组2020年合作项目涵盖以下六个方面：" in cn
    assert "回顧二○一九年，專責小組成員緊密合作，共落實27個合作項目。" in hk
    assert "回顾2019年，专责小组成员紧密合作，共落实27项合作项目。" in cn
    assert "• 加強兩地知識產權指導服務；以及" in hk
    assert "一、加強粵港澳大灣區知識產權合作" in hk
    assert "（二） 商标交流活动" in cn


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
    assert "粵港保護知識產權合作專責小組 · 於二○二○年四月二十四日通過" in "".join(page.text)


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
    assert "（九十九） I97" in hk and "（106） I104" in hk and "一百" not in hk
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
    assert "2020年4月24日" in listed and "日期未有记录" in listed
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
    bars = document.tables[1]  # the chart, after the areas' table
    assert bars.rows[0].cells[2].width.mm >= 24 * 2.5  # room for the whole bar
    xml = zipfile.ZipFile(summary).read("word/document.xml").decode()
    assert xml.count("<w:tr>") == xml.count("<w:cantSplit/>") > 0  # no row splits
    headings = [p for p in docx.Document(release).paragraphs if p.style.name.startswith("Head")]
    assert all(h.paragraph_format.keep_with_next for h in headings)
    annex = [h for h in headings if h.paragraph_format.page_break_before]
    assert [h.text for h in annex] == [{"en": "Annex"}.get(lang, "附件")]
