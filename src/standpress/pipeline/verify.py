"""Check: every written PDF read back once — its preflight and, for a panel, its
previews — then the preflight's verdict (``preflight.json``; errors stop the build).

One task per file: the preflight's renders and the previews share one lighter copy of
the file (``pdfread/lighten.py``), and a panel's preview render is the first the QR check
decodes (``check_pdf(renders=…)``): the page is rendered again for the QR codes only when
one is not read there. Ghostscript's CMYK render for the ink stays its own, independent
of PDFium. A stand file's pages are its panel files' pages,
checked beside it: compared by fingerprint, not rendered again (``check/twins.py``).
Reports and previews are cached under the key of the file's PDF (the same key, the same
bytes) and what is expected of it, so the render stage queues each file's read-back in
its own graph as soon as the file is made (:func:`panel_reads`, :func:`stand_read`,
:func:`read_task`), and each stand's mock-up as soon as its previews are
(:func:`stand_mockup`); the check stage collects the reports (:func:`read_reports`) and
judges them (:func:`judge`).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from ..errors import PreflightError, Problem, RenderError, display_path
from ..manifest import PREFLIGHT_JSON, FileReport, Finding, PreflightManifest, StandsManifest
from .cache import code_fingerprint, digest
from .options import BuildOptions
from .state import PanelRecord, Run
from .taskspec import PREVIEW


def ghostscript() -> str:
    """Which Ghostscript the preflight would use (part of its key)."""
    gs = shutil.which("gs")
    if gs is None:
        return "-"
    st = os.stat(gs)
    return f"{gs} {st.st_size} {st.st_mtime_ns}"


def panel_reads(pdf_key: str, expect: dict, opts: BuildOptions, code: str, gs: str
                ) -> tuple[str | None, str | None]:
    """The keys of a panel file's check and of its previews (None: not wanted), from the
    key of its PDF rather than its bytes: a PDF key always makes the same bytes, so the
    render stage queues a panel's read-back as soon as its PDF is made."""
    ckey = digest("check", code, pdf_key, expect, gs, []) if opts.check else None
    pkey = (digest("preview", code, pdf_key, Path(expect["file"]).name, PREVIEW,
                   expect.get("safe")) if opts.site else None)
    return ckey, pkey


def stand_read(file: str, entries: list[dict], stand_key: str, pdf_of: dict[str, str],
               code: str, gs: str) -> tuple[str, dict, tuple]:
    """A stand file's check: its key (from the keys of its PDF and of its panels'), what
    is expected of it (``entries``: its panels' in ``stands.json``), and where its task
    reads it: among its panel files, whose pages it compares with its own
    (``check/twins.py``)."""
    expect = {"pages": entries, "base": "..", "twins_checked": True}
    beside = [(p["file"], pdf_of[p["file"]]) for p in entries]
    key = digest("check", code, stand_key, expect, gs, [k for _, k in beside])
    return key, expect, (file, stand_key, beside)


def read_task(ckey: str | None, pkey: str | None, source: tuple, expect: dict
              ) -> tuple | None:
    """The task that makes a file's check (``ckey``) and previews (``pkey``), either or
    both; ``source``: ``(rel, key, beside)``, PDFs in the cache read as the output will
    hold them (see ``tasks._readable``)."""
    if ckey is not None:
        return ("check+preview" if pkey else "check",
                (ckey, source, expect, (pkey, expect.get("safe")) if pkey else None))
    if pkey is not None:
        return ("preview", (pkey, source, expect.get("safe")))
    return None


def mockups(summary: StandsManifest, previews: dict[str, str]) -> list[tuple[str, tuple]]:
    """Each stand's mock-up task: (stand id, its arguments: see :func:`stand_mockup`).
    Made with the previews, in the render stage's graph, each as soon as its stand's
    previews are; linked here."""
    out = []
    for stand in summary.stands:
        args = stand_mockup([p.to_json() for p in stand.panels], stand.units, stand.faces,
                            previews)
        if args is not None:
            out.append((stand.id, args))
    return out


def stand_mockup(panels: list[dict], units, faces, previews: dict[str, str]) -> tuple | None:
    """A stand's mock-up task's arguments — key, faces (preview key, unit, side), trim,
    bleed, units, faces per unit — from its panels' entries in ``stands.json`` and their
    previews' keys (by file); None when it has no face to show."""
    shown: list[tuple[str, int, str]] = []
    trim, bleed = None, 0.0
    for p in panels:
        key = previews.get(p["file"])
        if key is None:
            continue
        shown.append((key, p["unit"] if p.get("unit") is not None else 1,
                      str(p["side"] if p.get("side") is not None else "A")))
        if trim is None and p.get("trim"):
            trim = (float(p["trim"][0]), float(p["trim"][1]))
            bleed = float(p.get("bleed") or 0)
    if not (shown and trim):
        return None
    units = units if isinstance(units, int) else None
    nfaces = faces if isinstance(faces, int) else None
    key = digest("mockup", code_fingerprint(), shown, trim, bleed, units, nfaces)
    return (key, shown, trim, bleed, units, nfaces)


def read_reports(summary: StandsManifest, panels: dict[str, list[PanelRecord]],
                 stand_pdfs: dict[str, str], opts: BuildOptions, run: Run
                 ) -> tuple[list[FileReport], dict[str, str]]:
    """Every written PDF's preflight report, as the render stage's graph made it, and the
    keys of the panels' previews (the same keys: :func:`panel_reads`, :func:`stand_read`).

    Returns (the reports in ``stands.json`` order, preview keys by panel file).
    """
    cache = run.cache
    code, gs = code_fingerprint(), ghostscript()
    pdf_of = {f"{rec.stand}/{rec.name}.pdf": rec.pdf for recs in panels.values() for rec in recs}
    reports: list[FileReport] = []
    previews: dict[str, str] = {}

    def report(rel: str, key: str) -> FileReport:
        entry = cache.get("check", key)
        if entry is None:
            raise RenderError(f"the preflight report of {rel} vanished from the cache "
                              f"{display_path(cache.root)} during the build; build again")
        return FileReport(rel, tuple(Finding(c, s, d, p) for c, s, d, p in entry.meta["findings"]))

    for stand in summary.stands:
        entries = [p.to_json() for p in stand.panels]
        for p in entries:
            ckey, pkey = panel_reads(pdf_of[p["file"]], p, opts, code, gs)
            if ckey is not None:
                reports.append(report(p["file"], ckey))
            if pkey is not None:
                previews[p["file"]] = pkey
        if opts.check:
            skey, _, _ = stand_read(stand.file, entries, stand_pdfs[stand.id], pdf_of, code, gs)
            reports.append(report(stand.file, skey))
    return reports, previews


def judge(tmp: Path, summary: StandsManifest, reports: list[FileReport],
          allow_low_res: bool = False) -> list[Problem]:
    """The preflight's verdict: errors stop the build; returns the warnings worth saying.

    Writes ``preflight.json`` beside the stands and into each stand's ``print/``.
    """
    if allow_low_res:  # the user accepted low-resolution photos: the report says so too
        reports = [dataclasses.replace(r, findings=tuple(
            dataclasses.replace(f, severity="warning")
            if f.check == "images" and f.severity == "error" else f for f in r.findings))
            for r in reports]
    report = PreflightManifest(tuple(reports))
    report.write(tmp / PREFLIGHT_JSON)
    for stand in summary.stands:
        report.of_stand(stand.id).write(tmp / stand.id / "print" / PREFLIGHT_JSON)
    problems = []
    for r in reports:
        for f in r.findings:
            if f.severity in ("error", "warning"):
                problems.append(Problem(
                    f"preflight {f.check}: {f.detail}", r.path,
                    f"page {f.page}" if f.page else None, severity=f.severity,
                    stand=r.path.split("/", 1)[0], kind=f"preflight-{f.check}"))
    errors = [p for p in problems if p.is_error]
    if errors:
        raise PreflightError(f"the preflight rejects {len({p.file for p in errors})} file(s); "
                             "nothing was published (use --no-check to publish anyway)", errors)
    # the stand file repeats its panels' findings, and the build has already named every
    # photo below its target resolution with its case: keep the rest (all are in the JSON)
    stand_files = {s.file for s in summary.stands}
    return [p for p in problems if p.file not in stand_files and p.kind != "preflight-images"]
