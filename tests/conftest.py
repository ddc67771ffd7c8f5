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

import fcntl
import os
import pickle
import shutil
from pathlib import Path

import pytest

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


#: folders whose conftest.py makes a session fixture that several of their files read
SHARED_BY_FOLDER = {"layout", "pdfread", "site"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """With xdist (``--dist loadgroup``) the tests of one file run on one worker, so a
    module-scoped fixture is made once; those of a folder in ``SHARED_BY_FOLDER``, whose
    session fixtures its files share, on one worker too."""
    tests = ROOT / "tests"
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        where = Path(item.fspath).relative_to(tests)
        group = where.parts[0] if where.parts[0] in SHARED_BY_FOLDER else where.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))


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


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this run that every xdist worker shares (each worker's own
    base folder lies in it), or the base folder when there are no workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The whole sample campaign built into a temporary folder, cold (no cache to start
    from), once per run: the first worker builds it, the others read its result."""
    from standpress.pipeline import BuildOptions, build

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1665532800")  # 12 October 2022
    folder = run_folder(tmp_path_factory) / "sample-build"
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / "result.pickle"
        if done.is_file():
            return pickle.loads(done.read_bytes())
        result = build(BuildOptions(cases=ROOT / "data" / "cases.csv",
                                    locations=ROOT / "locations.toml", out=folder / "stands",
                                    cache=folder / "cache"))
        done.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture()
def campaign_copy(tmp_path) -> Path:
    """A writable copy of locations.toml, templates, fonts and profiles."""
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "locations.toml", tmp_path / "locations.toml")
    return tmp_path
