"""A case table with its header typed in Ukrainian, as office workers in a city department
type it, reads the same as one with the contract's names."""

from __future__ import annotations

import openpyxl
import pytest

from standpress.errors import InputError
from standpress.load.cases import COLUMNS, load_cases

ROW = ["7", "Теплі обіди", "ГО «Сусіди»", "Голосіївський", "Волонтерство",
       "Щодня 300 обідів для переселенців.", "Голосіївська РДА", "", "", ""]
UKRAINIAN = ["№", "Назва", "Організація", "Район", "Категорія", "Опис", "Партнер",
             "Посилання", "Фото", "Автор фото"]


def xlsx(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_spreadsheet_with_the_columns_named_in_ukrainian_reads_like_the_contract(tmp_path,
                                                                                   project):
    own, _ = load_cases(xlsx(tmp_path / "en.xlsx", list(COLUMNS), [ROW]), project.campaign)
    header = [" " + n.upper() + " " if i % 2 else n for i, n in enumerate(UKRAINIAN)]
    ua, warnings = load_cases(xlsx(tmp_path / "ua.xlsx", header, [ROW]), project.campaign)
    assert ua == own
    assert ua[0].title == "Теплі обіди" and ua[0].partner == "Голосіївська РДА"
    assert not [w for w in warnings if "column" in w.message]


def test_a_missing_required_column_names_its_ukrainian_spelling_in_the_hint(tmp_path,
                                                                            project):
    header = [n for n in UKRAINIAN if n != "Опис"]
    row = [v for n, v in zip(UKRAINIAN, ROW) if n != "Опис"]
    with pytest.raises(InputError) as info:
        load_cases(xlsx(tmp_path / "ua.xlsx", header, [row]), project.campaign)
    missing = [p for p in info.value.problems if "summary" in p.message]
    assert missing and "Опис" in missing[0].hint
