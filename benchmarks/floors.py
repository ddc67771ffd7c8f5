"""The floors: the photo work of a build done by the obvious code, once, and nothing else.

    python benchmarks/floors.py pillow|vips TASKS.json [--jobs 2]

``TASKS.json`` lists the build's placements, ``[source, w_mm, h_mm, [fx, fy], ppi,
output_profile]`` (``bench_build.py`` takes them from standpress's own layout). Each photo
is decoded, turned upright (EXIF), cropped to its frame's aspect around the focus point,
resampled to the frame at the format's ppi (never enlarged: a smaller source keeps its
cropped pixels, as the build does), brought to the output profile and encoded as JPEG q85:

* **pillow**: ``draft()`` (JPEG decoding at 1/2…1/8 scale) when the photo has at least twice
  the pixels needed, ``ImageOps.exif_transpose``, ``resize(LANCZOS, box=…,
  reducing_gap=3)``, ``ImageCms`` (LittleCMS: relative colorimetric, black-point
  compensation) from the embedded profile or sRGB;
* **vips**: ``pyvips.Image.thumbnail`` (shrink-on-load, then Lanczos-3; it turns the photo
  upright), ``crop``, ``icc_transform`` (LittleCMS, relative colorimetric, black-point
  compensation); one libvips thread per process (``VIPS_CONCURRENCY=1``).

Both follow the build's colour rules, so that they do the work it does and no more: grey
stays grey (no transform), a CMYK photo in the output profile (or with none) keeps its
values, RGB goes from its embedded profile (sRGB when it has none) to the output profile,
transparency is flattened onto white. No ink limiting: that is the build's own extra.
``--jobs`` processes (default 2), the photos handed out biggest file first. Prints JSON:
the seconds the photo work took (pool start included, interpreter start not), the number
of photos and the bytes encoded.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

QUALITY = 85
DRAFT_FACTOR = 2.0
TRANSPOSING = {5, 6, 7, 8}


def frame(oriented: tuple[int, int], w: float, h: float, focus, ppi: float):
    """(x0, y0, cw, ch) the crop in upright source pixels, (pw, ph) the output size, and
    whether to resample (False: the source is smaller; its crop is kept, not enlarged)."""
    sw, sh = oriented
    aspect = w / h
    cw, ch = (sh * aspect, sh) if sw / sh > aspect else (sw, sw / aspect)
    x0 = min(max(focus[0] * sw - cw / 2, 0), sw - cw)
    y0 = min(max(focus[1] * sh - ch / 2, 0), sh - ch)
    size = (max(1, round(w / 25.4 * ppi)), max(1, round(h / 25.4 * ppi)))
    if cw > size[0] and ch > size[1]:
        return (x0, y0, cw, ch), size, True
    iw, ih = max(1, min(sw, round(cw))), max(1, min(sh, round(ch)))  # whole pixels, as the build
    ix, iy = min(max(0, round(x0)), sw - iw), min(max(0, round(y0)), sh - ih)
    return (ix, iy, iw, ih), (iw, ih), False


# ------------------------------------------------------------------ Pillow

_PIL_TRANSFORMS: dict = {}


def _pil_transform(icc: bytes | None, profile: str, in_mode: str):
    from PIL import ImageCms

    key = (icc, profile, in_mode)
    if key not in _PIL_TRANSFORMS:
        source = (ImageCms.createProfile("sRGB") if icc is None
                  else ImageCms.ImageCmsProfile(io.BytesIO(icc)))
        _PIL_TRANSFORMS[key] = ImageCms.buildTransform(
            source, ImageCms.getOpenProfile(profile), in_mode, "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    return _PIL_TRANSFORMS[key]


def pillow_jpeg(task) -> bytes:
    """One photo with Pillow: the JPEG."""
    from PIL import Image, ImageCms, ImageOps

    source, w, h, focus, ppi, profile = task
    with Image.open(source) as img:
        orientation = int(img.getexif().get(0x0112, 1))
        stored = img.size
        oriented = stored[::-1] if orientation in TRANSPOSING else stored
        (x0, y0, cw, ch), size, resample = frame(oriented, w, h, focus, ppi)
        if (img.format == "JPEG" and resample and cw >= DRAFT_FACTOR * size[0]
                and ch >= DRAFT_FACTOR * size[1]):
            need = (int(oriented[0] * size[0] / cw) + 1, int(oriented[1] * size[1] / ch) + 1)
            img.draft(img.mode, need[::-1] if orientation in TRANSPOSING else need)
        icc = img.info.get("icc_profile") or None
        img.load()
        work = ImageOps.exif_transpose(img) if orientation != 1 else img
        alpha = None
        if work.mode in ("RGBA", "LA", "P", "PA"):
            rgba = work.convert("RGBA")
            alpha, work = rgba.getchannel("A"), rgba.convert("RGB")
        elif work.mode not in ("RGB", "L", "CMYK"):
            work = work.convert("L" if work.mode.startswith("I") else "RGB")
        kx, ky = work.size[0] / oriented[0], work.size[1] / oriented[1]
        box = (x0 * kx, y0 * ky, (x0 + cw) * kx, (y0 + ch) * ky)
        if resample:
            work = work.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
            alpha = alpha and alpha.resize(size, Image.Resampling.LANCZOS, box=box,
                                           reducing_gap=3.0)
        else:  # not drafted: whole source pixels
            box = (x0, y0, x0 + cw, y0 + ch)
            work, alpha = work.crop(box), alpha and alpha.crop(box)
        if work.mode == "RGB":
            work = ImageCms.applyTransform(work, _pil_transform(icc, profile, "RGB"))
        elif work.mode == "CMYK" and icc is not None and icc != _profile_bytes(profile):
            work = ImageCms.applyTransform(work, _pil_transform(icc, profile, "CMYK"))
        if alpha is not None:
            white = Image.new(work.mode, work.size, 0 if work.mode == "CMYK" else 255)
            work = Image.composite(work, white, alpha)
    buf = io.BytesIO()
    work.save(buf, "JPEG", quality=QUALITY)
    return buf.getvalue()


_PROFILES: dict = {}


def _profile_bytes(path: str) -> bytes:
    if path not in _PROFILES:
        with open(path, "rb") as fh:
            _PROFILES[path] = fh.read()
    return _PROFILES[path]


# ------------------------------------------------------------------ libvips


def vips_jpeg(task) -> bytes:
    """One photo with libvips: the JPEG."""
    import pyvips

    pyvips.cache_set_max(0)  # each photo is read once: keep nothing
    source, w, h, focus, ppi, profile = task
    head = pyvips.Image.new_from_file(source)
    orientation = head.get("orientation") if head.get_typeof("orientation") else 1
    stored = (head.width, head.height)
    oriented = stored[::-1] if orientation in TRANSPOSING else stored
    (x0, y0, cw, ch), size, resample = frame(oriented, w, h, focus, ppi)
    scale = max(size[0] / cw, size[1] / ch) if resample else 1.0
    cmyk = head.interpretation == "cmyk"
    icc = head.get("icc-profile-data") if head.get_typeof("icc-profile-data") else None
    if cmyk:  # thumbnail would make it sRGB: shrink-on-load and Lanczos-3 by hand
        shrink = 1
        if resample and cw >= DRAFT_FACTOR * size[0] and ch >= DRAFT_FACTOR * size[1]:
            while shrink < 8 and cw / (2 * shrink) >= size[0] and ch / (2 * shrink) >= size[1]:
                shrink *= 2
        img = (pyvips.Image.new_from_file(source, shrink=shrink) if shrink > 1 else head).autorot()
        if resample:
            img = img.resize(size[0] / (cw * img.width / oriented[0]), kernel="lanczos3")
    elif resample:
        img = pyvips.Image.thumbnail(source, max(1, math.ceil(oriented[0] * scale)),
                                     height=10**7, size="down")
    else:
        img = head.autorot()
        if img.format == "ushort":
            img = img.colourspace("srgb" if img.bands >= 3 else "b-w")
    k = img.width / oriented[0]
    left = min(max(0, round(x0 * k)), max(0, img.width - size[0]))
    top = min(max(0, round(y0 * k)), max(0, img.height - size[1]))
    img = img.crop(left, top, min(size[0], img.width - left), min(size[1], img.height - top))
    if img.hasalpha():
        img = img.flatten(background=[255] * (img.bands - 1))
    if img.interpretation in ("srgb", "rgb16") or (img.bands == 3 and not cmyk):
        img = img.icc_transform(profile, input_profile="srgb", embedded=True,
                                intent="relative", black_point_compensation=True)
    elif cmyk and icc is not None and bytes(icc) != _profile_bytes(profile):
        img = img.icc_transform(profile, embedded=True, intent="relative",
                                black_point_compensation=True)
    return img.jpegsave_buffer(Q=QUALITY)


# ------------------------------------------------------------------ the run

def pillow_one(task) -> int:
    return len(pillow_jpeg(task))


def vips_one(task) -> int:
    return len(vips_jpeg(task))


ENGINES = {"pillow": pillow_one, "vips": vips_one}


def run(engine: str, tasks: list, jobs: int) -> dict:
    one = ENGINES[engine]
    tasks = sorted(tasks, key=lambda t: -os.path.getsize(t[0]))  # the longest first
    start = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            sizes = list(pool.map(one, tasks, chunksize=1))
    else:
        sizes = [one(t) for t in tasks]
    return {"seconds": time.perf_counter() - start, "photos": len(tasks),
            "bytes": sum(sizes)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("engine", choices=sorted(ENGINES))
    ap.add_argument("tasks", help="JSON file of placements")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if args.engine == "vips":
        os.environ["VIPS_CONCURRENCY"] = "1"  # before libvips is loaded (in the workers)
    with open(args.tasks, encoding="utf-8") as fh:
        tasks = json.load(fh)
    print(json.dumps(run(args.engine, tasks, args.jobs)))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
