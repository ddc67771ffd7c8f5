"""The box vocabulary every backend draws: finished, positioned, in mm.

Coordinates are millimetres from the top-left corner of the TRIM, y downward
(the way a designer measures); items may extend into the bleed (negative
coordinates, or past the trim size). Backends convert to their own space and
never measure text or make a layout decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CMYK = tuple[float, float, float, float]  # percentages


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_width: float = 0.0
    radius: float = 0.0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_width: float = 0.0


Point = tuple[float, float]
Segment = tuple[Point, ...]  # (end,): a straight line; (c1, c2, end): a cubic Bézier


@dataclass(frozen=True)
class Path:
    """A line or a shape in its final geometry: backends draw it as it is.

    It starts at ``points[0]``; with ``segments`` it runs through them (each a
    straight line or a cubic Bézier with explicit control points), else
    straight through ``points[1:]``. ``holes`` are further closed straight
    rings of the same shape (an island in a lake), filled even-odd.
    """

    points: tuple[Point, ...]
    stroke: CMYK | None = None
    stroke_width: float = 0.0
    fill: CMYK | None = None
    closed: bool = False
    dash: tuple[float, ...] = ()
    segments: tuple[Segment, ...] = ()
    holes: tuple[tuple[Point, ...], ...] = ()


def catmull_rom(points: tuple[Point, ...] | list[Point]) -> tuple[Segment, ...]:
    """The uniform Catmull–Rom curve through ``points`` as cubic Bézier segments
    (from ``points[0]``); the end tangents use the end points themselves."""
    pts = [(float(x), float(y)) for x, y in points]
    out: list[Segment] = []
    for i in range(len(pts) - 1):
        p0 = pts[i - 1] if i else pts[i]
        p1, p2 = pts[i], pts[i + 1]
        p3 = pts[i + 2] if i + 2 < len(pts) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out.append((c1, c2, p2))
    return tuple(out)


def bezier_point(p0: Point, seg: Segment, t: float) -> Point:
    """The point at ``t`` (0..1) of the segment ``seg`` that starts at ``p0``."""
    if len(seg) == 1:
        return (p0[0] + (seg[0][0] - p0[0]) * t, p0[1] + (seg[0][1] - p0[1]) * t)
    (c1, c2, p3), u = seg, 1 - t
    return tuple(u ** 3 * p0[j] + 3 * u * u * t * c1[j] + 3 * u * t * t * c2[j] + t ** 3 * p3[j]
                 for j in (0, 1))  # type: ignore[return-value]


def split_segment(p0: Point, seg: Segment, t: float) -> tuple[Segment, Segment]:
    """``seg`` (starting at ``p0``) cut at ``t`` into two segments (de Casteljau)."""
    mid = bezier_point(p0, seg, t)
    if len(seg) == 1:
        return (mid,), seg

    def lerp(a: Point, b: Point) -> Point:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    c1, c2, p3 = seg
    a, b, c = lerp(p0, c1), lerp(c1, c2), lerp(c2, p3)
    d, e = lerp(a, b), lerp(b, c)
    return (a, d, mid), (e, c, p3)


@dataclass(frozen=True)
class Text:
    """One line of text, already broken, justified and kerned.

    ``advances`` holds one advance per character in mm (stretched word
    spaces included), so every backend puts every glyph at the same place.
    """

    x: float
    y: float  # baseline
    text: str
    font: str  # key into the document's font table
    size: float  # mm (em size)
    color: CMYK
    advances: tuple[float, ...]
    overprint: bool = False

    @property
    def width(self) -> float:
        return sum(self.advances)


@dataclass(frozen=True)
class Image:
    x: float
    y: float
    w: float
    h: float
    source: str  # path of the photo; the render stage prepares its pixels
    focus: tuple[float, float] = (0.5, 0.5)
    label: str = ""  # case id, for warnings


@dataclass(frozen=True)
class QR:
    """A QR code drawn from its module matrix (quiet zone included)."""

    x: float
    y: float
    size: float  # mm, quiet zone included
    modules: tuple[str, ...]  # rows of "1"/"0"
    color: CMYK
    background: CMYK | None
    data: str  # the encoded text, for the preflight


Item = Rect | Circle | Path | Text | Image | QR


@dataclass(frozen=True)
class Page:
    """One panel face: trim size, bleed, and the items in paint order."""

    width: float
    height: float
    bleed: float
    items: tuple[Item, ...]
    fonts: dict[str, str] = field(default_factory=dict, compare=False)  # key → file path
    title: str = ""
    slug: str = ""  # the slug line printed outside the trim
    slug_text: tuple[Text, ...] = ()  # the slug line as layout set and placed it (below the marks)
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    unit: float = 1.0  # the PDF is drawn at 1/unit (oversize formats); see Format.page_unit
    marks: tuple[str, ...] = ("crop",)  # printer's marks: crop, registration, colour_bar
