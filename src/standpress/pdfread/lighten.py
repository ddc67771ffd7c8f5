"""A lighter copy of a PDF for rasterising: big JPEGs decoded at a reduced scale.

Decoding the photos dominates a render of a poster PDF (PDFium takes over a second for a
24-Mpx CMYK JPEG) although a screen preview or a QR check needs a small fraction of their
pixels. libjpeg's DCT scaling decodes a JPEG at 1/2, 1/4 or 1/8 of its size in a fraction
of the time, and gives the same picture an area-averaging downsampler would. The decoded
pixels are stored uncompressed, so nothing is lost a second time; every other object of
the file (content, fonts, vector art, colour spaces) is left as it is.

Only JPEGs whose colours are unambiguous are lightened: gray and RGB, and CMYK with the
inverting ``/Decode [1 0 1 0 1 0 1 0]`` that Adobe-style CMYK JPEGs need (what
standpress writes). Anything else stays untouched.

One copy serves every render of a file (:class:`Lighter`): the ink render, the QR render
and the previews each say what resolution they need, and the copy keeps at least one
image pixel per render pixel for the finest of them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
from pikepdf import Name
from PIL import Image

from .objects import user_unit
from .walk import Placement, walk_pages

__all__ = ["Lighter", "lighter_pdf", "scale_for_render"]

_CHANNELS = {"L": 1, "RGB": 3, "CMYK": 4}
_INVERTING = [1, 0, 1, 0, 1, 0, 1, 0]
DECODE_THREADS = 2


def scale_for_render(px_per_unit: dict[int, float]) -> Callable[[Placement, float], int]:
    """The reduction (1, 2, 4 or 8) that keeps at least one image pixel per render pixel,
    for a render at ``px_per_unit[page]`` pixels per PDF unit (as PDFium counts them:
    UserUnit not applied)."""

    def factor(p: Placement, uu: float) -> int:
        scale = px_per_unit.get(p.page)
        if scale is None or p.w_in <= 0 or p.h_in <= 0:
            return 1
        shown_w = p.w_in * 72 / uu * scale  # render pixels across the image
        shown_h = p.h_in * 72 / uu * scale
        ratio = min(p.width / max(shown_w, 1e-9), p.height / max(shown_h, 1e-9))
        f = 1
        while f < 8 and ratio / (2 * f) >= 1.0:
            f *= 2
        return f

    return factor


class Lighter:
    """The lighter copy of one PDF, shared by all its renders.

    Each render says what it needs first — ``need(page, px_per_unit)``, pixels per PDF
    unit as PDFium counts them, 0 when the photos' detail does not matter to it — and
    then asks for the copy (:meth:`data`). The copy keeps at least one image pixel per
    render pixel for the finest need of each page; a page nobody needs is not lightened.
    A need that comes after the copy was made and asks for more makes it again: sharing
    saves work, it never gives a render fewer pixels than it asked for.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        # the file's image placements when a reader has walked it already (the
        # preflight's walk): the copy is then made without walking the content again
        self.placements: list[Placement] | None = None
        self._needs: dict[int, float] = {}
        self._made_for: dict[int, float] | None = None
        self._data: bytes | None = None
        self.factors: dict[tuple[int, int], int] = {}  # image object → reduction applied

    def need(self, page: int, px_per_unit: float) -> None:
        self._needs[page] = max(self._needs.get(page, 0.0), float(px_per_unit))

    def data(self) -> bytes | None:
        """The lighter PDF, or None when no image is worth it (render the file itself)."""
        if self._made_for != self._needs:
            self.factors = {}
            self._data = lighter_pdf(self.path, scale_for_render(self._needs), self.factors,
                                     self.placements)
            self._made_for = dict(self._needs)
        return self._data

    @property
    def reduction(self) -> int:
        """The largest reduction applied to any image (1: none)."""
        return max(self.factors.values(), default=1)


def lighter_pdf(path: Path | bytes, factor: Callable[[Placement, float], int],
                applied: dict[tuple[int, int], int] | None = None,
                placements: list[Placement] | None = None) -> bytes | None:
    """The PDF with each JPEG image decoded at ``1/factor(placement, user_unit)`` (the
    smallest over all its placements), or None when no image is worth it. ``applied``
    receives the reduction of each image lightened (object number, generation → factor).
    ``placements``: the file's (``walk_pages(…).placements`` of these very bytes), when
    the caller has them; else the pages are walked here."""
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    with pikepdf.open(source) as pdf:
        if placements is None:
            placements = walk_pages(pdf.pages).placements
        units = {n: user_unit(page) for n, page in enumerate(pdf.pages, 1)}
        wanted: dict[tuple[int, int], int] = {}
        for p in placements:
            if p.ref is not None and not p.mask:
                f = factor(p, units.get(p.page, 1.0))
                wanted[p.ref] = min(wanted.get(p.ref, f), f)
        jobs = [(ref, pdf.get_object(ref), f) for ref, f in sorted(wanted.items()) if f > 1]
        jobs = [(ref, obj, f, raw) for ref, obj, f in jobs
                if (raw := _raw_jpeg(obj)) is not None]
        # decoded in threads (Pillow lets go of the GIL while it decodes; pikepdf is used
        # from this thread only): a panel's photos take half the time on two cores
        with ThreadPoolExecutor(min(DECODE_THREADS, len(jobs)) or 1) as threads:
            decoded = list(threads.map(_decoded, [raw for *_, raw in jobs],
                                       [f for _, _, f, _ in jobs]))
        changed = False
        for (ref, obj, f, _), got in zip(jobs, decoded):
            if got is None:
                continue
            _write(obj, *got)
            changed = True
            if applied is not None:
                applied[ref] = f
        if not changed:
            return None
        out = io.BytesIO()  # the rest as it was: nothing decoded, nothing compressed anew
        pdf.save(out, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return out.getvalue()


def _raw_jpeg(obj: pikepdf.Object) -> tuple[bytes, int, int, list[float] | None] | None:
    """A JPEG image XObject's bytes, size and Decode array, if it may be lightened."""
    if not isinstance(obj, pikepdf.Stream) or obj.get(Name.Subtype) != Name.Image:
        return None
    filters = obj.get(Name.Filter)
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else None
    if filters != Name.DCTDecode or Name.SMask in obj or Name.Mask in obj:
        return None
    decode = obj.get(Name.Decode)
    try:
        return (obj.read_raw_bytes(), int(obj.Width), int(obj.Height),
                None if decode is None else [float(v) for v in decode])
    except Exception:  # noqa: BLE001 - a damaged image stays as it is
        return None


def _decoded(raw: tuple[bytes, int, int, list[float] | None],
             f: int) -> tuple[bytes, tuple[int, int]] | None:
    """The JPEG of ``raw`` (:func:`_raw_jpeg`) decoded at 1/``f`` (its pixels and size), or
    None when it is not one whose colours are unambiguous (see the module doc) or Pillow
    cannot read it."""
    data, w, h, decode = raw
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.mode not in _CHANNELS or im.size != (w, h):
                return None
            if im.mode == "CMYK":
                # Pillow reads CMYK JPEGs as Adobe-inverted; so does a PDF with this Decode
                if decode != _INVERTING:
                    return None
            elif decode is not None:
                return None
            im.draft(im.mode, (max(1, w // f), max(1, h // f)))  # Pillow: scale = size // request
            im.load()
            return im.tobytes(), im.size
    except Exception:  # noqa: BLE001 - an image PIL cannot read stays as it is
        return None


def _write(obj: pikepdf.Object, data: bytes, size: tuple[int, int]) -> None:
    obj.write(data)  # unfiltered: the decoded pixels, losslessly
    obj.Width, obj.Height = size
    obj.BitsPerComponent = 8
    if Name.Decode in obj:
        del obj[Name.Decode]
    if Name.DecodeParms in obj:
        del obj[Name.DecodeParms]
