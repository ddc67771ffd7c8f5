"""The qr check: every expected QR code decodes from a render of the finished page.

A gray PDFium render of the TrimBox (~6 Mpx, 20–150 dpi), then 2× and 4× in tiles
(≤ 60 Mpx a level) while expected codes are missing; zxing-cpp decodes. When the caller
rendered the page already from the same lighter copy (the build's preview,
``Context.renders``), that render is decoded first: if every expected code reads there,
the page is not rendered again (a code that decodes at a coarser resolution is readable;
one that does not is looked for at the levels above, as before). With no expected codes
given, the check's own render is always made, to list what the page holds.
"""

from __future__ import annotations

import math

from typing import TYPE_CHECKING

import pikepdf

from ..pdfread import gray_render, trim_box, user_unit
from .context import Context, limit_list
from .report import Finding

if TYPE_CHECKING:  # numpy and zxing-cpp are loaded when a code is decoded
    import numpy as np

__all__ = ["QR_DPI", "QR_MAX_PIXELS", "QR_OVERLAP", "QR_PIXELS", "QR_TILE", "check_qr"]

QR_PIXELS = 6.0e6  # target size of the first gray render
QR_DPI = (20.0, 150.0)
QR_MAX_PIXELS = 60.0e6  # cap of one render level (all tiles together)
QR_TILE = 4000  # px side of a tile at the finer levels
QR_OVERLAP = 1200  # px overlap of neighbouring tiles


def _qr_base_dpi(ctx: Context, page: pikepdf.Page) -> float:
    if ctx.render_dpi:
        return float(ctx.render_dpi)
    b = trim_box(page)
    uu = user_unit(page)
    area = (b[2] - b[0]) * (b[3] - b[1]) * (uu / 72) ** 2
    if area <= 0:
        return QR_DPI[1]
    return max(QR_DPI[0], min(QR_DPI[1], math.sqrt(QR_PIXELS / area)))


def _decode(arr: np.ndarray) -> set[str]:
    import zxingcpp

    fmt = getattr(zxingcpp.BarcodeFormat, "QRCode")
    return {b.text for b in zxingcpp.read_barcodes(arr, formats=fmt) if b.text}


def _decode_page(ctx: Context, number: int, expected: set[str] | None) -> tuple[set[str], float]:
    """Decode at the base resolution, then finer (in tiles) while expected codes are missing."""
    page = ctx.pages[number - 1]
    uu = user_unit(page)
    found: set[str] = set()
    given = ctx.renders.get(number)
    if given is not None and expected is not None and not ctx.render_dpi:
        found |= _decode(given[0])
        if expected <= found:
            return found, given[1] * 72 / uu
    pdf_page = ctx.pdfium_for_render()[number - 1]
    try:
        region = trim_box(page)
        base = _qr_base_dpi(ctx, page)
        dpi = base
        for level in range(3):
            dpi = base * (2 ** level)
            scale = dpi * uu / 72  # pdfium ignores UserUnit: page units → px
            w = (region[2] - region[0]) * scale
            h = (region[3] - region[1]) * scale
            if level and (w * h > QR_MAX_PIXELS or dpi > 1200):
                break
            if w * h <= QR_PIXELS * 2.5 or level == 0:
                found |= _decode(gray_render(pdf_page, region, scale))
            else:
                step = (QR_TILE - QR_OVERLAP) / scale
                size = QR_TILE / scale
                y = region[1]
                while y < region[3]:
                    x = region[0]
                    while x < region[2]:
                        tile = (x, y, min(x + size, region[2]), min(y + size, region[3]))
                        found |= _decode(gray_render(pdf_page, tile, scale))
                        x += step
                    y += step
            if expected is None or expected <= found:
                break
        return found, dpi
    finally:
        pdf_page.close()


def check_qr(ctx: Context) -> list[Finding]:
    """Every expected QR code decodes from a render of the page; extra codes are a warning."""
    out: list[Finding] = []
    for number in ctx.rendered_pages():
        exp = ctx.expect(number)
        expected = set(exp.qr) if exp.qr is not None else None
        found, dpi = _decode_page(ctx, number, expected)
        if expected is None:
            text = ("decoded: " + limit_list(sorted(found))) if found else "no QR codes found"
            out.append(Finding("qr", "ok", text, number))
            continue
        missing = [u for u in exp.qr if u not in found]
        extra = sorted(found - expected)
        for url in missing:
            got = f"; decoded instead: {limit_list(extra)}" if extra else ""
            out.append(Finding("qr", "error", f"QR code for {url} does not decode "
                                              f"(rendered up to {dpi:.0f} dpi){got}", number))
        if extra and not missing:
            out.append(Finding("qr", "warning", f"unexpected QR code{'s' if len(extra) > 1 else ''}: "
                                                f"{limit_list(extra)}", number))
        if not missing:
            ok = (f"{len(expected)} expected code{'s' if len(expected) != 1 else ''} decoded: "
                  f"{limit_list(list(exp.qr))}")
            out.append(Finding("qr", "ok", ok if expected else "no QR codes expected", number))
    return out
