"""Preflight results as data, a JSON report and a terminal table.

A :class:`Finding` is one verdict of one check (``ok``, ``warning`` or
``error``) with a human-readable detail and, when it concerns one page, the
page number (1-based). A :class:`FileReport` gathers the findings of one file.
Nothing here prints; the CLI prints what :func:`format_table` returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import display_path

__all__ = ["CHECKS", "FileReport", "Finding", "format_table", "report_dict", "write_report"]

SEVERITIES = ("ok", "warning", "error")
# column order of the table; checks not listed here come after, in order of appearance
CHECKS = ("manifest", "file", "boxes", "pdfx", "fonts", "colour", "ink", "images", "qr", "text")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_CELL = {"ok": "ok", "warning": "WARN", "error": "ERR", None: "-"}


@dataclass(frozen=True)
class Finding:
    """One verdict of one check."""

    check: str
    severity: str  # "ok" | "warning" | "error"
    detail: str
    page: int | None = None  # 1-based, None for the whole file

    def __post_init__(self) -> None:
        if self.severity not in _RANK:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def __str__(self) -> str:
        where = f"p.{self.page} " if self.page is not None else ""
        return f"{where}{self.check} {_CELL[self.severity]}: {self.detail}"


@dataclass
class FileReport:
    """Every finding about one file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0  # wall time the preflight of this file took

    @property
    def ok(self) -> bool:
        """True when no finding is an error (warnings allowed)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def status(self, check: str) -> str | None:
        """The worst severity among the findings of ``check`` (None: not run)."""
        worst: str | None = None
        for f in self.findings:
            if f.check == check and (worst is None or _RANK[f.severity] > _RANK[worst]):
                worst = f.severity
        return worst

    def checks(self) -> list[str]:
        seen: list[str] = []
        for f in self.findings:
            if f.check not in seen:
                seen.append(f.check)
        return seen


def _columns(reports: Iterable[FileReport]) -> list[str]:
    present: list[str] = []
    for r in reports:
        for c in r.checks():
            if c not in present:
                present.append(c)
    ordered = [c for c in CHECKS if c in present]
    return ordered + [c for c in present if c not in CHECKS]


def report_dict(reports: list[FileReport]) -> dict:
    """The JSON-ready form of ``reports``."""
    columns = _columns(reports)
    files = []
    for r in reports:
        files.append({
            "path": r.path,
            "ok": r.ok,
            "errors": len(r.errors),
            "warnings": len(r.warnings),
            "seconds": round(r.seconds, 3),
            "checks": {c: r.status(c) for c in columns if r.status(c) is not None},
            "findings": [
                {"check": f.check, "severity": f.severity, "page": f.page, "detail": f.detail}
                for f in r.findings
            ],
        })
    return {
        "ok": all(r.ok for r in reports),
        "files": len(reports),
        "files_with_errors": sum(not r.ok for r in reports),
        "files_with_warnings": sum(bool(r.warnings) for r in reports),
        "reports": files,
    }


def write_report(reports: list[FileReport], json_path: Path) -> None:
    """Write the JSON report (UTF-8, indented, stable key order)."""
    json_path = Path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report_dict(reports), ensure_ascii=False, indent=2)
    json_path.write_text(text + "\n", encoding="utf-8")


def format_table(reports: list[FileReport]) -> str:
    """A terminal table: one row per file, one column per check, then details.

    Cells read ``ok``, ``WARN``, ``ERR`` or ``-`` (check not run). Below the
    table come the detail lines of every warning and error, grouped by file.
    """
    if not reports:
        return "no files checked"
    columns = _columns(reports)
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
            details += [f"  {f}" for f in bad]
    if details:
        out += ["", *details]
    n_err = sum(not r.ok for r in reports)
    n_warn = sum(bool(r.warnings) and r.ok for r in reports)
    out += ["", f"{len(reports)} file{'s' if len(reports) != 1 else ''} checked: "
                f"{len(reports) - n_err - n_warn} ok, {n_warn} with warnings, {n_err} with errors"]
    return "\n".join(out)
