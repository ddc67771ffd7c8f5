"""What a task is, without what it does: the context every task gets, the keys and
placements the stages name products by.

The task functions (``tasks.py``) import every writer and reader standpress has (ReportLab,
PDFium, Ghostscript's driver, zxing-cpp, Pillow…). The main process only decides what to
make, so it imports this module and hands the scheduler ``worker.run_task``, which imports
``tasks`` where a task runs. A rebuild with nothing to make never loads them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from ..model import Project
from .cache import digest

# what a prepared photo depends on
PHOTO_CODE = ("load/images.py", "load/colour.py", "load/colourtable.py", "load/ink.py",
              "load/vips.py", "errors.py")
PREVIEW = {"screen_px": 1600, "thumb_px": 360, "guides": False}  # what the site shows


@dataclass(frozen=True)
class Context:
    """What every task needs besides its own arguments."""

    cache: str
    project: Project
    created: datetime
    outline_text: bool
    svg: bool = False  # photo tasks also make the SVGs' screen copies
    svg_photos: str = "embed"  # or "link" (render_svg's photos=)


def page_key(*parts) -> str:
    """``digest`` of the parts; a part without a stable ``repr`` gives a key never met again
    (the product is made every time rather than ever mistaken for another)."""
    try:
        return digest(*parts)
    except ValueError:
        return digest("uncacheable", str(uuid.uuid4()))


def placement(source: str, w: float, h: float, focus) -> tuple:
    """A photo's place on a page, as a dict key."""
    return (source, float(w), float(h), tuple(float(v) for v in focus))


def products(kind: str, args: tuple) -> list[tuple[str, str]]:
    """(cache kind, key) of each product a task makes: its first argument's, and for a
    check made with its previews, the previews' too."""
    if kind == "check+preview":
        return [("check", args[0]), ("preview", args[3][0])]
    return [("pdf" if kind == "stand" else kind, args[0])]
