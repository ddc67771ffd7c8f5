"""What a build says while it works: notes, and counted steps (panels, images, stands…).

The build reports to a :class:`Progress`; it knows nothing of terminals. Three listeners:

* :class:`Progress` itself says nothing (the default, and ``--quiet``/``--json``);
* :class:`Lines` turns everything into lines for a callback (``watch --verbose``, logs);
* :class:`Bar` draws a live bar on a terminal (stderr), one line per finished step, and
  falls back to those lines when stderr is not a terminal (CI logs, pipes).

A step is started with :meth:`Progress.step` (its name, how many items, what they are;
or several kinds at once, ``{"images": 100, "PDFs": 52}``), advanced with
:meth:`Progress.advance` as items finish (products taken from the cache count at once),
and ended with :meth:`Progress.end`.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import Callable, TextIO


class Progress:
    """The silent listener, and the interface a build reports to."""

    def note(self, message: str) -> None:
        """A line of information (cases read, a stand assembled…)."""

    def step(self, name: str, total: int | dict[str, int], unit: str = "",
             reused: int | dict[str, int] = 0) -> None:
        """A counted step starts: ``total`` items of ``unit``, ``reused`` of them already
        done; or ``total`` and ``reused`` per unit as dicts."""

    def advance(self, n: int = 1, unit: str | None = None) -> None:
        """``n`` more items (of ``unit``; default: the step's first) are done."""

    def end(self) -> None:
        """The current step is finished."""

    def close(self) -> None:
        """The build is over (or failed): leave the terminal clean."""

    # a plain callable is still accepted where a Progress is wanted
    @staticmethod
    def of(listener: "Progress | Callable[[str], None] | None") -> "Progress":
        if listener is None:
            return Progress()
        if isinstance(listener, Progress):
            return listener
        return Lines(listener)


class _Counter(Progress):
    """Keeps the current step's numbers."""

    def __init__(self) -> None:
        self.name = ""
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.reused = 0
        self.started = 0.0
        self.active = False

    def step(self, name: str, total: int | dict[str, int], unit: str = "",
             reused: int | dict[str, int] = 0) -> None:
        if self.active:
            self.end()
        totals = dict(total) if isinstance(total, dict) else {unit: total}
        hits = dict(reused) if isinstance(reused, dict) else {next(iter(totals)): reused}
        self.name, self.totals = name, totals
        self.done = {u: min(totals[u], hits.get(u, 0)) for u in totals}
        self.reused = sum(self.done.values())
        self.started = time.monotonic()
        self.active = True

    def advance(self, n: int = 1, unit: str | None = None) -> None:
        unit = unit if unit in self.totals else next(iter(self.totals), None)
        if unit is not None:
            self.done[unit] = min(self.totals[unit], self.done[unit] + n)

    @property
    def fraction(self) -> float:
        total = sum(self.totals.values())
        return sum(self.done.values()) / total if total else 1.0

    def counts(self) -> str:
        return ", ".join(f"{self.done[u]}/{t} {u}" for u, t in self.totals.items())

    def summary(self) -> str:
        made = sum(self.done.values()) - self.reused
        parts = [f"{self.name}: {self.counts()}"]
        if self.reused:
            parts.append(f"{made} made, {self.reused} from the cache")
        parts.append(f"{time.monotonic() - self.started:.1f} s")
        return " · ".join(parts)


class Lines(_Counter):
    """Every note and every finished step as one line for ``echo``."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        super().__init__()
        self.echo = echo

    def note(self, message: str) -> None:
        self.echo(message)

    def end(self) -> None:
        if self.active:
            self.active = False
            self.echo(self.summary())


class Bar(_Counter):
    """A live bar on a terminal: ``photos  ████████░░░░  63/100 images  12 s``.

    Redrawn at most ten times a second; notes are printed above it. When ``stream`` is
    not a terminal it behaves like :class:`Lines` (no carriage returns in a log file).
    """

    FILL, EMPTY = "█", "░"

    def __init__(self, stream: TextIO | None = None, prefix: str = "· ") -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.prefix = prefix
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._drawn = 0.0
        self._shown = False

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _clear(self) -> None:
        if self._shown:
            self._write("\r\x1b[2K")
            self._shown = False

    def _draw(self, force: bool = False) -> None:
        if not (self.live and self.active):
            return
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        width = shutil.get_terminal_size((80, 20)).columns
        count = self.counts()
        tail = f"{now - self.started:4.0f} s"
        label = f"{self.prefix}{self.name:<8} "
        room = width - 1 - len(label) - len(count) - len(tail) - 4  # two gaps of two
        bar = ""
        if room >= 10:
            size = min(room, 40)
            full = int(size * self.fraction)
            bar = self.FILL * full + self.EMPTY * (size - full) + "  "
        line = f"{label}{bar}{count}  {tail}"
        self._write("\r\x1b[2K" + line[:width - 1])
        self._shown = True

    def note(self, message: str) -> None:
        self._clear()
        self._write(f"{self.prefix}{message}\n")
        self._draw(force=True)

    def step(self, name: str, total: int | dict[str, int], unit: str = "",
             reused: int | dict[str, int] = 0) -> None:
        super().step(name, total, unit, reused)
        self._draw(force=True)

    def advance(self, n: int = 1, unit: str | None = None) -> None:
        super().advance(n, unit)
        self._draw()

    def end(self) -> None:
        if not self.active:
            return
        self._clear()
        self._write(f"{self.prefix}{self.summary()}\n")
        self.active = False

    def close(self) -> None:
        self._clear()
        self.active = False
