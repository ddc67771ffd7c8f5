"""Sign-off in a real browser (Debian's ``chromium``, driven by Playwright): a panel is
approved on its stand's page as ``standpress serve`` sends it, the case on it is edited,
the stand is built again, and the page shows that approval as stale — who, when, and
the hash it was made on — while ``signoff.json`` kept it byte for byte.

One stand (``opera``) with one case, built here with its preflight and site. Skips,
saying why, when Playwright or Chromium is missing (as ``test_browser.py``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from browser_support import NEEDS_BROWSER, chromium_path, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
HEADER = "id,title,organization,district,category,summary,partner,url,photo,photo_credit\n"
ROW = ("001,Теплі обіди,ГО «Сусіди»,Шевченківський,Волонтерство,{summary},,"
       "https://example.org/001,,\n")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]


pytestmark = NEEDS_BROWSER


def build(cases: Path, out: Path, cache: Path) -> None:
    from standpress.pipeline import BuildOptions
    from standpress.pipeline import build as run_build

    run_build(BuildOptions(cases=cases, locations=ROOT / "locations.toml", out=out,
                           only=("opera",), svg=False, jobs=1, cache=cache))


def test_approve_on_the_page_edit_the_case_rebuild_and_see_the_approval_stale(tmp_path):
    from standpress.serve import start_server

    cases, out, cache = tmp_path / "cases.csv", tmp_path / "stands", tmp_path / "cache"
    cases.write_text(HEADER + ROW.format(summary="Щодня 300 обідів для переселенців."),
                     "utf-8")
    build(cases, out, cache)
    panel = out / "opera" / "02-cases.pdf"
    first = hashlib.sha256(panel.read_bytes()).hexdigest()
    srv, thread = start_server(out, port=0)
    url = f"http://127.0.0.1:{srv.server_address[1]}/opera/index.html"
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url, wait_until="load")
            item = page.locator("#so-02-cases")
            assert "Не переглянуто" in item.locator(".so-state").inner_text()
            page.fill("#so-by", "Олена Коваль")
            item.locator("textarea[name=note]").fill("Усе гаразд")
            with page.expect_navigation():  # the page reloads once the decision is saved
                item.locator("button.approve").click()
            item = page.locator("#so-02-cases")
            state = item.locator(".so-state").inner_text()
            assert "Погоджено" in state and "Олена Коваль" in state, state
            assert "Усе гаразд" in item.inner_text()
            kept = (out / "signoff.json").read_bytes()
            decision = json.loads(kept)["decisions"][first][0]
            assert (decision["file"], decision["decision"], decision["by"]) == (
                "opera/02-cases.pdf", "approved", "Олена Коваль")

            # off the served page while the stand is rebuilt: its poll would reload it on the
            # new build, racing the goto below (ERR_ABORTED); that reload is test_browser's
            page.goto("about:blank")
            # the case's summary is edited; the stand is built again (as watch would)
            cases.write_text(HEADER + ROW.format(summary="Щодня 400 обідів для переселенців."),
                             "utf-8")
            build(cases, out, cache)
            assert (out / "signoff.json").read_bytes() == kept
            now = hashlib.sha256(panel.read_bytes()).hexdigest()
            assert now != first
            page.goto(url, wait_until="load")
            item = page.locator("#so-02-cases")
            text = item.inner_text()
            assert "Змінено після рішення" in item.locator(".so-state").inner_text()
            assert "Олена Коваль" in text and first[:12] in text and now[:12] in text, text
            # the other panels did not change: still not reviewed, not stale
            assert "Не переглянуто" in page.locator("#so-01-cover .so-state").inner_text()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "signoff-stale-390.png"), full_page=True)
            browser.close()
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
    assert not errors, errors
