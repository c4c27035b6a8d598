"""One-line errors and clean exit codes for the commands (``clean-news``, ``clean-news-apply``).

A command class made by :func:`one_line_errors` prints every error as one line on
stderr, ``PROG: error: ...``, never a traceback: usage errors exit 2, a
``ClickException`` its own code, Ctrl-C 130, SIGTERM 143, a closed pipe 1, a file
system error (disk full, permission denied) 1, and an unexpected error 70 with a
request to report it (``CLEAN_NEWS_DEBUG=1`` shows its traceback instead).

SIGTERM is turned into :class:`Terminated`, a ``KeyboardInterrupt``, so a
terminated run unwinds like Ctrl-C: temporary output files are deleted and no
partial output is left behind.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click


def print_error(prog: str, message: str) -> None:
    """``PROG: error: MESSAGE`` on stderr, white space folded to one line."""
    click.echo(f"{prog}: error: {' '.join(message.split())}", err=True)


class Terminated(KeyboardInterrupt):
    """The process got SIGTERM."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def one_line_errors(prog: str, interrupted: str) -> type[click.Command]:
    """A click.Command subclass for ``prog``; ``interrupted`` is said on Ctrl-C."""

    class OneLineErrors(click.Command):
        def main(
            self,
            args: Any = None,
            prog_name: str | None = None,
            complete_var: str | None = None,
            standalone_mode: bool = True,
            **extra: Any,
        ) -> Any:
            try:
                with sigterm_unwinds():
                    code = super().main(
                        args, prog_name, complete_var, standalone_mode=False, **extra
                    )
            except click.UsageError as exc:
                print_error(prog, f"{exc.format_message()} (see '{prog} --help')")
                code = 2
            except click.ClickException as exc:
                print_error(prog, exc.format_message())
                code = exc.exit_code
            except (click.Abort, KeyboardInterrupt) as exc:
                # click turns a KeyboardInterrupt (and so SIGTERM's) into Abort
                if isinstance(exc, Terminated) or isinstance(exc.__context__, Terminated):
                    print_error(prog, interrupted.replace("interrupted", "terminated", 1))
                    code = 143
                else:
                    print_error(prog, interrupted)
                    code = 130
            except BrokenPipeError:
                code = 1
            except OSError as exc:
                where = f"{exc.filename}: " if exc.filename else ""
                print_error(prog, f"{where}{exc.strerror or exc}")
                code = 1
            except MemoryError:
                print_error(prog, "out of memory")
                code = 1
            except Exception as exc:
                if os.environ.get("CLEAN_NEWS_DEBUG"):
                    raise
                print_error(
                    prog,
                    f"internal error: {exc!r} (please report it; "
                    "CLEAN_NEWS_DEBUG=1 shows the traceback)",
                )
                code = 70
            if not standalone_mode:
                return code
            sys.exit(code or 0)

    return OneLineErrors
