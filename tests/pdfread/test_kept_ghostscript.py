"""The Ghostscript a process keeps running for its CMYK renders (``pdfread.render._Kept``).

A Ghostscript's first CMYK colour costs it 0.1 s of CPU (LittleCMS building its colour
link), more than the rest of a panel's ink render, so each process keeps one running and
hands it a render at a time. These tests hold it to what a Ghostscript of its own gives:
the same pixels, a failure said as a failure, nothing left running or on disk, and its
CPU counted as the task's.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from standpress.pdfread import render
from standpress.pdfread.render import CmykRender, _Kept
from standpress.pipeline.scheduler import cpu_now

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


def pixels(pdf: Path, dpi: float, *, own: bool = False) -> tuple[list[np.ndarray], bool]:
    """The render's pages, and whether the kept Ghostscript made them (``own``: a
    Ghostscript of its own, the kept one being made to look busy)."""
    kept = _Kept.free(shutil.which("gs")) if own else None
    if kept is not None:
        kept.busy = -1
    try:
        job = CmykRender(lambda folder: pdf, dpi)
        try:
            pages = [np.asarray(Image.open(p)) for p in job.pages()]
            return pages, job.kept is not None
        finally:
            job.cleanup()
    finally:
        if kept is not None:
            kept.busy = None


def test_the_kept_ghostscript_renders_the_pixels_of_one_of_its_own(stand):
    files = sorted(stand.glob("*.pdf"))
    assert len(files) >= 3
    first = None
    for pdf in files:  # the stand file too: every page of it
        for dpi in (12.0, 5.5):  # the resolution changes from one render to the next
            mine, kept = pixels(pdf, dpi)
            theirs, kept_theirs = pixels(pdf, dpi, own=True)
            assert kept and not kept_theirs
            assert len(mine) == len(theirs) > 0
            assert all(a.shape == b.shape and np.array_equal(a, b)
                       for a, b in zip(mine, theirs)), f"{pdf.name} at {dpi} dpi"
            first = first or _Kept._mine.proc.pid
            assert _Kept._mine.proc.pid == first, "one Ghostscript for all the renders"


def test_a_failed_render_is_an_error_and_the_next_gets_a_new_ghostscript(stand, tmp_path):
    pixels(next(stand.glob("*.pdf")), 10.0)
    before = _Kept._mine.proc
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n")
    job = CmykRender(lambda folder: broken, 10.0)
    assert job.kept is not None
    job.kept.proc.kill()  # (what a crash would do)
    with pytest.raises(RuntimeError, match="Ghostscript failed"):
        job.pages()
    job.cleanup()
    assert before.poll() is not None, "the Ghostscript that failed is stopped"
    pages, kept = pixels(next(stand.glob("*.pdf")), 10.0)
    assert kept and pages and _Kept._mine.proc is not before


def test_postscript_is_rendered_by_a_ghostscript_of_its_own(stand, tmp_path):
    """A file that is not a PDF by its first bytes would run as PostScript, which can
    redefine what the renders after it use: it never reaches the kept Ghostscript."""
    pixels(next(stand.glob("*.pdf")), 10.0)
    kept = _Kept._mine.proc
    trap = tmp_path / "trap.pdf"
    trap.write_bytes(b"%!PS\n/showpage { erasepage initgraphics } def\n")
    job = CmykRender(lambda folder: trap, 10.0)
    try:
        assert job.kept is None
        job.pages()
    finally:
        job.cleanup()
    mine, _ = pixels(next(stand.glob("*.pdf")), 10.0)
    theirs, _ = pixels(next(stand.glob("*.pdf")), 10.0, own=True)
    assert _Kept._mine.proc is kept and all(np.array_equal(a, b) for a, b in zip(mine, theirs))


def test_the_kept_ghostscripts_cpu_counts_as_the_tasks(stand):
    pdf = sorted(stand.glob("*.pdf"))[0]
    pixels(pdf, 10.0)  # started, its colour link built
    spent = render.kept_cpu()
    assert spent > 0
    start = cpu_now()
    for _ in range(5):
        pixels(pdf, 25.0)
    assert render.kept_cpu() > spent
    assert cpu_now() - start >= render.kept_cpu() - spent


def _render_in_a_worker(pdf: str) -> tuple[int, int, str]:
    job = CmykRender(lambda folder: Path(pdf), 10.0)
    try:
        return len(job.pages()), _Kept._mine.proc.pid, str(_Kept._mine.base)
    finally:
        job.cleanup()


def test_a_pool_workers_ghostscript_ends_with_it_and_leaves_nothing(stand):
    """A worker's Ghostscript is its own (not one forked from its parent), and it is
    ended and waited for when the worker ends: no process left, no folder."""
    pixels(next(stand.glob("*.pdf")), 10.0)  # this process has one: the workers must not use it
    mine = _Kept._mine.proc.pid
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        done = list(pool.map(_render_in_a_worker, [str(p) for p in stand.glob("*.pdf")]))
    assert all(n > 0 for n, _, _ in done)
    theirs = {pid for _, pid, _ in done}
    assert mine not in theirs
    for pid in theirs:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid) is False, \
            f"Ghostscript {pid} outlived its worker"
    for _, _, base in done:
        assert not Path(base).exists(), f"{base} left behind"
    assert _Kept._mine.proc.pid == mine and _Kept._mine.proc.poll() is None


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return False


def test_a_pdf_outside_its_folder_is_linked_in_and_read(stand, tmp_path):
    """Ghostscript runs with -dSAFER and may read its own folder only: the file to render
    is linked there (the build's cached PDFs live elsewhere)."""
    pdf = tmp_path / "elsewhere" / "panel (1).pdf"  # parentheses: quoted for PostScript
    pdf.parent.mkdir()
    shutil.copyfile(next(stand.glob("*.pdf")), pdf)
    pages, kept = pixels(pdf, 10.0)
    assert kept and pages
    assert os.stat(pdf).st_nlink == 1, "the link in the render's folder is removed"


def test_a_render_from_another_thread_gets_a_ghostscript_of_its_own(stand):
    """The kept Ghostscript answers one caller at a time, on a pipe with no lock: only the
    thread that started it uses it (a scheduler running tasks in threads stays correct)."""
    import threading

    pdf = next(stand.glob("*.pdf"))
    mine, _ = pixels(pdf, 10.0)
    seen: dict = {}

    def other() -> None:
        seen["pages"], seen["kept"] = pixels(pdf, 10.0)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen["kept"] is False
    assert all(np.array_equal(a, b) for a, b in zip(mine, seen["pages"]))
