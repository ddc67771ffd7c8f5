"""What a build takes (:class:`BuildOptions`) and what it gives back (:class:`BuildResult`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem


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
    svg_photos: str = "embed"  # or "link": the SVGs' photos as files beside them (svg/photos/)
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
    warnings: list[Problem] = field(default_factory=list)  # the build's warnings about it


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
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
