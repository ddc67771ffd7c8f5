"""The one place errors become exit codes: :func:`handle_errors`, used by every command.

0 success, 2 bad input (data, configuration, templates), 1 any other failure,
130 interrupted. A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import functools
import traceback

import click

from ..errors import Problem, StandpressError


def echo_problems(problems: list[Problem], err: bool = True) -> None:
    """``  error: file:place: field: message — hint``, one line each."""
    for p in problems:
        tag = "warning" if not p.is_error else "error"
        click.echo(f"  {tag}: {p}", err=err)


def handle_errors(fn):
    """Run a command; turn standpress errors into messages and exit codes."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return fn(*args, **kwargs)
        except StandpressError as exc:
            if debug:
                traceback.print_exc()
            click.echo(f"Error: {exc.message}", err=True)
            echo_problems(exc.problems)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; the output folder is as it was.", err=True)
            ctx.exit(130)
        except click.exceptions.Exit:
            raise
        except Exception as exc:  # a bug: say so plainly
            if debug:
                traceback.print_exc()
            click.echo(f"Internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("  This is a bug in standpress; run again with --debug for details.",
                       err=True)
            ctx.exit(1)

    return wrapper
