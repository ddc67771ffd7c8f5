"""The same inputs give the same bytes, whatever the time of day, however many workers,
with a cache or without.

Each build starts from nothing (its own cache folder, empty): a second build that shared
the first one's cache would only copy what the first made, and prove nothing.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from standpress.pipeline import BuildOptions, build

EPOCH = "1665532800"  # 2022-10-12 00:00 UTC


@pytest.fixture(autouse=True)
def _no_leftover_tz():
    """After monkeypatch has put TZ back (fixtures end in reverse order), apply it."""
    yield
    time.tzset()


def digest_tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cold_build(tmp_path, root, name: str, jobs: int, use_cache: bool):
    """The small campaign's two stands (a citylight and a banner), built from nothing into
    ``tmp_path/name``, with a cache of its own or none."""
    result = build(BuildOptions(
        cases=root / "tests" / "data" / "small" / "cases.csv",
        locations=root / "locations.toml", out=tmp_path / name, allow_low_res=True,
        only=("holosiivskyi-park", "khreshchatyk"), jobs=jobs,
        cache=tmp_path / f"cache-{name}", use_cache=use_cache))
    # nothing was replayed: every product of this build was made by this build
    assert result.reused == 0 and result.rendered, (name, result.reused)
    assert any(r.startswith("pdf ") for r in result.rendered)
    return result


def test_two_cold_builds_of_the_same_input_are_byte_identical(tmp_path, root, monkeypatch):
    """One worker without a cache, then two workers with a cache, in another time zone:
    the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    cold_build(tmp_path, root, "a", jobs=1, use_cache=False)
    assert not (tmp_path / "cache-a").exists()  # --no-cache keeps nothing, here or beside
    assert not (tmp_path / ".standpress-cache").exists()
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".standpress-")
                and p.name != ".standpress-owned.json"]
    # another time of day on the local clock (14 hours ahead of UTC): it must not show
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    cold_build(tmp_path, root, "b", jobs=2, use_cache=True)
    a, b = digest_tree(tmp_path / "a"), digest_tree(tmp_path / "b")
    assert sorted(a) == sorted(b), set(a) ^ set(b)
    differ = sorted(name for name in a if a[name] != b[name])
    assert not differ, f"{len(differ)} of {len(a)} files differ: {differ[:12]}"
    kinds = {name.rsplit(".", 1)[-1] for name in a}
    assert {"pdf", "svg", "png", "html", "json"} <= kinds, kinds  # the whole output compared


def test_source_date_epoch_sets_the_dates(tmp_path, root, monkeypatch):
    import pikepdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(BuildOptions(cases=root / "tests" / "data" / "small" / "cases.csv",
                       locations=root / "locations.toml", out=tmp_path, allow_low_res=True,
                       only=("opera",), check=False, site=False, svg=False))
    with pikepdf.open(tmp_path / "opera" / "01-cover.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20221012")
        with pdf.open_metadata() as meta:
            assert meta["xmp:CreateDate"].startswith("2022-10-12")
