"""How fast does ``standpress build`` go, against the floor and as the campaign grows?

    python benchmarks/bench_build.py                 # everything (about an hour on 2 cores)
    python benchmarks/bench_build.py --runs 1 --no-10x   # a quick look

On a generated campaign shaped like ТОП-100 (``campaign.py``: 100 cases, a 4000×3000 JPEG
for each, the repository's 8 stands) it measures, as medians over ``--runs`` runs, each
run a fresh ``python -m standpress.cli build`` process:

* a cold build (no cache, no output), a no-op rebuild, a rebuild after editing one case's
  summary, a rebuild after replacing one photo;
* the peak memory: the largest resident set of any one process of the build
  (``ru_maxrss``) and, sampled every 0.1 s, the sum over all its processes (RSS, and PSS,
  which counts pages shared between the forked workers once);
* the total size of the output;
* the floor: decoding, resampling, converting to the output profile and encoding every
  photo once, at the pixel size the build gives it, with Pillow alone, in as many
  processes as the build uses (and in one), which no build can beat; and the ratio of
  the cold build to it.

Photos converted to CMYK ("convert", the default) and embedded untouched ("passthrough");
with the default build (preflight and preview site), with ``--no-check --no-site``, and
with ``--no-svg`` as well (PDFs only: the job WeasyPrint or Typst would do).
Then a 10× campaign (1,000 cases and photos, 80 stands) once, to show how time and memory
grow. The code measured is a snapshot of ``src/standpress`` taken at the start, so edits
made meanwhile do not disturb the runs. Prints a table, writes ``benchmarks/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
sys.path.insert(0, str(HERE))

from campaign import make_campaign, photo  # noqa: E402

EPOCH = "1665532800"
LIGHT = ["--no-check", "--no-site"]
PDFS = LIGHT + ["--no-svg"]  # the job the peers do: PDFs (and the stand files) only


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
    while True:
        b0 = _busy()
        time.sleep(5)
        share = (_busy() - b0) / (5 * cores)
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


def run_measured(cmd: list[str], cwd: Path, env: dict) -> dict:
    """``measure`` in a fresh child, so that ru_maxrss is this run's alone."""
    before = wait_quiet(QUIET_WAIT)
    probe = subprocess.run([sys.executable, __file__, "--measure", json.dumps(
        {"cmd": cmd, "cwd": str(cwd), "env": env})], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SystemExit(f"measuring failed: {probe.stderr}")
    result = json.loads(probe.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"build failed ({' '.join(cmd)}):\n{result['stderr']}\n{result['stdout']}")
    m = re.search(r"^(prepare .*?) = ([\d.]+) s; (\d+) made, (\d+) reused", result["stderr"], re.M)
    if m:
        result["stages"] = {k: float(v) for k, v in re.findall(r"(\S+) ([\d.]+) s", m.group(1))}
        result["made"], result["reused"] = int(m.group(3)), int(m.group(4))
    m = re.search(r"^  in all processes: (.*)$", result["stderr"], re.M)
    if m:
        result["tasks"] = {k: float(v) for k, v in re.findall(r"(\S+) ([\d.]+) s", m.group(1))}
    for key in ("stdout", "stderr"):
        result.pop(key)
    result["foreign_share_before"] = before
    return result


# ------------------------------------------------------------------ the floor


def _placements(code: Path, cases: Path, locations: Path) -> list:
    """(photo, w, h, focus, ppi) of every placed photo, from standpress's own layout."""
    script = f"""
import json, os
from pathlib import Path
os.environ["SOURCE_DATE_EPOCH"] = "{EPOCH}"
import tempfile
from standpress.pipeline import BuildOptions
from standpress.pipeline.driver import lay_out
opts = BuildOptions(cases=Path({str(cases)!r}), locations=Path({str(locations)!r}), out=Path("x"))
with tempfile.TemporaryDirectory() as cache:  # the build's own layout stage, cold
    project, plans, panels = lay_out(opts, Path(cache))
seen, out = set(), []
for plan in plans:
    for rec in panels[plan.location.id]:
        for source, w, h, focus, _ in rec.images:
            k = (source, w, h, tuple(focus), plan.format.target_ppi)
            if k not in seen:
                seen.add(k); out.append(list(k))
print(json.dumps({{"placements": out, "profile": str(project.output_profile)}}))
"""
    env = dict(os.environ, PYTHONPATH=str(code))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         cwd=locations.parent)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout)


_TRANSFORM = None


def _floor_one(args: tuple) -> int:
    """Decode, crop and resample, convert to the output profile, encode: one photo."""
    import io

    from PIL import Image, ImageCms

    global _TRANSFORM
    source, w, h, focus, ppi, profile = args
    if _TRANSFORM is None:
        _TRANSFORM = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(profile), "RGB", "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    size = (max(1, round(w / 25.4 * ppi)), max(1, round(h / 25.4 * ppi)))
    with Image.open(source) as img:
        sw, sh = img.size
        aspect = w / h
        cw, ch = (sh * aspect, sh) if sw / sh > aspect else (sw, sw / aspect)
        x0 = min(max(focus[0] * sw - cw / 2, 0), sw - cw)
        y0 = min(max(focus[1] * sh - ch / 2, 0), sh - ch)
        if cw > size[0] and ch > size[1]:
            img.draft("RGB", (int(sw * size[0] / cw) + 1, int(sh * size[1] / ch) + 1))
            k = img.size[0] / sw
            img = img.convert("RGB").resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0,
                                            box=(x0 * k, y0 * k, (x0 + cw) * k, (y0 + ch) * k))
        else:
            img = img.convert("RGB").crop((round(x0), round(y0), round(x0 + cw), round(y0 + ch)))
        cmyk = ImageCms.applyTransform(img, _TRANSFORM)
    buf = io.BytesIO()
    cmyk.save(buf, "JPEG", quality=90, subsampling=0)
    return len(buf.getvalue())


def floor(tasks: list, jobs: int) -> float:
    """Seconds to prepare every photo once with Pillow in ``jobs`` fresh processes."""
    wait_quiet(QUIET_WAIT)
    script = f"""
import json, sys, time
sys.path.insert(0, {str(HERE)!r})
from concurrent.futures import ProcessPoolExecutor
from bench_build import _floor_one
tasks = json.loads(sys.stdin.read())
start = time.perf_counter()
if {jobs} > 1:
    with ProcessPoolExecutor({jobs}) as pool:
        list(pool.map(_floor_one, tasks))
else:
    [_floor_one(t) for t in tasks]
print(time.perf_counter() - start)
"""
    res = subprocess.run([sys.executable, "-c", script], input=json.dumps(tasks),
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return float(res.stdout)


# ------------------------------------------------------------------ the campaign and its edits


def build_cmd(folder: Path, extra: list[str], jobs: int) -> list[str]:
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


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def series(name: str, cmd: list[str], folder: Path, env: dict, runs: int, before=None,
           log=print) -> dict:
    results = []
    for i in range(runs):
        for attempt in range(3):  # a run other programs disturbed is done again (twice at most)
            if before:
                before(3 * i + attempt)  # a new edit, a new photo each time
            r = run_measured(cmd, folder, env)
            if r["foreign_share"] <= BUSY or attempt == 2:
                break
            log(f"  {name} run {i + 1}: other programs used {r['foreign_share']:.0%} of the "
                "machine; again")
            if before is None and name != "no-op":
                break  # nothing to undo: keep it
        results.append(r)
        log(f"  {name} run {i + 1}: {r['seconds']:.2f} s ({r['cpu_seconds']:.1f} s CPU), "
            f"largest process {r['maxrss_mb']:.0f} MB, all processes {r['tree_pss_mb']:.0f} MB "
            f"(PSS)" + (f", {r['made']} made" if "made" in r else "")
            + (f"; other programs used {r['foreign_share']:.0%} of the machine meanwhile"
               if r["foreign_share"] > 0.05 else ""))
    return {"runs": results, "seconds": median(results, "seconds"),
            "cpu_seconds": median(results, "cpu_seconds"),
            "foreign_share": max(r["foreign_share"] for r in results),
            "maxrss_mb": max(r["maxrss_mb"] for r in results),
            "tree_rss_mb": max(r["tree_rss_mb"] for r in results),
            "tree_pss_mb": max(r["tree_pss_mb"] for r in results)}


def bench_config(label: str, folder: Path, extra: list[str], env: dict, args, incremental: bool,
                 log=print) -> dict:
    cmd = build_cmd(folder, extra, args.jobs)
    log(f"{label}: {' '.join(cmd[2:])}")
    res = {"label": label, "options": extra}
    res["cold"] = series("cold", cmd, folder, env, args.runs, lambda i: reset(folder), log)
    res["output_bytes"] = size_of(folder / "out")
    res["output_unique_bytes"] = size_of(folder / "out", unique=True)
    res["cache_bytes"] = size_of(folder / ".standpress-cache")
    res["noop"] = series("no-op", cmd, folder, env, args.runs, log=log)
    if incremental:
        res["edit"] = series("one summary edited", cmd, folder, env, args.runs,
                             lambda i: edit_summary(folder, i + 1), log)
        res["photo"] = series("one photo replaced", cmd, folder, env, args.runs,
                              lambda i: replace_photo(folder, i), log)
    return res


# ------------------------------------------------------------------ report


def table(results: dict) -> str:
    f = results["floor"]
    rows = [("campaign / mode / build", "cold s", "cold CPU s", "× floor", "no-op s", "1 edit s",
             "1 photo s",
             "peak MB (1 proc)", "peak MB (all, PSS)", "output MB (files / on disk)")]
    for c in results["configs"]:
        # the floor is the 1× campaign's: a ratio only for 1× builds that convert photos
        fl = f["jobs_seconds"] if c["mode"] == "convert" and c.get("scale", 1) == 1 else None
        rows.append((
            c["label"], f"{c['cold']['seconds']:.1f}", f"{c['cold'].get('cpu_seconds', 0):.0f}",
            f"{c['cold']['seconds'] / fl:.2f}" if fl else "—",
            f"{c['noop']['seconds']:.2f}",
            f"{c['edit']['seconds']:.2f}" if "edit" in c else "—",
            f"{c['photo']['seconds']:.2f}" if "photo" in c else "—",
            f"{max(c[k]['maxrss_mb'] for k in ('cold', 'noop', 'edit', 'photo') if k in c):.0f}",
            f"{max(c[k]['tree_pss_mb'] for k in ('cold', 'noop', 'edit', 'photo') if k in c):.0f}",
            f"{c['output_bytes'] / 1e6:.0f} / {c.get('output_unique_bytes', 0) / 1e6:.0f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in
                       enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"floor (1× campaign, {f['photos']} photos decoded, resampled, converted to CMYK "
                 f"and encoded with Pillow): {f['jobs_seconds']:.1f} s in {f['jobs']} processes, "
                 f"{f['one_seconds']:.1f} s in one")
    for c in results["configs"]:
        stages = c["cold"]["runs"][-1].get("stages", {})
        if stages:
            lines.append(f"cold stages, {c['label']}: " + ", ".join(
                f"{k} {v:.1f}" for k, v in stages.items() if not k.startswith("tasks.")))
    busy = [(c["label"], k, c[k]["foreign_share"]) for c in results["configs"]
            for k in ("cold", "noop", "edit", "photo") if k in c and c[k].get("foreign_share", 0) > 0.05]
    for label, k, share in busy:
        lines.append(f"note: during a {k} run of «{label}» other programs used {share:.0%} "
                     "of the machine")
    if results.get("scale"):
        s = results["scale"]
        lines.append(f"10× / 1×: time {s['time_ratio']:.2f}×, largest process "
                     f"{s['memory_ratio']:.2f}×, all processes {s['pss_ratio']:.2f}×")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-10x", action="store_true", help="skip the 1,000-case campaign")
    ap.add_argument("--only-10x", action="store_true", help="the 1,000-case campaign only")
    ap.add_argument("--results", type=Path, default=HERE / "results.json")
    ap.add_argument("--quiet-wait", type=float, default=QUIET_WAIT,
                    help="seconds to wait for other programs to go quiet before each run")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    globals()["QUIET_WAIT"] = args.quiet_wait
    if args.measure:
        spec = json.loads(args.measure)
        print(json.dumps(measure(spec["cmd"], spec["cwd"], spec["env"])))
        return

    WORK.mkdir(exist_ok=True)
    code = WORK / "code"
    if code.exists():
        shutil.rmtree(code)
    shutil.copytree(ROOT / "src" / "standpress", code / "standpress",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # as a user runs it: bytecode cached (the first run writes the snapshot's __pycache__)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env.update(PYTHONPATH=str(code), SOURCE_DATE_EPOCH=EPOCH)
    store = WORK / "photos"
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    import PIL

    results = {"machine": {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
                           "pillow": PIL.__version__, "platform": platform.platform()},
               "standpress": commit, "jobs": args.jobs, "runs": args.runs, "configs": []}
    previous = json.loads(args.results.read_text()) if args.results.exists() else {}

    if not args.only_10x:
        c1 = WORK / "c1"
        cases, locations = make_campaign(c1, 1, store)
        p1 = WORK / "c1-passthrough"
        make_campaign(p1, 1, store)
        text = (p1 / "locations.toml").read_text("utf-8")
        (p1 / "locations.toml").write_text(text.replace('photos = "convert"',
                                                        'photos = "passthrough"'), "utf-8")
        info = _placements(code, cases, locations)
        tasks = [(*p, info["profile"]) for p in info["placements"]]
        print(f"floor: {len(tasks)} photos")
        one = statistics.median(floor(tasks, 1) for _ in range(args.runs))
        many = statistics.median(floor(tasks, args.jobs) for _ in range(args.runs))
        results["floor"] = {"photos": len(tasks), "one_seconds": one, "jobs": args.jobs,
                            "jobs_seconds": many}
        print(f"  {one:.1f} s in one process, {many:.1f} s in {args.jobs}")
        for label, folder, mode, extra, inc in (
                ("1× convert, full build", c1, "convert", [], True),
                ("1× convert, --no-check --no-site", c1, "convert", LIGHT, True),
                ("1× convert, PDFs only (--no-svg too)", c1, "convert", PDFS, False),
                ("1× passthrough, full build", p1, "passthrough", [], False),
                ("1× passthrough, --no-check --no-site", p1, "passthrough", LIGHT, False),
                ("1× passthrough, PDFs only (--no-svg too)", p1, "passthrough", PDFS, False)):
            make_campaign(folder, 1, store, progress=lambda s: None)  # undo earlier edits
            if mode == "passthrough":
                text = (folder / "locations.toml").read_text("utf-8")
                (folder / "locations.toml").write_text(
                    text.replace('photos = "convert"', 'photos = "passthrough"'), "utf-8")
            res = bench_config(label, folder, extra, env, args, inc)
            res["mode"] = mode
            res["scale"] = 1
            results["configs"].append(res)
        make_campaign(c1, 1, store, progress=lambda s: None)
    else:
        results["floor"] = previous.get("floor")
        results["configs"] = [c for c in previous.get("configs", []) if c.get("scale") == 1]

    if not args.no_10x:
        c10 = WORK / "c10"
        make_campaign(c10, 10, store)
        one_run = argparse.Namespace(**{**vars(args), "runs": 1})
        for label, extra in (("10× convert, full build", []),
                             ("10× convert, --no-check --no-site", LIGHT)):
            res = bench_config(label, c10, extra, env, one_run, False)
            res["mode"] = "convert"
            res["scale"] = 10
            results["configs"].append(res)
        base = next((c for c in results["configs"] if c["label"] == "1× convert, full build"), None)
        big = next(c for c in results["configs"] if c["label"] == "10× convert, full build")
        if base:
            results["scale"] = {
                "time_ratio": big["cold"]["seconds"] / base["cold"]["seconds"],
                "memory_ratio": big["cold"]["maxrss_mb"] / base["cold"]["maxrss_mb"],
                "pss_ratio": big["cold"]["tree_pss_mb"] / base["cold"]["tree_pss_mb"]}
    elif previous.get("scale"):
        results["scale"] = previous["scale"]
        results["configs"] += [c for c in previous.get("configs", []) if c.get("scale") == 10]

    args.results.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print()
    print(table(results))
    print(f"\nwritten: {args.results}")


if __name__ == "__main__":
    main()
