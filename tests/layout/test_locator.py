"""The locator panel, asserted on the laid-out boxes (nothing is drawn here).

The sample campaign (eight stands, the schematic Dnipro) and a next campaign
in another city (three stands, no river, with and without a GeoJSON sketch of
the city) on every kind of format, from A3 to a 6×3 m billboard read from 8 m.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from itertools import combinations
from pathlib import Path

import pytest

from standpress.layout.grid import CardSizer
from standpress.load.design import load_design
from standpress.layout.cartography import meridian_km_per_degree
from standpress.layout.fit import base_sizes
from standpress.layout.frame import Circle, Path as PathItem, Rect, Text, catmull_rom
from standpress.layout.locmap import HERE, plan_map
from standpress.layout.panels import PanelInput, layout_panel
from standpress.load.config import load_project
from standpress.normalise import normalise_project
from standpress.plan import plan_stands
from standpress.text.fonts import load_font

ROOT = Path(__file__).resolve().parents[2]
GEO = ROOT / "tests" / "data" / "geo"


def next_city(tmp: Path, geojson: bool) -> Path:
    """The three-stand campaign of tests/data/geo/lviv beside the repository's design."""
    for f in (GEO / "lviv").iterdir():
        shutil.copy(f, tmp / f.name)
    for d in ("templates", "fonts", "profiles"):
        (tmp / d).symlink_to(ROOT / d)
    loc = tmp / "locations.toml"
    if not geojson:
        loc.write_text("".join(line for line in loc.read_text(encoding="utf-8").splitlines(True)
                               if not line.startswith("geojson")), encoding="utf-8")
    return loc


def locator_pages(project, fmt: str | None = None):
    """(plan, page) of every stand's locator panel, every stand set on ``fmt``."""
    project = normalise_project(project)
    if fmt:
        project = dataclasses.replace(project, locations=tuple(
            dataclasses.replace(loc, format=fmt, units=10) for loc in project.locations))
    design = load_design(project)
    style, templates = design.style, design.templates
    plans, _ = plan_stands(project, [], CardSizer(design))
    for plan in plans:
        panel = next(p for p in plan.panels if p.kind == "locator")
        yield plan, project, style, layout_panel(PanelInput(
            project.campaign, plan, panel, templates[plan.format.template], style,
            project.locations, project.map, "2022-10-12"))


def text_box(t: Text) -> tuple[float, float, float, float]:
    return t.x, t.y - 0.72 * t.size, t.x + t.width, t.y + 0.24 * t.size


def overlap(a, b, slack=1e-6) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def map_frame(page):
    """The map's ground: the largest rectangle that does not bleed off the page."""
    rects = [r for r in page.items if isinstance(r, Rect) and r.x >= 0 and r.y >= 0 and r.fill]
    r = max(rects, key=lambda r: r.w * r.h)
    return r.x, r.y, r.x + r.w, r.y + r.h


def inside(box, frame, slack=1e-6) -> bool:
    return (box[0] >= frame[0] - slack and box[1] >= frame[1] - slack
            and box[2] <= frame[2] + slack and box[3] <= frame[3] + slack)


@pytest.fixture(scope="module")
def sample():
    project, _ = load_project(ROOT / "locations.toml")
    return project


@pytest.fixture(scope="module", params=["geojson", "bare"])
def three_stands(request, tmp_path_factory):
    project, _ = load_project(next_city(tmp_path_factory.mktemp("city"), request.param == "geojson"))
    return project


CITY_FORMATS = [None, "a3", "billboard", "pylon"]
_PAGES: dict = {}


def all_cases(sample, three_stands):
    """Every locator page of the sample on three formats and of the next city on four
    (each laid out once per module)."""
    for project, formats in ((sample, ("citylight", "banner", "a3")), (three_stands, CITY_FORMATS)):
        key = (project.root, project.map.geojson)
        if key not in _PAGES:
            _PAGES[key] = [page for fmt in formats for page in locator_pages(project, fmt)]
        yield from _PAGES[key]


def test_the_heading_is_larger_and_heavier_than_every_entry_of_the_list(sample, three_stands):
    for plan, project, style, page in all_cases(sample, three_stands):
        words = set(project.campaign.locator_heading.split())
        heading = [t for t in page.items if isinstance(t, Text) and t.text.split()
                   and set(t.text.split()) <= words and t.font == "bold"]
        names = {loc.name for loc in project.locations} | {loc.address for loc in project.locations}
        entries = [t for t in page.items if isinstance(t, Text)
                   and any(t.text.strip() and t.text.strip() in n for n in names)
                   and not inside(text_box(t), map_frame(page))]
        assert heading and entries, plan.location.id
        assert min(t.size for t in heading) > max(t.size for t in entries) * 1.2, plan.format.id
        plain = [t for t in entries if t.font != "bold"]
        assert plain, "the list's names are set lighter than the heading"


def test_name_and_address_are_separate_lines_and_no_line_starts_with_a_dash(sample, three_stands):
    for plan, project, style, page in all_cases(sample, three_stands):
        texts = [t for t in page.items if isinstance(t, Text)]
        frame = map_frame(page)
        listed = [t for t in texts if not inside(text_box(t), frame) and not t.text.isdigit()]
        joined = " ".join(t.text for t in texts)
        for loc in project.locations:
            assert f"{loc.name}. {loc.address}" not in joined
            firsts = [t for t in listed if t.text and loc.name.startswith(t.text)]
            addrs = [t for t in listed if t.text and loc.address.startswith(t.text)]
            assert firsts and addrs, loc.id
            # the address begins on a line of its own below the name, at the same indent,
            # smaller or in another face
            assert any(abs(a.x - n.x) < 1e-6 and a.y > n.y and (a.font != n.font or a.size < n.size)
                       for a in addrs for n in firsts), loc.id
        assert not any(t.text.lstrip().startswith(("—", "–", "-")) for t in texts)
        assert [t.text for t in texts if HERE in t.text] == [HERE], "«Ви тут» is one mark of its own"


def test_points_and_labels_stay_in_the_map_frame_and_never_collide(sample, three_stands):
    for plan, project, style, page in all_cases(sample, three_stands):
        frame = map_frame(page)
        on_map = [t for t in page.items if isinstance(t, Text) and inside(
            (t.x, t.y, t.x, t.y), frame)]
        assert len(on_map) >= 2 * len(project.locations)
        for t in on_map:
            assert inside(text_box(t), frame), (plan.format.id, t.text)
        for a, b in combinations(on_map, 2):
            assert not overlap(text_box(a), text_box(b)), (plan.format.id, a.text, b.text)
        dots = [c for c in page.items if isinstance(c, Circle)
                and inside((c.cx, c.cy, c.cx, c.cy), frame)]
        for c in dots:
            assert inside((c.cx - c.r, c.cy - c.r, c.cx + c.r, c.cy + c.r), frame)
        for p in page.items:
            if isinstance(p, PathItem):
                pts = list(p.points) + [q for seg in p.segments for q in seg[-1:]]
                assert all(inside((x, y, x, y), frame, 1e-3) for x, y in pts), plan.format.id


def test_map_labels_are_at_least_the_caption_size(sample, three_stands):
    for plan, project, style, page in all_cases(sample, three_stands):
        x_height = load_font("regular", str(style.fonts["regular"])).metrics.x_height
        bases = base_sizes(plan.format, style, x_height)
        frame = map_frame(page)
        for t in page.items:
            if isinstance(t, Text) and inside(text_box(t), frame) and not t.text.isdigit():
                assert t.size >= bases.caption - 1e-6, (plan.format.id, t.text)


def test_three_stands_fill_the_map_and_the_panel_has_no_blank_foot(three_stands):
    for plan, project, style, page in locator_pages(three_stands):
        frame = map_frame(page)
        w, h = frame[2] - frame[0], frame[3] - frame[1]
        dots = [c for c in page.items if isinstance(c, Circle) and inside((c.cx, c.cy, c.cx, c.cy), frame)]
        xs, ys = [c.cx for c in dots], [c.cy for c in dots]
        # off the edges (a margin of context around them) and spread over the frame
        assert min(xs) - frame[0] >= 0.08 * w and frame[2] - max(xs) >= 0.08 * w
        assert min(ys) - frame[1] >= 0.08 * h and frame[3] - max(ys) >= 0.08 * h
        assert max(max(xs) - min(xs), max(ys) - min(ys)) >= 0.5 * min(w, h)
        # not an empty tinted box: distance rings at least, the city's outlines when given
        drawn = [p for p in page.items if isinstance(p, PathItem) and p.points
                 and inside((p.points[0][0], p.points[0][1]) * 2, frame, 1e-3)]
        assert len(drawn) >= 2 + (10 if project.map.features else 0)
        # the lowest thing on the panel reaches the foot of the safe area
        f = plan.format
        lowest = max(t.y for t in page.items if isinstance(t, Text))
        assert lowest >= f.height - f.safe - 0.05 * (f.height - 2 * f.safe), plan.format.id


def haversine_km(a, b) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_the_scale_bar_matches_the_projection_within_one_percent(sample):
    project = normalise_project(sample)
    style = load_design(project).style
    fmt = project.formats["citylight"]
    bases = base_sizes(fmt, style, load_font("regular", str(style.fonts["regular"])).metrics.x_height)
    locs = project.locations
    plan = plan_map(locs, locs[0], project.map, (45, 400, 1110, 900), bases, style)
    for a, b in combinations(locs, 2):
        d_km = haversine_km((a.lat, a.lon), (b.lat, b.lon))
        if d_km < 3:
            continue
        d_mm = math.dist(plan.projection(a.lat, a.lon), plan.projection(b.lat, b.lon))
        assert plan.scale_mm / plan.scale_km == pytest.approx(d_mm / d_km, rel=0.01), (a.id, b.id)
    # a km north is the bar's length per km
    lat = plan.projection.lat0
    north = plan.projection(lat + 1 / meridian_km_per_degree(lat), plan.projection.lon0)
    assert plan.projection.y0 - north[1] == pytest.approx(plan.scale_mm / plan.scale_km, rel=1e-6)
    bar = [r for r in plan.items if isinstance(r, Rect) and abs(r.w - plan.scale_mm) < 1e-6]
    assert bar, "the scale bar is drawn at the length of its label"
    label = f"{plan.scale_km:g}\u00a0км".replace(".", ",")
    assert any(isinstance(t, Text) and t.text == label for t in plan.items)


def test_the_schematic_river_is_made_of_bezier_segments_clipped_to_the_frame(sample):
    plan, project, style, page = next(locator_pages(sample))
    frame = map_frame(page)
    curves = [p for p in page.items if isinstance(p, PathItem) and p.segments
              and all(len(s) == 3 for s in p.segments) and p.dash == ()]
    assert curves, "the river is drawn as cubic Béziers"
    for p in curves:
        for seg in p.segments:
            for x, y in seg[-1:]:
                assert inside((x, y, x, y), frame, 1e-3)


def test_geojson_context_is_projected_and_clipped_to_the_frame(sample):
    from standpress.load.geo import load_geojson

    features, problems = load_geojson(GEO / "kyiv-sketch.geojson", "kyiv-sketch.geojson")
    assert not problems
    project = dataclasses.replace(sample, map=dataclasses.replace(sample.map, features=features))
    plan, project, style, page = next(locator_pages(project))
    frame = map_frame(page)
    areas = [p for p in page.items if isinstance(p, PathItem) and p.closed and p.fill]
    assert len(areas) >= 1  # the park (districts are outlines)
    outlines = [p for p in page.items if isinstance(p, PathItem) and not p.closed and p.stroke
                and not p.segments and not p.dash]
    assert len(outlines) >= 10
    for p in areas + outlines:
        assert all(inside((x, y, x, y), frame, 1e-6) for x, y in p.points)


def test_a_crowded_map_numbers_every_stand_and_the_list_takes_more_columns(sample):
    base = sample.locations
    extra = tuple(dataclasses.replace(
        base[i % len(base)], id=f"extra-{i}", number=len(base) + i + 1, serves=(),
        lat=50.36 + (i * 0.0137) % 0.18, lon=30.42 + (i * 0.0291) % 0.22, name=f"Сквер №{i}",
        short_name=f"Сквер №{i}", address=f"вул. Тестова, {i}") for i in range(16))
    project = dataclasses.replace(sample, locations=base + extra)
    for plan, project, style, page in locator_pages(project, "banner"):
        if plan.location.id != "khreshchatyk":
            continue
        frame = map_frame(page)
        numbers = {t.text for t in page.items if isinstance(t, Text) and t.text.isdigit()
                   and inside(text_box(t), frame)}
        assert numbers == {str(n) for n in range(1, 25)}
        on_map = [t for t in page.items if isinstance(t, Text) and inside(text_box(t), frame)]
        for a, b in combinations(on_map, 2):
            assert not overlap(text_box(a), text_box(b)), (a.text, b.text)


def test_a_curve_is_cut_exactly_at_the_frame_and_keeps_its_shape():
    from standpress.layout.cartography import clip_curve
    from standpress.layout.frame import bezier_point

    pts = [(-20.0, 50.0), (30.0, 10.0), (60.0, 90.0), (130.0, 40.0)]
    segs = catmull_rom(pts)
    box = (0.0, 0.0, 100.0, 100.0)
    runs = clip_curve(pts[0], segs, box)
    assert len(runs) == 1
    start, pieces = runs[0]
    assert start[0] == pytest.approx(0.0, abs=1e-5)  # enters on the left edge
    assert pieces[-1][-1][0] == pytest.approx(100.0, abs=1e-5)  # leaves on the right
    # every point of the clipped pieces lies on the original curve
    originals = [bezier_point(a, s, k / 200) for a, s in zip(pts, segs) for k in range(201)]
    at = start
    for seg in pieces:
        for k in range(0, 11):
            p = bezier_point(at, seg, k / 10)
            assert min(math.dist(p, q) for q in originals) < 0.6
            assert -1e-6 <= p[0] <= 100 + 1e-6 and -1e-6 <= p[1] <= 100 + 1e-6
        at = seg[-1]


def test_names_from_the_geojson_are_set_with_ukrainian_typography(sample):
    from standpress.load.geo import load_geojson

    features, _ = load_geojson(GEO / "kyiv-sketch.geojson", "kyiv-sketch.geojson")
    assert any("'" in f.name for f in features)  # the file is typed with a straight apostrophe
    project = normalise_project(dataclasses.replace(
        sample, map=dataclasses.replace(sample.map, features=features)))
    names = [f.name for f in project.map.features if f.name]
    assert not any("'" in n for n in names)
    assert "Солом\u02bcянський" in names
