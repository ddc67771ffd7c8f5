"""Load and validate the style sheet and the panel templates (TOML).

A template places items on each kind of panel in units of the SAFE AREA:
``rect = [x, y, w, h]`` with 0..1 fractions from its top-left corner, so one
template serves every format of its orientation. ``bleed = ["top", …]``
extends a fill through the margin and the bleed on those sides.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, display_path
from ..load.tomlpos import TomlPositions
from ..model import CMYK

PANEL_KINDS = ("cover", "cases", "locator")
OPTIONAL_KINDS = ("catalogue",)  # a template may leave these out
ITEM_TYPES = {
    "fill": {"rect", "color", "bleed"},
    "text": {"rect", "style", "text", "valign"},
    "qr": {"rect", "url", "role", "caption", "text", "caption_style", "text_style", "url_style",
           "fill"},
    "figures": {"rect", "value_style", "label_style"},
    "cards": {"rect", "cols", "rows", "gap"},
    "map": {"rect"},
    "locations": {"rect", "style", "here_style", "cols"},
    "rule": {"rect", "color", "weight"},
}
STYLE_KEYS = {"font", "role", "size", "min", "leading", "color", "align", "hyphenate", "fit", "upper"}
ROLES = ("body", "heading", "caption")
ALIGNS = ("left", "right", "center", "justify", "balanced")


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
class Style:
    fonts: dict[str, Path]
    palette: dict[str, CMYK]
    text: dict[str, TextStyle]
    body_angle_deg: float
    heading_factor: float
    source: Path
    fallback: tuple[tuple[str, Path], ...] = ()  # (key, file) tried in order for missing glyphs

    def stack(self, key: str):
        """The font of style key ``key`` with the fallbacks behind it."""
        from ..text.fonts import font_stack

        return font_stack(key, str(self.fonts[key]),
                          tuple((k, str(p)) for k, p in self.fallback))

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
class Template:
    name: str
    orientation: str
    panels: dict[str, tuple[ItemSpec, ...]]
    card: dict[str, Any]
    source: Path

    def has(self, kind: str) -> bool:
        return bool(self.panels.get(kind))

    def cards_per_panel(self) -> int:
        for spec in self.panels.get("cases", ()):
            if spec.type == "cards":
                return int(spec.options.get("cols", 2)) * int(spec.options.get("rows", 2))
        return 0


def _read(path: Path) -> tuple[dict, TomlPositions, str]:
    shown = display_path(path)
    try:
        raw = path.read_text(encoding="utf-8")
        return tomllib.loads(raw), TomlPositions(raw), shown
    except FileNotFoundError:
        raise InputError("template not found", [Problem("file not found", shown)]) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        raise InputError("cannot parse a template", [Problem(
            f"not valid TOML: {str(exc).split(' (at line')[0]}", shown,
            f"{m.group(1)}:{m.group(2)}" if m else None)]) from None


def load_style(path: Path, fonts_dir: Path) -> Style:
    data, pos, shown = _read(path)
    problems: list[Problem] = []

    def err(key: str, msg: str, hint: str | None = None) -> None:
        problems.append(Problem(msg, shown, pos.find(key), key, hint))

    fonts: dict[str, Path] = {}
    fallback: list[tuple[str, Path]] = []
    font_table = dict(data.get("fonts") or {})
    for i, name in enumerate(font_table.pop("fallback", []) or []):
        f = fonts_dir / str(name)
        if not f.is_file():
            err("fonts.fallback", f'fallback font "{name}" not found in {display_path(fonts_dir)}',
                "copy the .ttf into fonts/ or fix the name")
        fallback.append((f"fallback{i + 1}", f))
    for key, name in font_table.items():
        f = fonts_dir / str(name)
        if not f.is_file():
            err(f"fonts.{key}", f'font file "{name}" not found in {display_path(fonts_dir)}',
                "copy the .ttf into fonts/ or fix the name")
        fonts[key] = f
    palette: dict[str, CMYK] = {}
    for key, value in (data.get("palette") or {}).items():
        if (not isinstance(value, list) or len(value) != 4
                or not all(isinstance(v, (int, float)) and 0 <= v <= 100 for v in value)):
            err(f"palette.{key}", f"{value!r} is not a CMYK colour",
                "write four percentages, e.g. [100, 72, 0, 10]")
            continue
        palette[key] = tuple(float(v) for v in value)  # type: ignore[assignment]
    for required in ("ink", "paper"):
        if required not in palette:
            err("palette", f'the palette needs a colour named "{required}"')
    styles: dict[str, TextStyle] = {}
    for name, t in (data.get("text") or {}).items():
        p = f"text.{name}."
        for key in t:
            if key not in STYLE_KEYS:
                close = difflib.get_close_matches(key, sorted(STYLE_KEYS), n=1)
                err(p + key, f'unknown key "{key}"', f'did you mean "{close[0]}"?' if close else None)
        font = t.get("font", "regular")
        if font not in fonts:
            err(p + "font", f'font "{font}" is not in [fonts]', "known: " + ", ".join(fonts))
        color = t.get("color", "ink")
        if color not in palette:
            err(p + "color", f'colour "{color}" is not in [palette]', "known: " + ", ".join(palette))
        fit = t.get("fit", "")
        role = t.get("role", "" if fit else "body")
        if not fit and role not in ROLES:
            err(p + "role", f'role "{role}" is unknown', "use one of: " + ", ".join(ROLES))
        align = t.get("align", "left")
        if align not in ALIGNS:
            err(p + "align", f'"{align}" is not an alignment', "use one of: " + ", ".join(ALIGNS))
        size, minimum = float(t.get("size", 1.0)), float(t.get("min", 1.0))
        if not fit and minimum < 1.0:
            err(p + "min", f"{minimum:g} is below the legible minimum of its role",
                "min must be at least 1.0 (the size derived from the viewing distance)")
        if not fit and size < minimum:
            err(p + "size", f"size {size:g} is below min {minimum:g}")
        styles[name] = TextStyle(
            name=name, font=font, role=role, size=size, min=minimum,
            leading=float(t.get("leading", 1.25)), color=color, align=align,
            hyphenate=bool(t.get("hyphenate", False)), fit=fit, upper=bool(t.get("upper", False)))
    leg = data.get("legibility") or {}
    InputError.collect(problems, f"{shown} is not a valid style sheet")
    return Style(fonts=fonts, palette=palette, text=styles, fallback=tuple(fallback),
                 body_angle_deg=float(leg.get("body_angle_deg", 0.2)),
                 heading_factor=float(leg.get("heading_factor", 1.5)), source=path)


def load_template(path: Path, style: Style) -> Template:
    data, pos, shown = _read(path)
    problems: list[Problem] = []

    def err(key: str, msg: str, hint: str | None = None) -> None:
        problems.append(Problem(msg, shown, pos.find(key), key, hint))

    panels: dict[str, tuple[ItemSpec, ...]] = {}
    for kind in PANEL_KINDS + OPTIONAL_KINDS:
        items = (data.get(kind) or {}).get("item") or []
        if not items and kind in OPTIONAL_KINDS:
            continue
        if not items:
            err(kind, f'no [[{kind}.item]] in the template', f"every template lays out {kind} panels")
        specs = []
        for i, t in enumerate(items):
            key = f"{kind}.item[{i}]"
            where = f"{shown}:{pos.find(key) or ''}"
            typ = t.get("type")
            if typ not in ITEM_TYPES:
                err(key + ".type", f'unknown item type "{typ}"', "use one of: " + ", ".join(ITEM_TYPES))
                continue
            for k in t:
                if k != "type" and k not in ITEM_TYPES[typ]:
                    err(f"{key}.{k}", f'"{k}" is not an option of a {typ} item',
                        "options: " + ", ".join(sorted(ITEM_TYPES[typ])))
            rect = t.get("rect")
            if (not isinstance(rect, list) or len(rect) != 4
                    or not all(isinstance(v, (int, float)) for v in rect)
                    or rect[2] <= 0 or rect[3] <= 0
                    or rect[0] < 0 or rect[1] < 0
                    or rect[0] + rect[2] > 1.0001 or rect[1] + rect[3] > 1.0001):
                err(f"{key}.rect", f"{rect!r} is not a frame inside the safe area",
                    "rect = [x, y, w, h], fractions 0..1 of the safe area")
                continue
            for opt in ("style", "value_style", "label_style", "here_style", "caption_style",
                        "text_style", "url_style"):
                if opt in t and t[opt] not in style.text:
                    err(f"{key}.{opt}", f'style "{t[opt]}" is not in the style sheet',
                        "known: " + ", ".join(style.text))
            if "color" in t and t["color"] not in style.palette:
                err(f"{key}.color", f'colour "{t["color"]}" is not in the palette')
            for side in t.get("bleed", []):
                if side not in ("top", "bottom", "left", "right"):
                    err(f"{key}.bleed", f'"{side}" is not a side', "top, bottom, left or right")
            opts = {k: v for k, v in t.items() if k not in ("type", "rect")}
            specs.append(ItemSpec(typ, tuple(float(v) for v in rect), opts, where))  # type: ignore[arg-type]
        panels[kind] = tuple(specs)
    orientation = data.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        err("orientation", f'"{orientation}" is not an orientation', "portrait or landscape")
    InputError.collect(problems, f"{shown} is not a valid template")
    return Template(name=path.stem, orientation=orientation, panels=panels,
                    card=dict(data.get("card") or {}), source=path)
