"""Backends only draw: curves and the slug line come finished from layout.

The PDF is read back with pikepdf's content-stream parser, the SVG with
ElementTree; both must carry the control points layout computed, and the
slug line where layout placed it.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.units import mm

from standpress.layout.frame import Page, Path as PathItem, catmull_rom
from standpress.layout.marks import mark_geometry, slug_line
from standpress.load.design import load_style
from standpress.render.pdf import render_pdf
from standpress.render.svg import render_svg

ROOT = Path(__file__).resolve().parents[2]
BLUE = (28.0, 12.0, 0.0, 0.0)


@pytest.fixture(scope="module")
def style():
    return load_style(ROOT / "templates" / "style.toml", ROOT / "fonts")


@pytest.fixture(scope="module")
def page(style):
    river = ((12.0, 90.0), (40.0, 60.5), (75.25, 95.0), (110.0, 40.0), (150.0, 70.0))
    curve = PathItem((river[0],), stroke=BLUE, stroke_width=2.0, segments=catmull_rom(river))
    lake = PathItem(((20.0, 10.0), (60.0, 10.0), (60.0, 40.0), (20.0, 40.0)), fill=BLUE, closed=True,
                    holes=(((30.0, 20.0), (40.0, 20.0), (40.0, 30.0)),))
    slug = "ТОП-100 2022 · test · 160×110 мм"
    fonts = {k: str(v) for k, v in style.all_fonts.items()}
    return Page(160, 110, 3, (curve, lake), fonts=fonts, slug=slug,
                slug_text=slug_line(slug, 160, 110, 3, style))


def pdf_ops(data: bytes):
    """(operator, operands) of page 1, numbers as floats."""
    from decimal import Decimal

    def value(v):
        return float(v) if isinstance(v, (int, float, Decimal)) else v

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(str(op), [value(v) for v in operands])
                for operands, op in pikepdf.parse_content_stream(pdf.pages[0])]


def to_mm(page: Page, x_pt: float, y_pt: float) -> tuple[float, float]:
    margin = mark_geometry(page.bleed, min(page.width, page.height)).margin
    return x_pt / mm - margin, margin + page.height - y_pt / mm


def test_the_pdf_draws_the_control_points_layout_made(page):
    ops = pdf_ops(render_pdf([page], lambda im: None))
    curves = [[to_mm(page, *args[i:i + 2]) for i in (0, 2, 4)] for op, args in ops if op == "c"]
    expected = [seg for seg in page.items[0].segments]
    assert len(curves) == len(expected)
    for got, want in zip(curves, expected):
        for (gx, gy), (wx, wy) in zip(got, want):
            assert (gx, gy) == pytest.approx((wx, wy), abs=1e-3)
    # the lake and its island: two closed subpaths in one path
    moves = [to_mm(page, *args) for op, args in ops if op == "m"]
    assert pytest.approx((20.0, 10.0), abs=1e-3) in moves and pytest.approx((30.0, 20.0), abs=1e-3) in moves


def test_the_svg_draws_the_same_control_points(page):
    doc = ET.fromstring(render_svg(page))
    ds = [el.get("d") for el in doc.iter("{http://www.w3.org/2000/svg}path") if "C" in (el.get("d") or "")]
    assert len(ds) == 1
    curves = [[float(v) for v in c.split()] for c in re.findall(r"C([^CLMZ]+)", ds[0])]
    for got, want in zip(curves, page.items[0].segments, strict=True):
        assert got == pytest.approx([v for pt in want for v in pt], abs=1e-4)


def test_the_slug_is_drawn_where_layout_placed_it(page):
    data = render_pdf([page], lambda im: None)
    ops = pdf_ops(data)
    placed = [to_mm(page, *args[4:6]) for op, args in ops if op == "Tm"]
    first = page.slug_text[0]
    assert any(p == pytest.approx((first.x, first.y), abs=1e-3) for p in placed)
    g = mark_geometry(page.bleed, min(page.width, page.height))
    assert first.y > page.height + g.start  # below the crop marks' start, outside the bleed
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert page.slug in text
