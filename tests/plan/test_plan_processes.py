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
