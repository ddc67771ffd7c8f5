"""The images check: the effective resolution of every placed image."""

from __future__ import annotations

from ..errors import ppi_text
from .context import Context, fmt_mm
from .report import Finding

__all__ = ["check_images"]



def check_images(ctx: Context) -> list[Finding]:
    """Effective resolution of every placed image against warn_ppi and min_ppi."""
    placements = ctx.walk().placements
    if not placements:
        return [Finding("images", "ok", "no images")]
    out: list[Finding] = []
    for p in placements:
        exp = ctx.expect(p.page)
        bits = f"{p.bits}-bit " if p.bits else ""
        text = (f"{p.name}: {p.width}×{p.height} px {bits}{p.space}, placed at "
                f"{fmt_mm(p.w_in * 25.4)}×{fmt_mm(p.h_in * 25.4)} mm → "
                f"{ppi_text(p.ppi, exp.min_ppi, exp.warn_ppi)} ppi")
        if p.mask:
            out.append(Finding("images", "ok", text + " (stencil mask, not judged)", p.page))
        elif p.ppi < exp.min_ppi:
            out.append(Finding("images", "error", f"{text}, below the floor of {exp.min_ppi:g} ppi",
                               p.page))
        elif p.ppi < exp.warn_ppi:
            out.append(Finding("images", "warning", f"{text}, below {exp.warn_ppi:g} ppi", p.page))
        else:
            out.append(Finding("images", "ok", text, p.page))
    return out
