"""How far, and at what cost, does ink limiting move a photo's colours?

    python benchmarks/bench_ink.py                # the sample's photos + adversarial ones
    python benchmarks/bench_ink.py --limits 300 --no-gs

Each photo is prepared as the build prepares it (crop, resample to 400×300 mm at 150 ppi
at most, convert to the shipped FOGRA39L_300 profile; the adversarial photos of
``tests/load/test_ink_limit.py`` at 120×90 mm) and then, at each ink limit:

* ``old``: the former way, ``limit_ink(limit − 10 %)`` and encode: decoded pixels over the
  limit, and the peak (no guarantee);
* ``margin``: the smallest fixed margin below ``allowed_levels(limit)`` (in 1 % steps) with
  which no decoded pixel of *that* photo is over; ``fixed``: the largest of them over all
  photos applied to every photo, what a margin "proven by measurement" costs;
* ``ours m=…``: :func:`standpress.load.ink.encode_within_limit` with the first-pass margin
  ``m`` %: blocks limited again, whole-image passes, CPU;
* ``floor``: ``limit_ink`` at ``allowed_levels`` exactly, without JPEG: the least any
  method must move.

ΔCMYK of a pixel is |ΔC| + |ΔM| + |ΔY| + |ΔK| in % between the converted photo and the
pixels encoded (before JPEG, so JPEG's own noise is not counted). The summary pools all
pixels of the sample's photos (and, apart, of the adversarial ones): mean, 99th
percentile, the share of pixels moved and the 99th percentile of those moved. CPU is
``time.process_time`` of the encoding step alone (and of a plain encoding, and of the whole
preparation without a limit), per photo. With Ghostscript (default), the JPEG of ``ours``
(default margin) is also decoded by Ghostscript (``tiff32nc``, 1 px = 1 pt) and its peak
reported.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "load"))

from standpress.load import images, ink  # noqa: E402
from test_ink_limit import adversarial_photos, gs_decode_jpeg  # noqa: E402

PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"


def converted(path: Path, box_mm=(400.0, 300.0), ppi=150.0) -> Image.Image:
    """The CMYK pixels ``prepare_image`` makes before any ink limiting (caught on their
    way to :func:`standpress.load.ink.encode_within_limit`)."""
    caught: list[Image.Image] = []
    real = images.encode_within_limit

    def catch(img: Image.Image, limit: float, **kw) -> ink.InkLimited:
        # (opaque RGB photos come as pixels, H × W × 4)
        caught.append(Image.fromarray(img.copy(), "CMYK") if isinstance(img, np.ndarray)
                      else img.copy())
        return real(img, limit, **kw)

    images.encode_within_limit = catch
    try:
        images.prepare_image(path, box_mm=box_mm, target_ppi=ppi, output_profile=PROFILE,
                             ink_limit=400)
    finally:
        images.encode_within_limit = real
    if not caught:
        raise SystemExit(f"{path}: not a colour photo (gray photos print on K alone)")
    return caught[0]


def totals(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return np.asarray(im).sum(axis=2, dtype=np.int32)


class Pool:
    """A histogram of per-pixel ΔCMYK (levels summed over the channels, 0‒1020)."""

    def __init__(self) -> None:
        self.hist = np.zeros(1021, np.int64)
        self.cpu: list[float] = []

    def add(self, src: Image.Image, out: Image.Image) -> tuple[float, float]:
        d = np.abs(np.asarray(src, np.int16) - np.asarray(out, np.int16)).sum(axis=2)
        h = np.bincount(d.ravel(), minlength=1021)
        self.hist += h
        return _stats(h)[0], _stats(h)[3]

    def line(self) -> str:
        mean, p99, moved, p99_moved, worst = _stats(self.hist)
        cpu = (f", CPU {np.mean(self.cpu) * 1000:.0f} ms a photo (max "
               f"{max(self.cpu) * 1000:.0f})") if self.cpu else ""
        return (f"Δmean {mean:.4f} %, p99 {p99:.1f} %, moved {moved:.3f} % of pixels, "
                f"p99 of those {p99_moved:.1f} %, max {worst:.1f} %{cpu}")


def _stats(h: np.ndarray) -> tuple[float, float, float, float, float]:
    n = h.sum()
    levels = np.arange(len(h))
    mean = float((h * levels).sum() / n / 2.55)
    p99 = float(np.searchsorted(np.cumsum(h), 0.99 * n) / 2.55)
    moved = h[1:].sum()
    p99_moved = (float((np.searchsorted(np.cumsum(h[1:]), 0.99 * moved) + 1) / 2.55)
                 if moved else 0.0)
    worst = float(levels[h > 0].max() / 2.55)
    return mean, p99, float(moved / n * 100), p99_moved, worst


def smallest_margin(src: Image.Image, limit: float) -> tuple[int, Image.Image]:
    allowed = ink.allowed_levels(limit)
    for m in range(0, 101):
        out = ink.limit_ink(src, allowed / 2.55 - m)
        if totals(ink.encode_jpeg(out)).max() <= allowed:
            return m, out
    raise AssertionError("no margin works")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limits", type=float, nargs="+", default=[300.0, 260.0])
    ap.add_argument("--margins", type=float, nargs="+", default=[0.0, 1.0, 2.0, 4.0])
    ap.add_argument("--no-gs", action="store_true")
    args = ap.parse_args()
    photos = {p.stem: p for p in sorted((ROOT / "data" / "photos").glob("*.jpg"))}
    with tempfile.TemporaryDirectory() as tmp:
        adversarial = adversarial_photos(Path(tmp))
        sources = {name: converted(p) for name, p in photos.items()}
        sources |= {name: converted(p, (120.0, 90.0)) for name, p in adversarial.items()}
    prep = []
    for path in photos.values():  # the whole preparation without a limit, for scale
        t0 = time.process_time()
        images.prepare_image(path, box_mm=(400.0, 300.0), target_ppi=150.0,
                             output_profile=PROFILE)
        prep.append(time.process_time() - t0)
    print(f"{len(photos)} sample photos, {sum(s.width * s.height for n, s in sources.items() if n in photos) / 1e6:.0f} Mpx; "
          f"preparing one without a limit: CPU {np.mean(prep) * 1000:.0f} ms")
    for limit in args.limits:
        allowed = ink.allowed_levels(limit)
        print(f"\n=== ink limit {limit:g} % (decoded pixels ≤ {allowed} levels = "
              f"{allowed / 2.55:.2f} %)")
        print(f"{'photo':24s} {'Mpx':>4s} | {'old: over, peak %':>17s} | "
              f"{'margin %: Δmean':>15s} | {'floor Δmean':>11s} | "
              + " | ".join(f"ours m={m:g}: blocks,passes Δmean CPU ms" for m in args.margins)
              + " | enc ms | gs peak %")
        pools: dict[tuple[str, str], Pool] = {}
        margins = {}
        enc = []
        for name, src in sources.items():
            group = "sample" if name in photos else "adversarial"

            def pool(key: str) -> Pool:
                return pools.setdefault((group, key), Pool())

            row = [f"{name:24s} {src.width * src.height / 1e6:4.1f}"]
            old = totals(ink.encode_jpeg(ink.limit_ink(src, limit - 10)))
            over = int((old > round(limit * 2.55)).sum())
            row.append(f"{over:6d} {old.max() / 2.55:9.1f}")
            m, out = smallest_margin(src, limit)
            margins[name] = m
            row.append(f"{m:4d}: {pool('margin').add(src, out)[0]:8.4f}")
            row.append(f"{pool('floor').add(src, ink.limit_ink(src, allowed / 2.55))[0]:11.4f}")
            for margin in args.margins:
                t0 = time.process_time()
                res = ink.encode_within_limit(src, limit, margin=margin)
                cpu = time.process_time() - t0
                assert totals(res.data).max() <= allowed
                p = pool(f"ours m={margin:g}")
                p.cpu.append(cpu)
                row.append(f"{res.blocks:6d},{res.passes} {p.add(src, res.image)[0]:8.4f} "
                           f"{cpu * 1000:5.0f}")
            t0 = time.process_time()
            ink.encode_jpeg(src)
            enc.append(time.process_time() - t0)
            row.append(f"{enc[-1] * 1000:5.0f}")
            if not args.no_gs:
                res = ink.encode_within_limit(src, limit)
                g = gs_decode_jpeg(res.data, src.width, src.height)
                peak = int(g.astype(np.int32).sum(axis=2).max())
                assert peak <= allowed, (name, peak)
                row.append(f"{peak / 2.55:8.2f}")
            print(" | ".join(row), flush=True)
        fixed = max(margins.values())
        for name, src in sources.items():
            group = "sample" if name in photos else "adversarial"
            out = ink.limit_ink(src, allowed / 2.55 - fixed)
            pools.setdefault((group, f"fixed {fixed} %"), Pool()).add(src, out)
        print(f"plain encode: CPU {np.mean(enc) * 1000:.0f} ms a photo")
        for group in ("sample", "adversarial"):
            print(f"pooled over the {group} photos' pixels:")
            for (g, key), p in pools.items():
                if g == group:
                    print(f"  {key:14s} {p.line()}")

if __name__ == "__main__":
    main()
