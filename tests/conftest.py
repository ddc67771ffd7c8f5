"""Shared fixtures: the repository's sample campaign, built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def project():
    from standpress.load.config import load_project

    project, _ = load_project(ROOT / "locations.toml")
    return project


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The whole sample campaign built into a temporary folder (once)."""
    from standpress.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("stands")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1665532800")  # 12 October 2022
    result = build(BuildOptions(cases=ROOT / "data" / "cases.csv",
                                locations=ROOT / "locations.toml", out=out))
    return result


@pytest.fixture()
def campaign_copy(tmp_path) -> Path:
    """A writable copy of locations.toml, templates, fonts and profiles."""
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "locations.toml", tmp_path / "locations.toml")
    return tmp_path
