"""The one error vocabulary of standpress.

Every stage reports trouble as :class:`Problem` values: where (file and
place), which field, what is wrong, and how to fix it.  A stage collects all
the problems it can find and raises one :class:`InputError` carrying them, so
the user sees every mistake in one pass.  Warnings are the same objects with
``severity="warning"``; they travel with results instead of being printed.

Only ``standpress.cli`` (``handle_errors``) turns these exceptions into exit codes:

* :class:`InputError` (bad data, configuration, templates) → exit code 2
* any other :class:`StandpressError` (render, preflight, publish) → exit code 1
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in the input or the output."""

    message: str
    file: str | None = None
    place: str | None = None  # "17:5" for TOML, "row 17" for CSV, "page 2"...
    field: str | None = None  # dotted key or column name
    hint: str | None = None  # how to fix it
    severity: str = "error"  # "error" or "warning"
    # what it concerns, as data (never parsed from the message): the stand (location id)
    # and the case (case id) it is about, and a machine-readable kind of problem
    stand: str | None = None
    case: str | None = None
    # set so far: "lookalike", "placeholder", "fit", "photo-low-res" (below the aim),
    # "photo-below-floor", "preflight-<check>" (e.g. "preflight-images"), "units-unused",
    # "no-cases", "double-card", "own-panel" (plan.py), "signoff" (a panel not approved),
    # "photo-no-credit", "credit-no-photo", "photo-missing", "unknown-key"
    # (``report_problems`` groups the warnings of a build by kind)
    kind: str | None = None
    # what the problem measured, as data for reports (never parsed from the message):
    # (name, value) pairs, e.g. (("photo", "data/photos/x.jpg"), ("ppi", 78),
    # ("target_ppi", 150.0), ("warn_ppi", 100.0), ("format", "citylight"))
    facts: tuple[tuple[str, object], ...] = ()

    def fact(self, name: str, default: object = None) -> object:
        """The value of one of :attr:`facts`, or ``default``."""
        return next((v for k, v in self.facts if k == name), default)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = str(self.file)
            if self.place:
                where += f":{self.place}"
            where += ": "
        elif self.place:
            where = f"{self.place}: "
        field = f'{self.field}: ' if self.field else ""
        text = f"{where}{field}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def display_path(path: str | Path) -> str:
    """A path as the user typed or would recognise it (relative when possible)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class StandpressError(Exception):
    """Base class of every error standpress raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class InputError(StandpressError):
    """The user's data, configuration, templates or fonts are wrong."""

    exit_code = 2

    @classmethod
    def collect(cls, problems: list[Problem], what: str) -> None:
        """Raise one error for all error-severity problems, if there are any."""
        errors = [p for p in problems if p.is_error]
        if errors:
            n = len(errors)
            raise cls(f"{what}: {n} problem{'s' if n != 1 else ''} found", errors)


class FitError(InputError):
    """Text does not fit its frame even at the minimum legible size."""


class RenderError(StandpressError):
    """A backend could not draw a frame."""


class PreflightError(StandpressError):
    """The finished files fail the preflight."""


class PublishError(StandpressError):
    """The output folder could not be written or swapped in."""


def shown_ppi(ppi: float, *bounds: float) -> int | float:
    """``ppi`` as messages show it: whole, or to one decimal (rounded down) where rounding
    would put it on a bound it is below (never «15 ppi, below the floor of 15 ppi»)."""
    if any(ppi < b <= round(ppi) for b in bounds):
        return math.floor(ppi * 10) / 10  # down: 14.97 is 14.9, not 15.0
    return round(ppi)


def ppi_text(ppi: float, *bounds: float) -> str:
    """:func:`shown_ppi` as text."""
    shown = shown_ppi(ppi, *bounds)
    return f"{shown:.1f}" if isinstance(shown, float) else str(shown)
