"""Latin letters typed inside Cyrillic words (``Kиїв`` with a Latin K).

A word is a run of letters, apostrophes included.  A word that mixes Cyrillic
and Latin letters is reported.  Its intended script is judged by the letters
that have no twin in the other script (``л``, ``и`` versus ``r``, ``h``): when
those lean Cyrillic (ties count as Cyrillic) and every Latin letter has a
Cyrillic twin, the word can be fixed; otherwise ``fixed`` is None.  Wholly
Latin words (iPhone, URLs) are never reported.  A mostly-Latin word with a
Cyrillic letter is reported but never fixed: we cannot know which script was
meant.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

LATIN_TO_CYRILLIC = {
    "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
    "ï": "ї", "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К",
    "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х", "Ï": "Ї",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’`][^\W\d_]+)*")


@dataclass(frozen=True)
class Lookalike:
    """A mixed-script word at ``start`` in the text, and its fix if there is one."""

    word: str
    start: int
    fixed: str | None


def script(ch: str) -> str | None:
    """``"CYRILLIC"``, ``"LATIN"`` or None (apostrophes, marks, other scripts)."""
    try:
        first = unicodedata.name(ch).split()[0]
    except ValueError:
        return None
    return first if first in ("CYRILLIC", "LATIN") else None


_TWINS = frozenset(LATIN_TO_CYRILLIC) | frozenset(LATIN_TO_CYRILLIC.values())


def _leans_latin(word: str, scripts: list[str | None]) -> bool:
    """More twinless Latin letters than twinless Cyrillic ones."""
    own = [sc for ch, sc in zip(word, scripts) if ch not in _TWINS]
    return own.count("LATIN") > own.count("CYRILLIC")


def _fix_word(word: str) -> str | None:
    """The all-Cyrillic spelling of a mixed word, or None if it has none."""
    scripts = [script(c) for c in word]
    if _leans_latin(word, scripts):
        return None
    out = []
    for ch, sc in zip(word, scripts):
        if sc == "LATIN":
            if ch not in LATIN_TO_CYRILLIC:
                return None
            ch = LATIN_TO_CYRILLIC[ch]
        out.append(ch)
    return "".join(out)


def _is_mixed(word: str) -> bool:
    scripts = {script(c) for c in word}
    return "CYRILLIC" in scripts and "LATIN" in scripts


def find_lookalikes(text: str) -> list[Lookalike]:
    """Every word of ``text`` that mixes Cyrillic and Latin letters, in order."""
    return [
        Lookalike(m.group(), m.start(), _fix_word(m.group()))
        for m in _WORD.finditer(text)
        if _is_mixed(m.group())
    ]


def fix_lookalikes(text: str) -> str:
    """``text`` with every fixable mixed word spelt in Cyrillic only."""
    pieces: list[str] = []
    last = 0
    for found in find_lookalikes(text):
        if found.fixed is None:
            continue
        pieces.append(text[last:found.start])
        pieces.append(found.fixed)
        last = found.start + len(found.word)
    pieces.append(text[last:])
    return "".join(pieces)
