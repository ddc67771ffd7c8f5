"""The build's warnings and the preflight's findings as the site words them for staff:
in Ukrainian, naming the case, the field or the photo file, and what to do; read from a
``stands.json`` and a ``preflight.json`` written here as a build writes them."""

from __future__ import annotations

import json
from pathlib import Path

from standpress.site.data import read_site
from standpress.site.html import render_site


def photo(case: str, file: str) -> dict:
    return {"case": case, "file": file, "w": 538.35, "h": 275.84}


def note(kind: str | None, message: str, **kw) -> dict:
    base = {"message": message, "file": "data/cases.csv", "place": "row 5", "field": None,
            "hint": None, "severity": "warning", "stand": None, "case": None, "kind": kind}
    return base | kw


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    panels = [{"file": "alpha/01-cover.pdf", "kind": "cover", "unit": 1, "side": "A"},
              {"file": "alpha/02-cases.pdf", "kind": "cases", "unit": 1, "side": "B",
               "cases": ["004", "050", "065"], "trim": [1200, 1800], "bleed": 10,
               "min_ppi": 70, "warn_ppi": 100,
               "photos": [photo("004", "dune.jpg"), photo("050", "marigold.jpg"),
                          photo("065", "djembe-drum.jpg")]}]
    (out / "stands.json").write_text(json.dumps({
        "campaign": "ТОП-100 2022", "warnings": ["w1", "w2", "w3", "w4"],
        "notes": [
            note("photo-low-res", "case 065: photo data/photos/djembe-drum.jpg prints at 78 "
                 "ppi", field="photo", case="065"),
            note("lookalike", "case 004: «Coцiальна» mixes Latin and Cyrillic letters",
                 field="title", case="004"),
            note("units-unused", "stand «alpha» fills 1 of its 2 units", stand="alpha",
                 file="locations.toml", place="143:1", field="location[0].units"),
            note(None, "something else entirely", stand="alpha")],
        "stands": [{"id": "alpha", "name": "Альфа", "units": 2, "faces": 2,
                    "file": "alpha/alpha.pdf", "panels": panels}]}), "utf-8")
    finding = {"check": "images", "severity": "warning", "page": 1,
               "detail": "image /FormXob.14ad: 1651×846 px 8-bit DeviceCMYK, placed at "
                         "538.3×275.8 mm → 78 ppi, below 100 ppi"}
    (out / "preflight.json").write_text(json.dumps({"reports": [
        {"path": "alpha/02-cases.pdf", "findings": [finding]},
        {"path": "alpha/alpha.pdf", "findings": [finding | {"page": 2}]}]}), "utf-8")


def test_warnings_and_findings_are_worded_for_staff_with_case_field_photo_and_remedy(tmp_path):
    out = tmp_path / "stands"
    write(out)
    summary, pre = read_site(out)
    assert [n.kind for n in summary.stands[0].notes] == [
        "photo-low-res", "lookalike", "units-unused", None]
    page = render_site(out)["alpha/index.html"]
    # the preflight's image finding names the photo of the case the build named, not the
    # first photo of the same size on the panel; and it says how many pixels it needs
    assert page.count("Кейс 065, фото djembe-drum.jpg: у розмірі друку 54×28 см воно має "
                      "78 ppi (бажано від 100)") == 2  # the panel and the stand file's page 2
    assert "щонайменше 2119×1086 px" in page and "marigold.jpg" not in page
    assert "Кейс 004, поле «title»: у слові «Coцiальна» змішано латинські й кириличні" in page
    assert "Стенд заповнює 1 з 2 конструкцій" in page and "locations.toml, рядок 143" in page
    assert "Кейс 065: фото djembe-drum.jpg має меншу роздільність" in page
    assert "cases.csv, рядок 5" in page
    # a warning of a kind without words of its own: framed in Ukrainian, its text beside it
    assert "Зауваження збірки — подробиці нижче (англійською)" in page
    assert '<p lang="en">something else entirely</p>' in page
    # the raw finding is there for the engineer, folded, never as the message
    assert page.index("Кейс 065, фото") < page.index("/FormXob.14ad")
    index = render_site(out)["index.html"]
    assert "Альфа:</b> Кейс 065" in index
