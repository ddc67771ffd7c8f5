"""Everything before layout: load → normalise → plan, every problem at once.

:func:`prepare` reads the locations file, the design (templates, style, fonts) and the
cases, applies Ukrainian typography, checks the fonts cover every printed character, and
assigns the cases to stands and panels. It returns frozen objects and the warnings; it
writes nothing. With a :class:`NormaliseMemo` (the build's cache) the normalised project
and cases are kept under a key of the loaded ones, so a rebuild skips the typography.
"""

from __future__ import annotations

import os
import pickle
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError, Problem, display_path
from ..layout.grid import CardSizer
from ..layout.templates import Style
from ..load.cases import load_cases
from ..load.config import load_project
from ..load.design import load_design
from ..normalise import campaign_texts, case_texts, check_coverage, normalise_cases, normalise_project
from ..plan import plan_stands
from .cache import Cache, FileHashes, code_fingerprint, digest, stable_repr
from .options import BuildOptions
from .progress import Progress


def all_fonts(style: Style) -> dict:
    """Every font file a page may use (the style's and its fallbacks)."""
    return getattr(style, "all_fonts", None) or dict(style.fonts)


def font_keys(style: Style, hashes: FileHashes) -> list:
    """(name, path, SHA-256) of every font file: what a product keyed on the fonts reads."""
    return sorted((k, str(p), hashes.sha256(p)) for k, p in all_fonts(style).items())


class NormaliseMemo:
    """The cache as ``prepare`` sees it: read before the folder exists, written after."""

    def __init__(self, cache: Cache, hashes: FileHashes):
        self.cache, self.hashes, self.pending = cache, hashes, []

    def key(self, kind: str, project, cases, fix: bool, style) -> str | None:
        try:
            return digest(kind, code_fingerprint(), stable_repr(project), stable_repr(cases), fix,
                          font_keys(style, self.hashes))
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


def prepare(opts: BuildOptions, progress: Progress | None = None,
            memo: NormaliseMemo | None = None):
    """load + normalise + plan: everything before layout, all errors at once.

    Returns ``(project, style, templates, cases, plans, warnings)``.
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
                                    severity="warning", kind="placeholder"))
    plans, plan_warnings = plan_stands(
        project, cases, CardSizer(design), opts.only,
        fill_faces=lambda f: templates[f.template].has("catalogue"))
    warnings += plan_warnings
    return project, style, templates, cases, plans, warnings
