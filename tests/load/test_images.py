"""Tests for standpress.load.images: real files made with Pillow in tmp_path."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms, ImageFile
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from standpress.errors import InputError
from standpress.load.images import PreparedImage, prepare_image

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
ADOBE_RGB = Path("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc")
SRGB_FILE = Path("/usr/share/color/icc/sRGB.icc")
TOL = 4  # JPEG round trip, 8-bit


# ---------------------------------------------------------------- helpers


def prep(path: Path, **kw) -> PreparedImage:
    kw.setdefault("box_mm", (100.0, 100.0))
    kw.setdefault("target_ppi", 150)
    kw.setdefault("output_profile", PROFILE)
    return prepare_image(path, **kw)


def decoded(result: PreparedImage) -> Image.Image:
    with Image.open(io.BytesIO(result.data)) as img:
        img.load()
        return img


def expected_cmyk(rgb: tuple[int, int, int], icc: bytes | None = None) -> tuple[int, ...]:
    """What the module's transform should give for one pixel."""
    src = (ImageCms.ImageCmsProfile(io.BytesIO(icc)) if icc
           else ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")))
    t = ImageCms.buildTransform(
        src, ImageCms.getOpenProfile(str(PROFILE)), "RGB", "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )
    return ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), t).getpixel((0, 0))


def close(a, b, tol: int = TOL) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def write_png(path: Path, width: int, height: int, depth: int, colour_type: int,
              raw: bytes) -> None:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                     + png_chunk(b"IDAT", zlib.compress(raw))
                     + png_chunk(b"IEND", b""))


def strip_app14(data: bytes) -> bytes:
    i = data.find(b"\xff\xee")
    assert i > 0, "Pillow no longer writes an Adobe APP14 marker for CMYK?"
    n = int.from_bytes(data[i + 2:i + 4], "big")
    return data[:i] + data[i + 2 + n:]


def jpeg(path: Path, img: Image.Image, **kw) -> Path:
    img.save(path, "JPEG", quality=95, **kw)
    return path


# ---------------------------------------------------------------- geometry, sRGB


def test_srgb_jpeg_becomes_cmyk_at_box_times_ppi(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "red.jpg", Image.new("RGB", (3000, 2000), (255, 0, 0)))
    r = prep(src, box_mm=(200, 100))
    assert (r.pixel_width, r.pixel_height) == (round(200 / 25.4 * 150), round(100 / 25.4 * 150))
    assert r.mode == "CMYK" and r.icc is None and r.invert_cmyk
    assert r.effective_ppi == pytest.approx(150, abs=0.2)
    assert r.source_ppi == pytest.approx(1500 / (100 / 25.4))  # 2:1 crop of 3000×2000
    assert r.crop == (0.0, 250.0, 3000.0, 1750.0)
    img = decoded(r)
    assert img.mode == "CMYK" and img.size == (r.pixel_width, r.pixel_height)
    assert close(img.getpixel((500, 300)), expected_cmyk((255, 0, 0)))
    assert any("assumed sRGB" in w and "red.jpg" in w for w in r.warnings)


def test_encoding_is_plain_deterministic_4_4_4(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "p.jpg", Image.radial_gradient("L").resize((800, 800)).convert("RGB"))
    a, b = prep(src, box_mm=(50, 50)), prep(src, box_mm=(50, 50))
    assert a.data == b.data
    img = decoded(a)
    assert all(h == 1 and v == 1 for _, h, v, _ in img.layer)  # no subsampling
    assert "progressive" not in img.info and "exif" not in img.info
    assert "icc_profile" not in img.info
    assert img.info.get("adobe") is not None  # Pillow writes APP14 for CMYK


def test_focus_moves_the_cover_crop(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "wide.jpg", Image.new("RGB", (3000, 1000), (0, 0, 255)))
    left = prep(src, box_mm=(50, 50), focus=(0.0, 0.5))
    right = prep(src, box_mm=(50, 50), focus=(1.0, 0.5))
    mid = prep(src, box_mm=(50, 50))
    assert left.crop == (0.0, 0.0, 1000.0, 1000.0)
    assert right.crop == (2000.0, 0.0, 3000.0, 1000.0)
    assert mid.crop == (1000.0, 0.0, 2000.0, 1000.0)


def test_big_jpeg_is_draft_decoded_but_crop_is_in_source_pixels(tmp_path: Path) -> None:
    img = Image.new("RGB", (6000, 4000), (255, 255, 255))
    img.paste((0, 0, 0), (0, 0, 3000, 4000))  # left half black
    src = jpeg(tmp_path / "big.jpg", img)
    r = prep(src, box_mm=(60, 40), target_ppi=100)
    assert (r.pixel_width, r.pixel_height) == (236, 157)
    assert r.crop == pytest.approx((0.0, 0.0, 6000.0, 4000.0), abs=0.01)
    assert r.source_ppi == pytest.approx(6000 / (60 / 25.4))
    out = decoded(r)
    assert close(out.getpixel((10, 80)), expected_cmyk((0, 0, 0)), 6)
    assert out.getpixel((225, 80)) == pytest.approx((0, 0, 0, 0), abs=3)


def test_tiny_image_is_not_upsampled_and_low_ppi_is_reported(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "tiny.jpg", Image.new("RGB", (100, 50), (0, 128, 0)))
    r = prep(src, box_mm=(200, 100))
    assert (r.pixel_width, r.pixel_height) == (100, 50)
    assert r.effective_ppi == pytest.approx(100 / (200 / 25.4))
    assert r.source_ppi == pytest.approx(r.effective_ppi)
    assert any("tiny.jpg" in w and "below 70 ppi" in w for w in r.warnings)


def test_moderately_low_ppi_warns_below_100(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "mid.jpg", Image.new("RGB", (354, 354), (9, 9, 9)))  # 90 ppi
    r = prep(src, box_mm=(100, 100))
    assert r.effective_ppi == pytest.approx(89.9, abs=0.1)
    assert any("below 100 ppi" in w for w in r.warnings)
    assert not any("below 70" in w for w in r.warnings)


# ---------------------------------------------------------------- orientation


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    stored = Image.new("RGB", (400, 200), (255, 255, 255))
    stored.paste((255, 0, 0), (0, 0, 60, 60))  # red block, stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise
    src = jpeg(tmp_path / "rot.jpg", stored, exif=exif)
    r = prep(src, box_mm=(200 / 150 * 25.4, 400 / 150 * 25.4))  # exactly 200×400 px
    assert (r.pixel_width, r.pixel_height) == (200, 400)  # portrait now
    out = decoded(r)
    red = expected_cmyk((255, 0, 0))
    assert close(out.getpixel((185, 15)), red, 8)  # top-right after rotation
    assert out.getpixel((15, 15)) == pytest.approx((0, 0, 0, 0), abs=3)
    # a rotated JPEG never passes through untouched
    assert prep(src, box_mm=(20, 40), mode="passthrough").mode == "CMYK"


# ---------------------------------------------------------------- colour sources


@pytest.mark.skipif(not ADOBE_RGB.exists(), reason="icc-profiles-free not installed")
def test_embedded_adobe_rgb_profile_is_honoured(tmp_path: Path) -> None:
    icc = ADOBE_RGB.read_bytes()
    green = Image.new("RGB", (300, 300), (0, 200, 0))
    tagged = jpeg(tmp_path / "adobe.jpg", green, icc_profile=icc)
    plain = jpeg(tmp_path / "plain.jpg", green)
    a = decoded(prep(tagged, box_mm=(20, 20))).getpixel((50, 50))
    s = decoded(prep(plain, box_mm=(20, 20))).getpixel((50, 50))
    assert close(a, expected_cmyk((0, 200, 0), icc))
    assert close(s, expected_cmyk((0, 200, 0)))
    assert not close(a, s)  # the profile made a difference


def test_profile_for_the_wrong_space_is_ignored_with_warning(tmp_path: Path) -> None:
    gray_icc = Path("/usr/share/color/icc/Gray.icc")
    if not gray_icc.exists():
        pytest.skip("Gray.icc not installed")
    src = jpeg(tmp_path / "odd.jpg", Image.new("RGB", (200, 200), (0, 0, 255)),
               icc_profile=gray_icc.read_bytes())
    r = prep(src, box_mm=(20, 20))
    assert close(decoded(r).getpixel((5, 5)), expected_cmyk((0, 0, 255)))
    assert any("not RGB; ignored" in w for w in r.warnings)


def test_gray_stays_gray(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "gray.jpg", Image.new("L", (500, 500), 100))
    r = prep(src, box_mm=(50, 50))
    assert r.mode == "L" and not r.invert_cmyk
    img = decoded(r)
    assert img.mode == "L" and abs(img.getpixel((10, 10)) - 100) <= 2


def test_palette_with_transparency_flattens_onto_background(tmp_path: Path) -> None:
    img = Image.new("P", (200, 100), 0)
    img.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    img.paste(1, (100, 0, 200, 100))  # right half red, left half index 0
    src = tmp_path / "pal.png"
    img.save(src, transparency=0)  # index 0 transparent
    bg = (0.2, 0.4, 0.6, 0.1)
    r = prep(src, box_mm=(200 / 150 * 25.4, 100 / 150 * 25.4), background_cmyk=bg)
    out = decoded(r)
    assert out.mode == "CMYK"
    assert close(out.getpixel((20, 50)), tuple(round(v * 255) for v in bg))
    assert close(out.getpixel((180, 50)), expected_cmyk((255, 0, 0)))


def test_rgba_png_alpha_flattened_in_cmyk(tmp_path: Path) -> None:
    img = Image.new("RGBA", (300, 100), (0, 0, 255, 0))
    img.paste((0, 0, 255, 255), (100, 0, 200, 100))  # opaque blue
    img.paste((0, 0, 255, 128), (200, 0, 300, 100))  # half transparent blue
    src = tmp_path / "alpha.png"
    img.save(src)
    bg = (0.0, 0.0, 0.0, 0.5)
    r = prep(src, box_mm=(300 / 150 * 25.4, 100 / 150 * 25.4), background_cmyk=bg)
    out = decoded(r)
    assert (r.pixel_width, r.pixel_height) == (300, 100)
    blue = expected_cmyk((0, 0, 255))
    assert close(out.getpixel((40, 50)), (0, 0, 0, 128))  # exactly the background
    assert close(out.getpixel((150, 50)), blue)
    half = tuple(round((b * 128 + g * 127) / 255) for b, g in zip(blue, (0, 0, 0, 128)))
    assert close(out.getpixel((250, 50)), half, 5)


def test_gray_alpha_on_k_only_background_stays_gray(tmp_path: Path) -> None:
    img = Image.new("LA", (100, 100), (0, 0))
    img.paste((30, 255), (50, 0, 100, 100))
    src = tmp_path / "la.png"
    img.save(src)
    r = prep(src, box_mm=(100 / 150 * 25.4, 100 / 150 * 25.4), background_cmyk=(0, 0, 0, 0.2))
    out = decoded(r)
    assert out.mode == "L"
    assert abs(out.getpixel((10, 50)) - 204) <= 2  # DeviceGray 0.8 = K 20 %
    assert abs(out.getpixel((90, 50)) - 30) <= 2


def test_16_bit_gray_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    img = Image.new("I;16", (200, 100), 32896)  # 50 % of 65535
    img.paste(65535, (100, 0, 200, 100))
    src = tmp_path / "g16.png"
    img.save(src)
    with Image.open(src) as check:
        assert check.mode.startswith("I")
    out = decoded(prep(src, box_mm=(200 / 150 * 25.4, 100 / 150 * 25.4)))
    assert out.mode == "L"
    assert abs(out.getpixel((50, 50)) - 128) <= 2
    assert out.getpixel((150, 50)) >= 253


def test_16_bit_rgb_png(tmp_path: Path) -> None:
    w, h = 60, 40
    row = b"\x00" + struct.pack(">HHH", 65535, 0, 0) * w  # filter 0, red
    src = tmp_path / "rgb16.png"
    write_png(src, w, h, 16, 2, row * h)
    r = prep(src, box_mm=(w / 150 * 25.4, h / 150 * 25.4))
    assert r.mode == "CMYK" and (r.pixel_width, r.pixel_height) == (60, 40)
    assert close(decoded(r).getpixel((30, 20)), expected_cmyk((255, 0, 0)))


# ---------------------------------------------------------------- CMYK sources


def test_cmyk_jpeg_without_profile_keeps_its_values(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "cmyk.jpg", Image.new("CMYK", (300, 300), (200, 100, 50, 25)))
    r = prep(src, box_mm=(20, 20))
    assert r.mode == "CMYK" and r.invert_cmyk
    assert close(decoded(r).getpixel((20, 20)), (200, 100, 50, 25))
    assert any("without a usable ICC profile" in w for w in r.warnings)


def test_cmyk_jpeg_tagged_with_output_profile_keeps_values(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "cmykp.jpg", Image.new("CMYK", (300, 300), (10, 200, 30, 0)),
               icc_profile=PROFILE.read_bytes())
    r = prep(src, box_mm=(20, 20))
    assert close(decoded(r).getpixel((20, 20)), (10, 200, 30, 0))
    assert not r.warnings


def test_cmyk_jpeg_with_other_cmyk_profile_is_converted(tmp_path: Path) -> None:
    other = PROFILE.read_bytes().replace(b"FOGRA39L coated", b"FOGRA39X coated", 1)
    assert other != PROFILE.read_bytes()
    src = jpeg(tmp_path / "other.jpg", Image.new("CMYK", (300, 300), (0, 0, 0, 0)),
               icc_profile=other)
    r = prep(src, box_mm=(20, 20))
    assert r.mode == "CMYK" and not r.warnings
    assert close(decoded(r).getpixel((20, 20)), (0, 0, 0, 0))  # paper white stays white


def test_cmyk_jpeg_polarity_follows_adobe_marker(tmp_path: Path) -> None:
    """Adobe APP14 present = inverted storage (Pillow's writer); absent = plain."""
    buf = io.BytesIO()
    Image.new("CMYK", (300, 300), (200, 100, 50, 25)).save(buf, "JPEG", quality=95)
    stored = buf.getvalue()
    assert b"Adobe" in stored[:64]
    plain = tmp_path / "noapp14.jpg"
    plain.write_bytes(strip_app14(stored))
    # Pillow itself inverts regardless of the marker …
    with Image.open(plain) as pillow_view:
        assert close(pillow_view.getpixel((5, 5)), (200, 100, 50, 25))
    # … we read marker-less data as plain, so the stored bytes mean 255 - v.
    r = prep(plain, box_mm=(20, 20))
    assert close(decoded(r).getpixel((20, 20)), (55, 155, 205, 230))


@pytest.mark.skipif(shutil.which("gs") is None, reason="ghostscript not installed")
def test_reportlab_embeds_prepared_cmyk_with_decode_and_gs_reads_it_right(
    tmp_path: Path,
) -> None:
    """The invert_cmyk contract, end to end: ReportLab adds /Decode, gs agrees."""
    src = jpeg(tmp_path / "c.jpg", Image.new("CMYK", (300, 300), (200, 100, 50, 25)))
    r = prep(src, box_mm=(20, 20))
    assert r.invert_cmyk
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(100, 100), invariant=1)
    c.drawImage(ImageReader(io.BytesIO(r.data)), 0, 0, 100, 100)
    c.showPage()
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert list(image.Decode) == [1, 0, 1, 0, 1, 0, 1, 0]
        extracted = io.BytesIO()
        assert pikepdf.PdfImage(image).extract_to(stream=extracted) == ".jpg"
        assert extracted.getvalue() == r.data  # embedded as is, DCTDecode
    pdf_path, tif = tmp_path / "img.pdf", tmp_path / "img.tif"
    pdf_path.write_bytes(buf.getvalue())
    subprocess.run(["gs", "-q", "-dSAFER", "-o", str(tif), "-sDEVICE=tiff32nc", "-r72",
                    str(pdf_path)], check=True)
    with Image.open(tif) as rendered:
        assert close(rendered.getpixel((50, 50)), (200, 100, 50, 25))


# ---------------------------------------------------------------- passthrough


def test_passthrough_embeds_original_bytes_with_srgb_tag(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "pt.jpg", Image.new("RGB", (1200, 800), (10, 120, 200)))
    r = prep(src, box_mm=(100, 100), mode="passthrough")
    assert r.data == src.read_bytes()
    assert r.mode == "RGB" and not r.invert_cmyk
    assert (r.pixel_width, r.pixel_height) == (1200, 800)
    assert r.crop == (200.0, 0.0, 1000.0, 800.0)
    assert r.effective_ppi == pytest.approx(800 / (100 / 25.4))
    prof = ImageCms.ImageCmsProfile(io.BytesIO(r.icc))
    assert prof.profile.xcolor_space.strip() == "RGB"
    assert any("tagged as sRGB" in w for w in r.warnings)


@pytest.mark.skipif(not ADOBE_RGB.exists(), reason="icc-profiles-free not installed")
def test_passthrough_keeps_embedded_profile_and_progressive(tmp_path: Path) -> None:
    icc = ADOBE_RGB.read_bytes()
    src = jpeg(tmp_path / "prog.jpg", Image.new("RGB", (600, 600), (1, 2, 3)),
               icc_profile=icc, progressive=True)
    r = prep(src, box_mm=(100, 100), mode="passthrough")
    assert r.data == src.read_bytes() and r.icc == icc and not r.warnings


def test_passthrough_gray_jpeg_and_fallbacks(tmp_path: Path) -> None:
    gray = jpeg(tmp_path / "g.jpg", Image.new("L", (600, 600), 77))
    r = prep(gray, box_mm=(100, 100), mode="passthrough")
    assert r.mode == "L" and r.icc is None and r.data == gray.read_bytes()
    png = tmp_path / "x.png"
    Image.new("RGB", (600, 600), (1, 2, 3)).save(png)
    assert prep(png, box_mm=(100, 100), mode="passthrough").mode == "CMYK"
    cmyk = jpeg(tmp_path / "c.jpg", Image.new("CMYK", (600, 600), (1, 2, 3, 4)))
    r = prep(cmyk, box_mm=(100, 100), mode="passthrough")
    assert r.mode == "CMYK" and r.data != cmyk.read_bytes()


def test_passthrough_refuses_truncated_jpeg(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "cut.jpg", Image.effect_noise((800, 800), 60).convert("RGB"))
    src.write_bytes(src.read_bytes()[:5000])
    with pytest.raises(InputError, match="cut.jpg"):
        prep(src, mode="passthrough")


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        prep(tmp_path / "nothere.jpg")
    err = info.value
    assert "nothere.jpg" in str(err) and "not found" in str(err)
    assert err.exit_code == 2
    assert err.problems[0].file.endswith("nothere.jpg") and err.problems[0].hint


def test_text_file_named_jpg(tmp_path: Path) -> None:
    src = tmp_path / "notes.jpg"
    src.write_text("this is not a photo\n")
    with pytest.raises(InputError, match=r"notes\.jpg.*not an image"):
        prep(src)


def test_truncated_jpeg(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "trunc.jpg", Image.effect_noise((800, 800), 60).convert("RGB"))
    src.write_bytes(src.read_bytes()[:6000])
    with pytest.raises(InputError, match=r"trunc\.jpg.*truncated or corrupt"):
        prep(src)


def test_bomb_refused_from_header_before_decoding(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "bomb.png"
    write_png(src, 50_000, 50_000, 8, 0, b"\x00" * 100)  # header claims 2.5 Gpx

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the pixels were decoded: the header alone must refuse it")

    monkeypatch.setattr(Image.Image, "load", no_decoding)  # instead of timing the refusal
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(InputError, match=r"bomb\.png.*pixels allowed"):
        prep(src)


def test_own_pixel_limit_applies(tmp_path: Path) -> None:
    src = tmp_path / "big.png"
    write_png(src, 3000, 2000, 8, 0, b"\x00" * 10)  # 6 Mpx claimed
    with pytest.raises(InputError, match=r"3000×2000 px has more than the 1,000,000"):
        prep(src, max_pixels=1_000_000)


def test_header_between_pillow_warning_and_our_limit_is_decoded_and_fails(
    tmp_path: Path,
) -> None:
    """100 Mpx: above Pillow's warning level, below 120 Mpx; data is missing."""
    src = tmp_path / "hundred.png"
    write_png(src, 10_000, 10_000, 8, 0, b"\x00" * 10)
    with pytest.raises(InputError, match="truncated or corrupt"):
        prep(src)


def test_output_profile_must_be_cmyk_printer(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "a.jpg", Image.new("RGB", (10, 10)))
    if not SRGB_FILE.exists():
        pytest.skip("sRGB.icc not installed")
    with pytest.raises(InputError, match="not a CMYK output"):
        prep(src, output_profile=SRGB_FILE)


def test_bad_arguments_are_value_errors(tmp_path: Path) -> None:
    src = jpeg(tmp_path / "a.jpg", Image.new("RGB", (10, 10)))
    with pytest.raises(ValueError):
        prep(src, box_mm=(0, 10))
    with pytest.raises(ValueError):
        prep(src, background_cmyk=(0, 0, 0, 100))
    with pytest.raises(ValueError):
        prep(src, mode="fast")
