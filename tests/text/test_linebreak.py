import itertools
import re
import math
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from standpress.text import linebreak as lb
from standpress.text.hyphenation import Hyphenator
from standpress.text.linebreak import Line, LineWord, break_lines, widest_piece
from standpress.text.typography import normalise

NB = "\u00a0"
HY = Hyphenator()


def half(s: str) -> float:
    return len(s) * 0.5


def unit(s: str) -> float:
    return float(len(s))


def rejoin(lines: list[Line]) -> str:
    """The paragraph the lines print, added hyphens removed."""
    out = []
    for line in lines:
        texts = [w.text for w in line.words]
        if line.hyphenated:
            assert texts[-1].endswith("-")
            texts[-1] = texts[-1][:-1]
        out.append(" ".join(texts))
        out.append("" if line.split_word or line.last else " ")
    return "".join(out)


def words_of(lines: list[Line]) -> list[list[str]]:
    return [[w.text for w in line.words] for line in lines]


# -- basics -----------------------------------------------------------------------------

def test_empty_text_has_no_lines():
    assert break_lines("", width=10, measure=unit, space_width=1) == []


def test_a_text_that_fits_is_one_line_of_measured_words():
    [line] = break_lines("Київ столиця", width=20, measure=unit, space_width=1)
    assert line == Line((LineWord("Київ", 4.0), LineWord("столиця", 7.0)), False, 12.0, 0.0,
                        True, False)


@pytest.mark.parametrize("bad", [" Київ", "Київ ", "Київ  столиця"])
def test_text_must_be_normalised(bad):
    with pytest.raises(ValueError):
        break_lines(bad, width=20, measure=unit, space_width=1)


def test_rejects_unknown_mode_and_bad_width():
    with pytest.raises(ValueError):
        break_lines("Київ", width=20, measure=unit, space_width=1, mode="centre")
    with pytest.raises(ValueError):
        break_lines("Київ", width=0, measure=unit, space_width=1)


def test_word_wider_than_width_gives_none():
    assert break_lines("Київ Голосіївському", width=12, measure=unit, space_width=1) is None
    widest = widest_piece("Київ Голосіївському", measure=unit, space_width=1)
    assert widest == ("Голосіївському", 14.0)
    assert break_lines("Київ ЗСУ-КМДА", width=6, measure=unit, space_width=1) is not None


def test_widest_piece_counts_no_break_chains_and_hyphenation():
    text = "і в Києві військовослужбовцям"
    assert widest_piece(text, measure=unit, space_width=1) == ("військовослужбовцям", 19.0)
    assert widest_piece(text, measure=unit, space_width=1, hyphenator=HY) == ("і в Києві", 9.0)


def test_max_lines_refuses_a_text_that_needs_more():
    def lines(**kw):
        return break_lines("Разом ми сильні і разом переможемо", width=16, measure=unit,
                           space_width=1, **kw)

    assert len(lines(mode="ragged")) == 3
    assert lines(mode="ragged", max_lines=2) is None
    assert len(lines(mode="ragged", max_lines=3)) == 3
    assert lines(mode="balanced", max_lines=2) is None
    assert lines(max_lines=2) is None


# -- where lines may end ------------------------------------------------------------------

def test_no_break_space_never_breaks():
    text = f"Громада вітає в{NB}Голосіївському районі"
    for width in range(16, 40):
        lines = break_lines(text, width=width, measure=unit, space_width=1, mode="ragged")
        assert any(f"в{NB}Голосіївському" in words for words in words_of(lines))


def test_no_break_after_a_one_letter_word_or_an_initial():
    text = "Сквер імені М. Рильського і парк у центрі а також сад"
    for width in range(14, 40):
        for mode in lb.MODES:
            lines = break_lines(text, width=width, measure=unit, space_width=1, mode=mode)
            if lines is None:
                continue
            for line in lines[:-1]:
                end = line.words[-1].text
                assert end not in ("М.", "і", "у", "а"), (width, mode, end)


def test_explicit_hyphen_breaks_without_an_added_hyphen():
    lines = break_lines("прапор синьо-жовтий", width=13, measure=unit, space_width=1, mode="ragged")
    assert words_of(lines) == [["прапор", "синьо-"], ["жовтий"]]
    assert not lines[0].hyphenated and lines[0].split_word
    assert rejoin(lines) == "прапор синьо-жовтий"


@pytest.mark.parametrize("token", ["80-ті", "2014–2022", "044-123-45-67", "КМДА", "QR-кодом"])
def test_no_break_inside_numbers_capitals_and_short_compounds(token):
    text = f"Київ {token} Київ"
    lines = break_lines(text, width=len(token) + 1, measure=unit, space_width=1, mode="ragged",
                        hyphenator=HY)
    assert [token] in words_of(lines)


def test_hyphenation_adds_a_hyphen_at_a_ranked_point():
    lines = break_lines("Дякуємо за підтримку військовослужбовцям", width=16, measure=unit,
                        space_width=1, hyphenator=HY, mode="ragged")
    assert rejoin(lines) == "Дякуємо за підтримку військовослужбовцям"
    hyphenated = [line for line in lines if line.hyphenated]
    assert hyphenated
    for line in hyphenated:
        assert line.split_word and line.words[-1].text.endswith("-")
        assert line.words[-1].width == len(line.words[-1].text)
    pieces = {line.words[-1].text for line in hyphenated}
    assert not pieces & {"підт-", "нез-", "підтри-"}


def test_only_the_letters_of_a_quoted_word_hyphenate():
    text = "Акція «Перемога», «Незламність»."
    for width in range(6, 20):
        lines = break_lines(text, width=width, measure=unit, space_width=1, hyphenator=Hyphenator(
            right=2, min_word=6), mode="ragged")
        if lines is None:
            continue
        assert rejoin(lines) == text
        for line in lines:
            if line.hyphenated:
                assert line.words[-1].text[-2].isalpha()


def test_hyphenator_is_not_used_for_balanced_headings():
    lines = break_lines("Військовослужбовцям дякуємо", width=22, measure=unit, space_width=1,
                        hyphenator=HY, mode="balanced")
    assert words_of(lines) == [["Військовослужбовцям"], ["дякуємо"]]


# -- quality rules -----------------------------------------------------------------------

LONG_WORDS = " ".join(["обороноздатності військовослужбовцям територіальної"] * 4)


def hyphen_runs(lines: list[Line]) -> int:
    run = longest = 0
    for line in lines:
        run = run + 1 if line.words[-1].text.endswith("-") and not line.last else 0
        longest = max(longest, run)
    return longest


def test_a_word_ending_in_a_hyphen_counts_in_the_ladder_of_hyphens():
    # found by hypothesis: «військо-», «вослуж-», then «бовцям 0-» made three line ends with
    # a hyphen in a row; a word like «дво-» before a space shows one as much as a split does
    lines = break_lines("військовослужбовцям 0- 00000000", width=5.0, measure=half,
                        space_width=0.5, hyphenator=HY, mode="justify")
    assert lines is not None and rejoin(lines) == "військовослужбовцям 0- 00000000"
    assert hyphen_runs(lines) <= 2


@pytest.mark.parametrize("width", [9, 10, 11, 12, 13, 14])
def test_at_most_two_hyphenated_lines_in_a_row(width):
    lines = break_lines(LONG_WORDS, width=width, measure=unit, space_width=1,
                        hyphenator=Hyphenator(left=2, right=2), mode="ragged")
    if lines is not None:
        assert hyphen_runs(lines) <= 2
        assert rejoin(lines) == LONG_WORDS


def test_three_forced_hyphenations_in_a_row_are_infeasible():
    text = "військовослужбовцям"
    assert break_lines(text, width=6, measure=unit, space_width=1,
                       hyphenator=Hyphenator(left=2, right=2), mode="ragged") is None


@pytest.mark.parametrize("mode, width, text, expected", [
    ("ragged", 25, "Приходьте до скверу разом із родинами та друзями в неділю о девʼятій ранку всі",
     ["ранку", "всі"]),
    ("ragged", 38, "Приходьте до скверу разом із родинами та друзями в неділю о девʼятій ранку всі",
     ["ранку", "всі"]),
    ("justify", 23, "світло наш дім сквер ми люди", ["ми", "люди"]),
    ("justify", 24, "дім парк парк ми парк ми Київ", ["ми", "Київ"]),
])
def test_last_line_is_not_a_lone_short_word(monkeypatch, mode, width, text, expected):
    lines = break_lines(text, width=width, measure=unit, space_width=1, mode=mode, max_stretch=1)
    assert [w.text for w in lines[-1].words] == expected
    monkeypatch.setattr(lb, "SHORT_LAST_LINE_DEMERITS", 0.0)
    lines = break_lines(text, width=width, measure=unit, space_width=1, mode=mode, max_stretch=1)
    assert [w.text for w in lines[-1].words] == expected[-1:]  # what the rule prevents


def test_a_lone_short_last_word_is_allowed_when_nothing_else_fits():
    lines = break_lines("Військовослужбовцям дякуємо всі", width=20, measure=unit, space_width=1,
                        mode="ragged")
    assert words_of(lines) == [["Військовослужбовцям"], ["дякуємо", "всі"]]
    lines = break_lines("Військовослужбовцям всі", width=20, measure=unit, space_width=1)
    assert words_of(lines) == [["Військовослужбовцям"], ["всі"]]


def test_last_line_is_ragged_and_only_it_is_last():
    text = normalise("Київська міська рада запрошує мешканців Голосіївського району на відкриття "
                     "оновленого скверу.")
    lines = break_lines(text, width=30, measure=unit, space_width=1, hyphenator=HY)
    assert [line.last for line in lines] == [False] * (len(lines) - 1) + [True]
    assert lines[-1].ratio == 0
    assert lines[-1].natural_width <= 30


def test_justified_lines_fill_the_width_exactly():
    text = normalise("Київська міська рада запрошує мешканців Голосіївського району на відкриття "
                     "оновленого скверу імені Рильського та благодійний ярмарок.")
    lines = break_lines(text, width=34, measure=unit, space_width=1, hyphenator=HY)
    for line in lines[:-1]:
        gaps = len(line.words) - 1
        set_width = sum(w.width for w in line.words) + gaps * line.space(34, 1)
        if gaps:
            assert set_width == pytest.approx(34)
        assert -1 <= line.ratio


def test_total_fit_beats_first_fit():
    # First fit: "Київ наш дім мир | мир парк люди | світло перемога" — line 2 at r = 3.
    text = "Київ наш дім мир мир парк люди світло перемога"
    lines = break_lines(text, width=19, measure=unit, space_width=1, max_stretch=1, max_shrink=0.5)
    assert words_of(lines) == [["Київ", "наш", "дім", "мир"], ["мир", "парк", "люди", "світло"],
                               ["перемога"]]
    assert [round(line.ratio, 2) for line in lines] == [1.0, -0.67, 0.0]


def test_ragged_lines_are_not_stretched():
    text = normalise("Волонтерський штаб працює щодня на вулиці Васильківській, дванадцять.")
    lines = break_lines(text, width=25, measure=unit, space_width=1, hyphenator=HY, mode="ragged")
    assert all(line.ratio == 0 and line.natural_width <= 25 for line in lines)
    assert all(line.space(25, 1) == 1 for line in lines)


def test_ragged_evens_out_the_right_edge():
    # First fit: "мир вода ми дім | дім мир | перемога люди" leaves 0 and 8 columns free.
    text = "мир вода ми дім дім мир перемога люди"
    lines = break_lines(text, width=15, measure=unit, space_width=1, mode="ragged")
    assert words_of(lines) == [["мир", "вода", "ми"], ["дім", "дім", "мир"], ["перемога", "люди"]]


def test_balanced_heading_uses_fewest_lines_as_equal_as_possible():
    text = "Разом до перемоги волонтерський штаб Голосіївського району"
    lines = break_lines(text, width=40, measure=unit, space_width=1, mode="balanced")
    assert len(lines) == 2
    widths = [line.natural_width for line in lines]
    assert max(widths) - min(widths) <= 8
    assert rejoin(lines) == text


def test_measure_is_called_once_per_distinct_string():
    calls: list[str] = []

    def counting(s: str) -> float:
        calls.append(s)
        return len(s) * 0.5

    text = normalise("Волонтери Голосіївського району зібрали гроші на підтримку "
                     "військовослужбовців і волонтери Голосіївського району дякують")
    break_lines(text, width=20, measure=counting, space_width=0.5, hyphenator=HY)
    assert len(calls) == len(set(calls))


# -- optimality against brute force --------------------------------------------------------

def brute_force(par: lb._Paragraph, s: lb._Settings) -> tuple[int, float]:
    """The least (rule breaches, total demerits) over every subset of break points."""
    inner = [b for b in par.breaks if not b.last]
    end = par.breaks[-1]
    assert len(inner) <= 14, "too many break points for brute force"
    best = (math.inf, math.inf)
    for k in range(len(inner) + 1):
        for chosen in itertools.combinations(inner, k):
            node = lb._Node((0, 0), 0, 1, 0, 0.0)
            for brk in (*chosen, end):
                fit = lb._fit(par, node.start, brk, s)
                hyphens = node.hyphens + 1 if brk.shows_hyphen else 0
                if fit is None or fit == lb._OVERFULL or hyphens > lb.MAX_HYPHENS_IN_A_ROW:
                    break
                ratio, fitness, line = fit
                breaches, ending = lb._ending(par, node.start, brk, s) if brk.last else (0, 0.0)
                total = node.demerits + line + lb._extra_demerits(node, brk, fitness, ending, s)
                breached = node.breaches + (breaches if node.prev is not None else 0)
                node = lb._Node(brk.next_start, node.lines + 1, fitness, hyphens, total, node, brk,
                                0.0, breached)
            else:
                best = min(best, node.cost())
    return best


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(["ми", "разом", "Київ", "перемога", "волонтери", "і",
                                       "підтримку", "синьо-жовтий", "громада", "—", "#РазомСила",
                                       "www.kyiv.ua/top"]), min_size=2, max_size=5),
       width=st.integers(8, 24), mode=st.sampled_from(["justify", "ragged"]),
       rule=st.sampled_from([None, lb.BodyRule(max_stretch=1.0, max_shrink=0.2)]))
def test_total_fit_finds_the_least_demerits(words, width, mode, rule):
    text = " ".join(words)
    par = lb._Paragraph(text, unit, 1.0, Hyphenator(left=2, right=2))
    assume(len(par.breaks) <= 15)
    for tolerance in (1.0, math.inf):
        s = lb._Settings(float(width), 1.0, mode, 1.0, 0.2, None, tolerance, rule)
        node = lb._total_fit(par, s)
        expected = brute_force(par, s)
        if node is None:
            assert expected[0] == math.inf
        else:
            assert node.breaches == expected[0]
            assert node.demerits == pytest.approx(expected[1])


# -- the exact-text property ----------------------------------------------------------------

TOKEN_LETTERS = "абвгдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄІЇКМПРСТУ"
tokens = st.one_of(
    st.text(alphabet=TOKEN_LETTERS + "ʼ-«»,.:!—0123456789" + NB, min_size=1, max_size=14),
    st.sampled_from(["М.", "в", "і", "синьо-жовтий", "www.kyiv-city.gov.ua", "2014–2022",
                     "військовослужбовцям", "«Перемога»,", f"в{NB}Голосіївському",
                     "Соломʼянський"]),
)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(tokens, min_size=1, max_size=25), width=st.floats(2, 30),
       mode=st.sampled_from(lb.MODES), hyphenate=st.booleans())
@example(words=["військовослужбовцям", "0-", "00000000"], width=5.0, mode="justify",
         hyphenate=True)
def test_breaking_never_drops_duplicates_or_reorders_a_character(words, width, mode, hyphenate):
    text = " ".join(words)
    hyphenator = HY if hyphenate else None
    lines = break_lines(text, width=width, measure=half, space_width=0.5, hyphenator=hyphenator,
                        mode=mode)
    widest = widest_piece(text, measure=half, space_width=0.5,
                          hyphenator=None if mode == "balanced" else hyphenator)
    if widest[1] > width + 1e-9 and mode != "justify":  # justified lines may shrink a little
        assert lines is None
    if mode != "justify" and not hyphenate:
        assert (lines is None) == (widest[1] > width + 1e-9)
    if lines is None:
        return
    assert rejoin(lines) == text
    assert lines[-1].last and not any(line.last for line in lines[:-1])
    for line in lines:
        assert line.words
        assert line.natural_width == pytest.approx(
            sum(w.width for w in line.words) + 0.5 * (len(line.words) - 1))
        shrink = 0.2 * 0.5 * (len(line.words) - 1) if mode == "justify" and not line.last else 0
        assert line.natural_width - shrink <= width + 1e-6
        assert line.ratio >= -1 - 1e-9
    assert hyphen_runs(lines) <= 2


# -- real Ukrainian text set with HarfBuzz --------------------------------------------------

FONT_PLACES = (Path(__file__).resolve().parents[2] / "fonts" / "NotoSans-Regular.ttf",
               Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"))
FONT = next((p for p in FONT_PLACES if p.exists()), None)


def harfbuzz_measure(size: float = 10.0):
    hb = pytest.importorskip("uharfbuzz")
    if FONT is None:
        pytest.skip("Noto Sans is not installed")
    face = hb.Face(hb.Blob.from_file_path(str(FONT)))
    font = hb.Font(face)
    scale = size / face.upem

    def measure(text: str) -> float:
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(font, buf, {"kern": True, "liga": False, "calt": False})
        return sum(pos.x_advance for pos in buf.glyph_positions) * scale

    return measure


PARAGRAPHS = [
    "Київська міська рада запрошує мешканців Голосіївського району на відкриття оновленого "
    "скверу імені М. Рильського. У програмі - концерт, ярмарок місцевих виробників і благодійний "
    "збір на підтримку військовослужбовців. Вхід вільний, початок о 12:00. Приходьте з родинами "
    "та друзями!",
    "Громадська організація \"Незламні\" протягом 2022-2023 років допомогла понад 12000 "
    "переміщеним особам: видала 3500 продуктових наборів, облаштувала 40 місць тимчасового "
    "проживання та організувала психологічну підтримку. Долучайтеся до волонтерського руху - "
    "кожна година вашої допомоги наближає перемогу.",
    "Волонтери Голосіївського району зібрали понад 1500000 гривень на підтримку "
    "військовослужбовців, які захищають Україну. Завдяки небайдужим мешканцям ми придбали 350 "
    "дронів, генератори та теплий одяг для переміщених осіб. Громадськість вимагає від влади "
    "прозорості: кожна гривня має працювати на обороноздатність держави. Приєднуйтеся до нас у "
    "Соломʼянському та Голосіївському районах - разом ми переможемо!",
]


def one_letter_end(line: Line) -> bool:
    if line.split_word:
        return False
    core = line.words[-1].text.strip("«»„“,.;:!?…()")
    return len(core) == 1 and core.isalpha()


@pytest.mark.parametrize("mode", ["justify", "ragged"])
@pytest.mark.parametrize("paragraph", PARAGRAPHS, ids=["rada", "nezlamni", "volontery"])
def test_real_paragraphs_break_at_every_width_within_it_losing_nothing(paragraph, mode):
    measure = harfbuzz_measure()
    space = measure(" ")
    text = normalise(paragraph)
    for width in range(150, 520, 30):
        lines = break_lines(text, width=width, measure=measure, space_width=space,
                            hyphenator=HY, mode=mode)
        assert lines is not None
        assert rejoin(lines) == text
        assert hyphen_runs(lines) <= 2
        for line in lines:
            gaps = len(line.words) - 1
            shrink = 0.2 * space * gaps if mode == "justify" and not line.last else 0.0
            assert line.natural_width - shrink <= width + 1e-6
            assert line.ratio >= -1 - 1e-9
            if mode == "ragged" or line.last:
                assert line.ratio == 0
        for line, following in zip(lines, lines[1:]):
            assert not one_letter_end(line)
            if line.hyphenated:
                head = re.search(r"[\wʼ]+$", line.words[-1].text[:-1]).group()
                tail = re.match(r"[\wʼ]+", following.words[0].text).group()
                assert len(head) in HY.points(head + tail), (head, tail)


@pytest.mark.parametrize("paragraph, width",
                         [(0, 490), (0, 560), (1, 470), (1, 500), (2, 490), (2, 580)])
def test_comfortable_widths_stay_within_the_stretch(paragraph, width):
    measure = harfbuzz_measure()
    lines = break_lines(normalise(PARAGRAPHS[paragraph]), width=width, measure=measure,
                        space_width=measure(" "), hyphenator=HY)
    assert all(-1 <= line.ratio <= 1 for line in lines)


def test_a_600_character_paragraph_is_broken_with_linear_work(monkeypatch):
    """Few lines are tried per break point (the active list stays short): no wall clock."""
    text = normalise(" ".join(PARAGRAPHS)[:600].rsplit(" ", 1)[0])

    def measure(s: str) -> float:
        return sum(0.55 if c.isalpha() else 0.3 for c in s)

    tried = []
    fit = lb._fit
    monkeypatch.setattr(lb, "_fit", lambda *a: tried.append(1) or fit(*a))
    lines = break_lines(text, width=40, measure=measure, space_width=0.3, hyphenator=HY)
    assert lines is not None
    breaks = len(lb._Paragraph(text, measure, 0.3, HY).breaks)
    assert breaks > 100
    assert len(tried) < 30 * breaks  # about 20 today; every pair of breaks would be ~75
