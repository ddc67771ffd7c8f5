"""The locator's city context: ``[map] geojson`` in locations.toml, loaded and checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from standpress.errors import InputError
from standpress.load.config import load_project
from standpress.load.geo import load_geojson

ROOT = Path(__file__).resolve().parents[2]
GEO = ROOT / "tests" / "data" / "geo"


def polygon(kind="district", name="Центр", ring=None):
    ring = ring or [[24.0, 49.8], [24.1, 49.8], [24.1, 49.9], [24.0, 49.8]]
    return {"type": "Feature", "properties": {"kind": kind, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def write(tmp_path: Path, doc, name="city.geojson") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_the_kyiv_sketch_loads_areas_first_in_lat_lon(tmp_path):
    features, problems = load_geojson(GEO / "kyiv-sketch.geojson", "kyiv-sketch.geojson")
    assert problems == []
    kinds = [f.kind for f in features]
    assert kinds.count("district") == 10 and "park" in kinds and kinds[-1] == "water"
    lat, lon = features[0].polygons[0][0][0]
    assert 50 < lat < 51 and 30 < lon < 31  # GeoJSON's [lon, lat] turned round
    assert features[0].polygons[0][0][0] != features[0].polygons[0][0][-1]  # closed implicitly


def test_each_problem_names_the_file_the_feature_and_what_is_wrong(tmp_path):
    bad = collection(
        polygon(),
        polygon(kind="forest"),
        polygon(ring=[[24.0, 49.8], [24.1, 49.8], [24.1, 49.9], [24.0, 49.85]]),
        polygon(ring=[[49.8, 240.0], [49.9, 24.0], [49.9, 24.1], [49.8, 240.0]]),
        {"type": "Feature", "properties": {"kind": "district"},
         "geometry": {"type": "LineString", "coordinates": [[24.0, 49.8], [24.1, 49.9]]}},
        {"type": "Feature", "properties": {"kind": "water"}, "geometry": None},
    )
    _, problems = load_geojson(write(tmp_path, bad), "city.geojson")
    by_place = {p.place: p for p in problems}
    assert set(by_place) == {"features[1]", "features[2]", "features[3]", "features[4]", "features[5]"}
    assert all(p.file == "city.geojson" for p in problems)
    assert '"forest" is unknown' in by_place["features[1]"].message
    assert by_place["features[1]"].field == "properties.kind"
    assert "not closed" in by_place["features[2]"].message
    assert "outside" in by_place["features[3]"].message and "longitude, latitude" in by_place["features[3]"].hint
    assert "a district cannot be a LineString" in by_place["features[4]"].message
    assert "no geometry" in by_place["features[5]"].message


@pytest.mark.parametrize("text, expect", [
    ('{"type": "FeatureCollection", "features": [\n  {"type": "Feature",,}\n]}', ("2:", "not valid JSON")),
    ('{"type": "Feature", "geometry": null}', (None, "not a FeatureCollection")),
    ('{"type": "FeatureCollection", "features": []}', (None, "is empty")),
])
def test_a_file_that_is_not_a_feature_collection_says_so(tmp_path, text, expect):
    _, problems = load_geojson(write(tmp_path, text), "city.geojson")
    assert len(problems) == 1
    place, words = expect
    assert words in problems[0].message
    if place:
        assert problems[0].place.startswith(place)


def project_dir(tmp_path: Path, geojson_line: str, geojson_doc=None) -> Path:
    for f in (GEO / "lviv").iterdir():
        shutil.copy(f, tmp_path / f.name)
    for d in ("templates", "fonts", "profiles"):
        (tmp_path / d).symlink_to(ROOT / d)
    loc = tmp_path / "locations.toml"
    text = loc.read_text(encoding="utf-8").replace('geojson = "lviv-sketch.geojson"', geojson_line)
    loc.write_text(text, encoding="utf-8")
    if geojson_doc is not None:
        write(tmp_path, geojson_doc, "broken.geojson")
    return loc


def test_locations_toml_names_the_geojson_relative_to_itself(tmp_path, monkeypatch):
    loc = project_dir(tmp_path, 'geojson = "lviv-sketch.geojson"')
    monkeypatch.chdir(ROOT)  # not the file's folder
    project, _ = load_project(loc)
    assert project.map.geojson.endswith("lviv-sketch.geojson")
    assert {f.kind for f in project.map.features} == {"district", "park", "water"}
    assert project.map.river == ()


def test_a_broken_geojson_fails_the_load_with_every_problem_and_its_key(tmp_path):
    loc = project_dir(tmp_path, 'geojson = "broken.geojson"',
                      collection(polygon(kind="forest"), polygon(kind=None)))
    with pytest.raises(InputError) as exc:
        load_project(loc)
    text = str(exc.value)
    assert "map.geojson" in text and "broken.geojson" in text
    assert "features[0]" in text and "features[1]" in text and "forest" in text


def test_a_missing_geojson_and_an_unknown_map_key_are_named(tmp_path):
    loc = project_dir(tmp_path, 'geojson = "nowhere.geojson"\nrivers = []')
    with pytest.raises(InputError) as exc:
        load_project(loc)
    text = str(exc.value)
    assert "nowhere.geojson" in text and "file not found" in text
    assert 'unknown key "rivers"' in text and 'did you mean "river"' in text
