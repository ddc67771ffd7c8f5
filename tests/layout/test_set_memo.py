"""Set paragraphs are remembered per style sheet, and only for the very sheet they were
set with (a plan sizes each card at several scales and sets the same fields again)."""

from __future__ import annotations

import dataclasses

from helpers import ROOT

from standpress.layout import fit
from standpress.load.design import load_style

TEXT = ["Громадська організація разом із районною адміністрацією облаштувала пункт "
        "незламності, де щодня отримували допомогу триста мешканців."]


def test_set_paragraphs_memo_answers_the_same_block_and_never_across_style_sheets():
    style = load_style(ROOT / "templates" / "style.toml", ROOT / "fonts")
    ts = style.text["summary"] if "summary" in style.text else next(iter(style.text.values()))
    first = fit.set_paragraphs(TEXT, ts, 5.0, 80.0, style)
    assert fit.set_paragraphs(list(TEXT), ts, 5.0, 80.0, style) is first  # remembered
    assert fit._set_paragraphs(TEXT, ts, 5.0, 80.0, style, None, True) == first  # and right
    # another sheet that differs only in its palette: the colour of each line must follow it
    other = dataclasses.replace(style, palette={k: (0.0, 100.0, 0.0, 0.0)
                                                for k in style.palette})
    again = fit.set_paragraphs(TEXT, ts, 5.0, 80.0, other)
    assert again is not first
    assert {t.color for t in again.lines} == {(0.0, 100.0, 0.0, 0.0)}
    assert {t.color for t in first.lines} != {(0.0, 100.0, 0.0, 0.0)}
