"""The locator: a schematic map of all stands and the list of their addresses.

The map projects latitude/longitude equirectangularly (x scaled by the cosine
of the mean latitude), which is true enough across one city. It shows the
river as a landmark, every stand as a numbered dot, and this stand marked
«Ви тут».
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .fit import fit_block, fit_display
from .frame import Circle, Item, Path, Rect, Text
from .templates import ItemSpec

if TYPE_CHECKING:
    from .context import Layout as _Layout

HERE = "Ви тут"


def _projector(points, x, y, w, h, pad):
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    minx, maxx = min(lons) * k, max(lons) * k
    miny, maxy = min(lats), max(lats)
    sx = (w - 2 * pad) / max(maxx - minx, 1e-9)
    sy = (h - 2 * pad) / max(maxy - miny, 1e-9)
    s = min(sx, sy)
    ox = x + (w - (maxx - minx) * s) / 2
    oy = y + (h - (maxy - miny) * s) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return ox + (lon * k - minx) * s, oy + (maxy - lat) * s

    project.km = s / (111.32 * 1.0)  # mm per km along a meridian (1° of latitude ≈ 111.32 km)
    return project


def _smooth(pts: list[tuple[float, float]], step: float) -> list[tuple[float, float]]:
    """Points along a Catmull–Rom curve through ``pts``, about ``step`` mm apart."""
    if len(pts) < 3:
        return pts
    out = [pts[0]]
    for i in range(len(pts) - 1):
        p0 = pts[i - 1] if i else pts[i]
        p1, p2 = pts[i], pts[i + 1]
        p3 = pts[i + 2] if i + 2 < len(pts) else p2
        n = max(2, int(math.dist(p1, p2) / step))
        for k in range(1, n + 1):
            t = k / n
            t2, t3 = t * t, t * t * t
            out.append(tuple(0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t
                                    + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                                    + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3)
                             for j in (0, 1)))
    return out


def _runs_inside(pts, box) -> list[list[tuple[float, float]]]:
    """The stretches of a dense polyline that lie inside ``box`` (x0, y0, x1, y1)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for px, py in pts:
        if box[0] <= px <= box[2] and box[1] <= py <= box[3]:
            runs[-1].append((px, py))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) > 1]


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def layout_map(lay: _Layout, spec: ItemSpec) -> list[Item]:
    x, y, w, h = lay.rect(spec)
    st = lay.style
    here = lay.inp.stand.location
    locs = lay.inp.locations
    body = lay.bases.body
    items: list[Item] = [Rect(x, y, w, h, fill=st.color("tint"))]
    r = body * 1.05  # dot radius: its number is set at body size
    project = _projector([(l.lat, l.lon) for l in locs], x, y, w, h, pad=r * 4.5)
    river = lay.inp.map.river
    if river:
        stroke = body * 2.2
        pts = _smooth([project(a, b) for a, b in river], step=body)
        half = stroke / 2
        inside = (x + half, y + half, x + w - half, y + h - half)
        for run in _runs_inside(pts, inside):
            items.append(Path(tuple(run), stroke=st.color("tint_deep"), stroke_width=stroke))
        visible = [p for p in pts if inside[0] <= p[0] <= inside[2] and inside[1] <= p[1] <= inside[3]]
        if lay.inp.map.river_name and visible:
            name = fit_block([lay.inp.map.river_name], st.text["map_label"], w * 0.3, h,
                             lay.bases, st, color=st.color("brand"))
            mx, my = visible[len(visible) // 4]
            items.extend(name.moved(mx + stroke, my))
    numeral = st.text["numeral"]
    for loc in locs:
        cx, cy = project(loc.lat, loc.lon)
        mine = loc.id == here.id
        rr = r * (1.35 if mine else 1.0)
        items.append(Circle(cx, cy, rr, fill=st.color("accent" if mine else "brand"),
                            stroke=st.color("paper"), stroke_width=body * 0.18))
        num = fit_display(str(loc.number), numeral, rr * 1.1, rr * 0.95, st,
                          color=st.color("ink" if mine else "paper"))
        t = num.lines[0]
        items.append(Text(cx - t.width / 2, cy + t.y / 2, t.text, t.font, t.size, t.color,
                          t.advances))
    # «Ви тут» callout beside this stand's dot, on the side with more room
    cx, cy = project(here.lat, here.lon)
    label = fit_block([HERE], st.text["band"], w * 0.4, h, lay.bases, st, color=st.color("paper"))
    lw = max(t.width for t in label.lines) + body * 1.2
    lh = label.height + body * 0.9
    left = cx > x + w / 2
    bx = cx - r * 1.35 - body * 0.6 - lw if left else cx + r * 1.35 + body * 0.6
    by = cy - lh / 2
    items.append(Rect(bx, by, lw, lh, fill=st.color("brand_deep"), radius=body * 0.3))
    items.extend(label.moved(bx + body * 0.6, by + body * 0.45))
    # names beside the other dots where they fit without touching anything
    taken = [(bx, by, bx + lw, by + lh)]
    taken += [(px - r * 1.4, py - r * 1.4, px + r * 1.4, py + r * 1.4)
              for px, py in (project(l.lat, l.lon) for l in locs)]
    name_style = st.text["map_label"]
    for loc in locs:
        if loc.id == here.id:
            continue
        px, py = project(loc.lat, loc.lon)
        block = fit_block([loc.short_name], name_style, w * 0.3, h, lay.bases, st)
        tw = max(t.width for t in block.lines)
        for side in (1, -1):
            lx = px + r * 1.6 if side > 0 else px - r * 1.6 - tw
            ly = py - block.height / 2
            box = (lx, ly, lx + tw, ly + block.height)
            inside = box[0] >= x + body and box[2] <= x + w - body and box[1] >= y and box[3] <= y + h
            own = (px - r * 1.4, py - r * 1.4, px + r * 1.4, py + r * 1.4)
            if inside and not any(_overlaps(box, t) for t in taken if t != own):
                items.extend(block.moved(lx, ly))
                taken.append(box)
                break
    items.extend(_scale_bar(lay, project.km, x, y, w, h))
    return items


def _scale_bar(lay: _Layout, mm_per_km: float, x: float, y: float, w: float, h: float) -> list[Item]:
    """A bar of a round number of kilometres in the lower-left corner, and «Пн» with an arrow."""
    st = lay.style
    body = lay.bases.body
    km = next(k for k in (1, 2, 5, 10, 20) if k * mm_per_km >= w * 0.12)
    length = km * mm_per_km
    bx, by = x + body * 1.5, y + h - body * 1.6
    items: list[Item] = [Rect(bx, by, length, body * 0.25, fill=st.color("brand"))]
    label = fit_block([f"{km}\u00a0км"], st.text["map_label"], w * 0.2, h, lay.bases, st)
    items.extend(label.moved(bx, by - body * 0.5 - label.height))
    ax, ay = x + w - body * 2.2, y + body * 1.5
    items.append(Path(((ax - body * 0.7, ay + body * 2.2), (ax, ay), (ax + body * 0.7, ay + body * 2.2)),
                      stroke=st.color("brand"), stroke_width=body * 0.22))
    north = fit_block(["Пн"], st.text["map_label"], w * 0.2, h, lay.bases, st)
    t = north.lines[0]
    items.extend(north.moved(ax - t.width / 2, ay + body * 2.6))
    return items


def layout_locations(lay: _Layout, spec: ItemSpec) -> list[Item]:
    """The numbered list of every stand: name and address; this one highlighted."""
    x, y, w, h = lay.rect(spec)
    st = lay.style
    cols = int(spec.options.get("cols", 2))
    gap = w * 0.05
    cw = (w - gap * (cols - 1)) / cols
    locs = lay.inp.locations
    per_col = -(-len(locs) // cols)
    here = lay.inp.stand.location.id
    plain = st.text[spec.options.get("style", "list")]
    strong = st.text[spec.options.get("here_style", "list_here")]
    items: list[Item] = []
    # all entries share one size: the largest at which the longest column fits
    for scale in (2.0, 1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.95, 0.9, 0.85, 0.8):
        size = max(plain.min, plain.size * scale) * lay.bases.of(plain.role)
        r = size * 0.6  # the number's disc, centred on the first line's x-height
        indent = 2 * r + size * 0.5
        space = size * 0.45
        items = []
        ok = True
        for c in range(cols):
            ty = y
            for loc in locs[c * per_col:(c + 1) * per_col]:
                mine = loc.id == here
                ts = strong if mine else plain
                text = f"{loc.name}. {loc.address}" + (f" — {HERE}" if mine else "")
                block = fit_block([text], ts, cw - indent, h, lay.bases, st, scale)
                cx = x + c * (cw + gap)
                cy = ty + size * 0.45
                items.append(Circle(cx + r, cy, r, fill=st.color("accent" if mine else "brand")))
                num = fit_display(str(loc.number), st.text["numeral"], r * 1.05, r * 0.9, st,
                                  color=st.color("ink" if mine else "paper"))
                t = num.lines[0]
                items.append(Text(cx + r - t.width / 2, cy + t.y / 2, t.text, t.font,
                                  t.size, t.color, t.advances))
                items.extend(block.moved(cx + indent, ty))
                ty += max(block.height, r * 2) + space
            if ty - space > y + h + 1e-6:
                ok = False
        if ok:
            return items
    from ..errors import FitError, Problem

    raise FitError("the list of locations does not fit", [Problem(
        "the list of locations is longer than its frame at the minimum legible size",
        spec.where, hint="give the locations item more room in the template")])
