import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from standpress.text import typography as ty
from standpress.text.typography import APOSTROPHE, RULES, explain, normalise

NB = "\u00a0"
NN = "\u202f"


# -- whitespace, ellipsis ------------------------------------------------------

def test_whitespace_collapses_runs_newlines_and_strips():
    assert ty.fix_whitespace("  Київ \t\n  столиця  ") == "Київ столиця"


def test_whitespace_keeps_a_no_break_space():
    assert ty.fix_whitespace(f"в{NB}Києві") == f"в{NB}Києві"
    assert ty.fix_whitespace(f"в {NB} Києві") == f"в{NB}Києві"
    assert ty.fix_whitespace(f"1{NN}500") == f"1{NN}500"


def test_whitespace_is_nfc():
    assert ty.fix_whitespace("Киі\u0308в") == "Київ"


def test_ellipsis_three_dots_only():
    assert ty.fix_ellipsis("Далі буде...") == "Далі буде…"
    assert ty.fix_ellipsis("a....b") == "a....b"


# -- quotes ----------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ('"Зелений "Поділ""', "«Зелений „Поділ“»"),
    ("“Перемога”", "«Перемога»"),
    ("„Перемога“", "«Перемога»"),
    ("«Перемога»", "«Перемога»"),
    ('ТОВ "Київ "Зелений" і мир", далі', "ТОВ «Київ „Зелений“ і мир», далі"),
    ('Він сказав: "Так".', "Він сказав: «Так»."),
    ('("Дім")', "(«Дім»)"),
])
def test_every_kind_of_quotes_becomes_guillemets_with_low_quotes_inside(raw, expected):
    assert ty.fix_quotes(raw) == expected


def test_quotes_nested_output_is_stable():
    once = ty.fix_quotes('"а "б "в" г" д"')
    assert once == "«а „б „в“ г“ д»"
    assert ty.fix_quotes(once) == once


# -- apostrophe -----------------------------------------------------------------

@pytest.mark.parametrize("raw", ["Солом'янський", "Солом’янський", "Солом`янський",
                                 "Соломʼянський", "Солом′янський"])
def test_apostrophe_default_is_modifier_letter(raw):
    assert normalise(raw) == "Солом\u02bcянський"


def test_apostrophe_can_be_right_single_quote():
    assert normalise("об'єднання", apostrophe="\u2019") == "об\u2019єднання"


def test_apostrophe_only_between_cyrillic_letters():
    assert ty.fix_apostrophe("it's 'слово'") == "it's 'слово'"


def test_apostrophe_setting_is_validated():
    with pytest.raises(ValueError):
        normalise("x", apostrophe="'")


# -- dashes and ranges -------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("Київ - столиця", f"Київ{NB}— столиця"),
    ("Київ – столиця", f"Київ{NB}— столиця"),
    ("Київ — столиця", f"Київ{NB}— столиця"),
    (f"Київ{NB}— столиця", f"Київ{NB}— столиця"),
])
def test_spaced_dash(raw, expected):
    assert ty.fix_dashes(raw) == expected


def test_unspaced_hyphen_is_not_a_dash():
    assert ty.fix_dashes("синьо-жовтий і -5") == "синьо-жовтий і -5"


@pytest.mark.parametrize("raw, expected", [
    ("2014-2022", "2014–2022"),
    ("9:00-18:00", "9:00–18:00"),
    ("5-7 днів", "5–7 днів"),
    ("1941 - 1945", "1941–1945"),
    ("12.10-15.10", "12.10–15.10"),
    ("044-123-45-67", "044-123-45-67"),
    ("2022-10-12", "2022-10-12"),
    ("80-ті", "80-ті"),
    ("синьо-жовтий", "синьо-жовтий"),
    ("+380-44", "+380-44"),
])
def test_ranges_take_an_en_dash_and_phone_numbers_dates_and_compounds_keep_the_hyphen(raw, expected):
    assert ty.fix_ranges(raw) == expected


# -- digit groups --------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("1500000", f"1{NN}500{NN}000"),
    ("1 500 000", f"1{NN}500{NN}000"),
    (f"1{NB}500{NB}000", f"1{NN}500{NN}000"),
    ("12345 людей", f"12{NN}345 людей"),
    ("2022", "2022"),
    ("1 500", "1 500"),
    ("ЄДРПОУ 12345678", "ЄДРПОУ 12345678"),
    ("№ 123456", "№ 123456"),
    ("0441234567", "0441234567"),
    ("AB12345", "AB12345"),
    ("12345abc", "12345abc"),
    ("3,14159", "3,14159"),
    ("10000–20000", f"10{NN}000–20{NN}000"),
])
def test_group_digits(raw, expected):
    assert ty.group_digits(raw) == expected


# -- no-break spaces -----------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("25 тис. грн", f"25{NB}тис.{NB}грн"),
    ("1 млн грн", f"1{NB}млн{NB}грн"),
    ("у 2022 р. ми", f"у{NB}2022{NB}р.{NB}ми"),
    ("350 організацій", f"350{NB}організацій"),
    ("12 жовтня", f"12{NB}жовтня"),
    ("з 9:00 до 18:00 щодня", f"з{NB}9:00 до{NB}18:00{NB}щодня"),
    ("1 500 000 гривень", f"1{NN}500{NN}000{NB}гривень"),
    ("вул. Хрещатик", f"вул.{NB}Хрещатик"),
    ("ім. М. Рильського", f"ім.{NB}М.{NB}Рильського"),
    ("і т. д.", f"і{NB}т.{NB}д."),
    ("№ 5", f"№{NB}5"),
    ("м. Київ", f"м.{NB}Київ"),
    ("М. Рильського", f"М.{NB}Рильського"),
    ("Шевченко Т. Г. написав", f"Шевченко{NB}Т.{NB}Г. написав"),
    ("в Голосіївському", f"в{NB}Голосіївському"),
    ("Та й без них", f"Та{NB}й{NB}без{NB}них"),
    ("НА ВУЛИЦІ", f"НА{NB}ВУЛИЦІ"),
])
def test_no_break_spaces(raw, expected):
    assert normalise(raw) == expected


def test_year_at_sentence_end_is_not_glued_to_next_sentence():
    assert normalise("У 2022 р. Київ вистояв.") == f"У{NB}2022{NB}р. Київ вистояв."


def test_short_word_inside_a_longer_word_is_not_bound():
    assert ty.bind_short_words("мова та") == "мова та"
    assert ty.bind_short_words("будь-що в") == "будь-що в"


def test_initials_before_a_surname_bind_forward_not_backward():
    assert normalise("Вірш Т. Г. Шевченка") == f"Вірш Т.{NB}Г.{NB}Шевченка"


# -- URLs and e-mails ----------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://kyiv.ua/a--b/2014-2022/...x",
    "www.kyiv-city.gov.ua/news/12345678",
    "info.hromada@kyiv-city.gov.ua",
    "https://громада.укр/2014-2022",
])
def test_urls_and_emails_are_never_touched(url):
    out = normalise(f"Дивіться на {url} - там усе")
    assert url in out


def test_every_rule_leaves_urls_alone():
    url = "http://a.ua/x...y/1500000/5-7/з'їзд/на_в"
    text = f"на {url} - 5-7"
    for _name, rule in RULES:
        assert url in rule(text)


# -- explain -------------------------------------------------------------------------

def test_explain_lists_changing_rules_in_order():
    steps = explain("Київ - столиця  \"Поділ\"...")
    assert [name for name, _b, _a in steps] == ["whitespace", "ellipsis", "quotes", "dashes"]
    assert steps[0][1] == "Київ - столиця  \"Поділ\"..."
    assert steps[-1][2] == normalise("Київ - столиця  \"Поділ\"...")
    for (_n, _b, after), (_n2, before, _a) in zip(steps, steps[1:]):
        assert after == before


def test_explain_is_empty_for_clean_text():
    assert explain("Київ") == []


def test_rules_are_named_and_ordered():
    names = [name for name, _ in RULES]
    assert names[0] == "whitespace"
    assert names.index("ranges") < names.index("dashes")
    assert len(set(names)) == len(names)


# -- a whole paragraph -------------------------------------------------------------------

def test_a_whole_paragraph_gets_quotes_dashes_ranges_digit_groups_and_no_break_spaces():
    raw = ("Волонтери \"Голосіївської громади\" зібрали 1500000 грн... "
           "на 350 дронів у 2022-2023 рр. - а з 9:00-18:00 працює пункт на вул. Васильківській.")
    assert normalise(raw) == (
        f"Волонтери «Голосіївської громади» зібрали 1{NN}500{NN}000{NB}грн… "
        f"на{NB}350{NB}дронів у{NB}2022–2023{NB}рр.{NB}— а{NB}з{NB}9:00–18:00{NB}працює "
        f"пункт на{NB}вул.{NB}Васильківській."
    )


# -- properties ----------------------------------------------------------------------------

LETTERS = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"
ALPHABET = LETTERS + "0123456789" + "   \n\t\"'’-–—.,:;!?()«»“”„…№" + NB + NN
APOSTROPHES = "ʼ’'`′"

texts = st.text(alphabet=ALPHABET, max_size=80)
wordy = st.lists(
    st.one_of(
        st.text(alphabet=LETTERS, min_size=1, max_size=8),
        st.sampled_from(["в", "і", "та", "вул.", "т.", "д.", "М.", "Г.", "№", "р.", "тис.", "млн",
                         "2022", "1500000", "1", "500", "000", "9:00", "-", "–", "—", '"', "...",
                         "'", "2014-2022", "044-123-45-67", "www.kyiv.ua", "a@b.ua"]),
    ),
    max_size=20,
).map(" ".join)


def letters_and_digits(s: str) -> list[str]:
    return [c for c in s if c.isalnum() and c not in APOSTROPHES + "ʼ"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts, wordy))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts, wordy))
def test_normalise_never_loses_a_letter_or_digit(text):
    assert letters_and_digits(normalise(text)) == letters_and_digits(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, wordy))
def test_each_rule_is_idempotent(text):
    for _name, rule in RULES:
        text = rule(text)
        assert rule(text) == text


def test_default_apostrophe_constant():
    assert APOSTROPHE == "\u02bc"
