"""Preflight results as a JSON report and a terminal table.

The results are :mod:`standpress.manifest`'s types — a :class:`Finding` is one verdict
of one check (``ok``, ``warning`` or ``error``) with a human-readable detail and, when
it concerns one page, the page number (1-based); a :class:`FileReport` gathers the
findings of one file; a :class:`PreflightManifest` is ``preflight.json``. Nothing here
prints; the CLI prints what :func:`format_table` returns.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import display_path
from ..manifest import CHECKS, FileReport, Finding, PreflightManifest

__all__ = ["CHECKS", "FileReport", "Finding", "describe", "format_table", "report_dict",
           "write_report"]

_CELL = {"ok": "ok", "warning": "WARN", "error": "ERR", None: "-"}


def describe(f: Finding) -> str:
    """One finding as a detail line: ``p.2 images ERR: …``."""
    where = f"p.{f.page} " if f.page is not None else ""
    return f"{where}{f.check} {_CELL[f.severity]}: {f.detail}"


def report_dict(reports: list[FileReport]) -> dict:
    """The JSON-ready form of ``reports`` (``preflight.json``)."""
    return PreflightManifest(tuple(reports)).to_json()


def write_report(reports: list[FileReport], json_path: Path) -> None:
    """Write the JSON report (UTF-8, indented, stable key order)."""
    PreflightManifest(tuple(reports)).write(Path(json_path))


def format_table(reports: list[FileReport]) -> str:
    """A terminal table: one row per file, one column per check, then details.

    Cells read ``ok``, ``WARN``, ``ERR`` or ``-`` (check not run). Below the
    table come the detail lines of every warning and error, grouped by file.
    """
    if not reports:
        return "no files checked"
    columns = PreflightManifest(tuple(reports)).columns()
    names = [display_path(r.path) for r in reports]
    head = ["file", *columns]
    rows = [[n, *(_CELL[r.status(c)] for c in columns)] for n, r in zip(names, reports)]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    details: list[str] = []
    for name, r in zip(names, reports):
        bad = [f for f in r.findings if f.severity != "ok"]
        if bad:
            details.append(f"{name}:")
            details += [f"  {describe(f)}" for f in bad]
    if details:
        out += ["", *details]
    n_err = sum(not r.ok for r in reports)
    n_warn = sum(bool(r.warnings) and r.ok for r in reports)
    out += ["", f"{len(reports)} file{'s' if len(reports) != 1 else ''} checked: "
                f"{len(reports) - n_err - n_warn} ok, {n_warn} with warnings, {n_err} with errors"]
    return "\n".join(out)
