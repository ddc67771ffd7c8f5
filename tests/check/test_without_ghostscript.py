"""Without Ghostscript the preflight still runs and says the ink was not measured."""

from __future__ import annotations

import shutil

from standpress.check import check_pdf


def test_missing_ghostscript_is_a_named_warning_not_a_failure(tmp_path, root, monkeypatch):
    from standpress.layout.frame import Page, Rect
    from standpress.render.pdf import render_pdf

    fonts = {"regular": str(root / "fonts" / "NotoSans-Regular.ttf")}
    page = Page(width=200, height=300, bleed=3, items=(Rect(0, 0, 50, 50, fill=(0, 0, 0, 100)),),
                fonts=fonts, slug="test")
    path = tmp_path / "p.pdf"
    path.write_bytes(render_pdf([page], lambda im: None))
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "gs" else real_which(name))
    report = check_pdf(path)
    ink = [f for f in report.findings if f.check == "ink"]
    assert ink and ink[0].severity == "warning" and "Ghostscript" in ink[0].detail
