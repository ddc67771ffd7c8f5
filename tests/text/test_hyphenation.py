import pytest
from hypothesis import given
from hypothesis import strategies as st

from standpress.text.hyphenation import SOFT_HYPHEN, Hyphenator, good_onset, hyphenatable

BODY = Hyphenator()  # left 2, right 3, min_word 6
LOOSE = Hyphenator(left=2, right=2)


def shown(h: Hyphenator, word: str) -> str:
    return h.hyphenate(word).replace(SOFT_HYPHEN, "-")


@pytest.mark.parametrize("word, expected", [
    ("підтримку", "під-трим-ку"),
    ("незламності", "не-злам-но-сті"),
    ("волонтерський", "во-лон-тер-ський"),
    ("обороноздатності", "обо-ро-но-здат-но-сті"),
    ("територіальної", "те-ри-то-рі-аль-ної"),
    ("насильства", "на-силь-ства"),
    ("Голосіївському", "Го-ло-сі-їв-сько-му"),
    ("переміщених", "пе-ре-мі-ще-них"),
    ("Солом\u02bcянський", "Со-ло-м\u02bcян-ський"),
    ("деокупованим", "де-о-ку-по-ва-ним"),
    ("військовослужбовцям", "вій-сько-во-служ-бов-цям"),
    ("надзвичайних", "над-зви-чай-них"),
    ("обʼєднання", "обʼєд-нан-ня"),
    ("міжнародний", "між-на-род-ний"),
    ("німецький", "ні-мець-кий"),
    ("мистецтво", "ми-стец-тво"),
])
def test_ranked_points_with_right_two(word, expected):
    assert shown(LOOSE, word) == expected


@pytest.mark.parametrize("word, expected", [
    ("підтримку", "під-тримку"),  # "ку" is shorter than right=3
    ("Голосіївському", "Го-ло-сі-їв-ському"),
    ("розташування", "роз-та-шу-вання"),
    ("військовослужбовцям", "вій-сько-во-служ-бов-цям"),
])
def test_body_settings_keep_three_letters_on_the_right(word, expected):
    assert shown(BODY, word) == expected


@pytest.mark.parametrize("word, bad", [
    ("підтримку", 4),  # підт-римку
    ("незламності", 3),  # нез-ламності
    ("насильства", 7),  # насильс-тва
    ("підтримку", 6),  # підтри-мку
    ("відповідальність", 8),  # відповід-альність
])
def test_typographers_rejects_never_appear(word, bad):
    assert bad not in LOOSE.points(word)


@pytest.mark.parametrize("word", ["Соломʼянський", "Соломʼянський".replace("ʼ", "’"),
                                  "Солом'янський", "обʼєднання", "памʼятник", "зʼїзд"])
def test_never_beside_an_apostrophe(word):
    for i in LOOSE.points(word):
        assert word[i - 1] not in "ʼ’'" and word[i] not in "ʼ’'"


def test_apostrophe_variants_break_alike():
    variants = ["Соломʼянський", "Солом’янський", "Солом'янський"]
    assert len({LOOSE.points(word) for word in variants}) == 1


@pytest.mark.parametrize("word", ["ЗСУ", "КМДА", "ТрО", "ВПО", "ГОЛОСІЇВСЬКИЙ", "iPhone",
                                  "Kyivcity",
                                  "COVID19", "2022року", "синьо-жовтий", "kyiv.ua", "info@kyiv",
                                  "вул.Хрещатик", "а/с", "Голосіївськ0му", "http://kyiv"])
def test_words_that_are_never_hyphenated(word):
    assert BODY.points(word) == ()


def test_short_words_are_not_hyphenated():
    assert BODY.points("перемога") != ()
    assert Hyphenator(min_word=9).points("перемога") == ()
    assert BODY.points("країна") == (3,)  # кра-їна: 6 letters is enough
    assert BODY.points("мрія") == ()


def test_left_and_right_count_letters_not_apostrophes():
    h = Hyphenator(left=1, right=1, min_word=1)
    for word in ["обʼєднання", "памʼятник", "Соломʼянський"]:
        for i in h.points(word):
            assert sum(c != "ʼ" for c in word[:i]) >= 1
    assert all(i >= 3 for i in Hyphenator(left=3).points("обороноздатності"))
    word = "обороноздатності"
    assert all(len(word) - i >= 4 for i in Hyphenator(right=4).points(word))


def test_capitalised_first_letter_is_fine():
    assert shown(LOOSE, "Київщина") == "Ки-їв-щи-на"


@pytest.mark.parametrize("onset, ok", [
    ("т", True), ("тр", True), ("зл", True), ("ств", True), ("ськ", True), ("сл", True),
    ("дж", True), ("дзв", True), ("мн", False), ("мк", False), ("нт", False), ("рськ", False),
    ("льн", False), ("жб", False), ("вц", False), ("нськ", False), ("тн", False),
])
def test_a_syllable_may_start_only_with_a_pronounceable_onset(onset, ok):
    assert good_onset(onset) is ok


def test_an_empty_word_or_one_after_an_apostrophe_is_not_hyphenated():
    assert hyphenatable("Київ")
    assert not hyphenatable("ʼпочаток")
    assert not hyphenatable("")


def test_rejects_bad_settings():
    with pytest.raises(ValueError):
        Hyphenator(left=0)


@given(st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ", min_size=1, max_size=20))
def test_points_are_sorted_inside_and_leave_vowels_on_both_sides(word):
    points = LOOSE.points(word)
    assert list(points) == sorted(set(points))
    for i in points:
        assert 2 <= i <= len(word) - 2
        assert any(c in "аеєиіїоуюя" for c in word[:i])
        assert any(c in "аеєиіїоуюя" for c in word[i:])
        assert word[i] not in "ьʼ" and word[i - 1] != "ʼ"
    assert shown(LOOSE, word).replace("-", "") == word


# -- ranking: which of the legal breaks reads best -------------------------------------------

def test_a_break_after_a_prefix_is_preferred():
    ranked = dict(BODY.ranked("переглянути"))
    assert ranked[4] == 0.5  # пере-глянути
    assert ranked[7] == 2.0  # перегля-нути: legal, but the reader expects «перегляд»
    assert ranked[2] == 3.0  # пе-реглянути: a two-letter piece, inside a prefixed word
    assert dict(BODY.ranked("підтримку")) == {3: 0.5}
    assert dict(BODY.ranked("зайнятості")) == {5: 1.0, 7: 1.5}  # зайнято-сті: right minimum


def test_ranked_points_are_the_points():
    for word in ["переглянути", "обороноздатності", "Голосіївському", "мрія", "КМДА"]:
        assert tuple(p for p, _w in BODY.ranked(word)) == BODY.points(word)


def test_the_breaker_takes_the_prefix_break_when_lines_are_about_as_good():
    from standpress.text.linebreak import break_lines

    lines = break_lines("можна переглянути каталог", width=16, measure=lambda s: float(len(s)),
                        space_width=1, hyphenator=BODY, mode="ragged")
    assert [" ".join(w.text for w in line.words) for line in lines] == [
        "можна пере-", "глянути каталог"]


@pytest.mark.parametrize("word, breaks", [
    ("QR-кодом", []),  # a two-letter part: «QR-» / «кодом» reads badly
    ("що-небудь", []),
    ("будь-що", []),
    ("синьо-жовтий", ["синьо-"]),
    ("Івано-Франківськ", ["Івано-"]),
    ("за\u00a0QR-кодом", []),  # the letters next to the hyphen count, not the whole word
    ("військово-морський", ["військово-"]),
])
def test_explicit_hyphens_break_only_between_parts_of_three_letters(word, breaks):
    from standpress.text.breakpoints import EXPLICIT, inner_breaks

    found = [word[:o] for o, kind, _p in inner_breaks(word, None) if kind == EXPLICIT]
    assert found == breaks
