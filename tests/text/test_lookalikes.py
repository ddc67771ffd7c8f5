import pytest
from hypothesis import given
from hypothesis import strategies as st

from standpress.text.lookalikes import (
    LATIN_TO_CYRILLIC,
    Lookalike,
    find_lookalikes,
    fix_lookalikes,
    script,
)


def test_latin_k_in_kyiv():
    assert find_lookalikes("Місто Kиїв") == [Lookalike("Kиїв", 6, "Київ")]
    assert fix_lookalikes("Місто Kиїв") == "Місто Київ"


def test_latin_p_inside_a_word():
    assert fix_lookalikes("гpомада") == "громада"


def test_several_latin_letters_and_latin_i_with_diaeresis():
    assert fix_lookalikes("Boлoнтepи Kиïвщини") == "Волонтери Київщини"


def test_apostrophe_inside_the_word_is_kept():
    text = "Coлом\u02bcянський"
    assert find_lookalikes(text)[0].word == text
    assert fix_lookalikes(text) == "Солом\u02bcянський"


def test_right_quote_apostrophe_word():
    assert fix_lookalikes("пам’ятник п’ять o’clock") == "пам’ятник п’ять o’clock"
    assert fix_lookalikes("пам’ятнuk") == "пам’ятнuk"


def test_latin_letter_without_twin_is_reported_not_fixed():
    found = find_lookalikes("Kиївськa гromада")
    assert found[0] == Lookalike("Kиївськa", 0, "Київська")
    assert found[1] == Lookalike("гromада", 9, None)  # r and m have no twins
    assert fix_lookalikes("Kиївськa гromада") == "Київська гromада"


def test_wholly_latin_words_are_ignored():
    assert find_lookalikes("Купуйте iPhone на www.rozetka.ua") == []


def test_mostly_latin_word_with_a_cyrillic_letter_is_reported_not_fixed():
    found = find_lookalikes("Mісто iPhоne")  # Cyrillic о in iPhone
    assert found == [Lookalike("Mісто", 0, "Місто"), Lookalike("iPhоne", 6, None)]
    assert fix_lookalikes("Mісто iPhоne") == "Місто iPhоne"


def test_pure_cyrillic_text_is_clean():
    assert find_lookalikes("Голосіївський район, обʼєднання") == []


def test_positions_point_at_the_word():
    text = "(Xрещатик), 25 Ceрпня"
    for found in find_lookalikes(text):
        assert text[found.start:found.start + len(found.word)] == found.word


@pytest.mark.parametrize("latin, cyrillic", sorted(LATIN_TO_CYRILLIC.items()))
def test_table_maps_latin_to_cyrillic(latin, cyrillic):
    assert script(latin) == "LATIN"
    assert script(cyrillic) == "CYRILLIC"


MIXED = "абвгдеєжзиіїклмнопрстуфхцчшщьюяАВЕІКМНОРСТХ '’ʼ.,acekopxyiABCEHIKMOPTXrhnm"


@given(st.text(alphabet=MIXED, max_size=40))
def test_fixing_is_idempotent_and_length_preserving(text):
    fixed = fix_lookalikes(text)
    assert len(fixed) == len(text)
    assert fix_lookalikes(fixed) == fixed
