"""Helpers more than one test file uses (importable as ``helpers``: pyproject's
``pythonpath``). Campaign generators live beside it in ``campaigns/``."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1665532800"  # 12 October 2022: SOURCE_DATE_EPOCH of the tests' builds


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a text file by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_with_cli(cases: Path, out: Path, *only: str, locations: Path | None = None) -> Path:
    """``standpress build`` in a process of its own: PDFs only (no site, SVG, check or cache),
    one job, the stands named (all when none)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    cmd = [sys.executable, "-m", "standpress.cli", "build", "--cases", str(cases),
           "--out", str(out), "--jobs", "1", "--no-site", "--no-svg", "--no-check",
           "--no-cache", "-q"]
    if locations:
        cmd += ["--locations", str(locations)]
    for o in only:
        cmd += ["--only", o]
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    return out


def hashtag_breaks() -> bool:
    """Whether the line breaker can break a hashtag at its capitals (the text stage's part)."""
    from campaigns import make
    from standpress.text.linebreak import break_lines

    lines = break_lines(make.HASHTAG, width=20.0, measure=lambda s: float(len(s)),
                        space_width=1.0, mode="ragged")
    return lines is not None


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this run that every xdist worker shares (each worker's own
    base folder lies in it), or the base folder when there are no workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], object]):
    """``make(folder)``'s result, made once per run for every xdist worker: the first worker
    to ask makes it into the run's shared folder ``name`` under a file lock, the others
    wait for it and read the same (pickled) result. ``make`` writes only into ``folder``
    (empty when it starts: what a worker that failed half-way left is removed first)."""
    shared = run_folder(tmp_path_factory) / name
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = shared / "result.pickle"
        if done.is_file():
            return pickle.loads(done.read_bytes())
        folder = shared / "made"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        result = make(folder)
        done.write_bytes(pickle.dumps(result))
        return result
