"""The pixel work of photos through libvips: decode at reduced scale, crop, Lanczos-3, orient.

:mod:`standpress.load.images` reads the header with Pillow (size, EXIF orientation, mode,
embedded profile: the decompression-bomb refusal and every warning come from there, before
a pixel is decoded) and plans the crop; :func:`cropped_pixels` then does the heavy part
with libvips (``pyvips``, from the ``pyvips-binary`` wheel) and hands back Pillow images in
the same modes :func:`standpress.load.colour.normalise_mode` gives, cropped and resized, so
colour conversion (LittleCMS through Pillow's ``ImageCms``), flattening and the ink-limited
JPEG encoding stay one code path.

What libvips does and why
    * **Decode.** JPEG, PNG, TIFF and WebP are decoded by libvips; a JPEG far bigger than
      needed is decoded at 1/2, 1/4 or 1/8 scale (``shrink``, libjpeg's DCT scaling: the
      same factor Pillow's ``draft()`` picked before, so the same pixels come out). Other
      formats Pillow can read (BMP, GIF, …) are decoded by Pillow and handed over.
      A truncated file fails (``fail_on="truncated"``), as Pillow failed. libvips, like
      Pillow, reads every CMYK JPEG as Adobe-inverted; one without the APP14 marker is
      stored plain and inverted back (see :mod:`standpress.load.images`).
    * **Crop and resample.** The crop is taken in whole pixels of the decoded image (the
      planned box rounded, less than one source pixel off), then ``resize`` with the
      Lanczos-3 kernel to exactly the planned size (box pre-shrink, then Lanczos, like
      Pillow's ``reducing_gap``). Alpha is resampled premultiplied, as Pillow did.
      Resampling is where libvips is about three times faster than Pillow.
    * **Orientation** is applied *after* resampling, to the small result (the crop box is
      mapped into the stored image's frame first): flips and quarter turns commute with a
      symmetric separable kernel, and turning 1 Mpx is cheaper than turning 12.
    * **Bit depth.** 16-bit colour is resampled in 16 bits and rounded to 8 (``v / 257``);
      16-bit gray likewise when it uses more than 8 bits (as before).
    * **Colour and JPEG** stay with Pillow: LittleCMS through ``ImageCms`` was faster than
      libvips' ``icc_transform`` on one thread (24 ms against 33 ms for 1 Mpx), and the ink
      limit (:mod:`standpress.load.ink`) checks the very bytes Pillow's libjpeg writes.

One thread, no cache
    Each worker process runs one photo at a time; libvips gets one thread
    (``concurrency_set(1)``) and no operation cache (``cache_set_max(0)``), so ``--jobs N``
    means N cores and memory stays one photo per process. Only the loaders named above are
    called (untrusted loaders blocked).

Determinism
    Same file, same plan → same pixels: libvips' resampling is fixed-point on 8-bit data
    and does not depend on the thread count.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
from PIL import Image

from standpress.load.colour import fail, normalise_mode, opaque_or

__all__ = ["VIPS_FORMATS", "cropped_pixels", "jpeg_shrink", "screen_copy", "vips"]

VIPS_FORMATS = {"JPEG": "jpegload", "MPO": "jpegload", "PNG": "pngload", "TIFF": "tiffload",
                "WEBP": "webpload"}
KERNEL = "lanczos3"
DRAFT_FACTOR = 2.0  # decode JPEGs at reduced scale when this much too big
TRANSPOSING = {5, 6, 7, 8}


@functools.lru_cache(maxsize=1)
def vips():
    """``pyvips``, configured once per process: one thread, no operation cache."""
    import pyvips

    pyvips.concurrency_set(1)
    pyvips.cache_set_max(0)
    pyvips.block_untrusted_set(True)
    return pyvips


# --------------------------------------------------------------------------
# geometry in the stored frame


def jpeg_shrink(stored: tuple[int, int], need: tuple[int, int]) -> int:
    """The DCT scale (1, 2, 4 or 8) Pillow's ``draft()`` picks for ``need`` pixels."""
    scale = min(stored[0] // max(1, need[0]), stored[1] // max(1, need[1]))
    for s in (8, 4, 2, 1):
        if scale >= s:
            return s
    return 1


def stored_box(box: tuple[float, float, float, float], orientation: int,
               stored: tuple[int, int]) -> tuple[float, float, float, float]:
    """``box`` (in the oriented image) in the stored image's pixels."""
    w, h = stored
    x0, y0, x1, y1 = box
    corners = [_unorient(x, y, orientation, w, h) for x, y in ((x0, y0), (x1, y1))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _unorient(x: float, y: float, orientation: int, w: int, h: int) -> tuple[float, float]:
    """The stored pixel position of the oriented position (x, y) (EXIF orientations)."""
    return {
        1: (x, y), 2: (w - x, y), 3: (w - x, h - y), 4: (x, h - y),
        5: (y, x), 6: (y, h - x), 7: (w - y, h - x), 8: (w - y, x),
    }[orientation]


def _orient(im, orientation: int):
    """Apply the EXIF ``orientation`` to the libvips image ``im``."""
    if orientation in (2, 4):
        return im.flip("horizontal" if orientation == 2 else "vertical")
    if orientation == 3:
        return im.rot("d180")
    turned = im.rot("d90" if orientation in (5, 6) else "d270") if orientation in TRANSPOSING else im
    return turned.flip("horizontal") if orientation in (5, 7) else turned


# --------------------------------------------------------------------------
# decoding


def _load(path: Path, loader: str, shrink: int):
    pv = vips()
    kw = {"access": "sequential", "fail_on": "truncated"}
    if loader == "jpegload" and shrink > 1:
        kw["shrink"] = shrink
    return getattr(pv.Image, loader)(str(path), **kw)


def _from_pillow(img: Image.Image, path: Path, info: dict, notes: list[str]):
    """A source libvips does not read: decoded by Pillow, in normalise_mode's modes."""
    try:
        img.load()
    except Exception as exc:  # Pillow raises many types for bad data
        raise fail(path, f"image data is truncated or corrupt ({exc})",
                   "export or download the file again") from None
    work, alpha, icc = normalise_mode(img, path, info, notes)
    bands = [np.asarray(work).reshape(work.height, work.width, -1)]
    if alpha is not None:
        bands.append(np.asarray(alpha)[..., None])
    return _from_array(np.concatenate(bands, axis=2)), work.mode, alpha is not None, icc


def _from_array(a: np.ndarray):
    a = np.ascontiguousarray(a)
    return vips().Image.new_from_memory(a.data, a.shape[1], a.shape[0], a.shape[2], "uchar")


def _eight_bit(im, grey: bool):
    """16-bit (or wider) values to 8: ``v / 257`` rounded; gray only when it uses > 8 bits."""
    if im.format == "uchar":
        return im
    if grey and im.max() <= 255:
        return im.cast("uchar")
    return (im / 257).rint().cast("uchar")


# --------------------------------------------------------------------------
# the one entry point


def cropped_pixels(img: Image.Image, path: Path, info: dict, notes: list[str], *,
                   orientation: int, crop: tuple[float, float, float, float],
                   out_size: tuple[int, int], resample: bool,
                   oriented: tuple[int, int]):
    """The photo's pixels in ``crop`` (oriented source pixels) at ``out_size``, oriented.

    ``img`` is Pillow's lazily opened image (header only): its ``mode`` decides the route.
    Returns (``work`` in mode RGB, L or CMYK, ``alpha`` or None, the embedded profile or
    None), as :func:`standpress.load.colour.normalise_mode` does for a whole image."""
    pv = vips()
    mode = img.mode
    loader = VIPS_FORMATS.get(img.format or "")
    if mode not in {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "CMYK", "I", "I;16",
                    "I;16B", "I;16L", "I;16N"}:
        loader = None  # let Pillow's normalise_mode accept or refuse it
    stored = img.size
    shrink = 1
    if loader == "jpegload" and resample:
        bw = (crop[2] - crop[0]) / out_size[0]
        bh = (crop[3] - crop[1]) / out_size[1]
        if min(bw, bh) >= DRAFT_FACTOR:  # far too big: decode smaller, as draft() did
            need = (math.ceil(oriented[0] * out_size[0] / (crop[2] - crop[0])),
                    math.ceil(oriented[1] * out_size[1] / (crop[3] - crop[1])))
            shrink = jpeg_shrink(stored, need[::-1] if orientation in TRANSPOSING else need)
    try:
        if loader is None:
            im, kind, has_alpha, icc = _from_pillow(img, path, info, notes)
        else:
            im = _load(path, loader, shrink)
            kind, has_alpha, icc = _kind(mode), mode in ("LA", "La", "PA", "RGBA", "P"), None
            if kind != "CMYK" and im.hasalpha() != has_alpha:
                has_alpha = im.hasalpha()
            icc = info.get("icc_profile") or None
            if kind == "L":
                icc = None
                if im.bands > 2 or (im.bands == 2 and not has_alpha):
                    im = im.colourspace("b-w")  # (a gray-mode header, colour data: never seen)
            if loader == "jpegload" and kind == "CMYK" and "adobe" not in info:
                im = im.invert()  # libvips reads every CMYK JPEG as Adobe-inverted (as Pillow)
            if kind == "L" and im.format != "uchar":  # 16-bit gray: its maximum decides
                im = _eight_bit(im.copy_memory(), True)   # the scaling (decoded once)
        return _finish(im, kind, has_alpha, icc, stored, orientation, crop, out_size, resample)
    except pv.Error as exc:
        raise fail(path, f"image data is truncated or corrupt ({_first_line(exc)})",
                   "export or download the file again") from None


def _kind(mode: str) -> str:
    if mode == "CMYK":
        return "CMYK"
    return "L" if mode in {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N"} else "RGB"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(t.strip() for t in text[:3] if t.strip())[:200]


def _finish(im, kind: str, has_alpha: bool, icc, stored, orientation, crop, out_size, resample):
    colour_bands = {"L": 1, "RGB": 3, "CMYK": 4}[kind]
    if im.bands < colour_bands + has_alpha:  # e.g. gray data in an RGB header
        im = im.colourspace("srgb") if kind == "RGB" else im
    im = im.extract_band(0, n=colour_bands + has_alpha) if im.bands > colour_bands + has_alpha \
        else im
    sx, sy = im.width / stored[0], im.height / stored[1]  # a DCT-scaled decode rounds up
    box = stored_box(crop, orientation, stored)
    x0, y0 = max(0, round(box[0] * sx)), max(0, round(box[1] * sy))
    x1, y1 = min(im.width, round(box[2] * sx)), min(im.height, round(box[3] * sy))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    im = im.crop(x0, y0, x1 - x0, y1 - y0)
    target = (out_size[1], out_size[0]) if orientation in TRANSPOSING else out_size
    if resample and (im.width, im.height) != target:
        im = _resized(im, target, has_alpha)
    im = _eight_bit(im, False)
    im = _orient(im, orientation)
    a = np.ndarray(buffer=im.write_to_memory(), dtype=np.uint8,
                   shape=(im.height, im.width, im.bands))
    work = Image.fromarray(np.ascontiguousarray(a[..., :colour_bands].squeeze(-1)
                                                if colour_bands == 1 else a[..., :colour_bands]),
                           kind)
    alpha = opaque_or(Image.fromarray(np.ascontiguousarray(a[..., -1]), "L")) if has_alpha \
        else None
    return work, alpha, icc


def _resized(im, target: tuple[int, int], has_alpha: bool):
    """``im`` resized with Lanczos-3 to exactly ``target`` (premultiplied with alpha)."""
    fmt = im.format
    if has_alpha:
        im = im.premultiply()
    out = im.resize(target[0] / im.width, vscale=target[1] / im.height, kernel=KERNEL)
    if (out.width, out.height) != target:  # (rounding of the scale: at most one pixel)
        out = out.embed(0, 0, max(out.width, target[0]), max(out.height, target[1]),
                        extend="copy").crop(0, 0, target[0], target[1])
    if has_alpha:
        out = out.unpremultiply().rint().cast(fmt)
    return out


# --------------------------------------------------------------------------
# screen copies


def screen_copy(pixels: Image.Image | None, data: bytes | None, size: tuple[int, int],
                box: tuple[float, float, float, float] | None, shrink: int = 1):
    """``pixels`` (a Pillow image) or the JPEG ``data`` (decoded at 1/``shrink``), its
    ``box`` resized with Lanczos-3 to ``size``: a Pillow image in the source's mode."""
    pv = vips()
    if pixels is not None:
        a = np.asarray(pixels)
        im = _from_array(a.reshape(a.shape[0], a.shape[1], -1))
        mode = pixels.mode
    else:
        kw = {"shrink": shrink} if shrink > 1 else {}
        im = pv.Image.jpegload_buffer(data, fail_on="truncated", **kw)
        mode = {1: "L", 3: "RGB", 4: "CMYK"}[im.bands]
    if box is not None:
        x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
        x1 = min(im.width, max(x0 + 1, round(box[2])))
        y1 = min(im.height, max(y0 + 1, round(box[3])))
        im = im.crop(x0, y0, x1 - x0, y1 - y0)
    if (im.width, im.height) != size:
        im = _resized(im, size, False)
    a = np.ndarray(buffer=im.write_to_memory(), dtype=np.uint8,
                   shape=(im.height, im.width, im.bands))
    return Image.fromarray(np.ascontiguousarray(a[..., 0] if mode == "L" else a), mode)
