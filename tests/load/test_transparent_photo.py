"""A photo with transparent areas is printed flattened onto paper white; the build says so
(a warning naming the row and the photo), and an opaque picture with an alpha channel,
as many PNG exports are, is not reported."""

from __future__ import annotations

import numpy as np
from PIL import Image

from standpress.load.cases import COLUMNS, load_cases


def table(tmp_path, photos: list[str]):
    rows = [",".join(COLUMNS)]
    for i, name in enumerate(photos, 1):
        rows.append(f"{i:03d},Теплі обіди,ГО «Сусіди»,Голосіївський,Волонтерство,"
                    f"Щодня 300 обідів.,,,photos/{name},Фото: О. Коваль")
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_photo_with_transparent_areas_is_reported_and_an_opaque_alpha_png_is_not(tmp_path,
                                                                                  project):
    (tmp_path / "photos").mkdir()
    rgb = np.random.default_rng(3).integers(0, 255, (300, 400, 3), "uint8")
    fade = np.dstack([rgb, np.tile(np.linspace(255, 0, 400).astype("uint8"), (300, 1))])
    Image.fromarray(fade, "RGBA").save(tmp_path / "photos" / "fade.png")
    Image.fromarray(np.dstack([rgb, np.full((300, 400), 255, "uint8")]), "RGBA").save(
        tmp_path / "photos" / "opaque.png")
    pal = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal.save(tmp_path / "photos" / "keyed.png", transparency=0)
    Image.fromarray(rgb).save(tmp_path / "photos" / "plain.jpg")
    cases, warnings = load_cases(table(tmp_path, ["fade.png", "opaque.png", "keyed.png",
                                                  "plain.jpg"]), project.campaign)
    assert len(cases) == 4 and all(c.photo is not None for c in cases)  # nothing dropped
    flagged = [w for w in warnings if w.kind == "photo-transparent"]
    assert sorted(w.case for w in flagged) == ["001", "003"], [str(w) for w in warnings]
    assert all(w.severity == "warning" and "paper white" in w.message for w in flagged)
    assert any("row 2" in str(w.place) for w in flagged)
