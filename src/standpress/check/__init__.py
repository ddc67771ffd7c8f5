"""check: the preflight of the finished PDFs (``standpress check``).

Contract
========

The preflight reads the files the render stage wrote with readers other than
the one that wrote them — pikepdf (qpdf) for structure, pypdfium2 (PDFium)
for text and the gray render QR codes are decoded from (zxing-cpp),
Ghostscript for the CMYK render ink is measured on — and judges each file
against the generic PDF/X-4 rules and against what the build meant it to be:
the file's own spec (the ``standpress:`` properties of its XMP, see
``pdfread/xmp.py`` and :class:`~standpress.manifest.PrintSpec`), to which
``stands.json`` and a print package's ``manifest.json`` beside it may add but
not contradict (a contradiction is an error of the ``manifest`` check; see
``expect.py``). So a file is judged by its own format's floors and limits in
``stands/``, in a ``print/`` folder, alone, or in an unzipped package on
another machine.

Public API::

    Finding(check, severity, detail, page=None)     # manifest.Finding
    FileReport(path, findings, seconds); .ok       # manifest.FileReport (frozen)
    check_pdf(path, expect=None, *, render_dpi=None, lighter=None,
              source="stands.json", beside=(), renders=None) -> FileReport
    check_paths(paths, *, render_dpi=None) -> list[FileReport]
    write_report(reports, json_path) -> None
    format_table(reports) -> str

``expect`` is one panel entry of ``stands.json``::

    {"file": "opera/01-cover.pdf", "trim": [1200, 1800], "bleed": 10,
     "ink_limit": 300, "warn_ppi": 100, "min_ppi": 70,
     "qr": ["https://…"], "texts": ["Case title one", …], …}

applied to every page of the file, or ``{"pages": [entry, …]}`` for a
multi-page stand file (entry *i* for page *i*), or ``None`` (generic checks,
default ink limit 300 %, 100/70 ppi). ``check_paths`` takes files or folders
(searched recursively), finds ``stands.json`` in the folder or a parent,
resolves its ``file`` paths relative to it, gives each listed panel file its
panel entry and each stand file ``{"pages": panels}``; unlisted PDFs get the
generic checks, listed files that are missing are reported as errors.

Checks (one column each; each returns Findings, a crash becomes the error
"check could not run: …" and the others go on):

``manifest`` who the file is judged by (its own spec, a manifest, or the generic
            limits) and which limits; a manifest contradicting the spec → error.
``file``    the file opens, has the expected page count, qpdf's syntax check.
``boxes``   TrimBox present and the expected trim (±0.1 mm, UserUnit applied),
            BleedBox = trim + bleed on every side (±0.1 mm), MediaBox ⊇
            BleedBox ⊇ TrimBox, no ArtBox beside a TrimBox; a CropBox
            cutting into the bleed is a warning.
``pdfx``    PDF version ≤ 1.6; exactly one /GTS_PDFX output intent with
            OutputConditionIdentifier, RegistryName and an embedded CMYK
            output (prtr) DestOutputProfile with /N 4; XMP parsed:
            GTS_PDFXVersion PDF/X-4, CreateDate, ModifyDate, DocumentID,
            VersionID or InstanceID, RenditionClass, dc:title (MetadataDate
            missing: warning); Info /GTS_PDFXVersion, /Trapped /False or
            /True, /Title = XMP title (dates out of sync: warning); trailer
            /ID; no encryption, JavaScript, /OpenAction, /AA or annotation
            actions.
``fonts``   every font in the resources of pages, forms, patterns, soft
            masks and annotation appearances: not embedded → error, no
            /ToUnicode → error, embedded whole (no ``ABCDEF+`` subset
            prefix) → warning.
``colour``  DeviceRGB anywhere (image, inline image, soft mask, ``rg``/``RG``,
            ``cs`` operands, /ColorSpace resources incl. Indexed bases and
            Separation/DeviceN alternates, shadings, transparency groups) is
            an error unless remapped by an ICC-based /DefaultRGB; the spaces
            found are listed.
``images``  every placed image (CTM walked through q/Q/cm and forms):
            pixels, bits, colour space, placed size, effective ppi (the
            smaller of x and y, UserUnit applied); below ``warn_ppi`` →
            warning, below ``min_ppi`` → error. Stencil masks are listed only.
``qr``      a gray PDFium render of the TrimBox (~6 Mpx, 20–150 dpi), then
            2× and 4× in tiles (≤ 60 Mpx a level) while expected codes are
            missing; each expected URL must decode (error), unexpected codes
            are a warning; without expectations the decoded codes are listed.
``text``    PDFium's extracted text, normalised (whitespace runs incl.
            U+00A0/U+202F → one space, line-end hyphenation removed, NFC),
            must contain every expected text (compared also with the hyphen
            kept, and ignoring spaces); unmapped characters → warning.
``ink``     Ghostscript ``tiff32nc`` render of the TrimBox without
            anti-aliasing (~2 Mpx, 5–50 dpi), started first and run in
            parallel with the other checks: the max of C+M+Y+K above
            ``ink_limit`` + 1 % is an error, reported with its place (mm from
            the trim's top-left), the region over the limit and its share;
            mean coverage per separation is reported.

Only the CLI (``cli/preflight.py``) prints or sets exit codes; it writes a report
only where it is told (``--report``), never the build's ``preflight.json``.

Modules: ``runner.py`` (``check_pdf``, ``check_paths``, ``CHECK_FUNCTIONS``),
``expect.py`` (``stands.json`` → ``PageExpect``), ``context.py`` (the readers one file
is checked with), one module per check (``file``, ``twins``, ``boxes``, ``pdfx``,
``fonts``, ``colour``, ``images``, ``qr``, ``text``, ``ink``), ``report.py``. The PDF
reading they share (objects, the content walker, the lighter copy, fingerprints,
renders) is :mod:`standpress.pdfread`.
"""

from .report import FileReport, Finding, format_table, write_report
from .runner import check_paths, check_pdf
from .text import normalise_text

__all__ = ["FileReport", "Finding", "check_paths", "check_pdf", "format_table",
           "normalise_text", "write_report"]
