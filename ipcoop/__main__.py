"""The `ipcoop` command (and `python -m ipcoop`).

Ctrl-C can arrive while the program is still importing, before the
command line's own error handling exists: it ends quietly here too.
"""

import signal


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C before main() runs (while this module's imports run): no traceback."""
    import os

    os.write(2, b"Error: interrupted; nothing was changed\n")
    os._exit(130)


signal.signal(signal.SIGINT, _interrupted)

import contextlib  # noqa: E402 - after the handler: Ctrl-C can come at any moment
import gc  # noqa: E402
import sys  # noqa: E402


def main() -> None:
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # KeyboardInterrupt again
        from ipcoop.cli import app

        # What the imports made lives as long as the process: frozen, it is left
        # out of every later collection, and out of the one at exit (7% of the
        # instructions of `list` at 1,000 projects; see docs/benchmarks.md).
        gc.freeze()
        app(prog_name="ipcoop")
    except KeyboardInterrupt:
        with contextlib.suppress(OSError, ImportError):
            from ipcoop.base.i18n import tr

            line = tr("Error: {message}").format(message=tr("interrupted; nothing was changed"))
            sys.stderr.write(line + "\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
