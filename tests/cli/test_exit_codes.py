"""The command line: exit codes, messages, no tracebacks, untouched output on failure."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from standpress import __version__
from standpress.cli import main

HEADER = "id,title,organization,district,category,summary,partner,url,photo,photo_credit\n"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_bad_data_exits_2_with_places_and_no_traceback(tmp_path, root):
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "001,,ГО,Оболонь,Освіта,Текст,,,,\n", "utf-8")
    out = tmp_path / "stands"
    r = run("build", "--cases", str(cases), "--locations", str(root / "locations.toml"),
            "--out", str(out))
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert "row 2" in r.output and "title: is empty" in r.output
    assert '"Оболонь" is not a district' in r.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_file_is_a_clear_error(tmp_path, root):
    r = run("build", "--cases", str(tmp_path / "nope.csv"), "--locations",
            str(root / "locations.toml"), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "file not found" in r.output and "--cases" in r.output


def test_unknown_only_is_named(tmp_path, root):
    r = run("build", "--only", "nowhere", "--cases", str(root / "data" / "cases.csv"),
            "--locations", str(root / "locations.toml"), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and '"nowhere" is not a location id' in r.output


def test_a_small_build_writes_one_stand_and_prints_the_summary(tmp_path, root):
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "001,Теплі обіди,ГО «Сусіди»,Шевченківський,Волонтерство,"
                     "Щодня 300 обідів для переселенців.,,,,\n", "utf-8")
    out = tmp_path / "stands"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")  # a user's file is never touched
    r = run("build", "--only", "opera", "--cases", str(cases), "--locations",
            str(root / "locations.toml"), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "opera" in r.output and "1 stands, 4 panels, 1 cases" in r.output
    assert sorted(p.name for p in (out / "opera").iterdir()) == [
        "01-cover.pdf", "02-cases.pdf", "03-locator.pdf", "04-catalogue.pdf", "index.html",
        "opera.pdf", "preview", "print", "svg"]
    manifest = (out / "opera" / "print" / "manifest.csv").read_text("utf-8").splitlines()
    assert manifest[0].startswith("file,stand,panel") and len(manifest) == 5
    assert "1200 × 1800 мм" in (out / "opera" / "print" / "job-sheet.txt").read_text("utf-8")
    assert (out / "notes.txt").read_text("utf-8") == "mine"
    before = {p: p.read_bytes() for p in (out / "opera").iterdir() if p.is_file()}
    # a failing build afterwards leaves the previous output exactly as it was
    cases.write_text(HEADER + "001,,ГО,Шевченківський,Волонтерство,Текст,,,,\n", "utf-8")
    r = run("build", "--only", "opera", "--cases", str(cases), "--locations",
            str(root / "locations.toml"), "--out", str(out))
    assert r.exit_code == 2
    assert {p: p.read_bytes() for p in (out / "opera").iterdir() if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.is_dir() and p.name.startswith(".standpress-")]


def test_json_summary_for_scripts(tmp_path, root):
    import json

    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "001,Теплі обіди,ГО «Сусіди»,Шевченківський,Волонтерство,"
                     "Щодня 300 обідів.,,,,\n", "utf-8")
    r = CliRunner().invoke(main, [
        "build", "--json", "--only", "opera", "--no-check", "--no-site", "--no-svg",
        "--cases", str(cases), "--locations", str(root / "locations.toml"),
        "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["ok"] and data["stands"][0]["id"] == "opera" and data["stands"][0]["cases"] == 1
    assert any("placeholder" in w["message"] for w in data["warnings"])


def _command(*lines: str, argv: str) -> subprocess.CompletedProcess:
    """``standpress`` run as the installed command runs it (``cli.run``), after ``lines``."""
    code = "\n".join([*lines, f"import sys; sys.argv = ['standpress', {argv}]",
                      "from standpress.cli import run", "run()"])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # pipes buffer
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env)


def test_the_command_flushes_its_output_and_runs_the_exit_handlers_before_it_ends():
    """``run`` ends the process without tearing the interpreter down: what was printed to
    a pipe (block-buffered) and what the exit handlers print must still come out."""
    r = _command("import atexit", "atexit.register(print, 'exit handler ran')",
                 argv="'--version'")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"standpress, version {__version__}", "exit handler ran"]


def test_the_command_keeps_its_exit_code():
    r = _command(argv="'no-such-command'")
    assert r.returncode == 2 and "No such command 'no-such-command'" in r.stderr
    r = subprocess.run([sys.executable, "-m", "standpress.cli", "build", "--cases",
                        "/no/such/cases.csv"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "file not found" in r.stderr


def test_the_command_waits_for_a_thread_still_running_as_python_would():
    r = _command("import threading, time",
                 "threading.Thread(target=lambda: (time.sleep(0.5), "
                 "print('thread done', flush=True))).start()", argv="'--version'")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "thread done"


def test_the_command_returns_to_a_profiler_that_reports_after_it(tmp_path):
    stats = tmp_path / "build.prof"
    r = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m",
                        "standpress.cli", "--version"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert stats.stat().st_size > 0
