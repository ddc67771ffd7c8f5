"""The static preview site: ``index.html`` for all stands, ``<id>/index.html`` per stand.

:func:`write_site` reads ``out/stands.json`` (and ``out/preflight.json`` plus any
``out/<id>/print/preflight.json`` when present) and writes the pages; it expects
the previews at ``<id>/preview/<stem>.png``, ``<stem>-thumb.png`` (and
``<stem>-guides.png``, ``mockup.png`` when present) and shows a placeholder where
one is missing. :func:`build_site` renders the previews and mock-ups first, then
writes the pages.

Pages are self-contained (inline CSS and a few lines of JS, no external
assets), work from ``file://``, are escaped with :func:`html.escape`, and are
deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from PIL import Image

from ..errors import InputError, Problem, display_path
from .assets import CSS, JS
from .strings import STRINGS, count, date_text, metres, t, word

__all__ = ["build_site", "write_site", "load_summary", "Preflight"]

SUMMARY = "stands.json"
PREFLIGHT = "preflight.json"
PERSON_MM = 1750.0  # the mock-ups' person
_RANK = {"ok": 0, "none": 1, "warning": 2, "error": 3, "missing": 4}


def e(value) -> str:
    return html.escape(str(value), quote=True)


def load_summary(out: Path) -> dict:
    """``out/stands.json``, checked enough to be walked safely."""
    path = Path(out) / SUMMARY
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError("no stands to preview", [Problem(
            "file not found", display_path(path), hint="run `standpress build` first")]) from None
    except ValueError as exc:
        raise InputError("cannot read the build summary", [Problem(
            f"not valid JSON: {exc}", display_path(path))]) from None
    if not isinstance(data, dict) or not isinstance(data.get("stands"), list):
        raise InputError("cannot read the build summary", [Problem(
            'no "stands" list', display_path(path))])
    for s in data["stands"]:
        if not isinstance(s, dict) or not s.get("id"):
            raise InputError("cannot read the build summary", [Problem(
                'a stand entry has no "id"', display_path(path))])
        s.setdefault("panels", [])
    return data


# ------------------------------------------------------------------ preflight

class Preflight:
    """The preflight reports found in ``out``, looked up by path relative to ``out``."""

    def __init__(self, out: Path, stand_ids: list[str] | tuple[str, ...] = ()):
        self.out = Path(out)
        self.stand_ids = set(stand_ids)
        self.found = False
        self.reports: dict[str, dict] = {}  # key: posix path relative to out, or as written
        sources = [self.out / PREFLIGHT] + sorted(self.out.glob(f"*/print/{PREFLIGHT}"))
        for src in sources:
            try:
                data = json.loads(src.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            reports = data if isinstance(data, list) else data.get("reports", [])
            if not isinstance(reports, list):
                continue
            self.found = True
            for r in reports:
                if isinstance(r, dict) and r.get("path"):
                    self.reports.setdefault(self._key(str(r["path"]), src.parent), r)

    def _key(self, path: str, base: Path) -> str:
        p = Path(path)
        out = self.out.resolve()
        candidates = [p] if p.is_absolute() else [base / p, Path.cwd() / p, self.out / p]
        for c in candidates:
            try:
                if c.exists():
                    return c.resolve().relative_to(out).as_posix()
            except (ValueError, OSError):
                continue
        # written for a folder since moved or copied: from the last stand folder on
        parts = PurePosixPath(path.replace("\\", "/")).parts
        for i in range(len(parts) - 2, -1, -1):
            if parts[i] in self.stand_ids:
                return "/".join(parts[i:])
        return PurePosixPath(path.replace("\\", "/")).as_posix()

    def report(self, rel: str) -> dict | None:
        if rel in self.reports:
            return self.reports[rel]
        for key, r in sorted(self.reports.items()):
            if key.endswith("/" + rel):
                return r
        return None

    @staticmethod
    def status_of(report: dict | None) -> str:
        if report is None:
            return "none"
        sev = {f.get("severity") for f in report.get("findings", []) if isinstance(f, dict)}
        if report.get("ok") is False or "error" in sev:
            return "error"
        if "warning" in sev or report.get("warnings"):
            return "warning"
        return "ok"

    def status(self, rel: str) -> str:
        return self.status_of(self.report(rel))

    def for_stand(self, sid: str) -> list[tuple[str, dict]]:
        """Every report about a file in the stand's folder (panels, stand PDF, print/)."""
        found = []
        for key, r in sorted(self.reports.items()):
            parts = key.split("/")
            if parts[0] == sid:
                found.append((key, r))
            elif key.startswith("/") and len(parts) >= 3 and sid in parts[-3:-1]:
                found.append((key, r))  # a report written elsewhere: match on the folder name
        return found


def _worst(statuses) -> str:
    statuses = list(statuses)
    if not statuses:
        return "none"
    if all(s == "none" for s in statuses):
        return "none"
    return max((s for s in statuses if s != "none"), key=_RANK.__getitem__)


def _badge(status: str, S: dict) -> str:
    return f'<span class="badge {e(status)}">{e(t("status_" + status, S))}</span>'


# ------------------------------------------------------------------ paths

def _url(target: str, page_dir: str) -> str:
    """A relative, URL-quoted link from a page in ``page_dir`` (relative to out) to ``target``."""
    rel = posixpath.relpath(target, page_dir or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"  # a folder stays a folder
    return quote(rel, safe="/#-._~")


def _img_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as im:
            return im.size
    except OSError:
        return None


@dataclass(frozen=True)
class _Preview:
    screen: str | None  # paths relative to out
    thumb: str | None
    guides: str | None
    screen_size: tuple[int, int] | None
    thumb_size: tuple[int, int] | None


def _preview(out: Path, sid: str, panel: dict) -> _Preview:
    stem = PurePosixPath(str(panel.get("file", ""))).stem
    base = f"{sid}/preview/"
    found = {}
    for suffix in ("", "-p01"):
        if (out / f"{base}{stem}{suffix}.png").is_file():
            found = {"screen": f"{base}{stem}{suffix}.png", "thumb": f"{base}{stem}{suffix}-thumb.png",
                     "guides": f"{base}{stem}{suffix}-guides.png"}
            break
    if not found:
        return _Preview(None, None, None, None, None)
    thumb = found["thumb"] if (out / found["thumb"]).is_file() else found["screen"]
    guides = found["guides"] if (out / found["guides"]).is_file() else None
    return _Preview(found["screen"], thumb, guides, _img_size(out / found["screen"]),
                    _img_size(out / thumb))


# ------------------------------------------------------------------ words

def _stem(panel: dict) -> str:
    return PurePosixPath(str(panel.get("file", ""))).stem


def _panel_no(panel: dict, index: int) -> str:
    head = _stem(panel).split("-")[0]
    return head if head.isdigit() else f"{index + 1:02d}"


def _kind(panel: dict, S: dict) -> str:
    key = f"kind_{panel.get('kind', '')}"
    return t(key, S) if key in S else t("kind_other", S)


def _num(value) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def _stand_no(stand: dict, index: int) -> int:
    n = stand.get("number")
    return n if isinstance(n, int) else index + 1


def _case_ids(stand: dict) -> list[tuple[str, dict]]:
    seen: dict[str, dict] = {}
    for p in stand.get("panels", []):
        for cid in p.get("cases", []) or []:
            seen.setdefault(str(cid), p)
    return list(seen.items())


def _orientation(stand: dict) -> str:
    trims = [p.get("trim") for p in stand.get("panels", []) if p.get("trim")]
    try:
        w, h = (float(v) for v in trims[0])
        return "landscape" if w > h else "portrait"
    except (IndexError, TypeError, ValueError):
        return "portrait"


# ------------------------------------------------------------------ page frame

def _document(title: str, body: str, *, data: dict, root: str, crumb: str, S: dict) -> str:
    campaign = data.get("campaign") or ""
    generator = data.get("generator") or "standpress"
    date = date_text(str(data.get("date", "")), S) if data.get("date") else ""
    gen_line = t("generated", S, generator=generator, date=date) if date else generator
    crumb_html = f'<span class="crumb">{crumb}</span>' if crumb else ""
    return (
        "<!doctype html>\n"
        f'<html lang="{e(S["lang"])}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{e(generator)}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{e(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f'<a class="skip" href="#main">{e(t("skip", S))}</a>\n'
        f'<header class="bar"><div class="wrap"><a class="brand" href="{root}index.html">'
        f'{e(campaign)}</a><span class="sub">{e(t("site_name", S))}</span>{crumb_html}</div></header>\n'
        f'<main id="main" class="wrap">\n{body}\n</main>\n'
        f'<footer class="site"><div class="wrap"><p>{e(gen_line)}</p>'
        f'<p>{e(t("footer", S))}</p></div></footer>\n'
        f"<script>\n{JS}\n</script>\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------ the map

def _label_box(x: float, y: float, w: float, h: float,
               anchor: str) -> tuple[float, float, float, float]:
    if anchor == "start":
        return x, y - h / 2, x + w, y + h / 2
    if anchor == "end":
        return x - w, y - h / 2, x, y + h / 2
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def _overlap(a, b, pad: float = 2) -> bool:
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1])


def _nice_km(km: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if step >= km:
            return step
    return 1000


def _steps(length: float, step: float) -> list[float]:
    """Grid positions ``step`` apart, centred in ``length``."""
    n = int(length // step)
    start = (length - n * step) / 2
    return [start + i * step for i in range(n + 1)]


def _map_svg(stands: list[dict], data: dict, page_dir: str, S: dict) -> str | None:
    pts = []
    for i, s in enumerate(stands):
        try:
            pts.append((s, float(s["lat"]), float(s["lon"]), _stand_no(s, i)))
        except (KeyError, TypeError, ValueError):
            continue
    if not pts:
        return None
    lat0 = sum(p[1] for p in pts) / len(pts)
    k = math.cos(math.radians(lat0))

    def proj(lat: float, lon: float) -> tuple[float, float]:
        return lon * k, -lat

    xy = [proj(p[1], p[2]) for p in pts]
    x0, x1 = min(x for x, _ in xy), max(x for x, _ in xy)
    y0, y1 = min(y for _, y in xy), max(y for _, y in xy)
    span = max(x1 - x0, y1 - y0, 0.01)
    pad = 0.16 * span
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    W = 480.0
    ppu = W / (x1 - x0)
    H = (y1 - y0) * ppu
    if H < 300:  # keep the frame from getting too flat: widen the latitude range
        extra = (300 - H) / ppu / 2
        y0, y1, H = y0 - extra, y1 + extra, 300.0
    elif H > 560:
        extra = (H / 560 * W - W) / ppu / 2
        x0, x1 = x0 - extra, x1 + extra
        ppu = W / (x1 - x0)
        H = (y1 - y0) * ppu

    def px(lat: float, lon: float) -> tuple[float, float]:
        x, y = proj(lat, lon)
        return (x - x0) * ppu, (y - y0) * ppu

    parts = [f'<svg class="map" viewBox="0 0 {W:.0f} {H:.0f}" role="img" '
             f'aria-labelledby="map-t map-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="map-t">{e(t("map_title", S))}</title>',
             f'<desc id="map-d">{e(t("map_desc", S))}</desc>',
             '<defs><clipPath id="map-clip"><rect width="100%" height="100%" rx="8"/></clipPath></defs>',
             f'<rect class="frame" x=".5" y=".5" width="{W - 1:.0f}" height="{H - 1:.0f}" rx="8"/>']
    # a faint grid, one line per scale-bar step, so the frame reads as a map
    km_per_px = 111.32 / ppu
    km = _nice_km(km_per_px * W / 5)
    step = km / km_per_px
    grid = [f'M{gx:.1f} 0 V{H:.0f}' for gx in _steps(W, step)]
    grid += [f'M0 {gy:.1f} H{W:.0f}' for gy in _steps(H, step)]
    parts.append(f'<path class="grid" clip-path="url(#map-clip)" d="{" ".join(grid)}"/>')
    m = data.get("map") if isinstance(data.get("map"), dict) else {}
    river = m.get("river") or []
    try:
        rpts = [px(float(a), float(b)) for a, b in river]
    except (TypeError, ValueError):
        rpts = []
    if len(rpts) >= 2:
        d = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in rpts)
        parts.append(f'<g clip-path="url(#map-clip)"><path class="river" d="{d}"/>')
        if m.get("river_name"):
            inside = [p for p in rpts if 20 < p[0] < W - 60 and 30 < p[1] < H - 30]
            if inside:
                rx, ry = inside[len(inside) // 2]
                parts.append(f'<text class="river-name" x="{rx + 10:.1f}" y="{ry:.1f}">'
                             f'{e(m["river_name"])}</text>')
        parts.append("</g>")

    # markers: true positions, then pushed apart so numbers never sit on each other
    r = 11.0
    true = [px(p[1], p[2]) for p in pts]
    pos = [list(q) for q in true]
    for _ in range(80):
        moved = False
        for i in range(len(pos)):
            for j in range(i + 1, len(pos)):
                dx, dy = pos[j][0] - pos[i][0], pos[j][1] - pos[i][1]
                dist = math.hypot(dx, dy)
                need = 2 * r + 3
                if dist < need:
                    if dist < 1e-6:
                        dx, dy, dist = 1.0, 0.0, 1.0
                    push = (need - dist) / 2 + 0.01
                    ux, uy = dx / dist, dy / dist
                    pos[i][0] -= ux * push
                    pos[i][1] -= uy * push
                    pos[j][0] += ux * push
                    pos[j][1] += uy * push
                    moved = True
        for q in pos:
            q[0] = min(max(q[0], r + 4), W - r - 4)
            q[1] = min(max(q[1], r + 4), H - r - 4)
        if not moved:
            break

    # labels: right, left, below, above; skipped when none fits (the list names every stand)
    fs, ch = 11.0, 6.3
    taken = [(x - r, y - r, x + r, y + r) for x, y in pos]
    taken.append((W - 70, H - 40, W, H))  # scale bar and north arrow corner
    taken.append((W - 40, 0, W, 46))
    labels: list[str | None] = []
    for (s, _, _, n), (x, y) in zip(pts, pos):
        text = str(s.get("short_name") or s.get("name") or s["id"])
        w = ch * len(text) + 2
        chosen = None
        for anchor, lx, ly in (("start", x + r + 4, y), ("end", x - r - 4, y),
                               ("middle", x, y + r + 10), ("middle", x, y - r - 10)):
            box = _label_box(lx, ly, w, fs + 2, anchor)
            if box[0] < 4 or box[2] > W - 4 or box[1] < 4 or box[3] > H - 4:
                continue
            if any(_overlap(box, b) for b in taken):
                continue
            taken.append(box)
            chosen = (f'<text class="label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" '
                      f'dominant-baseline="central">{e(text)}</text>')
            break
        labels.append(chosen)

    for (s, _, _, n), (tx, ty), (x, y), label in zip(pts, true, pos, labels):
        name = str(s.get("name") or s["id"])
        href = _url(f"{s['id']}/index.html", page_dir)
        parts.append(f'<a class="pin" href="{href}" aria-label="{e(f"{n}. {name}")}">'
                     f"<title>{e(f'{n}. {name}')}</title>")
        if math.hypot(x - tx, y - ty) > 2:
            parts.append(f'<line x1="{tx:.1f}" y1="{ty:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>'
                         f'<circle class="true" cx="{tx:.1f}" cy="{ty:.1f}" r="2"/>')
        parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="{r:g}"/>'
                     f'<text class="n" x="{x:.1f}" y="{y:.1f}">{e(n)}</text>')
        if label:
            parts.append(label)
        parts.append("</a>")

    # scale bar and north arrow
    bar = step
    bx, by = W - 14 - bar, H - 14
    parts.append(f'<g class="scale"><line x1="{bx:.1f}" y1="{by:.1f}" x2="{bx + bar:.1f}" y2="{by:.1f}"/>'
                 f'<line x1="{bx:.1f}" y1="{by - 4:.1f}" x2="{bx:.1f}" y2="{by:.1f}"/>'
                 f'<line x1="{bx + bar:.1f}" y1="{by - 4:.1f}" x2="{bx + bar:.1f}" y2="{by:.1f}"/>'
                 f'<text x="{bx + bar / 2:.1f}" y="{by - 6:.1f}" text-anchor="middle">'
                 f'{e(t("map_km", S, n=_num(km).replace(".", S["decimal_comma"])))}</text></g>')
    parts.append(f'<g class="north" aria-hidden="true"><path d="M{W - 22:.0f} 12 l6 16 l-6 -4 l-6 4 z"/>'
                 f'<text x="{W - 22:.0f}" y="40" text-anchor="middle">{e(t("map_north", S))}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)


# ------------------------------------------------------------------ index

def _thumb_strip(out: Path, stand: dict, page_dir: str, S: dict) -> str:
    sid = stand["id"]
    imgs = []
    for i, p in enumerate(stand.get("panels", [])):
        pv = _preview(out, sid, p)
        if not pv.thumb:
            continue
        no = _panel_no(p, i)
        alt = t("panel_alt", S, num=no, kind=_kind(p, S), unit=t("unit_short", S, n=p.get("unit", 1)),
                side=t("side", S, side=p.get("side", "A")))
        size = f' width="{pv.thumb_size[0]}" height="{pv.thumb_size[1]}"' if pv.thumb_size else ""
        imgs.append(f'<a href="{_url(f"{sid}/index.html", page_dir)}#view-{e(_stem(p))}">'
                    f'<img src="{_url(pv.thumb, page_dir)}" alt="{e(alt)}"{size} loading="lazy"></a>')
    if not imgs:
        return ""
    label = t("thumbs_label", S, name=stand.get("short_name") or stand.get("name") or sid)
    cls = "strip landscape" if _orientation(stand) == "landscape" else "strip"
    return f'<div class="{cls}" role="group" aria-label="{e(label)}">{"".join(imgs)}</div>'


def _stand_status(stand: dict, pre: Preflight) -> str:
    if not pre.found:
        return "none"
    sid = stand["id"]
    statuses = [Preflight.status_of(r) for _, r in pre.for_stand(sid)]
    statuses += [pre.status(str(p.get("file", ""))) for p in stand.get("panels", [])]
    return _worst(statuses)


def _index_page(out: Path, data: dict, pre: Preflight, S: dict) -> str:
    stands = data["stands"]
    campaign = data.get("campaign") or ""
    n_panels = sum(len(s.get("panels", [])) for s in stands)
    n_cases = sum(len(_case_ids(s)) for s in stands)
    n_units = sum(int(s["units"]) for s in stands if isinstance(s.get("units"), int))
    figures = [count(len(stands), "fig_stands", S), count(n_panels, "fig_panels", S),
               count(n_cases, "fig_cases", S)]
    if n_units:
        figures.append(count(n_units, "fig_units", S))
    fig_html = "".join(f"<li><b>{e(f.split(' ', 1)[0])}</b><span>{e(f.split(' ', 1)[1])}</span></li>"
                       for f in figures)
    title = t("index_title", S, campaign=campaign) if campaign else t("site_name", S)
    body = [f'<section class="hero"><h1>{e(title)}</h1>',
            f'<p class="lead">{e(t("index_lead", S))}</p>',
            f'<ul class="figures" aria-label="{e(t("site_name", S))}">{fig_html}</ul></section>']
    warnings = [w for w in data.get("warnings", []) or [] if str(w).strip()]
    if warnings:
        shown, rest = warnings[:3], warnings[3:]
        more = ""
        if rest:
            more = (f'<details><summary>{e(t("warnings_more", S, n=len(rest)))}</summary><ul>'
                    + "".join(f"<li>{e(w)}</li>" for w in rest) + "</ul></details>")
        body.append(f'<aside class="notice" role="note" aria-labelledby="h-warn"><h2 id="h-warn">'
                    f'{e(t("warnings_heading", S))} <span class="count">{len(warnings)}</span></h2>'
                    f'<ul>{"".join(f"<li>{e(w)}</li>" for w in shown)}</ul>{more}</aside>')
    svg = _map_svg(stands, data, "", S)
    map_html = (f"{svg}\n<p class=\"note\">{e(t('map_note', S))}</p>" if svg
                else f'<p class="note">{e(t("map_none", S))}</p>')
    body.append('<div class="overview">')
    body.append(f'<section class="card map-card" aria-labelledby="h-map"><h2 id="h-map">'
                f'{e(t("map_heading", S))}</h2>\n{map_html}</section>')
    body.append(f'<section aria-labelledby="h-stands"><h2 id="h-stands">{e(t("stands_heading", S))}</h2>'
                '<ol class="stand-list">')
    for i, s in enumerate(stands):
        sid = s["id"]
        n = _stand_no(s, i)
        facts = []
        if s.get("format_name") or s.get("format"):
            facts.append(e(s.get("format_name") or s.get("format")))
        facts.append(e(count(len(s.get("panels", [])), "fig_panels", S)))
        facts.append(e(count(len(_case_ids(s)), "fig_cases", S)))
        facts.append(_badge(_stand_status(s, pre), S))
        address = s.get("address") or t("address_unknown", S)
        body.append(
            f'<li class="card stand-card" id="s-{e(sid)}"><span class="no" aria-hidden="true">{e(n)}</span>'
            f'<h3><a href="{_url(f"{sid}/index.html", "")}">{e(s.get("name") or sid)}</a></h3>'
            f'<p class="addr">{e(address)}</p>'
            f'<ul class="facts-inline">{"".join(f"<li>{f}</li>" for f in facts)}</ul>'
            f'{_thumb_strip(out, s, "", S)}</li>')
    body.append("</ol></section></div>")
    return _document(title, "\n".join(body), data=data, root="", crumb="", S=S)


# ------------------------------------------------------------------ stand page

def _figure(out: Path, sid: str, p: dict, index: int, pre: Preflight, S: dict, page_dir: str,
            orientation: str = "portrait") -> str:
    stem = _stem(p)
    no = _panel_no(p, index)
    kind = _kind(p, S)
    side = t("side", S, side=p.get("side", "A"))
    alt = t("panel_alt", S, num=no, kind=kind, unit=t("unit_short", S, n=p.get("unit", 1)), side=side)
    pv = _preview(out, sid, p)
    rel_pdf = str(p.get("file", ""))
    has_pdf = (out / rel_pdf).is_file()
    status = pre.status(rel_pdf) if pre.found else "none"
    if not has_pdf:
        status = "missing"
    if pv.thumb:
        size = f' width="{pv.thumb_size[0]}" height="{pv.thumb_size[1]}"' if pv.thumb_size else ""
        srcset = ""
        if pv.thumb_size and pv.screen_size and pv.thumb != pv.screen:
            sizes = ("(min-width: 1240px) 560px, 92vw" if orientation == "landscape"
                     else "(min-width: 1240px) 180px, (min-width: 760px) 24vw, 44vw")
            srcset = (f' srcset="{_url(pv.thumb, page_dir)} {pv.thumb_size[0]}w, '
                      f'{_url(pv.screen, page_dir)} {pv.screen_size[0]}w" sizes="{sizes}"')
        shot = (f'<a class="shot" href="#view-{e(stem)}"><img src="{_url(pv.thumb, page_dir)}"'
                f'{srcset} alt="{e(alt)}"{size} loading="lazy"></a>')
        cls = "panel"
    else:
        shot = f'<div class="shot">{e(t("panel_missing", S))}</div>'
        cls = "panel empty"
    cases = [str(c) for c in p.get("cases", []) or []]
    lines = [f'<span class="t">{e(t("panel_label", S, num=no, kind=kind))}</span>',
             f'<span class="s">{e(side)}'
             + (f' · {e(t("panel_cases", S, ids=", ".join(cases)))}' if cases else "") + "</span>"]
    row = [_badge(status, S)]
    if has_pdf:
        row.append(f'<a href="{_url(rel_pdf, page_dir)}">{e(t("panel_pdf", S))}</a>')
    lines.append(f'<span class="row">{"".join(row)}</span>')
    return (f'<figure class="{cls}" id="p-{e(stem)}">{shot}'
            f'<figcaption>{"".join(lines)}</figcaption></figure>')


def _empty_face(side: str, S: dict, orientation: str) -> str:
    ar = "2 / 1" if orientation == "landscape" else "2 / 3"
    return (f'<figure class="panel empty" style="--ar: {ar}"><div class="shot">'
            f'{e(t("side_empty", S))}</div><figcaption><span class="s">{e(t("side", S, side=side))}'
            f"</span></figcaption></figure>")


def _lightboxes(out: Path, stand: dict, S: dict, page_dir: str) -> str:
    sid = stand["id"]
    panels = [(i, p) for i, p in enumerate(stand.get("panels", [])) if _preview(out, sid, p).screen]
    boxes = []
    for k, (i, p) in enumerate(panels):
        stem = _stem(p)
        pv = _preview(out, sid, p)
        no = _panel_no(p, i)
        kind = _kind(p, S)
        side = t("side", S, side=p.get("side", "A"))
        unit = t("unit_short", S, n=p.get("unit", 1))
        title = f"{t('panel_label', S, num=no, kind=kind)} — {unit}, {side}"
        alt = t("panel_alt", S, num=no, kind=kind, unit=unit, side=side)
        shown = pv.guides or pv.screen
        size = _img_size(out / shown)
        size_attr = f' width="{size[0]}" height="{size[1]}"' if size else ""
        prev = f"#view-{_stem(panels[k - 1][1])}" if k > 0 else f"#p-{stem}"
        nxt = f"#view-{_stem(panels[k + 1][1])}" if k + 1 < len(panels) else f"#p-{stem}"
        dis_prev = "" if k > 0 else ' aria-disabled="true" tabindex="-1"'
        dis_next = "" if k + 1 < len(panels) else ' aria-disabled="true" tabindex="-1"'
        nav = [f'<a class="btn lb-prev" href="{e(prev)}"{dis_prev}>{e(t("lb_prev", S))}</a>',
               f'<a class="btn lb-next" href="{e(nxt)}"{dis_next}>{e(t("lb_next", S))}</a>',
               f'<a class="btn" href="{_url(shown, page_dir)}">{e(t("lb_full", S))}</a>']
        if pv.guides:
            nav.append(f'<a class="btn" href="{_url(pv.screen, page_dir)}">{e(t("guides_off", S))}</a>')
        if (out / str(p.get("file", ""))).is_file():
            nav.append(f'<a class="btn" href="{_url(str(p["file"]), page_dir)}">{e(t("panel_pdf", S))}</a>')
        boxes.append(
            f'<div class="lb" id="view-{e(stem)}" role="dialog" aria-modal="true" '
            f'aria-labelledby="lbt-{e(stem)}"><header><h2 id="lbt-{e(stem)}">{e(title)}</h2>'
            f'<a class="lb-close" href="#p-{e(stem)}" aria-label="{e(t("lb_close", S))}" '
            f'title="{e(t("lb_close", S))}">×</a></header>'
            f'<div class="stage"><a href="{_url(shown, page_dir)}"><img src="{_url(shown, page_dir)}" '
            f'alt="{e(alt)}"{size_attr} loading="lazy"></a></div>'
            f'<nav aria-label="{e(title)}">{"".join(nav)}</nav></div>')
    return "\n".join(boxes)


def _stand_warnings(stand: dict, data: dict) -> list[str]:
    keys = [stand["id"]] + [str(stand[k]) for k in ("name", "short_name") if stand.get(k)]
    return [str(w) for w in data.get("warnings", []) or [] if any(k in str(w) for k in keys)]


def _preflight_section(stand: dict, pre: Preflight, S: dict, page_dir: str) -> str:
    sid = stand["id"]
    head = (f'<section id="preflight" aria-labelledby="h-pre"><h2 id="h-pre">'
            f'{e(t("preflight_heading", S))}</h2>')
    if not pre.found:
        return head + f'<p class="notice plain">{e(t("preflight_none", S))}</p></section>'
    reports = dict(pre.for_stand(sid))
    for p in stand.get("panels", []):
        rel = str(p.get("file", ""))
        r = pre.report(rel)
        if r is not None and rel not in reports and not any(k.endswith("/" + rel) for k in reports):
            reports[rel] = r
    if not reports:
        return head + f'<p class="notice plain">{e(t("preflight_none", S))}</p></section>'
    items = []
    bad = 0
    tally = {"ok": 0, "warning": 0, "error": 0}
    for key, r in sorted(reports.items()):
        status = Preflight.status_of(r)
        tally[status] = tally.get(status, 0) + 1
        shown = key.split(f"{sid}/", 1)[-1] if f"{sid}/" in key else key
        findings = [f for f in r.get("findings", []) if isinstance(f, dict)
                    and f.get("severity") in ("warning", "error")]
        link = shown
        target = key if not key.startswith("/") else None
        if target and not PurePosixPath(target).is_absolute():
            link = f'<a href="{_url(target, page_dir)}">{e(shown)}</a>'
        else:
            link = e(shown)
        li = [f'<li><div class="head"><span class="path">{link}</span>{_badge(status, S)}</div>']
        if findings:
            bad += 1
            # errors first; a long list folds after the first three
            findings.sort(key=lambda f: f["severity"] != "error")
            rows = []
            for f in findings:
                page = f', {e(t("preflight_page", S, n=f["page"]))}' if f.get("page") else ""
                sev = e(t("sev_" + f["severity"], S))
                rows.append(f'<li><code>{e(f.get("check", ""))}</code> '
                            f'<span class="sev {e(f["severity"])}">{sev}</span>'
                            f'{page}: {e(f.get("detail", ""))}</li>')
            li.append(f'<ul>{"".join(rows[:3])}</ul>')
            if len(rows) > 3:
                li.append(f'<details><summary>{e(t("warnings_more", S, n=len(rows) - 3))}</summary>'
                          f'<ul>{"".join(rows[3:])}</ul></details>')
        li.append("</li>")
        items.append("".join(li))
    if not bad:
        intro = f'<p>{e(t("preflight_all_ok", S))}</p>'
    else:
        tally_text = t("preflight_tally", S, files=count(len(reports), "files", S),
                       errors=tally["error"], warnings=tally["warning"], ok=tally["ok"])
        intro = f"<p>{e(tally_text)}</p>"
    return head + intro + f'<ul class="findings">{"".join(items)}</ul></section>'


def _stand_page(out: Path, stand: dict, index: int, data: dict, pre: Preflight, S: dict) -> str:
    sid = stand["id"]
    page_dir = sid
    n = _stand_no(stand, index)
    name = str(stand.get("name") or sid)
    panels = stand.get("panels", [])
    status = _stand_status(stand, pre)
    orientation = _orientation(stand)
    body = [f'<div class="stand-head"><div class="kicker"><span class="no">'
            f'{e(t("stand_number", S, n=n))}</span>{_badge(status, S)}</div>',
            f"<h1>{e(name)}</h1>"]
    if stand.get("address"):
        body.append(f'<p class="addr">{e(stand["address"])}</p>')
    body.append("</div>")
    for w in _stand_warnings(stand, data):
        body.append(f'<aside class="notice" role="note"><p>{e(w)}</p></aside>')

    # facts
    facts = []
    if stand.get("format_name") or stand.get("format"):
        facts.append((t("meta_format", S), stand.get("format_name") or stand.get("format")))
    if panels and panels[0].get("trim"):
        w, h = panels[0]["trim"][:2]
        facts.append((t("meta_trim", S), t("meta_trim_value", S, w=_num(w), h=_num(h),
                                            bleed=_num(panels[0].get("bleed", 0)))))
    units, faces = stand.get("units"), stand.get("faces")
    if isinstance(units, int) and isinstance(faces, int):
        facts.append((t("meta_units", S), t(
            "meta_units_value", S, units=units, faces=faces, sides=word(faces, "sides", S),
            total=units * faces, fields=word(units * faces, "fields", S))))
    if stand.get("serves"):
        facts.append((t("meta_districts", S), ", ".join(str(d) for d in stand["serves"])))
    facts.append((t("meta_cases", S), str(len(_case_ids(stand)))))
    body.append('<dl class="facts">' + "".join(
        f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in facts) + "</dl>")

    # downloads
    dls = []
    stand_pdf = str(stand.get("file") or f"{sid}/{sid}.pdf")
    if (out / stand_pdf).is_file():
        note = t("dl_stand_pdf_note", S, n=len(panels), pages=word(len(panels), "pages", S))
        dls.append(f'<li><a class="primary" href="{_url(stand_pdf, page_dir)}"><b>'
                   f'{e(t("dl_stand_pdf", S))}</b><span>{e(note)}</span></a></li>')
    print_dir = out / sid / "print"
    if print_dir.is_dir():
        dls.append(f'<li><a href="{_url(f"{sid}/print/", page_dir)}"><b>{e(t("dl_print", S))}</b>'
                   f'<span>{e(t("dl_print_note", S))}</span></a></li>')
    zip_path = out / sid / f"{sid}-print.zip"
    if zip_path.is_file():
        dls.append(f'<li><a href="{_url(f"{sid}/{sid}-print.zip", page_dir)}"><b>{e(t("dl_zip", S))}'
                   f'</b><span>{e(zip_path.name)}</span></a></li>')
    if dls:
        body.append(f'<ul class="downloads" aria-label="{e(t("downloads_heading", S))}">'
                    f'{"".join(dls)}</ul>')
    if print_dir.is_dir():
        files = sorted(f.name for f in print_dir.iterdir() if f.is_file())
        if files:
            links = " · ".join(f'<a href="{_url(f"{sid}/print/{f}", page_dir)}">{e(f)}</a>'
                               for f in files)
            body.append(f'<p class="files">{e(t("print_files", S))} {links}</p>')

    # panels by unit
    body.append(f'<section id="panels" aria-labelledby="h-panels"><h2 id="h-panels">'
                f'{e(t("panels_heading", S))}</h2><p class="lead">{e(t("panels_lead", S))}</p>')
    if any(_preview(out, sid, p).guides for p in panels):
        body.append(f'<p class="legend" title="{e(t("guides_legend", S))}">'
                    + "".join(f'<span><i class="{k}"></i>{e(t("legend_" + k, S))}</span>'
                              for k in ("trim", "bleed", "safe")) + "</p>")
    by_unit: dict[int, list[tuple[int, dict]]] = {}
    for i, p in enumerate(panels):
        try:
            u = int(p.get("unit", 1))
        except (TypeError, ValueError):
            u = 1
        by_unit.setdefault(u, []).append((i, p))
    n_units = max([units if isinstance(units, int) else 0] + list(by_unit))
    side_names = [chr(ord("A") + k) for k in range(faces)] if isinstance(faces, int) else []
    body.append(f'<div class="units{" landscape" if orientation == "landscape" else ""}">')
    for u in range(1, n_units + 1):
        group = by_unit.get(u, [])
        figs = {}
        for i, p in group:
            fig = _figure(out, sid, p, i, pre, S, page_dir, orientation)
            figs.setdefault(str(p.get("side", "A")), []).append(fig)
        order = side_names + sorted(s for s in figs if s not in side_names)
        cells = []
        for side in order:
            cells += figs.get(side) or [_empty_face(side, S, orientation)]
        face_cls = "faces landscape" if orientation == "landscape" else "faces"
        sides_note = " · ".join(t("side", S, side=s) for s in order)
        body.append(f'<div class="card unit"><h3>{e(t("unit", S, n=u))} '
                    f'<small>{e(sides_note)}</small></h3>'
                    f'<div class="{face_cls}">{"".join(cells)}</div></div>')
    body.append("</div></section>")

    # mock-up
    mock = out / sid / "preview" / "mockup.png"
    if mock.is_file():
        size = _img_size(mock)
        size_attr = f' width="{size[0]}" height="{size[1]}"' if size else ""
        person = metres(PERSON_MM, S)
        alt = t("mockup_alt", S, units=count(n_units, "fig_units", S), h=person)
        body.append(f'<section id="mockup" aria-labelledby="h-mock"><h2 id="h-mock">'
                    f'{e(t("mockup_heading", S))}'
                    f'</h2><p class="lead">{e(t("mockup_lead", S, h=person))}</p>'
                    f'<div class="card mockup"><a href="{_url(f"{sid}/preview/mockup.png", page_dir)}">'
                    f'<img src="{_url(f"{sid}/preview/mockup.png", page_dir)}" alt="{e(alt)}"{size_attr} '
                    f'loading="lazy"></a></div></section>')

    # cases
    titles = stand.get("case_titles") if isinstance(stand.get("case_titles"), dict) else {}
    urls = stand.get("urls") if isinstance(stand.get("urls"), dict) else {}
    cases = _case_ids(stand)
    body.append(f'<section id="cases" aria-labelledby="h-cases"><h2 id="h-cases">'
                f'{e(t("cases_heading", S))}</h2>')
    if cases:
        rows = []
        for cid, p in cases:
            title = titles.get(cid)
            url = urls.get(cid)
            pno = _panel_no(p, panels.index(p))
            title_html = e(title) if title else f'<span class="meta">{e(t("title_unknown", S))}</span>'
            link = (f'<a href="{e(url)}" rel="noopener">{e(url)}</a>'
                    if isinstance(url, str) and url.startswith(("http://", "https://"))
                    else e(url) if url else e(t("link_none", S)))
            rows.append(f'<tr><td class="id">{e(cid)}</td><td>{title_html}</td>'
                        f'<td class="num"><a href="#p-{e(_stem(p))}">{e(pno)}</a></td>'
                        f'<td class="url">{link}</td></tr>')
        body.append(f'<p>{e(t("cases_lead", S))}</p><div class="table-wrap"><table><thead><tr>'
                    f'<th scope="col">{e(t("th_id", S))}</th><th scope="col">{e(t("th_title", S))}</th>'
                    f'<th scope="col">{e(t("th_panel", S))}</th><th scope="col">{e(t("th_link", S))}</th>'
                    f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    else:
        body.append(f'<p>{e(t("cases_none", S))}</p>')
    cat = data.get("catalogue_url")
    if isinstance(cat, str) and cat.startswith(("http://", "https://")):
        body.append(f'<p class="meta">{e(t("catalogue", S))}: '
                    f'<a href="{e(cat)}" rel="noopener">{e(cat)}</a></p>')
    body.append("</section>")

    body.append(_preflight_section(stand, pre, S, page_dir))
    body.append(f'<section id="checklist" aria-labelledby="h-check"><h2 id="h-check">'
                f'{e(t("checklist_heading", S))}</h2><ol class="checklist">'
                + "".join(f"<li>{e(x)}</li>" for x in S["checklist"]) + "</ol></section>")
    body.append(_lightboxes(out, stand, S, page_dir))
    title = f"{n}. {stand.get('short_name') or name} — {data.get('campaign') or t('site_name', S)}"
    crumb = f'<a href="../index.html">{e(t("nav_back", S))}</a>'
    return _document(title, "\n".join(body), data=data, root="../", crumb=crumb, S=S)


# ------------------------------------------------------------------ entry points

def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_site(out: Path, *, strings: dict | None = None) -> list[Path]:
    """Write ``out/index.html`` and ``out/<id>/index.html`` from ``out/stands.json``."""
    S = strings or STRINGS
    out = Path(out)
    data = load_summary(out)
    pre = Preflight(out, [s["id"] for s in data["stands"]])
    written = [_write(out / "index.html", _index_page(out, data, pre, S))]
    for i, stand in enumerate(data["stands"]):
        page = _stand_page(out, stand, i, data, pre, S)
        written.append(_write(out / stand["id"] / "index.html", page))
    return written


def _render_task(args: tuple) -> list:
    from .previews import render_previews

    pdf, pdir, kwargs = args
    return render_previews(pdf, pdir, **kwargs)


def build_site(out: Path, *, guides: bool = False, screen_px: int = 1600, thumb_px: int = 360,
               jobs: int = 1, strings: dict | None = None) -> list[Path]:
    """Previews for every panel in ``out/stands.json``, a mock-up per stand, then the pages.

    Returns every file written, in a fixed order. PNGs left in a ``<id>/preview/`` folder
    by an earlier run and not written now are removed (the folder belongs to the site).
    ``jobs`` > 1 renders the previews in that many processes (same bytes either way).
    """
    from .mockup import render_mockup

    S = strings or STRINGS
    out = Path(out)
    data = load_summary(out)
    tasks: list[tuple[str, dict, tuple]] = []
    for stand in data["stands"]:
        for p in stand["panels"]:
            pdf = out / str(p.get("file", ""))
            if pdf.is_file():
                kwargs = {"screen_px": screen_px, "thumb_px": thumb_px, "guides": guides,
                          "safe_mm": p.get("safe")}
                tasks.append((stand["id"], p, (pdf, out / stand["id"] / "preview", kwargs)))
    if jobs > 1 and len(tasks) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            rendered = list(pool.map(_render_task, [task for _, _, task in tasks]))
    else:
        rendered = [_render_task(task) for _, _, task in tasks]
    by_stand: dict[str, list[tuple[dict, list]]] = {}
    for (sid, p, _), files in zip(tasks, rendered):
        by_stand.setdefault(sid, []).append((p, files))

    written: list[Path] = []
    for stand in data["stands"]:
        sid = stand["id"]
        pdir = out / sid / "preview"
        mine: list[Path] = []
        faces = []
        trim, bleed = None, 0.0
        for p, files in by_stand.get(sid, []):
            for f in files:
                mine += [f.screen, f.thumb] + ([f.guides] if f.guides else [])
            if files:
                with Image.open(files[0].screen) as im:
                    faces.append((im.convert("RGB"), p.get("unit", 1), str(p.get("side", "A"))))
            if trim is None and p.get("trim"):
                trim = (float(p["trim"][0]), float(p["trim"][1]))
                bleed = float(p.get("bleed") or 0)
        if faces and trim:
            units = stand.get("units") if isinstance(stand.get("units"), int) else None
            nfaces = stand.get("faces") if isinstance(stand.get("faces"), int) else None
            res = render_mockup(faces, trim, pdir / "mockup.png", bleed_mm=bleed, units=units,
                                faces=nfaces, person_height_mm=PERSON_MM, strings=S)
            mine.append(res.path)
        if pdir.is_dir():
            keep = {p.resolve() for p in mine}
            for old in sorted(pdir.glob("*.png")):
                if old.resolve() not in keep:
                    old.unlink()
        written += mine
    written += write_site(out, strings=S)
    return written
