"""One render serves the previews and the QR check, with the verdicts of two renders.

The build's check+preview task renders each panel once with PDFium for its preview and
hands the TrimBox of that render to the QR check (``check_pdf(renders=…)``), which renders
the page itself only for expected codes it cannot read there. The panels here are one
stand of the small campaign as the build writes them (their own spec in their XMP).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pikepdf
import pytest

from standpress.check import check_pdf
from standpress.check.context import Context
from standpress.pdfread import Lighter
from standpress.site.previews import preview_needs, render_previews

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


def findings(report) -> list[tuple]:
    return [(f.check, f.severity, f.detail, f.page) for f in report.findings]


def pngs(files) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest()
            for f in files for p in (f.screen, f.thumb)]


def two_renders(pdf: Path, out: Path, screen_px: int):
    """The preflight and the previews each rendering for itself (one lighter copy)."""
    lighter = Lighter(pdf)
    preview_needs(pdf, lighter, screen_px)
    report = check_pdf(pdf, lighter=lighter)
    return report, render_previews(pdf, out, screen_px=screen_px, lighter=lighter)


def one_render(pdf: Path, out: Path, screen_px: int):
    """As the build does it: the previews rendered once, their trim handed to the check."""
    lighter = Lighter(pdf)
    preview_needs(pdf, lighter, screen_px)
    files, trims = [], {}

    def previews() -> dict:
        files.extend(render_previews(pdf, out, screen_px=screen_px, lighter=lighter,
                                     trims=trims))
        return trims

    return check_pdf(pdf, lighter=lighter, renders=previews), files


def panels(stand: Path) -> list[Path]:
    return sorted(p for p in stand.glob("*.pdf") if p.stem != stand.name)


@pytest.mark.parametrize("screen_px", [1600, 300])
def test_one_render_gives_the_verdicts_and_previews_of_two(stand: Path, tmp_path: Path,
                                                           screen_px: int) -> None:
    """At the site's size the preview reads the panels' codes; at 300 px it cannot, and
    the check renders the page itself: either way the same findings and the same PNGs."""
    for pdf in panels(stand):
        a, a_files = two_renders(pdf, tmp_path / f"a{screen_px}" / pdf.stem, screen_px)
        b, b_files = one_render(pdf, tmp_path / f"b{screen_px}" / pdf.stem, screen_px)
        assert findings(b) == findings(a), pdf.name
        assert pngs(b_files) == pngs(a_files), pdf.name
    assert any(f[0] == "qr" and f[1] == "ok" and "decoded" in f[2] for f in findings(a))


class NoRenderContext(Context):
    """A context whose file cannot be rendered for the QR check."""

    def pdfium_for_render(self):
        raise AssertionError("the QR check rendered the page again")


def test_codes_read_in_the_preview_need_no_render_of_their_own(stand: Path, tmp_path: Path,
                                                               monkeypatch) -> None:
    from standpress.check import runner

    cover = next(p for p in panels(stand) if "cover" in p.stem)  # the catalogue's big code
    monkeypatch.setattr(runner, "Context", NoRenderContext)
    report, _ = one_render(cover, tmp_path / "pv", 1600)
    qr = [f for f in report.findings if f.check == "qr"]
    assert [f.severity for f in qr] == ["ok"], qr
    assert "expected code decoded" in qr[0].detail


def test_an_unreadable_code_is_an_error_with_the_preview_given(stand: Path,
                                                               tmp_path: Path) -> None:
    """The cover with white painted over it: its code reads neither in the preview nor in
    the check's own renders, and the verdict is the two renders' one."""
    pdf = tmp_path / "covered.pdf"
    with pikepdf.open(next(p for p in panels(stand) if "cover" in p.stem)) as doc:
        page = doc.pages[0]
        page.contents_add(pikepdf.Stream(doc, b"q 0 0 0 0 k -9999 -9999 29999 29999 re f Q"))
        doc.save(pdf)
    one, _ = one_render(pdf, tmp_path / "one", 1600)
    two, _ = two_renders(pdf, tmp_path / "two", 1600)
    assert findings(one) == findings(two)
    errors = [f.detail for f in one.findings if f.check == "qr" and f.severity == "error"]
    assert errors and "does not decode" in errors[0]
