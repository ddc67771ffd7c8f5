"""The site stage: previews linked into each stand's ``preview/``, a scale mock-up per
stand (made with the previews, in the check stage), and the HTML pages (``site/``), each
replayed from the cache when its inputs are the same."""

from __future__ import annotations

from pathlib import Path

from ..manifest import PREFLIGHT_JSON, STANDS_JSON, StandsManifest
from ..site.html import write_site
from .cache import code_fingerprint, digest, link
from .state import Run
from .verify import mockups


def site_pages(tmp: Path, summary: StandsManifest, previews: dict[str, str], run: Run) -> None:
    """The preview site, with previews from the cache (``previews``: key by panel file)."""
    cache, made = run.cache, run.made
    code = code_fingerprint()
    for stand in summary.stands:
        pdir = tmp / stand.id / "preview"
        for p in stand.panels:
            key = previews.get(p.file)
            if key is None:
                continue
            entry = cache.get("preview", key)
            pdir.mkdir(parents=True, exist_ok=True)
            for i, page in enumerate(entry.meta["pages"]):
                for role, name in page["names"].items():
                    if name is not None:
                        link(entry.paths[f"{i}-{role}"], pdir / name)
    mockup_keys = []  # each made with its stand's previews, in the check stage (verify.py)
    for sid, (key, *_) in mockups(summary, previews):
        link(cache.get("mockup", key).paths["png"], tmp / sid / "preview" / "mockup.png")
        mockup_keys.append(key)
    # the pages: a function of the folder (file names and sizes, the JSON files) and of
    # the previews' and mock-ups' keys (their content)
    listing = sorted([p.relative_to(tmp).as_posix(), p.stat().st_size]
                     for p in tmp.rglob("*") if p.is_file())
    key = digest("html", code, listing, (tmp / STANDS_JSON).read_bytes(),
                 (tmp / PREFLIGHT_JSON).read_bytes() if (tmp / PREFLIGHT_JSON).exists()
                 else None, sorted(previews.items()), mockup_keys)
    entry = cache.get("html", key)
    if entry is not None:
        for i, rel in enumerate(entry.meta["files"]):
            link(entry.paths[str(i)], tmp / rel)
        made.reused += 1
        return
    written = write_site(tmp)
    rels = [p.relative_to(tmp).as_posix() for p in written]
    cache.put("html", key, {str(i): p.read_bytes() for i, p in enumerate(written)},
              {"files": rels})
    made.append("html index.html")
