"""A campaign on the local pool against a loopback Dask cluster (issue 17).

    python benchmarks/bench_dask.py [--scale 1|10] [--rounds N] [--jobs 2] [--no-check-site]

A loopback cluster of separate processes is started first — ``dask scheduler`` and
``--jobs`` × ``dask worker --nworkers 1 --nthreads 1``, each worker in its own working
folder, all with :data:`~standpress.pipeline.dask_scheduler.WORKER_ENV` (the settings the
README recommends) — and then, ``--rounds`` times in turn, the campaign is built cold
(empty cache, no output) in this process with :func:`standpress.pipeline.build`: on the
local pool with ``--jobs`` processes, then on the cluster, its workers sharing one cache
folder. The first cluster build meets workers that have never run a standpress task.

For each build it records the wall time; the CPU time (user + system) of every process
involved — this one and its children (the local pool, Ghostscript), and on the cluster the
scheduler, the nannies and the workers and their children; the seconds and CPU seconds
spent per kind of task and the number of tasks of each kind; the bytes each kind of
product takes in the cache (what a worker writes to, and other workers read from, the
shared folder); the machine's load average; and whether the outputs are the same bytes.
The overheads are the cluster's figures over the local pool's of the same round.

``--scale 1`` is the sample campaign (``data/cases.csv``: 100 cases, 8 stands), or with
``--generated`` the 1× campaign of ``benchmarks/campaign.py`` (the same cases, each with
a generated 12-Mpx photo); ``--scale 10`` its 10× campaign (1,000 cases, 80 stands). The
generated photos are kept in ``benchmarks/.work/photos``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tree(out: Path) -> dict[str, str]:
    """Each output file's SHA-256 (not its bytes: a 10x output is several GB)."""
    return {p.relative_to(out).as_posix(): file_digest(p) for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".standpress-owned.json"}


def file_digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def cache_bytes(cache: Path) -> dict[str, int]:
    """Bytes of the products in the cache, per kind (entry JSON included)."""
    sizes: Counter = Counter()
    for kind in sorted(p for p in cache.iterdir() if p.is_dir()):
        for f in kind.rglob("*"):
            if f.is_file() and not f.name.startswith(".tmp-"):
                sizes[kind.name] += f.stat().st_size
    return dict(sizes)


def cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system, their finished children's included) of these processes
    and every process under them."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            top = psutil.Process(pid)
            procs = [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in procs:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
    return total


def here_cpu() -> tuple[float, float]:
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def one_build(out: Path, cache: Path, jobs: int, check_site: bool, cases: Path,
              locations: Path, scheduler=None, cluster_pids: list[int] = ()) -> dict:
    from standpress.pipeline import BuildOptions, build
    from standpress.pipeline.scheduler import LocalScheduler

    made = []

    def factory(*a):
        made.append((scheduler or LocalScheduler)(*a))
        return made[-1]

    opts = BuildOptions(cases=cases, locations=locations, out=out, allow_low_res=True,
                        jobs=jobs, cache=cache, check=check_site, site=check_site)
    me0, kids0 = here_cpu()
    far0 = cpu_of(list(cluster_pids))
    started = time.perf_counter()
    result = build(opts, scheduler=factory)
    wall = time.perf_counter() - started
    me1, kids1 = here_cpu()
    far1 = cpu_of(list(cluster_pids))
    counts = Counter(label.split()[0] for label in result.rendered)
    cpu = {"client": round(me1 - me0, 2), "local_children": round(kids1 - kids0, 2),
           "cluster_processes": round(far1 - far0, 2)}
    cpu["total"] = round(sum(cpu.values()), 2)
    return {"wall_s": round(wall, 2), "cpu_s": cpu,
            "stages_s": {k: v for k, v in result.timings.items() if not k.startswith("tasks.")},
            "task_s": {k[6:]: v for k, v in result.timings.items() if k.startswith("tasks.")},
            "task_cpu_s": {k: round(v, 3) for k, v in made[0].cpu.items()},
            "tasks": dict(counts), "cache_bytes": cache_bytes(cache),
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}


def start_cluster(base: Path, workers: int, tuned: bool = True
                  ) -> tuple[str, list[subprocess.Popen]]:
    from standpress.pipeline.dask_scheduler import WORKER_ENV

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(WORKER_ENV if tuned else {})}
    file = base / "scheduler.json"
    procs = [subprocess.Popen(["dask", "scheduler", "--scheduler-file", str(file),
                               "--port", "0", "--dashboard-address", ":0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for _ in range(300):
        if file.exists() and file.stat().st_size:
            break
        time.sleep(0.2)
    address = json.loads(file.read_text())["address"]
    for i in range(workers):
        home = base / f"worker-{i}"
        home.mkdir()
        procs.append(subprocess.Popen(
            ["dask", "worker", address, "--nworkers", "1", "--nthreads", "1",
             "--local-directory", str(home), "--no-dashboard"], cwd=home, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def campaign(scale: int, base: Path, generated: bool) -> tuple[Path, Path, str]:
    if scale == 1 and not generated:
        return ROOT / "data/cases.csv", ROOT / "locations.toml", "sample (data/cases.csv, 1x)"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from campaign import make_campaign

    cases, locations = make_campaign(base / "campaign", scale, ROOT / "benchmarks/.work/photos")
    return cases, locations, f"benchmarks/campaign.py, {scale}x"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--scale", type=int, default=1, choices=(1, 10))
    ap.add_argument("--rounds", type=int, default=1, help="local, cluster pairs in turn")
    ap.add_argument("--generated", action="store_true",
                    help="--scale 1: the generated campaign (12-Mpx photos), not the sample")
    ap.add_argument("--dask-defaults", action="store_true",
                    help="start the cluster with Dask's default settings, not WORKER_ENV")
    ap.add_argument("--no-check-site", action="store_true",
                    help="build without the preflight and the preview site")
    args = ap.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1665532800")
    sys.path.insert(0, str(ROOT / "src"))
    from standpress.pipeline.dask_scheduler import dask_scheduler

    check_site = not args.no_check_site
    base = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    procs: list[subprocess.Popen] = []
    rounds = []
    try:
        cases, locations, name = campaign(args.scale, base, args.generated)
        load_before = [round(x, 2) for x in os.getloadavg()]
        address, procs = start_cluster(base, args.jobs, not args.dask_defaults)
        pids = [p.pid for p in procs]
        for r in range(args.rounds):
            local = one_build(base / f"local{r}", base / f"cache-local{r}", args.jobs,
                              check_site, cases, locations)
            cluster = one_build(base / f"cluster{r}", base / f"cache-shared{r}", args.jobs,
                                check_site, cases, locations, dask_scheduler(address), pids)
            same = tree(base / f"local{r}") == tree(base / f"cluster{r}")
            rounds.append({"local": local, "cluster": cluster, "same_bytes": same,
                           "overhead_wall": round(cluster["wall_s"] / local["wall_s"] - 1, 3),
                           "overhead_cpu": round(cluster["cpu_s"]["total"]
                                                 / local["cpu_s"]["total"] - 1, 3)})
            for d in (f"local{r}", f"cache-local{r}", f"cluster{r}", f"cache-shared{r}"):
                shutil.rmtree(base / d, ignore_errors=True)
            print(json.dumps({k: v for k, v in rounds[-1].items()}, indent=1), flush=True)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(base, ignore_errors=True)
    result = {"campaign": name, "jobs": args.jobs, "check_and_site": check_site,
              "cluster_settings": "Dask's defaults" if args.dask_defaults else "WORKER_ENV",
              "machine": f"{os.cpu_count()} cores, shared; `nice` {os.nice(0)}",
              "load_average_before": load_before, "rounds": rounds}
    path = ROOT / "benchmarks" / "results-dask.json"  # one result per mode, the last run's
    everything = json.loads(path.read_text()) if path.exists() else {}
    mode = "default" if check_site else "no-check-no-site"
    generated = " generated" if args.generated and args.scale == 1 else ""
    tuned = ", Dask's defaults" if args.dask_defaults else ""
    everything[f"{args.scale}x{generated} {mode}{tuned}"] = result
    path.write_text(json.dumps(everything, indent=1) + "\n")


if __name__ == "__main__":
    main()
