"""Renders of finished PDFs: Ghostscript's CMYK separations, PDFium's gray pixels.

Ghostscript honours /UserUnit and renders the TrimBox (``-dUseTrimBox``) to a CMYK TIFF
per page, the ink values as the press would get them; PDFium (pypdfium2) renders fast in
gray for decoding QR codes, and ignores /UserUnit (its scale is pixels per page unit).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .objects import Box, box

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CmykRender", "GS_MAX_BITMAP", "gray_render", "ghostscript"]

GS_MAX_BITMAP = 64_000_000  # bytes of page bitmap below which Ghostscript does not band


def ghostscript() -> str | None:
    """The Ghostscript executable, None when it is not installed."""
    return shutil.which("gs")


class CmykRender:
    """Ghostscript renders pages to CMYK TIFF in the background, while the caller works.

    ``source(folder)`` gives the file to render (e.g. the lighter copy, written into the
    render's own ``folder``), ``dpi`` the resolution, ``pages`` the 1-based pages (None:
    all). The TrimBox is rendered without anti-aliasing, so each pixel holds the ink of
    what is under it, not a blend with its neighbours. :meth:`pages` waits and returns the
    TIFFs in page order; :meth:`cleanup` stops Ghostscript and removes the folder.
    """

    def __init__(self, source: Callable[[Path], Path], dpi: float,
                 pages: list[int] | None = None):
        gs = ghostscript()
        if gs is None:
            raise RuntimeError("Ghostscript (gs) is not installed")
        self.dpi = dpi
        self.dir = Path(tempfile.mkdtemp(prefix="standpress-ink-"))
        try:
            path = source(self.dir)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        self.reduction = 1  # the photos' largest reduction in what is rendered (set by the caller)
        only = [f"-sPageList={','.join(map(str, pages))}"] if pages is not None else []
        self.cmd = [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc",
                    "-sCompression=none", "-dUseTrimBox", f"-r{dpi:.3f}",
                    # a page of the automatic render (≤ 2 Mpx, 8 MB) is drawn in one
                    # bitmap, not banded through a display list: the same pixels (compared),
                    # 0.1 s less on a page without photos, within the noise on one with
                    f"-dMaxBitmap={GS_MAX_BITMAP}",
                    # the page as one strip: Pillow reads a strip at a time, and a strip of
                    # gs's default 8 KB is one row (1,700 reads instead of one, 13 ms a page)
                    "-dMaxStripSize=0",
                    "-dGraphicsAlphaBits=1", "-dTextAlphaBits=1", "-dInterpolateControl=0",
                    *only, f"-sOutputFile={self.dir / 'p%05d.tif'}", str(path)]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def pages(self, timeout: float = 600) -> list[Path]:
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise RuntimeError(f"Ghostscript took longer than {timeout:g} s") from None
        if self.proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"Ghostscript failed ({self.proc.returncode}): "
                               f"{msg[-1] if msg else 'no message'}")
        return sorted(self.dir.glob("p*.tif"))

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)


def gray_render(pdf_page, region: Box, scale: float) -> np.ndarray:
    """PDFium's gray render of ``region`` (page units) of a pypdfium2 page at ``scale``
    pixels per page unit, as an H × W uint8 array (white paper)."""
    cb = box(pdf_page.get_cropbox())
    rotation = pdf_page.get_rotation()
    if rotation:
        crop = (0, 0, 0, 0)
    else:
        crop = (max(0.0, region[0] - cb[0]), max(0.0, region[1] - cb[1]),
                max(0.0, cb[2] - region[2]), max(0.0, cb[3] - region[3]))
    bitmap = pdf_page.render(scale=scale, crop=crop, grayscale=True,
                             fill_color=(255, 255, 255, 255), may_draw_forms=False)
    import numpy as np  # here: a build with nothing to render does not load numpy

    arr = bitmap.to_numpy()
    if arr.ndim == 3:  # not gray after all: take the green channel
        arr = np.ascontiguousarray(arr[:, :, 1] if arr.shape[2] >= 3 else arr[:, :, 0])
    return arr
