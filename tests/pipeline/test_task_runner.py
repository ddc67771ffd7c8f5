"""The build's task runner: a task starts when the products it reads are made, the
costliest ready task first; after a failure, what waits for it is skipped, not run."""

from __future__ import annotations

import os
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from standpress.pipeline import scheduler as S
from standpress.pipeline import tasks as T
from standpress.errors import InputError, Problem


@pytest.fixture()
def workers(tmp_path, monkeypatch, project):
    log = tmp_path / "log.txt"

    def record(key: str, *reads: str) -> str:
        with log.open("a", encoding="utf-8") as fh:  # shared by the worker processes
            fh.write(key + "\n")
        return key.upper()

    def fail(key: str) -> None:
        raise InputError(f"{key} is broken", [Problem(f"{key} is broken", field="photo")])

    monkeypatch.setitem(T.TASKS, "rec", record)
    monkeypatch.setitem(T.TASKS, "fail", fail)
    # these tasks live in this module's TASKS, which only forked workers inherit; they never
    # call libvips, so forking is safe even where an earlier test of this process loaded it
    monkeypatch.setattr(S, "start_method", lambda: None)
    ctx = T.Context(str(tmp_path / "cache"), project, datetime.now(timezone.utc), False)
    made = []

    def make(jobs: int):
        w = S.LocalScheduler(jobs, T.run_task, T.init_worker, (ctx,))
        made.append(w)
        return w

    yield make, log
    for w in made:
        w.close()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_task_waits_for_what_it_reads(workers, jobs):
    make, log = workers
    tasks = [("rec", ("stand",)), ("rec", ("panel",)), ("rec", ("photo",))]
    needs = [["panel"], ["photo", "not-made-here"], []]
    ticks: list[str] = []
    assert make(jobs).run(tasks, [1.0, 1.0, 1.0], ticks.append, needs) == [
        "STAND", "PANEL", "PHOTO"]  # results in the order of the tasks
    assert log.read_text().split() == ["photo", "panel", "stand"]
    assert ticks == ["rec"] * 3


def test_the_costliest_ready_task_goes_first(workers):
    make, log = workers
    tasks = [("rec", ("small",)), ("rec", ("big",)), ("rec", ("after-small",))]
    make(1).run(tasks, [1.0, 5.0, 9.0], needs=[[], [], ["small"]])
    assert log.read_text().split() == ["big", "small", "after-small"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_waits_for_a_failed_task_is_skipped(workers, jobs):
    make, log = workers
    tasks = [("fail", ("photo",)), ("rec", ("panel",)), ("rec", ("stand",)), ("rec", ("other",))]
    needs = [[], ["photo"], ["panel"], []]
    with pytest.raises(InputError) as info:
        make(jobs).run(tasks, None, needs=needs)
    assert info.value.message == "photo is broken"  # one failure, said once
    assert log.read_text().split() == ["other"]


def _signal_masks(pid: int) -> tuple[int, int]:
    """(blocked, ignored) signal bit masks of a process, as Linux reports them."""
    fields = dict(line.split(":\t", 1) for line in
                  open(f"/proc/{pid}/status", encoding="ascii").read().splitlines() if ":\t" in line)
    return int(fields["SigBlk"], 16), int(fields["SigIgn"], 16)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_workers_ignore_ctrl_c_and_the_main_process_gets_it_back(workers, monkeypatch):
    """Ctrl-C during the workers' start must not reach a worker before it ignores it (a
    KeyboardInterrupt traceback in the build's output): the main process holds it back
    while it forks them, and each worker, once it ignores it, lets it through again.

    Each worker reads its own masks from inside a task, so after its initializer ran (a
    pool runs a task only then), and the two tasks wait for each other at a barrier, so
    they surely ran in two different workers: no reading races a worker's start."""
    import multiprocessing
    import os
    import signal

    make, _ = workers
    meet = multiprocessing.Barrier(2)  # inherited by the forked workers

    def masks_after_meeting(key: str) -> tuple[int, int, int]:
        meet.wait(timeout=120)  # BrokenBarrierError if the other task never came
        return (os.getpid(), *_signal_masks(os.getpid()))

    monkeypatch.setitem(T.TASKS, "masks", masks_after_meeting)
    before = _signal_masks(os.getpid())[0]
    readings = make(2).run([("masks", ("a",)), ("masks", ("b",))], [1.0, 1.0])
    bit = 1 << (signal.SIGINT - 1)
    assert _signal_masks(os.getpid())[0] == before  # not blocked any more here
    pids = {pid for pid, _, _ in readings}
    assert len(pids) == 2 and os.getpid() not in pids
    for pid, blocked, ignored in readings:
        assert ignored & bit, f"worker {pid} does not ignore Ctrl-C"
        assert not blocked & bit, f"worker {pid} still blocks Ctrl-C"


def _whoami(item: int) -> tuple:
    return item, os.getpid(), signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_forked_map_runs_in_other_processes_that_leave_ctrl_c_to_this_one():
    """The plan's processes (``ForkedMap``) are started as the build's workers are: a
    group Ctrl-C reaching them while idle printed a KeyboardInterrupt traceback."""
    out = S.ForkedMap(2)(_whoami, [0, 1, 2])
    assert [o[0] for o in out] == [0, 1, 2]
    assert all(pid != os.getpid() for _, pid, _ in out) and all(ign for _, _, ign in out)


def test_a_cancelled_pool_leaves_no_thread_to_race_the_exit(workers):
    """After ``close(cancel=True)`` the pool's manager thread has ended: before Python
    3.13, one still ending raced the interpreter's exit over its wake-up pipe ("Exception
    ignored … Bad file descriptor" after Ctrl-C)."""
    from concurrent.futures.process import _ExecutorManagerThread

    make, _ = workers
    w = make(2)
    w.run([("rec", ("a",)), ("rec", ("b",))])
    assert any(isinstance(t, _ExecutorManagerThread) for t in threading.enumerate())
    w.close(cancel=True)
    assert not any(isinstance(t, _ExecutorManagerThread) and t.is_alive()
                   for t in threading.enumerate())
