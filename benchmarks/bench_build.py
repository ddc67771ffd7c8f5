"""How fast is ``standpress build`` against the floors, measured side by side?

    nice -n 5 python benchmarks/bench_build.py                  # 3 rounds and the 10× build
    nice -n 5 python benchmarks/bench_build.py --runs 1 --no-10x  # a quick look (minutes)
    python benchmarks/bench_build.py --runs 1 --no-10x --cases 30 --quiet-wait 0 --retries 0
    python benchmarks/bench_build.py --readme      # also rewrite README.md's table

The campaign (``campaign.py``, ``--campaign mixed``, issue 16's): the 100 sample cases on the
repository's 8 stands, 92 of them with a photo: 85 JPEGs of 4000×3000 (12 Mpx), a CMYK JPEG,
a 9000×6000 JPEG, one turned by EXIF, an RGBA PNG, a 16-bit RGB PNG, a grey PNG and a
320×240 JPEG (``--campaign plain``: 100 JPEGs of 4000×3000).

Every round runs, one after the other, so that each ratio compares runs made under the
same conditions (interleaved):

1. the **Pillow floor** and 2. the **libvips floor** (``floors.py``): the build's photo work
   and nothing else — the same placements (taken from standpress's own layout), the same
   pixel sizes — in ``--jobs`` processes;
3. standpress's **default build**, cold (no cache, no output): PDFs, SVGs, preflight, site;
4. the **PDFs-only** build (``--no-check --no-site --no-svg``), cold, in a second folder;
5. a **no-op** rebuild of 3; 6. after **one summary edited**; 7. after **one photo replaced**.

Each is a fresh process (``python -m standpress.cli build --timings``), measured for wall
time, CPU time (user + sys of the whole process tree), the largest process (``ru_maxrss``)
and, sampled every 0.1 s, the sum over all its processes (PSS, which counts the pages that
forked workers share once); and the share of the machine other programs took meanwhile (a
run they disturbed by more than ``BUSY`` is done again, ``--retries`` times at most).

After the rounds: the default build once more with the other number of processes
(``--jobs 1`` against ``--jobs 2``), cold, and both outputs compared file by file
(sha256); then (unless ``--no-10x``) the 10× campaign (1,000 cases, 80 stands) built cold
once, and a no-op rebuild of it, against the median 1× default build.

The code measured is a snapshot of ``src/standpress`` taken at the start, so edits made
meanwhile do not disturb the runs. Writes ``benchmarks/results.json`` (each earlier run's
results kept under ``history``) and prints a markdown table for README.md's "Performance"
section (``--readme`` puts it there, between its marker comments; ``bench_report.py``).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
sys.path.insert(0, str(HERE))

from bench_report import markdown, rewrite_readme, summarise  # noqa: E402
from campaign import KINDS, make_campaign, photo  # noqa: E402

EPOCH = "1665532800"
PDFS = ["--no-check", "--no-site", "--no-svg"]  # the job the peers do: PDFs (and stand files)


# ------------------------------------------------------------------ one measured process


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """Sum of RSS and of PSS over ``pids``, in KB."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def _busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit: float, log=print) -> float:
    """Wait (up to ``limit`` seconds) until other programs use under 10 % of the machine for
    5 s in a row; returns the share they used in the last 5 s."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + limit
    said = False
    span = 5 if limit > 0 else 1  # no waiting: a 1-second look, for the record
    while True:
        b0 = _busy()
        time.sleep(span)
        share = (_busy() - b0) / (span * cores)
        if share < 0.10 or time.monotonic() > deadline:
            return share
        if not said:
            log(f"  (waiting for a quiet machine: other programs use {share:.0%} of it)")
            said = True


def measure(cmd: list[str], cwd: str, env: dict) -> dict:
    """Run ``cmd`` once; wall time, CPU time, its largest process, the sum over its tree,
    and the CPU other programs used meanwhile (``foreign_share`` of the machine)."""
    peak = {"rss": 0, "pss": 0}
    busy = _busy()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _memory(_tree(proc.pid))
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            done.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    thread.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    foreign = max(0.0, _busy() - busy - cpu)
    return {"returncode": proc.returncode, "seconds": wall, "cpu_seconds": cpu,
            "foreign_share": foreign / (wall * (os.cpu_count() or 1)),
            "maxrss_mb": usage.ru_maxrss / 1024,
            "tree_rss_mb": peak["rss"] / 1024, "tree_pss_mb": peak["pss"] / 1024,
            "stdout": out.decode("utf-8", "replace")[-4000:],
            "stderr": err.decode("utf-8", "replace")[-8000:]}


QUIET_WAIT = 900.0  # seconds to wait for other programs to calm down before each run
BUSY = 0.15  # a run during which other programs used more of the machine is done again
RETRIES = 2  # … at most this many times


def run_measured(cmd: list[str], cwd: Path, env: dict) -> dict:
    """``measure`` in a fresh child, so that ru_maxrss is this run's alone; with what the
    build's ``--timings`` said (``stages``: seconds of the main process's stages;
    ``tasks``: seconds spent inside the tasks of each kind, summed over all processes;
    ``task_cpu``: their CPU seconds, with their children's such as Ghostscript)
    and, for a floor, what it printed (``floor``)."""
    before = wait_quiet(QUIET_WAIT)
    load = os.getloadavg()
    probe = subprocess.run([sys.executable, __file__, "--measure", json.dumps(
        {"cmd": cmd, "cwd": str(cwd), "env": env})], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SystemExit(f"measuring failed: {probe.stderr}")
    result = json.loads(probe.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"failed ({' '.join(cmd)}):\n{result['stderr']}\n{result['stdout']}")
    m = re.search(r"^(.*?) += ([\d.]+) s; (\d+) made, (\d+) reused", result["stderr"], re.M)
    if m:
        result["stages"] = {k: float(v) for k, v in re.findall(r"(\S+) ([\d.]+) s", m.group(1))}
        result["made"], result["reused"] = int(m.group(3)), int(m.group(4))
    m = re.search(r"^  in all processes: (.*)$", result["stderr"], re.M)
    if m:
        result["tasks"] = {k: float(v) for k, v in re.findall(r"(\S+) ([\d.]+) s", m.group(1))}
    m = re.search(r"^  CPU in tasks: (.*)$", result["stderr"], re.M)
    if m:
        result["task_cpu"] = {k: float(v) for k, v in re.findall(r"(\S+) ([\d.]+) s", m.group(1))}
    m = re.search(r"^(\d+) warnings?:$", result["stderr"], re.M)
    if m:
        result["warnings"] = int(m.group(1))
    if cmd[1].endswith("floors.py"):
        result["floor"] = json.loads(result["stdout"].strip().splitlines()[-1])
    for key in ("stdout", "stderr"):
        result.pop(key)
    result["foreign_share_before"] = before
    result["loadavg_before"] = [round(v, 2) for v in load]
    return result


def attempt(name: str, cmd: list[str], folder: Path, env: dict, prepare=None, log=print) -> dict:
    """One measured run; done again (``RETRIES`` times at most, ``prepare`` before each:
    reset for a cold build, a new edit for an edit) when other programs used more than
    ``BUSY`` of the machine meanwhile."""
    for n in range(RETRIES + 1):
        if prepare:
            prepare()
        r = run_measured(cmd, folder, env)
        r["attempts"] = n + 1
        if r["foreign_share"] <= BUSY or n == RETRIES:
            break
        log(f"  {name}: other programs used {r['foreign_share']:.0%} of the machine; again")
    seconds = r["floor"]["seconds"] if "floor" in r else r["seconds"]
    log(f"  {name}: {seconds:.2f} s ({r['cpu_seconds']:.1f} s CPU), largest process "
        f"{r['maxrss_mb']:.0f} MB, all processes {r['tree_pss_mb']:.0f} MB (PSS)"
        + (f", {r['made']} made" if "made" in r else "")
        + (f"; others used {r['foreign_share']:.0%} of the machine, load "
           f"{r['loadavg_before'][0]:.1f}" if r["foreign_share"] > 0.05 else ""))
    return r


# ------------------------------------------------------------------ the placements


def placements(code: Path, cases: Path, locations: Path) -> dict:
    """Every placed photo once, from standpress's own layout stage (cold):
    ``placements``: [source, w, h, focus, ppi, min_ppi, format, case]; ``profile``."""
    script = f"""
import json, os
from pathlib import Path
os.environ["SOURCE_DATE_EPOCH"] = "{EPOCH}"
import tempfile
from standpress.pipeline import BuildOptions
from standpress.pipeline.driver import lay_out
opts = BuildOptions(cases=Path({str(cases)!r}), locations=Path({str(locations)!r}), out=Path("x"))
with tempfile.TemporaryDirectory() as cache:
    project, plans, panels = lay_out(opts, Path(cache))
seen, out = set(), []
for plan in plans:
    fmt = plan.format
    for rec in panels[plan.location.id]:
        for source, w, h, focus, label in rec.images:
            k = (source, w, h, tuple(focus), fmt.target_ppi)
            if k not in seen:
                seen.add(k); out.append([*k, fmt.min_ppi, fmt.id, label])
print(json.dumps({{"placements": out, "profile": str(project.output_profile)}}))
"""
    env = dict(os.environ, PYTHONPATH=str(code))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         cwd=locations.parent)
    if res.returncode != 0:
        raise SystemExit(f"laying out the campaign failed (has lay_out changed?):\n{res.stderr}")
    return json.loads(res.stdout)


def below_floor(info: dict) -> list[dict]:
    """The placements whose photo prints below its format's ``min_ppi`` (an error unless
    the build has ``--allow-low-res``), by the build's own rule: the crop's pixels over the
    frame's inches, the photo turned upright first."""
    from PIL import Image

    low = []
    for source, w, h, _focus, _ppi, min_ppi, fmt, case in info["placements"]:
        with Image.open(source) as img:
            sw, sh = img.size
            if int(img.getexif().get(0x0112, 1)) in (5, 6, 7, 8):
                sw, sh = sh, sw
        cw, ch = (sh * w / h, sh) if sw / sh > w / h else (sw, sw * h / w)
        ppi = min(cw / (w / 25.4), ch / (h / 25.4))
        if ppi < min_ppi:
            low.append({"case": case, "photo": Path(source).name, "format": fmt,
                        "ppi": round(ppi, 1), "min_ppi": min_ppi})
    return low


# ------------------------------------------------------------------ the campaign and its edits


def build_cmd(extra: list[str], jobs: int) -> list[str]:
    return [sys.executable, "-m", "standpress.cli", "build", "--cases", "data/cases.csv",
            "--locations", "locations.toml", "--out", "out", "--jobs", str(jobs), "--timings",
            "-q", *extra]


def reset(folder: Path) -> None:
    for name in ("out", ".standpress-cache"):
        if (folder / name).exists():
            shutil.rmtree(folder / name)


def edit_summary(folder: Path, n: int) -> None:
    """Change a number in the first case's summary (a new value each time)."""
    import csv

    path = folder / "data" / "cases.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    summary = rows[0]["summary"]
    m = re.search(r"\d+", summary)
    rows[0]["summary"] = summary[:m.start()] + str(int(m.group()) + n) + summary[m.end():]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def replace_photo(folder: Path, n: int) -> None:
    """A new picture under the first case's photo name (the store's file is left alone)."""
    target = folder / "data" / "photos" / "p0000.jpg"
    target.unlink()
    target.write_bytes(photo(100_000 + n))


def size_of(folder: Path, unique: bool = False) -> int:
    """Bytes of the files under ``folder``; ``unique``: each hard-linked file once."""
    seen, total = set(), 0
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            if unique and (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def compare_trees(a: dict[str, str], b: dict[str, str]) -> dict:
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    return {"identical": a == b, "files": len(a), "differ": differ[:20], "n_differ": len(differ),
            "only_first": sorted(a.keys() - b.keys())[:20],
            "only_second": sorted(b.keys() - a.keys())[:20]}


# ------------------------------------------------------------------ the run


class Bench:
    """The campaign folders, the snapshot of the code and the commands of one run."""

    def __init__(self, args, env: dict, code: Path, store: Path, log=print):
        self.args, self.env, self.code, self.store, self.log = args, env, code, store, log
        self.c1, self.c1p = WORK / f"{args.campaign}-1x", WORK / f"{args.campaign}-1x-pdfs"
        self.extra: list[str] = []
        self.edits = 0

    def restore(self, folder: Path, scale: int = 1) -> tuple[Path, Path]:
        """The campaign as generated (earlier edits undone)."""
        return make_campaign(folder, scale, self.store, kind=self.args.campaign,
                             cases=self.args.cases if scale == 1 else None,
                             progress=self.log)

    def prepare(self) -> dict:
        cases, locations = self.restore(self.c1)
        self.restore(self.c1p)
        info = placements(self.code, cases, locations)
        low = below_floor(info)
        if low:  # an error without the flag: the build would stop
            self.extra = ["--allow-low-res"]
        tasks = [[*p[:5], info["profile"]] for p in info["placements"]]
        self.tasks_file = WORK / f"floor-tasks-{self.args.campaign}.json"
        self.tasks_file.write_text(json.dumps(tasks), "utf-8")
        self.log(f"{len(tasks)} photo placements; below the format's floor: "
                 + (", ".join(f"{x['photo']} ({x['ppi']} ppi on {x['format']}, min "
                              f"{x['min_ppi']:g})" for x in low) + " → --allow-low-res"
                    if low else "none"))
        return {"photos": len(tasks), "below_min_ppi": low, "allow_low_res": bool(low)}

    def floor(self, engine: str, name: str) -> dict:
        env = dict(self.env, VIPS_CONCURRENCY="1") if engine == "vips" else self.env
        cmd = [sys.executable, str(HERE / "floors.py"), engine, str(self.tasks_file),
               "--jobs", str(self.args.jobs)]
        return attempt(name, cmd, HERE, env, log=self.log)

    def build(self, name: str, folder: Path, extra: list[str], prepare=None,
              jobs: int | None = None) -> dict:
        cmd = build_cmd(self.extra + extra, jobs or self.args.jobs)
        return attempt(name, cmd, folder, self.env, prepare, self.log)

    def edit(self, how) -> None:
        self.edits += 1
        how(self.c1, self.edits)

    def one_round(self, i: int) -> dict:
        self.log(f"round {i + 1}")
        self.restore(self.c1)
        r = {"pillow": self.floor("pillow", "Pillow floor"),
             "vips": self.floor("vips", "libvips floor"),
             "default": self.build("default, cold", self.c1, [], lambda: reset(self.c1))}
        r["default"]["output_bytes"] = size_of(self.c1 / "out")
        r["default"]["output_unique_bytes"] = size_of(self.c1 / "out", unique=True)
        if i == 0:
            self.hashes = tree_hashes(self.c1 / "out")
        r["pdfs"] = self.build("PDFs only, cold", self.c1p, PDFS, lambda: reset(self.c1p))
        r["noop"] = self.build("no-op", self.c1, [])
        r["edit"] = self.build("one summary edited", self.c1, [],
                               lambda: self.edit(edit_summary))
        r["photo"] = self.build("one photo replaced", self.c1, [],
                                lambda: self.edit(replace_photo))
        return r

    def jobs_check(self) -> dict:
        """The default build with the other number of processes, cold, against round 1's."""
        other = 2 if self.args.jobs == 1 else 1
        self.restore(self.c1)
        run = self.build(f"default, cold, --jobs {other}", self.c1, [], lambda: reset(self.c1),
                         jobs=other)
        res = {"jobs": [self.args.jobs, other], "run": run,
               **compare_trees(self.hashes, tree_hashes(self.c1 / "out"))}
        self.log(f"--jobs {self.args.jobs} and --jobs {other}: "
                 + ("identical" if res["identical"] else
                    f"DIFFER ({res['n_differ']} files differ, e.g. {res['differ'][:3]}; only "
                    f"in one: {res['only_first'][:3]} {res['only_second'][:3]})"))
        reset(self.c1)
        return res

    def ten_x(self) -> dict:
        c10 = WORK / f"{self.args.campaign}-10x"
        self.restore(c10, 10)
        extra = ["--allow-low-res"] if self.args.campaign == "mixed" else []
        cold = attempt("10×, default, cold", build_cmd(extra, self.args.jobs), c10, self.env,
                       lambda: reset(c10), self.log)
        cold["output_bytes"] = size_of(c10 / "out")
        cold["output_unique_bytes"] = size_of(c10 / "out", unique=True)
        noop = attempt("10×, no-op", build_cmd(extra, self.args.jobs), c10, self.env,
                       log=self.log)
        reset(c10)
        return {"cases": 1000, "cold": cold, "noop": noop, "options": extra}


def snapshot() -> Path:
    code = WORK / "code"
    if code.exists():
        shutil.rmtree(code)
    shutil.copytree(ROOT / "src" / "standpress", code / "standpress",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return code


def machine() -> dict:
    import PIL
    import pyvips

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "pillow": PIL.__version__,
            "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}",
            "platform": platform.platform(), "loadavg_at_start": list(os.getloadavg())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds")
    ap.add_argument("--jobs", type=int, default=2, help="processes (floors and builds)")
    ap.add_argument("--campaign", choices=KINDS, default="mixed")
    ap.add_argument("--cases", type=int, default=None,
                    help="only the first N cases of the 1× campaign (a quicker look)")
    ap.add_argument("--no-10x", action="store_true", help="skip the 1,000-case campaign")
    ap.add_argument("--no-jobs-check", action="store_true",
                    help="skip the --jobs 1 / --jobs 2 comparison")
    ap.add_argument("--results", type=Path, default=HERE / "results.json")
    ap.add_argument("--readme", nargs="?", const=ROOT / "README.md", type=Path, default=None,
                    help="rewrite the performance table in README.md (or this file)")
    ap.add_argument("--quiet-wait", type=float, default=QUIET_WAIT,
                    help="seconds to wait for other programs to go quiet before each run")
    ap.add_argument("--retries", type=int, default=RETRIES,
                    help="runs other programs disturbed are done again this many times")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    globals().update(QUIET_WAIT=args.quiet_wait, RETRIES=args.retries)
    if args.measure:
        spec = json.loads(args.measure)
        print(json.dumps(measure(spec["cmd"], spec["cwd"], spec["env"])))
        return

    WORK.mkdir(exist_ok=True)
    code = snapshot()
    # as a user runs it: bytecode cached (the first run writes the snapshot's __pycache__)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env.update(PYTHONPATH=str(code), SOURCE_DATE_EPOCH=EPOCH)
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    bench = Bench(args, env, code, WORK / "photos")
    started = time.time()
    results = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine(), "standpress": commit, "jobs": args.jobs,
               "runs": args.runs, "campaign": args.campaign, "cases": args.cases}
    results["campaign_info"] = bench.prepare()
    results["rounds"] = [bench.one_round(i) for i in range(args.runs)]
    if not args.no_jobs_check:
        results["jobs_check"] = bench.jobs_check()
    if not args.no_10x:
        results["ten_x"] = bench.ten_x()
    results["wall_minutes"] = round((time.time() - started) / 60, 1)
    results["summary"] = summarise(results)

    previous = json.loads(args.results.read_text()) if args.results.exists() else {}
    history = previous.pop("history", []) + ([previous] if previous else [])
    args.results.write_text(json.dumps({**results, "history": history}, indent=1,
                                       ensure_ascii=False) + "\n", "utf-8")
    table = markdown(results)
    print()
    print(table)
    print(f"\nwritten: {args.results} ({len(history)} earlier runs kept under «history»)")
    if args.readme:
        rewrite_readme(args.readme, table)
        print(f"rewritten: the performance table in {args.readme}")


if __name__ == "__main__":
    main()
