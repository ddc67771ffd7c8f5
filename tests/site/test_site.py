"""The preview site: pages, previews and mock-ups.

Two sources: ``site`` (conftest.py), two stands built by ``build()`` as the CLI builds
them; and ``stands``, a tiny output folder made here by hand, to reach what a build of
the sample does not (a stand without any optional field, missing previews, guides, a
preflight report written elsewhere, a long list of findings). Both have their pages
written by :func:`write_site`, the function the build's site step calls.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import pytest
from jinja2 import meta, nodes
from PIL import Image

from standpress.errors import InputError
from standpress.site import render_mockup, render_previews, write_site
from standpress.site.html import environment, render_site
from standpress.site.previews import GUIDE_COLOURS
from standpress.site.strings import count, metres

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "src" / "standpress" / "site"
MM = 72 / 25.4
PORTRAIT = dict(trim=(120.0, 180.0), bleed=5.0, safe=10.0)
LANDSCAPE = dict(trim=(300.0, 150.0), bleed=8.0, safe=12.0)
MARKS = 9.0  # mm of slug/crop-mark room outside the bleed


def make_pdf(path: Path, trim: tuple[float, float], bleed: float, label: str) -> Path:
    """One page: CMYK ground over the bleed, a coloured band, text; TrimBox and BleedBox set."""
    from reportlab.pdfgen import canvas

    tw, th = trim
    off = MARKS + bleed
    media = ((tw + 2 * off) * MM, (th + 2 * off) * MM)
    c = canvas.Canvas(str(path), pagesize=media, invariant=1, pageCompression=1)
    c.setTrimBox((off * MM, off * MM, (off + tw) * MM, (off + th) * MM))
    c.setBleedBox((MARKS * MM, MARKS * MM, (MARKS + tw + 2 * bleed) * MM, (MARKS + th + 2 * bleed) * MM))
    c.setFillColorCMYK(0.10, 0.04, 0, 0)  # card ground, into the bleed
    c.rect(MARKS * MM, MARKS * MM, (tw + 2 * bleed) * MM, (th + 2 * bleed) * MM, stroke=0, fill=1)
    c.setFillColorCMYK(1, 0.72, 0, 0.10)  # brand band across the top, bled
    c.rect(MARKS * MM, (off + th * 0.7) * MM, (tw + 2 * bleed) * MM, (th * 0.3 + bleed) * MM,
           stroke=0, fill=1)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont("Helvetica-Bold", 14)
    c.drawString((off + 10) * MM, (off + th * 0.4) * MM, label)
    c.setStrokeColorCMYK(0, 0, 0, 1)  # a crop mark outside the bleed
    c.line(0, off * MM, (MARKS - 2) * MM, off * MM)
    c.showPage()
    c.save()
    return path


def panel(sid: str, name: str, unit: int, side: str, fmt: dict, cases=(), qr=()) -> dict:
    return {"file": f"{sid}/{name}.pdf", "kind": name.split("-", 1)[1], "unit": unit, "side": side,
            "cases": list(cases), "trim": list(fmt["trim"]), "bleed": fmt["bleed"],
            "safe": fmt["safe"], "ink_limit": 300.0, "warn_ppi": 100.0, "min_ppi": 70.0,
            "qr": list(qr), "texts": []}


def place_images(out: Path, guides: bool = False) -> None:
    """What the build's site step puts in ``<id>/preview/`` before the pages: each panel's
    previews and the stand's mock-up, made by the same two functions."""
    data = json.loads((out / "stands.json").read_text("utf-8"))
    for s in data["stands"]:
        faces = []
        for p in s["panels"]:
            files = render_previews(out / p["file"], out / s["id"] / "preview", guides=guides,
                                    safe_mm=p["safe"])
            faces.append((Image.open(files[0].screen).convert("RGB"), p["unit"], p["side"]))
        p = s["panels"][0]
        render_mockup(faces, tuple(p["trim"]), out / s["id"] / "preview" / "mockup.png",
                      bleed_mm=p["bleed"], units=s.get("units"), faces=s.get("faces"))


@pytest.fixture()
def stands(tmp_path) -> Path:
    """Two stands, no pages yet: «alpha» (portrait, 2 units × 2 faces, 3 panels, every
    optional field, a print/ folder) and «beta» (landscape, 1 unit, 2 panels, none of the
    optional fields, no stand PDF); a preflight report with an absolute path and one with
    four findings."""
    out = tmp_path / "stands"
    src = tmp_path / "src"
    src.mkdir()
    portrait = make_pdf(src / "p.pdf", PORTRAIT["trim"], PORTRAIT["bleed"], "Alpha panel")
    landscape = make_pdf(src / "l.pdf", LANDSCAPE["trim"], LANDSCAPE["bleed"], "Beta panel")
    for sid, pdf, names in (("alpha", portrait, ["01-cover", "02-cases", "03-locator", "alpha"]),
                            ("beta", landscape, ["01-cover", "02-cases"])):
        (out / sid).mkdir(parents=True)
        for n in names:
            shutil.copyfile(pdf, out / sid / f"{n}.pdf")
    (out / "alpha" / "print").mkdir()
    shutil.copyfile(portrait, out / "alpha" / "print" / "01-cover.pdf")
    (out / "alpha" / "print" / "job-sheet.txt").write_text("job\n", encoding="utf-8")

    urls = {"001": "https://top100.example.org/2022/001", "002": "https://top100.example.org/2022/002"}
    data = {
        "campaign": "ТОП-100 2022",
        "generator": "standpress test",
        "date": "2022-10-12T00:00:00+00:00",
        "catalogue_url": "https://top100.example.org/2022/",
        "warnings": ["alpha: a photo prints at 90 ppi <check>"],
        "map": {"river": [[50.50, 30.53], [50.44, 30.56], [50.38, 30.61]], "river_name": "Дніпро"},
        "stands": [
            {"id": "alpha", "number": 1, "name": "Парк «Альфа» & <b>сквер</b>",
             "short_name": "«Альфа»", "address": "вул. Тестова, 1", "lat": 50.45, "lon": 30.52,
             "serves": ["Печерський"], "format": "citylight", "format_name": "Сітілайт",
             "units": 2, "faces": 2, "file": "alpha/alpha.pdf",
             "case_titles": {"001": "Кейс «перший»", "002": "Кейс <другий>"}, "urls": urls,
             "panels": [panel("alpha", "01-cover", 1, "A", PORTRAIT, qr=["https://top100.example.org/2022/"]),
                        panel("alpha", "02-cases", 1, "B", PORTRAIT, ["001", "002"], list(urls.values())),
                        panel("alpha", "03-locator", 2, "A", PORTRAIT)]},
            {"id": "beta", "name": "Бета",
             "panels": [panel("beta", "01-cover", 1, "A", LANDSCAPE),
                        panel("beta", "02-cases", 1, "B", LANDSCAPE, ["003"])]},
        ],
    }
    (out / "stands.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    many = [{"check": c, "severity": sev, "page": 1, "detail": f"{c} <{sev}>"}
            for c, sev in (("ink", "warning"), ("fonts", "error"), ("qr", "warning"),
                           ("text", "warning"), ("file", "ok"))]
    report = {"ok": True, "reports": [
        {"path": str(out / "alpha" / "02-cases.pdf"), "ok": True,
         "findings": [{"check": "images", "severity": "warning", "page": 1,
                       "detail": "photo at 90 ppi"}]},
        {"path": "alpha/01-cover.pdf", "ok": True,
         "findings": [{"check": "boxes", "severity": "ok", "page": 1, "detail": "fine"}]},
        {"path": "alpha/03-locator.pdf", "ok": False, "findings": many},
    ]}
    (out / "preflight.json").write_text(json.dumps(report), "utf-8")
    return out


class Page(HTMLParser):
    """Links, ids, images and text of one page."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag.attr, value)
        self.ids: set[str] = set()
        self.lang = None
        self.img_without_alt = 0
        self.h1 = 0
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        self.h1 += tag == "h1"
        self.scripts += tag == "script"
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img" and not a.get("alt"):
            self.img_without_alt += 1
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.links.append((f"{tag}.{key}", a[key]))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text("utf-8"))
    p.close()
    return p


def pages_of(out: Path) -> list[Path]:
    data = json.loads((out / "stands.json").read_text("utf-8"))
    return [out / "index.html"] + [out / s["id"] / "index.html" for s in data["stands"]]


def qr_links(out: Path) -> set[str]:
    data = json.loads((out / "stands.json").read_text("utf-8"))
    allowed = {data["catalogue_url"]}
    for s in data["stands"]:
        allowed |= set((s.get("urls") or {}).values())
        for p in s["panels"]:
            allowed |= set(p.get("qr", []))
    return allowed


def assert_links_resolve(out: Path) -> int:
    """Every page parses, has one h1, alt texts and lang; every link inside the site
    resolves (to a file, a folder or an element); outside it, only the QR addresses."""
    pages = pages_of(out)
    allowed = qr_links(out)
    parsed = {page.resolve(): parse(page) for page in pages}
    checked = 0
    for page, links in parsed.items():
        assert links.lang == "uk" and links.h1 == 1 and links.img_without_alt == 0, page
        assert links.scripts == 1, page  # the site's own, nothing injected
        for where, value in links.links:
            if value.startswith(("http://", "https://")):
                assert where == "a.href" and value in allowed, f"{page}: external {where} {value}"
                continue
            assert not value.startswith(("//", "data:", "file:")), value
            parts = urlsplit(value)
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            assert target.exists(), f"{page}: {where}={value} does not resolve"
            assert target.is_relative_to(out.resolve())
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                assert parts.fragment in ids, f"{page}: #{parts.fragment} missing in {target.name}"
            checked += 1
    for page in pages:
        text = page.read_text("utf-8")
        assert "@import" not in text and "url(http" not in text and "<link" not in text
    return checked


# ---------------------------------------------------------------- the site the build writes

def test_the_build_writes_every_page_and_every_link_resolves(site):
    stands = [s["id"] for s in json.loads((site / "stands.json").read_text("utf-8"))["stands"]]
    assert len(stands) == 2
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")) == \
        sorted(["index.html"] + [f"{sid}/index.html" for sid in stands])
    assert assert_links_resolve(site) > 50
    for sid in stands:
        stand = (site / sid / "index.html").read_text("utf-8")
        assert 'class="lb"' in stand and 'src="preview/mockup.png"' in stand
        # the printer's package is offered as pack's zip, not as a folder listing
        assert 'href="print/"' not in stand and f'href="{sid}.pdf"' in stand
        assert f"standpress pack {sid}" in stand


def test_a_title_with_markup_shows_as_text_on_every_page_that_names_it(site, markup_title):
    escaped = "Кухня &lt;script&gt;alert(1)&lt;/script&gt; &amp; «Ко»"
    stand = site / "holosiivskyi-park" / "index.html"
    html = stand.read_text("utf-8")
    assert escaped in html
    assert "<script>alert" not in html and "&amp;lt;" not in html  # escaped once, not twice
    assert markup_title in "".join(parse(stand).text)  # a reader sees the title as written
    assert parse(stand).scripts == 1


def test_the_builds_previews_show_the_bleed_box_at_the_preview_sizes(site):
    data = json.loads((site / "stands.json").read_text("utf-8"))
    p = data["stands"][0]["panels"][0]
    (tw, th), b = p["trim"], p["bleed"]
    ratio = (tw + 2 * b) / (th + 2 * b)
    stem = Path(p["file"]).stem
    screen = Image.open(site / data["stands"][0]["id"] / "preview" / f"{stem}.jpg")
    thumb = Image.open(site / data["stands"][0]["id"] / "preview" / f"{stem}-thumb.jpg")
    assert max(screen.size) == 1600 and max(thumb.size) == 360
    for im in (screen, thumb):
        w, h = im.size
        assert abs(w - h * ratio) <= 1 or abs(h - w / ratio) <= 1, (im.size, ratio)
    assert screen.mode == "RGB" and not screen.info.get("tIME")


def test_write_site_again_gives_the_builds_pages_byte_for_byte(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    before = {p.relative_to(copy): p.read_bytes() for p in pages_of(copy)}
    for p in pages_of(copy):
        p.unlink()
    written = write_site(copy)
    assert {p.relative_to(copy): p.read_bytes() for p in written} == before


# ---------------------------------------------------------------- templates

def test_every_template_is_reached_and_names_only_what_it_is_given():
    env = environment()
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    names = set(env.list_templates())
    pages = {"index.html", "stand.html"}
    # every template is a page or reached from one (extends, include, import)
    reached, todo = set(), list(pages)
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        source = env.loader.get_source(env, name)[0]
        todo += [n for n in meta.find_referenced_templates(env.parse(source)) if n]
    assert reached == names, f"templates nothing renders: {names - reached}"
    # the names a template reads from its context: the globals, and for a page what
    # render_site passes; a partial's macros get the rest as arguments
    given = set(env.globals) | {"view", "summary", "root"}
    for name in sorted(names):
        tree = env.parse(env.loader.get_source(env, name)[0])
        free = meta.find_undeclared_variables(tree)
        allowed = given if name in pages or name == "base.html" else set(env.globals)
        # and what the template itself sets or imports at its top (a page's blocks see it)
        for node in tree.body:
            if isinstance(node, nodes.Assign):
                target = node.target
                allowed |= {n.name for n in [target, *target.find_all(nodes.Name)]
                            if isinstance(n, nodes.Name)}
            elif isinstance(node, nodes.FromImport):
                allowed |= {n if isinstance(n, str) else n[1] for n in node.names}
        assert free <= allowed, f"{name} reads {sorted(free - allowed)}"


def test_an_undefined_name_is_an_error_not_a_blank():
    env = environment()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ view.no_such_field }}").render(view=object())
    assert str(env.from_string("{{ x }}").render(x="<b>&")) == "&lt;b&gt;&amp;"


def test_the_templates_and_strings_are_package_data():
    """An installed (not editable) standpress finds every file of the site that is not
    Python: the templates and the strings."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["standpress.site"]
    files = [p.relative_to(SITE).as_posix() for p in SITE.rglob("*")
             if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert "strings.toml" in files and "templates/base.html" in files
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files), files
    assert any(d.startswith("jinja2") for d in conf["project"]["dependencies"])


def test_only_data_py_reads_the_builds_json_and_no_markup_is_left_in_python():
    for path in sorted(SITE.glob("*.py")):
        source = path.read_text("utf-8")
        assert len(source.splitlines()) <= 600, path.name
        if path.name != "data.py":
            assert "json" not in {n.names[0].name for n in ast.walk(ast.parse(source))
                                  if isinstance(n, ast.Import)}, path.name
        strings = [n.value for n in ast.walk(ast.parse(source))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        tags = [s for s in strings if re.search(r"<(a|div|p|li|span|section|svg|img)[ >]", s)]
        assert not tags, f"{path.name} builds markup: {tags[:3]}"


# ---------------------------------------------------------------- pages made here

def test_pages_exist_parse_and_every_link_resolves(stands):
    place_images(stands, guides=True)
    written = write_site(stands)
    assert written == pages_of(stands)
    assert assert_links_resolve(stands) > 30


def test_stand_page_content(stands):
    place_images(stands, guides=True)
    write_site(stands)
    alpha = (stands / "alpha" / "index.html").read_text("utf-8")
    beta = (stands / "beta" / "index.html").read_text("utf-8")
    index = (stands / "index.html").read_text("utf-8")
    # escaped, never raw
    assert "&lt;b&gt;сквер&lt;/b&gt;" in alpha and "<b>сквер" not in alpha
    assert "Кейс &lt;другий&gt;" in alpha
    assert "&lt;check&gt;" in index and "&lt;check&gt;" in alpha  # the warning names alpha
    assert "&lt;check&gt;" not in beta
    # cases, QR links, downloads, preflight, mock-up, empty face
    assert 'href="https://top100.example.org/2022/001"' in alpha
    assert 'href="alpha.pdf"' in alpha and 'href="print/"' not in alpha
    assert "standpress pack alpha" in alpha  # no zip yet: how to make one
    assert 'src="preview/mockup.png"' in alpha
    assert "photo at 90 ppi" in alpha and 'badge warning' in alpha
    assert "вільний бік" in alpha  # unit 2, face B has no panel
    assert 'id="view-02-cases"' in alpha and 'href="#view-03-locator"' in alpha
    # guides: the legend and a way back to the clean image
    assert 'class="legend"' in alpha and 'href="preview/01-cover.jpg">Без напрямних' in alpha
    # four warnings and errors on one file: errors first, three shown, one folded
    locator = alpha[alpha.index("03-locator.pdf</a>"):]
    locator = locator[:locator.index("</section>")]  # the last file of the list
    assert locator.index("fonts") < locator.index("ink")
    assert "Показати ще 1" in locator and "file &lt;ok&gt;" not in locator
    assert "badge error" in locator and "fonts &lt;error&gt;" in locator
    # beta has no optional fields: no stand PDF link, no map pin, no titles, not checked
    assert "beta.pdf" not in beta
    assert "назва не передана" in beta
    assert "badge none" in beta
    assert 'href="alpha/index.html"' in index and "<svg" in index
    assert index.count('class="pin"') == 1  # only alpha has coordinates
    assert "<b>5</b><span>панелей</span>" in index  # 3 + 2 panels, Ukrainian plural


def test_render_previews_geometry_and_guides(stands, tmp_path):
    pdf = stands / "alpha" / "01-cover.pdf"
    files = render_previews(pdf, tmp_path / "pv", screen_px=800, thumb_px=200, guides=True,
                            safe_mm=PORTRAIT["safe"])
    assert len(files) == 1
    f = files[0]
    tw, th = PORTRAIT["trim"]
    b = PORTRAIT["bleed"]
    assert f.size[1] == 800 and f.thumb_size[1] == 200
    assert f.bleed_ratio == pytest.approx((tw + 2 * b) / (th + 2 * b), rel=1e-3)
    g = Image.open(f.guides).convert("RGB")
    clean = Image.open(f.screen).convert("RGB")
    s = 800 / (th + 2 * b)  # px per mm
    # trim line: solid, at the bleed distance in from the left edge, half-way down
    x = round(b * s)
    row = [g.getpixel((xx, 400)) for xx in range(x - 2, x + 3)]
    assert GUIDE_COLOURS["trim"] in row
    # safe line: dashed, at bleed + safe from the top, somewhere along the row
    y = round((b + PORTRAIT["safe"]) * s)
    hits = [g.getpixel((xx, yy)) for xx in range(0, g.size[0]) for yy in range(y - 2, y + 3)]
    assert GUIDE_COLOURS["safe"] in hits
    # the clean image has none of it
    assert GUIDE_COLOURS["trim"] not in [clean.getpixel((xx, 400)) for xx in range(x - 2, x + 3)]
    # without safe_mm: no safe line
    nosafe = render_previews(pdf, tmp_path / "pv2", screen_px=800, guides=True)[0]
    g2 = Image.open(nosafe.guides).convert("RGB")
    assert GUIDE_COLOURS["safe"] not in [g2.getpixel((xx, yy)) for xx in range(g2.size[0])
                                         for yy in range(y - 2, y + 3)]
    # the crop marks outside the bleed are not in the preview; the bled band is
    px = clean.getpixel((2, 2))
    assert px[2] > 120 and px[0] < 90  # brand blue corner


def _rows_with(img: Image.Image, colour: tuple[int, int, int], box, tol: int = 10) -> tuple[int, int]:
    """First and last row in ``box`` holding a pixel within ``tol`` of ``colour``."""
    px = img.load()
    rows = [y for y in range(box[1], box[3])
            if any(all(abs(a - b) <= tol for a, b in zip(px[x, y], colour))
                   for x in range(box[0], box[2]))]
    return rows[0], rows[-1]


@pytest.mark.parametrize("fmt,units", [(PORTRAIT, 2), (LANDSCAPE, 3)])
def test_mockup_person_in_proportion(stands, tmp_path, fmt, units):
    from standpress.site.mockup import PERSON

    screen = Image.open(render_previews(stands / "alpha" / "01-cover.pdf", tmp_path / "pv")[0].screen)
    panels = [(screen, u, s) for u in range(1, units + 1) for s in "AB"][:-1]  # last face empty
    trim = (fmt["trim"][0] * 10, fmt["trim"][1] * 10)  # stand-sized: 1.2 × 1.8 m, 3 × 1.5 m
    res = render_mockup(panels, trim, tmp_path / "mockup.png", bleed_mm=PORTRAIT["bleed"] * 10,
                        units=units, faces=2)
    assert res.size[0] == 1800
    expected = 1750 / trim[1]
    assert res.ratio == pytest.approx(expected, rel=0.03)
    assert len(res.panel_boxes) == units * 2
    # measure the drawn silhouette in the image itself
    img = Image.open(res.path).convert("RGB")
    l, t, r, b = res.person_boxes[0]
    # a few pixels of slack around the reported box: the label above the head is further off
    top, bottom = _rows_with(img, PERSON, (l - 3, t - 4, r + 3, b + 3), tol=6)
    person_px = bottom - top + 1
    panel_h = res.panel_boxes[0][2][3] - res.panel_boxes[0][2][1]
    assert person_px / panel_h == pytest.approx(expected, rel=0.03)
    assert panel_h == res.panel_px[1]


def test_pages_are_the_same_bytes_again_and_in_another_folder(stands, tmp_path):
    place_images(stands)
    copy = tmp_path / "copy"
    shutil.copytree(stands, copy)
    first = {p.relative_to(stands): p.read_bytes() for p in write_site(stands)}
    assert {p.relative_to(stands): p.read_bytes() for p in write_site(stands)} == first
    # the preflight report names one file by its absolute path in the first folder
    assert {p.relative_to(copy): p.read_bytes() for p in write_site(copy)} == first


def test_write_site_without_previews_and_without_preflight(stands):
    (stands / "preflight.json").unlink()
    written = write_site(stands)
    assert len(written) == 3
    alpha = (stands / "alpha" / "index.html").read_text("utf-8")
    assert "Файл панелі не знайдено" in alpha and "standpress check" in alpha
    assert 'class="lb"' not in alpha and 'class="legend"' not in alpha


def test_render_site_writes_nothing(stands):
    pages = render_site(stands)
    assert list(pages) == ["index.html", "alpha/index.html", "beta/index.html"]
    assert not (stands / "index.html").exists()


def test_missing_summary_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no stands to preview"):
        write_site(tmp_path)


def test_every_malformed_stand_is_named_in_one_error(tmp_path):
    (tmp_path / "stands.json").write_text(json.dumps({"stands": [
        {"id": "a", "panels": ["01-cover.pdf"]}, {"name": "no id"}, {"id": "c"}]}), "utf-8")
    with pytest.raises(InputError) as caught:
        write_site(tmp_path)
    messages = [p.message for p in caught.value.problems]
    assert messages == ["\"panels\" of stand 'a' is not a list of objects",
                        'stand entry 2 has no "id"']
    assert all(p.file.endswith("stands.json") for p in caught.value.problems)


def test_ukrainian_words():
    assert count(1, "fig_panels") == "1 панель"
    assert count(3, "fig_panels") == "3 панелі"
    assert count(11, "fig_panels") == "11 панелей"
    assert count(22, "fig_cases") == "22 кейси"
    assert metres(1750) == "1,75\u00a0м" and metres(1800) == "1,8\u00a0м"


@pytest.mark.parametrize("units,thumb_used", [(12, True), (2, False)])
def test_mockup_faces_are_drawn_from_the_thumbnail_only_when_it_has_the_pixels(
        stands, tmp_path, units, thumb_used):
    """A face given as its preview files is drawn from the smallest with a pixel for each
    of the mock-up's: the same picture as when given that file's image (12 units wrap onto
    rows of small faces; 2 units draw each face taller than the thumbnail)."""
    from standpress.site.mockup import FaceFiles

    pv = render_previews(stands / "alpha" / "01-cover.pdf", tmp_path / "pv")[0]
    trim, bleed = (1200.0, 1800.0), PORTRAIT["bleed"] * 10
    faces = [(u, s) for u in range(1, units + 1) for s in "AB"]

    def mockup(image, name):
        return render_mockup([(image, u, s) for u, s in faces], trim, tmp_path / name,
                             bleed_mm=bleed, units=units, faces=2)

    from_files = mockup(FaceFiles(pv.thumb, pv.screen), "files.png")
    expected = mockup(Image.open(pv.thumb if thumb_used else pv.screen), "one.png")
    assert (from_files.panel_px[1] <= Image.open(pv.thumb).height) == thumb_used
    assert from_files.path.read_bytes() == expected.path.read_bytes()
