"""The task graph and the processes that run it, behind one small interface.

A *task* is ``(kind, args)``; ``args[0]`` is the key of the product it makes. A
:class:`Scheduler` runs a list of tasks and returns their results in the same order;
``needs[i]`` names the products (keys) task ``i`` reads, so it starts only once the
tasks among these that make them have finished; ``costs`` orders what is ready
(costliest first); ``tick(kind)`` is called in the calling process as each task
finishes. A task that fails (raises a :class:`~standpress.errors.StandpressError`)
skips every task that waits for it; the others still run, and then every failure's
problems are raised at once, as one error of the same class.

:class:`LocalScheduler` runs the tasks in this process (``jobs=1``) or in a pool of
``jobs`` processes started on first need. Another scheduler (Dask, a cluster) need only
implement :class:`Scheduler`: it is given the same ``runner`` (a module-level function
``runner(kind, args)``, so it pickles) and the same worker initializer.

Signals: Ctrl-C belongs to the main process, which stops the workers itself. It is held
back (blocked, not lost) while workers are forked, each worker ignores it before letting
it through again, and :func:`exit_on_sigterm` turns SIGTERM into ``SystemExit`` so the
build cleans up. :meth:`LocalScheduler.close` with ``cancel=True`` terminates the
workers: the scheduler starts them through its own process factory and so knows them.
:class:`ForkedMap` runs one function over a few items in forked processes the same way
(the plan's pagination, before any task runs).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol

from .. import errors
from ..errors import StandpressError

Task = tuple[str, tuple]
Runner = Callable[[str, tuple], Any]


class Scheduler(Protocol):
    """What the build needs of whatever runs its tasks."""

    seconds: dict[str, float]  # time spent in tasks, per kind, all processes
    # (optional) CPU seconds of the tasks, per kind: their process's and its children's

    def run(self, tasks: Sequence[Task], costs: Sequence[float] | None = None,
            tick: Callable[[str], None] | None = None,
            needs: Sequence[Sequence[str]] | None = None) -> list:
        """The tasks' results, in the order of ``tasks`` (see the module's docstring)."""

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: after their tasks, or at once (``cancel``)."""


@contextlib.contextmanager
def sigint_held():
    """Ctrl-C waits (blocked, not lost) while worker processes are forked: a child that got
    it before its initializer ran would print a KeyboardInterrupt traceback. The main
    process gets it as soon as the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def exit_on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into SystemExit(143) while building, so that the temporary folders are
    removed and the workers stopped; returns what puts the previous handler back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)


def start_worker(init: Callable[..., None], initargs: tuple, ready=None,
                 env: dict[str, str] | None = None) -> None:
    """A worker process's first act: ignore Ctrl-C (the main process's to handle), let the
    one held back while forking through (and so drop it), die of SIGTERM plainly, watch for
    the main process's death, then ``init(*initargs)``; last, count itself in ``ready`` (a
    shared integer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # the pool stops its workers with SIGTERM: they end at once (the main process's handler,
    # inherited by fork, would raise SystemExit inside whatever C callback runs — libvips'
    # log handler printed it as a traceback); what they write lands by atomic renames
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if env is not None:  # started from a forkserver: its environment is from when it began
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
    parent = os.getppid()

    def orphaned() -> None:  # the main process was killed outright: stop, write nothing
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=orphaned, daemon=True).start()
    init(*initargs)
    if ready is not None:
        with ready.get_lock():
            ready.value += 1


def cpu_now() -> float:
    """CPU seconds of this process, of its finished children (Ghostscript, say) and of the
    Ghostscript it keeps running for its renders (``pdfread.render.kept_cpu``)."""
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    render = sys.modules.get("standpress.pdfread.render")  # (loaded by a task that renders)
    kept = render.kept_cpu() if render is not None else 0.0
    return own + children.ru_utime + children.ru_stime + kept


def execute(runner: Runner, task: Task) -> tuple:
    """Run one task: ``("ok", result, wall seconds, CPU seconds)``. An error standpress
    raises on purpose comes back as data (its problems do not survive pickling as an
    exception)."""
    kind, args = task
    started, cpu = time.perf_counter(), cpu_now()
    try:
        result = runner(kind, args)
        return "ok", result, time.perf_counter() - started, cpu_now() - cpu
    except StandpressError as exc:
        return "error", type(exc).__name__, exc.message, exc.problems


def raise_failures(outcomes: list[tuple]) -> None:
    """Every failed task's problems at once, as one error (of their class, if they share
    one)."""
    failed = [r for r in outcomes if r[0] == "error"]
    if not failed:
        return
    names = {e[1] for e in failed}
    message = failed[0][2] if len(failed) == 1 else f"{failed[0][2]} — and {len(failed) - 1} more"
    cls = getattr(errors, names.pop(), StandpressError) if len(names) == 1 else StandpressError
    raise cls(message, [p for e in failed for p in e[3]])


def add_seconds(scheduler, tasks: Sequence[Task], results: list[tuple]) -> None:
    """Add the finished tasks' wall and CPU seconds to ``scheduler.seconds`` and ``.cpu``,
    per kind."""
    for (kind, _), r in zip(tasks, results):
        scheduler.seconds[kind] = scheduler.seconds.get(kind, 0.0) + r[2]
        if len(r) > 3:
            scheduler.cpu[kind] = scheduler.cpu.get(kind, 0.0) + r[3]


def start_method() -> str | None:
    """How the pool's workers start: forked (cheap, and they inherit what this process has
    measured), unless this process has loaded libvips — its thread pool does not survive
    ``fork()``, and a child forked after it ran hangs in its first operation — then from a
    fresh server process (``forkserver``), where libvips is started anew. A forkserver's
    children inherit the environment of when it began, so the workers are handed this
    process's environment (``SOURCE_DATE_EPOCH``, ``TZ``…) as it is when the pool starts."""
    if "pyvips" in sys.modules and "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return None


class _TrackedContext:
    """A multiprocessing context that remembers the processes it starts (the pool's
    workers), so that they can be terminated without reading the pool's internals."""

    def __init__(self, method: str | None = None) -> None:
        self.base = multiprocessing.get_context(method or start_method())
        self.forked = self.base.get_start_method() == "fork"  # workers see this environment
        self.processes: list = []

    def __getattr__(self, name: str):
        return getattr(self.base, name)

    def Process(self, *args, **kwargs):  # noqa: N802 (multiprocessing's name)
        proc = self.base.Process(*args, **kwargs)
        self.processes.append(proc)
        return proc


class LocalScheduler:
    """Runs tasks here (jobs=1) or in a pool of processes on this machine."""

    def __init__(self, jobs: int, runner: Runner, init: Callable[..., None] = lambda: None,
                 initargs: tuple = (), preload: Sequence[str] = (), method: str | None = None):
        """``preload``: modules the workers need, imported here just before they are forked
        (by the forkserver, when there is one), so that they inherit them instead of each
        importing them again; a build that starts no worker never imports them.
        ``method``: how workers start, if not :func:`start_method`'s choice."""
        self.jobs, self.runner, self.init, self.initargs = jobs, runner, init, initargs
        self.preload, self.method = tuple(preload), method
        self.pool: ProcessPoolExecutor | None = None
        self.context: _TrackedContext | None = None
        self.started = None  # shared count of the workers whose initializer has run
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        init(*initargs)  # this process runs tasks too (jobs=1, and single tasks)

    def worker_pids(self) -> list[int]:
        """The worker processes alive now."""
        procs = self.context.processes if self.context else []
        return [p.pid for p in procs if p.pid is not None and p.is_alive()]

    def workers_ready(self) -> int:
        """How many worker processes have run their initializer (and so ignore Ctrl-C)."""
        return self.started.value if self.started is not None else 0

    def run(self, tasks: Sequence[Task], costs: Sequence[float] | None = None,
            tick: Callable[[str], None] | None = None,
            needs: Sequence[Sequence[str]] | None = None) -> list:
        n = len(tasks)
        tick = tick or (lambda kind: None)
        maker = {t[1][0]: i for i, t in enumerate(tasks)}
        waits = [{maker[k] for k in (needs[i] if needs else ()) if k in maker} - {i}
                 for i in range(n)]
        users: dict[int, list[int]] = {}
        for i, w in enumerate(waits):
            for j in w:
                users.setdefault(j, []).append(i)

        def cost(i: int) -> float:
            return -(costs[i] if costs else 0.0)

        ready = sorted((i for i in range(n) if not waits[i]), key=cost)
        results: list = [None] * n

        def finished(i: int) -> list[int]:
            """The tasks that can start now that ``i`` is done; after a failure, those
            that wait for it are skipped (their inputs will never exist)."""
            tick(tasks[i][0])
            if results[i][0] == "error":
                todo = list(users.get(i, ()))
                while todo:
                    u = todo.pop()
                    if results[u] is None:
                        results[u] = ("skipped", None, 0.0)
                        todo += users.get(u, ())
                return []
            now = []
            for u in users.get(i, ()):
                waits[u].discard(i)
                if not waits[u] and results[u] is None:
                    now.append(u)
            return sorted(now, key=cost)

        if self.jobs <= 1 or n <= 1:
            while ready:
                i = ready.pop(0)
                results[i] = execute(self.runner, tasks[i])
                ready = sorted(ready + finished(i), key=cost)
        else:
            pool = self._pool()
            with sigint_held():  # the first submit forks the workers
                running = {pool.submit(execute, self.runner, tasks[i]): i for i in ready}
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: running[f]):
                    i = running.pop(future)
                    results[i] = future.result()
                    for u in finished(i):
                        with sigint_held():  # a submit may start a worker (spawn, not fork)
                            running[pool.submit(execute, self.runner, tasks[u])] = u
        if any(r is None for r in results):  # a cycle: a programming error
            raise RuntimeError("tasks wait for each other: " + ", ".join(
                tasks[i][0] for i, r in enumerate(results) if r is None))
        raise_failures(results)
        add_seconds(self, tasks, results)
        return [r[1] for r in results]

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.context = _TrackedContext(self.method)
            if self.context.forked:
                for name in self.preload:
                    importlib.import_module(name)
            elif self.preload:
                self.context.set_forkserver_preload(list(self.preload))
            self.started = self.context.Value("i", 0)
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=self.context,
                                            initializer=start_worker,
                                            initargs=(self.init, self.initargs, self.started,
                                                      None if self.context.forked
                                                      else dict(os.environ)))
        return self.pool

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: after their tasks, or at once (``cancel``: a failure or Ctrl-C;
        what they were writing never reaches the cache, whose writes are atomic)."""
        pool, self.pool = self.pool, None
        context, self.context = self.context, None
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True)
            return
        processes = list(context.processes) if context else []
        # the pool's manager thread closes its wake-up pipe as it ends, which, before
        # Python 3.13, races the interpreter's exit writing to that pipe ("Exception
        # ignored … Bad file descriptor" after Ctrl-C): it is waited for here. The one
        # read of the pool's private state; a pool without it has nothing to wait for.
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(10)
        if manager is not None:
            manager.join(10)


def _apply(kind: str, args: tuple) -> Any:
    """The runner of :class:`ForkedMap`'s tasks: ``args`` is (key, function, item)."""
    return args[1](args[2])


class ForkedMap:
    """A function over a few items, one item per forked process, at most ``jobs`` at once,
    started and stopped as the build's workers are (:class:`LocalScheduler`): they ignore
    Ctrl-C, which stops them from here. Forked, so the function and its items' data may
    be what this process holds (the plan's stands and sizer) and need not pickle; the
    results must. The caller asks :meth:`possible` first, unless it knows the function
    never calls libvips."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    @staticmethod
    def possible() -> bool:
        """Forking is safe: not once libvips has started here (see :func:`start_method`)."""
        return start_method() is None and "fork" in multiprocessing.get_all_start_methods()

    def __call__(self, fn: Callable[[Any], Any], items: Sequence) -> list:
        run = LocalScheduler(self.jobs, _apply, method="fork")
        ok = False
        try:
            out = run.run([("fork", (f"item {i}", fn, item)) for i, item in enumerate(items)])
            ok = True
            return out
        finally:
            run.close(cancel=not ok)
