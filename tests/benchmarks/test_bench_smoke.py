"""The benchmark harness's pieces (benchmarks/): the mixed campaign holds the photos it
claims, the floors make the build's pixel sizes, the report takes each ratio within one
round and rewrites only the README's table. Small pictures only: a few seconds of CPU."""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_report  # noqa: E402
import campaign  # noqa: E402
import floors  # noqa: E402
from bench_build import compare_trees  # noqa: E402

SHRINK = 20
FOGRA = ROOT / "profiles" / "FOGRA39L_300.icc"


def test_mixed_campaign_has_92_photos_of_issue_16s_kinds_and_8_cases_without():
    plan = campaign.photo_plan(1, "mixed")
    assert len(plan) == 100
    assert sum(p is None for p in plan) == 8
    kinds = Counter(p[1] for p in plan if p)
    assert kinds == {"plain": 85, **{k: 1 for k in campaign.MIXED_KINDS}}
    assert plan[0][0] == "p0000.jpg"  # the photo bench_build.replace_photo replaces
    ten = campaign.photo_plan(10, "mixed")
    names = [p[0] for p in ten if p]
    seeds = [p[2] for p in ten if p]
    assert len(names) == 920 == len(set(names)) == len(set(seeds))  # every photo its own
    assert campaign.MIXED_KINDS["huge"][1] == (9000, 6000)
    assert campaign.MIXED_KINDS["small"][1] == (320, 240)
    assert all(size == (4000, 3000) for k, (_, size, _) in campaign.MIXED_KINDS.items()
               if k not in ("huge", "small"))


def _open(kind: str) -> Image.Image:
    return Image.open(io.BytesIO(campaign.mixed_photo(kind, 7, SHRINK)))


def test_mixed_photo_kinds_read_back_as_claimed():
    want = {"cmyk": ("JPEG", "CMYK"), "huge": ("JPEG", "RGB"), "rotated": ("JPEG", "RGB"),
            "rgba": ("PNG", "RGBA"), "rgb16": ("PNG", "RGB"), "grey": ("PNG", "L"),
            "small": ("JPEG", "RGB")}
    for kind, (ext, (w, h), _) in campaign.MIXED_KINDS.items():
        img = _open(kind)
        assert (img.format, img.mode) == want[kind], kind
        assert img.size == (max(8, w // SHRINK), max(8, h // SHRINK)), kind
        assert ext == {"JPEG": "jpg", "PNG": "png"}[img.format]
        if kind == "rgb16":  # Pillow reads 16-bit RGB as RGB, from 16-bit big-endian rows
            assert img.tile[0].args == "RGB;16B"
        if kind == "rgba":  # transparent towards the corners, opaque in the middle
            assert img.getchannel("A").getextrema() == (0, 255)
        orientation = img.getexif().get(0x0112)
        assert orientation == (6 if kind == "rotated" else None), kind
        icc = img.info.get("icc_profile")
        if kind == "cmyk":
            assert icc == FOGRA.read_bytes()
        elif kind == "small":
            assert icc  # an sRGB profile
        else:
            assert not icc, kind


def test_mixed_campaign_folder_links_its_photos_and_leaves_8_cases_without(tmp_path):
    cases, locations = campaign.make_campaign(tmp_path / "c", 1, tmp_path / "store", jobs=1,
                                              progress=lambda s: None, kind="mixed",
                                              shrink=SHRINK)
    with open(cases, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 100 and locations.exists()
    photos = [r["photo"] for r in rows if r["photo"]]
    assert len(photos) == 92 == len(set(photos))
    for rel in photos:
        assert (cases.parent / rel).stat().st_size > 0
    assert {Path(p).suffix for p in photos} == {".jpg", ".png"}
    again, _ = campaign.make_campaign(tmp_path / "c", 1, tmp_path / "store", jobs=1,
                                      progress=lambda s: None, kind="mixed", shrink=SHRINK,
                                      cases=30)
    with open(again, encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 30
    assert len(list((tmp_path / "c" / "data" / "photos").iterdir())) == 28


@pytest.mark.parametrize("kind", list(campaign.MIXED_KINDS))
def test_floors_make_the_builds_pixel_size_and_colour_space(kind, tmp_path):
    from standpress.load.images import prepare_image

    ext = campaign.MIXED_KINDS[kind][0]
    path = tmp_path / f"{kind}.{ext}"
    path.write_bytes(campaign.mixed_photo(kind, 3, SHRINK))
    for w, h, focus, ppi in ((100, 60, (0.3, 0.5), 150), (40, 90, (0.5, 0.2), 100)):
        task = (str(path), w, h, focus, ppi, str(FOGRA))
        built = prepare_image(path, box_mm=(w, h), target_ppi=ppi, output_profile=FOGRA,
                              focus=focus)
        for make in (floors.pillow_jpeg, floors.vips_jpeg):
            img = Image.open(io.BytesIO(make(task)))
            assert img.format == "JPEG"
            assert img.size == (built.pixel_width, built.pixel_height), (make.__name__, w, h)
            assert img.mode == built.mode == ("L" if kind == "grey" else "CMYK"), make.__name__


def _run(seconds: float, **extra) -> dict:
    return {"seconds": seconds, "cpu_seconds": seconds, "maxrss_mb": 100.0, "tree_pss_mb": 200.0,
            "foreign_share": 0.01, "loadavg_before": [0.5, 0.5, 0.5], **extra}


def _results() -> dict:
    def one_round(pillow: float, vips: float, default: float) -> dict:
        return {"pillow": _run(pillow + 0.5, floor={"seconds": pillow}),
                "vips": _run(vips + 0.5, floor={"seconds": vips}),
                "default": _run(default, tasks={"photo": default, "check": 1.0},
                                task_cpu={"photo": default * 0.8, "check": 2.0},
                                stages={"layout": 1.0}),
                "pdfs": _run(default / 2, task_cpu={"photo": default * 0.7}),
                "noop": _run(0.15), "edit": _run(1.5),
                "photo": _run(2.5)}

    return {"date": "2026-12-02 10:00 UTC", "standpress": "abc123", "jobs": 2,
            "campaign": "mixed", "cases": None,
            "machine": {"cpus": 2, "cpu": "x", "python": "3.11", "pillow": "13",
                        "libvips": "8.18.7"},
            "campaign_info": {"photos": 92, "below_min_ppi": []},
            "rounds": [one_round(10.0, 8.0, 20.0), one_round(20.0, 16.0, 30.0)]}


def test_report_takes_each_ratio_against_the_floor_of_the_same_round():
    s = bench_report.summarise(_results())
    # round 1: 20 / 10 = 2.0, round 2: 30 / 20 = 1.5 (not 30 / 10 nor 20 / 20)
    assert s["x_pillow"]["default"]["min"] == pytest.approx(1.5)
    assert s["x_pillow"]["default"]["max"] == pytest.approx(2.0)
    assert s["x_vips"]["default"]["max"] == pytest.approx(2.5)
    assert s["seconds"]["pillow"]["min"] == 10.0  # the floor's photo work, not its process
    # CPU against the floor process's CPU, also round by round: 20 / 10.5 and 30 / 20.5
    assert s["cpu_x_pillow"]["default"]["min"] == pytest.approx(30 / 20.5)
    assert s["cpu_x_pillow"]["default"]["max"] == pytest.approx(20 / 10.5)
    assert s["targets"]["default"] is False and s["targets"]["noop"] is True
    assert s["tasks"] == {"photo": 25.0, "check": 1.0}
    table = bench_report.markdown({**_results(), "summary": s})
    assert "| 1.50–2.00 |" in table


def test_report_gives_cpu_per_kind_of_task_against_the_pillow_floor():
    s = bench_report.summarise(_results())
    assert s["task_cpu_default"] == {"photo": 20.0, "check": 2.0}  # medians of 16, 24 and 2, 2
    assert s["task_cpu_pdfs"] == {"photo": 17.5}
    table = bench_report.markdown({**_results(), "summary": s})
    # the floors' CPU: 10.5 and 20.5, median 15.5; photo 20.0 / 15.5 = 1.29×
    assert "| photo | 20.0 | 17.5 | 1.29× |" in table
    assert "| check | 2.0 | – | 0.13× |" in table


def test_readme_rewrite_touches_only_what_is_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n{bench_report.BEGIN}\nold table\n{bench_report.END}\n"
                      "after\n", "utf-8")
    bench_report.rewrite_readme(readme, "| new |")
    assert readme.read_text("utf-8") == (f"# x\n\nbefore\n{bench_report.BEGIN}\n| new |\n"
                                         f"{bench_report.END}\nafter\n")
    text = (ROOT / "README.md").read_text("utf-8")
    assert text.count(bench_report.BEGIN) == 1 == text.count(bench_report.END)
    assert text.index(bench_report.BEGIN) < text.index(bench_report.END)


def test_jobs_check_names_the_files_that_differ():
    a = {"x.pdf": "1", "y.pdf": "2", "z.png": "3"}
    assert compare_trees(a, dict(a))["identical"]
    res = compare_trees(a, {"x.pdf": "1", "y.pdf": "9", "w.png": "3"})
    assert not res["identical"]
    assert res["differ"] == ["y.pdf"]
    assert res["only_first"] == ["z.png"] and res["only_second"] == ["w.png"]
