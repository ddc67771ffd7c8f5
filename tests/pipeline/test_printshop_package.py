"""The print shop's truth: `check` gives the build's verdict anywhere — on `stands/`, on a
`print/` folder, on one PDF, on an unzipped package on another machine — and `pack`'s
zips and the proofs survive the next build.

The campaign (``tests/campaigns/printshop.py``): a banner stand (floor 45 ppi) and a
6×3 m billboard read from 8 m (floor 15 ppi) whose photos print below the generic floor
of 70 ppi, above their own. Files are read back with pikepdf, qpdf and the zip module.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from standpress.cli import main
from standpress.pipeline import BuildOptions, build

from campaigns import printshop as printshop_campaign

SPEC_NS = "https://standpress.invalid/ns/print-spec/1.0/"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_campaign(src: Path, out: Path, cache: Path):
    return build(BuildOptions(cases=src / "cases.csv", locations=src / "locations.toml",
                              out=out, site=False, svg=False, jobs=1, cache=cache))


@pytest.fixture(scope="module")
def printshop(tmp_path_factory):
    """The campaign built once: (campaign folder, output folder, cache folder)."""
    import os

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1665532800")
    src = printshop_campaign.make(tmp_path_factory.mktemp("printshop"))
    out, cache = src / "stands", src / "cache"
    build_campaign(src, out, cache)
    return src, out, cache


def images_ppi(report: dict) -> list[float]:
    return [float(f["detail"].rsplit("→ ", 1)[1].split()[0]) for f in report["findings"]
            if f["check"] == "images" and "→" in f["detail"]]


def test_campaign_photos_are_below_the_generic_floor(printshop) -> None:
    """Guards the premise: generic limits (70 ppi) would reject both stands' photos."""
    _, out, _ = printshop
    build_report = json.loads((out / "preflight.json").read_text("utf-8"))
    for stand, floor in (("khreshchatyk", 45), ("obolon", 15)):
        ppi = [p for r in build_report["reports"] if r["path"].startswith(stand + "/")
               for p in images_ppi(r)]
        assert ppi and min(ppi) < 70 and min(ppi) >= floor, (stand, ppi)


def test_every_finished_pdf_carries_its_own_spec_and_stays_pdfx(printshop) -> None:
    _, out, _ = printshop
    billboard = out / "obolon" / "01-cover.pdf"
    with pikepdf.open(billboard) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            assert meta.get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion") == "PDF/X-4"
            assert meta.get(f"{{{SPEC_NS}}}Format") == "billboard"
            assert meta.get(f"{{{SPEC_NS}}}Stand") == "obolon"
        xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "<standpress:MinPPI>15</standpress:MinPPI>" in xmp
    assert "<standpress:TrimWidth>6000</standpress:TrimWidth>" in xmp
    for pdf_path in (billboard, out / "obolon" / "obolon.pdf"):
        qpdf = subprocess.run(["qpdf", "--check", str(pdf_path)], capture_output=True, text=True)
        assert qpdf.returncode == 0, qpdf.stdout + qpdf.stderr
    r = run("check", str(billboard), "--json")
    report = json.loads(r.stdout)
    assert report["reports"][0]["checks"]["pdfx"] == "ok"
    # the stand file carries one spec per page, its panels'
    with pikepdf.open(out / "obolon" / "obolon.pdf") as pdf:
        stand_xmp = pdf.Root.Metadata.read_bytes().decode()
    assert stand_xmp.count("<standpress:File>") == 3


def test_check_on_stands_agrees_with_the_build_and_never_writes_its_report(printshop) -> None:
    _, out, _ = printshop
    records = [out / "preflight.json", out / "khreshchatyk" / "print" / "preflight.json"]
    before = [p.read_bytes() for p in records]
    r = run("check", str(out))
    assert r.exit_code == 0, r.output
    assert "with errors" in r.output and ", 0 with errors" in r.output
    assert [p.read_bytes() for p in records] == before
    # a report goes where it is told, and never onto the build's
    r = run("check", str(out / "obolon"), "--report", str(out / "preflight.json"))
    assert r.exit_code == 2 and "the build's record" in r.output
    assert records[0].read_bytes() == before[0]


def test_check_on_a_print_folder_and_on_one_pdf(printshop, tmp_path) -> None:
    _, out, _ = printshop
    r = run("check", str(out / "khreshchatyk" / "print"), "--report", str(tmp_path / "r.json"))
    assert r.exit_code == 0, r.output
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["ok"] and report["files"] == 4
    manifest = [f["detail"] for f in report["reports"][0]["findings"] if f["check"] == "manifest"]
    assert manifest == ["judged by the file's own spec (XMP): format «Банер 3000×1500», "
                        "ink ≤ 300 %, images 60/45 ppi; manifest.json of the print package "
                        "agrees"]
    alone = tmp_path / "alone.pdf"
    shutil.copyfile(out / "obolon" / "print" / "02-cases.pdf", alone)
    r = run("check", str(alone), "--json")
    assert r.exit_code == 0, r.output
    [one] = json.loads(r.stdout)["reports"]
    assert min(images_ppi(one)) < 70 and one["checks"]["images"] in ("ok", "warning")


def test_unzipped_package_elsewhere_passes_with_the_formats_own_floors(printshop, tmp_path):
    _, out, _ = printshop
    for stand in ("khreshchatyk", "obolon"):  # staff approve, then the shop gets the package
        assert run("signoff", stand, "--approve", "--by", "Олена", "--out", str(out)).exit_code == 0
    r = run("pack", "--out", str(out))
    assert r.exit_code == 0, r.output
    for stand in ("khreshchatyk", "obolon"):
        shop = tmp_path / f"shop-{stand}"
        with zipfile.ZipFile(out / "_packages" / f"{stand}-print.zip") as z:
            z.extractall(shop)
        assert not list(shop.rglob("stands.json")) and not list(shop.rglob("locations.toml"))
        package = shop / stand
        records = package / "preflight.json"
        before = records.read_bytes()
        r = run("check", str(package), "--json")
        assert r.exit_code == 0, r.output
        report = json.loads(r.stdout)
        assert report["ok"] and report["files"] >= 3
        assert min(p for rep in report["reports"] for p in images_ppi(rep)) < 70
        assert records.read_bytes() == before


def test_a_manifest_that_contradicts_the_files_own_spec_is_a_finding(printshop, tmp_path):
    """The billboard's PDF says floor 15; a manifest beside it says 45: an error, and the
    file is still judged by its own spec."""
    _, out, _ = printshop
    shop = tmp_path / "tampered"
    shutil.copytree(out / "obolon" / "print", shop)
    data = json.loads((shop / "manifest.json").read_text("utf-8"))
    for row in data["files"]:
        row["spec"]["pages"][0]["min_ppi"] = 45
    (shop / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    r = run("check", str(shop / "01-cover.pdf"), "--json")
    assert r.exit_code == 1
    [report] = json.loads(r.stdout)["reports"]
    errors = [f["detail"] for f in report["findings"]
              if f["check"] == "manifest" and f["severity"] == "error"]
    assert errors == ["manifest.json of the print package says min_ppi 45, the file's own spec "
                      "(XMP) says 15: judged by the file's own spec (XMP); the file and its "
                      "manifest do not belong together (rebuild, or pack again)"]
    assert report["checks"]["images"] != "error"  # judged by 15, not 45


def test_pack_and_proof_survive_a_rebuild(printshop) -> None:
    src, out, cache = printshop
    assert run("signoff", "khreshchatyk", "--approve", "--by", "Олена", "--out", str(out)).exit_code == 0
    assert run("pack", "--out", str(out), "khreshchatyk").exit_code == 0
    zipped = out / "_packages" / "khreshchatyk-print.zip"
    r = run("proof", "--out", str(out), "--locations", str(src / "locations.toml"), "obolon")
    assert r.exit_code == 0, r.output
    proof = out / "_proofs" / "obolon-proof-a3.pdf"
    kept = {p: sha(p) for p in (zipped, proof)}
    # a proof is for the office, not for print: check names it and leaves it out
    r = run("check", str(out))
    assert r.exit_code == 0, r.output
    assert "not checked: 1 office proof (" in r.output and "obolon-proof-a3.pdf" in r.output
    build_campaign(src, out, cache)
    assert {p: sha(p) for p in kept} == kept
    # and packing again gives the same bytes (deterministic)
    assert run("pack", "--out", str(out), "khreshchatyk").exit_code == 0
    assert sha(zipped) == kept[zipped]


def test_job_sheet_counts_in_ukrainian_and_aligns_its_table(printshop) -> None:
    _, out, _ = printshop
    sheet = (out / "khreshchatyk" / "print" / "job-sheet.txt").read_text("utf-8").splitlines()
    assert "Конструкцій / Units:  2 конструкції × 2 боки = 4 поля" in sheet
    billboard = (out / "obolon" / "print" / "job-sheet.txt").read_text("utf-8")
    assert "3 конструкції × 1 бік = 3 поля" in billboard
    start = sheet.index(next(s for s in sheet if s.strip().startswith("Файл / File")))
    table = sheet[start:start + 6]  # header, rule, four panels
    starts = [table[0].index(h) for h in ("Файл", "Конструкція", "Бік", "Вміст")]
    for row in table[1:]:  # every cell starts under its heading (characters, as printed)
        assert all(row[i] != " " and (i == 2 or row[i - 1] == " ") for i in starts), table
    assert table[2].split()[:4] == ["01-cover.pdf", "1", "A", "обкладинка"]
    labelled = [line for line in sheet if re.match(r"^\w[\w ]* / \w+:\s", line)]
    assert len(labelled) >= 14 and all(re.match(r"^.{21} \S", line)
                                       for line in labelled), labelled


@pytest.mark.parametrize("n, word", [(1, "1 поле"), (2, "2 поля"), (4, "4 поля"),
                                     (5, "5 полів"), (11, "11 полів"), (12, "12 полів"),
                                     (21, "21 поле"), (22, "22 поля"), (25, "25 полів")])
def test_ukrainian_plural_forms(n: int, word: str) -> None:
    from standpress.pipeline.package import plural

    assert plural(n, "поле", "поля", "полів") == word


def test_a_print_copy_linked_to_its_panel_is_checked_once_and_judged_by_its_package(
        printshop, tmp_path) -> None:
    _, out, _ = printshop
    r = run("check", str(out / "obolon"), "--json")
    assert r.exit_code == 0, r.output
    reports = {rep["path"]: rep for rep in json.loads(r.stdout)["reports"]}
    copy = reports[str(out / "obolon" / "print" / "01-cover.pdf")]
    assert copy["checks"] == {"twin": "ok", "manifest": "ok"}
    assert copy["findings"][0]["detail"].startswith("the same bytes as ")
    assert "manifest.json of the print package agrees" in copy["findings"][1]["detail"]
    panel = reports[str(out / "obolon" / "01-cover.pdf")]
    assert {"images", "ink", "qr", "text"} <= set(panel["checks"])
