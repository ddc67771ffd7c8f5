"""The index page's schematic map: where each pin, label, grid line and the river go.

Pure geometry in SVG pixels (the map is ``width`` × ``height``, y down); the markup is
``templates/_map.html``. Stands without coordinates are left off the map (the list
beside it names every stand).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .data import Stand

__all__ = ["Label", "MapView", "Pin", "map_view"]

WIDTH = 480.0
PIN_R = 11.0  # radius of a numbered marker
FONT, CHAR = 11.0, 6.3  # label font size and the width of an average character, px


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float
    anchor: str  # SVG text-anchor: "start", "end" or "middle"


@dataclass(frozen=True)
class Pin:
    stand: Stand
    x: float  # where the marker is drawn
    y: float
    true_x: float  # where the stand is (markers too close are pushed apart)
    true_y: float
    label: Label | None  # none when no place around the marker is free

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.true_x, self.y - self.true_y) > 2


@dataclass(frozen=True)
class MapView:
    width: float
    height: float
    grid: str  # path data, one line per scale-bar step
    river: str | None  # path data
    river_label: Label | None
    pins: tuple[Pin, ...]
    pin_r: float
    bar_px: float  # the scale bar's length…
    bar_km: float  # …and what it stands for


def _label_box(x: float, y: float, w: float, h: float,
               anchor: str) -> tuple[float, float, float, float]:
    if anchor == "start":
        return x, y - h / 2, x + w, y + h / 2
    if anchor == "end":
        return x - w, y - h / 2, x, y + h / 2
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def _overlap(a, b, pad: float = 2) -> bool:
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0]
                or a[3] + pad <= b[1] or b[3] + pad <= a[1])


def _nice_km(km: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if step >= km:
            return step
    return 1000


def _steps(length: float, step: float) -> list[float]:
    """Grid positions ``step`` apart, centred in ``length``."""
    n = int(length // step)
    start = (length - n * step) / 2
    return [start + i * step for i in range(n + 1)]


def _spread(true: list[tuple[float, float]], W: float, H: float) -> list[list[float]]:
    """Marker positions, pushed apart so that numbers never sit on each other."""
    r = PIN_R
    pos = [list(q) for q in true]
    for _ in range(80):
        moved = False
        for i in range(len(pos)):
            for j in range(i + 1, len(pos)):
                dx, dy = pos[j][0] - pos[i][0], pos[j][1] - pos[i][1]
                dist = math.hypot(dx, dy)
                need = 2 * r + 3
                if dist < need:
                    if dist < 1e-6:
                        dx, dy, dist = 1.0, 0.0, 1.0
                    push = (need - dist) / 2 + 0.01
                    ux, uy = dx / dist, dy / dist
                    pos[i][0] -= ux * push
                    pos[i][1] -= uy * push
                    pos[j][0] += ux * push
                    pos[j][1] += uy * push
                    moved = True
        for q in pos:
            q[0] = min(max(q[0], r + 4), W - r - 4)
            q[1] = min(max(q[1], r + 4), H - r - 4)
        if not moved:
            break
    return pos


def _labels(stands: list[Stand], pos: list[list[float]], W: float, H: float) -> list[Label | None]:
    """Right, left, below or above each marker; none when no place is free."""
    r = PIN_R
    taken = [(x - r, y - r, x + r, y + r) for x, y in pos]
    taken.append((W - 70, H - 40, W, H))  # scale bar and north arrow corner
    taken.append((W - 40, 0, W, 46))
    labels: list[Label | None] = []
    for s, (x, y) in zip(stands, pos):
        w = CHAR * len(s.short_name) + 2
        chosen = None
        for anchor, lx, ly in (("start", x + r + 4, y), ("end", x - r - 4, y),
                               ("middle", x, y + r + 10), ("middle", x, y - r - 10)):
            box = _label_box(lx, ly, w, FONT + 2, anchor)
            if box[0] < 4 or box[2] > W - 4 or box[1] < 4 or box[3] > H - 4:
                continue
            if any(_overlap(box, b) for b in taken):
                continue
            taken.append(box)
            chosen = Label(s.short_name, lx, ly, anchor)
            break
        labels.append(chosen)
    return labels


def map_view(stands: tuple[Stand, ...], river: tuple[tuple[float, float], ...] = (),
             river_name: str = "") -> MapView | None:
    """The map of the stands with coordinates; ``None`` when no stand has any."""
    placed = [s for s in stands if s.lat is not None and s.lon is not None]
    if not placed:
        return None
    lat0 = sum(s.lat for s in placed) / len(placed)
    k = math.cos(math.radians(lat0))

    def proj(lat: float, lon: float) -> tuple[float, float]:
        return lon * k, -lat

    xy = [proj(s.lat, s.lon) for s in placed]
    x0, x1 = min(x for x, _ in xy), max(x for x, _ in xy)
    y0, y1 = min(y for _, y in xy), max(y for _, y in xy)
    span = max(x1 - x0, y1 - y0, 0.01)
    pad = 0.16 * span
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    W = WIDTH
    ppu = W / (x1 - x0)
    H = (y1 - y0) * ppu
    if H < 300:  # keep the frame from getting too flat: widen the latitude range
        extra = (300 - H) / ppu / 2
        y0, y1, H = y0 - extra, y1 + extra, 300.0
    elif H > 560:
        extra = (H / 560 * W - W) / ppu / 2
        x0, x1 = x0 - extra, x1 + extra
        ppu = W / (x1 - x0)
        H = (y1 - y0) * ppu

    def px(lat: float, lon: float) -> tuple[float, float]:
        x, y = proj(lat, lon)
        return (x - x0) * ppu, (y - y0) * ppu

    # a faint grid, one line per scale-bar step, so the frame reads as a map
    km_per_px = 111.32 / ppu
    km = _nice_km(km_per_px * W / 5)
    step = km / km_per_px
    grid = [f"M{gx:.1f} 0 V{H:.0f}" for gx in _steps(W, step)]
    grid += [f"M0 {gy:.1f} H{W:.0f}" for gy in _steps(H, step)]

    river_d, river_label = None, None
    rpts = [px(a, b) for a, b in river]
    if len(rpts) >= 2:
        river_d = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in rpts)
        inside = [p for p in rpts if 20 < p[0] < W - 60 and 30 < p[1] < H - 30]
        if river_name and inside:
            rx, ry = inside[len(inside) // 2]
            river_label = Label(river_name, rx + 10, ry, "start")

    true = [px(s.lat, s.lon) for s in placed]
    pos = _spread(true, W, H)
    labels = _labels(placed, pos, W, H)
    pins = tuple(Pin(s, x, y, tx, ty, label)
                 for s, (x, y), (tx, ty), label in zip(placed, pos, true, labels))
    return MapView(width=W, height=H, grid=" ".join(grid), river=river_d,
                   river_label=river_label, pins=pins, pin_r=PIN_R, bar_px=step, bar_km=km)
