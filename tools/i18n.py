"""The interface's catalogs, for developers: nothing here runs when ipcoop does.

    python tools/i18n.py extract   # the messages of the source -> po/ipcoop.pot, and
                                   # po/zh_HK.po, po/zh_CN.po brought up to date
    python tools/i18n.py compile   # po/*.po -> ipcoop/locale/*/LC_MESSAGES/ipcoop.mo
    python tools/i18n.py take F.json  # translations {msgid: {"zh-hk": .., "zh-cn": ..}} in
    python tools/i18n.py check     # exit 1 if a message is missing, untranslated,
                                   # fuzzy, or its placeholders differ

A message is the first argument of `tr(...)` or `mark(...)` (ipcoop/base/i18n.py),
the paragraphs of a command's help (its docstring, or `help=`), and the words of
Typer's own that cli/compat.py lists. Each message of `tr` gets a stable code in
ipcoop/locale/codes.txt, given once and never to another message. To reword a message
and keep its code, change its text on its line of codes.txt too.
"""

from __future__ import annotations

import ast
import inspect
import re
import string
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ipcoop"
PO = ROOT / "po"
LOCALE = PACKAGE / "locale"
LANGS = {"zh_HK": "zh-hk", "zh_CN": "zh-cn"}
HEADER = (
    "Project-Id-Version: ipcoop\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=1; plural=0;\n"
)


# ---------------------------------------------------------------- extraction


def paragraphs(text: str) -> list[str]:
    """A help text as its translated units: the paragraphs of its cleaned form."""
    return [p.strip("\n") for p in inspect.cleandoc(text).split("\n\n") if p.strip()]


def _commands() -> set[tuple[str, str]]:
    """(module, function) of each command the registry names."""
    sys.path.insert(0, str(ROOT))
    from ipcoop.cli.registry import COMMANDS

    return {(module, attribute) for module, attribute, _ in COMMANDS.values()}


def extract() -> dict[str, dict]:
    """msgid -> {"refs": [...], "kind": "message"|"help"}, in the order found."""
    found: dict[str, dict] = {}
    commands = _commands()

    def add(msgid: str, where: str, kind: str) -> None:
        entry = found.setdefault(msgid, {"refs": [], "kind": kind})
        entry["refs"].append(where)
        if kind == "message":
            entry["kind"] = "message"

    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        in_cli = rel.startswith("ipcoop/cli/")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0] if node.args else None
                if name in ("tr", "mark") and isinstance(first, ast.Constant):
                    add(str(first.value), f"{rel}:{node.lineno}", "message")
                if in_cli:
                    for keyword in node.keywords:
                        value = keyword.value
                        if keyword.arg == "help" and isinstance(value, ast.Constant):
                            for part in paragraphs(str(value.value)):
                                add(part, f"{rel}:{node.lineno}", "help")
            if in_cli and isinstance(node, ast.FunctionDef):
                doc = ast.get_docstring(node, clean=False)
                decorated = any(
                    getattr(getattr(d, "func", None), "attr", "") in ("command", "callback")
                    for d in node.decorator_list
                )
                if doc and (decorated or (path.stem, node.name) in commands):
                    for part in paragraphs(doc):
                        add(part, f"{rel}:{node.lineno}", "help")
    return found


# ---------------------------------------------------------------- .po files


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")


def _po_string(keyword: str, text: str) -> str:
    if "\n" not in text.rstrip("\n"):
        return f'{keyword} "{_quote(text)}"\n'
    lines = [f'"{_quote(line)}"' for line in text.splitlines(keepends=True)]
    return f'{keyword} ""\n' + "\n".join(lines) + "\n"


def _unquote(text: str) -> str:
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(escapes.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_po(path: Path) -> dict[str, dict]:
    """msgid -> {"msgstr": str, "fuzzy": bool} (the header under "")."""
    entries: dict[str, dict] = {}
    current: dict = {"msgid": None, "msgstr": "", "fuzzy": False}
    field = None

    def close() -> None:
        if current["msgid"] is not None:
            entries[current["msgid"]] = {"msgstr": current["msgstr"], "fuzzy": current["fuzzy"]}

    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            close()
            current = {"msgid": None, "msgstr": "", "fuzzy": True}
            field = None
        elif line.startswith("#") or not line:
            continue
        elif line.startswith("msgid "):
            if current["msgid"] is not None:
                close()
                current = {"msgid": None, "msgstr": "", "fuzzy": False}
            current["msgid"] = _unquote(line[7:-1])
            field = "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"] = _unquote(line[8:-1])
            field = "msgstr"
        elif line.startswith('"') and field:
            current[field] += _unquote(line[1:-1])
    close()
    return entries


def write_po(
    path: Path, found: dict[str, dict], lang: str | None, given: dict[str, str] | None = None
) -> None:
    """The template (lang None) or a language's catalog, keeping its translations
    (and taking those `given`, msgid -> msgstr, over them)."""
    old = read_po(path) if path.exists() else {}
    for msgid, msgstr in (given or {}).items():
        old[msgid] = {"msgstr": msgstr, "fuzzy": False}
    header = HEADER + (f"Language: {lang}\n" if lang else "")
    parts = [_po_string("msgid", "") + _po_string("msgstr", header)]
    for msgid, info in found.items():
        kept = old.get(msgid, {"msgstr": "", "fuzzy": False})
        refs = " ".join(info["refs"][:3])
        block = f"#: {refs}\n"
        flags = ["python-brace-format"] if info["kind"] == "message" and "{" in msgid else []
        if kept["fuzzy"]:
            flags.insert(0, "fuzzy")
        if flags:
            block += "#, " + ", ".join(flags) + "\n"
        block += _po_string("msgid", msgid) + _po_string("msgstr", kept["msgstr"] if lang else "")
        parts.append(block)
    path.write_text("\n".join(parts), "utf-8")


# ---------------------------------------------------------------- .mo files


def mo_bytes(entries: dict[str, dict]) -> bytes:
    """A GNU .mo file of the translated, not fuzzy, entries (as msgfmt writes it)."""
    kept = {k: v["msgstr"] for k, v in entries.items() if v["msgstr"] and not v["fuzzy"]}
    kept[""] = entries.get("", {"msgstr": HEADER})["msgstr"]
    keys = sorted(kept)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(kept[k].encode() + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    at_id = at_str = 0
    table_ids, table_strs = [], []
    for k in keys:
        kid, kstr = k.encode(), kept[k].encode()
        table_ids += [len(kid), start + at_id]
        table_strs += [len(kstr), start + len(ids) + at_str]
        at_id += len(kid) + 1
        at_str += len(kstr) + 1
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    tables = struct.pack(f"<{len(table_ids)}I", *table_ids)
    tables += struct.pack(f"<{len(table_strs)}I", *table_strs)
    return head + tables + ids + strs


def mo_path(folder: str) -> Path:
    return LOCALE / folder / "LC_MESSAGES" / "ipcoop.mo"


# ---------------------------------------------------------------- codes


def read_codes() -> dict[str, str]:
    """msgid -> code, from ipcoop/locale/codes.txt ("E042 the message", \\n escaped)."""
    path = LOCALE / "codes.txt"
    codes: dict[str, str] = {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            code, _, text = line.partition(" ")
            codes[text.replace("\\n", "\n")] = code
    return codes


def write_codes(found: dict[str, dict]) -> None:
    """Give each message of `tr` a code; a code once given stays (a message gone keeps
    its line, so that no other message ever takes its code)."""
    codes = read_codes()
    taken = [int(c[1:]) for c in codes.values()]
    following = max(taken, default=0) + 1
    for msgid, info in found.items():
        if info["kind"] == "message" and msgid not in codes:
            codes[msgid] = f"E{following:03d}"
            following += 1
    lines = [f"{code} {text}".replace("\n", "\\n") for text, code in codes.items()]
    (LOCALE / "codes.txt").write_text("\n".join(lines) + "\n", "utf-8")


# ---------------------------------------------------------------- checks


def fields(text: str) -> list[tuple[str, str, str]]:
    """The placeholders of a message: (name, conversion, format) of each {...}."""
    try:
        return sorted(
            (name, conversion or "", spec or "")
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        )
    except ValueError:
        return [("<unbalanced braces>", "", "")]


def _kept(text: str) -> list[str]:
    """What a translation must keep as it is: options, quoted commands, examples."""
    options = re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", text)
    commands = re.findall(r"'(ipcoop\s[^']*)'", text)
    commands = [" ".join(c.split()) for c in commands]
    examples = [
        re.split(r"\s+\(", found)[0].strip()
        for found in re.findall(r"^\s*Example:\s*(ipcoop\b.*)$", text, re.M)
    ]
    return sorted(set(options)) + sorted(set(commands)) + sorted(examples)


def problems() -> list[str]:
    """Everything that keeps the catalogs from being whole."""
    found = extract()
    out = []
    codes = read_codes()
    for msgid, info in found.items():
        if info["kind"] == "message" and msgid not in codes:
            out.append(f"codes.txt: no code for {msgid!r} (run tools/i18n.py extract)")
    for folder in LANGS:
        path = PO / f"{folder}.po"
        entries = read_po(path) if path.exists() else {}
        for msgid, info in found.items():
            entry = entries.get(msgid)
            where = f"{path.name} ({info['refs'][0]})"
            if entry is None:
                out.append(f"{where}: missing {msgid!r}")
            elif not entry["msgstr"]:
                out.append(f"{where}: untranslated {msgid!r}")
            elif entry["fuzzy"]:
                out.append(f"{where}: fuzzy {msgid!r}")
            elif fields(msgid) != fields(entry["msgstr"]):
                out.append(f"{where}: placeholders differ in {msgid!r}")
            elif _kept(msgid) != _kept(entry["msgstr"]):
                out.append(f"{where}: options or commands differ in {msgid!r}")
        mo = mo_path(folder)
        if not mo.exists() or mo.read_bytes() != mo_bytes(entries):
            out.append(f"{mo.relative_to(ROOT)} is not compiled from {path.name}")
    return out


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action == "extract":
        found = extract()
        PO.mkdir(exist_ok=True)
        write_po(PO / "ipcoop.pot", found, None)
        for folder, lang in LANGS.items():
            write_po(PO / f"{folder}.po", found, lang)
        write_codes(found)
        print(f"{len(found)} messages")
        return 0
    if action == "take":  # take translations: python tools/i18n.py take FILE.json ...
        import json

        found = extract()
        for folder, lang in LANGS.items():
            given = {}
            for name in argv[1:]:
                for msgid, forms in json.loads(Path(name).read_text("utf-8")).items():
                    if msgid in found and forms.get(lang):
                        given[msgid] = forms[lang]
            write_po(PO / f"{folder}.po", found, lang, given)
        return 0
    if action == "compile":
        for folder in LANGS:
            target = mo_path(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(mo_bytes(read_po(PO / f"{folder}.po")))
        return 0
    if action == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
