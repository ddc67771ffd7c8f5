"""The preview site's style sheet and its one small script, inlined into every page.

No external files, fonts or frameworks: the pages work from ``file://``.
The lightbox is pure CSS (``:target``); the script only adds keyboard
shortcuts to it (Esc closes, ← → step through the panels).
"""

from __future__ import annotations

__all__ = ["CSS", "JS"]

CSS = """
:root {
  --ink: #15191f; --muted: #5b6470; --faint: #8a929c; --line: #e2e5ea; --bg: #f4f5f7;
  --card: #fff; --brand: #0b4ea2; --brand-deep: #072f66; --accent: #ffd400;
  --ok: #17703a; --ok-bg: #e5f4ea; --warn: #8a4b00; --warn-bg: #fff3d6;
  --err: #a8231b; --err-bg: #fde8e6; --none: #5b6470; --none-bg: #eceef1;
  --radius: 10px; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 16px/1.55 var(--font);
  font-feature-settings: "kern", "liga"; -webkit-font-smoothing: antialiased; }
body:has(.lb:target) { overflow: hidden; }
a { color: var(--brand); text-underline-offset: .18em; text-decoration-thickness: 1px; }
a:hover { color: var(--brand-deep); text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; border-radius: 3px; }
img { max-width: 100%; height: auto; }
h1, h2, h3 { line-height: 1.2; letter-spacing: -.01em; margin: 0 0 .5em; text-wrap: balance; }
h1 { font-size: clamp(1.65rem, 1.2rem + 2vw, 2.55rem); font-weight: 750; }
h2 { font-size: clamp(1.25rem, 1.1rem + .7vw, 1.6rem); font-weight: 700; }
h3 { font-size: 1.08rem; font-weight: 700; }
p { margin: 0 0 1em; }
.num { font-variant-numeric: tabular-nums; }
.wrap { width: min(1200px, 100% - 2rem); margin-inline: auto; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--ink);
  padding: .5rem 1rem; z-index: 100; }
.skip:focus { left: 1rem; }

/* top bar */
.bar { background: var(--brand); color: #fff; border-bottom: 4px solid var(--accent); }
.bar .wrap { display: flex; align-items: baseline; gap: .4rem 1.25rem; flex-wrap: wrap;
  padding-block: .8rem; }
.bar a { color: #fff; text-decoration: none; }
.bar .brand { font-weight: 800; font-size: 1.15rem; letter-spacing: .01em; }
.bar .sub { opacity: .85; font-size: .95rem; }
.bar .crumb { margin-left: auto; font-size: .95rem; }
.bar .crumb a:hover { text-decoration: underline; }

main { padding-block: 2rem 3rem; }
section { margin-block: 0 2.75rem; }
.lead { font-size: 1.08rem; color: #2b323b; max-width: 62ch; }
.meta { color: var(--muted); font-size: .92rem; }

/* hero figures */
.figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1.25rem 0 1rem; padding: 0;
  list-style: none; }
.figures li { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow);
  padding: .7rem 1.1rem; min-width: 8.5rem; }
.figures b { display: block; font-size: 1.9rem; line-height: 1.1; color: var(--brand);
  font-variant-numeric: tabular-nums; font-weight: 800; }
.figures span { color: var(--muted); font-size: .92rem; }

/* notices */
.notice { border-radius: var(--radius); padding: 1rem 1.25rem; margin: 0 0 2rem;
  border-left: 5px solid var(--warn); background: var(--warn-bg); }
.notice h2 { font-size: 1.05rem; margin-bottom: .35rem; }
.notice h2 .count { display: inline-block; min-width: 1.6em; padding: 0 .45em; border-radius: 999px;
  background: var(--warn); color: #fff; font-size: .8rem; text-align: center; vertical-align: .1em; }
.notice details { margin-top: .5rem; }
.notice details ul { margin-top: .4rem; }
.notice li { overflow-wrap: anywhere; }
.notice ul { margin: 0; padding-left: 1.2rem; }
.notice li + li { margin-top: .3rem; }
.notice.plain { border-left-color: var(--brand); background: #e9f0fa; }

/* status badges */
.badge { display: inline-flex; align-items: center; gap: .35em; border-radius: 999px;
  padding: .12em .65em .15em; font-size: .82rem; font-weight: 650; white-space: nowrap;
  line-height: 1.5; vertical-align: middle; }
.badge::before { font-weight: 800; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.ok::before { content: "✓"; }
.badge.warning { color: var(--warn); background: var(--warn-bg); }
.badge.warning::before { content: "!"; }
.badge.error { color: var(--err); background: var(--err-bg); }
.badge.error::before { content: "✕"; }
.badge.none, .badge.missing { color: var(--none); background: var(--none-bg); }
.badge.none::before { content: "–"; }
.badge.missing::before { content: "?"; }

/* index: map and list */
.overview { display: grid; gap: 2rem; align-items: start; }
@media (min-width: 960px) {
  .overview { grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); }
  .map-card { position: sticky; top: 1rem; }
}
.card { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow); }
.map-card { padding: 1.1rem 1.1rem .8rem; margin: 0; }
.map-card h2 { font-size: 1.15rem; }
.map-card svg { display: block; width: 100%; height: auto; }
.map-card .note { font-size: .85rem; color: var(--muted); margin: .5rem 0 0; }
.map .river { fill: none; stroke: #b9d3ef; stroke-width: 9; stroke-linecap: round;
  stroke-linejoin: round; }
.map .river-name { fill: #6d9bd1; font-size: 11px; font-style: italic; letter-spacing: .08em; }
.map .pin circle.dot { fill: var(--brand); stroke: #fff; stroke-width: 2; }
.map .pin .true { fill: var(--ink); }
.map .pin line { stroke: var(--faint); stroke-width: 1; }
.map .pin text.n { fill: #fff; font-size: 11px; font-weight: 800; text-anchor: middle;
  dominant-baseline: central; }
.map .pin text.label { fill: var(--ink); font-size: 11px; font-weight: 600;
  paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.map a.pin:hover circle.dot, .map a.pin:focus circle.dot { fill: var(--brand-deep);
  stroke: var(--accent); stroke-width: 3; }
.map .scale line { stroke: var(--ink); stroke-width: 1.5; }
.map .scale text, .map .north text { fill: var(--muted); font-size: 10px; paint-order: stroke;
  stroke: #fafbfc; stroke-width: 3px; stroke-linejoin: round; }
.map .north path { fill: var(--muted); }
.map .frame { fill: #fafbfc; stroke: var(--line); }
.map .grid { fill: none; stroke: #e9ecf0; stroke-width: 1; }

.stand-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
.stand-card { position: relative; padding: 1rem 1.1rem 1rem; display: grid;
  grid-template-columns: auto 1fr; gap: .2rem 1rem; }
.stand-card .no { grid-row: span 3; width: 2.4rem; height: 2.4rem; border-radius: 50%;
  background: var(--brand); color: #fff; display: grid; place-items: center; font-weight: 800;
  font-variant-numeric: tabular-nums; }
.stand-card h3 { margin: 0; font-size: 1.1rem; }
.stand-card h3 a { color: var(--ink); text-decoration: none; }
.stand-card h3 a::after { content: ""; position: absolute; inset: 0; border-radius: var(--radius); }
.stand-card:hover { box-shadow: 0 0 0 2px var(--brand), var(--shadow); }
.stand-card:focus-within { box-shadow: 0 0 0 3px var(--accent), var(--shadow); }
.stand-card .addr { color: var(--muted); font-size: .93rem; margin: 0; }
.facts-inline { display: flex; flex-wrap: wrap; gap: .3rem .9rem; align-items: center;
  font-size: .9rem; color: #36404b; margin: .35rem 0 0; padding: 0; list-style: none; }
.strip { grid-column: 1 / -1; display: flex; gap: .4rem; overflow-x: auto; margin-top: .75rem;
  padding-bottom: .2rem; scrollbar-width: thin; position: relative; z-index: 1; }
.strip a { flex: none; border-radius: 3px; }
.strip a:hover img { box-shadow: 0 0 0 2px var(--brand); }
.strip img { height: 84px; width: auto; max-width: none; border-radius: 3px;
  box-shadow: 0 0 0 1px rgba(0,0,0,.08); background: #fff; flex: none; }
.strip.landscape img { height: 60px; }

/* stand page */
.stand-head { display: grid; gap: .35rem; margin-bottom: 1.25rem; }
.stand-head .kicker { display: flex; gap: .6rem; align-items: center; flex-wrap: wrap;
  color: var(--muted); font-weight: 650; font-size: .95rem; }
.stand-head .kicker .no { background: var(--brand); color: #fff; border-radius: 6px;
  padding: .05rem .55rem; font-variant-numeric: tabular-nums; }
.stand-head h1 { margin: 0; }
.stand-head .addr { font-size: 1.08rem; color: #36404b; margin: 0; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 1px;
  background: var(--line); border-radius: var(--radius); overflow: hidden; box-shadow: var(--shadow);
  margin: 0 0 1.5rem; }
.facts div { background: var(--card); padding: .75rem 1rem; }
.facts dt { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  font-weight: 650; }
.facts dd { margin: .15rem 0 0; font-weight: 600; }
.downloads { display: flex; flex-wrap: wrap; gap: .75rem; margin: 0 0 2.5rem; padding: 0;
  list-style: none; }
.downloads a { display: grid; gap: .05rem; text-decoration: none; background: var(--card);
  box-shadow: var(--shadow); border-radius: var(--radius); padding: .7rem 1rem .75rem;
  border: 1px solid var(--line); min-width: 14rem; }
.downloads a:hover { border-color: var(--brand); }
.downloads a b { color: var(--brand); }
.downloads a span { color: var(--muted); font-size: .86rem; }
.downloads a.primary { background: var(--brand); border-color: var(--brand); }
.downloads a.primary b, .downloads a.primary span { color: #fff; }
.files { margin: .25rem 0 2.5rem; font-size: .92rem; color: var(--muted); }
.files a { font-variant-numeric: tabular-nums; }

.units { display: grid; gap: 1.25rem; align-items: start;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 360px), 1fr)); }
.units.landscape { grid-template-columns: 1fr; }
.unit { padding: 1rem 1.1rem 1.1rem; }
.unit h3 { display: flex; gap: .6rem; align-items: baseline; }
.unit h3 small { color: var(--muted); font-weight: 500; font-size: .88rem; }
.faces { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); }
.faces.landscape { grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); }
.panel { margin: 0; display: grid; gap: .45rem; align-content: start; scroll-margin-top: 1rem; }
.panel .shot { display: block; border-radius: 4px; overflow: hidden; background: #fff;
  box-shadow: 0 0 0 1px rgba(0,0,0,.1), 0 2px 8px rgba(16,24,40,.1); transition: transform .15s; }
.panel .shot:hover { transform: translateY(-2px);
  box-shadow: 0 0 0 2px var(--brand), 0 6px 16px rgba(16,24,40,.16); }
.panel .shot img { display: block; width: 100%; }
.panel figcaption { display: grid; gap: .15rem; font-size: .9rem; }
.panel figcaption .t { font-weight: 700; }
.panel figcaption .s { color: var(--muted); }
.panel figcaption .row { display: flex; flex-wrap: wrap; gap: .35rem .7rem; align-items: center; }
.panel.empty .shot { display: grid; place-items: center; aspect-ratio: var(--ar, 2 / 3);
  background: repeating-linear-gradient(45deg, #f4f5f7 0 10px, #eceef1 10px 20px);
  color: var(--muted); font-size: .9rem; box-shadow: 0 0 0 1px var(--line); }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; font-size: .88rem; color: var(--muted);
  margin: -.25rem 0 1rem; }
.legend i { display: inline-block; width: 1.6rem; height: 0; vertical-align: middle;
  margin-right: .35rem; border-top: 2px solid; }
.legend .trim { border-color: #e6007e; }
.legend .bleed { border-color: #0096d6; border-top-style: dashed; }
.legend .safe { border-color: #009646; border-top-style: dashed; }

.mockup { padding: .75rem; }
.mockup img { display: block; width: 100%; }

table { border-collapse: collapse; width: 100%; background: var(--card); font-size: .95rem; }
.table-wrap { overflow-x: auto; border-radius: var(--radius); box-shadow: var(--shadow); }
th, td { text-align: left; padding: .6rem .85rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th { font-size: .78rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  background: #fafbfc; font-weight: 650; }
tbody tr:last-child td { border-bottom: 0; }
td.id { font-variant-numeric: tabular-nums; font-weight: 700; white-space: nowrap; }
td.url { overflow-wrap: anywhere; font-size: .9rem; }
td.url a { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .86rem; }

.findings { list-style: none; margin: 0; padding: 0; display: grid; gap: .6rem; }
.findings > li { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow);
  padding: .65rem 1rem; overflow-wrap: anywhere; }
.findings .head { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: center; }
.findings .path { font-weight: 650; overflow-wrap: anywhere; }
.findings ul { margin: .5rem 0 .1rem; padding-left: 1.1rem; font-size: .9rem; color: #36404b; }
.findings li li + li { margin-top: .2rem; }
.findings .sev { font-weight: 650; }
.findings .sev.warning { color: var(--warn); }
.findings .sev.error { color: var(--err); }
.findings code { font-size: .85em; background: var(--bg); border-radius: 4px; padding: .05em .35em; }
details > summary { cursor: pointer; color: var(--brand); font-weight: 600; }
.findings details { margin-top: .3rem; font-size: .9rem; }
.findings details ul { margin-top: .2rem; }
.checklist { padding-left: 1.2rem; max-width: 70ch; }
.checklist li + li { margin-top: .35rem; }

/* lightbox */
.lb { display: none; position: fixed; inset: 0; z-index: 50; background: rgba(9, 12, 18, .97);
  color: #fff; padding: .75rem; flex-direction: column; gap: .6rem; }
.lb:target { display: flex; }
.lb header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; }
.lb header h2 { font-size: 1.05rem; margin: 0; margin-right: auto; color: #fff; }
.lb a { color: #fff; }
.lb .stage { flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; }
.lb .stage a { display: contents; }
.lb .stage img { max-width: 100%; max-height: 100%; width: auto; height: auto; object-fit: contain;
  background: #fff; box-shadow: 0 10px 40px rgba(0,0,0,.5); cursor: zoom-in; }
.lb nav { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: center; font-size: .92rem; }
.lb .btn { display: inline-block; padding: .4rem .8rem; border: 1px solid rgba(255,255,255,.35);
  border-radius: 999px; text-decoration: none; white-space: nowrap; }
.lb .btn:hover { background: rgba(255,255,255,.12); color: #fff; }
.lb .btn[aria-disabled="true"] { opacity: .35; pointer-events: none; }
.lb-close { font-size: 1.6rem; line-height: 1; text-decoration: none; padding: .1rem .55rem; }

footer.site { border-top: 1px solid var(--line); color: var(--muted); font-size: .86rem;
  padding-block: 1.25rem 2rem; }

@media (max-width: 600px) {
  body { font-size: 15.5px; }
  main { padding-block: 1.25rem 2rem; }
  .bar .crumb { margin-left: 0; width: 100%; }
  .figures li { min-width: calc(50% - .4rem); flex: 1; }
  .downloads a { min-width: 0; width: 100%; }
  .faces { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .75rem; }
  .faces.landscape { grid-template-columns: 1fr; }
  .stand-card { gap: .2rem .75rem; padding: .9rem; }
  .stand-card .no { width: 2rem; height: 2rem; font-size: .9rem; }
  .map .pin text.label { display: none; }  /* too small to read: the numbered list names them */
  th, td { padding: .5rem .6rem; }
}
@media print {
  .bar, .lb, .skip, .downloads { display: none !important; }
  body { background: #fff; }
  .card, .figures li, .findings > li { box-shadow: none; border: 1px solid var(--line); }
}
@media (prefers-reduced-motion: reduce) { .panel .shot { transition: none; } }
""".strip()

JS = """
document.addEventListener("keydown", function (e) {
  var box = document.querySelector(".lb:target");
  if (!box) return;
  var sel = {Escape: ".lb-close", ArrowLeft: ".lb-prev", ArrowRight: ".lb-next"}[e.key];
  var a = sel && box.querySelector(sel);
  if (a && a.getAttribute("aria-disabled") !== "true") {
    e.preventDefault();
    location.replace(a.getAttribute("href"));
  }
});
""".strip()
