"""plan: cases → stands → panels.

Every case lands on exactly one stand: the one whose location serves the
case's district (the loader has already checked that each district is served
exactly once). A stand's panels are its cover, its case panels — the cases in
the order of the districts it serves, then by id, ``cards`` to a panel — and
its locator; faces left over get the catalogue panel, so no lit box stands
empty. A stand that needs more panels than its units have faces is an error
naming the stand, the panels needed and the faces available: nothing is
crammed, nothing dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import InputError, Problem
from .model import Case, Format, Location, Project


@dataclass(frozen=True)
class PanelPlan:
    kind: str  # "cover" | "cases" | "locator" | "catalogue" (fills a face left over)
    number: int  # 1-based position on the stand
    cases: tuple[Case, ...] = ()
    unit: int = 1  # which construction of the stand
    side: str = "A"  # which face of it

    @property
    def name(self) -> str:
        """File stem: ``01-cover``, ``02-cases``…"""
        return f"{self.number:02d}-{self.kind}"


@dataclass(frozen=True)
class StandPlan:
    location: Location
    format: Format
    panels: tuple[PanelPlan, ...]

    @property
    def cases(self) -> tuple[Case, ...]:
        return tuple(c for p in self.panels for c in p.cases)


def _sort_key(location: Location) -> Callable[[Case], tuple]:
    order = {d: i for i, d in enumerate(location.serves)}

    def key(case: Case) -> tuple:
        digits = "".join(ch for ch in case.id if ch.isdigit())
        return (order.get(case.district, 99), int(digits) if digits else 0, case.id)

    return key


def plan_stands(project: Project, cases: list[Case],
                cards_per_panel: Callable[[Format], int],
                only: tuple[str, ...] = (),
                fill_faces: Callable[[Format], bool] = lambda f: False,
                ) -> tuple[list[StandPlan], list[Problem]]:
    """Assign cases to stands and paginate them. Returns plans and warnings.

    ``fill_faces(format)`` says whether the format's template has a catalogue
    panel to put on faces the stand would otherwise leave empty. Problems name the
    line of the location they concern (``project.locate``).
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
    for loc in project.locations:
        if only and loc.id not in only:
            continue
        fmt = project.formats[loc.format]
        per = max(1, cards_per_panel(fmt))
        own = sorted(assigned[loc.id], key=_sort_key(loc))
        kinds: list[tuple[str, tuple[Case, ...]]] = [("cover", ())]
        kinds += [("cases", tuple(own[i:i + per])) for i in range(0, len(own), per)]
        kinds.append(("locator", ()))
        faces = loc.units * fmt.faces
        if len(kinds) > faces:
            problems.append(Problem(
                f"stand «{loc.id}» needs {len(kinds)} panels ({len(own)} cases, {per} to a panel, "
                f"plus cover and locator) but its {loc.units} unit(s) of «{fmt.id}» have {faces} faces",
                **at(loc, "units"),
                hint=f"set units = {-(-len(kinds) // fmt.faces)} for this location, or move a "
                     "district to another stand"))
            continue
        used_units = -(-len(kinds) // fmt.faces)
        if fill_faces(fmt):  # the spare faces of the units in use: no lit box stays blank
            kinds += [("catalogue", ())] * (used_units * fmt.faces - len(kinds))
        if used_units < loc.units:
            problems.append(Problem(
                f"stand «{loc.id}» fills {used_units} of its {loc.units} units of «{fmt.id}»; "
                "the rest get no panel", **at(loc, "units"),
                hint=f"set units = {used_units} unless more cases are coming",
                severity="warning"))
        if not own:
            problems.append(Problem(
                f"stand «{loc.id}» has no cases (districts: {', '.join(loc.serves)}); "
                "it gets its cover and locator only", **at(loc, "serves"), severity="warning"))
        panels = tuple(
            PanelPlan(kind, n + 1, cs, unit=n // fmt.faces + 1, side="AB"[n % fmt.faces])
            for n, (kind, cs) in enumerate(kinds))
        plans.append(StandPlan(loc, fmt, panels))
    InputError.collect(problems, "the stands cannot be planned")
    return plans, problems
