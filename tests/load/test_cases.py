"""The case loaders: CSV/XLSX/TOML read alike; every defect named with its row and column."""

from __future__ import annotations

import pytest

from standpress.errors import InputError
from standpress.load.cases import COLUMNS, load_cases

HEADER = ",".join(COLUMNS)
GOOD = "001,Теплі обіди,ГО «Сусіди»,Голосіївський,Волонтерство,Щодня 300 обідів.,,,,\n"


def write(tmp_path, text, name="cases.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_sample_data_loads_with_100_cases(root, project):
    cases, warnings = load_cases(root / "data" / "cases.csv", project.campaign)
    assert len(cases) == 100
    assert len({c.id for c in cases}) == 100
    assert {c.district for c in cases} == set(project.campaign.districts)
    assert all(c.url.startswith("https://") for c in cases)
    assert not [w for w in warnings if w.is_error]


def test_url_defaults_to_the_campaign_pattern(tmp_path, project):
    cases, _ = load_cases(write(tmp_path, HEADER + "\n" + GOOD), project.campaign)
    assert cases[0].url == project.campaign.case_url_pattern.replace("{id}", "001")


def test_bom_crlf_stray_header_spaces_and_trailing_empty_rows(tmp_path, project):
    text = "\ufeff" + " id , title ,organization,district,category,summary,partner,url,photo,photo_credit,\r\n"
    text += GOOD.replace("\n", ",\r\n") + ",,,,,,,,,\r\n\r\n"
    cases, warnings = load_cases(write(tmp_path, text), project.campaign)
    assert [c.id for c in cases] == ["001"] and cases[0].title == "Теплі обіди"


def test_quoted_field_with_a_newline(tmp_path, project):
    text = HEADER + '\n001,"Теплі\nобіди",ГО,Дарницький,Освіта,"Текст, з комою",,,,\n'
    cases, _ = load_cases(write(tmp_path, text), project.campaign)
    assert cases[0].title == "Теплі\nобіди" and cases[0].summary == "Текст, з комою"


def test_windows_1251_is_read_with_a_warning(tmp_path, project):
    path = write(tmp_path, HEADER + "\n" + GOOD.replace("«", '"').replace("»", '"'),
                 encoding="cp1251")
    cases, warnings = load_cases(path, project.campaign)
    assert cases[0].title == "Теплі обіди"
    assert any("Windows-1251" in w.message for w in warnings)


def test_all_defects_reported_in_one_pass_with_row_and_column(tmp_path, project):
    rows = [
        GOOD,
        "001,Дубль,ГО,Дарницький,Освіта,Текст,,,,\n",                 # duplicate id, row 3
        "002,,ГО,Дарницький,Освіта,Текст,,,,\n",                      # empty title, row 4
        "003,Назва,ГО,Оболонь,Освіта,Текст,,,,\n",                    # unknown district, row 5
        "004,Назва,ГО,Дарницький,Освіта,Текст,,ftp://x.org/a,,\n",    # not http(s), row 6
        "005,Назва,ГО,Дарницький,Освіта,Текст,,,../secret.jpg,\n",    # escapes the folder, row 7
        "006,Назва,ГО,Дарницький,Освіта,Текст,,,nope.jpg,\n",         # missing photo, row 8
    ]
    with pytest.raises(InputError) as info:
        load_cases(write(tmp_path, HEADER + "\n" + "".join(rows)), project.campaign)
    found = {(p.place, p.field) for p in info.value.problems}
    assert ("row 3", "id") in found
    assert ("row 4", "title") in found
    assert ("row 5", "district") in found
    assert ("row 6", "url") in found
    assert ("row 7", "photo") in found
    assert ("row 8", "photo") in found
    assert all(p.file.endswith("cases.csv") for p in info.value.problems)
    assert info.value.exit_code == 2


def test_missing_and_unknown_columns(tmp_path, project):
    text = "id,title,organisation,district,category,summary\n001,a,b,Дарницький,c,d\n"
    with pytest.raises(InputError) as info:
        load_cases(write(tmp_path, text), project.campaign)
    messages = " | ".join(p.message + " " + (p.hint or "") for p in info.value.problems)
    assert 'unknown column "organisation"' in messages and 'did you mean "organization"' in messages
    assert 'required column "organization" is missing' in messages


def test_photo_symlink_leading_out_is_refused(tmp_path, project):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"x")
    data = tmp_path / "data"
    data.mkdir()
    (data / "link.jpg").symlink_to(outside)
    path = data / "cases.csv"
    path.write_text(HEADER + "\n" + GOOD.replace(",,,,\n", ",,,link.jpg,Фото: А\n"), "utf-8")
    with pytest.raises(InputError, match="problem") as info:
        load_cases(path, project.campaign)
    assert "outside the data folder" in info.value.problems[0].message


def test_toml_and_xlsx_read_like_csv(tmp_path, project):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    ws.append(["001", "Теплі обіди", "ГО «Сусіди»", "Голосіївський", "Волонтерство",
               "Щодня 300 обідів.", None, None, None, None])
    ws.append(["=1+1", "Формула", "ГО", "Дарницький", "Освіта", "Текст", None, None, None, None])
    wb.save(tmp_path / "cases.xlsx")
    # formulas are read as their cached values: openpyxl writes none, so the cell is empty
    with pytest.raises(InputError) as info:
        load_cases(tmp_path / "cases.xlsx", project.campaign)
    assert {(p.place, p.field) for p in info.value.problems} == {("row 3", "id")}

    (tmp_path / "cases.toml").write_text(
        '[[case]]\nid = "001"\ntitle = "Теплі обіди"\norganization = "ГО"\n'
        'district = "Голосіївський"\ncategory = "Волонтерство"\nsummary = "Текст."\n', "utf-8")
    cases, _ = load_cases(tmp_path / "cases.toml", project.campaign)
    assert cases[0].title == "Теплі обіди" and cases[0].source.place.startswith("1:")


# ---------------------------------------------------------------- columns of the user's own

def _own_columns_csv() -> str:
    return (HEADER + ",Відповідальний,Примітки,,Примітки\n"
            + GOOD.rstrip("\n") + ",Олена Петренко,перевірити фото,,ще\n")


def test_an_unknown_csv_column_is_a_warning_naming_it_as_spelled(tmp_path, project):
    cases, warnings = load_cases(write(tmp_path, _own_columns_csv()), project.campaign)
    assert [c.id for c in cases] == ["001"] and cases[0].title == "Теплі обіди"
    unknown = [w for w in warnings if "unknown column" in w.message]
    assert {w.field for w in unknown} == {"Відповідальний", "Примітки"}
    for w in unknown:
        assert w.severity == "warning" and w.place == "row 1"
        assert w.file.endswith("cases.csv")
        assert f'unknown column "{w.field}"' in w.message and "did you mean" not in w.hint
    assert any("has no name" in w.message and w.severity == "warning" for w in warnings)


def test_an_unknown_xlsx_column_is_a_warning_naming_it_as_spelled(tmp_path, project):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*COLUMNS, "Відповідальний"])
    ws.append(["001", "Теплі обіди", "ГО «Сусіди»", "Голосіївський", "Волонтерство",
               "Щодня 300 обідів.", None, None, None, None, "Олена Петренко"])
    wb.save(tmp_path / "cases.xlsx")
    cases, warnings = load_cases(tmp_path / "cases.xlsx", project.campaign)
    assert [c.id for c in cases] == ["001"]
    [w] = [w for w in warnings if "unknown column" in w.message]
    assert (w.field, w.place, w.severity) == ("Відповідальний", "row 1", "warning")
    assert w.file.endswith("cases.xlsx")
    assert str(w).startswith(f"{w.file}:row 1: Відповідальний: unknown column «".replace("«", '"'))


@pytest.mark.parametrize("spelled, meant", [("tittle", "title"), ("Summery", "summary"),
                                            ("organisation", "organization")])
def test_a_near_miss_of_a_missing_required_column_stays_an_error(tmp_path, project, spelled,
                                                                  meant):
    header = HEADER.replace(meant, spelled)
    with pytest.raises(InputError) as info:
        load_cases(write(tmp_path, header + "\n" + GOOD), project.campaign)
    [near] = [p for p in info.value.problems if p.field == spelled]
    assert near.is_error and near.place == "row 1"
    assert f'did you mean "{meant}"' in near.hint
    assert any(p.message == f'required column "{meant}" is missing' for p in info.value.problems)


def test_a_near_miss_of_an_optional_column_is_a_warning_with_a_suggestion(tmp_path, project):
    text = HEADER.replace("partner", "partners") + "\n" + GOOD
    cases, warnings = load_cases(write(tmp_path, text), project.campaign)
    [w] = [w for w in warnings if w.field == "partners"]
    assert w.severity == "warning" and 'did you mean "partner"' in w.hint
    # beside the real column, a look-alike is a column of its own
    text = HEADER + ",Title_\n" + GOOD.rstrip("\n") + ",x\n"
    _cases, warnings = load_cases(write(tmp_path, text), project.campaign)
    [w] = [w for w in warnings if w.field == "Title_"]
    assert w.severity == "warning" and "did you mean" not in w.hint


def test_unknown_toml_keys_warn_once_and_misspelt_required_keys_fail(tmp_path, project):
    case = ('[[case]]\nid = "{id}"\ntitle = "Теплі обіди"\norganization = "ГО"\n'
            'district = "Голосіївський"\ncategory = "Волонтерство"\nsummary = "Текст."\n'
            '"Відповідальний" = "Олена"\n')
    path = tmp_path / "cases.toml"
    path.write_text(case.format(id="001") + case.format(id="002"), "utf-8")
    cases, warnings = load_cases(path, project.campaign)
    assert [c.id for c in cases] == ["001", "002"]
    [w] = [w for w in warnings if "unknown key" in w.message]
    assert w.field == "Відповідальний" and "(in 2 cases)" in w.message and w.place == "8:1"
    path.write_text(case.format(id="001").replace("summary =", "sumary ="), "utf-8")
    with pytest.raises(InputError) as info:
        load_cases(path, project.campaign)
    [near] = [p for p in info.value.problems if p.field == "sumary"]
    assert near.is_error and 'did you mean "summary"' in near.hint


def test_photos_load_with_their_size_as_printed_png_and_turned_jpeg_or_png(tmp_path, project):
    """The loader reads each photo's pixel size as printed (layout bounds a photo's frame by
    it): a sound PNG passes its CRC check, a JPEG turned by EXIF swaps width and height, and
    a damaged PNG is still refused."""
    from PIL import Image

    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (300, 200), "teal").save(photos / "flat.png")
    exif = Image.Exif()
    exif[0x0112] = 6  # turned a quarter: shown 200 wide, 300 tall
    Image.new("RGB", (300, 200), "olive").save(photos / "turned.jpg", exif=exif)
    Image.new("RGB", (300, 200), "olive").save(photos / "turned.png", exif=exif)  # eXIf chunk
    (photos / "cut.png").write_bytes((photos / "flat.png").read_bytes()[:-30])
    rows = "".join(
        f"{n},Кейс {n},ГО «Сусіди»,Шевченківський,Волонтерство,Текст.,,,photos/{name},"
        '"Фото: автор, CC BY 4.0"\n' for n, name in (("001", "flat.png"), ("002", "turned.jpg"),
                                                      ("003", "turned.png")))
    cases, _ = load_cases(write(tmp_path, ",".join(COLUMNS) + "\n" + rows), project.campaign)
    assert [c.photo_px for c in cases] == [(300, 200), (200, 300), (200, 300)]
    bad = ",".join(COLUMNS) + "\n003,Кейс,ГО «Сусіди»,Шевченківський,Волонтерство,Текст.,,,photos/cut.png,Фото\n"
    with pytest.raises(InputError) as info:
        load_cases(write(tmp_path, bad, name="bad.csv"), project.campaign)
    assert "cut.png" in str(info.value.problems[0])
