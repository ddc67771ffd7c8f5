"""The preview site in a real browser: Debian's ``chromium``, driven by Playwright.

The site built once per session by ``conftest.py`` (two stands of ``tests/data/small``,
through ``build()`` as the CLI runs it): every page is opened twice — served by
``standpress serve``'s server and straight from ``file://`` — and must load without console errors or failed requests, with every image decoded
(non-zero natural size) and every link inside the site resolving (to a file, a folder,
or an element of the page it names). The lightbox is opened by clicking a panel, stepped
with the arrow keys and closed with Esc; a page served over HTTP reloads itself after a
build. A full-page screenshot of every page, at desktop and at phone width, is saved in
``tests/artifacts/screenshots/``.

Skips, saying why, when Playwright or Chromium is missing (``.ci/run`` installs both;
Playwright never downloads a browser here: it drives ``/usr/bin/chromium``, or the
program named by ``STANDPRESS_CHROMIUM``).
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from browser_support import NEEDS_BROWSER, chromium_path, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"
STANDS = ("holosiivskyi-park", "khreshchatyk")  # as conftest.py builds them
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


pytestmark = NEEDS_BROWSER


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(site: Path):
    from standpress.serve import start_server

    srv, thread = start_server(site, port=0)
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        except Exception as exc:  # a browser that is there but will not start is a failure
            pytest.fail(f"cannot start {chromium_path()}: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


PAGES = ["index.html"] + [f"{sid}/index.html" for sid in STANDS]


def page_url(kind: str, rel: str, site: Path, server: str) -> str:
    return server + rel if kind == "http" else (site / rel).resolve().as_uri()


def shot_name(kind: str, rel: str, width: str) -> str:
    stem = "index" if rel == "index.html" else rel.split("/")[0]
    return f"{kind}-{stem}-{width}.png"


class Watch:
    """Console errors, uncaught exceptions and failed requests of one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text} "
                                                        f"({m.location.get('url', '')})")
                if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        # ERR_ABORTED is the browser cancelling a pending (lazy) load because the test
        # navigated away: not a broken request
        page.on("requestfailed", lambda r: self.errors.append(
            f"request failed: {r.url} ({r.failure})")
            if "ERR_ABORTED" not in str(r.failure) else None)
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 else None)


LOAD_ALL_IMAGES = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { i.loading = "eager"; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(done => {
    i.addEventListener("load", done); i.addEventListener("error", done); })));
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return imgs.map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth, h: i.naturalHeight,
                        srcset: i.getAttribute("srcset") || ""}));
}"""

LINKS = """() => Array.from(document.querySelectorAll("a[href]")).map(a => ({
  raw: a.getAttribute("href"), abs: new URL(a.getAttribute("href"), document.baseURI).href }))"""
# (the map's pins are SVG <a> elements: their .href is not a string)


def open_page(browser, url: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    watch = Watch(page)
    page.goto(url, wait_until="load")
    return page, watch


def target_path(url: str, site: Path, server: str) -> Path:
    """The file (or folder) inside the site that an absolute URL names."""
    if url.startswith(server):
        rel = unquote(urlsplit(url).path).lstrip("/")
        return site / rel
    assert url.startswith("file://"), url
    return Path(unquote(urlsplit(url).path))


def ids_in(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text("utf-8")))


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


# ---------------------------------------------------------------- the pages

@pytest.mark.parametrize("kind", ["http", "file"])
@pytest.mark.parametrize("rel", PAGES)
def test_page_loads_cleanly_with_every_image_and_link(browser, site, server, shots, kind, rel):
    url = page_url(kind, rel, site, server)
    page, watch = open_page(browser, url, DESKTOP)
    try:
        images = page.evaluate(LOAD_ALL_IMAGES)
        assert images, f"{rel}: no images"
        broken = [i["src"] for i in images if not (i["w"] > 0 and i["h"] > 0)]
        assert not broken, f"{rel}: images that did not load: {broken}"

        # every candidate of a srcset is there too, not only the one the browser chose
        page_dir = urlsplit(url).path.rsplit("/", 1)[0] + "/"
        for i in images:
            for cand in filter(None, (c.strip().split(" ")[0] for c in i["srcset"].split(","))):
                p = target_path(urlsplit(url)._replace(path=page_dir + cand).geturl(), site, server)
                assert p.is_file(), f"{rel}: srcset names a missing file {cand}"

        links = page.evaluate(LINKS)
        assert links
        # the ids of the page as the browser got it (served pages carry the sign-off)
        here = set(page.evaluate("() => Array.from(document.querySelectorAll('[id]'), e => e.id)"))
        checked: set[str] = set()
        for link in links:
            raw, absolute = link["raw"], link["abs"]
            if re.match(r"^[a-z][a-z0-9+.-]*:", raw, re.I):
                assert raw.startswith(("https://", "http://", "mailto:")), raw
                continue  # the cases' own pages, outside the site
            target, frag = urldefrag(absolute)
            if raw.startswith("#"):
                assert raw[1:] in here, f"{rel}: #{raw[1:]} names no element"
                continue
            path = target_path(target, site, server)
            assert site.resolve() in [path.resolve(), *path.resolve().parents], \
                f"{rel}: {raw} leads outside the site"
            assert path.exists(), f"{rel}: {raw} → {path} does not exist"
            if frag and path.suffix == ".html":
                assert unquote(frag) in ids_in(path), f"{rel}: {raw}: no #{frag} in {path.name}"
            if kind == "http" and target not in checked:
                checked.add(target)
                assert http_status(target) == 200, f"{rel}: {raw} → HTTP {http_status(target)}"

        page.screenshot(path=str(shots / shot_name(kind, rel, "desktop")), full_page=True)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(100)
        # the phone layout must not scroll sideways
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{rel}: the page is {overflow}px wider than a 390px phone"
        page.screenshot(path=str(shots / shot_name(kind, rel, "phone")), full_page=True)
        assert not watch.errors, f"{rel} ({kind}): " + "\n".join(watch.errors)
    finally:
        page.close()


@pytest.mark.parametrize("kind", ["http", "file"])
def test_clicking_a_panel_opens_the_lightbox(browser, site, server, shots, kind):
    sid = STANDS[1]
    page, watch = open_page(browser, page_url(kind, f"{sid}/index.html", site, server), DESKTOP)
    try:
        assert page.locator(".lb:target").count() == 0
        first = page.locator("a.shot").first
        first.click()
        box = page.locator(".lb:target")
        box.wait_for(state="visible", timeout=5000)
        assert box.get_attribute("id") == first.get_attribute("href")[1:]
        img = box.locator(".stage img")
        img.wait_for(state="visible")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=img.element_handle(), timeout=10000)
        bbox = img.bounding_box()
        assert bbox and bbox["width"] > 100 and bbox["height"] > 100
        page.screenshot(path=str(shots / f"{kind}-{sid}-lightbox.png"))

        first_id = box.get_attribute("id")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"location.hash && location.hash !== '#{first_id}'")
        assert page.locator(".lb:target").get_attribute("id") != first_id
        page.keyboard.press("Escape")
        page.wait_for_function("!document.querySelector('.lb:target')")
        assert not watch.errors, "\n".join(watch.errors)
    finally:
        page.close()


def test_a_thumbnail_on_the_index_opens_that_panel(browser, site, server):
    page, watch = open_page(browser, server + "index.html", DESKTOP)
    try:
        thumb = page.locator(".strip a").first
        href = thumb.get_attribute("href")
        thumb.click()
        page.wait_for_url(re.compile(re.escape(href.split("#")[0]) + "#"))
        box = page.locator(".lb:target")
        box.wait_for(state="visible", timeout=5000)
        assert box.get_attribute("id") == href.split("#", 1)[1]
        assert not watch.errors, "\n".join(watch.errors)
    finally:
        page.close()


def test_a_served_page_reloads_after_a_build_and_a_file_page_does_not_poll(browser, site, server):
    summary = site / "stands.json"
    served, w1 = open_page(browser, server + "index.html", DESKTOP)
    local, w2 = open_page(browser, (site / "index.html").as_uri(), DESKTOP)
    requests: list[str] = []
    local.on("request", lambda r: requests.append(r.url))
    try:
        served.evaluate("window.__before_build = true")
        local.evaluate("window.__before_build = true")
        served.wait_for_timeout(1500)  # a poll or two with nothing new: no reload
        assert served.evaluate("window.__before_build === true")
        st = summary.stat()
        os.utime(summary, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # "a publish"
        served.wait_for_function("window.__before_build === undefined", timeout=10000)
        served.wait_for_load_state("load")
        assert local.evaluate("window.__before_build === true")
        polls = [u for u in requests if "__standpress" in u or not u.startswith("file:")]
        assert not polls, f"a file:// page made requests: {polls}"
        assert not w1.errors and not w2.errors, "\n".join(w1.errors + w2.errors)
    finally:
        served.close()
        local.close()
