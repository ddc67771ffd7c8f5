"""The command line: parse options, call the library, print, set the exit code.

This is the one place where errors become exit codes: 0 success, 2 bad input
(data, configuration, templates), 1 any other failure, 130 interrupted.
A traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import functools
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import Problem, StandpressError
from .options import build_inputs


def _echo_problems(problems: list[Problem], err: bool = True) -> None:
    for p in problems:
        tag = "warning" if not p.is_error else "error"
        click.echo(f"  {tag}: {p}", err=err)


def handle_errors(fn):
    """Run a command; turn standpress errors into messages and exit codes."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return fn(*args, **kwargs)
        except StandpressError as exc:
            if debug:
                traceback.print_exc()
            click.echo(f"Error: {exc.message}", err=True)
            _echo_problems(exc.problems)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; the output folder is as it was.", err=True)
            ctx.exit(130)
        except click.exceptions.Exit:
            raise
        except Exception as exc:  # a bug: say so plainly
            if debug:
                traceback.print_exc()
            click.echo(f"Internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("  This is a bug in standpress; run again with --debug for details.",
                       err=True)
            ctx.exit(1)

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="standpress")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """standpress: print-ready panels for street information stands."""


@main.command()
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
@click.option("--timings", is_flag=True, help="Print the seconds each stage took.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON on stdout (for scripts); errors still go to stderr.")
@handle_errors
def build(cases: Path, locations: Path, out: Path, only: tuple[str, ...], fix_lookalikes: bool,
          allow_low_res: bool, strict: bool, svg: bool, outline_text: bool, check_: bool,
          site: bool, jobs: int, cache_dir: Path | None, no_cache: bool, timings: bool,
          quiet: bool, as_json: bool) -> None:
    """Lay out and render every stand into OUT."""
    from .build import BuildOptions, build as run_build

    from .progress import Bar, Progress

    progress = Progress() if quiet or as_json else Bar()
    try:
        result = run_build(BuildOptions(cases=cases, locations=locations, out=out, only=only,
                                        fix_lookalikes=fix_lookalikes,
                                        allow_low_res=allow_low_res, strict=strict, svg=svg,
                                        outline_text=outline_text, check=check_, site=site,
                                        jobs=jobs, cache=cache_dir, use_cache=not no_cache),
                           progress)
    finally:
        progress.close()  # a bar cut short by an error is wiped before the error is said
    if as_json:  # for scripts: the summary on stdout, nothing else
        import json

        click.echo(json.dumps({
            "ok": True, "out": str(result.out),
            "stands": [{"id": st.id, "format": st.format, "panels": st.panels, "faces": st.faces,
                        "cases": st.cases, "files": st.files,
                        "warnings": [str(w) for w in st.warnings]} for st in result.stands],
            "warnings": [{"message": w.message, "file": w.file, "place": w.place,
                          "field": w.field, "hint": w.hint} for w in result.warnings],
        }, ensure_ascii=False, indent=1))
        return
    if timings:
        stages = {k: v for k, v in result.timings.items() if not k.startswith("tasks.")}
        click.echo("  ".join(f"{k} {v:.2f} s" for k, v in stages.items())
                   + f"  = {sum(stages.values()):.2f} s; {len(result.rendered)} made, "
                   f"{result.reused} reused", err=True)
        tasks = {k[6:]: v for k, v in result.timings.items() if k.startswith("tasks.")}
        if tasks:
            click.echo("  in all processes: " + "  ".join(f"{k} {v:.2f} s"
                                                         for k, v in tasks.items()), err=True)
    if result.warnings:
        click.echo(f"{len(result.warnings)} warning(s):", err=True)
        _echo_problems(result.warnings)
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


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True,
              help="Output folder: the files standpress wrote there are removed.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="Cache folder to remove [default: .standpress-cache beside OUT].")
@click.option("--cache-only", is_flag=True, help="Remove the cache only; keep the output.")
@handle_errors
def clean(out: Path, cache_dir: Path | None, cache_only: bool) -> None:
    """Remove the build cache and the files standpress wrote into OUT (nothing else)."""
    from .build import clean_output
    from .cache import default_cache_dir, remove_cache

    cache = cache_dir or default_cache_dir(out)
    click.echo(f"removed the cache {cache}" if remove_cache(cache) else f"no cache at {cache}")
    if not cache_only:
        removed = clean_output(out)
        click.echo(f"removed {len(removed)} item(s) standpress wrote in {out}" if removed
                   else f"nothing of standpress's in {out}")


@main.command()
@click.option("--cases", "cases", type=click.Path(path_type=Path), default=Path("data/cases.csv"),
              show_default=True, help="Case data: CSV, XLSX or TOML.")
@click.option("--locations", type=click.Path(path_type=Path), default=Path("locations.toml"),
              show_default=True)
@click.option("--write", "write", type=click.Path(path_type=Path), default=None,
              help="Save the normalised cases as CSV here.")
@click.option("--fix-lookalikes", is_flag=True, help="Also replace Latin lookalike letters.")
@handle_errors
def typo(cases: Path, locations: Path, write: Path | None, fix_lookalikes: bool) -> None:
    """Show what Ukrainian typography changes, per case and field (⍽ = no-break space)."""
    import csv
    import difflib

    from .load.cases import COLUMNS, load_cases
    from .load.config import load_project
    from .normalise import normalise_cases, typography_changes, visible

    project, _ = load_project(locations)
    loaded, _ = load_cases(cases, project.campaign)
    changed = 0
    for case, field, before, after, rules in typography_changes(loaded, project.campaign):
        changed += 1
        click.echo(click.style(f"{case.id} {field}", bold=True) + f"  ({', '.join(rules)})")
        a, b = visible(before), visible(after)
        out_a, out_b = [], []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                out_a.append(a[i1:i2])
                out_b.append(b[j1:j2])
            else:
                out_a.append(click.style(a[i1:i2], fg="red", underline=True))
                out_b.append(click.style(b[j1:j2], fg="green", underline=True))
        click.echo("  − " + "".join(out_a))
        click.echo("  + " + "".join(out_b))
    normalised, lookalikes = normalise_cases(loaded, project.campaign, fix_lookalikes)
    for w in lookalikes:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"{changed} field(s) of {len(loaded)} cases would change"
               + (f"; {len(lookalikes)} lookalike word(s)" if lookalikes else ""))
    if write:
        with open(write, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(COLUMNS)
            base = Path(cases).resolve().parent
            for c in normalised:
                photo = c.photo.relative_to(base).as_posix() if c.photo else ""
                url = "" if c.url == project.campaign.case_url_pattern.replace("{id}", c.id) else c.url
                out.writerow([c.id, c.title, c.organization, c.district, c.category, c.summary,
                              c.partner, url, photo, c.photo_credit])
        click.echo(f"normalised cases written to {write}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True)
@click.argument("stand_ids", nargs=-1)
@handle_errors
def pack(out: Path, stand_ids: tuple[str, ...]) -> None:
    """Zip each stand's print/ folder for the print shop."""
    from .errors import StandpressError
    from .package import pack as run_pack

    if not Path(out).is_dir():
        raise StandpressError(f"{out} does not exist; run standpress build first")
    for z in run_pack(Path(out), list(stand_ids) or None):
        click.echo(z)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True)
@click.option("--locations", type=click.Path(path_type=Path), default=Path("locations.toml"),
              show_default=True)
@click.option("--format", "sheet", default="a3", show_default=True,
              help="The format of the proof sheet, from locations.toml.")
@click.argument("stand_ids", nargs=-1)
@handle_errors
def proof(out: Path, locations: Path, sheet: str, stand_ids: tuple[str, ...]) -> None:
    """Office proofs: each stand's real panels scaled onto one sheet each (A3)."""
    from .errors import InputError, Problem
    from .load.config import load_project
    from .proof import make_proofs

    project, _ = load_project(locations)
    if sheet not in project.formats:
        raise InputError("unknown proof format", [Problem(
            f'"{sheet}" is not a format of {locations}', field="--format",
            hint="known: " + ", ".join(project.formats))])
    font = project.root / "fonts" / "NotoSans-Regular.ttf"
    for path in make_proofs(out, project.formats[sheet], font, list(stand_ids) or None):
        click.echo(path)


from .check.cli import check  # noqa: E402  (the preflight command lives with the preflight)

main.add_command(check)

from .serve import serve, watch  # noqa: E402  (live preview: serve.py)

main.add_command(serve)
main.add_command(watch)

if __name__ == "__main__":  # pragma: no cover
    main()
