"""``standpress watch`` and ``serve``: what the watcher sees, when it builds, what the server says."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from standpress.pipeline import BuildOptions
from standpress.cli import main
from standpress.errors import InputError, Problem
from standpress.serve import LIVE_RELOAD, VERSION_PATH, Watcher, start_server, version_token

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small"
STAND = "holosiivskyi-park"


@pytest.fixture()
def tree(campaign_copy: Path) -> Path:
    """locations.toml, templates/, fonts/, profiles/ and the small cases with their photos."""
    shutil.copytree(SMALL, campaign_copy / "data")
    return campaign_copy


def opts_for(tree: Path, **kw) -> BuildOptions:
    base = dict(cases=tree / "data" / "cases.csv", locations=tree / "locations.toml",
                out=tree / "stands", only=(STAND,), allow_low_res=True, svg=False, check=False,
                site=True, jobs=1)
    base.update(kw)
    return BuildOptions(**base)


def touch(path: Path, text: str | None = None) -> None:
    """Change a file so that its size or mtime surely differs."""
    st = path.stat()
    if text is not None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


class FakeBuild:
    def __init__(self, fail: bool = False, during=None):
        self.calls: list[BuildOptions] = []
        self.fail = fail
        self.during = during

    def __call__(self, opts, progress=lambda s: None):
        self.calls.append(opts)
        if self.during:
            self.during()
        if self.fail:
            raise InputError("the case data is not valid", [Problem(
                "required, but empty", "data/cases.csv", "row 3", "title", "give every case a title")])
        return type("R", (), {"stands": [type("S", (), {"panels": 6})()], "warnings": []})()


def watcher(tree: Path, build="fake", **kw) -> tuple[Watcher, list[str]]:
    """A watcher with a fake build, or the real one with ``build=None``."""
    lines: list[str] = []
    w = Watcher(opts_for(tree, **kw), interval=0.01, debounce=0.01,
                build=FakeBuild() if build == "fake" else build, echo=lines.append)
    return w, lines


# ---------------------------------------------------------------- what it watches

def test_snapshot_covers_every_input_and_nothing_else(tree):
    (tree / "data" / ".cases.csv.swp").write_text("x")
    (tree / "data" / "cases.csv~").write_text("x")
    (tree / "templates" / "__pycache__").mkdir()
    (tree / "templates" / "__pycache__" / "x.pyc").write_text("x")
    w, _ = watcher(tree)
    snap = w.snapshot()
    names = {p.relative_to(tree.resolve()).as_posix() for p in snap}
    assert "data/cases.csv" in names and "locations.toml" in names
    assert "templates/portrait.toml" in names and "templates/style.toml" in names
    assert any(n.startswith("fonts/") for n in names)
    assert any(n.startswith("profiles/") and n.endswith(".icc") for n in names)
    assert {f"data/photos/{p.name}" for p in (SMALL / "photos").iterdir()} <= names
    assert not any("swp" in n or n.endswith("~") or "__pycache__" in n for n in names)
    assert all(isinstance(v, tuple) and len(v) == 2 for v in snap.values())


def test_changed_finds_edits_additions_and_removals_only(tree):
    w, _ = watcher(tree)
    a = w.snapshot()
    assert w.changed(a, w.snapshot()) == []
    cases, tpl = tree / "data" / "cases.csv", tree / "templates" / "portrait.toml"
    photo = next((tree / "data" / "photos").glob("*.jpg"))
    touch(cases, "\n")
    assert w.changed(a, w.snapshot()) == [cases.resolve()]
    touch(tpl)  # same size, later mtime
    touch(photo)
    b = w.snapshot()
    assert w.changed(a, b) == sorted([cases.resolve(), tpl.resolve(), photo.resolve()])
    new = tree / "data" / "photos" / "new.jpg"
    shutil.copyfile(photo, new)
    photo.unlink()
    assert w.changed(b, w.snapshot()) == sorted([photo.resolve(), new.resolve()])


def test_the_output_folder_is_never_watched(tree):
    """Even when it lies inside a watched folder, or the build would trigger itself."""
    w, _ = watcher(tree, out=tree / "templates" / "stands")
    (tree / "templates" / "stands").mkdir()
    a = w.snapshot()
    (tree / "templates" / "stands" / "index.html").write_text("<p>built</p>")
    assert w.changed(a, w.snapshot()) == []


def test_photo_folders_named_by_the_cases_are_watched(tree):
    """Photos outside data/photos/: their folder joins the watch after a build reads the cases."""
    data = tree / "data"
    (data / "photos").rename(data / "img")
    csv = data / "cases.csv"
    csv.write_text(csv.read_text("utf-8").replace("photos/", "img/"), "utf-8")
    w, _ = watcher(tree)
    assert not any("img" in p.parts for p in w.snapshot())
    w.run_once()
    assert any(p.parent == (data / "img").resolve() for p in w.snapshot())
    photo = next((data / "img").glob("*.jpg"))
    touch(photo)
    assert w.poll() == [photo.resolve()]
    assert w.builds == 2


# ---------------------------------------------------------------- when it builds

def test_run_once_builds_exactly_once_and_poll_only_on_change(tree):
    fake = FakeBuild()
    w, lines = watcher(tree, build=fake)
    assert w.run_once() is not None
    assert len(fake.calls) == 1 and w.builds == 1
    assert fake.calls[0].site is True and fake.calls[0].check is False
    assert any("✓ built 1 stand, 6 panels" in line for line in lines)
    assert w.poll() == [] and w.poll() == []
    assert len(fake.calls) == 1
    cases = tree / "data" / "cases.csv"
    touch(cases, "\n")
    touch(tree / "templates" / "style.toml")
    assert w.poll() == sorted([cases.resolve(), (tree / "templates" / "style.toml").resolve()])
    assert len(fake.calls) == 2  # two files, one build
    assert w.poll() == [] and len(fake.calls) == 2


def test_edits_saved_during_a_build_trigger_the_next_one(tree):
    cases = tree / "data" / "cases.csv"
    fake = FakeBuild(during=lambda: touch(cases, "\n") if len(fake.calls) == 1 else None)
    w, _ = watcher(tree, build=fake)
    w.run_once()
    assert w.poll() == [cases.resolve()]
    assert len(fake.calls) == 2
    assert w.poll() == []


def test_a_failed_build_is_reported_and_the_watch_goes_on(tree):
    fake = FakeBuild(fail=True)
    w, lines = watcher(tree, build=fake)
    assert w.run_once() is None
    assert w.failures == 1
    text = "\n".join(lines)
    assert "✗ build failed" in text and "the case data is not valid" in text
    assert "  error: data/cases.csv:row 3: title: required, but empty — give every case a title" in text
    fake.fail = False
    touch(tree / "data" / "cases.csv", "\n")
    assert w.poll()
    assert w.last_result is not None and w.last_error is None
    assert "✓ built" in lines[-1] and "changed: " in lines[-1]


def _photo_warning(row: int, case: str) -> Problem:
    return Problem(f"case {case}: photo photos/{case}.jpg prints at 80 ppi on «citylight»",
                   "data/cases.csv", f"row {row}", "photo", severity="warning", case=case,
                   kind="photo-low-res",
                   facts=(("photo", f"photos/{case}.jpg"), ("ppi", 80), ("target_ppi", 150.0),
                          ("warn_ppi", 100.0), ("format", "citylight")))


def test_watch_prints_only_the_warnings_that_changed_since_the_last_build(tree):
    """The first build: one line per kind; then only new warnings and gone ones, never the
    same ones again (a failed build in between changes nothing)."""
    placeholder = Problem("the catalogue address is a placeholder", "locations.toml", "33:1",
                          severity="warning", kind="placeholder")
    results = iter([
        [_photo_warning(r, f"{r - 1:03d}") for r in (66, 5, 55)] + [placeholder],
        [_photo_warning(r, f"{r - 1:03d}") for r in (66, 5, 55)] + [placeholder],
        None,
        [_photo_warning(r, f"{r - 1:03d}") for r in (66, 55, 70)] + [placeholder],
    ])

    def build(opts, progress):
        warnings = next(results)
        if warnings is None:
            raise InputError("the case data is not valid", [Problem("bad", "data/cases.csv")])
        return type("R", (), {"stands": [], "warnings": warnings})()

    w, lines = watcher(tree, build=build)
    w.run_once()
    said = lines[1:]
    assert said == ["  warning: 3 photos below 100 ppi on «citylight» (aim: 150 ppi) "
                    "— see --verbose", f"  warning: {placeholder}"]
    del lines[:]
    w.run_once()
    assert len(lines) == 1 and "✓ built" in lines[0] and "4 warnings" in lines[0]
    w.run_once()  # fails
    del lines[:]
    w.run_once()
    assert lines[1:] == [f"  new warning: {_photo_warning(70, '069')}",
                         f"  gone: {_photo_warning(5, '004')}"]


def test_watch_verbose_prints_every_new_warning(tree):
    w, lines = watcher(tree, build=lambda opts, progress: type("R", (), {
        "stands": [], "warnings": [_photo_warning(r, f"{r - 1:03d}") for r in (9, 3)]})())
    w.verbose = True
    w.run_once()
    assert lines[1] == "  warning: 2 photos below 100 ppi on «citylight» (aim: 150 ppi):"
    assert "case 002" in lines[2] and "row 3" in lines[2] and "photos/002.jpg" in lines[2]
    assert "case 008" in lines[3] and "80 ppi" in lines[3]


def test_a_bug_in_the_build_does_not_end_the_watch(tree):
    def broken(opts, progress):
        raise ZeroDivisionError("oops")

    w, lines = watcher(tree, build=broken)
    assert w.run_once() is None
    assert "internal error" in lines[-1] and "ZeroDivisionError" in lines[-1]


class FakeClock:
    """Stands in for the ``time`` module in ``standpress.serve``: a sleep moves the clock on
    at once, and ``during(n)`` runs inside the n-th sleep (an editor saving meanwhile)."""

    def __init__(self, during=lambda n: None):
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.during = during

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.during(len(self.sleeps))


def test_debounce_waits_for_the_files_to_settle(tree, monkeypatch):
    """An editor writing twice in a row: the second write, made while the watcher waits
    for quiet, joins the same build, which starts once a wait passes with no change."""
    from standpress import serve

    fake = FakeBuild()
    w, _ = watcher(tree, build=fake)
    w.debounce = 0.5
    w.run_once()
    template = tree / "templates" / "portrait.toml"
    clock = FakeClock(during=lambda n: touch(template) if n == 1 else None)
    monkeypatch.setattr(serve, "time", clock)
    cases = tree / "data" / "cases.csv"
    touch(cases, "\n")
    changed = w.poll()
    assert clock.sleeps == [0.5, 0.5]  # changed during the first wait, quiet in the second
    assert len(fake.calls) == 2  # one build for both writes
    assert changed == sorted([cases.resolve(), template.resolve()])


def test_a_file_that_never_settles_is_built_after_the_deadline(tree, monkeypatch):
    """A process writing without pause does not hold the build back for ever: after
    max(5 s, 10 debounces) of waiting it builds what it has."""
    from standpress import serve

    fake = FakeBuild()
    w, _ = watcher(tree, build=fake)
    w.debounce = 0.25
    w.run_once()
    log = tree / "data" / "cases.csv"
    clock = FakeClock(during=lambda n: touch(log, "\n"))  # a write in every wait
    monkeypatch.setattr(serve, "time", clock)
    touch(log, "\n")
    assert w.poll() == [log.resolve()]
    assert len(fake.calls) == 2
    waited = sum(clock.sleeps)
    assert 5.0 <= waited <= 5.0 + 2 * 0.25, clock.sleeps  # the deadline, on the fake clock


# ---------------------------------------------------------------- the server

def get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def version(base: str) -> str:
    status, body, headers = get(base + VERSION_PATH.lstrip("/"))
    assert status == 200 and headers["Content-Type"] == "application/json"
    return json.loads(body)["version"]


def test_a_data_edit_rebuilds_and_changes_the_version(tree):
    """The real build under the watcher: edit a case, one rebuild, the served version moves."""
    w, lines = watcher(tree, build=None)
    out = tree / "stands"
    assert w.run_once() is not None, "\n".join(lines)
    server, thread = start_server(out, port=0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        v1 = version(base)
        assert v1 == version_token(out) and version(base) == v1  # stable while nothing builds

        status, page, headers = get(base + f"{STAND}/index.html")
        assert status == 200 and "no-store" in headers["Cache-Control"]
        assert LIVE_RELOAD.replace("@VERSION@", v1).encode() in page
        # the file is untouched (its own script posts sign-offs; the poller is the server's)
        assert b"live reload" not in (out / STAND / "index.html").read_bytes()
        status, folder, _ = get(base + f"{STAND}/")
        assert status == 200 and b"/__standpress/version" in folder
        assert get(base + f"{STAND}/preview/01-cover-thumb.jpg")[0] == 200
        assert get(base + "no-such-file.png")[0] == 404

        cases = tree / "data" / "cases.csv"
        text = cases.read_text("utf-8")
        assert "Маскувальні сітки із читальної зали" in text
        cases.write_text(text.replace("Маскувальні сітки із читальної зали",
                                      "Маскувальні сітки з бібліотеки"), "utf-8")
        touch(cases)
        assert w.poll() == [cases.resolve()] and w.builds == 2
        assert w.last_error is None, "\n".join(lines)
        v2 = version(base)
        assert v2 != v1
        titles = json.loads((out / "stands.json").read_text("utf-8"))["stands"][0]["case_titles"]
        assert titles["002"].replace("\u00a0", " ") == "Маскувальні сітки з бібліотеки"

        # a broken edit: the build fails, the output and the version stay as they were
        cases.write_text(text.replace("Маскувальні сітки із читальної зали", ""), "utf-8")
        touch(cases)
        assert w.poll() and w.builds == 3 and w.last_error is not None
        assert version(base) == v2
        assert "✗ build failed" in "\n".join(lines)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_server_binds_to_loopback_only(tree):
    (tree / "stands").mkdir()
    server, thread = start_server(tree / "stands", port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_needs_a_built_site(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--out", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "run standpress build first" in result.output


def test_watch_and_serve_are_commands():
    for cmd in ("serve", "watch"):
        result = CliRunner().invoke(main, [cmd, "--help"])
        assert result.exit_code == 0 and "--port" in result.output
