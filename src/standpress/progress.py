"""What a build says while it works: notes, and counted steps (panels, images, stands…).

The build reports to a :class:`Progress`; it knows nothing of terminals. Three listeners:

* :class:`Progress` itself says nothing (the default, and ``--quiet``/``--json``);
* :class:`Lines` turns everything into lines for a callback (``watch --verbose``, logs);
* :class:`Bar` draws a live bar on a terminal (stderr), one line per finished step, and
  falls back to those lines when stderr is not a terminal (CI logs, pipes).

A step is started with :meth:`Progress.step` (its name, how many items, what they are),
advanced with :meth:`Progress.advance` as items finish (products taken from the cache
count at once), and ended with :meth:`Progress.end`.
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

    def step(self, name: str, total: int, unit: str, reused: int = 0) -> None:
        """A counted step starts: ``total`` items of ``unit``, ``reused`` already done."""

    def advance(self, n: int = 1) -> None:
        """``n`` more items of the current step are done."""

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
        self.total = self.done = self.reused = 0
        self.unit = ""
        self.started = 0.0
        self.active = False

    def step(self, name: str, total: int, unit: str, reused: int = 0) -> None:
        if self.active:
            self.end()
        self.name, self.total, self.unit, self.reused = name, total, unit, reused
        self.done = reused
        self.started = time.monotonic()
        self.active = True

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)

    def summary(self) -> str:
        made = self.done - self.reused
        parts = [f"{self.name}: {self.done}/{self.total} {self.unit}"]
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
        count = f"{self.done}/{self.total} {self.unit}"
        tail = f"{now - self.started:4.0f} s"
        room = width - len(self.prefix) - len(self.name) - len(count) - len(tail) - 6
        bar = ""
        if room >= 10:
            size = min(room, 40)
            full = size * self.done // max(1, self.total)
            bar = self.FILL * full + self.EMPTY * (size - full)
        line = f"{self.prefix}{self.name:<8} {bar}  {count}  {tail}"
        self._write("\r\x1b[2K" + line[:width - 1])
        self._shown = True

    def note(self, message: str) -> None:
        self._clear()
        self._write(f"{self.prefix}{message}\n")
        self._draw(force=True)

    def step(self, name: str, total: int, unit: str, reused: int = 0) -> None:
        super().step(name, total, unit, reused)
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        super().advance(n)
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
