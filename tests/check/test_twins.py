"""A stand file's pages that are its panel files' pages are compared, not rendered again;
a page that differs in any byte is checked in full."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest

from standpress.check import check_paths
from standpress.render.pdfx import make_pdfx4

from test_preflight import (build, by_check, errors_of, expect, good_items, pdfx_info,  # noqa: F401
                            pytestmark, qr, text)


def merge(files: list[Path], out: Path) -> Path:
    """The stand file as the build makes it: the panel files' pages, copied, finished."""
    pdf = pikepdf.Pdf.new()
    sources = [pikepdf.open(f) for f in files]
    for src in sources:
        pdf.pages.extend(src.pages)
    buf = io.BytesIO()
    pdf.save(buf)
    for src in sources:
        src.close()
    out.write_bytes(make_pdfx4(buf.getvalue(), pdfx_info()))
    return out


@pytest.fixture()
def stands(tmp_path: Path) -> Path:
    root = tmp_path / "stands"
    (root / "opera").mkdir(parents=True)
    cover = build(root / "opera" / "01-cover.pdf", [good_items()])
    second = [text(20, 100, "Друга панель"), qr("https://top100.example.org/c/002")]
    cases = build(root / "opera" / "02-cases.pdf", [second])
    merge([cover, cases], root / "opera" / "opera.pdf")
    panels = [expect(file="opera/01-cover.pdf"),
              expect(file="opera/02-cases.pdf", kind="cases", texts=["Друга панель"],
                     qr=["https://top100.example.org/c/002"])]
    (root / "stands.json").write_text(json.dumps({"stands": [{
        "id": "opera", "panels": panels, "file": "opera/opera.pdf"}]}), "utf-8")
    return root


def test_stand_pages_identical_to_checked_panels_are_not_rendered_again(stands: Path) -> None:
    reports = {Path(r.path).name: r for r in check_paths([stands])}
    stand = reports["opera.pdf"]
    assert stand.ok
    assert [(f.page, f.detail.split(" (")[0]) for f in by_check(stand, "twin")] == [
        (1, "identical to opera/01-cover.pdf"), (2, "identical to opera/02-cases.pdf")]
    assert not by_check(stand, "ink") and not by_check(stand, "qr") and not by_check(stand, "text")
    # the panels themselves were checked in full
    assert by_check(reports["02-cases.pdf"], "qr", "ok")
    assert by_check(reports["01-cover.pdf"], "ink", "ok")


def test_a_changed_stand_page_is_checked_in_full(stands: Path) -> None:
    stand = stands / "opera" / "opera.pdf"
    with pikepdf.open(stand, allow_overwriting_input=True) as pdf:  # 320 % ink on page 2
        page = pdf.pages[1]
        page.contents_add(pdf.make_stream(b"0.8 0.8 0.8 0.8 k 100 100 200 200 re f"))
        pdf.save(stand)
    reports = {Path(r.path).name: r for r in check_paths([stands])}
    report = reports["opera.pdf"]
    assert [f.page for f in by_check(report, "twin")] == [1]
    assert "total ink 320 %" in errors_of(report, "ink")
    assert [f.page for f in by_check(report, "ink")] == [2]
    assert [f.page for f in by_check(report, "qr")] == [2]


def test_stand_file_checked_alone_is_rendered_in_full(stands: Path) -> None:
    [report] = check_paths([stands / "opera" / "opera.pdf"])  # its panels are not checked
    assert not by_check(report, "twin")
    assert [f.page for f in by_check(report, "ink")] == [1, 2]
    assert report.ok
