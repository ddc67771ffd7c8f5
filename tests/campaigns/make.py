"""Campaigns standpress was not written for: deterministic, no network.

    python tests/campaigns/make.py second OUT   # 100 cases on the root locations.toml
    python tests/campaigns/make.py city OUT     # another city: pylon, 6×3 m billboard, A3

``second``: very varied lengths (one summary of 1,500 characters), 43 % of the cases
without a photo, a 63-character hashtag title. ``city``: a locations.toml of its own
(three locations: a single-sided 1185×1750 mm pylon, a 6000×3000 mm billboard read
from 8 m, A3 posters read from 1.5 m) and 25 cases. Photos are drawn with Pillow.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_HASHTAG = False  # set by the tests when the line breaker cannot break it yet
HASHTAG = "#ЧистийБерегОболоніРазомЗВолонтерамиТаКомунальнимиСлужбамиМіста"
KYIV = ["Голосіївський", "Дарницький", "Деснянський", "Дніпровський", "Оболонський",
        "Печерський", "Подільський", "Святошинський", "Солом'янський", "Шевченківський"]
LVIV = ["Галицький", "Залізничний", "Личаківський", "Сихівський", "Франківський",
        "Шевченківський"]
CATEGORIES = ["Волонтерство", "Допомога ЗСУ та ТрО", "Освіта", "Культура", "Довкілля",
              "Здоров'я", "Підтримка ВПО", "Вразливі групи", "Спорт", "Урбаністика"]
SUBJECTS = ["Волонтерський штаб", "Бібліотека", "Кухня", "Майстерня", "Спортивний клуб",
            "Сквер", "Укриття", "Центр допомоги", "Школа", "Театр", "Ремонтна бригада",
            "Громадський город", "Пральня", "Клуб настільних ігор", "Медпункт"]
PLACES = ["у дворі", "на набережній", "біля школи", "у підвалі", "в парку", "на ринку",
          "у бібліотеці", "на вокзалі", "в гуртожитку", "на околиці"]
FOR = ["для переселенців", "для бійців ТрО", "для дітей", "для літніх людей",
       "для сусідів", "для медиків", "для ветеранів", "для всіх мешканців"]
ORGS = ["ГО «Добрі сусіди»", "БФ «Рідна вулиця»", "ОСББ «Затишок»", "Ініціативна група «Разом»",
        "ГО «Зелений квартал»", "Молодіжна рада району", "ГО «Крок уперед»",
        "БФ «Теплий дім»", "Спілка майстрів «Ремесло»", "ГО «Світло в укритті»"]
SENTENCES = [
    "Волонтери щодня збирали допомогу й розвозили її за адресами.",
    "За пів року ініціатива допомогла понад 1200 родинам району.",
    "Районна адміністрація надала приміщення, а місцеві підприємці — обладнання.",
    "Заняття проходили щосуботи, до них долучилися десятки школярів і студентів.",
    "Частину коштів зібрали на благодійному ярмарку, решту — через онлайн-збір.",
    "Мешканці разом прибрали територію, висадили 40 дерев і встановили лавки.",
    "У приміщенні облаштували генератор, зарядні станції та запас питної води.",
    "Психологи проводили групові зустрічі для батьків і дітей, які пережили евакуацію.",
    "Ініціативу підтримали сусідні громади, і тепер вона працює у трьох районах.",
    "Кожен охочий може долучитися: графік чергувань публікують у соцмережах.",
    "Проєкт показав, що влада й громада можуть домовитися швидко, коли є спільна мета.",
    "Після звільнення області бригада їздила туди щотижня з ремонтними матеріалами.",
]
PARTNERS = ["районна в місті державна адміністрація", "департамент освіти і науки",
            "комунальне підприємство «Благоустрій»", "управління культури", ""]


def _summary(rng: random.Random, chars: int) -> str:
    """Whole sentences, about ``chars`` characters in all."""
    out: list[str] = []
    while len(" ".join(out)) < chars:
        out.append(rng.choice(SENTENCES))
    if len(out) > 1 and len(" ".join(out)) - chars > chars - len(" ".join(out[:-1])):
        out.pop()
    return " ".join(out)


def _photo(path: Path, seed: int) -> None:
    """A landscape-ish picture: a two-colour gradient with a few discs (1800×1200 px)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    w, h = 1800, 1200
    top = Image.new("RGB", (w, h), tuple(rng.randrange(40, 220) for _ in range(3)))
    bottom = Image.new("RGB", (w, h), tuple(rng.randrange(20, 240) for _ in range(3)))
    img = Image.composite(bottom, top, Image.linear_gradient("L").resize((w, h)))
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(60, 380)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    img.save(path, quality=85)


def _cases(out: Path, districts: list[str], counts: list[int], url: str, seed: int,
           no_photo: float, specials: dict[int, dict]) -> None:
    rng = random.Random(seed)
    (out / "photos").mkdir(parents=True, exist_ok=True)
    rows = []
    n = 0
    order = [d for d, k in zip(districts, counts) for _ in range(k)]
    without = set(rng.sample(range(1, len(order) + 1), round(no_photo * len(order))))
    for district in order:
        n += 1
        title = (f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)}"
                 + (f" {rng.choice(FOR)}" if rng.random() < 0.6 else ""))
        length = rng.choice([90, 160, 240, 320, 420, 520, 650])
        row = {"id": f"{n:03d}", "title": title, "organization": rng.choice(ORGS),
               "district": district, "category": rng.choice(CATEGORIES),
               "summary": _summary(rng, length),
               "partner": (f"{district} {p}" if (p := rng.choice(PARTNERS)) else ""),
               "url": f"{url}{n:03d}", "photo": "", "photo_credit": ""}
        row.update(specials.get(n, {}))
        if n not in without:
            name = f"photos/case-{n:03d}.jpg"
            _photo(out / name, seed * 1000 + n)
            row["photo"], row["photo_credit"] = name, f"Фото: архів організації, {2022}"
        rows.append(row)
    with open(out / "cases.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def second(out: Path) -> None:
    """100 cases for the root locations.toml, lengths far apart."""
    out.mkdir(parents=True, exist_ok=True)
    counts = [11, 10, 9, 9, 10, 10, 9, 11, 11, 10]
    specials = {
        7: {"summary": _summary(random.Random(7), 1500)},
        41: {"title": HASHTAG if not NO_HASHTAG else "Чистий берег", "district": "Оболонський"},
        12: {"summary": "Коротко: 40 волонтерів, 3 тонни допомоги."},
        55: {"title": "Як мешканці трьох багатоповерхівок на Лісовому масиві за літо "
                      "перетворили пустир на сквер із дитячим майданчиком"},
    }
    _cases(out, KYIV, counts, "https://top100.example.org/2023/", 2023, 0.43, specials)


LVIV_TOML = '''# A next campaign in another city: generated by tests/campaigns/make.py
[campaign]
title = "ТОП-25"
year = 2023
full_title = "Кращі практики співпраці міста і громади"
tagline = "Львів відзначає громадські ініціативи, які разом із містом змінили життя районів"
intro = [
  "Цього року громадські організації Львова прийняли тисячі переселенців, облаштували укриття й допомагали війську.",
  "На стендах — двадцять п'ять історій, відібраних журі з понад ста заявок.",
]
figures = [
  { value = "112", label = "заявок на конкурс" },
  { value = "25", label = "кращих практик року" },
]
ceremony_heading = "Нагородження"
ceremony = ["5 грудня 2023 року", "Львівська ратуша, площа Ринок, 1"]
locator_heading = "Де побачити стенди"
locator_intro = "Стенди встановлені в трьох місцях міста:"
catalogue_heading = "Каталог ТОП-25"
catalogue_text = "Усі практики з контактами організацій — в електронному каталозі за QR-кодом"
catalogue_url = "https://top25.example.org/2023/"
case_url_pattern = "https://top25.example.org/2023/{id}"
organiser = "Управління комунікацій Львівської міської ради"
credits = "Конкурс проведено за підтримки громадської ради при Львівській міській раді."
city = "Львів"
contact = "Управління комунікацій ЛМР"
districts = ["Галицький", "Залізничний", "Личаківський", "Сихівський", "Франківський", "Шевченківський"]

[print]
output_profile = "profiles/FOGRA39L_300.icc"
output_condition_identifier = "FOGRA39"
output_condition = "Coated FOGRA39 (ISO 12647-2:2004), TAC 300 %"
photos = "convert"

[format.pylon]
name = "Пілон 1185×1750, односторонній"
width = 1185
height = 1750
bleed = 10
safe = 45
faces = 1
viewing_distance = 1.5
scan_distance = 0.5
template = "portrait"
target_ppi = 120
warn_ppi = 60
min_ppi = 40

[format.billboard]
name = "Білборд 6×3 м"
width = 6000
height = 3000
bleed = 50
safe = 150
faces = 1
viewing_distance = 8
scan_distance = 2.5
template = "billboard"
target_ppi = 30
warn_ppi = 15
min_ppi = 10

[format.poster]
name = "Плакат A3"
width = 297
height = 420
bleed = 3
safe = 12
faces = 1
viewing_distance = 1.5
scan_distance = 0.3
template = "poster"
target_ppi = 200
warn_ppi = 100
min_ppi = 60

[[location]]
id = "rynok"
name = "Площа Ринок, біля ратуші"
short_name = "Площа Ринок"
address = "пл. Ринок, 1"
district = "Галицький"
lat = 49.8419
lon = 24.0316
format = "pylon"
units = 5
serves = ["Галицький", "Личаківський"]

[[location]]
id = "sykhiv"
name = "Проспект Червоної Калини, Сихів"
short_name = "Сихів"
address = "просп. Червоної Калини, 60"
district = "Сихівський"
lat = 49.7983
lon = 24.0560
format = "billboard"
units = 5
serves = ["Сихівський", "Франківський"]

[[location]]
id = "vokzal"
name = "Головний залізничний вокзал"
short_name = "Вокзал"
address = "пл. Двірцева, 1"
district = "Залізничний"
lat = 49.8397
lon = 23.9944
format = "poster"
units = 10
serves = ["Залізничний", "Шевченківський"]
'''


def city(out: Path) -> None:
    """Another city's locations.toml (pylon, 6×3 m billboard at 8 m, A3) and 25 cases."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "locations.toml").write_text(LVIV_TOML, encoding="utf-8")
    for shared in ("templates", "fonts", "profiles"):
        link = out / shared
        if not link.exists():
            link.symlink_to(ROOT / shared)
    counts = [5, 4, 4, 4, 4, 4]  # Галицький … Шевченківський
    _cases(out, LVIV, counts, "https://top25.example.org/2023/", 25, 0.4,
           {3: {"title": HASHTAG if not NO_HASHTAG else "Чистий берег"}})


if __name__ == "__main__":
    kind, target = sys.argv[1], Path(sys.argv[2])
    {"second": second, "city": city}[kind](target)
    print(target)
