"""Previews of finished panel PDFs: the print itself, rasterised, as JPEG.

Each page is rendered with PDFium (pypdfium2) and cropped to its BleedBox,
so the preview shows exactly what the printer gets, bleed included and crop
marks left off. The boxes are read from the PDF (``/BleedBox``, ``/TrimBox``;
PDFium falls back to the CropBox when one is missing), never assumed.

Per page three files may be written into ``out_dir``:

``<stem>.jpg``           the screen image, long side ``screen_px``
``<stem>-thumb.jpg``     the thumbnail, long side ``thumb_px`` (downsampled from the screen image)
``<stem>-guides.png``    only with ``guides=True``: the screen image with the trim (solid),
                         the bleed edge and the safe zone (dashed) drawn on it

A multi-page PDF gets ``<stem>-pNN`` stems. The clean screen image is the
same with or without guides. JPEG (quality 90, colour not subsampled, so coloured text
keeps its edges): the panels are mostly photographs, and a PNG of one took ten times as
long to write (50 ms: Pillow tries every row filter) for three times the bytes. They
carry no metadata and no timestamps, so the same PDF gives the same bytes. (The stand's
mock-up, drawn over a plain background, and the guides, whose lines keep their exact
colours, stay PNGs.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

__all__ = ["PREVIEW_SUFFIX", "PreviewFiles", "render_previews", "save_jpeg", "save_png",
           "GUIDE_COLOURS"]

PT_PER_MM = 72 / 25.4
Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points

# RGB of the guide lines: trim, bleed edge, safe zone
GUIDE_COLOURS = {"trim": (230, 0, 126), "bleed": (0, 150, 214), "safe": (0, 150, 70)}


@dataclass(frozen=True)
class PreviewFiles:
    """The images of one page and the geometry they were made with."""

    pdf: Path
    page: int  # 1-based
    screen: Path
    thumb: Path
    guides: Path | None
    size: tuple[int, int]  # screen image, px
    thumb_size: tuple[int, int]
    bleed_box: Box  # as read from the PDF, points
    trim_box: Box
    rotation: int  # the page's /Rotate

    @property
    def bleed_ratio(self) -> float:
        """Width / height of the bleed box as displayed (after /Rotate)."""
        w, h = self.bleed_box[2] - self.bleed_box[0], self.bleed_box[3] - self.bleed_box[1]
        return h / w if self.rotation % 180 else w / h


PREVIEW_SUFFIX = ".jpg"  # the screen images and thumbnails
PREVIEW_QUALITY = 90


def save_jpeg(img: Image.Image, path: Path) -> Path:
    """Write ``img`` as a baseline JPEG with fixed settings and no metadata (same pixels →
    same bytes): quality 90, no chroma subsampling."""
    return _save(img, path, format="JPEG", quality=PREVIEW_QUALITY, subsampling=0,
                 optimize=False, progressive=False)


def save_png(img: Image.Image, path: Path) -> Path:
    """Write ``img`` as a PNG with fixed settings and no metadata (same pixels → same bytes)."""
    # level 2: a third of level 6's time for 6 % more bytes (photo-filled images)
    return _save(img, path, format="PNG", optimize=False, compress_level=2)


def _save(img: Image.Image, path: Path, **settings) -> Path:
    """``img`` in RGB (or gray) with no metadata, written to ``path`` with ``settings``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    img.info.clear()
    img.save(path, **settings)
    return path


def _intersect(a: Box, b: Box) -> Box:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    if box[2] <= box[0] or box[3] <= box[1]:
        return b
    return box


def _fit(w: float, h: float, long_px: int) -> tuple[int, int]:
    """Pixel size with long side ``long_px`` and the aspect of ``w`` × ``h``."""
    if w >= h:
        return long_px, max(1, round(long_px * h / w))
    return max(1, round(long_px * w / h)), long_px


def _rotate_crop(crop: Box, rotation: int) -> Box:
    """(left, bottom, right, top) margins of the unrotated page → as displayed."""
    l, b, r, t = crop
    return {0: (l, b, r, t), 90: (b, r, t, l), 180: (r, t, l, b), 270: (t, l, b, r)}[rotation % 360]


class _Mapper:
    """PDF points → pixels of the displayed (rotated) bleed-box image."""

    def __init__(self, bleed: Box, rotation: int, size: tuple[int, int]):
        self.bleed, self.rotation = bleed, rotation % 360
        bw, bh = bleed[2] - bleed[0], bleed[3] - bleed[1]
        if self.rotation % 180:
            self.sx, self.sy = size[1] / bw, size[0] / bh
        else:
            self.sx, self.sy = size[0] / bw, size[1] / bh
        self.w0, self.h0 = bw * self.sx, bh * self.sy  # unrotated pixel size

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = (x - self.bleed[0]) * self.sx, (self.bleed[3] - y) * self.sy
        if self.rotation == 90:
            return self.h0 - v, u
        if self.rotation == 180:
            return self.w0 - u, self.h0 - v
        if self.rotation == 270:
            return v, self.w0 - u
        return u, v

    def rect(self, box: Box) -> tuple[float, float, float, float]:
        (x0, y0), (x1, y1) = self.point(box[0], box[1]), self.point(box[2], box[3])
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _dashed_rect(draw: ImageDraw.ImageDraw, rect, colour, width: int, dash: int) -> None:
    x0, y0, x1, y1 = (round(v) for v in rect)
    def dashes(a: int, b: int):
        pos = a
        while pos < b:
            yield pos, min(pos + dash, b)
            pos += 2 * dash

    for a, b in dashes(x0, x1):
        draw.rectangle((a, y0, b, y0 + width - 1), fill=colour)
        draw.rectangle((a, y1 - width + 1, b, y1), fill=colour)
    for a, b in dashes(y0, y1):
        draw.rectangle((x0, a, x0 + width - 1, b), fill=colour)
        draw.rectangle((x1 - width + 1, a, x1, b), fill=colour)


def draw_guides(img: Image.Image, mapper: _Mapper, trim: Box, safe_mm: float | None) -> Image.Image:
    """A copy of ``img`` with the trim (solid), bleed edge and safe zone (dashed)."""
    out = img.convert("RGB")
    draw = ImageDraw.Draw(out)
    width = max(1, round(max(out.size) / 800))  # 2 px on a 1600 px preview
    dash = 6 * width
    w, h = out.size
    _dashed_rect(draw, (0, 0, w - 1, h - 1), GUIDE_COLOURS["bleed"], width, dash)
    tx0, ty0, tx1, ty1 = (round(v) for v in mapper.rect(trim))
    draw.rectangle((tx0, ty0, tx1 - 1, ty1 - 1), outline=GUIDE_COLOURS["trim"], width=width)
    if safe_mm is not None and safe_mm > 0:
        inset = safe_mm * PT_PER_MM
        safe = (trim[0] + inset, trim[1] + inset, trim[2] - inset, trim[3] - inset)
        if safe[2] > safe[0] and safe[3] > safe[1]:
            _dashed_rect(draw, mapper.rect(safe), GUIDE_COLOURS["safe"], width, dash)
    return out


def preview_needs(pdf_path: Path, lighter, screen_px: int = 1600) -> None:
    """Tell ``lighter`` (a ``pdfread.Lighter`` of ``pdf_path``) the resolution the
    previews of each page need."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                lighter.need(index + 1, _geometry(page, screen_px)[-1])
            finally:
                page.close()
    finally:
        pdf.close()


def render_previews(pdf_path: Path, out_dir: Path, *, screen_px: int = 1600, thumb_px: int = 360,
                    guides: bool = False, safe_mm: float | None = None,
                    lighter=None, trims: dict | None = None) -> list[PreviewFiles]:
    """Rasterise every page of ``pdf_path`` into ``out_dir``; see the module docstring.

    ``safe_mm`` is the safe margin inside the trim (the format's ``safe``); without
    it the guides show trim and bleed only. The pages are rendered from a lighter copy
    (photos decoded at the scale the preview needs, ``pdfread/lighten.py``): the same
    picture in a fraction of the time; ``lighter`` shares it with the preflight, and must
    have been told what the previews need already (:func:`preview_needs`, before the copy
    was made for anyone).

    ``trims`` (a dict) receives, by 1-based page, the render's TrimBox region in gray (an
    H × W uint8 array, as displayed) and its pixels per PDF unit: the preflight decodes
    the QR codes from it first (``check_pdf(renders=…)``), so one render serves both.
    """
    import pypdfium2 as pdfium

    from ..pdfread import Lighter

    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[PreviewFiles] = []
    if lighter is None:
        lighter = Lighter(pdf_path)
        preview_needs(pdf_path, lighter, screen_px)
    data = lighter.data()
    pdf = pdfium.PdfDocument(data if data is not None else str(pdf_path))
    try:
        n = len(pdf)
        for index in range(n):
            page = pdf[index]
            try:
                results.append(_render_page(page, index, n, pdf_path, out_dir, screen_px,
                                            thumb_px, guides, safe_mm, trims))
            finally:
                page.close()
    finally:
        pdf.close()
    return results


def _geometry(page, screen_px: int):
    """(rotation, crop box, bleed box, trim box, image size, pixels per PDF unit)."""
    rotation = page.get_rotation() % 360
    crop_box = tuple(page.get_cropbox())
    bleed = _intersect(tuple(page.get_bleedbox()), crop_box)
    trim = _intersect(tuple(page.get_trimbox()), bleed)
    bw, bh = bleed[2] - bleed[0], bleed[3] - bleed[1]
    shown_w, shown_h = (bh, bw) if rotation % 180 else (bw, bh)
    size = _fit(shown_w, shown_h, screen_px)
    return rotation, crop_box, bleed, trim, size, max(size) / max(shown_w, shown_h)


def _render_page(page, index: int, n_pages: int, pdf_path: Path, out_dir: Path, screen_px: int,
                 thumb_px: int, guides: bool, safe_mm: float | None,
                 trims: dict | None = None) -> PreviewFiles:
    rotation, crop_box, bleed, trim, size, scale = _geometry(page, screen_px)
    margins = (bleed[0] - crop_box[0], bleed[1] - crop_box[1],
               crop_box[2] - bleed[2], crop_box[3] - bleed[3])
    # the whole page, then the bleed box cut out at whole pixels: PDFium's own crop rounds
    # each margin up and leaves the bitmap a pixel or two short, which only a resampling
    # of the whole picture could make good
    bitmap = page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255),
                         may_draw_forms=False, draw_annots=False)
    full = bitmap.to_pil()
    left, _, _, top = _rotate_crop(margins, rotation)
    x0 = min(max(0, round(left * scale)), max(0, full.width - size[0]))
    y0 = min(max(0, round(top * scale)), max(0, full.height - size[1]))
    img = full.crop((x0, y0, x0 + size[0], y0 + size[1])).convert("RGB")
    if full.width < size[0] or full.height < size[1]:  # not expected: PDFium rounds up
        img = full.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    stem = pdf_path.stem if n_pages == 1 else f"{pdf_path.stem}-p{index + 1:02d}"
    screen = save_jpeg(img, out_dir / f"{stem}{PREVIEW_SUFFIX}")
    thumb_size = _fit(size[0], size[1], thumb_px)
    thumb = save_jpeg(img.resize(thumb_size, Image.Resampling.LANCZOS, reducing_gap=3.0),
                      out_dir / f"{stem}-thumb{PREVIEW_SUFFIX}")
    mapper = _Mapper(bleed, rotation, size)
    if trims is not None:  # whole pixels inside the trim: nothing of the bleed
        import numpy as np

        x0, y0, x1, y1 = mapper.rect(trim)
        box = (math.ceil(x0 - 1e-6), math.ceil(y0 - 1e-6), math.floor(x1 + 1e-6),
               math.floor(y1 + 1e-6))
        trims[index + 1] = (np.asarray(img.crop(box).convert("L")), scale)
    guides_path = None
    if guides:
        guides_path = save_png(draw_guides(img, mapper, trim, safe_mm),
                               out_dir / f"{stem}-guides.png")
    return PreviewFiles(pdf_path, index + 1, screen, thumb, guides_path, size, thumb_size,
                        bleed, trim, rotation)
