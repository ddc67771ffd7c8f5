"""The ink check: total area coverage (C+M+Y+K) inside the TrimBox.

Ghostscript renders the pages to CMYK (:class:`~standpress.pdfread.CmykRender`, started
by the runner before the other checks so that it works meanwhile) from the lighter copy
(photos decoded at the DCT scale nearest above the render's resolution): each pixel then
holds the mean ink of the image pixels under it, its coverage, rather than the one the
sampling happens to hit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pikepdf import Name
from PIL import Image

from ..pdfread import CmykRender, ghostscript, trim_box, user_unit
from .context import Context, fmt_mm
from .report import Finding

if TYPE_CHECKING:  # numpy is loaded by the checks that measure, not by importing them
    import numpy as np

__all__ = ["INK_DPI", "INK_PIXELS", "INK_TOLERANCE", "check_ink", "ink_sum", "start_ink_render"]

INK_TOLERANCE = 1.0  # % above the limit before it is an error (rounding of 8-bit values)
INK_PIXELS = 2.0e6  # target size of the CMYK render (per page)
INK_DPI = (5.0, 50.0)


def _ink_dpi(ctx: Context) -> float:
    if ctx.render_dpi:
        return float(ctx.render_dpi)
    area = 0.0
    for page in ctx.pages:
        b = trim_box(page)
        uu = user_unit(page)
        area = max(area, (b[2] - b[0]) * (b[3] - b[1]) * (uu / 72) ** 2)
    if area <= 0:
        return INK_DPI[1]
    return max(INK_DPI[0], min(INK_DPI[1], math.sqrt(INK_PIXELS / area)))


def start_ink_render(ctx: Context) -> CmykRender:
    """Start Ghostscript's CMYK render of the pages the ink check looks at (from the
    lighter copy, which it first tells the resolution it needs)."""
    pages = ctx.rendered_pages()
    dpi = _ink_dpi(ctx)
    for number in pages:  # Ghostscript applies UserUnit, PDFium does not
        ctx.lighter.need(number, dpi * user_unit(ctx.pages[number - 1]) / 72)
    job = CmykRender(ctx.light_path, dpi, None if len(pages) == len(ctx.pages) else pages)
    job.reduction = ctx.lighter.reduction
    return job


def ink_sum(arr: np.ndarray) -> np.ndarray:
    """C+M+Y+K of each pixel of an H × W × 4 uint8 array (0‥1020), channel by channel:
    a tenth of the time of ``arr.astype(uint16).sum(axis=2)``."""
    import numpy as np

    total = arr[:, :, 0].astype(np.uint16)
    for ch in (1, 2, 3):
        total += arr[:, :, ch]
    return total


def check_ink(ctx: Context) -> list[Finding]:
    """Maximum total area coverage inside the TrimBox (Ghostscript CMYK render)."""
    import numpy as np

    if ghostscript() is None:  # an optional tool: say what was not measured
        return [Finding("ink", "warning", "total ink not measured: Ghostscript (gs) is not "
                        "installed; install the ghostscript package to measure it")]
    numbers = ctx.rendered_pages()
    if not numbers:
        return []
    job = ctx.ink_job
    if job is None:
        job = ctx.ink_job = start_ink_render(ctx)
    files = job.pages()
    if len(files) != len(numbers):
        raise RuntimeError(f"Ghostscript rendered {len(files)} pages of {len(numbers)}")
    out: list[Finding] = []
    px_mm = 25.4 / job.dpi
    for number, f in zip(numbers, files):
        exp = ctx.expect(number)
        with Image.open(f) as im:
            if im.mode != "CMYK":
                raise RuntimeError(f"Ghostscript wrote a {im.mode} image, not CMYK")
            arr = np.asarray(im)
            counts = np.asarray(im.histogram(), dtype=np.float64).reshape(4, 256)
        total = ink_sum(arr)
        peak = int(total.max())
        peak_pct = peak * 100 / 255
        means = (counts @ np.arange(256.0)) / max(1, total.size) * 100 / 255
        mean_text = "mean " + " ".join(f"{c} {m:.1f} %" for c, m in zip("CMYK", means))
        if ctx.pages[number - 1].obj.get(Name.TrimBox) is None:
            mean_text += "; no TrimBox: measured on the whole page, marks included"
        row, col = np.unravel_index(int(total.argmax()), total.shape)
        at = f"at {fmt_mm((col + 0.5) * px_mm)}, {fmt_mm((row + 0.5) * px_mm)} mm from the trim's top-left"
        if peak_pct > exp.ink_limit + INK_TOLERANCE:
            over = total * (100 / 255) > exp.ink_limit + INK_TOLERANCE
            rows = np.flatnonzero(over.any(axis=1))
            cols = np.flatnonzero(over.any(axis=0))
            share = over.mean() * 100
            region = (f"x {fmt_mm(cols[0] * px_mm)}–{fmt_mm((cols[-1] + 1) * px_mm)}, "
                      f"y {fmt_mm(rows[0] * px_mm)}–{fmt_mm((rows[-1] + 1) * px_mm)} mm")
            out.append(Finding("ink", "error",
                               f"total ink {peak_pct:.0f} % {at}, above the limit of "
                               f"{exp.ink_limit:g} % ({share:.2g} % of the trim over it, within "
                               f"{region}); {mean_text}", number))
        else:
            read = f", photos read at 1/{job.reduction}" if job.reduction > 1 else ""
            out.append(Finding("ink", "ok", f"max {peak_pct:.0f} % (limit {exp.ink_limit:g} %) "
                                            f"{at}; {mean_text}; {job.dpi:.0f} dpi{read}",
                               number))
    return out
