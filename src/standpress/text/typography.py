"""The Ukrainian typographic normaliser.

``normalise`` applies :data:`RULES` in order; ``explain`` reports what each
rule changed, for the staff report.  Every rule is a small pure function that
never touches URLs or e-mail addresses (they are masked while the rule runs),
never adds, drops or reorders a letter or digit (only spaces, quotes, dashes
and apostrophes change form), and is idempotent; so is the whole chain:
``normalise(normalise(x)) == normalise(x)``.

No-break spaces (U+00A0, written NBSP below) glue a word to its neighbour;
U+202F (NNBSP) groups digits.  Both are kept by the whitespace rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial

APOSTROPHE = "\u02bc"  # ʼ MODIFIER LETTER APOSTROPHE
ALLOWED_APOSTROPHES = ("\u02bc", "\u2019")
NBSP = "\u00a0"
NNBSP = "\u202f"

SHORT_WORDS = ("в", "у", "з", "із", "зі", "і", "й", "та", "а", "на", "до", "за", "по",
               "від", "про", "при", "під", "над", "без", "для", "не", "ні", "чи")

_UP = "А-ЯЁҐЄІЇ"
_LOW = "а-яёґєії"
_CYR = "\u0400-\u0481\u048a-\u04ff"  # Cyrillic letters (no combining marks)
_WORDISH = r"\w'ʼ’\-\u00ad"  # characters that continue a word

# -- protection of URLs and e-mail addresses ---------------------------------

_URL_STOP = "\\s\"«»“”„<>"
_PROTECTED = re.compile(
    rf"(?:https?://|www\.)[^{_URL_STOP}]*[^{_URL_STOP}.,;:!?…)\]]"
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
)
_MASK_BASE = 0xF0000  # Supplementary Private Use Area-A


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL and e-mail address in ``text``."""
    return [m.span() for m in _PROTECTED.finditer(text)]


def _mask(text: str) -> tuple[str, list[str]]:
    """Replace each URL/e-mail by one private-use character."""
    found: list[str] = []

    def keep(m: re.Match[str]) -> str:
        found.append(m.group())
        return chr(_MASK_BASE + len(found) - 1)

    if any(0xF0000 <= ord(c) <= 0xFFFFD for c in text):
        return text, []  # cannot mask safely; nothing is protected
    return _PROTECTED.sub(keep, text), found


def _unmask(text: str, found: list[str]) -> str:
    for i, original in enumerate(found):
        text = text.replace(chr(_MASK_BASE + i), original)
    return text


def _protecting(rule: Callable[[str], str]) -> Callable[[str], str]:
    """Run ``rule`` on ``text`` with URLs and e-mails masked."""

    def run(text: str) -> str:
        masked, found = _mask(text)
        return _unmask(rule(masked), found)

    base = rule.func if isinstance(rule, partial) else rule
    run.__name__ = base.__name__
    run.__doc__ = base.__doc__
    return run


# -- rules --------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


def _space_run(m: re.Match[str]) -> str:
    run = m.group()
    if NBSP in run:
        return NBSP
    if NNBSP in run:
        return NNBSP
    return " "


def fix_whitespace(text: str) -> str:
    """NFC; any whitespace run becomes one space (a no-break space survives); strip."""
    text = unicodedata.normalize("NFC", text)
    return _WHITESPACE.sub(_space_run, text).strip()


def fix_ellipsis(text: str) -> str:
    """Exactly three dots become an ellipsis ``…``."""
    return re.sub(r"(?<!\.)\.\.\.(?!\.)", "…", text)


_OPENING = "«„"
_CLOSING = "»"
_AMBIGUOUS = '"“”‟'
_QUOTES = _OPENING + _CLOSING + _AMBIGUOUS
_BEFORE_OPENING = "([{-–—/"
_AFTER_CLOSING = ".,;:!?…)]}"


def _quote_opens(text: str, i: int, depth: int, roles: dict[int, bool]) -> bool:
    """Whether the quote at ``i`` opens, judged by its neighbours."""
    ch = text[i]
    if ch in _OPENING:
        return True
    if ch in _CLOSING:
        return False
    if ch == "“" and depth >= 2:
        return False  # our own inner closing quote
    prev = text[i - 1] if i else None
    if prev is not None and i - 1 in roles:
        return roles[i - 1]
    nxt = text[i + 1] if i + 1 < len(text) else None
    after_gap = prev is None or prev.isspace() or prev in _BEFORE_OPENING
    before_gap = nxt is None or nxt.isspace() or nxt in _AFTER_CLOSING
    if after_gap != before_gap:
        return after_gap
    return depth == 0


def fix_quotes(text: str) -> str:
    """All double quotes become « » outside and „ “ nested inside."""
    out = list(text)
    roles: dict[int, bool] = {}
    depth = 0
    for i, ch in enumerate(text):
        if ch not in _QUOTES:
            continue
        opens = _quote_opens(text, i, depth, roles)
        roles[i] = opens
        if opens:
            out[i] = "«" if depth == 0 else "„"
            depth += 1
        else:
            out[i] = "“" if depth >= 2 else "»"
            depth = max(0, depth - 1)
    return "".join(out)


_APOSTROPHE_LIKE = re.compile(rf"(?<=[{_CYR}])['’`ʼ′](?=[{_CYR}])")


def fix_apostrophe(text: str, apostrophe: str = APOSTROPHE) -> str:
    """An apostrophe-like mark between Cyrillic letters becomes ``apostrophe``."""
    return _APOSTROPHE_LIKE.sub(apostrophe, text)


_SPACED_DASH = re.compile(r"(?<=\S)[ \u00a0][-–—](?= \S)")


def fix_dashes(text: str) -> str:
    """A spaced hyphen or dash between words becomes ``NBSP— ``."""
    return _SPACED_DASH.sub(NBSP + "—", text)


_NUM = r"\d+(?:[:.,]\d+)?"
_RANGE = re.compile(
    rf"(?<![\w.,:/\-–—+#№])({_NUM})(?:[-–]| [-–—] )({_NUM})(?![\w\-–—]|[.,:/]\d)"
)


def fix_ranges(text: str) -> str:
    """Two numbers joined by a hyphen (``2014-2022``, ``9:00-18:00``) take an en dash.

    Chains of three or more numbers (phones, ISO dates) are left alone.
    """
    return _RANGE.sub(r"\1–\2", text)


_GROUPABLE = re.compile(
    r"(?<![\w.,:/\-+#№])(?<!\d[ \u00a0\u202f])"
    r"(\d{5,}|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)"
    r"(?![ \u00a0\u202f]?\d|[^\W\d]|[.:/]\d)"
)
_ID_BEFORE = re.compile(rf"(?:№|[{_UP}A-Z]{{2,}}:?)[ \u00a0]?$")


def _group(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group())
    if len(digits) < 5 or digits[0] == "0" or _ID_BEFORE.search(m.string, 0, m.start()):
        return m.group()
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return NNBSP.join(groups)


def group_digits(text: str) -> str:
    """Numbers of five or more digits are grouped by threes with U+202F.

    Four-digit numbers (years) are never grouped; numbers with a leading zero,
    glued to letters, or after ``№`` or a capital abbreviation (``ЄДРПОУ``) are
    identifiers and stay as written.
    """
    return _GROUPABLE.sub(_group, text)


_NUMBER_WORD = re.compile(rf"(?<=\d) (?=[{_LOW}])")


def _not_a_short_word(m: re.Match[str]) -> str:
    word = re.match(rf"[{_LOW}]+", m.string[m.end():])
    return " " if word and word.group() in SHORT_WORDS else NBSP


def bind_numbers(text: str) -> str:
    """A number is glued to a following lower-case word: ``350⍽організацій``.

    Not to a preposition or conjunction (``9:00 до``): that is no unit, and
    the no-break chains it would build make justified lines loose.
    """
    return _NUMBER_WORD.sub(_not_a_short_word, text)


_NUMERO = re.compile(r"№ (?=\S)")


def bind_numero(text: str) -> str:
    """``№ 5`` → ``№⍽5``."""
    return _NUMERO.sub("№" + NBSP, text)


_LEADING_ABBR = ("вул", "просп", "пл", "ім", "м", "с", "смт", "бул", "пров", "обл",
                 "буд", "кв", "див", "ст")
_TRAILING_ABBR = ("т", "д", "ч", "р", "тис")
_ABBR_BEFORE_ANY = re.compile(rf"(?<![{_WORDISH}])((?:{'|'.join(_LEADING_ABBR)})\.) (?=\S)")
_ABBR_BEFORE_LOWER = re.compile(
    rf"(?<![{_WORDISH}])((?:{'|'.join(_TRAILING_ABBR)})\.|млн|млрд) (?=[{_LOW}])"
)


def bind_abbreviations(text: str) -> str:
    """Abbreviations are glued to the next word: ``вул.⍽Хрещатик``, ``т.⍽д.``.

    Place abbreviations (вул., м., ім. …) bind to anything; ``т. д. ч. р. тис.
    млн млрд`` bind only to a lower-case word, so that a sentence
    ending in ``р.`` is not glued to the next sentence.
    """
    text = _ABBR_BEFORE_ANY.sub(r"\1" + NBSP, text)
    return _ABBR_BEFORE_LOWER.sub(r"\1" + NBSP, text)


_INITIAL = rf"[{_UP}]\."
_INITIALS = re.compile(rf"(?<![{_WORDISH}.])({_INITIAL}) (?=[{_UP}])")
_SURNAME_INITIALS = re.compile(
    rf"(?<![{_WORDISH}])([{_UP}][{_LOW}ʼ’'\-]+) "
    rf"(?={_INITIAL}(?:[ \u00a0]{_INITIAL})?(?![ \u00a0]?[{_UP}]))"
)


def bind_initials(text: str) -> str:
    """Initials are glued to each other and to the surname, on either side."""
    text = _INITIALS.sub(r"\1" + NBSP, text)
    return _SURNAME_INITIALS.sub(r"\1" + NBSP, text)


_SHORT_WORD = re.compile(
    rf"(?<![{_WORDISH}])((?i:{'|'.join(sorted(SHORT_WORDS, key=len, reverse=True))})) (?=\S)"
)


def bind_short_words(text: str) -> str:
    """Short prepositions, conjunctions and particles are glued to the next word."""
    return _SHORT_WORD.sub(r"\1" + NBSP, text)


# -- the chain ----------------------------------------------------------------


def _check_apostrophe(apostrophe: str) -> None:
    if apostrophe not in ALLOWED_APOSTROPHES:
        raise ValueError(f"apostrophe must be one of {ALLOWED_APOSTROPHES!r}, got {apostrophe!r}")


def rules(apostrophe: str = APOSTROPHE) -> tuple[tuple[str, Callable[[str], str]], ...]:
    """The rule chain, in application order, for the chosen apostrophe."""
    _check_apostrophe(apostrophe)
    chain: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("whitespace", fix_whitespace),
        ("ellipsis", fix_ellipsis),
        ("quotes", fix_quotes),
        ("apostrophe", partial(fix_apostrophe, apostrophe=apostrophe)),
        ("ranges", fix_ranges),
        ("dashes", fix_dashes),
        ("digit groups", group_digits),
        ("number + word", bind_numbers),
        ("numero", bind_numero),
        ("abbreviations", bind_abbreviations),
        ("initials", bind_initials),
        ("short words", bind_short_words),
    )
    return tuple((name, _protecting(fn)) for name, fn in chain)


RULES = rules()


def normalise(text: str, *, apostrophe: str = APOSTROPHE) -> str:
    """Apply every rule of :data:`RULES` in order."""
    for _name, rule in (RULES if apostrophe == APOSTROPHE else rules(apostrophe)):
        text = rule(text)
    return text


def explain(text: str, *, apostrophe: str = APOSTROPHE) -> list[tuple[str, str, str]]:
    """(rule name, before, after) for each rule that changed the text, in order."""
    changes: list[tuple[str, str, str]] = []
    for name, rule in (RULES if apostrophe == APOSTROPHE else rules(apostrophe)):
        after = rule(text)
        if after != text:
            changes.append((name, text, after))
        text = after
    return changes
