"""The pixel work of photos through libvips: decode at reduced scale, crop, Lanczos-3, orient.

:mod:`standpress.load.images` reads the header with Pillow (size, EXIF orientation, mode,
embedded profile: the decompression-bomb refusal and every warning come from there, before
a pixel is decoded) and plans the crop; :func:`cropped_pixels` then does the heavy part
with libvips (``pyvips``, from the ``pyvips-binary`` wheel) and hands back Pillow images in
the same modes :func:`standpress.load.colour.normalise_mode` gives, cropped and resized, so
colour conversion (LittleCMS through Pillow's ``ImageCms``), flattening and the ink-limited
JPEG encoding stay one code path.

What libvips does and why
    * **Decode.** JPEGs (8-bit gray, RGB, CMYK: the photos of a campaign) are decoded by
      libvips; one far bigger than needed at 1/2, 1/4 or 1/8 scale (``shrink``, libjpeg's
      DCT scaling: the factor Pillow's ``draft()`` picked before, so the same pixels come
      out, and the crop is mapped on libjpeg's grid, pixel i covering k·i … k·i + k). A
      truncated file fails (``fail_on="truncated"``), as Pillow failed. libvips, like
      Pillow, reads every CMYK JPEG as Adobe-inverted; one without the APP14 marker is
      stored plain and inverted back (see :mod:`standpress.load.images`).
      Every other source (PNG, TIFF, WebP, …) is decoded by Pillow and brought to RGB, L or
      CMYK by :func:`standpress.load.colour.normalise_mode`, then handed to libvips: Pillow
      decoded those as fast or faster, and it has already read a PNG's pixels to find its
      EXIF. 16-bit sources are thus reduced to 8 bits as before.
    * **Crop and resample.** The crop is taken in whole pixels of the decoded image (the
      planned box rounded, less than one source pixel off) and ``resize``d with the
      Lanczos-3 kernel at the exact scale of the planned box (box pre-shrink, then Lanczos,
      like Pillow's ``reducing_gap``). Alpha is resampled premultiplied (Pillow's ``RGBa``
      and ``La``), as Pillow's own resize does. Resampling is where libvips is about three
      times faster than Pillow.
    * **Orientation** is applied *after* resampling, to the small result (the crop box is
      mapped into the stored image's frame first): flips and quarter turns commute with a
      symmetric separable kernel, and turning 1 Mpx is cheaper than turning 12.
    * **Colour and JPEG** stay with Pillow: LittleCMS through ``ImageCms`` was faster than
      libvips' ``icc_transform`` on one thread (24 ms against 33 ms for 1 Mpx), and the ink
      limit (:mod:`standpress.load.ink`) checks the very bytes Pillow's libjpeg writes.
    * **Screen copies** (the SVGs' photos) are resized by libvips from the prepared pixels,
      or from a prepared JPEG decoded at reduced scale (:func:`screen_pixels`,
      :func:`screen_pixels_of_jpeg`).

One thread, no cache, safe after fork
    Each worker process runs one photo at a time; libvips gets one thread
    (``concurrency_set(1)``) and no operation cache (``cache_set_max(0)``): ``--jobs N``
    means N cores, and memory stays one photo per process. libvips' thread pool does not
    survive ``fork()``: a process forked after libvips started computes its pixels in its
    own thread instead (:func:`_computed`), with the same bytes. Only the JPEG
    loader is called (untrusted loaders blocked).

Determinism
    Same file, same plan → same pixels: libvips' resampling is fixed-point on 8-bit data
    and does not depend on the thread count.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from standpress.load.colour import fail, normalise_mode

__all__ = ["cropped_pixels", "jpeg_shrink", "resized", "screen_pixels", "screen_pixels_of_jpeg",
           "vips"]

KERNEL = "lanczos3"
DRAFT_FACTOR = 2.0  # decode JPEGs at reduced scale when this much too big
TRANSPOSING = {5, 6, 7, 8}
STRIP = 256  # rows computed at a time (a sink's tiles are 16 to 128 rows)


_OWNER: list[int] = []  # the process that started libvips, when it started it itself


@functools.lru_cache(maxsize=1)
def vips():
    """``pyvips``, configured once per process: one thread, no operation cache."""
    started_elsewhere = "pyvips" in sys.modules
    import pyvips

    pyvips.concurrency_set(1)
    pyvips.cache_set_max(0)
    pyvips.block_untrusted_set(True)
    if not started_elsewhere:
        _OWNER.append(os.getpid())
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


def _jpeg(path: Path, info: dict, mode: str, shrink: int):
    """The JPEG decoded by libvips (at 1/``shrink``), as ink values when CMYK."""
    kw = {"shrink": shrink} if shrink > 1 else {}
    im = vips().Image.jpegload(str(path), access="sequential", fail_on="truncated", **kw)
    if mode == "CMYK" and "adobe" not in info:
        im = im.invert()  # libvips reads every CMYK JPEG as Adobe-inverted (as Pillow does)
    return im


def _decoded(img: Image.Image, path: Path, info: dict, notes: list[str]):
    """Any other source decoded by Pillow: (work, alpha, icc) as normalise_mode gives."""
    try:
        img.load()
    except Exception as exc:  # Pillow raises many types for bad data
        raise fail(path, f"image data is truncated or corrupt ({exc})",
                   "export or download the file again") from None
    return normalise_mode(img, path, info, notes)


def _from_array(a: np.ndarray):
    a = np.ascontiguousarray(a.reshape(a.shape[0], a.shape[1], -1))
    return vips().Image.new_from_memory(a.data, a.shape[1], a.shape[0], a.shape[2], "uchar")


def _computed(im) -> bytes:
    """The pixels of ``im`` (uchar).

    libvips' sinks (``write_to_memory()``) hand the work to its thread pool, and the pool
    does not survive ``fork()``: in a worker forked from a process that had already used
    libvips (the test process, ``build -j 1`` then a pool, ``watch``) the first sink waits
    for threads that are not there, for ever. So a sink only in the process that started
    libvips itself (a build's workers, normally); anywhere else the pixels are computed in
    the calling thread through a region, in strips from the top: the same bytes, about
    10 % slower."""
    pv = vips()
    if _OWNER == [os.getpid()]:
        return im.write_to_memory()
    region = pv.Region.new(im)
    return b"".join(region.fetch(0, y, im.width, min(STRIP, im.height - y))
                    for y in range(0, im.height, STRIP))


def _to_array(im) -> np.ndarray:
    return np.ndarray(buffer=_computed(im), dtype=np.uint8,
                      shape=(im.height, im.width, im.bands))


def _pil(a: np.ndarray, mode: str) -> Image.Image:
    if a.shape[2] == 1:
        return Image.fromarray(np.ascontiguousarray(a[..., 0]), mode)
    return Image.frombytes(mode, (a.shape[1], a.shape[0]), np.ascontiguousarray(a).tobytes())


# --------------------------------------------------------------------------
# the one entry point


def cropped_pixels(img: Image.Image, path: Path, info: dict, notes: list[str], *,
                   orientation: int, crop: tuple[float, float, float, float],
                   out_size: tuple[int, int], resample: bool,
                   oriented: tuple[int, int], rgb_array: bool = False):
    """The photo's pixels in ``crop`` (oriented source pixels) at ``out_size``, oriented.

    ``img`` is Pillow's lazily opened image (header only). Returns (``work`` in mode RGB, L
    or CMYK, ``alpha`` or None, the embedded profile or None), as
    :func:`standpress.load.colour.normalise_mode` gives them for a whole image; with
    ``rgb_array``, opaque RGB ``work`` is an array instead (no copy into a Pillow image):
    H × W × 4 ``uint8`` of R, G, B and 0 (each pixel reads as the little-endian ``uint32``
    R | G << 8 | B << 16, the index of :mod:`standpress.load.colourtable`), or H × W × 3
    for a photo EXIF turns or in a process forked after libvips started."""
    pv = vips()
    stored = img.size
    alpha = None
    shrink = 1
    try:
        if img.format in ("JPEG", "MPO") and img.mode in ("L", "RGB", "CMYK"):
            mode = img.mode
            icc = None if mode == "L" else (info.get("icc_profile") or None)
            if resample:
                bw, bh = (crop[2] - crop[0]) / out_size[0], (crop[3] - crop[1]) / out_size[1]
                if min(bw, bh) >= DRAFT_FACTOR:  # far too big: decode smaller, as draft() did
                    need = (math.ceil(oriented[0] / bw), math.ceil(oriented[1] / bh))
                    shrink = jpeg_shrink(stored, need[::-1] if orientation in TRANSPOSING
                                         else need)
            im = _jpeg(path, info, mode, shrink)
        else:
            work, alpha, icc = _decoded(img, path, info, notes)
            mode = work.mode
            if alpha is not None:  # resampled premultiplied, as Pillow's resize does
                merged = work.convert({"RGB": "RGBA", "L": "LA"}[mode])
                merged.putalpha(alpha)
                work = merged.convert({"RGB": "RGBa", "L": "La"}[mode])
            im = _from_array(np.asarray(work))
            mode = work.mode
        out_im = _crop_resize_orient(im, stored, orientation, crop, out_size, resample, shrink)
        if alpha is None and rgb_array and mode == "RGB":
            if orientation == 1 and _OWNER == [os.getpid()]:  # R, G, B, 0: a uint32 a pixel
                out_im = out_im.bandjoin_const([0])  # (building it hangs after a fork, and
            return _to_array(out_im), None, icc  # a turned image is one in memory already)
        a = _to_array(out_im)
    except pv.Error as exc:
        raise fail(path, f"image data is truncated or corrupt ({_first_line(exc)})",
                   "export or download the file again") from None
    out = _pil(a, mode)
    if alpha is None:
        return out, None, icc
    straight = out.convert({"RGBa": "RGBA", "La": "LA"}[mode])
    return straight.convert(straight.mode[:-1]), straight.getchannel("A"), icc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(t.strip() for t in text[:3] if t.strip())[:200]


def _crop_resize_orient(im, stored, orientation, crop, out_size, resample, shrink):
    """``crop`` (oriented pixels of an image ``stored`` big) of ``im`` (the stored image, or
    its decode at 1/``shrink``) at ``out_size`` when ``resample``, turned as EXIF says."""
    box = [v / shrink for v in stored_box(crop, orientation, stored)]  # (libjpeg's grid:
    x0, y0 = max(0, round(box[0])), max(0, round(box[1]))  # pixel i covers k·i … k·i + k)
    x1, y1 = min(im.width, round(box[2])), min(im.height, round(box[3]))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    im = im.crop(x0, y0, x1 - x0, y1 - y0)
    target = (out_size[1], out_size[0]) if orientation in TRANSPOSING else out_size
    if resample and (im.width, im.height) != target:
        im = resized(im, target, (box[2] - box[0], box[3] - box[1]))
    if orientation != 1:  # turning needs random access: the small result, in memory
        im = _orient(_from_array(_to_array(im)), orientation)
    return im


def resized(im, target: tuple[int, int], span: tuple[float, float] | None = None):
    """``im`` resized with Lanczos-3 to exactly ``target``; ``span``: the exact size in
    ``im``'s pixels of what ``target`` shows (a fractional box cut to whole pixels), so
    the scale is exact even where the cut is not."""
    span = span or (im.width, im.height)
    out = im.resize(target[0] / span[0], vscale=target[1] / span[1], kernel=KERNEL)
    if (out.width, out.height) != target:  # (rounding of the scale: at most one pixel)
        out = out.embed(0, 0, max(out.width, target[0]), max(out.height, target[1]),
                        extend="copy").crop(0, 0, target[0], target[1])
    return out


# --------------------------------------------------------------------------
# screen copies


def screen_pixels(img: Image.Image, size: tuple[int, int],
                  box: tuple[float, float, float, float] | None = None,
                  pixels: np.ndarray | None = None) -> Image.Image:
    """``img`` (or its ``box``, in its pixels) resized with Lanczos-3 to ``size``;
    ``pixels``: ``img``'s pixels as an array, when the caller has them."""
    a = np.asarray(img) if pixels is None else pixels
    return _pil(_to_array(_boxed(_from_array(a), size, box)), img.mode)


def screen_pixels_of_jpeg(data: bytes, mode: str, full: tuple[int, int], size: tuple[int, int],
                          box: tuple[float, float, float, float] | None) -> Image.Image:
    """The JPEG ``data`` (``mode``, ``full`` pixels big; CMYK as ink values), or its ``box``,
    at ``size``: decoded at 1/2, 1/4 or 1/8 scale when that still leaves enough pixels."""
    x0, y0, x1, y1 = box if box else (0, 0, *full)
    k = min((x1 - x0) / size[0], (y1 - y0) / size[1])  # source pixels per screen pixel
    shrink = jpeg_shrink(full, (max(1, int(full[0] / k)), max(1, int(full[1] / k)))) \
        if k >= 2 else 1
    im = vips().Image.jpegload_buffer(data, fail_on="truncated",
                                      **({"shrink": shrink} if shrink > 1 else {}))
    scaled = (x0 / shrink, y0 / shrink, x1 / shrink, y1 / shrink)  # libjpeg's grid
    return _pil(_to_array(_boxed(im, size, scaled)), mode)


def _boxed(im, size: tuple[int, int], box: tuple[float, float, float, float] | None):
    if box is not None:
        x0, y0 = max(0, round(box[0])), max(0, round(box[1]))
        x1 = min(im.width, max(x0 + 1, round(box[2])))
        y1 = min(im.height, max(y0 + 1, round(box[3])))
        if (x0, y0, x1, y1) != (0, 0, im.width, im.height):
            im = im.crop(x0, y0, x1 - x0, y1 - y0)
        span = (box[2] - box[0], box[3] - box[1])
    else:
        span = (im.width, im.height)
    return resized(im, size, span) if (im.width, im.height) != size or span != size else im
