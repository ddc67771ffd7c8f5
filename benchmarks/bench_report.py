"""What ``bench_build.py`` measured, summed up: ratios, targets, and the README's table.

``summarise(results)`` → the figures (min–max over the rounds of each ratio to the floor
of the *same* round, CPU per kind of task, peak memory, the 10× ratio, the ``--jobs``
check, each of issue 16's targets met or not); ``markdown(results)`` → the block README.md's
"Performance" section shows; ``rewrite_readme(path, block)`` puts it between the markers
``BEGIN`` and ``END`` there.
"""

from __future__ import annotations

import statistics
import textwrap
from pathlib import Path

BEGIN = "<!-- bench_build:begin (written by python benchmarks/bench_build.py --readme) -->"
END = "<!-- bench_build:end -->"

BUILDS = ("default", "pdfs", "noop", "edit", "photo")
LABELS = {
    "pillow": "Pillow floor",
    "vips": "libvips floor (one thread per process)",
    "default": "default build, cold: PDFs, SVGs, preflight, preview site",
    "pdfs": "PDFs only, cold (`--no-check --no-site --no-svg`)",
    "noop": "no-op rebuild",
    "edit": "one summary edited",
    "photo": "one photo replaced",
}
# issue 16's targets: (ratio to the Pillow floor, seconds), either may be None
TARGETS = {"default": (1.3, None), "pdfs": (0.85, None), "noop": (0.02, 0.5),
           "edit": (0.08, 2.0)}
TEN_X_TARGET = 10.0
BUSY = 0.15  # other programs took more of the machine than this: say the figures are not final
MEMORY_TARGET_GB = 1.0
CAMPAIGNS = {
    "mixed": "issue 16's, the 100 sample cases on the 8 stands of `locations.toml`, 92 with "
             "a photo: 85 JPEGs of 4000×3000, a CMYK JPEG, a 9000×6000 JPEG, one turned by "
             "EXIF, an RGBA PNG, a 16-bit RGB PNG, a grey PNG, a 320×240 JPEG",
    "plain": "the 100 sample cases on the 8 stands of `locations.toml`, each with its own "
             "4000×3000 JPEG",
}


def seconds(run: dict) -> float:
    """A floor's time is its photo work (pool start included, interpreter start not); a
    build's is the whole process."""
    return run["floor"]["seconds"] if "floor" in run else run["seconds"]


def _span(values: list[float]) -> dict:
    return {"min": min(values), "max": max(values), "median": statistics.median(values)}


def _gb(mib: float) -> float:
    return mib * 1024 * 1024 / 1e9


def summarise(results: dict) -> dict:
    rounds = results["rounds"]
    kinds = [k for k in ("pillow", "vips", *BUILDS) if all(k in r for r in rounds)]
    out: dict = {"seconds": {}, "cpu_seconds": {}, "x_pillow": {}, "x_vips": {},
                 "cpu_x_pillow": {}, "peak": {}}
    for k in kinds:
        out["seconds"][k] = _span([seconds(r[k]) for r in rounds])
        out["cpu_seconds"][k] = _span([r[k]["cpu_seconds"] for r in rounds])
        out["x_pillow"][k] = _span([seconds(r[k]) / seconds(r["pillow"]) for r in rounds])
        out["x_vips"][k] = _span([seconds(r[k]) / seconds(r["vips"]) for r in rounds])
        # CPU (user + sys of all processes) against the Pillow floor's: steadier than wall
        # time when other programs share the machine
        out["cpu_x_pillow"][k] = _span([r[k]["cpu_seconds"] / r["pillow"]["cpu_seconds"]
                                        for r in rounds])
        out["peak"][k] = {"pss_mb": max(r[k]["tree_pss_mb"] for r in rounds),
                          "largest_mb": max(r[k]["maxrss_mb"] for r in rounds)}
    tasks = [r["default"].get("tasks", {}) for r in rounds]
    out["tasks"] = {k: statistics.median(t.get(k, 0.0) for t in tasks) for k in tasks[0]}
    for build in ("default", "pdfs"):
        cpu = [r[build].get("task_cpu", {}) for r in rounds if build in r]
        out[f"task_cpu_{build}"] = ({k: statistics.median(c.get(k, 0.0) for c in cpu)
                                     for k in cpu[0]} if cpu and cpu[0] else {})
    stages = [r["default"].get("stages", {}) for r in rounds]
    out["stages"] = {k: statistics.median(s.get(k, 0.0) for s in stages) for k in stages[0]}
    runs = [r[k] for r in rounds for k in kinds]
    builds = [r[k] for r in rounds for k in BUILDS if k in r]
    if "jobs_check" in results:
        runs.append(results["jobs_check"]["run"])
        builds.append(results["jobs_check"]["run"])
        out["jobs_identical"] = results["jobs_check"]["identical"]
    if "ten_x" in results:
        t = results["ten_x"]
        runs += [t["cold"], t["noop"]]
        builds += [t["cold"], t["noop"]]
        base = out["seconds"]["default"]["median"]
        out["ten_x"] = {"seconds": t["cold"]["seconds"], "noop_seconds": t["noop"]["seconds"],
                        "x_1x": t["cold"]["seconds"] / base,
                        "pss_x_1x": t["cold"]["tree_pss_mb"] / out["peak"]["default"]["pss_mb"]}
    out["peak_pss_gb"] = _gb(max(b["tree_pss_mb"] for b in builds))
    out["foreign_share_max"] = max(r["foreign_share"] for r in runs)
    out["loadavg"] = _span([r["loadavg_before"][0] for r in runs])
    out["targets"] = _targets(out)
    return out


def _targets(s: dict) -> dict:
    met = {}
    for k, (ratio, secs) in TARGETS.items():
        if k not in s["seconds"]:
            continue
        ok = True
        if ratio is not None:
            ok = ok and s["x_pillow"][k]["max"] <= ratio
        if secs is not None:
            ok = ok and s["seconds"][k]["max"] <= secs
        met[k] = ok
    if "ten_x" in s:
        met["ten_x"] = s["ten_x"]["x_1x"] <= TEN_X_TARGET
    met["memory"] = s["peak_pss_gb"] < MEMORY_TARGET_GB
    if "jobs_identical" in s:
        met["jobs"] = s["jobs_identical"]
    return met


def _range(span: dict, fmt: str = "{:.2f}") -> str:
    lo, hi = fmt.format(span["min"]), fmt.format(span["max"])
    return lo if lo == hi else f"{lo}–{hi}"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def _target_text(k: str, s: dict) -> str:
    if k not in TARGETS:
        return ""
    ratio, secs = TARGETS[k]
    parts = ([f"≤ {secs:g} s"] if secs is not None else []) + (
        [f"≤ {ratio:g}×"] if ratio is not None else [])
    return ", ".join(parts) + _mark(s["targets"].get(k))


def markdown(results: dict) -> str:
    """The README's block: conditions, the table, where the time goes."""
    s = results.get("summary") or summarise(results)
    m = results["machine"]
    n = len(results["rounds"])
    jobs = results["jobs"]
    info = results.get("campaign_info", {})
    low = info.get("below_min_ppi") or []
    lines = [
        f"Measured with `python benchmarks/bench_build.py` on {results['date']} (standpress "
        f"{results['standpress']}): {n} interleaved round{'s' if n > 1 else ''} on "
        f"{m['cpus']} cores ({m['cpu']}; Python {m['python']}, Pillow {m['pillow']}, "
        f"libvips {m['libvips']}), `--jobs {jobs}`. Load average "
        f"{_range(s['loadavg'], '{:.1f}')} before the runs; other programs took up to "
        f"{s['foreign_share_max']:.0%} of the machine during a run."
        + (" **The machine was busy: these figures are not the ones to hold against the "
           "targets.**" if s["foreign_share_max"] > BUSY else ""),
        "",
        f"Campaign (`--campaign {results['campaign']}`): {CAMPAIGNS[results['campaign']]}"
        + (f" (only the first {results['cases']} cases)" if results.get("cases") else "")
        + f"; {info.get('photos', '?')} photo placements."
        + (" The builds run with `--allow-low-res`: "
           + ", ".join(f"{x['photo']} prints at {x['ppi']:g} ppi on «{x['format']}», below "
                       f"its floor of {x['min_ppi']:g}" for x in low) + "." if low else ""),
        "",
        f"The floors do the build's photo work and nothing else, in {jobs} processes "
        "(`benchmarks/floors.py`): each placed photo decoded (Pillow: `draft`; libvips: "
        "`thumbnail`, shrink-on-load), turned upright, cropped, resampled (Lanczos) to its "
        "frame at the format's ppi, converted to the output profile with LittleCMS and "
        "encoded as JPEG q85. Ratios compare runs of the same round; ranges are min–max "
        "over the rounds. The wall-time ratios are the targets'; the CPU ratios (user + sys "
        "of all processes) hold better when other programs share the machine.",
        "",
        "| run | seconds | × Pillow floor | × libvips floor | CPU s | CPU × Pillow floor's "
        "| peak MB: all processes (PSS) / largest (RSS) | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for k in ("pillow", "vips", *BUILDS):
        if k not in s["seconds"]:
            continue
        label = LABELS[k] + (f" ({jobs} processes)" if k == "pillow" else "")
        lines.append(
            f"| {label} | {_range(s['seconds'][k])} | {_range(s['x_pillow'][k])} | "
            f"{_range(s['x_vips'][k])} | {s['cpu_seconds'][k]['median']:.0f} | "
            f"{_range(s['cpu_x_pillow'][k])} | {s['peak'][k]['pss_mb']:.0f} / {s['peak'][k]['largest_mb']:.0f} | "
            f"{_target_text(k, s)} |")
    if "jobs_check" in results:
        jc = results["jobs_check"]
        r = jc["run"]
        verdict = ("output byte-identical to `--jobs " f"{jc['jobs'][0]}`'s ({jc['files']} files)"
                   if jc["identical"] else
                   f"output DIFFERS from `--jobs {jc['jobs'][0]}`'s: {jc['n_differ']} of "
                   f"{jc['files']} files")
        lines.append(f"| default build, cold, `--jobs {jc['jobs'][1]}` | {r['seconds']:.2f} | | | "
                     f"{r['cpu_seconds']:.0f} | | {r['tree_pss_mb']:.0f} / {r['maxrss_mb']:.0f} | "
                     f"{verdict}{_mark(jc['identical'])} |")
    if "ten_x" in results:
        t, tx = results["ten_x"], s["ten_x"]
        lines.append(f"| 10×: 1,000 cases, 80 stands, default build, cold | {tx['seconds']:.1f} | "
                     f"| | {t['cold']['cpu_seconds']:.0f} | | {t['cold']['tree_pss_mb']:.0f} / "
                     f"{t['cold']['maxrss_mb']:.0f} | {tx['x_1x']:.2f}× the 1× build: "
                     f"≤ {TEN_X_TARGET:g}×{_mark(s['targets'].get('ten_x'))} |")
        lines.append(f"| 10×: no-op rebuild | {tx['noop_seconds']:.2f} | | | "
                     f"{t['noop']['cpu_seconds']:.0f} | | {t['noop']['tree_pss_mb']:.0f} / "
                     f"{t['noop']['maxrss_mb']:.0f} | |")
    lines += ["", f"Peak memory of any build, all its processes together (PSS): "
                  f"{s['peak_pss_gb']:.2f} GB (target < {MEMORY_TARGET_GB:g} GB"
                  f"{_mark(s['targets']['memory'])})."]
    if s.get("task_cpu_default"):
        cpu = s["cpu_seconds"]["default"]["median"]
        pillow = s["cpu_seconds"]["pillow"]["median"]
        pdfs = s.get("task_cpu_pdfs", {})
        kinds = sorted(s["task_cpu_default"], key=lambda k: -s["task_cpu_default"][k])
        lines += ["", "CPU seconds per kind of task (user + sys of the worker processes "
                      "inside the task, Ghostscript included; median of the rounds), against "
                      f"the Pillow floor's {pillow:.1f} s of CPU for all its photo work:",
                  "", "| task | default build | PDFs only | × Pillow floor (default) |",
                  "|---|---|---|---|"]
        for k in kinds:
            v = s["task_cpu_default"][k]
            p = f"{pdfs[k]:.1f}" if k in pdfs else "–"
            lines.append(f"| {k} | {v:.1f} | {p} | {v / pillow:.2f}× |")
        tasks_cpu = sum(s["task_cpu_default"].values())
        lines.append(f"| all tasks | {tasks_cpu:.1f} | "
                     f"{sum(pdfs.values()):.1f} | {tasks_cpu / pillow:.2f}× |")
        lines.append(f"| the main process and the rest | {cpu - tasks_cpu:.1f} | | |")
    if s["tasks"]:
        total = sum(s["tasks"].values())
        cpu = s["cpu_seconds"]["default"]["median"]
        lines += ["", "Where a cold default build's time goes: seconds spent inside the tasks of "
                      "each kind, summed over all processes (the build's `--timings`; median of "
                      "the rounds). They are wall seconds inside each task, so they equal CPU "
                      "seconds only while nothing else runs: here the tasks took "
                      f"{total:.0f} s against {cpu:.0f} s of CPU for the whole build.",
                  "", "| task | seconds | share |", "|---|---|---|"]
        for k, v in sorted(s["tasks"].items(), key=lambda kv: -kv[1]):
            lines.append(f"| {k} | {v:.1f} | {v / total:.0%} |")
        lines.append(f"| all tasks | {total:.1f} | |")
    if s["stages"]:
        lines += ["", "Its stages in the main process (wall seconds, median): " + ", ".join(
            f"{k} {v:.1f}" for k, v in s["stages"].items()) + "."]
    return "\n".join(_wrap(line) for line in lines)


def _wrap(line: str, width: int = 92) -> str:
    """Prose wrapped like the README's (tables and empty lines as they are)."""
    if not line or line.startswith("|"):
        return line
    return textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)


def rewrite_readme(path: Path, block: str) -> None:
    """Put ``block`` between the markers in ``path`` (both must be there, once each)."""
    text = path.read_text("utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"{path}: the markers {BEGIN!r} and {END!r} must each appear once, "
                         "in that order")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    path.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}", "utf-8")
