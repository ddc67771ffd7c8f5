"""The one place errors become exit codes: :func:`handle_errors`, used by every command.

0 success, 2 bad input (data, configuration, templates), 1 any other failure,
130 interrupted. A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import functools
import traceback

import click

from ..errors import Problem, StandpressError
from ..report_problems import problem_lines


def echo_problems(problems: list[Problem], err: bool = True, verbose: bool = True) -> None:
    """``  error: file:place: field: message — hint``, in reading order (file, row); the
    problems of one kind as one group: its count, then (``verbose``) a line for each."""
    for line in problem_lines(problems, verbose=verbose):
        click.echo(line, err=err)


def _from_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` was raised because of a KeyboardInterrupt (pikepdf's extension,
    interrupted while it initialised, reports an ImportError caused by it)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


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
            if _from_ctrl_c(exc):  # a C extension's import failed because Ctrl-C hit it
                click.echo("Interrupted; the output folder is as it was.", err=True)
                ctx.exit(130)
            if debug:
                traceback.print_exc()
            click.echo(f"Internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("  This is a bug in standpress; run again with --debug for details.",
                       err=True)
            ctx.exit(1)

    return wrapper
