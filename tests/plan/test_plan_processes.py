"""The stands paginated in forked processes (``plan.paginate_stands``) plan exactly what
one process plans, remember the same card sizes, and report a case that fits no card the
same way."""

from __future__ import annotations

import dataclasses

import pytest
from helpers import ROOT

from standpress.errors import InputError
from standpress.layout import fit
from standpress.layout.grid import CardSizer
from standpress.load.cases import load_cases
from standpress.load.config import load_project
from standpress.load.design import load_design
from standpress.normalise import normalise_cases, normalise_project
from standpress.pipeline.prepare import RememberedSizer
from standpress.pipeline.scheduler import ForkedMap
from standpress.plan import plan_stands


@pytest.fixture(scope="module")
def sample():
    project, _ = load_project(ROOT / "locations.toml")
    project = normalise_project(project, False)
    cases, _ = load_cases(ROOT / "data" / "cases.csv", project.campaign)
    cases, _ = normalise_cases(cases, project.campaign)
    return project, load_design(project), cases


def _plan(sample, jobs, cases=None, remembered=False):
    project, design, own = sample
    fit._memo.clear()  # each plan sets its cards itself (a forked one would inherit them)
    sizer = CardSizer(design)
    if remembered:
        sizer = RememberedSizer(sizer, {})
    fill = lambda f: design.templates[f.template].has("catalogue")  # noqa: E731
    forks = ForkedMap(jobs) if jobs > 1 else None
    plans, warnings = plan_stands(project, cases or own, sizer, fill_faces=fill, forks=forks)
    return plans, warnings, sizer


def test_stands_paginated_in_processes_plan_and_remember_exactly_as_one_process(sample):
    one, warn_one, sizer_one = _plan(sample, 1, remembered=True)
    two, warn_two, sizer_two = _plan(sample, 2, remembered=True)
    assert repr(two) == repr(one) and [str(w) for w in warn_two] == [str(w) for w in warn_one]
    # the cases on the pages are this process's own objects, not copies
    ids = {id(c) for c in sample[2]}
    assert all(id(c) in ids for p in two for panel in p.panels for c in panel.cases)
    assert sizer_two.answers == sizer_one.answers and sizer_two.new and sizer_one.new
    plain, _, _ = _plan(sample, 2)  # the sizer the tests and ``lay_out`` use
    assert repr(plain) == repr(one)


def test_a_case_that_fits_no_card_is_reported_the_same_from_a_forked_process(sample):
    cases = list(sample[2])
    cases[3] = dataclasses.replace(cases[3], summary="Рахунок " + "1234567890" * 40)  # one word
    messages = []
    for jobs in (1, 2):
        with pytest.raises(InputError) as info:
            _plan(sample, jobs, cases)
        messages.append([str(p) for p in info.value.problems])
    assert messages[0] == messages[1] and cases[3].id in messages[0][0]


class _Recorded(ForkedMap):
    """ForkedMap that notes the items (shares of stands) it is given."""

    def __init__(self, jobs):
        super().__init__(jobs)
        self.items: list = []

    def __call__(self, fn, items):
        self.items.append(list(items))
        return super().__call__(fn, items)


def _stand_plan(sample, sizer, forks, cases=None):
    project, design, own = sample
    fill = lambda f: design.templates[f.template].has("catalogue")  # noqa: E731
    return plan_stands(project, cases or own, sizer, fill_faces=fill, forks=forks)[0]


def test_a_rebuild_whose_cards_are_all_known_plans_here_without_forking(sample):
    """An edit's plan asked forked processes what the remembered sizes already said:
    0.1 s of forking, and the layout workers lost the paragraphs the plan had set."""
    first, _, sizer = _plan(sample, 2, remembered=True)
    again = _Recorded(2)
    known = RememberedSizer(CardSizer(sample[1]), dict(sizer.answers))
    assert repr(_stand_plan(sample, known, again)) == repr(first)
    assert again.items == [] and not known.new


def test_only_the_stands_with_cards_to_size_are_forked(sample):
    _, design, own = sample
    first, _, sizer = _plan(sample, 2, remembered=True)
    edited, stands = list(own), []
    for plan in first[:2]:  # four cases of each of the first two stands get new summaries
        stands.append(plan.location.id)
        ids = [c.id for p in plan.panels for c in p.cases][:4]
        for n, c in enumerate(edited):
            if c.id in ids:
                edited[n] = dataclasses.replace(c, summary=c.summary + " Нове речення.")
    forks = _Recorded(2)
    known = RememberedSizer(CardSizer(design), dict(sizer.answers))
    got = _stand_plan(sample, known, forks, edited)
    fit._memo.clear()
    alone = _stand_plan(sample, RememberedSizer(CardSizer(design), dict(sizer.answers)), None,
                        edited)
    assert repr(got) == repr(alone) and known.new
    (shares,) = forks.items
    assert sorted(i for share in shares for i in share) == [0, 1]  # the first two stands
