"""The build cache: rebuilds redo only what changed, and give the bytes of a cold build.
(That any --jobs and no cache give the same bytes: tests/whole/test_reproducible.py.)"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess

import pytest

from standpress.pipeline import BuildOptions, build
from standpress.pipeline.cache import SMALL, Cache, default_cache_dir, digest

STANDS = ("holosiivskyi-park", "khreshchatyk")


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


EPOCH = "1665532800"


@pytest.fixture()
def data(tmp_path, root, monkeypatch):
    """A writable copy of the small data set; builds go to tmp_path/out, cache beside."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    shutil.copytree(root / "tests" / "data" / "small", tmp_path / "data")
    return tmp_path


def options(data, root, **kw):
    base = dict(cases=data / "data" / "cases.csv", locations=root / "locations.toml",
                out=data / "out", allow_low_res=True, only=STANDS, jobs=2)
    base.update(kw)
    return BuildOptions(**base)


#: the first builds the rebuild tests start from: the whole build, and PDFs only
FIRST = {"whole": {}, "pdfs": {"check": False, "site": False}}


@pytest.fixture(scope="module")
def first_builds(tmp_path_factory, root):
    """Each of ``FIRST`` built cold once into ``work`` (the small data set, its output and
    the cache beside it) and kept, byte for byte, times and hard links and all (``cp -a``),
    to be put back for each test that starts from it. Always in the same folder: the
    cache's keys name the data's folder, so a copy elsewhere would be a cold start."""
    base = tmp_path_factory.mktemp("rebuilds")
    work, kept = base / "work", {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for name, kw in FIRST.items():
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(root / "tests" / "data" / "small", work / "data")
            result = build(options(work, root, **kw))
            subprocess.run(["cp", "-a", str(work), str(base / name)], check=True)
            kept[name] = (base / name, result)
    return work, kept


def first_build(first_builds, monkeypatch, name):
    """(the folder, the result) of a cold build of the small data set with ``FIRST[name]``,
    just made: the data in folder/data, the output in folder/out, the cache beside it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    work, kept = first_builds
    shutil.rmtree(work, ignore_errors=True)
    saved, result = kept[name]
    subprocess.run(["cp", "-a", str(saved), str(work)], check=True)
    return work, result


@pytest.fixture()
def built(first_builds, monkeypatch):
    """The whole build (check and site) just made: (folder, result)."""
    return first_build(first_builds, monkeypatch, "whole")


@pytest.fixture()
def built_pdfs(first_builds, monkeypatch):
    """The build without check and site just made: (folder, result)."""
    return first_build(first_builds, monkeypatch, "pdfs")


def of(kind, rendered):
    return sorted(r.split(" ", 1)[1] for r in rendered if r.startswith(kind + " "))


def edit_summary(data, case_id, old, new):
    path = data / "data" / "cases.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(case_id + ","):
            assert old in line
            lines[i] = line.replace(old, new, 1)
    path.write_text("".join(lines), "utf-8")


def test_a_rebuild_with_nothing_changed_makes_nothing_and_publishes_the_same_bytes(built, root):
    data, first = built
    assert first.cache == default_cache_dir(data / "out") == data / ".standpress-cache"
    assert of("pdf", first.rendered) and of("check", first.rendered) and of("mockup", first.rendered)
    before = tree(data / "out")
    again = build(options(data, root))
    assert again.rendered == []
    assert again.reused >= len(first.rendered)
    assert tree(data / "out") == before
    assert [w.message for w in again.warnings] == [w.message for w in first.warnings]


def test_editing_one_summary_renders_only_its_panel_and_its_stand_file(built, root):
    data, _ = built
    edit_summary(data, "002", "Понад 60 мешканців", "Понад 61 мешканець")
    result = build(options(data, root))
    assert of("pdf", result.rendered) == ["holosiivskyi-park/02-cases.pdf"]
    assert of("stand", result.rendered) == ["holosiivskyi-park/holosiivskyi-park.pdf"]
    assert of("svg", result.rendered) == ["holosiivskyi-park/svg/02-cases.svg"]
    assert of("check", result.rendered) == ["holosiivskyi-park/02-cases.pdf",
                                            "holosiivskyi-park/holosiivskyi-park.pdf"]
    assert of("preview", result.rendered) == ["holosiivskyi-park/02-cases.pdf"]
    assert of("mockup", result.rendered) == ["holosiivskyi-park"]
    assert of("photo", result.rendered) == []
    # layout is redone for the edited case's stand only (numbering and slug are the stand's)
    assert all(r.startswith("holosiivskyi-park/") for r in of("layout", result.rendered))
    # and the result is what a build without the cache makes
    cold = build(options(data, root, out=data / "cold", use_cache=False))
    assert cold.rendered and tree(data / "out") == tree(data / "cold")


def test_a_replaced_photo_is_prepared_again_alone(built_pdfs, root):
    data, _ = built_pdfs
    photos = data / "data" / "photos"
    shutil.copyfile(photos / "pier-evening.jpg", photos / "fig-red-bowl.jpg")  # case 001's
    result = build(options(data, root, check=False, site=False))
    assert len(of("photo", result.rendered)) == 1
    assert "fig-red-bowl.jpg" in of("photo", result.rendered)[0]
    assert of("pdf", result.rendered) == ["holosiivskyi-park/02-cases.pdf"]
    assert of("stand", result.rendered) == ["holosiivskyi-park/holosiivskyi-park.pdf"]
    # the photo's size in pixels is part of its case (a photo grows only as far as its
    # pixels stay sharp), so its stand is laid out again; no other stand is
    assert all(k.startswith("holosiivskyi-park/") for k in of("layout", result.rendered))


def test_the_cached_site_is_what_write_site_writes(built, root):
    from standpress.site import write_site

    data, _ = built
    shutil.copytree(data / "out", data / "again")
    write_site(data / "again")
    assert tree(data / "again") == tree(data / "out")


def test_a_corrupt_or_changed_entry_is_made_again(built_pdfs, root):
    data, _ = built_pdfs
    before = tree(data / "out")
    cache = data / ".standpress-cache"
    entries = sorted((cache / "pdf").rglob("*.json"))
    assert len(entries) >= 3
    entries[0].write_text("{not json", "utf-8")  # a torn entry
    record = json.loads(entries[1].read_text("utf-8"))  # a blob of the wrong size
    blob = entries[1].parent / record["blobs"]["pdf"]["file"]
    blob.write_bytes(blob.read_bytes()[:100])
    record = json.loads(entries[2].read_text("utf-8"))  # a blob without its entry (killed)
    entries[2].unlink()
    photo_entry = sorted((cache / "photo").rglob("*.json"))[0]
    photo_entry.write_text(json.dumps({"format": 1, "key": "x"}), "utf-8")
    result = build(options(data, root, check=False, site=False))
    made = of("pdf", result.rendered) + of("stand", result.rendered)
    assert len(made) == 3
    assert len(of("photo", result.rendered)) == 1
    assert tree(data / "out") == before


def test_a_published_file_edited_in_place_does_not_poison_the_cache(built_pdfs, root):
    data, _ = built_pdfs
    before = tree(data / "out")
    pdf = data / "out" / "holosiivskyi-park" / "02-cases.pdf"
    linked = pdf.stat().st_nlink > 1  # big files are hard links to the cache's blobs
    assert linked or pdf.stat().st_size < SMALL
    with open(pdf, "r+b") as fh:  # what an editor saving in place does
        fh.seek(200)
        fh.write(b"X")
    result = build(options(data, root, check=False, site=False))
    assert of("pdf", result.rendered) == (["holosiivskyi-park/02-cases.pdf"] if linked else [])
    assert tree(data / "out") == before


def test_clean_removes_the_cache_and_only_what_standpress_wrote(built_pdfs, root):
    from click.testing import CliRunner

    from standpress.cli import main

    data, _ = built_pdfs
    (data / "out" / "mine.txt").write_text("keep me", "utf-8")
    assert (data / ".standpress-cache").is_dir()
    r = CliRunner().invoke(main, ["clean", "--out", str(data / "out")])
    assert r.exit_code == 0, r.output
    assert not (data / ".standpress-cache").exists()
    assert sorted(p.name for p in (data / "out").iterdir()) == ["mine.txt"]
    # a folder that is not a cache is refused
    (data / "notacache").mkdir()
    (data / "notacache" / "x").write_text("x", "utf-8")
    r = CliRunner().invoke(main, ["clean", "--out", str(data / "out"), "--cache",
                                  str(data / "notacache"), "--cache-only"])
    assert r.exit_code == 1 and (data / "notacache" / "x").exists()


def test_the_cli_takes_a_cache_folder_jobs_and_no_cache(data, root):
    from click.testing import CliRunner

    from standpress.cli import main

    args = ["build", "--cases", str(data / "data" / "cases.csv"), "--locations",
            str(root / "locations.toml"), "--out", str(data / "out"), "--allow-low-res",
            "--only", "holosiivskyi-park", "--no-check", "--no-site", "--no-svg", "-q"]
    r = CliRunner().invoke(main, [*args, "--cache", str(data / "c"), "-j", "1", "--timings"])
    assert r.exit_code == 0, r.output
    assert (data / "c" / "standpress-cache.json").is_file()
    assert "render" in r.output and "made" in r.output
    # CPU seconds per kind of task (the benchmark reads them): photos and PDFs were made
    assert re.search(r"CPU in tasks: .*photo \d+\.\d\d s.*pdf \d+\.\d\d s", r.output), r.output
    r = CliRunner().invoke(main, [*args, "--no-cache"])
    assert r.exit_code == 0, r.output
    assert not (data / ".standpress-cache").exists()


def test_cache_entries_are_written_whole_or_not_at_all(tmp_path):
    cache = Cache(tmp_path / "c").open()
    key = digest("x", 1)
    assert cache.get("k", key) is None
    entry = cache.put("k", key, {"a": b"hello"}, {"n": 1})
    assert cache.get("k", key).meta == {"n": 1} and entry.read("a") == b"hello"
    assert not [p for p in (tmp_path / "c").rglob(".tmp-*")]
    # the key must not depend on dict order, and reprs with addresses are refused
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    with pytest.raises(ValueError):
        digest(object())


def test_prune_drops_the_least_recently_used_entries_the_build_did_not_use(tmp_path):
    import os

    cache = Cache(tmp_path / "c").open()
    keys = [digest("e", i) for i in range(5)]
    for i, key in enumerate(keys):
        entry = cache.put("k", key, {"b": bytes(1000)})
        json_file = entry.paths["b"].with_name(f"{key}.json")
        os.utime(json_file, (1_000_000 + i, 1_000_000 + i))  # used long ago, oldest first
    (tmp_path / "c" / ".tmp-stale").write_bytes(b"x")
    os.utime(tmp_path / "c" / ".tmp-stale", (1, 1))
    keep = {("k", keys[0])}
    freed = cache.prune(keep, limit=2700)  # room for the kept entry and the newest one
    left = {k for k in keys if cache.get("k", k) is not None}
    assert left == {keys[0], keys[4]}
    assert freed >= 3000 and not (tmp_path / "c" / ".tmp-stale").exists()


def test_a_prune_after_a_few_new_entries_scans_nothing_until_the_limit_or_the_hour(
        tmp_path, monkeypatch):
    """The last scan's size plus the new entries' decides: within the limit and the hour,
    the files are not scanned (a stale temporary file stays); past the limit, or an hour
    after the last scan, they are, and the least recently used entries go."""
    import os

    from standpress.pipeline import cache as cache_module

    monkeypatch.setattr(cache_module, "MIN_LIMIT", 5500)
    cache = Cache(tmp_path / "c").open()
    keys = [digest("e", i) for i in range(8)]
    for i, key in enumerate(keys[:3]):
        entry = cache.put("k", key, {"b": bytes(1000)})
        os.utime(entry.paths["b"].with_name(f"{key}.json"), (1_000_000 + i,) * 2)
    assert cache.prune(set(), added=set(cache.added)) == 0  # no scan yet: scanned now
    usage = json.loads((tmp_path / "c" / "usage.json").read_text())
    assert 3000 < usage["total"] < 4000 and usage["kept"] == 0

    def stale():
        (tmp_path / "c" / ".tmp-stale").write_bytes(b"x")
        os.utime(tmp_path / "c" / ".tmp-stale", (1, 1))

    stale()
    cache.put("k", keys[3], {"b": bytes(1000)})  # about 5,000 bytes: within 5,500
    assert cache.prune(set(), added={("k", keys[3])}) == 0
    assert (tmp_path / "c" / ".tmp-stale").exists()  # not scanned
    assert 4500 < json.loads((tmp_path / "c" / "usage.json").read_text())["total"] < 5500

    cache.put("k", keys[4], {"b": bytes(1000)})  # past the limit: scanned, the oldest goes
    assert cache.prune(set(), added={("k", keys[4])}) > 1000
    assert not (tmp_path / "c" / ".tmp-stale").exists()
    assert cache.get("k", keys[0]) is None and cache.get("k", keys[4]) is not None

    stale()  # within the limit, but the last scan is over an hour old: scanned
    usage = json.loads((tmp_path / "c" / "usage.json").read_text())
    usage["scanned"] -= cache_module.RESCAN + 1
    (tmp_path / "c" / "usage.json").write_text(json.dumps(usage))
    cache.prune(set(), added=set())
    assert not (tmp_path / "c" / ".tmp-stale").exists()


def test_without_source_date_epoch_an_edit_the_same_day_renders_only_what_it_touched(
        tmp_path, root, monkeypatch):
    import os

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    shutil.copytree(root / "tests" / "data" / "small", tmp_path / "data")
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(root / name, tmp_path / name)
    shutil.copy(root / "locations.toml", tmp_path / "locations.toml")
    morning, evening = 1665565200, 1665594000  # 2022-10-12 09:00 and 17:00 UTC
    for p in [tmp_path / "locations.toml", *(tmp_path / "templates").glob("*.toml"),
              tmp_path / "data" / "cases.csv"]:
        os.utime(p, (morning, morning))
    opts = BuildOptions(cases=tmp_path / "data" / "cases.csv",
                        locations=tmp_path / "locations.toml", out=tmp_path / "out",
                        allow_low_res=True, only=("holosiivskyi-park",), check=False, site=False)
    build(opts)
    edit_summary(tmp_path, "002", "Понад 60 мешканців", "Понад 61 мешканець")
    os.utime(tmp_path / "data" / "cases.csv", (evening, evening))
    result = build(opts)
    assert of("pdf", result.rendered) == ["holosiivskyi-park/02-cases.pdf"]
    summary = json.loads((tmp_path / "out" / "stands.json").read_text("utf-8"))
    assert summary["date"] == "2022-10-12T00:00:00+00:00"
