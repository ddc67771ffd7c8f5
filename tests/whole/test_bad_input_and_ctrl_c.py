"""Bad input never crashes and never touches the previous output (issue 5).

``tests/data/broken/<name>/`` is a corpus of small valid data sets, each with
exactly one defect, and an ``expect.toml``:

    exit     2 (input error) or 0 (the defect is worth only a warning)
    file     the file the message must name ("cases.csv", "locations.toml")
    place    "row 3" (CSV/XLSX), "line 1", or "12:1" (TOML line:column)
    field    the column or dotted key ("" when the defect is the whole file)
    message  a piece of the message
    cases    the cases file (default cases.csv)
    locations  a locations file in the folder (default: the repository's)
    only     the stands to build (default ["khreshchatyk"])
    setup    files the test makes instead of committing them (see ``_setup``)
    formula, merge  for setup = "xlsx": formula cells and merged ranges
    xfail    the reason, when the defect is known not to be reported right yet
             (strict: remove it once the fix lands)
    note     what the defect is

``tests/data/broken/make_corpus.py`` writes the corpus.

Each case is built twice with the command line: first good data into
``out/`` (copied from one good build made once), then the broken folder into
the same ``out/``; a failed build must leave ``out/`` byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import tomllib
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from standpress.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "broken"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expect.toml").is_file())
FAST = ["--no-check", "--no-svg", "--no-site"]


# ---------------------------------------------------------------- generated files

def _jpeg(path: Path, size=(800, 600)) -> bytes:
    from PIL import Image

    w, h = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img.paste((200, 60, 40), (w // 4, h // 4, w // 2, h // 2))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A few dozen bytes whose header claims ``width × height`` RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _png_chunk(b"IEND", b""))


def _xlsx(folder: Path, exp: dict) -> None:
    import openpyxl

    with open(folder / "sheet.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Кейси"
    for r in rows:
        ws.append(r)
    formulas = exp.get("formula", {})
    for ref, (formula, _) in formulas.items():
        ws[ref] = formula
    for ref in exp.get("merge", []):
        ws.merge_cells(ref)
    wb.create_sheet("Нотатки")["A1"] = "the second sheet is not read"
    target = folder / "cases.xlsx"
    wb.save(target)
    # openpyxl cannot calculate: write the values a spreadsheet program would have saved
    cached = {ref: value for ref, (_, value) in formulas.items() if value}
    if cached:
        with zipfile.ZipFile(target) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        name = "xl/worksheets/sheet1.xml"
        xml = parts[name].decode("utf-8")
        for ref, value in cached.items():
            esc = value.replace("&", "&amp;").replace("<", "&lt;")
            kind = "e" if value.startswith("#") else "str"  # error values are typed "e"
            xml, n = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                             rf'<c r="{ref}" t="{kind}"><f>\2</f><v>{esc}</v>', xml)
            assert n == 1, ref
        parts[name] = xml.encode("utf-8")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)


def _setup(kind: str, folder: Path, exp: dict) -> None:
    photos = folder / "photos"
    if kind == "symlink_out":
        outside = _jpeg(folder.parent / "outside" / "secret.jpg")
        assert outside
        photos.mkdir(exist_ok=True)
        (photos / "link.jpg").symlink_to(folder.parent / "outside" / "secret.jpg")
    elif kind == "truncated_jpeg":
        data = _jpeg(folder.parent / "whole.jpg")
        photos.mkdir(exist_ok=True)
        (photos / "cut.jpg").write_bytes(data[: len(data) // 2])
    elif kind == "bomb_png":
        photos.mkdir(exist_ok=True)
        (photos / "huge.png").write_bytes(bomb_png())
    elif kind == "good_jpeg":
        _jpeg(photos / "ok.jpg", (1800, 1200))
    elif kind == "xlsx":
        _xlsx(folder, exp)
    else:  # pragma: no cover
        raise AssertionError(f"unknown setup {kind!r}")


# ---------------------------------------------------------------- the good output

def _base_csv(ids: tuple[str, ...] = ("007", "008", "010")) -> str:
    """The corpus's three cases (without photos), from the small sample data."""
    with open(ROOT / "tests/data/small/cases.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        if r[0] in ids:
            w.writerow(r[:8] + ["", ""])
    return buf.getvalue()


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    """One good build of the stand the corpus uses, copied into every case's ``out/``."""
    base = tmp_path_factory.mktemp("good")
    (base / "cases.csv").write_text(_base_csv(("007", "008", "009", "010", "011")), "utf-8")
    r = CliRunner().invoke(main, ["build", "--cases", str(base / "cases.csv"), "--locations",
                                  str(ROOT / "locations.toml"), "--out", str(base / "out"),
                                  "--only", "khreshchatyk", "-q", *FAST],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return base / "out"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(out: Path) -> list[Path]:
    """Temporary build folders (``out/.standpress-XXXX/``) still in ``out``."""
    return [p for p in out.iterdir() if p.is_dir() and p.name.startswith(".standpress-")]


def _problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


# ---------------------------------------------------------------- the corpus

def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert all(not (CORPUS / c / "expect.toml").read_text("utf-8").startswith("\ufeff")
               for c in CASES)


@pytest.mark.parametrize("name", CASES)
def test_broken_input(name, tmp_path, good_output, request):
    exp = tomllib.loads((CORPUS / name / "expect.toml").read_text("utf-8"))
    if exp.get("xfail"):
        request.applymarker(pytest.mark.xfail(reason=exp["xfail"], strict=True))
    data = tmp_path / "data"
    shutil.copytree(CORPUS / name, data, symlinks=True)
    if exp.get("setup"):
        _setup(exp["setup"], data, exp)
    if exp.get("locations"):
        for sub in ("templates", "fonts", "profiles"):
            shutil.copytree(ROOT / sub, data / sub)
        locations = data / exp["locations"]
    else:
        locations = ROOT / "locations.toml"
    out = tmp_path / "out"
    shutil.copytree(good_output, out)
    before = snapshot(out)

    args = ["build", "--cases", str(data / exp.get("cases", "cases.csv")),
            "--locations", str(locations), "--out", str(out), *FAST]
    for stand in exp.get("only", ["khreshchatyk"]):
        args += ["--only", stand]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    output = result.output

    assert result.exit_code == exp["exit"], output
    assert "Traceback" not in output
    assert "Internal error" not in output and "This is a bug" not in output, output
    # one message line names the file, the place, the field and what is wrong
    wanted = [exp["message"]]
    if exp.get("file"):
        wanted.append(exp["file"] + (f":{exp['place']}" if exp.get("place") else ""))
    if exp.get("field"):
        wanted.append(f"{exp['field']}: ")
    lines = [line for line in _problem_lines(output) if all(w in line for w in wanted)]
    assert lines, f"no line of the output has all of {wanted}:\n{output}"
    if exp["exit"] != 0:
        assert "error" in lines[0].lower()
        assert " — " in "\n".join(lines), f"no hint on how to fix it:\n{output}"
        assert snapshot(out) == before, "a failed build changed the output folder"
    else:
        assert "khreshchatyk" in output and (out / "khreshchatyk" / "01-cover.pdf").is_file()
    assert not _leftovers(out)


def _load(folder: Path, exp: dict):
    from standpress.load.cases import load_cases
    from standpress.load.config import load_project

    project, _ = load_project(ROOT / "locations.toml")
    return load_cases(folder / exp.get("cases", "cases.csv"), project.campaign)


@pytest.mark.parametrize("name", [c for c in CASES if tomllib.loads(
    (CORPUS / c / "expect.toml").read_text("utf-8"))["exit"] == 0])
def test_shapes_people_produce_lose_nothing(name, tmp_path):
    """The warning-only data sets read as the same three cases, every field filled."""
    exp = tomllib.loads((CORPUS / name / "expect.toml").read_text("utf-8"))
    data = tmp_path / "data"
    shutil.copytree(CORPUS / name, data, symlinks=True)
    if exp.get("setup"):
        _setup(exp["setup"], data, exp)
    cases, _ = _load(data, exp)
    assert [c.id for c in cases] == ["007", "008", "010"]
    assert [c.district for c in cases] == ["Печерський", "Печерський", "Оболонський"]
    base = list(csv.DictReader(io.StringIO(_base_csv())))
    for case, row in zip(cases, base):
        assert case.organization and case.category and case.summary
        if name not in ("csv-cp1251", "csv-lookalike", "csv-shapes", "csv-summary-too-long"):
            assert (case.title, case.summary, case.partner) == (
                row["title"], row["summary"], row["partner"])


def test_missing_photo_is_a_warning_when_the_campaign_allows_it(tmp_path):
    """``campaign.missing_photos = "warn"``: an unusable photo is a warning and the case
    stays (with the «no photo» card); a path out of the folder is still an error."""
    import dataclasses
    import types

    from standpress.errors import InputError
    from standpress.load.cases import load_cases
    from standpress.load.config import load_project

    project, _ = load_project(ROOT / "locations.toml")
    fields = {f.name: getattr(project.campaign, f.name)
              for f in dataclasses.fields(project.campaign)}
    campaign = types.SimpleNamespace(**dict(fields, missing_photos="warn"))
    text = _base_csv()
    rows = text.splitlines()
    rows[1] = rows[1][: rows[1].rindex(",,")] + ",photos/gone.jpg,Фото: автор"
    rows[2] = rows[2][: rows[2].rindex(",,")] + ",photos/notes.jpg,Фото: автор"
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "notes.jpg").write_text("not a picture", "utf-8")
    (tmp_path / "cases.csv").write_text("\n".join(rows) + "\n", "utf-8")
    cases, warnings = load_cases(tmp_path / "cases.csv", campaign)
    assert [c.id for c in cases] == ["007", "008", "010"]
    assert all(c.photo is None for c in cases)
    found = {(w.place, w.field) for w in warnings if "no photo" in (w.hint or "")}
    assert found == {("row 2", "photo"), ("row 3", "photo")}
    rows[3] = rows[3][: rows[3].rindex(",,")] + ",../outside.jpg,Фото: автор"
    (tmp_path / "cases.csv").write_text("\n".join(rows) + "\n", "utf-8")
    with pytest.raises(InputError) as info:
        load_cases(tmp_path / "cases.csv", campaign)
    assert [(p.place, p.field) for p in info.value.problems] == [("row 4", "photo")]


def test_debug_shows_the_traceback_only_when_asked(tmp_path):
    data = tmp_path / "cases.csv"
    data.write_text("id,title\n", "utf-8")
    args = ["build", "--cases", str(data), "--out", str(tmp_path / "out"),
            "--locations", str(ROOT / "locations.toml")]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 2 and "Traceback" not in plain.output
    debug = CliRunner().invoke(main, ["--debug", *args])
    assert debug.exit_code == 2 and "Traceback" in debug.output


# ---------------------------------------------------------------- interrupted

def _ctrl_c_as_on_a_terminal() -> None:
    """Ctrl-C's default, as a terminal's foreground job has it: a test run started in the
    background by a non-interactive shell inherits SIGINT ignored, and Python keeps it so
    (a build started with ``&`` rightly does not stop on Ctrl-C)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("whom", ["process", "group"])
def test_an_interrupted_build_leaves_the_output_as_it_was(whom, tmp_path, good_output):
    """Ctrl-C half-way: exit 130, no traceback (from the build or its workers), the
    output as it was and no temporary folder left. ``group`` is what a terminal does:
    the signal reaches the worker processes too."""
    out = tmp_path / "out"
    shutil.copytree(good_output, out)
    before = snapshot(out)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "standpress.cli", "build", "--cases", str(ROOT / "data/cases.csv"),
         "--locations", str(ROOT / "locations.toml"), "--out", str(out), *FAST],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        start_new_session=True, preexec_fn=_ctrl_c_as_on_a_terminal)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:  # wait until the build is under way: past loading, laying out
            lines.append(raw.decode("utf-8", "replace"))
            if "· layout:" in lines[-1]:
                break
        assert proc.poll() is None, "".join(lines)
        time.sleep(0.2)
        if whom == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = "".join(lines) + rest.decode("utf-8", "replace")
    assert proc.returncode == 130, text
    assert "Traceback" not in text, text
    assert "Interrupted" in text
    assert snapshot(out) == before
    assert not _leftovers(out)


def test_ctrl_c_while_an_extension_initialises_is_an_interruption_not_a_bug():
    """Ctrl-C during pikepdf's first import surfaces as an ImportError caused by the
    KeyboardInterrupt; it was reported as "Internal error … a bug in standpress"."""
    import click

    from standpress.cli.common import handle_errors

    @click.command()
    @handle_errors
    def importing():
        try:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:
                raise ImportError("extension failed to initialise") from exc
        except ImportError as exc:
            raise ImportError("pikepdf's extension library failed to import") from exc

    @click.command()
    @handle_errors
    def broken():
        raise ImportError("no module named nothing")

    got = CliRunner().invoke(importing, [])
    assert got.exit_code == 130 and "Interrupted" in got.output and "bug" not in got.output
    bug = CliRunner().invoke(broken, [])
    assert bug.exit_code == 1 and "Internal error" in bug.output
