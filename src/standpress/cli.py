"""The command line: parse options, call the library, print, set the exit code.

This is the one place where errors become exit codes: 0 success, 2 bad input
(data, configuration, templates), 1 any other failure, 130 interrupted.
A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import functools
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import Problem, StandpressError


def _echo_problems(problems: list[Problem], err: bool = True) -> None:
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
            _echo_problems(exc.problems)
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


@click.group()
@click.version_option(__version__, prog_name="standpress")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """standpress: print-ready panels for street information stands."""


@main.command()
@click.option("--cases", "cases", type=click.Path(path_type=Path), default=Path("data/cases.csv"),
              show_default=True, help="Case data: CSV, XLSX or TOML.")
@click.option("--locations", type=click.Path(path_type=Path), default=Path("locations.toml"),
              show_default=True, help="Campaign, formats and locations.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"),
              show_default=True, help="Output folder.")
@click.option("--only", multiple=True, metavar="LOCATION_ID", help="Build only these stands.")
@click.option("--fix-lookalikes", is_flag=True, help="Replace Latin lookalike letters in Cyrillic words.")
@click.option("--allow-low-res", is_flag=True, help="Warn instead of failing on photos below the floor.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@handle_errors
def build(cases: Path, locations: Path, out: Path, only: tuple[str, ...], fix_lookalikes: bool,
          allow_low_res: bool, strict: bool, quiet: bool) -> None:
    """Lay out and render every stand into OUT."""
    from .build import BuildOptions, build as run_build

    progress = (lambda s: None) if quiet else (lambda s: click.echo(f"· {s}", err=True))
    result = run_build(BuildOptions(cases=cases, locations=locations, out=out, only=only,
                                    fix_lookalikes=fix_lookalikes, allow_low_res=allow_low_res),
                       progress)
    if result.warnings:
        click.echo(f"{len(result.warnings)} warning(s):", err=True)
        _echo_problems(result.warnings)
    rows = [("stand", "format", "panels", "faces", "cases", "warnings")]
    for s in result.stands:
        rows.append((s.id, s.format, str(s.panels), str(s.faces), str(s.cases), str(len(s.warnings))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        click.echo("  ".join(v.ljust(w) if j < 2 else v.rjust(w)
                             for j, (v, w) in enumerate(zip(r, widths))))
        if i == 0:
            click.echo("  ".join("─" * w for w in widths))
    total_cases = sum(s.cases for s in result.stands)
    click.echo(f"{len(result.stands)} stands, {sum(s.panels for s in result.stands)} panels, "
               f"{total_cases} cases → {result.out}")
    if strict and result.warnings:
        click.echo("Error: --strict: the build has warnings", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
