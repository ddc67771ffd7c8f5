"""Text services for layout: Ukrainian typography, pure and deterministic.

The package turns raw Ukrainian strings into typeset-ready text and lines,
and knows nothing of PDF, SVG, fonts or files (widths come in as a
``measure`` callable):

* :mod:`.typography` — the Ukrainian normaliser (quotes, apostrophe, dashes,
  ranges, no-break spaces, digit grouping) with a per-rule ``explain``;
* :mod:`.lookalikes` — Latin letters typed inside Cyrillic words;
* :mod:`.hyphenation` — pyphen ``uk_UA`` points, filtered and ranked the way
  a Ukrainian typographer would break;
* :mod:`.breakpoints` — where a line may end: between words (never after a
  one-letter word, never before a dash) and inside them (hyphenation points,
  explicit hyphens, hashtags at their capitals, URLs and e-mails at their
  seams, no hyphen added);
* :mod:`.linebreak` — a total-fit (Knuth–Plass) line breaker for justified,
  ragged and balanced text, and :class:`~.linebreak.BodyRule`, the one rule
  for body text.

Breakable spaces are U+0020 only; U+00A0 and U+202F bind words together.
The only I/O is pyphen reading its dictionary.
"""
