"""Shared fixtures (the repository's sample campaign, built once per session) and the
rule that a test never skips quietly.

The sample is built cold once per run, also when pytest-xdist runs the tests in several
worker processes: the first worker to need it builds it into the run's shared temporary
folder under a file lock, the others wait for it and read the same files. Tests read
it, never write into it (one that must change an output copies the folder first).

A test that needs a tool this machine lacks (a Debian package .ci/run installs, or a
Python package of the ``test`` extra) skips with the reason; this file turns every
such skip into a failure, so a CI run missing a tool cannot pass with fewer tests.
On a developer machine, ``STANDPRESS_ALLOW_SKIPS=1`` lets them skip (and says so).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import once_per_run

ROOT = Path(__file__).resolve().parents[1]
ALLOW_SKIPS = os.environ.get("STANDPRESS_ALLOW_SKIPS", "") == "1"
HOW = ("install what it needs (.ci/run lists the Debian packages; pip install -e '.[test]'), "
       "or set STANDPRESS_ALLOW_SKIPS=1 to let such tests skip on this machine")


def _skip_reason(longrepr) -> str:
    return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test fails instead (an expected failure, ``xfail``, stays what it is)."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and not ALLOW_SKIPS:
        report.outcome = "failed"
        report.longrepr = f"would skip ({_skip_reason(report.longrepr)}): {HOW}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A test module that skips itself whole (``importorskip`` at the top) fails instead."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not ALLOW_SKIPS:
        report.outcome = "failed"
        report.longrepr = f"would skip ({_skip_reason(report.longrepr)}): {HOW}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With xdist's ``--dist loadgroup`` (pyproject's addopts) each test file runs whole on
    one worker, the longest files first (``tests/scheduling.py``)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from scheduling import FileScheduling

    return FileScheduling(config, log)


def pytest_report_header(config):
    return ("STANDPRESS_ALLOW_SKIPS=1: tests may skip" if ALLOW_SKIPS
            else "a skipped test fails (STANDPRESS_ALLOW_SKIPS=1 allows skips)")


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
    """The whole sample campaign built into a temporary folder, cold (no cache to start
    from), once per run: the first worker builds it, the others read its result."""
    from standpress.pipeline import BuildOptions, build

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1665532800")  # 12 October 2022
    return once_per_run(tmp_path_factory, "sample-build", lambda folder: build(BuildOptions(
        cases=ROOT / "data" / "cases.csv", locations=ROOT / "locations.toml",
        out=folder / "stands", cache=folder / "cache")))


@pytest.fixture()
def campaign_copy(tmp_path) -> Path:
    """A writable copy of locations.toml, templates, fonts and profiles."""
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "locations.toml", tmp_path / "locations.toml")
    return tmp_path
