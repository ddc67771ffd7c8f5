"""The cache behind an ``fsspec`` URL (``pipeline/storage.py``) and writers racing on one
product: a URL cache builds the bytes a folder cache builds, a machine with an empty mirror
takes every product from the store, and two processes putting the same product at the
same time leave one whole entry, in a folder and in a store."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from standpress.pipeline import BuildOptions, build
from standpress.pipeline.cache import Cache
from standpress.pipeline.storage import MIRROR_ENV, url_of

pytest.importorskip("fsspec")

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests/data/small/cases.csv"
EPOCH = "1665532800"


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".standpress-owned.json"}


def _opts(out: Path, cache) -> BuildOptions:
    return BuildOptions(cases=SMALL, locations=ROOT / "locations.toml", out=out, only=("opera",),
                        allow_low_res=True, check=False, site=False, jobs=1, cache=cache)


def test_url_spelled_by_a_path_names_the_same_store(tmp_path):
    url = (tmp_path / "store").as_uri()  # file:///…
    assert url_of(url) == url
    assert url_of(Path(url)) == url  # what --cache (a click Path) makes of it: file:/…
    assert url_of("s3://bucket/cache") == url_of(Path("s3://bucket/cache")) == "s3://bucket/cache"
    assert url_of(tmp_path / "folder") is None
    assert url_of("nosuchprotocol://x") is None


def test_url_cache_builds_the_same_bytes_as_a_folder_cache(tmp_path, monkeypatch):
    """Built once through a ``file://`` store, then again on a 'machine' whose mirror is
    empty: the second build makes nothing, fetching every product from the store, and
    all three outputs are the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(_opts(tmp_path / "folder-out", tmp_path / "folder-cache"))
    url = (tmp_path / "store").as_uri()
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "mirror-a"))
    first = build(_opts(tmp_path / "url-out", Path(url)))
    assert first.rendered and (tmp_path / "store" / "pdf").is_dir()
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "mirror-b"))
    again = build(_opts(tmp_path / "url-out-2", Path(url)))
    assert again.rendered == [] and again.reused > 0
    folder = _tree(tmp_path / "folder-out")
    assert folder and _tree(tmp_path / "url-out") == folder == _tree(tmp_path / "url-out-2")
    leftovers = [p for p in (tmp_path / "store").rglob(".tmp-*")]
    assert leftovers == []


def test_a_damaged_blob_in_the_store_is_not_served(tmp_path, monkeypatch):
    url = (tmp_path / "store").as_uri()
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "m1"))
    Cache(url).open().put("pdf", "ab" + "0" * 62, {"pdf": b"%PDF whole"}, {"sha256": "x"})
    blob = tmp_path / "store" / "pdf" / "ab" / ("ab" + "0" * 62 + ".pdf")
    blob.write_bytes(b"%PDF wrong")  # same size, other bytes
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "m2"))
    assert Cache(url).open().get("pdf", "ab" + "0" * 62) is None


def test_memory_store_serves_another_mirror_in_the_same_process(tmp_path, monkeypatch):
    url = f"memory://standpress-test-{os.getpid()}-{tmp_path.name}"
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "m1"))
    Cache(url).open().put("svg", "cd" + "1" * 62, {"svg": b"<svg/>"}, {"linked": {}})
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "m2"))
    entry = Cache(url).open().get("svg", "cd" + "1" * 62)
    assert entry is not None and entry.read("svg") == b"<svg/>" and entry.meta == {"linked": {}}
    assert str(tmp_path / "m2") in str(entry.paths["svg"])


# ------------------------------------------------------------------ writers racing

KEYS = [hashlib.sha256(b"%d" % i).hexdigest() for i in range(12)]


def _blob(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest() * 40_000  # 1.28 MB, its own per key


def _writer(where: str, mirror: str, barrier, lag: float) -> None:
    os.environ[MIRROR_ENV] = mirror
    cache = Cache(where).open()
    for key in KEYS:
        barrier.wait(30)  # both writers start each product together, one a little later
        time.sleep(lag)
        for _ in range(2):
            cache.put("pdf", key, {"pdf": _blob(key)}, {"sha256": key})


def _watcher(store: str, done) -> None:
    """Reads the folder (or store) raw while the writers write: whenever an entry's JSON
    is there, every blob it names must be whole."""
    bad = []
    while not done.is_set():
        for key in KEYS:
            folder = Path(store) / "pdf" / key[:2]
            try:
                record = json.loads((folder / f"{key}.json").read_bytes())
            except (OSError, ValueError):
                continue
            for name, blob in record["blobs"].items():
                data = (folder / f"{key}.{name}").read_bytes()
                size = blob["size"]
                if len(data) != size or data != _blob(key):
                    bad.append(key)
    if bad:
        raise SystemExit(f"partial entries seen: {sorted(set(bad))}")


@pytest.mark.parametrize("kind", ["folder", "file-url"])
def test_two_processes_putting_the_same_product_leave_one_valid_entry(tmp_path, kind):
    store = tmp_path / "cache"
    where = str(store) if kind == "folder" else store.as_uri()
    Cache(where).open()
    ctx = multiprocessing.get_context("fork")
    barrier, done = ctx.Barrier(2), ctx.Event()
    writers = [ctx.Process(target=_writer,
                           args=(where, str(tmp_path / f"mirror{i}"), barrier, 0.004 * i))
               for i in range(2)]
    watcher = ctx.Process(target=_watcher, args=(str(store), done))
    watcher.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
    done.set()
    watcher.join(60)
    assert [w.exitcode for w in writers] == [0, 0]
    assert watcher.exitcode == 0, "a reader saw an entry whose blob was not whole"
    os.environ.pop(MIRROR_ENV, None)
    for key in KEYS:  # read back by a machine of its own (a fresh mirror)
        os.environ[MIRROR_ENV] = str(tmp_path / "reader")
        try:
            entry = Cache(where).get("pdf", key)
        finally:
            os.environ.pop(MIRROR_ENV, None)
        assert entry is not None and entry.read("pdf") == _blob(key)
    assert [p.name for p in store.rglob(".tmp-*")] == []
    assert sorted(p.name for p in (store / "pdf").rglob("*.json")) == sorted(
        f"{k}.json" for k in KEYS)


def test_a_url_holding_other_files_is_refused_but_a_marker_on_its_way_is_not(tmp_path):
    from standpress.errors import StandpressError

    other = tmp_path / "other"
    other.mkdir()
    (other / "photo.jpg").write_bytes(b"not a cache")
    with pytest.raises(StandpressError, match="not empty and is not a standpress cache"):
        Cache(other.as_uri()).open()
    racing = tmp_path / "racing"  # another machine opening the same new store meanwhile
    racing.mkdir()
    (racing / ".tmp-1-abc-standpress-cache.json").write_bytes(b"{}")
    Cache(racing.as_uri()).open()
    assert (racing / "standpress-cache.json").is_file()
