"""Sign-off: ``standpress signoff`` from a terminal, ``pack``'s gate and job sheet, the
server's endpoint refusing what it must, and a build keeping ``signoff.json``.

One stand (``opera``, one case, four panels) is built once per module without preflight
or site; each test works on its own copy of the output folder. The record and the zip
are read back as files (``json``, ``zipfile``, ``hashlib``), not through the objects
that wrote them.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from standpress.cli import main

HEADER = "id,title,organization,district,category,summary,partner,url,photo,photo_credit\n"
ROW = ("001,Теплі обіди,ГО «Сусіди»,Шевченківський,Волонтерство,{summary},,"
       "https://example.org/001,,\n")
PANELS = ["opera/01-cover.pdf", "opera/02-cases.pdf", "opera/03-locator.pdf",
          "opera/04-catalogue.pdf"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def opera_only(cases: Path, root: Path, out: Path, cache: Path):
    """The options of every build here: the one stand, PDFs only, one job."""
    from standpress.pipeline import BuildOptions

    return BuildOptions(cases=cases, locations=root / "locations.toml", out=out,
                        only=("opera",), check=False, site=False, svg=False, jobs=1,
                        cache=cache)


def build(cases: Path, root: Path, out: Path, cache: Path) -> None:
    from standpress.pipeline import build as run_build

    run_build(opera_only(cases, root, out, cache))


@pytest.fixture(scope="module")
def built(tmp_path_factory, root) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("signoff")
    cases = base / "cases.csv"
    cases.write_text(HEADER + ROW.format(summary="Щодня 300 обідів для переселенців."), "utf-8")
    out = base / "stands"
    build(cases, root, out, base / "cache")
    return base, cases, out


@pytest.fixture()
def out(built, tmp_path) -> Path:
    copy = tmp_path / "stands"
    shutil.copytree(built[2], copy)
    return copy


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(out: Path) -> dict:
    return json.loads((out / "signoff.json").read_text("utf-8"))


def test_approve_a_whole_stand_then_list_every_panel_approved(out):
    r = run("signoff", "opera", "--approve", "--by", "Олена Коваль", "--out", out)
    assert r.exit_code == 0, r.output
    data = record(out)
    assert data["format"] == "standpress-signoff/1"
    for file in PANELS:  # keyed by the SHA-256 of the file as it is on disk
        entries = data["decisions"][sha(out / file)]
        assert [(e["file"], e["decision"], e["by"]) for e in entries] == [
            (file, "approved", "Олена Коваль")]
    r = run("signoff", "--out", out)
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith("opera/")]
    assert len(lines) == 4 and all(" approved " in ln for ln in lines)
    assert "4 approved (4 panels)" in r.output


def test_return_one_panel_with_a_note_and_the_list_says_so(out):
    assert run("signoff", "opera", "--approve", "--by", "Олена", "--out", out).exit_code == 0
    r = run("signoff", "opera/02", "--return", "--by", "Петро", "--note", "Фото темне",
            "--out", out)
    assert r.exit_code == 0, r.output
    entries = record(out)["decisions"][sha(out / "opera/02-cases.pdf")]
    assert [e["decision"] for e in entries] == ["approved", "returned"]
    assert entries[-1]["note"] == "Фото темне" and entries[-1]["by"] == "Петро"
    listing = run("signoff", "opera", "--out", out).output
    line = next(ln for ln in listing.splitlines() if ln.startswith("opera/02-cases"))
    assert " returned " in line and "Петро" in line and "Фото темне" in line
    assert "3 approved, 1 returned" in listing


def test_signoff_refuses_what_it_cannot_record_and_leaves_the_file_alone(out):
    assert run("signoff", "opera/01", "--approve", "--by", "Олена", "--out", out).exit_code == 0
    before = (out / "signoff.json").read_bytes()
    for args, says in [
        (["opera/02", "--return", "--by", "Петро"], "needs a note"),
        (["opera/02", "--approve", "--by", "  "], "name of who decides is missing"),
        (["opera/09", "--approve", "--by", "Петро"], "has no panel «09»"),
        (["nowhere", "--approve", "--by", "Петро"], "«nowhere» is not a stand"),
    ]:
        r = run("signoff", *args, "--out", out)
        assert r.exit_code == 2 and says in r.output, (args, r.output)
        assert "Traceback" not in r.output
    assert (out / "signoff.json").read_bytes() == before


def test_pack_refuses_an_unapproved_stand_naming_the_panels(out):
    r = run("pack", "--out", out, "opera")
    assert r.exit_code == 2
    assert all(f in r.output for f in PANELS) and "not reviewed" in r.output
    assert "--force" in r.output
    assert not (out / "_packages" / "opera-print.zip").exists()
    # one panel approved: the other three are still named, the approved one is not
    assert run("signoff", "opera/1", "--approve", "--by", "Олена", "--out", out).exit_code == 0
    r = run("pack", "--out", out, "opera")
    assert r.exit_code == 2 and "opera/01-cover.pdf" not in r.output
    assert "opera/02-cases.pdf" in r.output


def test_pack_passes_with_force_and_the_job_sheet_says_not_approved(out):
    r = run("pack", "--out", out, "--force", "opera")
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out / "_packages" / "opera-print.zip") as z:
        sheet = z.read("opera/job-sheet.txt").decode("utf-8")
    assert sheet.count("НЕ ПЕРЕГЛЯНУТО / NOT REVIEWED") == 4


def test_pack_after_approval_lists_who_when_and_the_hash_of_each_panel(out):
    assert run("signoff", "opera", "--approve", "--by", "Олена Коваль", "--out",
               out).exit_code == 0
    r = run("pack", "--out", out, "opera")
    assert r.exit_code == 0, r.output
    at = {e["file"]: e["at"] for v in record(out)["decisions"].values() for e in v}
    with zipfile.ZipFile(out / "_packages" / "opera-print.zip") as z:
        sheet = z.read("opera/job-sheet.txt").decode("utf-8")
        for file in PANELS:  # the hash in the sheet is the hash of the PDF in the zip
            assert f"sha256 {hashlib.sha256(z.read(file)).hexdigest()}" in sheet
    for file in PANELS:
        line = next(ln for ln in sheet.splitlines() if Path(file).name in ln
                    and "APPROVED" in ln)
        assert "Олена Коваль" in line and at[file] in line


def approved_copy(built_out: Path, tmp_path: Path) -> tuple[Path, bytes]:
    """A copy of the built output with the whole stand approved, and its signoff.json."""
    out = tmp_path / "stands"
    shutil.copytree(built_out, out)
    assert run("signoff", "opera", "--approve", "--by", "Олена", "--out", out).exit_code == 0
    return out, (out / "signoff.json").read_bytes()


def test_a_build_keeps_signoff_json_and_an_edit_makes_the_approval_stale(built, root, tmp_path):
    base, cases, _ = built
    out, kept = approved_copy(built[2], tmp_path)
    old = sha(out / "opera/02-cases.pdf")
    edited = tmp_path / "cases.csv"
    edited.write_text(HEADER + ROW.format(summary="Щодня 400 обідів для переселенців."), "utf-8")
    build(edited, root, out, base / "cache")
    assert (out / "signoff.json").read_bytes() == kept  # byte for byte, not rewritten
    assert sha(out / "opera/02-cases.pdf") != old
    listing = run("signoff", "opera", "--out", out).output
    stale = [ln for ln in listing.splitlines() if " stale " in ln and ln.startswith("opera/")]
    assert len(stale) == 1 and stale[0].startswith("opera/02-cases") and old[:12] in stale[0]
    assert "3 approved, 1 stale" in listing
    assert run("pack", "--out", out, "opera").exit_code == 2
    # clean removes what the build wrote, never the record
    assert run("clean", "--out", out).exit_code == 0
    assert (out / "signoff.json").read_bytes() == kept


# ---------------------------------------------------------------- the server's endpoint

@pytest.fixture()
def server(out):
    from standpress.serve import start_server

    srv, thread = start_server(out, port=0)
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def post(port: int, body: bytes, headers: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/__standpress/signoff", body=body, headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read().decode("utf-8"))
    conn.close()
    return resp.status, data


GOOD = {"Content-Type": "application/json", "X-Standpress": "signoff"}


def request(out: Path, **changes) -> bytes:
    data = {"file": "opera/02-cases.pdf", "sha256": sha(out / "opera/02-cases.pdf"),
            "decision": "approved", "by": "Олена", "note": ""}
    data.update(changes)
    return json.dumps(data).encode("utf-8")


def test_the_server_refuses_malformed_requests_and_leaves_the_record_byte_identical(out, server):
    assert run("signoff", "opera/01", "--approve", "--by", "Олена", "--out", out).exit_code == 0
    before = (out / "signoff.json").read_bytes()
    cases = [
        ("bad JSON", b"{not json", GOOD, 400, "JSON"),
        ("a list", b"[]", GOOD, 400, "JSON"),
        ("unknown panel", request(out, file="opera/09-nothing.pdf"), GOOD, 400, "немає"),
        ("a path outside", request(out, file="../../etc/passwd"), GOOD, 400, "немає"),
        ("wrong hash", request(out, sha256="0" * 64), GOOD, 400, "змінилася"),
        ("no name", request(out, by="   "), GOOD, 400, "ім’я"),
        ("returned, no note", request(out, decision="returned"), GOOD, 400, "коментарі"),
        ("unknown decision", request(out, decision="maybe"), GOOD, 400, "рішення"),
        ("oversized", request(out, note="x" * 20000), GOOD, 400, "завеликий"),
        ("form post", request(out), {"Content-Type": "application/x-www-form-urlencoded",
                                     "X-Standpress": "signoff"}, 400, "Content-Type"),
        ("no custom header", request(out), {"Content-Type": "application/json"}, 403,
         "X-Standpress"),
        ("another origin", request(out), {**GOOD, "Origin": "http://evil.example"}, 403,
         "evil.example"),
        ("a rebound host name", request(out), {**GOOD, "Host": "evil.example:80",
                                              "Origin": "http://evil.example:80"}, 403,
         "evil.example"),
    ]
    for what, body, headers, status, says in cases:
        code, answer = post(server, body, headers)
        assert code == status, (what, code, answer)
        assert answer["ok"] is False and says in answer["error"], (what, answer)
        assert (out / "signoff.json").read_bytes() == before, what
    assert not list(out.glob(".signoff-*.tmp"))  # no temporary file left behind


def test_the_server_records_a_good_request_atomically(out, server):
    code, answer = post(server, request(out, note="Гарно"), GOOD)
    assert code == 200 and answer["ok"], answer
    entry = record(out)["decisions"][sha(out / "opera/02-cases.pdf")][0]
    assert (entry["file"], entry["decision"], entry["by"], entry["note"]) == (
        "opera/02-cases.pdf", "approved", "Олена", "Гарно")
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    conn.request("GET", "/__standpress/signoff")
    states = {p["file"]: p["state"] for p in json.loads(conn.getresponse().read())["panels"]}
    assert states == {"opera/01-cover.pdf": "none", "opera/02-cases.pdf": "approved",
                      "opera/03-locator.pdf": "none", "opera/04-catalogue.pdf": "none"}


def test_the_server_listens_on_the_loopback_address_by_default(out):
    from standpress.serve import make_server

    srv = make_server(out, port=0)
    try:
        assert srv.server_address[0] == "127.0.0.1"
    finally:
        srv.server_close()


def test_concurrent_requests_each_land_in_the_record(out, server):
    """Eight decisions posted at once (two per panel): none lost, the file stays JSON."""
    from concurrent.futures import ThreadPoolExecutor

    bodies = [request(out, file=f, sha256=sha(out / f), by=f"Особа {i}")
              for i in range(2) for f in PANELS]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda b: post(server, b, GOOD), bodies))
    assert all(code == 200 for code, _ in results), results
    entries = [e for v in record(out)["decisions"].values() for e in v]
    assert sorted((e["file"], e["by"]) for e in entries) == sorted(
        (f, f"Особа {i}") for i in range(2) for f in PANELS)


def test_watch_keeps_the_record(built, root, tmp_path):
    from standpress.serve import Watcher

    base, cases, _ = built
    out, kept = approved_copy(built[2], tmp_path)
    w = Watcher(opera_only(cases, root, out, base / "cache"), echo=lambda s: None)
    assert w.run_once() is not None
    assert (out / "signoff.json").read_bytes() == kept
    assert "4 approved" in run("signoff", "--out", out).output
