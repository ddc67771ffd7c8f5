"""What every item of a panel is laid out against: ``PanelInput`` and ``Layout``.

The lower module of the layout stage: ``panels``, ``cards`` and ``locator`` read it,
it reads none of them. ``Layout`` holds the panel's safe area, its minimum sizes, the
values templates may bind (``{campaign.…}``, ``{stand.…}``, ``{format.…}``,
``{panel.…}``) and the items laid out so far.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import FitError, Problem
from ..model import Campaign, Format, Location, MapData
from ..plan import PanelPlan, StandPlan
from .fit import Bases, DoesNotFit, SetBlock, base_sizes, fit_block, fit_display
from .frame import CMYK, Item
from .templates import ItemSpec, Style, Template, TextStyle

BIND = re.compile(r"\{([a-z_]+(?:\.[a-z_0-9]+)*)\}")


@dataclass(frozen=True)
class PanelInput:
    """Everything one panel depends on (and nothing else)."""

    campaign: Campaign
    stand: StandPlan
    panel: PanelPlan
    template: Template
    style: Style
    locations: tuple[Location, ...]
    map: MapData
    slug_date: str


def bases_for(fmt: Format, style: Style) -> Bases:
    return base_sizes(fmt, style, style.stack("regular").metrics.x_height)


class Layout:
    def __init__(self, inp: PanelInput, fmt: Format, bases: Bases):
        self.inp, self.fmt, self.bases, self.style = inp, fmt, bases, inp.style
        self.items: list[Item] = []
        s = fmt.safe
        self.sx, self.sy = s, s
        self.sw, self.sh = fmt.width - 2 * s, fmt.height - 2 * s
        cases = inp.stand.cases
        p = inp.panel
        first = cases.index(p.cases[0]) + 1 if p.cases else 0
        districts = list(inp.stand.location.serves)
        self.context: dict[str, Any] = {
            "campaign": inp.campaign,
            "stand": inp.stand.location,
            "format": fmt,
            "panel": {
                "number": str(p.number), "count": str(len(inp.stand.panels)),
                "districts": districts_label(districts),
                "range": (f"кейси {first}–{first + len(p.cases) - 1} з {len(cases)}"
                          if len(p.cases) > 1 else f"кейс {first} з {len(cases)}") if p.cases else "",
                "cases": str(len(cases)),
                "catalogue_url": printed_url(inp.campaign.catalogue_url),
            },
        }

    # -- geometry ---------------------------------------------------------
    def rect(self, spec: ItemSpec) -> tuple[float, float, float, float]:
        x, y, w, h = spec.rect
        return self.sx + x * self.sw, self.sy + y * self.sh, w * self.sw, h * self.sh

    def color(self, name: str) -> CMYK:
        return self.style.color(name)

    # -- bindings ---------------------------------------------------------
    def resolve(self, template: str, spec: ItemSpec) -> list[str]:
        """``"{campaign.intro}"`` → its paragraphs; other strings are filled in."""
        whole = BIND.fullmatch(template.strip())
        if whole:
            value = self._lookup(whole.group(1), spec)
            if isinstance(value, (list, tuple)):
                return [str(v) for v in value]
            return [str(value)] if str(value) else []
        text = BIND.sub(lambda m: str(self._lookup(m.group(1), spec)), template)
        return [text] if text.strip() else []

    def _lookup(self, path: str, spec: ItemSpec) -> Any:
        head, *rest = path.split(".")
        if head not in self.context:
            raise FitError("a template names an unknown value", [Problem(
                f'"{{{path}}}" is not a value templates can use', spec.where,
                hint="use campaign.…, stand.…, format.… or panel.…")])
        value = self.context[head]
        for part in rest:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif not isinstance(value, dict) and not part.startswith("_") and hasattr(value, part):
                value = getattr(value, part)
            else:
                raise FitError("a template names an unknown value", [Problem(
                    f'"{{{path}}}": "{part}" is unknown', spec.where)])
        return value

    # -- text -------------------------------------------------------------
    def set(self, paragraphs: list[str], ts: TextStyle, w: float, h: float, field: str,
            where: str, scale: float = 1.0, color: CMYK | None = None) -> SetBlock:
        if ts.fit == "frame":
            return fit_display(" ".join(paragraphs), ts, w, h, self.style, color)
        try:
            return fit_block(paragraphs, ts, w, h, self.bases, self.style, scale, color)
        except DoesNotFit as exc:
            name = field.strip("{}") if field.count("{") <= 1 else f"«{field}»"
            if exc.word:
                raise FitError("text does not fit", [Problem(
                    f"{name}: the word «{exc.word}» is wider than its frame "
                    f"({exc.width:.0f} mm) at the minimum legible size {exc.size:.1f} mm",
                    where, hint=f"widen the frame of {name} in the template, or lower "
                                f"text.{ts.name}.min in style.toml (it is {ts.min:g})")]) from None
            hint = "shorten the text or give the frame more room in the template"
            if self.sw / self.bases.body < 40:  # a small format read from afar
                hint += (f'; «{self.fmt.id}» is only {self.sw / self.bases.body:.0f} body ems wide '
                         'at its viewing distance: template = "poster" is made for that')
            raise FitError("text does not fit", [Problem(
                f"{name}: {exc.reason} at the minimum legible size "
                f"{exc.size:.1f} mm ({overflow_words(exc.overflow)})", where,
                hint=hint)]) from None


def overflow_words(mm: float) -> str:
    return "a word is wider than the frame" if math.isinf(mm) else f"{mm:.0f} mm over"


def districts_label(districts: list[str]) -> str:
    if not districts:
        return ""
    if len(districts) == 1:
        return f"{districts[0]} район"
    return ", ".join(districts[:-1]) + f" і {districts[-1]} райони"


def printed_url(url: str) -> str:
    """The address as printed beside its code: no scheme, no trailing slash."""
    return url.replace("https://", "").replace("http://", "").rstrip("/")
