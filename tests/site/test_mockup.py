"""The scale mock-up, read back from the PNG: small formats hang on a wall at eye level
in a picture of sensible proportions; large formats stand on the ground as before."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from standpress.site.mockup import EYE_MM, PERSON, PERSON_MM, SMALL_MM, render_mockup

SHEET = (20, 160, 90)  # a colour the mock-up itself never draws
EMPTY = (244, 245, 247)  # an empty face («без панелі»)
FRAME = (58, 62, 70)  # the ground or floor line
A3 = (297.0, 420.0)


def sheets(n: int, trim=A3, faces: int = 1) -> list:
    img = Image.new("RGB", (round(trim[0]), round(trim[1])), SHEET)
    return [(img, i // faces + 1, "AB"[i % faces]) for i in range(n)]


def _runs(flags) -> list[tuple[int, int]]:
    """(first, last) of each run of true values."""
    runs, start = [], None
    for i, f in enumerate(list(flags) + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def colour_boxes(img: Image.Image, colour, tol: int = 6) -> list[tuple[int, int, int, int]]:
    """The boxes (l, t, r, b, inclusive) of the rectangles of ``colour`` in ``img``:
    split by the columns that hold the colour, then by the rows within each (the
    faces of a mock-up are rectangles in rows and columns)."""
    a = np.asarray(img.convert("RGB")).astype(int)
    mask = (np.abs(a - np.array(colour)) <= tol).all(axis=2)
    boxes = []
    for x0, x1 in _runs(mask.any(axis=0)):
        for y0, y1 in _runs(mask[:, x0:x1 + 1].any(axis=1)):
            if x1 - x0 > 8 and y1 - y0 > 8:
                boxes.append((x0, y0, x1, y1))
    return boxes


def floor_row(img: Image.Image) -> int:
    """The floor (or ground) line: the lowest row mostly of the line colour."""
    a = np.asarray(img.convert("RGB")).astype(int)
    share = (a == np.array(FRAME)).all(axis=2).mean(axis=1)
    return int(np.nonzero(share > 0.8)[0][-1])


def person_rows(img: Image.Image) -> tuple[int, int]:
    a = np.asarray(img.convert("RGB")).astype(int)
    rows = np.nonzero((a[:, : a.shape[1] // 3] == np.array(PERSON)).all(axis=2).any(axis=1))[0]
    return int(rows[0]), int(rows[-1])


def test_a3_sheets_hang_on_a_wall_at_eye_level_beside_the_person(tmp_path):
    res = render_mockup(sheets(5), A3, tmp_path / "m.png", units=12, faces=1)
    img = Image.open(tmp_path / "m.png")
    assert res.setting == "wall"
    found = sorted(colour_boxes(img, SHEET))
    assert len(found) == 5
    floor = floor_row(img)
    sheet_h = [b[3] - b[1] + 1 for b in found]
    px_per_mm = sum(sheet_h) / len(sheet_h) / A3[1]  # measured, not reported
    for left, top, right, bottom in found:
        centre_mm = (floor - (top + bottom) / 2) / px_per_mm
        assert centre_mm == pytest.approx(EYE_MM, abs=20)  # hung at eye level
        assert (floor - bottom) / px_per_mm > 1000  # not on the ground
        assert (right - left + 1) / px_per_mm == pytest.approx(A3[0], rel=0.03)
    # one row, in order, not overlapping
    assert len({b[1] for b in found}) == 1
    assert all(a[2] < b[0] for a, b in zip(found, found[1:]))
    # the person stands on the floor at true size, left of the sheets
    head, feet = person_rows(img)
    assert abs(feet - floor) <= 2
    assert (feet - head + 1) / px_per_mm == pytest.approx(PERSON_MM, rel=0.03)
    assert res.person_boxes[0][2] < found[0][0]


@pytest.mark.parametrize("n", [1, 3, 12, 40, 100])
def test_a_wall_mockup_keeps_a_sensible_aspect_however_many_sheets(tmp_path, n):
    """The report: 1800 × 8915 px for the A3 stand. Now between 1.25 : 1 and 3 : 1."""
    render_mockup(sheets(n), A3, tmp_path / "m.png", units=n, faces=1)
    img = Image.open(tmp_path / "m.png")
    w, h = img.size
    assert w == 1800 and 1.2 <= w / h <= 3.0, img.size
    if n <= 12:  # every sheet drawn, inside the picture, none overlapping another
        found = colour_boxes(img, SHEET)
        assert len(found) == n
        for a in found:
            for b in found:
                assert a == b or a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_twelve_a3_sheets_make_a_grid_of_legible_size(tmp_path):
    res = render_mockup(sheets(12), A3, tmp_path / "m.png", units=12, faces=1)
    assert res.rows >= 2 and res.rows * res.units_per_row >= 12
    assert res.panel_px[1] >= 150  # a sheet you can make out, not a sliver
    # the grid's centre is at eye level
    found = colour_boxes(Image.open(res.path), SHEET)
    floor = res.floor_y[0]
    centre = (min(b[1] for b in found) + max(b[3] for b in found)) / 2
    assert (floor - centre) / res.px_per_mm == pytest.approx(EYE_MM, abs=25)


def test_units_without_a_panel_are_not_hung_as_blank_sheets(tmp_path):
    """The report: an empty «Без панелі» unit on the A3 mock-up."""
    res = render_mockup(sheets(3), A3, tmp_path / "m.png", units=12, faces=1)
    img = Image.open(res.path)
    assert len(colour_boxes(img, SHEET)) == 3 and len(res.panel_boxes) == 3
    assert colour_boxes(img, EMPTY, tol=0) == []
    assert res.unshown_units == 9  # said in a caption instead


def test_the_empty_face_of_a_printed_small_unit_is_still_shown(tmp_path):
    panels = sheets(3, trim=(594.0, 841.0), faces=2)  # unit 1: A and B; unit 2: A only
    res = render_mockup(panels, (594.0, 841.0), tmp_path / "m.png", units=2, faces=2)
    img = Image.open(res.path)
    assert res.setting == "wall" and res.unshown_units == 0
    assert len(colour_boxes(img, SHEET)) == 3
    empty = colour_boxes(img, EMPTY, tol=0)
    assert len(empty) == 1
    assert (empty[0][3] - empty[0][1]) / res.px_per_mm == pytest.approx(841, rel=0.05)


@pytest.mark.parametrize("trim,setting", [((1200.0, 1800.0), "ground"), ((3000.0, 1500.0), "ground"),
                                          ((700.0, SMALL_MM), "ground"), ((700.0, SMALL_MM - 1), "wall")])
def test_large_formats_still_stand_on_the_ground(tmp_path, trim, setting):
    res = render_mockup(sheets(2, trim=(trim[0] / 10, trim[1] / 10), faces=2), trim,
                        tmp_path / "m.png", units=1, faces=2)
    assert res.setting == setting
    img = Image.open(res.path)
    found = colour_boxes(img, SHEET)
    floor = floor_row(img)
    if setting == "ground":
        assert all(abs(b[3] - floor) <= 2 for b in found)  # standing on the ground line
    else:
        assert all(floor - b[3] > 300 * res.px_per_mm for b in found)
