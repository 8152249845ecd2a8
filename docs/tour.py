"""Write the README's tour by running it: `python docs/tour.py` (from the project root).

Runs each command of the tour against a fresh database in a temporary home,
80 columns wide, in the Hong Kong time zone, and puts the output between
the README's tour markers, so that the README shows what ipcoop prints.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOUR = [
    "ipcoop list --year 2020 --key",
    "ipcoop start 12",
    "ipcoop done 13 11 --on 2020-11-30",
    "ipcoop add 'Guangdong/Hong Kong Seminar on IP and SMEs 2020' --area guidance --year 2020"
    " --agency GDAMR --agency HKIPD",
    "ipcoop drop 18 --reason 'merged into 17'",
    "ipcoop summary",
    "ipcoop log 13",
    "ipcoop undo",
]
MARKDOWN = "ipcoop summary 2020 --format md"


def run(command: str, env: dict[str, str]) -> str:
    args = shlex.split(command)
    done = subprocess.run(
        [sys.executable, "-m", "ipcoop", *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.stderr + done.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HOME": home,
            "XDG_DATA_HOME": f"{home}/.local/share",
            "COLUMNS": "80",
            "TZ": "Asia/Hong_Kong",
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("IPCOOP_DB", None)
        parts = []
        for command in TOUR:
            out = run(command, env).replace(home, "/home/you")
            parts.append(f"$ {command}\n{out}")
        markdown = run(MARKDOWN, env)
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    text = re.sub(
        r"(<!-- tour: begin -->\n```console\n).*?(```\n<!-- tour: end -->)",
        lambda m: m.group(1) + "".join(parts) + m.group(2),
        text,
        flags=re.S,
    )
    text = re.sub(
        r"(<!-- summary-md: begin -->\n```markdown\n).*?(```\n<!-- summary-md: end -->)",
        lambda m: m.group(1) + markdown + m.group(2),
        text,
        flags=re.S,
    )
    readme.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
