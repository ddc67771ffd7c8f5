"""The PDF backend: draws ``Page`` boxes with ReportLab, nothing more.

Text is written with explicit per-glyph positions (a TJ array built from the
advances layout computed with HarfBuzz), so kerning and justification print
exactly as laid out and the text extracts back as the characters it is.
Colours are DeviceCMYK (``enforceColorSpace``); 100 % K text overprints.
Boxes: MediaBox = trim + marks margin, BleedBox = trim + bleed,
TrimBox = trim. ``make_pdfx4`` (``pdfx.py``) finishes the file as PDF/X-4.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from pathlib import Path as Path_

from functools import lru_cache

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont as TTFontTools
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..errors import RenderError
from ..layout.frame import QR, Circle, Image, Page, Path, Rect, Text
from ..text.fonts import load_font
from ..layout.marks import colour_bar, crop_mark_lines, mark_geometry, registration_targets

rl_config.useA85 = 0  # binary streams: about 20 % smaller
REGISTRATION = (1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class PlacedImage:
    """What the image provider returns for one placement."""

    data: bytes  # a JPEG
    invert_cmyk: bool = False
    # passthrough: the whole original is drawn, scaled so that ``crop`` (source pixels,
    # origin top left) fills the frame, and clipped to it
    crop: tuple[float, float, float, float] | None = None
    pixel_size: tuple[int, int] | None = None


ImageProvider = Callable[[Image], PlacedImage]


_REGISTERED: dict[str, str] = {}  # ReportLab font name → its file, in this process


def _font_name(key: str, path: str) -> str:
    """The ReportLab name of a font file, registered on first use.

    Asked for a name it does not know, ``pdfmetrics.getFont`` searches the disk for Type 1
    metrics (a quarter of a second per font), so registration is tracked here instead.
    """
    stem = Path_(path).stem.replace(" ", "")
    name = f"SP-{key}-{stem}"
    if _REGISTERED.get(name) != str(path):
        pdfmetrics.registerFont(TTFont(name, path))
        _REGISTERED[name] = str(path)
    return name


class _JpegReader(ImageReader):
    """A JPEG for ``drawImage`` that is never decoded.

    ReportLab embeds JPEG bytes as they are (``jpeg_fh``), but ``drawImage`` names each
    image by hashing ``getRGBData()``, which decodes the whole picture (a tenth of a second
    for a poster photo). Here that name comes from the compressed bytes: the same bytes,
    the same XObject, as before.
    """

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data))
        self._key = b"jpeg:" + hashlib.sha256(data).hexdigest().encode()
        self._dataA = None  # no soft mask: JPEGs have no alpha

    def getRGBData(self):  # noqa: N802 - ReportLab's name
        return self._key


def _reader(data: bytes) -> ImageReader:
    if data[:2] == b"\xff\xd8":
        reader = _JpegReader(data)
        if reader.jpeg_fh():
            return reader
    return ImageReader(io.BytesIO(data))


def render_pdf(pages: list[Page], images: ImageProvider, title: str = "",
               outline_text: bool = False) -> bytes:
    """Draw ``pages`` into one PDF (ReportLab output, before PDF/X finishing).

    ``outline_text`` draws every glyph as a filled vector path (for print shops
    that ask for it); the text then no longer extracts.
    """
    if not pages:
        raise RenderError("nothing to render")
    buf = io.BytesIO()
    first = pages[0]
    names = {k: (_font_name(k, p), p) for k, p in first.fonts.items()}
    initial = (names.get("regular") or next(iter(names.values())))[0]
    canvas = Canvas(buf, pagesize=(100, 100), invariant=1, enforceColorSpace="cmyk",
                    initialFontName=initial,
                    initialFontSize=10, pdfVersion=(1, 6), pageCompression=1)
    canvas.setTitle(title or first.title)
    canvas.setCreator("standpress")
    canvas.setProducer("standpress")
    for page in pages:
        for k, p in page.fonts.items():
            names.setdefault(k, (_font_name(k, p), p))
        _draw_page(canvas, page, names, images, outline_text)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


class _Mapper:
    """Trim mm (y down) → PDF points (y up) on a page with a marks margin."""

    def __init__(self, page: Page, margin: float):
        self.m = margin
        self.h = page.height

    def x(self, v: float) -> float:
        return (self.m + v) * mm

    def y(self, v: float) -> float:
        return (self.m + self.h - v) * mm


def _draw_page(c: Canvas, page: Page, names: dict[str, tuple[str, str]], images: ImageProvider,
               outline_text: bool = False) -> None:
    g = mark_geometry(page.bleed, min(page.width, page.height))
    W, H = page.width + 2 * g.margin, page.height + 2 * g.margin
    k = 1.0 / page.unit  # oversize pages are drawn at 1:10 (and marked /UserUnit 10 or not)
    c.setPageSize((W * mm * k, H * mm * k))
    t = (g.margin * mm, g.margin * mm, (g.margin + page.width) * mm, (g.margin + page.height) * mm)
    b = page.bleed * mm
    c.setTrimBox(tuple(v * k for v in t))
    c.setBleedBox(tuple(v * k for v in (t[0] - b, t[1] - b, t[2] + b, t[3] + b)))
    M = _Mapper(page, g.margin)
    c.saveState()
    c.scale(k, k)
    # artwork is clipped to the bleed box: nothing of it can reach the marks
    c.saveState()
    p = c.beginPath()
    p.rect(t[0] - b, t[1] - b, t[2] - t[0] + 2 * b, t[3] - t[1] + 2 * b)
    c.clipPath(p, stroke=0, fill=0)
    for item in page.items:
        if isinstance(item, Rect):
            _rect(c, M, item)
        elif isinstance(item, Text):
            if outline_text:
                _outlined_text(c, M, item, names[item.font][1])
            else:
                _text(c, M, item, names)
        elif isinstance(item, QR):
            _qr(c, M, item)
        elif isinstance(item, Image):
            _image(c, M, item, images)
        elif isinstance(item, Circle):
            _circle(c, M, item)
        elif isinstance(item, Path):
            _path(c, M, item)
        else:  # pragma: no cover - the vocabulary is closed
            raise RenderError(f"the PDF backend cannot draw {type(item).__name__}")
    c.restoreState()
    _marks(c, page, g, M, names, outline_text)
    c.restoreState()


def _cmyk(v) -> tuple[float, float, float, float]:
    return tuple(x / 100.0 for x in v)  # type: ignore[return-value]


def _paint(c: Canvas, item: Rect | Circle) -> tuple[int, int]:
    """Set the item's fill and stroke; returns (stroke, fill) flags for ReportLab."""
    if item.fill is not None:
        c.setFillColorCMYK(*_cmyk(item.fill))
    if item.stroke is not None:
        c.setStrokeColorCMYK(*_cmyk(item.stroke))
        c.setLineWidth(item.stroke_width * mm)
    return int(item.stroke is not None), int(item.fill is not None)


def _rect(c: Canvas, M: _Mapper, r: Rect) -> None:
    stroke, fill = _paint(c, r)
    args = (M.x(r.x), M.y(r.y + r.h), r.w * mm, r.h * mm)
    if r.radius:
        c.roundRect(*args, r.radius * mm, stroke=stroke, fill=fill)
    else:
        c.rect(*args, stroke=stroke, fill=fill)


def _circle(c: Canvas, M: _Mapper, e: Circle) -> None:
    stroke, fill = _paint(c, e)
    c.circle(M.x(e.cx), M.y(e.cy), e.r * mm, stroke=stroke, fill=fill)


def _path(c: Canvas, M: _Mapper, e: Path) -> None:
    """The path as layout made it: lines and Béziers with their control points."""
    if len(e.points) < 2 and not e.segments:
        return
    p = c.beginPath()
    p.moveTo(M.x(e.points[0][0]), M.y(e.points[0][1]))
    if e.segments:
        for seg in e.segments:
            xy = [v for x, y in seg for v in (M.x(x), M.y(y))]
            if len(seg) == 3:
                p.curveTo(*xy)
            else:
                p.lineTo(*xy)
    else:
        for x, y in e.points[1:]:
            p.lineTo(M.x(x), M.y(y))
    if e.closed:
        p.close()
    for ring in e.holes:
        p.moveTo(M.x(ring[0][0]), M.y(ring[0][1]))
        for x, y in ring[1:]:
            p.lineTo(M.x(x), M.y(y))
        p.close()
    c.saveState()
    if e.stroke is not None:
        c.setStrokeColorCMYK(*_cmyk(e.stroke))
        c.setLineWidth(e.stroke_width * mm)
        c.setLineCap(1)
        c.setLineJoin(1)
        if e.dash:
            c.setDash([d * mm for d in e.dash])
    if e.fill is not None:
        c.setFillColorCMYK(*_cmyk(e.fill))
    c.drawPath(p, stroke=int(e.stroke is not None), fill=int(e.fill is not None))
    c.restoreState()


def _text(c: Canvas, M: _Mapper, t: Text, names: dict[str, tuple[str, str]]) -> None:
    """One line as TJ: each glyph moved from its default advance to ours."""
    name, path = names[t.font]
    font = pdfmetrics.getFont(name)
    hb_font = load_font(t.font, path)
    size_pt = t.size * mm
    doc = c._doc
    ops: list[str] = []
    c.saveState()
    c.setFillColorCMYK(*_cmyk(t.color))
    if t.overprint:
        c.setFillOverprint(True)
        c.setOverprintMask(True)
    c.setFont(name, size_pt)  # registers the font on the page
    ops.append("BT")
    ops.append(f"1 0 0 1 {M.x(t.x):.3f} {M.y(t.y):.3f} Tm")
    current = None
    arr: list[str] = []
    for ch, adv in zip(t.text, t.advances):
        [(subset, code)] = font.splitString(ch, doc)
        if subset != current:
            if arr:
                ops.append(f"[{' '.join(arr)}] TJ")
                arr = []
            ops.append(f"{font.getSubsetInternalName(subset, doc)} {size_pt:.3f} Tf")
            current = subset
        arr.append("(" + c._escape(code) + ")")
        # TJ numbers are thousandths of the em, subtracted from the advance
        delta = (hb_font.default_advance(ch) - adv / t.size) * 1000
        if abs(delta) > 0.05:
            arr.append(f"{delta:.2f}")
    if arr:
        ops.append(f"[{' '.join(arr)}] TJ")
    ops.append("ET")
    c._code.append("\n".join(ops))
    c.restoreState()


class _CanvasPen(BasePen):
    """A fontTools pen drawing a glyph into a ReportLab path at (ox, oy), ``k`` pt per unit."""

    def __init__(self, glyphset, path, ox: float, oy: float, k: float):
        super().__init__(glyphset)
        self.p, self.ox, self.oy, self.k = path, ox, oy, k

    def _pt(self, pt):
        return self.ox + pt[0] * self.k, self.oy + pt[1] * self.k

    def _moveTo(self, pt):
        self.p.moveTo(*self._pt(pt))

    def _lineTo(self, pt):
        self.p.lineTo(*self._pt(pt))

    def _curveToOne(self, p1, p2, p3):
        self.p.curveTo(*self._pt(p1), *self._pt(p2), *self._pt(p3))

    def _closePath(self):
        self.p.close()


@lru_cache(maxsize=16)
def _glyphs(path: str):
    tt = TTFontTools(path, lazy=True)
    return tt.getGlyphSet(), tt.getBestCmap(), tt["head"].unitsPerEm


def _outlined_text(c: Canvas, M: _Mapper, t: Text, font_path: str) -> None:
    """The line as filled outlines, each glyph at the advance layout gave it."""
    glyphset, cmap, upem = _glyphs(font_path)
    k = t.size * mm / upem
    p = c.beginPath()
    x = t.x
    for ch, adv in zip(t.text, t.advances):
        name = cmap.get(ord(ch))
        if name is not None and not ch.isspace():
            glyphset[name].draw(_CanvasPen(glyphset, p, M.x(x), M.y(t.y), k))
        x += adv
    c.saveState()
    c.setFillColorCMYK(*_cmyk(t.color))
    if t.overprint:
        c.setFillOverprint(True)
        c.setOverprintMask(True)
    c.drawPath(p, stroke=0, fill=1, fillMode=1)  # nonzero winding: TrueType contours
    c.restoreState()


def _qr(c: Canvas, M: _Mapper, q: QR) -> None:
    """The whole symbol as one path: one rectangle per horizontal run of dark modules."""
    n = len(q.modules)
    m = q.size / n
    if q.background is not None:
        c.setFillColorCMYK(*_cmyk(q.background))
        c.rect(M.x(q.x), M.y(q.y + q.size), q.size * mm, q.size * mm, stroke=0, fill=1)
    c.saveState()
    c.setFillColorCMYK(*_cmyk(q.color))
    c.setFillOverprint(True)
    c.setOverprintMask(True)
    p = c.beginPath()
    for r, row in enumerate(q.modules):
        col = 0
        while col < n:
            if row[col] == "1":
                start = col
                while col < n and row[col] == "1":
                    col += 1
                p.rect(M.x(q.x + start * m), M.y(q.y + (r + 1) * m), (col - start) * m * mm, m * mm)
            else:
                col += 1
    c.drawPath(p, stroke=0, fill=1)
    c.restoreState()


def _image(c: Canvas, M: _Mapper, im: Image, images: ImageProvider) -> None:
    placed = images(im)
    reader = _reader(placed.data)
    if placed.crop is None or placed.pixel_size is None:
        c.drawImage(reader, M.x(im.x), M.y(im.y + im.h), im.w * mm, im.h * mm)
        return
    x0, y0, x1, y1 = placed.crop
    pw, ph = placed.pixel_size
    s = im.w / (x1 - x0)  # mm per source pixel
    c.saveState()
    p = c.beginPath()
    p.rect(M.x(im.x), M.y(im.y + im.h), im.w * mm, im.h * mm)
    c.clipPath(p, stroke=0, fill=0)
    c.drawImage(reader, M.x(im.x - x0 * s), M.y(im.y - y0 * s + ph * s), pw * s * mm, ph * s * mm)
    c.restoreState()


def _marks(c: Canvas, page: Page, g, M: _Mapper, names: dict[str, tuple[str, str]],
           outline_text: bool = False) -> None:
    c.saveState()
    c.setStrokeColorCMYK(*REGISTRATION)
    c.setLineWidth(0.25)
    for x0, y0, x1, y1 in crop_mark_lines(page.width, page.height, g):
        c.line(M.x(x0), M.y(y0), M.x(x1), M.y(y1))
    if "registration" in page.marks:
        for cx, cy, r in registration_targets(page.width, page.height, g):
            c.circle(M.x(cx), M.y(cy), r * mm, stroke=1, fill=0)
            c.circle(M.x(cx), M.y(cy), r * 0.5 * mm, stroke=1, fill=0)
            c.line(M.x(cx - r * 1.3), M.y(cy), M.x(cx + r * 1.3), M.y(cy))
            c.line(M.x(cx), M.y(cy - r * 1.3), M.x(cx), M.y(cy + r * 1.3))
    if "colour_bar" in page.marks:
        for x, y, size, cmyk in colour_bar(page.width, g):
            c.setFillColorCMYK(*_cmyk(cmyk))
            c.rect(M.x(x), M.y(y + size), size * mm, size * mm, stroke=0, fill=1)
    for slug in page.slug_text:  # set and placed by layout (below the bottom crop marks)
        if outline_text:
            _outlined_text(c, M, slug, names[slug.font][1])
        else:
            _text(c, M, slug, names)
    c.restoreState()
