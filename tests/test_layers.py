"""The house's layers: each package imports only the layers below it, the command
line's own modules import only downwards, and one module alone touches a
private part of Typer (and fails loudly here when an upgrade moves it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipcoop.cli import app

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ipcoop"
CLI = PACKAGE / "cli"
# The layers, as each package's __init__ says: what each may import of ipcoop's.
# Front ends import the core and the reports (and start a sync); the reports import
# the core; the core imports the store; sync imports the store; the store only
# the base; the base nothing. Nothing imports a front end.
LAYERS = {
    "base": set(),
    "store": {"base"},
    "sync": {"store", "base"},
    "core": {"store", "base"},
    "reports": {"core", "base"},
    "cli": {"core", "reports", "sync", "base", "tui"},
    # The screen: a front end the command line's `tui` starts; a sync runs as a process.
    "tui": {"core", "reports", "base"},
}
# The top of the package: the version, and `python -m ipcoop`, which runs a front end.
TOP = {"__init__": set(), "__main__": {"cli", "base"}}
# What each layer may import from ipcoop.cli (anything of the core is fine).
ALLOWED = {
    "app": {"registry", "context", "compat", "wrapping"},
    "registry": {"commands", "wrapping"},  # loads a command's module by name, when it is run
    "options": {"context"},
    "context": set(),
    "output": set(),
    "compat": {"wrapping"},
    "wrapping": set(),
    "commands": {"context", "options", "output"},
}


def imported(path: Path, source: str | None = None) -> set[str]:
    """Every module a file imports, at its top or inside a function: relative imports
    made absolute, and any module named by a constant string ("ipcoop.core.tracker",
    as importlib.import_module takes it)."""
    tree = ast.parse(source if source is not None else path.read_text("utf-8"))
    here = ["ipcoop", *path.parent.relative_to(PACKAGE).parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                base = ".".join([*parent, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.split(".")[0] == "ipcoop"
            and node.value.split(".")[1:2]
            in (["base"], ["core"], ["reports"], ["store"], ["sync"], ["cli"], ["tui"])
        ):
            found.add(node.value)
    return found


def layer_of(path: Path) -> str:
    """The layer a file of the package belongs to: its package, or its own name at the top."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def broken_rules(files: dict[str, set[str]]) -> list[str]:
    """Each import that breaks the layering, as 'module imports module'. `files` maps a
    file's path under ipcoop/ (as 'core/tracker.py') to the modules it imports."""
    broken = []
    for name, modules in sorted(files.items()):
        layer = layer_of(PACKAGE / name)
        allowed = LAYERS.get(layer, TOP.get(layer))
        assert allowed is not None, f"{name} is in no layer: add its package to LAYERS"
        for module in sorted(modules):
            parts = module.split(".")
            if parts[0] != "ipcoop" or len(parts) < 2 or parts[1] in ("__version__", "data"):
                continue
            target = parts[1]
            if target != layer and target not in allowed:
                broken.append(f"{name} imports {module}")
    return broken


def test_every_package_imports_only_the_layers_below_it():
    files = {
        str(path.relative_to(PACKAGE)): imported(path) for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert len(files) > 70  # the walk found the package
    assert broken_rules(files) == []


@pytest.mark.parametrize(
    ("name", "imports"),
    [
        ("core/tracker.py", {"ipcoop.reports.render"}),  # the core printing through a report
        ("core/listing.py", {"ipcoop.cli.context"}),  # anything importing a front end
        ("reports/release.py", {"ipcoop.store"}),  # a report reaching past the core
        ("store/session.py", {"ipcoop.core.languages"}),  # the store reaching up
        ("base/models.py", {"ipcoop.store.layout"}),
        ("sync/engine.py", {"ipcoop.core.tracker"}),
        ("cli/commands/data.py", {"ipcoop.store.identity"}),  # a front end past the core
        ("tui/app.py", {"ipcoop.store"}),  # the screen past the core
        ("tui/actions.py", {"ipcoop.cli.context"}),  # one front end importing the other
        ("core/tracker.py", {"ipcoop.tui.app"}),
    ],
)
def test_an_import_that_breaks_the_layers_is_caught(name, imports):
    assert broken_rules({name: imports}) == [f"{name} imports {next(iter(imports))}"]


@pytest.mark.parametrize(
    "source",
    [
        "from ..cli import context",
        "from .. import cli",
        "import importlib\nimportlib.import_module('ipcoop.cli.context')",
        "__import__('ipcoop.reports.render')",
    ],
)
def test_relative_and_named_imports_are_seen_too(source):
    path = PACKAGE / "core" / "tracker.py"
    assert broken_rules({"core/tracker.py": imported(path, source)}), source


def test_each_package_says_what_it_may_import_and_what_must_never_import_it():
    for layer in LAYERS:
        text = (PACKAGE / layer / "__init__.py").read_text("utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        assert "May import" in doc, layer
        modules = {p.stem for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__"}
        if layer != "cli":  # the command line lists its layers, not every command module
            assert modules <= set(doc.split()), (layer, modules - set(doc.split()))


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


def test_only_a_front_end_prints_or_imports_typer_or_rich():
    """The base, the store and the core return data and raise errors; sync's merge
    driver, which git runs as a program, is the one writer to stderr below the front
    end."""
    for layer in ("base", "store", "core", "sync"):
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            names = imported(path)
            assert not {n for n in names if n.split(".")[0] in ("typer", "rich", "click")}, path
            if path.name == "driver.py":
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    assert node.func.id != "print", path
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    assert (node.value.id, node.attr) not in (
                        ("sys", "stdout"),
                        ("sys", "stderr"),
                    ), path
