"""The campaigns the layout read-back tests share, each built once per session.

``sample`` is the session's one build of the bundled sample (``sample_build``);
``second`` and ``city`` are the generated campaigns of ``tests/campaigns/make.py``, built
whole through the CLI (PDFs only). Each comes with the plan the build followed
(``prepare``: which stand, panel and grid cell holds which case or spare card), so a test
can find every card on the page it reads back. Each is built and planned once per run
for both xdist workers (``helpers.once_per_run``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from campaigns import make
from helpers import ROOT, build_with_cli, hashtag_breaks, once_per_run

from standpress.pipeline.options import BuildOptions
from standpress.pipeline.prepare import prepare


@dataclass(frozen=True)
class Built:
    """A campaign built once: its inputs, its output folder and the plan it followed."""
    src: Path  # the folder of its cases.csv (and photos)
    cases: Path
    locations: Path
    out: Path  # out/<stand>/<panel>.pdf
    templates: dict
    plans: list

    def panel(self, stand: str, panel: str) -> Path:
        return self.out / stand / f"{panel}.pdf"


def planned(cases: Path, locations: Path, out: Path, src: Path) -> Built:
    _, _, templates, _, plans, _ = prepare(BuildOptions(cases=cases, locations=locations,
                                                        out=out, use_cache=False))
    return Built(src, cases, locations, out, templates, plans)


@pytest.fixture(scope="session")
def sample(tmp_path_factory, sample_build) -> Built:
    """The bundled sample: every stand, from the session's one build of it."""
    return once_per_run(tmp_path_factory, "sample-plan", lambda _: planned(
        ROOT / "data" / "cases.csv", ROOT / "locations.toml", sample_build.out, ROOT))


def generated(folder: Path, campaign, own_locations: bool) -> Built:
    """A campaign of ``campaigns/make.py`` written into ``folder``, built and planned."""
    src, out = folder / "src", folder / "out"
    src.mkdir()
    campaign(src)
    locations = src / "locations.toml" if own_locations else ROOT / "locations.toml"
    build_with_cli(src / "cases.csv", out, locations=locations if own_locations else None)
    return planned(src / "cases.csv", locations, out, src)


@pytest.fixture(scope="session")
def second(tmp_path_factory) -> Built:
    """The second 100-case campaign on the root locations.toml: every stand."""
    make.NO_HASHTAG = not hashtag_breaks()
    return once_per_run(tmp_path_factory, "second",
                        lambda folder: generated(folder, make.second, own_locations=False))


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> Built:
    """Another city: a pylon, a 6×3 m billboard read from 8 m, A3 posters (all three)."""
    make.NO_HASHTAG = not hashtag_breaks()
    return once_per_run(tmp_path_factory, "city",
                        lambda folder: generated(folder, make.city, own_locations=True))
