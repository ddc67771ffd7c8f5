"""``standpress pack`` and ``standpress proof``: what goes to the print shop and the office."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError, Problem, StandpressError
from ..load.config import load_project
from .common import handle_errors


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True)
@click.option("--force", is_flag=True,
              help="Pack even panels that are not approved (the job sheet says so).")
@click.argument("stand_ids", nargs=-1)
@handle_errors
def pack(out: Path, stand_ids: tuple[str, ...], force: bool) -> None:
    """Zip each stand's print/ folder for the print shop (every panel approved first), into
    <out>/_packages/ (a folder builds leave alone)."""
    from ..pipeline.package import check_signoff, pack as run_pack

    if not Path(out).is_dir():
        raise StandpressError(f"{out} does not exist; run standpress build first")
    for s in check_signoff(Path(out), list(stand_ids) or None, force):
        click.echo(f"warning: {s.file} is not approved ({s.state}); packed with --force",
                   err=True)
    for z in run_pack(Path(out), list(stand_ids) or None):
        click.echo(z)


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("stands"), show_default=True)
@click.option("--locations", type=click.Path(path_type=Path), default=Path("locations.toml"),
              show_default=True)
@click.option("--format", "sheet", default="a3", show_default=True,
              help="The format of the proof sheet, from locations.toml.")
@click.argument("stand_ids", nargs=-1)
@handle_errors
def proof(out: Path, locations: Path, sheet: str, stand_ids: tuple[str, ...]) -> None:
    """Office proofs: each stand's real panels scaled onto one sheet each (A3), into
    <out>/_proofs/ (a folder builds leave alone)."""
    from ..pipeline.proof import make_proofs  # (the PDF writers: not for other commands)

    project, _ = load_project(locations)
    if sheet not in project.formats:
        raise InputError("unknown proof format", [Problem(
            f'"{sheet}" is not a format of {locations}', field="--format",
            hint="known: " + ", ".join(project.formats))])
    font = project.root / "fonts" / "NotoSans-Regular.ttf"
    for path in make_proofs(out, project.formats[sheet], font, list(stand_ids) or None):
        click.echo(path)
