"""Problems as people read them: sorted by file and place, grouped by kind, counted.

Pure functions over :class:`~standpress.errors.Problem` values (no printing, no files),
shared by ``standpress build`` (``cli/pipeline.py``, ``cli/common.py``) and
``standpress watch`` (``serve.Watcher``):

* :func:`sort_problems` — by file, then by place read as numbers («row 5» before
  «row 55»), then field, case and message;
* :func:`group_problems` — the problems of one kind (and, for photos, one format) as one
  :class:`ProblemGroup`: a headline that counts them («13 photos below 100 ppi on
  «citylight» (aim: 150 ppi)») and a line for each;
* :func:`problem_lines` — the lines to print: a group of one as the problem itself, a
  larger group as its headline (``verbose``: and a line per problem);
* :func:`changed_problems` — what is new and what is gone between two builds;
* :func:`problem_json` / :func:`group_json` — the same as data, for ``--json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import Problem

__all__ = ["sort_key", "sort_problems", "ProblemGroup", "group_problems", "problem_lines",
           "changed_problems", "problem_json", "group_json"]

PHOTO_KINDS = ("photo-low-res", "photo-below-floor")


def _natural(text: str | None) -> tuple:
    """«row 5» < «row 55», «17:5» < «17:12»: the numbers in a place compared as numbers."""
    if not text:
        return ()
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.findall(r"\d+|\D+", text))


def sort_key(p: Problem) -> tuple:
    """File (problems without one last), place (numbers as numbers), field, case, message."""
    return (p.file is None, str(p.file or ""), _natural(p.place), p.field or "",
            _natural(p.case), p.message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """The problems in reading order: by file, then row or line (see :func:`sort_key`)."""
    return sorted(problems, key=sort_key)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


#: kind → the headline of a group of ``n`` problems of that kind
HEADLINES = {
    "lookalike": lambda n, p: f"{_n(n, 'word')} mixing Latin and Cyrillic letters",
    "placeholder": lambda n, p: f"{_n(n, 'placeholder address', 'placeholder addresses')}",
    "double-card": lambda n, p: f"{_n(n, 'case')} too long for one card",
    "fit": lambda n, p: f"{_n(n, 'text')} that do not fit",
    "units-unused": lambda n, p: f"{_n(n, 'stand')} with units that get no panel",
    "no-cases": lambda n, p: f"{_n(n, 'stand')} without cases",
    "own-panel": lambda n, p: f"{_n(n, 'case')} taking a panel of its own",
    "photo-no-credit": lambda n, p: f"{_n(n, 'photo')} without a credit",
    "credit-no-photo": lambda n, p: f"{_n(n, 'credit')} without a photo",
    "photo-missing": lambda n, p: f"{_n(n, 'photo')} that cannot be used",
    "photo-transparent": lambda n, p: f"{_n(n, 'photo')} with transparent areas (printed white)",
    "unknown-key": lambda n, p: f"{_n(n, 'unknown key')} ignored",
    "photo-low-res": lambda n, p: (
        f"{_n(n, 'photo')} below {_num(p.fact('warn_ppi'))} ppi on «{p.fact('format')}» "
        f"(aim: {_num(p.fact('target_ppi'))} ppi)"),
    "photo-below-floor": lambda n, p: (
        f"{_n(n, 'photo')} below the floor of {_num(p.fact('min_ppi'))} ppi on "
        f"«{p.fact('format')}»"),
}


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind and severity (photos: and one format), in reading order."""

    kind: str | None
    severity: str
    problems: tuple[Problem, ...]

    @property
    def count(self) -> int:
        return len(self.problems)

    @property
    def headline(self) -> str:
        """One line that counts the group: «13 photos below 100 ppi on «citylight» …»."""
        first = self.problems[0]
        make = HEADLINES.get(self.kind or "")
        if make is None and (self.kind or "").startswith("preflight-"):
            return f"{_n(self.count, 'preflight finding')} «{self.kind[len('preflight-'):]}»"
        if make is None:
            noun = "error" if self.severity == "error" else "warning"
            return f"{_n(self.count, noun)}" + (f" of kind «{self.kind}»" if self.kind else "")
        return make(self.count, first)

    def item_lines(self) -> list[str]:
        """A line per problem. Photos as a table: case, stand, where it is named, the photo
        file, the resolution it prints at and the aim (or floor)."""
        if self.kind not in PHOTO_KINDS:
            return [str(p) for p in self.problems]
        rows = []
        for p in self.problems:
            where = f"{p.file}:{p.place}" if p.file and p.place else (p.file or "")
            limit = ("floor", p.fact("min_ppi")) if self.kind == "photo-below-floor" else \
                ("aim", p.fact("target_ppi"))
            rows.append((f"case {p.case}", p.stand or "", where, str(p.fact("photo", "")),
                         f"{_num(p.fact('ppi'))} ppi", f"({limit[0]} {_num(limit[1])})"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = []
        for r in rows:
            cells = [v.rjust(w) if i == 4 else v.ljust(w) for i, (v, w) in
                     enumerate(zip(r, widths)) if w]
            lines.append("  ".join(cells).rstrip())
        hint = self.problems[0].hint
        if hint and all(p.hint == hint for p in self.problems):
            lines.append(f"— {hint}")
        return lines


def _group_key(p: Problem) -> tuple:
    if p.kind is None:  # a problem of no known kind stands alone
        return (p.severity, None, id(p))
    return (p.severity, p.kind, p.fact("format") if p.kind in PHOTO_KINDS else None)


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """The problems grouped by severity and ``kind`` (photos: and format), each group in
    reading order, the groups in the order of their first problems (errors first)."""
    groups: dict[tuple, list[Problem]] = {}
    for p in sort_problems(problems):
        groups.setdefault(_group_key(p), []).append(p)
    found = [ProblemGroup(k[1], k[0], tuple(ps)) for k, ps in groups.items()]
    return sorted(found, key=lambda g: (g.severity != "error", sort_key(g.problems[0])))


def problem_lines(problems: Iterable[Problem], verbose: bool = False,
                  more: str = " — see --verbose", tag: str | None = None) -> list[str]:
    """The lines to print, ``  warning: …`` each: a group of one problem as the problem
    itself; a larger group as its headline followed (``verbose``) by a line per problem, or
    (not verbose) by ``more``. ``tag`` replaces «warning» / «error» (e.g. «new warning»)."""
    lines = []
    for g in group_problems(problems):
        label = tag or ("error" if g.severity == "error" else "warning")
        if g.count == 1:
            lines.append(f"  {label}: {g.problems[0]}")
        elif verbose:
            lines.append(f"  {label}: {g.headline}:")
            lines += [f"      {line}" for line in g.item_lines()]
        else:
            lines.append(f"  {label}: {g.headline}{more}")
    return lines


def _identity(p: Problem) -> tuple:
    return (p.severity, str(p))


def changed_problems(before: Iterable[Problem], after: Iterable[Problem]
                     ) -> tuple[list[Problem], list[Problem]]:
    """(new, gone): the problems of ``after`` that ``before`` did not have, and those of
    ``before`` that ``after`` has no more (a problem is the same if it reads the same)."""
    old = {_identity(p) for p in before}
    new_ids = {_identity(p) for p in after}
    return ([p for p in sort_problems(after) if _identity(p) not in old],
            [p for p in sort_problems(before) if _identity(p) not in new_ids])


def problem_json(p: Problem) -> dict:
    """A problem as data: every field, ``text`` as the CLI prints it, and its facts."""
    return {"message": p.message, "file": p.file, "place": p.place, "field": p.field,
            "hint": p.hint, "severity": p.severity, "stand": p.stand, "case": p.case,
            "kind": p.kind, "facts": dict(p.facts), "text": str(p)}


def group_json(g: ProblemGroup) -> dict:
    """A group as data: its kind, severity, count, headline and the text of each problem."""
    return {"kind": g.kind, "severity": g.severity, "count": g.count,
            "headline": g.headline, "problems": [str(p) for p in g.problems]}
