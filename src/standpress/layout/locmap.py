"""The locator's map: fitted to the stands, north up, every label placed without collision.

:func:`plan_map` returns the finished items and the facts tests and the
panel need (projection, scale bar, label boxes). Sizes follow the format's
body size ``b`` (the legible minimum at its viewing distance), so the same
map reads the same on A3 and on a 6 m billboard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import FitError, Problem
from ..model import Location, MapData
from .cartography import (
    Box, Projection, circle_segments, clip_curve, clip_polygon, clip_polyline, contains,
    fit_projection, nice_step, overlaps, point_in_ring, ring_area, ring_centroid, simplify,
)
from .fit import Bases, SetBlock, fit_display, set_paragraphs
from .frame import Circle, Item, Path, Rect, Text, catmull_rom
from .templates import Style, TextStyle

HERE = "Ви тут"
NORTH = "Пн"
SHRINK = 0.9  # each retry zooms out by this factor
TRIES = 16
NAME_ALL = 6  # tries (down to 0.9⁶ ≈ 53 % of the fitted scale) that must name every stand


@dataclass(frozen=True)
class MapPlan:
    frame: Box
    projection: Projection
    scale_km: float  # the scale bar's length in km…
    scale_mm: float  # …and on the page
    labels: tuple[Box, ...]  # every text box placed on the map (numbers in dots excluded)
    items: tuple[Item, ...]


def _ts(style: Style, *names: str) -> TextStyle:
    return next(style.text[n] for n in names if n in style.text)


def _size(ts: TextStyle, bases: Bases) -> float:
    return max(ts.min, ts.size) * bases.of(ts.role or "body")


def map_bases(bases: Bases, w: float, h: float) -> Bases:
    """The sizes of a map of ``w`` × ``h`` mm: the format's legible minimum, grown
    with a large map (up to 1.25 ×) so that its marks and names keep their weight."""
    k = min(max(1.0, min(w, h) / 70 / bases.body), 1.25)
    return Bases(body=bases.body * k, heading=bases.heading * k, caption=max(bases.caption, bases.body * k))


def _line(text: str, ts: TextStyle, bases: Bases, style: Style, color=None) -> SetBlock:
    block = set_paragraphs([text], ts, _size(ts, bases), 1e9, style, color)
    assert block is not None  # an unlimited width always fits
    return block


def _width(block: SetBlock) -> float:
    return max((t.x + t.width for t in block.lines), default=0.0)


def plan_map(locs: tuple[Location, ...], here: Location, data: MapData,
             frame: tuple[float, float, float, float], bases: Bases, style: Style,
             where: str = "") -> MapPlan:
    """The map of ``locs`` in ``frame`` (x, y, w, h), ``here`` marked."""
    x, y, w, h = frame
    box: Box = (x, y, x + w, y + h)
    bases = map_bases(bases, w, h)
    b = bases.body
    r = b * 1.05  # a stand's dot: its number is set at body size
    rh = r * 1.45  # this stand's
    # the stands keep off the edges: a tenth of the frame around them shows their surroundings
    px, py = max(rh + b * 1.2, w * 0.1), max(rh + b * 1.2, h * 0.1)
    inner = (x + px, y + py, x + w - px, y + h - py)
    proj = fit_projection([(l.lat, l.lon) for l in locs], inner)
    for attempt in range(TRIES):
        # at first every stand is named on the map; a crowded map zoomed out this far
        # names the ones it can and numbers the rest (the list beside it names them all)
        plan = _attempt(locs, here, data, box, proj, bases, style, r, rh, attempt < NAME_ALL)
        if plan is not None:
            return plan
        proj = proj.scaled(SHRINK)
    raise FitError("the locator map cannot place its marks", [Problem(
        f"the {len(locs)} stands' dots and the «{HERE}» mark do not fit in the map's frame "
        f"even at {SHRINK ** TRIES:.0%} of the fitted scale", where,
        hint="give the map item more room in the template")])


def _attempt(locs, here, data, box, proj, bases, style, r, rh, name_all: bool) -> MapPlan | None:
    b = bases.body
    x0, y0, x1, y1 = box
    margin = b * 0.6
    usable = (x0 + margin, y0 + margin, x1 - margin, y1 - margin)
    label_ts = _ts(style, "locator_label", "map_label")
    furniture, scale_items, scale_km, scale_mm = _furniture(proj, box, bases, style)
    taken: list[Box] = list(furniture)
    outer = rh + b * 0.3  # this stand's dot with its ring
    dots = _spread({l.id: proj(l.lat, l.lon) for l in locs}, here.id, r, outer, b * 0.4)
    dot_boxes = {}
    for i, (cx, cy) in dots.items():
        rr = outer if i == here.id else r
        d = dot_boxes[i] = (cx - rr, cy - rr, cx + rr, cy + rr)
        if not contains(usable, d) or any(overlaps(d, f) for f in furniture):
            return None
    taken += dot_boxes.values()
    # «Ви тут»: the strongest element, placed first
    callout_ts = _ts(style, "locator_here_mark", "band")
    text = _line(HERE, callout_ts, bases, style, style.color("paper"))
    cw, chh = _width(text) + text.size * 1.1, text.height + text.size * 0.7
    hx, hy = dots[here.id]
    spots = _around(hx, hy, outer + b * 0.4, cw, chh)
    callout = next((s for s in spots if contains(usable, s)
                    and _free(s, taken, b * 0.3, dot_boxes[here.id])), None)
    if callout is None:
        return None
    taken.append(callout)
    labels: list[tuple[Box, SetBlock]] = []
    order = sorted((l for l in locs if l.id != here.id),
                   key=lambda l: -sum(math.dist(dots[l.id], p) < b * 12 for p in dots.values()))
    for l in order:
        block = _line(l.short_name, label_ts, bases, style)
        lw, lh = _width(block), block.height
        cx, cy = dots[l.id]
        spot = next((s for s in _around(cx, cy, r + b * 0.35, lw, lh) if contains(usable, s)
                     and _free(s, taken, b * 0.3, dot_boxes[l.id])), None)
        if spot is None:
            if name_all:
                return None
            continue
        taken.append(spot)
        labels.append((spot, block))
    # everything below is context: drawn where it fits, under the marks
    items: list[Item] = [Rect(x0, y0, x1 - x0, y1 - y0, fill=style.color("tint"))]
    names: list[Item] = []
    context_labels = _context(items, names, data, proj, box, bases, style, taken)
    reach = max(math.dist(dots[here.id], p) for p in dots.values())
    items += _rings(proj, dots[here.id], reach, box, bases, style, taken, context_labels)
    items += names  # over the rings
    for l in locs:
        if l.id != here.id:
            items += _dot(dots[l.id], r, str(l.number), False, b, style)
    items += _dot(dots[here.id], rh, str(here.number), True, b, style)
    items += _callout(callout, (hx, hy), rh, text, style)
    for spot, block in labels:
        items.extend(block.moved(spot[0], spot[1]))
    items += scale_items
    boxes = tuple([callout] + [s for s, _ in labels] + context_labels + list(furniture))
    return MapPlan(box, proj, scale_km, scale_mm, boxes, tuple(items))


def _spread(dots: dict[str, tuple[float, float]], here: str, r: float, rh: float,
            gap: float) -> dict[str, tuple[float, float]]:
    """Dots too close to tell apart pushed apart along the line between them (a
    schematic map's displacement: a few hundred metres at most); this stand stays."""
    pos = dict(dots)
    ids = sorted(pos)
    for _ in range(30):
        moved = False
        for i, a in enumerate(ids):
            for c in ids[i + 1:]:
                need = (rh if a == here else r) + (rh if c == here else r) + gap
                (ax, ay), (cx, cy) = pos[a], pos[c]
                d = math.dist((ax, ay), (cx, cy))
                if d >= need - 1e-9:
                    continue
                ux, uy = ((cx - ax) / d, (cy - ay) / d) if d > 1e-9 else (1.0, 0.0)
                push = need - d
                wa = 0.0 if a == here else (1.0 if c == here else 0.5)
                wc = 1.0 - wa
                pos[a] = (ax - ux * push * wa, ay - uy * push * wa)
                pos[c] = (cx + ux * push * wc, cy + uy * push * wc)
                moved = True
        if not moved:
            break
    return pos


def _free(spot: Box, taken: list[Box], gap: float, own: Box | None = None) -> bool:
    """``spot`` keeps ``gap`` clear of every box in ``taken`` (but ``own``)."""
    grown = (spot[0] - gap, spot[1] - gap, spot[2] + gap, spot[3] + gap)
    return not any(overlaps(grown, t) for t in taken if t != own)


def _around(cx: float, cy: float, d: float, w: float, h: float) -> list[Box]:
    """Boxes of ``w`` × ``h`` beside a point, ``d`` away: right, left, the diagonals, above, below."""
    s = d * 0.72
    spots = [(cx + d, cy - h / 2), (cx - d - w, cy - h / 2),
             (cx + s, cy - s - h), (cx + s, cy + s), (cx - s - w, cy - s - h), (cx - s - w, cy + s),
             (cx - w / 2, cy - d - h), (cx - w / 2, cy + d)]
    return [(sx, sy, sx + w, sy + h) for sx, sy in spots]


def _dot(c, r, number, mine, b, style) -> list[Item]:
    cx, cy = c
    items: list[Item] = []
    if mine:  # a ring of the deep blue around the accent: no other mark is as strong
        items.append(Circle(cx, cy, r + b * 0.3, fill=style.color("brand_deep")))
    items.append(Circle(cx, cy, r, fill=style.color("accent" if mine else "brand"),
                        stroke=None if mine else style.color("paper"),
                        stroke_width=0.0 if mine else b * 0.15))
    num = fit_display(number, style.text["numeral"], r * 1.1, r * 0.95, style,
                      color=style.color("ink" if mine else "paper"))
    t = num.lines[0]
    items.append(Text(cx - t.width / 2, cy + t.y / 2, t.text, t.font, t.size, t.color, t.advances))
    return items


def _callout(spot: Box, dot, rh, text: SetBlock, style: Style) -> list[Item]:
    x0, y0, x1, y1 = spot
    hx, hy = dot
    fill = style.color("brand_deep")
    items: list[Item] = [Rect(x0, y0, x1 - x0, y1 - y0, fill=fill, radius=(y1 - y0) * 0.22)]
    # a pointer from the callout's nearest edge towards the dot
    ex = min(max(hx, x0 + (y1 - y0) * 0.3), x1 - (y1 - y0) * 0.3)
    ey = min(max(hy, y0 + (y1 - y0) * 0.3), y1 - (y1 - y0) * 0.3)
    if hx >= x1 or hx <= x0:
        edge = x1 if hx >= x1 else x0
        tip = (edge + (hx - edge) * 0.55, hy if y0 <= hy <= y1 else ey)
        base = ((edge, ey - (y1 - y0) * 0.18), (edge, ey + (y1 - y0) * 0.18))
    else:
        edge = y1 if hy >= y1 else y0
        tip = (ex, edge + (hy - edge) * 0.55)
        base = ((ex - (y1 - y0) * 0.18, edge), (ex + (y1 - y0) * 0.18, edge))
    if math.dist(tip, dot) > rh:
        items.append(Path((base[0], tip, base[1]), fill=fill, closed=True))
    pad_x = (x1 - x0 - _width(text)) / 2
    items.extend(text.moved(x0 + pad_x, y0 + (y1 - y0 - text.height) / 2))
    return items


def _furniture(proj: Projection, box: Box, bases: Bases, style: Style):
    """The scale bar (lower left) and the north arrow (upper right): their boxes and items."""
    b = bases.body
    x0, y0, x1, y1 = box
    ts = _ts(style, "locator_label", "map_label")
    km = nice_step((x1 - x0) * 0.22 / proj.mm_per_km)
    length = km * proj.mm_per_km
    label = _line(f"{km:g}\u00a0км".replace(".", ","), ts, bases, style, style.color("brand"))
    bx, by = x0 + b * 1.2, y1 - b * 1.2
    bar_h = b * 0.3
    ink = style.color("brand")
    items: list[Item] = [
        Rect(bx, by - bar_h, length, bar_h, fill=ink),
        Rect(bx + length / 2, by - bar_h + b * 0.06, length / 2 - b * 0.06, bar_h - b * 0.12,
             fill=style.color("paper")),
        Rect(bx, by - bar_h - b * 0.5, b * 0.12, b * 0.5, fill=ink),
        Rect(bx + length - b * 0.12, by - bar_h - b * 0.5, b * 0.12, b * 0.5, fill=ink),
    ]
    items.extend(label.moved(bx, by - bar_h - b * 0.7 - label.height))
    scale_box = (bx - b * 0.3, by - bar_h - b * 0.7 - label.height - b * 0.2,
                 bx + max(length, _width(label)) + b * 0.3, by + b * 0.3)
    # north: a filled arrow with «Пн» under it
    north = _line(NORTH, _ts(style, "locator_north", "band"), bases, style, ink)
    aw, ah = b * 1.5, b * 2.2
    ax, ay = x1 - b * 1.2 - max(aw, _width(north)) / 2, y0 + b * 1.2
    items.append(Path(((ax, ay), (ax + aw / 2, ay + ah), (ax, ay + ah * 0.72), (ax - aw / 2, ay + ah)),
                      fill=ink, closed=True))
    nw = _width(north)
    items.extend(north.moved(ax - nw / 2, ay + ah + b * 0.35))
    north_box = (ax - max(aw, nw) / 2 - b * 0.3, ay - b * 0.3,
                 ax + max(aw, nw) / 2 + b * 0.3, ay + ah + b * 0.35 + north.height + b * 0.3)
    return (scale_box, north_box), items, km, length


def _context(items: list[Item], names: list[Item], data: MapData, proj: Projection, box: Box,
             bases: Bases, style: Style, taken: list[Box]) -> list[Box]:
    """Districts, parks, water and the schematic river, clipped to the frame, onto
    ``items``; their names onto ``names`` (district names only where they fit).
    Returns the boxes of the names."""
    b = bases.body
    tol = b * 0.04
    palette = style.palette
    water = palette.get("water", style.color("tint_deep"))
    park = palette.get("park", style.color("paper"))
    outlines: list[Item] = []
    district_names: list[tuple[str, list]] = []
    lines: list[tuple[str, list]] = []
    for f in data.features:
        for poly in f.polygons:
            rings = [simplify([proj(*p) for p in ring] + [proj(*ring[0])], tol)[:-1] for ring in poly]
            outer = clip_polygon(rings[0], box)
            if not outer:
                continue
            holes = tuple(tuple(c) for c in (clip_polygon(hr, box) for hr in rings[1:]) if c)
            if f.kind == "district":  # white boundaries on the tint; the name inside
                for ring in rings:
                    for run in clip_polyline(ring + [ring[0]], box):
                        outlines.append(Path(tuple(run), stroke=style.color("paper"),
                                             stroke_width=b * 0.16))
                if f.name:
                    district_names.append((f.name, outer))
            else:
                items.append(Path(tuple(outer), fill=water if f.kind == "water" else park,
                                  closed=True, holes=holes))
                if f.kind == "park":  # open ground, edged in the water's blue
                    for ring in rings:
                        for run in clip_polyline(ring + [ring[0]], box):
                            items.append(Path(tuple(run), stroke=water, stroke_width=b * 0.1))
        for line in f.lines:
            pts = simplify([proj(*p) for p in line], tol)
            width = b * 1.2
            half = width / 2
            inset = (box[0] + half, box[1] + half, box[2] - half, box[3] - half)
            runs = clip_polyline(pts, inset)
            for run in runs:
                items.append(Path(tuple(run), stroke=water, stroke_width=width))
            if f.name and runs:
                lines.append((f.name, runs))
    items += outlines
    if len(data.river) >= 2:  # the schematic river of locations.toml: a smooth curve
        width = b * 2.2
        half = width / 2
        inset = (box[0] + half, box[1] + half, box[2] - half, box[3] - half)
        pts = [proj(a, o) for a, o in data.river]
        runs = clip_curve(pts[0], catmull_rom(pts), inset)
        for start, segs in runs:
            items.append(Path((start,), stroke=style.color("tint_deep"), stroke_width=width,
                              segments=segs))
        if data.river_name and runs:
            lines.append((data.river_name, [[a] + [s[-1] for s in segs] for a, segs in runs]))
    placed: list[Box] = []
    name_ts = _ts(style, "locator_water", "map_label")
    named: set[str] = set()
    for name, runs in lines:  # a river's name beside its course, where it is free; once
        if name in named:
            continue
        block = _line(name, name_ts, bases, style)
        wdt, hgt = _width(block), block.height
        pts = [p for run in runs for p in run]
        for k in (0.3, 0.7, 0.5, 0.15, 0.85):
            px, py = pts[int(k * (len(pts) - 1))]
            spot = next((s for s in _around(px, py, b * 1.6, wdt, hgt)[:2] if contains(box, s)
                         and _free(s, taken + placed, b * 0.4)), None)
            if spot:
                placed.append(spot)
                named.add(name)
                names.extend(block.moved(spot[0], spot[1]))
                break
    district_ts = _ts(style, "locator_district", "map_label")
    for name, ring in sorted(district_names, key=lambda d: -ring_area(d[1])):
        block = _line(name, district_ts, bases, style)
        wdt, hgt = _width(block), block.height
        cx, cy = ring_centroid(ring)
        spot = (cx - wdt / 2, cy - hgt / 2, cx + wdt / 2, cy + hgt / 2)
        corners = [(spot[0], spot[1]), (spot[2], spot[1]), (spot[0], spot[3]), (spot[2], spot[3])]
        if (contains(box, spot) and all(point_in_ring(c, ring) for c in corners)
                and _free(spot, taken + placed, b * 0.4)):
            placed.append(spot)
            names.extend(block.moved(spot[0], spot[1]))
    return placed


def _rings(proj: Projection, centre, reach: float, box: Box, bases: Bases, style: Style,
           taken: list[Box], placed: list[Box]) -> list[Item]:
    """Dashed circles at round distances from this stand, labelled where free."""
    b = bases.body
    cx, cy = centre
    far = max(math.dist(centre, c) for c in ((box[0], box[1]), (box[2], box[1]),
                                              (box[0], box[3]), (box[2], box[3])))
    reach_km = max(reach, b * 8) / proj.mm_per_km
    steps = [m * 10.0 ** e for e in range(-2, 4) for m in (1, 2, 2.5, 5)]
    step = min(steps, key=lambda v: abs(reach_km / v - 3))  # about three rings reach the farthest
    far = min(far, reach + step * proj.mm_per_km)
    items: list[Item] = []
    ts = _ts(style, "locator_label", "map_label")
    k = 1
    while k * step * proj.mm_per_km < far and k <= 12:
        radius = k * step * proj.mm_per_km
        start, segs = circle_segments(cx, cy, radius)
        for a, run in clip_curve(start, segs, box):
            items.append(Path((a,), stroke=style.color("paper"), stroke_width=b * 0.12,
                              dash=(b * 0.5, b * 0.35), segments=run))
        block = _line(f"{k * step:g}\u00a0км".replace(".", ","), ts, bases, style,
                      style.color("muted"))
        wdt, hgt = _width(block), block.height
        for angle in (-60, -120, 60, 120, -30, -150, 30, 150):
            a = math.radians(angle)
            px, py = cx + radius * math.cos(a), cy + radius * math.sin(a)
            spot = (px - wdt / 2, py - hgt / 2, px + wdt / 2, py + hgt / 2)
            if contains(box, spot) and _free(spot, taken + placed, b * 0.4):
                placed.append(spot)
                items.append(Rect(spot[0] - b * 0.2, spot[1], wdt + b * 0.4, hgt,
                                  fill=style.color("tint"), radius=b * 0.2))
                items.extend(block.moved(spot[0], spot[1]))
                break
        k += 1
    return items
