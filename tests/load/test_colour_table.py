"""The RGB → CMYK colour table gives LittleCMS's own numbers, is shared through the build
cache, and is made once (``load/colourtable.py``)."""

from __future__ import annotations

import fcntl
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from standpress.load import colourtable
from standpress.load.colour import (RENDERING_INTENT, TRANSFORM_FLAGS, icc_transform,
                                    load_output_profile)
from standpress.load.images import prepare_image
from standpress.pipeline.cache import Cache
from standpress.pipeline.tasks import CacheTables  # the workers' store

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"


def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture(scope="module")
def srgb_table():
    out = load_output_profile(PROFILE)
    transform = icc_transform(None, out, "RGB", "CMYK")
    return transform, colourtable.make_table(transform)


@pytest.fixture(autouse=True)
def _fresh_tables():
    colourtable.use_store(None)
    yield
    colourtable.use_store(None)


def test_colour_table_gives_littlecms_numbers_for_every_pixel(srgb_table):
    transform, table = srgb_table
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8)  # a million colours
    rgb[0, :256, :] = np.arange(256, dtype=np.uint8)[:, None]  # the grey axis too
    direct = np.asarray(ImageCms.applyTransform(Image.fromarray(rgb, "RGB"), transform))
    looked_up = colourtable.lookup(table, rgb)
    assert looked_up.shape == (1024, 1024, 4)
    assert np.array_equal(looked_up, direct)
    padded = np.zeros((1024, 1024, 4), np.uint8)  # R, G, B, 0 as libvips hands them over
    padded[..., :3] = rgb
    assert np.array_equal(colourtable.lookup(table, padded), direct)


def test_photo_bytes_are_the_same_with_the_table_and_without(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    smooth = rng.integers(0, 256, (60, 80, 3)).astype(np.uint8)
    photo = Image.fromarray(smooth, "RGB").resize((800, 600), Image.BICUBIC)
    path = tmp_path / "p.jpg"
    photo.save(path, quality=92)

    def prepared():
        return prepare_image(path, box_mm=(120, 90), target_ppi=150, output_profile=PROFILE,
                             ink_limit=300, screen_size=(200, 150))

    monkeypatch.setattr(colourtable, "WORTH_PIXELS", 10**12)  # never a table
    direct = prepared()
    assert not colourtable.held()
    monkeypatch.setattr(colourtable, "WORTH_PIXELS", 0)  # a table at once
    tabled = prepared()
    assert len(colourtable.held()) == 1
    assert tabled.data == direct.data
    assert tabled.screen == direct.screen


def test_profiles_differing_only_by_date_share_a_table():
    out = load_output_profile(PROFILE)
    a, b = bytearray(_srgb_icc()), bytearray(_srgb_icc())
    a[24:36], b[24:36] = b"\x07\xea\x00\x0c" + bytes(8), b"\x07\xe6\x00\x0a" + bytes(8)
    b[84:100] = b"\x11" * 16
    key = colourtable.table_key
    assert key(bytes(a), out, RENDERING_INTENT, TRANSFORM_FLAGS) == \
        key(bytes(b), out, RENDERING_INTENT, TRANSFORM_FLAGS)
    c = bytearray(a)
    c[-40] ^= 0xFF  # a tag's data: another transform
    assert key(bytes(c), out, RENDERING_INTENT, TRANSFORM_FLAGS) != \
        key(bytes(a), out, RENDERING_INTENT, TRANSFORM_FLAGS)
    assert key(None, out, RENDERING_INTENT, TRANSFORM_FLAGS) != \
        key(bytes(a), out, RENDERING_INTENT, TRANSFORM_FLAGS)


def test_colour_table_is_made_once_and_read_from_the_build_cache(tmp_path, srgb_table,
                                                                 monkeypatch):
    transform, table = srgb_table
    out = load_output_profile(PROFILE)
    cache = Cache(tmp_path / "cache").open()
    rgb = np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    made = []
    real_make = colourtable.make_table
    monkeypatch.setattr(colourtable, "make_table", lambda t: made.append(1) or real_make(t))
    monkeypatch.setattr(colourtable, "WORTH_PIXELS", 0)

    colourtable.use_store(CacheTables(cache))
    first = colourtable.rgb_to_cmyk_pixels(rgb, None, out, transform, RENDERING_INTENT,
                                           TRANSFORM_FLAGS)
    assert made == [1]
    key = colourtable.table_key(None, out, RENDERING_INTENT, TRANSFORM_FLAGS)
    entry = Cache(tmp_path / "cache").get("colour", key)
    assert entry is not None
    stored = np.fromfile(entry.paths["u32"], dtype=np.uint32)
    assert np.array_equal(stored, table)

    colourtable.use_store(CacheTables(Cache(tmp_path / "cache")))  # another process
    again = colourtable.rgb_to_cmyk_pixels(rgb, None, out, transform, RENDERING_INTENT,
                                           TRANSFORM_FLAGS)
    assert made == [1]  # read, not made again
    assert isinstance(colourtable.held()[key], np.memmap)
    assert np.array_equal(first, again)


def test_second_process_converts_directly_while_the_table_is_being_made(tmp_path, monkeypatch):
    out = load_output_profile(PROFILE)
    transform = icc_transform(None, out, "RGB", "CMYK")
    cache = Cache(tmp_path / "cache").open()
    store = CacheTables(cache)
    monkeypatch.setattr(colourtable, "WORTH_PIXELS", 0)
    monkeypatch.setattr(colourtable, "make_table", lambda t: pytest.fail("made twice"))
    colourtable.use_store(store)
    key = colourtable.table_key(None, out, RENDERING_INTENT, TRANSFORM_FLAGS)
    fd = os.open(store.lock(key), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another worker is making it
        rgb = np.zeros((8, 8, 3), np.uint8)
        assert colourtable.rgb_to_cmyk_pixels(rgb, None, out, transform, RENDERING_INTENT,
                                              TRANSFORM_FLAGS) is None
    finally:
        os.close(fd)


def test_truncated_table_in_the_cache_is_not_used(tmp_path, srgb_table):
    out = load_output_profile(PROFILE)
    cache = Cache(tmp_path / "cache").open()
    key = colourtable.table_key(None, out, RENDERING_INTENT, TRANSFORM_FLAGS)
    cache.put("colour", key, {"u32": io.BytesIO(bytes(1000)).getvalue()})
    assert CacheTables(cache).load(key) is None
