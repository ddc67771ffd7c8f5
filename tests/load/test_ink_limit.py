"""Photos converted to CMYK never carry more ink than the format allows, at any pixel of the
JPEG as a RIP decodes it: checked with Pillow and, independently, with Ghostscript."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from standpress.load import ink
from standpress.load.images import prepare_image
from standpress.load.ink import allowed_levels, encode_jpeg, encode_within_limit, limit_ink

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"


# --------------------------------------------------------------------------
# adversarial photos and an independent decoder (the benchmark uses them too)


def adversarial_photos(folder: Path, size: tuple[int, int] = (400, 300),
                       seed: int = 1) -> dict[str, Path]:
    """Photo files that push JPEG over an ink limit: name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    out = {}

    def save(name: str, array: np.ndarray, mode: str, suffix: str, **kw) -> None:
        out[name] = folder / f"{name}.{suffix}"
        Image.fromarray(array, mode).save(out[name], **kw)

    # saturated dark reds (sRGB), noisy: the profile takes them to its own TAC
    red = np.dstack([np.clip(rng.normal(90, 30, (h, w)), 30, 180),
                     np.clip(rng.normal(5, 5, (h, w)), 0, 40),
                     np.clip(rng.normal(10, 6, (h, w)), 0, 40)]).astype(np.uint8)
    save("dark-red", red, "RGB", "png")
    # rich black (sRGB near 0) with a few light specks
    k = np.clip(rng.normal(6, 4, (h, w)), 0, 30)
    k[rng.random((h, w)) < 0.01] = 230
    save("rich-black", np.dstack([k, k, k]).astype(np.uint8), "RGB", "png")
    # noisy high-ink texture in CMYK without a profile (values used as they are)
    save("noisy-cmyk", rng.integers(120, 256, (h, w, 4), dtype=np.uint8), "CMYK", "tif")
    # sharp edges between 0 % and 400 %: stripes off the 8-px grid, a fine checkerboard,
    # boxes of every size
    a = np.zeros((h, w), np.uint8)
    for x0 in range(3, w, 13):
        a[:, x0:x0 + 5] = 255
    a[h // 2:] = ((xx // 3 + yy // 3) % 2 * 255).astype(np.uint8)[h // 2:]
    for _ in range(40):
        x0, y0 = rng.integers(0, w - 20), rng.integers(0, h - 20)
        a[y0:y0 + rng.integers(1, 20), x0:x0 + rng.integers(1, 20)] ^= 255
    save("edges-0-400", np.dstack([a, a, a, a]), "CMYK", "tif")
    # a CMYK JPEG at 400 % (Adobe marker, as Photoshop writes them) with thin 0 % lines
    solid = np.full((h, w, 4), 255, np.uint8)
    solid[h // 3:h // 3 + 7] = 0
    solid[:, w // 2:w // 2 + 2] = 0
    save("cmyk-400", solid, "CMYK", "jpg", quality=95)
    return out


def gs_decode_jpeg(data: bytes, width: int, height: int) -> np.ndarray:
    """Ghostscript's CMYK pixels of a CMYK JPEG as a PDF embeds it (Adobe-inverted, so
    ``/Decode [1 0 …]``): one image on a page of 1 pt per pixel rendered at 72 dpi, so each
    device pixel is one image pixel (no resampling, no interpolation)."""
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, data)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceCMYK, pikepdf.Name.DCTDecode
    image.Decode = pikepdf.Array([1, 0] * 4)
    page = pdf.add_blank_page(page_size=(width, height))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())
    with tempfile.TemporaryDirectory() as tmp:
        pdf.save(Path(tmp) / "image.pdf")
        return _gs_cmyk(Path(tmp) / "image.pdf", 72, Path(tmp))[0]


def _gs_cmyk(pdf: Path, dpi: float, tmp: Path, *extra: str) -> list[np.ndarray]:
    """Every page of ``pdf`` rendered by Ghostscript to 8-bit CMYK (no interpolation)."""
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc",
                    "-sCompression=none", f"-r{dpi:g}", "-dInterpolateControl=0", *extra,
                    "-o", str(tmp / "page-%03d.tif"), str(pdf)], check=True)
    pages = []
    for path in sorted(tmp.glob("page-*.tif")):
        with Image.open(path) as im:
            assert im.mode == "CMYK"
            pages.append(np.asarray(im))
        path.unlink()
    return pages


def pillow_decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:  # Pillow undoes the Adobe inversion
        im.load()
        return np.asarray(im)


def peak(pixels: np.ndarray) -> int:
    """The largest C+M+Y+K of ``pixels``, in levels (255 = 100 %)."""
    return int(pixels.sum(axis=-1, dtype=np.int32).max())


# --------------------------------------------------------------------------
# the limiting itself


def test_limit_ink_lowers_cmy_keeps_k_and_leaves_light_pixels():
    img = Image.new("CMYK", (2, 1))
    img.putpixel((0, 0), (230, 230, 230, 250))  # 370 %
    img.putpixel((1, 0), (40, 30, 20, 10))       # 39 %
    out = limit_ink(img, 290)
    c, m, y, k = out.getpixel((0, 0))
    assert k == 250 and (c + m + y + k) / 255 * 100 <= 290.01
    assert out.getpixel((1, 0)) == (40, 30, 20, 10)


def test_limit_ink_lowers_k_only_where_k_alone_is_over_the_limit():
    img = Image.new("CMYK", (1, 1), (100, 100, 100, 255))
    assert limit_ink(img, 90).getpixel((0, 0)) == (0, 0, 0, 229)


def test_allowed_levels_keep_a_decoders_rounding_free():
    assert allowed_levels(300) == 765 - 4
    assert allowed_levels(260) == 663 - 4


# --------------------------------------------------------------------------
# the prepared photo, decoded by Pillow and by Ghostscript


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory) -> dict[str, Path]:
    return adversarial_photos(tmp_path_factory.mktemp("adversarial"))


@pytest.mark.parametrize("limit", [300, 260])
@pytest.mark.parametrize("name", ["dark-red", "rich-black", "noisy-cmyk", "edges-0-400",
                                  "cmyk-400"])
def test_no_decoded_pixel_of_a_prepared_photo_is_over_the_limit(adversarial, name, limit):
    # 80×60 mm at 150 ppi is 472×354 px: the 400×300 px photos are kept pixel for pixel
    # (no resampling to soften their edges)
    prepared = prepare_image(adversarial[name], box_mm=(80, 60), target_ppi=150,
                             output_profile=PROFILE, ink_limit=limit)
    assert prepared.mode == "CMYK" and prepared.invert_cmyk
    mine = pillow_decode(prepared.data)
    theirs = gs_decode_jpeg(prepared.data, prepared.pixel_width, prepared.pixel_height)
    assert theirs.shape == mine.shape
    # the slack kept for another decoder assumes at most one level a channel between
    # conforming IDCTs; these two (libjpeg-turbo, IJG libjpeg) agree exactly
    assert np.abs(mine.astype(int) - theirs.astype(int)).max() <= 1
    ceiling = limit * 255 / 100
    assert peak(mine) <= allowed_levels(limit) < ceiling
    assert peak(theirs) <= allowed_levels(limit) < ceiling
    if name != "dark-red":  # (the dark reds are within even 260 % once converted)
        assert peak(mine) > ceiling - 0.1 * 255, "the photo should reach near the limit"


def test_a_dark_real_photo_resampled_is_within_the_limit(root):
    prepared = prepare_image(root / "data" / "photos" / "ferns-from-above.jpg",
                             box_mm=(120, 90), target_ppi=150, output_profile=PROFILE,
                             ink_limit=260)
    theirs = gs_decode_jpeg(prepared.data, prepared.pixel_width, prepared.pixel_height)
    assert peak(theirs) <= allowed_levels(260)
    assert peak(pillow_decode(prepared.data)) <= allowed_levels(260)


def test_photos_within_the_limit_are_not_touched_and_encode_as_without_a_limit():
    rng = np.random.default_rng(5)
    light = rng.integers(0, 120, (64, 80, 4), dtype=np.uint8)  # ≤ 188 % at any pixel
    img = Image.fromarray(light, "CMYK")
    result = encode_within_limit(img, 300)
    assert np.array_equal(np.asarray(result.image), light)
    assert result.data == encode_jpeg(img) and result.blocks == 0 and result.passes == 1


def test_colours_move_beyond_the_plain_limit_only_in_blocks_jpeg_pushed_over():
    rng = np.random.default_rng(7)
    pixels = rng.integers(120, 256, (200, 320, 4), dtype=np.uint8)  # noisy, high ink
    pixels[:, 160:] = np.linspace(0, 150, 160, dtype=np.uint8)[None, :, None]  # light
    src = Image.fromarray(pixels, "CMYK")
    result = encode_within_limit(src, 300)
    plain = np.asarray(limit_ink(src, allowed_levels(300) * 100 / 255))
    moved = np.any(np.asarray(result.image) != plain, axis=2)
    blocks = moved.reshape(25, 8, 40, 8).any(axis=(1, 3))
    assert 0 < blocks.sum() <= result.blocks
    assert not blocks[:, 20:].any(), "a light block was moved"
    # and only downwards: no pixel carries more ink than the plain limit gave it
    assert (np.asarray(result.image).astype(int) - plain.astype(int)).max() <= 0
    assert peak(pillow_decode(result.data)) <= allowed_levels(300)


def test_blocks_limited_apart_decode_as_in_the_photo_even_at_odd_edges():
    """The blocks limited again are encoded on their own (a mosaic); padded as libjpeg pads
    the right and bottom edges, they decode as they do in the photo, so the photo's second
    encoding is its last (``passes == 2``)."""
    rng = np.random.default_rng(11)
    src = Image.fromarray(rng.integers(120, 256, (299, 403, 4), dtype=np.uint8), "CMYK")
    result = encode_within_limit(src, 260)
    assert result.blocks > 0 and result.flat == 0 and result.passes == 2
    assert peak(pillow_decode(result.data)) <= allowed_levels(260)


def _worst_blocks(rng: np.random.Generator, n: int) -> np.ndarray:
    """Blocks (N × 8 × 8 × 4) JPEG rounds worst: noise between the extremes, each DCT
    basis function at full swing, checkerboards and single-pixel spikes."""
    x = np.arange(8)
    cos = np.cos((2 * x[:, None] + 1) * x[None, :] * np.pi / 16)
    blocks = [rng.choice(np.array([0, 255], np.uint8), (n, 8, 8, 4)),
              rng.integers(0, 256, (n, 8, 8, 4), dtype=np.uint8),
              rng.choice(np.array([64, 192], np.uint8), (n, 8, 8, 4))]  # (never clamped)
    for u in range(8):
        for v in range(8):
            wave = np.outer(cos[:, u], cos[:, v])
            wave = (wave - wave.min()) / max(np.ptp(wave), 1e-9) * 255
            blocks.append(np.repeat(wave.astype(np.uint8)[None, :, :, None], 4, axis=3))
            blocks.append(255 - blocks[-1])
    checker = ((x[:, None] + x[None, :]) % 2 * 255).astype(np.uint8)
    blocks.append(np.repeat(checker[None, :, :, None], 4, axis=3))
    spike = np.zeros((8, 8, 4), np.uint8)
    spike[3, 4] = 255
    blocks.append(spike[None])
    return np.concatenate([b.reshape(-1, 8, 8, 4) for b in blocks])


def test_no_block_decodes_further_from_its_pixels_than_the_quantisation_bound():
    """The bound that spares most blocks a decoding is a bound: no block, however hostile,
    decodes further from what was encoded (C+M+Y+K, and a quarter of it a channel)."""
    rng = np.random.default_rng(3)
    blocks = _worst_blocks(rng, 4000)
    cols = 64
    rows = -(-len(blocks) // cols)
    tiles = np.zeros((rows * cols, 8, 8, 4), np.uint8)
    tiles[:len(blocks)] = blocks
    photo = tiles.reshape(rows, cols, 8, 8, 4).swapaxes(1, 2).reshape(rows * 8, cols * 8, 4)
    decoded = pillow_decode(encode_jpeg(Image.fromarray(np.ascontiguousarray(photo), "CMYK")))
    bound = ink.quantisation_bound()
    error = decoded.astype(np.int32) - photo.astype(np.int32)
    assert np.abs(error).max() <= bound // 4
    assert error.sum(axis=-1).max() <= bound


def test_blocks_checked_apart_give_the_bytes_of_the_whole_photo_decoded(monkeypatch):
    """Only the blocks near the limit are decoded (in a mosaic): the JPEG is the one that
    decoding the whole photo each pass gives, byte for byte, at odd edges too."""
    rng = np.random.default_rng(13)
    pixels = rng.integers(0, 90, (203, 301, 4), dtype=np.uint8)  # light: far from 300 %
    pixels[40:72, 100:140] = rng.integers(150, 256, (32, 40, 4), dtype=np.uint8)  # dark
    pixels[195:, 290:] = rng.integers(170, 256, (8, 11, 4), dtype=np.uint8)  # in the corner
    fast = encode_within_limit(pixels, 300)
    assert not fast.decoded and fast.blocks > 0 and fast.passes == 2
    monkeypatch.setattr(ink, "NEAR_SHARE", -1.0)  # every block "too many": decode it whole
    whole = encode_within_limit(pixels, 300)
    assert whole.decoded and whole.data == fast.data
    assert peak(pillow_decode(fast.data)) <= allowed_levels(300) <= fast.peak


def test_a_photo_far_below_the_limit_is_not_decoded_at_all():
    rng = np.random.default_rng(17)
    light = rng.integers(0, 130, (120, 160, 4), dtype=np.uint8)  # ≤ 204 %: 761 − 212 = 549
    result = encode_within_limit(light, 300)
    assert not result.decoded and result.passes == 1 and result.blocks == 0
    assert peak(pillow_decode(result.data)) <= result.peak <= allowed_levels(300)


def test_the_same_photo_gives_the_same_bytes(adversarial):
    src = Image.open(adversarial["edges-0-400"])
    src.load()
    assert encode_within_limit(src, 260).data == encode_within_limit(src, 260).data


def test_blocks_still_over_after_the_last_round_are_made_flat_and_within(adversarial,
                                                                         monkeypatch):
    monkeypatch.setattr(ink, "MAX_ROUNDS", 0)  # no rounds: every block over goes flat
    src = Image.open(adversarial["noisy-cmyk"])
    src.load()
    result = encode_within_limit(src, 260)
    assert result.flat > 0 and result.flat == result.blocks
    assert peak(pillow_decode(result.data)) <= allowed_levels(260)
    assert peak(gs_decode_jpeg(result.data, src.width, src.height)) <= allowed_levels(260)


# --------------------------------------------------------------------------
# end to end: a campaign built to PDF, rendered by Ghostscript


def _ink_campaign(folder: Path, limit: int) -> Path:
    """The sample campaign's Holosiivskyi stand as an A3 panel (ink ``limit``, 200 ppi)
    whose three cases all show one CMYK JPEG at 400 % with noise and sharp edges."""
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(ROOT / name, folder / name)
    text = (ROOT / "locations.toml").read_text(encoding="utf-8")
    at = text.index('id = "holosiivskyi-park"')
    at = text.index('format = "citylight"', at)
    text = text[:at] + 'format = "a3"' + text[at + len('format = "citylight"'):]
    a3 = text.index("[format.a3]")
    end = text.index("\n[", a3 + 1)
    block = text[a3:end].replace("ink_limit = 300", f"ink_limit = {limit}")
    assert f"ink_limit = {limit}" in block and "target_ppi = 200" in block
    (folder / "locations.toml").write_text(text[:a3] + block + text[end:], encoding="utf-8")

    rng = np.random.default_rng(3)
    h, w = 1800, 2400
    photo = rng.integers(150, 256, (h, w, 4), dtype=np.uint8)  # noisy, 240‒400 %
    photo[:, :w // 3] = 255  # 400 %
    yy, xx = np.mgrid[0:h, 0:w]
    check = ((xx // 5 + yy // 7) % 2 * 255).astype(np.uint8)[:, :, None]
    photo[h // 2:, w // 3:2 * w // 3] = check[h // 2:, w // 3:2 * w // 3]  # 0 / 400 %
    photo[:h // 2, 2 * w // 3:] = 0
    (folder / "data" / "photos").mkdir(parents=True)
    Image.fromarray(photo, "CMYK").save(folder / "data" / "photos" / "ink.jpg", quality=92)

    with open(ROOT / "tests" / "data" / "small" / "cases.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["district"] == "Голосіївський"]
    assert rows
    with open(folder / "data" / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        for row in rows:
            out.writerow(row | {"photo": "photos/ink.jpg", "photo_credit": "Фото: тест"})
    return folder


def _images_ppi(pdf: Path) -> list[float]:
    """x-ppi and y-ppi of every image on the pages of ``pdf``, by poppler's pdfimages."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    return [float(v) for line in listing for v in line.split()[12:14]]


def test_no_pixel_of_a_built_panel_is_over_the_limit_in_a_ghostscript_render(tmp_path):
    limit = 260
    campaign = _ink_campaign(tmp_path / "campaign", limit)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    run = subprocess.run(
        [sys.executable, "-m", "standpress.cli", "build", "--cases", "data/cases.csv",
         "--locations", "locations.toml", "--out", str(out), "--only", "holosiivskyi-park",
         "--jobs", "1", "--no-check", "--no-site", "--no-svg", "--no-cache", "--quiet"],
        cwd=campaign, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    panels, seen = [], set()
    for pdf in sorted(out.rglob("*.pdf")):
        digest = hashlib.sha256(pdf.read_bytes()).digest()
        if digest not in seen:
            seen.add(digest)
            panels.append(pdf)
    photos = 0
    for pdf in panels:
        ppi = _images_ppi(pdf)
        if not ppi:
            continue
        photos += 1
        # a little finer than the photos' own resolution (pdfimages rounds it): each device
        # pixel shows one image pixel (no interpolation, no averaging) and each image pixel
        # covers the centre of at least one device pixel, so a pixel over the limit would show
        dpi = math.ceil(max(ppi) * 1.05)
        with tempfile.TemporaryDirectory() as tmp:
            pages = _gs_cmyk(pdf, dpi, Path(tmp), "-dUseTrimBox")
        for number, page in enumerate(pages, 1):
            assert peak(page) <= limit * 255 / 100, (
                f"{pdf.name} p. {number}: {peak(page) / 2.55:.2f} % at {dpi:g} dpi, "
                f"over {limit} %")
        assert max(map(peak, pages)) > (limit - 10) * 255 / 100, f"{pdf.name}: no photo ink"
    assert photos, "no panel with a photo was built"
