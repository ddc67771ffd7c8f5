"""Renders of finished PDFs: Ghostscript's CMYK separations, PDFium's gray pixels.

Ghostscript honours /UserUnit and renders the TrimBox (``-dUseTrimBox``) to a CMYK TIFF
per page, the ink values as the press would get them; PDFium (pypdfium2) renders fast in
gray for decoding QR codes, and ignores /UserUnit (its scale is pixels per page unit).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .objects import Box, box

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CmykRender", "GS_MAX_BITMAP", "gray_render", "ghostscript", "kept_cpu"]

GS_MAX_BITMAP = 64_000_000  # bytes of page bitmap below which Ghostscript does not band


def ghostscript() -> str | None:
    """The Ghostscript executable, None when it is not installed."""
    return shutil.which("gs")


# the render's settings, the same for a process of its own and for the one kept running
_FLAGS = ["-dSAFER", "-dNOPAUSE", "-sDEVICE=tiff32nc", "-sCompression=none",
          "-dUseTrimBox",
          # a page of the automatic render (≤ 2 Mpx, 8 MB) is drawn in one bitmap, not
          # banded through a display list: the same pixels (compared), 0.1 s less on a page
          # without photos, within the noise on one with
          f"-dMaxBitmap={GS_MAX_BITMAP}",
          # the page as one strip: Pillow reads a strip at a time, and a strip of gs's
          # default 8 KB is one row (1,700 reads instead of one, 13 ms a page)
          "-dMaxStripSize=0",
          "-dGraphicsAlphaBits=1", "-dTextAlphaBits=1", "-dInterpolateControl=0"]


class CmykRender:
    """Ghostscript renders pages to CMYK TIFF in the background, while the caller works.

    ``source(folder)`` gives the file to render (e.g. the lighter copy, written into the
    render's own ``folder``), ``dpi`` the resolution, ``pages`` the 1-based pages (None:
    all). The TrimBox is rendered without anti-aliasing, so each pixel holds the ink of
    what is under it, not a blend with its neighbours. :meth:`pages` waits and returns the
    TIFFs in page order; :meth:`cleanup` stops Ghostscript and removes the folder.

    A render of every page goes to the Ghostscript this process keeps running
    (:class:`_Kept`), when it is free: a Ghostscript's first CMYK colour costs it 0.1 s of
    CPU (LittleCMS building its colour link), more than the rest of a panel's render.
    Otherwise, and for a choice of pages, the render gets a process of its own.
    """

    def __init__(self, source: Callable[[Path], Path], dpi: float,
                 pages: list[int] | None = None):
        gs = ghostscript()
        if gs is None:
            raise RuntimeError("Ghostscript (gs) is not installed")
        self.dpi = dpi
        self.reduction = 1  # the photos' largest reduction in what is rendered (set by the caller)
        self.proc = self.kept = None
        kept = _Kept.free(gs) if pages is None else None
        self.dir = Path(tempfile.mkdtemp(prefix="standpress-ink-",
                                         dir=kept.base if kept else None))
        try:
            path = source(self.dir)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        readable = kept.readable(path, self.dir) if kept is not None else None
        if readable is not None:
            try:
                self.kept, self.job = kept, kept.start(readable, self.dir / "p%05d.tif", dpi)
                return
            except OSError:  # it ended since it was last asked: a process of its own
                self.kept = None
                kept.stop()
        only = [f"-sPageList={','.join(map(str, pages))}"] if pages is not None else []
        self.cmd = [gs, "-q", "-dBATCH", *_FLAGS, f"-r{dpi:.3f}", *only,
                    f"-sOutputFile={self.dir / 'p%05d.tif'}", str(path)]
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def pages(self, timeout: float = 600) -> list[Path]:
        if self.kept is not None:
            self.kept.wait(self.job, timeout)
            return sorted(self.dir.glob("p*.tif"))
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise RuntimeError(f"Ghostscript took longer than {timeout:g} s") from None
        if self.proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"Ghostscript failed ({self.proc.returncode}): "
                               f"{msg[-1] if msg else 'no message'}")
        return sorted(self.dir.glob("p*.tif"))

    def cleanup(self) -> None:
        if self.kept is not None:
            self.kept.abandon(self.job)  # (stopped, if it is still rendering)
        elif self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)


class _Kept:
    """The Ghostscript a process keeps running for its renders, one at a time.

    It reads PostScript from a pipe, a line at a time: each job sets the output file and
    resolution, runs the PDF (``run``: Ghostscript's PDF interpreter, which opens and
    closes the file each time) and prints a line saying it is done (or why it failed). The
    pixels are those of a process of its own (a test compares them). ``-dSAFER`` holds as
    for one render: the process may read and write files in its own folder only, where
    each job's folder is made and the file to render is linked; and it is given PDFs only
    (Ghostscript's PDF interpreter runs no PostScript), so that no file can change how the
    next is rendered. A job that fails, or takes too long, stops it; the next render starts
    another. Only the thread that started it uses it (another thread's render gets a
    process of its own). It ends with the process that started it (its input closes)."""

    _mine: "_Kept | None" = None

    def __init__(self, gs: str):
        self.base = Path(tempfile.mkdtemp(prefix="standpress-gs-"))
        self.log = open(self.base / "messages.txt", "w+b")  # noqa: SIM115 (kept open)
        self.pid, self.busy, self.count, self.pending = os.getpid(), None, 0, b""
        self.thread = threading.get_ident()
        self.proc = subprocess.Popen(
            # interactive (no file, no -dBATCH): it reads and runs a line at a time, and
            # ends when its input closes
            [gs, "-q", "-dNOPROMPT", f"--permit-file-all={self.base}{os.sep}", *_FLAGS,
             f"-sOutputFile={self.base / 'unused-%05d.tif'}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, bufsize=0)

    @classmethod
    def free(cls, gs: str) -> "_Kept | None":
        """This process's Ghostscript, started if need be, or None while it is busy."""
        kept = cls._mine
        if kept is not None and (kept.pid != os.getpid() or kept.proc.poll() is not None):
            if kept.pid == os.getpid():
                kept.stop()
            kept = cls._mine = None  # (a forked child's copy is its parent's: not used)
        if kept is None:
            try:
                kept = cls._mine = cls(gs)
            except OSError:
                return None
            # ended with the process, and waited for, so that its CPU counts as the
            # process's children's (a worker of a pool ends through multiprocessing's exit)
            from multiprocessing.util import Finalize

            Finalize(kept, kept.close, exitpriority=10)
        return None if kept.busy is not None or kept.thread != threading.get_ident() else kept

    @classmethod
    def cpu(cls) -> float:
        """CPU seconds this process's Ghostscript has used so far (0 without one): it is
        not a finished child, so ``RUSAGE_CHILDREN`` does not count it yet."""
        kept = cls._mine
        if kept is None or kept.pid != os.getpid() or kept.proc.poll() is not None:
            return 0.0
        try:
            with open(f"/proc/{kept.proc.pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0

    def readable(self, path: Path, folder: Path) -> Path | None:
        """``path`` where this Ghostscript may read it: in ``folder`` (linked, else
        copied); None if it cannot be (a process of its own then says why), or if the file
        does not begin as a PDF: Ghostscript would run it as PostScript, which could change
        what it does for the renders after it (a process of its own renders it alone)."""
        try:
            with open(path, "rb") as fh:
                if fh.read(5) != b"%PDF-":
                    return None
        except OSError:
            return None
        if Path(path).parent == folder:
            return Path(path)
        target = folder / "source.pdf"
        try:
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
        except OSError:
            return None
        return target

    def start(self, pdf: Path, output: Path, dpi: float) -> int:
        self.count += 1
        job = self.count
        self.busy = job
        self.log.seek(0)
        self.log.truncate()
        self.proc.stdin.write((
            f"{{ << /OutputFile {_ps(output)} /HWResolution [{dpi:.3f} {dpi:.3f}] >> "
            f"setpagedevice {_ps(pdf)} run }} stopped "
            f"{{ (standpress: failed: ) print $error /errorname get == }} if "
            f"(standpress: done {job}\\n) print flush\n"
        ).encode())
        self.proc.stdin.flush()
        return job

    def wait(self, job: int, timeout: float) -> None:
        """Until ``job`` is done; RuntimeError if it failed (then this Ghostscript stops)."""
        deadline = time.monotonic() + timeout
        said: list[str] = []
        fd = self.proc.stdout.fileno()
        while True:
            if b"\n" in self.pending:
                raw, self.pending = self.pending.split(b"\n", 1)
                line = raw.decode("utf-8", "replace")
                if line == f"standpress: done {job}":
                    break
                said.append(line)
                continue
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.stop()
                raise RuntimeError(f"Ghostscript took longer than {timeout:g} s")
            chunk = os.read(fd, 65536)
            if not chunk:  # it ended
                self._fail(said)
            self.pending += chunk
        self.busy = None
        if any(s.startswith("standpress: failed") for s in said):
            self._fail(said)

    def _fail(self, said: list[str]) -> None:
        message = self._last(said)
        self.stop()
        raise RuntimeError(f"Ghostscript failed: {message}")

    def _last(self, said: list[str]) -> str:
        """The last thing Ghostscript said, on its error output or else on its output."""
        self.log.flush()
        self.log.seek(0)
        err = [s for s in self.log.read().decode("utf-8", "replace").splitlines() if s.strip()]
        out = [s.removeprefix("standpress: failed: ") for s in said if s.strip()]
        return (err or out or ["no message"])[-1].strip()

    def abandon(self, job: int) -> None:
        """The caller no longer waits for ``job``: if it is still running, stop."""
        if self.busy == job:
            self.stop()

    def stop(self) -> None:
        """End it now (a job failed or was abandoned)."""
        if self.pid != os.getpid():
            return
        if _Kept._mine is self:
            _Kept._mine = None
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.base, ignore_errors=True)

    def close(self) -> None:
        """End it when its work is done: its input closed, it quits."""
        if self.pid != os.getpid() or self.proc.poll() is not None:
            return self.stop()
        try:
            self.proc.stdin.close()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.stop()


def kept_cpu() -> float:
    """CPU seconds of the Ghostscript this process keeps running (see :class:`CmykRender`)."""
    return _Kept.cpu()


def _ps(path: Path) -> str:
    """``path`` as a PostScript string."""
    text = str(path).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({text})"


def gray_render(pdf_page, region: Box, scale: float) -> np.ndarray:
    """PDFium's gray render of ``region`` (page units) of a pypdfium2 page at ``scale``
    pixels per page unit, as an H × W uint8 array (white paper)."""
    cb = box(pdf_page.get_cropbox())
    rotation = pdf_page.get_rotation()
    if rotation:
        crop = (0, 0, 0, 0)
    else:
        crop = (max(0.0, region[0] - cb[0]), max(0.0, region[1] - cb[1]),
                max(0.0, cb[2] - region[2]), max(0.0, cb[3] - region[3]))
    bitmap = pdf_page.render(scale=scale, crop=crop, grayscale=True,
                             fill_color=(255, 255, 255, 255), may_draw_forms=False)
    import numpy as np  # here: a build with nothing to render does not load numpy

    arr = bitmap.to_numpy()
    if arr.ndim == 3:  # not gray after all: take the green channel
        arr = np.ascontiguousarray(arr[:, :, 1] if arr.shape[2] >= 3 else arr[:, :, 0])
    return arr
