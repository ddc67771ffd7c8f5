"""locations.toml: the sample loads; every mistake is named with its line, all at once."""

from __future__ import annotations

import pytest
from helpers import edit

from standpress.errors import InputError
from standpress.load.config import district_key, load_project


def test_sample_locations_serve_every_district_exactly_once(project):
    served = [d for loc in project.locations for d in loc.serves]
    assert len(project.locations) == 8
    assert sorted(map(district_key, served)) == sorted(map(district_key, project.campaign.districts))
    assert len(served) == len(set(served)) == 10


def test_sample_formats_include_citylight_banner_and_a3(project):
    f = project.formats
    assert (f["citylight"].width, f["citylight"].height, f["citylight"].faces) == (1200, 1800, 2)
    assert (f["banner"].width, f["banner"].height) == (3000, 1500)
    assert (f["a3"].width, f["a3"].height) == (297, 420)
    assert f["banner"].orientation == "landscape"


def test_campaign_facts_come_from_the_leaflet(project):
    c = project.campaign
    assert c.title == "ТОП-100" and c.year == 2022
    assert [f.value for f in c.figures] == ["350", "100"]
    assert "12 жовтня 2022 року" in c.ceremony
    assert "{id}" in c.case_url_pattern


def test_every_problem_is_reported_once_with_its_line(campaign_copy):
    loc = campaign_copy / "locations.toml"
    edit(loc, 'format = "banner"', 'format = "banerr"')
    edit(loc, "bleed = 10", "bleed = -5")
    edit(loc, 'id = "opera"', 'id = "Opera House"')
    edit(loc, 'serves = ["Дніпровський"]', 'serves = ["Дніпровскький"]')
    edit(loc, "units = 3\n", "units = 3\ncolour = 1\n")
    with pytest.raises(InputError) as info:
        load_project(loc)
    messages = [str(p) for p in info.value.problems]
    text = "\n".join(messages)
    assert 'unknown format "banerr"' in text
    assert "bleed: -5 is out of range" in text
    assert '"Opera House" is not a usable id' in text
    assert '"Дніпровскький" is not a district' in text and 'did you mean "Дніпровський"' in text
    assert 'district "Дніпровський" is served by no location' in text
    assert 'unknown key "colour"' in text
    # each message carries file:line:column
    assert all(m.startswith("locations.toml:") or "locations.toml:" in m for m in messages), messages
    line = next(p for p in info.value.problems if "banerr" in p.message).place
    n = int(line.split(":")[0])
    assert 'format = "banerr"' in loc.read_text(encoding="utf-8").splitlines()[n - 1]


def test_a_district_served_twice_is_an_error(campaign_copy):
    loc = campaign_copy / "locations.toml"
    edit(loc, 'serves = ["Дарницький"]', 'serves = ["Дарницький", "Голосіївський"]')
    with pytest.raises(InputError, match="problem") as info:
        load_project(loc)
    assert any('"Голосіївський" is already served by "holosiivskyi-park"' in p.message
               for p in info.value.problems)


def test_broken_toml_names_line_and_column(campaign_copy):
    loc = campaign_copy / "locations.toml"
    edit(loc, 'title = "ТОП-100"', 'title = "ТОП-100')
    with pytest.raises(InputError) as info:
        load_project(loc)
    p = info.value.problems[0]
    assert p.file.endswith("locations.toml") and p.place and p.place.split(":")[0].isdigit()


def test_district_names_match_whatever_apostrophe_people_type():
    assert district_key("Соломʼянський") == district_key("Солом'янський")
    assert district_key("Солом’янський район") == district_key("солом'янський")


def test_marks_are_a_format_setting_and_crop_marks_always_stay(campaign_copy):
    loc = campaign_copy / "locations.toml"
    edit(loc, "template = \"landscape\"\n", 'template = "landscape"\nmarks = ["registration", "colour_bar"]\n')
    project, _ = load_project(loc)
    assert project.formats["banner"].marks == ("crop", "registration", "colour_bar")
    assert project.formats["citylight"].marks == ("crop",)
    edit(loc, '"colour_bar"]', '"color-bar"]')
    with pytest.raises(InputError) as info:
        load_project(loc)
    assert any('"color-bar" is not a printer' in p.message for p in info.value.problems)
