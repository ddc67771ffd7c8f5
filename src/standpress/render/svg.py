"""The SVG backend: the same ``Page`` boxes as the PDF, for designers' tools.

Contract of :func:`render_svg`:

* The page in millimetres, 1 user unit = 1 mm, item coordinates (trim top-left,
  y down) written as they are: by default the document is the PDF's MediaBox —
  trim + the marks margin on each side (``width``/``height`` in mm,
  ``viewBox = -m -m W+2m H+2m``); ``marks=False``: trim + bleed;
  ``show_bleed=False``: the trim alone.
* Layers (Inkscape ``groupmode="layer"``, groups elsewhere), bottom to top:
  ``bleed`` «Виліт / Bleed» — the items that reach past the trim into the bleed
  (backgrounds, full-bleed photos: moved below the rest only where nothing
  before them overlaps, so the picture is the same), clipped to the bleed box;
  ``trim`` «Обріз / Trim» — everything else; ``marks`` «Мітки / Marks» (locked) —
  crop marks, registration targets, colour bar, slug line, as in the PDF;
  ``guides`` (hidden) — the trim and bleed lines.
* Colours: CMYK → sRGB with LittleCMS (``ImageCms``) from the output profile
  (``profiles/FOGRA39L_300.icc`` by default), relative colorimetric + black
  point compensation like the photos, so the SVG looks like the print. The
  CMYK stays on the element: ``data-cmyk="c m y k"`` (the fill, else the
  stroke) and ``data-cmyk-stroke`` (stroke of a filled element).
* Text: one ``<text>`` per line (a line's font runs are ``<tspan>`` children),
  at the line's start ``x`` and baseline ``y``, under the font's real family,
  weight and style (``font-family="Noto Sans" font-weight="700"``, see
  ``svgfonts``), ``xml:space="preserve"``, so it is text a designer can edit.
  The renderer sets the glyphs itself, kerning like HarfBuzz did for layout; where
  the line layout set departs from that (justified word spaces), the next word is
  a ``<tspan x=…>`` at its place: per word, never per glyph. The fonts are also
  embedded as ``@font-face`` subsets under the same names (browsers use them;
  design tools use the installed font). ``outline_text=True``: one ``<path>`` per
  glyph instead, grouped per line with ``aria-label`` = the text.
* QR: one ``<path>``, one rectangle per horizontal run of dark modules.
* Images (``photos="embed"``, the default): ``images(item)`` → sRGB JPEG/PNG
  bytes, embedded as a ``data:`` URI (``xMidYMid slice``); ``photos="link"``:
  ``photo_href(item)`` → a relative URL written as the ``href`` (default
  :func:`linked_photo_name`; the caller writes that file beside the SVG, from the
  same sRGB screen copy it would embed). No bytes or no href → a labelled placeholder.
* Deterministic: same page, same string (fixed ids, ≤ 4 decimals, fonts
  keep their timestamps). Never decides layout: it asks the fonts only how the
  renderer will set a line, to know where a word must be pinned.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path as Path_

import svgwrite
from PIL import Image as PILImage
from PIL import ImageCms

from ..errors import RenderError
from ..layout.frame import CMYK, QR, Circle, Image, Page, Path, Rect, Text
from ..layout.marks import colour_bar, crop_mark_lines, mark_geometry, registration_targets
from ..text.fonts import load_font
from ..text.outlines import fmt, glyph_outlines
from .svgfonts import font_face, font_face_rules, font_subset

__all__ = ["render_svg", "cmyk_to_srgb", "font_subset", "linked_photo_name", "path_data",
           "qr_path_data", "qr_runs", "text_lines", "split_bleed", "pins", "item_box"]

DEFAULT_PROFILE = Path_(__file__).resolve().parents[3] / "profiles" / "FOGRA39L_300.icc"
ImageBytes = Callable[[Image], "bytes | None"]
PhotoHref = Callable[[Image], "str | None"]
PHOTOS = ("embed", "link")
INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
SODIPODI_NS = "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
LAYERS = {"bleed": "Виліт / Bleed", "trim": "Обріз / Trim", "marks": "Мітки / Marks",
          "guides": "Напрямні / Guides (trim, bleed)"}
GUIDE_COLOUR = "#00aeef"
REGISTRATION = (100.0, 100.0, 100.0, 100.0)
MARK_WIDTH = 0.25 * 25.4 / 72  # 0.25 pt, as the PDF's crop marks
PLACEHOLDER = {"fill": "#e4e4e4", "stroke": "#8a8a8a", "text": "#505050"}
PIN_TOLERANCE = 0.01  # mm: a word whose set place differs more from the renderer's gets its own x
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
Box = tuple[float, float, float, float]


def render_svg(page: Page, images: ImageBytes | None = None, *, outline_text: bool = False,
               show_bleed: bool = True, marks: bool = True, photos: str = "embed",
               photo_href: PhotoHref | None = None, profile: str | Path_ | None = None) -> str:
    """Draw one ``Page`` as an SVG document (a ``str``, UTF-8 XML).

    ``images`` provides sRGB JPEG/PNG bytes per ``Image`` item (``photos="embed"``);
    ``photo_href`` a relative URL per ``Image`` item (``photos="link"``); ``profile``
    is the CMYK output profile the colours are converted from.
    Raises :class:`RenderError` for a font key missing from ``page.fonts``, a missing
    profile, an unknown ``photos`` mode, or image bytes that are neither JPEG nor PNG.
    """
    if photos not in PHOTOS:
        raise RenderError(f"photos={photos!r}: the SVG photos are 'embed' or 'link'")
    b = page.bleed if show_bleed else 0.0
    m = b
    if show_bleed and marks:  # the PDF's MediaBox: room for the crop marks and the slug
        m = mark_geometry(page.bleed, min(page.width, page.height)).margin
    W, H = page.width + 2 * m, page.height + 2 * m
    dwg = svgwrite.Drawing(size=(f"{fmt(W)}mm", f"{fmt(H)}mm"), debug=False)
    dwg.attribs.update({"viewBox": " ".join(fmt(v) for v in (-m, -m, W, H)),
                        "xmlns:inkscape": INKSCAPE_NS, "xmlns:sodipodi": SODIPODI_NS})
    if page.title:
        dwg.set_desc(title=_xml(page.title))
    s = _Svg(dwg, page, images, outline_text, _colour_converter(profile),
             photo_href or linked_photo_name, photos == "link")
    units = text_lines(page.items)
    if not outline_text:
        drawn = [*units, *((t,) for t in page.slug_text)] if show_bleed and marks else units
        css = font_face_rules(_used_chars(page, drawn))
        if css:
            dwg.defs.add(dwg.style("\n".join(css)))
    clip = dwg.clipPath(id="sp-clip")
    clip.add(_rect(dwg, -b, -b, page.width + 2 * b, page.height + 2 * b))
    dwg.defs.add(clip)
    clip_box = (-b, -b, page.width + b, page.height + b)
    below, above = split_bleed(units, page.width, page.height) if show_bleed else ([], units)
    for name, group in (("bleed", below), ("trim", above)):
        if name == "bleed" and not show_bleed:
            continue
        layer = _layer(dwg, name)
        if name == "bleed" or any(not _inside(_unit_box(u), clip_box) for u in group):
            layer.attribs["clip-path"] = "url(#sp-clip)"
        for unit in group:
            layer.add(s.draw(unit))
        dwg.add(layer)
    if show_bleed and marks:
        dwg.add(s.marks(_layer(dwg, "marks", locked=True)))
    guides = _layer(dwg, "guides", locked=True)
    guides.attribs.update({"display": "none", "fill": "none", "stroke": GUIDE_COLOUR,
                           "stroke-width": "0.1"})
    guides.add(_rect(dwg, 0, 0, page.width, page.height))
    if b:
        guides.add(_rect(dwg, -b, -b, page.width + 2 * b, page.height + 2 * b,
                         stroke_dasharray="1 1"))
    dwg.add(guides)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + dwg.tostring() + "\n"


def linked_photo_name(im: Image) -> str:
    """Where a linked photo's screen copy lives, relative to the SVG (the default
    ``photo_href``): ``photos/<case id>-<8 hex digits>.jpg``, the digits from the
    placement (source, box, focus), so each crop of a photo has its own file."""
    key = f"{im.source}|{im.w:.4f}|{im.h:.4f}|{im.focus[0]:.4f}|{im.focus[1]:.4f}"
    label = re.sub(r"[^A-Za-z0-9_-]", "_", im.label or Path_(im.source).stem)
    return f"photos/{label[:40] or 'photo'}-{hashlib.sha256(key.encode()).hexdigest()[:8]}.jpg"


def _layer(dwg, name: str, locked: bool = False):
    g = dwg.g(id=name)
    g.attribs.update({"inkscape:groupmode": "layer", "inkscape:label": LAYERS[name]})
    if locked:
        g.attribs["sodipodi:insensitive"] = "true"
    return g


def _used_chars(page: Page, units) -> dict[str, str]:
    """{font file: the characters set in it} over the text of ``units``."""
    used: dict[str, set[str]] = {}
    for unit in units:
        for t in unit:
            if isinstance(t, Text):
                used.setdefault(_font_path(page, t.font), set()).update(t.text)
    return {path: "".join(sorted(chars)) for path, chars in used.items()}


def _font_path(page: Page, key: str) -> str:
    try:
        return str(page.fonts[key])
    except KeyError:
        raise RenderError(f"text uses font {key!r}, which the page's font table does not name") from None


# ------------------------------------------------------------ lines and layers

Unit = tuple  # one drawn element: (item,) or the font runs of one line of text (Text, …)


def text_lines(items) -> list[Unit]:
    """The page's items in paint order, a line's consecutive font runs joined into one unit.

    Runs join when they share baseline, size, colour and overprint and each starts
    where the previous one ends (as layout splits a line at fallback fonts).
    """
    out: list[Unit] = []
    for item in items:
        prev = out[-1][-1] if out else None
        if (isinstance(item, Text) and isinstance(prev, Text) and abs(item.y - prev.y) < 1e-6
                and item.size == prev.size and item.color == prev.color
                and item.overprint == prev.overprint and abs(prev.x + prev.width - item.x) < 1e-6):
            out[-1] = (*out[-1], item)
        else:
            out.append((item,))
    return out


def item_box(item) -> Box:
    """(x0, y0, x1, y1) covering what ``item`` paints (generous for text)."""
    if isinstance(item, Text):
        return (item.x, item.y - 1.2 * item.size, item.x + item.width, item.y + 0.4 * item.size)
    if isinstance(item, (Rect, Image)):
        x0, y0, x1, y1 = item.x, item.y, item.x + item.w, item.y + item.h
    elif isinstance(item, QR):
        x0, y0, x1, y1 = item.x, item.y, item.x + item.size, item.y + item.size
    elif isinstance(item, Circle):
        x0, y0, x1, y1 = item.cx - item.r, item.cy - item.r, item.cx + item.r, item.cy + item.r
    else:
        pts = [*item.points, *(p for seg in item.segments for p in seg),
               *(p for ring in item.holes for p in ring)] or [(0.0, 0.0)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    stroked = getattr(item, "stroke", None) is not None
    half = item.stroke_width / 2 if stroked else 0.0
    return (x0 - half, y0 - half, x1 + half, y1 + half)


def _unit_box(unit: Unit) -> Box:
    boxes = [item_box(i) for i in unit]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _inside(a: Box, b: Box) -> bool:
    eps = 1e-6
    return a[0] >= b[0] - eps and a[1] >= b[1] - eps and a[2] <= b[2] + eps and a[3] <= b[3] + eps


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def split_bleed(units: list[Unit], width: float, height: float) -> tuple[list[Unit], list[Unit]]:
    """(bleed layer, trim layer), each in paint order.

    A unit that reaches past the trim goes to the bleed layer — drawn below the
    whole trim layer — unless a unit of the trim layer painted before it overlaps
    it (then moving it down would change the picture). Text always stays in the trim.
    """
    trim_box = (0.0, 0.0, width, height)
    bleed: list[Unit] = []
    trim: list[Unit] = []
    boxes: list[Box] = []
    for unit in units:
        box = _unit_box(unit)
        if (not isinstance(unit[0], Text) and not _inside(box, trim_box)
                and not any(_overlap(box, other) for other in boxes)):
            bleed.append(unit)
        else:
            trim.append(unit)
            boxes.append(box)
    return bleed, trim


def pins(run: Text, natural: tuple[float, ...]) -> list[tuple[int, float]]:
    """Where ``run`` must be pinned: [(character index, x in mm)], starting with (0, run.x).

    ``natural`` are the advances a renderer will use (HarfBuzz, kerned, in mm). A word
    (after a U+0020) starts a new pin when the place layout set it at differs from
    where the renderer would put it by more than ``PIN_TOLERANCE``.
    """
    out = [(0, run.x)]
    set_x, anchor_x, drift = run.x, run.x, 0.0
    for i, ch in enumerate(run.text):
        word_start = i and run.text[i - 1] == " " and ch != " "
        if word_start and abs(set_x - (anchor_x + drift)) > PIN_TOLERANCE:
            out.append((i, set_x))
            anchor_x, drift = set_x, 0.0
        set_x += run.advances[i]
        drift += natural[i]
    return out


# ------------------------------------------------------------------ colour

@lru_cache(maxsize=4)
def _transform(profile: str) -> ImageCms.ImageCmsTransform:
    try:
        cmyk = ImageCms.getOpenProfile(profile)
    except (OSError, ImageCms.PyCMSError) as exc:
        raise RenderError(f"cannot read the output profile {profile}: {exc}") from exc
    srgb = ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(cmyk, srgb, "CMYK", "RGB",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


@lru_cache(maxsize=4096)
def cmyk_to_srgb(cmyk: CMYK, profile: str = str(DEFAULT_PROFILE)) -> str:
    """``#rrggbb`` for CMYK percentages through ``profile`` (cached per colour)."""
    ink = tuple(round(min(100.0, max(0.0, v)) * 2.55) for v in cmyk)
    rgb = ImageCms.applyTransform(PILImage.new("CMYK", (1, 1), ink), _transform(profile))
    return "#{:02x}{:02x}{:02x}".format(*rgb.getpixel((0, 0)))


def _colour_converter(profile: str | Path_ | None) -> Callable[[CMYK], str]:
    path = str(profile or DEFAULT_PROFILE)
    _transform(path)  # fail early, once
    return lambda cmyk: cmyk_to_srgb(tuple(float(v) for v in cmyk), path)


def _xml(s: str) -> str:
    """``s`` with characters XML cannot carry replaced by U+FFFD (length kept)."""
    return _NOT_XML.sub("\ufffd", s)


def _cmyk_attr(cmyk: CMYK) -> str:
    return " ".join(fmt(v) for v in cmyk)


# ------------------------------------------------------------------- items

def _rect(dwg, x: float, y: float, w: float, h: float, **extra):
    return dwg.rect(insert=(fmt(x), fmt(y)), size=(fmt(w), fmt(h)), **extra)


class _Svg:
    """Turns items into svgwrite elements (one element or group per item)."""

    def __init__(self, dwg, page: Page, images: ImageBytes | None, outline: bool,
                 colour: Callable[[CMYK], str], href: PhotoHref | None = None, link: bool = False):
        self.dwg, self.page, self.images, self.outline, self.colour = dwg, page, images, outline, colour
        self.href, self.link = href, link

    def draw(self, unit: Unit):
        item = unit[0]
        if isinstance(item, Text):
            return self.text(unit)
        for kind, method in ((Rect, self.rect), (QR, self.qr), (Image, self.image),
                             (Circle, self.circle), (Path, self.path)):
            if isinstance(item, kind):
                return method(item)
        raise RenderError(f"the SVG backend cannot draw {type(item).__name__}")  # pragma: no cover

    def paint(self, el, fill: CMYK | None, stroke: CMYK | None = None, width: float = 0.0):
        """Fill, stroke and the ``data-cmyk`` attributes of one element."""
        a = el.attribs
        a["fill"] = self.colour(fill) if fill is not None else "none"
        if stroke is not None:
            a["stroke"] = self.colour(stroke)
            a["stroke-width"] = fmt(width)
        main = fill if fill is not None else stroke
        if main is not None:
            a["data-cmyk"] = _cmyk_attr(main)
        if fill is not None and stroke is not None:
            a["data-cmyk-stroke"] = _cmyk_attr(stroke)
        return el

    def rect(self, r: Rect):
        el = _rect(self.dwg, r.x, r.y, r.w, r.h)
        if r.radius:
            el.attribs.update(rx=fmt(r.radius), ry=fmt(r.radius))
        return self.paint(el, r.fill, r.stroke, r.stroke_width)

    def circle(self, c: Circle):
        el = self.dwg.circle(center=(fmt(c.cx), fmt(c.cy)), r=fmt(c.r))
        return self.paint(el, c.fill, c.stroke, c.stroke_width)

    def path(self, p: Path):
        d = path_data(p)
        if not d:
            return self.dwg.g()  # fewer than two points: nothing, as in the PDF
        el = self.dwg.path(d=d)
        el.attribs["fill-rule"] = "evenodd"  # ReportLab's default fill mode (f*)
        self.paint(el, p.fill, p.stroke, p.stroke_width)
        if p.stroke is not None:
            el.attribs.update({"stroke-linecap": "round", "stroke-linejoin": "round"})
            if p.dash:
                el.attribs["stroke-dasharray"] = " ".join(fmt(d) for d in p.dash)
        return el

    def text(self, runs: Unit):
        """One line: a ``<text>`` (its font runs and pinned words as ``<tspan x>``), or
        with ``outline_text`` one group of glyph outlines per run."""
        for t in runs:
            if len(t.advances) != len(t.text):
                raise RenderError(f"text {t.text!r}: {len(t.text)} characters, {len(t.advances)} advances")
        if self.outline:
            if len(runs) == 1:
                return self.outlined(runs[0])
            g = self.dwg.g()
            for t in runs:
                g.add(self.outlined(t))
            return g
        first = runs[0]
        el = self.dwg.text("")
        el.attribs.update({"x": fmt(first.x), "y": fmt(first.y), "font-size": fmt(first.size),
                           **self.face(first).attributes(), "xml:space": "preserve"})
        base = self.face(first).attributes()
        pieces: list[tuple[str, dict]] = []
        for k, t in enumerate(runs):
            path = _font_path(self.page, t.font)
            natural = tuple(a * t.size for a in load_font(t.font, path).advances(t.text))
            font = {a: v for a, v in self.face(t).attributes().items() if base.get(a) != v}
            if k and "font-style" in base and "font-style" not in self.face(t).attributes():
                font["font-style"] = "normal"
            marks = pins(t, natural)
            for j, (start, x) in enumerate(marks):
                end = marks[j + 1][0] if j + 1 < len(marks) else len(t.text)
                attrs = {} if (k == 0 and j == 0) else {"x": fmt(x), **font}
                pieces.append((_xml(t.text[start:end]), attrs))
        el.text = pieces[0][0]  # the line's first piece needs no tspan
        for piece, attrs in pieces[1:]:
            span = self.dwg.tspan(piece)
            span.attribs.update(attrs)
            el.add(span)
        if first.overprint:
            el.attribs["data-overprint"] = "true"
        return self.paint(el, first.color)

    def face(self, t: Text):
        return font_face(_font_path(self.page, t.font))

    def outlined(self, t: Text):
        """A line as one ``<path>`` per glyph, at the advances layout gave it."""
        g = self.dwg.g(transform=f"translate({fmt(t.x)} {fmt(t.y)})")
        g.attribs.update({"aria-label": _xml(t.text), "role": "img"})
        for d, x in glyph_outlines(_font_path(self.page, t.font), t.text, t.advances, t.size):
            g.add(self.dwg.path(d=d, **({"transform": f"translate({fmt(x)})"} if x else {})))
        if t.overprint:
            g.attribs["data-overprint"] = "true"
        return self.paint(g, t.color)

    def marks(self, layer):
        """Crop marks, registration targets, colour bar and slug line, placed as in the PDF."""
        page, d = self.page, self.dwg
        g = mark_geometry(page.bleed, min(page.width, page.height))
        lines = "".join(f"M{fmt(x0)} {fmt(y0)}L{fmt(x1)} {fmt(y1)}"
                        for x0, y0, x1, y1 in crop_mark_lines(page.width, page.height, g))
        layer.add(self.paint(d.path(d=lines, id="crop-marks"), None, REGISTRATION, MARK_WIDTH))
        if "registration" in page.marks:
            targets = d.g(id="registration")
            for cx, cy, r in registration_targets(page.width, page.height, g):
                targets.add(self.paint(d.circle(center=(fmt(cx), fmt(cy)), r=fmt(r)), None,
                                       REGISTRATION, MARK_WIDTH))
                targets.add(self.paint(d.circle(center=(fmt(cx), fmt(cy)), r=fmt(r / 2)), None,
                                       REGISTRATION, MARK_WIDTH))
                cross = (f"M{fmt(cx - r * 1.3)} {fmt(cy)}L{fmt(cx + r * 1.3)} {fmt(cy)}"
                         f"M{fmt(cx)} {fmt(cy - r * 1.3)}L{fmt(cx)} {fmt(cy + r * 1.3)}")
                targets.add(self.paint(d.path(d=cross), None, REGISTRATION, MARK_WIDTH))
            layer.add(targets)
        if "colour_bar" in page.marks:
            bar = d.g(id="colour-bar")
            for x, y, size, cmyk in colour_bar(page.width, g):
                bar.add(self.paint(_rect(d, x, y, size, size), cmyk))
            layer.add(bar)
        for unit in text_lines(page.slug_text):
            el = self.text(unit)
            el.attribs["class"] = "slug"
            layer.add(el)
        return layer

    def qr(self, q: QR):
        g = self.dwg.g(class_="qr")
        g.attribs["data-content"] = _xml(q.data)
        if q.background is not None:
            g.add(self.paint(_rect(self.dwg, q.x, q.y, q.size, q.size), q.background))
        d = qr_path_data(q)
        if d:
            g.add(self.paint(self.dwg.path(d=d, shape_rendering="crispEdges"), q.color))
        return g

    def image(self, im: Image):
        if self.link:
            href = self.href(im) if self.href is not None else None
            if href is None:
                return self.placeholder(im)
        else:
            data = self.images(im) if self.images is not None else None
            if data is None:
                return self.placeholder(im)
            if not isinstance(data, (bytes, bytearray)):
                raise RenderError(f"image provider returned {type(data).__name__} for {im.source}, not bytes")
            mime = _image_mime(bytes(data), im)
            href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        el = self.dwg.image(href, insert=(fmt(im.x), fmt(im.y)), size=(fmt(im.w), fmt(im.h)))
        el.attribs.update({"preserveAspectRatio": "xMidYMid slice", "data-source": _xml(Path_(im.source).name)})
        return el

    def placeholder(self, im: Image):
        """A grey box with both diagonals and the file name: visibly not the photo."""
        d = self.dwg
        name = _xml(Path_(im.source).name or "image")
        line = fmt(max(0.2, min(im.w, im.h) / 150))
        g = d.g(class_="placeholder", fill=PLACEHOLDER["fill"], stroke=PLACEHOLDER["stroke"],
                stroke_width=line)
        g.attribs["data-source"] = _xml(im.source)
        g.add(_rect(d, im.x, im.y, im.w, im.h))
        x1, y1 = im.x + im.w, im.y + im.h
        g.add(d.path(d=f"M{fmt(im.x)} {fmt(im.y)}L{fmt(x1)} {fmt(y1)}"
                       f"M{fmt(x1)} {fmt(im.y)}L{fmt(im.x)} {fmt(y1)}", fill="none"))
        size = max(0.5, min(im.h / 8, 1.6 * im.w / max(len(name), 1)))
        label = d.text(name, insert=(fmt(im.x + im.w / 2), fmt(im.y + im.h / 2)),
                       text_anchor="middle", dominant_baseline="middle", font_family="sans-serif",
                       font_size=fmt(size), fill=PLACEHOLDER["text"], stroke="none")
        g.add(label)
        return g


# ------------------------------------------------------------ path geometry

def path_data(p: Path) -> str:
    """SVG path data of ``p`` as layout made it: the same lines and Bézier
    control points the PDF draws. Empty for fewer than two points."""
    if len(p.points) < 2 and not p.segments:
        return ""
    out = [f"M{fmt(p.points[0][0])} {fmt(p.points[0][1])}"]
    if p.segments:
        for seg in p.segments:
            out.append(("C" if len(seg) == 3 else "L") + " ".join(fmt(v) for pt in seg for v in pt))
    else:
        out += [f"L{fmt(x)} {fmt(y)}" for x, y in p.points[1:]]
    if p.closed:
        out.append("Z")
    for ring in p.holes:
        out.append(f"M{fmt(ring[0][0])} {fmt(ring[0][1])}")
        out += [f"L{fmt(x)} {fmt(y)}" for x, y in ring[1:]]
        out.append("Z")
    return "".join(out)


def qr_runs(modules: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of every horizontal run of dark modules."""
    runs = []
    for r, row in enumerate(modules):
        for m in re.finditer("1+", row):
            runs.append((r, m.start(), m.end() - m.start()))
    return runs


def qr_path_data(q: QR) -> str:
    """One ``M x y h w v m h -w z`` rectangle per run of dark modules."""
    m = q.size / len(q.modules) if q.modules else 0.0
    return "".join(f"M{fmt(q.x + c * m)} {fmt(q.y + r * m)}h{fmt(n * m)}v{fmt(m)}h{fmt(-n * m)}z"
                   for r, c, n in qr_runs(q.modules))


def _image_mime(data: bytes, im: Image) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise RenderError(f"image for {im.source} is neither JPEG nor PNG")
