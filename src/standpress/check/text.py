"""The text check: every expected text is in the page's extracted text (PDFium).

Both sides are normalised: whitespace runs (incl. U+00A0/U+202F) become one space,
line-end hyphenation is removed (compared also with the hyphen kept), NFC.
"""

from __future__ import annotations

import re
import unicodedata

from .context import Context
from .report import Finding

__all__ = ["check_text", "normalise_text"]

_WS = re.compile(r"[\s\u00a0\u202f\u2007\u2060\ufeff]+")
_HYPHEN_BREAK = re.compile(r"[-\u2010\u00ad\x02][ \t]*(?:\r\n|\r|\n)[ \t\u00a0]*")


def _marked(text: str) -> str:
    """Normalised text with every line-end hyphenation break as one ``\\x00``.

    A break is a hyphen (``-``, U+2010, soft hyphen) before a line end, or
    PDFium's marker for it (U+FFFE, older versions U+0002, with the line end
    already removed). Whitespace runs (incl. U+00A0, U+202F) become one space.
    """
    text = unicodedata.normalize("NFC", text)
    text = _HYPHEN_BREAK.sub("\x00", text)
    text = re.sub("[\ufffe\x02][ \t\u00a0]*", "\x00", text)
    text = text.replace("\u00ad", "")
    return _WS.sub(" ", text).strip()


def normalise_text(text: str) -> str:
    """Whitespace runs (incl. NBSP, narrow NBSP) → one space; line-end hyphens removed.

    Soft hyphens vanish everywhere; a hyphen at the end of a line joins the
    two parts (``Вели-\\nкий`` → ``Великий``).
    """
    return _marked(text).replace("\x00", "")


def _contains(marked: str, want: str) -> bool:
    """Whether ``want`` occurs in ``marked`` text, each break read as "-" or nothing.

    So ``пере-⏎будову ТОП-⏎100`` contains both ``перебудову`` and ``ТОП-100``.
    """
    needle = normalise_text(want)
    if not needle:
        return True
    if "\x00" not in marked:
        return needle in marked
    parts = ["[-\u2010\x00]" if c in "-\u2010" else re.escape(c) for c in needle]
    return re.search("\x00?".join(parts), marked) is not None


def check_text(ctx: Context) -> list[Finding]:
    """Every expected text is in the page's extracted text (normalised); text extracts cleanly."""
    out: list[Finding] = []
    doc = ctx.pdfium()
    for number in ctx.rendered_pages():
        exp = ctx.expect(number)
        page = doc[number - 1]
        try:
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()
        bad = sorted({c for c in raw if c == "\ufffd" or (
            unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\r\n\t\x02\ufffe")})
        if bad:
            codes = ", ".join(f"U+{ord(c):04X}" for c in bad[:8])
            out.append(Finding("text", "warning", f"extracted text has unmapped characters ({codes}): "
                                                  "a font's ToUnicode map is incomplete", number))
        marked = _marked(raw)
        squeezed = _WS.sub("", marked)
        missing = [want for want in exp.texts
                   if not _contains(marked, want) and not _contains(squeezed, _WS.sub("", want))]
        for want in missing:
            out.append(Finding("text", "error", f"expected text not found: {want!r}", number))
        if not missing:
            n = len(exp.texts)
            detail = (f"{n} expected text{'s' if n != 1 else ''} found" if n
                      else f"{len(normalise_text(raw))} characters of text")
            out.append(Finding("text", "ok", detail, number))
    return out
