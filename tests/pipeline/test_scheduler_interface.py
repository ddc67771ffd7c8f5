"""The build runs on any scheduler that keeps the ``Scheduler`` contract (a cluster's, say):
here one that runs the tasks in reverse order of readiness and records them. The bytes
are the same as the local scheduler's."""

from __future__ import annotations

from pathlib import Path

from standpress.pipeline import BuildOptions, build
from standpress.pipeline.scheduler import LocalScheduler, execute, raise_failures

ROOT = Path(__file__).resolve().parents[2]


class Backwards:
    """A scheduler of its own: in this process, each ready task last-in first-out."""

    made: list[str] = []

    def __init__(self, jobs, runner, init, initargs):
        self.runner, self.seconds = runner, {}
        init(*initargs)

    def run(self, tasks, costs=None, tick=None, needs=None):
        maker = {t[1][0]: i for i, t in enumerate(tasks)}
        waits = [{maker[k] for k in (needs[i] if needs else ()) if k in maker} - {i}
                 for i in range(len(tasks))]
        results, done = [None] * len(tasks), set()
        while len(done) < len(tasks):
            i = max(i for i in range(len(tasks)) if i not in done and waits[i] <= done)
            results[i] = execute(self.runner, tasks[i])
            done.add(i)
            Backwards.made.append(tasks[i][0])
            if tick:
                tick(tasks[i][0])
        raise_failures(results)
        return [r[1] for r in results]

    def close(self, cancel=False):
        pass


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".standpress-owned.json"}


def test_another_scheduler_builds_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1665532800")

    def opts(out: Path) -> BuildOptions:
        return BuildOptions(cases=ROOT / "tests/data/small/cases.csv",
                            locations=ROOT / "locations.toml", out=out, only=("opera",),
                            allow_low_res=True, check=False, site=False, jobs=1,
                            use_cache=False)

    build(opts(tmp_path / "local"), scheduler=LocalScheduler)
    build(opts(tmp_path / "other"), scheduler=Backwards)
    assert {"layout", "pdf", "svg", "stand"} <= set(Backwards.made)
    local, other = _tree(tmp_path / "local"), _tree(tmp_path / "other")
    assert local and list(other) == list(local)
    assert [n for n in local if other[n] != local[n]] == []
