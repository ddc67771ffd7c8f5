"""Photo preparation for print: crop, resample, colour-convert, encode.

Contract
========

:func:`prepare_image` turns one photo file into the bytes a PDF backend
embeds in a frame of ``box_mm`` (width, height in millimetres, the size the
image is *placed* at, bleed included if the frame bleeds).

Geometry
    The image *covers* the box: it is cropped to the box's aspect ratio,
    centred on ``focus`` (fractions of the visible image, ``(0.5, 0.5)`` is
    the centre; the crop slides but never leaves the image). EXIF
    orientation is applied first, so crops and ``focus`` refer to the image
    as a viewer shows it.

Resolution
    The target pixel size is ``box_mm / 25.4 * target_ppi``. A source with
    more pixels is downsampled by libvips (:mod:`standpress.load.vips`:
    Lanczos-3 after a box pre-shrink; big JPEGs are decoded at 1/2, 1/4 or
    1/8 scale when they have at least twice the pixels needed, which keeps
    memory low). A source with fewer pixels is **never upsampled**:
    its cropped pixels are kept and ``effective_ppi`` reports the lower
    figure, with a warning below 100 ppi and another below 70 ppi (the
    floor printers accept). ``source_ppi`` is what the source crop gives at
    the placed size before any resampling.

Colour and alpha
    See :mod:`standpress.load.colour` (conversion to the output profile, gray,
    16-bit, flattening transparency onto the card).

CMYK JPEG polarity (facts checked with Pillow 13, libvips 8.18, Ghostscript and pdfium)
    * Pillow *decodes* every 4-channel JPEG as Adobe-inverted (raw mode
      ``CMYK;I``), whether or not the file has an Adobe APP14 marker, and so
      does libvips (which decodes the photos here). The
      convention everyone else uses (Photoshop, libjpeg tools, MuPDF) is:
      APP14 present → stored inverted; absent → stored plain. So a CMYK JPEG
      *without* the marker is re-inverted here after decoding.
    * Pillow *encodes* CMYK JPEGs inverted and writes an Adobe APP14 marker
      (transform 0). PDF renderers ignore the marker inside a PDF: the image
      XObject needs ``/Decode [1 0 1 0 1 0 1 0]``, or every colour comes out
      as its negative. ``PreparedImage.invert_cmyk`` is ``True`` for such
      data. ReportLab adds that ``/Decode`` array by itself to *every*
      4-channel JPEG it embeds from JPEG bytes (``PDFImageXObject
      .loadImageFromJPEG``), so ``canvas.drawImage(ImageReader(BytesIO(
      data)), …)`` is right as is; a backend writing its own XObject (e.g.
      with pikepdf) must add ``/Decode`` when ``invert_cmyk`` is true.

Encoding
    Baseline JPEG, quality 90, ``subsampling=0`` (4:4:4; libjpeg never
    subsamples CMYK anyway, and this keeps gray edges crisp), not
    progressive, ``optimize=False``, no EXIF, ICC, comment or XMP: the same
    input gives the same bytes (:func:`standpress.load.ink.encode_jpeg`).
    With ``ink_limit``, CMYK is encoded so that every decoded pixel is
    within it (:mod:`standpress.load.ink`).

"passthrough" mode
    When ``mode="passthrough"`` and the file is a baseline or progressive
    8-bit JPEG in RGB or gray, not CMYK, that needs no EXIF rotation, the
    **original file bytes** are returned unchanged (no recompression, no
    resampling, no crop): ``data`` is the file, ``pixel_width`` and
    ``pixel_height`` are its full pixel size, ``mode`` is ``"RGB"`` (with
    ``icc`` = its embedded profile, or Pillow's built-in sRGB profile when
    it has none or an unusable one) or ``"L"`` (``icc`` ``None``,
    DeviceGray). The crop is then the placement's job: ``crop`` =
    ``(x0, y0, x1, y1)`` in source pixels, origin top left. The backend
    draws the *whole* image at scale ``s = box_width / (x1 − x0)`` per
    pixel (the same as ``box_height / (y1 − y0)``), offset so that the
    crop's top-left corner lands on the box's top-left corner — in PDF
    coordinates (y up) the image's lower-left corner is at
    ``(box_x − x0·s, box_y − (pixel_height − y1)·s)`` — and clips to the
    box. RGB must be embedded as ``[/ICCBased <icc stream, /N 3>]``, never
    as DeviceRGB (PDF/X-4 with a CMYK output intent forbids plain device
    RGB; ReportLab writes DeviceRGB, so the backend must post-process).
    Files that do not qualify (PNG, CMYK, rotated, arithmetic-coded…) are
    converted as in "convert" mode.

Errors
    Trouble with the file raises :class:`standpress.errors.InputError`
    carrying one :class:`Problem` that names the file, says what is wrong
    and how to fix it: missing file, not an image, unsupported image mode,
    truncated or corrupt data, too many pixels (checked from the header
    *before* decoding — a decompression bomb costs nothing), unusable
    output profile. Bad arguments (non-positive box or ppi, unknown mode)
    are programming errors and raise ``ValueError``.

    About ``max_pixels`` and Pillow's own guard: Pillow warns above
    ``Image.MAX_IMAGE_PIXELS`` (≈ 89 Mpx) and refuses above twice that.
    This module does not change that global; it silences the warning
    (our limit decides) and turns Pillow's refusal into the same
    ``InputError``. A ``max_pixels`` above 2 × ``Image.MAX_IMAGE_PIXELS``
    therefore only takes effect if the application raises that global.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from standpress.errors import InputError, display_path
from standpress.load.colour import (fail, icc_transform, load_output_profile,
                                    rgb_pixels_to_cmyk, srgb_bytes, to_output_colour,
                                    usable_profile)
from standpress.load.ink import encode_jpeg, encode_within_limit
from standpress.load.vips import cropped_pixels, screen_pixels, screen_pixels_of_jpeg

MAX_PIXELS = 120_000_000  # refused before decoding: a decompression bomb costs nothing

__all__ = ["PreparedImage", "prepare_image"]

MM_PER_INCH = 25.4
WARN_PPI = 100.0
FLOOR_PPI = 70.0
DRAFT_FACTOR = 2.0  # decode JPEGs at reduced scale when this much too big

_TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}
_PASSTHROUGH_SOF = {0xC0, 0xC1, 0xC2}  # baseline, extended sequential, progressive


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to embed; see the module docstring for the contract.

    ``invert_cmyk`` is true when ``data`` is a CMYK JPEG stored with Adobe
    (inverted) polarity: the PDF image XObject needs
    ``/Decode [1 0 1 0 1 0 1 0]`` (ReportLab adds it by itself).
    """

    data: bytes
    pixel_width: int
    pixel_height: int
    mode: str
    icc: bytes | None
    effective_ppi: float
    source_ppi: float
    crop: tuple[float, float, float, float]
    warnings: tuple[str, ...]
    untouched: bool = False  # passthrough: ``data`` is the original file, the crop is the placement's
    invert_cmyk: bool = False
    screen: bytes | None = None  # with ``screen_size`` in convert mode: see screen_jpeg


@dataclass(frozen=True)
class _Plan:
    """Where to crop (in oriented source pixels) and how big the result is."""

    crop: tuple[float, float, float, float]  # whole pixels unless resampling
    exact_crop: tuple[float, float, float, float]  # the box's exact aspect
    out_size: tuple[int, int]
    resample: bool
    source_ppi: float
    effective_ppi: float


# --------------------------------------------------------------------------
# public entry point


def prepare_image(
    path: Path,
    *,
    box_mm: tuple[float, float],
    target_ppi: float,
    output_profile: Path,
    background_cmyk: tuple[float, float, float, float] = (0, 0, 0, 0),
    mode: str = "convert",
    focus: tuple[float, float] = (0.5, 0.5),
    max_pixels: int = MAX_PIXELS,
    ink_limit: float | None = None,
    screen_size: tuple[int, int] | None = None,
) -> PreparedImage:
    """Prepare the photo at ``path`` for a frame of ``box_mm`` (see module doc).

    ``ink_limit`` (total area coverage, %): a CMYK result is limited and
    encoded by :func:`standpress.load.ink.encode_within_limit`, so that no
    pixel of the decoded JPEG is over it (C, M and Y lowered, K kept, only
    where needed); ``screen`` shows those limited pixels.

    ``screen_size`` (px): in convert mode, also a small sRGB JPEG of the very pixels
    prepared (``screen``, see :func:`screen_jpeg`), made while they are decoded.
    """
    path = Path(path)
    _check_arguments(box_mm, target_ppi, background_cmyk, mode, focus, max_pixels)
    out_bytes = load_output_profile(Path(output_profile))
    img = _open(path, max_pixels)
    try:
        return _prepare_open(
            img, path, box_mm, target_ppi, out_bytes,
            background_cmyk, mode, focus, ink_limit, screen_size,
        )
    finally:
        img.close()


def _prepare_open(
    img: Image.Image,
    path: Path,
    box_mm: tuple[float, float],
    target_ppi: float,
    out_bytes: bytes,
    background_cmyk: tuple[float, float, float, float],
    mode: str,
    focus: tuple[float, float],
    ink_limit: float | None = None,
    screen_size: tuple[int, int] | None = None,
) -> PreparedImage:
    notes: list[str] = []
    orientation = _orientation(img, notes)
    oriented = _oriented_size(img.size, orientation)
    plan = _plan(oriented, box_mm, target_ppi, focus)

    if mode == "passthrough" and _passthrough_ok(img, path, orientation):
        return _passthrough(img, path, plan, box_mm, target_ppi, notes)

    work, alpha, icc = cropped_pixels(img, path, dict(img.info), notes, orientation=orientation,
                                      crop=plan.crop, out_size=plan.out_size,
                                      resample=plan.resample, oriented=oriented,
                                      rgb_array=True)
    pixels = None  # the CMYK result as an array, when it came as one (opaque RGB: no copies)
    if isinstance(work, np.ndarray):
        pixels = rgb_pixels_to_cmyk(work, icc, out_bytes, notes)
        out = Image.fromarray(pixels, "CMYK")  # (maps the array)
    else:
        out = to_output_colour(work, alpha, icc, out_bytes, background_cmyk, notes)
    if ink_limit is not None and out.mode == "CMYK":
        limited = encode_within_limit(out if pixels is None else pixels, ink_limit)
        out, data = limited.image, limited.data
        pixels = limited.pixels
    else:
        data = encode_jpeg(out)
    notes += _resolution_warnings(plan.effective_ppi, box_mm, target_ppi)
    return PreparedImage(
        data=data,
        pixel_width=out.width,
        pixel_height=out.height,
        mode=out.mode,
        icc=None,
        effective_ppi=plan.effective_ppi,
        source_ppi=plan.source_ppi,
        crop=_rounded_box(plan.crop),
        warnings=tuple(_prefixed(path, notes)),
        invert_cmyk=out.mode == "CMYK",
        screen=screen_jpeg(out, screen_size, out_bytes, pixels=pixels) if screen_size else None,
    )


# --------------------------------------------------------------------------
# screen copies (the SVGs' photos)


SCREEN_QUALITY = 80


def screen_jpeg(img: Image.Image, size: tuple[int, int], out_bytes: bytes,
                box: tuple[float, float, float, float] | None = None,
                pixels: np.ndarray | None = None) -> bytes:
    """``img`` (or its ``box``) at ``size`` as an sRGB JPEG; CMYK goes through the output
    profile (relative colorimetric, black point compensation) so the screen shows the
    print's colours; RGB with an embedded profile is converted from it. Resized by libvips
    (Lanczos-3), converted by LittleCMS, encoded by Pillow."""
    return _screen_encoded(screen_pixels(img, size, box, pixels), img.info.get("icc_profile"),
                           out_bytes)


def _screen_encoded(small: Image.Image, icc: bytes | None, out_bytes: bytes) -> bytes:
    if small.mode == "CMYK":
        small = ImageCms.applyTransform(small, icc_transform(out_bytes, srgb_bytes(), "CMYK", "RGB"))
    elif small.mode == "RGB" and icc:
        try:
            small = ImageCms.applyTransform(small, icc_transform(icc, srgb_bytes(), "RGB", "RGB"))
        except (OSError, ImageCms.PyCMSError):
            pass  # an unusable embedded profile: shown as sRGB
    buf = io.BytesIO()
    small.convert("RGB").save(buf, "JPEG", quality=SCREEN_QUALITY, optimize=False)
    return buf.getvalue()


def screen_jpeg_of(data: bytes, crop: tuple[float, float, float, float] | None,
                   size: tuple[int, int], output_profile: Path | str) -> bytes:
    """:func:`screen_jpeg` of a prepared JPEG (``data``; in passthrough the original, of
    which ``crop`` is what the frame shows), decoded by libvips at 1/2, 1/4 or 1/8 scale
    when that still leaves the pixels ``size`` needs."""
    out_bytes = load_output_profile(Path(output_profile))
    with Image.open(io.BytesIO(data)) as src:  # the header: mode, size, profile
        mode, full, icc = src.mode, src.size, src.info.get("icc_profile")
    small = screen_pixels_of_jpeg(data, mode, full, size, crop)
    return _screen_encoded(small, icc, out_bytes)


# --------------------------------------------------------------------------
# arguments and errors


def _check_arguments(
    box_mm: tuple[float, float],
    target_ppi: float,
    background_cmyk: tuple[float, float, float, float],
    mode: str,
    focus: tuple[float, float],
    max_pixels: int,
) -> None:
    if len(box_mm) != 2 or min(box_mm) <= 0:
        raise ValueError(f"box_mm must be two positive sizes in mm, got {box_mm!r}")
    if not target_ppi > 0:
        raise ValueError(f"target_ppi must be positive, got {target_ppi!r}")
    if len(background_cmyk) != 4 or not all(0 <= v <= 1 for v in background_cmyk):
        raise ValueError(
            f"background_cmyk must be four fractions 0..1, got {background_cmyk!r}"
        )
    if mode not in ("convert", "passthrough"):
        raise ValueError(f"mode must be 'convert' or 'passthrough', got {mode!r}")
    if len(focus) != 2 or not all(0 <= v <= 1 for v in focus):
        raise ValueError(f"focus must be two fractions 0..1, got {focus!r}")
    if max_pixels <= 0:
        raise ValueError(f"max_pixels must be positive, got {max_pixels!r}")





# --------------------------------------------------------------------------
# opening and decoding


def _open(path: Path, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and refuse decompression bombs."""
    if not path.exists():
        raise fail(path, "image file not found",
                    "check the file name and the path relative to the campaign")
    if not path.is_file():
        raise fail(path, "image path is not a file", "name an image file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(path)
    except Image.DecompressionBombError:
        raise _bomb(path, None, max_pixels) from None
    except UnidentifiedImageError:
        raise fail(path, "not an image file Pillow can read",
                    "export the picture as JPEG, PNG or TIFF") from None
    except OSError as exc:
        raise fail(path, f"cannot open image ({exc})",
                    "check the file's permissions and export it again") from None
    width, height = img.size
    if width * height > max_pixels or width <= 0 or height <= 0:
        img.close()
        raise _bomb(path, (width, height), max_pixels)
    return img


def _bomb(path: Path, size: tuple[int, int] | None, max_pixels: int) -> InputError:
    dims = f"{size[0]}×{size[1]} px " if size else ""
    return fail(
        path,
        f"image {dims}has more than the {max_pixels:,} pixels allowed "
        "(possible decompression bomb)",
        "downscale the original (about 150 ppi at the printed size is plenty)",
    )


def _orientation(img: Image.Image, notes: list[str]) -> int:
    try:
        value = int(img.getexif().get(0x0112, 1))
    except Exception:  # broken EXIF must not stop a print job
        notes.append("EXIF data unreadable; orientation not applied")
        return 1
    return value if 1 <= value <= 8 else 1


def _oriented_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in _TRANSPOSING_ORIENTATIONS else size


def _decode(img: Image.Image, path: Path, orientation: int) -> Image.Image:
    """Decode fully (catching truncation) and apply EXIF orientation."""
    try:
        img.load()
        return ImageOps.exif_transpose(img) if orientation != 1 else img
    except MemoryError:
        raise fail(path, "image too large to decode in memory",
                    "downscale the original") from None
    except Exception as exc:  # Pillow raises many types for bad data
        raise fail(path, f"image data is truncated or corrupt ({exc})",
                    "export or download the file again") from None


# --------------------------------------------------------------------------
# geometry


def _plan(
    oriented: tuple[int, int],
    box_mm: tuple[float, float],
    target_ppi: float,
    focus: tuple[float, float],
) -> _Plan:
    """Cover-crop the oriented image to the box and choose the output size."""
    src_w, src_h = oriented
    box_w_in, box_h_in = box_mm[0] / MM_PER_INCH, box_mm[1] / MM_PER_INCH
    aspect = box_mm[0] / box_mm[1]
    if src_w / src_h > aspect:
        crop_w, crop_h = src_h * aspect, float(src_h)
    else:
        crop_w, crop_h = float(src_w), src_w / aspect
    x0 = _slide(focus[0] * src_w - crop_w / 2, crop_w, src_w)
    y0 = _slide(focus[1] * src_h - crop_h / 2, crop_h, src_h)
    exact = (x0, y0, x0 + crop_w, y0 + crop_h)
    source_ppi = min(crop_w / box_w_in, crop_h / box_h_in)
    target = (max(1, round(box_w_in * target_ppi)), max(1, round(box_h_in * target_ppi)))
    if crop_w > target[0] and crop_h > target[1]:
        crop, out_size, resample = exact, target, True
    else:
        crop = _integer_box(x0, y0, crop_w, crop_h, src_w, src_h)
        out_size, resample = (crop[2] - crop[0], crop[3] - crop[1]), False
    effective = min(out_size[0] / box_w_in, out_size[1] / box_h_in)
    return _Plan(crop, exact, out_size, resample, source_ppi, effective)


def _slide(start: float, length: float, total: float) -> float:
    return min(max(start, 0.0), total - length)


def _integer_box(
    x0: float, y0: float, w: float, h: float, src_w: int, src_h: int
) -> tuple[int, int, int, int]:
    iw, ih = max(1, min(src_w, round(w))), max(1, min(src_h, round(h)))
    ix = min(max(0, round(x0)), src_w - iw)
    iy = min(max(0, round(y0)), src_h - ih)
    return (ix, iy, ix + iw, iy + ih)


def _rounded_box(box: tuple[float, ...]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (round(float(v), 3) for v in box)
    return (x0, y0, x1, y1)


# --------------------------------------------------------------------------
# warnings


def _resolution_warnings(
    ppi: float, box_mm: tuple[float, float], target_ppi: float
) -> list[str]:
    """A warning below the floor (70 ppi), or below 100 ppi and the target."""
    if ppi >= FLOOR_PPI and (ppi >= WARN_PPI or ppi >= target_ppi):
        return []
    need = (math.ceil(box_mm[0] / MM_PER_INCH * target_ppi),
            math.ceil(box_mm[1] / MM_PER_INCH * target_ppi))
    size = f"{box_mm[0]:g}×{box_mm[1]:g} mm"
    fix = f"use an original of at least {need[0]}×{need[1]} px for {target_ppi:g} ppi"
    if ppi < FLOOR_PPI:
        return [f"effective resolution {ppi:.0f} ppi at {size} is below "
                f"{FLOOR_PPI:.0f} ppi, the floor printers accept — {fix}"]
    return [f"effective resolution {ppi:.0f} ppi at {size} is below "
            f"{WARN_PPI:.0f} ppi — {fix}"]


def _prefixed(path: Path, notes: list[str]) -> list[str]:
    name = display_path(path)
    return [f"{name}: {note}" for note in notes]


# --------------------------------------------------------------------------
# passthrough


def _passthrough_ok(img: Image.Image, path: Path, orientation: int) -> bool:
    if img.format != "JPEG" or img.mode not in ("RGB", "L") or orientation != 1:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
    except OSError:
        return False
    return _jpeg_sof(head) in _PASSTHROUGH_SOF


def _jpeg_sof(data: bytes) -> int | None:
    """The SOFn marker byte of a JPEG (0xC0 baseline, 0xC2 progressive…)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return marker
        if marker == 0xDA:
            return None
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return None


def _passthrough(
    img: Image.Image,
    path: Path,
    plan: _Plan,
    box_mm: tuple[float, float],
    target_ppi: float,
    notes: list[str],
) -> PreparedImage:
    """Embed the JPEG unchanged; verify it decodes (at 1/8 scale, cheaply)."""
    icc = img.info.get("icc_profile") or None
    mode = img.mode
    size = img.size
    img.draft(mode, (max(1, size[0] // 8), max(1, size[1] // 8)))
    _decode(img, path, 1)
    if mode == "RGB":
        usable = usable_profile(icc, "RGB", notes)
        if usable is None:
            notes.append("no embedded ICC profile; tagged as sRGB" if icc is None
                         else "tagged as sRGB instead")
            usable = srgb_bytes()
        icc = usable
    else:
        icc = None
    crop = _rounded_box(plan.exact_crop)
    ppi = plan.source_ppi
    if ppi >= DRAFT_FACTOR * target_ppi:
        notes.append(f"embedded unchanged at {ppi:.0f} ppi (target {target_ppi:g}); "
                     "a smaller file or convert mode would shrink the PDF")
    notes += _resolution_warnings(ppi, box_mm, target_ppi)
    return PreparedImage(
        data=path.read_bytes(),
        pixel_width=size[0],
        pixel_height=size[1],
        mode=mode,
        icc=icc,
        effective_ppi=ppi,
        source_ppi=ppi,
        crop=crop,
        warnings=tuple(_prefixed(path, notes)),
        invert_cmyk=False,
        untouched=True,
    )

