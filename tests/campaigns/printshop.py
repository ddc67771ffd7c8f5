"""A small campaign for the print shop's tests: a banner stand (floor 45 ppi) and a
6×3 m billboard read from 8 m (floor 15 ppi), whose photos print below the generic
floor of 70 ppi but above their format's own. Deterministic, no network."""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DISTRICTS = ("Печерський", "Оболонський")

from campaigns import make

#: the next city's 6×3 m billboard read from 8 m, with a floor of 15 ppi (warn 20)
BILLBOARD = (make.LVIV_TOML[make.LVIV_TOML.index("[format.billboard]"):
                            make.LVIV_TOML.index("[format.poster]")]
             .replace("warn_ppi = 15", "warn_ppi = 20").replace("min_ppi = 10", "min_ppi = 15"))

FORMATS_AND_LOCATIONS = '''
[format.banner]
name = "Банер 3000×1500"
width = 3000
height = 1500
bleed = 20
safe = 60
faces = 2
viewing_distance = 2.5
scan_distance = 0.6
template = "landscape"
ink_limit = 300
target_ppi = 100
warn_ppi = 60
min_ppi = 45

{billboard}
[format.a3]
name = "A3, офісна коректура"
width = 297
height = 420
bleed = 3
safe = 12
faces = 1
viewing_distance = 0.45
scan_distance = 0.3
template = "portrait"
target_ppi = 200
warn_ppi = 150
min_ppi = 100

[[location]]
id = "khreshchatyk"
name = "Хрещатик, навпроти Київської міської державної адміністрації"
short_name = "Хрещатик"
address = "вул. Хрещатик, навпроти будинку 36"
district = "Печерський"
lat = 50.4452
lon = 30.5205
format = "banner"
units = 2
serves = ["Печерський"]

[[location]]
id = "obolon"
name = "Оболонська набережна, біля причалу"
short_name = "Оболонь"
address = "Оболонська набережна, 1"
district = "Оболонський"
lat = 50.5010
lon = 30.5190
format = "billboard"
units = 3
serves = ["Оболонський"]
'''


def _photo(path: Path, seed: int, size: tuple[int, int]) -> None:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", (w, h), tuple(rng.randrange(60, 200) for _ in range(3)))
    d = ImageDraw.Draw(img)
    for _ in range(8):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(w // 12, w // 4)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    img.save(path, quality=85)


def make(out: Path, photo_px: tuple[int, int] = (1900, 1216)) -> Path:
    """The campaign in ``out``: locations.toml, cases.csv, photos/ (returns ``out``)."""
    out.mkdir(parents=True, exist_ok=True)
    head = (ROOT / "locations.toml").read_text("utf-8").split("\n[format.")[0]
    start, end = head.index("districts = ["), head.index("]", head.index("districts = ["))
    head = head[:start] + 'districts = ["Печерський", "Оболонський"' + head[end:]
    toml = head + FORMATS_AND_LOCATIONS.replace("{billboard}", BILLBOARD)
    (out / "locations.toml").write_text(toml, encoding="utf-8")
    for shared in ("templates", "fonts", "profiles"):
        if not (out / shared).exists():
            (out / shared).symlink_to(ROOT / shared)
    (out / "photos").mkdir(exist_ok=True)
    rows = []
    n = 0
    for district, count in zip(DISTRICTS, (4, 3)):
        for i in range(count):
            n += 1
            photo = f"photos/p{n:02d}.jpg"
            _photo(out / photo, n, photo_px)
            rows.append({"id": f"{n:03d}", "title": f"Громадська ініціатива номер {n}",
                         "organization": "ГО «Добрі сусіди»", "district": district,
                         "category": "Волонтерство",
                         "summary": "Волонтери щодня збирали допомогу й розвозили її за "
                                    "адресами. За пів року ініціатива допомогла понад 1200 "
                                    "родинам району.",
                         "partner": "", "url": "", "photo": photo,
                         "photo_credit": "Фото: автор"})
    with open(out / "cases.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out
