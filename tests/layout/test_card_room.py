"""No card keeps an empty band between its text and its code while its photo could take it.

The sample's citylight stands (from the session's one build of the sample,
tests/layout/conftest.py); on every case panel the photos
(pdfium image objects), the case codes (decoded with zxing-cpp from a pdfium render) and
the text (pdfium character boxes) are read back, and each card is found by the plan's grid.
Along a row the photos are one height, so the row's fullest card sets it: in every row of
photo cards at least one card's band is small, or the photos are already at the template's
largest height.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp

from standpress.layout.grid import geometry

STANDS = ("peremoha-park", "holosiivskyi-park", "pozniaky-park")


def read_panel(path: Path):
    """(photos, codes, glyphs) in mm from the trim's top left: photo and code rectangles
    (x, y, w, h) and glyph boxes (x0, y0, x1, y1)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        left, bottom, right, top = page.get_trimbox()
        width_pt, height_pt = page.get_width(), page.get_height()
        k = 25.4 / 72  # pt → mm (these pages carry no UserUnit)

        def box(l, b, r, t):
            return ((l - left) * k, (top - t) * k, (r - l) * k, (t - b) * k)

        photos = [box(*o.get_bounds()) for o in page.get_objects(
            filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=5)]
        tp = page.get_textpage()
        glyphs = []
        for i in range(tp.count_chars()):
            if not tp.get_text_range(i, 1).isspace():
                x, y, w, h = box(*tp.get_charbox(i))
                glyphs.append((x, y, x + w, y + h))
        scale = min(4.0, 2600 / width_pt)
        image = page.render(scale=scale, grayscale=True).to_pil()
        codes = []
        for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            p = r.position
            xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
            ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
            codes.append(box(left + min(xs) / scale, height_pt - max(ys) / scale,
                             left + max(xs) / scale, height_pt - min(ys) / scale))
    finally:
        pdf.close()
    return photos, codes, glyphs


def inside(rect, cell) -> bool:
    x, y, w, h = rect
    cx, cy, cw, ch = cell
    return cx <= x + w / 2 <= cx + cw and cy <= y + h / 2 <= cy + ch


def test_a_row_of_photo_cards_leaves_no_empty_band_its_photos_could_take(sample):
    templates = sample.templates
    plans = [p for p in sample.plans if p.location.id in STANDS]
    assert len(plans) == len(STANDS)
    rows_seen = 0
    for plan in plans:
        fmt, grid = plan.format, plan.grid
        template = templates[fmt.template]
        g = geometry(fmt, template, grid.cols, grid.rows)
        most = g.module_w * template.card.photo_ratio_max
        for panel in (p for p in plan.panels if p.kind == "cases"):
            photos, codes, glyphs = read_panel(sample.panel(plan.location.id, panel.name))
            rows: dict[int, list[tuple[float, float, float]]] = {}
            for slot in panel.slots:
                if slot.case is None or slot.cols * slot.rows > 1:
                    continue
                cell = g.rect(slot.col, slot.row)
                photo = [p for p in photos if inside(p, cell)]
                code = [c for c in codes if inside(c, cell)]
                if not photo:
                    rows.setdefault(slot.row, []).append((-1.0, 0.0, cell[3]))
                    continue
                assert code, f"{plan.location.id}/{panel.name}: case {slot.case.id}: no code"
                code_top = code[0][1]
                text_bottom = max(y1 for x0, y0, x1, y1 in glyphs
                                  if inside((x0, y0, x1 - x0, y1 - y0), cell)
                                  and (y0 + y1) / 2 < code_top)
                rows.setdefault(slot.row, []).append((code_top - text_bottom, photo[0][3],
                                                      cell[3]))
            for row, cards in rows.items():
                if any(band < 0 for band, _, _ in cards):
                    continue  # a card without a photo: its field, not a photo, takes the room
                rows_seen += 1
                band = min(b for b, _, _ in cards)
                height = cards[0][2]
                photo_h = max(h for _, h, _ in cards)
                assert band <= 0.12 * height or photo_h >= most - 1.0, (
                    f"{plan.location.id}/{panel.name} row {row}: every card leaves "
                    f"{band:.0f} mm empty under its text, its photos are {photo_h:.0f} mm "
                    f"(up to {most:.0f})")
    assert rows_seen
