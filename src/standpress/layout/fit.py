"""Set paragraphs in a frame: sizes, line breaks, justification, fitting.

Sizes come from the format: the minimum x-height a reader needs at the
viewing distance (``base_sizes``), times the style's factor. ``fit_block``
steps a block down from the style's size towards its minimum until it fits
the frame; when it does not fit even at the minimum it reports by how much,
and the caller names the case and field. Text is never cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from ..model import Format
from ..text.fonts import FontStack
from .frame import CMYK, Text
from .templates import Style, TextStyle


NARROW_EM = 24.0  # below about 50 characters a line, justified text is set ragged instead


@dataclass(frozen=True)
class Bases:
    """Minimum legible sizes (em size, mm) for each role on one format."""

    body: float
    heading: float
    caption: float

    def of(self, role: str) -> float:
        return getattr(self, role)


def base_sizes(fmt: Format, style: Style, x_height: float) -> Bases:
    """Minimum legible em sizes derived from the viewing and scanning distances.

    x-height ≥ distance × tan(angle), angle from the style sheet (0.2°:
    Legge & Bigelow 2011); em size = x-height / the body font's x-height ratio.
    """
    t = math.tan(math.radians(style.body_angle_deg))
    body = fmt.viewing_distance * 1000 * t / x_height
    caption = min(body, fmt.scan_distance * 1000 * t / x_height)
    return Bases(body=body, heading=body * style.heading_factor, caption=caption)


@dataclass(frozen=True)
class SetBlock:
    """A block of set lines with baselines relative to the block's top."""

    lines: tuple[Text, ...]
    height: float
    size: float

    def moved(self, dx: float, dy: float) -> tuple[Text, ...]:
        return tuple(Text(t.x + dx, t.y + dy, t.text, t.font, t.size, t.color, t.advances,
                          t.overprint) for t in self.lines)


class DoesNotFit(Exception):
    """Raised by :func:`fit_block` with the overflow in mm (height) and why."""

    def __init__(self, overflow: float, reason: str, size: float):
        super().__init__(reason)
        self.overflow = overflow
        self.reason = reason
        self.size = size


@lru_cache(maxsize=1)
def _hyphenator():
    from ..text.hyphenation import Hyphenator

    return Hyphenator(left=2, right=3, min_word=6)


def set_paragraphs(paragraphs: list[str], ts: TextStyle, size: float, width: float,
                   style: Style, color: CMYK | None = None) -> SetBlock | None:
    """Break and position ``paragraphs`` at ``size``; None if a word is too wide."""
    from ..text.linebreak import break_lines

    font = style.stack(ts.font)
    color = color or style.color(ts.color)
    space = font.width(" ", size)
    mode = {"justify": "justify", "balanced": "balanced"}.get(ts.align, "ragged")
    if mode == "justify" and width < NARROW_EM * size:
        mode = "ragged"  # a narrow measure justified opens rivers: set it ragged-right
    hyph = _hyphenator() if ts.hyphenate else None
    lead = ts.leading * size
    y = font.metrics.cap_height * size
    out: list[Text] = []
    for pi, para in enumerate(paragraphs):
        if ts.upper:
            para = para.upper()
        if pi:
            y += lead * 0.45
        lines = break_lines(para, width=width, measure=lambda s: font.width(s, size),
                            space_width=space, hyphenator=hyph, mode=mode)
        if lines is None:
            return None
        for li, line in enumerate(lines):
            out.extend(_line_text(line, font, ts, size, width, y, color))
            if li < len(lines) - 1 or pi < len(paragraphs) - 1:
                y += lead
    height = y + abs(font.metrics.descender) * size if out else 0.0
    return SetBlock(tuple(out), height, size)


def _line_text(line, font: FontStack, ts: TextStyle, size: float, width: float, y: float,
               color: CMYK) -> list[Text]:
    """One text item per line — or per run when fallback fonts set some characters."""
    words = [w.text for w in line.words]
    space = font.width(" ", size)
    gaps = len(words) - 1
    extra = 0.0
    if ts.align == "justify" and line.ratio and not line.last and gaps > 0:
        extra = line.space(width, space) - space  # negative when the line is shrunk
    text_parts: list[str] = []
    adv: list[float] = []
    for i, word in enumerate(words):
        if i:
            text_parts.append(" ")
            adv.append(space + extra)
        text_parts.append(word)
        adv.extend(a * size for a in font.advances(word))
    total = sum(adv)
    x = 0.0
    if ts.align == "right":
        x = width - total
    elif ts.align == "center":
        x = (width - total) / 2
    text = "".join(text_parts)
    overprint = color == (0.0, 0.0, 0.0, 100.0)
    items = []
    for f, start, end in font.runs(text):
        items.append(Text(x, y, text[start:end], f.key, size, color, tuple(adv[start:end]),
                          overprint=overprint))
        x += sum(adv[start:end])
    return items


def fit_block(paragraphs: list[str], ts: TextStyle, width: float, height: float,
              bases: Bases, style: Style, scale: float = 1.0,
              color: CMYK | None = None) -> SetBlock:
    """The largest size from ``ts.size×scale`` down to ``ts.min`` that fits."""
    base = bases.of(ts.role)
    lo = ts.min * base
    size = max(lo, ts.size * base * scale)
    last: SetBlock | None = None
    while True:
        block = set_paragraphs(paragraphs, ts, size, width, style, color)
        if block is not None and block.height <= height + 1e-6:
            return block
        last = block or last
        if size <= lo + 1e-9:
            break
        size = max(lo, size * 0.96)
    if last is None:
        raise DoesNotFit(float("inf"), "a word is wider than the frame", size)
    raise DoesNotFit(last.height - height, f"needs {last.height:.0f} mm, the frame has "
                     f"{height:.0f} mm", size)


def fit_display(text: str, ts: TextStyle, width: float, height: float, style: Style,
                color: CMYK | None = None) -> SetBlock:
    """One line set as large as the frame allows (titles, figures)."""
    font = style.stack(ts.font)
    if ts.upper:
        text = text.upper()
    em = font.width(text, 1.0)
    size = min(width / em if em else height, height / (font.metrics.cap_height + 0.02))
    color = color or style.color(ts.color)
    adv = [a * size for a in font.advances(text)]
    y = font.metrics.cap_height * size
    x = {"right": width - sum(adv), "center": (width - sum(adv)) / 2}.get(ts.align, 0.0)
    items = []
    for f, start, end in font.runs(text):
        items.append(Text(x, y, text[start:end], f.key, size, color, tuple(adv[start:end])))
        x += sum(adv[start:end])
    return SetBlock(tuple(items), y, size)
