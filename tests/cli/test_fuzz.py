"""Generated bad input for every command: never a traceback, a contract exit code,
and a failed command leaves the file's bytes as they were."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import invoke

COMMANDS = [
    "list",
    "show",
    "add",
    "edit",
    "start",
    "done",
    "reopen",
    "drop",
    "remove",
    "undo",
    "log",
    "areas",
    "members",
    "summary",
    "export",
    "import",
    "carry",
    "check",
    "conflicts",
    "sync",
]
OPTIONS = [
    "--year",
    "--area",
    "--status",
    "--key",
    "--not-key",
    "--no-key",
    "--lead",
    "--agency",
    "--search",
    "--sort",
    "--format",
    "--json",
    "--title",
    "--note",
    "--on",
    "--reason",
    "--yes",
    "--to",
    "--dry-run",
    "--output",
    "--empty",
    "--force",
    "--open",
    "--name",
    "--from",
    "--until",
    "add",
    "edit",
    "remove",
]
HOSTILE_VALUES = [
    "1",
    "11",
    "0",
    "-1",
    "99999",
    "9" * 5000,
    "⑤",
    "²",
    "١٢",
    "2020",
    "2022-23",
    "2023-2020",
    "20x0",
    "gba",
    "moon",
    "done",
    "open",
    "HKIPD",
    "nope",
    "-id",
    "md",
    "svg",
    "html",
    "2020-02-30",
    "2020-11-30",
    "30/11/2020",
    "",
    " ",
    "[bold]",
    "\x1b[31m",
    "粵港",
    "粤港",
    "\u202eevil",
    "x" * 600,
    "/nonexistent/dir/file",
    "~nosuchuser/x",
    "-",
    "--",
    "%s%n",
    "\x00",
    "a\nb",
    "null",
    "{}",
    "[]",
    "true",
    "-5",
    "1e9",
    "0x10",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(-5, 40).map(str),
)
ARGS = st.lists(st.one_of(st.sampled_from(OPTIONS), VALUES), max_size=6)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(COMMANDS), args=ARGS)
def test_generated_arguments(db_path, tmp_path_factory, command, args):
    # Relative --output names land in a scratch folder, never in the source tree.
    scratch = tmp_path_factory.mktemp("out")
    before = db_path.read_bytes()
    cwd = os.getcwd()
    os.chdir(scratch)
    try:
        result = invoke("--db", db_path, command, *args)
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1, 2, 3), (command, args, result.stderr)
    assert "Traceback" not in result.stderr
    assert "unexpected failure" not in result.stderr, (command, args, result.stderr)
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (command, args, result.stderr)
        assert db_path.read_bytes() == before, (command, args)
    elif db_path.read_bytes() != before:
        # A command that changed the file can be undone, back to the same projects.
        changed = invoke("--db", db_path, "undo")
        assert changed.exit_code == 0, changed.stderr


# A few thousand more per run, generated from a seed (IPCOOP_FUZZ_SEED to vary it;
# the run prints the seed and the count when it fails).


def test_thousands_of_generated_command_lines(db_path, tmp_path, monkeypatch):
    import random

    seed = int(os.environ.get("IPCOOP_FUZZ_SEED", "20261127"))
    rng = random.Random(seed)
    pristine = {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    runs = 3000
    for i in range(runs):
        command = rng.choice(COMMANDS)
        args = [rng.choice(OPTIONS + HOSTILE_VALUES) for _ in range(rng.randint(0, 5))]
        before = db_path.read_bytes()
        result = invoke("--db", db_path, command, *args)
        where = (seed, i, command, args, result.stderr[-300:])
        assert result.exit_code in (0, 1, 2, 3), where
        assert "Traceback" not in result.stderr, where
        assert "unexpected failure" not in result.stderr, where
        if result.exit_code != 0:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("Error: "), where
            assert db_path.read_bytes() == before, where
        elif db_path.read_bytes() != before:
            for name, data in pristine.items():  # back to the bundled state
                (db_path.parent / name).write_bytes(data)
