"""Case cards: one card per case on a stand's grid, at the stand's one type scale.

A card is its photo — or, without a photo, a typographic field: the case's category
on a coloured ground and its title set large — then the kicker, the title, the
organisation, the summary and the city partner, and at the foot the case's QR code
with its address in words. A double card (two modules side by side) keeps the photo
and the heading in its left module and gives the summary the right one; stacked
modules or a whole panel give the same card more height. Every size is the stand's
(``Grid.scale``): a card never shrinks its text to fit, it reports how much is over.
Far formats leave out the fields their template's ``[card] omit`` names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Case, Format
from .fit import (Bases, DoesNotFit, SetBlock, avg_char_width, set_exact, set_paragraphs,
                  style_size)
from .frame import QR, Image, Item, Rect, Text
from .qr import QUIET, min_code_size, qr_modules, total_size
from .templates import CardSpec, Style

# a stand's type scale: up to 1.6 × the style sheet's sizes where the cards leave room;
# below 0.59 every card style is at its minimum
SCALES = tuple(round(1.6 - 0.04 * i, 2) for i in range(26))
QR_SHARE = 0.16  # a case code's margin above its minimum ends at this share of the card width
GAPS = {"kicker": 0.55, "title": 0.55, "org": 0.7, "body": 0.6, "partner": 0.0}


@dataclass(frozen=True)
class CardKit:
    """What laying out a card needs: the style, the template's card, the format's sizes."""

    style: Style
    card: CardSpec
    fmt: Format
    bases: Bases

    def omits(self, field: str) -> bool:
        ems = (self.fmt.width - 2 * self.fmt.safe) / self.bases.body
        return self.card.omits(field, self.fmt.viewing_distance, ems)

    def padding(self, module_w: float) -> float:
        return module_w * self.card.padding

    def least_photo(self, module_w: float) -> float:
        return module_w * self.card.photo_ratio

    @property
    def photo_led(self) -> bool:
        """Where the summary is left out, the room a card leaves goes to its photo
        before its type grows past the style sheet's sizes."""
        return self.omits("summary")


class CardOverflow(Exception):
    """A card's text needs more room than the card has at the stand's scale."""

    def __init__(self, field: str, over: float, size: float, chars: int, word: str = "",
                 width: float = 0.0):
        super().__init__(field)
        self.field, self.over, self.size, self.chars = field, over, size, chars
        self.word, self.width = word, width

    def describe(self) -> tuple[str, str]:
        """(message, hint) for the build's error."""
        if self.word:
            return (f"{self.field}: the word «{self.word}» is wider than the card's column "
                    f"({self.width:.0f} mm) at the minimum legible size {self.size:.1f} mm",
                    "break the word (a space or a hyphen), or give cards wider columns: "
                    "a larger card.measure_chars in the template")
        return (f"{self.field}: the text needs {self.over:.0f} mm more than the largest card "
                f"(a whole panel) has at the minimum legible size",
                f"cut about {self.chars} characters from {self.field}; standpress never cuts "
                "or shrinks text below the legible minimum")


def case_card(kit: CardKit, case: Case, x: float, y: float, w: float, h: float,
              scale: float, photo_h: float, module_w: float,
              title_cap: float = math.inf) -> tuple[list[Item], float]:
    """The card's items and the height its photo column leaves over (mm): what its photo
    may grow by.

    ``module_w`` is the width of one module: a card wider than one module (a double card
    or a whole panel with columns) puts the summary in a column of its own on the right
    (it raises ``CardOverflow`` when that column overflows).
    """
    split = w > module_w * 1.5 and not kit.omits("summary")
    if split:  # the photo across the card, the columns under it; else the summary beside
        try:
            return _card(kit, case, x, y, w, h, scale, photo_h, module_w, True, title_cap)
        except CardOverflow:
            pass
    return _card(kit, case, x, y, w, h, scale, photo_h, module_w, False, title_cap)


FEATURE_STEP = 1.6  # a double card's field title against the stand's field title size


def _card(kit: CardKit, case: Case, x: float, y: float, w: float, h: float, scale: float,
          photo_h: float, module_w: float, wide_head: bool,
          title_cap: float = math.inf) -> tuple[list[Item], float]:
    st = kit.style
    split = w > module_w * 1.5 and not kit.omits("summary")
    left_w = module_w if split else w
    head_w = w if wide_head else left_w
    pad = kit.padding(module_w)
    ph = photo_h or kit.least_photo(module_w)
    ph = min(ph, max(kit.least_photo(module_w), (head_w if case.photo is None else left_w)
                     * kit.card.photo_ratio_max))
    items: list[Item] = [Rect(x, y, w, h, fill=st.color(kit.card.ground))]
    inner = left_w - 2 * pad
    title_in_field = False
    field_x = x  # a photo keeps one module's width (its resolution); a field takes the rest
    if case.photo is not None:
        items.append(Image(x, y, left_w, ph, str(case.photo), label=case.id))
        field_x = x + left_w
    if field_x < x + head_w - 1e-6:
        field_w = x + head_w - field_x
        # a field across two modules is the stand's feature: its title one step larger
        step = FEATURE_STEP if field_w > module_w * 1.5 else 1.0
        field, title_in_field = _typographic(kit, case, field_x, y, field_w, ph, pad, scale,
                                             title_cap, step)
        items += field
    ty = y + ph + pad * 0.45
    if case.photo is not None and case.photo_credit and not kit.omits("photo_credit"):
        credit = _set(kit, [case.photo_credit], "caption", inner, 1.0, "photo_credit")
        items.extend(_right(credit, x + pad, ty, inner))
        ty += credit.height + pad * 0.35
    else:
        ty += pad * 0.3
    foot, foot_top = _foot(kit, case, x, y, left_w, h, pad)
    items += foot
    district = f"{case.district} район"
    in_field = field_x < x + head_w - 1e-6  # the category is on the field
    stack: list[tuple[str, list[str], str]] = [
        ("kicker", [district if in_field else f"{case.category} · {district}"],
         "category"),
    ]
    if not title_in_field:
        stack.append(("title", [case.title], "title"))
    if not kit.omits("organization"):
        stack.append(("org", [case.organization], "organization"))
    body_here = not split and not kit.omits("summary")
    if body_here:
        stack.append(("body", [case.summary], "summary"))
    if case.partner and not kit.omits("partner"):
        stack.append(("partner", [f"Партнер: {case.partner}"], "partner"))
    placed, slack = _stack(kit, stack, inner, foot_top - pad * 0.4 - ty, scale)
    items.extend(t for block, dy in placed for t in block.moved(x + pad, ty + dy))
    if split:
        bx = x + left_w + pad
        bw = w - left_w - 2 * pad
        by = ty if wide_head else y + pad
        body, room = _stack(kit, [("body", [case.summary], "summary")], bw,
                            y + h - pad - by, scale)
        if wide_head:  # the summary's column starts under the photo: it too bounds growth
            slack = min(slack, room)
        items.extend(t for block, dy in body for t in block.moved(bx, by + dy))
        items.append(Rect(x + left_w, by, max(kit.bases.body * 0.1, 0.3), y + h - pad - by,
                          fill=st.color("paper")))
    return items, slack


def _stack(kit: CardKit, stack: list[tuple[str, list[str], str]], width: float, avail: float,
           scale: float) -> tuple[list[tuple[SetBlock, float]], float]:
    blocks: list[tuple[SetBlock, str, float, str]] = []
    total = 0.0
    for style_name, paras, field in stack:
        block = _set(kit, paras, style_name, width, scale, field)
        gap = GAPS[style_name] * kit.bases.body
        blocks.append((block, field, gap, style_name))
        total += block.height + gap
    if blocks:
        total -= blocks[-1][2]
    if total > avail + 1e-6:
        over = total - avail
        block, field, _, style_name = max(blocks, key=lambda b: b[0].height)
        ts = kit.style.text[style_name]
        size = block.size
        lines = over / (ts.leading * size)
        chars = int(lines * width / avg_char_width(kit.style.stack(ts.font), size)) + 1
        raise CardOverflow(field, over, size, chars)
    out, dy = [], 0.0
    for block, _, gap, _ in blocks:
        out.append((block, dy))
        dy += block.height + gap
    return out, avail - total


def _set(kit: CardKit, paras: list[str], style_name: str, width: float, scale: float,
         field: str) -> SetBlock:
    ts = kit.style.text[style_name]
    try:
        return set_exact(paras, ts, width, kit.bases, kit.style, scale)
    except DoesNotFit as exc:
        raise CardOverflow(field, float("inf"), exc.size, 0, exc.word, exc.width) from None


def _foot(kit: CardKit, case: Case, x: float, y: float, w: float, h: float,
          pad: float) -> tuple[list[Item], float]:
    """The case's QR code in the card's lower left corner, its address in words beside it."""
    st = kit.style
    code = qr_code_size(kit, w)
    modules = qr_modules(case.url)
    qsize = total_size(code, case.url)
    inset = qsize * QUIET / len(modules)
    foot_top = y + h - pad * 0.5 - qsize
    qx = x + pad - inset  # align the code, not its quiet zone
    items: list[Item] = [Rect(qx, foot_top, qsize, qsize, fill=st.color("paper")),
                         QR(qx, foot_top, qsize, modules, st.color("ink"), None, case.url)]
    ux = qx + qsize + pad * 0.2
    url_text = case.url.replace("https://", "").replace("http://", "")
    room = x + w - pad - ux
    label = _set(kit, ["Детальніше про кейс:"], "caption", room, 1.0, "url")
    url = _set(kit, [url_text], "url", room, 1.0, "url")
    uy = foot_top + qsize - inset - url.height
    items.extend(url.moved(ux, uy))
    items.extend(label.moved(ux, uy - label.height - kit.bases.caption * 0.35))
    return items, min(foot_top, uy - label.height - kit.bases.caption * 0.6)


def qr_code_size(kit: CardKit, module_w: float) -> float:
    """A case code's printed size (without its quiet zone): the minimum for the format's
    scan distance (distance ÷ 10), with the template's margin ``qr_scale`` only as far as
    the code stays within ``QR_SHARE`` of the card's width — small formats get the
    minimum, never a code that dominates the card."""
    least = min_code_size(kit.fmt.scan_distance)
    return max(least, min(least * kit.card.qr_scale, module_w * QR_SHARE))


def _right(block: SetBlock, x: float, y: float, width: float) -> tuple[Text, ...]:
    """Set flush right: each line (all its runs) moved so that it ends at ``x + width``."""
    ends: dict[float, float] = {}
    for t in block.lines:
        ends[t.y] = max(ends.get(t.y, 0.0), t.x + t.width)
    return tuple(Text(x + width - ends[t.y] + t.x, y + t.y, t.text, t.font, t.size, t.color,
                      t.advances, t.overprint) for t in block.lines)


def _typographic(kit: CardKit, case: Case, x: float, y: float, w: float, h: float, pad: float,
                 scale: float, cap: float = math.inf, step: float = 1.0
                 ) -> tuple[list[Item], bool]:
    """A card without a photo: its category on a coloured field, its title set large.

    The title goes into the field when it fits there at the stand's title size or larger
    (up to 1.6×, and no larger than ``cap``: one field size for every card of a stand;
    ``step`` times both on a double card's field, the stand's feature);
    else it stays in the text below and the category takes the field.
    """
    st = kit.style
    items: list[Item] = [Rect(x, y, w, h, fill=st.color("brand"))]
    kicker, title = _field_text(kit, case, w, h, pad, scale, cap, step)
    items.append(Rect(x + pad, y + pad, w * 0.12, kit.bases.body * 0.35, fill=st.color("accent")))
    items.extend(kicker.moved(x + pad, y + pad + kit.bases.body * 0.9))
    if title is None:
        return items, False
    items.extend(title.moved(x + pad, y + h - pad - title.height))
    return items, True


def _field_text(kit: CardKit, case: Case, w: float, h: float, pad: float, scale: float,
                cap: float = math.inf, step: float = 1.0) -> tuple[SetBlock, SetBlock | None]:
    st = kit.style
    inner = w - 2 * pad
    kicker = _set(kit, [case.category], "kicker", inner, scale, "category")
    kicker = SetBlock(tuple(Text(t.x, t.y, t.text, t.font, t.size, st.color("accent"),
                                 t.advances, False) for t in kicker.lines),
                      kicker.height, kicker.size)
    room = h - pad - kit.bases.body * 0.9 - kicker.height - pad * 1.4
    ts = st.text["title_field"]
    least = style_size(st.text["title"], kit.bases, scale)
    size = min(least * 1.6, max(cap, least)) * step
    while size >= least - 1e-6:
        block = set_paragraphs([case.title], ts, size, inner, st, wrap=False)
        if block is not None and block.height <= room + 1e-6:
            return kicker, block
        size *= 0.93
    return kicker, None


def field_title_size(kit: CardKit, cases: tuple[Case, ...], module_w: float, photo_h: float,
                     scale: float) -> float:
    """The one size of the titles set in the fields of a stand's cards without a photo: the
    largest every such title fits at in a single card's field (inf: no such card)."""
    pad = kit.padding(module_w)
    ph = photo_h or kit.least_photo(module_w)
    sizes = []
    for case in cases:
        if case.photo is None:
            title = _field_text(kit, case, module_w, ph, pad, scale)[1]
            if title is not None:
                sizes.append(title.size)
    return min(sizes, default=math.inf)
