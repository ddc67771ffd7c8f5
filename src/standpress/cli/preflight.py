"""``standpress check [PATH...]``: preflight the finished stands (``check/``).

The work is done by :func:`run_check`, a plain function; the click command only
parses the options and lets :func:`~standpress.cli.common.handle_errors` turn a
:class:`~standpress.errors.PreflightError` into exit code 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..check import FileReport, check_paths, format_table, write_report
from ..errors import InputError, PreflightError, Problem, display_path
from .common import handle_errors

DEFAULT_PATH = Path("stands")
REPORT_NAME = "preflight.json"


def default_json_path(paths: list[Path]) -> Path:
    """``<first folder>/preflight.json`` (a file's own folder when files come first)."""
    for p in paths:
        if p.is_dir():
            return p / REPORT_NAME
    return (paths[0].parent if paths else DEFAULT_PATH) / REPORT_NAME


def run_check(paths: list[Path], json_path: Path | None = None, *, echo=click.echo) -> int:
    """Preflight ``paths``, print the table, write the JSON report.

    Returns the number of files with errors (0: all pass). Raises
    :class:`InputError` when a path does not exist or no PDF is found.
    """
    paths = [Path(p) for p in paths] or [DEFAULT_PATH]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError("nothing to check", [
            Problem("no such file or folder", file=display_path(p),
                    hint="run `standpress build` first, or name the stands folder")
            for p in missing])
    reports = check_paths(paths)
    if not reports:
        raise InputError("nothing to check", [
            Problem("no PDF files found", file=", ".join(display_path(p) for p in paths))])
    json_path = Path(json_path) if json_path is not None else default_json_path(paths)
    echo(format_table(reports))
    write_report(reports, json_path)
    echo(f"report: {display_path(json_path)}")
    return sum(not r.ok for r in reports)


def summary(reports: list[FileReport]) -> str:
    bad = [r for r in reports if not r.ok]
    return f"preflight failed: {len(bad)} of {len(reports)} files have errors"


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None,
              help="Where to write the JSON report [default: <first folder>/preflight.json].")
@handle_errors
def check(paths: tuple[Path, ...], json_path: Path | None) -> None:
    """Preflight the finished PDFs in PATH... (default: stands/)."""
    failed = run_check(list(paths), json_path)
    if failed:
        raise PreflightError(
            f"preflight failed: {failed} file{'s' if failed != 1 else ''} with errors "
            "(details above and in the JSON report)")
