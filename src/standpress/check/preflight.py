"""The preflight: read finished PDFs back with independent readers and judge them.

Readers: pikepdf (qpdf) for structure, boxes, fonts, colour spaces and image
placement; pypdfium2 (PDFium) for text extraction and the gray render the QR
codes are decoded from (zxing-cpp); Ghostscript for the CMYK render the ink
coverage is measured on. None of them is the library that wrote the file.

Each check is a function ``(ctx) -> list[Finding]``; :func:`check_pdf` runs
them all and turns a crash of one check into an error finding
("check could not run: …") so the others still report.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pikepdf
from pikepdf import Name

from .report import FileReport, Finding

__all__ = ["check_paths", "check_pdf", "normalise_text", "MANIFEST"]

MANIFEST = "stands.json"
MM = 72 / 25.4  # points per millimetre
BOX_TOL_MM = 0.1
NEST_TOL_PT = 0.01
DEFAULT_INK_LIMIT = 300.0
INK_TOLERANCE = 1.0  # % above the limit before it is an error (rounding of 8-bit values)
DEFAULT_WARN_PPI = 100.0
DEFAULT_MIN_PPI = 70.0
MAX_PDF_VERSION = (1, 6)
INK_PIXELS = 2.0e6  # target size of the CMYK render (per page)
INK_DPI = (5.0, 50.0)
GS_MAX_BITMAP = 64_000_000  # bytes of page bitmap below which Ghostscript does not band
QR_PIXELS = 6.0e6  # target size of the first gray render
QR_DPI = (20.0, 150.0)
QR_MAX_PIXELS = 60.0e6  # cap of one render level (all tiles together)
QR_TILE = 4000  # px side of a tile at the finer levels
QR_OVERLAP = 1200  # px overlap of neighbouring tiles
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_WS = re.compile(r"[\s\u00a0\u202f\u2007\u2060\ufeff]+")
_HYPHEN_BREAK = re.compile(r"[-\u2010\u00ad\x02][ \t]*(?:\r\n|\r|\n)[ \t\u00a0]*")


# --------------------------------------------------------------------------
# expectations


@dataclass(frozen=True)
class PageExpect:
    """What one page must be (one panel entry of ``stands.json``)."""

    trim: tuple[float, float] | None = None  # mm, width × height
    bleed: float | None = None  # mm
    ink_limit: float = DEFAULT_INK_LIMIT
    warn_ppi: float = DEFAULT_WARN_PPI
    min_ppi: float = DEFAULT_MIN_PPI
    qr: tuple[str, ...] | None = None  # None: nothing expected, report what decodes
    texts: tuple[str, ...] = ()
    label: str = ""  # e.g. "cover 1A", for messages

    @classmethod
    def from_entry(cls, entry: dict | None) -> PageExpect:
        if not entry:
            return cls()
        trim = entry.get("trim")
        qr = entry.get("qr")
        label = " ".join(str(entry[k]) for k in ("kind", "unit", "side") if entry.get(k) is not None)
        return cls(
            trim=(float(trim[0]), float(trim[1])) if trim else None,
            bleed=float(entry["bleed"]) if entry.get("bleed") is not None else None,
            ink_limit=float(entry.get("ink_limit") or DEFAULT_INK_LIMIT),
            warn_ppi=float(entry.get("warn_ppi") or DEFAULT_WARN_PPI),
            min_ppi=float(entry.get("min_ppi") or DEFAULT_MIN_PPI),
            qr=tuple(str(u) for u in qr) if qr is not None else None,
            texts=tuple(str(t) for t in entry.get("texts") or ()),
            label=label,
        )


def _page_expectations(expect: dict | None) -> tuple[list[PageExpect] | None, PageExpect]:
    """(one expectation per page, or None) and the expectation for any page."""
    if expect is None:
        return None, PageExpect()
    if "pages" in expect:
        pages = [PageExpect.from_entry(e) for e in expect["pages"]]
        return pages, PageExpect()
    return None, PageExpect.from_entry(expect)


# --------------------------------------------------------------------------
# geometry helpers

Box = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _box(value) -> Box:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _inside(inner: Box, outer: Box, tol: float = NEST_TOL_PT) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m × n: apply m, then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _fmt_mm(v: float) -> str:
    return f"{v:.1f}"


def _fmt_box_mm(b: Box, uu: float) -> str:
    k = uu / MM
    return f"{_fmt_mm((b[2] - b[0]) * k)}×{_fmt_mm((b[3] - b[1]) * k)} mm"


def _user_unit(page: pikepdf.Page) -> float:
    try:
        uu = float(page.obj.get(Name.UserUnit, 1.0))
    except (TypeError, ValueError):
        return 1.0
    return uu if uu > 0 else 1.0


def _inherited(obj: pikepdf.Dictionary, key: Name):
    node, depth = obj, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node, depth = node.get(Name.Parent), depth + 1
    return None


def _key(obj) -> tuple:
    if obj.is_indirect:
        return ("ref", *obj.objgen)
    return ("direct", id(obj), bytes(obj.unparse())[:200])


def _limit_list(items: list[str], n: int = 8) -> str:
    if len(items) <= n:
        return ", ".join(items)
    return ", ".join(items[:n]) + f", … ({len(items) - n} more)"


# --------------------------------------------------------------------------
# colour spaces


def describe_colour_space(cs, resources=None, depth: int = 0) -> tuple[str, bool]:
    """A short name for a colour space and whether it is (uncalibrated) DeviceRGB.

    DeviceRGB remapped by an ICC-based ``/DefaultRGB`` in ``resources`` counts
    as ICC-based; an alternate or base space of DeviceRGB counts as RGB.
    """
    if depth > 8 or cs is None:
        return ("?", False)
    if isinstance(cs, pikepdf.Name):
        name = str(cs)[1:]
        name = {"RGB": "DeviceRGB", "CMYK": "DeviceCMYK", "G": "DeviceGray",
                "I": "Indexed"}.get(name, name)
        if name == "DeviceRGB":
            default = _named_space(resources, Name.DefaultRGB)
            if default is not None:
                inner, rgb = describe_colour_space(default, None, depth + 1)
                if not rgb:
                    return (f"DeviceRGB→DefaultRGB {inner}", False)
            return ("DeviceRGB", True)
        if name in ("DeviceCMYK", "DeviceGray", "Pattern"):
            return (name, False)
        named = _named_space(resources, cs)
        if named is not None:
            return describe_colour_space(named, resources, depth + 1)
        return (name, False)
    if isinstance(cs, pikepdf.Array) and len(cs) > 0:
        family = str(cs[0])[1:]
        if family == "ICCBased":
            try:
                n = int(cs[1].get(Name.N, 0))
            except Exception:  # noqa: BLE001 - malformed profile dictionary
                n = 0
            return (f"ICCBased({n})", False)
        if family in ("Indexed", "I") and len(cs) > 1:
            inner, rgb = describe_colour_space(cs[1], resources, depth + 1)
            return (f"Indexed({inner})", rgb)
        if family == "Separation" and len(cs) > 2:
            inner, rgb = describe_colour_space(cs[2], resources, depth + 1)
            return (f"Separation({str(cs[1])[1:]}, alt {inner})", rgb)
        if family == "DeviceN" and len(cs) > 2:
            inner, rgb = describe_colour_space(cs[2], resources, depth + 1)
            names = ",".join(str(n)[1:] for n in cs[1])
            return (f"DeviceN({names}, alt {inner})", rgb)
        if family == "Pattern":
            if len(cs) > 1:
                inner, rgb = describe_colour_space(cs[1], resources, depth + 1)
                return (f"Pattern({inner})", rgb)
            return ("Pattern", False)
        if family in ("DeviceRGB", "DeviceCMYK", "DeviceGray", "RGB", "CMYK", "G"):
            return describe_colour_space(cs[0], resources, depth + 1)
        return (family, False)  # CalRGB, CalGray, Lab
    return ("?", False)


def _named_space(resources, name):
    if resources is None:
        return None
    spaces = resources.get(Name.ColorSpace)
    if not isinstance(spaces, pikepdf.Dictionary):
        return None
    return spaces.get(name)


# --------------------------------------------------------------------------
# one walk over every content stream: fonts, colours and image placements


@dataclass
class Placement:
    page: int
    name: str
    width: int  # pixels
    height: int
    space: str
    bits: int | None
    mask: bool  # stencil mask (/ImageMask): drawn in the fill colour
    w_in: float  # placed size, inches (UserUnit applied)
    h_in: float
    ref: tuple[int, int] | None = None  # the image stream's (object, generation); None inline

    @property
    def ppi(self) -> float:
        px = self.width / self.w_in if self.w_in > 0 else math.inf
        py = self.height / self.h_in if self.h_in > 0 else math.inf
        return min(px, py)


@dataclass
class ColourUse:
    page: int
    space: str
    rgb: bool
    source: str


@dataclass
class FontUse:
    page: int
    resource: str
    font: pikepdf.Dictionary


@dataclass
class WalkResult:
    placements: list[Placement] = field(default_factory=list)
    colours: list[ColourUse] = field(default_factory=list)
    fonts: dict[tuple, FontUse] = field(default_factory=dict)


class _Walker:
    """Follows the graphics state through pages, forms, patterns and appearances."""

    MAX_DEPTH = 24
    MAX_STREAMS = 20000

    def __init__(self) -> None:
        self.out = WalkResult()
        self._seen_resources: set[tuple] = set()
        self._streams = 0

    def page(self, number: int, page: pikepdf.Page) -> None:
        uu = _user_unit(page)
        resources = _inherited(page.obj, Name.Resources)
        group = page.obj.get(Name.Group)
        if isinstance(group, pikepdf.Dictionary) and Name.CS in group:
            self._use(number, group.CS, resources, "page transparency group")
        self._content(page, resources, IDENTITY, number, uu, "page", (), True)
        for annot in page.obj.get(Name.Annots, pikepdf.Array()):
            ap = annot.get(Name.AP) if isinstance(annot, pikepdf.Dictionary) else None
            if not isinstance(ap, pikepdf.Dictionary):
                continue
            for key in (Name.N, Name.R, Name.D):
                entry = ap.get(key)
                streams = [entry] if isinstance(entry, pikepdf.Stream) else (
                    [v for v in entry.values() if isinstance(v, pikepdf.Stream)]
                    if isinstance(entry, pikepdf.Dictionary) else [])
                for s in streams:
                    self._form(s, resources, IDENTITY, number, uu, "annotation appearance", (), False)

    # resources ---------------------------------------------------------------

    def _resources(self, number: int, resources, where: str, chain: tuple) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        k = (_key(resources), number)
        if k in self._seen_resources:
            return
        self._seen_resources.add(k)
        fonts = resources.get(Name.Font)
        if isinstance(fonts, pikepdf.Dictionary):
            for name, font in fonts.items():
                if isinstance(font, pikepdf.Dictionary):
                    fk = _key(font)
                    if fk not in self.out.fonts:
                        self.out.fonts[fk] = FontUse(number, f"{name} in {where}", font)
                    self._type3(number, font, resources, chain)
        spaces = resources.get(Name.ColorSpace)
        if isinstance(spaces, pikepdf.Dictionary):
            for name, cs in spaces.items():
                if name in ("/DefaultRGB", "/DefaultCMYK", "/DefaultGray"):
                    label, rgb = describe_colour_space(cs, None)
                else:
                    label, rgb = describe_colour_space(cs, resources)
                self._add(number, label, rgb, f"colour space resource {name} in {where}")
        shadings = resources.get(Name.Shading)
        if isinstance(shadings, pikepdf.Dictionary):
            for name, sh in shadings.items():
                if isinstance(sh, pikepdf.Dictionary):
                    self._use(number, sh.get(Name.ColorSpace), resources, f"shading {name} in {where}")
        patterns = resources.get(Name.Pattern)
        if isinstance(patterns, pikepdf.Dictionary):
            for name, pat in patterns.items():
                if not isinstance(pat, pikepdf.Dictionary):
                    continue
                if int(pat.get(Name.PatternType, 0)) == 2:
                    sh = pat.get(Name.Shading)
                    if isinstance(sh, pikepdf.Dictionary):
                        self._use(number, sh.get(Name.ColorSpace), resources,
                                  f"shading pattern {name} in {where}")
                elif isinstance(pat, pikepdf.Stream):
                    self._form(pat, resources, IDENTITY, number, 1.0,
                               f"tiling pattern {name}", chain, False)
        states = resources.get(Name.ExtGState)
        if isinstance(states, pikepdf.Dictionary):
            for name, gs in states.items():
                smask = gs.get(Name.SMask) if isinstance(gs, pikepdf.Dictionary) else None
                if isinstance(smask, pikepdf.Dictionary) and isinstance(smask.get(Name.G), pikepdf.Stream):
                    self._form(smask.G, resources, IDENTITY, number, 1.0,
                               f"soft mask of {name}", chain, False)

    def _type3(self, number: int, font, resources, chain: tuple) -> None:
        if font.get(Name.Subtype) != Name.Type3:
            return
        procs = font.get(Name.CharProcs)
        res = font.get(Name.Resources, resources)
        if isinstance(procs, pikepdf.Dictionary):
            for s in procs.values():
                if isinstance(s, pikepdf.Stream):
                    self._content(s, res, IDENTITY, number, 1.0, "Type3 glyph", chain, False)

    # content -----------------------------------------------------------------

    def _form(self, form, parent_resources, ctm: Matrix, number: int, uu: float, where: str,
              chain: tuple, place: bool) -> None:
        k = _key(form)
        if k in chain or len(chain) >= self.MAX_DEPTH:
            return
        matrix = form.get(Name.Matrix)
        if matrix is not None and len(matrix) == 6:
            ctm = _mul(tuple(float(v) for v in matrix), ctm)  # type: ignore[arg-type]
        group = form.get(Name.Group)
        if isinstance(group, pikepdf.Dictionary) and Name.CS in group:
            self._use(number, group.CS, parent_resources, f"transparency group of {where}")
        resources = form.get(Name.Resources, parent_resources)
        self._content(form, resources, ctm, number, uu, where, (*chain, k), place)

    def _content(self, holder, resources, ctm: Matrix, number: int, uu: float, where: str,
                 chain: tuple, place: bool) -> None:
        self._streams += 1
        if self._streams > self.MAX_STREAMS:
            raise RuntimeError("too many nested content streams")
        self._resources(number, resources, where, chain)
        xobjects = resources.get(Name.XObject) if isinstance(resources, pikepdf.Dictionary) else None
        stack: list[Matrix] = []
        seen_ops: set[str] = set()
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                if stack:
                    ctm = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = _mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op in ("rg", "RG", "k", "K", "g", "G"):
                if op not in seen_ops:
                    seen_ops.add(op)
                    space = {"rg": Name.DeviceRGB, "RG": Name.DeviceRGB, "k": Name.DeviceCMYK,
                             "K": Name.DeviceCMYK, "g": Name.DeviceGray, "G": Name.DeviceGray}[op]
                    self._use(number, space, resources, f"'{op}' operator in {where} content")
            elif op in ("cs", "CS") and operands:
                key = f"{op} {operands[0]}"
                if key not in seen_ops:
                    seen_ops.add(key)
                    self._use(number, operands[0], resources,
                              f"'{operands[0]} {op}' in {where} content")
            elif op == "Do" and operands and isinstance(xobjects, pikepdf.Dictionary):
                name = str(operands[0])
                xo = xobjects.get(operands[0])
                if not isinstance(xo, pikepdf.Stream):
                    continue
                subtype = xo.get(Name.Subtype)
                if subtype == Name.Image:
                    self._image(number, name, xo, xo, resources, ctm, uu, where, place)
                elif subtype == Name.Form:
                    self._form(xo, resources, ctm, number, uu, f"form {name}", chain, place)
            elif op == "INLINE IMAGE" and operands:
                inline = operands[0]
                self._image(number, "inline image", inline.obj, None, resources, ctm, uu, where,
                            place, inline=inline)

    def _image(self, number: int, name: str, d, stream, resources, ctm: Matrix, uu: float,
               where: str, place: bool, inline=None) -> None:
        mask = bool(d.get(Name.ImageMask, False)) or bool(d.get(Name.IM, False))
        cs = d.get(Name.ColorSpace, d.get(Name.CS))
        filters = d.get(Name.Filter, d.get(Name.F))
        is_jpx = False
        if filters is not None:
            names = [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters])]
            is_jpx = "/JPXDecode" in names
        if mask:
            space, rgb = "ImageMask", False
        elif cs is None:
            space, rgb = ("JPX embedded" if is_jpx else "?"), False
        else:
            space, rgb = describe_colour_space(cs, resources)
        label = f"image {name}" + ("" if where == "page" else f" in {where}")
        self._add(number, space, rgb, label)
        smask = d.get(Name.SMask) if stream is not None else None
        if isinstance(smask, pikepdf.Stream):
            s_space, s_rgb = describe_colour_space(smask.get(Name.ColorSpace), resources)
            self._add(number, s_space, s_rgb, f"soft mask of {label}")
        if not place:
            return
        if inline is not None:
            width, height = int(inline.width), int(inline.height)
            bits = None if mask else int(inline.bits_per_component)
        else:
            width, height = int(d.get(Name.Width, 0)), int(d.get(Name.Height, 0))
            bits = None if mask else int(d.get(Name.BitsPerComponent, 0)) or None
        a, b, c, dd, _, _ = ctm
        w_in = math.hypot(a, b) * uu / 72
        h_in = math.hypot(c, dd) * uu / 72
        ref = stream.objgen if stream is not None and stream.objgen != (0, 0) else None
        self.out.placements.append(Placement(number, label, width, height, space, bits, mask,
                                             w_in, h_in, ref))

    def _use(self, number: int, cs, resources, source: str) -> None:
        if cs is None:
            return
        label, rgb = describe_colour_space(cs, resources)
        self._add(number, label, rgb, source)

    def _add(self, number: int, space: str, rgb: bool, source: str) -> None:
        self.out.colours.append(ColourUse(number, space, rgb, source))


# --------------------------------------------------------------------------
# text


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


# --------------------------------------------------------------------------
# the context one file is checked in


class _Context:
    def __init__(self, path: Path, expect: dict | None, render_dpi: float | None,
                 lighter=None):
        self.path = path
        self.render_dpi = render_dpi
        self._lighter = lighter
        self.page_expects, self.default_expect = _page_expectations(expect)
        self.pdf: pikepdf.Pdf | None = None
        self._pages: list[pikepdf.Page] | None = None
        self._pdfium = None
        self._pdfium_render = None
        self._walk: WalkResult | None = None
        self._walk_error: Exception | None = None
        self.ink_job: _InkJob | None = None
        self.twins: dict[int, str] = {}  # page → the file whose identical page is checked

    def rendered_pages(self) -> list[int]:
        """The pages the ink, QR and text checks look at: all but the twins."""
        return [n for n in range(1, len(self.pages) + 1) if n not in self.twins]

    # readers
    @property
    def pages(self) -> list[pikepdf.Page]:
        if self._pages is None:
            assert self.pdf is not None
            self._pages = list(self.pdf.pages)
        return self._pages

    def expect(self, number: int) -> PageExpect:
        if self.page_expects is not None and 1 <= number <= len(self.page_expects):
            return self.page_expects[number - 1]
        return self.default_expect

    def pdfium(self):
        """The file as PDFium reads it (text)."""
        if self._pdfium is None:
            import pypdfium2 as pdfium  # noqa: PLC0415 - heavy, loaded on demand

            self._pdfium = pdfium.PdfDocument(str(self.path))
        return self._pdfium

    @property
    def lighter(self):
        """The lighter copy every render of this file is made from (``lighten.py``)."""
        if self._lighter is None:
            from .lighten import Lighter  # noqa: PLC0415 - lighten imports this module

            self._lighter = Lighter(self.path)
        return self._lighter

    def light_path(self, folder: Path) -> Path:
        """The lighter copy as a file in ``folder`` (the file itself when nothing is lighter)."""
        data = self.lighter.data()
        if data is None:
            return self.path
        light = folder / "light.pdf"
        light.write_bytes(data)
        return light

    def pdfium_for_render(self):
        """The file for the QR render: the photos decoded at a reduced scale.

        Decoding big photos dominates PDFium's render time (a 24 Mpx CMYK JPEG
        takes over a second); libjpeg's DCT scaling gives the same picture at
        1/8 of the size in a tenth of the time. QR codes do not need the photos'
        detail: the copy is the one the ink render (and the previews) asked for,
        or at 1/8 when nothing else did. Everything else is untouched.
        """
        if self._pdfium_render is None:
            import pypdfium2 as pdfium  # noqa: PLC0415

            for number in self.rendered_pages():
                self.lighter.need(number, 0.0)
            data = self.lighter.data()
            if data is None:
                self._pdfium_render = self.pdfium()
            else:
                self._pdfium_render = pdfium.PdfDocument(data)
        return self._pdfium_render

    def walk(self) -> WalkResult:
        if self._walk_error is not None:
            raise self._walk_error
        if self._walk is None:
            walker = _Walker()
            try:
                for number, page in enumerate(self.pages, 1):
                    walker.page(number, page)
            except Exception as exc:
                self._walk_error = exc
                raise
            self._walk = walker.out
        return self._walk

    def close(self) -> None:
        if self._pdfium_render is not None and self._pdfium_render is not self._pdfium:
            self._pdfium_render.close()
        self._pdfium_render = None
        if self._pdfium is not None:
            self._pdfium.close()
            self._pdfium = None
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None
        if self.ink_job is not None:
            self.ink_job.cleanup()


# --------------------------------------------------------------------------
# checks


def check_file(ctx: _Context) -> list[Finding]:
    """The file opens and has the expected number of pages."""
    out: list[Finding] = []
    n = len(ctx.pdf.pages)
    if n == 0:
        return [Finding("file", "error", "the file has no pages")]
    if ctx.page_expects is not None and n != len(ctx.page_expects):
        out.append(Finding("file", "error",
                           f"{n} page{'s' if n != 1 else ''}, stands.json lists {len(ctx.page_expects)}"))
    if not out:
        out.append(Finding("file", "ok", f"{n} page{'s' if n != 1 else ''}, PDF {ctx.pdf.pdf_version}"))
    return out


def check_boxes(ctx: _Context) -> list[Finding]:
    """TrimBox and BleedBox present, sized as expected, nested in the MediaBox; no ArtBox."""
    out: list[Finding] = []
    for number, page in enumerate(ctx.pages, 1):
        exp = ctx.expect(number)
        uu = _user_unit(page)
        k = uu / MM  # points → mm
        media = _box(page.mediabox)
        trim_v, bleed_v = page.obj.get(Name.TrimBox), page.obj.get(Name.BleedBox)
        art_v, crop_v = page.obj.get(Name.ArtBox), page.obj.get(Name.CropBox)
        problems: list[tuple[str, str]] = []
        if trim_v is None:
            problems.append(("error", "no TrimBox"))
        trim = _box(trim_v) if trim_v is not None else None
        if trim is not None and art_v is not None:
            problems.append(("error", "ArtBox together with TrimBox (PDF/X allows one of them; "
                                      "remove the ArtBox)"))
        bleed = _box(bleed_v) if bleed_v is not None else None
        if bleed is None:
            if exp.bleed:
                problems.append(("error", f"no BleedBox (expected {exp.bleed:g} mm bleed)"))
            else:
                problems.append(("warning", "no BleedBox (it defaults to the CropBox/MediaBox)"))
        if trim is not None:
            rotate = int(page.obj.get(Name.Rotate, 0) or 0) % 360
            w, h = (trim[2] - trim[0]) * k, (trim[3] - trim[1]) * k
            if rotate in (90, 270):
                w, h = h, w
            if exp.trim is not None and (abs(w - exp.trim[0]) > BOX_TOL_MM
                                         or abs(h - exp.trim[1]) > BOX_TOL_MM):
                problems.append(("error", f"TrimBox is {_fmt_mm(w)}×{_fmt_mm(h)} mm, "
                                          f"expected {exp.trim[0]:g}×{exp.trim[1]:g} mm"))
            if bleed is not None:
                sides = [(trim[0] - bleed[0]) * k, (trim[1] - bleed[1]) * k,
                         (bleed[2] - trim[2]) * k, (bleed[3] - trim[3]) * k]
                if not _inside(trim, bleed):
                    problems.append(("error", "TrimBox is not inside the BleedBox"))
                elif exp.bleed is not None and any(abs(s - exp.bleed) > BOX_TOL_MM for s in sides):
                    got = "/".join(_fmt_mm(s) for s in sides)
                    problems.append(("error", f"bleed is {got} mm (left/bottom/right/top), "
                                              f"expected {exp.bleed:g} mm on every side"))
            if not _inside(trim, media):
                problems.append(("error", "TrimBox is not inside the MediaBox"))
        if bleed is not None and not _inside(bleed, media):
            problems.append(("error", "BleedBox is not inside the MediaBox"))
        if crop_v is not None and bleed is not None and not _inside(bleed, _box(crop_v)):
            problems.append(("warning", "CropBox cuts into the BleedBox"))
        for severity, text in problems:
            out.append(Finding("boxes", severity, text, number))
        if not any(s == "error" for s, _ in problems) and trim is not None:
            bleed_mm = ""
            if bleed is not None:
                bleed_mm = f", bleed {_fmt_mm(min((trim[0] - bleed[0]), (trim[1] - bleed[1]), (bleed[2] - trim[2]), (bleed[3] - trim[3])) * k)} mm"
            unit = f", UserUnit {uu:g}" if uu != 1.0 else ""
            out.append(Finding("boxes", "ok", f"trim {_fmt_box_mm(trim, uu)}{bleed_mm}, "
                                              f"media {_fmt_box_mm(media, uu)}{unit}", number))
    return out


def _parse_pdf_date(text: str) -> datetime | None:
    m = re.match(r"^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?$",
                 text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    when = datetime(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(s or 0))
    offset = timedelta(0)
    if sign in ("+", "-"):
        offset = timedelta(hours=int(oh or 0), minutes=int(om or 0)) * (1 if sign == "+" else -1)
    return when.replace(tzinfo=timezone(offset))


def _parse_xmp_date(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


_XMP = {
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def _xmp_get(meta, qname: str):
    prefix, local = qname.split(":")
    try:
        return meta.get("{" + _XMP[prefix] + "}" + local)
    except Exception:  # noqa: BLE001 - pikepdf raises on odd values
        return None


def check_pdfx(ctx: _Context) -> list[Finding]:
    """PDF/X-4 keys: version, output intent, XMP, Info, trailer ID; no encryption or actions."""
    pdf = ctx.pdf
    errors: list[str] = []
    warnings: list[str] = []
    # version
    version = str(pdf.pdf_version)
    root_version = pdf.Root.get(Name.Version)
    effective = max((tuple(int(x) for x in v.split(".")[:2])
                     for v in [version] + ([str(root_version)[1:]] if root_version is not None else [])
                     if re.match(r"^\d+\.\d+", v)), default=(0, 0))
    if effective > MAX_PDF_VERSION:
        errors.append(f"PDF version {effective[0]}.{effective[1]} (PDF/X-4 allows at most 1.6)")
    # output intent
    intents = pdf.Root.get(Name.OutputIntents)
    condition = None
    if not isinstance(intents, pikepdf.Array) or len(intents) == 0:
        errors.append("no /OutputIntents (PDF/X needs a GTS_PDFX output intent with the "
                      "CMYK output profile)")
    else:
        gts = [oi for oi in intents if isinstance(oi, pikepdf.Dictionary) and oi.get(Name.S) == Name.GTS_PDFX]
        if len(gts) != 1:
            errors.append(f"{len(gts)} /GTS_PDFX output intents (exactly one needed)")
        if gts:
            oi = gts[0]
            condition = str(oi.get(Name.OutputConditionIdentifier, "")) or None
            if condition is None:
                errors.append("output intent has no OutputConditionIdentifier")
            if Name.RegistryName not in oi:
                warnings.append("output intent has no RegistryName")
            prof = oi.get(Name.DestOutputProfile)
            if not isinstance(prof, pikepdf.Stream):
                errors.append("output intent has no embedded DestOutputProfile")
            else:
                n = int(prof.get(Name.N, 0))
                head = prof.read_bytes()[:40]
                cls, space = head[12:16], head[16:20]
                if n != 4:
                    errors.append(f"DestOutputProfile has /N {n} (CMYK needs 4)")
                if cls != b"prtr" or space != b"CMYK" or head[36:40] != b"acsp":
                    errors.append(f"DestOutputProfile is class {cls.decode('latin-1')!r}, "
                                  f"space {space.decode('latin-1')!r} (needs 'prtr' 'CMYK')")
    # XMP
    xmp_title = None
    xmp_dates: dict[str, datetime | None] = {}
    if not isinstance(pdf.Root.get(Name.Metadata), pikepdf.Stream):
        errors.append("no XMP metadata stream on the catalog")
    else:
        try:
            meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
            with meta:  # pikepdf parses on entry; nothing is written without changes
                values = {q: _xmp_get(meta, q) for q in (
                    "pdfxid:GTS_PDFXVersion", "xmp:CreateDate", "xmp:ModifyDate",
                    "xmp:MetadataDate", "xmpMM:DocumentID", "xmpMM:VersionID",
                    "xmpMM:InstanceID", "xmpMM:RenditionClass", "dc:title")}
        except Exception as exc:  # noqa: BLE001 - any XML or pikepdf error
            errors.append(f"XMP metadata cannot be parsed: {exc}")
            values = None
        if values is not None:
            if values["pdfxid:GTS_PDFXVersion"] != "PDF/X-4":
                errors.append(f"XMP pdfxid:GTS_PDFXVersion is {values['pdfxid:GTS_PDFXVersion']!r}, "
                              "expected 'PDF/X-4'")
            for q in ("xmp:CreateDate", "xmp:ModifyDate", "xmpMM:DocumentID",
                      "xmpMM:RenditionClass", "dc:title"):
                if not values[q]:
                    errors.append(f"XMP lacks {q}")
            if not values["xmpMM:VersionID"] and not values["xmpMM:InstanceID"]:
                errors.append("XMP lacks xmpMM:VersionID and xmpMM:InstanceID")
            if not values["xmp:MetadataDate"]:
                warnings.append("XMP lacks xmp:MetadataDate")
            for q in ("xmp:CreateDate", "xmp:ModifyDate"):
                if values[q]:
                    xmp_dates[q] = _parse_xmp_date(str(values[q]))
                    if xmp_dates[q] is None:
                        errors.append(f"XMP {q} {values[q]!r} is not a date")
            xmp_title = str(values["dc:title"]) if values["dc:title"] else None
    # Info
    info = pdf.trailer.get(Name.Info)
    if not isinstance(info, pikepdf.Dictionary):
        errors.append("no Info dictionary")
    else:
        if Name.GTS_PDFXVersion not in info:
            errors.append("Info has no /GTS_PDFXVersion (PDF/X-4)")
        elif str(info.GTS_PDFXVersion) != "PDF/X-4":
            errors.append(f"Info /GTS_PDFXVersion is {str(info.GTS_PDFXVersion)!r}, expected 'PDF/X-4'")
        trapped = info.get(Name.Trapped)
        if trapped not in (Name("/False"), Name("/True")):
            errors.append(f"Info /Trapped is {trapped if trapped is not None else 'missing'} "
                          "(PDF/X-4 needs /False or /True)")
        title = str(info.get(Name.Title)) if Name.Title in info else None
        if title is None:
            errors.append("Info has no /Title")
        elif xmp_title is not None and title != xmp_title:
            errors.append(f"Info /Title {title!r} differs from XMP dc:title {xmp_title!r}")
        for key, q in ((Name.CreationDate, "xmp:CreateDate"), (Name.ModDate, "xmp:ModifyDate")):
            if key in info and xmp_dates.get(q) is not None:
                when = _parse_pdf_date(str(info[key]))
                if when is None or when != xmp_dates[q]:
                    warnings.append(f"Info {key} {str(info[key])!r} differs from XMP {q}")
    # trailer, encryption, actions
    if Name.ID not in pdf.trailer:
        errors.append("no trailer /ID")
    if pdf.is_encrypted or Name.Encrypt in pdf.trailer:
        errors.append("the file is encrypted")
    errors += _actions(pdf)
    out = [Finding("pdfx", "error", e) for e in errors]
    out += [Finding("pdfx", "warning", w) for w in warnings]
    if not errors:
        out.append(Finding("pdfx", "ok", f"PDF/X-4, PDF {'.'.join(map(str, effective))}, "
                                         f"output intent {condition}"))
    return out


def _actions(pdf: pikepdf.Pdf) -> list[str]:
    found: list[str] = []
    root = pdf.Root
    for key in (Name.OpenAction, Name.AA):
        if key in root:
            found.append(f"catalog has {key}")
    names = root.get(Name.Names)
    if isinstance(names, pikepdf.Dictionary) and Name.JavaScript in names:
        found.append("catalog /Names has /JavaScript")
    for number, page in enumerate(pdf.pages, 1):
        if Name.AA in page.obj:
            found.append(f"page {number} has /AA")
        for annot in page.obj.get(Name.Annots, pikepdf.Array()):
            if isinstance(annot, pikepdf.Dictionary) and (Name.A in annot or Name.AA in annot):
                found.append(f"page {number} has an annotation with an action")
    js = sum(_count_js(obj, 0) for obj in pdf.objects
             if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array))
             and not isinstance(obj, pikepdf.Stream))
    js += _count_js(pdf.trailer, 0)
    if js:
        found.append(f"{js} JavaScript action{'s' if js != 1 else ''}")
    return found


def _count_js(obj, depth: int) -> int:
    """JavaScript actions in ``obj`` and the direct objects inside it."""
    if depth > 12:
        return 0
    n = 0
    if isinstance(obj, pikepdf.Dictionary):
        if Name.JS in obj or obj.get(Name.S) == Name.JavaScript:
            n += 1
        children = list(obj.values())
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return 0
    for child in children:
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            n += _count_js(child, depth + 1)
    return n


def _font_name(font) -> str:
    name = font.get(Name.BaseFont)
    if name is None and font.get(Name.Subtype) == Name.Type3:
        return "Type3 font"
    return str(name)[1:] if name is not None else "unnamed font"


def _font_embedded(font, depth: int = 0) -> bool:
    subtype = font.get(Name.Subtype)
    if subtype == Name.Type3:
        return True
    if subtype == Name.Type0:
        desc = font.get(Name.DescendantFonts)
        return bool(desc) and depth < 4 and all(_font_embedded(d, depth + 1) for d in desc)
    fd = font.get(Name.FontDescriptor)
    return isinstance(fd, pikepdf.Dictionary) and any(
        k in fd for k in (Name.FontFile, Name.FontFile2, Name.FontFile3))


def check_fonts(ctx: _Context) -> list[Finding]:
    """Every font in the resources (forms included): embedded, subset, with /ToUnicode."""
    uses = list(ctx.walk().fonts.values())
    if not uses:
        return [Finding("fonts", "ok", "no fonts")]
    out: list[Finding] = []
    names: list[str] = []
    for use in uses:
        font = use.font
        name = _font_name(font)
        names.append(name)
        where = f"{use.resource}"
        if not _font_embedded(font):
            out.append(Finding("fonts", "error", f"{name} is not embedded ({where})", use.page))
            continue
        if font.get(Name.Subtype) != Name.Type3 and not _SUBSET.match(name):
            out.append(Finding("fonts", "warning",
                               f"{name} is embedded whole, not as a subset ({where})", use.page))
        if Name.ToUnicode not in font:
            out.append(Finding("fonts", "error",
                               f"{name} has no /ToUnicode: its text does not extract ({where})",
                               use.page))
    if not out:
        unique = sorted(set(names))
        out.append(Finding("fonts", "ok", f"{len(unique)} font{'s' if len(unique) != 1 else ''}, "
                                          f"embedded subsets with ToUnicode: {_limit_list(unique)}"))
    return out


def check_colour(ctx: _Context) -> list[Finding]:
    """No uncalibrated DeviceRGB in images, content, resources, shadings or groups."""
    uses = ctx.walk().colours
    rgb = [u for u in uses if u.rgb]
    spaces = sorted({u.space for u in uses})
    out: list[Finding] = []
    by_page: dict[int, list[str]] = {}
    for u in rgb:
        by_page.setdefault(u.page, [])
        text = f"{u.source} ({u.space})" if u.space != "DeviceRGB" else u.source
        if text not in by_page[u.page]:
            by_page[u.page].append(text)
    for page, sources in sorted(by_page.items()):
        out.append(Finding("colour", "error",
                           f"DeviceRGB (convert to CMYK or tag with an ICC profile): "
                           f"{_limit_list(sources)}", page))
    if not rgb:
        out.append(Finding("colour", "ok", "spaces: " + (", ".join(spaces) if spaces else "none")))
    else:
        out.append(Finding("colour", "ok", "spaces found: " + ", ".join(spaces)))
    return out


def check_images(ctx: _Context) -> list[Finding]:
    """Effective resolution of every placed image against warn_ppi and min_ppi."""
    placements = ctx.walk().placements
    if not placements:
        return [Finding("images", "ok", "no images")]
    out: list[Finding] = []
    for p in placements:
        exp = ctx.expect(p.page)
        bits = f"{p.bits}-bit " if p.bits else ""
        text = (f"{p.name}: {p.width}×{p.height} px {bits}{p.space}, placed at "
                f"{_fmt_mm(p.w_in * 25.4)}×{_fmt_mm(p.h_in * 25.4)} mm → {p.ppi:.0f} ppi")
        if p.mask:
            out.append(Finding("images", "ok", text + " (stencil mask, not judged)", p.page))
        elif p.ppi < exp.min_ppi:
            out.append(Finding("images", "error", f"{text}, below the floor of {exp.min_ppi:g} ppi",
                               p.page))
        elif p.ppi < exp.warn_ppi:
            out.append(Finding("images", "warning", f"{text}, below {exp.warn_ppi:g} ppi", p.page))
        else:
            out.append(Finding("images", "ok", text, p.page))
    return out


# ink ---------------------------------------------------------------------------


def _ink_dpi(ctx: _Context) -> float:
    if ctx.render_dpi:
        return float(ctx.render_dpi)
    area = 0.0
    for page in ctx.pages:
        trim = page.obj.get(Name.TrimBox)
        b = _box(trim) if trim is not None else _box(page.mediabox)
        uu = _user_unit(page)
        area = max(area, (b[2] - b[0]) * (b[3] - b[1]) * (uu / 72) ** 2)
    if area <= 0:
        return INK_DPI[1]
    return max(INK_DPI[0], min(INK_DPI[1], math.sqrt(INK_PIXELS / area)))


class _InkJob:
    """Ghostscript renders every page to CMYK TIFF while the other checks run.

    ``source(folder)`` gives the file to render: the lighter copy (photos decoded at the
    DCT scale nearest above the render's resolution, ``lighten.py``), written into the
    job's ``folder``. Each pixel of the render then holds the mean ink of the image
    pixels under it, its coverage, rather than the one the sampling happens to hit.
    """

    def __init__(self, source: Callable[[Path], Path], dpi: float,
                 pages: list[int] | None = None):
        gs = shutil.which("gs")
        if gs is None:
            raise RuntimeError("Ghostscript (gs) is not installed")
        self.dpi = dpi
        self.dir = Path(tempfile.mkdtemp(prefix="standpress-ink-"))
        try:
            path = source(self.dir)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        self.reduction = 1  # the photos' largest reduction in what is rendered
        only = [f"-sPageList={','.join(map(str, pages))}"] if pages is not None else []
        self.cmd = [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc",
                    "-sCompression=none", "-dUseTrimBox", f"-r{dpi:.3f}",
                    # a page of the automatic render (≤ 2 Mpx, 8 MB) is drawn in one
                    # bitmap, not banded through a display list: the same pixels (compared),
                    # 0.1 s less on a page without photos, within the noise on one with
                    f"-dMaxBitmap={GS_MAX_BITMAP}",
                    "-dGraphicsAlphaBits=1", "-dTextAlphaBits=1", "-dInterpolateControl=0",
                    *only, f"-sOutputFile={self.dir / 'p%05d.tif'}", str(path)]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def pages(self, timeout: float = 600) -> list[Path]:
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise RuntimeError(f"Ghostscript took longer than {timeout:g} s") from None
        if self.proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"Ghostscript failed ({self.proc.returncode}): "
                               f"{msg[-1] if msg else 'no message'}")
        return sorted(self.dir.glob("p*.tif"))

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)


def _ink_sum(arr: np.ndarray) -> np.ndarray:
    """C+M+Y+K of each pixel of an H × W × 4 uint8 array (0‥1020), channel by channel:
    a tenth of the time of ``arr.astype(uint16).sum(axis=2)``."""
    total = arr[:, :, 0].astype(np.uint16)
    for ch in (1, 2, 3):
        total += arr[:, :, ch]
    return total


def check_ink(ctx: _Context) -> list[Finding]:
    """Maximum total area coverage inside the TrimBox (Ghostscript CMYK render)."""
    from PIL import Image  # noqa: PLC0415

    if shutil.which("gs") is None:  # an optional tool: say what was not measured
        return [Finding("ink", "warning", "total ink not measured: Ghostscript (gs) is not "
                        "installed; install the ghostscript package to measure it")]
    numbers = ctx.rendered_pages()
    if not numbers:
        return []
    job = ctx.ink_job
    if job is None:
        job = ctx.ink_job = _ink_job(ctx)
    files = job.pages()
    if len(files) != len(numbers):
        raise RuntimeError(f"Ghostscript rendered {len(files)} pages of {len(numbers)}")
    out: list[Finding] = []
    px_mm = 25.4 / job.dpi
    for number, f in zip(numbers, files):
        exp = ctx.expect(number)
        with Image.open(f) as im:
            if im.mode != "CMYK":
                raise RuntimeError(f"Ghostscript wrote a {im.mode} image, not CMYK")
            arr = np.asarray(im)
            counts = np.asarray(im.histogram(), dtype=np.float64).reshape(4, 256)
        total = _ink_sum(arr)
        peak = int(total.max())
        peak_pct = peak * 100 / 255
        means = (counts @ np.arange(256.0)) / max(1, total.size) * 100 / 255
        mean_text = "mean " + " ".join(f"{c} {m:.1f} %" for c, m in zip("CMYK", means))
        if ctx.pages[number - 1].obj.get(Name.TrimBox) is None:
            mean_text += "; no TrimBox: measured on the whole page, marks included"
        row, col = np.unravel_index(int(total.argmax()), total.shape)
        at = f"at {_fmt_mm((col + 0.5) * px_mm)}, {_fmt_mm((row + 0.5) * px_mm)} mm from the trim's top-left"
        if peak_pct > exp.ink_limit + INK_TOLERANCE:
            over = total * (100 / 255) > exp.ink_limit + INK_TOLERANCE
            rows = np.flatnonzero(over.any(axis=1))
            cols = np.flatnonzero(over.any(axis=0))
            share = over.mean() * 100
            region = (f"x {_fmt_mm(cols[0] * px_mm)}–{_fmt_mm((cols[-1] + 1) * px_mm)}, "
                      f"y {_fmt_mm(rows[0] * px_mm)}–{_fmt_mm((rows[-1] + 1) * px_mm)} mm")
            out.append(Finding("ink", "error",
                               f"total ink {peak_pct:.0f} % {at}, above the limit of "
                               f"{exp.ink_limit:g} % ({share:.2g} % of the trim over it, within "
                               f"{region}); {mean_text}", number))
        else:
            read = f", photos read at 1/{job.reduction}" if job.reduction > 1 else ""
            out.append(Finding("ink", "ok", f"max {peak_pct:.0f} % (limit {exp.ink_limit:g} %) "
                                            f"{at}; {mean_text}; {job.dpi:.0f} dpi{read}",
                               number))
    return out


# QR ------------------------------------------------------------------------------


def _qr_base_dpi(ctx: _Context, page: pikepdf.Page) -> float:
    if ctx.render_dpi:
        return float(ctx.render_dpi)
    trim = page.obj.get(Name.TrimBox)
    b = _box(trim) if trim is not None else _box(page.mediabox)
    uu = _user_unit(page)
    area = (b[2] - b[0]) * (b[3] - b[1]) * (uu / 72) ** 2
    if area <= 0:
        return QR_DPI[1]
    return max(QR_DPI[0], min(QR_DPI[1], math.sqrt(QR_PIXELS / area)))


def _render_region(pdf_page, region: Box, scale: float) -> np.ndarray:
    """Gray render of ``region`` (page units) at ``scale`` px per unit."""
    cb = _box(pdf_page.get_cropbox())
    rotation = pdf_page.get_rotation()
    if rotation:
        crop = (0, 0, 0, 0)
    else:
        crop = (max(0.0, region[0] - cb[0]), max(0.0, region[1] - cb[1]),
                max(0.0, cb[2] - region[2]), max(0.0, cb[3] - region[3]))
    bitmap = pdf_page.render(scale=scale, crop=crop, grayscale=True,
                             fill_color=(255, 255, 255, 255), may_draw_forms=False)
    arr = bitmap.to_numpy()
    if arr.ndim == 3:  # not gray after all: take the green channel
        arr = np.ascontiguousarray(arr[:, :, 1] if arr.shape[2] >= 3 else arr[:, :, 0])
    return arr


def _decode(arr: np.ndarray) -> set[str]:
    import zxingcpp  # noqa: PLC0415

    fmt = getattr(zxingcpp.BarcodeFormat, "QRCode")
    return {b.text for b in zxingcpp.read_barcodes(arr, formats=fmt) if b.text}


def _decode_page(ctx: _Context, number: int, expected: set[str] | None) -> tuple[set[str], float]:
    """Decode at the base resolution, then finer (in tiles) while expected codes are missing."""
    page = ctx.pages[number - 1]
    pdf_page = ctx.pdfium_for_render()[number - 1]
    try:
        trim = page.obj.get(Name.TrimBox)
        region = _box(trim) if trim is not None else _box(page.mediabox)
        uu = _user_unit(page)
        base = _qr_base_dpi(ctx, page)
        found: set[str] = set()
        dpi = base
        for level in range(3):
            dpi = base * (2 ** level)
            scale = dpi * uu / 72  # pdfium ignores UserUnit: page units → px
            w = (region[2] - region[0]) * scale
            h = (region[3] - region[1]) * scale
            if level and (w * h > QR_MAX_PIXELS or dpi > 1200):
                break
            if w * h <= QR_PIXELS * 2.5 or level == 0:
                found |= _decode(_render_region(pdf_page, region, scale))
            else:
                step = (QR_TILE - QR_OVERLAP) / scale
                size = QR_TILE / scale
                y = region[1]
                while y < region[3]:
                    x = region[0]
                    while x < region[2]:
                        tile = (x, y, min(x + size, region[2]), min(y + size, region[3]))
                        found |= _decode(_render_region(pdf_page, tile, scale))
                        x += step
                    y += step
            if expected is None or expected <= found:
                break
        return found, dpi
    finally:
        pdf_page.close()


def check_qr(ctx: _Context) -> list[Finding]:
    """Every expected QR code decodes from a render of the page; extra codes are a warning."""
    out: list[Finding] = []
    for number in ctx.rendered_pages():
        exp = ctx.expect(number)
        expected = set(exp.qr) if exp.qr is not None else None
        found, dpi = _decode_page(ctx, number, expected)
        if expected is None:
            text = ("decoded: " + _limit_list(sorted(found))) if found else "no QR codes found"
            out.append(Finding("qr", "ok", text, number))
            continue
        missing = [u for u in exp.qr if u not in found]
        extra = sorted(found - expected)
        for url in missing:
            got = f"; decoded instead: {_limit_list(extra)}" if extra else ""
            out.append(Finding("qr", "error", f"QR code for {url} does not decode "
                                              f"(rendered up to {dpi:.0f} dpi){got}", number))
        if extra and not missing:
            out.append(Finding("qr", "warning", f"unexpected QR code{'s' if len(extra) > 1 else ''}: "
                                                f"{_limit_list(extra)}", number))
        if not missing:
            ok = (f"{len(expected)} expected code{'s' if len(expected) != 1 else ''} decoded: "
                  f"{_limit_list(list(exp.qr))}")
            out.append(Finding("qr", "ok", ok if expected else "no QR codes expected", number))
    return out


# text ------------------------------------------------------------------------


def check_text(ctx: _Context) -> list[Finding]:
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


def _ink_job(ctx: _Context) -> _InkJob:
    pages = ctx.rendered_pages()
    dpi = _ink_dpi(ctx)
    for number in pages:  # Ghostscript applies UserUnit, PDFium does not
        ctx.lighter.need(number, dpi * _user_unit(ctx.pages[number - 1]) / 72)
    job = _InkJob(ctx.light_path, dpi, None if len(pages) == len(ctx.pages) else pages)
    job.reduction = ctx.lighter.reduction
    return job


def _find_twins(ctx: _Context, expect: dict | None) -> dict[int, str]:
    """Pages identical to the one page of the panel file their expectation names.

    Only when the caller checks those files in the same run (``"twins_checked"``); the
    files are found in ``"base"``, a folder relative to the checked file's.
    """
    from .twins import file_page_fingerprints, page_fingerprint, _Hasher  # noqa: PLC0415

    if not expect or not expect.get("twins_checked") or "pages" not in expect:
        return {}
    base = ctx.path.parent / str(expect.get("base", "."))
    twins: dict[int, str] = {}
    hasher = _Hasher()
    for number, (entry, page) in enumerate(zip(expect["pages"], ctx.pages), 1):
        rel = entry.get("file") if isinstance(entry, dict) else None
        twin = base / rel if rel else None
        if twin is None or not twin.is_file() or twin.resolve() == ctx.path.resolve():
            continue
        theirs = file_page_fingerprints(twin)
        if len(theirs) == 1 and theirs[0] == page_fingerprint(page, hasher):
            twins[number] = str(rel)
    return twins


def check_twins(ctx: _Context) -> list[Finding]:
    """Pages that are another checked file's page, unchanged: said, not rendered again."""
    return [Finding("twin", "ok", f"identical to {rel} (content, resources, boxes): its ink, "
                                  "QR codes and text are checked there", number)
            for number, rel in sorted(ctx.twins.items())]


CHECK_FUNCTIONS: tuple[tuple[str, Callable[[_Context], list[Finding]]], ...] = (
    ("file", check_file),
    ("twin", check_twins),
    ("boxes", check_boxes),
    ("pdfx", check_pdfx),
    ("fonts", check_fonts),
    ("colour", check_colour),
    ("images", check_images),
    ("qr", check_qr),
    ("text", check_text),
    ("ink", check_ink),  # last: Ghostscript has been rendering meanwhile
)


# --------------------------------------------------------------------------
# entry points


def check_pdf(path: Path, expect: dict | None = None, *,
              render_dpi: float | None = None, lighter=None) -> FileReport:
    """Preflight one PDF.

    ``expect`` is one panel entry of ``stands.json`` (trim, bleed, ink_limit,
    warn_ppi, min_ppi, qr, texts), or ``{"pages": [entry, …]}`` for a
    multi-page file (one entry per page, in order), or None for the generic
    checks only. ``render_dpi`` overrides the automatic resolution of the ink
    and QR renders.

    A multi-page expectation with ``"twins_checked": True`` says that the files its
    pages name (``file``, relative to the folder ``base``, itself relative to this
    file's folder) are checked in the same run: a page identical to its file's page
    (see ``twins.py``) is then not rendered again for the ink, QR and text checks.

    ``lighter`` (a ``lighten.Lighter`` of ``path``) shares the lighter copy the renders
    are made from with the caller's own renders (the build's previews).
    """
    path = Path(path)
    started = time.perf_counter()
    report = FileReport(str(path), [])
    try:
        ctx = _Context(path, expect, render_dpi, lighter)
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        report.findings.append(Finding("file", "error", f"bad expectation for this file: {exc}"))
        ctx = _Context(path, None, render_dpi, lighter)
    try:
        try:
            ctx.pdf = pikepdf.open(path)
        except Exception as exc:  # noqa: BLE001 - pikepdf raises several kinds
            report.findings.append(Finding("file", "error", f"cannot be opened as a PDF: {exc}"))
            return report
        try:
            ctx.twins = _find_twins(ctx, expect)
        except Exception as exc:  # noqa: BLE001 - then every page is rendered
            report.findings.append(Finding("twin", "warning", f"pages not compared with their "
                                           f"panel files: {type(exc).__name__}: {exc}"))
        try:
            if ctx.rendered_pages():
                ctx.ink_job = _ink_job(ctx)
        except Exception:  # noqa: BLE001 - check_ink retries and reports the reason
            ctx.ink_job = None
        for name, fn in CHECK_FUNCTIONS:
            try:
                report.findings += fn(ctx)
            except Exception as exc:  # noqa: BLE001 - one broken check must not stop the rest
                report.findings.append(Finding(name, "error", f"check could not run: "
                                                              f"{type(exc).__name__}: {exc}"))
    finally:
        ctx.close()
        report.seconds = time.perf_counter() - started
    return report


def _find_manifest(start: Path) -> Path | None:
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / MANIFEST
        if candidate.is_file():
            return candidate
    return None


def load_expectations(manifest: Path) -> dict[Path, dict]:
    """Map each PDF named in ``stands.json`` (resolved path) to its expectation."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    base = manifest.resolve().parent
    table: dict[Path, dict] = {}
    for stand in data.get("stands", []):
        panels = list(stand.get("panels", []))
        for panel in panels:
            if panel.get("file"):
                table[(base / panel["file"]).resolve()] = panel
        if stand.get("file"):
            path = (base / stand["file"]).resolve()
            table[path] = {"pages": panels, "base": os.path.relpath(base, path.parent)}
    return table


def _pdfs_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())


def check_paths(paths: list[Path], *, render_dpi: float | None = None) -> list[FileReport]:
    """Preflight files and folders.

    A folder is searched recursively for PDFs. For each path the nearest
    ``stands.json`` (in it or a parent folder) maps each PDF to its
    expectation; a PDF it does not list gets the generic checks. A file the
    manifest lists under a checked folder but that is missing is reported.
    """
    reports: list[FileReport] = []
    manifests: dict[Path, dict[Path, dict] | None] = {}
    done: set[Path] = set()
    todo: list[tuple[Path, dict | None]] = []
    for raw in paths:
        path = Path(raw)
        manifest = _find_manifest(path)
        table: dict[Path, dict] = {}
        if manifest is not None:
            if manifest not in manifests:
                try:
                    manifests[manifest] = load_expectations(manifest)
                except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
                    manifests[manifest] = None
                    reports.append(FileReport(str(manifest), [Finding(
                        "manifest", "error", f"cannot read {MANIFEST}: {exc}; "
                                             "generic checks only")]))
            table = manifests[manifest] or {}
        if path.is_dir():
            files = _pdfs_in(path)
            root = path.resolve()
            for listed in sorted(table):
                if (listed == root or root in listed.parents) and not listed.exists():
                    reports.append(FileReport(str(listed), [Finding(
                        "file", "error", f"listed in {MANIFEST} but missing")]))
        else:
            files = [path]
        for f in files:
            resolved = f.resolve()
            if resolved in done:
                continue
            done.add(resolved)
            todo.append((f, table.get(resolved)))
    checked = {f.resolve() for f, _ in todo if f.exists()}
    for f, expect in todo:
        if not f.exists():
            reports.append(FileReport(str(f), [Finding("file", "error", "no such file")]))
            continue
        if expect and "pages" in expect and "base" in expect:
            twins = [(f.parent / expect["base"] / e["file"]).resolve()
                     for e in expect["pages"] if isinstance(e, dict) and e.get("file")]
            expect = dict(expect, twins_checked=bool(twins) and all(t in checked
                                                                    for t in twins))
        reports.append(check_pdf(f, expect, render_dpi=render_dpi))
    return reports
