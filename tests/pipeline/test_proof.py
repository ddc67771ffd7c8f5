"""Office proofs place the real panels, scaled, one per A3 sheet."""

from __future__ import annotations

import pypdfium2 as pdfium
from click.testing import CliRunner

from standpress.pipeline import BuildOptions, build
from standpress.cli import main


def test_proof_sheets_carry_the_printed_panels(tmp_path, root):
    out = tmp_path / "stands"
    result = build(BuildOptions(cases=root / "tests" / "data" / "small" / "cases.csv",
                                locations=root / "locations.toml", out=out, allow_low_res=True,
                                only=("khreshchatyk",), check=False, site=False, svg=False))
    r = CliRunner().invoke(main, ["proof", "--out", str(out), "--locations",
                                  str(root / "locations.toml")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    # in _proofs/, where no build removes it (tests/pipeline/test_printshop_package.py rebuilds and finds it)
    proof = pdfium.PdfDocument(str(out / "_proofs" / "khreshchatyk-proof-a3.pdf"))
    try:
        assert len(proof) == result.stands[0].panels
        w, h = proof[0].get_size()
        assert (round(w), round(h)) == (1191, 842)  # A3 landscape for a landscape banner
        text = proof[1].get_textpage().get_text_range()
    finally:
        proof.close()
    assert "КОРЕКТУРА" in text and "1:" in text
    assert "ТОП-100" in text  # the panel itself, not a re-layout


def test_proof_of_an_unknown_format_is_a_clear_error(tmp_path, root):
    r = CliRunner().invoke(main, ["proof", "--out", str(tmp_path), "--format", "a9",
                                  "--locations", str(root / "locations.toml")])
    assert r.exit_code == 2 and '"a9" is not a format' in r.output


def test_a_landscape_panel_fills_a_landscape_sheet_with_its_caption_under_it(tmp_path, root):
    """A 3000×1500 mm panel: A3 turned landscape, the panel as wide as the margins allow,
    the caption right under it and the two centred on the sheet (read back from a render)."""
    import numpy as np
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from standpress.load.config import load_project
    from standpress.manifest import PanelEntry, StandEntry
    from standpress.pipeline.proof import MARGIN, proof_pdf

    stand_pdf = tmp_path / "banner.pdf"
    c = Canvas(str(stand_pdf), pagesize=(3000 * mm, 1500 * mm), invariant=1)
    c.setFillColorRGB(0.1, 0.2, 0.5)
    c.rect(0, 0, 3000 * mm, 1500 * mm, stroke=0, fill=1)
    c.showPage()
    c.save()
    project, _ = load_project(root / "locations.toml")
    stand = StandEntry("banner", name="Банер", panels=(PanelEntry("banner/01-cover.pdf",
                                                                  unit=1, side="A"),))
    proof = tmp_path / "proof.pdf"
    proof.write_bytes(proof_pdf(stand_pdf, stand, project.formats["a3"],
                                root / "fonts" / "NotoSans-Regular.ttf"))
    doc = pdfium.PdfDocument(str(proof))
    try:
        page = doc[0]
        w_pt, h_pt = page.get_size()
        assert (round(w_pt), round(h_pt)) == (1191, 842)  # landscape A3
        px = np.asarray(page.render(scale=2).to_pil().convert("RGB")).astype(int)
        text = page.get_textpage()
        caption_top = max(text.get_charbox(i)[3] for i in range(text.count_chars()))
    finally:
        doc.close()
    blue = (px[:, :, 2] > 100) & (px[:, :, 0] < 60)
    rows, cols = np.where(blue)
    to_mm = 25.4 / 144  # rendered at 144 dpi
    left, right = cols.min() * to_mm, (cols.max() + 1) * to_mm
    top, bottom = rows.min() * to_mm, (rows.max() + 1) * to_mm
    assert abs(left - MARGIN) < 1 and abs(right - (420 - MARGIN)) < 1
    assert abs((bottom - top) - (right - left) / 2) < 1  # the panel's own proportions
    caption = 297 - caption_top / 72 * 25.4  # the caption's top, from the sheet's top
    assert 0 < caption - bottom < 8  # right under the panel
    foot = 297 - (caption + 10)  # blank under the caption block (about 10 mm of caption)
    assert abs(top - foot) < 8  # the block is centred, not the panel alone
