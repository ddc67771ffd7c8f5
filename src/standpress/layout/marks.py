"""Printer's marks: where they go, in mm, relative to the trim.

Crop marks start ``MARK_GAP`` outside the bleed (never touching it) and run
``length`` mm outwards; the slug line sits below the bottom marks. The page's
MediaBox is the trim plus ``margin`` on every side. Layout places them (and
sets the slug line, :func:`slug_line`); the PDF backend only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .frame import Text

if TYPE_CHECKING:
    from .templates import Style

MARK_GAP = 3.0  # mm between the bleed edge and a crop mark
SLUG_SIZE = 2.6  # mm em size of the slug text (read by the printer, close up)


@dataclass(frozen=True)
class MarkGeometry:
    bleed: float
    length: float  # crop mark length, mm
    margin: float  # from the trim to the media edge, mm

    @property
    def start(self) -> float:
        """Distance from the trim to where a crop mark begins."""
        return self.bleed + MARK_GAP


def mark_geometry(bleed: float, trim_short_side: float) -> MarkGeometry:
    length = 10.0 if trim_short_side >= 400 else 6.0
    return MarkGeometry(bleed=bleed, length=length,
                        margin=bleed + MARK_GAP + length + SLUG_SIZE * 2.2)


def crop_mark_lines(w: float, h: float, g: MarkGeometry) -> list[tuple[float, float, float, float]]:
    """Segments (x0, y0, x1, y1) in trim mm, y downward: two per corner."""
    s, e = g.start, g.start + g.length
    lines = []
    for cx, sx in ((0.0, -1), (w, 1)):
        for cy, sy in ((0.0, -1), (h, 1)):
            lines.append((cx + sx * s, cy, cx + sx * e, cy))  # horizontal, on the trim line
            lines.append((cx, cy + sy * s, cx, cy + sy * e))  # vertical
    return lines


def registration_targets(w: float, h: float, g: MarkGeometry) -> list[tuple[float, float, float]]:
    """(cx, cy, r) of a target at the middle of each side, outside the bleed."""
    d = g.start + g.length / 2
    r = min(4.0, g.length / 2.5)
    return [(w / 2, -d, r), (w / 2, h + d, r), (-d, h / 2, r), (w + d, h / 2, r)]


COLOUR_BAR = (
    (100, 0, 0, 0), (0, 100, 0, 0), (0, 0, 100, 0), (0, 0, 0, 100),
    (50, 0, 0, 0), (0, 50, 0, 0), (0, 0, 50, 0), (0, 0, 0, 50),
    (100, 100, 0, 0), (0, 100, 100, 0), (100, 0, 100, 0), (0, 0, 0, 0),
)


def colour_bar(w: float, g: MarkGeometry) -> list[tuple[float, float, float, tuple]]:
    """(x, y, size, cmyk%) patches along the top, between the crop marks, outside the bleed."""
    size = min(6.0, g.length * 0.6)
    y = -(g.start + size + 1.0)
    x = g.start + g.length + 5.0
    return [(x + i * size, y, size, cmyk) for i, cmyk in enumerate(COLOUR_BAR)
            if x + (i + 1) * size < w / 2 - g.length]


SLUG_COLOUR = (0.0, 0.0, 0.0, 100.0)


def slug_line(text: str, width: float, height: float, bleed: float, style: Style) -> tuple[Text, ...]:
    """The slug ``text`` set in the regular font at ``SLUG_SIZE``, placed below the
    bottom-left crop mark of a ``width`` × ``height`` trim (one item per font run)."""
    if not text:
        return ()
    g = mark_geometry(bleed, min(width, height))
    key = "regular" if "regular" in style.fonts else next(iter(style.fonts))
    font = style.stack(key)
    advances = [a * SLUG_SIZE for a in font.advances(text)]
    x, y = 4.0, height + g.start + g.length * 0.6
    out = []
    for f, start, end in font.runs(text):
        out.append(Text(x, y, text[start:end], f.key, SLUG_SIZE, SLUG_COLOUR,
                        tuple(advances[start:end])))
        x += sum(advances[start:end])
    return tuple(out)
