"""The command line's layers import only downwards, and one module alone touches a
private part of Typer (and fails loudly here when an upgrade moves it)."""

from __future__ import annotations

import ast
from pathlib import Path

from typer.testing import CliRunner

from ipcoop.cli import app

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "ipcoop" / "cli"
# What each layer may import from ipcoop.cli (anything of the core is fine).
ALLOWED = {
    "app": {"registry", "context", "compat"},
    "registry": set(),
    "options": {"context"},
    "context": set(),
    "output": set(),
    "compat": set(),
    "commands": {"context", "options", "output"},
}


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_cli_imports_only_downwards():
    for path in sorted(CLI.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        layer = "commands" if path.parent.name == "commands" else path.stem
        names = {n for n in imported(path) if n.startswith("ipcoop.cli")}
        used = {n.split(".")[2] for n in names if n.count(".") >= 2}
        assert used <= ALLOWED[layer] | ({"commands"} if layer == "commands" else set()), (
            path.name,
            used - ALLOWED[layer],
        )
        if layer == "commands":  # a command module never imports another
            assert not any(n.startswith("ipcoop.cli.commands.") for n in names), path.name


def test_only_the_compat_module_imports_private_modules():
    for path in sorted((ROOT / "ipcoop").rglob("*.py")):
        private = {
            n
            for n in imported(path)
            if any(part.startswith("_") and not part.startswith("__") for part in n.split(".")[1:])
        }
        if path.name == "compat.py":
            assert private
        else:
            assert not private, (path, private)


def test_the_private_typer_names_still_mean_what_compat_says():
    import typer

    from ipcoop.cli.compat import NoArgsIsHelpError, UsageError

    assert issubclass(NoArgsIsHelpError, UsageError)
    assert issubclass(typer.BadParameter, UsageError)
    result = CliRunner().invoke(app, ["list", "--no-such-option"])
    assert result.exit_code == 2


def test_completion_reads_the_database_in_use(tmp_path):
    db = tmp_path / "own.json"
    assert CliRunner().invoke(app, ["--db", str(db), "init"]).exit_code == 0
    assert (
        CliRunner()
        .invoke(app, ["--db", str(db), "areas", "add", "zoology", "Only in this database"])
        .exit_code
        == 0
    )

    def complete(words: str, env: dict | None = None) -> list[str]:
        result = CliRunner().invoke(
            app,
            [],
            prog_name="ipcoop",
            env={
                "_IPCOOP_COMPLETE": "complete_bash",
                "COMP_WORDS": f"ipcoop {words}",
                "COMP_CWORD": str(len(words.split())),
                **(env or {}),
            },
        )
        return result.stdout.split()

    assert complete(f"--db {db} list --area zo") == ["zoology"]
    assert complete("list --area zo", {"IPCOOP_DB": str(db)}) == ["zoology"]
    assert complete(f"--db {db} show 1") == [
        "1",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
    ]
    assert complete(f"--db {db} add t --programme 20") == ["2019", "2020"]


def test_the_help_list_says_what_each_command_says():
    from ipcoop.cli import registry

    for name in registry.COMMANDS:
        command = registry.build(name)
        assert (command.help or "").split("\n")[0] == registry.summary_line(name), name
