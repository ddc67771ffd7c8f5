"""The one content-stream walker: what every page draws, and with what.

:class:`Walker` follows the graphics state (CTM through ``q``/``Q``/``cm`` and form
matrices; the text font through ``Tf`` and ``gs``) through page content, form XObjects,
tiling patterns, soft masks, Type3 glyph procedures and annotation appearances, and
records in a :class:`WalkResult`:

* ``placements`` — every image drawn on a page, its pixels and placed size
  (effective ppi, UserUnit applied);
* ``colours`` — every colour space used, by images, soft masks, colour operators
  (``rg``/``k``/``g``…), ``cs``/``CS``, /ColorSpace resources, shadings and
  transparency groups, named as :func:`describe_colour_space` names them;
* ``fonts`` — every font in the resources walked (used or not);
* ``font_resources`` — every /Font resource dictionary walked (to edit them);
* ``shown_fonts`` — the :func:`key` of every font some text is shown with
  (``Tj``, ``TJ``, ``'``, ``"``).

PDF/X finishing (``render/pdfx.py``) uses it to find the unembedded fonts no text uses;
the preflight (``check/``) for fonts, colour and image resolution; the lighter copy
(``lighten.py``) for each image's placed size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Name

from .colourspace import describe_colour_space
from .objects import IDENTITY, Matrix, appearance_streams, inherited, key, multiply, user_unit

__all__ = ["ColourUse", "FontUse", "Placement", "SHOW_TEXT", "WalkResult", "Walker",
           "walk_pages"]

SHOW_TEXT = frozenset({"Tj", "TJ", "'", '"'})
_COLOUR_OPERATORS = {"rg": Name.DeviceRGB, "RG": Name.DeviceRGB, "k": Name.DeviceCMYK,
                     "K": Name.DeviceCMYK, "g": Name.DeviceGray, "G": Name.DeviceGray}


@dataclass
class Placement:
    """One image drawn on a page (placed once; the same image placed twice is two)."""

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
    font_resources: dict[tuple, pikepdf.Dictionary] = field(default_factory=dict)
    shown_fonts: set[tuple] = field(default_factory=set)


def walk_pages(pages: Iterable[pikepdf.Page]) -> WalkResult:
    """Walk every page (numbered from 1) and return what was found."""
    walker = Walker()
    for number, page in enumerate(pages, 1):
        walker.page(number, page)
    return walker.out


class Walker:
    """Follows the graphics state through pages, forms, patterns and appearances."""

    MAX_DEPTH = 24
    MAX_STREAMS = 20000

    def __init__(self) -> None:
        self.out = WalkResult()
        self._seen_resources: set[tuple] = set()
        self._streams = 0

    def page(self, number: int, page: pikepdf.Page) -> None:
        """Walk page ``number`` (1-based): its content and its annotations' appearances."""
        uu = user_unit(page)
        resources = inherited(page.obj, Name.Resources)
        group = page.obj.get(Name.Group)
        if isinstance(group, pikepdf.Dictionary) and Name.CS in group:
            self._use(number, group.CS, resources, "page transparency group")
        self._content(page, resources, IDENTITY, None, number, uu, "page", (), True)
        for annot in page.obj.get(Name.Annots, pikepdf.Array()):
            for s in appearance_streams(annot):
                self._form(s, resources, IDENTITY, None, number, uu, "annotation appearance",
                           (), False)

    # resources ---------------------------------------------------------------

    def _resources(self, number: int, resources, where: str, chain: tuple) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        k = (key(resources), number)
        if k in self._seen_resources:
            return
        self._seen_resources.add(k)
        fonts = resources.get(Name.Font)
        if isinstance(fonts, pikepdf.Dictionary):
            self.out.font_resources.setdefault(key(fonts), fonts)
            for name, font in fonts.items():
                if isinstance(font, pikepdf.Dictionary):
                    fk = key(font)
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
                    self._form(pat, resources, IDENTITY, None, number, 1.0,
                               f"tiling pattern {name}", chain, False)
        states = resources.get(Name.ExtGState)
        if isinstance(states, pikepdf.Dictionary):
            for name, gs in states.items():
                smask = gs.get(Name.SMask) if isinstance(gs, pikepdf.Dictionary) else None
                if isinstance(smask, pikepdf.Dictionary) and isinstance(smask.get(Name.G), pikepdf.Stream):
                    self._form(smask.G, resources, IDENTITY, None, number, 1.0,
                               f"soft mask of {name}", chain, False)

    def _type3(self, number: int, font, resources, chain: tuple) -> None:
        if font.get(Name.Subtype) != Name.Type3:
            return
        procs = font.get(Name.CharProcs)
        res = font.get(Name.Resources, resources)
        if isinstance(procs, pikepdf.Dictionary):
            for s in procs.values():
                if isinstance(s, pikepdf.Stream):
                    self._content(s, res, IDENTITY, None, number, 1.0, "Type3 glyph", chain, False)

    # content -----------------------------------------------------------------

    def _form(self, form, parent_resources, ctm: Matrix, font, number: int, uu: float,
              where: str, chain: tuple, place: bool) -> None:
        k = key(form)
        if k in chain or len(chain) >= self.MAX_DEPTH:
            return
        matrix = form.get(Name.Matrix)
        if matrix is not None and len(matrix) == 6:
            ctm = multiply(tuple(float(v) for v in matrix), ctm)  # type: ignore[arg-type]
        group = form.get(Name.Group)
        if isinstance(group, pikepdf.Dictionary) and Name.CS in group:
            self._use(number, group.CS, parent_resources, f"transparency group of {where}")
        resources = form.get(Name.Resources, parent_resources)
        self._content(form, resources, ctm, font, number, uu, where, (*chain, k), place)

    def _content(self, holder, resources, ctm: Matrix, font, number: int, uu: float,
                 where: str, chain: tuple, place: bool) -> None:
        self._streams += 1
        if self._streams > self.MAX_STREAMS:
            raise RuntimeError("too many nested content streams")
        self._resources(number, resources, where, chain)
        is_dict = isinstance(resources, pikepdf.Dictionary)
        xobjects = resources.get(Name.XObject) if is_dict else None
        fonts = resources.get(Name.Font) if is_dict else None
        stack: list[tuple] = []
        seen_ops: set[str] = set()
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op == "q":
                stack.append((ctm, font))
            elif op == "Q":
                if stack:
                    ctm, font = stack.pop()
            elif op == "cm" and len(operands) == 6:
                ctm = multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op in SHOW_TEXT:
                if font is not None:
                    self.out.shown_fonts.add(key(font))
            elif op == "Tf" and operands:
                if isinstance(fonts, pikepdf.Dictionary):
                    font = fonts.get(operands[0])
            elif op == "gs" and operands and is_dict:
                font = _extgstate_font(resources, operands[0], font)
            elif op in _COLOUR_OPERATORS:
                if op not in seen_ops:
                    seen_ops.add(op)
                    self._use(number, _COLOUR_OPERATORS[op], resources,
                              f"'{op}' operator in {where} content")
            elif op in ("cs", "CS") and operands:
                name = f"{op} {operands[0]}"
                if name not in seen_ops:
                    seen_ops.add(name)
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
                    self._form(xo, resources, ctm, font, number, uu, f"form {name}", chain, place)
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


def _extgstate_font(resources: pikepdf.Dictionary, name, current):
    """The font a ``gs`` operator sets (its ExtGState's /Font [font size]), else ``current``."""
    states = resources.get(Name.ExtGState)
    state = states.get(name) if isinstance(states, pikepdf.Dictionary) else None
    font = state.get(Name.Font) if isinstance(state, pikepdf.Dictionary) else None
    return font[0] if isinstance(font, pikepdf.Array) and len(font) > 0 else current
