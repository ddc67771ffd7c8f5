"""The sample campaign built end to end, read back with independent readers.

pikepdf reads the structure, pypdfium2 renders and extracts text, zxing-cpp decodes
the QR codes from the renders; poppler-utils and qpdf are used when installed.
"""

from __future__ import annotations

import io
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
def test_pdffonts_sees_every_font_embedded_as_a_subset_with_a_unicode_map(sample_build):
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
    # a line may end at a compound's own hyphen («підприємців-⏎переселенців»), which flat()
    # reads as a hyphenation: compare with hyphens set aside on both sides
    texts = {sid: text.replace("-", "") for sid, text in texts.items()}
    for case in cases:
        title = flat(case.title).replace("-", "")
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


# ---------------------------------------------------------------- marks and bleed, read back

PT_PER_MM = 72 / 25.4
MARK_CLEARANCE_MM = 2.0  # crop marks keep at least this clear of the bleed (never touch it)
MARK_MIN_MM = 5.0  # a crop mark is at least this long
DARK = 128  # a mark's pixel, grey level (registration colour renders black)
SAME = 24  # grey levels: two renders of one background agree within this


def _box(obj, name):
    return tuple(float(v) for v in obj.get(name, obj.MediaBox))


def small_photos(pdf: pikepdf.Pdf) -> bytes:
    """The file with its JPEG photos decoded at 1/8 scale (libjpeg's DCT scaling, through
    Pillow) and stored raw: they cover the same areas, and pdfium renders the page in a
    fraction of the time it takes to decode 150-ppi photos. Marks, codes and text are
    vector art, drawn as they are."""
    from PIL import Image as PILImage

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != "/Image":
            continue
        filters = obj.get("/Filter")
        if isinstance(filters, pikepdf.Array) and len(filters) == 1:
            filters = filters[0]
        if filters != "/DCTDecode" or "/SMask" in obj:
            continue
        with PILImage.open(io.BytesIO(obj.read_raw_bytes())) as im:
            im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()  # (CMYK as ink values: Pillow undoes the Adobe inversion, so the
            data, size = im.tobytes(), im.size  # inverting /Decode goes too)
        obj.write(data)
        obj.Width, obj.Height, obj.BitsPerComponent = size[0], size[1], 8
        for key in ("/Decode", "/DecodeParms"):
            if key in obj:
                del obj[key]
    out = io.BytesIO()  # (nothing compressed anew)
    pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def render_page(path: Path, px_per_pt: float):
    """The first page rendered by pdfium (grey, paths without anti-aliasing: a 0.25 pt
    mark is one whole pixel, a fill edge is sharp; the photos at 1/8 scale,
    :func:`small_photos`) and its geometry read by pikepdf: the boxes in points, and the
    bounds of the images, which may bleed as they like."""
    import pypdfium2.raw as pdfium_c

    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        geometry = {"scale": px_per_pt, "view": _box(page, "/CropBox"),
                    "trim": _box(page, "/TrimBox"), "bleed": _box(page, "/BleedBox")}
        light = small_photos(pdf)
    doc = pdfium.PdfDocument(light)
    try:
        image = doc[0].render(scale=px_per_pt, grayscale=True, no_smoothpath=True).to_pil()
        geometry["images"] = [tuple(o.get_bounds()) for o in doc[0].get_objects(
            filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4)]
    finally:
        doc.close()
    return image, geometry


def marks_and_bleed_problems(image, geometry) -> list[str]:
    """What is wrong with a page's marks and bleed, read from its render; empty: nothing.

    - Each corner has a horizontal and a vertical crop mark on the extensions of the trim
      lines (:func:`crop_mark_problems`).
    - Nothing at all is printed in that clearance around the BleedBox.
    - Between the TrimBox and the BleedBox only the artwork continues: each pixel there
      is the colour of the artwork at the trim edge beside it (the corners: at the trim's
      corner), except where an image runs across the trim (a photo may bleed).
    """
    import numpy as np

    px = np.asarray(image.convert("L"))  # uint8; slices are widened where they are compared
    s, (vx0, _, _, vy1) = geometry["scale"], geometry["view"]
    tx0, ty0, tx1, ty1 = geometry["trim"]
    bx0, by0, bx1, by1 = geometry["bleed"]
    H, W = px.shape

    def col(x):  # the pixel column holding x (points)
        return min(W - 1, max(0, int((x - vx0) * s)))

    def row(y):  # the pixel row holding y (points, upwards)
        return min(H - 1, max(0, int((vy1 - y) * s)))

    problems: list[str] = []
    # bleed: pixel ranges strictly inside each band (a boundary pixel is half one, half other)
    c_b0, c_t0, c_t1, c_b1 = col(bx0) + 1, col(tx0), col(tx1), col(bx1) - 1
    r_b1, r_t1, r_t0, r_b0 = row(by1) + 1, row(ty1), row(ty0), row(by0) - 1
    bleeding = [(row(y1), row(y0) + 1, col(x0), col(x1) + 1)  # images across the trim
                for x0, y0, x1, y1 in geometry["images"]
                if x0 < tx0 or y0 < ty0 or x1 > tx1 or y1 > ty1]
    inner_c0, inner_c1, inner_r0, inner_r1 = c_t0 + 2, c_t1 - 2, r_t1 + 2, r_t0 - 2
    rows, cols = slice(r_t1 + 1, r_t0), slice(c_t0 + 1, c_t1)
    above, below = slice(r_b1, r_t1), slice(r_t0 + 1, r_b0 + 1)
    left_of, right_of = slice(c_b0, c_t0), slice(c_t1 + 1, c_b1 + 1)
    bands = {  # name: (band pixels, the artwork's edge beside them, broadcast)
        "left": ((rows, left_of), px[rows, inner_c0:inner_c0 + 1]),
        "right": ((rows, right_of), px[rows, inner_c1:inner_c1 + 1]),
        "top": ((above, cols), px[inner_r0:inner_r0 + 1, cols]),
        "bottom": ((below, cols), px[inner_r1:inner_r1 + 1, cols]),
    }
    for name, rs, cs, corner in (  # the corners: the trim's corner continued
            ("top-left corner", above, left_of, (inner_r0, inner_c0)),
            ("top-right corner", above, right_of, (inner_r0, inner_c1)),
            ("bottom-left corner", below, left_of, (inner_r1, inner_c0)),
            ("bottom-right corner", below, right_of, (inner_r1, inner_c1))):
        bands[name] = ((rs, cs), np.array([[px[corner]]]))
    for name, ((rs, cs), edge) in bands.items():
        odd = np.abs(px[rs, cs].astype(np.int16) - edge) > SAME
        for r0, r1, c0, c1 in bleeding:  # a photo may run on into the bleed
            odd[max(0, r0 - rs.start):max(0, r1 - rs.start),
                max(0, c0 - cs.start):max(0, c1 - cs.start)] = False
        if odd.any():
            r, c = (int(v[0]) for v in np.nonzero(odd))
            x, y = vx0 + (cs.start + c) / s, vy1 - (rs.start + r) / s
            problems.append(
                f"{name} bleed: {int(odd.sum())} px differ from the artwork at the trim edge "
                f"beside them (first at {(x - tx0) / PT_PER_MM:.1f}, {(ty1 - y) / PT_PER_MM:.1f} "
                "mm from the trim's top-left corner): something is printed in the bleed, or "
                "artwork stops at the trim")
    # the clearance around the bleed box: paper white
    gap = MARK_CLEARANCE_MM * PT_PER_MM
    g_c0, g_c1, g_r0, g_r1 = col(bx0 - gap), col(bx1 + gap), row(by1 + gap), row(by0 - gap)
    for side, (rs, cs) in {  # the bleed box's own edge pixels excluded
            "left": (slice(g_r0, g_r1 + 1), slice(g_c0, c_b0 - 1)),
            "right": (slice(g_r0, g_r1 + 1), slice(c_b1 + 2, g_c1 + 1)),
            "top": (slice(g_r0, r_b1 - 1), slice(g_c0, g_c1 + 1)),
            "bottom": (slice(r_b0 + 2, g_r1 + 1), slice(g_c0, g_c1 + 1))}.items():
        inked = px[rs, cs] < 255 - SAME
        if inked.any():
            problems.append(f"{side}: {int(inked.sum())} px printed within "
                            f"{MARK_CLEARANCE_MM:g} mm outside the bleed box")
    return problems + crop_mark_problems(px, geometry)


def crop_mark_problems(px, geometry) -> list[str]:
    """Each corner's two crop marks, read from a grey render (or an ink separation, 0 full
    ink): on the extensions of the trim lines (within one pixel), at least ``MARK_MIN_MM``
    long, beginning ``MARK_CLEARANCE_MM`` or more beyond the BleedBox."""
    s, (vx0, _, _, vy1) = geometry["scale"], geometry["view"]
    tx0, ty0, tx1, ty1 = geometry["trim"]
    bx0, by0, bx1, by1 = geometry["bleed"]
    H, W = px.shape

    def col(x):
        return min(W - 1, max(0, int((x - vx0) * s)))

    def row(y):
        return min(H - 1, max(0, int((vy1 - y) * s)))

    problems: list[str] = []
    gap = MARK_CLEARANCE_MM * PT_PER_MM
    need = MARK_MIN_MM * PT_PER_MM * s
    for corner, (x_edge, y_edge, outward_x, outward_y) in {
            "top-left": (tx0, ty1, -1, 1), "top-right": (tx1, ty1, 1, 1),
            "bottom-left": (tx0, ty0, -1, -1), "bottom-right": (tx1, ty0, 1, -1)}.items():
        r, c = row(y_edge), col(x_edge)
        beyond_x = col(bx0 - gap) if outward_x < 0 else col(bx1 + gap)
        beyond_y = row(by1 + gap) if outward_y > 0 else row(by0 - gap)
        strips = {  # along the horizontal trim line, outwards; along the vertical one
            "horizontal": px[r - 1:r + 2, :beyond_x][:, ::-1] if outward_x < 0
            else px[r - 1:r + 2, beyond_x + 1:],
            "vertical": px[:beyond_y, c - 1:c + 2].T[:, ::-1] if outward_y > 0
            else px[beyond_y + 1:, c - 1:c + 2].T,
        }
        for direction, strip in strips.items():
            dark = (strip < DARK).any(axis=0)  # nearest the bleed first
            run = best = 0
            for d in dark:
                run = run + 1 if d else 0
                best = max(best, run)
            if best < need:
                problems.append(
                    f"{corner}: no {direction} crop mark on the extension of the trim line, "
                    f"{MARK_CLEARANCE_MM:g} mm or more beyond the bleed (longest dark run "
                    f"{best / s / PT_PER_MM:.1f} mm, wanted {MARK_MIN_MM:g} mm)")
    return problems


# ---------------------------------------------------------------- the marks check can fail

BLUE, CARD = (100, 60, 0, 10), (6, 2, 0, 0)


def marked_page(path: Path, root: Path, *extra) -> Path:
    """An A3 page drawn by the PDF backend: a blue header and a pale box bleeding off three
    edges, a card inside, crop marks, registration targets, colour bar and slug."""
    from standpress.layout.frame import Page, Rect
    from standpress.render.pdf import render_pdf

    items = (Rect(-3, -3, 303, 63, fill=BLUE), Rect(-3, 60, 150, 363, fill=CARD),
             Rect(170, 100, 100, 80, fill=(0, 90, 85, 0)), *extra)
    page = Page(width=297, height=420, bleed=3, items=items,
                fonts={"regular": str(root / "fonts" / "NotoSans-Regular.ttf")},
                slug="slug · A3", marks=("crop", "registration", "colour_bar"))
    path.write_bytes(render_pdf([page], lambda image: None))
    return path


def _shifted(lines, by=1.5):
    """Crop marks drawn 1.5 mm beside the trim lines (parallel to them)."""
    def shifted(*args, **kw):
        return [(x0, y0 + by, x1, y1 + by) if y0 == y1 else (x0 + by, y0, x1 + by, y1)
                for x0, y0, x1, y1 in lines(*args, **kw)]
    return shifted


def _line_in_the_bleed(source: Path, target: Path) -> Path:
    """A copy of a real panel with a 20 mm registration-black line drawn in its left bleed."""
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0]
        trim, bleed = page.obj.TrimBox, page.obj.BleedBox
        x = (float(trim[0]) + float(bleed[0])) / 2
        y = (float(trim[1]) + float(trim[3])) / 2
        page.contents_add(pdf.make_stream(
            f"q 1 1 1 1 K 0.5 w {x:.2f} {y:.2f} m {x:.2f} {y + 20 * PT_PER_MM:.2f} l S Q".encode()))
        pdf.save(target)
    return target


DEFECTS = {  # what is wrong → a piece of the problem the check must report
    "none": None,
    "crop marks from the trim, through the bleed": "bleed: ",
    "crop marks 1.5 mm beside the trim lines": "crop mark on the extension of the trim line",
    "a box that stops at the trim instead of bleeding": "bottom bleed: ",
    "a line drawn in the bleed of a copied sample panel": "left bleed: ",
}


@pytest.mark.parametrize("defect, found", DEFECTS.items(), ids=list(DEFECTS))
def test_the_marks_check_finds(defect, found, tmp_path, root, monkeypatch, request):
    """The check above fails on each defect it is there to catch, and passes the page
    without it."""
    from standpress.layout.frame import Rect
    from standpress.layout import marks
    from standpress.render import pdf as pdf_backend

    path = tmp_path / "page.pdf"
    if defect.startswith("crop marks from the trim"):
        monkeypatch.setattr(marks, "MARK_GAP", -3.0)  # start = bleed + gap = 0: at the trim
    elif defect.startswith("crop marks 1.5 mm"):
        monkeypatch.setattr(pdf_backend, "crop_mark_lines", _shifted(marks.crop_mark_lines))
    if defect.startswith("a line drawn"):
        build = request.getfixturevalue("sample_build")
        cover = next(p for _, panel, p in panel_files(build.out) if panel["kind"] == "cover")
        _line_in_the_bleed(cover, path)
    elif defect.startswith("a box"):
        marked_page(path, root, Rect(200, 380, 97, 40, fill=BLUE))  # ends at the trim
    else:
        marked_page(path, root)
    problems = marks_and_bleed_problems(*render_page(path, 2.0))
    if found is None:
        assert problems == []
    else:
        assert any(found in p for p in problems), problems


# ---------------------------------------------------------------- registration colour

INKS = ("Cyan", "Magenta", "Yellow", "Black")


def registration_problems(path: Path, tmp: Path, dpi: int = 40) -> list[str]:
    """The crop marks looked for on each ink's separation, as Ghostscript makes them
    (``tiffsep``: one grey image per ink, 0 full ink): registration colour prints on all
    four plates, so each has every mark."""
    import numpy as np
    from PIL import Image as PILImage

    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        geometry = {"scale": dpi / 72, "view": _box(page, "/MediaBox"),
                    "trim": _box(page, "/TrimBox"), "bleed": _box(page, "/BleedBox")}
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep",
                    f"-r{dpi}", f"-sOutputFile={tmp / 'sep.tif'}", str(path)],
                   check=True, capture_output=True)
    problems = []
    for ink in INKS:
        with PILImage.open(tmp / f"sep({ink}).tif") as plate:
            px = np.asarray(plate.convert("L"))
        problems += [f"{ink} plate: {p}" for p in crop_mark_problems(px, geometry)]
    return problems


@pytest.mark.skipif(shutil.which("gs") is None, reason="ghostscript not installed")
def test_crop_marks_print_on_every_plate(sample_build, tmp_path):
    """The cover of one stand per format, read back by Ghostscript's separations."""
    covers: dict[str, Path] = {}
    for stand, panel, path in panel_files(sample_build.out):
        if panel["kind"] == "cover":
            covers.setdefault(stand["format"], path)
    assert len(covers) >= 2
    for fmt, path in covers.items():
        folder = tmp_path / fmt
        folder.mkdir()
        assert registration_problems(path, folder) == [], path


@pytest.mark.skipif(shutil.which("gs") is None, reason="ghostscript not installed")
@pytest.mark.parametrize("defect", ["none", "crop marks in black only"])
def test_the_plate_check_finds(defect, tmp_path, root, monkeypatch):
    from standpress.render import pdf as pdf_backend

    if defect != "none":
        monkeypatch.setattr(pdf_backend, "REGISTRATION", (0.0, 0.0, 0.0, 1.0))
    problems = registration_problems(marked_page(tmp_path / "page.pdf", root), tmp_path)
    if defect == "none":
        assert problems == []
    else:
        assert {p.split(" ", 1)[0] for p in problems} == {"Cyan", "Magenta", "Yellow"}, problems


# ---------------------------------------------------------------- each panel rendered once

QR = zxingcpp.BarcodeFormat.QRCode  # (the 1D formats only cost time: six times as much)
QR_PX_PER_PT = {"a3": 200 / 72}  # about 4–5 px per module of the smallest code
DEFAULT_PX_PER_PT = 60 / 72


@pytest.fixture(scope="module")
def readings(sample_build):
    """Every panel rendered once and read twice: the QR codes zxing-cpp decodes, and what
    :func:`marks_and_bleed_problems` finds. Only the readings are kept (renders are big)."""
    found = {}
    for stand, panel, path in panel_files(sample_build.out):
        image, geometry = render_page(path, QR_PX_PER_PT.get(stand["format"], DEFAULT_PX_PER_PT))
        codes = ({r.text for r in zxingcpp.read_barcodes(image, formats=QR)}
                 if panel["qr"] else set())
        found[panel["file"]] = (codes, marks_and_bleed_problems(image, geometry))
    return found


def test_every_qr_code_decodes_to_its_url(sample_build, readings):
    checked = 0
    for _, panel, _ in panel_files(sample_build.out):
        found = readings[panel["file"]][0]
        assert set(panel["qr"]) <= found, (panel["file"], set(panel["qr"]) - found)
        checked += len(panel["qr"])
    assert checked >= 100


def test_crop_marks_sit_on_the_trim_lines_outside_the_bleed_which_holds_only_artwork(readings):
    """Every panel of the sample (see :func:`marks_and_bleed_problems`)."""
    assert len(readings) >= 8 * 4
    problems = [f"{name}: {p}" for name, (_, found) in readings.items() for p in found]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf not installed")
def test_qpdf_finds_no_structural_problem(sample_build):
    """One stand file per format: the same code merges them all, and qpdf --check decodes
    every photo (about 4 s a stand)."""
    one_per_format: dict[str, str] = {}
    for stand in json.loads((sample_build.out / "stands.json").read_text("utf-8"))["stands"]:
        one_per_format.setdefault(stand["format"], stand["id"])
    assert len(one_per_format) >= 2
    for sid in one_per_format.values():
        path = sample_build.out / sid / f"{sid}.pdf"
        r = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_the_preview_site_and_previews_are_written(sample_build):
    out = sample_build.out
    assert (out / "index.html").is_file()
    for stand in sample_build.stands:
        page = (out / stand.id / "index.html").read_text("utf-8")
        assert 'lang="uk"' in (out / "index.html").read_text("utf-8")
        previews = sorted((out / stand.id / "preview").glob("*-thumb.jpg"))
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
