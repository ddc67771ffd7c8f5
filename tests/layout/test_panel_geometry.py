"""Layout geometry, asserted on the boxes without drawing anything."""

from __future__ import annotations

import dataclasses
import math

import pytest

from standpress.errors import InputError
from standpress.layout.fit import base_sizes
from standpress.layout.frame import QR, Text
from standpress.layout.grid import CardSizer
from standpress.layout.panels import PanelInput, layout_panel
from standpress.load.design import load_design
from standpress.layout.qr import QUIET
from standpress.model import Case
from standpress.normalise import normalise_project
from standpress.plan import plan_stands
from standpress.text.fonts import load_font

SUMMARY = ("Волонтери громадської організації разом із районною адміністрацією облаштували "
           "пункт незламності, де щодня отримували допомогу понад 300 мешканців району, зокрема "
           "внутрішньо переміщені особи та літні люди. За рік роботи видали 12 тисяч обідів.")


def case(n, district="Голосіївський", summary=SUMMARY, title="Теплі обіди для переселенців"):
    return Case(id=f"{n:03d}", title=title, organization="ГО «Добрі сусіди»", district=district,
                category="Волонтерство", summary=summary, partner="Голосіївська РДА",
                url=f"https://top100.example.org/2022/{n:03d}", photo=None, photo_credit="")


@pytest.fixture(scope="module")
def design(project):
    return load_design(project)


def pages_for(project, design, cases, stand="holosiivskyi-park", fmt=None):
    style, templates = design.style, design.templates
    project = normalise_project(project)
    if fmt:
        locs = tuple(dataclasses.replace(l, format=fmt, units=10) for l in project.locations)
        project = dataclasses.replace(project, locations=locs)
    plans, _ = plan_stands(project, cases, CardSizer(design),
                           only=(stand,))
    plan = plans[0]
    return plan, [layout_panel(PanelInput(project.campaign, plan, p, templates[plan.format.template],
                                          style, project.locations, project.map, "2022-10-12"))
                  for p in plan.panels]


def boxes(page):
    for item in page.items:
        if isinstance(item, Text):
            yield item, (item.x, item.y - 0.71 * item.size, item.x + item.width, item.y + 0.25 * item.size)


@pytest.mark.parametrize("fmt", ["citylight", "banner", "a3"])
def test_text_and_codes_stay_inside_the_safe_area(project, design, fmt):
    plan, pages = pages_for(project, design, [case(i) for i in range(1, 9)], fmt=fmt)
    f = plan.format
    for page in pages:
        for t, (x0, y0, x1, y1) in boxes(page):
            assert x0 >= f.safe - 0.01 and x1 <= f.width - f.safe + 0.01, (t.text, x0, x1)
            assert y0 >= f.safe - 0.01 and y1 <= f.height - f.safe + 0.01, (t.text, y0, y1)
        for q in (i for i in page.items if isinstance(i, QR)):
            inset = q.size * QUIET / len(q.modules)
            assert q.x + inset >= f.safe - 0.01 and q.x + q.size - inset <= f.width - f.safe + 0.01


@pytest.mark.parametrize("fmt", ["citylight", "banner", "a3"])
def test_no_two_lines_of_text_overlap(project, design, fmt):
    _, pages = pages_for(project, design, [case(i) for i in range(1, 9)], fmt=fmt)
    for page in pages:
        bs = list(boxes(page))
        for i, (a, ra) in enumerate(bs):
            for b, rb in bs[i + 1:]:
                overlap = (min(ra[2], rb[2]) - max(ra[0], rb[0]) > 0.01
                           and min(ra[3], rb[3]) - max(ra[1], rb[1]) > 0.01)
                assert not overlap, (a.text, b.text)


@pytest.mark.parametrize("fmt", ["citylight", "banner", "a3"])
def test_no_text_below_the_legible_minimum_and_codes_big_enough(project, design, fmt):
    style = design.style
    plan, pages = pages_for(project, design, [case(i) for i in range(1, 9)], fmt=fmt)
    f = plan.format
    bases = base_sizes(f, style, load_font("regular", str(style.fonts["regular"])).metrics.x_height)
    for page in pages:
        for item in page.items:
            if isinstance(item, Text) and item.text.strip():
                assert item.size >= bases.caption - 1e-6, item.text
            if isinstance(item, QR):
                code = item.size * (1 - 2 * QUIET / len(item.modules))
                need = (f.viewing_distance if "2022/0" not in item.data else f.scan_distance) * 100
                assert code >= need - 1e-6, (item.data, code, need)
        if page.meta["kind"] == "cases":
            summaries = [t for t in page.items if isinstance(t, Text) and t.font == "regular"
                         and t.size >= bases.body - 1e-6]
            assert summaries, "case summaries are set at body size or larger"


def test_a_summary_too_long_for_any_card_fails_naming_case_field_and_what_to_cut(project,
                                                                                 design):
    # more than a whole citylight panel holds at its minimum (60 × still fits); the breaker's
    # work grows with the text, so no more than that
    long = " ".join([SUMMARY] * 90)
    with pytest.raises(InputError) as info:
        pages_for(project, design, [case(1), case(2, summary=long)])
    p = info.value.problems[0]
    assert "case 002" in p.message and p.field == "summary"
    assert "mm more" in p.message and "minimum legible size" in p.message
    assert "cut about" in p.hint and "characters from summary" in p.hint


def test_an_over_long_case_takes_a_double_card_and_leaves_its_neighbours_alone(project, design):
    cases = [case(i) for i in range(1, 9)] + [case(9, summary=" ".join([SUMMARY] * 4))]
    plan, pages = pages_for(project, design, cases)
    slots = [s for p in plan.panels for s in p.slots if s.case is not None]
    wide = [s for s in slots if s.cols * s.rows > 1]
    assert [s.case.id for s in wide] == ["009"] and wide[0].cols == 2
    # the neighbours keep the stand's sizes: the same body size on every case panel
    sizes = {max(round(t.size, 3) for t in page.items if isinstance(t, Text) and t.font == "regular"
                 and len(t.text) > 30) for page in pages if page.meta["kind"] == "cases"}
    assert len(sizes) == 1


def test_every_word_of_a_summary_is_printed(project, design):
    _, pages = pages_for(project, design, [case(1)])
    def letters(s):
        return "".join(ch for ch in s if ch.isalnum())

    printed = letters("".join(t.text for t in pages[1].items if isinstance(t, Text)))
    assert letters(SUMMARY) in printed


def test_cards_on_one_panel_share_one_type_size(project, design):
    short = "Коротко: 40 волонтерів, 3 тонни допомоги."
    _, pages = pages_for(project, design, [case(1), case(2, summary=short), case(3), case(4)])
    sizes = {round(t.size, 3) for t in pages[1].items
             if isinstance(t, Text) and t.font == "regular" and len(t.text) > 30}
    assert len(sizes) <= 2  # body and partner lines


def test_layout_is_pure_same_input_same_boxes(project, design):
    a = pages_for(project, design, [case(i) for i in range(1, 5)])[1]
    b = pages_for(project, design, [case(i) for i in range(1, 5)])[1]
    assert [p.items for p in a] == [p.items for p in b]


def test_a_stand_with_few_faces_takes_a_denser_grid_before_refusing(project, design):
    short = "Коротко: 40 волонтерів, 3 тонни допомоги за пів року."
    project = normalise_project(project)
    locs = tuple(dataclasses.replace(l, units=2) if l.id == "holosiivskyi-park" else l
                 for l in project.locations)
    project = dataclasses.replace(project, locations=locs)
    cases = [case(i, summary=short) for i in range(1, 13)]
    plans, _ = plan_stands(project, cases, CardSizer(design), only=("holosiivskyi-park",))
    plan = plans[0]
    assert len(plan.panels) <= 4  # two units of a double-sided citylight
    assert plan.grid.cols * plan.grid.rows >= 6  # denser than the format's own 2 × 2
    assert [len(p.cases) for p in plan.panels if p.kind == "cases"] == [6, 6]


def case_codes(page):
    """(printed size of the code without its quiet zone, the card it sits on) per case code."""
    from standpress.layout.frame import Rect

    for q in (i for i in page.items if isinstance(i, QR) and "/2022/0" in i.data):
        inset = q.size * QUIET / len(q.modules)
        cards = [i for i in page.items if isinstance(i, Rect) and i.w > q.size * 1.5]
        card = min((c for c in cards if c.x <= q.x + inset <= c.x + c.w
                    and c.y <= q.y + inset <= c.y + c.h), key=lambda c: c.w * c.h)
        yield q.size - 2 * inset, card


def test_case_codes_on_a_small_format_keep_their_minimum_size_and_do_not_dominate(project,
                                                                                 design):
    plan, pages = pages_for(project, design, [case(i) for i in range(1, 9)], fmt="a3")
    need = plan.format.scan_distance * 100  # mm: the scan distance ÷ 10
    found = [(code, card) for p in pages for code, card in case_codes(p)]
    assert found
    for code, card in found:
        assert need - 1e-6 <= code <= need * 1.01, (code, need)  # no margin where room is short
        assert code <= card.w * 0.3, (code, card.w)


def test_case_codes_on_a_citylight_keep_the_templates_margin_above_the_minimum(project, design):
    plan, pages = pages_for(project, design, [case(i) for i in range(1, 9)])
    need = plan.format.scan_distance * 100
    for code, card in (x for p in pages for x in case_codes(p)):
        assert code >= need * 1.2 and code <= card.w * 0.2, (code, card.w)


def test_the_root_a3_format_is_laid_out_with_the_poster_template(project):
    assert project.formats["a3"].template == "poster"


def photo_case(n, summary=SUMMARY):
    from pathlib import Path
    return dataclasses.replace(case(n, summary=summary), photo=Path(f"p{n}.jpg"))


def test_cards_of_like_length_share_a_row_and_short_rows_get_larger_photos(project, design):
    from standpress.layout.frame import Image

    short = "Коротко: 40 волонтерів, 3 тонни допомоги."
    cases = [photo_case(1), photo_case(2, short), photo_case(3), photo_case(4, short)]
    plan, pages = pages_for(project, design, cases)
    panel = next(p for p in plan.panels if p.kind == "cases")
    rows = {s.row: [] for s in panel.slots}
    for s in panel.slots:
        rows[s.row].append(s.case.id)
    assert sorted(map(sorted, rows.values())) == [["001", "003"], ["002", "004"]]
    page = next(p for p in pages if p.meta["kind"] == "cases")
    heights = {i.label: round(i.h, 2) for i in page.items if isinstance(i, Image)}
    assert heights["002"] == heights["004"] and heights["001"] == heights["003"]
    assert heights["002"] > heights["001"]  # the short row's photos take its room
    # the panel's cases are still listed in their order
    assert [c.id for c in panel.cases] == ["001", "002", "003", "004"]


def test_titles_set_in_the_fields_of_a_stands_cards_share_one_size(project, design):
    titles = ["Сад", "Громадський город у дворі для переселенців і ветеранів району",
              "Теплі обіди", "Укриття", "Громадський город у дворі для переселенців"]
    cases = [case(i + 1, summary="Коротко: 40 волонтерів, 3 тонни допомоги.", title=t)
             for i, t in enumerate(titles)]
    _, pages = pages_for(project, design, cases)
    field = design.style.text["title_field"]
    color = design.style.color(field.color)
    sizes = {round(t.size, 2) for p in pages if p.meta["kind"] == "cases" for t in p.items
             if isinstance(t, Text) and t.color == color and t.font == field.font
             and t.text != "ТОП-100 · 2022"}  # not the band's
    assert len(sizes) == 1, sizes


def test_a_photo_grows_into_its_rows_room_only_as_far_as_its_pixels_stay_sharp(project, design):
    """Growing a photo's frame taller crops its width: past the height where the photo
    would print below the format's warn_ppi, the frame stops growing."""
    import dataclasses

    from standpress.layout.frame import Image

    short = "Коротко: 40 волонтерів, 3 тонни допомоги."
    sharp = [dataclasses.replace(photo_case(n, short), photo_px=(6000, 4000)) for n in (1, 2)]
    coarse = [dataclasses.replace(photo_case(n, short), photo_px=(2600, 1500)) for n in (1, 2)]
    grown = {}
    for name, cases in (("sharp", sharp), ("coarse", coarse)):
        plan, pages = pages_for(project, design, cases)
        page = next(p for p in pages if p.meta["kind"] == "cases")
        grown[name] = [i for i in page.items if isinstance(i, Image)]
    warn = plan.format.warn_ppi
    for im in grown["coarse"]:
        ppi = min(2600 / (im.w / 25.4), 1500 / (im.h / 25.4))  # cover crop: the scarcer side
        assert ppi >= warn, (im.label, ppi)
    assert max(i.h for i in grown["coarse"]) < max(i.h for i in grown["sharp"])



def test_a_double_cards_field_title_is_one_step_above_the_stands_field_titles(project, design):
    """A double card without a photo is the stand's feature: its field, two modules wide,
    sets its title one step larger than the single cards' one field size, not at their
    size in a field twice as large (which looked empty)."""
    from standpress.layout.cards import FEATURE_STEP, case_card
    from standpress.layout.grid import geometry

    plan, _ = pages_for(project, design, [case(1)])
    fmt, sizer = plan.format, CardSizer(design)
    g = geometry(fmt, sizer.template(fmt), 2, 3)
    kit = sizer.kit(fmt)
    field = design.style.text["title_field"]
    color = design.style.color(field.color)
    short = case(1, summary="Коротко: 40 волонтерів, 3 тонни допомоги.", title="Сад")
    for cap in (math.inf, 30.0):
        sizes = []
        for span in (1, 2):
            _, _, w, h = g.rect(0, 0, span, 2)
            items, _ = case_card(kit, short, 0.0, 0.0, w, h, 1.0, 0.0, g.module_w, cap)
            sizes.append({round(t.size, 2) for t in items if isinstance(t, Text)
                          and t.color == color and t.font == field.font})
        (single,), (double,) = sizes
        assert double == pytest.approx(single * FEATURE_STEP, abs=0.02), (cap, sizes)


@pytest.mark.parametrize("fmt_name", ["citylight", "banner", "a3"])
def test_a_photo_grown_by_the_room_its_card_reports_never_overflows_the_card(project, design,
                                                                           fmt_name):
    """The room a card reports (what its photo may grow by) bounds every column under the
    photo: on a double card whose summary has a column of its own, growing the photo by the
    left column's room overflowed the summary's (an A1 poster failed to build)."""
    from pathlib import Path

    from standpress.layout.cards import CardOverflow, case_card
    from standpress.layout.grid import geometry

    fmt = project.formats[fmt_name]
    sizer = CardSizer(design)
    kit = sizer.kit(fmt)
    words = SUMMARY.split()
    checked = 0
    for grid in ((2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (4, 1), (4, 2)):
        g = geometry(fmt, sizer.template(fmt), *grid)
        _, _, w, h = g.rect(0, 0, 2, 1)
        for n in range(10, 4 * len(words), 7):
            c = dataclasses.replace(case(1, summary=" ".join((words * 4)[:n]), title="Сад"),
                                    photo=Path("photo.jpg"), photo_credit="Фото: О. Коваль")
            for scale in (0.6, 1.0):
                try:
                    _, room = case_card(kit, c, 0.0, 0.0, w, h, scale, 0.0, g.module_w)
                except CardOverflow:
                    continue
                base = kit.least_photo(g.module_w)
                case_card(kit, c, 0.0, 0.0, w, h, scale, base + room, g.module_w)  # fits
                checked += 1
    assert checked > 3
