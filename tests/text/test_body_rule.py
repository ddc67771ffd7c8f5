"""Issue 12's text rules: long words (hashtags, URLs, e-mails), dashes, and the BodyRule.

Unit tests give exact break positions; the hypothesis properties compare the
breaker with a brute force over every breaking of small paragraphs: whenever
some breaking keeps the rule, the breaker's does.
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from standpress.text import linebreak as lb
from standpress.text.breakpoints import inner_breaks, long_kind
from standpress.text.hyphenation import Hyphenator
from standpress.text.linebreak import BodyRule, body_mode, break_lines, widest_piece
from standpress.text.typography import normalise

NB = "\u00a0"
HY = Hyphenator()
RULE = BodyRule()
ROOT = Path(__file__).resolve().parents[2]
HASHTAG = "#ЧистийБерегОболоніРазомЗВолонтерамиТаКомунальнимиСлужбамиМіста"


def unit(s: str) -> float:
    return float(len(s))


def texts(lines) -> list[str]:
    return [" ".join(w.text for w in line.words) for line in lines]


def rejoin(lines) -> str:
    out = []
    for line in lines:
        words = [w.text for w in line.words]
        if line.hyphenated:
            words[-1] = words[-1][:-1]
        out.append(" ".join(words) + ("" if line.split_word or line.last else " "))
    return "".join(out)


def cuts(word: str) -> list[str]:
    """``word`` cut at every place a line may end inside it (no hyphenator)."""
    offsets = [0] + [o for o, _kind, _p in inner_breaks(word, None)] + [len(word)]
    return [word[a:b] for a, b in zip(offsets, offsets[1:])]


# -- the API -------------------------------------------------------------------------------

def test_body_rule_defaults_are_the_agreed_api():
    assert RULE == BodyRule(justify_min_chars=60, max_stretch=0.5, max_shrink=0.15,
                            min_last_line_chars=5)
    with pytest.raises(Exception):
        RULE.max_stretch = 1.0  # frozen


@pytest.mark.parametrize("chars, mode", [(59.9, "ragged"), (60, "justify"), (90, "justify"),
                                         (35, "ragged")])
def test_body_mode_switches_at_the_rules_measure(chars, mode):
    assert body_mode(chars * 2.5, 2.5, RULE) == mode
    assert body_mode(40 * 2.5, 2.5, BodyRule(justify_min_chars=40)) == "justify"
    assert body_mode(100.0, 0.0, RULE) == "ragged"


def test_a_rule_gives_its_own_stretch_and_shrink():
    text = "Київ наш дім мир мир парк люди світло перемога"
    loose = break_lines(text, width=19, measure=unit, space_width=1,
                        rule=BodyRule(max_stretch=1.0, max_shrink=0.5, min_last_line_chars=1))
    assert texts(loose) == ["Київ наш дім мир", "мир парк люди світло", "перемога"]
    tight = break_lines(text, width=19, measure=unit, space_width=1, max_stretch=1.0,
                        max_shrink=0.5, rule=RULE)
    assert any(abs(line.ratio) > 1 for line in tight)  # the rule's 0.5/0.15, not the kwargs


# -- long words ----------------------------------------------------------------------------

def test_a_hashtag_breaks_before_its_inner_capitals():
    assert cuts(HASHTAG) == ["#Чистий", "Берег", "Оболоні", "Разом", "ЗВолонтерами", "Та",
                             "Комунальними", "Службами", "Міста"]
    assert long_kind("«#РазомСила».") == "hashtag"
    assert cuts("«#РазомСила».") == ["«#Разом", "Сила»."]


def test_a_63_character_hashtag_title_sets_balanced_without_hyphens():
    assert len(HASHTAG) == 63
    for width in (14, 20, 30, 40):
        lines = break_lines(HASHTAG, width=width, measure=unit, space_width=1, mode="balanced")
        assert lines is not None, width
        assert rejoin(lines) == HASHTAG
        assert not any(line.hyphenated for line in lines)
        assert all(line.split_word for line in lines[:-1])
        assert all(line.natural_width <= width for line in lines)
    lines = break_lines(HASHTAG, width=40, measure=unit, space_width=1, mode="balanced")
    assert texts(lines) == ["#ЧистийБерегОболоніРазом", "ЗВолонтерамиТаКомунальними",
                            "СлужбамиМіста"] or len(lines) == 2


def test_a_hashtag_is_never_hyphenated():
    for width in (13, 16):
        lines = break_lines("#РазомЗВолонтерами разом", width=width, measure=unit,
                            space_width=1, hyphenator=Hyphenator(left=2, right=2), mode="ragged")
        assert texts(lines) == ["#Разом", "ЗВолонтерами", "разом"]
    assert break_lines("#разомзволонтерами", width=10, measure=unit, space_width=1,
                       hyphenator=HY, mode="ragged") is None


def test_a_url_breaks_after_slashes_before_dots_and_after_query_marks():
    url = "https://top100.kyiv.ua/cases/001?lang=uk&x=1"
    assert long_kind(url) == "url"
    assert cuts(url) == ["https://", "top100", ".kyiv", ".ua/", "cases/", "001?", "lang=",
                         "uk&", "x=1"]
    assert cuts("(www.kyiv-city.gov.ua).") == ["(www", ".kyiv", "-city", ".gov", ".ua)."]
    assert cuts("kyiv.ua/top100/") == ["kyiv", ".ua/", "top100/"]


def test_an_email_breaks_before_at_and_before_dots():
    assert long_kind("volunteers.obolon@kyiv-city.gov.ua,") == "email"
    assert cuts("volunteers.obolon@kyiv-city.gov.ua,") == [
        "volunteers", ".obolon", "@kyiv-city", ".gov", ".ua,"]


def test_a_long_string_bound_to_a_short_word_still_breaks():
    # the normaliser binds «на», «за» to the next word, URLs and hashtags included
    text = normalise("Пишіть на volunteers@kyiv-city.gov.ua або приходьте за #РазомСила")
    assert f"на{NB}volunteers@kyiv-city.gov.ua" in text and f"за{NB}#РазомСила" in text
    assert cuts(f"на{NB}volunteers@kyiv-city.gov.ua") == [
        f"на{NB}volunteers", "@kyiv-city", ".gov", ".ua"]
    assert cuts(f"за{NB}#РазомСила,") == [f"за{NB}#Разом", "Сила,"]
    lines = break_lines(text, width=16, measure=unit, space_width=1, mode="ragged")
    assert rejoin(lines) == text and not any(line.hyphenated for line in lines)


@pytest.mark.parametrize("word", ["т.д.", "1.5", "вул.Хрещатик", "КМДА", "#2022", "iPhone",
                                  "ЧистийБерег"])
def test_ordinary_words_are_not_long_strings(word):
    assert long_kind(word) is None
    assert [k for _o, k, _p in inner_breaks(word, None)] == []


@pytest.mark.parametrize("mode", lb.MODES)
def test_long_breaks_add_no_hyphen_and_keep_every_character(mode):
    text = ("Пишіть на volunteers.obolon@kyiv-city.gov.ua або читайте "
            "https://top100.kyiv.ua/cases/2022/oboloni?lang=uk #ЧистийБерегОболоні")
    for width in range(19, 60, 3):
        lines = break_lines(text, width=width, measure=unit, space_width=1, mode=mode)
        assert lines is not None, (mode, width)
        assert rejoin(lines) == text
        for line in lines:
            assert not line.hyphenated
            assert line.natural_width <= width + 1e-9 or mode == "justify"


def test_long_breaks_are_used_only_when_needed():
    text = "Пишіть на адресу top100@kyiv-city.gov.ua щодня"
    lines = break_lines(text, width=30, measure=unit, space_width=1, mode="ragged")
    assert "top100@kyiv-city.gov.ua" in " ".join(texts(lines)).split(" ")
    lines = break_lines(text, width=18, measure=unit, space_width=1, mode="ragged")
    assert not any("top100@kyiv-city.gov.ua" in t for t in texts(lines))
    assert rejoin(lines) == text


def test_a_word_with_no_legal_break_fails_and_is_named():
    text = "Приєднуйтесь: #чистийберегоболоні разом"
    assert break_lines(text, width=15, measure=unit, space_width=1, hyphenator=HY,
                       mode="ragged") is None
    assert break_lines(text, width=15, measure=unit, space_width=1, mode="balanced") is None
    assert widest_piece(text, measure=unit, space_width=1, hyphenator=HY) == (
        "#чистийберегоболоні", 19.0)
    piece, width = widest_piece(HASHTAG, measure=unit, space_width=1, hyphenator=HY)
    assert piece in ("ЗВолонтерами", "Комунальними") and width == 12.0
    # a hyphenated part is named without the hyphen its width includes
    assert widest_piece("обороноздатності", measure=unit, space_width=1, hyphenator=HY) == (
        "здат", 5.0)


# -- dashes --------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", lb.MODES)
@pytest.mark.parametrize("text", [
    "Київ — столиця України, а Оболонь – район",
    normalise("Київ - столиця України, а Оболонь - район над Дніпром"),
    "Рух — це життя — кажуть волонтери — і йдуть",
])
def test_no_line_starts_with_a_dash(mode, text):
    for width in range(10, 45):
        lines = break_lines(text, width=width, measure=unit, space_width=1, mode=mode,
                            hyphenator=HY)
        if lines is None:
            continue
        for line in lines[1:]:
            assert line.words[0].text[0] not in "–—", (width, texts(lines))
        assert rejoin(lines) == text


# -- paragraph ends -----------------------------------------------------------------------

ZAINIATIST = "Центр допомагає людям знайти шлях до зайнятості."


@pytest.mark.parametrize("mode, width", [("justify", 12), ("justify", 16), ("justify", 23),
                                         ("ragged", 13)])
def test_last_line_is_never_a_hyphen_fragment(mode, width):
    unruled = break_lines(ZAINIATIST, width=width, measure=unit, space_width=1, hyphenator=HY,
                          mode=mode)
    assert texts(unruled)[-2:][-1] == "сті."  # what the rule prevents
    lines = break_lines(ZAINIATIST, width=width, measure=unit, space_width=1, hyphenator=HY,
                        mode=mode, rule=RULE)
    assert texts(lines)[-1] == "зайнятості."
    assert rejoin(lines) == ZAINIATIST


def test_last_line_holds_at_least_five_characters():
    text = "Волонтери зібрали гроші на дрони для ЗСУ"
    for width in range(12, 40):
        lines = break_lines(text, width=width, measure=unit, space_width=1, hyphenator=HY,
                            mode="ragged", rule=RULE)
        if len(lines) > 1:
            assert len(texts(lines)[-1]) >= 5, (width, texts(lines))
    # justified: kept whenever the stretch limits allow it (else see the property below)
    lines = break_lines(text, width=36, measure=unit, space_width=1,
                        rule=BodyRule(max_stretch=1.0))
    assert texts(lines) == ["Волонтери зібрали гроші на дрони", "для ЗСУ"]


def test_a_hyphenated_next_to_last_line_costs_more_with_the_rule():
    text = "Волонтери облаштували укриття та навчальні класи для переміщених дітей"
    widths = range(16, 40)

    def penultimate_hyphens(rule):
        return sum(break_lines(text, width=w, measure=unit, space_width=1, hyphenator=HY,
                               mode="ragged", rule=rule)[-2].hyphenated for w in widths)

    assert penultimate_hyphens(RULE) < penultimate_hyphens(None)


# -- properties against a brute force ------------------------------------------------------

def breakings(par: lb._Paragraph, s: lb._Settings):
    """Every feasible breaking: a list of (start, break, ratio) per line."""
    inner = [b for b in par.breaks if not b.last]
    end = par.breaks[-1]
    for k in range(len(inner) + 1):
        for chosen in itertools.combinations(inner, k):
            start, hyphens, lines = (0, 0), 0, []
            for brk in (*chosen, end):
                fit = lb._fit(par, start, brk, s)
                hyphens = hyphens + 1 if brk.shows_hyphen else 0
                if fit is None or fit == lb._OVERFULL or hyphens > lb.MAX_HYPHENS_IN_A_ROW:
                    break
                lines.append((start, brk, fit[0]))
                start = brk.next_start
            else:
                yield lines


def keeps_the_ending_rule(par: lb._Paragraph, lines, rule: BodyRule) -> bool:
    if len(lines) < 2:
        return True
    start, brk, _ratio = lines[-1]
    pieces = par.pieces(start, brk)
    fragment = start[1] > 0 and len(pieces) == 1
    return not fragment and len(" ".join(pieces)) >= rule.min_last_line_chars


def ending_ok(lines, rule: BodyRule) -> bool:
    if len(lines) < 2:
        return True
    last = texts(lines)[-1]
    fragment = lines[-2].split_word and len(lines[-1].words) == 1
    return not fragment and len(last) >= rule.min_last_line_chars


WORDS = ["ми", "разом", "Київ", "перемога", "волонтери", "і", "—", "підтримку", "синьо-жовтий",
         "громада", "зайнятості.", "сті.", "#РазомСила", "kyiv.ua/top", "ЗСУ", "в" + NB + "Києві"]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=2, max_size=6),
       width=st.integers(8, 26), mode=st.sampled_from(["justify", "ragged"]),
       rule=st.sampled_from([RULE, BodyRule(max_stretch=1.0, max_shrink=0.3,
                                            min_last_line_chars=8)]))
@example(words=ZAINIATIST.split(" ")[3:], width=12, mode="justify", rule=RULE)
def test_the_rule_holds_whenever_some_breaking_allows_it(words, width, mode, rule):
    text = " ".join(words)
    par = lb._Paragraph(text, unit, 1.0, HY, lb.RAGGED_HYPHEN_FACTOR if mode == "ragged" else 1)
    assume(len(par.breaks) <= 13)
    lines = break_lines(text, width=width, measure=unit, space_width=1, hyphenator=HY,
                        mode=mode, rule=rule)
    def settings_at(tolerance):
        return lb._Settings(float(width), 1.0, mode, rule.max_stretch, rule.max_shrink, None,
                            tolerance, rule)

    def keeping(candidates):
        return [c for c in candidates if keeps_the_ending_rule(par, c, rule)]

    within = list(breakings(par, settings_at(1.0)))
    if mode == "ragged":
        assert (lines is not None) == bool(within)
        if keeping(within):
            assert ending_ok(lines, rule), texts(lines)
    elif keeping(within):
        # stretch within the limits and the paragraph's end kept, whenever a breaking allows both
        assert lines is not None and ending_ok(lines, rule), texts(lines)
        assert all(-1 - 1e-9 <= line.ratio <= 1 + 1e-9 for line in lines)
    elif within:
        # every breaking within the limits breaches the end rule: a line may stretch to twice
        # the limit to keep it, else the limits are kept
        relaxed = keeping(breakings(par, settings_at(lb.RULE_TOLERANCE)))
        assert lines is not None
        if relaxed:
            assert ending_ok(lines, rule), texts(lines)
            assert all(line.ratio <= lb.RULE_TOLERANCE + 1e-9 for line in lines)
        else:
            assert all(-1 - 1e-9 <= line.ratio <= 1 + 1e-9 for line in lines)
    elif lines is not None:  # the emergency pass: the rule still wins when it can
        if keeping(breakings(par, settings_at(math.inf))):
            assert ending_ok(lines, rule), texts(lines)
    if lines is None:
        return
    for line in lines[1:]:
        assert line.words[0].text[0] not in "–—"
    assert rejoin(lines) == text


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(words=st.lists(st.one_of(st.sampled_from(WORDS + ["–", "—", "—" + NB + "так"]),
                                st.text("абвгдежзиклмнопрстуф—–-#/.@", min_size=1, max_size=9)),
                      min_size=1, max_size=20),
       width=st.floats(4, 40), mode=st.sampled_from(lb.MODES),
       rule=st.sampled_from([None, RULE]))
def test_no_line_ever_starts_with_a_dash(words, width, mode, rule):
    text = " ".join(words)
    lines = break_lines(text, width=width, measure=unit, space_width=1, hyphenator=HY,
                        mode=mode, rule=rule)
    if lines is None:
        return
    assert rejoin(lines) == text
    for prev, line in zip(lines, lines[1:]):
        first = line.words[0].text
        assert first[0] not in "–—" or prev.split_word, texts(lines)


# -- the sample's summaries at realistic widths --------------------------------------------

def test_the_sample_summaries_keep_the_rule():
    from standpress.text.fonts import load_font

    font = load_font("regular", str(ROOT / "fonts" / "NotoSans-Regular.ttf"))

    def measure(s: str) -> float:
        return font.width(s, 10.0)

    space = measure(" ")
    avg = measure("абвгдеєжзиіїйклмнопрстуфхцчшщьюя ") / 33
    with open(ROOT / "data" / "cases.csv", encoding="utf-8") as fh:
        summaries = [normalise(row["summary"]) for row in csv.DictReader(fh)][::7]
    for chars in (30, 45, 62, 80):
        mode = body_mode(chars * avg, avg, RULE)
        for text in summaries:
            lines = break_lines(text, width=chars * avg, measure=measure, space_width=space,
                                hyphenator=HY, mode=mode, rule=RULE)
            assert lines is not None and rejoin(lines) == text
            assert ending_ok(lines, RULE), texts(lines)
            assert all(line.words[0].text[0] not in "–—" for line in lines[1:])
