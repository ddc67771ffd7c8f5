"""A total-fit (Knuth–Plass) line breaker for normalised Ukrainian paragraphs.

Words are the pieces between U+0020 spaces; U+00A0 and U+202F are glyphs
inside a word and never break.  Where a line may end — between words and
inside them (hyphenation, explicit hyphens, hashtags, URLs, e-mails) — is
:mod:`.breakpoints`' business: the space after a one-letter word or an
initial (``М.``) and the space before a dash never break, in every mode.

Modes:

* ``"justify"`` — Knuth–Plass with word spaces stretching by up to
  ``max_stretch × space_width`` and shrinking by up to ``max_shrink ×
  space_width`` each (the adjustment ratio ``r`` is in those units, so
  ``-1 ≤ r ≤ 1`` in the first pass).  Badness ``100·|r|³``, demerits
  ``(10 + badness)² + penalty²``, fitness classes (+10000 for jumping two
  classes), +10000 for two hyphenated lines in a row and at most two in a row,
  +5000 for a hyphenated next-to-last line, +50000 for a last line holding a
  single word of ≤ 4 letters.  Looseness 0.  A line holding one word cannot
  stretch: it is set flush left (ratio 0) and judged as if it had one space.
  If no breaking keeps every ``r ≤ 1``, an emergency pass lifts the bound on
  stretching (badness still grows as ``r³``, so the loosest line is kept as
  tight as the text allows; check ``Line.ratio`` to warn about it).  The last
  line is set at natural spacing.
* ``"ragged"`` — the same search without stretching: a line's badness grows
  with the square of its slack; the last line is free.  Hyphens cost
  :data:`RAGGED_HYPHEN_FACTOR` times more: a ragged edge needs them less.
* ``"balanced"`` — for headings: no hyphenation (explicit hyphens, hashtags,
  URLs may still break), the fewest lines, then the smallest sum of squared
  slack over all lines (lines as equal as possible).

A :class:`BodyRule` (one rule for body text, from the style sheet) gives the
stretch and shrink limits and makes the paragraph's end rules strong: in
``"justify"`` and ``"ragged"``, no last line shorter than
``min_last_line_chars`` characters and no last line that is only the tail of
a word broken on the line before (``зайнято-`` / ``сті.``): each such
breach is counted, and the breaker minimises (breaches, demerits) in that
order, so a breaking that keeps the rule always wins.  Justified, it is
sought within the stretch limits first; when every breaking within them
breaches the rule, lines may stretch up to :data:`RULE_TOLERANCE` times the
limit to keep it (a little loose reads better than ``об-`` / ``ставинах.``),
and only when no breaking fits within the limits does the emergency pass
lift them.  ``Line.ratio`` above 1 reports either.  A
hyphenated next-to-last line costs :data:`RULE_FINAL_HYPHEN_DEMERITS`.  :func:`body_mode` says which mode a
measure takes.

Infeasible input (a piece wider than ``width`` that cannot break, or more
lines than ``max_lines``) returns None: the caller tries a smaller size;
:func:`widest_piece` tells which piece was too wide.  A justified line's
natural width may exceed ``width`` by its shrink; print its spaces with
:meth:`Line.space`.  ``measure`` is called once per distinct string.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .breakpoints import (END, EXPLICIT, HYPHEN, SPACE, inner_breaks, no_break_after,
                          no_break_before)
from .hyphenation import Hyphenator

MODES = ("justify", "ragged", "balanced")
LINE_PENALTY = 10.0
DOUBLE_HYPHEN_DEMERITS = 10000.0
FINAL_HYPHEN_DEMERITS = 5000.0
ADJACENT_FITNESS_DEMERITS = 10000.0
SHORT_LAST_LINE_DEMERITS = 50000.0
SHORT_LAST_LETTERS = 4
RULE_FINAL_HYPHEN_DEMERITS = 100000.0
RULE_TOLERANCE = 2.0  # how far past the stretch limit a line may go to keep the paragraph's end
RAGGED_HYPHEN_FACTOR = 2.0
MAX_HYPHENS_IN_A_ROW = 2
_HYPHEN_ENDS = ("-", "\u2010")  # a word ending so shows a hyphen at the line's end
RAGGED_SCALE = 0.25  # slack of this fraction of the width has badness 100

_OVERFULL = "overfull"
_EPS = 1e-9


@dataclass(frozen=True)
class BodyRule:
    """One rule for body text across formats (the style sheet's ``[body_rule]``)."""

    justify_min_chars: int = 60  # measure, in average characters, from which body text is justified; below it ragged-right
    max_stretch: float = 0.5  # word-space stretch limit, in space widths
    max_shrink: float = 0.15  # word-space shrink limit, in space widths
    min_last_line_chars: int = 5  # a paragraph's last line holds at least this many characters


def body_mode(width: float, avg_char_width: float, rule: BodyRule) -> str:
    """"justify" when ``width`` holds ``rule.justify_min_chars`` average characters, else "ragged".

    No character width (an empty font?) sets ragged: it never stretches a space.
    """
    if avg_char_width <= 0:
        return "ragged"
    return "justify" if width / avg_char_width >= rule.justify_min_chars - _EPS else "ragged"


@dataclass(frozen=True)
class LineWord:
    """A word (or part of one) as printed, with its measured width."""

    text: str  # including a trailing "-" when the line is hyphenated here
    width: float


@dataclass(frozen=True)
class Line:
    """One line of a broken paragraph."""

    words: tuple[LineWord, ...]
    hyphenated: bool  # ends with an added hyphen
    natural_width: float  # word widths + natural spaces
    ratio: float  # adjustment ratio (0 for ragged, balanced and last lines)
    last: bool
    split_word: bool = False  # the last word continues on the next line

    def space(self, width: float, space_width: float) -> float:
        """The width of each word space when this line is set in ``width``."""
        gaps = len(self.words) - 1
        if self.ratio == 0 or gaps <= 0:
            return space_width
        return space_width + (width - self.natural_width) / gaps


class _Break:
    """A place where a line may end."""

    __slots__ = ("token", "offset", "kind", "penalty", "split", "shows_hyphen", "last",
                 "next_start", "end_width")

    def __init__(self, token: int, offset: int, kind: str, penalty: float) -> None:
        self.token = token  # the token in which (or after which) the line ends
        self.offset = offset  # the line ends at token[:offset]
        self.kind = kind
        self.penalty = penalty
        self.split = kind not in (SPACE, END)  # the line ends inside a word
        # the line's end shows a hyphen (also a word like «дво-» before a space): it counts
        # in the ladder of hyphenated lines; set by _Paragraph
        self.shows_hyphen = kind in (HYPHEN, EXPLICIT)
        self.last = kind == END
        self.next_start = (token, offset) if self.split else (token + 1, 0)
        self.end_width = 0.0  # set by _Paragraph: width of the line's last piece


@dataclass(slots=True)
class _Node:
    start: tuple[int, int]
    lines: int
    fitness: int
    hyphens: int  # lines in a row ending here that show a hyphen
    demerits: float
    prev: _Node | None = None
    brk: _Break | None = None
    ratio: float = 0.0
    breaches: int = 0  # of the BodyRule's paragraph-end rules: compared before demerits

    def cost(self) -> tuple[int, float]:
        return self.breaches, self.demerits


class _Paragraph:
    """Tokens, break points and memoised widths of one paragraph."""

    def __init__(self, text: str, measure: Callable[[str], float], space_width: float,
                 hyphenator: Hyphenator | None, hyphen_factor: float = 1.0) -> None:
        self.tokens = text.split(" ")
        if any(not t for t in self.tokens):
            raise ValueError("text must be normalised: single spaces, no leading/trailing space")
        self.space_width = space_width
        self._measure = measure
        self._memo: dict[str, float] = {}
        self.widths = [self.measure(t) for t in self.tokens]
        self.cumulative = [0.0]
        for w in self.widths:
            self.cumulative.append(self.cumulative[-1] + w)
        self.breaks = self._find_breaks(hyphenator, hyphen_factor)
        self._measure_ends()

    def measure(self, text: str) -> float:
        width = self._memo.get(text)
        if width is None:
            width = self._memo[text] = float(self._measure(text))
        return width

    def _find_breaks(self, hyphenator: Hyphenator | None, factor: float) -> list[_Break]:
        breaks: list[_Break] = []
        last = len(self.tokens) - 1
        for t, token in enumerate(self.tokens):
            for offset, kind, penalty in inner_breaks(token, hyphenator):
                breaks.append(_Break(t, offset, kind, penalty * (factor if kind == HYPHEN
                                                                  else 1.0)))
            if t == last:
                breaks.append(_Break(t, len(token), END, 0.0))
            elif not no_break_after(token) and not no_break_before(self.tokens[t + 1]):
                brk = _Break(t, len(token), SPACE, 0.0)
                brk.shows_hyphen = token.endswith(_HYPHEN_ENDS)
                breaks.append(brk)
        return breaks

    def pieces(self, start: tuple[int, int], brk: _Break) -> list[str]:
        """The words printed on a line from ``start`` to ``brk``."""
        t1, o1 = start
        if not brk.split:
            out = [self.tokens[t][o1 if t == t1 else 0:] for t in range(t1, brk.token + 1)]
        else:
            out = [self.tokens[t][o1 if t == t1 else 0:] for t in range(t1, brk.token)]
            out.append(self.tokens[brk.token][o1 if brk.token == t1 else 0:brk.offset])
        if brk.kind == HYPHEN:
            out[-1] += "-"
        return out

    def _piece(self, t: int, start: int, end: int, hyphen: bool) -> float:
        return self.measure(self.tokens[t][start:end] + ("-" if hyphen else ""))

    def _measure_ends(self) -> None:
        """Width of the piece each break ends a line with, and of the piece it starts."""
        self.start_widths = {(0, 0): self.widths[0]}
        for brk in self.breaks:
            if brk.split:
                brk.end_width = self._piece(brk.token, 0, brk.offset, brk.kind == HYPHEN)
                t, o = brk.next_start
                self.start_widths[brk.next_start] = self._piece(t, o, len(self.tokens[t]), False)
            else:
                brk.end_width = self.widths[brk.token]
                if not brk.last:
                    self.start_widths[brk.next_start] = self.widths[brk.token + 1]

    def natural(self, start: tuple[int, int], brk: _Break) -> tuple[float, int]:
        """(natural width, number of spaces) of the line from ``start`` to ``brk``."""
        t1, o1 = start
        t2 = brk.token
        if t1 != t2:
            width = self.start_widths[start] + self.cumulative[t2] - self.cumulative[t1 + 1]
            width += brk.end_width
        elif not brk.split:
            width = self.start_widths[start]
        elif o1 == 0:
            width = brk.end_width
        else:
            width = self._piece(t1, o1, brk.offset, brk.kind == HYPHEN)
        spaces = t2 - t1
        return width + spaces * self.space_width, spaces


@dataclass(frozen=True)
class _Settings:
    width: float
    space_width: float
    mode: str
    max_stretch: float
    max_shrink: float
    max_lines: int | None
    tolerance: float = 1.0
    rule: BodyRule | None = None


def _fitness(ratio: float) -> int:
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    return 2 if ratio <= 1 else 3


def _lone_word(slack: float, s: _Settings) -> tuple[float, float] | None:
    """A line without spaces cannot stretch: set flush left (ratio 0), judged as one space."""
    if slack <= 1e-6:
        return 0.0, 0.0
    one_space = s.space_width * s.max_stretch
    ratio = slack / one_space if one_space > _EPS else math.inf
    return (0.0, 100 * ratio**3) if ratio <= s.tolerance else None


def _justified(natural: float, spaces: int, last: bool,
               s: _Settings) -> tuple[float, float] | str | None:
    """(ratio, badness), ``_OVERFULL`` or None (too loose) for a justified line."""
    diff = s.width - natural
    if last:
        return (0.0, 0.0) if diff >= -_EPS else _OVERFULL
    if diff >= 0:
        stretch = spaces * s.space_width * s.max_stretch
        if stretch <= _EPS:
            return _lone_word(diff, s)
        ratio = diff / stretch
        return (ratio, 100 * ratio**3) if ratio <= s.tolerance else None
    shrink = spaces * s.space_width * s.max_shrink
    if -diff > shrink + _EPS:
        return _OVERFULL
    ratio = diff / shrink
    return ratio, 100 * abs(ratio) ** 3


def _ragged(natural: float, last: bool, s: _Settings) -> tuple[float, float] | str:
    slack = s.width - natural
    if slack < -_EPS:
        return _OVERFULL
    if last:
        return 0.0, 0.0
    return 0.0, 100 * (max(slack, 0.0) / (s.width * RAGGED_SCALE)) ** 2


def _ending(par: _Paragraph, start: tuple[int, int], brk: _Break,
            s: _Settings) -> tuple[int, float]:
    """(breaches, demerits) of a paragraph's last line from ``start``, if not the first.

    Without a rule: a single word of ≤ 4 letters or the tail of a word broken on
    the line before costs :data:`SHORT_LAST_LINE_DEMERITS`.  With a rule: a line
    under ``min_last_line_chars`` characters and such a tail are breaches.
    """
    pieces = par.pieces(start, brk)
    tail = start[1] > 0 and len(pieces) == 1
    if s.rule is None:
        short = len(pieces) == 1 and sum(c.isalnum() for c in pieces[0]) <= SHORT_LAST_LETTERS
        return 0, (SHORT_LAST_LINE_DEMERITS if short or tail else 0.0)
    short = len(" ".join(pieces)) < s.rule.min_last_line_chars
    return short + tail, 0.0


def _extra_demerits(node: _Node, brk: _Break, fitness: int, ending: float,
                    s: _Settings) -> float:
    """Demerits that depend on the previous line; ``ending`` is :func:`_ending`'s."""
    d = 0.0
    if node.hyphens:
        if brk.shows_hyphen:
            d += DOUBLE_HYPHEN_DEMERITS
        elif brk.last:
            d += FINAL_HYPHEN_DEMERITS if s.rule is None else RULE_FINAL_HYPHEN_DEMERITS
    if node.prev is not None:
        if s.mode == "justify" and not brk.last and abs(fitness - node.fitness) > 1:
            d += ADJACENT_FITNESS_DEMERITS
        d += ending
    return d


def _fit(par: _Paragraph, start: tuple[int, int], brk: _Break,
         s: _Settings) -> tuple[float, int, float] | str | None:
    """(ratio, fitness, line demerits), ``_OVERFULL`` or None for one line."""
    natural, spaces = par.natural(start, brk)
    if s.mode == "justify":
        fit = _justified(natural, spaces, brk.last, s)
    else:
        fit = _ragged(natural, brk.last, s)
    if fit is None or fit == _OVERFULL:
        return fit
    ratio, badness = fit
    fitness = _fitness(ratio) if s.mode == "justify" else 1
    return ratio, fitness, (LINE_PENALTY + badness) ** 2 + brk.penalty**2


def _total_fit(par: _Paragraph, s: _Settings) -> _Node | None:
    """The best node at the paragraph's end, or None."""
    active: dict[tuple[int, int], list[_Node]] = {(0, 0): [_Node((0, 0), 0, 1, 0, 0.0)]}
    limit = s.max_lines
    justify = s.mode == "justify"
    for brk in par.breaks:
        found: dict[tuple[int, int, int], _Node] = {}
        shows, last = brk.shows_hyphen, brk.last
        for start in list(active):
            fit = _fit(par, start, brk, s)
            if fit is None:
                continue
            if fit == _OVERFULL:
                if not brk.split:
                    del active[start]  # later breaks only make the line longer
                continue
            ratio, fitness, line_demerits = fit
            breaches, ending = _ending(par, start, brk, s) if last else (0, 0.0)
            for node in active[start]:
                hyphens = node.hyphens + 1 if shows else 0
                if hyphens > MAX_HYPHENS_IN_A_ROW or (limit is not None and node.lines >= limit):
                    continue
                total = node.demerits + line_demerits
                if node.hyphens or last or (justify and abs(fitness - node.fitness) > 1):
                    total += _extra_demerits(node, brk, fitness, ending, s)
                breached = node.breaches
                if breaches and node.prev is not None:
                    breached += breaches
                key = (fitness, hyphens, node.lines + 1 if limit is not None else 0)
                best = found.get(key)
                if best is None or breached < best.breaches or (
                        breached == best.breaches and total < best.demerits):
                    found[key] = _Node(brk.next_start, node.lines + 1, fitness, hyphens, total,
                                       node, brk, ratio, breached)
        if last:
            return min(found.values(), key=_Node.cost, default=None)
        if found:
            active.setdefault(brk.next_start, []).extend(found.values())
        if not active:
            break
    return None


def _balanced(par: _Paragraph, s: _Settings) -> _Node | None:
    """Fewest lines, then the least sum of squared slack (lines as equal as possible)."""
    best: dict[tuple[int, int], tuple[tuple[int, float], _Node]] = {
        (0, 0): ((0, 0.0), _Node((0, 0), 0, 1, 0, 0.0))}
    order = [(0, 0)]
    for brk in par.breaks:
        candidates = []
        for start in order:
            if start not in best:
                continue
            natural, _spaces = par.natural(start, brk)
            if natural > s.width + _EPS:
                if not brk.split:
                    del best[start]
                continue
            (lines, cost), node = best[start]
            slack = (s.width - natural) / s.width
            penalty = brk.penalty / 1000.0 if brk.split else 0.0
            score = (lines + 1, cost + slack * slack + penalty)
            candidates.append((score, node))
        if not candidates:
            if not best:
                return None
            continue
        score, node = min(candidates, key=lambda c: c[0])
        if s.max_lines is not None and score[0] > s.max_lines:
            continue
        child = _Node(brk.next_start, score[0], 1, 0, score[1], node, brk, 0.0)
        if brk.last:
            return child
        if brk.next_start not in best:
            order.append(brk.next_start)
            best[brk.next_start] = (score, child)
    return None


def _lines(par: _Paragraph, end: _Node) -> list[Line]:
    chain: list[_Node] = []
    node: _Node | None = end
    while node is not None and node.brk is not None:
        chain.append(node)
        node = node.prev
    chain.reverse()
    out = []
    for node in chain:
        assert node.brk is not None and node.prev is not None
        start, brk = node.prev.start, node.brk
        words = tuple(LineWord(p, par.measure(p)) for p in par.pieces(start, brk))
        natural, _spaces = par.natural(start, brk)
        out.append(Line(words, brk.kind == HYPHEN, natural, node.ratio, brk.last, brk.split))
    return out


def break_lines(text: str, *, width: float, measure: Callable[[str], float],
                space_width: float, hyphenator: Hyphenator | None = None,
                mode: str = "justify", max_stretch: float = 0.5, max_shrink: float = 0.2,
                max_lines: int | None = None, rule: BodyRule | None = None) -> list[Line] | None:
    """Break ``text`` into lines of ``width``; None when no breaking fits.

    ``max_stretch``/``max_shrink`` are fractions of ``space_width`` by which
    each word space may grow or shrink in justified lines; a ``rule`` gives
    its own limits instead, and the paragraph-end rules of the module doc.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if rule is not None:
        max_stretch, max_shrink = rule.max_stretch, rule.max_shrink
    if width <= 0 or space_width < 0 or max_stretch < 0 or max_shrink < 0:
        raise ValueError("width must be positive; space, stretch and shrink not negative")
    if not text:
        return []
    par = _Paragraph(text, measure, space_width, None if mode == "balanced" else hyphenator,
                     RAGGED_HYPHEN_FACTOR if mode == "ragged" else 1.0)
    s = _Settings(width, space_width, mode, max_stretch, max_shrink, max_lines, rule=rule)
    if mode == "balanced":
        end = _balanced(par, s)
    else:
        end = _total_fit(par, s)
        if mode == "justify" and end is not None and end.breaches:
            # a line a little looser than the limit reads better than «об-» / «ставинах.»
            relaxed = _total_fit(par, _Settings(width, space_width, mode, max_stretch, max_shrink,
                                                max_lines, RULE_TOLERANCE, rule))
            if relaxed is not None and relaxed.breaches < end.breaches:
                end = relaxed
        if end is None and mode == "justify":
            end = _total_fit(par, _Settings(width, space_width, mode, max_stretch, max_shrink,
                                            max_lines, math.inf, rule))
    return None if end is None else _lines(par, end)


def widest_piece(text: str, *, measure: Callable[[str], float], space_width: float,
                 hyphenator: Hyphenator | None = None) -> tuple[str, float]:
    """The widest stretch of ``text`` that can never be broken, and its natural width.

    Ragged and balanced setting fail for any ``width`` below it (justified
    lines may shrink their spaces a little further).  The stretch is what a
    message names: a word with no legal break (``#чистийберег``), a chain of
    words bound by no-break spaces (``і⍽в⍽Києві``), or the widest part of a
    word that breaks (``Комунальними`` of a hashtag; a hyphenated part is named
    without its added hyphen, which its width includes).
    """
    if not text:
        return "", 0.0
    par = _Paragraph(text, measure, space_width, hyphenator)
    widest, start = ("", -math.inf), (0, 0)
    for brk in par.breaks:
        natural, _spaces = par.natural(start, brk)
        if natural > widest[1]:
            shown = " ".join(par.pieces(start, brk))
            widest = (shown[:-1] if brk.kind == HYPHEN else shown, natural)
        start = brk.next_start
    return widest
