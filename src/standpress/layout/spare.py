"""Spare cards: modules of a case panel no case needs, each with content of its own.

The planner names what each carries (``Slot.spare``), in the template's order, less
what the template's other panels print (``Template.spare_kinds``), so nothing repeats
on a stand: ``index`` lists the stand's cases by district with their numbers (never
smaller than the stand's body text), ``howto`` tells a passer-by how to use the case
codes (the template's words), ``intro`` and ``ceremony`` the campaign's, ``figures``
sets its figures large. A kind that does not fit its card gives way to a kind no other
card of the stand carries; only when none is left is the card a plain ground.
"""

from __future__ import annotations

from ..errors import FitError
from ..model import Case
from .context import Layout
from .fit import DoesNotFit, SetBlock, fit_block, fit_display, style_size
from .frame import Item, Rect, Text


def spare_card(lay: Layout, kind: str, x: float, y: float, w: float, h: float,
               module_w: float, scale: float) -> list[Item]:
    pad = module_w * lay.inp.template.card.padding
    used = {s.spare for p in lay.inp.stand.panels for s in p.slots if s.case is None}
    others = [k for k in lay.inp.template.spare_kinds() if k not in used]
    for k in ([kind] if kind else []) + others:
        try:
            return DRAW[k](lay, x, y, w, h, pad, scale)
        except (DoesNotFit, FitError):
            continue
    return [Rect(x, y, w, h, fill=lay.color(lay.inp.template.card.ground))]


def _recolor(block: SetBlock, color) -> SetBlock:
    return SetBlock(tuple(Text(t.x, t.y, t.text, t.font, t.size, color, t.advances, False)
                          for t in block.lines), block.height, block.size)


def _index(lay: Layout, x, y, w, h, pad, scale) -> list[Item]:
    """The stand's cases: number and title (or the titles alone where the numbered list
    does not fit at the body size), grouped by district when the stand serves several."""
    st = lay.style
    card = lay.inp.template.card
    items: list[Item] = [Rect(x, y, w, h, fill=lay.color("paper")),
                         Rect(x, y, w, h * 0.004 + lay.bases.body * 0.3, fill=lay.color("brand"))]
    inner = w - 2 * pad
    ty = y + pad + lay.bases.body
    heading = fit_block([card.index_heading], st.text["heading"], inner, h * 0.2, lay.bases, st,
                        scale * 1.3)
    items.extend(heading.moved(x + pad, ty))
    ty += heading.height + lay.bases.body * 1.1
    room = y + h - pad - ty
    cases = lay.inp.stand.cases
    serves = lay.inp.stand.location.serves
    groups: list[tuple[str, list[Case]]] = [
        (d, [c for c in cases if c.district == d]) for d in serves]
    groups = [(d, cs) for d, cs in groups if cs]
    number_style, title_style = st.text["index_number"], st.text["list"]
    # never below the body text: where the numbered list does not fit, the titles alone
    # (the cards print no numbers; a title column a number wide more keeps titles on a line)
    for numbered, attempt in [(n, a) for n in (True, False)
                              for a in (1.6, 1.45, 1.3, 1.2, 1.1, 1.0)]:
        try:
            blocks = _index_blocks(lay, groups, len(groups) > 1, inner, scale * attempt,
                                   number_style, title_style, numbered)
        except DoesNotFit:
            continue
        need = sum(dy for _, dy in blocks)
        if need <= room + 1e-6:
            for block_items, dy in blocks:
                items.extend(Text(t.x + x + pad, t.y + ty, t.text, t.font, t.size, t.color,
                                  t.advances, t.overprint) for t in block_items)
                ty += dy
            return items
    raise DoesNotFit(0.0, "the index does not fit", 0.0)


def _index_blocks(lay, groups, headed, inner, scale, number_style, title_style, numbered=True):
    st = lay.style
    out = []
    ids = [c.id for _, cs in groups for c in cs]
    widest = max(ids, key=lambda i: st.stack(number_style.font).width(f"№\u00a0{i}", 1.0))
    num_w = None
    for district, cases in groups:
        if headed:
            head = fit_block([f"{district} район"], st.text["kicker"], inner, 1e9, lay.bases, st,
                             scale)
            out.append((head.lines, head.height + lay.bases.body * 0.5))
        for case in cases:
            if not numbered:
                title = fit_block([case.title], title_style, inner, 1e9, lay.bases, st, scale)
                out.append((title.lines, title.height + lay.bases.body * 0.45))
                continue
            num = fit_block([f"№\u00a0{case.id}"], number_style, inner, 1e9, lay.bases, st, scale)
            if num_w is None:
                num_w = st.stack(number_style.font).width(f"№\u00a0{widest}", num.size) \
                    + num.size * 0.6
            title = fit_block([case.title], title_style, inner - num_w, 1e9, lay.bases, st, scale)
            moved = tuple(Text(t.x + num_w, t.y, t.text, t.font, t.size, t.color, t.advances,
                               t.overprint) for t in title.lines)
            out.append((num.lines + moved, max(num.height, title.height) + lay.bases.body * 0.45))
        if headed:
            out[-1] = (out[-1][0], out[-1][1] + lay.bases.body * 0.6)
    return out


def _figures(lay: Layout, x, y, w, h, pad, scale) -> list[Item]:
    """The campaign's figures, one under another, large on the brand colour."""
    st = lay.style
    figures = lay.inp.campaign.figures
    if not figures:
        raise DoesNotFit(0.0, "no figures", 0.0)
    items: list[Item] = [Rect(x, y, w, h, fill=lay.color("brand"))]
    inner = w - 2 * pad
    top = y + pad + lay.bases.body
    share = (y + h - pad - top) / len(figures)
    for i, fig in enumerate(figures):
        fy = top + i * share
        value = fit_display(fig.value, st.text["display_accent"], inner * 0.8, share * 0.5, st)
        items.extend(value.moved(x + pad, fy))
        label = fit_block([fig.label], st.text["lead"], inner, share * 0.5 - lay.bases.body,
                          lay.bases, st, scale)
        items.extend(label.moved(x + pad, fy + value.height + lay.bases.body * 0.7))
    return items


def _howto(lay: Layout, x, y, w, h, pad, scale) -> list[Item]:
    """How to use the case codes, in the template's words, on the accent colour."""
    st = lay.style
    text = lay.inp.template.card.howto
    if not text:
        raise DoesNotFit(0.0, "no text", 0.0)
    items: list[Item] = [Rect(x, y, w, h, fill=lay.color("accent"))]
    inner = w - 2 * pad
    head, _, rest = text.partition("\n")
    ty = y + pad
    heading = fit_block([head], st.text["heading"], inner, h * 0.3, lay.bases, st, scale * 1.6,
                        color=lay.color("ink"))
    items.extend(heading.moved(x + pad, ty))
    ty += heading.height + lay.bases.body * 1.5
    if rest.strip():
        body = fit_block([p for p in rest.split("\n") if p.strip()], st.text["intro"], inner,
                         min(y + h - pad - ty, h * 0.45), lay.bases, st, scale * 1.6)
        items.extend(body.moved(x + pad, ty))
    return items


def _intro(lay: Layout, x, y, w, h, pad, scale) -> list[Item]:
    """The campaign's intro, large on the brand colour."""
    st = lay.style
    paras = list(lay.inp.campaign.intro)
    if not paras:
        raise DoesNotFit(0.0, "no intro", 0.0)
    items: list[Item] = [Rect(x, y, w, h, fill=lay.color("brand"))]
    inner = w - 2 * pad
    body = fit_block(paras, st.text["lead"], inner, h - 2 * pad - lay.bases.body, lay.bases, st,
                     scale * 1.6)
    if body.size < style_size(st.text["body"], lay.bases, scale) - 1e-6:
        raise DoesNotFit(body.size, "smaller than the body text", 0.0)
    items.extend(body.moved(x + pad, y + pad + lay.bases.body))
    return items


def _ceremony(lay: Layout, x, y, w, h, pad, scale) -> list[Item]:
    """The ceremony: its heading and its date and place, on the accent colour."""
    st = lay.style
    c = lay.inp.campaign
    if not c.ceremony:
        raise DoesNotFit(0.0, "no ceremony", 0.0)
    items: list[Item] = [Rect(x, y, w, h, fill=lay.color("accent"))]
    inner = w - 2 * pad
    ty = y + pad
    if c.ceremony_heading:
        head = fit_block([c.ceremony_heading], st.text["heading"], inner, h * 0.3, lay.bases, st,
                         scale * 1.6, color=lay.color("ink"))
        items.extend(head.moved(x + pad, ty))
        ty += head.height + lay.bases.body * 1.5
    body = fit_block(list(c.ceremony), st.text["figure_label"], inner, y + h - pad - ty,
                     lay.bases, st, scale * 1.6, color=lay.color("ink"))
    items.extend(body.moved(x + pad, ty))
    return items


DRAW = {"index": _index, "figures": _figures, "howto": _howto, "intro": _intro,
        "ceremony": _ceremony}
