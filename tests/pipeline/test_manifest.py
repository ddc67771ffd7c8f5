"""stands.json and preflight.json through manifest.py: what the build writes reads back
into the same types and writes out to the same bytes; a broken file is a clear error."""

from __future__ import annotations

import json

import pytest

from standpress.errors import InputError
from standpress.manifest import (FileReport, Finding, PanelEntry, PreflightManifest,
                                 RiverMap, StandEntry, StandsManifest)


def _manifest() -> StandsManifest:
    panel = PanelEntry(file="opera/01-cover.pdf", kind="cover", unit=1, side="A",
                       cases=("001",), trim=(1185, 1750.0), bleed=5, safe=25.0, ink_limit=300,
                       warn_ppi=150, min_ppi=72.5, qr=("https://x.org/1",),
                       texts=("Київ «Опера»",), outlined_text=False)
    stand = StandEntry(id="opera", number=1, name="Опера", short_name="Опера",
                       address="вул. Володимирська", lat=50.4, lon=30.5, serves=("Шевченківський",),
                       format="citylight", format_name="Сітілайт", units=2, faces=2,
                       file="opera/opera.pdf", case_titles={"001": "Сквер"},
                       urls={"001": "https://x.org/1"}, panels=(panel,))
    return StandsManifest(campaign="ТОП-100 2022", generator="standpress 0.1.0",
                          date="2022-10-12T00:00:00+00:00", catalogue_url="https://x.org/",
                          map=RiverMap(((50.5, 30.6), (50.4, 30.55)), "Дніпро"),
                          warnings=("a warning",), stands=(stand,))


def test_stands_json_reads_back_to_the_same_bytes(tmp_path):
    path = tmp_path / "stands.json"
    _manifest().write(path)
    text = path.read_text("utf-8")
    assert "«Опера»" in text and text.endswith("}\n")  # UTF-8, not \u escapes
    again = StandsManifest.read(tmp_path)  # a folder names its stands.json
    assert again == _manifest()
    again.write(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()
    assert again.files()["opera/01-cover.pdf"].trim == (1185, 1750.0)  # ints stay ints


def test_a_stand_without_optional_fields_reads_with_defaults():
    m = StandsManifest.from_json({"stands": [{"id": "x", "panels": [{"file": "x/1.pdf"}]}]})
    assert m.stand("x").panels[0] == PanelEntry("x/1.pdf")
    assert m.stand("x").units is None and m.warnings == ()


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"),
    ('{"stands": {}}', 'no "stands" list'),
    ('{"stands": [{"name": "x"}]}', 'a stand entry has no "id"'),
    ('{"stands": [{"id": "x", "panels": [{}]}]}', 'a panel of stand "x" has no "file"'),
])
def test_a_broken_stands_json_is_an_input_error_naming_the_file(tmp_path, content, message):
    (tmp_path / "stands.json").write_text(content, "utf-8")
    with pytest.raises(InputError) as info:
        StandsManifest.read(tmp_path / "stands.json")
    problem, = info.value.problems
    assert problem.file.endswith("stands.json") and message in problem.message


def test_a_missing_manifest_says_to_build_first(tmp_path):
    with pytest.raises(InputError) as info:
        PreflightManifest.read(tmp_path / "preflight.json")
    assert "standpress build" in info.value.problems[0].hint


def test_preflight_json_columns_counts_and_round_trip(tmp_path):
    report = PreflightManifest((
        FileReport("opera/01-cover.pdf", (Finding("qr", "ok", "2 decoded"),
                                          Finding("boxes", "warning", "bleed 3 mm", 1))),
        FileReport("opera/opera.pdf", (Finding("custom", "error", "bad"),)),
    ))
    data = report.to_json()
    assert data["ok"] is False and data["files_with_errors"] == 1
    assert data["files_with_warnings"] == 1
    assert list(data["reports"][0]["checks"]) == ["boxes", "qr"]  # CHECKS order
    assert data["reports"][0]["findings"][1] == {"check": "boxes", "severity": "warning",
                                                 "page": 1, "detail": "bleed 3 mm"}
    report.write(tmp_path / "preflight.json")
    assert PreflightManifest.read(tmp_path) == report
    assert PreflightManifest.from_json(data["reports"]) == report  # a bare list too
    assert report.of_stand("opera").reports == report.reports
    assert report.of_stand("oper").reports == ()


def test_a_finding_with_an_unknown_severity_is_refused():
    with pytest.raises(ValueError):
        Finding("qr", "fatal", "x")


def test_the_build_writes_what_the_manifest_reads(sample_build):
    """The sample build's own files: read, written again, byte for byte."""
    out = sample_build.out
    for cls, name in ((StandsManifest, "stands.json"), (PreflightManifest, "preflight.json")):
        m = cls.read(out / name)
        indent = 1 if cls is StandsManifest else 2
        assert (json.dumps(m.to_json(), ensure_ascii=False, indent=indent) + "\n"
                ).encode() == (out / name).read_bytes()
