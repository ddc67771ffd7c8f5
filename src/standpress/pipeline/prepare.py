"""Everything before layout: load → normalise → plan, every problem at once.

:func:`prepare` reads the locations file, the design (templates, style, fonts) and the
cases, applies Ukrainian typography, checks the fonts cover every printed character, and
assigns the cases to stands and panels. It returns frozen objects and the warnings; it
writes nothing. With a :class:`NormaliseMemo` (the build's cache) the normalised project
and cases are kept under a key of the loaded ones, so a rebuild skips the typography (and
each normalised case under its own content, so an edit sets only the edited case's), and
the card sizer's answers are kept under a key of the design (:class:`RememberedSizer`), so
a rebuild plans again without setting any card whose text, format and design it has
already sized: a no-op rebuild sets none, an edited case only its own.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError, Problem, display_path
from ..layout.grid import CardSizer
from ..layout.templates import Style, Template
from ..load.cases import load_cases
from ..load.config import load_project
from ..load.design import load_design
from ..normalise import campaign_texts, case_texts, check_coverage, normalise_cases, normalise_project
from ..model import Case, Format
from ..plan import Misfit, plan_stands
from .cache import Cache, FileHashes, code_fingerprint, digest, stable_repr
from .options import BuildOptions, cpu_count
from .progress import Progress
from .scheduler import ForkedMap

# the code whose answer about a photo file ``NormaliseMemo.image_facts`` remembers
PHOTO_CHECK_CODE = ("load/cases.py", "load/images.py", "load/sheets.py")


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

    @functools.cached_property
    def photo_check(self) -> str:
        """The name the loader's answers about photo files are remembered under."""
        return "photo-check " + code_fingerprint(PHOTO_CHECK_CODE)[:16]

    def image_facts(self, path: Path, check):
        """The loader's check of a photo file, remembered while the file and the checking
        code are unchanged (``FileHashes.fact``): a PNG's header check decodes it whole."""
        return self.hashes.fact(path, self.photo_check, check)

    def key(self, kind: str, project, cases, fix: bool, style) -> str | None:
        try:
            return digest(kind, code_fingerprint(), stable_repr(project), stable_repr(cases), fix,
                          font_keys(style, self.hashes))
        except (OSError, ValueError):
            return None  # a font that cannot be read is the normaliser's to report

    def get(self, kind: str, key: str | None):
        return self.cache.get(kind, key) if key else None

    def later(self, kind: str, key: str | None, blobs: dict, meta: dict | None = None) -> None:
        if key:
            self.pending.append((kind, key, blobs, meta))

    def flush(self) -> None:
        for kind, key, blobs, meta in self.pending:
            self.cache.put(kind, key, blobs, meta)
        self.pending = []

    def cases(self, cases: list[Case], campaign, fix: bool) -> tuple[list[Case], list[Problem]]:
        """``normalise_cases`` case by case, each case taken from what the cache remembers
        of it when it is there (its whole content and row, the campaign, the code), so an
        edit normalises the edited case only. The same cases and warnings, in order."""
        try:
            key = digest("normalised-cases", code_fingerprint(), fix, stable_repr(campaign))
            names = [digest(stable_repr(c)) for c in cases]
        except ValueError:
            return normalise_cases(cases, campaign, fix)
        entry = self.cache.get("normalised-cases", key)
        try:
            known = pickle.loads(entry.read("pkl")) if entry is not None else {}
        except Exception:  # noqa: BLE001 - an unreadable table: normalise them all
            known = {}
        done: dict[str, tuple] = {}
        for case, name in zip(cases, names):
            if name not in done:
                done[name] = known.get(name) or normalise_cases([case], campaign, fix)
        if any(name not in known for name in names):
            self.later("normalised-cases", key, {"pkl": pickle.dumps(
                done, protocol=pickle.HIGHEST_PROTOCOL)})
        out = [done[name][0][0] for name in names]
        return out, [w for name in names for w in done[name][1]]

    def sizer(self, sizer: CardSizer, style: Style, templates: dict[str, Template]
              ) -> tuple["RememberedSizer", str | None]:
        """``sizer`` answering from what the cache remembers of this design, and the key
        to remember its answers under (None: the design cannot key an entry)."""
        try:
            key = digest("sizes", code_fingerprint(), stable_repr(style), stable_repr(templates),
                         font_keys(style, self.hashes))
        except (OSError, ValueError):
            return RememberedSizer(sizer, {}), None
        entry = self.cache.get("sizes", key)
        known = entry.meta.get("answers") if entry is not None else None
        return RememberedSizer(sizer, known if isinstance(known, dict) else {}), key


class RememberedSizer:
    """A :class:`~standpress.layout.grid.CardSizer` (the planner's ``Sizer``) whose
    answers are looked up in ``known`` first, under a digest of the question: the
    format, grid, span and scale asked about and each case's whole content. Setting a card
    to size it is what the planner spends its time on; an answer depends on nothing
    else but the design, fonts and code, which key the table (:meth:`NormaliseMemo.sizer`).
    ``answers`` holds every answer this build used (to be remembered), ``new`` whether
    any was not known."""

    def __init__(self, sizer: CardSizer, known: dict):
        self.sizer, self.scales = sizer, sizer.scales
        self.known, self.answers, self.new = known, {}, False
        self._names: dict[int, tuple[object, str]] = {}  # id → (the object, its digest)

    def _name(self, obj: Case | Format) -> str:
        hit = self._names.get(id(obj))
        if hit is None or hit[0] is not obj:  # a case's row is not what sizes its card
            content = dataclasses.replace(obj, source=None) if isinstance(obj, Case) else obj
            hit = self._names[id(obj)] = (obj, digest(type(obj).__name__,
                                                      stable_repr(content)))
        return hit[1]

    def _ask(self, question: tuple, compute):
        key = digest(*question)
        if key in self.answers:
            return self.answers[key]
        if key in self.known:
            answer = self.known[key]
        else:
            answer, self.new = compute(), True
        self.answers[key] = answer
        return answer

    def answers_given(self) -> tuple[dict, bool]:
        """The answers so far, and whether any was new (for another process's sizer)."""
        return dict(self.answers), self.new

    def take_answers(self, given: tuple[dict, bool]) -> None:
        """Know the answers another process's sizer gave (:meth:`answers_given`)."""
        answers, new = given
        self.answers.update(answers)
        self.new = self.new or new

    def unknown(self, fmt: Format, cases: list[Case]) -> int:
        """How many of ``cases`` have no card size known on ``fmt`` (its own grid, one
        module: the plan's first question about a case)."""
        f, grid = self._name(fmt), self.sizer.grids(fmt)[0]
        keys = (digest("best_scale", f, grid, self._name(c), (1, 1)) for c in cases)
        return sum(k not in self.answers and k not in self.known for k in keys)

    def grids(self, fmt: Format) -> list[tuple[int, int]]:
        return self.sizer.grids(fmt)

    def spare_kinds(self, fmt: Format) -> tuple[str, ...]:
        return self.sizer.spare_kinds(fmt)

    def misfit(self, fmt: Format, grid: tuple[int, int], case: Case) -> Misfit:
        return self.sizer.misfit(fmt, grid, case)  # once, on the way to an error

    def best_scale(self, fmt: Format, grid: tuple[int, int], case: Case,
                   span: tuple[int, int]) -> float | None:
        return self._ask(("best_scale", self._name(fmt), grid, self._name(case), span),
                         lambda: self.sizer.best_scale(fmt, grid, case, span))

    def photo(self, fmt: Format, grid: tuple[int, int], cases: list[Case],
              scale: float) -> float:
        return self._ask(("photo", self._name(fmt), grid, [self._name(c) for c in cases],
                          scale), lambda: self.sizer.photo(fmt, grid, cases, scale))

    def room(self, fmt: Format, grid: tuple[int, int], case: Case, scale: float) -> float:
        return self._ask(("room", self._name(fmt), grid, self._name(case), scale),
                         lambda: self.sizer.room(fmt, grid, case, scale))

    def overflow_field(self, fmt: Format, grid: tuple[int, int], case: Case,
                       scale: float) -> str:
        return self._ask(("overflow_field", self._name(fmt), grid, self._name(case), scale),
                         lambda: self.sizer.overflow_field(fmt, grid, case, scale))


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
        cases, case_warnings = load_cases(opts.cases, project.campaign,
                                          memo.image_facts if memo else None)
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
        cases, lookalikes = (memo.cases(cases, project.campaign, opts.fix_lookalikes) if memo
                             else normalise_cases(cases, project.campaign, opts.fix_lookalikes))
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
    sizer, sizes_key = CardSizer(design), None
    if memo:
        sizer, sizes_key = memo.sizer(sizer, style, templates)
    plans, plan_warnings = plan_stands(
        project, cases, sizer, opts.only,
        fill_faces=lambda f: templates[f.template].has("catalogue"),
        forks=forks_for_plan(opts.jobs))
    if memo and sizer.new:  # what this build asked, known or not (so the table stays its size)
        memo.later("sizes", sizes_key, {}, {"answers": sizer.answers})
    warnings += plan_warnings
    return project, style, templates, cases, plans, warnings


def forks_for_plan(jobs: int | None) -> ForkedMap | None:
    """The processes the plan may paginate stands in: as many as the build's pool (this
    machine's cores, whatever runs the tasks — the plan runs here), if forking is safe."""
    n = min(jobs or cpu_count(), cpu_count())
    return ForkedMap(n) if n > 1 and ForkedMap.possible() else None
