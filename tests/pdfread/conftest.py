"""One stand of the small campaign, built once per run for the pdfread tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import once_per_run

from standpress.pipeline import BuildOptions, build

STAND = "holosiivskyi-park"


@pytest.fixture(scope="session")
def stand(tmp_path_factory, root) -> Path:
    """The folder of one stand as the build writes it: its panel files and stand file."""
    def make(folder: Path) -> Path:
        build(BuildOptions(cases=root / "tests" / "data" / "small" / "cases.csv",
                           locations=root / "locations.toml", out=folder / "out",
                           only=(STAND,), allow_low_res=True, svg=False, check=False,
                           site=False, use_cache=False, jobs=1))
        return folder / "out" / STAND

    return once_per_run(tmp_path_factory, "pdfread", make)
