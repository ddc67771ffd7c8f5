"""Colour of photos: image modes, embedded profiles, the output profile, conversion.

Used by :mod:`standpress.load.images` to bring every source (gray, 16-bit, palette, RGB
with or without alpha, Adobe RGB or other embedded profiles, CMYK) to the output
profile with LittleCMS (relative colorimetric, black-point compensation).

Colour ("convert" mode, the default)
    * RGB sources (RGB, RGBA, P, PA, 1-bit…) are converted from their
      embedded ICC profile (sRGB assumed when there is none or it is
      unusable; a warning says so) to the CMYK ``output_profile`` with
      LittleCMS via ``ImageCms``: **relative colorimetric intent with black
      point compensation**. The shipped FOGRA39L_300 profile has no separate
      perceptual table (Argyll built none without a source gamut), so
      perceptual would give the same numbers; relative colorimetric + BPC
      is also predictable with a printer's own profile.
    * CMYK sources with an embedded profile different from the output
      profile are converted CMYK → CMYK the same way; CMYK sources without a
      profile (or with the output profile itself) are assumed to be in the
      output condition already and keep their values.
    * Gray sources (L, LA, 16-bit gray, I) stay gray: mode ``"L"``, to be
      embedded as DeviceGray, which PDF/X prints on the black plate
      (K = 1 − gray). Their embedded profile, if any, is not used: values
      are not tone-corrected for dot gain.
    * 16-bit sources are reduced to 8 bits by scaling (``v / 257``), not by
      clipping.

Alpha
    Transparency (RGBA, LA, palette with ``tRNS``) is flattened onto
    ``background_cmyk`` (fractions 0‒1, like ReportLab's ``CMYKColor``)
    **after** colour conversion, by blending in output CMYK: fully
    transparent pixels get exactly the background's CMYK numbers, so the
    image meets a vector background of the same colour without a seam. A
    gray source with alpha stays gray when the background is K-only;
    otherwise it goes the RGB route to CMYK.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

from standpress.errors import InputError, Problem, display_path
from standpress.load.colourtable import rgb_to_cmyk_pixels

RENDERING_INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
TRANSFORM_FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION
RGB_LIKE = {"P", "PA", "RGB", "RGBA", "RGBX", "RGBa", "YCbCr"}
GRAY_16 = {"I", "I;16", "I;16B", "I;16L", "I;16N"}


def fail(path: Path, message: str, hint: str) -> InputError:
    name = display_path(path)
    problem = Problem(message=message, file=name, hint=hint)
    return InputError(f"{name}: {message}", [problem])


# --------------------------------------------------------------------------
# output profile


def load_output_profile(path: Path) -> bytes:
    """The bytes of a valid CMYK output profile (cached per file version)."""
    try:
        stat = path.stat()
    except OSError:
        raise fail(path, "output ICC profile not found",
                    "name an existing CMYK output profile (.icc)") from None
    return load_output_profile_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def load_output_profile_cached(resolved: str, mtime_ns: int, size: int) -> bytes:
    path = Path(resolved)
    data = path.read_bytes()
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError) as exc:
        raise fail(path, f"output ICC profile cannot be read ({exc})",
                    "use a valid ICC output profile") from None
    space = profile.profile.xcolor_space.strip()
    if space != "CMYK" or profile.profile.device_class != "prtr":
        raise fail(
            path,
            f"output profile is class {profile.profile.device_class!r}, "
            f"colour space {space!r}, not a CMYK output (prtr) profile",
            "use the printer's CMYK output profile",
        )
    return data


# --------------------------------------------------------------------------
# modes and colour


def normalise_mode(
    img: Image.Image, path: Path, info: dict, notes: list[str]
) -> tuple[Image.Image, Image.Image | None, bytes | None]:
    """Return (RGB | L | CMYK image, alpha or None, source ICC bytes or None)."""
    icc = info.get("icc_profile") or None
    mode = img.mode
    if mode in GRAY_16:
        return sixteen_bit_to_l(img), None, None
    if mode in ("1", "L", "LA", "La"):
        if mode in ("1", "L"):
            return img.convert("L"), None, None
        la = img.convert("LA")
        return la.getchannel("L"), opaque_or(la.getchannel("A")), None
    if mode == "CMYK":
        return img, None, icc
    if mode in RGB_LIKE:
        if mode in ("RGBA", "RGBa", "PA", "P"):  # P: tRNS becomes alpha
            rgba = img.convert("RGBA")
            return rgba.convert("RGB"), opaque_or(rgba.getchannel("A")), icc
        return (img if mode == "RGB" else img.convert("RGB")), None, icc
    raise fail(path, f"unsupported image mode {mode!r}",
                "save the picture as 8- or 16-bit RGB, gray or CMYK")


def sixteen_bit_to_l(img: Image.Image) -> Image.Image:
    """Scale 16-bit (or 32-bit integer) gray to 8 bits instead of clipping."""
    as_int = img.convert("I")
    low, high = as_int.getextrema()
    if high > 255:
        as_int = as_int.point(lambda v: v * (1 / 257))
    return as_int.convert("L")


def opaque_or(alpha: Image.Image) -> Image.Image | None:
    """``None`` when the alpha channel is fully opaque (nothing to flatten)."""
    return None if alpha.getextrema() == (255, 255) else alpha


def to_output_colour(
    work: Image.Image,
    alpha: Image.Image | None,
    icc: bytes | None,
    out_bytes: bytes,
    background_cmyk: tuple[float, float, float, float],
    notes: list[str],
) -> Image.Image:
    bg = tuple(round(v * 255) for v in background_cmyk)
    if work.mode == "L":
        if alpha is None:
            return work
        if bg[:3] == (0, 0, 0):
            gray_bg = Image.new("L", work.size, 255 - bg[3])
            return Image.composite(work, gray_bg, alpha)
        work, icc = work.convert("RGB"), None
    if work.mode == "RGB":
        cmyk = rgb_to_cmyk(work, icc, out_bytes, notes)
    else:
        cmyk = cmyk_to_cmyk(work, icc, out_bytes, notes)
    if alpha is None:
        return cmyk
    return Image.composite(cmyk, Image.new("CMYK", cmyk.size, bg), alpha)


def rgb_to_cmyk(
    img: Image.Image,
    icc: bytes | None,
    out_bytes: bytes,
    notes: list[str],
) -> Image.Image:
    return Image.fromarray(rgb_pixels_to_cmyk(np.asarray(img), icc, out_bytes, notes), "CMYK")


def rgb_pixels_to_cmyk(
    rgb: np.ndarray,
    icc: bytes | None,
    out_bytes: bytes,
    notes: list[str],
) -> np.ndarray:
    """RGB pixels (H × W × 3, ``uint8``, or × 4 with a zero fourth byte; ``icc``: their
    embedded profile) in the output profile: H × W × 4. LittleCMS's numbers, from a table
    of every colour when one is at hand or worth making (:mod:`standpress.load.colourtable`),
    else pixel by pixel."""
    source = usable_profile(icc, "RGB", notes)
    if icc is None:
        notes.append("no embedded ICC profile; assumed sRGB")
    elif source is None:
        notes.append("assumed sRGB instead")
    transform = icc_transform(source, out_bytes, "RGB", "CMYK")
    cmyk = rgb_to_cmyk_pixels(rgb, source, out_bytes, transform, RENDERING_INTENT,
                              TRANSFORM_FLAGS)
    if cmyk is None:
        pixels = Image.fromarray(np.ascontiguousarray(rgb[..., :3]), "RGB")
        cmyk = np.asarray(ImageCms.applyTransform(pixels, transform))
    return cmyk


def cmyk_to_cmyk(
    img: Image.Image,
    icc: bytes | None,
    out_bytes: bytes,
    notes: list[str],
) -> Image.Image:
    if icc == out_bytes:
        return img
    source = usable_profile(icc, "CMYK", notes)
    if source is None:
        notes.append(
            "CMYK image without a usable ICC profile; its values are used as they "
            "are (assumed to be for the output condition already)"
        )
        return img
    return ImageCms.applyTransform(img, icc_transform(source, out_bytes, "CMYK", "CMYK"))


def usable_profile(icc: bytes | None, space: str, notes: list[str]) -> bytes | None:
    """The embedded profile if it parses and describes ``space``, else None."""
    if not icc:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        notes.append("embedded ICC profile is unreadable; ignored")
        return None
    found = profile.profile.xcolor_space.strip()
    if found != space:
        notes.append(f"embedded ICC profile is for {found}, not {space}; ignored")
        return None
    return icc


@functools.lru_cache(maxsize=16)
def icc_transform(
    source_icc: bytes | None, out_icc: bytes, in_mode: str, out_mode: str
) -> ImageCms.ImageCmsTransform:
    """From ``source_icc`` (None: sRGB) to ``out_icc``."""
    if source_icc is None:
        source = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    else:
        source = ImageCms.ImageCmsProfile(io.BytesIO(source_icc))
    output = ImageCms.ImageCmsProfile(io.BytesIO(out_icc))
    return ImageCms.buildTransform(
        source, output, in_mode, out_mode,
        renderingIntent=RENDERING_INTENT, flags=TRANSFORM_FLAGS,
    )


@functools.lru_cache(maxsize=1)
def srgb_bytes() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
