"""Finishing: a rendered PDF made PDF/X-4, and a stand file merged from its panel files.

:func:`finish_pdf` fills the PDF/X-4 metadata from the campaign (title, author, output
intent, dates from the build's date) and hands the document to ``render.pdfx``;
:func:`merge_stand` copies the finished panel PDFs' pages, in order, into one stand file
and finishes it again, so the stand file shows exactly what goes to print and costs no
second rendering. :func:`finish_params` is what a finished file's bytes depend on
beyond its page (part of the panel PDFs' cache keys).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pikepdf

from .. import __version__
from ..model import Format, Project
from ..render.pdfx import PdfxInfo, make_pdfx4


def finish_pdf(raw, title: str, project: Project, created: datetime,
               fmt: Format | None = None, identity: bytes | None = None) -> bytes:
    """``raw`` (PDF bytes or an open ``pikepdf.Pdf``) as PDF/X-4 bytes."""
    c = project.campaign
    info = PdfxInfo(
        title=title, author=c.organiser, subject=f"{c.title} {c.year}",
        creator=f"standpress {__version__}", created=created,
        output_profile=project.output_profile,
        output_condition_identifier=project.output_condition_identifier,
        output_condition=project.output_condition, keywords=f"{c.title}, {c.city}",
        user_unit=fmt.page_unit if fmt is not None and fmt.oversize == "userunit" else 1.0)
    return make_pdfx4(raw, info, identity)


def finish_params(project: Project, created: datetime, fmt: Format, profile: str) -> list:
    """What :func:`finish_pdf` reads besides the page (``profile``: the profile's SHA-256)."""
    c = project.campaign
    return [c.organiser, c.title, c.year, c.city, created.isoformat(), profile,
            project.output_condition_identifier, project.output_condition, fmt.page_unit,
            fmt.oversize]


def merge_stand(title: str, panels: list[tuple[Path, str]], project: Project,
                created: datetime, fmt: Format) -> bytes:
    """The stand file: the pages of ``panels`` ((finished PDF, its SHA-256) in order),
    finished in place and saved once; its ID comes from the panels' own hashes."""
    merged = pikepdf.Pdf.new()
    sources = []
    try:
        for path, _ in panels:
            sources.append(pikepdf.open(path))
            merged.pages.extend(sources[-1].pages)
        identity = "\n".join([title] + [sha for _, sha in panels]).encode()
        return finish_pdf(merged, title, project, created, fmt, identity)
    finally:
        for src in sources:
            src.close()
        merged.close()
