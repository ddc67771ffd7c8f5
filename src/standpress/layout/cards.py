"""Case cards: a grid of cards on a case panel, one card per case.

A card is a photo (or a designed no-photo block) with its credit, then a
kicker (category · district), the title, the organisation, the summary and
the city partner, and at the foot the case's QR code with its address in
words. All cards of a panel share one type scale: the largest at which every
card on the panel fits. A card that does not fit at the minimum legible sizes
is an error naming the case, the field and the overflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import FitError, Problem
from ..model import Case
from .fit import DoesNotFit, SetBlock, fit_block, fit_display
from .frame import QR, Image, Item, Rect, Text
from .qr import QUIET, min_code_size, qr_modules, total_size
from .templates import ItemSpec

if TYPE_CHECKING:
    from .panels import _Layout

SCALES = tuple(round(1.0 - 0.03 * i, 2) for i in range(30))  # 1.00 … 0.13 (floored by style min)


def layout_cards(lay: _Layout, spec: ItemSpec) -> list[Item]:
    x, y, w, h = lay.rect(spec)
    cols = int(spec.options.get("cols", 2))
    rows = int(spec.options.get("rows", 2))
    gap = float(spec.options.get("gap", 0.03)) * lay.sw
    cw = (w - gap * (cols - 1)) / cols
    ch = (h - gap * (rows - 1)) / rows
    cases = lay.inp.panel.cases
    slots = [(x + (i % cols) * (cw + gap), y + (i // cols) * (ch + gap)) for i in range(len(cases))]
    # one scale for the whole panel: the largest every card accepts
    scale = 1.0
    for case, (cx, cy) in zip(cases, slots):
        scale = min(scale, _best_scale(lay, case, cx, cy, cw, ch))
    # the room the fullest card leaves goes to the photos, the same on every card
    slack = min(_slack(lay, case, cx, cy, cw, ch, scale) for case, (cx, cy) in zip(cases, slots))
    base_photo = cw * float(lay.inp.template.card.get("photo_ratio", 0.56))
    max_photo = cw * float(lay.inp.template.card.get("photo_ratio_max", 0.8))
    photo = min(max_photo, base_photo + max(0.0, slack))
    items: list[Item] = []
    for case, (cx, cy) in zip(cases, slots):
        items.extend(_card(lay, case, cx, cy, cw, ch, scale, photo)[0])
    # empty slots on the last panel carry the catalogue instead of blank paper
    n = len(cases)
    if 0 < n < cols * rows:
        row, col = divmod(n, cols)
        if col:
            tx = x + col * (cw + gap)
            items.extend(_promo(lay, tx, y + row * (ch + gap), x + w - tx, ch))
            row += 1
        if row < rows:
            ty = y + row * (ch + gap)
            items.extend(_promo(lay, x, ty, w, y + h - ty))
    return items


def _promo(lay: _Layout, x: float, y: float, w: float, h: float) -> list[Item]:
    """A tile pointing to the whole catalogue: heading, text, its QR code."""
    st = lay.style
    c = lay.inp.campaign
    body = lay.bases.body
    pad = min(w, h) * 0.08
    items: list[Item] = [Rect(x, y, w, h, fill=st.color("brand"))]
    items.append(Rect(x + pad, y + pad, min(w, h) * 0.12, body * 0.35, fill=st.color("accent")))
    code = min_code_size(lay.fmt.viewing_distance)
    qsize = total_size(code, c.catalogue_url)
    inset = qsize * QUIET / len(qr_modules(c.catalogue_url))
    text_w = w - 2 * pad
    if w > h * 1.6:  # wide tile: text on the left, code on the right
        text_w = w - 3 * pad - qsize
        qx, qy = x + w - pad - qsize, y + (h - qsize) / 2
    else:
        qx, qy = x + pad - inset, y + h - pad - qsize + inset
    ty = y + pad + body * 1.2
    heading = fit_block([c.catalogue_heading], st.text["heading_light"], text_w, h, lay.bases, st)
    items.extend(heading.moved(x + pad, ty))
    ty += heading.height + body * 0.8
    room = (qy - inset - body) - ty if w <= h * 1.6 else y + h - pad - ty
    text = fit_block([c.catalogue_text], st.text["lead"], text_w, room, lay.bases, st)
    items.extend(text.moved(x + pad, ty))
    items.append(Rect(qx, qy, qsize, qsize, fill=st.color("paper")))
    items.append(QR(qx, qy, qsize, qr_modules(c.catalogue_url), st.color("ink"), None,
                    c.catalogue_url))
    return items


def _slack(lay: _Layout, case: Case, x: float, y: float, w: float, h: float,
           scale: float) -> float:
    return _card(lay, case, x, y, w, h, scale)[1]


def _best_scale(lay: _Layout, case: Case, x: float, y: float, w: float, h: float) -> float:
    last_error: _Overflow | None = None
    for s in SCALES:
        try:
            _card(lay, case, x, y, w, h, s)
            return s
        except _Overflow as exc:
            last_error = exc
            if exc.at_minimum:
                break
    assert last_error is not None
    src = case.source
    raise FitError("a case does not fit its card", [Problem(
        f"case {case.id}: {last_error.reason}", src.file if src else None,
        src.place if src else None, last_error.field,
        hint="shorten the text; standpress never cuts or shrinks it below the legible minimum")])


class _Overflow(Exception):
    def __init__(self, field: str, reason: str, at_minimum: bool):
        super().__init__(reason)
        self.field, self.reason, self.at_minimum = field, reason, at_minimum


def _card(lay: _Layout, case: Case, x: float, y: float, w: float, h: float,
          scale: float, photo_h: float | None = None) -> tuple[list[Item], float]:
    """The card's items and the height left over below its text (mm)."""
    st = lay.style
    bases = lay.bases
    card = lay.inp.template.card
    pad = w * float(card.get("padding", 0.05))
    items: list[Item] = [Rect(x, y, w, h, fill=st.color(card.get("ground", "tint")))]
    # photo area, same height with or without a photo so the grid stays even
    ph = photo_h if photo_h is not None else w * float(card.get("photo_ratio", 0.56))
    if case.photo is not None:
        items.append(Image(x, y, w, ph, str(case.photo), label=case.id))
    else:
        items.extend(_no_photo(lay, case, x, y, w, ph, pad))
    ty = y + ph + pad * 0.45
    inner = w - 2 * pad
    if case.photo_credit:
        credit = _set(lay, [case.photo_credit], "caption", inner, h, 1.0, "photo_credit")
        items.extend(_right(credit, x + pad, ty, inner))
        ty += credit.height + pad * 0.35
    else:
        ty += pad * 0.3
    # the foot: QR code and the address in words
    code = min_code_size(lay.fmt.scan_distance) * float(card.get("qr_scale", 1.0))
    qsize = total_size(code, case.url)
    foot_top = y + h - pad * 0.5 - qsize
    qx = x + pad - qsize * QUIET / len(qr_modules(case.url))  # align the code, not its quiet zone
    items.append(Rect(qx, foot_top, qsize, qsize, fill=st.color("paper")))
    items.append(QR(qx, foot_top, qsize, qr_modules(case.url), st.color("ink"), None, case.url))
    inset = qsize * QUIET / len(qr_modules(case.url))
    ux = qx + qsize + pad * 0.2
    url_text = case.url.replace("https://", "").replace("http://", "")
    label = _set(lay, ["Детальніше про кейс:"], "caption", x + w - pad - ux, qsize, 1.0, "url")
    url = _set(lay, [url_text], "url", x + w - pad - ux, qsize, 1.0, "url")
    uy = foot_top + qsize - inset - url.height
    items.extend(url.moved(ux, uy))
    items.extend(label.moved(ux, uy - label.height - bases.caption * 0.35))
    # the text stack between the photo and the foot
    avail = foot_top - pad * 0.4 - ty
    stack: list[tuple[str, list[str], str]] = [
        ("kicker", [f"{case.category} · {case.district} район"], "category"),
        ("title", [case.title], "title"),
        ("org", [case.organization], "organization"),
        ("body", [case.summary], "summary"),
    ]
    if case.partner:
        stack.append(("partner", [f"Партнер: {case.partner}"], "partner"))
    gaps = {"kicker": 0.55, "title": 0.55, "org": 0.7, "body": 0.6, "partner": 0.0}
    blocks: list[tuple[SetBlock, str, float]] = []
    total = 0.0
    for style_name, paras, field in stack:
        block = _set(lay, paras, style_name, inner, 10 * h, scale, field)
        gap = gaps[style_name] * bases.body
        blocks.append((block, field, gap))
        total += block.height + gap
    total -= blocks[-1][2]
    if total > avail + 1e-6:
        at_min = all(b.size <= lay.bases.of(st.text[s].role) * st.text[s].min + 1e-6
                     for (b, _, _), (s, _, _) in zip(blocks, stack))
        biggest = max(blocks, key=lambda b: b[0].height)[1]
        raise _Overflow(biggest, f"the text needs {total:.0f} mm, the card has {avail:.0f} mm "
                        f"({total - avail:.0f} mm over) at the minimum legible size", at_min)
    for block, _, gap in blocks:
        items.extend(block.moved(x + pad, ty))
        ty += block.height + gap
    return items, avail - total


def _set(lay: _Layout, paras: list[str], style_name: str, width: float, height: float,
         scale: float, field: str) -> SetBlock:
    ts = lay.style.text[style_name]
    try:
        return fit_block(paras, ts, width, height, lay.bases, lay.style, scale)
    except DoesNotFit as exc:
        raise _Overflow(field, f"{exc.reason} at {exc.size:.1f} mm", True) from None


def _right(block: SetBlock, x: float, y: float, width: float) -> tuple[Text, ...]:
    """Set flush right: each line (all its runs) moved so that it ends at ``x + width``."""
    ends: dict[float, float] = {}
    for t in block.lines:
        ends[t.y] = max(ends.get(t.y, 0.0), t.x + t.width)
    return tuple(Text(x + width - ends[t.y] + t.x, y + t.y, t.text, t.font, t.size, t.color,
                      t.advances, t.overprint) for t in block.lines)


def _no_photo(lay: _Layout, case: Case, x: float, y: float, w: float, h: float,
              pad: float) -> list[Item]:
    """A designed block instead of a photo: brand ground, the case number large."""
    st = lay.style
    items: list[Item] = [Rect(x, y, w, h, fill=st.color("brand"))]
    # a quiet accent bar and the number, like a catalogue plate
    items.append(Rect(x + pad, y + pad, w * 0.12, lay.bases.body * 0.35, fill=st.color("accent")))
    num = fit_display(f"№\u00a0{case.id}", st.text["numeral"], w * 0.5, h * 0.26, st)
    items.extend(num.moved(x + pad, y + h - pad - num.height))
    top = y + pad + lay.bases.body * 0.9
    mark = lay.inp.campaign
    label = fit_block([f"{mark.title} · {mark.year}"], st.text["band"], w - 2 * pad, h * 0.3,
                      lay.bases, st, color=st.color("paper"))
    items.extend(label.moved(x + pad, top))
    return items
