"""A format without a template (or with ``template = "auto"``) gets the one its shape and
viewing distance call for; the choice is what the layout then uses."""

from __future__ import annotations

import re

import pytest

from standpress.errors import InputError
from standpress.load.config import auto_template, load_project


@pytest.mark.parametrize("w, h, distance, expected", [
    (297, 420, 0.45, "poster"),       # A3
    (594, 841, 1.2, "poster"),        # A1
    (841, 1189, 2.0, "portrait"),     # A0: a construction's size
    (420, 594, 1.0, "poster"),        # A2
    (1200, 1800, 1.5, "portrait"),    # citylight
    (1000, 2500, 2.0, "portrait"),    # pylon
    (3000, 1500, 2.5, "landscape"),   # banner
    (6000, 3000, 8.0, "billboard"),   # 6×3 m read from 8 m
    (420, 297, 0.5, "landscape"),     # A3 across
])
def test_the_template_a_format_gets_follows_its_shape_and_distance(w, h, distance, expected):
    assert auto_template(w, h, distance) == expected


def _without_template(campaign_copy, value: str | None):
    path = campaign_copy / "locations.toml"
    text = path.read_text(encoding="utf-8")
    line = "" if value is None else f'template = "{value}"'
    text = re.sub(r'(\[format\.banner\][^\[]*?)template = "landscape"[^\n]*', rf"\1{line}",
                  text, count=1, flags=re.S)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("value", [None, "auto"])
def test_a_banner_without_a_template_gets_the_landscape_one(campaign_copy, value):
    project, _ = load_project(_without_template(campaign_copy, value))
    assert project.formats["banner"].template == "landscape"


def test_an_auto_template_missing_from_the_folder_is_named_with_how_to_choose(campaign_copy):
    path = _without_template(campaign_copy, None)
    (campaign_copy / "templates" / "landscape.toml").unlink()
    with pytest.raises(InputError) as info:
        load_project(path)
    [problem] = [p for p in info.value.problems if "template" in str(p.field)]
    assert "chosen by the format's shape" in problem.message
    assert 'template = "' in problem.hint
