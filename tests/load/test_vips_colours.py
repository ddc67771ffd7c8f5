"""The photo pipeline through libvips against the Pillow one it replaced, on small photos.

The reference (``pillow_pixels``) and the photos come from ``benchmarks/photo_colours.py``,
which runs the same comparison on full-size photos; here every kind of source is drawn at
about a tenth of the size and prepared small enough that the reduced-scale JPEG decode,
the crop, the resampling and the orientation all take part.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from standpress.load.images import prepare_image
from standpress.load.ink import allowed_levels

ROOT = Path(__file__).resolve().parents[2]
BOX = (30.0, 25.0)  # mm: 118 × 98 px at 100 ppi, from sources of about 400 × 300 px
PPI = 100.0


def _bench():
    spec = importlib.util.spec_from_file_location("photo_colours",
                                                  ROOT / "benchmarks" / "photo_colours.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict[str, Path]:
    return bench.make_photos(tmp_path_factory.mktemp("kinds"), scale=0.1)


def both(path: Path, **kw):
    kw = {"box_mm": BOX, "target_ppi": PPI, **kw}
    new, new_px, _ = bench.prepare(path, **kw)
    ref, ref_px, _ = bench.prepare(path, bench.pillow_pixels, **kw)
    return new, new_px, ref, ref_px


def test_every_kind_of_photo_is_drawn(photos):
    kinds = {"jpeg-untagged", "jpeg-srgb", "jpeg-cmyk-adobe", "jpeg-cmyk-plain", "jpeg-exif6",
             "png-rgba", "png-rgb16", "png-grey", "png-grey16", "png-palette-trns",
             "jpeg-320x240", "jpeg-9000x6000", "jpeg-adobergb"}
    assert kinds <= set(photos)


@pytest.mark.parametrize("name", ["jpeg-untagged", "jpeg-srgb", "jpeg-adobergb",
                                  "jpeg-cmyk-adobe", "jpeg-cmyk-plain", "jpeg-exif3",
                                  "jpeg-exif5", "jpeg-exif6", "jpeg-exif8", "png-rgba",
                                  "png-rgb16", "png-grey", "png-grey16", "png-palette-trns",
                                  "jpeg-320x240", "jpeg-9000x6000"])
def test_libvips_colours_match_the_pillow_pipeline(photos, name):
    new, new_px, ref, ref_px = both(photos[name], focus=(0.3, 0.7))
    assert (new.pixel_width, new.pixel_height, new.mode) == (
        ref.pixel_width, ref.pixel_height, ref.mode)
    assert new.crop == ref.crop and new.warnings == ref.warnings
    diff = bench.difference(new_px, ref_px)
    assert bench.within(diff), (name, diff, bench.THRESHOLDS)


@pytest.mark.parametrize("limit", [240.0, 300.0])
def test_libvips_photos_hold_the_ink_limit_at_every_decoded_pixel(photos, limit):
    for name in ("jpeg-untagged", "jpeg-cmyk-plain", "png-rgba", "jpeg-exif6"):
        new, *_ = both(photos[name], ink_limit=limit)
        assert bench.peak_ink(new.data) <= allowed_levels(limit), name


def test_orientation_turns_the_photo_as_pillow_does(photos):
    """A wrong quarter turn would pass a loose colour check on a smooth photo: compare a
    strongly asymmetric picture instead."""
    folder = photos["jpeg-untagged"].parent
    img = Image.new("RGB", (400, 300), (255, 255, 255))
    a = np.asarray(img).copy()
    a[:60, :100] = (0, 0, 0)  # a black block in the stored top-left corner
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        path = folder / f"corner{orientation}.jpg"
        Image.fromarray(a).save(path, quality=95, exif=exif.tobytes())
        new, new_px, ref, ref_px = both(path, box_mm=(40.0, 40.0))
        assert bench.within(bench.difference(new_px, ref_px)), orientation


def test_the_same_photo_gives_the_same_bytes_and_screen_copy(photos):
    runs = [prepare_image(photos["jpeg-srgb"], box_mm=BOX, target_ppi=PPI,
                          output_profile=bench.PROFILE, ink_limit=300, screen_size=(60, 50))
            for _ in range(2)]
    assert runs[0].data == runs[1].data and runs[0].screen == runs[1].screen
    with Image.open(io.BytesIO(runs[0].screen)) as screen:
        assert (screen.mode, screen.size) == ("RGB", (60, 50))


FORKED = r"""
import os, signal, sys
from pathlib import Path
from standpress.load.images import prepare_image

def prepare():
    return prepare_image(Path(sys.argv[1]), box_mm=(30.0, 25.0), target_ppi=100.0,
                         output_profile=Path(sys.argv[2]), ink_limit=300,
                         screen_size=(60, 50))

first = prepare()  # libvips used here, before the fork, as in a test or `build -j 1`
pid = os.fork()
if pid == 0:
    signal.alarm(60)  # a worker stuck on libvips' thread pool dies instead of hanging
    again = prepare()
    os._exit(0 if (again.data, again.screen) == (first.data, first.screen) else 3)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_photos_prepare_in_a_worker_forked_after_libvips_was_used(photos, tmp_path):
    """libvips' thread pool does not survive fork(): a sink in the forked child hangs."""
    import subprocess
    import sys

    script = tmp_path / "forked.py"
    script.write_text(FORKED)
    done = subprocess.run([sys.executable, str(script), str(photos["jpeg-exif6"]),
                           str(bench.PROFILE)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
