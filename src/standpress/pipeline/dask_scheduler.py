"""The build's tasks on a ``dask.distributed`` cluster, behind :class:`~.scheduler.Scheduler`.

Imported only when a build is given a scheduler address (``standpress build --scheduler``,
``STANDPRESS_SCHEDULER``): without one, neither this module nor Dask is imported.

How a build runs here: every task is submitted at once, each with the futures of the
tasks that make the keys it ``needs`` as arguments, so the cluster starts a panel on any
worker as soon as its photos are ready; ``costs`` become Dask priorities (costliest
first). What moves between machines is small: the task's arguments (keys, paths, layout
inputs) and its metadata result. Products themselves go through the cache: a folder every
worker reads and writes at the same path (a shared folder; for a loopback cluster, the
same folder), or an ``fsspec`` URL every worker reaches (``storage.py``: each machine
keeps a mirror folder of its own and exchanges products through the store). A task whose inputs failed or were skipped returns
"skipped" without running, and every failure's problems are raised at once, as
:class:`~.scheduler.LocalScheduler` does.

Each worker gets the build's :class:`~.tasks.Context` through a worker plugin (named by
the build, so that builds sharing a cluster do not take each other's context), which
also compares the worker's standpress code fingerprint, font files and output profile
with the client's: a worker that differs is refused, with a message naming it and what
differs. The plugin also gives the worker the context at once (imports done, fonts
loaded while checking), so that the first task does not pay for it. Tasks are pure and
idempotent (a product is keyed by its inputs and written atomically), so a worker lost
mid-build has its tasks run again elsewhere with the same bytes. :meth:`DaskScheduler.close` with ``cancel`` cancels the build's futures.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from distributed import Client, KilledWorker, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import StandpressError
from ..load.design import load_style
from .cache import Cache, code_fingerprint
from .scheduler import Runner, Task, add_seconds, execute, raise_failures

ENV = "STANDPRESS_SCHEDULER"
FAKE_FINGERPRINT = "STANDPRESS_TEST_FAKE_FINGERPRINT"  # tests: a worker that seems to differ

# The environment `dask scheduler` and `dask worker` should run with for standpress (README,
# benchmarks/bench_dask.py). The nanny's default MALLOC_TRIM_THRESHOLD_=65536 turns off
# glibc's adaptive mmap threshold, so every large image buffer is mapped afresh: twice
# the page faults and about 15 % more CPU in the photo tasks (measured). The monitors'
# default intervals (100-500 ms, the event loop's 20 ms tick, the sampling profiler's
# 10 ms) cost each idle worker about 30 ms of CPU a second; standpress tasks last
# seconds, so polling once a second is enough.
WORKER_ENV = {
    "DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON": "{'MALLOC_TRIM_THRESHOLD_': None}",
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
    "DASK_DISTRIBUTED__WORKER__MEMORY__MONITOR_INTERVAL": "1s",
    "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "2s",
    "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
    "DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING_INTERVAL": "1s",
}
ENV_SHAPING = ("SOURCE_DATE_EPOCH",)  # read by the libraries while they write the bytes
_BUILDS: dict[str, tuple] = {}  # on a worker: token → (init, initargs, refusal or None, env)
_CURRENT: list[str] = [""]  # on a worker: the token whose context the process holds now


def _sha256(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def fingerprint(ctx) -> dict:
    """What must be the same on the client and on every worker: standpress's code (and
    the libraries that shape the bytes), every font file, the output profile; and the
    cache folder must be there (shared)."""
    project = ctx.project
    try:
        style = load_style(project.root / "templates" / "style.toml", project.root / "fonts")
        fonts = {str(p): _sha256(str(p)) for p in (getattr(style, "all_fonts", None)
                                                    or dict(style.fonts)).values()}
    except (StandpressError, OSError) as exc:
        fonts = {"(style)": f"cannot load: {exc}"}
    return {"code": os.environ.get(FAKE_FINGERPRINT) or code_fingerprint(),
            "fonts": fonts,
            "profile": {str(project.output_profile): _sha256(str(project.output_profile))},
            "cache": Cache(ctx.cache).reachable()}


def differences(mine: dict, theirs: dict) -> list[str]:
    """What differs between the client's fingerprint (``mine``) and a worker's."""
    out = []
    if mine["code"] != theirs["code"]:
        out.append("standpress code or library versions differ "
                   "(install the same standpress and dependencies)")
    for what in ("fonts", "profile"):
        for path, sha in mine[what].items():
            other = theirs[what].get(path, "missing")
            if other != sha:
                label = "font" if what == "fonts" else "output profile"
                out.append(f"{label} {path} is {'missing' if other == 'missing' else 'different'}")
    if not theirs["cache"]:
        out.append("the cache is not there (give --cache a folder every worker shares, at "
                   "the same path, or an fsspec URL every worker reaches)")
    return out


class StandpressPlugin(WorkerPlugin):
    """Gives a worker one build's context, once it has checked the worker matches."""

    def __init__(self, token: str, init: Callable[..., None], initargs: tuple, expect: dict):
        self.token, self.init, self.initargs, self.expect = token, init, initargs, expect
        self.name = f"standpress-{token}"
        # the client's environment that shapes the bytes: ReportLab reads SOURCE_DATE_EPOCH
        # in the process that renders (a local pool's workers inherit it; a cluster's not)
        self.env = {k: os.environ.get(k) for k in ENV_SHAPING}

    def setup(self, worker=None) -> None:
        ctx = self.initargs[0] if self.initargs else None
        diff = differences(self.expect, fingerprint(ctx)) if ctx is not None else []
        where = getattr(worker, "address", None) or socket.gethostname()
        refusal = (f"worker {where} refused: " + "; ".join(diff)) if diff else None
        _BUILDS[self.token] = (self.init, self.initargs, refusal, self.env)
        if refusal is None:  # warm now, while the client checks the workers, not in a task
            _install(self.token)

    def teardown(self, worker=None) -> None:
        _BUILDS.pop(self.token, None)
        if _CURRENT[0] == self.token:
            _CURRENT[0] = ""


def worker_state(token: str) -> str | None:
    """On a worker: the refusal, if this worker differs from the build's client."""
    return _BUILDS[token][2] if token in _BUILDS else "standpress plugin not set up"


def run_on_worker(token: str, runner: Runner, task: Task, *inputs: tuple) -> tuple:
    """One task on a worker: skipped when an input failed, refused on a mismatched worker,
    else :func:`~.scheduler.execute` with the build's context installed in this process."""
    if any(r[0] != "ok" for r in inputs):
        return ("skipped", None, 0.0)
    if token not in _BUILDS:
        return ("error", "StandpressError", f"worker {socket.gethostname()}: the standpress "
                "plugin of this build is not set up", [])
    refusal = _BUILDS[token][2]
    if refusal:
        return ("error", "StandpressError", refusal, [])
    _install(token)
    return execute(runner, task)


def _install(token: str) -> None:
    """Make this worker process hold the build ``token``'s context and environment (once:
    a worker serving several builds in turn switches when the build changes)."""
    if _CURRENT[0] == token:
        return
    init, initargs, _, env = _BUILDS[token]
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    init(*initargs)
    _CURRENT[0] = token


class DaskScheduler:
    """Runs the build's tasks on a ``dask.distributed`` cluster (see the module docstring).

    ``DaskScheduler(jobs, runner, init, initargs, address=...)`` — the signature
    :func:`~.driver.build` calls, ``jobs`` being ignored (the cluster's workers decide);
    or ``client=`` an existing :class:`distributed.Client` (left open by :meth:`close`)."""

    def __init__(self, jobs: int, runner: Runner, init: Callable[..., None] = lambda: None,
                 initargs: tuple = (), *, address: Any = None, client: Client | None = None):
        self.runner, self.init, self.initargs = runner, init, initargs
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.futures: list = []
        self.token = uuid.uuid4().hex[:12]
        self.own = client is None
        try:
            self.client = client or Client(address, set_as_default=False, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise StandpressError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        init(*initargs)  # as LocalScheduler: the client process may run single tasks too
        expect = fingerprint(initargs[0]) if initargs else None
        self.plugin = StandpressPlugin(self.token, init, initargs, expect)
        try:
            self.client.register_plugin(self.plugin)
            self.refuse_mismatched()
        except BaseException:
            self.close(cancel=True)  # the driver never gets this scheduler to close
            raise

    def refuse_mismatched(self) -> None:
        """Every worker connected now must match the client (late joiners are checked by
        the plugin and refuse their tasks)."""
        states = self.client.run(worker_state, self.token)
        if not states:
            raise StandpressError(f"the Dask cluster at {self.client.scheduler.address} has "
                                  "no workers; start some with `dask worker ADDRESS`")
        refused = sorted(s for s in states.values() if s)
        if refused:
            raise StandpressError("; ".join(refused))

    def run(self, tasks: Sequence[Task], costs: Sequence[float] | None = None,
            tick: Callable[[str], None] | None = None,
            needs: Sequence[Sequence[str]] | None = None) -> list:
        n = len(tasks)
        if not n:
            return []
        tick = tick or (lambda kind: None)
        maker = {t[1][0]: i for i, t in enumerate(tasks)}
        run_id = uuid.uuid4().hex[:8]
        futures: list = [None] * n
        # submitted in an order where every task's inputs come first
        order, state = [], [0] * n
        for start in range(n):
            stack = [(start, False)]
            while stack:
                i, done = stack.pop()
                if done:
                    state[i] = 2
                    order.append(i)
                    continue
                if state[i]:
                    if state[i] == 1:
                        raise RuntimeError(f"tasks wait for each other: {tasks[i][0]}")
                    continue
                state[i] = 1
                stack.append((i, True))
                for k in (needs[i] if needs else ()):
                    j = maker.get(k)
                    if j is not None and j != i and state[j] != 2:
                        stack.append((j, False))
        for i in order:
            kind, args = tasks[i]
            deps = sorted({maker[k] for k in (needs[i] if needs else ()) if k in maker} - {i})
            futures[i] = self.client.submit(
                run_on_worker, self.token, self.runner, tasks[i], *(futures[j] for j in deps),
                key=f"standpress-{kind}-{str(args[0])[:16]}-{self.token}-{run_id}-{i}", pure=False,
                priority=round(100 * (costs[i] if costs else 0.0)), retries=1)
            self.futures.append(futures[i])
        index = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * n
        for future in as_completed(futures, loop=self.client.loop):
            i = index[future.key]
            try:
                results[i] = future.result()  # a bug in a task (not a StandpressError) raises
            except KilledWorker as exc:
                raise StandpressError(
                    f"the {tasks[i][0]} task {str(tasks[i][1][0])[:12]} was running on every "
                    f"worker that died while it ran ({exc}); look at the workers' logs (memory?)"
                ) from None
            if results[i][0] != "skipped":
                tick(tasks[i][0])
        self.futures = []
        raise_failures(results)
        add_seconds(self, tasks, results)
        return [r[1] for r in results]

    def close(self, cancel: bool = False) -> None:
        """Forget the build's plugin and close the client; ``cancel``: cancel every future
        of the build first (a task already running finishes, writing only into the cache)."""
        client = getattr(self, "client", None)
        if client is None:
            return
        self.client = None
        try:
            if cancel and self.futures:
                client.cancel(self.futures, force=True)
            self.futures = []
            try:
                client.unregister_worker_plugin(self.plugin.name)
            except Exception:  # noqa: BLE001 (a worker gone; nothing to undo there)
                pass
        finally:
            if self.own:
                client.close(timeout=10)


def dask_scheduler(address: str) -> Callable[..., DaskScheduler]:
    """What :func:`~.driver.build` takes as ``scheduler=`` to run on the cluster at
    ``address``."""

    def make(jobs: int, runner: Runner, init: Callable[..., None] = lambda: None,
             initargs: tuple = ()) -> DaskScheduler:
        return DaskScheduler(jobs, runner, init, initargs, address=address)

    return make
