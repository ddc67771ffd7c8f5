"""The preview site as the build writes it: two stands of the small campaign, built once
per run for both xdist workers (``build()`` with the preflight and the site, as
``standpress build`` runs it), with one case titled in markup to show that every page
escapes what it shows."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from helpers import once_per_run

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small"
STANDS = ("holosiivskyi-park", "khreshchatyk")
MARKUP_TITLE = 'Кухня <script>alert(1)</script> & «Ко»'


@pytest.fixture(scope="session")
def markup_title() -> str:
    """Case 001's title in the built campaign: markup and an ampersand, shown as text."""
    return MARKUP_TITLE


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The output folder of the build: ``stands.json``, PDFs, previews, pages."""
    return once_per_run(tmp_path_factory, "site", build_site)


def build_site(base: Path) -> Path:
    from standpress.pipeline import BuildOptions, build

    rows = list(csv.DictReader(io.StringIO((SMALL / "cases.csv").read_text("utf-8"))))
    assert rows[0]["id"] == "001"
    rows[0]["title"] = MARKUP_TITLE
    with open(base / "cases.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.copytree(SMALL / "photos", base / "photos")
    out = base / "stands"
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1665532800"  # 12 October 2022: the same pages each run
    try:
        build(BuildOptions(cases=base / "cases.csv", locations=ROOT / "locations.toml", out=out,
                           allow_low_res=True, only=STANDS, check=True, jobs=1, use_cache=False))
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return out
