"""Command-line options that ``build`` and ``watch`` share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

_INPUTS = [
    click.option("--cases", "cases", type=click.Path(path_type=Path),
                 default=Path("data/cases.csv"), show_default=True,
                 help="Case data: CSV, XLSX or TOML."),
    click.option("--locations", type=click.Path(path_type=Path), default=Path("locations.toml"),
                 show_default=True, help="Campaign, formats and locations."),
    click.option("--out", type=click.Path(path_type=Path), default=Path("stands"),
                 show_default=True, help="Output folder."),
    click.option("--only", multiple=True, metavar="LOCATION_ID", help="Build only these stands."),
    click.option("--fix-lookalikes", is_flag=True,
                 help="Replace Latin lookalike letters in Cyrillic words."),
    click.option("--allow-low-res", is_flag=True,
                 help="Warn instead of failing on photos below the floor."),
    click.option("--svg/--no-svg", default=True, show_default=True,
                 help="Also write an SVG per panel."),
    click.option("--svg-photos", type=click.Choice(["embed", "link"]), default="embed",
                 show_default=True,
                 help="The SVGs' photos embedded in each file, or linked files in svg/photos/."),
]


def build_inputs(fn):
    """What to build and where: the options of ``build`` that ``watch`` takes too."""
    for option in reversed(_INPUTS):
        fn = option(fn)
    return fn


def scheduler_option(fn):
    """``--scheduler ADDRESS`` (or ``STANDPRESS_SCHEDULER``): run the build's tasks on a Dask
    cluster; without it the local pool runs them and Dask is not imported."""
    return click.option(
        "--scheduler", "scheduler_address", envvar="STANDPRESS_SCHEDULER", default=None,
        metavar="ADDRESS",
        help="Run the tasks on the Dask scheduler at ADDRESS (tcp://host:8786; "
             "pip install 'standpress[dask]'); --cache must then be a folder every worker "
             "shares at the same path [env: STANDPRESS_SCHEDULER].")(fn)
