"""The static preview site's pages: ``index.html`` for all stands, ``<id>/index.html`` each.

:func:`write_site` is the site's one pipeline for pages: it reads the output folder
(``data.py``: ``stands.json``, the preflight reports), works out what each page shows
(``views.py``) and renders ``templates/index.html`` and ``templates/stand.html`` with
Jinja2, autoescaping every value. The build's site step renders the previews and the
mock-ups into ``<id>/preview/`` first (``previews.py``, ``mockup.py``); a page shows a
placeholder where one is missing.

Pages are self-contained (inline CSS and a few lines of JS, no external assets), work
from ``file://`` and are deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

from . import strings as words
from .data import load_summary, read_site
from .mockup import PERSON_MM
from .views import index_view, stand_view, url

__all__ = ["PERSON_MM", "environment", "load_summary", "render_live", "render_site",
           "write_site"]


def _kind_name(kind: str, strings: Mapping) -> str:
    """A panel kind's name: «Обкладинка»; «Панель» for a kind without one."""
    key = f"kind_{kind}"
    return words.t(key if key in strings else "kind_other", strings)


def _notice(n, strings: Mapping) -> str:
    """A notice worded: its own string, or the frame for warnings of other kinds."""
    return words.t(n.key if n.key in strings else "n_other", strings, **n.values)


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja2's per-user folder of compiled templates under the system's temporary folder,
    keyed by each template's source (compiling them took a third of a rebuild's site
    stage); none where that folder cannot be made safely (then they are compiled)."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def environment(strings: Mapping | None = None) -> Environment:
    """The Jinja2 environment of the site's templates, with ``strings`` (``STRINGS`` by
    default) and the helpers to word them as globals: ``t(key, **fields)``,
    ``count(n, key)``, ``word(n, key)``, ``metres(mm)``, ``decimal(x)``,
    ``date_text(iso)``, ``kind_name(kind)``, ``url(target, page_dir)``; filters
    ``f0``, ``f1`` (fixed decimals) and ``g`` (shortest). Every value is escaped
    (autoescape) and an undefined name is an error (``StrictUndefined``)."""
    S = strings or words.STRINGS
    env = Environment(loader=PackageLoader("standpress.site", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=_bytecode_cache())
    env.globals.update(
        strings=S, person_mm=PERSON_MM, url=url,
        t=partial(words.t, strings=S), count=partial(words.count, strings=S),
        word=partial(words.word, strings=S), metres=partial(words.metres, strings=S),
        decimal=partial(words.decimal, strings=S),
        date_text=partial(words.date_text, strings=S), kind_name=partial(_kind_name, strings=S),
        when=partial(words.when, strings=S), bytes_text=partial(words.bytes_text, strings=S),
        notice=partial(_notice, strings=S))
    env.filters.update(f0="{:.0f}".format, f1="{:.1f}".format, g="{:g}".format)
    return env


def render_site(out: Path, env: Environment | None = None) -> dict[str, str]:
    """The site's pages, by path relative to ``out``: ``index.html`` first, then each
    stand's ``<id>/index.html`` in the order of ``stands.json``."""
    out = Path(out)
    env = env or environment()
    summary, pre = read_site(out)
    pages = {"index.html": env.get_template("index.html").render(
        view=index_view(out, summary, pre), summary=summary, root="")}
    stand = env.get_template("stand.html")
    for s in summary.stands:
        pages[f"{s.id}/index.html"] = stand.render(view=stand_view(out, summary, s, pre),
                                                   summary=summary, root="../")
    return pages


def render_live(out: Path, rel: str, env: Environment | None = None) -> str | None:
    """The page ``rel`` (``index.html`` or ``<id>/index.html``) as ``standpress serve``
    sends it: with the sign-off's state and forms and the printer's zip as it is now on
    disk. None for any other path."""
    out = Path(out)
    env = env or environment()
    summary, pre = read_site(out)
    if rel == "index.html":
        return env.get_template("index.html").render(
            view=index_view(out, summary, pre, live=True), summary=summary, root="")
    for s in summary.stands:
        if rel == f"{s.id}/index.html":
            return env.get_template("stand.html").render(
                view=stand_view(out, summary, s, pre, live=True), summary=summary, root="../")
    return None


def write_site(out: Path, *, strings: Mapping | None = None) -> list[Path]:
    """Write ``out/index.html`` and ``out/<id>/index.html`` from ``out/stands.json``
    (and the preflight reports and previews found in ``out``); return their paths."""
    written = []
    for rel, text in render_site(Path(out), environment(strings)).items():
        path = Path(out) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written
