"""Spare cards carry content of their own, never a text another panel of the stand shows,
and read at the stand's distance: their text (its most common size) no smaller than the
panel's body text.

For every stand of the bundled sample and of both generated campaigns (each built once
per session: tests/layout/conftest.py), the plan says where its spare cards lie; each
spare card's text is read back from the PDF with pdfium (the text inside the card's
rectangle), then looked for on every other panel of the stand and in the other cards
of its own panel.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from standpress.layout.grid import geometry

ROOT = Path(__file__).resolve().parents[2]


def norm(text: str) -> str:
    text = re.sub(r"-\s*[\r\n]+\s*", "", text)  # a word hyphenated at a line's end
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\ufffe", "")).strip()


def text_in(path: Path, rects_mm: list[tuple[float, float, float, float]] | None,
            width_mm: float) -> list[str]:
    """The text of the panel inside each rectangle (mm from the trim's top left), or the
    whole page's when ``rects_mm`` is None."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        tp = page.get_textpage()
        if rects_mm is None:
            return [tp.get_text_range()]
        left, bottom, right, top = page.get_trimbox()
        k = (right - left) / width_mm
        return [tp.get_text_bounded(left + x * k, top - (y + h) * k, left + (x + w) * k,
                                    top - y * k) for x, y, w, h in rects_mm]
    finally:
        pdf.close()


def sizes_in(path: Path, rect_mm, width_mm: float) -> tuple[list[float], float]:
    """The font sizes (pt) of the characters inside the rectangle, and the page's most
    common size (its body text)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        tp = page.get_textpage()
        left, bottom, right, top = page.get_trimbox()
        k = (right - left) / width_mm
        x, y, w, h = rect_mm
        x0, x1, y0, y1 = left + x * k, left + (x + w) * k, top - (y + h) * k, top - y * k
        inside, every = [], []
        for i in range(tp.count_chars()):
            if tp.get_text_range(i, 1).isspace():
                continue
            size = round(pdfium_c.FPDFText_GetFontSize(tp.raw, i), 1)
            every.append(size)
            cl, cb, cr, ct = tp.get_charbox(i)
            if x0 <= (cl + cr) / 2 <= x1 and y0 <= (cb + ct) / 2 <= y1:
                inside.append(size)
    finally:
        pdf.close()
    return inside, collections.Counter(every).most_common(1)[0][0]


def spare_repeats(built) -> tuple[list[str], int]:
    """Every line of a spare card found elsewhere on its stand, every spare card set smaller
    than its panel's body text, and how many spares."""
    templates, out = built.templates, built.out
    with_spares = [p for p in built.plans
                   if any(s.case is None for pp in p.panels for s in pp.slots)]
    found, count = [], 0
    for plan in with_spares:
        fmt, grid = plan.format, plan.grid
        g = geometry(fmt, templates[fmt.template], grid.cols, grid.rows)
        files = {p.name: out / plan.location.id / f"{p.name}.pdf" for p in plan.panels}
        whole = {name: norm(text_in(f, None, fmt.width)[0]) for name, f in files.items()}
        for panel in plan.panels:
            spares = [s for s in panel.slots if s.case is None]
            if not spares:
                continue
            cards = text_in(files[panel.name], [g.rect(s.col, s.row, s.cols, s.rows)
                                                for s in panel.slots], fmt.width)
            for i, slot in enumerate(panel.slots):
                if slot.case is not None:
                    continue
                count += 1
                sizes, body = sizes_in(files[panel.name], g.rect(slot.col, slot.row, slot.cols,
                                                                 slot.rows), fmt.width)
                common = collections.Counter(sizes).most_common(1)[0][0] if sizes else body
                if common < body * 0.97:  # its list or its text, not its labels
                    found.append(f"{plan.location.id}/{panel.name} {slot.spare} card: set at "
                                 f"{common} pt, under the body text's {body} pt")
                elsewhere = " | ".join([t for n, t in whole.items() if n != panel.name]
                                       + [norm(t) for j, t in enumerate(cards) if j != i])
                lines = [norm(line) for line in re.split(r"[\r\n]+", cards[i])]
                if slot.spare == "index":  # its entries refer to the stand's cases by design
                    lines = lines[:1]
                for line in lines:
                    line = line.rstrip("-")
                    if len(line) >= 3 and re.search(rf"(?<!\w){re.escape(line)}(?!\w)",
                                                    elsewhere):
                        found.append(f"{plan.location.id}/{panel.name} {slot.spare} card: "
                                     f"«{line}»")
    return found, count


def test_no_spare_card_repeats_its_stand_or_reads_smaller_than_its_body_on_the_sample(sample):
    found, count = spare_repeats(sample)
    assert count  # the sample has spare cards (peremoha-park: 9 cases on 2 × 2 grids)
    assert not found, found


def test_no_spare_card_repeats_its_stand_or_reads_smaller_on_the_second_campaign(second):
    found, count = spare_repeats(second)
    assert count
    assert not found, found


def test_no_spare_card_repeats_its_stand_or_reads_smaller_in_another_city(city):
    found, count = spare_repeats(city)
    assert count
    assert not found, found


@pytest.mark.parametrize("kind", ["figures", "intro", "ceremony"])
def test_a_template_whose_cover_prints_it_never_gets_it_on_a_spare_card(kind):
    from standpress.load.config import load_project
    from standpress.load.design import load_design

    design = load_design(load_project(ROOT / "locations.toml")[0])
    for name, template in design.templates.items():
        if template.prints(kind):
            assert kind not in template.spare_kinds(), name
