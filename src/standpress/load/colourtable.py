"""RGB → CMYK through a table of every 8-bit colour: LittleCMS's own answers, looked up.

A campaign's photos are mostly 8-bit RGB with one source profile (sRGB, or none, which is
taken as sRGB), all going to one output profile. LittleCMS interpolates each pixel through
its optimised pipeline (about 20 ms a megapixel on one core: the largest single cost of a
photo). There are only 2²⁴ 8-bit RGB colours, so the same transform, applied once to every
one of them, gives a table of 64 MB whose lookup is about three times faster, and
**exactly** the numbers LittleCMS gives pixel by pixel (a transform is a pure function of
the colour; ``tests/load/test_colour_table.py`` compares them).

When a table is worth it
    Making one costs about as much as converting 25 megapixels. A process converts directly
    until one transform has served :data:`WORTH_PIXELS` pixels, then makes the table, or
    takes it at once when a store already holds it. The build's workers share tables
    through the build cache (:func:`use_store`): the first worker to need a table makes and
    stores it (a lock file keeps a second from making the same table meanwhile: that one
    converts directly until the table is there), later photos and later builds read it,
    mapped from the file (the page cache holds it once for every worker).

The table is indexed by ``R | G << 8 | B << 16``; each entry holds C, M, Y, K as the four
bytes of a little-endian ``uint32``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image, ImageCms

__all__ = ["COLOURS", "TableStore", "held", "lookup", "make_table", "rgb_to_cmyk_pixels",
           "table_key", "use_store"]

WORTH_PIXELS = 25_000_000  # pixels one transform serves before its table is made
COLOURS = 1 << 24
STRIP = 1 << 20  # colours converted at a time while a table is made (bounds the memory)


class TableStore(Protocol):
    """Where the tables of a build live between processes and builds."""

    def load(self, key: str) -> np.ndarray | None:
        """The table stored under ``key`` (``uint32``, 2²⁴ entries), or ``None``."""

    def save(self, key: str, table: np.ndarray) -> None:
        """Keep ``table`` under ``key``."""

    def lock(self, key: str) -> Path | None:
        """A lock file for making the table ``key``, or ``None`` (no sharing)."""


class _State:
    store: TableStore | None = None
    tables: dict[str, np.ndarray] = {}
    served: dict[str, int] = {}


def use_store(store: TableStore | None) -> None:
    """Share tables through ``store`` (``None``: this process only)."""
    _State.store, _State.tables, _State.served = store, {}, {}


def held() -> dict[str, np.ndarray]:
    """The tables this process holds, by key."""
    return dict(_State.tables)


def table_key(source_icc: bytes | None, out_icc: bytes, intent: int, flags: int) -> str:
    """The table's name: the profiles (less their dates and IDs), the transform's settings
    and LittleCMS's version."""
    h = hashlib.sha256()
    for part in (b"rgb-cmyk-table-1", _undated(source_icc) if source_icc else b"sRGB",
                 _undated(out_icc),
                 f"{int(intent)} {int(flags)} {ImageCms.core.littlecms_version}".encode()):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _undated(icc: bytes) -> bytes:
    """The profile without its creation date (header bytes 24–35) and profile ID (84–99,
    an MD5 over the rest): the same colours under another date are the same transform, as
    with photos from one camera whose profile was written at each shot."""
    if len(icc) < 128:
        return icc
    return icc[:24] + bytes(12) + icc[36:84] + bytes(16) + icc[100:]


def make_table(transform: ImageCms.ImageCmsTransform) -> np.ndarray:
    """Every 8-bit RGB colour through ``transform`` (RGB → CMYK): 2²⁴ ``uint32``."""
    table = np.empty(COLOURS, np.uint32)
    for start in range(0, COLOURS, STRIP):
        i = np.arange(start, start + STRIP, dtype=np.uint32)
        rgb = np.empty((STRIP, 3), np.uint8)
        rgb[:, 0], rgb[:, 1], rgb[:, 2] = i & 255, (i >> 8) & 255, i >> 16
        strip = Image.fromarray(rgb.reshape(1024, STRIP // 1024, 3), "RGB")
        cmyk = np.asarray(ImageCms.applyTransform(strip, transform))
        table[start:start + STRIP] = np.ascontiguousarray(cmyk).view(np.uint32).reshape(-1)
    return table


def lookup(table: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """``rgb`` (H × W × 3, uint8; or H × W × 4 with a zero fourth byte, contiguous: then each
    pixel is its own index) through ``table``: H × W × 4 (C, M, Y, K), uint8."""
    if rgb.shape[2] == 4 and rgb.flags.c_contiguous and sys.byteorder == "little":
        return table.take(rgb.view(np.uint32)[..., 0]).view(np.uint8).reshape(rgb.shape)
    index = rgb[..., 2].astype(np.uint32)
    index <<= 8
    index |= rgb[..., 1]
    index <<= 8
    index |= rgb[..., 0]
    return table.take(index).view(np.uint8).reshape(*rgb.shape[:2], 4)


def rgb_to_cmyk_pixels(rgb: np.ndarray, source_icc: bytes | None, out_icc: bytes,
                       transform: ImageCms.ImageCmsTransform, intent: int,
                       flags: int) -> np.ndarray | None:
    """``rgb`` (H × W × 3) in CMYK through the table of ``transform`` when this process
    has it or it is worth making (see the module doc); ``None``: convert directly."""
    key = table_key(source_icc, out_icc, intent, flags)
    table = _State.tables.get(key)
    if table is None:
        table = _table(key, transform, rgb.shape[0] * rgb.shape[1])
        if table is None:
            return None
    return lookup(table, rgb)


def _table(key: str, transform, pixels: int) -> np.ndarray | None:
    store = _State.store
    if store is not None:
        table = store.load(key)
        if table is not None:
            _State.tables[key] = table
            return table
    served = _State.served.get(key, 0) + pixels
    _State.served[key] = served
    if served < WORTH_PIXELS:
        return None
    lock = store.lock(key) if store is not None else None
    if lock is None:
        table = make_table(transform)
    else:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None  # another process is making it: convert directly meanwhile
            table = store.load(key)  # made while this process was not looking
            if table is None:
                table = make_table(transform)
                store.save(key, table)
                stored = store.load(key)  # mapped from the file: one copy for all workers
                table = table if stored is None else stored
        finally:
            os.close(fd)  # (closing releases the lock)
    _State.tables[key] = table
    return table
