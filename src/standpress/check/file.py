"""The file check: it opens, and has the pages ``stands.json`` lists."""

from __future__ import annotations

from .context import Context
from .report import Finding

__all__ = ["check_file"]


def check_file(ctx: Context) -> list[Finding]:
    """The file opens and has the expected number of pages."""
    out: list[Finding] = []
    n = len(ctx.pdf.pages)
    if n == 0:
        return [Finding("file", "error", "the file has no pages")]
    if ctx.page_expects is not None and n != len(ctx.page_expects):
        out.append(Finding("file", "error",
                           f"{n} page{'s' if n != 1 else ''}, stands.json lists {len(ctx.page_expects)}"))
    if not out:
        out.append(Finding("file", "ok", f"{n} page{'s' if n != 1 else ''}, PDF {ctx.pdf.pdf_version}"))
    return out
