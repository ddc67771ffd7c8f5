"""The colour check: no uncalibrated DeviceRGB anywhere the walker looks."""

from __future__ import annotations

from .context import Context, limit_list
from .report import Finding

__all__ = ["check_colour"]


def check_colour(ctx: Context) -> list[Finding]:
    """No uncalibrated DeviceRGB in images, content, resources, shadings or groups."""
    uses = ctx.walk().colours
    rgb = [u for u in uses if u.rgb]
    spaces = sorted({u.space for u in uses})
    out: list[Finding] = []
    by_page: dict[int, list[str]] = {}
    for u in rgb:
        by_page.setdefault(u.page, [])
        text = f"{u.source} ({u.space})" if u.space != "DeviceRGB" else u.source
        if text not in by_page[u.page]:
            by_page[u.page].append(text)
    for page, sources in sorted(by_page.items()):
        out.append(Finding("colour", "error",
                           f"DeviceRGB (convert to CMYK or tag with an ICC profile): "
                           f"{limit_list(sources)}", page))
    if not rgb:
        out.append(Finding("colour", "ok", "spaces: " + (", ".join(spaces) if spaces else "none")))
    else:
        out.append(Finding("colour", "ok", "spaces found: " + ", ".join(spaces)))
    return out
