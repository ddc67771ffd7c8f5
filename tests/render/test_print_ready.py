"""Print-readiness of what build writes: PDF/X keys, passthrough photos, oversize pages."""

from __future__ import annotations

import re
import shutil

import pikepdf
import pytest

from standpress.pipeline import BuildOptions, build

MM = 72 / 25.4


def small_build(tmp_path, root, edit=None, only=("holosiivskyi-park",)):
    for name in ("templates", "fonts", "profiles"):
        shutil.copytree(root / name, tmp_path / name)
    text = (root / "locations.toml").read_text("utf-8")
    if edit:
        text = edit(text)
    (tmp_path / "locations.toml").write_text(text, "utf-8")
    return build(BuildOptions(cases=root / "tests" / "data" / "small" / "cases.csv",
                              locations=tmp_path / "locations.toml", out=tmp_path / "out",
                              allow_low_res=True, only=only, site=False, svg=False))


@pytest.fixture(scope="module")
def plain(tmp_path_factory, root):
    """The small campaign's first stand as the sample's locations.toml has it (built once)."""
    folder = tmp_path_factory.mktemp("print-ready")
    small_build(folder, root)
    return folder / "out" / "holosiivskyi-park"


def test_output_intent_xmp_and_info_agree(plain):
    with pikepdf.open(plain / "01-cover.pdf") as pdf:
        assert pdf.pdf_version == "1.6"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and intent.OutputConditionIdentifier == "FOGRA39"
        assert intent.DestOutputProfile.N == 4
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[12:16] == b"prtr" and profile[16:20] == b"CMYK"
        with pdf.open_metadata() as meta:
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            title = meta["dc:title"]
        assert str(pdf.docinfo["/Title"]) == title
        assert pdf.docinfo["/Trapped"] == "/False"
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        assert len(pdf.trailer.ID) == 2


def test_text_in_black_overprints(plain):
    with pikepdf.open(plain / "02-cases.pdf") as pdf:
        page = pdf.pages[0]
        states = page.Resources.ExtGState
        overprinting = {str(k) for k in states.keys() if states[k].get("/op") is True}
        content = page.obj.Contents.read_bytes().decode("latin-1")
        # every 100 % K text run is drawn under an overprinting graphics state
        runs = re.findall(r"(/\S+) gs[^B]*?0 0 0 1 k[^B]*?BT", content)
        assert overprinting and runs
        assert all(r in overprinting for r in runs)


def test_passthrough_keeps_jpegs_untouched_and_icc_tagged(tmp_path, root):
    small_build(tmp_path, root, lambda t: t.replace('photos = "convert"', 'photos = "passthrough"'))
    originals = {p.read_bytes() for p in (root / "tests" / "data" / "small" / "photos").iterdir()}
    found = 0
    with pikepdf.open(tmp_path / "out" / "holosiivskyi-park" / "02-cases.pdf") as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                assert obj.ColorSpace[0] == "/ICCBased" and obj.ColorSpace[1].N == 3
                assert obj.read_raw_bytes() in originals
                found += 1
    assert found


def test_oversize_formats_use_userunit_and_say_so(tmp_path, root):
    def bigger(text):
        return text.replace("width = 3000\nheight = 1500", "width = 6000\nheight = 3000")

    small_build(tmp_path, root, bigger, only=("khreshchatyk",))
    with pikepdf.open(tmp_path / "out" / "khreshchatyk" / "01-cover.pdf") as pdf:
        page = pdf.pages[0].obj
        assert page.UserUnit == 10
        trim = [float(v) for v in page.TrimBox]
        assert (trim[2] - trim[0]) * 10 / MM == pytest.approx(6000, abs=1)
        assert max(float(v) for v in page.MediaBox) < 14400
    manifest = (tmp_path / "out" / "khreshchatyk" / "print" / "manifest.csv").read_text("utf-8")
    assert "UserUnit 10" in manifest


def test_marks_targets_and_colour_bar_never_enter_the_bleed_box(root):
    import pypdfium2 as pdfium

    from standpress.layout.frame import Page
    from standpress.render.pdf import render_pdf

    fonts = {"regular": str(root / "fonts" / "NotoSans-Regular.ttf")}
    page = Page(width=297, height=420, bleed=3, items=(), fonts=fonts, slug="slug · A3",
                marks=("crop", "registration", "colour_bar"))
    data = render_pdf([page], lambda im: None)
    with pikepdf.open(__import__("io").BytesIO(data)) as pdf:
        bleed = [float(v) for v in pdf.pages[0].obj.BleedBox]
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
    doc = pdfium.PdfDocument(data)
    scale = 4
    img = doc[0].render(scale=scale, grayscale=True).to_pil()
    doc.close()
    H = media[3] * scale
    box = (int(bleed[0] * scale) + 1, int(H - bleed[3] * scale) + 1,
           int(bleed[2] * scale) - 1, int(H - bleed[1] * scale) - 1)
    assert img.crop(box).getextrema() == (255, 255), "something is drawn inside the bleed box"
    assert img.getextrema()[0] < 100, "the marks are drawn outside it"


def test_the_print_manifest_digests_are_those_of_the_files_handed_over(plain):
    """``print/manifest.csv`` takes each PDF's SHA-256 from the build cache (the digest of
    the bytes the worker wrote) instead of reading the file again: checked here against the
    files themselves, hashed by this test."""
    import csv
    import hashlib

    folder = plain / "print"
    rows = list(csv.DictReader((folder / "manifest.csv").open(encoding="utf-8")))
    assert rows and all(
        r["sha256"] == hashlib.sha256((folder / r["file"]).read_bytes()).hexdigest() for r in rows)
