"""Warnings people can act on: in reading order, one kind as one grouped warning, a count
per kind by default, every detail with --verbose, in --json and in stands.json."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from standpress.cli import main
from standpress.errors import Problem
from standpress.report_problems import (changed_problems, group_problems, problem_lines,
                                        sort_problems)

HEADER = "id,title,organization,district,category,summary,partner,url,photo,photo_credit\n"


def low_res(row: int, case: str, ppi: int, fmt: str = "citylight") -> Problem:
    return Problem(f"case {case}: photo photos/{case}.jpg prints at {ppi} ppi on «{fmt}» "
                   "(aim: 150)", "data/cases.csv", f"row {row}", "photo", severity="warning",
                   case=case, stand="opera", kind="photo-low-res",
                   facts=(("photo", f"photos/{case}.jpg"), ("ppi", ppi), ("target_ppi", 150.0),
                          ("warn_ppi", 100.0), ("min_ppi", 70.0), ("format", fmt)))


PLACEHOLDER = Problem("the catalogue address https://x.example.org/ is a placeholder",
                      "locations.toml", "33:1", "campaign.catalogue_url",
                      "put the real address in locations.toml before print",
                      severity="warning", kind="placeholder")


def test_warnings_are_sorted_by_file_then_row_as_a_number():
    rows = [66, 5, 55, 68, 104, 9]
    problems = [low_res(r, f"{r - 1:03d}", 80) for r in rows] + [PLACEHOLDER]
    random.Random(1).shuffle(problems)
    ordered = sort_problems(problems)
    assert [p.place for p in ordered[:-1]] == [f"row {r}" for r in sorted(rows)]
    assert ordered[-1] is PLACEHOLDER  # data/cases.csv before locations.toml
    toml = [Problem("x", "a.toml", place) for place in ("17:12", "17:5", "3:1")]
    assert [p.place for p in sort_problems(toml)] == ["3:1", "17:5", "17:12"]


def test_many_low_res_photos_read_as_one_warning_with_a_line_per_photo():
    problems = [low_res(r, f"{r - 1:03d}", 70 + r % 29) for r in (66, 5, 55, 68)] + [PLACEHOLDER]
    short = problem_lines(problems)
    assert short == [
        "  warning: 4 photos below 100 ppi on «citylight» (aim: 150 ppi) — see --verbose",
        f"  warning: {PLACEHOLDER}"]
    full = problem_lines(problems, verbose=True)
    assert full[0] == "  warning: 4 photos below 100 ppi on «citylight» (aim: 150 ppi):"
    details = full[1:5]
    assert [line.split()[1] for line in details] == ["004", "054", "065", "067"]
    first = details[0].split()
    # case, stand, where it is named, the photo, the ppi it prints at and the aim
    assert first == ["case", "004", "opera", "data/cases.csv:row", "5", "photos/004.jpg",
                     f"{70 + 5 % 29}", "ppi", "(aim", "150)"]
    assert full[5] == f"  warning: {PLACEHOLDER}"


def test_groups_split_by_kind_and_format_and_a_lone_warning_is_printed_whole():
    problems = [low_res(5, "004", 80), low_res(6, "005", 81, fmt="banner"),
                low_res(7, "006", 82, fmt="banner")]
    groups = group_problems(problems)
    assert [(g.kind, g.count) for g in groups] == [("photo-low-res", 1), ("photo-low-res", 2)]
    lines = problem_lines(problems)
    assert lines[0] == f"  warning: {problems[0]}"
    assert "2 photos below 100 ppi on «banner»" in lines[1]


def test_changed_problems_name_the_new_and_the_gone():
    a, b, c = low_res(5, "004", 80), low_res(6, "005", 81), PLACEHOLDER
    new, gone = changed_problems([a, b], [b, c])
    assert new == [c] and gone == [a]
    assert changed_problems([a, b], [b, a]) == ([], [])


def _campaign(tmp_path: Path, sizes: list[tuple[int, int]]) -> Path:
    photos = tmp_path / "photos"
    photos.mkdir()
    lines = [HEADER]
    for n, (w, h) in enumerate(sizes, 1):
        img = Image.new("RGB", (w, h), (40 + n * 20, 120, 160))
        img.save(photos / f"p{n}.jpg", quality=70)
        lines.append(f"{n:03d},Справа {n},ГО «Сусіди»,Шевченківський,Волонтерство,"
                     f"Щодня {n * 10} обідів для переселенців.,,,photos/p{n}.jpg,"
                     f"\"Фото: автор, CC0\"\n")
    cases = tmp_path / "cases.csv"
    cases.write_text("".join(lines), "utf-8")
    return cases


def test_a_build_with_many_low_res_photos_prints_one_line_per_kind(tmp_path, root):
    """The build's output: one line for the photos; --verbose a line per photo; --json and
    stands.json every warning."""
    cases = _campaign(tmp_path, [(1900, 1280)] * 4 + [(500, 340)] * 2)
    out = tmp_path / "stands"
    args = ["build", "--only", "opera", "--cases", str(cases), "--locations",
            str(root / "locations.toml"), "--out", str(out), "--allow-low-res", "--no-check",
            "--no-site", "--no-svg", "--jobs", "1", "--cache", str(tmp_path / "cache")]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    said = [line for line in r.stderr.splitlines() if line.startswith("  warning:")]
    photos = [line for line in said if "photo" in line]
    assert photos == [
        "  warning: 4 photos below 100 ppi on «citylight» (aim: 150 ppi) — see --verbose",
        "  warning: 2 photos below the floor of 70 ppi on «citylight» — see --verbose"], said
    assert any("placeholder" in line for line in said)

    r = CliRunner().invoke(main, args + ["--verbose"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    text = r.stderr
    for n in range(1, 7):  # every photo on a line of its own, with its case and row
        line = next(x for x in text.splitlines() if f"photos/p{n}.jpg" in x)
        assert f"case {n:03d}" in line and f"row {n + 1}" in line and "opera" in line
    assert text.index("photos/p1.jpg") < text.index("photos/p4.jpg")

    r = CliRunner().invoke(main, args + ["--json"], catch_exceptions=False)
    data = json.loads(r.stdout)
    kinds = {g["kind"]: g for g in data["warning_groups"]}
    assert kinds["photo-low-res"]["count"] == 4 and kinds["photo-below-floor"]["count"] == 2
    low = [w for w in data["warnings"] if w["kind"] == "photo-low-res"]
    assert [w["case"] for w in low] == ["001", "002", "003", "004"]
    assert all(w["stand"] == "opera" and w["facts"]["format"] == "citylight"
               and 70 <= w["facts"]["ppi"] < 100 and w["facts"]["target_ppi"] == 150
               for w in low)
    summary = json.loads((out / "stands.json").read_text("utf-8"))
    assert summary["warnings"] == [w["text"] for w in data["warnings"]]  # complete, in order
    assert len(summary["warnings"]) == 8  # and the placeholder, and the unused units


def test_the_bundled_sample_has_no_photo_below_its_formats_aim(sample_build):
    """Every sample photo is large enough where it lands (issue 15: the first build of the
    sample warned about 13–24 photos below 100 ppi on the citylights)."""
    photos = [w for w in sample_build.warnings if (w.kind or "").startswith("photo")]
    assert photos == []
    assert any(w.kind == "placeholder" for w in sample_build.warnings)
