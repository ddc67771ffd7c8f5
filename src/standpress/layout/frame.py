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


@dataclass(frozen=True)
class Path:
    points: tuple[tuple[float, float], ...]
    stroke: CMYK | None = None
    stroke_width: float = 0.0
    fill: CMYK | None = None
    closed: bool = False
    smooth: bool = False  # drawn as a Catmull-Rom curve through the points
    dash: tuple[float, ...] = ()


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
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    unit: float = 1.0  # the PDF is drawn at 1/unit (oversize formats); see Format.page_unit
    marks: tuple[str, ...] = ("crop",)  # printer's marks: crop, registration, colour_bar
