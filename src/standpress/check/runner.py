"""The runner: every check on every file, a crash of one check reported, not fatal.

Each check is a function ``(Context) -> list[Finding]`` (one module each: ``file.py``,
``twins.py``, ``boxes.py``, ``pdfx.py``, ``fonts.py``, ``colour.py``, ``images.py``,
``qr.py``, ``text.py``, ``ink.py``). :func:`check_pdf` opens the file, starts
Ghostscript's ink render, runs them all in :data:`CHECK_FUNCTIONS` order and turns a
crash of one into the error "check could not run: …" so the others still report.
:func:`check_paths` finds the files and what describes them: each file's own spec (its
XMP), ``stands.json``, a print package's ``manifest.json`` (``expect.py``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pikepdf

from ..errors import InputError, display_path
from ..manifest import PROOFS_DIR, PrintSpec
from ..pdfread import Lighter, read_spec
from .boxes import check_boxes
from .colour import check_colour
from .context import Context
from .expect import (MANIFEST, OWN_SPEC, PACKAGE_MANIFEST, find_manifest, load_expectations,
                     load_package_manifest, reconcile, spec_expectation)
from .file import check_file
from .fonts import check_fonts
from .images import check_images
from .ink import check_ink, start_ink_render
from .pdfx import check_pdfx
from .qr import check_qr
from .report import FileReport, Finding
from .text import check_text
from .twins import check_twins, find_twins

__all__ = ["CHECK_FUNCTIONS", "check_paths", "check_pdf"]

CHECK_FUNCTIONS: tuple[tuple[str, Callable[[Context], list[Finding]]], ...] = (
    ("file", check_file),
    ("twin", check_twins),
    ("boxes", check_boxes),
    ("pdfx", check_pdfx),
    ("fonts", check_fonts),
    ("colour", check_colour),
    ("images", check_images),
    ("qr", check_qr),
    ("text", check_text),
    ("ink", check_ink),  # last: Ghostscript has been rendering meanwhile
)


def judged_by(pdf: pikepdf.Pdf, sources: list[tuple[str, dict | None]]
              ) -> tuple[dict | None, list[Finding]]:
    """What the open ``pdf`` is judged by: its own spec (its XMP) reconciled with what
    ``sources`` ((who, expectation), in order) say of it, and the ``manifest`` findings."""
    findings: list[Finding] = []
    own = None
    try:
        data = read_spec(pdf)
        own = spec_expectation(PrintSpec.from_json(data)) if data is not None else None
    except (ValueError, TypeError, KeyError) as exc:
        findings.append(Finding("manifest", "error", f"the file's own spec (XMP) cannot "
                                                     f"be read: {exc}"))
    expect, said = reconcile([(OWN_SPEC, own), *sources])
    return expect, findings + said


def _identity(path: Path, sources: list[tuple[str, dict | None]]) -> tuple:
    """The file's bytes (SHA-256) and what it is judged by: two files with the same
    identity get the same verdict from every check of their content."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    try:
        with pikepdf.open(path) as pdf:
            expect = judged_by(pdf, sources)[0]
    except Exception:  # noqa: BLE001 - then it is checked in full, and says why
        return (h.hexdigest(), str(path))
    expect = {k: v for k, v in (expect or {}).items() if k not in ("file", "base")}
    return (h.hexdigest(), json.dumps(expect, sort_keys=True, default=str))


def same_file(path: Path, first: Path, sources: list[tuple[str, dict | None]]) -> FileReport:
    """The report of a file whose bytes and expectations are a file's checked in full in
    the same run (a stand's ``print/`` copies are its panel files): only what describes
    it here is judged again; every check of its content is the first path's."""
    started = time.perf_counter()
    findings = [Finding("twin", "ok", f"the same bytes as {display_path(first)}, judged by the "
                                      "same: every check of its content is there")]
    try:
        with pikepdf.open(path) as pdf:
            findings += judged_by(pdf, sources)[1]
    except Exception as exc:  # noqa: BLE001 - pikepdf raises several kinds
        findings.append(Finding("file", "error", f"cannot be opened as a PDF: {exc}"))
    return FileReport(str(path), tuple(findings), time.perf_counter() - started)


def check_pdf(path: Path, expect: dict | None = None, *,
              render_dpi: float | None = None,
              lighter: Lighter | None = None, source: str = MANIFEST,
              beside: list[tuple[str, dict]] | tuple = (),
              renders: Callable[[], dict] | None = None) -> FileReport:
    """Preflight one PDF.

    The file is judged by its own spec (the ``standpress:`` properties of its XMP, see
    ``pdfread/xmp.py``) when it has one; ``expect`` — what ``source`` (``stands.json``)
    says of it — and ``beside`` ((who, expectation) of other manifests, such as a print
    package's ``manifest.json``) may add to it but not contradict it: a contradiction
    is an error of the ``manifest`` check (see :func:`~.expect.reconcile`). Without a
    spec, ``expect`` (then ``beside``) is the base.

    An expectation is one panel entry of ``stands.json`` (trim, bleed, ink_limit,
    warn_ppi, min_ppi, qr, texts), or ``{"pages": [entry, …]}`` for a
    multi-page file (one entry per page, in order), or None for the generic
    checks only. ``render_dpi`` overrides the automatic resolution of the ink
    and QR renders.

    A multi-page expectation with ``"twins_checked": True`` says that the files its
    pages name (``file``, relative to the folder ``base``, itself relative to this
    file's folder) are checked in the same run: a page identical to its file's page
    (see ``pdfread/fingerprint.py``) is then not rendered again for the ink, QR and text
    checks.

    ``lighter`` (a :class:`~standpress.pdfread.Lighter` of ``path``) shares the lighter
    copy the renders are made from with the caller's own renders (the build's previews).
    ``renders`` lets one render serve both: called once, after the ink render has said
    what it needs of the lighter copy (so the copy is made once), it renders the caller's
    images from that copy and returns, by page, the TrimBox region in gray and its pixels
    per PDF unit (``site.previews.render_previews(trims=…)``). The QR check decodes that
    first and renders the page itself only for expected codes it does not find there.
    """
    path = Path(path)
    started = time.perf_counter()
    findings: list[Finding] = []
    ctx: Context | None = None
    try:
        try:
            pdf = pikepdf.open(path)
        except Exception as exc:  # noqa: BLE001 - pikepdf raises several kinds
            findings.append(Finding("file", "error", f"cannot be opened as a PDF: {exc}"))
            return FileReport(str(path), tuple(findings), time.perf_counter() - started)
        expect, said = judged_by(pdf, [(source, expect), *beside])
        findings += said
        try:
            ctx = Context(path, expect, render_dpi, lighter)
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            findings.append(Finding("file", "error", f"bad expectation for this file: {exc}"))
            ctx = Context(path, None, render_dpi, lighter)
        ctx.pdf = pdf
        try:
            ctx.twins = find_twins(ctx, expect)
        except Exception as exc:  # noqa: BLE001 - then every page is rendered
            findings.append(Finding("twin", "warning", f"pages not compared with their "
                                    f"panel files: {type(exc).__name__}: {exc}"))
        try:
            if ctx.rendered_pages():
                ctx.ink_job = start_ink_render(ctx)
        except Exception:  # noqa: BLE001 - check_ink retries and reports the reason
            ctx.ink_job = None
        if renders is not None:  # the caller's renders, made now from the same lighter copy
            ctx.renders = renders()
        for name, fn in CHECK_FUNCTIONS:
            try:
                findings += fn(ctx)
            except Exception as exc:  # noqa: BLE001 - one broken check must not stop the rest
                findings.append(Finding(name, "error", f"check could not run: "
                                                       f"{type(exc).__name__}: {exc}"))
    finally:
        if ctx is not None:
            ctx.close()
    return FileReport(str(path), tuple(findings), time.perf_counter() - started)


def pdfs_in(folder: Path) -> tuple[list[Path], list[Path]]:
    """The PDFs below ``folder``, and the office proofs left out (``_proofs/``: sheets for
    the office, not for print; named, not judged). A folder named itself is searched."""
    pdfs, proofs = [], []
    for p in sorted(folder.rglob("*")):
        if p.suffix.lower() == ".pdf" and p.is_file():
            inner = p.relative_to(folder).parts[:-1]
            (proofs if PROOFS_DIR in inner else pdfs).append(p)
    return pdfs, proofs


class _Manifests:
    """The manifests of one run, each read once: ``stands.json`` files and print
    packages' ``manifest.json``; one that cannot be read is reported once."""

    def __init__(self) -> None:
        self.tables: dict[Path, dict[Path, dict]] = {}
        self.reports: list[FileReport] = []

    def table(self, manifest: Path | None, load) -> dict[Path, dict]:
        if manifest is None:
            return {}
        if manifest not in self.tables:
            try:
                self.tables[manifest] = load(manifest)
            except InputError as exc:
                self.tables[manifest] = {}
                detail = "; ".join(p.message for p in exc.problems) or str(exc)
                self._bad(manifest, detail)
            except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
                self.tables[manifest] = {}
                self._bad(manifest, str(exc))
        return self.tables[manifest]

    def _bad(self, manifest: Path, detail: str) -> None:
        self.reports.append(FileReport(str(manifest), (Finding(
            "manifest", "error", f"cannot read {manifest.name}: {detail}; the files it "
                                 "would describe are judged without it"),)))

    def package(self, pdf: Path) -> dict | None:
        """What the print package's ``manifest.json`` beside ``pdf`` says of it."""
        candidate = pdf.resolve().parent / PACKAGE_MANIFEST
        if not candidate.is_file():
            return None
        return self.table(candidate, load_package_manifest).get(pdf.resolve())


def check_paths(paths: list[Path], *, render_dpi: float | None = None,
                skipped: list[Path] | None = None) -> list[FileReport]:
    """Preflight files and folders.

    A folder is searched recursively for PDFs. Each PDF is judged by its own spec (its
    XMP), with what the nearest ``stands.json`` (in its folder or a parent) and a print
    package's ``manifest.json`` beside it say of it (see :func:`check_pdf`); a PDF
    nothing describes gets the generic checks. A file ``stands.json`` lists under a
    checked folder but that is missing is reported. A file with the same bytes as one
    checked in full in this run, judged by the same expectation (a stand's ``print/``
    copies), is only judged against what describes it there (:func:`same_file`). Office
    proofs (``_proofs/``) found in a folder are not checked; they are added to ``skipped``
    when it is given.
    """
    manifests = _Manifests()
    reports: list[FileReport] = []
    done: set[Path] = set()
    todo: list[tuple[Path, dict | None]] = []
    for raw in paths:
        path = Path(raw)
        table = manifests.table(find_manifest(path), load_expectations)
        if path.is_dir():
            files, proofs = pdfs_in(path)
            if skipped is not None:
                skipped += proofs
            root = path.resolve()
            for listed in sorted(table):
                if (listed == root or root in listed.parents) and not listed.exists():
                    reports.append(FileReport(str(listed), (Finding(
                        "file", "error", f"listed in {MANIFEST} but missing"),)))
        else:
            files = [path]
        for f in files:
            resolved = f.resolve()
            if resolved in done:
                continue
            done.add(resolved)
            todo.append((f, table.get(resolved)))
    checked = {f.resolve() for f, _ in todo if f.exists()}
    sizes = Counter(f.stat().st_size for f, _ in todo if f.exists())
    seen: dict[tuple, Path] = {}  # (SHA-256, what it is judged by) → the path checked in full
    for f, expect in todo:
        if not f.exists():
            reports.append(FileReport(str(f), (Finding("file", "error", "no such file"),)))
            continue
        if expect and "pages" in expect and "base" in expect:
            twins = [(f.parent / expect["base"] / e["file"]).resolve()
                     for e in expect["pages"] if isinstance(e, dict) and e.get("file")]
            expect = dict(expect, twins_checked=bool(twins) and all(t in checked
                                                                    for t in twins))
        package = manifests.package(f)
        beside = [(f"{PACKAGE_MANIFEST} of the print package", package)] if package else []
        sources = [(MANIFEST, expect), *beside]
        size = f.stat().st_size
        if sizes[size] > 1:  # maybe the same bytes as another file, judged by the same
            first = seen.setdefault(_identity(f, sources), f)
            if first is not f:
                reports.append(same_file(f, first, sources))
                continue
        reports.append(check_pdf(f, expect, render_dpi=render_dpi, beside=beside))
    return manifests.reports + reports
