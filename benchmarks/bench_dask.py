"""The sample campaign on the local pool against a loopback Dask cluster (issue 17).

    python benchmarks/bench_dask.py [--jobs 2] [--no-check-site]

Both builds are cold (empty cache, no output) and made in this process with
:func:`standpress.pipeline.build`: first the local pool with ``--jobs`` processes, then a
loopback cluster of separate processes — ``dask scheduler`` and ``--jobs`` × ``dask worker
--nworkers 1 --nthreads 1``, each worker started in its own working folder — sharing one
cache folder. It prints (and writes to ``benchmarks/results-dask.json``) the wall time of
each, the seconds spent per kind of task summed over all processes and the number of tasks
of each kind, the bytes each kind of product takes in the cache (what a worker writes to,
and other workers read from, the shared folder), and whether the two outputs are the same
bytes. It is the 1× sample campaign (100 cases, 8 stands), not the 10× of the issue.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".standpress-owned.json"}


def cache_bytes(cache: Path) -> dict[str, int]:
    """Bytes of the products in the cache, per kind (entry JSON included)."""
    sizes: Counter = Counter()
    for kind in sorted(p for p in cache.iterdir() if p.is_dir()):
        for f in kind.rglob("*"):
            if f.is_file() and not f.name.startswith(".tmp-"):
                sizes[kind.name] += f.stat().st_size
    return dict(sizes)


def one_build(out: Path, cache: Path, jobs: int, check_site: bool, scheduler=None) -> dict:
    from standpress.pipeline import BuildOptions, build

    opts = BuildOptions(cases=ROOT / "data/cases.csv", locations=ROOT / "locations.toml",
                        out=out, allow_low_res=True, jobs=jobs, cache=cache,
                        check=check_site, site=check_site)
    started = time.perf_counter()
    result = build(opts, **({"scheduler": scheduler} if scheduler else {}))
    wall = time.perf_counter() - started
    counts = Counter(label.split()[0] for label in result.rendered)
    return {"wall_s": round(wall, 2),
            "stages_s": {k: v for k, v in result.timings.items() if not k.startswith("tasks.")},
            "task_s": {k[6:]: v for k, v in result.timings.items() if k.startswith("tasks.")},
            "tasks": dict(counts), "cache_bytes": cache_bytes(cache)}


def start_cluster(base: Path, workers: int) -> tuple[str, list[subprocess.Popen]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    file = base / "scheduler.json"
    procs = [subprocess.Popen(["dask", "scheduler", "--scheduler-file", str(file),
                               "--port", "0", "--dashboard-address", ":0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for _ in range(100):
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-check-site", action="store_true",
                    help="build without the preflight and the preview site")
    args = ap.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1665532800")
    sys.path.insert(0, str(ROOT / "src"))
    from standpress.pipeline.dask_scheduler import dask_scheduler

    check_site = not args.no_check_site
    base = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    procs: list[subprocess.Popen] = []
    try:
        local = one_build(base / "local", base / "cache-local", args.jobs, check_site)
        address, procs = start_cluster(base, args.jobs)
        cluster = one_build(base / "cluster", base / "cache-shared", args.jobs, check_site,
                            dask_scheduler(address))
        # the same cluster again, its workers now warm (fonts, profiles loaded), new cache
        warm = one_build(base / "cluster-warm", base / "cache-shared-2", args.jobs,
                         check_site, dask_scheduler(address))
        same = tree(base / "local") == tree(base / "cluster") == tree(base / "cluster-warm")
        result = {"campaign": "sample (data/cases.csv, 1x)", "jobs": args.jobs,
                  "check_and_site": check_site, "local": local, "cluster": cluster,
                  "cluster_warm_workers": warm,
                  "same_bytes": same,
                  "overhead": round(cluster["wall_s"] / local["wall_s"] - 1, 3),
                  "overhead_warm_workers": round(warm["wall_s"] / local["wall_s"] - 1, 3)}
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(result, indent=1))
    path = ROOT / "benchmarks" / "results-dask.json"  # one result per mode, the last run's
    everything = json.loads(path.read_text()) if path.exists() else {}
    everything["default" if check_site else "no-check-no-site"] = {
        **result, "load_average_after": os.getloadavg()}
    path.write_text(json.dumps(everything, indent=1) + "\n")


if __name__ == "__main__":
    main()
