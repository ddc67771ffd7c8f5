"""The sample campaign built end to end, read back with independent readers.

pikepdf reads the structure, pypdfium2 renders and extracts text, zxing-cpp decodes
the QR codes from the renders; poppler-utils and qpdf are used when installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

MM = 72 / 25.4


def panel_files(out: Path):
    data = json.loads((out / "stands.json").read_text("utf-8"))
    for stand in data["stands"]:
        for panel in stand["panels"]:
            yield stand, panel, out / panel["file"]


def flat(text: str) -> str:
    """Extracted text with line-end hyphenation undone and all spacing made one space."""
    text = re.sub(r"-\s*[\r\n]+\s*", "", text)
    text = text.replace("\ufffe", "").replace("\x02", "")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return flat("\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    finally:
        pdf.close()


def test_every_stand_is_built_with_its_panels(sample_build, project):
    out = sample_build.out
    assert {s.id for s in sample_build.stands} == {l.id for l in project.locations}
    for stand in sample_build.stands:
        folder = out / stand.id
        assert (folder / f"{stand.id}.pdf").is_file()
        with pikepdf.open(folder / f"{stand.id}.pdf") as pdf:
            assert len(pdf.pages) == stand.panels
        assert stand.panels <= stand.faces
    assert sum(s.cases for s in sample_build.stands) == 100


def test_page_boxes_match_each_format(sample_build, project):
    for stand, panel, path in panel_files(sample_build.out):
        fmt = project.formats[stand["format"]]
        with pikepdf.open(path) as pdf:
            page = pdf.pages[0].obj
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            media = [float(v) for v in page.MediaBox]
        assert trim[2] - trim[0] == pytest.approx(fmt.width * MM, abs=0.3)
        assert trim[3] - trim[1] == pytest.approx(fmt.height * MM, abs=0.3)
        for i, sign in enumerate((-1, -1, 1, 1)):
            assert bleed[i] == pytest.approx(trim[i] + sign * fmt.bleed * MM, abs=0.3)
        assert media[0] <= bleed[0] and media[1] <= bleed[1]
        assert media[2] >= bleed[2] and media[3] >= bleed[3]
        # room for the marks and the slug outside the bleed
        assert bleed[0] - media[0] > 10 * MM


def _fonts(resources, seen):
    fonts = resources.get("/Font", {})
    for name in fonts.keys():
        yield fonts[name]
    xobjects = resources.get("/XObject", {})
    for name in xobjects.keys():
        x = xobjects[name]
        if x.get("/Subtype") == "/Form" and "/Resources" in x and x.objgen not in seen:
            seen.add(x.objgen)
            yield from _fonts(x.Resources, seen)


def test_every_font_is_embedded_as_a_subset_with_a_unicode_map(sample_build):
    checked = 0
    for _, _, path in panel_files(sample_build.out):
        with pikepdf.open(path) as pdf:
            for page in pdf.pages:
                for font in _fonts(page.obj.get("/Resources", {}), set()):
                    descriptor = font.get("/FontDescriptor")
                    assert descriptor is not None, font.get("/BaseFont")
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                    assert re.match(r"^/[A-Z]{6}\+", str(font.BaseFont)), font.BaseFont
                    assert "/ToUnicode" in font
                    checked += 1
    assert checked > 0


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdffonts_agrees(sample_build):
    path = next(p for _, panel, p in panel_files(sample_build.out) if panel["kind"] == "cases")
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_each_case_title_appears_in_its_own_stand_and_no_other(sample_build, root, project):
    from standpress.load.cases import load_cases
    from standpress.normalise import normalise_cases

    cases, _ = load_cases(root / "data" / "cases.csv", project.campaign)
    cases, _ = normalise_cases(cases, project.campaign)
    texts = {s.id: pdf_text(sample_build.out / s.id / f"{s.id}.pdf") for s in sample_build.stands}
    from standpress.load.config import district_key

    home = {district_key(d): loc.id for loc in project.locations for d in loc.serves}
    for case in cases:
        title = flat(case.title)
        where = [sid for sid, text in texts.items() if title in text]
        assert where == [home[district_key(case.district)]], (case.id, case.title, where)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdftotext_reads_the_ukrainian_text_back(sample_build):
    path = next(p for _, panel, p in panel_files(sample_build.out) if panel["kind"] == "cover")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "ТОП-100" in text
    assert "Нагородження переможців" in flat(text)
    assert "'" not in text and '"' not in text  # typographic quotes and apostrophes only


def test_every_qr_code_decodes_to_its_url(sample_build):
    checked = 0
    for stand, panel, path in panel_files(sample_build.out):
        if panel["kind"] not in ("cases", "cover"):
            continue
        pdf = pdfium.PdfDocument(str(path))
        try:
            # about 4–5 px per module of the smallest code
            image = pdf[0].render(scale=60 / 72 if stand["format"] != "a3" else 200 / 72,
                                  grayscale=True).to_pil()
        finally:
            pdf.close()
        found = {r.text for r in zxingcpp.read_barcodes(image)}
        assert set(panel["qr"]) <= found, (panel["file"], set(panel["qr"]) - found)
        checked += len(panel["qr"])
    assert checked >= 100


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf not installed")
def test_qpdf_finds_no_structural_problem(sample_build):
    for stand in sample_build.stands:
        path = sample_build.out / stand.id / f"{stand.id}.pdf"
        r = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_crop_marks_and_slug_stay_outside_the_bleed(sample_build):
    """Render a page without clipping: inside the BleedBox only artwork, outside only marks."""
    path = next(p for _, panel, p in panel_files(sample_build.out) if panel["kind"] == "locator")
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
    doc = pdfium.PdfDocument(str(path))
    try:
        scale = 10 / 72
        img = doc[0].render(scale=scale, grayscale=True).to_pil()
    finally:
        doc.close()
    W, H = img.size
    # the band between the media edge and the bleed box carries the marks: something is drawn
    left = int((bleed[0] - media[0]) * scale) - 1
    band = img.crop((0, 0, left, H))
    assert band.getextrema()[0] < 128


def test_the_preview_site_and_previews_are_written(sample_build):
    out = sample_build.out
    assert (out / "index.html").is_file()
    for stand in sample_build.stands:
        page = (out / stand.id / "index.html").read_text("utf-8")
        assert 'lang="uk"' in (out / "index.html").read_text("utf-8")
        previews = sorted((out / stand.id / "preview").glob("*-thumb.png"))
        assert len(previews) == stand.panels
        assert f"{stand.id}.pdf" in page
        assert len(list((out / stand.id / "svg").glob("*.svg"))) == stand.panels


def test_svg_photos_are_the_printed_photos_in_screen_colours(sample_build, root):
    """Each photo in a panel's SVG is the PDF's photo (same crop), converted to sRGB through
    the output profile: not a fresh crop of the original."""
    import base64
    import io
    import xml.etree.ElementTree as ET

    import numpy as np
    from PIL import Image as PILImage, ImageCms

    stand, panel, path = next((s, p, f) for s, p, f in panel_files(sample_build.out)
                              if p["kind"] == "cases")
    svg = sample_build.out / stand["id"] / "svg" / (Path(panel["file"]).stem + ".svg")
    hrefs = [el.get("{http://www.w3.org/1999/xlink}href") or el.get("href")
             for el in ET.parse(svg).iter("{http://www.w3.org/2000/svg}image")]
    shown = [PILImage.open(io.BytesIO(base64.b64decode(h.split(",", 1)[1]))).convert("RGB")
             for h in hrefs if h and h.startswith("data:image/jpeg")]
    with pikepdf.open(path) as pdf:
        printed = [pikepdf.PdfImage(img).as_pil_image()
                   for img in pdf.pages[0].get_images().values()]
    assert shown and len(shown) == len(printed)
    to_srgb = ImageCms.buildTransform(ImageCms.getOpenProfile(str(root / "profiles/FOGRA39L_300.icc")),
                                      ImageCms.createProfile("sRGB"), "CMYK", "RGB")
    for pic in printed:  # every printed photo has its screen copy among the SVG's images
        assert pic.mode == "CMYK"
        best = min(np.abs(np.asarray(ImageCms.applyTransform(
            pic.resize(s.size, PILImage.Resampling.BOX), to_srgb)).astype(int)
            - np.asarray(s).astype(int)).mean() for s in shown
            if abs(s.width / s.height - pic.width / pic.height) < 0.02)
        assert best < 6, best
