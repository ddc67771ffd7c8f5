"""``standpress typo``: what Ukrainian typography changes in the cases, shown as a diff."""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import click

from ..load.cases import COLUMNS, load_cases
from ..load.config import load_project
from ..normalise import normalise_cases, typography_changes, visible
from .common import handle_errors


@click.command()
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
