"""The fonts check: every font in the resources embedded, as a subset, with /ToUnicode."""

from __future__ import annotations

import re

from pikepdf import Name

from ..pdfread import font_embedded
from .context import Context, limit_list
from .report import Finding

__all__ = ["check_fonts"]

_SUBSET = re.compile(r"^[A-Z]{6}\+")


def _font_name(font) -> str:
    name = font.get(Name.BaseFont)
    if name is None and font.get(Name.Subtype) == Name.Type3:
        return "Type3 font"
    return str(name)[1:] if name is not None else "unnamed font"


def check_fonts(ctx: Context) -> list[Finding]:
    """Every font in the resources (forms included): embedded, subset, with /ToUnicode."""
    uses = list(ctx.walk().fonts.values())
    if not uses:
        return [Finding("fonts", "ok", "no fonts")]
    out: list[Finding] = []
    names: list[str] = []
    for use in uses:
        font = use.font
        name = _font_name(font)
        names.append(name)
        where = f"{use.resource}"
        if not font_embedded(font):
            out.append(Finding("fonts", "error", f"{name} is not embedded ({where})", use.page))
            continue
        if font.get(Name.Subtype) != Name.Type3 and not _SUBSET.match(name):
            out.append(Finding("fonts", "warning",
                               f"{name} is embedded whole, not as a subset ({where})", use.page))
        if Name.ToUnicode not in font:
            out.append(Finding("fonts", "error",
                               f"{name} has no /ToUnicode: its text does not extract ({where})",
                               use.page))
    if not out:
        unique = sorted(set(names))
        out.append(Finding("fonts", "ok", f"{len(unique)} font{'s' if len(unique) != 1 else ''}, "
                                          f"embedded subsets with ToUnicode: {limit_list(unique)}"))
    return out
