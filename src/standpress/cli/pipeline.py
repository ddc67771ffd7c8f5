"""``standpress build`` and ``standpress clean``: the pipeline (``pipeline/``) from the
command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import StandpressError
from ..pipeline import BuildOptions, build as run_build, clean_output
from ..pipeline.cache import default_cache_dir, remove_cache
from ..pipeline.progress import Bar, Progress
from ..report_problems import group_json, group_problems, problem_json
from .common import echo_problems, handle_errors
from .options import build_inputs, scheduler_option


@click.command()
@build_inputs
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--outline-text", is_flag=True,
              help="Draw text as vector outlines in the PDFs and SVGs (it no longer extracts).")
@click.option("--check/--no-check", "check_", default=True, show_default=True,
              help="Preflight what was written before publishing it.")
@click.option("--site/--no-site", default=True, show_default=True,
              help="Write the preview site (index.html, PNG previews, mock-ups).")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0,
              help="Processes for photos, panels, the preflight and previews; the output is "
                   "the same for any number [default: one per core].")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="Cache folder: a rebuild redoes only what changed "
                   "[default: .standpress-cache beside OUT].")
@click.option("--no-cache", is_flag=True, help="Build everything anew; read and keep no cache.")
@scheduler_option
@click.option("--timings", is_flag=True, help="Print the seconds each stage took.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.option("-v", "--verbose", is_flag=True,
              help="Print every warning, not one line per kind (all are in stands.json and "
                   "on the preview site too).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON on stdout (for scripts); errors still go to stderr.")
@handle_errors
def build(cases: Path, locations: Path, out: Path, only: tuple[str, ...], fix_lookalikes: bool,
          allow_low_res: bool, strict: bool, svg: bool, svg_photos: str, outline_text: bool,
          check_: bool,
          site: bool, jobs: int, cache_dir: Path | None, no_cache: bool,
          scheduler_address: str | None, timings: bool, quiet: bool, verbose: bool,
          as_json: bool) -> None:
    """Lay out and render every stand into OUT."""
    on = {"scheduler": cluster(scheduler_address)} if scheduler_address else {}
    progress = Progress() if quiet or as_json else Bar()
    try:
        result = run_build(BuildOptions(cases=cases, locations=locations, out=out, only=only,
                                        fix_lookalikes=fix_lookalikes,
                                        allow_low_res=allow_low_res, strict=strict, svg=svg,
                                        svg_photos=svg_photos,
                                        outline_text=outline_text, check=check_, site=site,
                                        jobs=jobs, cache=cache_dir, use_cache=not no_cache),
                           progress, **on)
    finally:
        progress.close()  # a bar cut short by an error is wiped before the error is said
    if as_json:  # for scripts: the summary on stdout, nothing else
        click.echo(json.dumps({
            "ok": True, "out": str(result.out),
            "stands": [{"id": st.id, "format": st.format, "panels": st.panels, "faces": st.faces,
                        "cases": st.cases, "files": st.files,
                        "warnings": [str(w) for w in st.warnings]} for st in result.stands],
            "warnings": [problem_json(w) for w in result.warnings],
            "warning_groups": [group_json(g) for g in group_problems(result.warnings)],
        }, ensure_ascii=False, indent=1))
        return
    if timings:
        stages = {k: v for k, v in result.timings.items()
                  if not k.startswith(("tasks.", "cpu."))}
        click.echo("  ".join(f"{k} {v:.2f} s" for k, v in stages.items())
                   + f"  = {sum(stages.values()):.2f} s; {len(result.rendered)} made, "
                   f"{result.reused} reused", err=True)
        for prefix, head in (("tasks.", "in all processes"), ("cpu.", "CPU in tasks")):
            kinds = {k[len(prefix):]: v for k, v in result.timings.items()
                     if k.startswith(prefix)}
            if kinds:
                click.echo(f"  {head}: " + "  ".join(f"{k} {v:.2f} s" for k, v in kinds.items()),
                           err=True)
    if result.warnings:
        n = len(result.warnings)
        click.echo(f"{n} warning{'' if n == 1 else 's'}:", err=True)
        echo_problems(result.warnings, verbose=verbose)
    rows = [("stand", "format", "panels", "faces", "cases", "warnings")]
    for s in result.stands:
        rows.append((s.id, s.format, str(s.panels), str(s.faces), str(s.cases), str(len(s.warnings))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        click.echo("  ".join(v.ljust(w) if j < 2 else v.rjust(w)
                             for j, (v, w) in enumerate(zip(r, widths))))
        if i == 0:
            click.echo("  ".join("─" * w for w in widths))
    total_cases = sum(s.cases for s in result.stands)
    click.echo(f"{len(result.stands)} stands, {sum(s.panels for s in result.stands)} panels, "
               f"{total_cases} cases → {result.out}")


def cluster(address: str):
    """The ``scheduler=`` that runs a build on the Dask cluster at ``address`` (Dask is
    imported here, and only here, when a build asks for it)."""
    try:
        from ..pipeline.dask_scheduler import dask_scheduler
    except ImportError as exc:
        raise StandpressError(f"--scheduler needs Dask ({exc}): "
                              "pip install 'standpress[dask]'") from None
    return dask_scheduler(address)


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True,
              help="Output folder: the files standpress wrote there are removed.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="Cache folder to remove [default: .standpress-cache beside OUT].")
@click.option("--cache-only", is_flag=True, help="Remove the cache only; keep the output.")
@handle_errors
def clean(out: Path, cache_dir: Path | None, cache_only: bool) -> None:
    """Remove the build cache and the files standpress wrote into OUT (nothing else)."""
    cache = cache_dir or default_cache_dir(out)
    click.echo(f"removed the cache {cache}" if remove_cache(cache) else f"no cache at {cache}")
    if not cache_only:
        removed = clean_output(out)
        click.echo(f"removed {len(removed)} item(s) standpress wrote in {out}" if removed
                   else f"nothing of standpress's in {out}")
