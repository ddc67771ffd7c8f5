"""The design vocabulary layout reads: text styles, the style sheet, panel templates.

Frozen objects made by ``standpress.load.design`` from ``templates/*.toml`` and the
font files; layout only reads them. A template places items on each kind of panel
in units of the SAFE AREA: ``rect = [x, y, w, h]`` with 0..1 fractions from its
top-left corner, so one template serves every format of its orientation. Case
panels hold a ``cards`` item whose grid layout computes from the format
(``layout.grid``); the template's ``[card]`` table says what a card shows and which
fields a far format may leave out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import CMYK
from ..text.fonts import FontStack

PANEL_KINDS = ("cover", "cases", "locator")
OPTIONAL_KINDS = ("catalogue",)  # a template may leave these out
ITEM_TYPES = {
    "fill": {"rect", "color", "bleed"},
    "text": {"rect", "style", "text", "valign"},
    "qr": {"rect", "url", "role", "caption", "text", "caption_style", "text_style", "url_style",
           "fill"},
    "figures": {"rect", "value_style", "label_style"},
    "cards": {"rect", "gap"},
    "map": {"rect"},
    "locations": {"rect", "style", "here_style", "cols"},
    "rule": {"rect", "color", "weight"},
}
STYLE_KEYS = {"font", "role", "size", "min", "leading", "color", "align", "hyphenate", "fit", "upper"}
ROLES = ("body", "heading", "caption")
ALIGNS = ("left", "right", "center", "justify", "balanced")
SPARE_KINDS = ("index", "howto", "intro", "ceremony", "figures")  # what a spare card may carry
# where a spare kind's content is bound on a panel: a template that prints it elsewhere
# (the cover's figures, its intro) never gets it on a spare card as well
SPARE_SOURCES = {"figures": ("{campaign.figures}",), "intro": ("{campaign.intro}",),
                 "ceremony": ("{campaign.ceremony}", "{campaign.ceremony_heading}")}


@dataclass(frozen=True)
class TextStyle:
    name: str
    font: str
    role: str  # body | heading | caption | "" for display styles
    size: float  # multiple of the role's minimum
    min: float
    leading: float
    color: str
    align: str
    hyphenate: bool
    fit: str  # "" or "frame"
    upper: bool


@dataclass(frozen=True)
class Setting:
    """The one rule for body text (``[setting]`` in style.toml)."""

    justify_min_chars: int = 60  # justified from this measure on, ragged-right below it
    max_word_stretch: float = 0.5  # of a word space
    max_word_shrink: float = 0.15
    min_last_line_chars: int = 5


@dataclass(frozen=True)
class Style:
    fonts: dict[str, Path]
    palette: dict[str, CMYK]
    text: dict[str, TextStyle]
    body_angle_deg: float
    heading_factor: float
    source: Path
    fallback: tuple[tuple[str, Path], ...] = ()  # (key, file) tried in order for missing glyphs
    setting: Setting = Setting()
    # the loaded fonts (``load.design.FontBook``: key → FontStack), made by the loader
    book: Any = field(default=None, compare=False)

    def stack(self, key: str) -> FontStack:
        """The font of style key ``key`` with the fallbacks behind it (loaded by the loader)."""
        if self.book is None:
            raise ValueError("this style sheet has no loaded fonts: make it with "
                             "standpress.load.design.load_style")
        return self.book.stacks[key]

    @property
    def all_fonts(self) -> dict[str, Path]:
        """Every font a page may use, fallbacks included: key → file."""
        return {**self.fonts, **dict(self.fallback)}

    def color(self, name: str) -> CMYK:
        return self.palette[name]


@dataclass(frozen=True)
class ItemSpec:
    type: str
    rect: tuple[float, float, float, float]
    options: dict[str, Any]
    where: str  # "portrait.toml:12:1", for error messages


@dataclass(frozen=True)
class CardSpec:
    """What a case card shows and how (``[card]`` of a template)."""

    photo_ratio: float = 0.5  # least photo height / card width
    photo_ratio_max: float = 0.75
    qr_scale: float = 1.3
    padding: float = 0.05  # of the card width
    ground: str = "tint"
    measure_chars: float = 50.0  # the body measure a grid aims at, in characters
    title_chars: float = 26.0  # the title measure, for formats that leave the summary out
    aspect: float = 1.4  # card height / width a grid aims at
    gap: float = 0.03  # gutter, fraction of the safe width
    omit: tuple[tuple[str, float], ...] = ()  # (field, viewing distance in m from which it is left out)
    omit_narrow: tuple[tuple[str, float], ...] = ()  # (field, panel width in body ems below which)
    spare: tuple[str, ...] = SPARE_KINDS  # what spare cards carry, in this order
    howto: str = ""  # the text of a «how to read the stand» spare card
    index_heading: str = "На цьому стенді"

    def omits(self, field_name: str, distance: float, width_ems: float = float("inf")) -> bool:
        """Whether a format read from ``distance`` m, ``width_ems`` body ems wide (its safe
        area), leaves the field out."""
        return (any(f == field_name and distance >= d - 1e-9 for f, d in self.omit)
                or any(f == field_name and width_ems < e for f, e in self.omit_narrow))


@dataclass(frozen=True)
class Template:
    name: str
    orientation: str
    panels: dict[str, tuple[ItemSpec, ...]]
    card: CardSpec
    source: Path

    def has(self, kind: str) -> bool:
        return bool(self.panels.get(kind))

    def prints(self, kind: str) -> bool:
        """Whether a panel of the template already carries a spare kind's content."""
        binds = SPARE_SOURCES.get(kind, ())
        for specs in self.panels.values():
            for spec in specs:
                if kind == "figures" and spec.type == "figures":
                    return True
                if any(b in str(v) for v in spec.options.values() for b in binds):
                    return True
        return False

    def spare_kinds(self) -> tuple[str, ...]:
        """What spare cards carry, in the template's order, less what other panels print."""
        return tuple(k for k in self.card.spare if not self.prints(k))

    def cards_rect(self) -> tuple[float, float, float, float]:
        for spec in self.panels.get("cases", ()):
            if spec.type == "cards":
                return spec.rect
        return (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True)
class Design:
    """The style sheet and every template the formats name."""

    style: Style
    templates: dict[str, Template]
