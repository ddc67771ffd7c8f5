"""Did the colours move? The photo pipeline through libvips against the Pillow one it replaced.

For photos of every kind (12 Mpx JPEGs with and without an sRGB profile, a CMYK JPEG with
and without the Adobe marker, an Adobe RGB one, EXIF-rotated ones, RGBA, 16-bit RGB, gray
and 16-bit gray PNGs, a palette PNG with transparency, a 320×240 JPEG, a 9000×6000 JPEG),
each is prepared by :func:`standpress.load.images.prepare_image` twice at the same box, ppi,
focus and ink limit: once as it is (pixels through libvips, :mod:`standpress.load.vips`)
and once with its pixel step swapped for :func:`pillow_pixels`, the Pillow code it replaced
(draft-decode, EXIF transpose, CMYK polarity, modes, crop and Lanczos with a box and
``reducing_gap=3``; the colour conversion, flattening and ink-limited encoding after it are
the same code in both). ``--git REV`` also runs the Pillow pipeline as it stood at ``REV``
(default ``bf89804``) and checks that :func:`pillow_pixels` gives its very bytes.

Reported per photo: per-channel |ΔCMYK| of the pixels before JPEG encoding and of the
decoded JPEGs (mean, 99th percentile, max, in levels of 255; gray counts as K), the largest
C+M+Y+K of the new decoded JPEG against the allowed (:func:`standpress.load.ink
.allowed_levels`), and the CPU time of each pipeline (median of ``--repeat``).

Held (``THRESHOLDS``, also by ``tests/load/test_vips_colours.py`` on small images): per
channel, before encoding, mean ≤ 1 level and 99th percentile ≤ 6 levels (2.4 %); no
decoded pixel of the new JPEG over the ink limit. (Smooth photos stay within 3 levels at
the 99th percentile; hard edges, as in a palette image with transparency, ring a little
differently under the two Lanczos implementations. The two pipelines' *decoded JPEGs*
differ more than their pixels, 3 to 9 levels at the 99th percentile: JPEG quantisation
amplifies a one-level change into a different rounding of a block.)

    python benchmarks/photo_colours.py [--repeat 3] [--git bf89804] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageCms, ImageOps

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
ADOBE_RGB = Path("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc")
THRESHOLDS = {"mean": 1.0, "p99": 6.0}  # levels of 255, per channel, before JPEG encoding
BOX_MM = (180.0, 150.0)
PPI = 150.0
FOCUS = (0.35, 0.6)
INK_LIMIT = 300.0


# --------------------------------------------------------------------------
# the Pillow pixel step as it was (bf89804 load/images.py), in cropped_pixels' shape


def pillow_pixels(img, path, info, notes, *, orientation, crop, out_size, resample, oriented,
                  rgb_array=False):
    """The replaced Pillow code: draft, decode, orient, polarity, modes, crop + Lanczos."""
    from standpress.load.colour import normalise_mode

    if img.format in ("JPEG", "MPO") and resample:
        crop_w, crop_h = crop[2] - crop[0], crop[3] - crop[1]
        if crop_w >= 2 * out_size[0] and crop_h >= 2 * out_size[1]:
            need = (math.ceil(oriented[0] * out_size[0] / crop_w),
                    math.ceil(oriented[1] * out_size[1] / crop_h))
            img.draft(img.mode, need[::-1] if orientation in (5, 6, 7, 8) else need)
    fmt = img.format
    img.load()
    img = ImageOps.exif_transpose(img) if orientation != 1 else img
    if fmt in ("JPEG", "MPO") and img.mode == "CMYK" and "adobe" not in info:
        img = ImageChops.invert(img)
    scale = (img.width / oriented[0], img.height / oriented[1])
    work, alpha, icc = normalise_mode(img, path, info, notes)
    box = (crop[0] * scale[0], crop[1] * scale[1], crop[2] * scale[0], crop[3] * scale[1])
    if not resample:
        ibox = tuple(int(round(v)) for v in box)
        return work.crop(ibox), (alpha.crop(ibox) if alpha is not None else None), icc
    if alpha is not None:
        merged = work.convert({"RGB": "RGBA", "L": "LA"}[work.mode])
        merged.putalpha(alpha)
        merged = merged.resize(out_size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        return merged.convert(work.mode), merged.getchannel("A"), icc
    return work.resize(out_size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0), None, icc


# --------------------------------------------------------------------------
# running a pipeline and catching its pixels


def prepare(path: Path, pixels=None, **kw):
    """(PreparedImage, the CMYK/L pixels before encoding, CPU seconds) — ``pixels``: the
    pixel step to use (None: the current one)."""
    from standpress.load import images

    seen = {}
    real = {"cropped_pixels": images.cropped_pixels, "encode_jpeg": images.encode_jpeg,
            "encode_within_limit": images.encode_within_limit}

    def catch_plain(img):
        seen["pixels"] = img
        return real["encode_jpeg"](img)

    def catch_limited(img, limit):
        seen["pixels"] = img
        return real["encode_within_limit"](img, limit)

    images.encode_jpeg, images.encode_within_limit = catch_plain, catch_limited
    if pixels is not None:
        images.cropped_pixels = pixels
    try:
        t = time.process_time()
        r = images.prepare_image(path, **_args(kw))
        cpu = time.process_time() - t
    finally:
        for name, fn in real.items():
            setattr(images, name, fn)
    return r, seen["pixels"], cpu


def _args(kw: dict) -> dict:
    args = {"box_mm": BOX_MM, "target_ppi": PPI, "output_profile": PROFILE, "focus": FOCUS,
            "ink_limit": INK_LIMIT}
    args.update(kw)
    return args


def as_cmyk(img: Image.Image | np.ndarray) -> np.ndarray:
    """H × W × 4 ink levels (gray L becomes K = 255 − L; an array is CMYK already)."""
    if isinstance(img, np.ndarray):
        return img
    if img.mode == "L":
        a = np.zeros((img.height, img.width, 4), np.uint8)
        a[..., 3] = 255 - np.asarray(img)
        return a
    assert img.mode == "CMYK", img.mode
    return np.asarray(img)


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.copy()


def difference(a: Image.Image, b: Image.Image) -> dict:
    """Per channel |Δ| of two images: mean, p99, max (levels)."""
    x, y = as_cmyk(a).astype(np.int16), as_cmyk(b).astype(np.int16)
    if x.shape != y.shape:
        raise AssertionError(f"sizes differ: {x.shape} against {y.shape}")
    d = np.abs(x - y).reshape(-1, 4)
    return {"mean": [round(float(v), 3) for v in d.mean(axis=0)],
            "p99": [float(v) for v in np.percentile(d, 99, axis=0)],
            "max": [int(v) for v in d.max(axis=0)]}


def within(diff: dict) -> bool:
    return (max(diff["mean"]) <= THRESHOLDS["mean"] and max(diff["p99"]) <= THRESHOLDS["p99"])


def peak_ink(data: bytes) -> int:
    return int(as_cmyk(decoded(data)).astype(np.uint16).sum(axis=2).max())


# --------------------------------------------------------------------------
# the photos


def make_photos(folder: Path, scale: float = 1.0) -> dict[str, Path]:
    """Photos of every kind (``scale`` < 1: smaller, for the tests)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from campaign import photo  # the campaign's generator (not edited here)

    def px(w, h):
        return max(8, round(w * scale)), max(8, round(h * scale))

    out: dict[str, Path] = {}

    def save(name, img, fmt="JPEG", **kw):
        path = folder / name
        img.save(path, fmt, **kw)
        out[path.stem] = path

    def base(seed, w=4000, h=3000):
        return Image.open(io.BytesIO(photo(seed, *px(w, h)))).convert("RGB")

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    rgb = base(1)
    save("jpeg-untagged.jpg", rgb, quality=90)
    save("jpeg-srgb.jpg", base(3), quality=90, icc_profile=srgb)
    if ADOBE_RGB.exists():
        save("jpeg-adobergb.jpg", base(4), quality=90, icc_profile=ADOBE_RGB.read_bytes())
    to_cmyk = ImageCms.buildTransform(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")),
                                      ImageCms.getOpenProfile(str(PROFILE)), "RGB", "CMYK")
    cmyk = ImageCms.applyTransform(base(5), to_cmyk)
    save("jpeg-cmyk-adobe.jpg", cmyk, quality=90)
    plain = io.BytesIO()
    cmyk.save(plain, "JPEG", quality=90)
    data = plain.getvalue()
    i = data.find(b"\xff\xee")
    n = int.from_bytes(data[i + 2:i + 4], "big")
    (folder / "jpeg-cmyk-plain.jpg").write_bytes(data[:i] + data[i + 2 + n:])
    out["jpeg-cmyk-plain"] = folder / "jpeg-cmyk-plain.jpg"
    for orientation in (3, 6, 8, 5):
        exif = Image.Exif()
        exif[0x0112] = orientation
        save(f"jpeg-exif{orientation}.jpg", base(6 + orientation), quality=90,
             exif=exif.tobytes())
    rgba = base(7).convert("RGBA")
    w, h = rgba.size
    alpha = np.clip(np.add.outer(np.linspace(-80, 400, h), np.linspace(0, 100, w)), 0, 255)
    rgba.putalpha(Image.fromarray(alpha.astype(np.uint8), "L"))
    save("png-rgba.png", rgba, "PNG", compress_level=1)
    wide = np.asarray(base(8)).astype(np.uint16) * 257 + np.arange(3, dtype=np.uint16) * 60
    _write_png16(folder / "png-rgb16.png", wide)
    out["png-rgb16"] = folder / "png-rgb16.png"
    save("png-grey.png", base(9).convert("L"), "PNG", compress_level=1)
    grey16 = np.asarray(base(10).convert("L")).astype(np.uint16) * 257
    Image.fromarray(grey16.astype(np.uint16)).save(
        folder / "png-grey16.png", "PNG", compress_level=1)
    out["png-grey16"] = folder / "png-grey16.png"
    pal = base(11, 1600, 1200).quantize(64)
    pal.info["transparency"] = 0
    save("png-palette-trns.png", pal, "PNG", transparency=0)
    save("jpeg-320x240.jpg", base(12, *(np.array((320, 240)) / scale).astype(int)), quality=90)
    save("jpeg-9000x6000.jpg", base(13, 9000, 6000), quality=90)
    return out


def _write_png16(path: Path, a: np.ndarray) -> None:
    """A 16-bit RGB PNG (Pillow cannot write one)."""
    import struct
    import zlib

    h, w, _ = a.shape
    raw = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in a)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------
# the pipeline as it stood at a git revision


def git_pipeline(rev: str):
    """``prepare_image`` of ``rev``'s load/images.py, colour.py and ink.py, or None."""
    pkg = types.ModuleType("refload")
    pkg.__path__ = []
    sys.modules["refload"] = pkg
    mods = {}
    for name in ("colour", "ink", "images"):
        try:
            src = subprocess.run(["git", "-C", str(ROOT), "show",
                                  f"{rev}:src/standpress/load/{name}.py"],
                                 check=True, capture_output=True, text=True).stdout
        except (subprocess.CalledProcessError, FileNotFoundError):
            return None
        src = src.replace("standpress.load.colour", "refload.colour").replace(
            "standpress.load.ink", "refload.ink")
        mod = types.ModuleType(f"refload.{name}")
        mod.__file__ = f"<{rev}:{name}.py>"
        sys.modules[mod.__name__] = mod
        exec(compile(src, mod.__file__, "exec"), mod.__dict__)
        mods[name] = mod
    return mods["images"].prepare_image


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timings: median of this many")
    ap.add_argument("--git", default="bf89804", help="also check against this revision")
    ap.add_argument("--json", type=Path, help="write the table here")
    ap.add_argument("--photos", type=Path, help="keep the generated photos in this folder")
    args = ap.parse_args(argv)
    importlib.import_module("standpress.load.vips").vips()  # configured before timing
    old = git_pipeline(args.git) if args.git else None
    folder = args.photos or Path(tempfile.mkdtemp(prefix="photo-colours-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"drawing the photos into {folder} …", flush=True)
    photos = make_photos(folder)
    rows, ok = [], True
    from standpress.load.ink import allowed_levels

    allowed = allowed_levels(INK_LIMIT)
    print(f"box {BOX_MM[0]:g}×{BOX_MM[1]:g} mm at {PPI:g} ppi, focus {FOCUS}, ink limit "
          f"{INK_LIMIT:g} % (≤ {allowed} levels decoded); |ΔCMYK| in levels of 255, C M Y K")
    print(f"{'photo':20} {'size':>11} {'pixels mean':>23} {'p99':>15} {'max':>17} "
          f"{'JPEG p99':>15} {'ink':>4} {'cpu Pillow':>10} {'vips':>6}")
    for name, path in photos.items():
        new_t, ref_t = [], []
        for _ in range(args.repeat):  # interleaved
            ref, ref_px, t_ref = prepare(path, pillow_pixels)
            new, new_px, t_new = prepare(path)
            ref_t.append(t_ref)
            new_t.append(t_new)
        same_as_git = None
        if old is not None:
            same_as_git = old(path, **_args({})).data == ref.data
        px = difference(new_px, ref_px)
        jp = difference(decoded(new.data), decoded(ref.data))
        ink = peak_ink(new.data)
        good = within(px) and ink <= allowed and same_as_git is not False
        ok &= good
        with Image.open(path) as im:
            size = f"{im.width}×{im.height}"
        rows.append({"photo": name, "size": size, "mode": new_px.mode,
                     "out": [new.pixel_width, new.pixel_height], "pixels": px, "jpeg": jp,
                     "peak_ink": ink, "allowed": allowed,
                     "cpu_pillow": statistics.median(ref_t), "cpu_vips": statistics.median(new_t),
                     "reference_is_git": same_as_git, "within": good})
        print(f"{name:20} {size:>11} {_fmt(px['mean'], 2):>23} {_fmt(px['p99'], 0):>15} "
              f"{_fmt(px['max'], 0):>17} {_fmt(jp['p99'], 0):>15} {ink:>4} "
              f"{statistics.median(ref_t):>10.3f} {statistics.median(new_t):>6.3f}"
              + ("" if good else "  ← OVER") + ("" if same_as_git in (None, True)
                                                else "  (reference ≠ git)"), flush=True)
    total_ref = sum(r["cpu_pillow"] for r in rows)
    total_new = sum(r["cpu_vips"] for r in rows)
    print(f"CPU, all photos: Pillow {total_ref:.2f} s, libvips {total_new:.2f} s "
          f"({total_new / total_ref:.2f}×); thresholds {THRESHOLDS}: "
          + ("held" if ok else "NOT held"))
    if args.json:
        args.json.write_text(json.dumps({"thresholds": THRESHOLDS, "rows": rows}, indent=1))
    return 0 if ok else 1


def _fmt(values, digits: int) -> str:
    return " ".join(f"{v:.{digits}f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
