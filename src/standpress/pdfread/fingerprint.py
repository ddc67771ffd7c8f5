"""Pages that are byte-for-byte another file's page: checked once, not twice.

A stand file is its panels' finished pages copied in order. Rendering each of those pages
again for the ink, QR and text checks would double the preflight for nothing, provided
the page really is the same: its content streams, everything its resources reach (fonts,
images, colour spaces, forms, graphics states), its boxes, UserUnit and rotation. The
fingerprint here hashes exactly that, following indirect objects, as encoded in the file
(raw stream bytes), so a page that differs in one byte of one image is not a twin.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
from pikepdf import Name

from .objects import inherited

__all__ = ["Hasher", "file_page_fingerprints", "page_fingerprint"]

_PAGE_KEYS = ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
              "/ArtBox", "/Rotate", "/UserUnit", "/Group", "/Annots")
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_SKIP = {"/Parent", "/Length", "/P"}  # tree links and derived values, not what is drawn


class Hasher:
    """Digests of PDF objects, following indirect references; one per file (memo)."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], bytes] = {}
        self.open: set[tuple[int, int]] = set()

    def digest(self, obj) -> bytes:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            ref = obj.objgen
            if ref in self.memo:
                return self.memo[ref]
            if ref in self.open:  # a cycle: the same object further up
                return b"cycle"
            self.open.add(ref)
            try:
                value = self._direct(obj)
            finally:
                self.open.discard(ref)
            self.memo[ref] = value
            return value
        return self._direct(obj)

    def _direct(self, obj) -> bytes:
        h = hashlib.sha256()
        if isinstance(obj, pikepdf.Stream):
            h.update(b"S")
            h.update(self._dict(obj.stream_dict))
            h.update(obj.read_raw_bytes())
        elif isinstance(obj, pikepdf.Dictionary):
            h.update(b"D")
            h.update(self._dict(obj))
        elif isinstance(obj, pikepdf.Array):
            h.update(b"A")
            for item in obj:
                h.update(self.digest(item))
        else:
            h.update(b"V")
            h.update(repr(obj).encode("utf-8", "surrogatepass"))
        return h.digest()

    def _dict(self, d) -> bytes:
        h = hashlib.sha256()
        for key in sorted(d.keys()):
            if key in _SKIP:
                continue
            h.update(key.encode("utf-8", "surrogatepass"))
            h.update(self.digest(d[key]))
        return h.digest()


def page_fingerprint(page: pikepdf.Page, hasher: Hasher | None = None) -> str:
    """A hash of everything that decides how ``page`` looks."""
    hasher = hasher or Hasher()
    h = hashlib.sha256()
    for key in _PAGE_KEYS:
        value = inherited(page.obj, Name(key)) if key in _INHERITED else page.obj.get(key)
        h.update(key.encode())
        h.update(b"-" if value is None else hasher.digest(value))
    return h.hexdigest()


def file_page_fingerprints(path: Path) -> list[str]:
    """The fingerprint of each page of the PDF at ``path``."""
    with pikepdf.open(path) as pdf:
        hasher = Hasher()
        return [page_fingerprint(p, hasher) for p in pdf.pages]
