"""Ukrainian hyphenation: pyphen ``uk_UA`` points, filtered and ranked.

pyphen's LibreOffice patterns allow many breaks a typographer rejects
(``під-т-ри-м-ку``, ``не-з-ла-м-но-с-ті``, ``на-си-ль-с-т-ва``).  We keep
pyphen's points as *candidates* and let a typographer's rules choose:

1. Only ordinary Cyrillic words are hyphenated: no capitals after the first
   letter (ЗСУ, ТрО, iPhone), no digits, no ``-``, ``/``, ``.``, ``@``, no Latin;
   at least ``min_word`` letters; ``left``/``right`` letters kept on each side
   (apostrophes are not letters).
2. Never beside an apostrophe (``Солом-ʼянський``, ``обʼ-єднання``), never
   before ``ь``, never inside ``дж``/``дз``, never between a consonant and the
   following vowel (``відповід-альність``), and both parts need a vowel.
3. The consonants between two vowels form a *cluster*; at most one break is
   kept per cluster:

   * if the word starts with a consonant-final prefix (під, над, від, без, роз,
     об, між, перед, через, понад; з/с are too ambiguous) and the cluster
     straddles the prefix boundary, only the break at the boundary survives:
     ``під-тримку``, ``над-звичайних`` — never ``підт-римку``;
   * otherwise the break leaving the longest *good onset* on the right wins
     (maximal onset): one consonant, an obstruent + р/л/в (``тр``, ``зл``,
     ``тв``), or с/з/ш + a stop, optionally + р/л/в (``ст``, ``ськ``, ``ств``).
     So ``на-силь-ства``, ``не-злам-но-сті``, ``во-лон-тер-ський``,
     ``вій-сько-во-служ-бов-цям``; a break whose right part starts with a bad
     onset (``насиль-с-тва`` → ``сильс-тва`` is fine only if nothing better
     exists; ``підтри-мку`` never) is dropped.

   Between two adjacent vowels the break is allowed (``те-ри-то-рі-аль-ної``).

4. The points are *ranked* (:meth:`Hyphenator.ranked`): each carries a weight
   the line breaker multiplies its hyphen penalty by, so that of two breaks
   that set a paragraph about as well, the one that reads better wins.  A
   break at a prefix's end (``пере-глянути``, ``під-тримку``, ``за-вантажити``)
   weighs :data:`PREFIX_WEIGHT`: the line ends with a whole morpheme and the
   next starts with a word the reader knows.  A break leaving the fewest
   letters allowed on either side (``пе-реглянути``, ``зайнятос-ті`` with
   right = 3) weighs :data:`SHORT_PIECE_WEIGHT`: such pieces read as stray
   syllables.  In a word that can break at its prefix, every other point
   weighs :data:`INSIDE_PREFIXED_WEIGHT` (``перегля-нути`` is a legal break,
   but the reader, having seen ``перегля``, expects ``перегляд``: it costs
   four times ``пере-глянути``).  Others weigh 1.

Results are cached per (word, settings).
"""

from __future__ import annotations

from functools import lru_cache

import pyphen

SOFT_HYPHEN = "\u00ad"
APOSTROPHES = "ʼ’'`"
VOWELS = frozenset("аеєиіїоуюя")
CONSONANT_PREFIXES = ("понад", "через", "перед", "роз", "без", "від", "під", "над", "між", "об")
# prefixes a break after reads well (longest first); a mere syllable break is not harmed when
# a root happens to start so (пере-мога): the point is legal already, only its weight drops
PREFIXES = ("понад", "через", "перед", "пере", "прои", "роз", "без", "від", "під", "над",
            "між", "при", "пре", "про", "за", "на", "до", "по", "ви", "не", "об")
PREFIX_WEIGHT = 0.5
INSIDE_PREFIXED_WEIGHT = 2.0
SHORT_PIECE_WEIGHT = 1.5

_OBSTRUENTS = frozenset("бпдтгґкхфзсжшчцвЏЅ")  # Џ = дж, Ѕ = дз (one sound each)
_SONORANT_SECONDS = frozenset("рлв")
_S_CLUSTERS = frozenset({"ст", "сп", "ск", "сх", "зд", "зб", "зг", "зґ", "шт", "шк", "шп"})


@lru_cache(maxsize=None)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=lang, left=1, right=1)


def _is_cyrillic_letter(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" and ch.isalpha()


def hyphenatable(word: str) -> bool:
    """Whether ``word`` is an ordinary lower- or title-case Cyrillic word."""
    if not word or word[0] in APOSTROPHES or word[-1] in APOSTROPHES:
        return False
    if any(c.isupper() for c in word[1:]):
        return False
    return all(_is_cyrillic_letter(c) or c in APOSTROPHES for c in word)


def _affricates(consonants: str) -> str:
    """Treat дж and дз as one consonant each."""
    return consonants.replace("дж", "Џ").replace("дз", "Ѕ")


def good_onset(consonants: str) -> bool:
    """Whether a consonant sequence may begin a syllable (ь and apostrophes ignored)."""
    units = _affricates("".join(c for c in consonants if c not in "ь" + APOSTROPHES))
    if len(units) == 1:
        return True
    if len(units) == 2 and units[0] in _OBSTRUENTS and units[1] in _SONORANT_SECONDS:
        return units[0] != units[1]
    if units[:2] in _S_CLUSTERS:
        return len(units) == 2 or (len(units) == 3 and units[2] in _SONORANT_SECONDS)
    return False


def _prefix_end(lower: str) -> int | None:
    """Index just after a consonant-final prefix followed by a consonant."""
    for prefix in CONSONANT_PREFIXES:
        end = len(prefix)
        if lower.startswith(prefix) and len(lower) > end + 2:
            nxt = lower[end]
            if nxt not in VOWELS and nxt not in APOSTROPHES and nxt != "ь":
                return end
    return None


def _cluster(lower: str, i: int) -> tuple[int, int] | None:
    """(last vowel before ``i``, first vowel at or after ``i``), or None."""
    before = [k for k in range(i) if lower[k] in VOWELS]
    after = [k for k in range(i, len(lower)) if lower[k] in VOWELS]
    if not before or not after:
        return None
    return before[-1], after[0]


def _locally_allowed(lower: str, i: int, vowel_after: int, prefix: int | None) -> bool:
    """Rule 2: apostrophes, ь, дж/дз, consonant-vowel."""
    if lower[i - 1] in APOSTROPHES or lower[i] in APOSTROPHES or lower[i] == "ь":
        return False
    if lower[i - 1] == "д" and lower[i] in "жз" and i != prefix:
        return False
    consonant_then_vowel = i == vowel_after and lower[i - 1] not in VOWELS
    return not consonant_then_vowel


def _choose(lower: str, candidates: list[int], prefix: int | None) -> list[int]:
    """Rule 3: at most one break per consonant cluster."""
    by_cluster: dict[tuple[int, int], list[int]] = {}
    for i in candidates:
        span = _cluster(lower, i)
        if span is None or not _locally_allowed(lower, i, span[1], prefix):
            continue
        by_cluster.setdefault(span, []).append(i)
    chosen = []
    for (v1, v2), points in by_cluster.items():
        if v2 == v1 + 1:
            chosen.extend(points)  # between two vowels
        elif prefix is not None and v1 < prefix < v2:
            chosen.extend(p for p in points if p == prefix)
        else:
            good = [p for p in sorted(points) if good_onset(lower[p:v2])]
            chosen.extend(good[:1])
    return sorted(chosen)


@lru_cache(maxsize=65536)
def ranked_points(word: str, left: int, right: int, min_word: int, lang: str) -> tuple[int, ...]:
    """The filtered, ranked break positions of ``word`` (see the module doc)."""
    if not hyphenatable(word):
        return ()
    lower = word.lower()
    letters_before = [0]
    for ch in lower:
        letters_before.append(letters_before[-1] + (ch not in APOSTROPHES))
    total = letters_before[-1]
    if total < min_word:
        return ()
    ascii_copy = "".join("'" if c in APOSTROPHES else c for c in lower)
    candidates = [
        i for i in _dictionary(lang).positions(ascii_copy)
        if 0 < i < len(lower) and letters_before[i] >= left and total - letters_before[i] >= right
    ]
    return tuple(_choose(lower, candidates, _prefix_end(lower)))


def _weight(lower: str, i: int, left: int, right: int, letters_before: list[int],
            prefix: int | None) -> float:
    """How a break at ``i`` reads (rule 4): lower is better."""
    weight = 1.0
    if i == prefix:
        weight *= PREFIX_WEIGHT
    elif prefix is not None:
        weight *= INSIDE_PREFIXED_WEIGHT
    if letters_before[i] <= left or letters_before[-1] - letters_before[i] <= right:
        weight *= SHORT_PIECE_WEIGHT
    return weight


@lru_cache(maxsize=65536)
def weighted_points(word: str, left: int, right: int, min_word: int,
                    lang: str) -> tuple[tuple[int, float], ...]:
    """:func:`ranked_points` with each point's weight (rule 4)."""
    points = ranked_points(word, left, right, min_word, lang)
    if not points:
        return ()
    lower = word.lower()
    letters_before = [0]
    for ch in lower:
        letters_before.append(letters_before[-1] + (ch not in APOSTROPHES))
    prefix = next((len(p) for p in PREFIXES if lower.startswith(p) and len(p) in points), None)
    return tuple((i, _weight(lower, i, left, right, letters_before, prefix)) for i in points)


class Hyphenator:
    """Where a Ukrainian word may be broken at the end of a line."""

    def __init__(self, *, left: int = 2, right: int = 3, min_word: int = 6,
                 lang: str = "uk_UA") -> None:
        if left < 1 or right < 1:
            raise ValueError("left and right must be at least 1")
        self.left = left
        self.right = right
        self.min_word = min_word
        self.lang = lang
        _dictionary(lang)  # fail early on an unknown language

    def points(self, word: str) -> tuple[int, ...]:
        """Positions ``i`` where ``word`` may break as ``word[:i] + "-"`` / ``word[i:]``."""
        return ranked_points(word, self.left, self.right, self.min_word, self.lang)

    def ranked(self, word: str) -> tuple[tuple[int, float], ...]:
        """(position, weight) of each point: the breaker's hyphen penalty × weight."""
        return weighted_points(word, self.left, self.right, self.min_word, self.lang)

    def hyphenate(self, word: str) -> str:
        """``word`` with U+00AD at every break point (for debugging and tests)."""
        out, last = [], 0
        for i in self.points(word):
            out.append(word[last:i])
            last = i
        out.append(word[last:])
        return SOFT_HYPHEN.join(out)

    def __repr__(self) -> str:
        return (f"Hyphenator(left={self.left}, right={self.right}, "
                f"min_word={self.min_word}, lang={self.lang!r})")
