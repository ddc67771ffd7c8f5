"""Property-based tests (hypothesis) of the loaders and the planner (issue 5).

* The case loaders, given any bytes as .csv, .xlsx or .toml, return cases or
  raise :class:`InputError` — never anything else — and every problem they
  report names its file.
* ``load_project``, given any TOML-ish text, does the same.
* The planner puts every case on exactly one stand: the one serving its
  district (or refuses with an InputError when a stand has too few faces).
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import re
import shutil
import tempfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standpress.errors import InputError
from standpress.load.cases import COLUMNS, load_cases
from standpress.load.config import load_project
from standpress.model import Case, Source
from standpress.plan import FixedSizer, plan_stands

ROOT = Path(__file__).resolve().parents[2]
LOCATIONS = (ROOT / "locations.toml").read_text("utf-8")
# the same examples every run (CI stays stable); STANDPRESS_EXPLORE=<factor> explores afresh
EXPLORE = int(os.environ.get("STANDPRESS_EXPLORE", "0") or 0)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=not EXPLORE, database=None)


def examples(n: int) -> int:
    return n * max(1, EXPLORE)


@pytest.fixture(scope="module")
def workdir():
    """A folder with the campaign's templates, fonts and profiles beside the files."""
    d = Path(tempfile.mkdtemp(prefix="standpress-props-"))
    for sub in ("templates", "fonts", "profiles"):
        (d / sub).symlink_to(ROOT / sub, target_is_directory=True)
    (d / "photos").mkdir()
    (d / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _check_loader(path: Path, campaign) -> None:
    try:
        cases, warnings = load_cases(path, campaign)
    except InputError as exc:
        assert exc.problems, "an InputError without problems"
        assert all(p.file for p in exc.problems), [str(p) for p in exc.problems]
        return
    assert cases and len({c.id for c in cases}) == len(cases)
    assert all(c.district in campaign.districts for c in cases)
    assert all(not w.is_error for w in warnings)


# ---------------------------------------------------------------- strategies

CELL_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))
TRICKY = st.sampled_from([",", ";", "\t", '"', "\n", "\r\n", " ", "\ufeff", "\0", "’", "ʼ",
                          "Голосіївський", "Дарницький", "photos/a.jpg", "../x.jpg", "/etc/passwd",
                          "https://example.org/x", "ftp://x", "001", "=1+1", "#DIV/0!"])
CELL = st.one_of(st.text(CELL_CHARS, max_size=12), TRICKY,
                 st.lists(TRICKY, max_size=4).map("".join))


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.one_of(
        st.just(list(COLUMNS)),
        st.lists(st.one_of(st.sampled_from(COLUMNS + ("", " Title ", "website")), CELL),
                 max_size=12)))
    rows = draw(st.lists(st.lists(CELL, max_size=12), max_size=6))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    quote = draw(st.booleans())

    def fmt(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if quote or any(c in v for c in ',;\t"\n') else v

    text = "\n".join(sep.join(fmt(v) for v in r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16", "latin-1"]))
    data = text.encode(encoding, "replace")
    if draw(st.booleans()):  # flip a few bytes
        b = bytearray(data)
        for i in draw(st.lists(st.integers(0, max(0, len(b) - 1)), max_size=3)):
            if b:
                b[i] = draw(st.integers(0, 255))
        data = bytes(b)
    return data


def _toml_string(s: str) -> str:
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_string(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def toml_dumps(data: dict) -> str:
    """A small TOML writer: tables as [headers], lists of tables as [[headers]]."""
    lines: list[str] = []

    def table(prefix: str, t: dict) -> None:
        subs = []
        for k, v in t.items():
            if isinstance(v, dict) and v:
                subs.append((k, v))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                subs.append((k, v))
            else:
                lines.append(f"{_toml_string(k)} = {_toml_value(v)}")
        for k, v in subs:
            name = f"{prefix}.{_toml_string(k)}" if prefix else _toml_string(k)
            if isinstance(v, dict):
                lines.append(f"\n[{name}]")
                table(name, v)
            else:
                for item in v:
                    lines.append(f"\n[[{name}]]")
                    table(name, item)

    table("", data)
    return "\n".join(lines) + "\n"


SCALAR = st.one_of(st.text(CELL_CHARS, max_size=10), TRICKY, st.integers(-10**6, 10**12),
                   st.floats(allow_nan=True, allow_infinity=True), st.booleans())
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "value", "label", "id"]),
                                                 inner, max_size=3)), max_leaves=6)


def _paths(obj, prefix=()):
    """Every (path) to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated(draw, base: dict, extra_keys: list[str]) -> dict:
    """``base`` with a few values replaced, deleted or added."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for k in path[:-1]:
            parent = parent[k]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(VALUE)
        elif action == "delete":
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(extra_keys))] = draw(VALUE)
    return data


# ---------------------------------------------------------------- the case loaders

@settings(max_examples=examples(150), **SETTINGS)
@given(data=st.one_of(st.binary(max_size=600), csv_bytes()))
def test_csv_loader_raises_only_input_errors(data, workdir, project):
    path = workdir / "cases.csv"
    path.write_bytes(data)
    _check_loader(path, project.campaign)


def _xlsx_bytes(rows: list[list], merges: list[str]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        try:
            ws.merge_cells(m)
        except ValueError:
            pass
    buf = io.BytesIO()
    wb.save(buf)
    # the same bytes every time (hypothesis replays examples): no timestamps
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-10-12T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


XLSX_CELL = st.one_of(st.none(), CELL.filter(lambda s: "\0" not in s and all(
    ord(c) >= 0x20 or c in "\t\n\r" for c in s)), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans())


@st.composite
def xlsx_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["sheet", "sheet", "damaged", "zip", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name in draw(st.lists(st.sampled_from(
                    ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                     "_rels/.rels", "x"]), max_size=4, unique=True)):
                z.writestr(name, draw(st.binary(max_size=80)))
        return buf.getvalue()
    header = draw(st.one_of(st.just(list(COLUMNS)), st.lists(XLSX_CELL, max_size=11)))
    rows = draw(st.lists(st.lists(XLSX_CELL, max_size=11), max_size=4))
    merges = draw(st.lists(st.sampled_from(["A2:A3", "B2:C2", "D2:D4", "A1:B1", "J2:K3"]),
                           max_size=2))
    data = _xlsx_bytes([header, *rows], merges)
    if kind == "damaged":
        b = bytearray(data)
        for i in draw(st.lists(st.integers(0, len(b) - 1), min_size=1, max_size=4)):
            b[i] = draw(st.integers(0, 255))
        data = bytes(b)
    return data


@settings(max_examples=examples(50), **SETTINGS)
@given(data=xlsx_bytes())
def test_xlsx_loader_raises_only_input_errors(data, workdir, project):
    path = workdir / "cases.xlsx"
    path.write_bytes(data)
    _check_loader(path, project.campaign)


GOOD_CASE = {"id": "001", "title": "Теплі обіди", "organization": "ГО «Сусіди»",
             "district": "Голосіївський", "category": "Волонтерство", "summary": "Щодня 300 обідів."}


@settings(max_examples=examples(100), **SETTINGS)
@given(data=st.one_of(
    st.binary(max_size=400),
    st.text(st.sampled_from('[]="\n .,=#{}ab1\'case'), max_size=120).map(str.encode),
    mutated({"case": [GOOD_CASE, dict(GOOD_CASE, id="002")]},
            list(COLUMNS) + ["cases", "Title"]).map(lambda d: toml_dumps(d).encode()),
))
def test_toml_cases_loader_raises_only_input_errors(data, workdir, project):
    path = workdir / "cases.toml"
    path.write_bytes(data)
    _check_loader(path, project.campaign)


# ---------------------------------------------------------------- load_project

BASE_PROJECT = tomllib.loads(LOCATIONS)
PROJECT_KEYS = ["campaign", "format", "location", "print", "map", "title", "width", "serves",
                "template", "districts", "figures", "river", "units", "photos", "bogus"]


@st.composite
def locations_text(draw) -> str:
    kind = draw(st.sampled_from(["structure", "structure", "lines", "text"]))
    if kind == "structure":
        return toml_dumps(draw(mutated(BASE_PROJECT, PROJECT_KEYS)))
    if kind == "lines":  # the real file with lines deleted, repeated or cut
        lines = LOCATIONS.splitlines()
        rnd = random.Random(draw(st.integers(0, 10**9)))
        for _ in range(draw(st.integers(1, 6))):
            i = rnd.randrange(len(lines))
            op = rnd.choice(["delete", "repeat", "cut"])
            if op == "delete":
                del lines[i]
            elif op == "repeat":
                lines.insert(i, lines[i])
            else:
                lines[i] = lines[i][: rnd.randrange(len(lines[i]) + 1)]
        return "\n".join(lines)
    return draw(st.text(st.sampled_from('[]="\n .,=#{}ab1\'-'), max_size=150))


@settings(max_examples=examples(80), **SETTINGS)
@given(text=locations_text())
def test_load_project_raises_only_input_errors(text, workdir):
    path = workdir / "locations.toml"
    path.write_text(text, "utf-8")
    try:
        project, warnings = load_project(path)
    except InputError as exc:
        assert exc.problems and all(p.file for p in exc.problems)
        return
    served = [d for loc in project.locations for d in loc.serves]
    assert sorted(served) == sorted(project.campaign.districts)
    assert all(loc.format in project.formats for loc in project.locations)


# ---------------------------------------------------------------- the planner

def _case(i: int, district: str) -> Case:
    return Case(id=f"{i:03d}", title=f"Кейс {i}", organization="ГО", district=district,
                category="Освіта", summary="Текст.", partner="", url=f"https://x.org/{i}",
                photo=None, photo_credit="", source=Source("cases.csv", f"row {i + 2}"))


@settings(max_examples=examples(150), **SETTINGS)
@given(districts=st.lists(st.integers(0, 9), max_size=90), per=st.sampled_from([1, 4, 6]),
       fill=st.booleans())
def test_every_case_lands_on_exactly_one_stand(districts, per, fill, project):
    names = project.campaign.districts
    cases = [_case(i, names[d]) for i, d in enumerate(districts)]
    home = {d: loc for loc in project.locations for d in loc.serves}
    try:
        plans, _ = plan_stands(project, cases, FixedSizer(per, 1), fill_faces=lambda f: fill)
    except InputError as exc:
        # refused only because some stand has more panels than faces
        counts = {loc.id: 0 for loc in project.locations}
        for c in cases:
            counts[home[c.district].id] += 1
        over = [loc.id for loc in project.locations
                if 2 + -(-counts[loc.id] // per) > loc.units * project.formats[loc.format].faces]
        assert over, exc
        assert all(any(o in p.message for p in exc.problems) for o in over)
        return
    placed = [(c.id, plan.location.id) for plan in plans for c in plan.cases]
    assert sorted(cid for cid, _ in placed) == sorted(c.id for c in cases)  # each exactly once
    for c in cases:
        assert dict(placed)[c.id] == home[c.district].id
    for plan in plans:
        faces = plan.location.units * plan.format.faces
        assert len(plan.panels) <= faces
        assert all(len(p.cases) <= per for p in plan.panels)
        counts = [len(p.cases) for p in plan.panels if p.kind == "cases"]
        assert not counts or max(counts) - min(counts) <= 1  # spread evenly
        assert [p.kind for p in plan.panels].count("catalogue") <= 1
        assert [p.kind for p in plan.panels][0] == "cover"
        assert "locator" in [p.kind for p in plan.panels]
    assert {p.location.id for p in plans} == {loc.id for loc in project.locations}
