"""Load the design: ``templates/style.toml``, the panel templates and the fonts.

Files → frozen objects (``layout.templates``): every problem of the style sheet and
of every template in one pass, each with its file, line and key. Fonts are read
here (``FontBook``); layout receives them loaded and reads no file.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path

from ..errors import InputError, Problem, display_path
from ..layout.templates import (ALIGNS, ITEM_TYPES, OPTIONAL_KINDS, PANEL_KINDS, ROLES,
                                SPARE_KINDS, STYLE_KEYS, CardSpec, Design, ItemSpec, Setting,
                                Style, Template, TextStyle)
from ..model import CMYK, Project
from ..text.fonts import FontStack, font_stack
from .tomlpos import TomlPositions

SETTING_KEYS = {"justify_min_chars": int, "max_word_stretch": float, "max_word_shrink": float,
                "min_last_line_chars": int}
CARD_KEYS = {"photo_ratio", "photo_ratio_max", "qr_scale", "padding", "ground", "measure_chars",
             "title_chars", "aspect", "gap", "omit", "omit_narrow", "spare", "howto", "index_heading"}
OMITTABLE = ("summary", "partner", "organization", "photo_credit")


class FontBook:
    """The loaded font stacks of a style sheet, by key.

    Made by the loader; pickles as its files (a worker process loads them again on
    arrival) and compares and prints by them, so it can key a cache entry.
    """

    def __init__(self, files: tuple[tuple[str, str], ...],
                 fallback: tuple[tuple[str, str], ...] = ()):
        self.files, self.fallback = files, fallback
        self.stacks: dict[str, FontStack] = {k: font_stack(k, p, fallback) for k, p in files}

    def __reduce__(self):
        return (FontBook, (self.files, self.fallback))

    def __repr__(self) -> str:
        return f"FontBook({self.files!r}, {self.fallback!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FontBook) and (self.files, self.fallback) == (
            other.files, other.fallback)

    def __hash__(self) -> int:
        return hash((self.files, self.fallback))


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


def load_design(project: Project) -> Design:
    """The style sheet and the templates of every format, checked against each format."""
    style = load_style(project.root / "templates" / "style.toml", project.root / "fonts")
    templates: dict[str, Template] = {}
    problems: list[Problem] = []
    tried: set[str] = set()
    for fmt in project.formats.values():
        if fmt.template not in tried:
            tried.add(fmt.template)
            try:
                templates[fmt.template] = load_template(
                    project.root / "templates" / f"{fmt.template}.toml", style)
            except InputError as exc:
                problems += exc.problems
    for fmt in project.formats.values():
        for name, cmyk in style.palette.items():
            if sum(cmyk) > fmt.ink_limit:
                problems.append(Problem(
                    f'colour "{name}" has {sum(cmyk):g} % total ink, over the {fmt.ink_limit:g} % '
                    f'limit of format «{fmt.id}»', str(style.source), None, f"palette.{name}",
                    "lower C, M, Y or K, or raise ink_limit if the printer allows"))
    InputError.collect(problems, "the templates are not valid")
    return Design(style, templates)


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
    styles = _text_styles(data, fonts, palette, err)
    setting = _setting(data.get("setting") or {}, err)
    leg = data.get("legibility") or {}
    InputError.collect(problems, f"{shown} is not a valid style sheet")
    book = FontBook(tuple((k, str(p)) for k, p in fonts.items()),
                    tuple((k, str(p)) for k, p in fallback))
    return Style(fonts=fonts, palette=palette, text=styles, fallback=tuple(fallback),
                 body_angle_deg=float(leg.get("body_angle_deg", 0.2)),
                 heading_factor=float(leg.get("heading_factor", 1.5)), source=path,
                 setting=setting, book=book)


def _setting(table: dict, err) -> Setting:
    values = {}
    for key, value in table.items():
        kind = SETTING_KEYS.get(key)
        if kind is None:
            close = difflib.get_close_matches(key, sorted(SETTING_KEYS), n=1)
            err(f"setting.{key}", f'unknown key "{key}"',
                f'did you mean "{close[0]}"?' if close else "known: " + ", ".join(SETTING_KEYS))
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or (
                kind is int and value != int(value)):
            err(f"setting.{key}", f"{value!r} is not a {'whole ' if kind is int else ''}number ≥ 0")
            continue
        values[key] = kind(value)
    return Setting(**values)


def _text_styles(data: dict, fonts: dict, palette: dict, err) -> dict[str, TextStyle]:
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
    return styles


def _card(table: dict, style: Style, err) -> CardSpec:
    for key in table:
        if key not in CARD_KEYS:
            close = difflib.get_close_matches(key, sorted(CARD_KEYS), n=1)
            err(f"card.{key}", f'unknown key "{key}"', f'did you mean "{close[0]}"?' if close else
                "known: " + ", ".join(sorted(CARD_KEYS)))
    values: dict = {}
    for key in ("photo_ratio", "photo_ratio_max", "qr_scale", "padding", "measure_chars",
                "title_chars", "aspect", "gap"):
        if key in table:
            v = table[key]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0:
                err(f"card.{key}", f"{v!r} is not a positive number")
                continue
            values[key] = float(v)
    for key in ("ground",):
        if key in table:
            if table[key] not in style.palette:
                err(f"card.{key}", f'colour "{table[key]}" is not in the palette')
            values[key] = str(table[key])
    for key in ("howto", "index_heading"):
        if key in table:
            values[key] = str(table[key])
    for key, unit, example in (("omit", "viewing distance in metres", "{ summary = 5.0 }"),
                               ("omit_narrow", "width of the safe area in body ems",
                                "{ summary = 40 }")):
        omit = table.get(key, {})
        if not isinstance(omit, dict):
            err(f"card.{key}", f"{key} must be a table: field = {unit}", f"e.g. {key} = {example}")
            omit = {}
        pairs = []
        for name, value in omit.items():
            if name not in OMITTABLE:
                err(f"card.{key}.{name}", f'"{name}" cannot be left out',
                    "fields a format may leave out: " + ", ".join(OMITTABLE))
            elif not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                err(f"card.{key}.{name}", f"{value!r} is not a {unit}")
            else:
                pairs.append((name, float(value)))
        values[key] = tuple(pairs)
    if "spare" in table:
        spare = table["spare"]
        bad = [s for s in spare if s not in SPARE_KINDS] if isinstance(spare, list) else [spare]
        if bad:
            err("card.spare", f"{bad!r}: not what a spare card can carry",
                "use some of: " + ", ".join(SPARE_KINDS))
        else:
            values["spare"] = tuple(spare)
    return CardSpec(**values)


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
    card = _card(dict(data.get("card") or {}), style, err)
    InputError.collect(problems, f"{shown} is not a valid template")
    return Template(name=path.stem, orientation=orientation, panels=panels, card=card,
                    source=path)
