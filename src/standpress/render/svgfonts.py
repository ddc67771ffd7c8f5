"""Fonts in the SVGs: the real family names design tools look for, and web subsets.

A design tool (Inkscape, Illustrator, rsvg, cairosvg) ignores ``@font-face`` and asks
the system for an installed font by ``font-family`` + ``font-weight`` + ``font-style``,
so text is written under the family and weight the font file itself declares
(``name`` ID 16/1, ``OS/2.usWeightClass``, italic from ``OS/2.fsSelection``): Noto Sans
700, not ``sp-bold``. Browsers get the same face as a subset, registered under that
same family, weight and style by ``@font-face`` — limited by ``unicode-range`` to the
characters it holds, after a ``local()`` face of the installed font, so a character
typed in later falls back to the installed font of that name, not to another family.

Every subset holds ``EDITING_CHARS`` (ASCII, the Ukrainian alphabet, its typographic
punctuation) besides the page's own characters: a retyped word still has its letters,
and one subset per font serves every page of a build (subsetting is the slow part).
The subsets keep the ``kern`` feature (layout kerned with HarfBuzz; a browser then
kerns the same way) and nothing else: no ligatures, no contextual forms.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

from fontTools.ttLib import TTFont

from ..errors import RenderError


EDITING_CHARS = "".join(sorted(
    {chr(c) for c in range(0x20, 0x7F)}
    | set("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯабвгґдеєжзиіїйклмнопрстуфхцчшщьюя")
    | set("\u2019\u02bc«»„“”–—‑…№₴€·×°\u00a0\u202f\u2009")))


@dataclass(frozen=True)
class FontFace:
    """What a font file says it is: enough to find it installed, or to register it."""

    family: str  # "Noto Sans" (typographic family, name ID 16, else ID 1)
    weight: int  # 100..900 (OS/2 usWeightClass)
    italic: bool
    full_name: str  # "Noto Sans Bold" (name ID 4)
    postscript: str  # "NotoSans-Bold" (name ID 6)

    @property
    def style(self) -> str:
        return "italic" if self.italic else "normal"

    def attributes(self) -> dict[str, str]:
        """SVG presentation attributes selecting this face (``font-style`` only when italic)."""
        out = {"font-family": css_family(self.family), "font-weight": str(self.weight)}
        if self.italic:
            out["font-style"] = "italic"
        return out


def css_family(name: str) -> str:
    """``name`` as a CSS family name: as it is when it is plain words, else quoted."""
    words = name.split(" ")
    if name and all(w and w.replace("-", "").replace("_", "").isalnum() and not w[0].isdigit()
                    for w in words):
        return name
    return css_string(name)


def css_string(s: str) -> str:
    """``s`` as a single-quoted CSS string."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


@lru_cache(maxsize=32)
def font_face(path: str) -> FontFace:
    """The family, weight and style ``path`` declares in its ``name`` and ``OS/2`` tables."""
    try:
        tt = TTFont(io.BytesIO(Path(path).read_bytes()), lazy=True)
        name = tt["name"]
        family = name.getDebugName(16) or name.getDebugName(1) or Path(path).stem
        os2 = tt["OS/2"] if "OS/2" in tt else None
        weight = int(os2.usWeightClass) if os2 is not None else 400
        italic = bool(os2.fsSelection & 1) if os2 is not None else bool(tt["head"].macStyle & 2)
        full = name.getDebugName(4) or family
        ps = name.getDebugName(6) or full.replace(" ", "")
    except Exception as exc:  # fontTools raises many kinds
        raise RenderError(f"cannot read font {path}: {exc}") from exc
    weight = min(900, max(100, round(weight / 100) * 100))  # CSS weights: 100..900
    return FontFace(family.strip(), weight, italic, full.strip(), ps.strip())


@lru_cache(maxsize=32)
def font_cmap(path: str) -> frozenset[int]:
    """The code points ``path`` has glyphs for."""
    try:
        return frozenset(TTFont(io.BytesIO(Path(path).read_bytes()), lazy=True).getBestCmap())
    except Exception as exc:  # fontTools raises many kinds
        raise RenderError(f"cannot read font {path}: {exc}") from exc


def flavor() -> tuple[str | None, str, str]:
    """(fontTools flavor, CSS format, MIME type) of the best web font format available."""
    if find_spec("brotli") or find_spec("brotlicffi"):
        return "woff2", "woff2", "font/woff2"
    if find_spec("zlib"):
        return "woff", "woff", "font/woff"
    return None, "truetype", "font/ttf"  # pragma: no cover - zlib is nearly always built in


class SubsetStore(Protocol):
    """Where subsets are kept between processes and builds (the build cache)."""

    def get(self, font: bytes, chars: str, flavor: str | None) -> bytes | None: ...

    def put(self, font: bytes, chars: str, flavor: str | None, data: bytes) -> None: ...


class _State:
    store: SubsetStore | None = None


def use_store(store: SubsetStore | None) -> None:
    """Keep subsets in ``store`` (``None``: this process's memory only). A worker's first
    subset costs 0.3 s (fontTools' subsetter imported and warmed up); an edit's SVG
    usually needs the subsets an earlier build made."""
    _State.store = store
    font_subset.cache_clear()


@lru_cache(maxsize=32)
def font_subset(path: str, chars: str, flavor: str | None) -> bytes:
    """``path`` reduced to the glyphs of ``chars`` (cmap = those characters only).

    Only the ``kern`` feature is kept (GPOS): a browser kerns the line as layout did;
    ligatures and contextual forms are dropped, as layout never uses them. Hinting
    is dropped; timestamps are kept, so the bytes are reproducible.
    """
    try:
        font = Path(path).read_bytes()
    except OSError as exc:
        raise RenderError(f"cannot read font {path}: {exc}") from exc
    store = _State.store
    data = store.get(font, chars, flavor) if store is not None else None
    if data is None:
        data = _subset(font, path, chars, flavor)
        if store is not None:
            store.put(font, chars, flavor, data)
    return data


def _subset(font_bytes: bytes, path: str, chars: str, flavor: str | None) -> bytes:
    from fontTools import subset  # (0.08 s to import: only where a subset is made)

    opts = subset.Options()
    opts.layout_features = ["kern"]
    opts.drop_tables += ["GSUB", "BASE", "JSTF", "MATH"]
    opts.hinting = False
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.flavor = flavor
    try:
        font = subset.load_font(io.BytesIO(font_bytes), opts)
    except Exception as exc:  # fontTools raises many kinds
        raise RenderError(f"cannot read font {path}: {exc}") from exc
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    return buf.getvalue()


def unicode_range(chars: str) -> str:
    """CSS ``unicode-range`` of ``chars``: sorted, consecutive code points joined."""
    cps = sorted({ord(c) for c in chars})
    out: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(f"U+{cps[i]:X}" if i == j else f"U+{cps[i]:X}-{cps[j]:X}")
        i = j + 1
    return ",".join(out)


def font_face_rules(used: dict[str, str]) -> list[str]:
    """``@font-face`` rules for ``{font file: characters}``, in file order.

    Per file: a ``local()`` face of the installed font (for any character), then the
    embedded subset (``EDITING_CHARS`` and the file's characters) limited to what it
    holds by ``unicode-range`` (checked first: the later rule wins).
    """
    fl, css_format, mime = flavor()
    rules = []
    for path in sorted(used):
        held = font_cmap(path)
        chars = "".join(sorted(c for c in set(used[path]) | set(EDITING_CHARS) if ord(c) in held))
        face = font_face(path)
        desc = (f"font-family:{css_family(face.family)};font-weight:{face.weight};"
                f"font-style:{face.style};")
        rules.append(f"@font-face{{{desc}src:local({css_string(face.full_name)}),"
                     f"local({css_string(face.postscript)});}}")
        data = font_subset(path, chars, fl)
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        rules.append(f"@font-face{{{desc}src:url({uri}) format('{css_format}');"
                     f"unicode-range:{unicode_range(chars)};}}")
    return rules
