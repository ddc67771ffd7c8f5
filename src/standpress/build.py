"""Orchestration: load → normalise → plan → layout → render → check → publish.

``build`` runs the stages in order and returns a summary; it prints nothing
(the CLI does). Every stage collects all its problems before failing, and
nothing is written to the output folder until every panel has been rendered:
the new stand folders are made in a temporary folder beside them and swapped
in at the end, so a failed build leaves the previous output as it was.

Incremental and parallel
========================

Every product of a build — a laid-out panel, a prepared photo, a panel PDF, a stand
PDF, an SVG, a preflight report, preview PNGs, a mock-up — is stored in a
content-addressed cache (``cache.py``; by default ``.standpress-cache`` beside the
output folder) under the SHA-256 of everything that goes into it:

=============  ==============================================================
product        key
=============  ==============================================================
layout         the panel's ``PanelInput`` (campaign, stand plan, panel, template,
               style, locations, map, date), the font files, the code
photo          the source file's SHA-256, the frame (w, h, focus), target ppi,
               ink limit, photo mode, the output profile, the code
panel PDF      the laid-out ``Page`` (its ``repr``), its photos' keys, fonts,
               profile, PDF/X metadata and date, ``outline_text``, the code
stand PDF      its title and its panels' PDF keys
SVG            the ``Page``, its photos' SHA-256, fonts, profile, ``outline_text``
preflight      the PDF's SHA-256, what ``stands.json`` expects of it, Ghostscript
preview PNGs   the PDF's SHA-256, its name, the preview sizes
mock-up        its faces' preview keys, trim, bleed, units, faces
=============  ==============================================================

"the code" is :func:`cache.code_fingerprint` (standpress's own source files and the
versions of the libraries that write the bytes). A rebuild asks the cache first and
makes only what is missing; a no-op rebuild makes nothing, and an edited case is laid
out again with its stand (its numbering and slug depend on the stand) but rendered,
checked and previewed again only on the panels whose ``Page`` changed, and in the stand
file. The published tree is assembled from the cache with hard links (copies across
file systems) and swapped in as before, so it is byte-identical to a cold build's.
``use_cache=False`` works in a throw-away cache inside the output folder.

Work is spread over ``jobs`` processes (default: one per core) in four phases — layout,
photos, rendering (panel PDFs, stand PDFs, SVGs), then preflight and previews — each
task writing its product into the cache under its key, so the bytes do not depend on
which process made them or in which order. Photos are decoded one at a time per
process and leave memory as soon as their JPEG is in the cache; the main process holds
no pages and no pixels, only keys and small metadata.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .cache import Cache, FileHashes, code_fingerprint, default_cache_dir, digest, link, stable_repr
from .errors import FitError, InputError, Problem, PublishError, StandpressError, display_path
from .layout.templates import Style, Template
from .load.design import load_design
from .model import Format, Project
from .plan import StandPlan
from .load.cases import load_cases
from .load.config import load_project
from .load.images import screen_jpeg_of
from .normalise import campaign_texts, case_texts, check_coverage, normalise_cases, normalise_project
from .plan import plan_stands
from .progress import Progress

OWNED_MANIFEST = ".standpress-owned.json"
PHOTO_CODE = ("load/images.py", "errors.py")  # the code a prepared photo depends on
PREVIEW = {"screen_px": 1600, "thumb_px": 360, "guides": False}  # what build_site renders


@dataclass(frozen=True)
class BuildOptions:
    cases: Path
    locations: Path
    out: Path
    only: tuple[str, ...] = ()
    fix_lookalikes: bool = False
    allow_low_res: bool = False
    strict: bool = False
    svg: bool = True
    outline_text: bool = False
    check: bool = True
    site: bool = True
    jobs: int = 0  # 0: one per core
    cache: Path | None = None  # None: .standpress-cache beside the output folder
    use_cache: bool = True  # False: start from nothing and keep nothing


@dataclass
class StandResult:
    id: str
    format: str
    panels: int
    faces: int
    cases: int
    files: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BuildResult:
    out: Path
    stands: list[StandResult]
    warnings: list[Problem]
    # what this build made rather than took from the cache: "layout opera/02-cases",
    # "photo data/photos/x.jpg 520×300", "pdf opera/02-cases.pdf", "stand opera/opera.pdf",
    # "svg opera/svg/02-cases.svg", "check opera/02-cases.pdf", "preview opera/02-cases.pdf",
    # "mockup opera"; empty for a rebuild with nothing to do
    rendered: list[str] = field(default_factory=list)
    reused: int = 0  # products taken from the cache
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    cache: Path | None = None  # the cache folder (None with use_cache=False)




def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Memo:
    """The cache as ``prepare`` sees it: read before the folder exists, written after."""

    def __init__(self, cache: Cache, hashes: FileHashes):
        self.cache, self.hashes, self.pending = cache, hashes, []

    def key(self, kind: str, project, cases, fix: bool, style) -> str | None:
        try:
            fonts = sorted((k, str(p), self.hashes.sha256(p)) for k, p in _all_fonts(style).items())
            return digest(kind, code_fingerprint(), stable_repr(project), stable_repr(cases), fix,
                          fonts)
        except (OSError, ValueError):
            return None  # a font that cannot be read is the normaliser's to report

    def get(self, kind: str, key: str | None):
        return self.cache.get(kind, key) if key else None

    def later(self, kind: str, key: str | None, blobs: dict) -> None:
        if key:
            self.pending.append((kind, key, blobs))

    def flush(self) -> None:
        for kind, key, blobs in self.pending:
            self.cache.put(kind, key, blobs)
        self.pending = []


def source_date(paths: list[Path]) -> datetime:
    """SOURCE_DATE_EPOCH if set, else the day of the newest input's modification (00:00 UTC).

    The day, not the second: an edit changes the files' date only when it is the first of a
    new day, so a rebuild after an edit renders again only what the edit touched.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except ValueError:
            raise InputError("SOURCE_DATE_EPOCH is not valid", [Problem(
                f'"{epoch}" is not a whole number of seconds', field="SOURCE_DATE_EPOCH")]) from None
    newest = max((p.stat().st_mtime for p in paths if p.exists()), default=0)
    day = datetime.fromtimestamp(int(newest), tz=timezone.utc)
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def prepare(opts: BuildOptions, progress: Progress | None = None, memo: "_Memo | None" = None):
    """load + normalise + plan: everything before layout, all errors at once.

    ``memo`` (the build's cache) keeps the normalised project and cases, checked against the
    fonts, under a key of the loaded ones: a rebuild skips the typography.
    """
    project, warnings = load_project(opts.locations)
    unknown = [o for o in opts.only if o not in {l.id for l in project.locations}]
    if unknown:
        raise InputError("unknown stand", [Problem(
            f'--only "{o}" is not a location id', field="--only",
            hint="known: " + ", ".join(l.id for l in project.locations)) for o in unknown])
    problems: list[Problem] = []  # templates and cases: every problem of both in one pass
    try:
        design = load_design(project)
        style, templates = design.style, design.templates
    except InputError as exc:
        problems += exc.problems
    try:
        cases, case_warnings = load_cases(opts.cases, project.campaign)
        warnings += case_warnings
    except InputError as exc:
        problems += exc.problems
    InputError.collect(problems, "the inputs are not valid")
    Progress.of(progress).note(f"{len(cases)} cases read from {display_path(opts.cases)}")
    key = memo.key("normalise", project, cases, opts.fix_lookalikes, style) if memo else None
    entry = memo.get("normalise", key) if memo else None
    if entry is not None:
        project, cases, lookalikes = pickle.loads(entry.read("pkl"))
    else:
        project = normalise_project(project, opts.fix_lookalikes)
        cases, lookalikes = normalise_cases(cases, project.campaign, opts.fix_lookalikes)
        fonts = [style.stack(k) for k in style.fonts]  # fallbacks honoured, in order
        check_coverage(list(campaign_texts(project))
                       + list(case_texts(cases)), fonts)
        if memo:
            memo.later("normalise", key, {"pkl": pickle.dumps(
                (project, cases, lookalikes), protocol=pickle.HIGHEST_PROTOCOL)})
    warnings += lookalikes
    c = project.campaign
    for host in c.placeholder_hosts:
        if host in c.catalogue_url:
            warnings.append(Problem(f"the catalogue address {c.catalogue_url} is a placeholder",
                                    *project.locate("campaign.catalogue_url"),
                                    "campaign.catalogue_url",
                                    "put the real address in locations.toml before print",
                                    severity="warning"))
    from .layout.grid import CardSizer

    plans, plan_warnings = plan_stands(
        project, cases, CardSizer(design), opts.only,
        fill_faces=lambda f: templates[f.template].has("catalogue"))
    warnings += plan_warnings
    return project, style, templates, cases, plans, warnings


def layout_all(project: Project, style: Style, templates: dict[str, Template],
               plans: list[StandPlan], date: str) -> dict:
    """Every panel of every stand, in this process, uncached; every fitting problem at once."""
    from .layout.panels import PanelInput, layout_panel

    pages: dict = {}
    problems: list[Problem] = []
    for plan in plans:
        tpl = templates[plan.format.template]
        pages[plan.location.id] = []
        for panel in plan.panels:
            inp = PanelInput(project.campaign, plan, panel, tpl, style, project.locations,
                             project.map, date)
            try:
                pages[plan.location.id].append(layout_panel(inp))
            except FitError as exc:
                problems += _fit_problems(plan, panel, exc)
    InputError.collect(problems, "some text does not fit")
    return pages


def _fit_problems(plan: StandPlan, panel, exc: FitError) -> list[Problem]:
    return [Problem(f"{plan.location.id} {panel.name}: {p.message}", p.file, p.place, p.field,
                    p.hint) for p in exc.problems]


def finish_pdf(raw, title: str, project: Project, created: datetime,
               fmt=None, identity: bytes | None = None) -> bytes:
    from .render.pdfx import PdfxInfo, make_pdfx4

    c = project.campaign
    info = PdfxInfo(
        title=title, author=c.organiser, subject=f"{c.title} {c.year}",
        creator=f"standpress {__version__}", created=created,
        output_profile=project.output_profile,
        output_condition_identifier=project.output_condition_identifier,
        output_condition=project.output_condition, keywords=f"{c.title}, {c.city}",
        user_unit=fmt.page_unit if fmt is not None and fmt.oversize == "userunit" else 1.0)
    return make_pdfx4(raw, info, identity)


# ------------------------------------------------------------------ the workers' side
#
# A task is (kind, args); it runs in a worker process (or in this one with jobs=1),
# writes its product into the cache under the key it was given, and returns small
# metadata. Errors standpress raises on purpose come back as data (their problems do
# not survive pickling as exceptions).


@dataclass(frozen=True)
class _Context:
    """What every task needs besides its own arguments (sent once to each worker)."""

    cache: str
    project: Project
    created: datetime
    outline_text: bool
    svg: bool = False  # photo tasks also make the SVGs' screen copies


_CTX: _Context | None = None
_CACHE: Cache | None = None


def _init_worker(ctx: _Context, worker: bool = False) -> None:
    global _CTX, _CACHE
    _CTX, _CACHE = ctx, Cache(Path(ctx.cache))
    if worker:  # Ctrl-C is the main process's to handle: it stops the workers itself
        import signal
        import threading

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # the main process held Ctrl-C back while it forked this one (_sigint_held): one
        # that came meanwhile is dropped here, not raised as a traceback before this ran
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        parent = os.getppid()

        def orphaned() -> None:  # the main process was killed outright: stop, write nothing
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=orphaned, daemon=True).start()


@contextlib.contextmanager
def _sigint_held():
    """Ctrl-C waits (blocked, not lost) while worker processes are forked: a child that got
    it before its initializer ran would print a KeyboardInterrupt traceback. The main
    process gets it as soon as the block ends."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _run(task: tuple[str, tuple]):
    kind, args = task
    started = time.perf_counter()
    try:
        return "ok", _TASKS[kind](*args), time.perf_counter() - started
    except StandpressError as exc:
        return "error", type(exc).__name__, exc.message, exc.problems


def _raise(name: str, message: str, problems: list[Problem]):
    from . import errors

    cls = getattr(errors, name, StandpressError)
    raise cls(message, problems)


def _load_page(layout_key: str):
    entry = _CACHE.get("layout", layout_key)
    if entry is None:
        from .errors import RenderError

        raise RenderError(f"laid-out panel {layout_key[:12]} vanished from the cache "
                          f"{_CTX.cache} during the build; build again")
    return pickle.loads(entry.read("pkl"))


def _t_layout(key: str, inp) -> dict:
    from .layout.frame import QR, Image
    from .layout.panels import layout_panel

    try:
        page = layout_panel(inp)
    except FitError as exc:
        return {"fit": _fit_problems(inp.stand, inp.panel, exc)}
    meta = {"page": _key("page", page), "title": page.title,
            "images": [[i.source, i.w, i.h, list(i.focus), i.label]
                       for i in page.items if isinstance(i, Image)],
            "qr": [i.data for i in page.items if isinstance(i, QR)]}
    _CACHE.put("layout", key, {"pkl": pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)}, meta)
    return meta


def svg_size(w_mm: float, h_mm: float) -> tuple[int, int]:
    """Pixels of a photo in the SVGs: about 50 ppi, at most 1600 px wide."""
    width = max(1, min(1600, round(w_mm * 2)))
    return width, max(1, round(width * h_mm / w_mm))


def _t_photo(key: str, source: str, w: float, h: float, focus: tuple, fmt: Format,
             screen: bool = False) -> dict:
    """The photo as printed; with ``screen``, also its sRGB copy for the SVGs, made from the
    same pixels while they are at hand."""
    from .load.images import prepare_image

    project = _CTX.project
    prepared = prepare_image(Path(source), box_mm=(w, h), target_ppi=fmt.target_ppi,
                             output_profile=project.output_profile,
                             background_cmyk=(0, 0, 0, 0), mode=project.photo_mode,
                             focus=tuple(focus), ink_limit=fmt.ink_limit,
                             screen_size=svg_size(w, h) if screen else None)
    meta = {"ppi": prepared.effective_ppi, "invert_cmyk": prepared.invert_cmyk,
            "untouched": prepared.untouched, "crop": list(prepared.crop),
            "pixel_size": [prepared.pixel_width, prepared.pixel_height]}
    blob: bytes | Path = prepared.data
    if prepared.untouched and Path(source).stat().st_size == len(prepared.data):
        blob = Path(source)  # the original file: linked into the cache when possible
    blobs = {"jpg": blob}
    if screen:
        blobs["screen"] = prepared.screen or screen_jpeg_of(
            prepared.data, prepared.crop if prepared.untouched else None, svg_size(w, h),
            str(project.output_profile))
    _CACHE.put("photo", key, blobs, meta, link=True)
    return meta


def _provider(photos: dict):
    """Image item → PlacedImage, read from the cache (prepared again if it went missing)."""
    from .render.pdf import PlacedImage

    def provide(im) -> PlacedImage:
        key, fmt = photos[_placement(im.source, im.w, im.h, im.focus)]
        entry = _CACHE.get("photo", key)
        if entry is None:
            _t_photo(key, im.source, im.w, im.h, im.focus, fmt, _CTX.svg)
            entry = _CACHE.get("photo", key)
        m = entry.meta
        untouched = m["untouched"]
        return PlacedImage(entry.read("jpg"), m["invert_cmyk"],
                           crop=tuple(m["crop"]) if untouched else None,
                           pixel_size=tuple(m["pixel_size"]) if untouched else None)

    return provide


def _t_pdf(key: str, layout_key: str, photos: dict, fmt: Format) -> dict:
    from .render.pdf import render_pdf

    page = _load_page(layout_key)
    data = finish_pdf(render_pdf([page], _provider(photos), outline_text=_CTX.outline_text),
                      page.title, _CTX.project, _CTX.created, fmt)
    meta = {"sha256": hashlib.sha256(data).hexdigest()}
    _CACHE.put("pdf", key, {"pdf": data}, meta)
    return meta


def _t_stand(key: str, title: str, pdf_keys: list[str], fmt: Format) -> dict:
    """The stand file: its panels' finished pages, copied in order, finished again as PDF/X-4.

    The pages are the panel PDFs' own (content, fonts, photos), so the stand file shows
    exactly what goes to print, and costs no second rendering of any photo.
    """
    import pikepdf

    merged = pikepdf.Pdf.new()
    sources = []
    try:
        for k in pdf_keys:
            entry = _CACHE.get("pdf", k)
            if entry is None:
                from .errors import RenderError

                raise RenderError(f"a panel PDF of «{title}» vanished from the cache "
                                  f"{_CTX.cache} during the build; build again")
            sources.append(pikepdf.open(entry.paths["pdf"]))
            merged.pages.extend(sources[-1].pages)
        # finished in place and saved once; its ID comes from the panels' own hashes
        identity = "\n".join([title] + [_CACHE.get("pdf", k).meta["sha256"]
                                         for k in pdf_keys]).encode()
        data = finish_pdf(merged, title, _CTX.project, _CTX.created, fmt, identity)
    finally:
        for src in sources:
            src.close()
        merged.close()
    meta = {"sha256": hashlib.sha256(data).hexdigest()}
    _CACHE.put("pdf", key, {"pdf": data}, meta)
    return meta


def _t_svg(key: str, layout_key: str, photos: dict) -> dict:
    from .render.svg import render_svg

    page = _load_page(layout_key)
    provide = _provider(photos)
    profile = str(_CTX.project.output_profile)

    def photo(im) -> bytes:  # made with the photo; from its JPEG if the cache lacks it
        key, _ = photos[_placement(im.source, im.w, im.h, im.focus)]
        entry = _CACHE.get("photo", key)
        if entry is not None and "screen" in entry.paths:
            return entry.read("screen")
        placed = provide(im)
        return screen_jpeg_of(placed.data, placed.crop, svg_size(im.w, im.h), profile)

    svg = render_svg(page, photo, outline_text=_CTX.outline_text,
                     profile=_CTX.project.output_profile)
    _CACHE.put("svg", key, {"svg": svg.encode("utf-8")})
    return {}


def _t_check(key: str, path: str, expect: dict,
             preview: tuple[str, float | None] | None = None) -> dict:
    """The preflight of one file; with ``preview`` (its key and safe margin), also the
    previews, rendered from the same lighter copy as the preflight's renders."""
    from .check import check_pdf
    from .check.lighten import Lighter
    from .site.previews import preview_needs

    lighter = Lighter(path)
    if preview is not None:  # said before the copy is made, so that one copy serves both
        preview_needs(Path(path), lighter, PREVIEW["screen_px"])
    report = check_pdf(Path(path), expect, lighter=lighter)
    meta = {"findings": [[f.check, f.severity, f.detail, f.page] for f in report.findings]}
    _CACHE.put("check", key, {}, meta)
    if preview is not None:
        _t_preview(preview[0], path, preview[1], lighter=lighter)
    return meta


def _t_preview(key: str, path: str, safe: float | None, lighter=None) -> dict:
    from .site.previews import render_previews

    staging = Path(tempfile.mkdtemp(prefix=".preview-", dir=_CACHE.root))
    try:
        files = render_previews(Path(path), staging, safe_mm=safe, lighter=lighter, **PREVIEW)
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
        _CACHE.put("preview", key, blobs, meta, move=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return meta


def _t_mockup(key: str, faces: list[tuple[str, int, str]], trim: tuple[float, float],
              bleed: float, units: int | None, nfaces: int | None) -> dict:
    from PIL import Image as PILImage

    from .site.html import PERSON_MM
    from .site.mockup import render_mockup
    from .site.strings import STRINGS

    images = []
    for path, unit, side in faces:
        with PILImage.open(path) as im:
            images.append((im.convert("RGB"), unit, side))
    staging = Path(tempfile.mkdtemp(prefix=".mockup-", dir=_CACHE.root))
    try:
        res = render_mockup(images, trim, staging / "mockup.png", bleed_mm=bleed, units=units,
                            faces=nfaces, person_height_mm=PERSON_MM, strings=STRINGS)
        _CACHE.put("mockup", key, {"png": res.path}, {}, move=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {}


def _products(kind: str, args: tuple) -> list[tuple[str, str]]:
    """(cache kind, key) of each product a task makes: its first argument's, and for a
    check made with its previews, the previews' too."""
    if kind == "check+preview":
        return [("check", args[0]), ("preview", args[3][0])]
    return [("pdf" if kind == "stand" else kind, args[0])]


_TASKS = {"layout": _t_layout, "photo": _t_photo, "pdf": _t_pdf, "stand": _t_stand,
          "svg": _t_svg, "check": _t_check, "check+preview": _t_check, "preview": _t_preview,
          "mockup": _t_mockup}


class _Workers:
    """Runs tasks here (jobs=1) or in a pool of processes started on first need."""

    def __init__(self, jobs: int, ctx: _Context):
        self.jobs, self.ctx, self.pool = jobs, ctx, None
        self.seconds: dict[str, float] = {}  # time spent in tasks, per kind, all processes
        self.made: set[tuple[str, str]] = set()  # (cache kind, key) of every product made
        _init_worker(ctx)

    def run(self, tasks: list[tuple[str, tuple]], costs: list[float] | None = None,
            tick: Callable[[str], None] = lambda kind: None,
            needs: list[list[str]] | None = None) -> list:
        """Results in the order of ``tasks``.

        ``needs[i]`` names the products (keys, a task's first argument) task ``i`` reads:
        it starts once the tasks among these that make them have finished; of the tasks
        that can start, the costliest go first. ``tick(kind)`` is called in this process
        as each task finishes.
        """
        n = len(tasks)
        maker = {t[1][0]: i for i, t in enumerate(tasks)}
        waits = [{maker[k] for k in (needs[i] if needs else ()) if k in maker} - {i}
                 for i in range(n)]
        users: dict[int, list[int]] = {}
        for i, w in enumerate(waits):
            for j in w:
                users.setdefault(j, []).append(i)
        cost = (lambda i: -(costs[i] if costs else 0.0))
        ready = sorted((i for i in range(n) if not waits[i]), key=cost)
        results: list = [None] * n

        def finished(i: int) -> list[int]:
            """The tasks that can start now that ``i`` is done; after a failure, those
            that wait for it are skipped (their inputs will never exist)."""
            tick(tasks[i][0])
            if results[i][0] == "error":
                todo = list(users.get(i, ()))
                while todo:
                    u = todo.pop()
                    if results[u] is None:
                        results[u] = ("skipped", None, 0.0)
                        todo += users.get(u, ())
                return []
            now = []
            for u in users.get(i, ()):
                waits[u].discard(i)
                if not waits[u] and results[u] is None:
                    now.append(u)
            return sorted(now, key=cost)

        if self.jobs <= 1 or n <= 1:
            while ready:
                i = ready.pop(0)
                results[i] = _run(tasks[i])
                ready = sorted(ready + finished(i), key=cost)
        else:
            from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

            if self.pool is None:
                self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker,
                                                initargs=(self.ctx, True))
            with _sigint_held():  # the first submit forks the workers
                running = {self.pool.submit(_run, tasks[i]): i for i in ready}
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: running[f]):
                    i = running.pop(future)
                    results[i] = future.result()
                    for u in finished(i):
                        with _sigint_held():  # a submit may start a worker (spawn, not fork)
                            running[self.pool.submit(_run, tasks[u])] = u
        if any(r is None for r in results):  # a cycle: a programming error
            raise RuntimeError("tasks wait for each other: " + ", ".join(
                tasks[i][0] for i, r in enumerate(results) if r is None))
        errors = [r for r in results if r[0] == "error"]
        if errors:  # every task's problems at once, as one error
            names = {e[1] for e in errors}
            message = errors[0][2] if len(errors) == 1 else \
                f"{errors[0][2]} — and {len(errors) - 1} more"
            _raise(names.pop() if len(names) == 1 else "StandpressError", message,
                   [p for e in errors for p in e[3]])
        for (kind, args), r in zip(tasks, results):
            self.seconds[kind] = self.seconds.get(kind, 0.0) + r[2]
            self.made.update(_products(kind, args))
        return [r[1] for r in results]

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: after their tasks, or at once (``cancel``: a failure or Ctrl-C;
        what they were writing never reaches the cache, whose writes are atomic)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True)
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(10)


def _all_fonts(style: Style) -> dict:
    """Every font file a page may use (the style's and its fallbacks)."""
    return getattr(style, "all_fonts", None) or dict(style.fonts)


def _key(*parts) -> str:
    """``digest`` of the parts; a part without a stable ``repr`` gives a key never met again
    (the product is made every time rather than ever mistaken for another)."""
    try:
        return digest(*parts)
    except ValueError:
        import uuid

        return digest("uncacheable", str(uuid.uuid4()))


def _placement(source: str, w: float, h: float, focus) -> tuple:
    return (source, float(w), float(h), tuple(float(v) for v in focus))


def _ghostscript() -> str:
    gs = shutil.which("gs")
    if gs is None:
        return "-"
    st = os.stat(gs)
    return f"{gs} {st.st_size} {st.st_mtime_ns}"


def _exit_on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into SystemExit(143) while building, so that the temporary folders are
    removed and the workers stopped; returns what puts the previous handler back."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)


class _Clock:
    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.stages: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self.t, 4)
        self.t = now


class _Tally(list):
    """What a build made (``list`` of labels) and how many products it reused."""

    reused = 0


@dataclass
class _Panel:
    """What the main process keeps of one panel: keys and small facts, no pages."""

    stand: str
    name: str
    layout: str  # layout key
    page: str = ""  # digest of the Page
    images: list = field(default_factory=list)  # [source, w, h, focus, label]
    qr: list = field(default_factory=list)
    pdf: str = ""  # panel PDF key
    svg: str = ""
    photos: list[str] = field(default_factory=list)  # photo keys in item order


def build(opts: BuildOptions, progress: "Progress | Callable[[str], None] | None" = None
          ) -> BuildResult:
    """Build every stand of ``opts`` into ``opts.out``; ``progress`` hears how it goes (a
    :class:`~standpress.progress.Progress`, or a function given a line at a time)."""
    progress = Progress.of(progress)
    clock = _Clock()
    out = Path(opts.out)
    memo = None
    if opts.use_cache:
        cache = Cache(Path(opts.cache) if opts.cache else default_cache_dir(out))
        hashes = cache.file_hashes()
        memo = _Memo(cache, hashes)
    project, style, templates, cases, plans, warnings = prepare(opts, progress, memo)
    inputs = [opts.locations, opts.cases, *[p for p in (project.root / "templates").glob("*.toml")]]
    created = source_date(inputs)
    date = created.strftime("%Y-%m-%d")

    out.mkdir(parents=True, exist_ok=True)
    scratch = None
    if opts.use_cache:
        cache.open()
        memo.flush()
    else:
        scratch = Path(tempfile.mkdtemp(prefix=".standpress-nocache-", dir=out))
        cache = Cache(scratch).open()
        hashes = FileHashes(None)
    clock.lap("prepare")
    jobs = opts.jobs or cpu_count()
    ctx = _Context(str(cache.root), project, created, opts.outline_text, opts.svg)
    workers = _Workers(jobs, ctx)
    made = _Tally()
    tmp = None
    ok = False
    restore = _exit_on_sigterm()
    try:
        panels = _layout(project, style, templates, plans, date, cache, hashes, workers, made,
                         progress)
        clock.lap("layout")

        stand_pdfs, photo_problems = _render(project, style, plans, panels, cases, created, opts,
                                             cache, hashes, workers, made, progress)
        clock.lap("render")  # photos, panels, SVGs and stand files
        InputError.collect(photo_problems, "some photos are below the resolution floor")
        warnings += photo_problems

        tmp = Path(tempfile.mkdtemp(prefix=".standpress-", dir=out))
        results = _assemble(tmp, project, plans, panels, stand_pdfs, date, opts, cache)
        _write_summary(tmp, project, plans, panels, created, warnings, opts.outline_text)
        clock.lap("assemble")

        previews = {}
        if opts.check or opts.site:
            reports, previews = _check_and_preview(tmp, panels, stand_pdfs, opts, cache, workers,
                                                   made, progress)
            clock.lap("check" if not opts.site else "check+previews")
            if opts.check:
                warnings += _preflight(tmp, reports, opts.allow_low_res)
        if opts.strict and warnings:
            raise InputError("--strict: the build has warnings", warnings)
        if opts.site:
            _site(tmp, previews, cache, workers, made, progress)
            clock.lap("site")
        workers.close()
        _publish(tmp, out, [r.id for r in results])
        clock.lap("publish")
        ok = True
        if made and scratch is None:  # keep the cache within twice what this build uses
            cache.prune(cache.used | workers.made)
            clock.lap("prune")
    finally:
        workers.close(cancel=not ok)
        restore()
        hashes.save()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    home = {c.id: plan.location.id for plan in plans for c in plan.cases}
    for w in warnings:
        m = re.search(r"\bcase (\S+):", w.message)
        stand = home.get(m.group(1)) if m else None
        for r in results:
            if r.id == stand or f"«{r.id}»" in w.message:
                r.warnings.append(w)
    progress.note(f"cache {display_path(cache.root) if scratch is None else '(off)'}: "
             f"{made.reused} products reused, {len(made)} made")
    timings = dict(clock.stages)
    timings.update({f"tasks.{k}": round(v, 4) for k, v in workers.seconds.items()})
    return BuildResult(out, results, warnings, list(made), made.reused, timings,
                       None if scratch is not None else cache.root)


# ------------------------------------------------------------------ the stages


def _layout(project: Project, style: Style, templates: dict[str, Template],
            plans: list[StandPlan], date: str, cache: Cache, hashes: FileHashes,
            workers: _Workers, made: _Tally, progress: Progress) -> dict[str, list[_Panel]]:
    from .layout.panels import PanelInput

    code = code_fingerprint()
    fonts = sorted((k, str(p), hashes.sha256(p)) for k, p in _all_fonts(style).items())
    panels: dict[str, list[_Panel]] = {}
    tasks, todo = [], []
    for plan in plans:
        tpl = templates[plan.format.template]
        panels[plan.location.id] = []
        for panel in plan.panels:
            inp = PanelInput(project.campaign, plan, panel, tpl, style, project.locations,
                             project.map, date)
            key = _key("layout", code, fonts, inp)
            rec = _Panel(plan.location.id, panel.name, key)
            panels[plan.location.id].append(rec)
            entry = cache.get("layout", key)
            if entry is not None:
                _fill(rec, entry.meta)
                made.reused += 1
            else:
                tasks.append(("layout", (key, inp)))
                todo.append(rec)
    problems: list[Problem] = []
    total = sum(len(v) for v in panels.values())
    progress.step("layout", total, "panels", reused=total - len(todo))
    results = workers.run(tasks, [1.0] * len(tasks), lambda kind: progress.advance())
    progress.end()
    for rec, meta in zip(todo, results):
        if "fit" in meta:
            problems += meta["fit"]
        else:
            _fill(rec, meta)
            made.append(f"layout {rec.stand}/{rec.name}")
    InputError.collect(problems, "some text does not fit")
    return panels


def _fill(rec: _Panel, meta: dict) -> None:
    rec.page, rec.images, rec.qr = meta["page"], meta["images"], meta["qr"]


def _photo_tasks(project: Project, plans: list[StandPlan], panels: dict[str, list[_Panel]],
                 cache: Cache, hashes: FileHashes, made: _Tally, svg: bool):
    """Every placed photo once: (tasks, their keys, photo key → placement and meta)."""
    code = code_fingerprint(PHOTO_CODE)
    profile = hashes.sha256(project.output_profile)
    seen: dict[str, tuple] = {}  # photo key → (source, w, h, focus, case, format, meta)
    tasks, todo = [], []
    for plan in plans:
        fmt = plan.format
        for rec in panels[plan.location.id]:
            rec.photos = []
            for source, w, h, focus, label in rec.images:
                key = digest("photo", code, hashes.sha256(source), float(w), float(h),
                             [float(v) for v in focus], fmt.target_ppi, fmt.ink_limit,
                             project.photo_mode, profile)
                rec.photos.append(key)
                if key in seen:
                    continue
                entry = cache.get("photo", key)
                seen[key] = (source, w, h, focus, label, fmt, entry.meta if entry else None)
                if entry is None:  # (made without its screen copy, the SVG makes one)
                    tasks.append(("photo", (key, source, w, h, tuple(focus), fmt, svg)))
                    todo.append(key)
                else:
                    made.reused += 1
    return tasks, todo, seen


def _photo_problems(seen: dict[str, tuple], cases, allow_low_res: bool) -> list[Problem]:
    """Resolution warnings and errors, in the order the photos are placed."""
    sources = {c.id: c.source for c in cases}
    problems = []
    for source, w, h, focus, label, fmt, meta in seen.values():
        ppi = meta["ppi"]
        name = display_path(source)
        src = sources.get(label)
        file, place = (src.file, src.place) if src else (name, None)
        if ppi < fmt.min_ppi:
            problems.append(Problem(
                f"case {label}: photo {name} prints at {ppi:.0f} ppi on «{fmt.id}», below the "
                f"floor of {fmt.min_ppi:g} ppi", file, place, "photo",
                None if allow_low_res else "use a larger original, or build with --allow-low-res",
                severity="warning" if allow_low_res else "error"))
        elif ppi < fmt.warn_ppi:
            problems.append(Problem(
                f"case {label}: photo {name} prints at {ppi:.0f} ppi on «{fmt.id}» "
                f"(aim: {fmt.target_ppi:g})", file, place, "photo", severity="warning"))
    return problems


def _finish_params(project: Project, created: datetime, fmt: Format, profile: str) -> list:
    c = project.campaign
    return [c.organiser, c.title, c.year, c.city, created.isoformat(), profile,
            project.output_condition_identifier, project.output_condition, fmt.page_unit,
            fmt.oversize]


_UNITS = {"photo": "images", "pdf": "panel PDFs", "svg": "SVGs", "stand": "stand PDFs"}


def _render(project: Project, style: Style, plans: list[StandPlan], panels: dict[str, list[_Panel]],
            cases, created: datetime, opts: BuildOptions, cache: Cache, hashes: FileHashes,
            workers: _Workers, made: _Tally, progress: Progress
            ) -> tuple[dict[str, str], list[Problem]]:
    """Photos, panel PDFs, SVGs and stand PDFs into the cache, as one set of tasks: a panel
    starts as soon as its photos are ready, a stand file as soon as its panels are, so no
    process idles between the stages. Returns each stand PDF's key and the photos'
    resolution problems."""
    code = code_fingerprint()
    profile = hashes.sha256(project.output_profile)
    fonts = sorted((k, str(p), hashes.sha256(p)) for k, p in _all_fonts(style).items())
    tasks, todo, seen = _photo_tasks(project, plans, panels, cache, hashes, made, opts.svg)
    costs = [8.0] * len(tasks)  # a photo is the longest task: they go first
    needs: list[list[str]] = [[] for _ in tasks]
    labels = []
    totals = {"images": len(seen), "panel PDFs": 0, "SVGs": 0, "stand PDFs": 0}
    hits = {"images": len(seen) - len(todo)}
    stand_keys: dict[str, str] = {}
    queued: set[tuple[str, str]] = set()

    def want(kind: str, key: str, task: tuple, cost: float, label: str, need: list[str]) -> None:
        if (kind, key) in queued:
            return
        queued.add((kind, key))
        unit = _UNITS[kind]
        totals[unit] += 1
        if cache.get("svg" if kind == "svg" else "pdf", key) is not None:
            made.reused += 1
            hits[unit] = hits.get(unit, 0) + 1
            return
        tasks.append(task)
        costs.append(cost)
        needs.append(need)
        labels.append(label)

    for plan in plans:
        lid, fmt = plan.location.id, plan.format
        recs = panels[lid]
        finish = _finish_params(project, created, fmt, profile)
        for rec in recs:
            photos = {_placement(source, w, h, focus): (key, fmt)
                      for (source, w, h, focus, _), key in zip(rec.images, rec.photos)}
            rec.pdf = digest("pdf", code, rec.page, rec.photos, fonts, finish, opts.outline_text)
            want("pdf", rec.pdf, ("pdf", (rec.pdf, rec.layout, photos, fmt)),
                 1.0 + 3.0 * len(rec.images), f"pdf {lid}/{rec.name}.pdf", rec.photos)
            if opts.svg:
                rec.svg = digest("svg", code, rec.page, fonts, profile, opts.outline_text,
                                 rec.photos)
                want("svg", rec.svg, ("svg", (rec.svg, rec.layout, photos)), 1.0 + len(rec.images),
                     f"svg {lid}/svg/{rec.name}.svg", rec.photos)
        title = f"{project.campaign.title} {project.campaign.year} — {plan.location.short_name}"
        key = digest("stand", code, title, [r.pdf for r in recs])
        stand_keys[lid] = key
        want("stand", key, ("stand", (key, title, [r.pdf for r in recs], fmt)),
             float(len(recs)), f"stand {lid}/{lid}.pdf", [r.pdf for r in recs])
    progress.step("render", {u: n for u, n in totals.items() if n}, reused=hits)
    results = workers.run(tasks, costs, lambda kind: progress.advance(unit=_UNITS[kind]), needs)
    progress.end()
    for key, meta in zip(todo, results):
        source, w, h, focus, label, fmt, _ = seen[key]
        seen[key] = (source, w, h, focus, label, fmt, meta)
        made.append(f"photo {display_path(source)} {w:g}×{h:g}")
    made += labels
    return stand_keys, _photo_problems(seen, cases, opts.allow_low_res)


def _assemble(tmp: Path, project: Project, plans: list[StandPlan],
              panels: dict[str, list[_Panel]], stand_pdfs: dict[str, str], date: str,
              opts: BuildOptions, cache: Cache) -> list[StandResult]:
    """The stand folders in ``tmp``, their files linked from the cache."""
    def place(kind: str, key: str, blob: str, dest: Path) -> None:
        entry = cache.get(kind, key)
        if entry is None:
            from .errors import RenderError

            raise RenderError(f"{dest.name}: its cache entry vanished during the build; "
                              "build again")
        link(entry.paths[blob], dest)

    results = []
    for plan in plans:
        lid = plan.location.id
        folder = tmp / lid
        folder.mkdir()
        result = StandResult(lid, plan.format.id, len(plan.panels),
                             plan.location.units * plan.format.faces, len(plan.cases))
        recs = panels[lid]
        for panel, rec in zip(plan.panels, recs):
            place("pdf", rec.pdf, "pdf", folder / f"{panel.name}.pdf")
            result.files.append(f"{lid}/{panel.name}.pdf")
        if opts.svg:
            (folder / "svg").mkdir()
            for panel, rec in zip(plan.panels, recs):
                place("svg", rec.svg, "svg", folder / "svg" / f"{panel.name}.svg")
                result.files.append(f"{lid}/svg/{panel.name}.svg")
        place("pdf", stand_pdfs[lid], "pdf", folder / f"{lid}.pdf")
        result.files.append(f"{lid}/{lid}.pdf")
        for f in _print_folder(folder, plan, project, date, [r.pdf for r in recs], cache):
            result.files.append(f.relative_to(tmp).as_posix())
        results.append(result)
    return results


def _print_folder(folder: Path, plan: StandPlan, project: Project, date: str,
                  pdf_keys: list[str], cache: Cache) -> list[Path]:
    """``write_print_folder``'s files, replayed from the cache when its inputs are the same.

    The entry records, in order, each file it wrote: a hard link to one of the stand's own
    files (the panel PDFs), or a blob (manifests, job sheet).
    """
    from .package import write_print_folder

    scale = plan.format.scale_label
    key = _key("print", code_fingerprint(), plan, project, date, scale, pdf_keys)
    entry = cache.get("print", key)
    if entry is not None:
        written = []
        for rel, twin in entry.meta["files"]:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            link(folder / twin if twin else entry.paths[str(len(written))], target)
            written.append(target)
        return written
    written = write_print_folder(folder, plan, project, date, scale)
    files, blobs = [], {}
    for i, f in enumerate(written):
        twin = folder / f.name
        if twin != f and twin.is_file() and os.path.samefile(twin, f):
            files.append([f.relative_to(folder).as_posix(), f.name])
        else:
            files.append([f.relative_to(folder).as_posix(), None])
            blobs[str(i)] = f.read_bytes()
    cache.put("print", key, blobs, {"files": files})
    return written


def _check_and_preview(tmp: Path, panels: dict[str, list[_Panel]], stand_pdfs: dict[str, str],
                       opts: BuildOptions, cache: Cache, workers: _Workers, made: _Tally,
                       progress: Progress):
    """Preflight reports and preview PNGs of every written PDF, in one batch of tasks.

    Returns (the reports in ``stands.json`` order, preview entries by panel file).
    """
    from .check.report import FileReport, Finding

    summary = json.loads((tmp / "stands.json").read_text("utf-8"))
    code = code_fingerprint()
    gs = _ghostscript()
    sha = {f"{rec.stand}/{rec.name}.pdf": cache.get("pdf", rec.pdf).meta["sha256"]
           for recs in panels.values() for rec in recs}
    sha.update({f"{lid}/{lid}.pdf": cache.get("pdf", k).meta["sha256"]
                for lid, k in stand_pdfs.items()})
    checks: list[tuple[str, str]] = []  # (file, key)
    previews: list[tuple[str, str]] = []
    tasks, costs, labels = [], [], []
    queued = set()
    hits = [0]

    def wanted(kind: str, key: str) -> bool:
        """Whether the product must be made (counted as reused when it need not)."""
        if key in queued:
            return False
        queued.add(key)
        if cache.get(kind, key) is not None:
            made.reused += 1
            hits[0] += 1
            return False
        return True

    for stand in summary["stands"]:
        files = [(p["file"], p) for p in stand["panels"]]
        # the stand file's pages are its panel files' pages, checked beside it: compared,
        # not rendered again (check/twins.py)
        files.append((stand["file"], {"pages": stand["panels"], "base": "..",
                                      "twins_checked": True}))
        for rel, expect in files:
            ckey = pkey = None
            if opts.check:
                twins = [sha[p["file"]] for p in expect.get("pages", [])]
                ckey = digest("check", code, sha[rel], expect, gs, twins)
                checks.append((rel, ckey))
            if opts.site and "pages" not in expect:  # a panel file: its previews
                pkey = digest("preview", code, sha[rel], Path(rel).name, PREVIEW,
                              expect.get("safe"))
                previews.append((rel, pkey))
            check, preview = (ckey is not None and wanted("check", ckey),
                              pkey is not None and wanted("preview", pkey))
            # one task per file: the preflight's renders and the previews share one
            # lighter copy of it (check/lighten.py)
            if check:
                tasks.append(("check+preview" if preview else "check",
                              (ckey, str(tmp / rel), expect,
                               (pkey, expect.get("safe")) if preview else None)))
                costs.append(1.0 if "pages" in expect else 4.0 + preview)
                labels += [f"check {rel}"] + ([f"preview {rel}"] if preview else [])
            elif preview:
                tasks.append(("preview", (pkey, str(tmp / rel), expect.get("safe"))))
                costs.append(1.0)
                labels.append(f"preview {rel}")
    name, unit = {(True, True): ("check", "files read back + previews"),
                  (True, False): ("check", "files read back"),
                  (False, True): ("previews", "panels")}[(opts.check, opts.site)]
    progress.step(name, len(labels) + hits[0], unit, reused=hits[0])
    workers.run(tasks, costs, lambda kind: progress.advance(2 if kind == "check+preview" else 1))
    progress.end()
    made += labels
    reports = []
    for rel, key in checks:
        findings = cache.get("check", key).meta["findings"]
        reports.append(FileReport(rel, [Finding(c, s, d, p) for c, s, d, p in findings]))
    return reports, {rel: key for rel, key in previews}


def _preflight(tmp: Path, reports, allow_low_res: bool = False) -> list[Problem]:
    """Judge the preflight's reports; errors stop the build.

    Writes ``preflight.json`` beside the stands and into each stand's ``print/``.
    """
    from .check.report import write_report

    summary = json.loads((tmp / "stands.json").read_text("utf-8"))
    if allow_low_res:  # the user accepted low-resolution photos: the report says so too
        import dataclasses as _dc

        reports = [_dc.replace(r, findings=[
            _dc.replace(f, severity="warning") if f.check == "images" and f.severity == "error"
            else f for f in r.findings]) for r in reports]
    write_report(reports, tmp / "preflight.json")
    for stand in summary["stands"]:
        own = [r for r in reports if r.path.startswith(stand["id"] + "/")]
        write_report(own, tmp / stand["id"] / "print" / "preflight.json")
    problems = []
    for r in reports:
        for f in r.findings:
            if f.severity in ("error", "warning"):
                severity = f.severity
                if allow_low_res and f.check == "images":  # --allow-low-res: the user's call
                    severity = "warning"
                problems.append(Problem(
                    f"preflight {f.check}: {f.detail}", r.path,
                    f"page {f.page}" if f.page else None, severity=severity))
    errors = [p for p in problems if p.is_error]
    if errors:
        from .errors import PreflightError

        raise PreflightError(f"the preflight rejects {len({p.file for p in errors})} file(s); "
                             "nothing was published (use --no-check to publish anyway)", errors)
    # the stand file repeats its panels' findings, and the build has already named every
    # photo below its target resolution with its case: keep the rest (all are in the JSON)
    stand_files = {s["file"] for s in summary["stands"]}
    return [p for p in problems
            if p.file not in stand_files and not p.message.startswith("preflight images:")]


def _site(tmp: Path, previews: dict[str, str], cache: Cache, workers: _Workers,
          made: _Tally, progress: Progress) -> None:
    """The preview site, as ``site.build_site`` writes it, with previews from the cache."""
    from .site.html import load_summary, write_site

    data = load_summary(tmp)
    code = code_fingerprint()
    mockups = []
    tasks, labels = [], []
    for stand in data["stands"]:
        sid = stand["id"]
        pdir = tmp / sid / "preview"
        faces, keys = [], []
        trim, bleed = None, 0.0
        for p in stand["panels"]:
            key = previews.get(str(p.get("file", "")))
            if key is None:
                continue
            entry = cache.get("preview", key)
            pdir.mkdir(parents=True, exist_ok=True)
            for i, page in enumerate(entry.meta["pages"]):
                for role, name in page["names"].items():
                    if name is not None:
                        link(entry.paths[f"{i}-{role}"], pdir / name)
            if entry.meta["pages"]:
                faces.append((str(pdir / entry.meta["pages"][0]["names"]["screen"]),
                              p.get("unit", 1), str(p.get("side", "A"))))
                keys.append(key)
            if trim is None and p.get("trim"):
                trim = (float(p["trim"][0]), float(p["trim"][1]))
                bleed = float(p.get("bleed") or 0)
        if faces and trim:
            units = stand.get("units") if isinstance(stand.get("units"), int) else None
            nfaces = stand.get("faces") if isinstance(stand.get("faces"), int) else None
            key = digest("mockup", code, keys, [f[1:] for f in faces], trim, bleed, units, nfaces)
            mockups.append((pdir, key))
            if key in {t[1][0] for t in tasks}:
                pass
            elif cache.get("mockup", key) is None:
                tasks.append(("mockup", (key, faces, trim, bleed, units, nfaces)))
                labels.append(f"mockup {sid}")
            else:
                made.reused += 1
    progress.step("mock-ups", len(mockups), "stands", reused=len(mockups) - len(tasks))
    workers.run(tasks, [1.0] * len(tasks), lambda kind: progress.advance())
    progress.end()
    made += labels
    for pdir, key in mockups:
        link(cache.get("mockup", key).paths["png"], pdir / "mockup.png")
    # the pages: a function of the folder (file names and sizes, the JSON files) and of
    # the previews' and mock-ups' keys (their content)
    listing = sorted([p.relative_to(tmp).as_posix(), p.stat().st_size]
                     for p in tmp.rglob("*") if p.is_file())
    key = digest("html", code, listing, (tmp / "stands.json").read_bytes(),
                 (tmp / "preflight.json").read_bytes() if (tmp / "preflight.json").exists()
                 else None, sorted(previews.items()), [k for _, k in mockups])
    entry = cache.get("html", key)
    if entry is not None:
        for i, rel in enumerate(entry.meta["files"]):
            link(entry.paths[str(i)], tmp / rel)
        made.reused += 1
        return
    written = write_site(tmp)
    rels = [p.relative_to(tmp).as_posix() for p in written]
    cache.put("html", key, {str(i): p.read_bytes() for i, p in enumerate(written)},
              {"files": rels})
    made.append("html index.html")


def _write_summary(tmp: Path, project: Project, plans: list[StandPlan],
                   panels: dict[str, list[_Panel]], created: datetime,
                   warnings: list[Problem], outlined: bool = False) -> None:
    """``stands.json``: what was built, and what the preflight must find in it."""

    def panel_entry(plan: StandPlan, p, rec: _Panel) -> dict:
        fmt = plan.format
        texts = [c.title for c in p.cases]
        if p.kind == "cover":
            texts.append(project.campaign.title)
        if p.kind == "locator":
            texts += [loc.name for loc in project.locations]
        return {"file": f"{plan.location.id}/{p.name}.pdf", "kind": p.kind, "unit": p.unit,
                "side": p.side, "cases": [c.id for c in p.cases],
                "trim": [fmt.width, fmt.height], "bleed": fmt.bleed, "safe": fmt.safe,
                "ink_limit": fmt.ink_limit,
                "warn_ppi": fmt.warn_ppi, "min_ppi": fmt.min_ppi,
                "qr": list(rec.qr),
                "texts": [] if outlined else texts, "outlined_text": outlined}

    data = {
        "campaign": f"{project.campaign.title} {project.campaign.year}",
        "generator": f"standpress {__version__}",
        "date": created.isoformat(),
        "catalogue_url": project.campaign.catalogue_url,
        "map": {"river": [list(p) for p in project.map.river], "river_name": project.map.river_name},
        "warnings": [str(w) for w in warnings],
        "stands": [
            {"id": plan.location.id, "number": plan.location.number, "name": plan.location.name,
             "short_name": plan.location.short_name, "address": plan.location.address,
             "lat": plan.location.lat, "lon": plan.location.lon, "serves": list(plan.location.serves),
             "format": plan.format.id, "format_name": plan.format.name,
             "units": plan.location.units, "faces": plan.format.faces,
             "file": f"{plan.location.id}/{plan.location.id}.pdf",
             "case_titles": {c.id: c.title for c in plan.cases},
             "urls": {c.id: c.url for c in plan.cases},
             "panels": [panel_entry(plan, p, rec)
                        for p, rec in zip(plan.panels, panels[plan.location.id])]}
            for plan in plans],
    }
    (tmp / "stands.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")


def _publish(tmp: Path, out: Path, stand_ids: list[str]) -> None:
    """Swap the new stand folders in; only folders and files standpress owns move."""
    owned_file = out / OWNED_MANIFEST
    try:
        owned = set(json.loads(owned_file.read_text("utf-8")).get("owned", []))
    except (FileNotFoundError, ValueError):
        owned = set()
    try:
        for sid in stand_ids:
            target = out / sid
            if target.exists() and sid not in owned and any(target.iterdir()):
                raise PublishError(
                    f"{display_path(target)} exists and was not written by standpress; "
                    "move it away or choose another --out folder")
        for sid in stand_ids:
            target = out / sid
            old = tmp / f".old-{sid}"
            if target.exists():
                target.rename(old)
            (tmp / sid).rename(target)
        shutil.copyfile(tmp / "stands.json", out / "stands.json")
        owned |= set(stand_ids) | {"stands.json"}
        for name in ("preflight.json", "index.html"):
            if (tmp / name).exists():
                shutil.copyfile(tmp / name, out / name)
                owned.add(name)
            elif name in owned and (out / name).exists():
                (out / name).unlink()  # ours, from an earlier build: it would describe old files
        owned_file.write_text(json.dumps({"owned": sorted(owned)}, indent=2) + "\n", "utf-8")
    except OSError as exc:
        raise PublishError(f"cannot write {display_path(out)}: {exc}") from exc


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def clean_output(out: Path) -> list[str]:
    """Remove what standpress wrote in ``out`` (per its owned-file manifest) and the
    temporary folders of interrupted builds; nothing else. Returns the names removed."""
    out = Path(out)
    owned_file = out / OWNED_MANIFEST
    try:
        owned = json.loads(owned_file.read_text("utf-8")).get("owned", [])
    except (FileNotFoundError, NotADirectoryError, ValueError, AttributeError):
        owned = []
    removed = []
    try:
        for name in sorted(set(owned) | {p.name for p in out.glob(".standpress-*")
                                         if p.is_dir() and p.name != OWNED_MANIFEST}):
            if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
                continue  # only plain names inside out
            target = out / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            else:
                continue
            removed.append(name)
        if owned_file.exists():
            owned_file.unlink()
            removed.append(OWNED_MANIFEST)
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
    except OSError as exc:
        raise PublishError(f"cannot clean {display_path(out)}: {exc}") from exc
    return removed
