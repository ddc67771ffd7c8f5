"""What the loaders say about an unknown district or a missing photo: the valid
districts always listed, a suggestion only when it is close, and for a photo the
folder's photos when no name is close."""

from __future__ import annotations

import pytest
from helpers import edit
from PIL import Image

from standpress.errors import InputError
from standpress.load.cases import COLUMNS, load_cases
from standpress.load.config import close_district, district_hint, load_project

HEADER = ",".join(COLUMNS)
KYIV = ("Голосіївський", "Дарницький", "Деснянський", "Дніпровський", "Оболонський",
        "Печерський", "Подільський", "Святошинський", "Солом'янський", "Шевченківський")


def row(district: str = "Голосіївський", photo: str = "", credit: str = "") -> str:
    return f"001,Теплі обіди,ГО «Сусіди»,{district},Волонтерство,Щодня 300 обідів.,,,{photo},{credit}\n"


def problems_of(path, campaign) -> list:
    try:
        _, warnings = load_cases(path, campaign)
    except InputError as e:
        return e.problems
    return warnings


# ---------------------------------------------------------------- districts

@pytest.mark.parametrize("typed,meant", [
    ("Дніпровскький", "Дніпровський"),   # a doubled letter and a wrong one
    ("Печерськй", "Печерський"),         # a letter dropped
    ("святошинський район", "Святошинський"),  # case and «район» are not the problem
    ("Оболонь", "Оболонський"),          # the place the district is named after
    ("Дарниця", "Дарницький"),
    ("Поділ", "Подільський"),
    ("Печерськ", "Печерський"),
])
def test_a_near_miss_of_a_district_is_suggested(typed, meant):
    assert close_district(typed, KYIV) == meant


@pytest.mark.parametrize("typed", ["Троєщина", "Київ", "Центр", "Ірпінь", "ОБЛ",
                                   "Лівий берег", "Деснянський Дарницький"])
def test_a_district_far_from_every_valid_one_gets_no_suggestion(typed):
    assert close_district(typed, KYIV) is None


def test_obolon_is_never_suggested_as_holosiivskyi():
    """The report: «Оболонь» must not suggest an unrelated district (the old rule
    did, for a campaign without Оболонський)."""
    others = tuple(d for d in KYIV if d != "Оболонський")
    assert close_district("Оболонь", others) is None
    assert "did you mean" not in district_hint("Оболонь", others)


def test_two_equally_close_districts_suggest_neither():
    assert close_district("Лісовий", ("Лісовий-1", "Лісовий-2")) is None


def test_unknown_district_in_the_cases_lists_the_valid_ones_in_the_files_order(tmp_path, project):
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + "\n" + row("Оболонь") + row("Троєщина").replace("001", "002"),
                    encoding="utf-8")
    found = [p for p in problems_of(path, project.campaign) if p.field == "district"]
    assert [p.place for p in found] == ["row 2", "row 3"]
    listed = ", ".join(project.campaign.districts)
    near, far = found
    assert near.hint == f'did you mean "Оболонський"? The campaign\'s districts are: {listed}'
    assert far.hint == f"write one of the campaign's districts: {listed}"
    # the campaign's order, not sorted or shuffled
    assert far.hint.index("Голосіївський") < far.hint.index("Дарницький") < far.hint.index("Шевченківський")


def test_unknown_district_of_a_location_lists_the_valid_ones(campaign_copy):
    loc = campaign_copy / "locations.toml"
    edit(loc, 'serves = ["Дніпровський"]', 'serves = ["Троєщина"]')
    with pytest.raises(InputError) as info:
        load_project(loc)
    serves = next(p for p in info.value.problems if p.field == "location[7].serves")
    assert serves.is_error and '"Троєщина" is not a district' in serves.message
    assert serves.hint.startswith("write one of the campaign's districts: Голосіївський, Дарницький")


def test_unknown_district_where_a_location_stands_is_a_warning_with_the_list(campaign_copy):
    """Nothing is drawn from where a stand stands, so a warning, not an error; but a
    typo does not pass unseen."""
    loc = campaign_copy / "locations.toml"
    edit(loc, 'district = "Дарницький"', 'district = "Дарниця"')
    _, warnings = load_project(loc)
    district = next(p for p in warnings if p.field == "location[6].district")
    assert district.severity == "warning" and '"Дарниця" is not a district' in district.message
    assert district.hint.startswith('did you mean "Дарницький"? The campaign\'s districts are: ')
    assert district.place and district.place.split(":")[0].isdigit()


def test_a_location_district_in_another_spelling_is_no_warning(campaign_copy):
    loc = campaign_copy / "locations.toml"
    edit(loc, 'district = "Дарницький"', 'district = "дарницький район"')
    project, warnings = load_project(loc)
    assert not [w for w in warnings if w.field and w.field.endswith(".district")]
    assert project.locations[6].district == "Дарницький"


# ---------------------------------------------------------------- photos

def _photos(folder, names):
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        Image.new("RGB", (40, 30), (90, 120, 150)).save(folder / n, "PNG" if n.endswith(".png") else "JPEG")


def photo_hint(tmp_path, campaign, value: str) -> str:
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + "\n" + row(photo=value, credit="Фото: автор"), encoding="utf-8")
    found = [p for p in problems_of(path, campaign) if p.field == "photo"]
    assert len(found) == 1 and "not found" in found[0].message, found
    return found[0].hint


@pytest.mark.parametrize("value,meant,why", [
    ("photos/Nuthatch.JPG", "photos/nuthatch.jpg", "(names are case-sensitive)"),
    ("Photos/nuthatch.jpg", "photos/nuthatch.jpg", "(names are case-sensitive)"),
    ("photos/nuthatch.png", "photos/nuthatch.jpg", "(the extension differs)"),
    ("photos/nuthach.jpg", "photos/nuthatch.jpg", ""),
    ("photos/pier_evening.jpg", "photos/pier-evening.jpg", ""),
])
def test_a_missing_photo_suggests_only_a_close_name(tmp_path, project, value, meant, why):
    _photos(tmp_path / "photos", ["nuthatch.jpg", "maple-leaf.jpg", "pier-evening.jpg", "bridge.png"])
    hint = photo_hint(tmp_path, project.campaign, value)
    assert hint == f'did you mean "{meant}"? {why}'.strip()


def test_a_missing_photo_with_no_close_name_lists_the_folders_photos(tmp_path, project):
    """The report: «kyiv-night.jpg» suggested an unrelated file. Now: no guess, the
    photos that are there."""
    _photos(tmp_path / "photos", ["nuthatch.jpg", "maple-leaf.jpg", "pier-evening.jpg"])
    (tmp_path / "photos" / "notes.txt").write_text("підписи", encoding="utf-8")
    hint = photo_hint(tmp_path, project.campaign, "photos/kyiv-night.jpg")
    assert "did you mean" not in hint
    assert hint.endswith("photos are: maple-leaf.jpg, nuthatch.jpg, pier-evening.jpg; fix the name")
    assert "notes.txt" not in hint


def test_a_missing_photo_in_a_full_folder_lists_five_nearest(tmp_path, project):
    names = [f"case-{i:02d}.jpg" for i in range(12)] + ["kyiv-day.jpg"]
    _photos(tmp_path / "photos", names)
    hint = photo_hint(tmp_path, project.campaign, "photos/kyiv-night.jpg")
    assert "did you mean" not in hint and "holds 13 photos" in hint
    shown = hint.split("the nearest: ")[1].split("; ")[0].split(", ")
    assert len(shown) == 5 and shown[0] == "kyiv-day.jpg" and set(shown) <= set(names)


def test_a_missing_photo_in_an_empty_or_missing_folder_says_so(tmp_path, project):
    (tmp_path / "photos").mkdir()
    assert photo_hint(tmp_path, project.campaign, "photos/a.jpg").endswith(
        "photos is empty; put the photo there or fix the name")
    (tmp_path / "photos" / "readme.txt").write_text("—", encoding="utf-8")
    assert "holds no photos (JPEG, PNG or TIFF)" in photo_hint(tmp_path, project.campaign, "photos/a.jpg")
    hint = photo_hint(tmp_path, project.campaign, "pics/a.jpg")
    assert hint.startswith('there is no folder "pics" in ') and "did you mean" not in hint
