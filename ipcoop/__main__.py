"""The `ipcoop` command (and `python -m ipcoop`).

Ctrl-C can arrive while the program is still importing, before the
command line's own error handling exists: it ends quietly here too.
"""

import contextlib
import gc
import sys


def main() -> None:
    try:
        from ipcoop.cli import app

        # What the imports made lives as long as the process: frozen, it is left
        # out of every later collection, and out of the one at exit (7% of the
        # instructions of `list` at 1,000 projects; see docs/benchmarks.md).
        gc.freeze()
        app(prog_name="ipcoop")
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            sys.stderr.write("Error: interrupted; nothing was changed\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
