"""Where a line may end: between words and inside them.

Words are the pieces of a normalised paragraph between U+0020 spaces.  This
module says, for one word, where a line may end *inside* it, of what kind and
at what cost, and, between two words, whether the space may break at all.
:mod:`.linebreak` chooses among these places.

Inside a word (``offset`` = the line ends with ``word[:offset]``):

* ``HYPHEN`` — a :class:`~.hyphenation.Hyphenator` point of one of the word's
  letter runs; a ``-`` is added.  The run may not touch a digit or an
  explicit hyphen (``80-ті``, ``синьо-жовтий`` are not hyphenated inside).
* ``EXPLICIT`` — just after an explicit hyphen between letters, nothing added
  (``синьо-|жовтий``), when both parts hold at least
  :data:`EXPLICIT_MIN_LETTERS` letters: ``QR-|кодом`` and ``що-|небудь`` never
  break (a two-letter piece at a line's end or start reads as a stray
  syllable).
* ``LONG`` — inside a long string that has no hyphenation of its own,
  nothing added (no hyphen may be mistaken for part of it):

  - a hashtag (``#…``) before each capital that follows a small letter:
    ``#ЧистийБерег|Оболоні|Разом|ЗВолонтерами``;
  - a URL (``https://``, ``www.`` or ``name.tld/…``) after ``/`` (after the
    whole ``//``, never between its slashes), before ``.``, before ``-`` (a
    hyphen at the end of a line would read as an added one), and after
    ``?``, ``&``, ``=``;
  - an e-mail address before ``@`` and before ``.``.

  Every piece keeps at least :data:`LONG_MIN_PIECE` characters, and leading
  and trailing punctuation (``«``, ``).``) never stands alone.  These breaks
  cost far more than a hyphenation (:data:`LONG_PENALTY`), so they are used
  only when the line cannot do without them.  Hashtags, URLs and e-mails are
  never hyphenated: a reader would type the hyphen.

Between words, a space never breaks after a one-letter word or an initial
(``в``, ``М.``), nor before a dash (``–``, ``—``): a line never starts with
a dash.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .hyphenation import Hyphenator

SPACE, HYPHEN, EXPLICIT, LONG, END = "space", "hyphen", "explicit", "long", "end"
HYPHEN_PENALTY = 50.0
EXPLICIT_HYPHEN_PENALTY = 50.0
# a URL or e-mail breaks only when the line would otherwise stay about half empty (ragged)
# or stretch well past the limit (justified); a hashtag, which reads well at its capitals,
# a little sooner
LONG_PENALTY = {"hashtag": 250.0, "url": 400.0, "email": 400.0}
EXPLICIT_MIN_LETTERS = 3
LONG_MIN_PIECE = 3
DASHES = "–—"

_LETTER_RUN = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")
_EXPLICIT = re.compile(r"(?<=[^\W\d_])[-‐](?=[^\W\d_])")
_RUN_BEFORE = re.compile(r"[^\W\d_'’ʼ`]*$")  # the letters just before an explicit hyphen
_RUN_AFTER = re.compile(r"[^\W\d_'’ʼ`]*")
_INITIAL = re.compile(r"[«„(\"]*[A-ZА-ЯЁҐЄІЇ]\.")
_CAMEL = re.compile(r"(?<=[^\W\d_])(?=[A-ZА-ЯЁҐЄІЇ])")
_LEADING = "«„“\"'(["
_TRAILING = ".,;:!?…»“”\"')]"
_URL_START = re.compile(r"(?i)(?:https?://|www\.)\S")
_DOMAIN_URL = re.compile(r"(?i)[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.[a-z]{2,}(?:/\S*)?")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def no_break_after(word: str) -> bool:
    """A one-letter word or an initial keeps the next word on its line."""
    core = word.strip("«»„“\"'()[],.;:!?…")
    one_letter = len(core) == 1 and (core.isalpha() or core == "№")
    return one_letter or _INITIAL.fullmatch(word) is not None


def no_break_before(word: str) -> bool:
    """A dash stays at the end of the previous line: no line starts with one.

    A lone ``-`` between spaces is a dash typed on a keyboard.
    """
    return word[:1] in DASHES or word == "-"


def core_span(word: str) -> tuple[int, int]:
    """(start, end) of ``word`` without its leading and trailing punctuation."""
    start, end = 0, len(word)
    while start < end and word[start] in _LEADING:
        start += 1
    while end > start and word[end - 1] in _TRAILING:
        end -= 1
    return start, end


def long_kind(word: str) -> str | None:
    """"url", "email", "hashtag" or None: what kind of long string ``word`` is."""
    start, end = core_span(word)
    core = word[start:end]
    if not core:
        return None
    if _EMAIL.fullmatch(core):
        return "email"
    if _URL_START.match(core) or ("/" in core and _DOMAIN_URL.fullmatch(core)):
        return "url"
    if core.startswith("#") and len(core) > 1 and not core[1:].isdigit():
        return "hashtag"
    return None


def _url_points(core: str) -> list[int]:
    points = []
    for i in range(1, len(core)):
        before, after = core[i - 1], core[i]
        if before == "/" and after != "/":
            points.append(i)  # after a slash, after the whole «//»
        elif after in ".-" and before not in "./-:":
            points.append(i)  # before a dot or a hyphen
        elif before in "?&=" and after not in "?&=":
            points.append(i)
    return points


def _email_points(core: str) -> list[int]:
    return [i for i in range(1, len(core)) if core[i] in "@." and core[i - 1] not in "@."]


def _long_breaks(word: str, kind: str) -> list[tuple[int, str, float]]:
    start, end = core_span(word)
    core = word[start:end]
    if kind == "url":
        points = _url_points(core)
    elif kind == "email":
        points = _email_points(core)
    else:
        points = [m.start() for m in _CAMEL.finditer(core) if core[m.start() - 1].islower()]
    penalty = LONG_PENALTY[kind]
    return [(start + p, LONG, penalty) for p in points
            if p >= LONG_MIN_PIECE and len(core) - p >= LONG_MIN_PIECE]


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _explicit_breaks(word: str) -> list[tuple[int, str, float]]:
    out = []
    for m in _EXPLICIT.finditer(word):
        left = _RUN_BEFORE.search(word, 0, m.start()).group()
        right = _RUN_AFTER.match(word, m.end()).group()
        if min(_letters(left), _letters(right)) >= EXPLICIT_MIN_LETTERS:
            out.append((m.end(), EXPLICIT, EXPLICIT_HYPHEN_PENALTY))
    return out


def _hyphen_breaks(word: str, hyphenator: Hyphenator) -> list[tuple[int, str, float]]:
    out = []
    for m in _LETTER_RUN.finditer(word):
        before = word[m.start() - 1] if m.start() else ""
        after = word[m.end()] if m.end() < len(word) else ""
        if any(c.isdigit() or c in "-‐" for c in before + after):
            continue  # glued to digits or part of a hyphenated compound
        for p, weight in hyphenator.ranked(m.group()):
            out.append((m.start() + p, HYPHEN, HYPHEN_PENALTY * weight))
    return out


_BOUND = re.compile(r"[^\u00a0\u202f]+")  # the parts of a word bound by no-break spaces


@lru_cache(maxsize=65536)
def inner_breaks(word: str, hyphenator: Hyphenator | None) -> tuple[tuple[int, str, float], ...]:
    """(offset, kind, penalty) of every place a line may end inside ``word``, in order.

    A long string may be bound to a short word before it (``на⍽www.kyiv.ua``,
    ``за⍽#РазомСила``): each part between no-break spaces is looked at.
    Cached: a fitter sets the same words again at each size it tries.
    """
    found: dict[int, tuple[int, str, float]] = {}
    spans = []
    for m in _BOUND.finditer(word):
        kind = long_kind(m.group())
        if kind is not None:
            spans.append(m.span())
            for offset, brk_kind, penalty in _long_breaks(m.group(), kind):
                found[m.start() + offset] = (m.start() + offset, brk_kind, penalty)
    others = _explicit_breaks(word)
    if hyphenator is not None:
        others += _hyphen_breaks(word, hyphenator)
    for brk in others:
        if not any(a <= brk[0] <= b for a, b in spans):
            found.setdefault(brk[0], brk)
    return tuple(found[k] for k in sorted(found))
