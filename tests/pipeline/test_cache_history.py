"""A rebuild from a cache gives the bytes of a cold build, whatever built into that cache
before (here: a build without SVGs, whose photos carry no screen copy)."""

from __future__ import annotations

from pathlib import Path

from standpress.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parents[2]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and "svg" in p.parts}


def test_svg_bytes_do_not_depend_on_what_filled_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1665532800")

    def opts(out: Path, **kw) -> BuildOptions:
        return BuildOptions(cases=ROOT / "tests/data/small/cases.csv",
                            locations=ROOT / "locations.toml", out=out, allow_low_res=True,
                            check=False, site=False, jobs=1, **kw)

    build(opts(tmp_path / "cold", use_cache=False))
    build(opts(tmp_path / "warm", cache=tmp_path / "cache", svg=False))
    again = build(opts(tmp_path / "warm", cache=tmp_path / "cache"))
    assert not any(r.startswith("photo ") for r in again.rendered)  # the photos were reused
    cold, warm = _files(tmp_path / "cold"), _files(tmp_path / "warm")
    assert cold and list(warm) == list(cold)
    assert [n for n in cold if warm[n] != cold[n]] == []
