"""CMYK photos encoded as JPEG with total ink within a limit at every decoded pixel.

Contract
========

:func:`encode_within_limit` turns a CMYK image into the JPEG bytes a PDF embeds, such
that **every pixel of the decoded JPEG** has C + M + Y + K ≤ :func:`allowed_levels`
(``limit`` % of 255 per channel, less :data:`DECODER_SLACK`). The guarantee is checked on
the bytes themselves before they are returned: every block that can be over is decoded and
measured.

Why limiting before encoding is not enough
    JPEG quantises each 8×8 block's DCT coefficients; the decoded pixels differ from the
    encoded ones by up to about ±45 levels (18 %) summed over the four channels at quality
    90 (measured on noisy texture, and ringing beside sharp edges). CMYK is not subsampled,
    but every channel is quantised, and the errors of the four add. A fixed margin below the
    limit would have to be 17 % for the worst photo measured (``benchmarks/bench_ink.py``),
    and about 83 % to be a proof (:func:`quantisation_bound`, quality 90, four channels): it
    would move the colours of every dark pixel of every photo. That bound says instead which
    blocks need no decoding at all.

How (decode what was encoded, limit again where it is over)
    1. Pixels over ``limit − margin`` have C, M and Y lowered in proportion (K kept,
       lowered only when K alone is over), the cheapest move of the least ink:
       :func:`limit_ink`. The image is encoded, and the blocks that can decode over the
       limit are decoded: a block whose encoded pixels are all at least
       :func:`quantisation_bound` below it cannot be over. The others (the darkest blocks;
       in most photos a few or none) are encoded apart in a mosaic, as in step 2, and
       decoded there; when they are more than :data:`NEAR_SHARE` of the photo, the whole
       JPEG is decoded instead (it costs less). On the campaign photos of
       ``benchmarks/``, this nearly halved the time of this function.
    2. The 8×8 blocks with a decoded pixel over the limit are gathered into a small mosaic.
       In baseline JPEG without subsampling each block is coded on its own (the same
       quantisation tables, no smoothing across blocks), so a block decodes to the same
       pixels in the mosaic as in the photo; the right and bottom edge blocks are padded
       by repeating the last column and row, as libjpeg does. In each round, the ceiling of
       each block still over is lowered by its largest excess plus a step (1, 2, 4, 8, then
       16 levels), and the block is limited to it again **from its source pixels**: only
       its pixels above the new ceiling move, each by the least that brings it there. After
       :data:`MAX_ROUNDS` a block still over is made flat (its mean colour, limited to
       ``allowed − 4``): a flat block has only a DC coefficient, which decodes within
       ±1 per channel, so it cannot be over. (No photo measured needed it.)
    3. The limited photo is encoded again and checked again as in step 1; a block still
       over (a decoder that disagrees with the mosaic) goes back to step 2, up to three
       times, then :class:`RuntimeError` (a bug, never bad input).

Decoders
    Pillow (libjpeg-turbo) and Ghostscript (IJG libjpeg) decode these JPEGs to identical
    pixels (both use the accurate integer IDCT; the tests check it, and on the sample's 56
    photos no pixel differs). A RIP with another IDCT may round differently:
    :data:`DECODER_SLACK` = 4 levels (≈ 1.6 %) are kept free, one level a channel
    (``allowed_levels(300)`` is 761 of 765). IEEE 1180 allows a conforming IDCT one level
    from the exact one, so two conforming decoders could in theory differ by two levels a
    channel; raise the slack to 8 if a printer's RIP is known to use a coarse IDCT.

Encoding
    :func:`encode_jpeg`: baseline JPEG, quality 90, 4:4:4 (libjpeg never subsamples CMYK),
    not progressive, no optimised tables, no EXIF, ICC, comment or XMP: the same pixels
    give the same bytes. CMYK is written by Pillow inverted with an Adobe APP14 marker
    (the PDF image needs ``/Decode [1 0 1 0 1 0 1 0]``); Pillow decodes it back to ink
    values.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = ["DECODER_SLACK", "INK_MARGIN", "InkLimited", "allowed_levels", "encode_jpeg",
           "encode_within_limit", "limit_ink"]

JPEG_QUALITY = 90
JPEG_MAX_SIDE = 65_500
BLOCK = 8  # JPEG's DCT block; CMYK is never subsampled, so a block is an MCU
DECODER_SLACK = 4  # levels of C+M+Y+K kept free for another decoder's IDCT (±1 a channel)
INK_MARGIN = 0.0  # % below the limit aimed at before the first encoding: 0 moves the least
# colour (benchmarks/bench_ink.py, sample photos at 260 %: mean ΔCMYK 0.509 % at 0, 0.537 %
# at 2, 0.588 % at 4; the margin saves only 8‒14 % of the CPU)
MAX_ROUNDS = 16  # rounds of the mosaic before a block still over is made flat
MAX_PASSES = 3  # whole-image encode + decode checks after the first
MOSAIC_COLUMNS = 256  # blocks per row of the mosaic (2048 px wide)


@dataclass(frozen=True)
class InkLimited:
    """The JPEG (``data``), the pixels it was encoded from (``image``), and how they came.

    ``peak`` is the largest C+M+Y+K of the decoded JPEG, in levels (255 = 100 %), or, when
    the whole photo was not decoded (``decoded`` False: :func:`_over_near_limit`), the most
    it can be;
    ``blocks`` the 8×8 blocks limited again after decoding; ``rounds`` the most rounds of
    the mosaic any of them needed; ``flat`` those made flat; ``passes`` the whole-image
    encodings.
    """

    data: bytes
    image: Image.Image
    peak: int
    blocks: int
    flat: int
    passes: int
    rounds: int = 0
    pixels: np.ndarray | None = None  # ``image``'s pixels (H × W × 4), when at hand
    decoded: bool = True  # a whole JPEG decoded (False: ``peak`` is a bound, not measured)


def allowed_levels(limit: float) -> int:
    """The largest C+M+Y+K (levels, 255 = 100 %) a decoded pixel may have at ``limit`` %."""
    return math.floor(limit * 255 / 100 + 1e-9) - DECODER_SLACK


def encode_jpeg(img: Image.Image) -> bytes:
    """The JPEG bytes of ``img`` (see the module doc; ``ValueError`` past JPEG's size)."""
    if max(img.size) > JPEG_MAX_SIDE:
        raise ValueError(
            f"prepared image {img.width}×{img.height} px exceeds JPEG's size limit; "
            "lower target_ppi or use the 1:10 scale layout"
        )
    buf = io.BytesIO()
    # no EXIF, ICC or dpi unless given here; the one thing Pillow takes from ``img.info``
    # is a comment, emptied (no copy of the picture needed to clear its info)
    img.save(buf, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False,
             progressive=False, comment=b"")
    return buf.getvalue()


def limit_ink(img: Image.Image, limit: float) -> Image.Image:
    """Lower C, M and Y where C+M+Y+K exceeds ``limit`` %; K and all other pixels unchanged.

    (K is lowered too where K alone exceeds the limit, i.e. only below 100 %.)"""
    a = np.asarray(img)
    out = _limited(a, np.float32(limit / 100 * 255))
    return img if out is a else Image.fromarray(out, "CMYK")


def encode_within_limit(img: Image.Image | np.ndarray, limit: float, *,
                        margin: float = INK_MARGIN) -> InkLimited:
    """The JPEG of CMYK ``img`` (a Pillow image, or its pixels: H × W × 4 ``uint8``) with no
    decoded pixel over ``limit`` % (see the module doc)."""
    if isinstance(img, np.ndarray):
        if img.ndim != 3 or img.shape[2] != 4 or img.dtype != np.uint8:
            raise ValueError(f"encode_within_limit needs CMYK pixels, got {img.shape} {img.dtype}")
        src, img = img, Image.fromarray(img, "CMYK")  # (the image maps the array: no copy)
    elif img.mode != "CMYK":
        raise ValueError(f"encode_within_limit needs a CMYK image, got {img.mode!r}")
    else:
        src = np.asarray(img)
    allowed = allowed_levels(limit)
    if allowed < 0:
        raise ValueError(f"ink limit {limit!r} % is below the decoder slack")
    totals = _totals(src)
    lim = _limited(src, np.float32(allowed - margin * 255 / 100), totals)
    ceilings: dict[tuple[int, int], float] = {}  # block → its ceiling, once lowered
    flat: set[tuple[int, int]] = set()
    rounds = 0
    decoded = False  # whether a whole JPEG was decoded
    for passes in range(1, MAX_PASSES + 2):
        data = encode_jpeg(img if lim is src else Image.fromarray(lim, "CMYK"))
        # only the blocks that can be over are decoded (in most photos a few, or none)
        over, highest, peak, whole = _over_near_limit(lim, data, allowed,
                                                      totals if lim is src else None)
        decoded = decoded or whole
        if not over:
            image = img if lim is src else Image.fromarray(lim, "CMYK")
            return InkLimited(data, image, peak, len(ceilings.keys() | flat), len(flat),
                              passes, rounds, lim, decoded)
        if passes > MAX_PASSES:
            break
        if lim is src:  # (nothing was over the first cap: no copy made yet)
            lim = src.copy()
        rounds = max(rounds, _settle(src, lim, highest, over, allowed, ceilings, flat))
    raise RuntimeError(f"JPEG still over the ink limit in {len(over)} blocks after "
                       f"{MAX_PASSES} passes: a bug in standpress.load.ink")


# --------------------------------------------------------------------------
# limiting


def _limited(a: np.ndarray, cap, totals: np.ndarray | None = None) -> np.ndarray:
    """``a`` (… × 4, uint8) with C, M, Y scaled down where C+M+Y+K > ``cap`` (a scalar, or
    one per pixel or block, broadcast against ``a``'s shape without the channels); ``a``
    itself when nothing is over. ``totals``: ``_totals(a)``, if known."""
    totals = _totals(a) if totals is None else totals
    if not np.ndim(cap) and totals.max(initial=0) <= cap:  # (a third of the time of the
        return a  # comparison and search below, and nothing is over in most photos)
    hit = np.flatnonzero(totals > cap)
    if not hit.size:  # usually few pixels are over, or none: only they are touched
        return a
    px = a.reshape(-1, 4)[hit].astype(np.float32)
    if np.ndim(cap):
        cap = np.broadcast_to(np.asarray(cap, np.float32), totals.shape).reshape(-1)[hit]
    k = np.minimum(px[:, 3], np.maximum(np.floor(cap), 0))
    room = np.maximum(cap - k, 0)
    cmy = px[:, 0] + px[:, 1] + px[:, 2]  # (no C, M or Y: the factor is 1, and moves nothing)
    px[:, :3] *= np.minimum(room / np.maximum(cmy, 1e-6), 1.0)[:, None]
    px[:, 3] = k
    out = a.copy()
    out.reshape(-1, 4)[hit] = px.astype(np.uint8)  # ≥ 0: truncation is the floor
    return out


def _totals(a: np.ndarray) -> np.ndarray:
    """C+M+Y+K of each pixel of ``a`` (… × 4, uint8) as uint16 (channel by channel: eight
    times faster than ``a.sum(axis=-1)``)."""
    totals = a[..., 0].astype(np.uint16)
    for channel in (1, 2, 3):
        totals += a[..., channel]
    return totals


# --------------------------------------------------------------------------
# the quantisation error's bound: most blocks need no decoding


def _over_near_limit(lim: np.ndarray, data: bytes, allowed: int,
                     totals: np.ndarray | None = None
                     ) -> tuple[list[tuple[int, int]], np.ndarray, int, bool]:
    """The blocks of ``data`` (the JPEG of ``lim``) that decode over ``allowed``, each one's
    largest decoded total, the most any pixel can decode to, and whether the whole JPEG
    was decoded to know it: found by decoding only the blocks that can be over.

    A block whose largest total is at most ``allowed`` less :func:`quantisation_bound`
    cannot decode over it. The blocks that can (dark ones, usually few or none) are encoded
    apart in a mosaic and decoded: they decode there as in the photo (see the module doc),
    their pixels past the photo's right and bottom edges left out. When they are many,
    decoding the whole photo is cheaper (:func:`_over_decoded`). ``totals``:
    ``_totals(lim)``, if known."""
    totals = _totals(lim) if totals is None else totals
    bound = quantisation_bound()
    top = int(totals.max(initial=0))
    if top + bound <= allowed:
        return [], np.zeros(0, np.uint16), top + bound, False
    padded = _padded(totals)
    h, w = padded.shape  # (rows, then columns: 5× faster than _block_view's max over both)
    block_max = padded.reshape(h // BLOCK, BLOCK, w).max(axis=1)
    block_max = block_max.reshape(h // BLOCK, w // BLOCK, BLOCK).max(axis=2)
    near = block_max.astype(np.int32) + bound > allowed
    if near.sum() > NEAR_SHARE * near.size:
        return _over_decoded(data, allowed)
    rows, cols = np.nonzero(near)
    where = list(zip(rows.tolist(), cols.tolist()))
    decoded = _mosaic_totals(_blocks_of(lim, where))
    inside = ((np.arange(BLOCK)[None, :, None] < (totals.shape[0] - BLOCK * rows)[:, None, None])
              & (np.arange(BLOCK)[None, None, :] < (totals.shape[1] - BLOCK * cols)[:, None, None]))
    highest = _block_max(np.where(inside, decoded, 0))
    rest = int(np.where(near, 0, block_max).max(initial=0)) + bound  # (≤ allowed)
    hit = np.flatnonzero(highest > allowed)
    return [where[i] for i in hit], highest[hit], max(int(highest.max()), rest), False


def _over_decoded(data: bytes, allowed: int
                  ) -> tuple[list[tuple[int, int]], np.ndarray, int, bool]:
    """As :func:`_over_near_limit`, the whole JPEG ``data`` decoded."""
    totals = _decoded_totals(data)
    over = _over_blocks(totals, allowed)
    return over, _block_max(_blocks_of(totals, over)), int(totals.max(initial=0)), True


NEAR_SHARE = 0.3  # blocks near the limit above which the whole photo is decoded instead


@functools.lru_cache(maxsize=1)
def quantisation_bound() -> int:
    """The most C+M+Y+K (levels) a pixel of :func:`encode_jpeg`'s JPEG can decode away
    from the pixel encoded, whatever the picture.

    Each DCT coefficient is quantised to within half its step, plus (allowing generously)
    one level for the encoder's integer DCT; a pixel is the sum of the 64 coefficients'
    errors weighted by their basis functions there, plus one level for the decoder's
    IDCT (IEEE 1180: within one level of the exact one, for any conforming decoder). The
    steps are read from a JPEG :func:`encode_jpeg` wrote, not assumed: libjpeg gives CMYK
    one table for all four channels, so the channels' bounds add. 53 levels a channel
    at quality 90 (rounded up), 212 for the four (``tests/load/test_ink_limit.py`` checks no
    block measured exceeds it)."""
    with Image.open(io.BytesIO(encode_jpeg(Image.new("CMYK", (BLOCK, BLOCK))))) as jpeg:
        tables = jpeg.quantization
        components = jpeg.layer
    steps = [np.asarray(tables[table], np.float64).reshape(BLOCK, BLOCK)
             for _, _, _, table in components]
    c = np.full(BLOCK, 1.0)
    c[0] = 1 / math.sqrt(2)
    x = np.arange(BLOCK)
    cos = np.cos((2 * x[:, None] + 1) * x[None, :] * math.pi / 16)  # [x, u]
    basis = np.abs(np.einsum("xu,yv,u,v->xyuv", cos, cos, c, c)) / 4
    return sum(math.ceil(float((basis * (q / 2 + 1)).sum(axis=(2, 3)).max()) + 1)
               for q in steps)


# --------------------------------------------------------------------------
# decoding and blocks


def _decoded_totals(data: bytes) -> np.ndarray:
    """C+M+Y+K (levels) of each pixel of the JPEG as Pillow decodes it (ink values)."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return _totals(np.asarray(im))


def _over_blocks(totals: np.ndarray, allowed: int) -> list[tuple[int, int]]:
    """The 8×8 blocks (row, column) with a pixel over ``allowed``."""
    if totals.max(initial=0) <= allowed:
        return []
    ys, xs = np.nonzero(totals > allowed)
    if not ys.size:
        return []
    grid = np.zeros((-(-totals.shape[0] // BLOCK), -(-totals.shape[1] // BLOCK)), bool)
    grid[ys // BLOCK, xs // BLOCK] = True
    rows, cols = np.nonzero(grid)
    return list(zip(rows.tolist(), cols.tolist()))


def _block_view(a: np.ndarray) -> np.ndarray:
    """``a`` (H × W × …, H and W multiples of 8) as rows × 8 × columns × 8 × … (a view)."""
    h, w = a.shape[:2]
    return a.reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK, *a.shape[2:])


def _padded(a: np.ndarray) -> np.ndarray:
    """``a`` padded to whole blocks by repeating its last column and row, as libjpeg pads."""
    ph, pw = -a.shape[0] % BLOCK, -a.shape[1] % BLOCK
    if not (ph or pw):
        return a
    return np.pad(a, ((0, ph), (0, pw)) + ((0, 0),) * (a.ndim - 2), mode="edge")


def _blocks_of(a: np.ndarray, where: list[tuple[int, int]]) -> np.ndarray:
    """The 8×8 blocks of ``a`` (H × W × …) at ``where`` (N × 8 × 8 × …), padded at the
    right and bottom edges as libjpeg pads them."""
    rows, cols = np.asarray(where, np.intp).reshape(-1, 2).T
    return _block_view(_padded(a))[rows, :, cols]


def _put_blocks(a: np.ndarray, where: list[tuple[int, int]], blocks: np.ndarray) -> None:
    """Write ``blocks`` back into ``a`` (their padding past the edges is dropped)."""
    rows, cols = np.asarray(where, np.intp).reshape(-1, 2).T
    padded = _padded(a)
    _block_view(padded)[rows, :, cols] = blocks
    if padded is not a:
        a[...] = padded[:a.shape[0], :a.shape[1]]


def _mosaic_totals(blocks: np.ndarray) -> np.ndarray:
    """Encode ``blocks`` side by side as one JPEG, decode it: each block's C+M+Y+K."""
    n = len(blocks)
    cols = min(n, MOSAIC_COLUMNS)
    rows = -(-n // cols)
    tiles = np.zeros((rows * cols, BLOCK, BLOCK, 4), np.uint8)
    tiles[:n] = blocks
    mosaic = tiles.reshape(rows, cols, BLOCK, BLOCK, 4).swapaxes(1, 2)
    mosaic = np.ascontiguousarray(mosaic).reshape(rows * BLOCK, cols * BLOCK, 4)
    totals = _decoded_totals(encode_jpeg(Image.fromarray(mosaic, "CMYK")))
    totals = totals.reshape(rows, BLOCK, cols, BLOCK).swapaxes(1, 2)
    return totals.reshape(rows * cols, BLOCK, BLOCK)[:n]


def _block_max(values: np.ndarray) -> np.ndarray:
    """The largest of ``values`` (N × 8 × 8) in each block."""
    return values.max(axis=(1, 2))


def _settle(src: np.ndarray, lim: np.ndarray, highest: np.ndarray,
            over: list[tuple[int, int]], allowed: int,
            ceilings: dict[tuple[int, int], float], flat: set[tuple[int, int]]) -> int:
    """Limit the ``over`` blocks of ``lim`` again, from ``src``, until each decodes within
    ``allowed`` (``highest``: each one's largest decoded total); record their ceilings (or
    that they were made flat). The rounds taken."""
    source = _blocks_of(src, over)
    current = _blocks_of(lim, over)
    ceiling = np.array([ceilings.get(b, np.inf) for b in over], np.float32)
    todo = np.arange(len(over))  # blocks still over: all, then those the mosaic finds
    excess = highest.astype(np.int32) - allowed
    rounds = 0
    while True:
        keep = excess > 0
        todo, excess = todo[keep], excess[keep]
        if not todo.size:
            break
        if rounds == MAX_ROUNDS:
            for i in todo:  # a flat block decodes within ±1 a channel: within ``allowed``
                mean = np.round(current[i].reshape(-1, 4).mean(axis=0)).astype(np.uint8)
                current[i] = _limited(mean[None, :], np.float32(allowed - 4))[0]
                flat.add(over[i])
            break
        reached = _block_max(_totals(current[todo])).astype(np.float32)
        extra = 1 << min(rounds, 4)  # 1, 2, 4, 8, 16, 16 … levels
        ceiling[todo] = np.minimum(ceiling[todo], reached) - excess - extra
        current[todo] = _limited(source[todo], ceiling[todo, None, None])
        rounds += 1
        excess = _block_max(_mosaic_totals(current[todo]).astype(np.int32)) - allowed
    for b, c in zip(over, ceiling.tolist()):
        if c != np.inf:
            ceilings[b] = c
    _put_blocks(lim, over, current)
    return rounds
