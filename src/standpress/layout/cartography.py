"""Map geometry for the locator: projection, clipping to the map frame, simplification.

Pure functions on millimetre coordinates (y downward). The projection is
equirectangular with x scaled by the cosine of a reference latitude: across
one city (tens of km) its distortion stays far under a printed line width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .frame import Point, Segment, bezier_point, split_segment

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def meridian_km_per_degree(lat: float) -> float:
    """Length of one degree of latitude at ``lat`` on the WGS 84 ellipsoid, km."""
    p = math.radians(lat)
    return (111132.954 - 559.822 * math.cos(2 * p) + 1.175 * math.cos(4 * p)) / 1000


def parallel_km_per_degree(lat: float) -> float:
    """Length of one degree of longitude at ``lat`` on the WGS 84 ellipsoid, km."""
    p = math.radians(lat)
    return (111412.84 * math.cos(p) - 93.5 * math.cos(3 * p) + 0.118 * math.cos(5 * p)) / 1000


@dataclass(frozen=True)
class Projection:
    """(lat, lon) → mm on the page: ``mm_per_km`` millimetres per kilometre of ground
    both ways, true at latitude ``lat0``; the point (lat0, lon0) lands on (x0, y0)."""

    lat0: float
    lon0: float
    x0: float
    y0: float
    mm_per_km: float

    def __call__(self, lat: float, lon: float) -> Point:
        kx = parallel_km_per_degree(self.lat0) * self.mm_per_km
        ky = meridian_km_per_degree(self.lat0) * self.mm_per_km
        return self.x0 + (lon - self.lon0) * kx, self.y0 - (lat - self.lat0) * ky

    def scaled(self, factor: float) -> Projection:
        """The same centre, ``factor`` times the scale."""
        return Projection(self.lat0, self.lon0, self.x0, self.y0, self.mm_per_km * factor)


def fit_projection(points: list[tuple[float, float]], box: Box, least_km: float = 1.0) -> Projection:
    """The projection that fits ``points`` (lat, lon) into ``box`` centred, with
    north up; an extent under ``least_km`` (one point) is widened to it."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat0 = (min(lats) + max(lats)) / 2
    lon0 = (min(lons) + max(lons)) / 2
    dx = max((max(lons) - min(lons)) * parallel_km_per_degree(lat0), least_km)
    dy = max((max(lats) - min(lats)) * meridian_km_per_degree(lat0), least_km)
    w, h = box[2] - box[0], box[3] - box[1]
    s = min(w / dx, h / dy)
    return Projection(lat0, lon0, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, s)


def inside(p: Point, box: Box) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def contains(outer: Box, b: Box) -> bool:
    return outer[0] <= b[0] and outer[1] <= b[1] and b[2] <= outer[2] and b[3] <= outer[3]


def clip_curve(start: Point, segments: tuple[Segment, ...], box: Box,
               samples: int = 24) -> list[tuple[Point, tuple[Segment, ...]]]:
    """The runs of a path (lines and Béziers from ``start``) that lie inside ``box``:
    each ``(start, segments)``, every segment cut exactly where it crosses the edge."""
    runs: list[tuple[Point, list[Segment]]] = []
    current: list[Segment] | None = None
    p0 = start
    for seg in segments:
        ts = _crossings(p0, seg, box, samples)
        pieces: list[tuple[Point, Segment]] = []
        rest, at, t_prev = seg, p0, 0.0
        for t in ts:  # cut at each crossing, rescaling t to the rest of the segment
            local = (t - t_prev) / (1 - t_prev)
            head, rest = split_segment(at, rest, local)
            pieces.append((at, head))
            at, t_prev = head[-1], t
        pieces.append((at, rest))
        for a, piece in pieces:
            mid = bezier_point(a, piece, 0.5)
            if inside(mid, box):
                if current is None:
                    current = []
                    runs.append((a, current))
                current.append(piece)
            else:
                current = None
        p0 = seg[-1]
    return [(a, tuple(s)) for a, s in runs if s]


def _crossings(p0: Point, seg: Segment, box: Box, samples: int) -> list[float]:
    """Parameters where the segment enters or leaves ``box`` (bisected to 1e-7)."""
    if len(seg) == 1:
        return _line_crossings(p0, seg[0], box)
    out = []
    prev_t, prev_in = 0.0, inside(p0, box)
    for k in range(1, samples + 1):
        t = k / samples
        now = inside(bezier_point(p0, seg, t), box)
        if now != prev_in:
            lo, hi = prev_t, t
            for _ in range(30):
                m = (lo + hi) / 2
                if inside(bezier_point(p0, seg, m), box) == prev_in:
                    lo = m
                else:
                    hi = m
            out.append((lo + hi) / 2)
        prev_t, prev_in = t, now
    return [t for t in out if 1e-9 < t < 1 - 1e-9]


def _line_crossings(a: Point, b: Point, box: Box) -> list[float]:
    ts = []
    for axis, edge in ((0, box[0]), (0, box[2]), (1, box[1]), (1, box[3])):
        d = b[axis] - a[axis]
        if abs(d) < 1e-12:
            continue
        t = (edge - a[axis]) / d
        if 1e-9 < t < 1 - 1e-9:
            p = bezier_point(a, (b,), t)
            other = 1 - axis
            lo, hi = (box[0], box[2]) if other == 0 else (box[1], box[3])
            if lo - 1e-9 <= p[other] <= hi + 1e-9:
                ts.append(t)
    return sorted(set(ts))


def clip_polyline(points: list[Point], box: Box) -> list[list[Point]]:
    """The runs of a straight polyline inside ``box``, cut exactly at its edges."""
    if len(points) < 2:
        return []
    segs = tuple((p,) for p in points[1:])
    return [[a] + [s[0] for s in run] for a, run in clip_curve(points[0], segs, box)]


def clip_polygon(ring: list[Point], box: Box) -> list[Point]:
    """A closed ring clipped to ``box`` (Sutherland–Hodgman): the part of the area inside."""
    out = list(ring)
    for axis, edge, keep_low in ((0, box[0], False), (0, box[2], True),
                                 (1, box[1], False), (1, box[3], True)):
        if not out:
            break
        src, out = out, []
        for i, cur in enumerate(src):
            prev = src[i - 1]
            cin = cur[axis] <= edge if keep_low else cur[axis] >= edge
            pin = prev[axis] <= edge if keep_low else prev[axis] >= edge
            if cin != pin:
                t = (edge - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + (cur[0] - prev[0]) * t, prev[1] + (cur[1] - prev[1]) * t))
            if cin:
                out.append(cur)
    return out if len(out) >= 3 else []


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: drop vertices closer than ``tolerance`` mm to the line kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            d = (abs(dy * (px - ax) - dx * (py - ay)) / norm) if norm else math.hypot(px - ax, py - ay)
            if d > best:
                best, at = d, k
        if best > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(points, keep) if k]


def ring_area(ring: list[Point]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1]))) / 2


def ring_centroid(ring: list[Point]) -> Point:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * a), cy / (3 * a)


def point_in_ring(p: Point, ring: list[Point]) -> bool:
    x, y = p
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def circle_segments(cx: float, cy: float, r: float) -> tuple[Point, tuple[Segment, ...]]:
    """A circle as four cubic Béziers, from its top point clockwise (y down)."""
    k = 0.5522847498 * r
    top, right, bottom, left = (cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)
    return top, (((cx + k, cy - r), (cx + r, cy - k), right),
                 ((cx + r, cy + k), (cx + k, cy + r), bottom),
                 ((cx - k, cy + r), (cx - r, cy + k), left),
                 ((cx - r, cy - k), (cx - k, cy - r), top))


def nice_step(x: float) -> float:
    """The round number (1, 2, 2.5, 5 × 10ⁿ) at or below ``x``."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    return max(m * e for m in (1, 2, 2.5, 5) if m * e <= x * (1 + 1e-9))
