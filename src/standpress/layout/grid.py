"""The grid of a case panel, computed from the format, and the sizes of its cards.

A grid is columns × rows of equal modules inside the template's cards frame, with
gutters (Müller-Brockmann). The format's own grid is the one whose modules come
closest to the template's intent: a body measure of ``card.measure_chars``
characters at the format's body size (or a title measure of ``card.title_chars``
where the format leaves the summary out) and a module of ``card.aspect`` height to
width. Denser grids are the planner's fallback when a stand has too few faces.

``CardSizer`` answers the planner (``plan.Sizer``): at which type scale a case's
card fits one module, two or a whole panel, and the photo height of a stand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Case, Format
from ..plan import Misfit
from .cards import SCALES, CardKit, CardOverflow, case_card
from .context import bases_for
from .fit import avg_char_width, style_size
from .templates import Design, Template


@dataclass(frozen=True)
class Geometry:
    """Where the modules of a grid lie on a panel (mm)."""

    x: float
    y: float
    w: float
    h: float
    cols: int
    rows: int
    gap: float

    @property
    def module_w(self) -> float:
        return (self.w - self.gap * (self.cols - 1)) / self.cols

    @property
    def module_h(self) -> float:
        return (self.h - self.gap * (self.rows - 1)) / self.rows

    def rect(self, col: int, row: int, cols: int = 1, rows: int = 1
             ) -> tuple[float, float, float, float]:
        mw, mh = self.module_w, self.module_h
        return (self.x + col * (mw + self.gap), self.y + row * (mh + self.gap),
                cols * mw + (cols - 1) * self.gap, rows * mh + (rows - 1) * self.gap)


def geometry(fmt: Format, template: Template, cols: int, rows: int) -> Geometry:
    fx, fy, fw, fh = template.cards_rect()
    sw, sh = fmt.width - 2 * fmt.safe, fmt.height - 2 * fmt.safe
    return Geometry(fmt.safe + fx * sw, fmt.safe + fy * sh, fw * sw, fh * sh, cols, rows,
                    template.card.gap * sw)


class CardSizer:
    """The planner's sizer: grids and card fits for every format of a design."""

    scales = SCALES

    def __init__(self, design: Design):
        self.design = design
        self._kits: dict[str, CardKit] = {}
        self._best: dict[tuple, float | None] = {}

    def template(self, fmt: Format) -> Template:
        return self.design.templates[fmt.template]

    def kit(self, fmt: Format) -> CardKit:
        kit = self._kits.get(fmt.id)
        if kit is None:
            style = self.design.style
            kit = CardKit(style, self.template(fmt).card, fmt, bases_for(fmt, style))
            self._kits[fmt.id] = kit
        return kit

    def grids(self, fmt: Format) -> list[tuple[int, int]]:
        kit = self.kit(fmt)
        st = kit.style
        card = kit.card
        if kit.omits("summary"):
            ts, target = st.text["title"], card.title_chars
        else:
            ts, target = st.text["body"], card.measure_chars
        char = avg_char_width(st.stack(ts.font), style_size(ts, kit.bases))
        scored = []
        for cols in range(1, 7):
            for rows in range(1, 7):
                g = geometry(fmt, self.template(fmt), cols, rows)
                inner = g.module_w * (1 - 2 * card.padding)
                if inner <= 0 or g.module_h <= 0:
                    continue
                chars = inner / char
                score = abs(math.log(chars / target)) + abs(math.log(g.module_h / g.module_w
                                                                      / card.aspect))
                scored.append((score, cols, rows, chars))
        scored.sort()
        own = scored[0]
        denser = sorted((s for s in scored[1:] if s[1] * s[2] > own[1] * own[2]
                         and s[3] >= target * 0.6),
                        key=lambda s: (s[1] * s[2], s[0]))
        return [(own[1], own[2])] + [(s[1], s[2]) for s in denser[:3]]

    def _fits(self, fmt: Format, grid: tuple[int, int], case: Case, span: tuple[int, int],
              scale: float) -> float | None:
        g = geometry(fmt, self.template(fmt), *grid)
        _, _, w, h = g.rect(0, 0, *span)
        try:
            return case_card(self.kit(fmt), case, 0.0, 0.0, w, h, scale, 0.0, g.module_w)[1]
        except CardOverflow:
            return None

    def answers_given(self) -> dict:
        """What this sizer has found so far (for :meth:`take_answers` in another process)."""
        return dict(self._best)

    def take_answers(self, answers: dict) -> None:
        """Know what another sizer of the same design found (:meth:`answers_given`)."""
        self._best.update(answers)

    def unknown(self, fmt: Format, cases: list[Case]) -> int:
        """How many of ``cases`` this sizer has not sized on ``fmt`` (its own grid, one
        module): the cards a plan would have to set."""
        grid = self.grids(fmt)[0]
        return sum((fmt, grid, c, (1, 1)) not in self._best for c in cases)

    def best_scale(self, fmt: Format, grid: tuple[int, int], case: Case,
                   span: tuple[int, int]) -> float | None:
        key = (fmt, grid, case, span)
        if key not in self._best:
            self._best[key] = self._search(fmt, grid, case, span)
        return self._best[key]

    def _search(self, fmt, grid, case, span) -> float | None:
        scales = self.scales
        if self.kit(fmt).photo_led:
            scales = tuple(s for s in scales if s <= 1.0 + 1e-9)
        if self._fits(fmt, grid, case, span, scales[0]) is not None:
            return scales[0]
        if self._fits(fmt, grid, case, span, scales[-1]) is None:
            return None
        lo, hi = len(scales) - 1, 0  # fits at lo, not at hi
        while lo - hi > 1:
            mid = (lo + hi) // 2
            if self._fits(fmt, grid, case, span, scales[mid]) is not None:
                lo = mid
            else:
                hi = mid
        return scales[lo]

    def misfit(self, fmt: Format, grid: tuple[int, int], case: Case) -> Misfit:
        g = geometry(fmt, self.template(fmt), *grid)
        _, _, w, h = g.rect(0, 0, *grid)
        try:
            case_card(self.kit(fmt), case, 0.0, 0.0, w, h, self.scales[-1], 0.0, g.module_w)
        except CardOverflow as exc:
            message, hint = exc.describe()
            return Misfit(case, exc.field, message, hint)
        return Misfit(case, "summary", "does not fit its card", "shorten the text")

    def photo(self, fmt: Format, grid: tuple[int, int], cases: list[Case],
              scale: float) -> float:
        kit = self.kit(fmt)
        g = geometry(fmt, self.template(fmt), *grid)
        least = kit.least_photo(g.module_w)
        slack = [self._fits(fmt, grid, c, (1, 1), scale) for c in cases]
        room = min((s for s in slack if s is not None), default=0.0)
        most = g.module_w * kit.card.photo_ratio_max
        return math.floor(min(most, least + max(0.0, room)) * 100) / 100  # never over

    def overflow_field(self, fmt: Format, grid: tuple[int, int], case: Case,
                       scale: float) -> str:
        g = geometry(fmt, self.template(fmt), *grid)
        try:
            case_card(self.kit(fmt), case, 0.0, 0.0, g.module_w, g.module_h, scale, 0.0,
                      g.module_w)
        except CardOverflow as exc:
            return exc.field
        return "summary"

    def room(self, fmt: Format, grid: tuple[int, int], case: Case, scale: float) -> float:
        return self._fits(fmt, grid, case, (1, 1), scale) or 0.0

    def spare_kinds(self, fmt: Format) -> tuple[str, ...]:
        return self.template(fmt).spare_kinds()
