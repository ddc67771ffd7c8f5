"""The lighter copy previews and QR renders are made from: same picture, fewer pixels."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image as PILImage

from standpress.check import check_pdf
from standpress.pdfread import Lighter, lighter_pdf, scale_for_render
from standpress.pdfread import lighten
from standpress.layout.frame import Image

from test_preflight import BLEED, H, W, build, errors_of, expect, pytestmark  # noqa: F401


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


def test_one_lighter_copy_serves_every_render_that_asks_no_more(tmp_path: Path, monkeypatch) -> None:
    src = panel(tmp_path, "CMYK")  # 1600 px over 160 mm: 254 ppi
    made = []
    real = lighten.lighter_pdf
    monkeypatch.setattr(lighten, "lighter_pdf", lambda *a: made.append(1) or real(*a))
    shared = Lighter(src)
    shared.need(1, 50 / 72)  # the ink render, 50 dpi
    first = shared.data()
    shared.need(1, 30 / 72)  # the previews: coarser, served by the same copy
    shared.need(1, 0.0)  # the QR render: the photos' detail does not matter
    assert shared.data() is first and len(made) == 1 and shared.reduction == 4
    shared.need(1, 200 / 72)  # finer than the copy: made again, never fewer pixels than asked
    assert shared.data() is not first and len(made) == 2 and shared.reduction == 1


def cmyk_photo_with_patch(patch: tuple[int, int, int, int]) -> bytes:
    """A 1600×1200 CMYK JPEG at 30 % per ink with a 300×300 px patch (a 30 mm square)."""
    im = PILImage.new("CMYK", (1600, 1200), (77, 77, 77, 77))
    im.paste(PILImage.new("CMYK", (300, 300), patch), (600, 400))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def test_ink_over_the_limit_inside_a_photo_is_found_in_the_lighter_copy(tmp_path: Path) -> None:
    hot = build(tmp_path / "hot.pdf", [[Image(20, 20, 160, 120, "photo.jpg")]],
                image=cmyk_photo_with_patch((204, 204, 204, 204)))  # 4 × 80 % = 320 %
    report = check_pdf(hot, expect(qr=[], texts=[]))
    detail = errors_of(report, "ink")
    assert "total ink 320 %" in detail or "total ink 319 %" in detail, detail
    # the patch is at 60–90 mm × 40–70 mm of the photo, placed at (20, 20) mm of the trim
    x, y = (float(v) for v in detail.split(" at ")[1].split(" mm")[0].split(", "))
    assert 79 <= x <= 111 and 59 <= y <= 91


def test_ink_within_the_limit_says_the_photos_were_read_smaller(tmp_path: Path) -> None:
    calm = build(tmp_path / "calm.pdf", [[Image(20, 20, 160, 120, "photo.jpg")]],
                 image=cmyk_photo_with_patch((179, 179, 179, 179)))  # 4 × 70 % = 280 %
    report = check_pdf(calm, expect(qr=[], texts=[]))
    assert report.status("ink") == "ok"
    [ok] = [f.detail for f in report.findings if f.check == "ink"]
    assert ok.startswith("max 28") and "photos read at 1/4" in ok, ok
