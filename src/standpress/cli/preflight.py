"""``standpress check [PATH...]``: preflight the finished stands (``check/``).

The work is done by :func:`run_check`, a plain function; the click command only
parses the options and lets :func:`~standpress.cli.common.handle_errors` turn a
:class:`~standpress.errors.PreflightError` into exit code 1.

``check`` prints its table; it writes a JSON report only where it is told
(``--report PATH``), or prints it on standard output instead of the table (``--json``).
It never writes the build's ``preflight.json`` (beside ``stands.json``) or a print
package's (beside its ``manifest.json``): those are the build's record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError, PreflightError, Problem, display_path
from ..manifest import PREFLIGHT_JSON, STANDS_JSON
from .common import handle_errors

if TYPE_CHECKING:
    from ..check import FileReport

DEFAULT_PATH = Path("stands")
BUILD_RECORDS = (STANDS_JSON, "manifest.json")  # a preflight.json beside one is the build's


def refuse_build_report(report: Path) -> None:
    """An :class:`InputError` when ``report`` is the build's or a package's own report."""
    if report.name == PREFLIGHT_JSON and any((report.parent / n).is_file()
                                             for n in BUILD_RECORDS):
        raise InputError("the report would overwrite the build's", [Problem(
            "this preflight.json is the build's record (beside its stands.json or the print "
            "package's manifest.json)", file=display_path(report), field="--report",
            hint="name another file, e.g. --report check-report.json")])


def run_check(paths: list[Path], report: Path | None = None, *, as_json: bool = False,
              echo=click.echo) -> int:
    """Preflight ``paths``; print the table (or, ``as_json``, the JSON report); write the
    JSON report to ``report`` when given.

    Returns the number of files with errors (0: all pass). Raises
    :class:`InputError` when a path does not exist, no PDF is found, or ``report`` is
    the build's own ``preflight.json``.
    """
    from ..check import check_paths, format_table, write_report  # (pikepdf, pypdfium2:
    from ..check.report import report_dict  # loaded when a check runs, not for a build)

    paths = [Path(p) for p in paths] or [DEFAULT_PATH]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError("nothing to check", [
            Problem("no such file or folder", file=display_path(p),
                    hint="run `standpress build` first, or name the stands folder")
            for p in missing])
    if report is not None:
        refuse_build_report(Path(report))
    proofs: list[Path] = []
    reports = check_paths(paths, skipped=proofs)
    if not reports:
        raise InputError("nothing to check", [
            Problem("no PDF files found", file=", ".join(display_path(p) for p in paths))])
    if proofs and not as_json:
        echo(f"not checked: {len(proofs)} office proof{'s' if len(proofs) != 1 else ''} "
             f"({', '.join(display_path(p) for p in proofs[:3])}{', …' if len(proofs) > 3 else ''}"
             "): sheets for the office, not for print")
    if as_json:
        echo(json.dumps(report_dict(reports), ensure_ascii=False, indent=2))
    else:
        echo(format_table(reports))
    if report is not None:
        write_report(reports, Path(report))
        if not as_json:
            echo(f"report: {display_path(report)}")
    return sum(not r.ok for r in reports)


def summary(reports: list[FileReport]) -> str:
    bad = [r for r in reports if not r.ok]
    return f"preflight failed: {len(bad)} of {len(reports)} files have errors"


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--report", "report", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Also write the JSON report to this file (never the "
                                 "build's preflight.json).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the JSON report on standard output instead of the table.")
@handle_errors
def check(paths: tuple[Path, ...], report: Path | None, as_json: bool) -> None:
    """Preflight the finished PDFs in PATH... (default: stands/): stand folders, print/
    folders, an unzipped print package or single PDFs, each judged by its own spec."""
    failed = run_check(list(paths), report, as_json=as_json)
    if failed:
        raise PreflightError(
            f"preflight failed: {failed} file{'s' if failed != 1 else ''} with errors "
            "(details above" + (f" and in {display_path(report)})" if report else ")"))
