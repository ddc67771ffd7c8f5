"""The lighter copy previews and QR renders are made from: same picture, fewer pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image as PILImage

from standpress.check.lighten import lighter_pdf, scale_for_render
from standpress.layout.frame import Image

from test_preflight import BLEED, H, W, build, pytestmark  # noqa: F401


def photo(mode: str) -> bytes:
    """A 1600×1200 JPEG: a left half in one colour, a right half in another."""
    a, b = ((10, 70, 90, 0), (70, 0, 20, 30)) if mode == "CMYK" else ((200, 40, 30), (20, 90, 200))
    im = PILImage.new(mode, (1600, 1200), a)
    im.paste(PILImage.new(mode, (800, 1200), b), (800, 0))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def panel(tmp_path: Path, mode: str) -> Path:
    return build(tmp_path / f"{mode}.pdf", [[Image(20, 20, 160, 120, "photo.jpg")]],
                 image=photo(mode))


def render(data) -> np.ndarray:
    doc = pdfium.PdfDocument(data)
    try:
        return doc[0].render(scale=0.5, rev_byteorder=True).to_numpy()[..., :3].astype(int)
    finally:
        doc.close()


def test_cmyk_photo_is_decoded_smaller_and_renders_the_same(tmp_path: Path) -> None:
    src = panel(tmp_path, "CMYK")
    data = lighter_pdf(src, lambda p, uu: 4)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        [img] = [pdf.get_object(ref) for ref in [o.objgen for o in pdf.objects
                 if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]]
        assert (int(img.Width), int(img.Height)) == (400, 300)
        assert "/Filter" not in img and "/Decode" not in img  # raw pixels, true ink values
    before, after = render(str(src)), render(data)
    assert np.abs(before - after).mean() < 2.0  # the same picture (not its negative)


def test_rgb_photo_with_its_profile_renders_the_same(tmp_path: Path) -> None:
    src = panel(tmp_path, "RGB")
    data = lighter_pdf(src, lambda p, uu: 8)
    assert data is not None
    assert np.abs(render(str(src)) - render(data)).mean() < 2.0


def test_factor_keeps_a_pixel_per_render_pixel(tmp_path: Path) -> None:
    src = panel(tmp_path, "CMYK")  # 1600 px over 160 mm: 254 ppi
    seen = []
    lighter_pdf(src, lambda p, uu: seen.append(scale_for_render({1: 30 / 72})(p, uu)) or 1)
    assert seen == [8]  # 30 dpi wants 47 px across: 1600 / 8 = 200 ≥ 47
    seen.clear()
    lighter_pdf(src, lambda p, uu: seen.append(scale_for_render({1: 600 / 72})(p, uu)) or 1)
    assert seen == [1]  # 600 dpi wants 3780 px: no reduction
    seen.clear()
    lighter_pdf(src, lambda p, uu: seen.append(scale_for_render({1: 100 / 72})(p, uu)) or 1)
    assert seen == [2]  # 100 dpi wants 630 px: 1600 / 2 = 800 ≥ 630, 1600 / 4 = 400 < 630


def test_nothing_to_lighten_gives_none(tmp_path: Path) -> None:
    src = panel(tmp_path, "CMYK")
    assert lighter_pdf(src, lambda p, uu: 1) is None
