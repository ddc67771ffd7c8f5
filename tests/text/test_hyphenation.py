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
def test_good_onset(onset, ok):
    assert good_onset(onset) is ok


def test_hyphenatable():
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
