"""The interface in three languages: the catalogs are whole, every message a person
reads passes through them (the pseudo-language finds any that does not), Typer's own
words are reached, help is wrapped by cells, and machine output never changes."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from ipcoop.base import i18n
from ipcoop.cli import compat, registry, wrapping
from ipcoop.reports.cells import cell_len
from tests.helpers import ROOT, invoke, one_error_line, run


def _tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


def test_the_catalogs_are_whole():
    """Every message of the source is in both catalogs, translated, not fuzzy, with the
    same placeholders, options and commands as the English, and compiled; every message
    has its code."""
    assert _tool().problems() == []


def test_the_check_finds_what_is_wrong(tmp_path):
    tool = _tool()
    assert tool.fields("no project {id}") != tool.fields("沒有項目 {pid}")
    assert tool.fields("{value!r} is not a year") != tool.fields("{value} 不是年份")
    assert tool._kept("see 'ipcoop list --year 2020'") != tool._kept("見 'ipcoop list'")
    po = tmp_path / "x.po"
    po.write_text('#, fuzzy\nmsgid "a"\nmsgstr "甲"\n\nmsgid "b"\nmsgstr ""\n', "utf-8")
    entries = tool.read_po(po)
    assert entries["a"]["fuzzy"] and not entries["b"]["msgstr"]
    assert b"\xe7\x94\xb2" not in tool.mo_bytes(entries)  # fuzzy: left out, as msgfmt does


def _left(text: str) -> str:
    """The text with every ⟦message⟧ taken out: what did not pass through the catalog."""
    before = None
    while before != text:
        before, text = text, re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
    return text


def _untranslated(text: str, help_page: bool = False) -> list[str]:
    out = []
    for found in _left(text).splitlines():
        # Options, metavars, commands, quoted values, paths and data are not words to
        # translate; on a help page, the first word of a row names a command or argument.
        line = re.sub(r"--?[\w-]+|<\w+>|\{\w+\}|'[^']*'|\S*[/\\]\S*|ipcoop( [a-z-]+)*", " ", found)
        if help_page:
            line = re.sub(r"^\s+[a-z][\w-]*(?=\s|$)", " ", line)
        if re.search(r"[A-Za-z][a-z]{2,}", re.sub(r"\b[A-Z][A-Z0-9_]+\b", " ", line)):
            out.append(line)
    return out


HELP_PAGES = [
    *registry.COMMANDS,
    *(
        f"{group} {sub}"
        for group, subs in {
            "members": ("add", "edit", "remove"),
            "areas": ("add", "edit", "remove"),
            "programme": ("add", "edit", "endorse", "list", "show"),
            "copies": ("approve", "revoke"),
        }.items()
        for sub in subs
    ),
]


@pytest.mark.parametrize("page", ["", *HELP_PAGES])
def test_every_help_page_passes_through_the_catalog(page):
    done = run(*page.split(), "--help", IPCOOP_PSEUDO="1", COLUMNS="80")
    assert done.returncode == 0, done.stderr
    assert _untranslated(done.stdout, help_page=True) == []


# The tour, the errors of the README's error section, prompts and sharing's words.
SCENES = [
    ["list", "--year", "2020", "--key"],
    ["start", "12"],
    ["done", "13", "11", "--on", "2020-11-30"],
    ["add", "Seminar", "--area", "guidance", "--year", "2020", "--agency", "GDAMR"],
    ["drop", "18", "--reason", "merged into 17"],
    ["summary"],
    ["log", "13"],
    ["undo"],
    ["show", "999"],
    ["done", "99"],
    ["show"],
    ["list", "--year", "20x"],
    ["list", "--no-such-option"],
    ["lst"],
    ["list", "--status", "nope"],
    ["add", "x", "--area", "nope"],
    ["list", "--format", "xml"],
    ["remove", "3"],
    ["check"],
    ["conflicts"],
    ["verify"],
    ["copies"],
    ["release", "2020", "--check"],
    ["summary", "2020", "--output", "x.pdf"],
    ["import", "no-such-file.csv"],
    ["init"],
    ["init", "--force"],
    ["tui"],
    ["list", "--upcoming", "30d"],
    ["programme", "add", "2030"],
    ["sync", "no/such/remote"],
]


@pytest.mark.parametrize("scene", SCENES, ids=" ".join)
def test_every_message_of_the_tour_and_the_errors_passes_through_the_catalog(tmp_path, scene):
    db = tmp_path / "db.json"
    assert run("--db", db, "init").returncode == 0
    done = run("--db", db, *scene, IPCOOP_PSEUDO="1", COLUMNS="80")
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() or done.returncode == 0
    assert _untranslated(done.stderr) == [], done.stderr


def test_the_pseudo_language_would_find_an_untranslated_message():
    assert _untranslated("⟦Error: ⟦no project with id 9⟧⟧") == []
    assert _untranslated("⟦Error: ⟦no project⟧; nothing was changed⟧") == []
    assert _untranslated("⟦Error: ⟦no project⟧⟧; nothing was changed") != []


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "zh_HK.UTF-8"}, "zh-hk"),
        ({"LANG": "zh_TW.Big5"}, "zh-hk"),
        ({"LANG": "zh_MO"}, "zh-hk"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-cn"),
        ({"LANG": "zh_SG.GB2312"}, "zh-cn"),
        ({"LANG": "zh"}, "zh-cn"),
        ({"LANG": "zh-Hant-TW"}, "zh-hk"),
        ({"LANG": "zh_Hans_CN.UTF-8"}, "zh-cn"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "@@@..__"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "zh_HK.UTF-8"}, "zh-cn"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_HK.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "zh_HK.UTF-8"}, "zh-hk"),
        ({}, "en"),
    ],
)
def test_the_locale_chooses_the_language(environ, lang):
    assert i18n.locale_lang(environ) == lang


def test_a_language_given_after_the_command_speaks_its_errors(db_path):
    result = invoke("--db", db_path, "list", "--year", "20x", "--lang", "zh-cn")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("错误："), line
    assert "20x" in line and re.search(r"\[E\d{3}\]$", line)
    assert invoke("--db", db_path, "show", "99", "--lang=zh-hk").stderr.startswith("錯誤：")


def test_the_environment_and_the_locale_choose_the_language_of_messages(db_path):
    hk = invoke("--db", db_path, "show", "99", env={"IPCOOP_LANG": "zh-hk"})
    cn = invoke("--db", db_path, "show", "99", env={"LANG": "zh_CN.UTF-8"})
    en = invoke("--db", db_path, "show", "99")
    assert "沒有" in hk.stderr and "没有" in cn.stderr and "no project" in en.stderr
    codes = {re.search(r"\[(E\d+)\]", r.stderr).group(1) for r in (hk, cn, en)}  # type: ignore[union-attr]
    assert len(codes) == 1  # the same code in every language
    assert hk.exit_code == cn.exit_code == en.exit_code == 1


def test_each_side_reads_its_own_terms():
    hk, cn = i18n.catalog("zh-hk"), i18n.catalog("zh-cn")
    message = "{label} is not an ipcoop database ({problem})"
    assert "資料庫" in hk.gettext(message) and "数据库" in cn.gettext(message)
    option = "The database file (default: ipcoop.json in the user data folder)."
    assert "預設" in hk.gettext(option) and "默认" in cn.gettext(option)


def test_an_unknown_IPCOOP_LANG_is_refused_and_a_strange_locale_is_english(db_path):
    refused = invoke("--db", db_path, "list", env={"IPCOOP_LANG": "klingon"})
    assert refused.exit_code == 1
    assert "IPCOOP_LANG" in one_error_line(refused)
    for value in ("klingon", "zh_XX.UTF-8", "zh_HK.UTF-8@@@", "中文"):
        result = invoke("--db", db_path, "show", "99", env={"LANG": value})
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(("Error: ", "錯誤：", "错误：")), result.stderr


def test_a_missing_or_damaged_catalog_leaves_the_interface_in_english(
    db_path, tmp_path, monkeypatch
):
    broken = tmp_path / "locale" / "zh_HK" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "ipcoop.mo").write_bytes(b"\xde\x12\x04\x95" + b"\xff" * 40)  # damaged
    monkeypatch.setattr(i18n, "LOCALE", tmp_path / "locale")  # zh_CN: missing
    for lang in ("zh-hk", "zh-cn"):
        result = invoke("--db", db_path, "show", "99", env={"IPCOOP_LANG": lang})
        assert result.exit_code == 1
        assert one_error_line(result).startswith("Error: no project with id 99")


def test_machine_output_is_the_same_in_every_language(db_path):
    runs = {
        lang: invoke("--db", db_path, "list", "--json", env={"IPCOOP_LANG": lang})
        for lang in ("en", "zh-hk", "zh-cn")
    }
    assert runs["en"].json() == runs["zh-hk"].json() == runs["zh-cn"].json()
    csv = {
        lang: invoke("--db", db_path, "export", "--format", "csv", env={"IPCOOP_LANG": lang})
        for lang in ("en", "zh-cn")
    }
    assert csv["en"].stdout.splitlines()[0] == csv["zh-cn"].stdout.splitlines()[0]


def test_typers_own_words_are_translated(db_path):
    missing = invoke("--db", db_path, "show", env={"IPCOOP_LANG": "zh-hk"})
    assert missing.exit_code == 2
    assert "Missing" not in missing.stderr and "ID" in missing.stderr
    assert missing.stderr.startswith("錯誤：")
    unknown = invoke("--db", db_path, "list", "--nope", env={"IPCOOP_LANG": "zh-cn"})
    assert unknown.exit_code == 2 and "No such option" not in unknown.stderr
    assert "--nope" in unknown.stderr
    bad = invoke("--db", db_path, "carry", "2020", "--to", "x", env={"IPCOOP_LANG": "zh-cn"})
    assert "Invalid value" not in bad.stderr
    page = invoke("list", "--help", env={"IPCOOP_LANG": "zh-hk"}).stdout
    for english in ("Usage:", "Options:", "Show this message and exit.", "[default:"):
        assert english not in page
    assert page.startswith("用法：")


def test_the_hooks_into_typer_still_hold():
    """An upgrade of Typer that rewords its messages or moves what compat.py patches
    fails here, not silently in front of a user."""
    import typer.core
    from typer._click import core, decorators, exceptions, formatting, parser, types

    source = "".join(
        Path(m.__file__).read_text("utf-8")  # type: ignore[arg-type]
        for m in (core, decorators, exceptions, parser, types, formatting)
    )
    # What Click's source writes for each template compat.CLICK_MESSAGES matches.
    for literal in (
        "Missing argument",
        "Missing option",
        "Missing parameter",
        "No such option: ",
        "(Possible options: ",
        "Invalid value for ",
        "Invalid value: ",
        " is not a valid ",
        'name = "int"',
        " is not a valid boolean. Recognized values: ",
        " is not in the range ",
        "requires {msg}",
        '"an argument." if nargs == 1 else f"{nargs} arguments."',
        " does not take a value.",
        "Got unexpected extra argument(s) (",
    ):
        assert literal in source, literal
    assert len(compat.CLICK_MESSAGES) == 15  # a template added is a literal added above
    assert 'prefix = "Usage: "' in source
    compat.install()  # as every run does first
    assert 'help="Show this message and exit."' in source
    assert callable(typer.core._) and formatting.wrap_text is wrapping.wrap_text
    assert formatting.term_len is wrapping.term_len
    assert compat.click_message("Missing argument 'ID'.") == "Missing argument 'ID'."
    i18n.use("zh-cn")
    try:
        assert compat.click_message("Missing argument 'ID'.") != "Missing argument 'ID'."
        nested = compat.click_message("Invalid value for '--to': 'x' is not a valid int.")
        assert "Invalid" not in nested and " int" not in nested and "'x'" in nested
    finally:
        i18n.use("en")


@pytest.mark.parametrize("lang", ["zh-hk", "zh-cn"])
@pytest.mark.parametrize("width", [40, 80, 120])
def test_help_fits_the_terminal_by_cells(lang, width):
    limit = min(width, 80)
    for page in ["", *HELP_PAGES]:
        out = invoke(
            *page.split(), "--help", env={"IPCOOP_LANG": lang, "COLUMNS": str(width)}
        ).stdout
        assert out.strip()
        for line in out.splitlines():
            # An option with its metavar, or a quoted value of an example, is not broken.
            if cell_len(line) > limit:
                unbroken = r"""\s*("[^"]*"|\S+)( ("[^"]*"|\S+))?( \\)?"""
                assert re.fullmatch(unbroken, line), (page, line)
                # ... but Chinese outside quotes is always broken to fit.
                assert cell_len(re.sub(r'"[^"]*"', "", line)) == len(
                    re.sub(r'"[^"]*"', "", line)
                ), (page, line)


def test_chinese_wraps_between_characters_and_keeps_its_marks():
    text = "列出項目，可按年份及狀態篩選。--lang 選擇顯示的名稱（JSON 載有所有寫法）。"
    for width in (12, 17, 20, 31):
        lines = wrapping.wrap_text(text, width).splitlines()
        assert all(cell_len(line) <= width for line in lines), lines
        assert not any(line[0] in "，。）」" for line in lines)
        assert not any(line[-1] in "（「" for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert wrapping.join_lines(["第一行", "第二行", "and English", "words"]) == (
        "第一行第二行 and English words"
    )
    assert (
        wrapping.wrap_text("a long English sentence here", 12) == "a long\nEnglish\nsentence\nhere"
    )


def test_english_runs_read_no_catalog(db_path, monkeypatch):
    monkeypatch.setattr(i18n, "_read", lambda lang: pytest.fail("a catalog was read"))
    assert invoke("--db", db_path, "list", "--help").exit_code == 0
    assert invoke("--db", db_path, "show", "99").exit_code == 1


# Codes people may already have written down: each must keep meaning its message.
PINNED = {
    "E281": "no project with id {project_id} (see 'ipcoop list')",
    "E061": "No such command '{name}'; did you mean '{close}'?",
    "E154": "{what} must be one of en, zh-hk, zh-cn, not {value}",
    "E432": "No such option: {name}",
}


def test_the_codes_of_errors_are_kept():
    lines = (ROOT / "ipcoop" / "locale" / "codes.txt").read_text("utf-8").splitlines()
    codes = dict(line.split(" ", 1) for line in lines)
    assert len(codes) == len(lines)  # no code given twice
    assert all(re.fullmatch(r"E\d{3,}", code) for code in codes)
    assert len(set(codes.values())) == len(codes)  # nor a message twice
    for code, message in PINNED.items():
        assert codes[code] == message
    numbers = [int(code[1:]) for code in codes]
    assert numbers == sorted(numbers)  # new codes only ever come after the old


def test_sharing_speaks_through_the_catalog(pair, monkeypatch):
    """A conflict, a sync, the copies and the signatures, in the pseudo-language: what
    sync, conflicts, show, summary, copies, verify, log and check tell, on either
    stream, passed through the catalog (the data here is Chinese or codes)."""
    hk, gd = pair
    hk.ok("edit", "15", "--title", "商標交流甲")
    gd.ok("edit", "15", "--title", "商標交流乙")
    hk.ok("sync")
    gd.ok("sync")
    monkeypatch.setenv("IPCOOP_PSEUDO", "1")
    told = hk.ok("sync")
    assert _untranslated(told.stderr) == [], told.stderr
    for args in (
        ["conflicts"],
        ["copies"],
        ["verify"],
        ["check"],
        ["summary", "2020"],
        ["show", "15"],
        ["log", "15"],
    ):
        result = hk(*args)
        assert "Traceback" not in result.stderr
        assert _untranslated(result.stderr) == [], (args, result.stderr)
        if args[0] in ("conflicts", "copies", "verify", "check"):
            assert _untranslated(_data_out(result.stdout)) == [], (args, result.stdout)
        if args[0] == "show":  # its conflict line
            line = next(x for x in result.stdout.splitlines() if "⟦Conflict" in x)
            assert _untranslated(_data_out(line)) == [], line
        if args[0] == "log":  # the changes, told in words under each command
            changes = [x for x in result.stdout.splitlines() if x.startswith("      ")]
            assert changes and _untranslated(_data_out("\n".join(changes))) == [], changes


def _data_out(text: str) -> str:
    """Text without what is data, not words: fingerprints, hashes, times, copy names."""
    text = re.sub(r"SHA256:[^\s⟦⟧]+|[^\s⟦⟧]*\d[^\s⟦⟧]*", " ", text)
    return re.sub(r"HK IPD|GDAMR", " ", text)


def _code(result) -> str:
    found = re.search(r"\[(E\d+)\]$", result.stderr.strip())
    assert found, result.stderr
    return found.group(1)


def test_each_error_keeps_its_own_code_in_every_language(db_path):
    for args in (["list", "--year", "1900"], ["show"], ["lst"], ["list", "--yaer", "2020"]):
        codes = {
            _code(invoke("--db", db_path, *args, env={"IPCOOP_LANG": lang}))
            for lang in ("en", "zh-hk", "zh-cn")
        }
        assert len(codes) == 1, (args, codes)
    # A usage error is coded by what was wrong, not by the hint that follows it.
    assert _code(invoke("--db", db_path, "lst")) == "E061"  # its own, not the hint's
    assert _code(invoke("--db", db_path, "list", "--yaer", "2020")) == "E432"
    sides = {_code(invoke("--db", db_path, "sync", "--side", "xx"))}
    sides.add(_code(invoke("--db", db_path, "add", "x", "--area", "gba")))
    assert len(sides) == 2  # two of ipcoop's own refusals inside Click's "Invalid value"
    out_of_range = invoke("--db", db_path, "list", "--year", "1900", env={"IPCOOP_LANG": "zh-cn"})
    assert "2000" in out_of_range.stderr and "2100" in out_of_range.stderr


@pytest.mark.parametrize("broken", ["錯誤：{msg}", "錯誤：{message[x]}", "錯誤：{0}"])
def test_damaged_language_files_never_fail_an_error(db_path, tmp_path, monkeypatch, broken):
    """A catalog whose line names another placeholder, indexes it or wants a position,
    and a codes.txt that is not text: the error is still one line, never a traceback."""
    tool = _tool()
    locale = tmp_path / "locale"
    (locale / "zh_HK" / "LC_MESSAGES").mkdir(parents=True)
    entries = tool.read_po(ROOT / "po" / "zh_HK.po")
    entries["Error: {message}"] = {"msgstr": broken, "fuzzy": False}
    (locale / "zh_HK" / "LC_MESSAGES" / "ipcoop.mo").write_bytes(tool.mo_bytes(entries))
    (locale / "codes.txt").write_bytes(b"\xff\xfe\x00garbage\n")
    monkeypatch.setattr(i18n, "LOCALE", locale)
    for env in ({}, {"IPCOOP_LANG": "zh-hk"}):
        result = invoke("--db", db_path, "show", "99", env=env)
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: ")  # the English line, with the Chinese message
    assert "沒有" in result.stderr


def test_an_unknown_IPCOOP_LANG_still_lets_help_and_the_version_answer(db_path):
    env = {"IPCOOP_LANG": "klingon" * 1000, "LANG": "zh_HK.UTF-8"}
    assert invoke("--version", env=env).exit_code == 0
    helped = invoke("list", "--help", env=env)
    assert helped.exit_code == 0 and "用法：" in helped.stdout
    refused = invoke("--db", db_path, "list", env=env)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("錯誤：IPCOOP_LANG") and len(refused.stderr) < 200


def test_a_question_is_answered_in_either_language(db_path, monkeypatch):
    monkeypatch.setattr("ipcoop.cli.commands.status.stdin_is_terminal", lambda: True)
    asked = invoke(
        "--db", db_path, "remove", "12", input="maybe\n是\n", env={"IPCOOP_LANG": "zh-hk"}
    )
    assert asked.exit_code == 0, asked.stderr
    assert "請回答 y 或 n" in asked.stderr and "[y/N]" in asked.stderr
    assert "推動" in asked.stderr  # the project by its Hong Kong title
    assert 12 not in {p["id"] for p in invoke("--db", db_path, "list", "--json").json()}
    kept = invoke("--db", db_path, "remove", "13", input="否\n", env={"IPCOOP_LANG": "zh-cn"})
    assert kept.exit_code == 1 and 13 in {
        p["id"] for p in invoke("--db", db_path, "list", "--json").json()
    }


def test_an_import_row_error_carries_its_messages_code(db_path, tmp_path):
    import csv
    import io

    exported = invoke("--db", db_path, "export", "--format", "csv").stdout
    header, row = list(csv.reader(io.StringIO(exported)))[:2]
    row[header.index("area")] = "culture"
    sheet = tmp_path / "bad.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, row])
    english = invoke("--db", db_path, "import", sheet)
    chinese = invoke("--db", db_path, "import", sheet, env={"IPCOOP_LANG": "zh-hk"})
    assert one_error_line(english).startswith("Error: row 2: unknown area 'culture'")
    assert chinese.stderr.startswith("錯誤：第 2 行：") and "culture" in chinese.stderr
    assert _code(english) == _code(chinese)


def test_stored_and_machine_words_stay_english_in_every_language(db_path):
    """The log's JSON, verify's journal problems, and a record's key in the log."""
    from ipcoop.store.journal import broken_chains

    assert invoke("--db", db_path, "areas", "add", "code", "Codes of practice").exit_code == 0
    assert invoke("--db", db_path, "areas", "edit", "code", "--name", "Codes").exit_code == 0
    told = invoke("--db", db_path, "log", env={"IPCOOP_LANG": "zh-hk"}).stdout
    assert "code" in told and "範疇" in told  # the key as it is, the word for area translated
    english = invoke("--db", db_path, "log", "--json").json()
    chinese = invoke("--db", db_path, "log", "--json", env={"IPCOOP_LANG": "zh-cn"}).json()
    assert english == chinese and "changed area code" in english[0]["changes"][0]
    i18n.use("zh-hk")
    try:
        assert broken_chains({"abc.000002": {"prev": "x"}}) == [
            "entry abc.000002 follows an entry that is missing"
        ]
    finally:
        i18n.use("en")


def test_data_to_a_legacy_encoding_is_refused_not_corrupted(db_path):
    done = run("--db", db_path, "export", "--format", "csv", PYTHONIOENCODING="gb2312")
    assert done.returncode == 1 and done.stdout == ""
    assert "UTF-8" in done.stderr and "Traceback" not in done.stderr


def test_both_front_ends_say_a_change_in_the_readers_language():
    from ipcoop.core.tracker import said_changed

    i18n.use("zh-cn")
    try:
        assert said_changed("remove", [{"id": 3}, {"id": 4}]) == "已删除：3, 4"
        assert said_changed("done", [{"id": 12}]) == "已完成：12"
    finally:
        i18n.use("en")
    assert said_changed("drop", [{"id": 18}]) == "Dropped: 18"
