"""Tests for standpress.render.pdfx: a real ReportLab PDF made PDF/X-4."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from pikepdf import Name
from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from standpress.errors import InputError, RenderError
from standpress.render.pdfx import PdfxInfo, make_pdfx4

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    ROOT / "fonts" / "NotoSans-Regular.ttf",
]
FONT = next((p for p in FONT_CANDIDATES if p.exists()), None)
MM = 72 / 25.4
TEXT = "Стенд «Весна» — їжак, ґанок"
TRIM = (10 * MM, 10 * MM, 110 * MM, 160 * MM)
BLEED = (5 * MM, 5 * MM, 115 * MM, 165 * MM)

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
}

pytestmark = pytest.mark.skipif(FONT is None, reason="NotoSans-Regular.ttf not available")


# ---------------------------------------------------------------- fixtures


def register_font() -> str:
    if "NotoSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("NotoSans", str(FONT)))
    return "NotoSans"


def reportlab_pdf(*, initial_font: bool = True, pages: int = 2, boxes: bool = True,
                  extra=None) -> bytes:
    font = register_font()
    buf = io.BytesIO()
    kw = {"initialFontName": font, "initialFontSize": 12} if initial_font else {}
    c = Canvas(buf, pagesize=(120 * MM, 170 * MM), invariant=1,
               enforceColorSpace="cmyk", **kw)
    for n in range(pages):
        if boxes:
            c.setTrimBox(TRIM)
            c.setBleedBox(BLEED)
        c.setFillColor(CMYKColor(0.6, 0.4, 0.4, 1))
        c.rect(BLEED[0], BLEED[1], BLEED[2] - BLEED[0], 40 * MM, fill=1, stroke=0)
        c.setFillColor(CMYKColor(0, 0, 0, 1))
        c.setFont(font, 18)
        c.drawString(20 * MM, 100 * MM, f"{TEXT} {n + 1}")
        if extra:
            extra(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def info(**kw) -> PdfxInfo:
    base = dict(
        title="Citylight «Весна» 1200×1800 & <co>",
        author="Міська рада",
        subject="Stand 7, panel A",
        creator="standpress 0.1.0",
        created=datetime(2024, 5, 1, 12, 30, 0, tzinfo=timezone.utc),
        output_profile=PROFILE,
        output_condition_identifier="FOGRA39",
        output_condition="Coated FOGRA39 (ISO 12647-2:2004), TAC 300 %",
        keywords="citylight, spring",
    )
    base.update(kw)
    return PdfxInfo(**base)


@pytest.fixture(scope="module")
def source() -> bytes:
    return reportlab_pdf()


@pytest.fixture(scope="module")
def result(source: bytes) -> bytes:
    return make_pdfx4(source, info())


@pytest.fixture()
def pdf(result: bytes):
    with pikepdf.open(io.BytesIO(result)) as doc:
        yield doc


def xmp_root(pdf: pikepdf.Pdf) -> ET.Element:
    meta = pdf.Root.Metadata
    assert meta.Type == Name.Metadata and meta.Subtype == Name.XML
    return ET.fromstring(meta.read_bytes())


def xmp_text(root: ET.Element, path: str) -> str:
    el = root.find(f".//rdf:Description/{path}", NS)
    assert el is not None, f"XMP lacks {path}"
    return el.text or ""


def parse_pdf_date(text: str) -> datetime:
    assert text.startswith("D:")
    body = text[2:16]
    tail = text[16:].replace("'", "")
    when = datetime.strptime(body, "%Y%m%d%H%M%S")
    if tail in ("Z", "+0000", "-0000", ""):
        return when.replace(tzinfo=timezone.utc)
    sign = 1 if tail[0] == "+" else -1
    offset = timedelta(hours=int(tail[1:3]), minutes=int(tail[3:5])) * sign
    return when.replace(tzinfo=timezone(offset))


# ---------------------------------------------------------------- structure


def test_header_version_is_1_6(result: bytes, pdf: pikepdf.Pdf) -> None:
    assert result.startswith(b"%PDF-1.6\n")
    assert pdf.pdf_version == "1.6"
    assert Name.Version not in pdf.Root


def test_output_intent(pdf: pikepdf.Pdf) -> None:
    intents = pdf.Root.OutputIntents
    assert len(intents) == 1
    oi = intents[0]
    assert oi.Type == Name.OutputIntent and oi.S == Name.GTS_PDFX
    assert str(oi.OutputConditionIdentifier) == "FOGRA39"
    assert str(oi.OutputCondition) == "Coated FOGRA39 (ISO 12647-2:2004), TAC 300 %"
    assert str(oi.RegistryName) == "http://www.color.org"
    assert str(oi.Info)
    profile = oi.DestOutputProfile
    assert int(profile.N) == 4
    data = profile.read_bytes()
    assert data == PROFILE.read_bytes()
    assert data[12:20] == b"prtrCMYK"


def test_xmp_has_pdfx_keys(pdf: pikepdf.Pdf) -> None:
    root = xmp_root(pdf)
    assert xmp_text(root, "pdfxid:GTS_PDFXVersion") == "PDF/X-4"
    title = root.find(".//dc:title/rdf:Alt/rdf:li", NS)
    assert title.text == "Citylight «Весна» 1200×1800 & <co>"
    assert title.get("{http://www.w3.org/XML/1998/namespace}lang") == "x-default"
    assert root.find(".//dc:creator/rdf:Seq/rdf:li", NS).text == "Міська рада"
    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        assert datetime.fromisoformat(xmp_text(root, key)) == info().created
    assert xmp_text(root, "xmp:CreatorTool") == "standpress 0.1.0"
    assert xmp_text(root, "xmpMM:VersionID") == "1"
    assert xmp_text(root, "xmpMM:RenditionClass") == "default"
    for key in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
        uuid.UUID(xmp_text(root, key).removeprefix("uuid:"))
    assert xmp_text(root, "pdf:Trapped") == "False"
    assert xmp_text(root, "pdf:Producer").startswith("standpress 0.1.0")
    assert xmp_text(root, "pdf:Keywords") == "citylight, spring"


def test_info_agrees_with_xmp(pdf: pikepdf.Pdf) -> None:
    root = xmp_root(pdf)
    doc = pdf.trailer.Info
    assert str(doc.Title) == root.find(".//dc:title/rdf:Alt/rdf:li", NS).text
    assert str(doc.Author) == root.find(".//dc:creator/rdf:Seq/rdf:li", NS).text
    assert str(doc.Subject) == root.find(".//dc:description/rdf:Alt/rdf:li", NS).text
    assert str(doc.Creator) == xmp_text(root, "xmp:CreatorTool")
    assert str(doc.Producer) == xmp_text(root, "pdf:Producer")
    assert str(doc.Keywords) == xmp_text(root, "pdf:Keywords")
    assert parse_pdf_date(str(doc.CreationDate)) == datetime.fromisoformat(
        xmp_text(root, "xmp:CreateDate"))
    assert parse_pdf_date(str(doc.ModDate)) == datetime.fromisoformat(
        xmp_text(root, "xmp:ModifyDate"))
    assert str(doc.GTS_PDFXVersion) == "PDF/X-4"
    assert doc.Trapped == Name("/False")


def test_trailer_id_matches_document_id(pdf: pikepdf.Pdf) -> None:
    ids = pdf.trailer.ID
    assert len(ids) == 2 and all(len(bytes(i)) == 16 for i in ids)
    doc_id = uuid.UUID(xmp_text(xmp_root(pdf), "xmpMM:DocumentID").removeprefix("uuid:"))
    assert bytes(ids[0]) == doc_id.bytes


def test_pdfx_finishing_keeps_every_page_box(source: bytes, pdf: pikepdf.Pdf) -> None:
    with pikepdf.open(io.BytesIO(source)) as before:
        assert len(before.pages) == len(pdf.pages) == 2
        for old, new in zip(before.pages, pdf.pages, strict=True):
            for key in (Name.TrimBox, Name.BleedBox, Name.MediaBox):
                assert [float(v) for v in new.obj[key]] == [float(v) for v in old.obj[key]]
    assert [float(v) for v in pdf.pages[0].obj.TrimBox] == pytest.approx(TRIM)


def test_no_unembedded_fonts(pdf: pikepdf.Pdf) -> None:
    seen = 0
    for page in pdf.pages:
        for name, font in page.obj.Resources.get(Name.Font, {}).items():
            seen += 1
            if font.Subtype == Name.Type0:
                font = font.DescendantFonts[0]
            descriptor = font.get(Name.FontDescriptor)
            assert descriptor is not None, name
            assert Name.FontFile2 in descriptor or Name.FontFile3 in descriptor, name
    assert seen >= 1


def test_readable_by_pdfium(result: bytes) -> None:
    doc = pdfium.PdfDocument(result)
    try:
        assert len(doc) == 2
        textpage = doc[0].get_textpage()
        assert TEXT in textpage.get_text_range()
        meta = doc.get_metadata_dict()
        assert meta["Title"] == info().title
        assert doc.get_version() == 16
    finally:
        doc.close()


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check_clean(result: bytes, tmp_path: Path) -> None:
    out = tmp_path / "x4.pdf"
    out.write_bytes(result)
    run = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_poppler_sees_pdfx4(result: bytes, tmp_path: Path) -> None:
    out = tmp_path / "x4.pdf"
    out.write_bytes(result)
    run = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "PDF subtype:    PDF/X-4" in run.stdout


# ---------------------------------------------------------------- determinism


def test_deterministic(source: bytes, result: bytes) -> None:
    again = make_pdfx4(reportlab_pdf(), info())
    assert reportlab_pdf() == source  # invariant=1 holds
    assert again == result


def test_id_changes_with_title(source: bytes, result: bytes) -> None:
    other = make_pdfx4(source, info(title="Другий"))
    with pikepdf.open(io.BytesIO(other)) as a, pikepdf.open(io.BytesIO(result)) as b:
        assert bytes(a.trailer.ID[0]) != bytes(b.trailer.ID[0])


# ---------------------------------------------------------------- fonts ReportLab leaves


def test_unused_helvetica_is_removed() -> None:
    src = reportlab_pdf(initial_font=False, pages=1)
    with pikepdf.open(io.BytesIO(src)) as before:
        names = [str(f.get(Name.BaseFont)) for f in before.pages[0].Resources.Font.values()]
        assert "/Helvetica" in names  # ReportLab's preamble font, never shown
    out = make_pdfx4(src, info())
    with pikepdf.open(io.BytesIO(out)) as after:
        names = [str(f.get(Name.BaseFont)) for f in after.pages[0].Resources.Font.values()]
        assert "/Helvetica" not in names and names


def test_used_helvetica_is_a_bug() -> None:
    def default_font_text(c: Canvas) -> None:
        c.setFont("Helvetica", 10)
        c.drawString(20 * MM, 50 * MM, "oops")

    with pytest.raises(RenderError, match="not embedded") as err:
        make_pdfx4(reportlab_pdf(extra=default_font_text), info())
    assert "Helvetica" in str(err.value)


def test_helvetica_inherited_across_pages_is_detected() -> None:
    """Page 2 shows text without setFont: ReportLab's preamble font (Helvetica)."""
    font = register_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(100, 100), invariant=1)
    for text in ("a", "b"):
        c.setTrimBox((5, 5, 95, 95))
        if text == "a":
            c.setFont(font, 10)
        c.drawString(10, 10, text)
        c.showPage()
    c.save()
    with pytest.raises(RenderError, match="not embedded"):
        make_pdfx4(buf.getvalue(), info())


def test_helvetica_inside_form_xobject_is_detected() -> None:
    def form(c: Canvas) -> None:
        c.beginForm("label")
        c.setFont("Helvetica", 8)
        c.drawString(0, 0, "in a form")
        c.endForm()
        c.doForm("label")

    with pytest.raises(RenderError, match="not embedded"):
        make_pdfx4(reportlab_pdf(extra=form, pages=1), info())


# ---------------------------------------------------------------- refusals


def test_missing_trimbox_refused() -> None:
    with pytest.raises(RenderError, match="page boxes") as err:
        make_pdfx4(reportlab_pdf(boxes=False, pages=1), info())
    assert "no TrimBox" in str(err.value)


def test_actions_refused() -> None:
    def link(c: Canvas) -> None:
        c.linkURL("https://example.org", (20 * MM, 20 * MM, 60 * MM, 30 * MM))

    with pytest.raises(RenderError, match="actions"):
        make_pdfx4(reportlab_pdf(extra=link, pages=1), info())


def test_rgb_profile_refused(source: bytes) -> None:
    srgb = Path("/usr/share/color/icc/sRGB.icc")
    if not srgb.exists():
        pytest.skip("sRGB.icc not installed")
    with pytest.raises(InputError, match="not a CMYK output profile"):
        make_pdfx4(source, info(output_profile=srgb))


def test_missing_profile_refused(source: bytes, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        make_pdfx4(source, info(output_profile=tmp_path / "none.icc"))


def test_naive_date_refused(source: bytes) -> None:
    with pytest.raises(ValueError, match="timezone"):
        make_pdfx4(source, info(created=datetime(2024, 5, 1, 12, 0)))
