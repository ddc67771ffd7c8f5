"""Feedback on long builds: the bar on a terminal, lines in a log, silence with --quiet."""

from __future__ import annotations

import io
import re
import shutil

from click.testing import CliRunner

from standpress.pipeline import BuildOptions, build
from standpress.cli import main
from standpress.pipeline.progress import Bar, Lines

HEADER = "id,title,organization,district,category,summary,partner,url,photo,photo_credit\n"


def one_case(tmp_path, root, photo: bool = False):
    """cases.csv with one Shevchenkivskyi case (shown at «opera»), with a photo if asked."""
    if photo:
        shutil.copy(root / "tests/data/small/photos/fig-red-bowl.jpg", tmp_path / "bowl.jpg")
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "001,Теплі обіди,ГО «Сусіди»,Шевченківський,Волонтерство,"
                     "Щодня 300 обідів.,,," + ("bowl.jpg,Фото: автор" if photo else ",")
                     + "\n", "utf-8")
    return cases


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal_redraws_in_place_and_leaves_one_line_per_step():
    out = Tty()
    bar = Bar(out)
    bar.note("3 cases read")
    bar.step("photos", 4, "images", reused=1)
    for _ in range(3):
        bar._drawn = 0  # let every advance redraw (the bar draws at most 10 times a second)
        bar.advance()
    bar.end()
    bar.close()
    text = out.getvalue()
    frames = re.findall(r"\r\x1b\[2K([^\r\n]*)", text)
    drawn = [f for f in frames if "█" in f or "░" in f]  # the bar, not the summary
    # the count climbs 1/4 → 4/4 and the bar fills with it
    counts = [re.search(r"(\d)/4 images", f).group(1) for f in drawn]
    assert counts == ["1", "2", "3", "4"]
    assert drawn[0].count("█") < drawn[-1].count("█") and "░" not in drawn[-1]
    # what stays on screen: the note and the step's summary, each on its own line
    screen = _screen(text)
    assert screen[0] == "· 3 cases read" and len(screen) == 2
    assert re.fullmatch(r"· photos: 4/4 images · 3 made, 1 from the cache · \d+\.\d s", screen[1])


def _screen(text: str) -> list[str]:
    """What a terminal shows after ``text``: carriage return, erase line, newline."""
    lines, line = [], ""
    for token in re.split(r"(\r|\x1b\[2K|\n)", text):
        if token == "\n":
            lines.append(line)
            line = ""
        elif token == "\x1b[2K":
            line = ""
        elif token != "\r":
            line += token
    return lines + ([line] if line else [])


def test_bar_in_a_log_writes_plain_lines_without_carriage_returns():
    out = io.StringIO()  # not a terminal
    bar = Bar(out)
    bar.step("layout", 2, "panels")
    bar.advance(2)
    bar.end()
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert re.fullmatch(r"· layout: 2/2 panels · \d+\.\d s\n", out.getvalue())


def test_lines_count_panels_images_and_stands_of_a_real_build(tmp_path, root):
    cases = one_case(tmp_path, root, photo=True)
    opts = BuildOptions(cases=cases, locations=root / "locations.toml", out=tmp_path / "o",
                        only=("opera",), check=False, site=False, jobs=1, allow_low_res=True)
    lines: list[str] = []
    build(opts, Lines(lines.append))
    steps = {l.split(":")[0]: l for l in lines if re.match(r"\w[\w-]*: \d+/\d+ ", l)}
    assert re.match(r"layout: 4/4 panels · \d", steps["layout"])
    assert re.match(r"render: 1/1 images, 4/4 panel PDFs, 4/4 SVGs, 1/1 stand PDFs · \d",
                    steps["render"])
    lines.clear()
    build(opts, Lines(lines.append))  # again: everything comes from the cache
    assert any(re.match(r"layout: 4/4 panels · 0 made, 4 from the cache", l) for l in lines)
    assert any(re.match(r"render: 1/1 images, 4/4 panel PDFs, 4/4 SVGs, 1/1 stand PDFs · "
                        r"0 made, 10 from the cache", l) for l in lines), lines


def test_quiet_and_json_print_no_progress(tmp_path, root):
    cases = one_case(tmp_path, root)
    args = ["build", "--only", "opera", "--no-check", "--no-site", "--no-svg", "--cases",
            str(cases), "--locations", str(root / "locations.toml"), "--out", str(tmp_path / "o")]
    loud = CliRunner().invoke(main, args, catch_exceptions=False)
    assert loud.exit_code == 0 and re.search(r"^· layout: 4/4 panels", loud.stderr, re.M)
    quiet = CliRunner().invoke(main, args + ["--quiet"], catch_exceptions=False)
    assert quiet.exit_code == 0 and "·" not in quiet.stderr
    assert "1 stands, 4 panels, 1 cases" in quiet.stdout


def test_svgs_after_a_build_without_them_reuse_the_photos(tmp_path, root):
    """Photos prepared by a --no-svg build are not prepared again for the SVGs: the SVG
    makes its screen copy from the prepared JPEG."""
    cases = one_case(tmp_path, root, photo=True)
    base = dict(cases=cases, locations=root / "locations.toml", out=tmp_path / "o",
                only=("opera",), check=False, site=False, jobs=1, allow_low_res=True)
    build(BuildOptions(**base, svg=False))
    lines: list[str] = []
    build(BuildOptions(**base, svg=True), Lines(lines.append))
    render = next(l for l in lines if l.startswith("render:"))
    assert re.match(r"render: 1/1 images, 4/4 panel PDFs, 4/4 SVGs, 1/1 stand PDFs · "
                    r"4 made, 6 from the cache", render), render
    svg = (tmp_path / "o" / "opera" / "svg" / "02-cases.svg").read_text("utf-8")
    assert svg.count("data:image/jpeg;base64,") == 1


def test_each_file_is_read_back_in_the_render_graph_and_the_check_stage_reads_none_again(
        tmp_path, root):
    """A panel's preflight and previews start as soon as its PDF is made, a stand file's
    check as soon as the stand file is, a stand's mock-up as soon as its previews are, all
    in the render stage's graph; the check stage then only collects the reports and
    judges. Had the render stage keyed a read differently from the check stage, the check
    stage would not find the report, and the build would stop."""
    cases = one_case(tmp_path, root, photo=True)
    opts = BuildOptions(cases=cases, locations=root / "locations.toml", out=tmp_path / "o",
                        only=("opera",), jobs=1, allow_low_res=True)
    lines: list[str] = []
    result = build(opts, Lines(lines.append))
    steps = {l.split(":")[0]: l for l in lines if re.match(r"[\w-]+: \d+/\d+ ", l)}
    assert re.match(r"render: 1/1 images, 4/4 panel PDFs, 4/4 SVGs, 1/1 stand PDFs, "
                    r"5/5 files read back, 1/1 mock-ups · \d", steps["render"]), lines
    assert list(steps) == ["layout", "render"], lines  # the check stage made nothing
    made = [m for m in result.rendered if m.split()[0] in ("check", "preview", "mockup")]
    assert sorted(made) == sorted([f"check opera/{n}.pdf" for n in
                                   ("01-cover", "02-cases", "03-locator", "04-catalogue",
                                    "opera")] + [f"preview opera/{n}.pdf" for n in
                                                 ("01-cover", "02-cases", "03-locator",
                                                  "04-catalogue")] + ["mockup opera"]), made
    report = (tmp_path / "o" / "preflight.json").read_text("utf-8")
    assert "opera/opera.pdf" in report and "opera/02-cases.pdf" in report
    assert (tmp_path / "o" / "opera" / "preview" / "02-cases.jpg").is_file()
    assert any((result.cache / "subset").rglob("*.json"))  # the SVGs' font subsets, kept
