"""What the build meant each file to be, and who says so.

Three sources, in this order of authority:

1. **the file's own spec** — the ``standpress:`` properties of its XMP
   (:class:`~standpress.manifest.PrintSpec`, written by the build): the file's truth,
   wherever it has been copied;
2. ``stands.json`` (the nearest in the file's folder or a parent) when it lists the file;
3. a print package's ``manifest.json`` beside the file (its row's ``"spec"``).

:func:`reconcile` merges them: the file's own spec is the base; a manifest may add what
the spec lacks (a field it leaves empty), never contradict it — a field both give with
different values is an error finding of the ``manifest`` check, and the file is judged
by its own spec. A file nothing describes gets the generic defaults below.

An expectation is a dict (the JSON of one :class:`~standpress.manifest.PanelEntry`)
applied to every page, or ``{"pages": [entry, …]}`` for a multi-page file (entry *i*
for page *i*); :class:`PageExpect` is one entry as the checks read it.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..manifest import STANDS_JSON, PanelEntry, PrintSpec, StandsManifest
from .report import Finding

__all__ = ["DEFAULT_INK_LIMIT", "DEFAULT_MIN_PPI", "DEFAULT_WARN_PPI", "MANIFEST",
           "PACKAGE_MANIFEST", "OWN_SPEC", "PageExpect", "find_manifest", "load_expectations",
           "load_package_manifest", "page_expectations", "reconcile", "spec_expectation"]

MANIFEST = STANDS_JSON
PACKAGE_MANIFEST = "manifest.json"  # the print package's (``pipeline/package.py``)
OWN_SPEC = "the file's own spec (XMP)"
DEFAULT_INK_LIMIT = 300.0
DEFAULT_WARN_PPI = 100.0
DEFAULT_MIN_PPI = 70.0
#: the fields of a panel entry that two sources must not contradict
COMPARED = ("format", "kind", "unit", "side", "trim", "bleed", "safe", "ink_limit", "warn_ppi",
            "min_ppi", "qr", "texts", "outlined_text")


@dataclass(frozen=True)
class PageExpect:
    """What one page must be (one panel entry)."""

    trim: tuple[float, float] | None = None  # mm, width × height
    bleed: float | None = None  # mm
    ink_limit: float = DEFAULT_INK_LIMIT
    warn_ppi: float = DEFAULT_WARN_PPI
    min_ppi: float = DEFAULT_MIN_PPI
    qr: tuple[str, ...] | None = None  # None: nothing expected, report what decodes
    texts: tuple[str, ...] = ()
    label: str = ""  # e.g. "cover 1 A", for messages

    @classmethod
    def from_panel(cls, panel: PanelEntry, qr_given: bool = True) -> PageExpect:
        """The expectation of one panel entry (``qr_given``: its ``qr`` list was there)."""
        label = " ".join(str(v) for v in (panel.kind, panel.unit, panel.side) if v is not None)
        return cls(
            trim=(float(panel.trim[0]), float(panel.trim[1])) if panel.trim else None,
            bleed=float(panel.bleed) if panel.bleed is not None else None,
            ink_limit=float(panel.ink_limit or DEFAULT_INK_LIMIT),
            warn_ppi=float(panel.warn_ppi or DEFAULT_WARN_PPI),
            min_ppi=float(panel.min_ppi or DEFAULT_MIN_PPI),
            qr=tuple(str(u) for u in panel.qr) if qr_given else None,
            texts=tuple(str(t) for t in panel.texts),
            label=label)

    @classmethod
    def from_entry(cls, entry: dict | None) -> PageExpect:
        """The expectation of one panel entry's JSON (``file`` may be absent here)."""
        if not entry:
            return cls()
        panel = PanelEntry.from_json({"file": "", **entry})
        return cls.from_panel(panel, entry.get("qr") is not None)


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
    """Map each PDF named in ``stands.json`` (resolved path) to its expectation.

    Raises :class:`~standpress.errors.InputError` when the file cannot be read.
    """
    stands = StandsManifest.read(manifest)
    base = manifest.resolve().parent
    table: dict[Path, dict] = {}
    for stand in stands.stands:
        panels = [p.to_json() for p in stand.panels]
        for panel in panels:
            table[(base / panel["file"]).resolve()] = panel
        if stand.file:
            path = (base / stand.file).resolve()
            table[path] = {"pages": panels, "base": os.path.relpath(base, path.parent)}
    return table


def load_package_manifest(path: Path) -> dict[Path, dict]:
    """Map each PDF a print package's ``manifest.json`` describes (resolved path) to the
    expectation of its ``"spec"``; files without one are left out, and a ``manifest.json``
    without a ``"files"`` list is not a package's (empty map). Raises ``ValueError`` (or
    ``OSError``) when it is not JSON or a row or spec is malformed."""
    data = json.loads(Path(path).read_text("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return {}  # some other manifest.json: it describes nothing here
    table: dict[Path, dict] = {}
    for row in data["files"]:
        if not isinstance(row, dict) or not row.get("file"):
            raise ValueError('a file row has no "file"')
        if row.get("spec") is not None:
            spec = PrintSpec.from_json(row["spec"])
            table[(Path(path).resolve().parent / str(row["file"])).resolve()] = \
                spec_expectation(spec)
    return table


def spec_expectation(spec: PrintSpec) -> dict:
    """A file's spec as an expectation: its one page's entry, or one entry per page."""
    extra = {"format": spec.format, "format_name": spec.format_name}
    pages = [{**p.to_json(), **{k: v for k, v in extra.items() if v is not None}}
             for p in spec.pages]
    return pages[0] if len(pages) == 1 else {"pages": pages}


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def _show(value) -> str:
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
            return f"{value[0]:g}×{value[1]:g}"
        return "[" + ", ".join(str(v) for v in value[:3]) + (", …" if len(value) > 3 else "") + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _pages(expect: dict) -> list[dict]:
    return list(expect["pages"]) if "pages" in expect else [expect]


def reconcile(sources: list[tuple[str, dict | None]]) -> tuple[dict | None, list[Finding]]:
    """The expectation ``sources`` ((who, expectation), most authoritative first) give
    together, and the ``manifest`` findings: a contradiction of the first by a later one
    is an error (the first wins); what a later one adds to an empty field is taken."""
    given = [(who, e) for who, e in sources if e]
    if not given:
        return None, [Finding("manifest", "ok", "no spec in the file and no manifest lists it: "
                              f"generic limits (ink {DEFAULT_INK_LIMIT:g} %, images "
                              f"{DEFAULT_WARN_PPI:g}/{DEFAULT_MIN_PPI:g} ppi)")]
    first_who, first = given[0]
    merged = dict(first)
    pages = [dict(p) for p in _pages(first)]
    findings: list[Finding] = []
    agreed = []
    for who, other in given[1:]:
        for k, v in other.items():  # what the first lacks entirely ("base", "twins_checked")
            if k not in ("pages",) and k not in PanelEntry.__dataclass_fields__:
                merged.setdefault(k, v)
        theirs = _pages(other)
        if len(theirs) != len(pages) and ("pages" in first or "pages" in other):
            findings.append(Finding("manifest", "error", f"{who} lists {len(theirs)} page(s), "
                                    f"{first_who} {len(pages)}: judged by {first_who}"))
            continue
        clashes = 0
        for number, (mine, their) in enumerate(zip(pages, theirs), 1):
            for k in COMPARED:
                a, b = mine.get(k), their.get(k)
                if b is None:
                    continue
                if a is None:
                    mine[k] = b
                elif not _same(a, b):
                    clashes += 1
                    findings.append(Finding(
                        "manifest", "error", f"{who} says {k} {_show(b)}, {first_who} says "
                        f"{_show(a)}: judged by {first_who}; the file and its manifest do not "
                        "belong together (rebuild, or pack again)",
                        number if "pages" in first else None))
        if not clashes:
            agreed.append(who)
    if "pages" in first:
        merged["pages"] = pages
    else:
        merged = {**merged, **pages[0]}
    one = pages[0]
    fmt = one.get("format_name") or one.get("format")
    fmt = f"format «{fmt}», " if fmt else ""
    floors = (f"{fmt}ink ≤ {_show(float(one.get('ink_limit') or DEFAULT_INK_LIMIT))} %, images "
              f"{_show(float(one.get('warn_ppi') or DEFAULT_WARN_PPI))}/"
              f"{_show(float(one.get('min_ppi') or DEFAULT_MIN_PPI))} ppi")
    also = f"; {', '.join(agreed)} agree{'s' if len(agreed) == 1 else ''}" if agreed else ""
    findings.insert(0, Finding("manifest", "ok", f"judged by {first_who}: {floors}{also}"))
    return merged, findings
