"""One-line errors and clean exit codes for the commands (``clean-news``, ``clean-news-apply``).

A command class made by :func:`one_line_errors` prints every error as one line on
stderr, ``PROG: error: ...``, never a traceback: usage errors exit 2, a
``ClickException`` its own code, Ctrl-C 130, a closed pipe 1.
"""

from __future__ import annotations

import sys
from typing import Any

import click


def print_error(prog: str, message: str) -> None:
    """``PROG: error: MESSAGE`` on stderr, white space folded to one line."""
    click.echo(f"{prog}: error: {' '.join(message.split())}", err=True)


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
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click.UsageError as exc:
                print_error(prog, f"{exc.format_message()} (see '{prog} --help')")
                code = 2
            except click.ClickException as exc:
                print_error(prog, exc.format_message())
                code = exc.exit_code
            except (click.Abort, KeyboardInterrupt):
                print_error(prog, interrupted)
                code = 130
            except BrokenPipeError:
                code = 1
            if not standalone_mode:
                return code
            sys.exit(code or 0)

    return OneLineErrors
