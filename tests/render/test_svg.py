"""Tests for standpress.render.svg (and text.outlines): a hand-built Page drawn as SVG."""

from __future__ import annotations

import base64
import importlib.util
import io
import itertools
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image as PILImage
from PIL import ImageChops, ImageFilter

from standpress.errors import RenderError
from standpress.layout.frame import QR, Circle, Image, Page, Path as PathItem, Rect, Text, catmull_rom
from standpress.layout.qr import qr_modules
from standpress.render import svgfonts
from standpress.render.svg import cmyk_to_srgb, font_subset, path_data, render_svg
from standpress.text.fonts import load_font
from standpress.text.outlines import glyph_outlines, glyph_path

ROOT = Path(__file__).resolve().parents[2]
REGULAR = str(ROOT / "fonts" / "NotoSans-Regular.ttf")
BOLD = str(ROOT / "fonts" / "NotoSans-Bold.ttf")
NS = {"s": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
S = "{http://www.w3.org/2000/svg}"
BLACK = (0.0, 0.0, 0.0, 100.0)
LINES = [  # (font key, text, x, baseline, size)
    ("bold", "Стенд «Весна»", 12.0, 22.0, 9.0),
    ("regular", "Їжак, ґанок — 12\u202f000 грн до\u00a0центру", 12.0, 34.0, 5.0),
    ("regular", "Київ, вул. Хрещатик 1 (кафе «Ґанок»)", 12.0, 42.0, 4.2),
]
URL = "https://top100.example.org/2022/001"


def _text(key: str, s: str, x: float, y: float, size: float) -> Text:
    font = load_font(key, REGULAR if key == "regular" else BOLD)
    return Text(x, y, s, key, size, BLACK, tuple(a * size for a in font.advances(s)))


def make_page(*extra) -> Page:
    items = [
        Rect(-5, -5, 50, 130, fill=(0, 0, 0, 0)),
        Rect(8, 8, 120, 40, stroke=(100, 60, 0, 10), stroke_width=0.8, radius=3),
        Rect(140, 80, 50, 30, fill=(0, 90, 85, 0)),
        *[_text(*line) for line in LINES],
        QR(140, 10, 50, qr_modules(URL), BLACK, (0, 0, 0, 0), URL),
        PathItem(((10, 100),), stroke=(100, 0, 0, 0), stroke_width=1.5,
                 segments=catmull_rom(((10, 100), (40, 70), (70, 105), (100, 75), (125, 100)))),
        PathItem(((20, 60), (60, 60), (60, 66)), stroke=(0, 0, 0, 60), stroke_width=0.5, dash=(2, 1)),
        Circle(100, 60, 8, fill=(0, 30, 100, 0), stroke=BLACK, stroke_width=0.5),
        *extra,
    ]
    return Page(200, 120, 5, tuple(items), fonts={"regular": REGULAR, "bold": BOLD}, title="Стенд 001")


@pytest.fixture(scope="module")
def page() -> Page:
    return make_page()


@pytest.fixture(scope="module")
def doc(page) -> ET.Element:
    return ET.fromstring(render_svg(page))


def texts(page: Page) -> list[Text]:
    return [i for i in page.items if isinstance(i, Text)]


def cumulative(t: Text) -> list[float]:
    return [t.x + sum(t.advances[:i]) for i in range(len(t.text))]


# ------------------------------------------------------------ document

def test_parses_and_has_trim_plus_bleed_size(page, doc):
    assert doc.tag == S + "svg"
    root = ET.fromstring(render_svg(page, marks=False))  # by default the page has the marks margin too
    assert root.get("width") == "210mm" and root.get("height") == "130mm"
    assert [float(v) for v in root.get("viewBox").split()] == [-5, -5, 210, 130]
    assert doc.find("s:title", NS).text == "Стенд 001"


def test_clipped_to_bleed_and_guides_hidden(doc):
    art = doc.find("s:g[@id='bleed']", NS)  # the layer of what reaches into the bleed
    assert art.get("clip-path") == "url(#sp-clip)"
    clip = doc.find(".//s:clipPath[@id='sp-clip']/s:rect", NS)
    assert [float(clip.get(k)) for k in ("x", "y", "width", "height")] == [-5, -5, 210, 130]
    guides = doc.find("s:g[@id='guides']", NS)
    assert guides.get("display") == "none"
    trim = guides.find("s:rect", NS)
    assert [float(trim.get(k)) for k in ("x", "y", "width", "height")] == [0, 0, 200, 120]


def test_without_bleed_the_document_is_the_trim(page):
    root = ET.fromstring(render_svg(page, show_bleed=False))
    assert root.get("width") == "200mm"
    assert [float(v) for v in root.get("viewBox").split()] == [0, 0, 200, 120]


def test_the_same_page_gives_the_same_svg_from_cold_caches_with_no_counter_ids(page):
    first = render_svg(page)
    font_subset.cache_clear()
    cmyk_to_srgb.cache_clear()
    glyph_path.cache_clear()
    assert render_svg(make_page()) == first
    assert render_svg(page, outline_text=True) == render_svg(make_page(), outline_text=True)
    assert not re.search(r'id="[^"]*\d{4,}', first)  # no counter- or random-based ids


# ------------------------------------------------------------ colour

def test_colours_are_converted_through_the_profile_and_cmyk_kept(doc):
    assert cmyk_to_srgb((0, 0, 0, 0)) == "#ffffff"  # paper white, relative colorimetric
    r, g, b = (int(cmyk_to_srgb(BLACK)[i:i + 2], 16) for i in (1, 3, 5))
    assert max(r, g, b) < 60  # K 100 is a dark, not pure, black
    red = doc.find(".//s:rect[@data-cmyk='0 90 85 0']", NS)
    assert red is not None and red.get("fill") == cmyk_to_srgb((0, 90, 85, 0))
    assert red.get("fill") != "#ff0000"
    for el in doc.iter():
        if el.tag in {S + n for n in ("rect", "circle", "path", "text")} and el.get("fill") not in (None, "none"):
            assert el.get("data-cmyk") or el.get("fill") == "inherit"
    circle = doc.find(".//s:circle", NS)
    assert circle.get("data-cmyk") == "0 30 100 0" and circle.get("data-cmyk-stroke") == "0 0 0 100"


# ------------------------------------------------------------ text

def test_text_characters_and_positions_match_the_page(page, doc):
    els = doc.findall(".//s:text", NS)
    assert len(els) == len(texts(page))
    for el, t in zip(els, texts(page)):
        assert el.text == t.text  # U+0020, U+00A0 and U+202F survive
        assert el.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
        xs = [float(v) for v in el.get("x").split()]
        assert xs == pytest.approx([t.x], abs=0.001)  # the line's start: the renderer sets the glyphs
        assert float(el.get("y")) == pytest.approx(t.y, abs=0.001)
        assert float(el.get("font-size")) == pytest.approx(t.size)
        assert el.get("font-family") == "Noto Sans"
        assert el.get("font-weight") == ("700" if t.font == "bold" else "400")


def _embedded_fonts(doc) -> dict[str, bytes]:
    css = doc.find("s:defs/s:style", NS).text
    rules = re.findall(r"font-weight:(\d+);[^}]*src:url\(data:font/[\w+-]+;base64,([A-Za-z0-9+/=]+)\)", css)
    return {weight: base64.b64decode(data) for weight, data in rules}


def test_fonts_embedded_as_subsets(page, doc):
    fonts = _embedded_fonts(doc)
    assert set(fonts) == {"400", "700"}  # registered as Noto Sans 400 / 700
    for key, path, weight in (("regular", REGULAR, "400"), ("bold", BOLD, "700")):
        used = {ord(c) for t in texts(page) if t.font == key for c in t.text}
        data = fonts[weight]
        assert len(data) < Path(path).stat().st_size / 5
        font = TTFont(io.BytesIO(data))
        assert font.flavor in ("woff", "woff2")
        # the page's characters, and the alphabet a retyped word needs (one subset for all pages)
        assert used <= set(font.getBestCmap()) <= used | {ord(c) for c in svgfonts.EDITING_CHARS}
        assert ".notdef" in font.getGlyphOrder()
        assert "GSUB" not in font  # no ligatures; GPOS keeps the kerning layout used


def test_unknown_font_key_is_a_render_error():
    bad = Page(100, 100, 3, (_text("regular", "abc", 1, 5, 4),), fonts={"other": REGULAR})
    with pytest.raises(RenderError, match="font 'regular'"):
        render_svg(bad)


def test_outlined_text_has_one_path_per_visible_glyph(page):
    root = ET.fromstring(render_svg(page, outline_text=True))
    assert root.find(".//s:text", NS) is None
    assert root.find("s:defs/s:style", NS) is None  # no font needed
    groups = root.findall(".//s:g[@aria-label]", NS)
    assert [g.get("aria-label") for g in groups] == [t.text for t in texts(page)]
    for g, t in zip(groups, texts(page)):
        visible = [x for c, x in zip(t.text, cumulative(t)) if not c.isspace()]
        paths = g.findall("s:path", NS)
        assert len(paths) == len(visible)
        assert g.get("transform") == f"translate({t.x:g} {t.y:g})"
        offsets = [float(re.fullmatch(r"translate\(([-\d.]+)\)", p.get("transform") or "translate(0)")[1])
                   for p in paths]
        assert [t.x + o for o in offsets] == pytest.approx(visible, abs=0.001)


def test_outlined_glyphs_stand_at_their_advances_above_the_baseline():
    s, size = "Ой у лузі", 10.0
    adv = [a * size for a in load_font("regular", REGULAR).advances(s)]
    out = glyph_outlines(REGULAR, s, adv, size)
    assert len(out) == len(s) - 2
    assert out[0][1] == 0.0 and out[-1][1] == pytest.approx(sum(adv[:-1]))
    d, _ = out[0]  # "О": about a cap height tall, above the baseline (y negative)
    ys = [float(v) for v in re.findall(r"-?\d+\.?\d*", d)[1::2]]
    assert -7.8 < min(ys) < -6.8 and max(ys) < 0.3
    assert glyph_outlines(Path(REGULAR), s, adv, size) == out
    with pytest.raises(ValueError):
        glyph_outlines(REGULAR, s, adv[:-1], size)


def test_odd_input_still_gives_well_formed_xml():
    odd = _text("regular", "a\x07b <&> \"c\"", 5, 10, 4)
    page = Page(50, 30, 3, (odd, PathItem(((1, 1),), stroke=BLACK, stroke_width=1)),
                fonts={"regular": REGULAR}, title="x\x00y")
    for outline in (False, True):
        root = ET.fromstring(render_svg(page, outline_text=outline, marks=False))  # no crop marks
        assert root.find(".//s:path[@stroke]", NS) is None  # a one-point path draws nothing
    el = ET.fromstring(render_svg(page)).find(".//s:text", NS)
    assert el.text == "a\ufffdb <&> \"c\"" and len(el.get("x").split()) == 1


# ------------------------------------------------------------ QR, paths

def test_qr_is_one_path_with_one_rectangle_per_dark_run(page, doc):
    q = next(i for i in page.items if isinstance(i, QR))
    runs = sum(1 for row in q.modules for bit, _ in itertools.groupby(row) if bit == "1")
    [el] = doc.findall(".//s:path[@shape-rendering='crispEdges']", NS)
    d = el.get("d")
    assert d.count("M") == d.count("z") == runs
    assert el.get("data-cmyk") == "0 0 0 100"
    m = q.size / len(q.modules)
    first = next((r, row.index("1")) for r, row in enumerate(q.modules) if "1" in row)
    x, y = (float(v) for v in re.match(r"M([\d.]+) ([\d.]+)", d).groups())
    assert (x, y) == pytest.approx((q.x + first[1] * m, q.y + first[0] * m), abs=1e-4)


def test_a_curve_is_drawn_with_the_control_points_layout_gave_it(doc):
    pts = ((10, 100), (40, 70), (70, 105), (100, 75), (125, 100))
    segs = catmull_rom(pts)
    d = path_data(PathItem((pts[0],), segments=segs))
    assert d.count("C") == len(pts) - 1
    # first segment: p0 = p1 at the start, so c1 = p1 + (p2 - p1) / 6
    c = [float(v) for v in d.split("C")[1].split()]
    assert c[:2] == pytest.approx([10 + 30 / 6, 100 - 30 / 6], abs=1e-4)
    assert c[2:4] == pytest.approx([40 - 60 / 6, 70 - 5 / 6], abs=1e-4)
    el = doc.find(f".//s:path[@d='{d}']", NS)
    assert el.get("stroke-linecap") == "round" and el.get("stroke-linejoin") == "round"
    dashed = doc.find(".//s:path[@stroke-dasharray]", NS)
    assert dashed.get("stroke-dasharray") == "2 1" and "C" not in dashed.get("d")
    assert path_data(PathItem(pts[:3], closed=True)).endswith("Z")
    holed = path_data(PathItem(((0, 0), (10, 0), (10, 10)), closed=True, holes=(((2, 2), (4, 2), (4, 4)),)))
    assert holed.count("M") == 2 and holed.count("Z") == 2
    rounded = doc.find(".//s:rect[@rx]", NS)
    assert rounded.get("rx") == "3" and rounded.get("fill") == "none"


# ------------------------------------------------------------ images

def _png() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 120, 40)).save(buf, "PNG")
    return buf.getvalue()


def test_image_without_provider_is_a_visible_placeholder():
    root = ET.fromstring(render_svg(make_page(Image(10, 50, 60, 40, "photos/001 Київ.jpg"))))
    g = root.find(".//s:g[@class='placeholder']", NS)
    assert g is not None and root.find(".//s:image", NS) is None
    assert g.find("s:text", NS).text == "001 Київ.jpg"
    rect = g.find("s:rect", NS)
    assert [float(rect.get(k)) for k in ("x", "y", "width", "height")] == [10, 50, 60, 40]
    assert g.get("fill") not in (None, "none") and g.find("s:path", NS) is not None


def test_image_from_provider_is_embedded():
    im = Image(10, 50, 60, 40, "photos/001.jpg")
    root = ET.fromstring(render_svg(make_page(im), images=lambda item: _png() if item == im else None))
    el = root.find(".//s:image", NS)
    href = el.get("{http://www.w3.org/1999/xlink}href")
    assert href.startswith("data:image/png;base64,")
    assert base64.b64decode(href.split(",", 1)[1]) == _png()
    assert el.get("preserveAspectRatio") == "xMidYMid slice"
    assert [float(el.get(k)) for k in ("x", "y", "width", "height")] == [10, 50, 60, 40]
    with pytest.raises(RenderError, match="neither JPEG nor PNG"):
        render_svg(make_page(im), images=lambda item: b"GIF89a...")


# ------------------------------------------------------------ rendering

HAVE_CAIRO = importlib.util.find_spec("cairosvg") is not None
PX_PER_MM = 4.0


def _cairo_png(svg: str, size: tuple[int, int]) -> PILImage.Image:
    import cairosvg

    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=size[0], output_height=size[1])
    im = PILImage.open(io.BytesIO(png)).convert("RGBA")
    white = PILImage.new("RGBA", im.size, "white")
    return PILImage.alpha_composite(white, im).convert("RGB")


@pytest.mark.skipif(not HAVE_CAIRO, reason="cairosvg not installed")
def test_cairosvg_renders_both_modes(page):
    size = (round(210 * PX_PER_MM), round(130 * PX_PER_MM))
    for outline in (False, True):
        im = _cairo_png(render_svg(page, outline_text=outline, marks=False), size)
        assert im.getextrema() != ((255, 255),) * 3  # something was drawn


def _ink(im: PILImage.Image) -> PILImage.Image:
    """255 where a pixel is clearly not paper white, else 0."""
    return im.convert("L").point(lambda v: 255 if v < 200 else 0)


def _count(mask: PILImage.Image) -> int:
    return mask.histogram()[255]


def _misses(a: PILImage.Image, b: PILImage.Image) -> int:
    """Ink pixels of ``a`` with no ink in ``b`` within one pixel (edges may differ by anti-aliasing)."""
    return _count(ImageChops.subtract(a, b.filter(ImageFilter.MaxFilter(3))))


def pdf_reference(page: Page, tmp_path: Path) -> PILImage.Image:
    """The PDF backend's page rendered by Ghostscript, colour-managed as the SVG's colours
    are (CMYK through the FOGRA39 output profile to sRGB, relative colorimetric with black
    point compensation), cropped to the bleed box."""
    import subprocess

    from standpress.layout.marks import mark_geometry
    from standpress.render.pdf import render_pdf

    pdf, png = tmp_path / "page.pdf", tmp_path / "page.png"
    pdf.write_bytes(render_pdf([page], images=lambda im: None))
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m",
                    f"-r{PX_PER_MM * 25.4}", f"-sDefaultCMYKProfile={PROFILE}", "-dRenderIntent=1",
                    "-dBlackPtComp=1", "-dGraphicsAlphaBits=4", "-dTextAlphaBits=4",
                    f"-sOutputFile={png}", str(pdf)], check=True, capture_output=True)
    im = PILImage.open(png).convert("RGB")
    cut = round((mark_geometry(page.bleed, min(page.width, page.height)).margin - page.bleed)
                * PX_PER_MM)
    return im.crop((cut, cut, im.width - cut, im.height - cut))


PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
COLOUR_TOLERANCE = 4  # of 255, per channel, away from edges


@pytest.mark.skipif(not HAVE_CAIRO, reason="cairosvg not installed")
@pytest.mark.skipif(shutil.which("gs") is None, reason="ghostscript not installed")
def test_svg_matches_the_pdf_render(page, tmp_path):
    """The SVG (outlined text: cairosvg cannot read the live text's embedded web fonts)
    rendered by cairosvg against the PDF rendered by Ghostscript, both in sRGB:

    - the same shapes at the same places: of the PDF's ink, under 0.2 % has no ink within
      one pixel in the SVG, and the other way round (the text alone: under 1 %);
    - the same colours: every pixel away from an edge (its 3×3 neighbourhood in the PDF's
      render flat within 2 levels) within ``COLOUR_TOLERANCE`` per channel.
    """
    import numpy as np

    ref = pdf_reference(page, tmp_path)
    assert ref.size == (round(210 * PX_PER_MM), round(130 * PX_PER_MM))
    got = _cairo_png(render_svg(page, outline_text=True, marks=False), ref.size)
    a, b = _ink(ref), _ink(got)
    ink = _count(a)
    assert ink > 20_000
    assert _misses(a, b) < 0.002 * ink and _misses(b, a) < 0.002 * ink
    # text alone, with its own threshold: a glyph out of place must show
    box = tuple(round(v * PX_PER_MM) for v in (5 + 12, 5 + 12, 5 + 80, 5 + 24))
    ta, tb = a.crop(box), b.crop(box)
    assert _count(ta) > 1000
    assert _misses(ta, tb) + _misses(tb, ta) < 0.01 * _count(ta)
    # colours
    spread = (np.asarray(ref.filter(ImageFilter.MaxFilter(3))).astype(int)
              - np.asarray(ref.filter(ImageFilter.MinFilter(3))).astype(int)).max(axis=2)
    flat = spread <= 2
    assert flat.mean() > 0.8
    diff = np.abs(np.asarray(ref).astype(int) - np.asarray(got).astype(int)).max(axis=2)
    off = flat & (diff > COLOUR_TOLERANCE)
    if off.any():
        y, x = (int(v[0]) for v in np.nonzero(off))
        raise AssertionError(
            f"{int(off.sum())} flat pixels differ by more than {COLOUR_TOLERANCE}, the first at "
            f"{x / PX_PER_MM - 5:.1f}, {y / PX_PER_MM - 5:.1f} mm: PDF {ref.getpixel((x, y))}, "
            f"SVG {got.getpixel((x, y))}")


def test_a_font_subset_made_once_is_taken_from_the_store_by_a_fresh_process(page, monkeypatch):
    """An edit's SVG, made by a fresh worker, spent 0.3 s importing and warming up
    fontTools' subsetter for subsets an earlier build had made: they are kept in the build
    cache (``tasks.CacheSubsets``) and taken from there, byte for byte."""
    kept: dict = {}

    class Store:
        def get(self, font, chars, flavor):
            return kept.get((font, chars, flavor))

        def put(self, font, chars, flavor, data):
            kept[(font, chars, flavor)] = data

    monkeypatch.setattr(svgfonts._State, "store", None)
    font_subset.cache_clear()
    alone = render_svg(page)
    svgfonts.use_store(Store())
    try:
        assert render_svg(make_page()) == alone and kept
        font_subset.cache_clear()  # a fresh process: nothing in memory; no subset is made

        def no_subsetting(*args):
            raise AssertionError("subset made again")

        monkeypatch.setattr(svgfonts, "_subset", no_subsetting)
        assert render_svg(make_page()) == alone
    finally:
        svgfonts.use_store(None)
