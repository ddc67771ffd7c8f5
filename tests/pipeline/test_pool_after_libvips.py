"""A build's pool started by a process that has already used libvips (a test process, a
`watch` that built with --jobs 1 before) must not hang: libvips' threads do not survive
fork(), and a worker forked after them blocked in its first operation (seen in the suite:
a pytest worker that had prepared photos in-process forked a build's pool, whose photo
task hung in libvips' resize). The race is not reproducible on demand; what is asserted is
the rule that prevents it — once libvips is loaded, the pool's workers start from a
fresh forkserver — and that such a build makes its photos and SVGs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import numpy as np
    from PIL import Image
    from standpress.load import vips
    from standpress.pipeline import BuildOptions, build
    from standpress.pipeline.scheduler import start_method

    assert start_method() is None  # no libvips here yet: workers are forked

    # libvips used here, with its thread pool, before the build's pool starts
    im = Image.fromarray(np.random.default_rng(1).integers(0, 255, (600, 800, 3), "uint8"))
    vips.screen_pixels(im, (200, 150))
    assert start_method() == "forkserver", start_method()  # never fork after libvips

    # a forkserver's children inherit its environment from when it began: each pool's
    # workers must see this process's environment as it is when that pool starts
    from standpress.pipeline.scheduler import LocalScheduler
    seen = []
    for value in ("first", "second"):
        os.environ["STANDPRESS_PROBE"] = value
        pool = LocalScheduler(2, os.getenv, os.getpid)
        seen.append(pool.run([("STANDPRESS_PROBE", "unset")] * 2))
        pool.close()
    assert seen == [["first", "first"], ["second", "second"]], seen
    root = Path(sys.argv[1])
    os.environ["SOURCE_DATE_EPOCH"] = "1665532800"
    result = build(BuildOptions(cases=root / "data" / "cases.csv",
                                locations=root / "locations.toml", out=Path(sys.argv[2]),
                                only=("peremoha-park",), jobs=2, check=False, site=False,
                                cache=Path(sys.argv[3])))
    print("built", len(result.stands))
""")


def test_a_pool_started_after_libvips_ran_in_the_parent_builds_photos_and_svgs(root, tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(root), str(tmp_path / "out"),
                           str(tmp_path / "cache")], capture_output=True, text=True,
                          timeout=150)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "built 1" in done.stdout
    assert list((tmp_path / "out" / "peremoha-park" / "svg").glob("*.svg"))
