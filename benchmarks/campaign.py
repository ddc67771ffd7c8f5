"""Generated campaigns for the build benchmark, shaped like ТОП-100.

``photo(seed)`` draws a 4000×3000 photo-like picture (gradients, soft shapes, texture and
grain, so that it compresses like a photograph: about 3 MB at JPEG quality 90); every
third one carries an sRGB ICC profile. Photos are written once into a shared store
(``benchmarks/.work/photos``), in parallel, and kept between runs.

``make_campaign(folder, scale, store, kind)`` writes a campaign folder. Two kinds:

* ``"plain"``: every one of the 100 sample cases gets its own 4000×3000 JPEG;
* ``"mixed"`` (issue 16's campaign): 100 cases, 92 with a photo, 8 without; 85 of the
  photos are 4000×3000 JPEGs as above, and seven are of the kinds a real campaign brings
  (``MIXED_KINDS``): a CMYK JPEG (with the project's FOGRA39 profile embedded), a
  9000×6000 JPEG, a JPEG stored sideways with EXIF orientation 6, an RGBA PNG with soft
  transparent edges, a 16-bit RGB PNG, a grey PNG and a 320×240 JPEG.

and two scales:

* ``scale=1``: the repository's ``locations.toml`` (8 stands), its templates, fonts and
  profile, and ``data/cases.csv`` with the 100 sample cases;
* ``scale=10``: 1,000 cases (the sample texts ten times over, the kind's pattern of photos
  ten times over, every photo a different picture) in 100 generated districts, served by
  80 generated citylight locations (20 of them serve two districts); their locator lists
  all 80 without the map (a map of 80 stands has no room for each dot, name and «Ви тут»).

``cases=N`` keeps the first N cases only (a quicker look; every stand keeps its districts).

Photos are hard-linked from the store into ``data/photos/`` (copied when the file system
refuses links), so a campaign costs no disk space for them. ``shrink`` (tests only) draws
every photo ``shrink`` times smaller, into a store of its own.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import struct
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT, QUALITY = 4000, 3000, 90
KINDS = ("plain", "mixed")

# the seven photos of the mixed campaign that are not plain 12 Mpx JPEGs:
# kind → (file extension, stored size in px, what Pillow reads it as)
MIXED_KINDS = {
    "cmyk": ("jpg", (4000, 3000), "CMYK JPEG, FOGRA39 profile embedded"),
    "huge": ("jpg", (9000, 6000), "54 Mpx RGB JPEG"),
    "rotated": ("jpg", (4000, 3000), "RGB JPEG stored sideways, EXIF orientation 6"),
    "rgba": ("png", (4000, 3000), "RGBA PNG, transparent towards the corners"),
    "rgb16": ("png", (4000, 3000), "16-bit RGB PNG"),
    "grey": ("png", (4000, 3000), "8-bit grey PNG"),
    "small": ("jpg", (320, 240), "320×240 RGB JPEG"),
}
# where they sit among the 100 cases (positions in the sample's order), and the cases
# without a photo (8 of them: 11, 23, …, 95)
MIXED_AT = {6: "cmyk", 18: "huge", 30: "rotated", 42: "rgba", 54: "rgb16", 66: "grey",
            78: "small"}
NO_PHOTO = frozenset(i for i in range(100) if i % 12 == 11)


def _pixels(seed: int, width: int, height: int):
    """A photo-like RGB picture as an int16 array (height, width, 3), not yet clipped."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    sw, sh = max(1, width // 8), max(1, height // 8)
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
    texture = Image.fromarray(rng.integers(0, 256, (max(1, height // 4), max(1, width // 4)),
                                           dtype=np.uint8), "L")
    texture = np.asarray(texture.resize((width, height), Image.Resampling.BILINEAR)).astype(np.int16)
    big += ((texture - 128) // 6)[..., None]
    big += rng.integers(-6, 7, (height, width, 1), dtype=np.int16)
    return big


def _rgb(seed: int, width: int, height: int):
    import numpy as np
    from PIL import Image

    return Image.fromarray(np.clip(_pixels(seed, width, height), 0, 255).astype(np.uint8), "RGB")


def _srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo(seed: int, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """JPEG bytes of one generated photo (deterministic for ``seed``)."""
    out = io.BytesIO()
    extra = {"icc_profile": _srgb_icc()} if seed % 3 == 0 else {}
    _rgb(seed, width, height).save(out, "JPEG", quality=QUALITY, **extra)
    return out.getvalue()


def _huge(seed: int, width: int, height: int):
    """A big photo drawn at half size, enlarged and given fresh grain in strips (so that
    drawing it needs far less memory than ``_pixels`` at full size)."""
    import numpy as np
    from PIL import Image

    half = _rgb(seed, max(1, width // 2), max(1, height // 2))
    big = np.array(half.resize((width, height), Image.Resampling.BICUBIC))
    rng = np.random.default_rng(seed + 1)
    for y in range(0, height, 500):
        strip = big[y:y + 500].astype(np.int16)
        strip += rng.integers(-6, 7, (strip.shape[0], width, 1), dtype=np.int16)
        big[y:y + 500] = np.clip(strip, 0, 255).astype(np.uint8)
    return Image.fromarray(big, "RGB")


def png_rgb16(pixels16) -> bytes:
    """A 16-bit RGB PNG of a (height, width, 3) uint16 array (Pillow writes none)."""
    height, width = pixels16.shape[:2]
    rows = pixels16.astype(">u2").reshape(height, width * 3)
    import numpy as np

    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows.view(np.uint8)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + chunk(b"IEND", b""))


def mixed_photo(kind: str, seed: int, shrink: int = 1) -> bytes:
    """The file bytes of one photo of ``kind`` (``MIXED_KINDS``), deterministic for
    ``seed``; ``shrink`` divides its size (tests)."""
    import numpy as np
    from PIL import Image, ImageCms

    ext, (width, height), _ = MIXED_KINDS[kind]
    width, height = max(8, width // shrink), max(8, height // shrink)
    out = io.BytesIO()
    if kind == "cmyk":
        fogra = (ROOT / "profiles" / "FOGRA39L_300.icc").read_bytes()
        to_cmyk = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(fogra)),
            "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
        cmyk = ImageCms.applyTransform(_rgb(seed, width, height), to_cmyk)
        cmyk.save(out, "JPEG", quality=QUALITY, icc_profile=fogra)
    elif kind == "huge":
        _huge(seed, width, height).save(out, "JPEG", quality=QUALITY)
    elif kind == "rotated":  # stored 4000×3000, shown 3000×4000
        exif = Image.Exif()
        exif[0x0112] = 6
        _rgb(seed, width, height).save(out, "JPEG", quality=QUALITY, exif=exif.tobytes())
    elif kind == "rgba":
        img = _rgb(seed, width, height)
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        d = np.hypot((x / width - 0.5) * 2, (y / height - 0.5) * 2)  # 0 centre, √2 corner
        img.putalpha(Image.fromarray(np.clip((1.3 - d) * 400, 0, 255).astype(np.uint8), "L"))
        img.save(out, "PNG", compress_level=1)
    elif kind == "rgb16":
        fine = np.random.default_rng(seed + 1).integers(0, 257, (height, width, 3))
        pixels = np.clip(_pixels(seed, width, height).astype(np.int32) * 257 + fine - 128,
                         0, 65535).astype(np.uint16)
        return png_rgb16(pixels)
    elif kind == "grey":
        _rgb(seed, width, height).convert("L").save(out, "PNG", compress_level=1)
    elif kind == "small":
        _rgb(seed, width, height).save(out, "JPEG", quality=QUALITY, icc_profile=_srgb_icc())
    else:
        raise ValueError(f"no photo kind {kind!r}")
    return out.getvalue()


def _write_photo(args: tuple) -> None:
    """Write one store file: (seed, path) for a plain photo, or (seed, path, kind, shrink)."""
    seed, path, *rest = args
    tmp = Path(path + ".tmp")
    if rest:
        kind, shrink = rest
        tmp.write_bytes(photo(seed, WIDTH // shrink, HEIGHT // shrink) if kind == "plain"
                        else mixed_photo(kind, seed, shrink))
    else:
        tmp.write_bytes(photo(seed))
    os.replace(tmp, path)


def photo_name(i: int) -> str:
    return f"p{i:04d}.jpg"


def special_name(kind: str, rep: int) -> str:
    """The store name of the ``rep``-th photo of a mixed kind (``rgb16-00.png``…)."""
    return f"{kind}-{rep:02d}.{MIXED_KINDS[kind][0]}"


def make_photos(store: Path, count: int, jobs: int | None = None, progress=print) -> list[Path]:
    """Photos ``p0000.jpg`` … in ``store``; only the missing ones are drawn."""
    return make_store(store, [(photo_name(i), "plain", i) for i in range(count)], jobs, progress)


def make_store(store: Path, wanted: list[tuple[str, str, int]], jobs: int | None = None,
               progress=print, shrink: int = 1) -> list[Path]:
    """The files ``wanted`` — (name, kind, seed): ``kind`` is "plain" or one of
    ``MIXED_KINDS`` — in ``store``; only the missing ones are drawn (the big ones first)."""
    store.mkdir(parents=True, exist_ok=True)
    paths = [store / name for name, _, _ in wanted]
    todo = [(seed, str(store / name), kind, shrink) for name, kind, seed in wanted
            if not (store / name).exists()]
    if todo:
        kinds = sorted({t[2] for t in todo})
        progress(f"drawing {len(todo)} photos ({', '.join(kinds)}) into {store} (once)")
        todo.sort(key=lambda t: t[2] not in ("huge", "rgb16", "rgba"))  # the long ones first
        with ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            list(pool.map(_write_photo, todo, chunksize=1))
    return paths


def photo_plan(scale: int, kind: str = "plain") -> list[tuple[str, str, int] | None]:
    """For each case of a campaign (``100 * scale``), its photo as (store name, kind,
    seed), or None for a case without a photo."""
    if kind not in KINDS:
        raise ValueError(f"campaign kind is one of {KINDS}, not {kind!r}")
    if kind == "plain":
        return [(photo_name(i), "plain", i) for i in range(100 * scale)]
    plan: list[tuple[str, str, int] | None] = []
    n = 0
    for i in range(100 * scale):
        rep, at = divmod(i, 100)
        if at in NO_PHOTO:
            plan.append(None)
        elif at in MIXED_AT:
            special = MIXED_AT[at]
            seed = 1_000_000 + 1000 * list(MIXED_KINDS).index(special) + rep
            plan.append((special_name(special, rep), special, seed))
        else:
            plan.append((photo_name(n), "plain", n))
            n += 1
    return plan


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
                  progress=print, kind: str = "plain", shrink: int = 1,
                  cases: int | None = None) -> tuple[Path, Path]:
    """Write the campaign; returns (cases.csv, locations.toml). ``cases``: only the first
    so many cases (and their photos), for a quicker look."""
    if scale not in (1, 10):
        raise ValueError("scale is 1 or 10")
    folder.mkdir(parents=True, exist_ok=True)
    _copy_design(folder)
    photos_dir = folder / "data" / "photos"
    photos_dir.mkdir(parents=True, exist_ok=True)
    sample = _sample_cases()
    n = 100 * scale
    plan = photo_plan(scale, kind)[:cases]
    make_store(store, [p for p in plan if p], jobs, progress, shrink)
    for old in photos_dir.iterdir():
        old.unlink()
    for p in plan:
        if p:
            _link(store / p[0], photos_dir / p[0])
    text = (ROOT / "locations.toml").read_text("utf-8")
    rows = []
    if scale == 1:
        for i, case in enumerate(sample[:cases]):
            rows.append({**case, **_photo_fields(plan[i])})
    else:
        districts = _districts(sample)
        for i in range(n if cases is None else min(n, cases)):
            case = sample[i % len(sample)]
            rows.append({**case, "id": f"{i:04d}", "district": districts[i // 10], "url": "",
                         **_photo_fields(plan[i])})
        text = _locations_10x(text, districts)
        _locator_for_80(folder / "templates" / "portrait.toml")
    (folder / "locations.toml").write_text(text, "utf-8")
    return _write_cases(folder, rows), folder / "locations.toml"


def _photo_fields(planned: tuple[str, str, int] | None) -> dict:
    if planned is None:
        return {"photo": "", "photo_credit": ""}
    return {"photo": f"photos/{planned[0]}", "photo_credit": CREDIT}


def _districts(sample: list[dict]) -> list[str]:
    names = sorted({c["district"] for c in sample})
    return [f"{names[i % len(names)]} {i // len(names) + 1}" for i in range(100)]


def _locator_for_80(template: Path) -> None:
    """The locator lists every location: 80 of them take the whole room, without the map
    (a map of 80 stands cannot give each its dot, its name and «Ви тут» room)."""
    text = template.read_text("utf-8")
    map_item = re.search(r'\[\[locator\.item\]\]\ntype = "map"\n(?:[^\n]+\n)*', text)
    list_item = re.search(r'type = "locations"\n(?:[^\n]+\n)*', text)
    if not map_item or not list_item or "cols = " not in list_item.group() \
            or "rect = [" not in list_item.group():
        raise SystemExit(f"{template}: the locator items changed; update benchmarks/campaign.py")
    block = re.sub(r"rect = \[[^\]]*\]", "rect = [0, 0.2, 1, 0.8]", list_item.group())
    block = re.sub(r"cols = \d+", "cols = 3", block)
    text = text[:list_item.start()] + block + text[list_item.end():]
    template.write_text(text.replace(map_item.group(), ""), "utf-8")


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


if __name__ == "__main__":  # pragma: no cover - python benchmarks/campaign.py FOLDER SCALE [KIND]
    import sys

    cases, locations = make_campaign(Path(sys.argv[1]), int(sys.argv[2]),
                                     Path(__file__).parent / ".work" / "photos",
                                     kind=sys.argv[3] if len(sys.argv) > 3 else "plain")
    print(cases, locations)
