"""The build on a Dask cluster (``pipeline/dask_scheduler.py``): a ``LocalCluster`` of two
worker processes gives the same bytes as the local pool, also when a worker is killed in
the middle of the build; a worker that differs from the client is refused; and a build
without ``--scheduler`` does not import Dask."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from standpress.cli import main  # noqa: E402
from standpress.errors import StandpressError  # noqa: E402
from standpress.pipeline import BuildOptions, build  # noqa: E402
from standpress.pipeline.dask_scheduler import FAKE_FINGERPRINT, DaskScheduler  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests/data/small/cases.csv"
EPOCH = "1665532800"


def _opts(out: Path, cache: Path) -> BuildOptions:
    return BuildOptions(cases=SMALL, locations=ROOT / "locations.toml", out=out,
                        allow_low_res=True, check=False, site=False, jobs=1, cache=cache)


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".standpress-owned.json"}


def _same(a: Path, b: Path) -> None:
    ta, tb = _tree(a), _tree(b)
    assert ta and list(tb) == list(ta)
    assert [n for n in ta if tb[n] != ta[n]] == []


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as c, \
            distributed.Client(c, set_as_default=False) as client:
        yield c, client


@pytest.fixture(scope="module")
def local_build(tmp_path_factory):
    """The small campaign built by the local pool (in this process)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    base = tmp_path_factory.mktemp("local")
    build(_opts(base / "out", base / "cache"))
    mp.undo()
    return base / "out"


def on(client):
    return lambda *a: DaskScheduler(*a, client=client)


def test_cluster_build_gives_the_same_bytes_as_a_local_build(cluster, local_build, tmp_path,
                                                             monkeypatch):
    """Through the command line, as a user points a build at a scheduler."""
    c, _ = cluster
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    res = CliRunner().invoke(main, [
        "build", "--cases", str(SMALL), "--locations", str(ROOT / "locations.toml"),
        "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--allow-low-res",
        "--no-check", "--no-site", "--scheduler", c.scheduler_address, "--timings"])
    assert res.exit_code == 0, res.output
    _same(local_build, tmp_path / "out")


def test_cluster_build_through_a_url_store_gives_the_same_bytes(cluster, local_build, tmp_path,
                                                                monkeypatch):
    """``--cache file:///…``: the client and each worker keep a mirror of their own (as
    separate machines would), so every product a worker makes reaches the client, and
    every photo a panel needs reaches its worker, only through the store."""
    from standpress.pipeline.storage import MIRROR_ENV

    c, client = cluster
    client.wait_for_workers(2, timeout=60)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "mirror-client"))
    workers = sorted(client.run(os.getpid))
    for i, w in enumerate(workers):  # (a lambda: the worker's own os.environ, not a copy)
        client.run(lambda m=str(tmp_path / f"mirror-{i}"): os.environ.__setitem__(MIRROR_ENV, m),
                   workers=[w])
    try:
        res = CliRunner().invoke(main, [
            "build", "--cases", str(SMALL), "--locations", str(ROOT / "locations.toml"),
            "--out", str(tmp_path / "out"), "--cache", (tmp_path / "store").as_uri(),
            "--allow-low-res", "--no-check", "--no-site", "--scheduler", c.scheduler_address])
    finally:
        client.run(lambda: os.environ.pop(MIRROR_ENV, None))
    assert res.exit_code == 0, res.output
    _same(local_build, tmp_path / "out")
    pdfs = {p.name for p in (tmp_path / "store" / "pdf").rglob("*.pdf")}
    by_workers = [{p.name for p in (tmp_path / f"mirror-{i}").rglob("*.pdf")} for i in (0, 1)]
    assert all(by_workers) and by_workers[0] | by_workers[1] <= pdfs


def test_worker_killed_mid_build_changes_nothing(cluster, local_build, tmp_path, monkeypatch):
    c, client = cluster
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pids = client.run(os.getpid)  # worker address → its process
    victim = sorted(pids)[0]
    finished = []  # render tasks finished on the cluster, as the progress hears them

    class Killing:
        """Kills one worker process once three render tasks have finished."""

        def __init__(self, *a):
            self.inner = DaskScheduler(*a, client=client)
            self.seconds = self.inner.seconds
            self.killed = False

        def run(self, tasks, costs=None, tick=None, needs=None):
            def killing_tick(kind):
                if tick:
                    tick(kind)
                if kind in ("pdf", "svg") and not self.killed:
                    finished.append(kind)
                    if len(finished) >= 3:
                        self.killed = True
                        os.kill(pids[victim], signal.SIGKILL)
            return self.inner.run(tasks, costs, killing_tick, needs)

        def close(self, cancel=False):
            self.inner.close(cancel)

    made = []
    build(_opts(tmp_path / "out", tmp_path / "cache"), scheduler=lambda *a: made.append(
        Killing(*a)) or made[-1])
    assert any(s.killed for s in made)
    _same(local_build, tmp_path / "out")
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next test


def test_mismatched_worker_is_refused_naming_it(cluster, tmp_path, monkeypatch):
    c, client = cluster
    client.wait_for_workers(2, timeout=60)
    victim = sorted(client.run(os.getpid))[0]
    # (a lambda, so that it runs against the worker's own os.environ, not a pickled copy)
    client.run(lambda: os.environ.__setitem__(FAKE_FINGERPRINT, "another standpress"),
               workers=[victim])
    try:
        with pytest.raises(StandpressError) as err:
            build(_opts(tmp_path / "out", tmp_path / "cache"), scheduler=on(client))
    finally:
        client.run(lambda: os.environ.pop(FAKE_FINGERPRINT, None), workers=[victim])
    message = str(err.value.message)
    assert f"worker {victim} refused" in message
    assert "standpress code or library versions differ" in message
    assert len(client.run(os.getpid)) == 2 and not (tmp_path / "out" / "opera").exists()


def test_unshared_cache_is_refused(cluster, tmp_path):
    """A worker that cannot see the build's cache folder (not shared, or not at the same
    path) is refused before any task runs."""
    from standpress.load.config import load_project
    from standpress.pipeline.tasks import Context, init_worker, run_task

    _, client = cluster
    client.wait_for_workers(2, timeout=60)
    project, _ = load_project(ROOT / "locations.toml")
    ctx = Context(str(tmp_path / "not-shared"), project, None, False)
    with pytest.raises(StandpressError) as err:
        DaskScheduler(1, run_task, init_worker, (ctx,), client=client)
    assert "the cache is not there" in err.value.message
    assert "refused" in err.value.message


def test_local_build_does_not_import_dask(tmp_path):
    code = ("import sys; from pathlib import Path; "
            "from standpress.pipeline import BuildOptions, build; "
            f"build(BuildOptions(cases=Path({str(SMALL)!r}), "
            f"locations=Path({str(ROOT / 'locations.toml')!r}), out=Path({str(tmp_path)!r}), "
            "only=('opera',), allow_low_res=True, check=False, site=False, jobs=1, "
            "use_cache=False)); "
            "import standpress.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed')))")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_failed_task_skips_its_dependants_and_all_failures_are_raised_at_once(cluster):
    """As the local pool: the failures' problems together, as their class; a task whose
    input failed never runs; the others do."""
    from standpress.errors import InputError, Problem

    _, client = cluster
    client.wait_for_workers(2, timeout=60)

    def runner(kind, args):  # nested: pickled by value, so the workers need not import tests
        if kind == "bad":
            raise InputError(f"bad {args[0]}", [Problem(f"{args[0]} is bad", "x.csv")])
        if kind == "after":
            raise AssertionError("a task whose input failed ran")
        return args[0]

    tasks = [("bad", ("a",)), ("after", ("b",)), ("ok", ("c",)), ("bad", ("d",)),
             ("after", ("e",))]
    needs = [[], ["a"], [], [], ["b", "c"]]
    ticks = []
    scheduler = DaskScheduler(1, runner, client=client)
    try:
        with pytest.raises(InputError) as err:
            scheduler.run(tasks, [1.0] * 5, ticks.append, needs)
        assert sorted(p.message for p in err.value.problems) == ["a is bad", "d is bad"]
        assert sorted(ticks) == ["bad", "bad", "ok"]  # the skipped ones never finished
        assert scheduler.run(tasks[2:3]) == ["c"]
    finally:
        scheduler.close()


def test_interrupted_build_cancels_its_futures_and_leaves_the_output(cluster, tmp_path,
                                                                     monkeypatch):
    """Ctrl-C (KeyboardInterrupt in the client) cancels the build's futures on the cluster
    and the output folder is as it was."""
    _, client = cluster
    client.wait_for_workers(2, timeout=60)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("before")
    made = []

    class Interrupted(DaskScheduler):
        def run(self, tasks, costs=None, tick=None, needs=None):
            def interrupt(kind):
                raise KeyboardInterrupt
            return super().run(tasks, costs, interrupt, needs)

    def make(*a):
        made.append(Interrupted(*a, client=client))
        return made[-1]

    with pytest.raises(KeyboardInterrupt):
        build(_opts(out, tmp_path / "cache"), scheduler=make)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]  # no stand, no temporary
    assert (out / "keep.txt").read_text() == "before"
    token = made[0].token  # in the keys of this build's tasks (others may still be let go)

    def left() -> list:
        return client.run_on_scheduler(lambda dask_scheduler: [
            k for k in dask_scheduler.tasks if token in str(k)])

    for _ in range(50):  # the scheduler forgets cancelled keys asynchronously
        if not left():
            break
        time.sleep(0.1)
    assert left() == []
