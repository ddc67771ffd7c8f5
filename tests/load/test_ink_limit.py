"""Photos converted to CMYK never carry more ink than the format allows, even after JPEG."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from standpress.load.images import limit_ink, prepare_image


def test_limit_ink_lowers_cmy_keeps_k_and_leaves_light_pixels():
    img = Image.new("CMYK", (2, 1))
    img.putpixel((0, 0), (230, 230, 230, 250))  # 370 %
    img.putpixel((1, 0), (40, 30, 20, 10))       # 39 %
    out = limit_ink(img, 290)
    c, m, y, k = out.getpixel((0, 0))
    assert k == 250 and (c + m + y + k) / 255 * 100 <= 290.01
    assert out.getpixel((1, 0)) == (40, 30, 20, 10)


def test_prepared_photo_stays_under_the_limit_after_jpeg(tmp_path, root):
    # deep, noisy shadows: the worst case for JPEG overshoot
    src = Image.effect_noise((400, 300), 60).convert("RGB").point(lambda v: v // 6)
    path = tmp_path / "dark.jpg"
    src.save(path, quality=95)
    prepared = prepare_image(path, box_mm=(100, 75), target_ppi=100,
                             output_profile=root / "profiles" / "FOGRA39L_300.icc",
                             ink_limit=300)
    decoded = Image.open(io.BytesIO(prepared.data))
    decoded.load()
    # Pillow decodes Adobe CMYK JPEGs inverted back to ink values
    worst = np.asarray(decoded).astype(int).sum(axis=2).max() / 255 * 100
    assert worst <= 301, worst
