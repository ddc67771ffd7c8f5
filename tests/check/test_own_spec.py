"""A file's own spec (its XMP) against the manifests beside it: who wins, what is a finding.

Precedence: the file's own spec is its truth; ``stands.json`` and a print package's
``manifest.json`` may add what it leaves empty, never contradict it (a contradiction is
an error of the ``manifest`` check, and the file is judged by its own spec).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pikepdf
from reportlab.pdfgen.canvas import Canvas

from standpress.check import check_paths, check_pdf
from standpress.check.expect import OWN_SPEC, reconcile
from standpress.manifest import PanelEntry, PrintSpec
from standpress.pdfread import parse_spec
from standpress.render.pdfx import PdfxInfo, make_pdfx4

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "FOGRA39L_300.icc"
MM = 72 / 25.4


def entry(**kw) -> dict:
    base = {"file": "s/01-cover.pdf", "kind": "cover", "unit": 1, "side": "A",
            "trim": [100.0, 50.0], "bleed": 3.0, "safe": 5.0, "ink_limit": 300.0,
            "warn_ppi": 25.0, "min_ppi": 15.0, "qr": [], "texts": [], "outlined_text": False}
    base.update(kw)
    return base


def spec(**kw) -> PrintSpec:
    return PrintSpec("s", "billboard", "Білборд «6×3 м» & co", (PanelEntry.from_json(entry(**kw)),))


def finished(path: Path, own: PrintSpec | None) -> Path:
    """A 100×50 mm panel, PDF/X-4 finished, with ``own`` in its XMP."""
    import io

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(106 * MM, 56 * MM), invariant=1)
    c.setTrimBox((3 * MM, 3 * MM, 103 * MM, 53 * MM))
    c.setBleedBox((0, 0, 106 * MM, 56 * MM))
    c.setFillColorCMYK(0.1, 0, 0.05, 0)
    c.rect(0, 0, 106 * MM, 56 * MM, stroke=0, fill=1)
    c.showPage()
    c.save()
    info = PdfxInfo(title="t", author="a", subject="s", creator="standpress test",
                    created=datetime(2024, 5, 1, tzinfo=timezone.utc), output_profile=PROFILE,
                    output_condition_identifier="FOGRA39", output_condition="FOGRA39",
                    spec=own.to_json() if own is not None else None)
    path.write_bytes(make_pdfx4(buf.getvalue(), info))
    return path


def manifest_errors(report) -> list[str]:
    return [f.detail for f in report.findings if f.check == "manifest" and f.severity == "error"]


def test_spec_survives_xmp_round_trip_with_markup_in_its_text(tmp_path: Path) -> None:
    own = spec(texts=["Справа <перша> & «друга»"], qr=["https://x.example/?a=1&b=2"])
    with pikepdf.open(finished(tmp_path / "p.pdf", own)) as pdf:
        data = parse_spec(pdf.Root.Metadata.read_bytes())
    assert PrintSpec.from_json(data) == own


def test_a_file_without_a_spec_reads_as_none_and_gets_generic_limits(tmp_path: Path) -> None:
    report = check_pdf(finished(tmp_path / "p.pdf", None))
    [said] = [f for f in report.findings if f.check == "manifest"]
    assert said.severity == "ok" and "generic limits" in said.detail


def test_the_files_own_spec_wins_and_a_contradiction_is_an_error(tmp_path: Path) -> None:
    pdf = finished(tmp_path / "p.pdf", spec())
    report = check_pdf(pdf, entry(min_ppi=45.0))
    assert manifest_errors(report) == [
        f"stands.json says min_ppi 45, {OWN_SPEC} says 15: judged by {OWN_SPEC}; the file and "
        "its manifest do not belong together (rebuild, or pack again)"]
    agreeing = check_pdf(pdf, entry())
    assert manifest_errors(agreeing) == [] and agreeing.ok
    assert "stands.json agrees" in agreeing.findings[0].detail


def test_a_manifest_adds_what_the_spec_leaves_empty() -> None:
    merged, findings = reconcile([(OWN_SPEC, entry(ink_limit=None, safe=None)),
                                  ("stands.json", entry(ink_limit=280.0, safe=None))])
    assert merged["ink_limit"] == 280.0 and merged["min_ppi"] == 15.0
    assert [f.severity for f in findings] == ["ok"]


def test_page_counts_that_differ_are_an_error() -> None:
    _, findings = reconcile([(OWN_SPEC, {"pages": [entry(), entry()]}),
                             ("stands.json", {"pages": [entry()]})])
    assert [f.severity for f in findings] == ["ok", "error"]
    assert "stands.json lists 1 page(s)" in findings[1].detail


def test_an_unreadable_stands_json_is_a_finding_and_the_files_keep_their_own_spec(
        tmp_path: Path) -> None:
    finished(tmp_path / "p.pdf", spec())
    (tmp_path / "stands.json").write_text('{"stands": [{"name": "no id"}]}', "utf-8")
    reports = check_paths([tmp_path])
    bad = [r for r in reports if r.path.endswith("stands.json")]
    assert len(bad) == 1 and "cannot read stands.json" in bad[0].findings[0].detail
    [pdf] = [r for r in reports if r.path.endswith("p.pdf")]
    assert pdf.ok and "judged by the file's own spec" in pdf.findings[0].detail


def test_a_package_manifest_is_read_beside_its_files(tmp_path: Path) -> None:
    finished(tmp_path / "01-cover.pdf", spec())
    row = {"file": "01-cover.pdf", "spec": spec(warn_ppi=20.0).to_json()}
    (tmp_path / "manifest.json").write_text(json.dumps({"stand": "s", "files": [row]}), "utf-8")
    [report] = check_paths([tmp_path / "01-cover.pdf"])
    assert manifest_errors(report) == [
        f"manifest.json of the print package says warn_ppi 20, {OWN_SPEC} says 25: judged by "
        f"{OWN_SPEC}; the file and its manifest do not belong together (rebuild, or pack again)"]


def test_a_manifest_json_that_is_not_a_packages_is_ignored(tmp_path: Path) -> None:
    finished(tmp_path / "p.pdf", spec())
    (tmp_path / "manifest.json").write_text('{"name": "a web app", "icons": []}', "utf-8")
    reports = check_paths([tmp_path])
    assert [Path(r.path).name for r in reports] == ["p.pdf"] and reports[0].ok
