"""Scale mock-up of one stand: every face at true relative size beside a person.

:func:`render_mockup` draws a stand as it stands, all at one scale (1 mm on the
stand is ``px_per_mm`` pixels for the panels and for the person alike), with a
neutral gray human silhouette of ``person_height_mm`` (1.75 m) and dimension
labels. The result reports the scale and the drawn boxes, so a test can check
the proportion.

- Large formats (a face 1 m tall or more: citylights, banners) stand on a
  ground line, unit by unit (a double-sided unit shows its two faces side by
  side, «бік A», «бік B», under them «конструкція N»; a face without a panel is
  drawn empty). A stand too wide for one row at a legible size wraps onto more
  rows, each with its own ground line and its own person.
- Small formats (a face under 1 m tall: A3, A2, A1 posters) hang on a wall at
  eye level, the centre of the sheets ``EYE_MM`` (1.5 m) above the floor, the
  person standing beside them: one row, or a grid when a row would make the
  picture wider than ``MAX_ASPECT`` : 1. Only printed sheets are hung (and the
  empty face of a unit that has a printed one); units with no panel at all
  are counted in a caption, not drawn as blank sheets.

Drawing uses Pillow only; the output is deterministic (no metadata).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .previews import save_png
from .strings import STRINGS, metres, t

__all__ = ["PERSON_MM", "SMALL_MM", "EYE_MM", "FaceFiles", "MockupResult", "render_mockup",
           "find_font"]

BG = (255, 255, 255)
INK = (33, 37, 43)
MUTED = (108, 114, 122)
GROUND = (226, 229, 233)
PERSON = (142, 148, 156)  # neutral gray
FRAME = (58, 62, 70)
EMPTY = (244, 245, 247)
DIM = (108, 114, 122)

WALL = (239, 237, 233)  # a light warm gray wall
SKIRTING = (222, 219, 213)
SHEET_EDGE = (150, 155, 162)

SUPERSAMPLE = 4
PERSON_MM = 1750.0  # the person beside the stand: 1.75 m
SMALL_MM = 1000.0  # a face less tall than this hangs on a wall
EYE_MM = 1500.0  # the centre of hung sheets above the floor: eye level
MIN_BOTTOM_MM = 500.0  # a tall grid of sheets starts no lower than this
MAX_ASPECT = 3.0  # width : height of a wall mock-up, at most
MIN_ASPECT = 1.25  # and at least (more wall to the right, not a tall picture)


@dataclass(frozen=True)
class MockupResult:
    path: Path
    size: tuple[int, int]
    px_per_mm: float  # one scale for panels and person
    panel_px: tuple[int, int]  # one face's trim, drawn, px
    person_px: int  # the silhouette's drawn height, px (feet to crown)
    rows: int
    units_per_row: int
    person_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # l, t, r, b
    panel_boxes: list[tuple[int, str, tuple[int, int, int, int]]] = field(default_factory=list)
    setting: str = "ground"  # "ground" (large formats) or "wall" (small ones)
    floor_y: list[int] = field(default_factory=list)  # the ground or floor line of each row, px
    unshown_units: int = 0  # units with no panel, not drawn (wall only)

    @property
    def ratio(self) -> float:
        """Person height / panel height, as drawn."""
        return self.person_px / self.panel_px[1]


# ------------------------------------------------------------------ fonts

_FONT_NAMES = {
    "regular": ("NotoSans-Regular.ttf", "DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    "bold": ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
}


def _font_dirs() -> list[Path]:
    here = Path(__file__).resolve()
    dirs = [p / "fonts" for p in here.parents[:4]]  # the project's fonts/ in a source checkout
    dirs += [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"),
             Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/TTF"),
             Path("/Library/Fonts"), Path("C:/Windows/Fonts")]
    return dirs


@lru_cache(maxsize=None)
def find_font(weight: str = "regular") -> str | None:
    """Path of a TrueType font with Cyrillic: the project's Noto Sans first, else a system one."""
    for name in _FONT_NAMES[weight]:
        for d in _font_dirs():
            if (d / name).is_file():
                return str(d / name)
    return None


@lru_cache(maxsize=None)
def _font(size: int, weight: str = "regular") -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    path = find_font(weight)
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


# ------------------------------------------------------------------ the person

def _person_mask(height_px: int) -> Image.Image:
    """A front-view standing figure, ``height_px`` tall, as an L mask (255 = figure).

    Proportions after the classical 7½-head canon: head 0.13 h, shoulders at
    0.82 h, 0.25 h wide; hands at 0.40 h; crotch at 0.47 h.
    """
    s = SUPERSAMPLE
    H = height_px * s
    W = math.ceil(0.34 * height_px) * s
    img = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(img)
    cx = W / 2

    def P(x: float, y: float) -> tuple[float, float]:  # x, y in heights, y up from the feet
        return cx + x * H, H - y * H

    def ellipse(x: float, y: float, rx: float, ry: float) -> None:
        (x0, y0), (x1, y1) = P(x - rx, y + ry), P(x + rx, y - ry)
        d.ellipse((x0, y0, x1, y1), fill=255)

    def poly(points) -> None:
        d.polygon([P(x, y) for x, y in points], fill=255)

    # head and neck
    ellipse(0, 1 - 0.062, 0.045, 0.062)
    poly([(-0.024, 0.890), (0.024, 0.890), (0.028, 0.845), (-0.028, 0.845)])
    # torso: sloping shoulders → chest → waist → hips
    poly([(-0.032, 0.862), (0.032, 0.862), (0.092, 0.840), (0.106, 0.805), (0.101, 0.720),
          (0.086, 0.620), (0.083, 0.575), (0.092, 0.520), (0.095, 0.470), (-0.095, 0.470),
          (-0.092, 0.520), (-0.083, 0.575), (-0.086, 0.620), (-0.101, 0.720), (-0.106, 0.805),
          (-0.092, 0.840)])
    # pelvis down to the crotch
    poly([(-0.092, 0.52), (0.092, 0.52), (0.094, 0.49), (0.090, 0.455), (0.004, 0.448),
          (-0.004, 0.448),
          (-0.090, 0.455), (-0.094, 0.49)])
    for side in (-1, 1):
        ellipse(side * 0.101, 0.808, 0.030, 0.030)  # shoulder cap
        # arm, hanging a little away from the waist; then the hand
        poly([(side * 0.100, 0.826), (side * 0.127, 0.812), (side * 0.137, 0.740),
              (side * 0.140, 0.640), (side * 0.143, 0.480), (side * 0.121, 0.480),
              (side * 0.117, 0.640), (side * 0.109, 0.740), (side * 0.098, 0.790)])
        ellipse(side * 0.132, 0.455, 0.0165, 0.034)
        # leg: hip → thigh → knee → calf → ankle
        poly([(side * 0.094, 0.490), (side * 0.090, 0.420), (side * 0.064, 0.275),
              (side * 0.067, 0.175), (side * 0.052, 0.045), (side * 0.024, 0.045),
              (side * 0.018, 0.175), (side * 0.016, 0.275), (side * 0.005, 0.450),
              (side * 0.040, 0.500)])
        # foot
        poly([(side * 0.020, 0.052), (side * 0.056, 0.052), (side * 0.068, 0.014),
              (side * 0.066, 0.0), (side * 0.014, 0.0), (side * 0.014, 0.014)])
    return img.resize((W // s, height_px), Image.Resampling.LANCZOS)


def _draw_person(canvas: Image.Image, left: int, ground_y: int,
                 height_px: int) -> tuple[int, int, int, int]:
    """Paste the figure with its feet on ``ground_y``; its drawn box (alpha ≥ 50 %)."""
    mask = _person_mask(height_px)
    top = ground_y - height_px
    canvas.paste(Image.new("RGB", mask.size, PERSON), (left, top), mask)
    bbox = mask.point(lambda v: 255 if v >= 128 else 0).getbbox() or (0, 0, 0, 0)
    return left + bbox[0], top + bbox[1], left + bbox[2], top + bbox[3]


# ------------------------------------------------------------------ labels

def _text(draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill=INK, anchor="la",
          weight: str = "regular") -> None:
    draw.text(xy, text, font=_font(size, weight), fill=fill, anchor=anchor)


def _text_width(text: str, size: int, weight: str = "regular") -> float:
    return _font(size, weight).getlength(text)


def _vdim(draw: ImageDraw.ImageDraw, x: int, top: int, bottom: int, label: str, size: int,
          left_label: bool = True) -> None:
    """A vertical dimension line with end ticks and a label beside its middle."""
    tick = max(4, size // 3)
    draw.line((x, top, x, bottom), fill=DIM, width=1)
    draw.line((x - tick, top, x + tick, top), fill=DIM, width=1)
    draw.line((x - tick, bottom, x + tick, bottom), fill=DIM, width=1)
    mid = (top + bottom) // 2
    if left_label:
        _text(draw, (x - tick - 4, mid), label, size, INK, "rm", "bold")
    else:
        _text(draw, (x + tick + 4, mid), label, size, INK, "lm", "bold")


def _hdim(draw: ImageDraw.ImageDraw, y: int, left: int, right: int, label: str, size: int) -> None:
    tick = max(4, size // 3)
    draw.line((left, y, right, y), fill=DIM, width=1)
    draw.line((left, y - tick, left, y + tick), fill=DIM, width=1)
    draw.line((right, y - tick, right, y + tick), fill=DIM, width=1)
    _text(draw, ((left + right) // 2, y - tick - 2), label, size, INK, "md", "bold")


# ------------------------------------------------------------------ layout

@dataclass
class _Face:
    image: Image.Image | FaceFiles | None
    side: str


def _group(panels, units: int | None, faces: int | None) -> dict[int, list[_Face]]:
    sides_seen = sorted({str(side) for _, _, side in panels}) or ["A"]
    n_faces = max(faces or 0, len(sides_seen))
    side_names = [chr(ord("A") + i) for i in range(n_faces)]
    for s in sides_seen:
        if s not in side_names:
            side_names.append(s)
    n_units = max([units or 0] + [int(u) for _, u, _ in panels] + [1])
    grouped: dict[int, list[_Face]] = {}
    for u in range(1, n_units + 1):
        grouped[u] = [_Face(None, s) for s in side_names]
    for img, unit, side in panels:
        for f in grouped[int(unit)]:
            if f.side == str(side):
                f.image = img
                break
    return grouped


class FaceFiles:
    """A face's picture in files of several sizes, smallest first (a preview's thumbnail,
    its screen image): the mock-up decodes the smallest that has at least a pixel for each
    of its own (a face on a mock-up is a few hundred pixels tall)."""

    def __init__(self, *paths: str | Path):
        self.paths = [Path(p) for p in paths]

    def at_least(self, size: tuple[int, int]) -> Image.Image:
        for path in self.paths[:-1]:
            with Image.open(path) as im:  # (the header: the size)
                if im.width >= size[0] and im.height >= size[1]:
                    return im.convert("RGB")
        with Image.open(self.paths[-1]) as im:
            return im.convert("RGB")


def _face_pixels(image: Image.Image | FaceFiles, size: tuple[int, int],
                 trim_mm: tuple[float, float], bleed_mm: float) -> Image.Image:
    """The face's picture, trim only, to be resized to ``size`` px."""
    if isinstance(image, FaceFiles):
        tw, th = trim_mm
        image = image.at_least((math.ceil(size[0] * (tw + 2 * bleed_mm) / tw),
                                math.ceil(size[1] * (th + 2 * bleed_mm) / th)))
    return _crop_bleed(image.convert("RGB"), trim_mm, bleed_mm)


def _crop_bleed(img: Image.Image, trim_mm: tuple[float, float], bleed_mm: float) -> Image.Image:
    if bleed_mm <= 0:
        return img
    w, h = img.size
    tw, th = trim_mm
    dx = w * bleed_mm / (tw + 2 * bleed_mm)
    dy = h * bleed_mm / (th + 2 * bleed_mm)
    return img.crop((round(dx), round(dy), round(w - dx), round(h - dy)))


def render_mockup(panels: list[tuple[Image.Image, int, str]], trim_mm: tuple[float, float],
                  out: Path, *, person_height_mm: float = PERSON_MM, bleed_mm: float = 0.0,
                  units: int | None = None, faces: int | None = None, width_px: int = 1800,
                  min_panel_px: int = 300, strings: dict | None = None) -> MockupResult:
    """Draw the stand's faces and a person to one scale; write ``out`` (PNG).

    ``panels``: (image, unit, side) per printed face (an image, or its
    :class:`FaceFiles`); images show the bleed box when
    ``bleed_mm`` > 0 (it is cropped off: the street sees the trim) or the trim.
    ``units``/``faces``: the stand's constructions and faces per construction; faces
    without a panel are drawn empty. Units wrap onto more rows when one row would draw
    a face less than ``min_panel_px`` tall.
    """
    S = strings or STRINGS
    tw, th = (float(v) for v in trim_mm)
    grouped = _group(panels, units, faces)
    if th < SMALL_MM:
        return _on_a_wall(grouped, tw, th, Path(out), person_height_mm, bleed_mm, width_px, S)
    return _on_the_ground(grouped, tw, th, Path(out), person_height_mm, bleed_mm, width_px,
                          min_panel_px, S)


def _on_the_ground(grouped: dict[int, list[_Face]], tw: float, th: float, out: Path,
                   person_height_mm: float, bleed_mm: float, width_px: int, min_panel_px: int,
                   S: dict) -> MockupResult:
    """Large formats: units standing on a ground line, wrapped onto rows."""
    n_units = len(grouped)
    n_faces = len(next(iter(grouped.values())))

    face_gap = max(0.08 * tw, 120.0)  # mm between the faces of one unit
    unit_gap = max(0.30 * tw, 450.0)  # mm between units
    person_w = 0.34 * person_height_mm
    lead = person_w + 0.30 * person_height_mm + max(0.18 * tw, 400.0)  # person, gap, dimension
    unit_w = n_faces * tw + (n_faces - 1) * face_gap
    margin_px = 56

    def scale_for(k: int) -> float:
        row_mm = lead + k * unit_w + (k - 1) * unit_gap + 0.08 * tw
        return (width_px - 2 * margin_px) / row_mm

    per_row = n_units
    while per_row > 1 and scale_for(per_row) * th < min_panel_px:
        per_row -= 1
    rows = math.ceil(n_units / per_row)
    per_row = math.ceil(n_units / rows)  # balance the rows: 2 + 2, not 3 + 1
    scale = scale_for(per_row)

    panel_px = (round(tw * scale), round(th * scale))
    person_px = round(person_height_mm * scale)
    tallest = max(panel_px[1], person_px)
    fs = max(15, round(width_px / 100))  # label size, px
    row_top_pad = round(fs * 3.2)  # room for the width dimension and the person's label
    row_bottom = round(fs * 4.2)  # side and unit labels under the ground
    row_h = row_top_pad + tallest + row_bottom
    height_px = 2 * margin_px + rows * row_h + (rows - 1) * round(fs * 1.5)

    canvas = Image.new("RGB", (width_px, height_px), BG)
    draw = ImageDraw.Draw(canvas)
    person_boxes: list[tuple[int, int, int, int]] = []
    panel_boxes: list[tuple[int, str, tuple[int, int, int, int]]] = []
    floors: list[int] = []
    unit_ids = list(grouped)
    for r in range(rows):
        top = margin_px + r * (row_h + round(fs * 1.5))
        ground = top + row_top_pad + tallest
        floors.append(ground)
        # ground line and a light strip under it
        draw.rectangle((margin_px // 2, ground, width_px - margin_px // 2, ground + fs // 2), fill=GROUND)
        draw.line((margin_px // 2, ground, width_px - margin_px // 2, ground), fill=FRAME, width=2)
        x = margin_px
        box = _draw_person(canvas, x, ground, person_px)
        person_boxes.append(box)
        pcx = (box[0] + box[2]) // 2
        _text(draw, (pcx, box[1] - fs // 2), metres(person_height_mm, S), fs, INK, "md", "bold")
        x += round((person_w + 0.30 * person_height_mm) * scale)
        dim_x = x + round(max(0.18 * tw, 400.0) * scale) - fs
        x += round(max(0.18 * tw, 400.0) * scale)
        _vdim(draw, dim_x, ground - panel_px[1], ground, metres(th, S), fs)
        first = True
        for u in unit_ids[r * per_row:(r + 1) * per_row]:
            unit_left = x
            for f in grouped[u]:
                rect = (x, ground - panel_px[1], x + panel_px[0], ground)
                if f.image is not None:
                    img = _face_pixels(f.image, panel_px, (tw, th), bleed_mm)
                    canvas.paste(img.resize(panel_px, Image.Resampling.LANCZOS), rect[:2])
                    draw.rectangle((rect[0] - 1, rect[1] - 1, rect[2], rect[3]), outline=FRAME, width=1)
                else:
                    draw.rectangle(rect, fill=EMPTY, outline=(190, 195, 201), width=1)
                    _text(draw, ((rect[0] + rect[2]) // 2, (rect[1] + rect[3]) // 2),
                          t("mock_empty", S), fs, MUTED, "mm")
                panel_boxes.append((u, f.side, rect))
                if first:
                    _hdim(draw, rect[1] - round(fs * 0.9), rect[0], rect[2], metres(tw, S), fs)
                    first = False
                _text(draw, ((rect[0] + rect[2]) // 2, ground + round(fs * 0.9)),
                      t("mock_side", S, side=f.side), fs, MUTED, "ma")
                x += panel_px[0] + round(face_gap * scale)
            x -= round(face_gap * scale)
            # unit bracket and label
            by = ground + round(fs * 2.4)
            draw.line((unit_left, by, x, by), fill=(200, 204, 209), width=1)
            draw.line((unit_left, by - fs // 3, unit_left, by), fill=(200, 204, 209), width=1)
            draw.line((x, by - fs // 3, x, by), fill=(200, 204, 209), width=1)
            _text(draw, ((unit_left + x) // 2, by + fs // 3), t("mock_unit", S, n=u), fs, INK,
                  "ma", "bold")
            x += round(unit_gap * scale)
    save_png(canvas, out)
    drawn = person_boxes[0][3] - person_boxes[0][1]
    return MockupResult(Path(out), canvas.size, scale, panel_px, drawn,
                        rows, per_row, person_boxes, panel_boxes, "ground", floors)


# ------------------------------------------------------------------ on a wall

def _length(mm: float, S: dict) -> str:
    """A small length in millimetres («297 мм»), a large one in metres."""
    return f"{round(mm)}\u00a0мм" if mm < 1000 else metres(mm, S)


def _on_a_wall(grouped: dict[int, list[_Face]], tw: float, th: float, out: Path,
               person_height_mm: float, bleed_mm: float, width_px: int,
               S: dict) -> MockupResult:
    """Small formats: the sheets hung on a wall at eye level, a person beside them.

    The sheets of one unit (its faces) hang side by side as one block; blocks fill a
    row, or a grid of balanced rows when one row would make the picture wider than
    ``MAX_ASPECT`` : 1. Of the arrangements within ``MIN_ASPECT``..``MAX_ASPECT``
    the one with the fewest rows that draws the sheets at least 80 % as large as
    the best wins (a row reads more naturally than a grid)."""
    hung = {u: fs_ for u, fs_ in grouped.items() if any(f.image is not None for f in fs_)}
    unshown = len(grouped) - len(hung)
    if not hung:  # nothing printed at all: show the places, empty
        hung, unshown = grouped, 0
    blocks = list(hung.items())
    n_faces = max(len(f) for _, f in blocks)
    n = len(blocks)
    ph = person_height_mm
    margin_px = 56
    fs = max(15, round(width_px / 100))
    small = max(13, round(fs * 0.8))

    gap = max(0.15 * tw, 40.0)  # between the sheets of a unit
    block_gap = gap if n_faces == 1 else 2.5 * gap  # between units
    block_w = n_faces * tw + (n_faces - 1) * gap
    person_w = 0.34 * ph
    lead = 150 + person_w + 200 + 350  # wall edge, person, clearance, room for a dimension
    tail = 600  # room for the eye-level dimension and its label
    content_w = width_px - 2 * margin_px

    def layout(cols: int, extra: float = 0.0):
        rows = math.ceil(n / cols)
        grid_w = cols * block_w + (cols - 1) * block_gap
        wall_w = lead + grid_w + tail + extra
        scale = content_w / wall_w
        row_gap = max(0.12 * th, (small * 2.2) / scale)  # each row's labels under it
        grid_h = rows * th + (rows - 1) * row_gap
        bottom = max(MIN_BOTTOM_MM, EYE_MM - grid_h / 2)
        wall_h = max(2250.0, bottom + grid_h + max(350.0, fs * 3.5 / scale), ph + fs * 3 / scale)
        below_px = fs // 2 + (round(fs * 2.6) if unshown else fs)
        height = 2 * margin_px + wall_h * scale + below_px
        return dict(cols=cols, rows=rows, grid_w=grid_w, wall_w=wall_w, scale=scale,
                    row_gap=row_gap, grid_h=grid_h, bottom=bottom, wall_h=wall_h,
                    below_px=below_px, height=round(height), aspect=width_px / height)

    options = []
    for rows in range(1, n + 1):
        cols = math.ceil(n / rows)
        if options and cols == options[-1]["cols"]:
            continue
        options.append(layout(cols))
    fitting = [o for o in options if MIN_ASPECT <= o["aspect"] <= MAX_ASPECT]
    if fitting:  # the fewest rows that draw the sheets nearly as large as the best
        best = max(o["scale"] for o in fitting)
        g = min((o for o in fitting if o["scale"] >= 0.8 * best), key=lambda o: o["rows"])
    else:
        narrow = [o for o in options if o["aspect"] <= MAX_ASPECT]
        g = narrow[0] if narrow else options[-1]  # the widest that is not too wide
        for _ in range(6):  # too tall: more wall to the right until it is not
            if g["aspect"] >= MIN_ASPECT:
                break
            fixed = 2 * margin_px + g["below_px"]
            target = (width_px / MIN_ASPECT - fixed) / g["wall_h"]  # px per mm
            extra = content_w / target - (lead + g["grid_w"] + tail)
            g = layout(g["cols"], max(extra, 0.0) * 1.01)
    scale, cols, rows = g["scale"], g["cols"], g["rows"]

    def px(v: float) -> int:
        return round(v * scale)

    height_px = g["height"]
    canvas = Image.new("RGB", (width_px, height_px), BG)
    draw = ImageDraw.Draw(canvas)
    floor = margin_px + px(g["wall_h"])
    x0 = margin_px  # the wall's left edge
    # the wall, its skirting board, the floor
    draw.rectangle((x0, margin_px, width_px - margin_px, floor), fill=WALL)
    draw.rectangle((x0, floor - max(3, px(80)), width_px - margin_px, floor), fill=SKIRTING)
    draw.rectangle((margin_px // 2, floor, width_px - margin_px // 2, floor + fs // 2), fill=GROUND)
    draw.line((margin_px // 2, floor, width_px - margin_px // 2, floor), fill=FRAME, width=2)
    # the person, in front of the wall
    person_px = px(ph)
    box = _draw_person(canvas, x0 + px(150), floor, person_px)
    _text(draw, ((box[0] + box[2]) // 2, box[1] - fs // 2), metres(ph, S), fs, INK, "md", "bold")
    # the sheets
    sheet_px = (px(tw), px(th))
    grid_left = x0 + px(lead)
    grid_top_mm = g["bottom"] + g["grid_h"]
    shadow = Image.new("L", canvas.size, 0)
    sd = ImageDraw.Draw(shadow)
    off = max(2, round(fs / 6))
    rects = []
    for i, (u, faces) in enumerate(blocks):
        r, c = divmod(i, cols)
        left_mm = c * (block_w + block_gap)
        top_y = floor - px(grid_top_mm - r * (th + g["row_gap"]))
        for k, f in enumerate(faces):
            lx = grid_left + px(left_mm + k * (tw + gap))
            rect = (lx, top_y, lx + sheet_px[0], top_y + sheet_px[1])
            rects.append((u, f, rect))
            if f.image is not None:
                sd.rectangle((rect[0] + off, rect[1] + off, rect[2] + off, rect[3] + off), fill=90)
    canvas.paste(Image.new("RGB", canvas.size, (70, 70, 70)), (0, 0),
                 shadow.filter(ImageFilter.GaussianBlur(off * 1.5)))
    panel_boxes: list[tuple[int, str, tuple[int, int, int, int]]] = []
    for u, f, rect in rects:
        if f.image is not None:
            img = _face_pixels(f.image, sheet_px, (tw, th), bleed_mm)
            canvas.paste(img.resize(sheet_px, Image.Resampling.LANCZOS), rect[:2])
            draw.rectangle((rect[0] - 1, rect[1] - 1, rect[2], rect[3]), outline=SHEET_EDGE, width=1)
        else:  # the empty face of a unit that has a printed one
            draw.rectangle(rect, fill=EMPTY, outline=(190, 195, 201), width=1)
            _text(draw, ((rect[0] + rect[2]) // 2, (rect[1] + rect[3]) // 2),
                  t("mock_empty", S), small, MUTED, "mm")
        label = str(u) if n_faces == 1 else f"{u} · {t('mock_side', S, side=f.side)}"
        _text(draw, ((rect[0] + rect[2]) // 2, rect[3] + round(small * 0.5)), label, small,
              MUTED, "ma")
        panel_boxes.append((u, f.side, rect))
    # dimensions: the sheet's width above the first, its height left of it, and the
    # height of the sheets' centre above the floor right of the last column
    first = rects[0][2]
    _hdim(draw, first[1] - round(fs * 0.9), first[0], first[2], _length(tw, S), fs)
    _vdim(draw, first[0] - fs, first[1], first[3], _length(th, S), fs)
    right = max(rc[2] for _, _, rc in rects)
    centre_y = floor - px(g["bottom"] + g["grid_h"] / 2)
    dim_x = right + max(px(250), fs * 2)
    for xx in range(right + 6, dim_x, 10):  # a dotted leader from the sheets to the dimension
        draw.line((xx, centre_y, min(xx + 4, dim_x), centre_y), fill=DIM, width=1)
    _vdim(draw, dim_x, centre_y, floor, metres(g["bottom"] + g["grid_h"] / 2, S), fs,
          left_label=False)
    if unshown:
        _text(draw, (width_px - margin_px, floor + fs // 2 + round(fs * 0.9)),
              t("mock_unshown", S, n=unshown, units=len(grouped)), fs, MUTED, "ra")
    save_png(canvas, out)
    drawn = box[3] - box[1]
    return MockupResult(out, canvas.size, scale, sheet_px, drawn, rows, cols, [box],
                        panel_boxes, "wall", [floor], unshown)
