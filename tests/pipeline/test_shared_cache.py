"""The cache shared by several writers (worker processes, machines on one shared folder):
two writers of the same product leave one valid entry, whichever writes its JSON last."""

from __future__ import annotations

import os
import time

from standpress.pipeline.cache import Cache

KEY = "ab" + "0" * 62


def test_two_writers_of_one_entry_leave_it_valid_whichever_json_lands_last(tmp_path):
    first, second = Cache(tmp_path).open(), Cache(tmp_path).open()
    first.put("pdf", KEY, {"pdf": b"%PDF same bytes"}, {"sha256": "x"})
    entry_json = tmp_path / "pdf" / "ab" / f"{KEY}.json"
    written_first = entry_json.read_bytes()
    blob = tmp_path / "pdf" / "ab" / f"{KEY}.pdf"
    before = os.stat(blob)
    time.sleep(0.01)  # a replaced blob would show another mtime
    second.put("pdf", KEY, {"pdf": b"%PDF same bytes"}, {"sha256": "x"})
    entry_json.write_bytes(written_first)  # the first writer's JSON lands last
    after = os.stat(blob)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    entry = Cache(tmp_path).get("pdf", KEY)
    assert entry is not None and entry.read("pdf") == b"%PDF same bytes"
    assert [p.name for p in blob.parent.iterdir() if p.name.startswith(".tmp-")] == []


def test_a_stale_blob_with_other_bytes_is_replaced(tmp_path):
    cache = Cache(tmp_path).open()
    folder = tmp_path / "pdf" / "ab"
    folder.mkdir(parents=True)
    (folder / f"{KEY}.pdf").write_bytes(b"edited in place")  # no JSON: not an entry
    cache.put("pdf", KEY, {"pdf": b"%PDF the product"})
    assert Cache(tmp_path).get("pdf", KEY).read("pdf") == b"%PDF the product"


def test_a_moved_in_file_is_consumed_when_the_same_blob_is_there(tmp_path):
    cache = Cache(tmp_path / "cache").open()
    cache.put("preview", KEY, {"png": b"PNG"})
    staged = tmp_path / "staged.png"
    staged.write_bytes(b"PNG")
    cache.put("preview", KEY, {"png": staged}, move=True)
    assert not staged.exists()
    assert Cache(tmp_path / "cache").get("preview", KEY).read("png") == b"PNG"
