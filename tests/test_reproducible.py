"""The same inputs give the same bytes, whatever the time of day."""

from __future__ import annotations

import hashlib
import time

from standpress.pipeline import BuildOptions, build


def digest_tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path, root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1665532800")
    opts = dict(cases=root / "tests" / "data" / "small" / "cases.csv",
                locations=root / "locations.toml", allow_low_res=True,
                only=("holosiivskyi-park", "khreshchatyk"))
    build(BuildOptions(out=tmp_path / "a", **opts))
    time.sleep(1.1)  # a different second on the clock must not matter
    build(BuildOptions(out=tmp_path / "b", **opts))
    a, b = digest_tree(tmp_path / "a"), digest_tree(tmp_path / "b")
    assert a == b
    assert any(name.endswith(".pdf") for name in a)


def test_source_date_epoch_sets_the_dates(tmp_path, root, monkeypatch):
    import pikepdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1665532800")  # 2022-10-12 00:00 UTC
    build(BuildOptions(cases=root / "tests" / "data" / "small" / "cases.csv",
                       locations=root / "locations.toml", out=tmp_path, allow_low_res=True,
                       only=("opera",)))
    with pikepdf.open(tmp_path / "opera" / "01-cover.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20221012")
        with pdf.open_metadata() as meta:
            assert meta["xmp:CreateDate"].startswith("2022-10-12")
