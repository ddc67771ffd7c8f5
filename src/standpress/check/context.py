"""The context one file is checked in: its readers, opened once and shared by the checks.

A check is a function ``(Context) -> list[Finding]``. The context opens the file with
pikepdf, walks its content once (:meth:`Context.walk`), opens it with PDFium when a
check needs text or a render, holds the lighter copy every render is made from, the
Ghostscript render started before the checks run, and the pages that need no render
because they are twins of another checked file's page.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from ..pdfread import CmykRender, Lighter, WalkResult, walk_pages
from .expect import PageExpect, page_expectations

__all__ = ["Context", "MM", "fmt_box_mm", "fmt_mm", "limit_list"]

MM = 72 / 25.4  # points per millimetre


def fmt_mm(v: float) -> str:
    return f"{v:.1f}"


def fmt_box_mm(b: tuple[float, float, float, float], uu: float) -> str:
    """A box's width × height in mm (``uu``: the page's UserUnit)."""
    k = uu / MM
    return f"{fmt_mm((b[2] - b[0]) * k)}×{fmt_mm((b[3] - b[1]) * k)} mm"


def limit_list(items: list[str], n: int = 8) -> str:
    """The first ``n`` items, comma-separated, and how many more there are."""
    if len(items) <= n:
        return ", ".join(items)
    return ", ".join(items[:n]) + f", … ({len(items) - n} more)"


class Context:
    """One file under check; see the module docstring."""

    def __init__(self, path: Path, expect: dict | None, render_dpi: float | None,
                 lighter: Lighter | None = None):
        self.path = path
        self.render_dpi = render_dpi
        self._lighter = lighter
        self.page_expects, self.default_expect = page_expectations(expect)
        self.pdf: pikepdf.Pdf | None = None
        self._pages: list[pikepdf.Page] | None = None
        self._pdfium = None
        self._pdfium_render = None
        self._walk: WalkResult | None = None
        self._walk_error: Exception | None = None
        self.ink_job: CmykRender | None = None
        self.twins: dict[int, str] = {}  # page → the file whose identical page is checked
        # page → (its TrimBox in gray, pixels per PDF unit): a render made by the caller
        # from the same lighter copy (the build's preview), decoded before rendering again
        self.renders: dict[int, tuple] = {}

    def rendered_pages(self) -> list[int]:
        """The pages the ink, QR and text checks look at: all but the twins."""
        return [n for n in range(1, len(self.pages) + 1) if n not in self.twins]

    # readers
    @property
    def pages(self) -> list[pikepdf.Page]:
        if self._pages is None:
            assert self.pdf is not None
            self._pages = list(self.pdf.pages)
        return self._pages

    def expect(self, number: int) -> PageExpect:
        if self.page_expects is not None and 1 <= number <= len(self.page_expects):
            return self.page_expects[number - 1]
        return self.default_expect

    def pdfium(self):
        """The file as PDFium reads it (text)."""
        if self._pdfium is None:
            import pypdfium2 as pdfium  # loaded when a check reads text or pixels

            self._pdfium = pdfium.PdfDocument(str(self.path))
        return self._pdfium

    @property
    def lighter(self) -> Lighter:
        """The lighter copy every render of this file is made from (``pdfread/lighten.py``),
        told where the images are from this context's one walk of the content."""
        if self._lighter is None:
            self._lighter = Lighter(self.path)
        if self._lighter.placements is None and self.pdf is not None:
            try:
                self._lighter.placements = self.walk().placements
            except Exception:  # noqa: BLE001 - the copy walks for itself; the checks report
                pass
        return self._lighter

    def light_path(self, folder: Path) -> Path:
        """The lighter copy as a file in ``folder`` (the file itself when nothing is lighter)."""
        data = self.lighter.data()
        if data is None:
            return self.path
        light = folder / "light.pdf"
        light.write_bytes(data)
        return light

    def pdfium_for_render(self):
        """The file for the QR render: the photos decoded at a reduced scale.

        Decoding big photos dominates PDFium's render time (a 24 Mpx CMYK JPEG
        takes over a second); libjpeg's DCT scaling gives the same picture at
        1/8 of the size in a tenth of the time. QR codes do not need the photos'
        detail: the copy is the one the ink render (and the previews) asked for,
        or at 1/8 when nothing else did. Everything else is untouched.
        """
        if self._pdfium_render is None:
            for number in self.rendered_pages():
                self.lighter.need(number, 0.0)
            data = self.lighter.data()
            if data is None:
                self._pdfium_render = self.pdfium()
            else:
                import pypdfium2 as pdfium

                self._pdfium_render = pdfium.PdfDocument(data)
        return self._pdfium_render

    def walk(self) -> WalkResult:
        """What the pages draw (one walk of every content stream, shared by the checks)."""
        if self._walk_error is not None:
            raise self._walk_error
        if self._walk is None:
            try:
                self._walk = walk_pages(self.pages)
            except Exception as exc:
                self._walk_error = exc
                raise
        return self._walk

    def close(self) -> None:
        if self._pdfium_render is not None and self._pdfium_render is not self._pdfium:
            self._pdfium_render.close()
        self._pdfium_render = None
        if self._pdfium is not None:
            self._pdfium.close()
            self._pdfium = None
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
        if self.ink_job is not None:
            self.ink_job.cleanup()
