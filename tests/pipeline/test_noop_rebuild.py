"""A rebuild costs what changed: no photo is read to learn that it did not change, no card
is set again to plan an unchanged campaign, and what did change is noticed.

A photo is known by its stat (size, mtime, inode, ctime) in the cache's ``files.json``;
only a photo whose stat moved is hashed again (``pipeline/cache.py`` ``FileHashes``). The
planner's card sizes are remembered under the design's key (``pipeline/prepare.py``
``RememberedSizer``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from standpress.pipeline import BuildOptions, build
from standpress.pipeline.cache import Cache
from standpress.pipeline.prepare import NormaliseMemo, prepare

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small"
STAND = "holosiivskyi-park"


AGED_NS = 2_100_000_000  # a file's hash is remembered once it is two seconds old


def copy_campaign(folder: Path) -> Path:
    """The small campaign with locations.toml, templates, fonts and profiles in ``folder``."""
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "locations.toml", folder / "locations.toml")
    shutil.copytree(SMALL, folder / "data")
    return folder


def newest_change_ns(folder: Path) -> int:
    return max(max(st.st_mtime_ns, st.st_ctime_ns)
               for st in (p.stat() for p in folder.rglob("*")))


@pytest.fixture(scope="module")
def copies(request, tmp_path_factory) -> list[Path]:
    """A copy of the campaign for each test of this file that asks for one, all made when
    the first is asked for, so that their files age together."""
    wanted = [item for item in request.session.items
              if item.module is request.module and "campaign" in item.fixturenames]
    return [copy_campaign(tmp_path_factory.mktemp("campaign")) for _ in wanted]


@pytest.fixture()
def campaign(copies: list[Path]) -> Path:
    """The small campaign in a writable folder, its photos older than the two seconds
    within which a file's hash is not remembered (it could still change unseen): the
    copies are made together, so only the first test waits (what is left of the two
    seconds)."""
    folder = copies.pop()
    wait_ns = AGED_NS - (time.time_ns() - newest_change_ns(folder))
    if wait_ns > 0:
        time.sleep(wait_ns / 1e9)
    return folder


def options(campaign: Path, **kw) -> BuildOptions:
    base = dict(cases=campaign / "data" / "cases.csv", locations=campaign / "locations.toml",
                out=campaign / "out", cache=campaign / "cache", only=(STAND,),
                allow_low_res=True, svg=False, check=False, site=False, jobs=1)
    base.update(kw)
    return BuildOptions(**base)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


WATCH = r"""
import json, os, sys
from pathlib import Path
from standpress.pipeline import BuildOptions, build

photos = os.path.realpath(sys.argv[1])
opened = []

def hook(event, args):
    if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.realpath(os.fsdecode(args[0]))
    if path.startswith(photos + os.sep):
        frame, files = sys._getframe(1), []
        while frame is not None:
            files.append(frame.f_code.co_filename.replace(os.sep, "/"))
            frame = frame.f_back
        opened.append([os.path.basename(path), files])

sys.addaudithook(hook)
result = build(BuildOptions(**json.loads(sys.argv[2], object_hook=lambda d: {
    k: Path(v) if k in ("cases", "locations", "out", "cache") else
    tuple(v) if k == "only" else v for k, v in d.items()})))
heavy = ("numpy", "pikepdf", "pypdfium2", "reportlab", "jinja2", "pyvips")
print(json.dumps({"made": list(result.rendered), "opened": opened,
                  "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_noop_rebuild_hashes_no_photo_and_leaves_the_output_byte_identical(campaign: Path):
    opts = options(campaign)
    build(opts)
    before = tree(campaign / "out")
    args = {k: str(v) if isinstance(v, Path) else v for k, v in vars(opts).items()}
    done = subprocess.run([sys.executable, "-c", WATCH, str(campaign / "data" / "photos"),
                           json.dumps(args)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["made"] == []
    assert tree(campaign / "out") == before
    # nothing opens a photo: not the loader (its check of each file is remembered by the
    # file's stat, FileHashes.fact), not the file hashes, not the photo pipeline
    openers = {name: [f.split("/standpress/", 1)[1] for f in files if "/standpress/" in f]
               for name, files in seen["opened"]}
    assert openers == {}, openers
    # nor is anything loaded that only making, reading back or publishing needs (the
    # writers, the readers, the site): a rebuild with nothing to do costs its start-up
    assert seen["loaded"] == [], seen["loaded"]


def test_a_photo_edited_with_its_size_and_mtime_put_back_is_noticed(campaign: Path):
    """Same size, same mtime (``touch -r``), same inode, other pixels: the ctime moved,
    so the photo is hashed again, prepared again and the panel printed with it changes."""
    photo = campaign / "data" / "photos" / "flat.tif"
    Image.new("RGB", (1200, 800), (200, 40, 40)).save(photo, compression=None)
    cases = campaign / "data" / "cases.csv"
    rows = list(csv.reader(cases.open(encoding="utf-8")))
    col = rows[0].index("photo")
    row = next(r for r in rows[1:] if r[col])
    row[col] = "photos/flat.tif"
    with cases.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    time.sleep(2.1)
    opts = options(campaign)
    build(opts)
    before = tree(campaign / "out")
    st = os.stat(photo)
    Image.new("RGB", (1200, 800), (40, 40, 200)).save(photo, compression=None)
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    now = os.stat(photo)
    assert (now.st_size, now.st_mtime_ns, now.st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
    result = build(opts)
    assert any(m.startswith("photo ") and "flat.tif" in m for m in result.rendered), result.rendered
    after = tree(campaign / "out")
    assert [f for f in after if f.endswith(".pdf") and after[f] != before[f]]


def planned(opts: BuildOptions, cache: Path | None) -> str:
    """The normalised cases, the stands and the warnings as ``prepare`` makes them, with
    the build's memo in ``cache`` (or none)."""
    memo = None
    if cache is not None:
        store = Cache(cache)
        memo = NormaliseMemo(store, store.file_hashes())
    got = prepare(opts, None, memo)
    if memo is not None:
        store.open()
        memo.flush()
    return repr((got[3], got[4], [str(w) for w in got[5]]))  # cases, plans, warnings


def test_an_unchanged_campaign_is_planned_without_setting_a_card(campaign: Path, monkeypatch):
    from standpress.layout import grid

    opts = options(campaign, only=())
    first = planned(opts, campaign / "cache")

    def no_card(*args, **kw):
        raise AssertionError("a card was set to plan an unchanged campaign")

    monkeypatch.setattr(grid, "case_card", no_card)
    assert planned(opts, campaign / "cache") == first


def test_a_rebuild_plans_an_edited_campaign_as_a_cold_build_does(campaign: Path):
    """A case made much longer takes more room; the remembered sizes and normalised text
    of the others are used, its own are not, and the plan is the one made from nothing.
    (A Latin «о» in its title: the lookalike warning is made again too.)"""
    opts = options(campaign, only=())
    planned(opts, campaign / "cache")
    cases = campaign / "data" / "cases.csv"
    rows = list(csv.reader(cases.open(encoding="utf-8")))
    col = rows[0].index("summary")
    rows[1][col] = " ".join([rows[1][col]] * 3)
    title = rows[0].index("title")
    rows[1][title] = rows[1][title].replace("о", "o", 1)  # Cyrillic о → Latin o
    with cases.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    remembered = planned(opts, campaign / "cache")
    assert remembered == planned(opts, None)
    assert "mixes Latin and Cyrillic" in remembered
    assert remembered != planned(options(campaign, only=(), cases=SMALL / "cases.csv"), None)


def test_an_output_file_edited_deleted_or_added_is_published_again(campaign: Path):
    """A rebuild with nothing changed skips assembling, reading back and publishing only
    while the output folder is as the last build left it (``pipeline/outcome.py``)."""
    opts = options(campaign, check=True, site=True)
    build(opts)
    out = campaign / "out"
    before = tree(out)
    same = build(opts)
    assert same.rendered == [] and tree(out) == before
    assert "unchanged" in same.timings and "publish" not in same.timings  # skipped
    stands_json = out / "stands.json"
    stands_json.write_bytes(stands_json.read_bytes() + b" ")
    panel = sorted((out / STAND).glob("*.pdf"))[0]
    panel.unlink()
    (out / STAND / "stray.txt").write_text("not standpress's")
    again = build(opts)
    assert again.rendered == []  # every product came from the cache
    assert tree(out) == before


def test_after_a_rebuild_that_publishes_the_next_unchanged_rebuild_publishes_nothing(
        campaign: Path, monkeypatch):
    """The stand folders a rebuild replaces share inodes with the new ones (files linked
    from the cache); deleting them changes those files' ctime, so the output's stat must
    be recorded after they are gone, or every later rebuild finds the output changed and
    publishes it again."""
    from standpress.pipeline import cache as cache_module

    monkeypatch.setattr(cache_module, "SMALL", 0)  # every output file linked, as big ones are
    opts = options(campaign, check=True, site=True)
    build(opts)
    cases = campaign / "data" / "cases.csv"
    cases.write_text(cases.read_text("utf-8").replace("волонтери щодня", "волонтери", 1), "utf-8")
    edited = build(opts)
    assert edited.rendered and "publish" in edited.timings  # published over the old output
    for _ in range(2):
        same = build(opts)
        assert same.rendered == []
        assert "unchanged" in same.timings and "publish" not in same.timings, same.timings
