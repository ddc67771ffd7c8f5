"""Helpers more than one test file uses (importable as ``helpers``: pyproject's
``pythonpath``). Campaign generators live beside it in ``campaigns/``."""

from __future__ import annotations

import os
import subprocess
import sys
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
