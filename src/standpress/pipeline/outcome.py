"""The last build's outcome: a rebuild whose every input is the last one's, with the
output folder untouched since, publishes nothing again.

After the layout and render stages a build knows every product key of its panels and
stand files and every warning. :func:`outcome_key` digests those with everything the
later stages read (the project, the plans, the options, the code, Ghostscript, the
output folder). When the cache holds an outcome under that key, and every file of the
stand folders and the top-level files standpress owns in the output folder has the stat
(size, mtime, inode, ctime) recorded when that outcome was published, with no file
added or removed, the output is already what the later stages would write: assembling,
reading back, rendering the site and publishing are skipped, and the build returns
what it returned then. Anything else (one file touched, deleted or added; another
output folder; one key different) runs them all.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

from .cache import Cache, code_fingerprint, digest, stable_repr
from .progress import Progress
from .publish import OWNED_MANIFEST

KIND = "outcome"


def outcome_key(out: Path, project, plans, panels, stand_pdfs: dict, created, warnings,
                opts, gs: str) -> str | None:
    """What the stages after render depend on, as a key; None when something has no
    stable ``repr`` (then nothing is skipped)."""
    chosen = {k: v for k, v in vars(opts).items() if k not in ("jobs", "cache", "use_cache")}
    try:
        return digest(KIND, code_fingerprint(), str(Path(out).resolve()), stable_repr(chosen),
                      stable_repr(project), stable_repr(plans), stable_repr(panels),
                      stable_repr(stand_pdfs), created.isoformat(),
                      [stable_repr(w) for w in warnings], gs)
    except ValueError:
        return None


def _stats(out: Path) -> list | None:
    """(path, size, mtime, inode, ctime) of every file standpress owns in ``out``, sorted;
    None when the owned-files manifest cannot be read."""
    try:
        owned = json.loads((out / OWNED_MANIFEST).read_text("utf-8")).get("owned", [])
    except (OSError, ValueError, AttributeError):
        return None
    found = []
    for name in sorted([*owned, OWNED_MANIFEST]):
        top = out / name
        for root, dirs, files in os.walk(top) if top.is_dir() else [(str(out), [], [name])]:
            dirs.sort()
            for f in sorted(files):
                path = os.path.join(root, f)
                try:
                    st = os.stat(path)
                except OSError:
                    return None
                found.append([os.path.relpath(path, out), st.st_size, st.st_mtime_ns,
                              st.st_ino, st.st_ctime_ns])
    return found


class Recording(Progress):
    """A listener that passes everything on to ``inner`` and keeps the steps it heard."""

    def __init__(self, inner: Progress):
        self.inner, self.steps = inner, []

    def note(self, message: str) -> None:
        self.inner.note(message)

    def step(self, name, total, unit="", reused=0) -> None:
        self.steps.append((name, total, unit))
        self.inner.step(name, total, unit, reused)

    def advance(self, n: int = 1, unit: str | None = None) -> None:
        self.inner.advance(n, unit)

    def end(self) -> None:
        self.inner.end()

    def close(self) -> None:
        self.inner.close()


def kept(cache: Cache, key: str | None, out: Path):
    """(stand results, warnings, the later stages' progress steps, products they reused)
    of the outcome published under ``key``, if ``out`` is still exactly as it left it."""
    if key is None:
        return None
    entry = cache.get(KIND, key)
    if entry is None or entry.meta.get("files") != _stats(Path(out)):
        return None
    try:
        results, warnings = pickle.loads(entry.read("pkl"))
    except Exception:  # noqa: BLE001 - an unreadable record: build as if there were none
        return None
    steps = [tuple(s) for s in entry.meta.get("steps", [])]
    return results, warnings, steps, int(entry.meta.get("reused", 0))


def remember(cache: Cache, key: str | None, out: Path, results, warnings, steps: list,
             reused: int) -> None:
    """Record the outcome just published under ``key``, with the stat of what it wrote."""
    files = _stats(Path(out))
    if key is None or files is None:
        return
    try:
        blob = pickle.dumps((results, warnings), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - nothing to skip next time, nothing wrong now
        return
    cache.put(KIND, key, {"pkl": blob}, {"files": files, "steps": [list(s) for s in steps],
                                         "reused": reused})
