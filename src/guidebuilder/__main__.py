"""`python -m guidebuilder` and the `guidebuilder` command. Light to import, so that Ctrl-C is
handled from the first moment: exit 130 and the line `interrupted`, never a traceback."""

from __future__ import annotations

import contextlib
import os
import signal
import sys


class Interrupted(BaseException):
    """Ctrl-C in the main process. Not a KeyboardInterrupt, which click would turn into 'Aborted!' (exit 1)."""


def _interrupt(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # one Ctrl-C is enough: let the cleanup finish
    raise Interrupted


def main(served: bool = False) -> None:
    """Run the command line; outputs being written and worker processes are cleaned up on Ctrl-C.
    served: this process is a check server's child, already the caller (see checkserver)."""
    signal.signal(signal.SIGINT, _interrupt)
    try:
        code = _command(served)
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


def _command(served: bool) -> int | str | None:
    """The command's exit code. A check is answered by the warm check server when one runs; a check run
    here at a terminal starts one for the next check."""
    checking = sys.argv[1:2] == ["check"] and not served
    if checking:
        from .checkserver import run_served

        code = run_served(sys.argv[1:])
        if code is not None:
            return code
    from .cli import app

    try:
        app(prog_name="guidebuilder")
    except SystemExit as done:
        if checking:
            _start_check_server()
        return done.code
    return None


def _start_check_server() -> None:
    """Leave a warm server for the next check, unless turned off or not at a terminal (best effort)."""
    from .checkserver import start, wanted

    if wanted():
        with contextlib.suppress(OSError):
            start(os.getcwd())


if __name__ == "__main__":
    main()
