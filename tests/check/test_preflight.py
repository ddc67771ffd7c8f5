"""Tests for standpress.check: real PDFs, good and deliberately broken, read back.

Good files are made the way the build makes them (``render_pdf`` on a
hand-built ``Page``, then ``make_pdfx4``); broken ones either the same way
with one thing wrong, or straight from ReportLab.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from standpress.check import (
    FileReport,
    Finding,
    check_paths,
    check_pdf,
    format_table,
    normalise_text,
    write_report,
)
from standpress.check import runner
from standpress.cli.preflight import check as check_command
from standpress.cli.preflight import run_check
from standpress.layout.frame import QR, Image, Page, Rect, Text
from standpress.layout.qr import qr_modules
from standpress.render.pdf import PlacedImage, render_pdf
from standpress.render.pdfx import PdfxInfo, make_pdfx4
from standpress.text.fonts import load_font

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "fonts" / "NotoSans-Regular.ttf"
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
W, H, BLEED = 200.0, 300.0, 5.0
URL = "https://top100.example.org/c/001"
TITLE = "Справа про ґанок — їжак"
OTHER = "Case title one"
K100 = (0.0, 0.0, 0.0, 100.0)

pytestmark = [
    pytest.mark.skipif(not FONT.exists() or not PROFILE.exists(), reason="font or profile missing"),
    pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed"),
]


# ---------------------------------------------------------------- builders


def text(x: float, y: float, s: str, size: float = 8.0) -> Text:
    font = load_font("regular", str(FONT))
    return Text(x, y, s, "regular", size, K100, tuple(a * size for a in font.advances(s)))


def qr(url: str, x: float = 20.0, y: float = 150.0, size: float = 60.0) -> QR:
    return QR(x, y, size, qr_modules(url), K100, (0.0, 0.0, 0.0, 0.0), url)


def good_items() -> list:
    return [
        Rect(-BLEED, -BLEED, W + 2 * BLEED, H + 2 * BLEED, fill=(10.0, 0.0, 5.0, 0.0)),
        Rect(20, 20, 60, 40, fill=(60.0, 40.0, 40.0, 100.0)),
        text(20, 100, TITLE),
        text(20, 120, OTHER),
        qr(URL),
    ]


def jpeg(width: int, height: int, mode: str = "CMYK") -> bytes:
    im = PILImage.new(mode, (width, height), (0, 40, 80, 10) if mode == "CMYK" else (200, 80, 20))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def pdfx_info(title: str = "Test panel") -> PdfxInfo:
    return PdfxInfo(
        title=title, author="Міська рада", subject="stand test", creator="standpress 0.1.0",
        created=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), output_profile=PROFILE,
        output_condition_identifier="FOGRA39",
        output_condition="Coated FOGRA39 (ISO 12647-2:2004), TAC 300 %",
    )


def build(path: Path, items_per_page: list[list], *, image: bytes | None = None) -> Path:
    """The build's way: render_pdf on hand-made Pages, finished by make_pdfx4."""
    pages = [Page(W, H, BLEED, tuple(items), fonts={"regular": str(FONT)}, title="Test panel",
                  slug="test · 200×300 mm") for items in items_per_page]
    src = render_pdf(pages, lambda im: PlacedImage(image or jpeg(8, 8)), title="Test panel")
    path.write_bytes(make_pdfx4(src, pdfx_info()))
    return path


def expect(**kw) -> dict:
    base = {"file": "x.pdf", "kind": "cover", "unit": 1, "side": "A", "cases": ["001"],
            "trim": [W, H], "bleed": BLEED, "ink_limit": 300, "warn_ppi": 100, "min_ppi": 70,
            "qr": [URL], "texts": [TITLE, OTHER]}
    base.update(kw)
    return base


def reportlab_pdf(path: Path, draw, *, enforce: bool = True, boxes: bool = True) -> bytes:
    """A plain ReportLab PDF (no PDF/X finishing) of one 200×300 mm trim page."""
    if "NotoSans-test" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("NotoSans-test", str(FONT)))
    buf = io.BytesIO()
    kw = {"enforceColorSpace": "cmyk", "initialFontName": "NotoSans-test"} if enforce else {}
    c = Canvas(buf, pagesize=((W + 40) * mm, (H + 40) * mm), invariant=1, **kw)
    if boxes:
        c.setTrimBox((20 * mm, 20 * mm, (20 + W) * mm, (20 + H) * mm))
        c.setBleedBox(((20 - BLEED) * mm, (20 - BLEED) * mm, (20 + W + BLEED) * mm,
                       (20 + H + BLEED) * mm))
    draw(c)
    c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def by_check(report: FileReport, check: str, severity: str | None = None) -> list[Finding]:
    return [f for f in report.findings
            if f.check == check and (severity is None or f.severity == severity)]


def errors_of(report: FileReport, check: str) -> str:
    return "\n".join(f.detail for f in by_check(report, check, "error"))


# ---------------------------------------------------------------- the good file


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("good") / "good.pdf", [good_items()])


@pytest.fixture(scope="module")
def good_report(good_pdf: Path) -> FileReport:
    return check_pdf(good_pdf, expect())


def test_good_file_passes_every_check(good_report: FileReport) -> None:
    bad = [str(f) for f in good_report.findings if f.severity != "ok"]
    assert bad == []
    assert good_report.ok
    for check in ("file", "boxes", "pdfx", "fonts", "colour", "ink", "images", "qr", "text"):
        assert good_report.status(check) == "ok", check


def test_good_file_details(good_report: FileReport) -> None:
    detail = {f.check: f.detail for f in good_report.findings}
    assert "trim 200.0×300.0 mm, bleed 5.0 mm" in detail["boxes"]
    assert "PDF/X-4, PDF 1.6, output intent FOGRA39" in detail["pdfx"]
    assert "NotoSans-Regular" in detail["fonts"]
    assert detail["colour"] == "spaces: DeviceCMYK"
    assert "max 240 %" in detail["ink"]  # the 60/40/40/100 rich black
    assert "mean C" in detail["ink"] and " K " in detail["ink"]
    assert detail["qr"] == f"1 expected code decoded: {URL}"
    assert "2 expected texts found" in detail["text"]


def test_generic_checks_without_expectation(good_pdf: Path) -> None:
    report = check_pdf(good_pdf)
    assert report.ok
    assert [f.detail for f in by_check(report, "qr")] == [f"decoded: {URL}"]


# ---------------------------------------------------------------- broken files


def test_rgb_image_is_rejected(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        rgb = PILImage.new("RGB", (200, 200), (255, 0, 0))
        c.drawImage(ImageReader(rgb), 40 * mm, 40 * mm, 30 * mm, 30 * mm)

    src = reportlab_pdf(tmp_path / "src.pdf", draw, enforce=False)
    path = tmp_path / "rgb.pdf"
    path.write_bytes(make_pdfx4(src, pdfx_info()))
    report = check_pdf(path)
    assert not report.ok
    assert report.status("colour") == "error"
    errors = errors_of(report, "colour")
    assert "DeviceRGB" in errors and "image /" in errors
    assert report.status("pdfx") == "ok"  # it is the colour, not the structure


def test_unembedded_font_is_rejected(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        c.setFont("Helvetica", 12)
        c.drawString(40 * mm, 100 * mm, "Hello")

    path = tmp_path / "helvetica.pdf"
    reportlab_pdf(path, draw, enforce=False)
    report = check_pdf(path)
    assert report.status("fonts") == "error"
    assert "Helvetica is not embedded" in errors_of(report, "fonts")


def test_ink_over_limit_is_rejected(tmp_path: Path) -> None:
    items = [*good_items(), Rect(100, 30, 60, 50, fill=(80.0, 80.0, 80.0, 80.0))]
    report = check_pdf(build(tmp_path / "ink.pdf", [items]), expect())
    assert report.status("ink") == "error"
    detail = errors_of(report, "ink")
    assert "total ink 320 %" in detail and "limit of 300 %" in detail
    # the patch spans x 100–160, y 30–80 mm from the trim's top-left
    at = detail.split(" at ")[1]
    x, y = (float(v) for v in at.split(" mm")[0].split(", "))
    assert 99 <= x <= 161 and 29 <= y <= 81  # ± one 0.5 mm pixel (gs paints any touched pixel)
    assert [f.check for f in report.errors] == ["ink"]


def test_ink_limit_comes_from_the_expectation(tmp_path: Path) -> None:
    items = [*good_items(), Rect(100, 30, 60, 50, fill=(80.0, 80.0, 80.0, 80.0))]
    report = check_pdf(build(tmp_path / "ink.pdf", [items]), expect(ink_limit=330))
    assert report.status("ink") == "ok"


def test_wrong_trim_is_rejected(good_pdf: Path) -> None:
    report = check_pdf(good_pdf, expect(trim=[210, 297]))
    assert report.status("boxes") == "error"
    assert "TrimBox is 200.0×300.0 mm, expected 210×297 mm" in errors_of(report, "boxes")


def test_wrong_bleed_is_rejected(good_pdf: Path) -> None:
    report = check_pdf(good_pdf, expect(bleed=10))
    assert "expected 10 mm on every side" in errors_of(report, "boxes")


def test_artbox_beside_trimbox_is_rejected(good_pdf: Path, tmp_path: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        pdf.pages[0].obj.ArtBox = pdf.pages[0].obj.MediaBox
        pdf.save(tmp_path / "art.pdf")
    report = check_pdf(tmp_path / "art.pdf", expect())
    assert "ArtBox together with TrimBox" in errors_of(report, "boxes")


def test_missing_trimbox_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "nobox.pdf"
    reportlab_pdf(path, lambda c: None, boxes=False)
    report = check_pdf(path)
    assert "no TrimBox" in errors_of(report, "boxes")


def test_plain_reportlab_pdf_has_no_output_intent(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        c.setFont("NotoSans-test", 12)
        c.drawString(40 * mm, 100 * mm, TITLE)

    path = tmp_path / "plain.pdf"
    reportlab_pdf(path, draw)
    report = check_pdf(path)
    assert report.status("pdfx") == "error"
    errors = errors_of(report, "pdfx")
    assert "no /OutputIntents" in errors
    assert "no XMP metadata" in errors
    assert "PDF version 1.4" not in errors  # ReportLab writes 1.4: allowed


def test_pdfx_keys_broken(good_pdf: Path, tmp_path: Path) -> None:
    with pikepdf.open(good_pdf) as pdf:
        pdf.trailer.Info.Title = pikepdf.String("Another title")
        del pdf.trailer.Info.Trapped
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("1"))
        pdf.save(tmp_path / "broken.pdf", force_version="1.7")
    report = check_pdf(tmp_path / "broken.pdf")
    errors = errors_of(report, "pdfx")
    assert "PDF version 1.7" in errors
    assert "differs from XMP dc:title" in errors
    assert "/Trapped is missing" in errors
    assert "catalog has /OpenAction" in errors
    assert "JavaScript action" in errors


def test_wrong_qr_code_is_rejected(tmp_path: Path) -> None:
    other = "https://top100.example.org/c/999"
    items = [i for i in good_items() if not isinstance(i, QR)] + [qr(other)]
    report = check_pdf(build(tmp_path / "qr.pdf", [items]), expect())
    assert report.status("qr") == "error"
    detail = errors_of(report, "qr")
    assert f"QR code for {URL} does not decode" in detail
    assert f"decoded instead: {other}" in detail


def test_unexpected_qr_code_is_a_warning(tmp_path: Path) -> None:
    extra = "https://example.org/extra"
    items = [*good_items(), qr(extra, x=110, y=150, size=60)]
    report = check_pdf(build(tmp_path / "qr2.pdf", [items]), expect())
    assert report.ok
    assert report.status("qr") == "warning"
    assert extra in by_check(report, "qr", "warning")[0].detail


def test_missing_text_is_rejected(good_pdf: Path) -> None:
    report = check_pdf(good_pdf, expect(texts=[TITLE, "Справа, якої немає"]))
    assert report.status("text") == "error"
    assert errors_of(report, "text") == "expected text not found: 'Справа, якої немає'"


def test_text_across_lines_and_hyphenation(tmp_path: Path) -> None:
    items = [text(20, 40, "Велика справа про пере-"), text(20, 50, "будову ТОП-"),
             text(20, 60, "100 стендів")]
    report = check_pdf(build(tmp_path / "lines.pdf", [items]),
                       expect(qr=[], texts=["Велика справа про перебудову ТОП-100 стендів"]))
    assert report.status("text") == "ok", errors_of(report, "text")


def test_low_resolution_image_is_rejected(tmp_path: Path) -> None:
    items = [*good_items(), Image(100, 20, 100, 100, "photo.jpg", label="001")]
    report = check_pdf(build(tmp_path / "lowres.pdf", [items], image=jpeg(20, 20)), expect())
    assert report.status("images") == "error"
    detail = errors_of(report, "images")
    assert "20×20 px" in detail and "100.0×100.0 mm" in detail and "→ 5 ppi" in detail
    assert "below the floor of 70 ppi" in detail


def test_image_between_floor_and_target_warns(tmp_path: Path) -> None:
    items = [*good_items(), Image(100, 20, 50.8, 50.8, "photo.jpg")]  # 170 px on 2 in
    report = check_pdf(build(tmp_path / "mid.pdf", [items], image=jpeg(170, 170)), expect())
    assert report.ok
    warnings = by_check(report, "images", "warning")
    assert len(warnings) == 1 and "→ 85 ppi, below 100 ppi" in warnings[0].detail


def test_user_unit_scales_boxes_and_ppi(tmp_path: Path) -> None:
    items = [*good_items(), Image(100, 20, 50.8, 50.8, "photo.jpg")]
    path = build(tmp_path / "uu.pdf", [items], image=jpeg(2000, 2000))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.UserUnit = 10
        pdf.save(path)
    report = check_pdf(path, expect(trim=[2000, 3000], bleed=50, qr=None, texts=[]))
    assert report.status("boxes") == "ok", errors_of(report, "boxes")
    images = by_check(report, "images")
    assert "508.0×508.0 mm → 100 ppi" in images[0].detail


def test_broken_check_does_not_stop_the_others(good_pdf: Path, monkeypatch) -> None:
    def explode(ctx):
        raise ValueError("boom")

    funcs = tuple((n, explode if n == "fonts" else f) for n, f in runner.CHECK_FUNCTIONS)
    monkeypatch.setattr(runner, "CHECK_FUNCTIONS", funcs)
    report = check_pdf(good_pdf, expect())
    assert errors_of(report, "fonts") == "check could not run: ValueError: boom"
    for check in ("boxes", "pdfx", "colour", "ink", "images", "qr", "text"):
        assert report.status(check) == "ok", check


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_text("not a pdf")
    report = check_pdf(path)
    assert not report.ok
    assert "cannot be opened as a PDF" in errors_of(report, "file")


# ---------------------------------------------------------------- normalising text


def test_normalise_text() -> None:
    assert normalise_text("a\u00a0 b\u202fc\r\n d") == "a b c d"
    assert normalise_text("пере-\r\nбудова") == "перебудова"
    assert normalise_text("пере\u00adбудова") == "перебудова"
    assert normalise_text("  x\t\ty  ") == "x y"


# ---------------------------------------------------------------- folders, stands.json, report


@pytest.fixture()
def stands(tmp_path: Path) -> Path:
    """A stands folder as the build writes it: panel files, a stand file, stands.json."""
    root = tmp_path / "stands"
    (root / "opera").mkdir(parents=True)
    build(root / "opera" / "01-cover.pdf", [good_items()])
    second = [text(20, 100, "Друга панель"), qr("https://top100.example.org/c/002")]
    build(root / "opera" / "02-cases.pdf", [second])
    build(root / "opera" / "opera.pdf", [good_items(), second])
    build(root / "loose.pdf", [good_items()])
    panels = [
        expect(file="opera/01-cover.pdf"),
        expect(file="opera/02-cases.pdf", kind="cases", texts=["Друга панель"],
               qr=["https://top100.example.org/c/002"]),
    ]
    manifest = {"campaign": "ТОП-100 2022", "generator": "standpress 0.1.0", "date": "2024-05-01",
                "stands": [{"id": "opera", "name": "Опера", "format": "test", "panels": panels,
                            "file": "opera/opera.pdf"}]}
    (root / "stands.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return root


def test_check_paths_maps_stands_json(stands: Path) -> None:
    reports = {Path(r.path).name: r for r in check_paths([stands])}
    assert set(reports) == {"01-cover.pdf", "02-cases.pdf", "opera.pdf", "loose.pdf"}
    assert all(r.ok for r in reports.values()), format_table(list(reports.values()))
    assert "2 expected texts found" in by_check(reports["01-cover.pdf"], "text")[0].detail
    # the stand file: page i checked against panel i
    stand_text = [(f.page, f.detail) for f in by_check(reports["opera.pdf"], "text")]
    assert stand_text == [(1, "2 expected texts found"), (2, "1 expected text found")]
    # not listed: generic checks only
    assert by_check(reports["loose.pdf"], "qr")[0].detail == f"decoded: {URL}"


def test_check_paths_from_a_subfolder_and_missing_files(stands: Path) -> None:
    (stands / "opera" / "02-cases.pdf").unlink()
    reports = check_paths([stands / "opera"])
    names = {Path(r.path).name: r for r in reports}
    assert errors_of(names["02-cases.pdf"], "file") == "listed in stands.json but missing"
    assert names["01-cover.pdf"].ok
    assert "2 expected texts found" in by_check(names["01-cover.pdf"], "text")[0].detail


def test_stand_file_with_wrong_page_count(stands: Path) -> None:
    build(stands / "opera" / "opera.pdf", [good_items()])
    [report] = check_paths([stands / "opera" / "opera.pdf"])
    assert errors_of(report, "file") == "1 page, stands.json lists 2"


def test_report_and_table(stands: Path, tmp_path: Path) -> None:
    items = [*good_items(), Rect(100, 30, 60, 50, fill=(80.0, 80.0, 80.0, 80.0))]
    build(stands / "opera" / "01-cover.pdf", [items])
    reports = check_paths([stands])
    table = format_table(reports)
    lines = table.splitlines()
    assert lines[0].split() == ["file", "manifest", "file", "boxes", "pdfx", "fonts", "colour",
                                "ink", "images", "qr", "text"]
    cover = next(line for line in lines if line.split()[0].endswith("01-cover.pdf"))
    assert cover.split()[7] == "ERR" and cover.split()[1] == "ok"
    assert any("p.1 ink ERR: total ink 320 %" in line for line in lines)
    assert lines[-1] == "4 files checked: 3 ok, 0 with warnings, 1 with errors"
    out = tmp_path / "report" / "preflight.json"
    write_report(reports, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["ok"] is False and data["files"] == 4 and data["files_with_errors"] == 1
    cover_json = next(r for r in data["reports"] if r["path"].endswith("01-cover.pdf"))
    assert cover_json["checks"]["ink"] == "error"
    assert any(f["check"] == "ink" and f["severity"] == "error" and f["page"] == 1
               for f in cover_json["findings"])


# ---------------------------------------------------------------- CLI


def test_run_check_and_command(stands: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    assert run_check([stands], None, echo=lines.append) == 0
    assert not (stands / "preflight.json").exists()  # a report only where it is told
    assert "4 files checked: 4 ok" in lines[0]

    runner = CliRunner()
    cover = stands / "opera" / "01-cover.pdf"
    result = runner.invoke(check_command, [str(cover), "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["ok"] is True
    result = runner.invoke(check_command, [str(cover), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reports"][0]["checks"]["qr"] == "ok"

    loose = stands / "loose.pdf"
    build(loose, [[*good_items(), Rect(100, 30, 60, 50, fill=(80.0, 80.0, 80.0, 80.0))]])
    result = runner.invoke(check_command, [str(loose), "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 1
    assert "p.1 ink ERR: total ink 320 %" in result.output
    assert "Error: preflight failed: 1 file with errors" in result.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["ok"] is False
    # never the build's own report (beside stands.json)
    result = runner.invoke(check_command, [str(loose), "--report", str(stands / "preflight.json")])
    assert result.exit_code == 2 and not (stands / "preflight.json").exists()

    result = runner.invoke(check_command, [str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
