"""Lay out one panel: (template, format, panel content, fonts) → Page.

Pure: reads the plan, the template and the style, measures text through
``standpress.text``, and returns frozen boxes in millimetres. Every size and
every line break is decided here; nothing about PDF is known here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import FitError, Problem
from ..model import Campaign, Format, Location, MapData
from ..plan import PanelPlan, StandPlan
from ..text.fonts import load_font
from .fit import Bases, DoesNotFit, SetBlock, base_sizes, fit_block, fit_display
from .frame import CMYK, QR, Item, Page, Rect
from .marks import slug_line
from .qr import QUIET, min_code_size, qr_modules, total_size
from .templates import ItemSpec, Style, Template, TextStyle


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


def layout_panel(inp: PanelInput) -> Page:
    fmt = inp.stand.format
    body_font = load_font("regular", str(inp.style.fonts["regular"]))
    bases = base_sizes(fmt, inp.style, body_font.metrics.x_height)
    lay = _Layout(inp, fmt, bases)
    for spec in inp.template.panels[inp.panel.kind]:
        lay.item(spec)
    loc = inp.stand.location
    p = inp.panel
    title = f"{inp.campaign.title} {inp.campaign.year} — {loc.short_name} — панель {p.number}"
    slug = (f"{inp.campaign.title} {inp.campaign.year} · {loc.id} · {p.name} "
            f"({p.number}/{len(inp.stand.panels)}) · конструкція {p.unit}, бік {p.side} · "
            f"{fmt.id} · обріз {fmt.width:g}×{fmt.height:g} мм · виліт {fmt.bleed:g} мм · "
            f"масштаб {fmt.scale_label} · {inp.slug_date}")
    return Page(width=fmt.width, height=fmt.height, bleed=fmt.bleed, items=tuple(lay.items),
                fonts={k: str(v) for k, v in inp.style.all_fonts.items()}, title=title, slug=slug,
                slug_text=slug_line(slug, fmt.width, fmt.height, fmt.bleed, inp.style),
                meta={"stand": loc.id, "panel": p.name, "kind": p.kind, "unit": str(p.unit),
                      "side": p.side, "cases": " ".join(c.id for c in p.cases)},
                unit=fmt.page_unit, marks=fmt.marks)


RICH_BLACK_AREA = 100 * 100  # mm²: black fills larger than this are printed in rich black

_BIND = re.compile(r"\{([a-z_]+(?:\.[a-z_0-9]+)*)\}")


class _Layout:
    def __init__(self, inp: PanelInput, fmt: Format, bases: Bases):
        self.inp, self.fmt, self.bases, self.style = inp, fmt, bases, inp.style
        self.items: list[Item] = []
        s = fmt.safe
        self.sx, self.sy = s, s
        self.sw, self.sh = fmt.width - 2 * s, fmt.height - 2 * s
        cases = inp.stand.cases
        p = inp.panel
        first = cases.index(p.cases[0]) + 1 if p.cases else 0
        districts = [d for d in inp.stand.location.serves]
        self.context: dict[str, Any] = {
            "campaign": inp.campaign,
            "stand": inp.stand.location,
            "format": fmt,
            "panel": {
                "number": str(p.number), "count": str(len(inp.stand.panels)),
                "districts": _districts_label(districts),
                "range": (f"кейси {first}–{first + len(p.cases) - 1} з {len(cases)}"
                          if len(p.cases) > 1 else f"кейс {first} з {len(cases)}") if p.cases else "",
                "cases": str(len(cases)),
                "catalogue_url": _printed_url(inp.campaign.catalogue_url),
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
        whole = _BIND.fullmatch(template.strip())
        if whole:
            value = self._lookup(whole.group(1), spec)
            if isinstance(value, (list, tuple)):
                return [str(v) for v in value]
            return [str(value)] if str(value) else []
        text = _BIND.sub(lambda m: str(self._lookup(m.group(1), spec)), template)
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

    # -- items ------------------------------------------------------------
    def item(self, spec: ItemSpec) -> None:
        getattr(self, f"_item_{spec.type}")(spec)

    def _item_fill(self, spec: ItemSpec) -> None:
        x, y, w, h = self.rect(spec)
        x0, y0, x1, y1 = x, y, x + w, y + h
        b = self.fmt.bleed
        sides = spec.options.get("bleed", [])
        if "top" in sides:
            y0 = -b
        if "bottom" in sides:
            y1 = self.fmt.height + b
        if "left" in sides:
            x0 = -b
        if "right" in sides:
            x1 = self.fmt.width + b
        color = self.color(spec.options["color"])
        if color == (0.0, 0.0, 0.0, 100.0) and (x1 - x0) * (y1 - y0) > RICH_BLACK_AREA \
                and "rich_black" in self.style.palette:
            color = self.color("rich_black")  # a large area in plain K prints grey and blotchy
        self.items.append(Rect(x0, y0, x1 - x0, y1 - y0, fill=color))

    def _item_rule(self, spec: ItemSpec) -> None:
        x, y, w, h = self.rect(spec)
        weight = float(spec.options.get("weight", 0.0)) or self.bases.body * 0.12
        self.items.append(Rect(x, y, w, weight, fill=self.color(spec.options.get("color", "ink"))))

    def _item_text(self, spec: ItemSpec) -> None:
        x, y, w, h = self.rect(spec)
        ts = self.style.text[spec.options.get("style", "body")]
        paragraphs = self.resolve(spec.options.get("text", ""), spec)
        if not paragraphs:
            return
        block = self.set(paragraphs, ts, w, h, spec.options.get("text", ""), spec.where)
        valign = spec.options.get("valign", "top")
        dy = {"bottom": h - block.height, "center": (h - block.height) / 2}.get(valign, 0.0)
        self.items.extend(block.moved(x, y + dy))

    def set(self, paragraphs: list[str], ts: TextStyle, w: float, h: float, field: str,
            where: str, scale: float = 1.0, color: CMYK | None = None) -> SetBlock:
        if ts.fit == "frame":
            return fit_display(" ".join(paragraphs), ts, w, h, self.style, color)
        try:
            return fit_block(paragraphs, ts, w, h, self.bases, self.style, scale, color)
        except DoesNotFit as exc:
            raise FitError("text does not fit", [Problem(
                f"{field.strip('{}')}: {exc.reason} at the minimum legible size "
                f"{exc.size:.1f} mm ({_overflow(exc.overflow)})", where,
                hint="shorten the text or give the frame more room in the template")]) from None

    def _item_figures(self, spec: ItemSpec) -> None:
        x, y, w, h = self.rect(spec)
        figures = self.inp.campaign.figures
        if not figures:
            return
        gap = w * 0.06
        col = (w - gap * (len(figures) - 1)) / len(figures)
        vs = self.style.text[spec.options.get("value_style", "figure")]
        ls = self.style.text[spec.options.get("label_style", "body")]
        for i, fig in enumerate(figures):
            cx = x + i * (col + gap)
            value = fit_display(fig.value, vs, col, h * 0.55, self.style)
            self.items.extend(value.moved(cx, y))
            label_top = y + value.height + max(self.bases.body * 0.6, value.size * 0.26)
            label = self.set([fig.label], ls, col, y + h - label_top, "campaign.figures", spec.where)
            self.items.extend(label.moved(cx, label_top))

    def _item_qr(self, spec: ItemSpec) -> None:
        """The code's dark modules fill the frame's corner; its quiet zone (light,
        4 modules) lies around it and may reach into the margin beside the frame."""
        x, y, w, h = self.rect(spec)
        data = " ".join(self.resolve(spec.options.get("url", ""), spec))
        role = spec.options.get("role", "catalogue")
        distance = self.fmt.viewing_distance if role == "catalogue" else self.fmt.scan_distance
        code = min_code_size(distance)
        if spec.options.get("fill"):  # as large as the frame allows, never below the minimum
            code = max(code, min(w, h))
        if code > min(w, h) + 1e-6:
            raise FitError("a QR code does not fit", [Problem(
                f"the QR code must be at least {code:.0f} mm wide to scan from {distance:g} m, "
                f"but the frame is {min(w, h):.0f} mm", spec.where,
                hint="make the frame larger in the template")])
        modules = qr_modules(data)
        size = total_size(code, data)
        inset = size * QUIET / len(modules)
        self.items.append(Rect(x - inset, y - inset, size, size, fill=self.color("paper")))
        self.items.append(QR(x - inset, y - inset, size, modules, self.color("ink"), None, data))
        # caption column beside the code: heading, text, the address in words
        gap = max(inset, self.bases.body)
        tx, tw = x + code + gap, w - code - gap
        ty = y
        parts = []
        if "caption" in spec.options:
            parts.append(("caption_style", "heading", spec.options["caption"]))
        if "text" in spec.options:
            parts.append(("text_style", "partner", spec.options["text"]))
        if not spec.options.get("fill"):
            parts.append(("url_style", "url", None))
        for key, default, text in parts:
            ts = self.style.text[spec.options.get(key, default)]
            paras = [_printed_url(data)] if text is None else self.resolve(text, spec)
            block = self.set(paras, ts, tw, h - (ty - y), text or "url", spec.where)
            self.items.extend(block.moved(tx, ty))
            ty += block.height + self.bases.body * 0.5

    def _item_cards(self, spec: ItemSpec) -> None:
        from .cards import layout_cards

        self.items.extend(layout_cards(self, spec))

    def _item_map(self, spec: ItemSpec) -> None:
        from .locator import layout_map

        self.items.extend(layout_map(self, spec))

    def _item_locations(self, spec: ItemSpec) -> None:
        from .locator import layout_locations

        self.items.extend(layout_locations(self, spec))


def _overflow(mm: float) -> str:
    return "a word is wider than the frame" if math.isinf(mm) else f"{mm:.0f} mm over"


def _districts_label(districts: list[str]) -> str:
    if not districts:
        return ""
    if len(districts) == 1:
        return f"{districts[0]} район"
    return ", ".join(districts[:-1]) + f" і {districts[-1]} райони"


def _printed_url(url: str) -> str:
    """The address as printed beside its code: no scheme, no trailing slash."""
    return url.replace("https://", "").replace("http://", "").rstrip("/")
