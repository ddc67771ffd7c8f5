"""Check: every written PDF read back once — its preflight and, for a panel, its
previews — then the preflight's verdict (``preflight.json``; errors stop the build).

One task per file: the preflight's renders and the previews share one lighter copy of
the file (``pdfread/lighten.py``), and a panel's preview render is the first the QR check
decodes (``check_pdf(renders=…)``): the page is rendered again for the QR codes only when
one is not read there. Ghostscript's CMYK render for the ink stays its own, independent
of PDFium. A stand file's pages are its panel files' pages,
checked beside it: compared by fingerprint, not rendered again (``check/twins.py``).
Reports and previews are cached under the file's SHA-256 and what is expected of it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections import Counter
from pathlib import Path

from ..errors import PreflightError, Problem
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


def check_and_preview(tmp: Path, summary: StandsManifest, panels: dict[str, list[PanelRecord]],
                      stand_pdfs: dict[str, str], opts: BuildOptions, run: Run
                      ) -> tuple[list[FileReport], dict[str, str]]:
    """Preflight reports and preview PNGs of every written PDF, in one batch of tasks.

    Returns (the reports in ``stands.json`` order, preview keys by panel file).
    """
    cache, made, progress = run.cache, run.made, run.progress
    code = code_fingerprint()
    gs = ghostscript()
    sha = {f"{rec.stand}/{rec.name}.pdf": cache.get("pdf", rec.pdf).meta["sha256"]
           for recs in panels.values() for rec in recs}
    sha.update({f"{lid}/{lid}.pdf": cache.get("pdf", k).meta["sha256"]
                for lid, k in stand_pdfs.items()})
    checks: list[tuple[str, str]] = []  # (file, key)
    previews: list[tuple[str, str]] = []
    tasks, costs, labels = [], [], []
    maker: dict[str, str] = {}  # preview key → the key of the task making it now
    queued = set()
    hits = Counter()  # products of each kind found in the cache

    def wanted(kind: str, key: str) -> bool:
        """Whether the product must be made (counted as reused when it need not)."""
        if key in queued:
            return False
        queued.add(key)
        if cache.get(kind, key) is not None:
            made.reused += 1
            hits[kind] += 1
            return False
        return True

    for stand in summary.stands:
        entries = [p.to_json() for p in stand.panels]
        files = [(p["file"], p) for p in entries]
        files.append((stand.file, {"pages": entries, "base": "..", "twins_checked": True}))
        for rel, expect in files:
            ckey = pkey = None
            if opts.check:
                twins = [sha[p["file"]] for p in expect.get("pages", [])]
                ckey = digest("check", code, sha[rel], expect, gs, twins)
                checks.append((rel, ckey))
            if opts.site and "pages" not in expect:  # a panel file: its previews
                pkey = digest("preview", code, sha[rel], Path(rel).name, PREVIEW,
                              expect.get("safe"))
                previews.append((rel, pkey))
            check, preview = (ckey is not None and wanted("check", ckey),
                              pkey is not None and wanted("preview", pkey))
            if check:
                tasks.append(("check+preview" if preview else "check",
                              (ckey, str(tmp / rel), expect,
                               (pkey, expect.get("safe")) if preview else None)))
                costs.append(1.0 if "pages" in expect else 4.0 + preview)
                labels += [f"check {rel}"] + ([f"preview {rel}"] if preview else [])
                if preview:
                    maker[pkey] = ckey
            elif preview:
                tasks.append(("preview", (pkey, str(tmp / rel), expect.get("safe"))))
                costs.append(1.0)
                labels.append(f"preview {rel}")
                maker[pkey] = pkey
    name, unit = {(True, True): ("check", "files read back + previews"),
                  (True, False): ("check", "files read back"),
                  (False, True): ("previews", "panels")}[(opts.check, opts.site)]
    needs: list[list[str]] = [[] for _ in tasks]
    mock_labels, stands = [], 0
    if opts.site:  # each stand's mock-up as soon as its previews are
        from .site_pages import mockups

        for sid, args in mockups(summary, dict(previews)):
            stands += 1
            if not wanted("mockup", args[0]):
                continue
            tasks.append(("mockup", args))
            costs.append(0.5)
            needs.append([maker[pkey] for pkey, _, _ in args[1] if pkey in maker])
            mock_labels.append(f"mockup {sid}")
    read = hits["check"] + hits["preview"]
    totals, reused = {unit: len(labels) + read}, {unit: read}
    if stands:
        totals["mock-ups"], reused["mock-ups"] = stands, stands - len(mock_labels)
    progress.step(name, totals, reused=reused)
    run.make(tasks, costs, lambda kind: progress.advance(
        *{"check+preview": (2,), "mockup": (1, "mock-ups")}.get(kind, (1,))), needs)
    progress.end()
    made += labels + mock_labels
    reports = []
    for rel, key in checks:
        findings = cache.get("check", key).meta["findings"]
        reports.append(FileReport(rel, tuple(Finding(c, s, d, p) for c, s, d, p in findings)))
    return reports, {rel: key for rel, key in previews}


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
