"""What the build meant each file to be: the expectations read from ``stands.json``.

One panel entry of ``stands.json`` becomes a :class:`PageExpect`; a stand file gets one
per page (``{"pages": [entry, …]}``); a file nobody lists gets the defaults below.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_INK_LIMIT", "DEFAULT_MIN_PPI", "DEFAULT_WARN_PPI", "MANIFEST",
           "PageExpect", "find_manifest", "load_expectations", "page_expectations"]

MANIFEST = "stands.json"
DEFAULT_INK_LIMIT = 300.0
DEFAULT_WARN_PPI = 100.0
DEFAULT_MIN_PPI = 70.0


@dataclass(frozen=True)
class PageExpect:
    """What one page must be (one panel entry of ``stands.json``)."""

    trim: tuple[float, float] | None = None  # mm, width × height
    bleed: float | None = None  # mm
    ink_limit: float = DEFAULT_INK_LIMIT
    warn_ppi: float = DEFAULT_WARN_PPI
    min_ppi: float = DEFAULT_MIN_PPI
    qr: tuple[str, ...] | None = None  # None: nothing expected, report what decodes
    texts: tuple[str, ...] = ()
    label: str = ""  # e.g. "cover 1A", for messages

    @classmethod
    def from_entry(cls, entry: dict | None) -> PageExpect:
        if not entry:
            return cls()
        trim = entry.get("trim")
        qr = entry.get("qr")
        label = " ".join(str(entry[k]) for k in ("kind", "unit", "side") if entry.get(k) is not None)
        return cls(
            trim=(float(trim[0]), float(trim[1])) if trim else None,
            bleed=float(entry["bleed"]) if entry.get("bleed") is not None else None,
            ink_limit=float(entry.get("ink_limit") or DEFAULT_INK_LIMIT),
            warn_ppi=float(entry.get("warn_ppi") or DEFAULT_WARN_PPI),
            min_ppi=float(entry.get("min_ppi") or DEFAULT_MIN_PPI),
            qr=tuple(str(u) for u in qr) if qr is not None else None,
            texts=tuple(str(t) for t in entry.get("texts") or ()),
            label=label,
        )


def page_expectations(expect: dict | None) -> tuple[list[PageExpect] | None, PageExpect]:
    """(one expectation per page, or None) and the expectation for any page."""
    if expect is None:
        return None, PageExpect()
    if "pages" in expect:
        pages = [PageExpect.from_entry(e) for e in expect["pages"]]
        return pages, PageExpect()
    return None, PageExpect.from_entry(expect)


def find_manifest(start: Path) -> Path | None:
    """The ``stands.json`` in ``start`` (a file's folder) or the nearest parent folder."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / MANIFEST
        if candidate.is_file():
            return candidate
    return None


def load_expectations(manifest: Path) -> dict[Path, dict]:
    """Map each PDF named in ``stands.json`` (resolved path) to its expectation."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    base = manifest.resolve().parent
    table: dict[Path, dict] = {}
    for stand in data.get("stands", []):
        panels = list(stand.get("panels", []))
        for panel in panels:
            if panel.get("file"):
                table[(base / panel["file"]).resolve()] = panel
        if stand.get("file"):
            path = (base / stand["file"]).resolve()
            table[path] = {"pages": panels, "base": os.path.relpath(base, path.parent)}
    return table
