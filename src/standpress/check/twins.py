"""The twin check: pages that are another checked file's page, unchanged.

A stand file is its panels' finished pages copied in order. When those panel files are
checked in the same run, a stand page whose fingerprint (``pdfread/fingerprint.py``) is
its panel's is said to be identical and is not rendered again for the ink, QR and text
checks; a page that differs in any byte is checked in full.
"""

from __future__ import annotations

from ..pdfread import Hasher, file_page_fingerprints, page_fingerprint
from .context import Context
from .report import Finding

__all__ = ["check_twins", "find_twins"]


def find_twins(ctx: Context, expect: dict | None) -> dict[int, str]:
    """Pages identical to the one page of the panel file their expectation names.

    Only when the caller checks those files in the same run (``"twins_checked"``); the
    files are found in ``"base"``, a folder relative to the checked file's.
    """
    if not expect or not expect.get("twins_checked") or "pages" not in expect:
        return {}
    base = ctx.path.parent / str(expect.get("base", "."))
    twins: dict[int, str] = {}
    hasher = Hasher()
    for number, (entry, page) in enumerate(zip(expect["pages"], ctx.pages), 1):
        rel = entry.get("file") if isinstance(entry, dict) else None
        twin = base / rel if rel else None
        if twin is None or not twin.is_file() or twin.resolve() == ctx.path.resolve():
            continue
        theirs = file_page_fingerprints(twin)
        if len(theirs) == 1 and theirs[0] == page_fingerprint(page, hasher):
            twins[number] = str(rel)
    return twins


def check_twins(ctx: Context) -> list[Finding]:
    """Pages that are another checked file's page, unchanged: said, not rendered again."""
    return [Finding("twin", "ok", f"identical to {rel} (content, resources, boxes): its ink, "
                                  "QR codes and text are checked there", number)
            for number, rel in sorted(ctx.twins.items())]
