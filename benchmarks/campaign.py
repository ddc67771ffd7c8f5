"""Generated campaigns for the build benchmark, shaped like ТОП-100.

``photo(seed)`` draws a 4000×3000 photo-like picture (gradients, soft shapes, texture and
grain, so that it compresses like a photograph: about 3 MB at JPEG quality 90); every
third one carries an sRGB ICC profile. ``make_photos`` writes them once into a shared
store (``benchmarks/.work/photos``), in parallel, and keeps them between runs.

``make_campaign(folder, scale, store)`` writes a campaign folder:

* ``scale=1``: the repository's ``locations.toml`` (8 stands), its templates, fonts and
  profile, and ``data/cases.csv`` with the 100 sample cases, each given its own photo;
* ``scale=10``: 1,000 cases (the sample texts ten times over) in 100 generated districts,
  served by 80 generated citylight locations (20 of them serve two districts).

Photos are hard-linked from the store into ``data/photos/`` (copied when the file system
refuses links), so a campaign costs no disk space for them.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT, QUALITY = 4000, 3000, 90


def photo(seed: int, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """JPEG bytes of one generated photo (deterministic for ``seed``)."""
    import numpy as np
    from PIL import Image, ImageCms, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    sw, sh = width // 8, height // 8
    y, x = np.mgrid[0:sh, 0:sw].astype(np.float32)
    c0, c1, c2 = (rng.uniform(20, 235, 3) for _ in range(3))
    fx, fy = (x / sw)[..., None], (y / sh)[..., None]
    base = (c0 * (1 - fx) + c1 * fx) * (1 - fy) + c2 * fy
    small = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(small)
    for _ in range(int(rng.integers(8, 20))):
        x0, y0 = rng.uniform(-0.1, 1.0) * sw, rng.uniform(-0.1, 1.0) * sh
        r = rng.uniform(0.03, 0.3) * sw
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x0 + r, y0 + r * rng.uniform(0.5, 1.5)), fill=colour)
        else:
            draw.polygon([(x0 + rng.uniform(-r, r), y0 + rng.uniform(-r, r)) for _ in range(3)],
                         fill=colour)
    small = small.filter(ImageFilter.GaussianBlur(1.5))
    big = np.asarray(small.resize((width, height), Image.Resampling.BICUBIC)).astype(np.int16)
    texture = Image.fromarray(rng.integers(0, 256, (height // 4, width // 4), dtype=np.uint8), "L")
    texture = np.asarray(texture.resize((width, height), Image.Resampling.BILINEAR)).astype(np.int16)
    big += ((texture - 128) // 6)[..., None]
    big += rng.integers(-6, 7, (height, width, 1), dtype=np.int16)
    img = Image.fromarray(np.clip(big, 0, 255).astype(np.uint8), "RGB")
    out = io.BytesIO()
    extra = {}
    if seed % 3 == 0:
        extra["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    img.save(out, "JPEG", quality=QUALITY, **extra)
    return out.getvalue()


def _write_photo(args: tuple[int, str]) -> None:
    seed, path = args
    tmp = Path(path + ".tmp")
    tmp.write_bytes(photo(seed))
    os.replace(tmp, path)


def photo_name(i: int) -> str:
    return f"p{i:04d}.jpg"


def make_photos(store: Path, count: int, jobs: int | None = None, progress=print) -> list[Path]:
    """Photos ``p0000.jpg`` … in ``store``; only the missing ones are drawn."""
    store.mkdir(parents=True, exist_ok=True)
    paths = [store / photo_name(i) for i in range(count)]
    todo = [(i, str(p)) for i, p in enumerate(paths) if not p.exists()]
    if todo:
        progress(f"drawing {len(todo)} photos of {WIDTH}×{HEIGHT} px into {store} (once)")
        with ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            list(pool.map(_write_photo, todo, chunksize=4))
    return paths


def _link(src: Path, dst: Path) -> None:
    if dst.exists():
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _sample_cases() -> list[dict]:
    with open(ROOT / "data" / "cases.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


FIELDS = ("id", "title", "organization", "district", "category", "summary", "partner", "url",
          "photo", "photo_credit")
CREDIT = "Фото: згенероване для тесту швидкодії, CC0"


def _copy_design(folder: Path) -> None:
    for name in ("templates", "fonts", "profiles"):
        if (folder / name).exists():
            shutil.rmtree(folder / name)
        shutil.copytree(ROOT / name, folder / name)


def _write_cases(folder: Path, rows: list[dict]) -> Path:
    path = folder / "data" / "cases.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def make_campaign(folder: Path, scale: int, store: Path, jobs: int | None = None,
                  progress=print) -> tuple[Path, Path]:
    """Write the campaign; returns (cases.csv, locations.toml)."""
    if scale not in (1, 10):
        raise ValueError("scale is 1 or 10")
    folder.mkdir(parents=True, exist_ok=True)
    _copy_design(folder)
    (folder / "data" / "photos").mkdir(parents=True, exist_ok=True)
    sample = _sample_cases()
    n = 100 * scale
    photos = make_photos(store, n, jobs, progress)
    for old in (folder / "data" / "photos").glob("*.jpg"):
        old.unlink()
    for p in photos:
        _link(p, folder / "data" / "photos" / p.name)
    text = (ROOT / "locations.toml").read_text("utf-8")
    rows = []
    if scale == 1:
        for i, case in enumerate(sample):
            rows.append({**case, "photo": f"photos/{photo_name(i)}", "photo_credit": CREDIT})
    else:
        districts = _districts(sample)
        for i in range(n):
            case = sample[i % len(sample)]
            rows.append({**case, "id": f"{i:04d}", "district": districts[i // 10], "url": "",
                         "photo": f"photos/{photo_name(i)}", "photo_credit": CREDIT})
        text = _locations_10x(text, districts)
        _locator_for_80(folder / "templates" / "portrait.toml")
    (folder / "locations.toml").write_text(text, "utf-8")
    return _write_cases(folder, rows), folder / "locations.toml"


def _districts(sample: list[dict]) -> list[str]:
    names = sorted({c["district"] for c in sample})
    return [f"{names[i % len(names)]} {i // len(names) + 1}" for i in range(100)]


def _locator_for_80(template: Path) -> None:
    """The locator lists every location: give 80 of them the room 8 had with the map."""
    text = template.read_text("utf-8")
    old_map = 'type = "map"\nrect = [0, 0.2, 1, 0.5]'
    old_list = 'type = "locations"\nrect = [0, 0.725, 1, 0.275]\ncols = 2'
    if old_map not in text or old_list not in text:
        raise SystemExit(f"{template}: the locator items changed; update benchmarks/campaign.py")
    text = text.replace(old_map, 'type = "map"\nrect = [0, 0.2, 1, 0.2]')
    text = text.replace(old_list, 'type = "locations"\nrect = [0, 0.42, 1, 0.58]\ncols = 3')
    template.write_text(text, "utf-8")


def _locations_10x(text: str, districts: list[str]) -> str:
    """80 citylight locations for 100 districts: the first 20 serve two."""
    text = text[:text.index("[[location]]")]
    quoted = ", ".join(f'"{d}"' for d in districts)
    text = re.sub(r"districts = \[.*?\]", f"districts = [{quoted}]", text, count=1, flags=re.S)
    blocks = []
    d = 0
    for i in range(80):
        serves = districts[d:d + (2 if i < 20 else 1)]
        d += len(serves)
        angle, radius = 2 * math.pi * i / 80, 0.04 + 0.06 * ((i * 7) % 10) / 10
        blocks.append(f"""
[[location]]
id = "stand-{i + 1:02d}"
name = "Локація {i + 1}"
short_name = "Локація {i + 1}"
address = "вул. Тестова, {i + 1}"
district = "{serves[0]}"
lat = {50.45 + radius * math.sin(angle):.4f}
lon = {30.52 + 1.5 * radius * math.cos(angle):.4f}
format = "citylight"
units = {4 if len(serves) == 2 else 3}
serves = [{", ".join(f'"{s}"' for s in serves)}]
""")
    return text + "".join(blocks)


if __name__ == "__main__":  # pragma: no cover - python benchmarks/campaign.py FOLDER SCALE
    import sys

    cases, locations = make_campaign(Path(sys.argv[1]), int(sys.argv[2]),
                                     Path(__file__).parent / ".work" / "photos")
    print(cases, locations)
