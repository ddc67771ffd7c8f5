"""pdfread: reading finished PDFs, shared by PDF/X finishing and the preflight.

Contract
========

Everything here reads PDFs that are already written (pikepdf for objects and content,
PDFium and Ghostscript for pixels) and decides nothing: no verdicts (``check/`` judges),
no PDF/X policy (``render/pdfx.py`` finishes). It imports nothing else of standpress;
``render/pdfx.py`` and ``check/`` import it, and the previews (``site/``) share its lighter copy.

Objects (``objects.py``)::

    Box, Matrix, IDENTITY, NEST_TOLERANCE (0.01 pt)
    box(array) -> Box                         # normalised (x0, y0, x1, y1)
    page_box(page, Name.TrimBox) -> Box | None
    trim_box(page) -> Box                     # the TrimBox, else the MediaBox
    inside(inner, outer, tol=NEST_TOLERANCE) -> bool
    multiply(m, n) -> Matrix                  # apply m, then n
    user_unit(page) -> float                  # /UserUnit, 1 when absent or invalid
    inherited(page_dict, Name.Resources)      # the page's or the nearest ancestor's
    key(obj) -> tuple                         # identity: object number, or text if direct
    font_embedded(font) -> bool
    appearance_streams(annot) -> list[Stream]
    actions(pdf) -> list[str]                 # the actions PDF/X forbids, described

Colour spaces (``colourspace.py``)::

    describe_colour_space(cs, resources=None) -> (name, is_uncalibrated_rgb)

The one content walker (``walk.py``)::

    walk_pages(pages) -> WalkResult           # or Walker().page(number, page), .out
    WalkResult.placements: list[Placement]    # images: pixels, placed size, ppi, object
              .colours: list[ColourUse]       # every colour space used, and where
              .fonts: dict[key, FontUse]      # every font in the resources walked
              .font_resources: dict[key, Dictionary]  # every /Font dictionary walked
              .shown_fonts: set[key]          # fonts some text is shown with

The lighter copy (``lighten.py``)::

    Lighter(path); .need(page, px_per_unit); .data() -> bytes | None; .reduction
    lighter_pdf(path_or_bytes, factor, applied=None) -> bytes | None
    scale_for_render(px_per_unit_by_page) -> factor

Fingerprints (``fingerprint.py``)::

    page_fingerprint(page, hasher=None) -> str     # everything that decides the look
    file_page_fingerprints(path) -> list[str]
    Hasher()                                       # share one per file (memo)

Renders (``render.py``)::

    ghostscript() -> str | None
    CmykRender(source, dpi, pages=None); .pages() -> [tiff paths]; .cleanup()
    gray_render(pdfium_page, region, scale) -> H × W uint8 array

A file's own spec in its XMP (``xmp.py``)::

    SPEC_NS, SPEC_PREFIX                           # the private ``standpress:`` schema
    spec_xmp(spec_json) -> str                     # properties for the XMP packet
    read_spec(pdf) -> dict | None                  # PrintSpec JSON data, or None
    parse_spec(xmp_bytes) -> dict | None
"""

from .colourspace import describe_colour_space, named_space
from .fingerprint import Hasher, file_page_fingerprints, page_fingerprint
from .lighten import Lighter, lighter_pdf, scale_for_render
from .objects import (IDENTITY, NEST_TOLERANCE, Box, Matrix, actions, appearance_streams, box,
                      font_embedded, inherited, inside, key, multiply, page_box, trim_box,
                      user_unit)
from .render import GS_MAX_BITMAP, CmykRender, ghostscript, gray_render
from .xmp import SPEC_NS, SPEC_PREFIX, parse_spec, read_spec, spec_xmp
from .walk import SHOW_TEXT, ColourUse, FontUse, Placement, WalkResult, Walker, walk_pages

__all__ = [
    "Box", "CmykRender", "ColourUse", "FontUse", "GS_MAX_BITMAP", "Hasher", "IDENTITY",
    "Lighter", "Matrix", "NEST_TOLERANCE", "Placement", "SHOW_TEXT", "WalkResult", "Walker",
    "actions", "appearance_streams", "box", "describe_colour_space", "file_page_fingerprints",
    "font_embedded", "ghostscript", "gray_render", "inherited", "inside", "key",
    "lighter_pdf", "multiply", "named_space", "page_box", "page_fingerprint",
    "parse_spec", "read_spec", "scale_for_render", "spec_xmp", "SPEC_NS", "SPEC_PREFIX",
    "trim_box", "user_unit", "walk_pages",
]
