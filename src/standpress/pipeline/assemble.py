"""Assemble: the stand folders in the build's temporary folder, linked from the cache,
and ``stands.json`` describing them (:func:`stands_manifest`).

Each stand folder holds its panel PDFs, ``svg/``, the stand file and the printer's
``print/`` folder (``package.py``), all hard links to cache entries (copies across file
systems), so a rebuild from the cache is byte-identical to a cold build.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..errors import Problem, RenderError
from ..manifest import Note, PanelEntry, RiverMap, StandEntry, StandsManifest
from ..model import Project
from ..plan import StandPlan
from .cache import Cache, code_fingerprint, link
from .finish import panel_expectation
from .options import BuildOptions, StandResult
from .package import write_print_folder
from .state import PanelRecord
from .taskspec import page_key


def _place(cache: Cache, kind: str, key: str, blob: str, dest: Path) -> None:
    entry = cache.get(kind, key)
    if entry is None:
        raise RenderError(f"{dest.name}: its cache entry vanished during the build; build again")
    link(entry.paths[blob], dest)


def assemble(tmp: Path, project: Project, plans: list[StandPlan],
             panels: dict[str, list[PanelRecord]], stand_pdfs: dict[str, str], date: str,
             opts: BuildOptions, cache: Cache) -> list[StandResult]:
    """The stand folders in ``tmp``, their files linked from the cache."""
    results = []
    for plan in plans:
        lid = plan.location.id
        folder = tmp / lid
        folder.mkdir()
        result = StandResult(lid, plan.format.id, len(plan.panels),
                             plan.location.units * plan.format.faces, len(plan.cases))
        recs = panels[lid]
        for panel, rec in zip(plan.panels, recs):
            _place(cache, "pdf", rec.pdf, "pdf", folder / f"{panel.name}.pdf")
            result.files.append(f"{lid}/{panel.name}.pdf")
        if opts.svg:
            (folder / "svg").mkdir()
            for panel, rec in zip(plan.panels, recs):
                _place(cache, "svg", rec.svg, "svg", folder / "svg" / f"{panel.name}.svg")
                result.files.append(f"{lid}/svg/{panel.name}.svg")
                for blob, href in cache.get("svg", rec.svg).meta.get("linked", {}).items():
                    dest = folder / "svg" / href  # photos/<case>-<hash>.jpg, beside the SVG
                    if not dest.exists():  # one file per placement, shared by the panels
                        dest.parent.mkdir(exist_ok=True)
                        _place(cache, "svg", rec.svg, blob, dest)
                        result.files.append(f"{lid}/svg/{href}")
        _place(cache, "pdf", stand_pdfs[lid], "pdf", folder / f"{lid}.pdf")
        result.files.append(f"{lid}/{lid}.pdf")
        for f in print_folder(folder, plan, project, date, [r.pdf for r in recs], cache):
            result.files.append(f.relative_to(tmp).as_posix())
        results.append(result)
    return results


def print_folder(folder: Path, plan: StandPlan, project: Project, date: str,
                 pdf_keys: list[str], cache: Cache) -> list[Path]:
    """``write_print_folder``'s files, replayed from the cache when its inputs are the same.

    The entry records, in order, each file it wrote: a hard link to one of the stand's own
    files (the panel PDFs), or a blob (manifests, job sheet).
    """
    scale = plan.format.scale_label
    key = page_key("print", code_fingerprint(), plan, project, date, scale, pdf_keys)
    entry = cache.get("print", key)
    if entry is not None:
        written = []
        for rel, twin in entry.meta["files"]:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            link(folder / twin if twin else entry.paths[str(len(written))], target)
            written.append(target)
        return written
    known = {f"{p.name}.pdf": cache.get("pdf", k).meta["sha256"]  # (the cache checks the blob)
             for p, k in zip(plan.panels, pdf_keys)}
    written = write_print_folder(folder, plan, project, date, scale, known)
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


def stands_manifest(project: Project, plans: list[StandPlan],
                    panels: dict[str, list[PanelRecord]], created: datetime,
                    warnings: list[Problem], outlined: bool = False) -> StandsManifest:
    """``stands.json``: what was built, and what the preflight must find in it."""

    def entry(plan: StandPlan, p, rec: PanelRecord) -> PanelEntry:
        return panel_expectation(project, plan, p, rec.qr, rec.images, outlined)

    def stand_entry(plan: StandPlan) -> StandEntry:
        loc = plan.location
        return StandEntry(
            id=loc.id, number=loc.number, name=loc.name, short_name=loc.short_name,
            address=loc.address, lat=loc.lat, lon=loc.lon, serves=tuple(loc.serves),
            format=plan.format.id, format_name=plan.format.name, units=loc.units,
            faces=plan.format.faces, file=f"{loc.id}/{loc.id}.pdf",
            case_titles={c.id: c.title for c in plan.cases},
            urls={c.id: c.url for c in plan.cases},
            panels=tuple(entry(plan, p, rec)
                         for p, rec in zip(plan.panels, panels[loc.id])))

    c = project.campaign
    return StandsManifest(
        campaign=f"{c.title} {c.year}", generator=f"standpress {__version__}",
        date=created.isoformat(), catalogue_url=c.catalogue_url,
        map=RiverMap(river=tuple(tuple(p) for p in project.map.river),
                     river_name=project.map.river_name),
        warnings=tuple(str(w) for w in warnings), notes=tuple(Note.of(w) for w in warnings),
        stands=tuple(stand_entry(plan) for plan in plans))
