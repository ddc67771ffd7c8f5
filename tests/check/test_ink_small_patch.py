"""The ink render's resolution still finds the smallest over-inked area that matters.

Ghostscript renders a page for the ink check at about 2 Mpx (``check/ink.py``): on a
1200×1800 mm citylight 24 dpi, a pixel of about 1.06 mm. Each pixel holds the ink at
its centre (no anti-aliasing) for vector art, and the mean of the photo pixels under it
(the lighter copy decodes photos at the DCT scale nearest above the render's), so an
area of 320 % a few millimetres wide is always measured, wherever it falls on the grid.
"""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image as PILImage

from standpress.check import check_pdf
from standpress.layout.frame import Image, Page, Rect
from standpress.render.pdf import PlacedImage, render_pdf
from standpress.render.pdfx import PdfxInfo, make_pdfx4

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "fonts" / "NotoSans-Regular.ttf"
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
W, H, BLEED = 1200.0, 1800.0, 10.0  # the sample's citylight

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


def citylight(path: Path, items: list, photo: bytes | None = None) -> Path:
    page = Page(W, H, BLEED, tuple([Rect(-BLEED, -BLEED, W + 2 * BLEED, H + 2 * BLEED,
                                         fill=(20.0, 10.0, 0.0, 0.0)), *items]),
                fonts={"regular": str(FONT)}, title="ink test", slug="ink test")
    src = render_pdf([page], lambda im: PlacedImage(photo), title="ink test")
    path.write_bytes(make_pdfx4(src, PdfxInfo(
        title="ink test", author="test", subject="ink", creator="standpress test",
        created=datetime(2024, 5, 1, tzinfo=timezone.utc), output_profile=PROFILE,
        output_condition_identifier="FOGRA39", output_condition="FOGRA39, TAC 300 %")))
    return path


def expect() -> dict:
    return {"trim": [W, H], "bleed": BLEED, "ink_limit": 300, "qr": [], "texts": []}


def ink(report) -> tuple[str, str]:
    [f] = [f for f in report.findings if f.check == "ink"]
    return f.severity, f.detail


@pytest.mark.parametrize("x, y", [(600.0, 900.0), (600.53, 900.47), (17.2, 1771.9)])
def test_a_three_millimetre_vector_patch_over_the_limit_is_found(tmp_path: Path, x, y) -> None:
    patch = Rect(x, y, 3.0, 3.0, fill=(80.0, 80.0, 80.0, 80.0))
    severity, detail = ink(check_pdf(citylight(tmp_path / "p.pdf", [patch]), expect()))
    assert severity == "error" and "total ink 320 %" in detail, detail


def test_a_five_millimetre_patch_inside_a_photo_is_found(tmp_path: Path) -> None:
    """A 300×200 mm photo at 150 ppi, 30 % per ink, with a 5 mm square of 80 % per ink."""
    px_mm = 150 / 25.4
    im = PILImage.new("CMYK", (round(300 * px_mm), round(200 * px_mm)), (77, 77, 77, 77))
    left, top = round(151.3 * px_mm), round(97.7 * px_mm)
    im.paste((204, 204, 204, 204), (left, top, left + round(5 * px_mm), top + round(5 * px_mm)))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95)
    pdf = citylight(tmp_path / "photo.pdf", [Image(400.0, 500.0, 300.0, 200.0, "photo.jpg")],
                    photo=buf.getvalue())
    severity, detail = ink(check_pdf(pdf, expect()))
    assert severity == "error" and "above the limit of 300 %" in detail, detail
    peak = int(detail.split("total ink ")[1].split(" %")[0])
    assert peak >= 310, detail


def test_the_same_page_without_the_patch_is_within_the_limit(tmp_path: Path) -> None:
    severity, detail = ink(check_pdf(citylight(tmp_path / "clean.pdf", []), expect()))
    assert severity == "ok" and "24 dpi" in detail, detail



def test_black_text_overprinting_a_tint_is_measured_with_the_tint(tmp_path: Path) -> None:
    """100 % K text overprints (render/pdf.py): the press lays the K over the ground's C 20
    M 10, so the ink there is 130 %, and the ink check must say so (Ghostscript simulates
    the overprint; ``-dUseFastColor`` would lose it and read 100 %)."""
    from standpress.layout.frame import Text

    line = "ШШШШ"
    text = Text(100.0, 400.0, line, "regular", 200.0, (0.0, 0.0, 0.0, 100.0),
                tuple(150.0 for _ in line), overprint=True)
    severity, detail = ink(check_pdf(citylight(tmp_path / "p.pdf", [text]), expect()))
    assert severity != "error" and "130 %" in detail, detail
