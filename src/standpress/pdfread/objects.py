"""PDF objects as a reader sees them: boxes, matrices, inherited page keys, identity.

Small pure helpers over pikepdf objects, shared by PDF/X finishing, the content walker,
the lighter copy, the fingerprints and the preflight's checks.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Name

__all__ = ["Box", "IDENTITY", "Matrix", "NEST_TOLERANCE", "actions", "appearance_streams",
           "box", "font_embedded", "inherited", "inside", "key", "multiply", "page_box",
           "trim_box", "user_unit"]

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page units, normalised
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
NEST_TOLERANCE = 0.01  # points: how far one box may stick out of another and still nest


def box(value) -> Box:
    """A PDF rectangle (any corner order) as ``(x0, y0, x1, y1)`` with x0 ≤ x1, y0 ≤ y1."""
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def page_box(page: pikepdf.Page, name: Name) -> Box | None:
    """The page's own ``name`` box (``Name.TrimBox`` …), None when the page has none."""
    value = page.obj.get(name)
    return None if value is None else box(value)


def trim_box(page: pikepdf.Page) -> Box:
    """The page's TrimBox, or its MediaBox when it has none (what is printed)."""
    return page_box(page, Name.TrimBox) or box(page.mediabox)


def inside(inner: Box, outer: Box, tol: float = NEST_TOLERANCE) -> bool:
    """Whether ``inner`` lies within ``outer`` (``tol`` points of slack on every side)."""
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n: apply m, then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def user_unit(page: pikepdf.Page) -> float:
    """The page's /UserUnit (points per page unit / 1 pt), 1 when absent or invalid."""
    try:
        uu = float(page.obj.get(Name.UserUnit, 1.0))
    except (TypeError, ValueError):
        return 1.0
    return uu if uu > 0 else 1.0


def inherited(obj: pikepdf.Dictionary, name: Name):
    """``obj[name]``, or the nearest ancestor's in the page tree; None when nobody has it."""
    node, depth = obj, 0
    while node is not None and depth < 64:
        if name in node:
            return node[name]
        node, depth = node.get(Name.Parent), depth + 1
    return None


def key(obj: pikepdf.Object) -> tuple:
    """Identity of a PDF object: its object number, or its text if direct.

    Two direct objects with the same text are the same thing to a reader (the same font,
    the same resources); pikepdf gives no other identity for them.
    """
    if obj.is_indirect:
        return ("ref", *obj.objgen)
    return ("direct", bytes(obj.unparse()))


def font_embedded(font: pikepdf.Dictionary, depth: int = 0) -> bool:
    """Whether the font's glyphs are in the file (Type3 always; Type0 if all descendants)."""
    subtype = font.get(Name.Subtype)
    if subtype == Name.Type3:
        return True
    if subtype == Name.Type0:
        desc = font.get(Name.DescendantFonts)
        return bool(desc) and depth < 4 and all(font_embedded(d, depth + 1) for d in desc)
    fd = font.get(Name.FontDescriptor)
    return isinstance(fd, pikepdf.Dictionary) and any(
        k in fd for k in (Name.FontFile, Name.FontFile2, Name.FontFile3))


def appearance_streams(annot) -> list[pikepdf.Stream]:
    """The appearance streams of an annotation: normal, rollover, down, every state."""
    ap = annot.get(Name.AP) if isinstance(annot, pikepdf.Dictionary) else None
    if not isinstance(ap, pikepdf.Dictionary):
        return []
    streams: list[pikepdf.Stream] = []
    for name in (Name.N, Name.R, Name.D):
        entry = ap.get(name)
        if isinstance(entry, pikepdf.Stream):
            streams.append(entry)
        elif isinstance(entry, pikepdf.Dictionary):
            streams += [v for v in entry.values() if isinstance(v, pikepdf.Stream)]
    return streams


def actions(pdf: pikepdf.Pdf) -> list[str]:
    """The actions PDF/X forbids, one line each: catalog /OpenAction or /AA, /Names
    /JavaScript, page /AA, annotation /A or /AA (JavaScript elsewhere is not searched)."""
    found: list[str] = []
    root = pdf.Root
    for name in (Name.OpenAction, Name.AA):
        if name in root:
            found.append(f"catalog has {name}")
    names = root.get(Name.Names)
    if isinstance(names, pikepdf.Dictionary) and Name.JavaScript in names:
        found.append("catalog /Names has /JavaScript")
    for number, page in enumerate(pdf.pages, 1):
        if Name.AA in page.obj:
            found.append(f"page {number} has /AA")
        for annot in page.obj.get(Name.Annots, pikepdf.Array()):
            if isinstance(annot, pikepdf.Dictionary) and (Name.A in annot or Name.AA in annot):
                found.append(f"page {number} has an annotation with an action")
    return found
