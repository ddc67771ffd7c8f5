"""Glyph coverage: a character no font has fails the build by name; fallbacks are honoured."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from standpress.pipeline import BuildOptions, build
from standpress.errors import InputError

HEADER = "id,title,organization,district,category,summary,partner,url,photo,photo_credit\n"
DEVANAGARI = Path("/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf")


def project_with(tmp_path, root, title, fallback=None):
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(root / name, tmp_path / name)
    shutil.copy(root / "locations.toml", tmp_path / "locations.toml")
    if fallback:
        shutil.copy(fallback, tmp_path / "fonts" / fallback.name)
        style = tmp_path / "templates" / "style.toml"
        text = style.read_text("utf-8").replace(
            '[fonts]\n', f'[fonts]\nfallback = ["{fallback.name}"]\n', 1)
        style.write_text(text, "utf-8")
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + f"001,{title},ГО «Сусіди»,Шевченківський,Освіта,Текст.,,,,\n", "utf-8")
    return BuildOptions(cases=cases, locations=tmp_path / "locations.toml", out=tmp_path / "out",
                        only=("opera",), check=False, site=False, svg=False)


def test_an_emoji_in_a_title_fails_naming_case_field_and_code(tmp_path, root):
    with pytest.raises(InputError) as info:
        build(project_with(tmp_path, root, "Свято 🎉 у дворі"))
    [p] = info.value.problems
    assert "case 001" in p.message and "U+1F389" in p.message and p.field == "title"
    assert p.place == "row 2"


def test_a_devanagari_letter_fails_without_a_fallback(tmp_path, root):
    with pytest.raises(InputError, match="cannot be printed") as info:
        build(project_with(tmp_path, root, "Йога क для всіх"))
    assert "U+0915" in info.value.problems[0].message


@pytest.mark.skipif(not DEVANAGARI.is_file(), reason="fonts-noto-core not installed")
def test_fallback_fonts_set_what_the_main_font_lacks(tmp_path, root):
    build(project_with(tmp_path, root, "Йога क для всіх", fallback=DEVANAGARI))
    with pikepdf.open(tmp_path / "out" / "opera" / "02-cases.pdf") as pdf:
        names = {str(f.BaseFont) for f in pdf.pages[0].Resources.Font.values()}
    assert any("Devanagari" in n for n in names), names


def test_a_font_without_a_name_table_fails_the_load_naming_the_file(tmp_path, root):
    """The name table is checked for, not parsed (fontTools' parser costs 50 ms to import)."""
    from fontTools.ttLib import TTFont

    opts = project_with(tmp_path, root, "Теплі обіди")
    font = TTFont(tmp_path / "fonts" / "NotoSans-Bold.ttf")
    del font["name"]
    font.save(tmp_path / "fonts" / "NotoSans-Bold.ttf")
    with pytest.raises(InputError) as info:
        build(opts)
    [p] = info.value.problems
    assert p.file.endswith("NotoSans-Bold.ttf") and "no name table" in p.message
