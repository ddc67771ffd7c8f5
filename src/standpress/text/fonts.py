"""Fonts as a measuring service: HarfBuzz advances, metrics and coverage.

Layout asks this module how wide a piece of text is; backends ask it for the
file to embed. Text is shaped with HarfBuzz with kerning on and the features
that would break text extraction (``liga``, ``calt``, ``clig``, ``dlig``) off,
so every character maps to exactly one glyph and extracts back as itself.
Advances are returned per character in em (multiply by the size in mm).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont

from ..errors import InputError, Problem

FEATURES = {"kern": True, "liga": False, "calt": False, "clig": False, "dlig": False}


@dataclass(frozen=True)
class FontMetrics:
    """Vertical metrics in em."""

    ascender: float
    descender: float  # negative
    cap_height: float
    x_height: float


class Font:
    """One TrueType font file, measured with HarfBuzz."""

    def __init__(self, key: str, path: Path):
        self.key = key
        self.path = Path(path)
        data = self.path.read_bytes()
        try:
            tt = TTFont(io.BytesIO(data), lazy=True)
            self.upem = tt["head"].unitsPerEm
            self.cmap = tt.getBestCmap()
            hmtx = tt["hmtx"].metrics
            os2 = tt["OS/2"]
            hhea = tt["hhea"]
            if "glyf" not in tt:
                raise ValueError("not a TrueType (glyf) font; ReportLab cannot embed CFF outlines")
            if "name" not in tt:  # (not parsed: fontTools' name table imports 50 ms of code)
                raise ValueError("the font has no name table; a PDF cannot embed it")
        except Exception as exc:  # fontTools raises many kinds
            raise InputError(
                "cannot read font",
                [Problem(f"cannot read font: {exc}", file=str(self.path),
                         hint="use a static TrueType (.ttf) font with glyf outlines")],
            ) from exc
        self.metrics = FontMetrics(
            ascender=hhea.ascent / self.upem,
            descender=hhea.descent / self.upem,
            cap_height=getattr(os2, "sCapHeight", 0.7 * self.upem) / self.upem,
            x_height=getattr(os2, "sxHeight", 0.5 * self.upem) / self.upem,
        )
        self._default_adv = {cp: hmtx[g][0] / self.upem for cp, g in self.cmap.items()}
        face = hb.Face(hb.Blob(data))
        self._hb_font = hb.Font(face)
        self._hb_font.scale = (self.upem, self.upem)
        self._cache: dict[str, tuple[float, ...]] = {}

    def __repr__(self) -> str:
        return f"Font({self.key!r}, {self.path.name!r})"

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` this font has no glyph for (in order, unique)."""
        seen: list[str] = []
        for ch in text:
            if ord(ch) not in self.cmap and ch not in seen and ch not in "\n\u00ad":
                seen.append(ch)
        return seen

    def default_advance(self, ch: str) -> float:
        """The advance of the glyph the cmap maps ``ch`` to, in em, unkerned."""
        return self._default_adv.get(ord(ch), 0.0)

    def advances(self, text: str) -> tuple[float, ...]:
        """Per-character advances in em, kerning applied (cached)."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        buf = hb.Buffer()
        buf.add_codepoints([ord(c) for c in text])
        buf.guess_segment_properties()
        hb.shape(self._hb_font, buf, FEATURES)
        adv = [0.0] * len(text)
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
            adv[info.cluster] += pos.x_advance / self.upem
        result = tuple(adv)
        if len(self._cache) < 200_000:
            self._cache[text] = result
        return result

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` at ``size`` (same unit as size)."""
        return sum(self.advances(text)) * size


@lru_cache(maxsize=64)
def load_font(key: str, path: str) -> Font:
    """Fonts are immutable once loaded: share them across a build."""
    return Font(key, Path(path))


class FontStack:
    """A font and its fallbacks: each character is set in the first font that has it.

    Measuring goes run by run (kerning applies inside a run); ``runs`` tells
    layout where to split a line into one text item per font.
    """

    def __init__(self, fonts: list[Font]):
        self.fonts = fonts
        self.primary = fonts[0]
        self.key = self.primary.key
        self.metrics = self.primary.metrics
        self._cache: dict[str, tuple[float, ...]] = {}

    def font_for(self, ch: str) -> Font:
        for f in self.fonts:
            if f.has(ch):
                return f
        return self.primary

    def runs(self, text: str) -> list[tuple[Font, int, int]]:
        """(font, start, end) for each stretch of ``text`` set in one font."""
        out: list[tuple[Font, int, int]] = []
        for i, ch in enumerate(text):
            f = self.primary if ch == " " or self.primary.has(ch) else self.font_for(ch)
            if out and out[-1][0] is f:
                out[-1] = (f, out[-1][1], i + 1)
            else:
                out.append((f, i, i + 1))
        return out

    def advances(self, text: str) -> tuple[float, ...]:
        hit = self._cache.get(text)
        if hit is None:
            if len(self.fonts) == 1:
                hit = self.primary.advances(text)
            else:
                hit = tuple(a for f, s, e in self.runs(text) for a in f.advances(text[s:e]))
            self._cache[text] = hit
        return hit

    def width(self, text: str, size: float) -> float:
        return sum(self.advances(text)) * size

    def missing(self, text: str) -> list[str]:
        return [ch for ch in self.primary.missing(text) if not any(f.has(ch) for f in self.fonts)]


@lru_cache(maxsize=64)
def font_stack(key: str, path: str, fallbacks: tuple[tuple[str, str], ...] = ()) -> FontStack:
    """``fallbacks``: (key, path) pairs, tried in order for characters ``path`` lacks."""
    return FontStack([load_font(key, path), *(load_font(k, p) for k, p in fallbacks)])
