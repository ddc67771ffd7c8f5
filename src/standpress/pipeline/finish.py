"""Finishing: a rendered PDF made PDF/X-4, and a stand file merged from its panel files.

:func:`finish_pdf` fills the PDF/X-4 metadata from the campaign (title, author, output
intent, dates from the build's date) and hands the document to ``render.pdfx``;
:func:`merge_stand` copies the finished panel PDFs' pages, in order, into one stand file
and finishes it again, so the stand file shows exactly what goes to print and costs no
second rendering. :func:`finish_params` is what a finished file's bytes depend on
beyond its page (part of the panel PDFs' cache keys).

Each finished file carries its own spec in its XMP (:func:`panel_spec`: the stand, the
format, and the :class:`~standpress.manifest.PanelEntry` of each page — trim, bleed,
safe margin, ink limit, resolution floors, QR payloads, texts), the same entry
``stands.json`` lists (:func:`panel_entry`), so the preflight judges a file by its own
format wherever it is copied; a stand file carries the specs of its panels' pages.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..manifest import PanelEntry, PhotoEntry, PrintSpec
from ..model import Format, Project
from ..plan import StandPlan


def panel_entry(project: Project, plan: StandPlan, panel, qr, outlined: bool) -> PanelEntry:
    """What the preflight must find in one panel file (``panel``: one of ``plan.panels``;
    ``qr``: the payloads of its QR codes, as laid out)."""
    fmt = plan.format
    texts = [c.title for c in panel.cases]
    if panel.kind == "cover":
        texts.append(project.campaign.title)
    if panel.kind == "locator":
        texts += [loc.name for loc in project.locations]
    return PanelEntry(file=f"{plan.location.id}/{panel.name}.pdf", kind=panel.kind,
                      unit=panel.unit, side=panel.side, cases=tuple(c.id for c in panel.cases),
                      trim=(fmt.width, fmt.height), bleed=fmt.bleed, safe=fmt.safe,
                      ink_limit=fmt.ink_limit, warn_ppi=fmt.warn_ppi, min_ppi=fmt.min_ppi,
                      qr=tuple(qr), texts=() if outlined else tuple(texts),
                      outlined_text=outlined)


def panel_expectation(project: Project, plan: StandPlan, panel, qr, images: list,
                      outlined: bool) -> PanelEntry:
    """A panel's entry in ``stands.json``: its :func:`panel_entry` and the photos placed on
    it (``images``: the layout's [source, w, h, focus, label] of each)."""
    return replace(panel_entry(project, plan, panel, qr, outlined), photos=tuple(
        PhotoEntry(str(label), Path(str(src)).name, float(w), float(h))
        for src, w, h, _focus, label in images))


def panel_spec(project: Project, plan: StandPlan, panel, qr, outlined: bool) -> PrintSpec:
    """The spec a panel file carries in its XMP: its stand, format and :func:`panel_entry`."""
    return PrintSpec(stand=plan.location.id, format=plan.format.id,
                     format_name=plan.format.name,
                     pages=(panel_entry(project, plan, panel, qr, outlined),))


def finish_pdf(raw, title: str, project: Project, created: datetime,
               fmt: Format | None = None, identity: bytes | None = None,
               spec: PrintSpec | None = None) -> bytes:
    """``raw`` (PDF bytes or an open ``pikepdf.Pdf``) as PDF/X-4 bytes; with ``spec``, the
    file's own spec in its XMP."""
    from ..render.pdfx import PdfxInfo, make_pdfx4  # (the writers: in a worker, not for keys)

    c = project.campaign
    info = PdfxInfo(
        title=title, author=c.organiser, subject=f"{c.title} {c.year}",
        creator=f"standpress {__version__}", created=created,
        output_profile=project.output_profile,
        output_condition_identifier=project.output_condition_identifier,
        output_condition=project.output_condition, keywords=f"{c.title}, {c.city}",
        user_unit=fmt.page_unit if fmt is not None and fmt.oversize == "userunit" else 1.0,
        spec=spec.to_json() if spec is not None else None)
    return make_pdfx4(raw, info, identity)


def finish_params(project: Project, created: datetime, fmt: Format, profile: str) -> list:
    """What :func:`finish_pdf` reads besides the page (``profile``: the profile's SHA-256)."""
    c = project.campaign
    return [c.organiser, c.title, c.year, c.city, created.isoformat(), profile,
            project.output_condition_identifier, project.output_condition, fmt.page_unit,
            fmt.oversize, "spec 1"]  # the spec's own inputs are in the panel's key


def merge_stand(title: str, panels: list[tuple[Path, str]], project: Project,
                created: datetime, fmt: Format) -> bytes:
    """The stand file: the pages of ``panels`` ((finished PDF, its SHA-256) in order),
    finished in place and saved once; its ID comes from the panels' own hashes. Its spec
    lists the pages of its panels' own specs (none when a panel has none)."""
    import pikepdf

    from ..pdfread import read_spec

    merged = pikepdf.Pdf.new()
    sources = []
    try:
        specs = []
        for path, _ in panels:
            sources.append(pikepdf.open(path))
            merged.pages.extend(sources[-1].pages)
            specs.append(read_spec(sources[-1]))
        identity = "\n".join([title] + [sha for _, sha in panels]).encode()
        spec = None
        if specs and all(specs):
            first = PrintSpec.from_json(specs[0])
            spec = PrintSpec(first.stand, first.format, first.format_name,
                             tuple(p for s in specs for p in PrintSpec.from_json(s).pages))
        return finish_pdf(merged, title, project, created, fmt, identity, spec)
    finally:
        for src in sources:
            src.close()
        merged.close()
