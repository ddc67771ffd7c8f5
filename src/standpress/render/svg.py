"""The SVG backend: the same ``Page`` boxes as the PDF, for designers.

Contract of :func:`render_svg`:

* 1 user unit = 1 mm: the document is trim + bleed on each side (``width``/
  ``height`` in mm), ``viewBox = -b -b W+2b H+2b``, so item coordinates
  (trim top-left, y down) are written as they are. ``show_bleed=False``:
  the document is the trim alone.
* Colours: CMYK → sRGB with LittleCMS (``ImageCms``) from the output profile
  (``profiles/FOGRA39L_300.icc`` by default), relative colorimetric + black
  point compensation like the photos, so the SVG looks like the print. The
  CMYK stays on the element: ``data-cmyk="c m y k"`` (the fill, else the
  stroke) and ``data-cmyk-stroke`` (stroke of a filled element).
* Text: one ``<text>`` per line, one ``x`` per character (x0, x0+a0, …: the
  advances layout computed), ``y`` = baseline, ``xml:space="preserve"``, in
  an ``@font-face`` font embedded as a subset of the page's characters
  (WOFF2 if ``brotli`` is installed, else WOFF; no layout tables).
  ``outline_text=True``: one ``<path>`` per glyph instead, grouped per line
  with ``aria-label`` = the text (Inkscape ignores ``@font-face``).
* QR: one ``<path>``, one rectangle per horizontal run of dark modules.
* Images: ``images(item)`` → sRGB JPEG/PNG bytes, embedded as a ``data:``
  URI (``xMidYMid slice``); no provider (or ``None``) → a labelled placeholder.
* Clipped to the bleed box; a trim-line guide in the hidden layer
  ``<g id="guides" display="none">``.
* Deterministic: same page, same string (fixed ids, ≤ 4 decimals, fonts
  keep their timestamps). Never measures text, never decides layout.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path as Path_

import svgwrite
from fontTools import subset
from PIL import Image as PILImage
from PIL import ImageCms

from ..errors import RenderError
from ..layout.frame import CMYK, QR, Circle, Image, Page, Path, Rect, Text
from ..text.outlines import fmt, glyph_outlines

DEFAULT_PROFILE = Path_(__file__).resolve().parents[3] / "profiles" / "FOGRA39L_300.icc"
ImageBytes = Callable[[Image], "bytes | None"]
INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
GUIDE_COLOUR = "#00aeef"
PLACEHOLDER = {"fill": "#e4e4e4", "stroke": "#8a8a8a", "text": "#505050"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_svg(page: Page, images: ImageBytes | None = None, *, outline_text: bool = False,
               show_bleed: bool = True, profile: str | Path_ | None = None) -> str:
    """Draw one ``Page`` as an SVG document (a ``str``, UTF-8 XML).

    ``images`` provides sRGB JPEG/PNG bytes per ``Image`` item; ``profile``
    is the CMYK output profile the colours are converted from.
    Raises :class:`RenderError` for a font key missing from ``page.fonts``,
    a missing profile, or image bytes that are neither JPEG nor PNG.
    """
    b = page.bleed if show_bleed else 0.0
    W, H = page.width + 2 * b, page.height + 2 * b
    dwg = svgwrite.Drawing(size=(f"{fmt(W)}mm", f"{fmt(H)}mm"), debug=False)
    dwg.attribs.update({"viewBox": " ".join(fmt(v) for v in (-b, -b, W, H)),
                        "xmlns:inkscape": INKSCAPE_NS})
    if page.title:
        dwg.set_desc(title=_xml(page.title))
    s = _Svg(dwg, page, images, outline_text, _colour_converter(profile))
    css = [] if outline_text else _font_faces(page)
    if css:
        dwg.defs.add(dwg.style("\n".join(css)))
    clip = dwg.clipPath(id="sp-clip")
    clip.add(_rect(dwg, -b, -b, W, H))
    dwg.defs.add(clip)
    art = dwg.g(id="artwork", clip_path="url(#sp-clip)")
    art.attribs.update({"inkscape:groupmode": "layer", "inkscape:label": "Artwork"})
    for item in page.items:
        art.add(s.draw(item))
    dwg.add(art)
    guides = dwg.g(id="guides", display="none", fill="none", stroke=GUIDE_COLOUR, stroke_width="0.1")
    guides.attribs.update({"inkscape:groupmode": "layer", "inkscape:label": "Guides (trim)"})
    guides.add(_rect(dwg, 0, 0, page.width, page.height))
    dwg.add(guides)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + dwg.tostring() + "\n"


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


# ------------------------------------------------------------------- fonts

def _flavor() -> tuple[str | None, str, str]:
    """(fontTools flavor, CSS format, MIME type) of the best web font format available."""
    if find_spec("brotli") or find_spec("brotlicffi"):
        return "woff2", "woff2", "font/woff2"
    if find_spec("zlib"):
        return "woff", "woff", "font/woff"
    return None, "truetype", "font/ttf"  # pragma: no cover - zlib is nearly always built in


def family(key: str) -> str:
    """The CSS font-family name used for the page's font ``key``."""
    return "sp-" + re.sub(r"[^A-Za-z0-9_-]", "_", key)


@lru_cache(maxsize=32)
def font_subset(path: str, chars: str, flavor: str | None) -> bytes:
    """``path`` reduced to the glyphs of ``chars`` (cmap = those characters only).

    Layout tables (GSUB/GPOS/GDEF/kern) and hinting are dropped: positions
    are explicit, and a ligature would move glyphs away from their ``x``.
    Timestamps are kept, so the bytes are reproducible.
    """
    opts = subset.Options()
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH"]
    opts.hinting = False
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.flavor = flavor
    try:
        font = subset.load_font(io.BytesIO(Path_(path).read_bytes()), opts)
    except Exception as exc:  # fontTools raises many kinds
        raise RenderError(f"cannot read font {path}: {exc}") from exc
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    return buf.getvalue()


def _font_faces(page: Page) -> list[str]:
    """One ``@font-face`` rule per font key the page's text uses (sorted by key)."""
    used: dict[str, set[str]] = {}
    for item in page.items:
        if isinstance(item, Text):
            used.setdefault(item.font, set()).update(item.text)
    flavor, css_format, mime = _flavor()
    rules = []
    for key in sorted(used):
        data = font_subset(_font_path(page, key), "".join(sorted(used[key])), flavor)
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        rules.append(f"@font-face{{font-family:'{family(key)}';"
                     f"src:url({uri}) format('{css_format}');}}")
    return rules


def _font_path(page: Page, key: str) -> str:
    try:
        return str(page.fonts[key])
    except KeyError:
        raise RenderError(f"text uses font {key!r}, which the page's font table does not name") from None


# ------------------------------------------------------------------- items

def _rect(dwg, x: float, y: float, w: float, h: float, **extra):
    return dwg.rect(insert=(fmt(x), fmt(y)), size=(fmt(w), fmt(h)), **extra)


class _Svg:
    """Turns items into svgwrite elements (one element or group per item)."""

    def __init__(self, dwg, page: Page, images: ImageBytes | None, outline: bool,
                 colour: Callable[[CMYK], str]):
        self.dwg, self.page, self.images, self.outline, self.colour = dwg, page, images, outline, colour

    def draw(self, item):
        for kind, method in ((Rect, self.rect), (Text, self.text), (QR, self.qr),
                             (Image, self.image), (Circle, self.circle), (Path, self.path)):
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

    def text(self, t: Text):
        if len(t.advances) != len(t.text):
            raise RenderError(f"text {t.text!r}: {len(t.text)} characters, {len(t.advances)} advances")
        path = _font_path(self.page, t.font)
        if self.outline:
            g = self.dwg.g(transform=f"translate({fmt(t.x)} {fmt(t.y)})")
            g.attribs.update({"aria-label": _xml(t.text), "role": "img"})
            for d, x in glyph_outlines(path, t.text, t.advances, t.size):
                g.add(self.dwg.path(d=d, **({"transform": f"translate({fmt(x)})"} if x else {})))
            el = g
        else:
            el = self.dwg.text(_xml(t.text))  # one character for one, so x stays aligned
            xs, x = [], t.x
            for adv in t.advances:
                xs.append(fmt(x))
                x += adv
            el.attribs.update({"x": " ".join(xs), "y": fmt(t.y), "font-size": fmt(t.size),
                               "font-family": f"'{family(t.font)}'", "xml:space": "preserve"})
        if t.overprint:
            el.attribs["data-overprint"] = "true"
        return self.paint(el, t.color)

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
