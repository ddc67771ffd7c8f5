"""The locator panel: a map of all stands and the numbered list of them.

The list is set first: name and address on lines of their own, one size for
every entry, always smaller than the panel's heading. The map then takes the
room the list leaves (a list below or above the map gives back what it does
not need). The map is fitted to the stands with a margin, north up, with a
scale bar and a north arrow; it draws the city context (``MapData``: the
schematic river, GeoJSON districts, water and parks), distance rings around
this stand, every stand as a numbered dot and this one as the strongest mark
with its «Ви тут» callout. Every label is placed where it collides with
nothing; when one cannot be, the map zooms out a step and tries again (a map
crowded beyond half its fitted scale names what it can and numbers the rest:
the list names them all).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import FitError, Problem
from .fit import fit_display, set_paragraphs
from .frame import Circle, Item, Rect, Text
from .locmap import HERE, MapPlan, plan_map
from .templates import ItemSpec

PanelLayout = Any  # the panel being laid out (panels.py); typed loosely to keep the import one-way
__all__ = ["HERE", "MapPlan", "layout_locations", "layout_map", "map_frame", "plan_map"]


def _style(lay: PanelLayout, *names: str):
    return next(lay.style.text[n] for n in names if n in lay.style.text)


def heading_floor(lay: PanelLayout) -> float:
    """The smallest size the locator's heading can be set at (its style's minimum)."""
    ts = _style(lay, "locator_heading", "heading")
    return ts.min * lay.bases.of(ts.role) if ts.role else lay.bases.heading


def _sibling(lay: PanelLayout, kind: str) -> ItemSpec | None:
    return next((s for s in lay.inp.template.panels.get(lay.inp.panel.kind, ()) if s.type == kind), None)


def _list_block(lay: PanelLayout, spec: ItemSpec) -> tuple[list[Item], float]:
    """The list set in its frame: items relative to the frame's top-left, and its height.

    The largest size (never above 0.8 × the heading's minimum) at which it fits in the
    template's columns; a list too long for them at the minimum takes more columns
    while a column still holds about 18 characters of a name.
    """
    _, _, w, h = lay.rect(spec)
    st = lay.style
    locs = lay.inp.locations
    here = lay.inp.stand.location.id
    name_ts = st.text[spec.options["style"]] if "style" in spec.options else _style(lay, "locator_name", "list")
    here_ts = (st.text[spec.options["here_style"]] if "here_style" in spec.options
               else _style(lay, "locator_here", "list_here"))
    addr_ts = _style(lay, "locator_address", "caption")
    base = lay.bases.of(name_ts.role)
    least = name_ts.min * base
    cap = heading_floor(lay) * 0.8  # the heading stays visibly larger than every entry
    first = max(1, min(int(spec.options.get("cols", 2)), len(locs)))
    height = float("inf")
    for cols in range(first, len(locs) + 1):
        gap = w * 0.05
        cw = (w - gap * (cols - 1)) / cols
        if cols > first and cw < least * 0.55 * 18:
            break
        per_col = -(-len(locs) // cols)
        size = min(name_ts.size * base * 1.4, cap)
        while True:
            items, height = _set_list(lay, locs, here, cols, per_col, cw, gap,
                                      size / (name_ts.size * base), name_ts, here_ts, addr_ts)
            if height <= h + 1e-6:
                return items, height
            if size <= least + 1e-9:
                break
            size = max(least, size * 0.95)
    raise FitError("the list of locations does not fit", [Problem(
        f"the list of {len(locs)} locations needs {height:.0f} mm at the minimum legible size, "
        f"its frame has {h:.0f} mm", spec.where,
        hint="give the locations item more room in the template")])


def _set_list(lay, locs, here, cols, per_col, cw, gap, scale, name_ts, here_ts, addr_ts):
    """The entries at ``scale`` in ``cols`` columns (numbered down each column), rows
    aligned across the columns; (items, height), height infinite when a word is too wide."""
    st = lay.style
    addr_size = max(addr_ts.min, addr_ts.size * scale) * lay.bases.of(addr_ts.role)
    entries = []
    for loc in locs:
        ts = here_ts if loc.id == here else name_ts
        size = max(ts.min, ts.size * scale) * lay.bases.of(ts.role)
        r = size * 0.62
        indent = 2 * r + size * 0.55
        name = set_paragraphs([loc.name], ts, size, cw - indent, st)
        addr = set_paragraphs([loc.address], addr_ts, addr_size, cw - indent, st)
        if name is None or addr is None:  # a word wider than the column: step down
            return [], float("inf")
        entries.append((loc, size, r, indent, name, addr,
                        max(name.height + size * 0.12 + addr.height, 2 * r)))
    size = max(e[1] for e in entries)
    pad = size * 0.35  # the band behind this stand's entry
    space = size * 0.75
    rows = [max(e[6] for e in entries[i::per_col]) for i in range(per_col)]
    items: list[Item] = []
    for k, (loc, size, r, indent, name, addr, height) in enumerate(entries):
        c, row = divmod(k, per_col)
        cx, ty = c * (cw + gap), pad + sum(rows[:row]) + space * row
        mine = loc.id == here
        if mine:  # this stand: on a band of its own, its disc the accent colour
            items.append(Rect(cx - pad, ty - pad, cw + 2 * pad, height + 2 * pad,
                              fill=st.color("tint"), radius=size * 0.2))
        cy = ty + name.lines[0].y - name.lines[0].size * 0.36
        items.append(Circle(cx + r, cy, r, fill=st.color("accent" if mine else "brand")))
        num = fit_display(str(loc.number), st.text["numeral"], r * 1.05, r * 0.9, st,
                          color=st.color("ink" if mine else "paper"))
        t = num.lines[0]
        items.append(Text(cx + r - t.width / 2, cy + t.y / 2, t.text, t.font, t.size, t.color,
                          t.advances))
        items.extend(name.moved(cx + indent, ty))
        items.extend(addr.moved(cx + indent, ty + name.height + size * 0.12))
    return items, 2 * pad + sum(rows) + space * (len(rows) - 1)


def _stacking(lay: PanelLayout) -> tuple[str, float]:
    """How the list sits against the map ("below", "above" or "beside") and the
    height the list leaves unused in its frame."""
    m, l = _sibling(lay, "map"), _sibling(lay, "locations")
    if m is None or l is None:
        return "beside", 0.0
    mx, my, mw, mh = lay.rect(m)
    lx, ly, lw, lh = lay.rect(l)
    _, height = _list_block(lay, l)
    spare = max(0.0, lh - height)
    overlap_x = min(mx + mw, lx + lw) - max(mx, lx) > 0.5 * min(mw, lw)
    if overlap_x and ly >= my + mh - 1e-6:
        return "below", spare
    if overlap_x and ly + lh <= my + 1e-6:
        return "above", spare
    return "beside", spare


def map_frame(lay: PanelLayout, spec: ItemSpec) -> tuple[float, float, float, float]:
    """The map's frame: its template rect, grown into the room the list leaves."""
    x, y, w, h = lay.rect(spec)
    how, spare = _stacking(lay)
    if how == "below":
        return x, y, w, h + spare
    if how == "above":
        return x, y - spare, w, h + spare
    return x, y, w, h


def layout_locations(lay: PanelLayout, spec: ItemSpec) -> list[Item]:
    """The numbered list: name and address on separate lines; this stand highlighted.
    Beside the map it ends level with the map's foot; below or above it, it keeps
    to the side away from the map, which takes the rest."""
    x, y, w, h = lay.rect(spec)
    items, height = _list_block(lay, spec)
    how, _ = _stacking(lay)
    dy = 0.0 if how == "above" else h - height
    return [replace(it, cx=it.cx + x, cy=it.cy + y + dy) if isinstance(it, Circle)
            else replace(it, x=it.x + x, y=it.y + y + dy) for it in items]


def layout_map(lay: PanelLayout, spec: ItemSpec) -> list[Item]:
    frame = map_frame(lay, spec)
    plan = plan_map(lay.inp.locations, lay.inp.stand.location, lay.inp.map, frame,
                    lay.bases, lay.style, spec.where)
    return list(plan.items)
