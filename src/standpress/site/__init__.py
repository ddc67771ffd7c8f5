"""The preview site: PNG previews, scale mock-ups and static HTML for sign-off.

Contract
--------
In: a finished output folder ``out`` holding ``stands.json`` (written by the
build) and the PDFs it names; optionally ``preflight.json`` (``standpress
check``: a list of per-file reports ``{path, ok, findings[{check, severity,
detail, page}]}``, bare or under ``"reports"``) and each stand's ``print/``
folder and ``<id>-print.zip``.

Fields read from ``stands.json`` — required: ``stands[].id``, ``stands[].panels[].file``;
used when present (absence degrades gracefully): ``campaign``, ``generator``, ``date``,
``warnings[]``, ``catalogue_url``, ``map{river[[lat, lon]], river_name}``; per stand
``name``, ``short_name``, ``number``, ``address``, ``lat``, ``lon``, ``format``,
``format_name``, ``units``, ``faces``, ``serves[]``, ``file``, ``case_titles{id: title}``,
``urls{id: url}``; per panel ``kind``, ``unit``, ``side``, ``cases[]``, ``trim[w, h]``,
``bleed``, ``safe``.

Out (all inside ``out``; every path is returned by :func:`build_site`)::

    index.html                        every stand: map, list, status, thumbnails
    <id>/index.html                   one stand: panels by unit and face, lightbox,
                                      cases and QR links, preflight, downloads, mock-up
    <id>/preview/NN-kind.png          screen image of the bleed box, long side 1600 px
    <id>/preview/NN-kind-thumb.png    thumbnail, long side 360 px
    <id>/preview/NN-kind-guides.png   with guides=True: trim, bleed and safe lines
    <id>/preview/mockup.png           the stand's faces to scale beside a 1.75 m person

Pages are self-contained (inline CSS, a few lines of JS, no external assets
except the cases' own QR links), Ukrainian (``strings.py``), responsive and
deterministic: the same inputs give the same bytes, images included.

API: :func:`build_site`, :func:`write_site` (``html.py``), :func:`render_previews`
(``previews.py``), :func:`render_mockup` (``mockup.py``).
"""

from .html import build_site, write_site
from .mockup import MockupResult, render_mockup
from .previews import PreviewFiles, render_previews

__all__ = ["build_site", "write_site", "render_previews", "PreviewFiles", "render_mockup",
           "MockupResult"]
