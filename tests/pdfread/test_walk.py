"""The one content walker, on panels the build really writes, against other readers.

PDF/X finishing (which unembedded fonts no text uses) and the preflight (fonts, colour
spaces, image resolution) both read what :func:`standpress.pdfread.walk_pages` reports;
here it is compared with poppler's ``pdfimages -list`` and ``pdffonts`` and with the
operators pikepdf's own ``parse_content_stream`` finds in the page content.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name

from standpress.pipeline.finish import finish_pdf
from standpress.check import check_pdf
from standpress.errors import RenderError
from standpress.pdfread import key, walk_pages

WHEN = datetime(2022, 10, 12, tzinfo=timezone.utc)
POPPLER = pytest.mark.skipif(shutil.which("pdfimages") is None or shutil.which("pdffonts") is None,
                             reason="poppler-utils not installed")
# what pdfimages calls the colour spaces the walker names
POPPLER_COLOUR = {"DeviceCMYK": "cmyk", "DeviceGray": "gray", "DeviceRGB": "rgb",
                  "ICCBased(3)": "icc", "ICCBased(4)": "icc", "ICCBased(1)": "icc"}
OPERATOR_SPACE = {"k": "DeviceCMYK", "K": "DeviceCMYK", "g": "DeviceGray", "G": "DeviceGray",
                  "rg": "DeviceRGB", "RG": "DeviceRGB"}


def files(stand: Path) -> list[Path]:
    """The panel files and the stand file."""
    return sorted(stand.glob("*.pdf"))


def poppler(tool: str, path: Path) -> list[list[str]]:
    """The rows of a poppler listing (``pdfimages -list``, ``pdffonts``), split on blanks."""
    out = subprocess.run([tool, *(["-list"] if tool == "pdfimages" else []), str(path)],
                         check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@POPPLER
def test_walker_places_every_image_pdfimages_lists(stand: Path) -> None:
    seen = 0
    for path in files(stand):
        theirs = sorted((int(r[0]), int(r[3]), int(r[4]), r[5], (int(r[10]), int(r[11])),
                         int(r[12]), int(r[13])) for r in poppler("pdfimages", path)
                        if r[2] == "image")
        with pikepdf.open(path) as pdf:
            placed = walk_pages(pdf.pages).placements
        ours = sorted((p.page, p.width, p.height, POPPLER_COLOUR[p.space], p.ref)
                      for p in placed)
        assert ours == [t[:5] for t in theirs], path.name
        for p, t in zip(sorted(placed, key=lambda p: (p.page, p.width, p.height)), theirs):
            assert abs(p.ppi - min(t[5], t[6])) <= 0.5  # pdfimages rounds to whole ppi
        seen += len(theirs)
    assert seen >= 2  # the case photo, in its panel file and in the stand file


@POPPLER
def test_walker_fonts_are_the_fonts_pdffonts_lists_and_each_shows_text(stand: Path) -> None:
    for path in files(stand):
        listed = {(r[0], (int(r[-2]), int(r[-1]))) for r in poppler("pdffonts", path)}
        with pikepdf.open(path) as pdf:
            walked = walk_pages(pdf.pages)
            ours = {(str(u.font.BaseFont)[1:], u.font.objgen) for u in walked.fonts.values()}
            assert ours == listed, path.name
            # the fonts text is shown with, read straight from the content: Tf then Tj/TJ
            shown: set[tuple] = set()
            for page in pdf.pages:
                current = None
                for operands, op in pikepdf.parse_content_stream(page):
                    if str(op) == "Tf":
                        current = page.obj.Resources.Font[operands[0]]
                    elif str(op) in ("Tj", "TJ", "'", '"'):
                        shown.add(key(current))
            assert walked.shown_fonts == shown, path.name
            assert shown <= set(walked.fonts), path.name


@POPPLER
def test_walker_colour_spaces_are_the_operators_and_images_in_the_content(stand: Path) -> None:
    for path in files(stand):
        with pikepdf.open(path) as pdf:
            spaces = {c.space for c in walk_pages(pdf.pages).colours}
            operators = {OPERATOR_SPACE[str(op)] for page in pdf.pages
                         for _, op in pikepdf.parse_content_stream(page)
                         if str(op) in OPERATOR_SPACE}
        images = {r[5] for r in poppler("pdfimages", path) if r[2] == "image"}
        assert {POPPLER_COLOUR[s] for s in spaces - operators} <= images
        assert operators <= spaces and images <= {POPPLER_COLOUR[s] for s in spaces}
        assert spaces == {"DeviceCMYK"}, path.name  # what standpress prints with


def with_helvetica(path: Path, shown: bool) -> bytes:
    """The finished panel with an unembedded Helvetica in its fonts, text shown in it or not."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        page.obj.Resources.Font.FX = pdf.make_indirect(pikepdf.Dictionary(
            Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
        if shown:
            page.contents_add(pdf.make_stream(b"BT /FX 12 Tf 10 10 Td (x) Tj ET"))
        buf = io.BytesIO()
        pdf.save(buf)
        return buf.getvalue()


def test_finishing_drops_the_unembedded_font_no_text_uses_and_the_preflight_agrees(
        stand: Path, tmp_path: Path, project) -> None:
    panel = stand / "02-cases.pdf"
    finished = tmp_path / "finished.pdf"
    finished.write_bytes(finish_pdf(with_helvetica(panel, shown=False), "test", project, WHEN))
    with pikepdf.open(finished) as pdf:
        assert Name("/FX") not in pdf.pages[0].obj.Resources.Font
    fonts = [f for f in check_pdf(finished).findings if f.check == "fonts"]
    assert [f.severity for f in fonts] == ["ok"] and "Helvetica" not in fonts[0].detail
    with pytest.raises(RenderError, match="not embedded"):
        finish_pdf(with_helvetica(panel, shown=True), "test", project, WHEN)
