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


AVERAGE_TEXT = ("Громадська організація разом із районною адміністрацією облаштувала "
                "пункт незламності, де щодня отримували допомогу 300 мешканців.")


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
    """Raised by :func:`fit_block` with the overflow in mm (height) and why.

    When a word is wider than the frame, ``word`` is it and ``width`` the frame's."""

    def __init__(self, overflow: float, reason: str, size: float, word: str = "",
                 width: float = 0.0):
        super().__init__(reason)
        self.overflow = overflow
        self.reason = reason
        self.size = size
        self.word = word
        self.width = width


def avg_char_width(font: FontStack, size: float) -> float:
    """The mean advance of a character of running Ukrainian text at ``size``."""
    return font.width(AVERAGE_TEXT, size) / len(AVERAGE_TEXT)


def body_rule(style: Style):
    from ..text.linebreak import BodyRule

    s = style.setting
    return BodyRule(justify_min_chars=s.justify_min_chars, max_stretch=s.max_word_stretch,
                    max_shrink=s.max_word_shrink, min_last_line_chars=s.min_last_line_chars)


def setting_mode(ts: TextStyle, font: FontStack, size: float, width: float, style: Style) -> str:
    """The mode a paragraph is set in: the style sheet's one rule decides for body text."""
    from ..text.linebreak import body_mode

    if ts.align == "balanced":
        return "balanced"
    if ts.align != "justify":
        return "ragged"
    return body_mode(width, avg_char_width(font, size), body_rule(style))


@lru_cache(maxsize=1)
def _hyphenator():
    from ..text.hyphenation import Hyphenator

    return Hyphenator(left=2, right=3, min_word=6)


MEMO_STYLES = 4  # style sheets whose set paragraphs are remembered (the newest)
MEMO_BLOCKS = 1 << 16  # set blocks remembered per style sheet (then forgotten, all at once)
_memo: dict[int, tuple[Style, dict]] = {}  # id(style) → (style, key → SetBlock | None)


def _memo_of(style: Style) -> dict:
    """The blocks set with ``style`` so far. (Keyed by identity: a style sheet holds dicts,
    so it cannot be hashed; holding it keeps its id from being reused.)"""
    entry = _memo.get(id(style))
    if entry is None or entry[0] is not style:
        while len(_memo) >= MEMO_STYLES:
            _memo.pop(next(iter(_memo)))
        entry = _memo[id(style)] = (style, {})
    elif len(entry[1]) >= MEMO_BLOCKS:
        entry[1].clear()
    return entry[1]


def set_paragraphs(paragraphs: list[str], ts: TextStyle, size: float, width: float,
                   style: Style, color: CMYK | None = None, wrap: bool = True) -> SetBlock | None:
    """Break and position ``paragraphs`` at ``size``; None if a word is too wide.

    Remembered: a stand's type scale is searched by setting each card at several sizes, and
    the same paragraph comes back at the same size and width (a card's fields at the scale
    another search tried, the plan's sizes again in the layout). A pure function of its
    arguments, so a remembered block is the block."""
    memo = _memo_of(style)
    key = (tuple(paragraphs), ts, size, width, color, wrap)
    if key not in memo:
        memo[key] = _set_paragraphs(paragraphs, ts, size, width, style, color, wrap)
    return memo[key]


def _set_paragraphs(paragraphs: list[str], ts: TextStyle, size: float, width: float,
                    style: Style, color: CMYK | None, wrap: bool) -> SetBlock | None:
    from ..text.linebreak import break_lines

    font = style.stack(ts.font)
    color = color or style.color(ts.color)
    space = font.width(" ", size)
    mode = setting_mode(ts, font, size, width, style)
    rule = body_rule(style) if ts.align == "justify" else None  # body text: the end rules hold ragged too
    hyph = _hyphenator() if ts.hyphenate else None
    lead = ts.leading * size
    y = font.metrics.cap_height * size
    out: list[Text] = []
    for pi, para in enumerate(paragraphs):
        if ts.upper:
            para = para.upper()
        if pi:
            y += lead * 0.45
        measure = (lambda s: font.width(s, size))
        lines = break_lines(para, width=width, measure=measure, space_width=space,
                            hyphenator=hyph, mode=mode, rule=rule)
        if lines is None and mode == "balanced" and wrap:  # a word too long: hyphenate it
            lines = break_lines(para, width=width, measure=measure, space_width=space,
                                hyphenator=_hyphenator(), mode="ragged")
        if lines is None:
            return None
        for li, line in enumerate(lines):
            out.extend(_line_text(line, font, ts, size, width, y, color, mode))
            if li < len(lines) - 1 or pi < len(paragraphs) - 1:
                y += lead
    height = y + abs(font.metrics.descender) * size if out else 0.0
    return SetBlock(tuple(out), height, size)


def _line_text(line, font: FontStack, ts: TextStyle, size: float, width: float, y: float,
               color: CMYK, mode: str) -> list[Text]:
    """One text item per line — or per run when fallback fonts set some characters."""
    words = [w.text for w in line.words]
    space = font.width(" ", size)
    gaps = len(words) - 1
    extra = 0.0
    if mode == "justify" and line.ratio and not line.last and gaps > 0:
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
    first = max(lo, ts.size * base * scale)
    last: SetBlock | None = None
    # headings: a smaller size before a hyphenated one; hyphenated only at the minimum
    for wrap in ((False, True) if ts.align == "balanced" else (True,)):
        size = first
        while True:
            block = set_paragraphs(paragraphs, ts, size, width, style, color, wrap)
            if block is not None and block.height <= height + 1e-6:
                return block
            last = block or last
            if size <= lo + 1e-9:
                break
            size = max(lo, size * 0.96)
    if last is None:
        word = widest_word(paragraphs, ts, size, style)
        raise DoesNotFit(float("inf"), f"«{word}» is wider than the frame ({width:.0f} mm)",
                         size, word, width)
    raise DoesNotFit(last.height - height, f"needs {last.height:.0f} mm, the frame has "
                     f"{height:.0f} mm", size)


def set_exact(paragraphs: list[str], ts: TextStyle, width: float, bases: Bases, style: Style,
              scale: float = 1.0, color: CMYK | None = None) -> SetBlock:
    """Set at exactly the stand's size for ``ts`` (``ts.size×scale``, never below ``ts.min``)."""
    size = style_size(ts, bases, scale)
    block = set_paragraphs(paragraphs, ts, size, width, style, color)
    if block is None:
        word = widest_word(paragraphs, ts, size, style)
        raise DoesNotFit(float("inf"), f"«{word}» is wider than the frame ({width:.0f} mm)",
                         size, word, width)
    return block


def style_size(ts: TextStyle, bases: Bases, scale: float = 1.0) -> float:
    base = bases.of(ts.role)
    return max(ts.min * base, ts.size * base * scale)


def widest_word(paragraphs: list[str], ts: TextStyle, size: float, style: Style) -> str:
    """The piece of text that cannot break and is widest (for messages)."""
    from ..text.linebreak import widest_piece

    font = style.stack(ts.font)
    best = ("", -1.0)
    for para in paragraphs:
        if ts.upper:
            para = para.upper()
        piece = widest_piece(para, measure=lambda s: font.width(s, size),
                             space_width=font.width(" ", size),
                             hyphenator=_hyphenator() if ts.hyphenate else None)
        if piece[1] > best[1]:
            best = piece
    return best[0]


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
