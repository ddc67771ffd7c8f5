"""plan: cases → stands → panels → cards.

Every case lands on exactly one stand: the one whose location serves the case's
district (the loader has already checked that each district is served exactly
once). A stand's panels are its cover, its case panels — the cases in the order
of the districts it serves, then by id — and its locator; the face left over on
the last unit gets the catalogue panel, so no lit box stands empty.

How many case panels, and which card goes where, is decided with a ``Sizer`` the
layout stage provides (``layout.grid.CardSizer``): the grid of a format (columns ×
rows of modules) and, for each case, the largest type scale at which its card fits
one module, two, or a whole panel. For each candidate grid (the format's own first,
then denser ones) the planner takes the fewest panels that hold every case, the
largest scale at which the cases pack into them, and spreads the cases evenly
(9 over 3 panels: 3 + 3 + 3). A case too long for one module at that scale takes
two (a double card) or a panel of its own; modules left empty become spare cards
with content of their own. A stand that needs more panels than its units have faces
is an error naming the stand, the panels needed and the faces available; a case
that fits no card is an error naming the case, the field and how much to cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Protocol

from .errors import InputError, Problem
from .model import Case, Format, Location, Project


@dataclass(frozen=True)
class Slot:
    """A card on a case panel: its module, its span, and its case or spare content."""

    col: int
    row: int
    cols: int = 1
    rows: int = 1
    case: Case | None = None
    spare: str = ""  # what a spare card carries ("index", "howto", "intro", …; "": a ground)


@dataclass(frozen=True)
class Grid:
    """A stand's case-panel grid and its one type scale."""

    cols: int
    rows: int
    scale: float = 1.0  # multiple of every card style's size (floored at its minimum)
    photo: float = 0.0  # photo height of every card, mm (0: the template's least)


@dataclass(frozen=True)
class PanelPlan:
    kind: str  # "cover" | "cases" | "locator" | "catalogue" (fills a face left over)
    number: int  # 1-based position on the stand
    cases: tuple[Case, ...] = ()
    unit: int = 1  # which construction of the stand
    side: str = "A"  # which face of it
    slots: tuple[Slot, ...] = ()

    @property
    def name(self) -> str:
        """File stem: ``01-cover``, ``02-cases``…"""
        return f"{self.number:02d}-{self.kind}"


@dataclass(frozen=True)
class StandPlan:
    location: Location
    format: Format
    panels: tuple[PanelPlan, ...]
    grid: Grid | None = None

    @property
    def cases(self) -> tuple[Case, ...]:
        return tuple(c for p in self.panels for c in p.cases)


class Misfit(Exception):
    """A case fits no card at the minimum legible sizes: what overflows and by how much."""

    def __init__(self, case: Case, field: str, message: str, hint: str):
        super().__init__(message)
        self.case, self.field, self.message, self.hint = case, field, message, hint


class Sizer(Protocol):
    """What the planner asks the layout stage (``layout.grid.CardSizer``)."""

    scales: tuple[float, ...]  # the type scales a stand may take, largest first

    def grids(self, fmt: Format) -> list[tuple[int, int]]:
        """Candidate (cols, rows) of a case panel, the format's own first."""

    def best_scale(self, fmt: Format, grid: tuple[int, int], case: Case,
                   span: tuple[int, int]) -> float | None:
        """The largest scale at which the case's card fits ``span`` modules, or None."""

    def misfit(self, fmt: Format, grid: tuple[int, int], case: Case) -> Misfit:
        """Why the case fits not even a whole panel."""

    # (optional) unknown(fmt, cases) -> int: how many of the cases' cards it has not
    # sized before (a sizer that remembers); without it, all of them

    def photo(self, fmt: Format, grid: tuple[int, int], cases: list[Case],
              scale: float) -> float:
        """The photo height every card of the stand gets at ``scale``."""

    def spare_kinds(self, fmt: Format) -> tuple[str, ...]:
        """What spare cards carry on this format, in order."""

    def room(self, fmt: Format, grid: tuple[int, int], case: Case, scale: float) -> float:
        """The height (mm) the case's single card leaves over at ``scale`` (its length)."""

    def overflow_field(self, fmt: Format, grid: tuple[int, int], case: Case,
                       scale: float) -> str:
        """The field that keeps the case's card from fitting one module at ``scale``."""


class FixedSizer:
    """A sizer for planning without layout (tests): every case fits one module."""

    scales = (1.0,)

    def __init__(self, cols: int = 2, rows: int = 2):
        self.grid = (cols, rows)

    def grids(self, fmt):
        return [self.grid]

    def best_scale(self, fmt, grid, case, span):
        return 1.0

    def misfit(self, fmt, grid, case):  # pragma: no cover - every case fits
        raise AssertionError

    def photo(self, fmt, grid, cases, scale):
        return 0.0

    def spare_kinds(self, fmt):
        return ("index", "howto", "figures")

    def room(self, fmt, grid, case, scale):
        return 0.0

    def overflow_field(self, fmt, grid, case, scale):  # pragma: no cover - never wider
        return "summary"


def _sort_key(location: Location) -> Callable[[Case], tuple]:
    order = {d: i for i, d in enumerate(location.serves)}

    def key(case: Case) -> tuple:
        digits = "".join(ch for ch in case.id if ch.isdigit())
        return (order.get(case.district, 99), int(digits) if digits else 0, case.id)

    return key


def plan_stands(project: Project, cases: list[Case], sizer: Sizer,
                only: tuple[str, ...] = (),
                fill_faces: Callable[[Format], bool] = lambda f: False,
                forks: Forks | None = None) -> tuple[list[StandPlan], list[Problem]]:
    """Assign cases to stands and paginate them. Returns plans and warnings.

    ``fill_faces(format)`` says whether the format's template has a catalogue
    panel to put on the face a stand would otherwise leave empty. Problems name the
    line of the location they concern (``project.locate``). ``forks``: the processes the
    stands may be paginated in (:func:`paginate_stands`).
    """

    def at(loc: Location, key: str) -> dict:
        dotted = f"location[{loc.number - 1}].{key}"
        file, place = project.locate(dotted)
        return {"file": file, "place": place, "field": dotted}

    by_district: dict[str, Location] = {d: loc for loc in project.locations for d in loc.serves}
    assigned: dict[str, list[Case]] = {loc.id: [] for loc in project.locations}
    problems: list[Problem] = []
    for case in cases:
        loc = by_district.get(case.district)
        if loc is None:  # the loader prevents this; never drop a case silently
            src = case.source
            problems.append(Problem(f'no stand serves the district "{case.district}"',
                                    src.file if src else None, src.place if src else None,
                                    "district", "add the district to a location's serves list"))
            continue
        assigned[loc.id].append(case)
    plans: list[StandPlan] = []
    chosen = [loc for loc in project.locations if not only or loc.id in only]
    owns = [sorted(assigned[loc.id], key=_sort_key(loc)) for loc in chosen]
    paginated = paginate_stands(
        [(project.formats[loc.format], own,
          max(1, loc.units * project.formats[loc.format].faces - 2))
         for loc, own in zip(chosen, owns)], sizer, forks)
    for loc, own, got in zip(chosen, owns, paginated):
        fmt = project.formats[loc.format]
        faces = loc.units * fmt.faces
        if isinstance(got, Misfit):
            src = got.case.source
            problems.append(Problem(f"case {got.case.id}: {got.message}",
                                    src.file if src else None, src.place if src else None,
                                    got.field, got.hint))
            continue
        grid, pages = got
        kinds: list[tuple[str, tuple[Slot, ...]]] = [("cover", ())]
        kinds += [("cases", slots) for slots in pages]
        kinds.append(("locator", ()))
        if len(kinds) > faces:
            per = grid.cols * grid.rows
            problems.append(Problem(
                f"stand «{loc.id}» needs {len(kinds)} panels ({len(own)} cases, at most {per} to "
                f"a panel of «{fmt.id}», plus cover and locator) but its {loc.units} unit(s) "
                f"have {faces} faces",
                **at(loc, "units"),
                hint=f"set units = {-(-len(kinds) // fmt.faces)} for this location, or move a "
                     "district to another stand"))
            continue
        used_units = -(-len(kinds) // fmt.faces)
        # one catalogue face (the code at most twice on a stand): on a face left over, or,
        # for single-faced formats (posters), on a unit the stand would leave unused
        if fill_faces(fmt) and (used_units * fmt.faces > len(kinds)
                                or (fmt.faces == 1 and used_units < loc.units)):
            kinds.append(("catalogue", ()))
            used_units = -(-len(kinds) // fmt.faces)
        if used_units < loc.units:
            problems.append(Problem(
                f"stand «{loc.id}» fills {used_units} of its {loc.units} units of «{fmt.id}»; "
                "the rest get no panel", **at(loc, "units"),
                hint=f"set units = {used_units} unless more cases are coming",
                stand=loc.id, kind="units-unused",
                severity="warning"))
        if not own:
            problems.append(Problem(
                f"stand «{loc.id}» has no cases (districts: {', '.join(loc.serves)}); "
                "it gets its cover and locator only", **at(loc, "serves"), severity="warning",
                stand=loc.id, kind="no-cases"))
        for slots in pages:  # a case that takes more room than one card: say so
            for s in slots:
                if s.case is not None and s.cols * s.rows > 1 and (sizer.best_scale(
                        fmt, (grid.cols, grid.rows), s.case, (1, 1)) or 0) < grid.scale - 1e-9:
                    src = s.case.source
                    field = sizer.overflow_field(fmt, (grid.cols, grid.rows), s.case, grid.scale)
                    whole = s.cols == grid.cols and s.rows == grid.rows
                    problems.append(Problem(
                        f"case {s.case.id}: {field}: too long for one card at the type sizes of "
                        f"stand «{loc.id}»; it takes "
                        + ("a panel of its own" if whole else "two modules (a double card)"),
                        src.file if src else None, src.place if src else None, field,
                        hint=f"shorten the {field} to keep it a single card", severity="warning",
                        stand=loc.id, case=s.case.id, kind="double-card" if not whole
                        else "own-panel"))
        panels = tuple(
            PanelPlan(kind, n + 1, tuple(sorted((s.case for s in slots if s.case is not None),
                                                key=own.index)),
                      unit=n // fmt.faces + 1, side="AB"[n % fmt.faces], slots=slots)
            for n, (kind, slots) in enumerate(kinds))
        plans.append(StandPlan(loc, fmt, panels, grid))
    InputError.collect(problems, "the stands cannot be planned")
    return plans, problems


_Stand = tuple[Format, list[Case], int]  # format, its cases in order, most case panels


class Forks(Protocol):
    """Runs a function over items in forked processes (``pipeline.scheduler.ForkedMap``):
    forked, so they see this process's ``_forked``."""

    jobs: int

    def __call__(self, fn: Callable[[Any], Any], items: list) -> list: ...


_forked: list = []  # (stands, sizer) for the processes paginate_stands forks
FORK_FROM = 8  # cards to set before forking pays: a card takes ~0.04 s, forking ~0.1 s and
# the layout workers, forked from this process, then lack the paragraphs the plan set


def paginate_stands(stands: list[_Stand], sizer: Sizer, forks: Forks | None = None) -> list:
    """:func:`paginate` of each stand: (grid, pages), or the :class:`Misfit` it raised.

    Stands are independent, and sizing their cards (setting each card at several type
    scales) is the plan's whole cost, so with ``forks`` (up to ``forks.jobs`` processes)
    and several stands with cards to size they are shared out, the most work first, among
    forked processes. A process sends back its stands' pages (cases by position) and what
    its sizer answered, which this one takes (the plan's later questions, and the answers a
    build remembers, are the same as if it had asked them itself). The stands whose cards
    the sizer already knows (``sizer.unknown``: a rebuild) are paginated here, and all of
    them when fewer than ``FORK_FROM`` cards are to be set, or the sizer cannot hand its
    answers over.
    """
    unknown = getattr(sizer, "unknown", lambda fmt, own: len(own))
    work = [unknown(fmt, own) for fmt, own, _ in stands]  # cards to set, per stand
    heavy = [i for i in range(len(stands)) if work[i]]
    workers = min(forks.jobs, len(heavy)) if forks is not None else 1
    if workers < 2 or not hasattr(sizer, "answers_given") or sum(work) < FORK_FROM:
        return [_paginated(fmt, own, sizer, most) for fmt, own, most in stands]
    shares: list[list[int]] = [[] for _ in range(workers)]
    load = [0] * workers
    for i in sorted(heavy, key=lambda i: -work[i]):
        least = load.index(min(load))
        shares[least].append(i)
        load[least] += work[i] + 1
    _forked[:] = [stands, sizer]
    try:
        done = forks(_paginate_share, shares)
    finally:
        _forked.clear()
    out: list = [None] * len(stands)
    for share, (results, answers) in zip(shares, done):
        sizer.take_answers(answers)
        for i, got in zip(share, results):
            out[i] = _unpacked(got, stands[i][1])
    for i, (fmt, own, most) in enumerate(stands):  # the stands whose cards are all known
        if out[i] is None:
            out[i] = _paginated(fmt, own, sizer, most)
    return out


def _paginated(fmt: Format, own: list[Case], sizer: Sizer, most: int):
    try:
        return paginate(fmt, own, sizer, most)
    except Misfit as m:
        return m


def _paginate_share(share: list[int]) -> tuple[list, object]:
    """In a forked process: the stands of ``share`` paginated, packed (cases by their
    position among the stand's), and the sizer's answers."""
    stands, sizer = _forked
    results = []
    for i in share:
        fmt, own, most = stands[i]
        at = {id(c): n for n, c in enumerate(own)}
        got = _paginated(fmt, own, sizer, most)
        if isinstance(got, Misfit):
            results.append(("misfit", at[id(got.case)], got.field, got.message, got.hint))
        else:
            grid, pages = got
            results.append(("ok", grid, [[(s.col, s.row, s.cols, s.rows,
                                           None if s.case is None else at[id(s.case)], s.spare)
                                          for s in page] for page in pages]))
    return results, sizer.answers_given()


def _unpacked(got: tuple, own: list[Case]):
    if got[0] == "misfit":
        return Misfit(own[got[1]], *got[2:])
    return got[1], [tuple(Slot(col, row, cols, rows, None if n is None else own[n], spare)
                          for col, row, cols, rows, n, spare in page) for page in got[2]]


def paginate(fmt: Format, cases: list[Case], sizer: Sizer,
             max_panels: int) -> tuple[Grid, list[tuple[Slot, ...]]]:
    """The grid, scale and cards of a stand's case panels (see the module's text).

    Tries the format's grids in order and keeps the first that holds the cases in at
    most ``max_panels`` panels; if none does, the format's own grid (the caller then
    reports the panels it needs).
    """
    first: tuple[Grid, list[tuple[Slot, ...]]] | None = None
    for cols_rows in sizer.grids(fmt):
        got = _paginate_grid(fmt, cases, sizer, cols_rows, max_panels)
        if got is None:
            continue
        if first is None:
            first = got
        if len(got[1]) <= max_panels:
            return got
    if first is None:  # no grid holds some case: name it on the format's own grid
        own = sizer.grids(fmt)[0]
        for case in cases:
            if sizer.best_scale(fmt, own, case, own) is None:
                raise sizer.misfit(fmt, own, case)
        raise AssertionError("a grid failed without a case that fits nowhere")
    return first


def _spans(cols: int, rows: int) -> list[tuple[int, int]]:
    """One module, two (side by side, or stacked in one column), a whole panel."""
    out = [(1, 1), (2, 1) if cols >= 2 else (1, 2), (cols, rows)]
    return [s for i, s in enumerate(out) if s[0] <= cols and s[1] <= rows and s not in out[:i]]


def _paginate_grid(fmt: Format, cases: list[Case], sizer: Sizer, grid: tuple[int, int],
                   max_panels: int) -> tuple[Grid, list[tuple[Slot, ...]]] | None:
    """The stand's scale is the largest at which every case but the outliers fits one
    module (an outlier: a case whose own largest scale is under 0.8 × the median); the
    outliers take two modules or a panel. Then the fewest panels that hold them."""
    cols, rows = grid
    spans = _spans(cols, rows)

    def best(case: Case, span: tuple[int, int]) -> float | None:
        # asked for only where the answer matters: a case that fits one module at the
        # stand's scale is never sized for two or a panel (the searches are the plan's cost)
        return sizer.best_scale(fmt, grid, case, span)

    if any(best(c, spans[0]) is None and all(best(c, s) is None for s in spans[1:])
           for c in cases):
        return None
    if not cases:
        top = sizer.scales[0]
        return Grid(cols, rows, top, sizer.photo(fmt, grid, [], top)), []
    single = sorted(best(c, spans[0]) or 0.0 for c in cases)
    median = single[len(single) // 2]
    ordinary = [s for s in single if s >= 0.8 * median]
    start = max(min(ordinary), sizer.scales[-1])
    fewest = -(-len(cases) // (cols * rows))
    # within the stand's faces if any scale allows, else the fewest beyond (reported)
    for limit in (max_panels, max(max_panels, fewest) + 2):
        got = _at_best_scale(fmt, cases, sizer, grid, best, start, min(len(cases), limit))
        if got is not None:
            return got
    return None


def _at_best_scale(fmt, cases, sizer, grid, best, start, limit):
    cols, rows = grid
    spans = _spans(cols, rows)
    kinds = sizer.spare_kinds(fmt)
    fewest = -(-len(cases) // (cols * rows))
    for scale in (s for s in sizer.scales if s <= start + 1e-9):
        span_of = {}
        for c in cases:
            fits = next((s for s in spans if (best(c, s) or 0.0) >= scale - 1e-9), None)
            if fits is None:
                break
            span_of[c.id] = fits
        else:
            for panels in range(fewest, limit + 1):
                pages = _pack(cases, span_of, cols, rows, panels)
                if pages is not None:
                    singles = [c for c in cases if span_of[c.id] == (1, 1)] or cases
                    photo = sizer.photo(fmt, grid, singles, scale)
                    room = {c.id: sizer.room(fmt, grid, c, scale) for c in cases
                            if span_of[c.id] == (1, 1)}
                    pages = [_pair_rows(page, room) for page in pages]
                    return Grid(cols, rows, scale, photo), _spares(pages, cols, rows, kinds)
    return None


def _pack(cases: list[Case], span_of: dict, cols: int, rows: int,
          panels: int) -> list[list[Slot]] | None:
    """Cut the ordered cases into ``panels`` runs of ⌊n/p⌋ or ⌈n/p⌉ that each fit one panel."""
    n = len(cases)
    small, extra = divmod(n, panels)
    if small == 0:
        return None
    for bigger in combinations(range(panels), extra):
        sizes = [small + (1 if i in bigger else 0) for i in range(panels)]
        pages, start = [], 0
        for size in sizes:
            page = _place(cases[start:start + size], span_of, cols, rows)
            if page is None:
                break
            pages.append(page)
            start += size
        else:
            return pages
    return None


def _place(run: list[Case], span_of: dict, cols: int, rows: int) -> list[Slot] | None:
    """Cards of one panel in reading order, the larger spans placed first."""
    taken = [[False] * cols for _ in range(rows)]
    placed: dict[str, Slot] = {}
    order = sorted(run, key=lambda c: -span_of[c.id][0] * span_of[c.id][1])
    for case in order:
        sc, sr = span_of[case.id]
        spot = next(((cx, cy) for cy in range(rows - sr + 1) for cx in range(cols - sc + 1)
                     if all(not taken[cy + j][cx + i] for i in range(sc) for j in range(sr))),
                    None)
        if spot is None:
            return None
        cx, cy = spot
        for i in range(sc):
            for j in range(sr):
                taken[cy + j][cx + i] = True
        placed[case.id] = Slot(cx, cy, sc, sr, case)
    return sorted(placed.values(), key=lambda s: (s.row, s.col))


def _pair_rows(page: list[Slot], room: dict) -> list[Slot]:
    """The single cards of a panel in order of length, shortest first: cards of like length
    share a row, so a long case never holds its short neighbour's photo down to its own
    (a row's photos are one height), and the longest sits beside any spare room."""
    singles = [s for s in page if s.cols * s.rows == 1]
    ranked = sorted((s.case for s in singles), key=lambda c: -room[c.id])
    moved = {(s.col, s.row): Slot(s.col, s.row, 1, 1, c) for s, c in zip(singles, ranked)}
    return sorted([moved.get((s.col, s.row), s) if s.cols * s.rows == 1 else s for s in page],
                  key=lambda s: (s.row, s.col))


def _spares(pages: list[list[Slot]], cols: int, rows: int,
            kinds: tuple[str, ...]) -> list[tuple[Slot, ...]]:
    """Empty modules become spare cards: the rest of a row is one card, empty rows one more;
    each carries the next kind of content (the template's kinds, less what its other panels
    print), so nothing on a stand repeats. When the kinds run out, a case card beside the
    spare room grows into it (a double card) instead."""
    out: list[tuple[Slot, ...]] = []
    queue = list(kinds)
    for slots in pages:
        taken = {(s.col + i, s.row + j) for s in slots for i in range(s.cols) for j in range(s.rows)}
        spare: list[Slot] = []
        full_rows = [r for r in range(rows) if all((c, r) not in taken for c in range(cols))]
        for r in range(rows):
            if r in full_rows:
                continue
            free = [c for c in range(cols) if (c, r) not in taken]
            if free and free == list(range(free[0], free[0] + len(free))):
                spare.append(Slot(free[0], r, len(free), 1))
            else:  # scattered holes: one card each
                spare += [Slot(c, r) for c in free]
        if full_rows:
            spare.append(Slot(0, full_rows[0], cols, len(full_rows)))
        cards = list(slots)
        for s in sorted(spare, key=lambda s: (s.row, s.col)):
            if queue:
                cards.append(Slot(s.col, s.row, s.cols, s.rows, None, queue.pop(0)))
                continue
            grown = _grow(cards, s)
            if grown is None:  # no case card borders it: an empty ground, never a repeat
                cards.append(Slot(s.col, s.row, s.cols, s.rows, None, ""))
        out.append(tuple(sorted(cards, key=lambda s: (s.row, s.col))))
    return out


def _grow(cards: list[Slot], room: Slot) -> Slot | None:
    """Let a single case card that shares a whole edge with ``room`` take it over (beside
    it first: a double card; else above it). Replaces the card in ``cards``."""
    def beside(s: Slot) -> bool:
        return s.row == room.row and s.rows == room.rows and (
            s.col + s.cols == room.col or room.col + room.cols == s.col)

    def above(s: Slot) -> bool:
        return s.col == room.col and s.cols == room.cols and (
            s.row + s.rows == room.row or room.row + room.rows == s.row)

    for test in (beside, above):
        found = [s for s in cards if s.case is not None and s.cols * s.rows == 1 and test(s)]
        if found:
            s = found[-1]
            grown = Slot(min(s.col, room.col), min(s.row, room.row),
                         s.cols + (room.cols if test is beside else 0),
                         s.rows + (room.rows if test is above else 0), s.case)
            cards[cards.index(s)] = grown
            return grown
    return None
