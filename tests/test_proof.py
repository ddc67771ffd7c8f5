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
    # in _proofs/, where no build removes it (tests/test_package.py rebuilds and finds it)
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
