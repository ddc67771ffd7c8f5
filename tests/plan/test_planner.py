"""The planner: every case on exactly one stand; panels by the format; no cramming."""

from __future__ import annotations


import pytest

from standpress.errors import InputError
from standpress.model import Case
from standpress.plan import FixedSizer, plan_stands


def make_cases(districts, per_district):
    cases = []
    n = 0
    for d in districts:
        for _ in range(per_district):
            n += 1
            cases.append(Case(id=f"{n:03d}", title=f"Кейс {n}", organization="ГО", district=d,
                              category="Освіта", summary="Текст.", partner="", url="https://x/1",
                              photo=None, photo_credit=""))
    return cases


def test_every_case_lands_on_exactly_one_stand_by_district(project):
    cases = make_cases(project.campaign.districts, 10)
    plans, warnings = plan_stands(project, cases, FixedSizer())
    placed = [c.id for p in plans for c in p.cases]
    assert sorted(placed) == sorted(c.id for c in cases)
    for plan in plans:
        assert all(c.district in plan.location.serves for c in plan.cases)


def test_panels_are_cover_cases_locator_with_units_and_sides(project):
    cases = make_cases(project.campaign.districts, 10)
    plans, _ = plan_stands(project, cases, FixedSizer())
    park = next(p for p in plans if p.location.id == "holosiivskyi-park")
    assert [p.kind for p in park.panels] == ["cover", "cases", "cases", "cases", "locator"]
    assert [(p.unit, p.side) for p in park.panels] == [(1, "A"), (1, "B"), (2, "A"), (2, "B"), (3, "A")]
    assert [len(p.cases) for p in park.panels] == [0, 4, 3, 3, 0]  # balanced, never 4 + 4 + 2
    assert park.panels[1].name == "02-cases"


def test_a_stand_with_more_panels_than_faces_is_an_error_not_a_squeeze(project):
    cases = make_cases(project.campaign.districts, 30)
    with pytest.raises(InputError) as info:
        plan_stands(project, cases, FixedSizer())
    msg = " ".join(p.message + " " + (p.hint or "") for p in info.value.problems)
    assert "stand «holosiivskyi-park» needs 10 panels" in msg and "have 6 faces" in msg
    assert "set units = 5" in msg


def test_a_stand_without_cases_still_gets_cover_and_locator_and_a_warning(project):
    cases = make_cases(["Голосіївський"], 3)
    plans, warnings = plan_stands(project, cases, FixedSizer())
    empty = next(p for p in plans if p.location.id == "opera")
    assert [p.kind for p in empty.panels] == ["cover", "locator"]
    assert any("«opera» has no cases" in w.message for w in warnings)


def test_only_limits_the_stands(project):
    cases = make_cases(project.campaign.districts, 2)
    plans, _ = plan_stands(project, cases, FixedSizer(), only=("opera",))
    assert [p.location.id for p in plans] == ["opera"]
    assert {c.district for c in plans[0].cases} == {"Шевченківський", "Подільський"}


def test_cases_are_ordered_by_served_district_then_number(project):
    cases = make_cases(["Подільський", "Шевченківський"], 3)
    cases = list(reversed(cases))
    plans, _ = plan_stands(project, cases, FixedSizer(), only=("opera",))
    order = [c.district for c in plans[0].cases]
    assert order == ["Шевченківський"] * 3 + ["Подільський"] * 3
    ids = [c.id for c in plans[0].cases if c.district == "Подільський"]
    assert ids == sorted(ids)


def test_faces_left_over_carry_the_catalogue_when_the_template_has_one(project):
    cases = make_cases(project.campaign.districts, 10)
    plans, _ = plan_stands(project, cases, FixedSizer(), fill_faces=lambda f: True)
    park = next(p for p in plans if p.location.id == "holosiivskyi-park")
    assert [p.kind for p in park.panels][-2:] == ["locator", "catalogue"]
    assert len(park.panels) == park.location.units * park.format.faces


def test_units_left_without_any_panel_are_named(project):
    cases = make_cases(["Шевченківський"], 1)
    plans, warnings = plan_stands(project, cases, FixedSizer(), only=("opera",),
                                  fill_faces=lambda f: True)
    assert [p.kind for p in plans[0].panels] == ["cover", "cases", "locator", "catalogue"]
    assert any("fills 2 of its 4 units" in w.message for w in warnings)


def test_nine_cases_spread_three_three_three_never_four_four_one(project):
    cases = make_cases(["Дніпровський"], 9)
    plans, _ = plan_stands(project, cases, FixedSizer(), only=("peremoha-park",))
    counts = [len(p.cases) for p in plans[0].panels if p.kind == "cases"]
    assert counts == [3, 3, 3]


@pytest.mark.parametrize("n", range(1, 17))
def test_case_counts_of_a_stands_panels_differ_by_at_most_one(project, n):
    cases = make_cases(["Голосіївський"], n)
    plans, _ = plan_stands(project, cases, FixedSizer(), only=("holosiivskyi-park",))
    counts = [len(p.cases) for p in plans[0].panels if p.kind == "cases"]
    assert max(counts) - min(counts) <= 1 and len(counts) == -(-n // 4)


def test_spare_modules_carry_different_content_and_no_catalogue(project):
    cases = make_cases(["Дніпровський"], 9)
    plans, _ = plan_stands(project, cases, FixedSizer(), only=("peremoha-park",),
                           fill_faces=lambda f: True)
    spares = [s.spare for p in plans[0].panels for s in p.slots if s.case is None]
    assert spares == ["index", "howto", "figures"]
    assert [p.kind for p in plans[0].panels].count("catalogue") <= 1


def test_spare_room_beyond_the_kinds_of_content_grows_a_case_card_never_a_repeat(project):
    class OneKind(FixedSizer):
        def spare_kinds(self, fmt):
            return ("index",)

    cases = make_cases(["Дніпровський"], 9)  # 3 + 3 + 3 on 2 × 2: three spare modules
    plans, warnings = plan_stands(project, cases, OneKind(), only=("peremoha-park",))
    slots = [s for p in plans[0].panels for s in p.slots]
    assert [s.spare for s in slots if s.case is None] == ["index"]
    grown = [s for s in slots if s.case is not None and s.cols * s.rows > 1]
    assert len(grown) == 2 and all(s.cols == 2 for s in grown)  # a double card beside it
    for p in plans[0].panels:  # every module of a case panel is covered exactly once
        if p.kind == "cases":
            cells = [(s.col + i, s.row + j) for s in p.slots for i in range(s.cols)
                     for j in range(s.rows)]
            assert sorted(cells) == sorted(set(cells)) and len(cells) == 4
    # a card grown into spare room is not a case too long for its card: no warning
    assert not any("double card" in w.message for w in warnings)


def test_a_single_faced_stand_with_a_unit_to_spare_carries_the_catalogue_once(project):
    """Posters (one face a unit) have no face left over on a unit; a unit the stand would
    leave unused takes the catalogue panel, so the stand shows the catalogue's code."""
    import dataclasses

    a3 = dataclasses.replace(project.formats["a3"], faces=1)
    locs = tuple(dataclasses.replace(loc, format="a3", units=12) for loc in project.locations)
    single = dataclasses.replace(project, formats={**project.formats, "a3": a3}, locations=locs)
    cases = make_cases(["Дніпровський"], 4)
    plans, warnings = plan_stands(single, cases, FixedSizer(cols=1, rows=1),
                                  only=("peremoha-park",), fill_faces=lambda f: True)
    kinds = [p.kind for p in plans[0].panels]
    assert kinds.count("catalogue") == 1 and kinds[-1] == "catalogue"
    assert any(f"fills {len(kinds)} of its 12 units" in w.message for w in warnings)
    plans, _ = plan_stands(single, cases, FixedSizer(cols=1, rows=1), only=("peremoha-park",),
                           fill_faces=lambda f: False)  # a template without a catalogue panel
    assert "catalogue" not in [p.kind for p in plans[0].panels]
