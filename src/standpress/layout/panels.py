"""Lay out one panel: (template, format, panel content, loaded fonts) → Page.

Pure: reads the plan, the template and the style (fonts already loaded by
``load.design``), measures text through ``standpress.text``, and returns frozen boxes
in millimetres. Every size and every line break is decided here; nothing about PDF
is known here. Items of the template are drawn by the functions of ``ITEMS``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..errors import FitError, Problem
from .cards import CardKit, CardOverflow, case_card, field_title_size
from .context import Layout, PanelInput, bases_for, printed_url
from .fit import DoesNotFit, fit_display
from .frame import CMYK, QR, Item, Page, Rect
from .grid import geometry
from .locator import layout_locations, layout_map
from .marks import slug_line
from .qr import QUIET, min_code_size, qr_modules, total_size
from .spare import spare_card
from .templates import ItemSpec

RICH_BLACK_AREA = 100 * 100  # mm²: black fills larger than this are printed in rich black


def layout_panel(inp: PanelInput) -> Page:
    fmt = inp.stand.format
    lay = Layout(inp, fmt, bases_for(fmt, inp.style))
    for spec in inp.template.panels[inp.panel.kind]:
        try:
            lay.items.extend(ITEMS[spec.type](lay, spec))
        except DoesNotFit as exc:  # an item that set text without naming it: name the item
            what = f"the word «{exc.word}»" if exc.word else "its text"
            raise FitError("text does not fit", [Problem(
                f"{spec.type} item: {what} does not fit its frame"
                + (f" ({exc.width:.0f} mm wide)" if exc.word else f" ({exc.reason})")
                + f" at the minimum legible size {exc.size:.1f} mm", spec.where,
                hint="give the item a larger rect in the template, or a nearer "
                     "viewing_distance to the format")]) from None
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


def _fill(lay: Layout, spec: ItemSpec) -> list[Item]:
    x, y, w, h = lay.rect(spec)
    x0, y0, x1, y1 = x, y, x + w, y + h
    b = lay.fmt.bleed
    sides = spec.options.get("bleed", [])
    if "top" in sides:
        y0 = -b
    if "bottom" in sides:
        y1 = lay.fmt.height + b
    if "left" in sides:
        x0 = -b
    if "right" in sides:
        x1 = lay.fmt.width + b
    color: CMYK = lay.color(spec.options["color"])
    if color == (0.0, 0.0, 0.0, 100.0) and (x1 - x0) * (y1 - y0) > RICH_BLACK_AREA \
            and "rich_black" in lay.style.palette:
        color = lay.color("rich_black")  # a large area in plain K prints grey and blotchy
    return [Rect(x0, y0, x1 - x0, y1 - y0, fill=color)]


def _rule(lay: Layout, spec: ItemSpec) -> list[Item]:
    x, y, w, h = lay.rect(spec)
    weight = float(spec.options.get("weight", 0.0)) or lay.bases.body * 0.12
    return [Rect(x, y, w, weight, fill=lay.color(spec.options.get("color", "ink")))]


def _text(lay: Layout, spec: ItemSpec) -> list[Item]:
    x, y, w, h = lay.rect(spec)
    ts = lay.style.text[spec.options.get("style", "body")]
    paragraphs = lay.resolve(spec.options.get("text", ""), spec)
    if not paragraphs:
        return []
    block = lay.set(paragraphs, ts, w, h, spec.options.get("text", ""), spec.where)
    valign = spec.options.get("valign", "top")
    dy = {"bottom": h - block.height, "center": (h - block.height) / 2}.get(valign, 0.0)
    return list(block.moved(x, y + dy))


def _figures(lay: Layout, spec: ItemSpec) -> list[Item]:
    x, y, w, h = lay.rect(spec)
    figures = lay.inp.campaign.figures
    if not figures:
        return []
    gap = w * 0.06
    col = (w - gap * (len(figures) - 1)) / len(figures)
    vs = lay.style.text[spec.options.get("value_style", "figure")]
    ls = lay.style.text[spec.options.get("label_style", "body")]
    items: list[Item] = []
    for i, fig in enumerate(figures):
        cx = x + i * (col + gap)
        value = fit_display(fig.value, vs, col, h * 0.55, lay.style)
        items.extend(value.moved(cx, y))
        label_top = y + value.height + max(lay.bases.body * 0.6, value.size * 0.26)
        label = lay.set([fig.label], ls, col, y + h - label_top, "campaign.figures", spec.where)
        items.extend(label.moved(cx, label_top))
    return items


def _qr(lay: Layout, spec: ItemSpec) -> list[Item]:
    """The code's dark modules fill the frame's corner; its quiet zone (light,
    4 modules) lies around it and may reach into the margin beside the frame."""
    x, y, w, h = lay.rect(spec)
    data = " ".join(lay.resolve(spec.options.get("url", ""), spec))
    role = spec.options.get("role", "catalogue")
    distance = lay.fmt.viewing_distance if role == "catalogue" else lay.fmt.scan_distance
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
    items: list[Item] = [Rect(x - inset, y - inset, size, size, fill=lay.color("paper")),
                         QR(x - inset, y - inset, size, modules, lay.color("ink"), None, data)]
    # caption column beside the code: heading, text, the address in words
    gap = max(inset, lay.bases.body)
    tx, tw = x + code + gap, w - code - gap
    ty = y
    parts = []
    if "caption" in spec.options:
        parts.append(("caption_style", "heading", spec.options["caption"]))
    if "text" in spec.options:
        parts.append(("text_style", "partner", spec.options["text"]))
    if not spec.options.get("fill"):
        parts.append(("url_style", "url", None))
    reserve = 0.0  # the address in words is set last: keep its room
    if not spec.options.get("fill"):
        url_ts = lay.style.text[spec.options.get("url_style", "url")]
        reserve = lay.set([printed_url(data)], url_ts, tw, h, "url", spec.where).height \
            + lay.bases.body * 0.5
    for key, default, text in parts:
        ts = lay.style.text[spec.options.get(key, default)]
        paras = [printed_url(data)] if text is None else lay.resolve(text, spec)
        room = h - (ty - y) - (0.0 if text is None else reserve)
        block = lay.set(paras, ts, tw, room, text or "url", spec.where)
        items.extend(block.moved(tx, ty))
        ty += block.height + lay.bases.body * 0.5
    return items


def _cards(lay: Layout, spec: ItemSpec) -> list[Item]:
    """The panel's cards on the stand's grid, at the stand's scale (decided by the plan)."""
    stand, panel = lay.inp.stand, lay.inp.panel
    grid = stand.grid
    if grid is None or not panel.slots:
        return []
    g = geometry(lay.fmt, lay.inp.template, grid.cols, grid.rows)
    kit = CardKit(lay.style, lay.inp.template.card, lay.fmt, lay.bases)
    items: list[Item] = []
    photos = _row_photos(kit, g, panel.slots, grid.scale, grid.photo)
    cap = field_title_size(kit, stand.cases, g.module_w, grid.photo, grid.scale)
    for slot in panel.slots:
        x, y, w, h = g.rect(slot.col, slot.row, slot.cols, slot.rows)
        if slot.case is None:
            items += spare_card(lay, slot.spare, x, y, w, h, g.module_w, grid.scale)
            continue
        items += _case(kit, slot, (x, y, w, h), grid.scale, photos[slot], g.module_w, cap)[0]
    return items


def _case(kit: CardKit, slot, rect, scale: float, photo: float, module_w: float,
          cap: float = math.inf) -> tuple[list[Item], float]:
    try:
        return case_card(kit, slot.case, *rect, scale, photo, module_w, cap)
    except CardOverflow as exc:  # the plan sized every card: this is a planner's bug
        message, hint = exc.describe()
        src = slot.case.source
        raise FitError("a case does not fit its card", [Problem(
            f"case {slot.case.id}: {message}", src.file if src else None,
            src.place if src else None, exc.field, hint, case=slot.case.id,
            kind="fit")]) from None


def _row_photos(kit: CardKit, g, slots, scale: float, least: float) -> dict:
    """The photo height of each card: the stand's, grown by the room every card of its
    row leaves (so titles stay aligned along a row and no card keeps an empty band under
    its text), up to the template's ``photo_ratio_max``; a card spanning rows alone."""
    base = least or kit.least_photo(g.module_w)
    slack = {}
    for slot in slots:
        if slot.case is not None:
            rect = g.rect(slot.col, slot.row, slot.cols, slot.rows)
            slack[slot] = _case(kit, slot, rect, scale, base, g.module_w)[1]
    rows: dict[tuple[int, int], float] = {}
    for slot, room in slack.items():
        key = (slot.row, slot.rows) if slot.rows == 1 else (slot.row, id(slot))
        rows[key] = min(rows.get(key, room), room)
    # a photo grows only as far as its pixels keep the format's warn_ppi: a taller frame
    # crops the photo's width, so past that height it would print coarser
    sharp: dict[tuple[int, int], float] = {}
    for slot in slack:
        key = (slot.row, slot.rows) if slot.rows == 1 else (slot.row, id(slot))
        px = slot.case.photo_px if slot.case.photo else None
        if px:
            width = g.rect(0, 0, 1, 1)[2]
            tallest = max(width * px[1] / px[0], px[1] * MM_PER_INCH / (kit.fmt.warn_ppi * SHARP_MARGIN))
            sharp[key] = min(sharp.get(key, math.inf), tallest)
    out = {}
    for slot in slack:
        key = (slot.row, slot.rows) if slot.rows == 1 else (slot.row, id(slot))
        # of the card's width; a photo keeps one module's width (and its resolution)
        most = g.rect(0, 0, 1 if slot.case.photo else slot.cols, 1)[2] * kit.card.photo_ratio_max
        most = min(most, sharp.get(key, math.inf))
        floor = max(kit.least_photo(g.module_w), min(base, most))  # never below the least
        out[slot] = max(floor, math.floor(min(most, base + max(0.0, rows[key])) * 100) / 100)
    return out


MM_PER_INCH = 25.4
SHARP_MARGIN = 1.03  # the crop rounds to whole pixels and follows the focus: keep clear of the line


ITEMS: dict[str, Callable[[Layout, ItemSpec], list[Item]]] = {
    "fill": _fill, "rule": _rule, "text": _text, "figures": _figures, "qr": _qr,
    "cards": _cards, "map": layout_map, "locations": layout_locations,
}
