"""How pytest-xdist shares the test files between its workers (``pytest_xdist_make_scheduler``
in tests/conftest.py).

Each test file runs whole on one worker, so a module-scoped fixture is made once; the
builds several files read (the sample, the generated campaigns, the small campaign's
site) are made once per run for both workers (``helpers.once_per_run``), so files that
share them need not share a worker. The files are handed out longest first, each to the
worker that runs out of work first, so neither stands idle while the other still has a
long file to run. The first file handed out reads the sample build, which its worker makes
(``SAMPLE_SECONDS`` on two cores); the files after it, until the sample is about made,
are ones that do not read it, so the other worker does not wait for it.

(xdist's own ``--dist loadgroup`` no longer groups anything with pytest 9: it marks a
group by renaming the test's node id, and pytest 9 reads node ids from elsewhere.)
"""

from __future__ import annotations

from collections import OrderedDict

from xdist.scheduler import LoadScopeScheduling

#: seconds the longest files take on one worker of a 2-core machine with the other worker
#: busy (measured with a plugin logging each test's start and end per worker), the shared
#: builds they read already made unless said (a file not named counts 0.05 s a test)
SECONDS = {
    "tests/layout/test_stands.py": 45,  # with the two generated campaigns' builds
    "tests/whole/test_sample_end_to_end.py": 40,
    "tests/whole/test_bad_input_and_ctrl_c.py": 38,
    "tests/site/test_browser.py": 30,  # with the site's build
    "tests/pipeline/test_cache_rebuilds.py": 22,
    "tests/layout/test_panel_geometry.py": 22,
    "tests/pipeline/test_dask.py": 20,
    "tests/render/test_svg_designers.py": 16,
    "tests/pipeline/test_noop_rebuild.py": 12,
    "tests/pipeline/test_printshop_package.py": 11,
    "tests/layout/test_card_room.py": 10,
    "tests/whole/test_reproducible.py": 10,
    "tests/check/test_preflight.py": 9,
    "tests/load/test_ink_limit.py": 9,
    "tests/render/test_print_ready.py": 7,
    "tests/pdfread/test_shared_render.py": 6,  # with the stand's build
    "tests/site/test_browser_signoff.py": 6,
    "tests/layout/test_locator.py": 6,
    "tests/pipeline/test_pool_after_libvips.py": 5,
    "tests/pipeline/test_cache_history.py": 5,
    "tests/cli/test_exit_codes.py": 4,
    "tests/cli/test_watch_and_serve.py": 4,
    "tests/site/test_mockup.py": 3,
    "tests/site/test_site.py": 3,
    "tests/pipeline/test_proof.py": 3,
    "tests/layout/test_spares.py": 2,
}

#: the files that read the sample build (``sample_build``, or ``sample`` in tests/layout/)
READS_SAMPLE = {
    "tests/whole/test_sample_end_to_end.py",
    "tests/cli/test_warning_report.py",
    "tests/layout/test_card_room.py",
    "tests/layout/test_locator.py",
    "tests/layout/test_spares.py",
    "tests/pipeline/test_manifest.py",
    "tests/render/test_font_subsets.py",
}
#: what the sample's cold build takes while the other worker runs tests
SAMPLE_SECONDS = 35


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def order(units: dict[str, dict]) -> list[str]:
    """The files, longest first; the first that reads the sample leads, and the others that
    read it come only after ``SAMPLE_SECONDS`` of files that do not."""
    def seconds(name: str) -> float:
        return SECONDS.get(name, 0.05 * len(units[name]))

    longest = sorted(units, key=lambda name: (-seconds(name), name))
    readers = [name for name in longest if name in READS_SAMPLE]
    if not readers:
        return longest
    out = [readers[0]]
    rest = [name for name in longest if name != readers[0]]
    ahead = 0.0
    while rest and ahead < SAMPLE_SECONDS:
        name = next((n for n in rest if n not in READS_SAMPLE), None)
        if name is None:
            break
        rest.remove(name)
        out.append(name)
        ahead += seconds(name)
    return out + rest


class FileScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with a test file as the scope, handed out in ``order``."""

    def _split_scope(self, nodeid: str) -> str:
        return file_of(nodeid)

    def _assign_work_unit(self, node) -> None:
        if not getattr(self, "_ordered", False):
            self.workqueue = OrderedDict((name, self.workqueue[name])
                                         for name in order(self.workqueue))
            self._ordered = True
        super()._assign_work_unit(node)
