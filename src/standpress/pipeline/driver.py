"""The build, read stage by stage: load → normalise → plan → layout → render → check → publish.

:func:`build` runs the stages in order and returns a :class:`BuildResult`; it prints
nothing (the CLI does). Every stage collects all its problems before failing, and
nothing is written to the output folder until everything has succeeded: the stand
folders are assembled in a temporary folder beside them and swapped in at the end
(``publish.py``), so a failed build leaves the previous output as it was.

The stages here (layout, render) and in their own modules (``prepare``, ``assemble``,
``verify``, ``site_pages``, ``publish``) decide *what* to make; each product is one task
(``tasks.py``) keyed by a hash of everything that goes into it (``cache.py``) and run by
the scheduler (``scheduler.py``) in ``--jobs`` processes, so a rebuild makes only what
changed and the bytes do not depend on which process made them.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..errors import InputError, Problem, display_path, ppi_text, shown_ppi
from ..layout.panels import PanelInput
from ..layout.templates import Style, Template
from ..manifest import STANDS_JSON
from ..model import Project
from ..plan import StandPlan
from ..report_problems import sort_problems
from .cache import (Cache, FileHashes, code_fingerprint, default_cache_dir, digest,
                    stable_repr)
from .finish import finish_params, panel_expectation, panel_spec
from .options import BuildOptions, BuildResult, StandResult, cpu_count
from .outcome import Recording, kept, outcome_key, remember
from .prepare import NormaliseMemo, font_keys, prepare, source_date
from .progress import Progress
from .publish import publish
from .scheduler import LocalScheduler, Scheduler, exit_on_sigterm
from .state import Clock, PanelRecord, Run
from .taskspec import PHOTO_CODE, Context, page_key, placement
from .worker import WORKER_MODULES, init_worker, run_task
from .verify import (ghostscript, judge, panel_reads, read_reports, read_task, stand_mockup,
                     stand_read)


def build(opts: BuildOptions, progress: Progress | Callable[[str], None] | None = None, *,
          scheduler: Callable[..., Scheduler] = LocalScheduler) -> BuildResult:
    """Build every stand of ``opts`` into ``opts.out``; ``progress`` hears how it goes (a
    :class:`~standpress.pipeline.progress.Progress`, or a function given a line at a time).

    ``scheduler(jobs, runner, init, initargs)`` makes what runs the tasks (default: a
    :class:`~standpress.pipeline.scheduler.LocalScheduler`); ``init(*initargs)`` must run
    in every process that calls ``runner``."""
    progress = Progress.of(progress)
    clock = Clock()
    out = Path(opts.out)
    memo = None
    if opts.use_cache:
        cache = Cache(Path(opts.cache) if opts.cache else default_cache_dir(out))
        hashes = cache.file_hashes()
        memo = NormaliseMemo(cache, hashes)
    # load → normalise → plan
    project, style, templates, cases, plans, warnings = prepare(opts, progress, memo)
    inputs = [opts.locations, opts.cases, *(project.root / "templates").glob("*.toml")]
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
    ctx = Context(cache.location, project, created, opts.outline_text, opts.svg,
                  opts.svg_photos)
    workers = scheduler(opts.jobs or cpu_count(), run_task, init_worker, (ctx,),
                        **({"preload": WORKER_MODULES} if scheduler is LocalScheduler else {}))
    run = Run(cache, hashes, workers, progress)
    tmp = None
    ok = False
    restore = exit_on_sigterm()
    try:
        # layout
        panels = layout_stage(project, style, templates, plans, date, run)
        clock.lap("layout")
        # render: photos, panel PDFs, SVGs and stand files
        stand_pdfs, photo_problems = render_stage(project, style, plans, panels, cases,
                                                  created, opts, run)
        clock.lap("render")
        InputError.collect(photo_problems, "some photos are below the resolution floor")
        warnings = sort_problems(warnings + photo_problems)  # in reading order: file, row
        # the output as the last build left it, if nothing it depends on changed since
        key = (outcome_key(out, project, plans, panels, stand_pdfs, created, warnings, opts,
                           ghostscript()) if scratch is None else None)
        last = kept(cache, key, out)
        if last is not None:
            results, warnings, steps, reused = last
            for name, total, unit in steps:  # what the skipped stages would have said
                progress.step(name, total, unit, reused=total)
                progress.end()
            run.made.reused += reused
            clock.lap("unchanged")
            ok = True
        else:
            before = run.made.reused + len(run.made)
            run.progress = recording = Recording(progress)
            tmp = Path(tempfile.mkdtemp(prefix=".standpress-", dir=out))
            results, warnings = publish_stages(tmp, out, project, plans, panels, stand_pdfs,
                                               created, warnings, opts, run, clock)
            ok = True
            run.progress = progress
            # the replaced stand folders (in ``tmp`` now) share inodes with the new ones
            # (files hard-linked from the cache): deleting them changes those files' ctime,
            # so they go before the stat of the output is recorded, or the next rebuild
            # would find every file changed and publish again, every time
            shutil.rmtree(tmp, ignore_errors=True)
            tmp = None
            remember(cache, key, out, results, warnings, recording.steps,
                     run.made.reused + len(run.made) - before)
            if run.made and scratch is None:  # keep the cache within twice what this build uses
                cache.prune(cache.used | run.products, added=cache.added | run.products)
                clock.lap("prune")
    finally:
        workers.close(cancel=not ok)
        restore()
        hashes.save()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    assign_warnings(results, plans, warnings)
    progress.note(f"cache {display_path(cache.root) if scratch is None else '(off)'}: "
                  f"{run.made.reused} products reused, {len(run.made)} made")
    timings = dict(clock.stages)
    timings.update({f"tasks.{k}": round(v, 4) for k, v in workers.seconds.items()})
    timings.update({f"cpu.{k}": round(v, 4) for k, v in getattr(workers, "cpu", {}).items()})
    return BuildResult(out, results, warnings, list(run.made), run.made.reused, timings,
                       None if scratch is not None else cache.root)


def publish_stages(tmp: Path, out: Path, project: Project, plans: list[StandPlan],
                   panels: dict[str, list[PanelRecord]], stand_pdfs: dict[str, str],
                   created: datetime, warnings: list[Problem], opts: BuildOptions, run: Run,
                   clock: Clock) -> tuple[list[StandResult], list[Problem]]:
    """assemble → check → site → publish: the stand folders, ``stands.json``, the read-back
    (made in the render stage's graph: its reports collected here) and its verdict, the
    site, built in ``tmp`` and swapped into ``out``. Returns each stand's result and the
    build's warnings (the preflight's added)."""
    cache, date = run.cache, created.strftime("%Y-%m-%d")
    # the stages after rendering, imported when a build has something to assemble (a
    # rebuild with nothing to make never loads pikepdf, Jinja2 or the site)
    from .assemble import assemble, stands_manifest
    from .site_pages import site_pages

    results = assemble(tmp, project, plans, panels, stand_pdfs, date, opts, cache)
    summary = stands_manifest(project, plans, panels, created, warnings, opts.outline_text)
    summary.write(tmp / STANDS_JSON)
    clock.lap("assemble")
    # check: every file read back (and its previews rendered) once
    previews = {}
    if opts.check or opts.site:
        reports, previews = read_reports(summary, panels, stand_pdfs, opts, run)
        clock.lap("check" if not opts.site else "check+previews")
        if opts.check:
            found = judge(tmp, summary, reports, opts.allow_low_res)
            if found:  # stands.json holds every warning of the build, these too
                warnings = sort_problems(warnings + found)
                summary = dataclasses.replace(summary,
                                              warnings=tuple(str(w) for w in warnings))
                summary.write(tmp / STANDS_JSON)
    if opts.strict and warnings:
        raise InputError("--strict: the build has warnings", warnings)
    if opts.site:
        site_pages(tmp, summary, previews, run)
        clock.lap("site")
    # publish
    run.scheduler.close()
    publish(tmp, out, [r.id for r in results])
    clock.lap("publish")
    return results, warnings


def assign_warnings(results: list[StandResult], plans: list[StandPlan],
                    warnings: list[Problem]) -> None:
    """Each warning to the stand it concerns: its ``stand``, else its case's stand (a
    warning about the whole campaign, such as the placeholder address, goes to none)."""
    home = {c.id: plan.location.id for plan in plans for c in plan.cases}
    by_id = {r.id: r for r in results}
    for w in warnings:
        stand = w.stand or home.get(w.case)
        if stand in by_id:
            by_id[stand].warnings.append(w)


class Parts:
    """Keys of dataclass inputs whose fields are shared by many (the panels of a build share
    the campaign, style, locations and map): each field's ``repr`` digested once per object,
    the key a digest of the fields' digests. Equal inputs get equal keys, and any change to
    any field changes the key, as a digest of the whole ``repr`` would."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[object, str]] = {}  # id → (the object, its digest)

    def part(self, value: object) -> str:
        hit = self.seen.get(id(value))
        if hit is None or hit[0] is not value:
            hit = self.seen[id(value)] = (value, digest(type(value).__name__,
                                                        stable_repr(value)))
        return hit[1]

    def key(self, kind: str, *head, inp) -> str:
        try:
            fields = [(f.name, self.part(getattr(inp, f.name))) for f in dataclasses.fields(inp)]
        except ValueError:  # a field without a stable repr: a key never met again
            return page_key("uncacheable", object())
        return page_key(kind, *head, type(inp).__name__, fields)


def layout_stage(project: Project, style: Style, templates: dict[str, Template],
                 plans: list[StandPlan], date: str, run: Run) -> dict[str, list[PanelRecord]]:
    """Every panel laid out (or taken from the cache); every fitting problem at once."""
    cache, made, progress = run.cache, run.made, run.progress
    code = code_fingerprint()
    fonts = font_keys(style, run.hashes)
    panels: dict[str, list[PanelRecord]] = {}
    tasks, todo = [], []
    parts = Parts()
    for plan in plans:
        tpl = templates[plan.format.template]
        panels[plan.location.id] = []
        for panel in plan.panels:
            inp = PanelInput(project.campaign, plan, panel, tpl, style, project.locations,
                             project.map, date)
            key = parts.key("layout", code, fonts, inp=inp)
            rec = PanelRecord(plan.location.id, panel.name, key)
            panels[plan.location.id].append(rec)
            entry = cache.get("layout", key)
            if entry is not None:
                rec.fill(entry.meta)
                made.reused += 1
            else:
                tasks.append(("layout", (key, inp)))
                todo.append(rec)
    problems: list[Problem] = []
    total = sum(len(v) for v in panels.values())
    progress.step("layout", total, "panels", reused=total - len(todo))
    results = run.make(tasks, [1.0] * len(tasks), lambda kind: progress.advance())
    progress.end()
    for rec, meta in zip(todo, results):
        if "fit" in meta:
            problems += meta["fit"]
        else:
            rec.fill(meta)
            made.append(f"layout {rec.stand}/{rec.name}")
    InputError.collect(problems, "some text does not fit")
    return panels


def photo_tasks(project: Project, plans: list[StandPlan], panels: dict[str, list[PanelRecord]],
                run: Run, svg: bool):
    """Every placed photo once: (tasks, their keys, photo key → placement and meta)."""
    cache, hashes = run.cache, run.hashes
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
                    run.made.reused += 1
    return tasks, todo, seen


def photo_problems(seen: dict[str, tuple], cases, allow_low_res: bool,
                   plans: list[StandPlan] = ()) -> list[Problem]:
    """Resolution warnings and errors, in reading order (the file and row naming the photo);
    each with its case, stand and, as facts, the photo, its ppi and the format's limits."""
    sources = {c.id: c.source for c in cases}
    home = {c.id: plan.location.id for plan in plans for c in plan.cases}
    problems = []
    for source, w, h, focus, label, fmt, meta in seen.values():
        ppi = meta["ppi"]
        name = display_path(source)
        src = sources.get(label)
        file, place = (src.file, src.place) if src else (name, None)
        shown = ppi_text(ppi, fmt.min_ppi, fmt.warn_ppi)
        facts = (("photo", name), ("ppi", shown_ppi(ppi, fmt.min_ppi, fmt.warn_ppi)),
                 ("target_ppi", float(fmt.target_ppi)),
                 ("warn_ppi", float(fmt.warn_ppi)), ("min_ppi", float(fmt.min_ppi)),
                 ("format", fmt.id))
        if ppi < fmt.min_ppi:
            problems.append(Problem(
                f"case {label}: photo {name} prints at {shown} ppi on «{fmt.id}», below the "
                f"floor of {fmt.min_ppi:g} ppi", file, place, "photo",
                None if allow_low_res else "use a larger original, or build with --allow-low-res",
                severity="warning" if allow_low_res else "error", case=label,
                stand=home.get(label), kind="photo-below-floor", facts=facts))
        elif ppi < fmt.warn_ppi:
            problems.append(Problem(
                f"case {label}: photo {name} prints at {shown} ppi on «{fmt.id}» "
                f"(aim: {fmt.target_ppi:g})", file, place, "photo", severity="warning",
                case=label, stand=home.get(label), kind="photo-low-res", facts=facts))
    return sort_problems(problems)


UNITS = {"photo": "images", "pdf": "panel PDFs", "svg": "SVGs", "stand": "stand PDFs"}


def render_stage(project: Project, style: Style, plans: list[StandPlan],
                 panels: dict[str, list[PanelRecord]], cases, created: datetime,
                 opts: BuildOptions, run: Run) -> tuple[dict[str, str], list[Problem]]:
    """Photos, panel PDFs, SVGs and stand PDFs into the cache, as one set of tasks: a panel
    starts as soon as its photos are ready, a stand file as soon as its panels are, each
    file's read-back (the check stage's preflight, and a panel's previews) as soon as the
    file is, and a stand's mock-up as soon as its previews are, so no process idles
    between the stages. Returns each stand PDF's key and the photos' resolution
    problems."""
    cache, made, progress = run.cache, run.made, run.progress
    code = code_fingerprint()
    gs = ghostscript() if opts.check else ""
    units = dict(UNITS)
    read_unit = "files read back" if opts.check else "panel previews"
    for kind in ("check", "check+preview", "preview"):
        units[kind] = read_unit
    units["mockup"] = "mock-ups"
    maker: dict[str, str] = {}  # preview key → the key of the task making it here
    pdf_of: dict[str, str] = {}  # panel file → its PDF's key
    previews: dict[str, str] = {}  # panel file → its previews' key
    profile = run.hashes.sha256(project.output_profile)
    fonts = font_keys(style, run.hashes)
    tasks, todo, seen = photo_tasks(project, plans, panels, run, opts.svg)
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
        unit = UNITS[kind]
        totals[unit] += 1
        if cache.get("svg" if kind == "svg" else "pdf", key) is not None:
            made.reused += 1
            hits[unit] = hits.get(unit, 0) + 1
            return
        tasks.append(task)
        costs.append(cost)
        needs.append(need)
        labels.append(label)

    def read(expect: dict, ckey: str | None, pkey: str | None, source: tuple) -> None:
        """Queue what is missing of a file's check and previews, after its PDF."""
        rel, unit = source[0], read_unit
        totals[unit] = totals.get(unit, 0) + 1
        missing = []
        for kind, key in (("check", ckey), ("preview", pkey)):
            if key is None or (kind, key) in queued:
                missing.append(False)
                continue
            queued.add((kind, key))
            there = cache.get(kind, key) is not None
            made.reused += there
            missing.append(not there)
        task = read_task(ckey if missing[0] else None, pkey if missing[1] else None, source,
                         expect)
        if task is None:
            hits[unit] = hits.get(unit, 0) + 1
            return
        tasks.append(task)
        costs.append(1.0 if "pages" in expect else 4.0 + missing[1])
        needs.append([source[1]])
        if missing[1]:
            maker[pkey] = task[1][0]
        labels.extend(([f"check {rel}"] if missing[0] else [])
                      + ([f"preview {rel}"] if missing[1] else []))

    for plan in plans:
        lid, fmt = plan.location.id, plan.format
        recs = panels[lid]
        finish = finish_params(project, created, fmt, profile)
        entries: list[dict] = []  # the panels' expectations (``stands.json``)
        for panel, rec in zip(plan.panels, recs):
            photos = {placement(source, w, h, focus): (key, fmt)
                      for (source, w, h, focus, _), key in zip(rec.images, rec.photos)}
            spec = panel_spec(project, plan, panel, rec.qr, opts.outline_text)
            rec.pdf = digest("pdf", code, rec.page, rec.photos, fonts, finish, opts.outline_text,
                             spec.to_json())
            want("pdf", rec.pdf, ("pdf", (rec.pdf, rec.layout, photos, fmt, spec)),
                 1.0 + 3.0 * len(rec.images), f"pdf {lid}/{rec.name}.pdf", rec.photos)
            pdf_of[f"{lid}/{rec.name}.pdf"] = rec.pdf
            if opts.svg:
                rec.svg = digest("svg", code, rec.page, fonts, profile, opts.outline_text,
                                 rec.photos, opts.svg_photos)
                want("svg", rec.svg, ("svg", (rec.svg, rec.layout, photos)), 1.0 + len(rec.images),
                     f"svg {lid}/svg/{rec.name}.svg", rec.photos)
            if opts.check or opts.site:
                expect = panel_expectation(project, plan, panel, rec.qr, rec.images,
                                           opts.outline_text).to_json()
                entries.append(expect)
                ckey, pkey = panel_reads(rec.pdf, expect, opts, code, gs)
                if pkey is not None:
                    previews[expect["file"]] = pkey
                read(expect, ckey, pkey, (expect["file"], rec.pdf, []))
        title = f"{project.campaign.title} {project.campaign.year} — {plan.location.short_name}"
        key = digest("stand", code, title, [r.pdf for r in recs])
        stand_keys[lid] = key
        want("stand", key, ("stand", (key, title, [r.pdf for r in recs], fmt)),
             2.0 + 0.25 * len(recs), f"stand {lid}/{lid}.pdf", [r.pdf for r in recs])
        if opts.check:
            ckey, expect, source = stand_read(f"{lid}/{lid}.pdf", entries, key, pdf_of, code, gs)
            read(expect, ckey, None, source)
        if opts.site:  # the stand's mock-up, as soon as its panels' previews are
            shown = stand_mockup(entries, plan.location.units, fmt.faces, previews)
            if shown is not None and ("mockup", shown[0]) not in queued:
                queued.add(("mockup", shown[0]))
                totals["mock-ups"] = totals.get("mock-ups", 0) + 1
                if cache.get("mockup", shown[0]) is not None:
                    made.reused += 1
                    hits["mock-ups"] = hits.get("mock-ups", 0) + 1
                else:
                    tasks.append(("mockup", shown))
                    costs.append(0.5)
                    needs.append([maker[k] for k, _, _ in shown[1] if k in maker])
                    labels.append(f"mockup {lid}")
    progress.step("render", {u: n for u, n in totals.items() if n}, reused=hits)
    results = run.make(tasks, costs, lambda kind: progress.advance(unit=units[kind]), needs)
    progress.end()
    for key, meta in zip(todo, results):
        source, w, h, focus, label, fmt, _ = seen[key]
        seen[key] = (source, w, h, focus, label, fmt, meta)
        made.append(f"photo {display_path(source)} {w:g}×{h:g}")
    made += labels
    return stand_keys, photo_problems(seen, cases, opts.allow_low_res, plans)


def lay_out(opts: BuildOptions, cache_dir: Path, progress: Progress | None = None
            ) -> tuple[Project, list[StandPlan], dict[str, list[PanelRecord]]]:
    """load → normalise → plan → layout as :func:`build` runs them (in this process, with
    the cache in ``cache_dir``), and nothing after: for tools and benchmarks that need
    what the panels hold (``PanelRecord.images``: each placed photo and its frame)."""
    progress = Progress.of(progress)
    cache = Cache(Path(cache_dir))
    hashes = cache.file_hashes()
    project, style, templates, _, plans, _ = prepare(opts, progress)
    created = source_date([opts.locations, opts.cases,
                           *(project.root / "templates").glob("*.toml")])
    cache.open()
    ctx = Context(str(cache.root), project, created, opts.outline_text, opts.svg,
                  opts.svg_photos)
    scheduler = LocalScheduler(1, run_task, init_worker, (ctx,))
    try:
        panels = layout_stage(project, style, templates, plans, created.strftime("%Y-%m-%d"),
                              Run(cache, hashes, scheduler, progress))
    finally:
        scheduler.close()
        hashes.save()
    return project, plans, panels
