"""One function per product: what a worker process does with one task.

Each task function makes one product (a laid-out panel, a prepared photo, a panel PDF,
a stand PDF, an SVG, a preflight report with or without previews, previews, a
mock-up), writes it into the cache under the key it was given (its first argument) and
returns small metadata for the main process. :func:`run_task` is the runner a
:mod:`scheduler` calls; :func:`init_worker` gives a process the :class:`Context` every
task needs (sent once to each worker). Nothing here decides what to make: the stages
do (``driver``, ``verify``, ``site_pages``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..check import check_pdf
from ..errors import FitError, Problem, RenderError
from ..layout.frame import QR, Image
from ..layout.panels import layout_panel
from ..load.colourtable import COLOURS, use_store
from ..load.images import prepare_image, screen_jpeg_of
from ..model import Format
from ..pdfread import Lighter
from ..render import svgfonts
from ..render.pdf import PlacedImage, render_pdf
from ..site.mockup import PERSON_MM, FaceFiles, render_mockup
from ..site.previews import preview_needs, render_previews
from ..site.strings import STRINGS
from .cache import Cache, code_fingerprint, digest
from .finish import finish_pdf, merge_stand
from .taskspec import PHOTO_CODE, PREVIEW, Context, page_key, placement, products

__all__ = ["PHOTO_CODE", "PREVIEW", "TASKS", "CacheTables", "Context", "init_worker", "page_key",
           "placement", "products", "run_task"]


class _Worker:
    """This process's context and cache (set by :func:`init_worker`)."""

    ctx: Context | None = None
    cache: Cache | None = None


def init_worker(ctx: Context) -> None:
    _Worker.ctx, _Worker.cache = ctx, Cache(Path(ctx.cache))
    use_store(CacheTables(_Worker.cache))
    svgfonts.use_store(CacheSubsets(_Worker.cache))


class CacheTables:
    """The colour tables (``load/colourtable.py``) kept in the build cache, kind ``colour``:
    made once, then mapped from the file by every worker and every later build."""

    def __init__(self, cache: Cache):
        self.cache = cache

    def load(self, key: str) -> np.ndarray | None:
        entry = self.cache.get("colour", key)
        if entry is None or entry.paths["u32"].stat().st_size != COLOURS * 4:
            return None
        return np.memmap(entry.paths["u32"], dtype=np.uint32, mode="r", shape=(COLOURS,))

    def save(self, key: str, table: np.ndarray) -> None:
        self.cache.put("colour", key, {"u32": memoryview(np.ascontiguousarray(table))})

    def lock(self, key: str) -> Path:
        return self.cache.root / f".colour-{key[:24]}.lock"


class CacheSubsets:
    """The SVGs' font subsets (``render/svgfonts.py``) kept in the build cache, kind
    ``subset``, under the font's bytes, the characters, the format and this code."""

    def __init__(self, cache: Cache):
        self.cache = cache

    @staticmethod
    def key(font: bytes, chars: str, flavor: str | None) -> str:
        import fontTools

        return digest("subset", code_fingerprint(), fontTools.version,
                      hashlib.sha256(font).hexdigest(), chars, flavor)

    def get(self, font: bytes, chars: str, flavor: str | None) -> bytes | None:
        entry = self.cache.get("subset", self.key(font, chars, flavor))
        return entry.read("font") if entry is not None else None

    def put(self, font: bytes, chars: str, flavor: str | None, data: bytes) -> None:
        self.cache.put("subset", self.key(font, chars, flavor), {"font": data})


def svg_size(w_mm: float, h_mm: float) -> tuple[int, int]:
    """Pixels of a photo in the SVGs: about 50 ppi, at most 1600 px wide."""
    width = max(1, min(1600, round(w_mm * 2)))
    return width, max(1, round(width * h_mm / w_mm))


def fit_problems(stand: str, panel_name: str, exc: FitError) -> list[Problem]:
    """A panel's fitting problems, named with its stand and panel."""
    return [Problem(f"{stand} {panel_name}: {p.message}", p.file, p.place, p.field, p.hint,
                    stand=stand, case=p.case, kind=p.kind or "fit") for p in exc.problems]


def _load_page(layout_key: str):
    entry = _Worker.cache.get("layout", layout_key)
    if entry is None:
        raise RenderError(f"laid-out panel {layout_key[:12]} vanished from the cache "
                          f"{_Worker.ctx.cache} during the build; build again")
    return pickle.loads(entry.read("pkl"))


def make_layout(key: str, inp) -> dict:
    try:
        page = layout_panel(inp)
    except FitError as exc:
        return {"fit": fit_problems(inp.stand.location.id, inp.panel.name, exc)}
    meta = {"page": page_key("page", page), "title": page.title,
            "images": [[i.source, i.w, i.h, list(i.focus), i.label]
                       for i in page.items if isinstance(i, Image)],
            "qr": [i.data for i in page.items if isinstance(i, QR)]}
    _Worker.cache.put("layout", key, {"pkl": pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)},
                      meta)
    return meta


def _prepare(source: str, w: float, h: float, focus: tuple, fmt: Format, screen: bool):
    """The photo's print pixels and, with ``screen``, its sRGB copy for the SVGs, made from
    the same pixels while they are at hand."""
    project = _Worker.ctx.project
    prepared = prepare_image(Path(source), box_mm=(w, h), target_ppi=fmt.target_ppi,
                             output_profile=project.output_profile,
                             background_cmyk=(0, 0, 0, 0), mode=project.photo_mode,
                             focus=tuple(focus), ink_limit=fmt.ink_limit,
                             screen_size=svg_size(w, h) if screen else None)
    copy = None
    if screen:
        copy = prepared.screen or screen_jpeg_of(
            prepared.data, prepared.crop if prepared.untouched else None, svg_size(w, h),
            str(project.output_profile))
    return prepared, copy


def make_photo(key: str, source: str, w: float, h: float, focus: tuple, fmt: Format,
               screen: bool = False) -> dict:
    """The photo as printed; with ``screen``, also its copy for the SVGs."""
    prepared, copy = _prepare(source, w, h, focus, fmt, screen)
    meta = {"ppi": prepared.effective_ppi, "invert_cmyk": prepared.invert_cmyk,
            "untouched": prepared.untouched, "crop": list(prepared.crop),
            "pixel_size": [prepared.pixel_width, prepared.pixel_height]}
    blob: bytes | Path = prepared.data
    if prepared.untouched and Path(source).stat().st_size == len(prepared.data):
        blob = Path(source)  # the original file: linked into the cache when possible
    blobs = {"jpg": blob}
    if screen:
        blobs["screen"] = copy
    _Worker.cache.put("photo", key, blobs, meta, link=True)
    return meta


def _provider(photos: dict):
    """Image item → PlacedImage, read from the cache (prepared again if it went missing)."""

    def provide(im) -> PlacedImage:
        key, fmt = photos[placement(im.source, im.w, im.h, im.focus)]
        entry = _Worker.cache.get("photo", key)
        if entry is None:
            make_photo(key, im.source, im.w, im.h, im.focus, fmt, _Worker.ctx.svg)
            entry = _Worker.cache.get("photo", key)
        m = entry.meta
        untouched = m["untouched"]
        return PlacedImage(entry.read("jpg"), m["invert_cmyk"],
                           crop=tuple(m["crop"]) if untouched else None,
                           pixel_size=tuple(m["pixel_size"]) if untouched else None)

    return provide


def make_pdf(key: str, layout_key: str, photos: dict, fmt: Format, spec=None) -> dict:
    """The finished panel PDF; ``spec`` (``finish.panel_spec``) goes into its XMP."""
    ctx = _Worker.ctx
    page = _load_page(layout_key)
    data = finish_pdf(render_pdf([page], _provider(photos), outline_text=ctx.outline_text),
                      page.title, ctx.project, ctx.created, fmt, spec=spec)
    meta = {"sha256": hashlib.sha256(data).hexdigest()}
    _Worker.cache.put("pdf", key, {"pdf": data}, meta)
    return meta


def make_stand(key: str, title: str, pdf_keys: list[str], fmt: Format) -> dict:
    """The stand file, from its panels' finished PDFs (see :func:`finish.merge_stand`)."""
    ctx, cache = _Worker.ctx, _Worker.cache
    panels = []
    for k in pdf_keys:
        entry = cache.get("pdf", k)
        if entry is None:
            raise RenderError(f"a panel PDF of «{title}» vanished from the cache "
                              f"{ctx.cache} during the build; build again")
        panels.append((entry.paths["pdf"], entry.meta["sha256"]))
    data = merge_stand(title, panels, ctx.project, ctx.created, fmt)
    meta = {"sha256": hashlib.sha256(data).hexdigest()}
    cache.put("pdf", key, {"pdf": data}, meta)
    return meta


def make_svg(key: str, layout_key: str, photos: dict) -> dict:
    # imported by the worker that makes an SVG, not before the pool forks: an edit's
    # SVG is made beside its PDF, whose chain (PDF, stand file, check, mock-up) is the
    # build's critical path, and this import (svgwrite, fontTools' subsetter) is its longest
    from ..render.svg import linked_photo_name, render_svg

    ctx = _Worker.ctx
    page = _load_page(layout_key)

    def photo(im) -> bytes:
        """Made with the photo; made the same way again when its cache entry has none (a
        photo prepared by a build without SVGs), so the bytes never depend on the cache."""
        key, fmt = photos[placement(im.source, im.w, im.h, im.focus)]
        entry = _Worker.cache.get("photo", key)
        if entry is not None and "screen" in entry.paths:
            return entry.read("screen")
        return _prepare(im.source, im.w, im.h, im.focus, fmt, True)[1]

    svg = render_svg(page, photo, outline_text=ctx.outline_text, photos=ctx.svg_photos,
                     profile=ctx.project.output_profile)
    blobs: dict[str, bytes] = {"svg": svg.encode("utf-8")}
    linked: dict[str, str] = {}  # blob name → the href the SVG links it by
    if ctx.svg_photos == "link":  # one file per placement, however often it is drawn
        placed = {linked_photo_name(im): im for im in page.items if isinstance(im, Image)}
        for i, (href, im) in enumerate(placed.items()):
            blobs[f"photo{i}"], linked[f"photo{i}"] = photo(im), href
    _Worker.cache.put("svg", key, blobs, {"linked": linked})
    return {}


@contextlib.contextmanager
def _readable(source: tuple):
    """A path to read ``source``, ``(rel, key, beside)``, at: the cached PDF of ``key``
    hard-linked at ``rel`` in a scratch folder, with ``beside`` ((rel, key) of other cached
    PDFs) around it as the output holds them — a panel's previews are named after its
    file, and a stand file's check compares its pages with its panels'."""
    rel, key, beside = source
    scratch = Path(tempfile.mkdtemp(prefix=".read-", dir=_Worker.cache.root))
    try:
        for name, k in [(rel, key), *beside]:
            entry = _Worker.cache.get("pdf", k)
            if entry is None:
                raise RenderError(f"{name} vanished from the cache {_Worker.ctx.cache} "
                                  "during the build; build again")
            path = scratch / name
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(entry.paths["pdf"], path)
            except OSError:  # (a cache on another file system)
                shutil.copyfile(entry.paths["pdf"], path)
        yield str(scratch / rel)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def make_check(key: str, source: tuple, expect: dict,
               preview: tuple[str, float | None] | None = None) -> dict:
    """The preflight of one file (``source``: see :func:`_readable`); with ``preview`` (its
    key and safe margin), also the previews, rendered from the same lighter copy as the
    preflight's renders, once every render has said what it needs of it, and handed to
    the QR check to decode first."""
    with _readable(source) as path:
        return _check(key, path, expect, preview)


def _check(key: str, path: str, expect: dict, preview: tuple[str, float | None] | None) -> dict:
    lighter = Lighter(path)
    staging = files = None
    trims: dict = {}

    def previews() -> dict:
        nonlocal files
        files = render_previews(Path(path), staging, safe_mm=preview[1], lighter=lighter,
                                trims=trims, **PREVIEW)
        return trims

    try:
        if preview is not None:  # said before the copy is made, so that one copy serves all
            preview_needs(Path(path), lighter, PREVIEW["screen_px"])
            staging = Path(tempfile.mkdtemp(prefix=".preview-", dir=_Worker.cache.root))
        report = check_pdf(Path(path), expect, lighter=lighter,
                           renders=previews if preview is not None else None)
        meta = {"findings": [[f.check, f.severity, f.detail, f.page] for f in report.findings]}
        _Worker.cache.put("check", key, {}, meta)
        if preview is not None:
            if files is None:  # the preflight could not open the file: render them anyway
                previews()
            store_previews(preview[0], files)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return meta


def make_preview(key: str, source: tuple, safe: float | None) -> dict:
    """A panel file's previews (``source``: see :func:`_readable`)."""
    staging = Path(tempfile.mkdtemp(prefix=".preview-", dir=_Worker.cache.root))
    try:
        with _readable(source) as path:
            files = render_previews(Path(path), staging, safe_mm=safe, **PREVIEW)
        return store_previews(key, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def store_previews(key: str, files: list) -> dict:
    """Previews rendered into a staging folder (``render_previews``) moved into the cache."""
    blobs: dict[str, Path] = {}
    pages = []
    for i, f in enumerate(files):
        names = {"screen": f.screen.name, "thumb": f.thumb.name,
                 "guides": f.guides.name if f.guides else None}
        for role in ("screen", "thumb", "guides"):
            p = getattr(f, role)
            if p is not None:
                blobs[f"{i}-{role}"] = p
        pages.append({"page": f.page, "names": names, "size": list(f.size),
                      "thumb_size": list(f.thumb_size), "bleed_box": list(f.bleed_box),
                      "trim_box": list(f.trim_box), "rotation": f.rotation})
    meta = {"pages": pages}
    _Worker.cache.put("preview", key, blobs, meta, move=True)
    return meta


def make_mockup(key: str, faces: list[tuple[str, int, str]], trim: tuple[float, float],
                bleed: float, units: int | None, nfaces: int | None) -> dict:
    """The stand's mock-up from its panels' previews (``faces``: preview key, unit, side),
    read from the cache: each face from the thumbnail when it has the pixels, else from
    the screen image."""
    images = []
    for pkey, unit, side in faces:
        paths = _Worker.cache.get("preview", pkey).paths
        files = [paths[name] for name in ("0-thumb", "0-screen") if name in paths]
        if files:  # (a preview without a page: the face is drawn empty)
            images.append((FaceFiles(*files), unit, side))
    staging = Path(tempfile.mkdtemp(prefix=".mockup-", dir=_Worker.cache.root))
    try:
        res = render_mockup(images, trim, staging / "mockup.png", bleed_mm=bleed, units=units,
                            faces=nfaces, person_height_mm=PERSON_MM, strings=STRINGS)
        _Worker.cache.put("mockup", key, {"png": res.path}, {}, move=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {}


TASKS = {"layout": make_layout, "photo": make_photo, "pdf": make_pdf, "stand": make_stand,
         "svg": make_svg, "check": make_check, "check+preview": make_check,
         "preview": make_preview, "mockup": make_mockup}


def run_task(kind: str, args: tuple):
    """The runner the scheduler calls, here or in a worker."""
    return TASKS[kind](*args)
