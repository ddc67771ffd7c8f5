"""The preview site: PNG previews, scale mock-ups and static HTML for sign-off.

Contract
--------
In: a finished output folder ``out`` holding ``stands.json`` (written by the build)
and the PDFs it names; optionally ``preflight.json`` (the build's or ``standpress
check``'s: a list of per-file reports ``{path, ok, findings[{check, severity, detail,
page}]}``, bare or under ``"reports"``), each stand's ``print/`` folder (with its own
``preflight.json``) and ``_packages/<id>-print.zip``. Only ``data.py`` parses these files.

Fields read from ``stands.json`` — required: ``stands[].id``, ``stands[].panels[]``
(objects); used when present (absence degrades gracefully): ``campaign``,
``generator``, ``date``, ``warnings[]``, ``catalogue_url``, ``map{river[[lat, lon]],
river_name}``; per stand ``name``, ``short_name``, ``number``, ``address``, ``lat``,
``lon``, ``format``, ``format_name``, ``units``, ``faces``, ``serves[]``, ``file``,
``case_titles{id: title}``, ``urls{id: url}``; per panel ``file``, ``kind``, ``unit``,
``side``, ``cases[]``, ``trim[w, h]``, ``bleed``.

Out (all inside ``out``)::

    index.html                        every stand: map, list, status, thumbnails
    <id>/index.html                   one stand: panels by unit and face, lightbox,
                                      cases and QR links, preflight, downloads, mock-up
    <id>/preview/NN-kind.jpg          screen image of the bleed box, long side 1600 px
    <id>/preview/NN-kind-thumb.jpg    thumbnail, long side 360 px
    <id>/preview/NN-kind-guides.png   with guides=True: trim, bleed and safe lines
    <id>/preview/mockup.png           the stand's faces to scale beside a 1.75 m person

The build's site step makes the images with :func:`render_previews` (``previews.py``)
and :func:`render_mockup` (``mockup.py``), then the pages with :func:`write_site`
(``html.py``): ``data.py`` reads, ``views.py`` (and ``mapview.py``) work out what
each page shows, ``templates/*.html`` say it in words from ``strings.py``, rendered
by Jinja2 with autoescape.

Pages are self-contained (inline CSS, a few lines of JS, no external assets except
the cases' own QR links), Ukrainian, responsive and deterministic: the same inputs
give the same bytes, images included.
"""

from .data import load_summary
from .html import write_site
from .mockup import PERSON_MM, MockupResult, render_mockup
from .previews import PreviewFiles, render_previews

__all__ = ["write_site", "load_summary", "render_previews", "PreviewFiles", "render_mockup",
           "MockupResult", "PERSON_MM"]
