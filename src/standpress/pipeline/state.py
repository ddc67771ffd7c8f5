"""What the stages of one build share: its cache, scheduler, tally and progress, and what
the main process keeps of each panel (keys and small facts; never pages or pixels)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .cache import Cache, FileHashes
from .progress import Progress
from .scheduler import Scheduler
from .taskspec import products


class Tally(list):
    """What a build made (``list`` of labels) and how many products it reused."""

    reused = 0


class Clock:
    """Seconds per stage."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.stages: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(self.stages.get(name, 0.0) + now - self.t, 4)
        self.t = now


@dataclass
class Run:
    """One build's machinery, handed to every stage."""

    cache: Cache
    hashes: FileHashes
    scheduler: Scheduler
    progress: Progress
    made: Tally = field(default_factory=Tally)
    products: set = field(default_factory=set)  # (cache kind, key) of every product made

    def make(self, tasks: list, costs: list[float] | None = None,
             tick: Callable[[str], None] | None = None,
             needs: list[list[str]] | None = None) -> list:
        """Run ``tasks`` on the scheduler (see ``scheduler``); remember what they made."""
        results = self.scheduler.run(tasks, costs, tick, needs)
        for kind, args in tasks:
            self.products.update(products(kind, args))
        return results


@dataclass
class PanelRecord:
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

    def fill(self, meta: dict) -> None:
        """Take the layout task's metadata."""
        self.page, self.images, self.qr = meta["page"], meta["images"], meta["qr"]
