"""Printer's marks: where they go, in mm, relative to the trim.

Crop marks start ``MARK_GAP`` outside the bleed (never touching it) and run
``length`` mm outwards; the slug line sits below the bottom marks. The page's
MediaBox is the trim plus ``margin`` on every side.
"""

from __future__ import annotations

from dataclasses import dataclass

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
