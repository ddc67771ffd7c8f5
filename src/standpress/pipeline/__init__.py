"""The build: load → normalise → plan → layout → render → check → publish.

Contract: :func:`build` takes :class:`BuildOptions` (the cases and locations files, the
output folder, what to make) and returns a :class:`BuildResult` (each stand's files and
warnings, what was made and reused, seconds per stage). It prints nothing; it raises a
:class:`~standpress.errors.StandpressError` with every problem at once, and then the
output folder is as it was. :func:`clean_output` removes what builds wrote there.

Read the modules in the order the build runs them:

=================  ====================================================================
``driver``         :func:`build`, stage by stage; the layout and render stages
``prepare``        load → normalise → plan (and the normalise memo)
``taskspec``       what a task is (context, keys, placements), light enough for the
                   main process; ``worker``: the runner that imports ``tasks`` where
                   a task runs
``tasks``          one function per product: layout, photo, pdf, stand, svg,
                   check(+preview), preview, mock-up
``scheduler``      the task graph and the worker processes, behind ``Scheduler``
``dask_scheduler`` the same tasks on a ``dask.distributed`` cluster (``--scheduler``)
``finish``         PDF/X-4 finishing; the stand file merged from its panels
``assemble``       the stand folders from the cache; ``stands.json`` (``manifest.py``)
``package``        each stand's ``print/`` folder for the print shop; ``pack``
``verify``         the preflight and previews of every written file; ``preflight.json``
``site_pages``     the HTML pages (``site/``); which mock-up each stand has (``verify``
                   makes them with the previews)
``publish``        the atomic swap, the owned-files manifest, clean
``cache``          the content-addressed cache every product goes through
``state``          what the stages share: cache, scheduler, tally, panel records
``progress``       what a build says while it works (the CLI draws it)
``proof``          office proofs made from a finished output folder
=================  ====================================================================

Incremental and parallel
========================

Every product — a laid-out panel, a prepared photo, a panel PDF, a stand PDF, an SVG, a
preflight report, preview PNGs, a mock-up, the print folder, the HTML — is stored in a
content-addressed cache (by default ``.standpress-cache`` beside the output folder)
under the SHA-256 of everything that goes into it:

=============  ==============================================================
product        key
=============  ==============================================================
layout         the panel's ``PanelInput`` (campaign, stand plan, panel, template,
               style, locations, map, date), the font files, the code
photo          the source file's SHA-256, the frame (w, h, focus), target ppi,
               ink limit, photo mode, the output profile, the code
panel PDF      the laid-out ``Page`` (its ``repr``), its photos' keys, fonts,
               profile, PDF/X metadata and date, ``outline_text``, the code
stand PDF      its title and its panels' PDF keys
SVG            the ``Page``, its photos' SHA-256, fonts, profile, ``outline_text``
preflight      the PDF's SHA-256, what ``stands.json`` expects of it, Ghostscript
preview PNGs   the PDF's SHA-256, its name, the preview sizes
mock-up        its faces' preview keys, trim, bleed, units, faces
=============  ==============================================================

"the code" is :func:`cache.code_fingerprint` (standpress's own source files and the
versions of the libraries that write the bytes). A rebuild asks the cache first and
makes only what is missing; a no-op rebuild makes nothing, and an edited case is laid
out again with its stand (its numbering and slug depend on the stand) but rendered,
checked and previewed again only on the panels whose ``Page`` changed, and in the stand
file. The published tree is assembled from the cache with hard links (copies across
file systems) and swapped in, so it is byte-identical to a cold build's.
``use_cache=False`` works in a throw-away cache inside the output folder.

Work is spread over ``jobs`` processes (default: one per core) in three phases — layout,
render (photos, panel PDFs, stand PDFs, SVGs), then preflight, previews and mock-ups
(each stand's as soon as its previews are) — each task writing its product into the cache under its key, so the bytes do
not depend on which process made them or in which order. The main process holds no
pages and no pixels, only keys and small metadata.
"""

from .driver import build
from .options import BuildOptions, BuildResult, StandResult
from .publish import clean_output

__all__ = ["build", "BuildOptions", "BuildResult", "StandResult", "clean_output"]
