"""`python -m guidebuilder` and the `guidebuilder` command. Light to import, so that Ctrl-C is
handled from the first moment: exit 130 and the line `interrupted`, never a traceback."""

from __future__ import annotations

import os
import signal
import sys


class Interrupted(BaseException):
    """Ctrl-C in the main process. Not a KeyboardInterrupt, which click would turn into 'Aborted!' (exit 1)."""


def _interrupt(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # one Ctrl-C is enough: let the cleanup finish
    raise Interrupted


def main() -> None:
    """Run the command line; outputs being written and worker processes are cleaned up on Ctrl-C."""
    signal.signal(signal.SIGINT, _interrupt)
    try:
        code = _command()
    except Interrupted:
        sys.stderr.write("interrupted\n")
        sys.stdout.flush()
        sys.stderr.flush()
        # The workers are ended and no partial file is left; exit now rather than in the interpreter's
        # shutdown, which joins the process pool's threads and can wait for good after a killed worker.
        os._exit(130)
    except BrokenPipeError:
        code = 141  # the reader stopped reading (`guidebuilder list | head`): quietly, like a shell tool
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush there
    except OSError as exc:  # the output cannot be written (a full disk): no traceback
        sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the work is over: exit with its result
    if code is None or isinstance(code, int):
        # Every file is written and closed and the workers are stopped: skip the interpreter's teardown
        # of every module loaded (~0.1 s, as long as some whole commands take).
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            pass  # the reader has stopped reading (`guidebuilder list | head`)
        except OSError as exc:  # the output was lost (a full disk)
            os.write(2, f"error: cannot write the output: {exc.strerror or exc}\n".encode())
            code = code or 1
        os._exit(code or 0)
    sys.exit(code)


def _command() -> int | str | None:
    """The command's exit code."""
    from .cli.app import app

    try:
        app(prog_name="guidebuilder")
    except SystemExit as done:
        return done.code
    return None


if __name__ == "__main__":
    main()
