"""Glyph outlines: text as shapes, for backends that must not depend on fonts.

``glyph_outlines`` turns one laid-out line (its characters and the per-char
advances layout computed) into one outline per visible glyph, so a backend
can draw text as filled paths (``render_svg(outline_text=True)``, and later
``standpress build --outline-text`` in the PDF) and put every glyph exactly
where the ``<text>``/TJ version would.

Characters map to glyphs through the font's cmap, one character one glyph
(the same rule as ``text.fonts``: no ligatures, no contextual forms); a
character the font lacks draws as ``.notdef``, as it would in the PDF.

Pure apart from reading the font file; fonts and glyph paths are cached per
(font file, glyph, size).
"""

from __future__ import annotations

import io
from functools import lru_cache
from os import PathLike
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

NOTDEF = ".notdef"


def fmt(v: float) -> str:
    """A number for path data and attributes: at most 4 decimals (0.1 µm), no '-0'."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


@lru_cache(maxsize=16)
def _font(path: str) -> tuple[object, dict[int, str], int]:
    """(glyph set, best cmap, units per em) of a font file (cached)."""
    tt = TTFont(io.BytesIO(Path(path).read_bytes()), lazy=True)  # no file handle kept open
    return tt.getGlyphSet(), tt.getBestCmap(), tt["head"].unitsPerEm


@lru_cache(maxsize=8192)
def glyph_path(font_path: str, glyph: str, size: float) -> str:
    """SVG path data of one glyph at ``size`` (mm per em).

    The origin is the glyph's origin on the baseline, y points DOWN (the
    outline is flipped), units are mm. Commands are absolute (``M L H V Q C
    Z``, as fontTools' ``SVGPathPen`` writes them); numbers have at most 4
    decimals. An empty string for glyphs without contours (spaces).
    """
    glyphs, _, upem = _font(font_path)
    s = size / upem
    pen = SVGPathPen(glyphs, ntos=fmt)
    glyphs[glyph].draw(TransformPen(pen, (s, 0, 0, -s, 0, 0)))
    return pen.getCommands()


def glyph_outlines(font_path: str | PathLike, text: str, advances: tuple[float, ...] | list[float],
                   size: float) -> list[tuple[str, float]]:
    """Outlines of one line of text: ``[(path_d, x), …]`` for each visible glyph.

    ``advances`` are per character in mm (``Text.advances``), ``size`` the em
    size in mm. ``x`` is the glyph origin's offset from the line's start in
    mm (x0 + a0 + … + a(i-1), summed in this order, like every backend), and
    ``path_d`` is :func:`glyph_path` relative to that origin (y down), so a
    glyph is drawn at ``translate(line_x + x, baseline_y)``. Glyphs with no
    contours (U+0020, U+00A0, U+202F …) are left out.
    """
    if len(advances) != len(text):
        raise ValueError(f"{len(text)} characters but {len(advances)} advances")
    path = str(font_path)
    _, cmap, _ = _font(path)
    out: list[tuple[str, float]] = []
    x = 0.0
    for ch, adv in zip(text, advances):
        d = glyph_path(path, cmap.get(ord(ch), NOTDEF), float(size))
        if d:
            out.append((d, x))
        x += adv
    return out
