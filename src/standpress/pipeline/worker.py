"""The runner the scheduler is handed: ``tasks`` imported where a task runs, not before.

:func:`init_worker` keeps the build's context; the first :func:`run_task` in a process
imports ``tasks`` (every writer and reader standpress has) and hands it the context. So
the main process of a rebuild with nothing to make never loads them (``taskspec.py``).
"""

from __future__ import annotations

from .memory import keep_large_buffers, trim_if_over
from .taskspec import Context


# what a worker imports for its first task (the writers and readers): a local pool's
# workers inherit them from the build's process (``LocalScheduler(preload=…)``)
WORKER_MODULES = ("standpress.pipeline.tasks",)


class _Given:
    """The context this process was given, handed on to ``tasks`` with its first task."""

    ctx: Context | None = None
    handed: bool = False


def init_worker(ctx: Context) -> None:
    """Give this process the build's context (``tasks.init_worker``, when a task runs)."""
    _Given.ctx, _Given.handed = ctx, False


def run_task(kind: str, args: tuple):
    """The runner the scheduler calls, here or in a worker (``tasks.run_task``); large
    buffers are kept from one task to the next, within a limit (``memory.py``)."""
    from . import tasks

    if not _Given.handed and _Given.ctx is not None:
        tasks.init_worker(_Given.ctx)
        keep_large_buffers()
        _Given.handed = True
    try:
        return tasks.run_task(kind, args)
    finally:
        trim_if_over()
