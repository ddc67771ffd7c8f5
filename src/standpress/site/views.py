"""What each page shows, as small typed records the templates render.

:func:`index_view` and :func:`stand_view` join the build's records (``data.py``) with
what is on disk in the output folder (previews, mock-up, PDFs, the printer's package)
and work out every link, relative to the page that holds it. No wording here: the
templates say it all, from ``strings.py``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from PIL import Image as PILImage

from ..manifest import package_path
from ..signoff import PanelState, file_sha256, panel_states
from .data import Panel, Preflight, Report, Stand, Summary
from .mapview import MapView, map_view
from .previews import PREVIEW_SUFFIX
from .notices import Notice, finding_notices, note_notices

__all__ = ["CaseRow", "Downloads", "FileCheck", "Image", "IndexView", "Lightbox", "PackageView",
           "PanelView", "PreflightView", "SignoffRow", "SignoffView", "StandCard", "StandView",
           "UnitView", "index_view", "stand_view", "url"]


def url(target: str, page_dir: str) -> str:
    """A relative, URL-quoted link from a page in ``page_dir`` (relative to the output
    folder) to ``target`` (relative to it too; a folder ends in "/")."""
    rel = posixpath.relpath(target, page_dir or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"  # a folder stays a folder
    return quote(rel, safe="/#-._~")


@dataclass(frozen=True)
class Image:
    href: str  # relative to the page
    width: int | None
    height: int | None

    @classmethod
    def of(cls, out: Path, rel: str, page_dir: str) -> Image:
        try:
            with PILImage.open(out / rel) as im:
                width, height = im.size
        except OSError:
            width = height = None
        return cls(url(rel, page_dir), width, height)


@dataclass(frozen=True)
class PanelView:
    panel: Panel
    no: str  # "01": from the file name, else the panel's place on the stand
    status: str  # its file's preflight status, or "missing"
    pdf: str | None  # link to the panel's PDF, when it is there
    screen: Image | None  # the previews, when they are there
    thumb: Image | None
    guides: Image | None
    signoff: PanelState | None = None  # served live: where the panel stands in the sign-off

    @property
    def srcset(self) -> bool:
        """The thumbnail and the screen image can be offered as a srcset."""
        return bool(self.thumb and self.screen and self.thumb.href != self.screen.href
                    and self.thumb.width and self.screen.width)


def _panel_no(panel: Panel, index: int) -> str:
    head = panel.stem.split("-")[0]
    return head if head.isdigit() else f"{index + 1:02d}"


def panel_view(out: Path, stand: Stand, index: int, pre: Preflight, page_dir: str,
               states: dict[str, PanelState] | None = None) -> PanelView:
    p = stand.panels[index]
    has_pdf = (out / p.file).is_file()
    images: dict[str, Image | None] = {"screen": None, "thumb": None, "guides": None}
    base = f"{stand.id}/preview/{p.stem}"
    for stem in (base, f"{base}-p01"):  # a one-page PDF, or the first page of a longer one
        screen, thumb, guides = (f"{stem}{PREVIEW_SUFFIX}", f"{stem}-thumb{PREVIEW_SUFFIX}",
                                 f"{stem}-guides.png")
        if (out / screen).is_file():
            thumb = thumb if (out / thumb).is_file() else screen
            images = {"screen": Image.of(out, screen, page_dir),
                      "thumb": Image.of(out, thumb, page_dir),
                      "guides": (Image.of(out, guides, page_dir)
                                 if (out / guides).is_file() else None)}
            break
    return PanelView(p, _panel_no(p, index), pre.status(p.file) if has_pdf else "missing",
                     url(p.file, page_dir) if has_pdf else None, **images,
                     signoff=(states or {}).get(p.file))


# ------------------------------------------------------------------ the index

@dataclass(frozen=True)
class StandCard:
    stand: Stand
    href: str
    status: str
    n_cases: int
    panels: tuple[PanelView, ...]  # those with a thumbnail
    approved: int | None = None  # served live: panels approved on their current bytes


@dataclass(frozen=True)
class IndexView:
    summary: Summary
    n_panels: int
    n_cases: int
    n_units: int
    map: MapView | None
    stands: tuple[StandCard, ...]
    notices: tuple[Notice, ...] = ()  # the build's warnings, for staff


def index_view(out: Path, summary: Summary, pre: Preflight, live: bool = False) -> IndexView:
    """``live``: as ``standpress serve`` sends it, with each stand's sign-off count."""
    states = {st.file: st for st in panel_states(out)} if live else {}
    cards = []
    for s in summary.stands:
        panels = [panel_view(out, s, i, pre, "") for i in range(len(s.panels))]
        approved = sum(states[p.file].approved for p in s.panels if p.file in states)
        cards.append(StandCard(s, url(f"{s.id}/index.html", ""), pre.stand_status(s),
                               len(s.cases()), tuple(p for p in panels if p.thumb),
                               approved if live else None))
    return IndexView(
        summary=summary, n_panels=sum(len(s.panels) for s in summary.stands),
        n_cases=sum(c.n_cases for c in cards),
        n_units=sum(s.units for s in summary.stands if s.units is not None),
        map=map_view(summary.stands, summary.river, summary.river_name), stands=tuple(cards),
        notices=tuple(n for s in summary.stands for n in note_notices(s.notes, s))
        + note_notices([n for n in summary.notes
                        if not any(n in s.notes for s in summary.stands)]))


# ------------------------------------------------------------------ a stand's page

@dataclass(frozen=True)
class UnitView:
    n: int
    sides: tuple[str, ...]  # the faces' letters, in order
    cells: tuple[PanelView | str, ...]  # a panel, or the letter of a face without one


@dataclass(frozen=True)
class PackageView:
    """The printer's package as ``standpress pack`` wrote it."""

    href: str
    name: str
    size: int  # bytes
    sha256: str


@dataclass(frozen=True)
class Downloads:
    stand_pdf: str | None  # links
    package: PackageView | None  # the zip, when pack has made it
    stand_id: str


@dataclass(frozen=True)
class CaseRow:
    id: str
    title: str | None
    panel: PanelView  # the first panel that carries the case
    url: str | None

    @property
    def link(self) -> bool:
        return bool(self.url and self.url.startswith(("http://", "https://")))


@dataclass(frozen=True)
class FileCheck:
    """One checked file on a stand's page."""

    name: str  # shown: relative to the stand's folder where it is in it
    href: str | None
    report: Report
    notices: tuple[Notice, ...] = ()  # its warnings and errors, worded for staff


@dataclass(frozen=True)
class PreflightView:
    found: bool  # any report at all in the output folder
    files: tuple[FileCheck, ...]

    def tally(self, status: str) -> int:
        return sum(1 for f in self.files if f.report.status == status)

    @property
    def with_problems(self) -> int:
        return sum(1 for f in self.files if f.report.problems)


@dataclass(frozen=True)
class Lightbox:
    panel: PanelView
    shown: Image  # the guides image where there is one, else the screen image
    prev: str | None  # the neighbours' lightboxes
    next: str | None


@dataclass(frozen=True)
class SignoffRow:
    panel: PanelView
    state: PanelState


@dataclass(frozen=True)
class SignoffView:
    """The stand's sign-off as ``standpress serve`` shows it (``live``), or, in the pages
    the build writes, an explanation of where to do it (``rows`` empty)."""

    live: bool
    rows: tuple[SignoffRow, ...]

    def tally(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state.state == state)


@dataclass(frozen=True)
class StandView:
    summary: Summary
    stand: Stand
    status: str
    downloads: Downloads
    guides: bool  # some preview shows the guides: the page explains them
    units: tuple[UnitView, ...]
    mockup: Image | None
    cases: tuple[CaseRow, ...]
    preflight: PreflightView
    lightboxes: tuple[Lightbox, ...]
    notices: tuple[Notice, ...] = ()  # the build's warnings about this stand, for staff
    signoff: SignoffView = SignoffView(False, ())


def _downloads(out: Path, s: Stand) -> Downloads:
    page_dir = s.id
    package, pkg = None, package_path(out, s.id)
    sha = file_sha256(pkg)
    if sha is not None:
        rel = pkg.resolve().relative_to(out.resolve()).as_posix()
        package = PackageView(url(rel, page_dir), pkg.name, pkg.stat().st_size, sha)
    return Downloads(stand_pdf=url(s.file, page_dir) if (out / s.file).is_file() else None,
                     package=package, stand_id=s.id)


def _units(s: Stand, panels: list[PanelView]) -> tuple[UnitView, ...]:
    """Every unit of the stand, each with its faces in order; an empty face is its letter."""
    by_unit: dict[int, list[PanelView]] = {}
    for pv in panels:
        by_unit.setdefault(pv.panel.unit, []).append(pv)
    n_units = max([s.units or 0] + list(by_unit))
    letters = [chr(ord("A") + k) for k in range(s.faces)] if s.faces is not None else []
    units = []
    for u in range(1, n_units + 1):
        by_side: dict[str, list[PanelView]] = {}
        for pv in by_unit.get(u, []):
            by_side.setdefault(pv.panel.side, []).append(pv)
        order = letters + sorted(side for side in by_side if side not in letters)
        cells: list[PanelView | str] = []
        for side in order:
            cells += by_side.get(side) or [side]
        units.append(UnitView(u, tuple(order), tuple(cells)))
    return tuple(units)


def _preflight(s: Stand, pre: Preflight) -> PreflightView:
    files = []
    for r in pre.for_stand(s):
        name = r.key.split(f"{s.id}/", 1)[-1] if f"{s.id}/" in r.key else r.key
        href = None if r.key.startswith("/") else url(r.key, s.id)
        files.append(FileCheck(name, href, r, finding_notices(s, r.key, r.problems)))
    return PreflightView(pre.found, tuple(files))


def _lightboxes(out: Path, panels: list[PanelView]) -> tuple[Lightbox, ...]:
    shown = [pv for pv in panels if pv.screen]
    boxes = []
    for k, pv in enumerate(shown):
        boxes.append(Lightbox(pv, pv.guides or pv.screen,
                              f"#view-{shown[k - 1].panel.stem}" if k > 0 else None,
                              f"#view-{shown[k + 1].panel.stem}" if k + 1 < len(shown) else None))
    return tuple(boxes)


def stand_view(out: Path, summary: Summary, s: Stand, pre: Preflight,
               live: bool = False) -> StandView:
    """``live``: as ``standpress serve`` sends it, with the sign-off's state and forms."""
    states = {st.file: st for st in panel_states(out, stand_ids=[s.id])} if live else {}
    panels = [panel_view(out, s, i, pre, s.id, states) for i in range(len(s.panels))]
    mockup = f"{s.id}/preview/mockup.png"
    return StandView(
        summary=summary, stand=s, status=pre.stand_status(s), downloads=_downloads(out, s),
        guides=any(pv.guides for pv in panels), units=_units(s, panels),
        mockup=Image.of(out, mockup, s.id) if (out / mockup).is_file() else None,
        cases=tuple(CaseRow(cid, s.case_titles.get(cid), panels[i], s.urls.get(cid))
                    for cid, i in s.cases()),
        preflight=_preflight(s, pre), lightboxes=_lightboxes(out, panels),
        notices=note_notices(s.notes, s),
        signoff=SignoffView(live, tuple(SignoffRow(pv, pv.signoff) for pv in panels
                                        if pv.signoff is not None)))
