"""The build's contract files as types: ``stands.json`` and ``preflight.json``.

The pipeline writes them, the preflight and the site read them, all through these
frozen dataclasses; nobody else parses the JSON. Each type has ``to_json()`` (a dict
ready for :func:`json.dumps`, keys in the order written) and ``from_json(data)``;
the two top-level types also have ``read(path)`` and ``write(path)``.

* :class:`StandsManifest` — ``stands.json``: what was built (campaign, date, warnings,
  one :class:`StandEntry` per stand with its :class:`PanelEntry` per panel file) and
  what the preflight must find in each file (trim, bleed, safe margin, ink limit,
  resolution, QR payloads, texts).
* :class:`PrintSpec` — what one finished PDF says about itself (stand, format, one
  :class:`PanelEntry` per page), carried in its XMP and in the print package's
  ``manifest.json``.
* :class:`PreflightManifest` — ``preflight.json``: one :class:`FileReport` per file
  read back, each a list of :class:`Finding` (check, severity, detail, page).

Reading is tolerant where the site needs it (a field that is absent reads as ``None``
or empty) and strict where nothing could work without it (``stands[].id``,
``stands[].panels[].file``, ``reports[].path``): a file that is missing, is not JSON or
lacks those raises :class:`~standpress.errors.InputError` naming the file.

Writing gives the same bytes as the build always wrote: UTF-8, ``ensure_ascii=False``,
``indent=1`` for ``stands.json`` and ``indent=2`` for ``preflight.json``, a final
newline. A manifest read and written again is the same file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, display_path

__all__ = ["package_path", "STANDS_JSON", "PREFLIGHT_JSON", "PACKAGES_DIR", "PROOFS_DIR", "CHECKS",
           "SEVERITIES", "PhotoEntry", "PanelEntry", "StandEntry", "RiverMap", "Note",
           "StandsManifest", "PrintSpec", "Finding", "FileReport", "PreflightManifest"]

STANDS_JSON = "stands.json"
PREFLIGHT_JSON = "preflight.json"
#: folders of the output folder that builds never write, swap or remove: ``pack``'s zips
#: and ``proof``'s office proofs (not for print: the preflight does not read them)
PACKAGES_DIR = "_packages"
PROOFS_DIR = "_proofs"
SEVERITIES = ("ok", "warning", "error")
#: the preflight's checks in the order of its table's and its JSON's columns; a check not
#: listed comes after these, in order of appearance
CHECKS = ("manifest", "file", "boxes", "pdfx", "fonts", "colour", "ink", "images", "qr", "text")
RANK = {s: i for i, s in enumerate(SEVERITIES)}


def package_path(out: Path, stand_id: str) -> Path:
    """Where ``standpress pack`` writes the zip of one stand's ``print/`` folder, and where
    the site and the sign-off look for it (``pipeline/package.py`` re-exports it)."""
    return Path(out) / PACKAGES_DIR / f"{stand_id}-print.zip"


def _unreadable(path: Path, message: str, hint: str | None = None) -> InputError:
    return InputError(f"cannot read {path.name}", [Problem(message, display_path(path),
                                                          hint=hint)])


def _read(from_json, path: Path, name: str, hint: str):
    """``from_json`` of the file ``path`` (or ``path/name``); every failure an InputError."""
    path = Path(path)
    if path.is_dir():
        path = path / name
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise _unreadable(path, "file not found", "run `standpress build` first") from None
    except (OSError, ValueError) as exc:
        raise _unreadable(path, f"not valid JSON: {exc}") from None
    try:
        return from_json(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise _unreadable(path, str(exc), hint) from None


def _dump(data: dict, path: Path, indent: int) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n",
                    encoding="utf-8")


def _tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def _dict(value: Any) -> dict:
    return dict(value) if isinstance(value, dict) else {}


# ------------------------------------------------------------------ stands.json


@dataclass(frozen=True)
class PhotoEntry:
    """A photo placed on a panel: whose it is, which file, the frame it fills (mm)."""

    case: str
    file: str  # the source's file name
    w: float
    h: float

    def to_json(self) -> dict:
        return {"case": self.case, "file": self.file, "w": self.w, "h": self.h}

    @classmethod
    def from_json(cls, data: dict) -> PhotoEntry:
        return cls(str(data.get("case", "")), str(data.get("file", "")),
                   float(data.get("w") or 0), float(data.get("h") or 0))


@dataclass(frozen=True)
class PanelEntry:
    """One panel file of a stand, and what the preflight must find in it."""

    file: str  # relative to the output folder: "<stand>/<NN-kind>.pdf"
    kind: str | None = None  # "cover", "cases", "locator", "catalogue"
    unit: int | None = None  # 1-based unit of the stand
    side: str | None = None  # "A" or "B"
    cases: tuple[str, ...] = ()  # case ids, in order
    trim: tuple[float, float] | None = None  # (w, h) in mm
    bleed: float | None = None  # mm
    safe: float | None = None  # mm
    ink_limit: float | None = None  # % total area coverage
    warn_ppi: float | None = None
    min_ppi: float | None = None
    qr: tuple[str, ...] = ()  # payloads of its QR codes
    texts: tuple[str, ...] = ()  # texts its extracted text must contain (empty: outlined)
    outlined_text: bool = False
    photos: tuple[PhotoEntry, ...] = ()  # in the order they are placed

    def to_json(self) -> dict:
        return {"file": self.file, "kind": self.kind, "unit": self.unit, "side": self.side,
                "cases": list(self.cases),
                "trim": list(self.trim) if self.trim is not None else None,
                "bleed": self.bleed, "safe": self.safe, "ink_limit": self.ink_limit,
                "warn_ppi": self.warn_ppi, "min_ppi": self.min_ppi, "qr": list(self.qr),
                "texts": list(self.texts), "outlined_text": self.outlined_text,
                "photos": [p.to_json() for p in self.photos]}

    @classmethod
    def from_json(cls, data: dict) -> PanelEntry:
        trim = data.get("trim")
        return cls(file=str(data["file"]), kind=data.get("kind"), unit=data.get("unit"),
                   side=data.get("side"), cases=_tuple(data.get("cases")),
                   trim=tuple(trim) if isinstance(trim, (list, tuple)) and len(trim) == 2
                   else None,
                   bleed=data.get("bleed"), safe=data.get("safe"),
                   ink_limit=data.get("ink_limit"), warn_ppi=data.get("warn_ppi"),
                   min_ppi=data.get("min_ppi"), qr=_tuple(data.get("qr")),
                   texts=_tuple(data.get("texts")),
                   outlined_text=bool(data.get("outlined_text", False)),
                   photos=tuple(PhotoEntry.from_json(p) for p in data.get("photos") or ()
                                if isinstance(p, dict)))


@dataclass(frozen=True)
class StandEntry:
    """One stand: where it stands, its format, its files and its cases."""

    id: str
    number: int | None = None
    name: str | None = None
    short_name: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    serves: tuple[str, ...] = ()  # districts
    format: str | None = None  # format id
    format_name: str | None = None
    units: int | None = None
    faces: int | None = None  # faces of one unit
    file: str | None = None  # the stand file, "<id>/<id>.pdf"
    case_titles: dict[str, str] = field(default_factory=dict)  # case id → title (read only)
    urls: dict[str, str] = field(default_factory=dict)  # case id → its page (read only)
    panels: tuple[PanelEntry, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "number": self.number, "name": self.name,
                "short_name": self.short_name, "address": self.address, "lat": self.lat,
                "lon": self.lon, "serves": list(self.serves), "format": self.format,
                "format_name": self.format_name, "units": self.units, "faces": self.faces,
                "file": self.file, "case_titles": dict(self.case_titles),
                "urls": dict(self.urls), "panels": [p.to_json() for p in self.panels]}

    @classmethod
    def from_json(cls, data: dict) -> StandEntry:
        return cls(id=str(data["id"]), number=data.get("number"), name=data.get("name"),
                   short_name=data.get("short_name"), address=data.get("address"),
                   lat=data.get("lat"), lon=data.get("lon"), serves=_tuple(data.get("serves")),
                   format=data.get("format"), format_name=data.get("format_name"),
                   units=data.get("units"), faces=data.get("faces"), file=data.get("file"),
                   case_titles=_dict(data.get("case_titles")), urls=_dict(data.get("urls")),
                   panels=tuple(PanelEntry.from_json(p) for p in data.get("panels") or ()))


@dataclass(frozen=True)
class RiverMap:
    """What the locator map and the site's map draw besides the stands."""

    river: tuple[tuple[float, float], ...] = ()  # (lat, lon) points
    river_name: str | None = None

    def to_json(self) -> dict:
        return {"river": [list(p) for p in self.river], "river_name": self.river_name}

    @classmethod
    def from_json(cls, data: dict) -> RiverMap:
        return cls(river=tuple(tuple(p) for p in data.get("river") or ()
                               if isinstance(p, (list, tuple))),
                   river_name=data.get("river_name"))


@dataclass(frozen=True)
class Note:
    """A build warning as data (:class:`~standpress.errors.Problem`'s fields), for readers
    that word it themselves (the site, in Ukrainian)."""

    message: str
    file: str | None = None
    place: str | None = None
    field: str | None = None
    hint: str | None = None
    severity: str = "warning"
    stand: str | None = None
    case: str | None = None
    kind: str | None = None

    @classmethod
    def of(cls, p: Problem) -> Note:
        return cls(p.message, p.file, p.place, p.field, p.hint, p.severity, p.stand, p.case,
                   p.kind)

    def to_json(self) -> dict:
        return {"message": self.message, "file": self.file, "place": self.place,
                "field": self.field, "hint": self.hint, "severity": self.severity,
                "stand": self.stand, "case": self.case, "kind": self.kind}

    @classmethod
    def from_json(cls, data: dict) -> Note:
        def opt(key):
            return None if data.get(key) is None else str(data[key])
        return cls(str(data.get("message", "")), opt("file"), opt("place"), opt("field"),
                   opt("hint"), str(data.get("severity") or "warning"), opt("stand"),
                   opt("case"), opt("kind"))


@dataclass(frozen=True)
class StandsManifest:
    """``stands.json``: every stand the build wrote, in the order of ``locations.toml``."""

    campaign: str | None = None  # "<title> <year>"
    generator: str | None = None  # "standpress <version>"
    date: str | None = None  # ISO date-time of the build (SOURCE_DATE_EPOCH)
    catalogue_url: str | None = None
    map: RiverMap = field(default_factory=RiverMap)
    warnings: tuple[str, ...] = ()  # the build's warnings, as the CLI prints them
    stands: tuple[StandEntry, ...] = ()
    notes: tuple[Note, ...] = ()  # the same warnings as data, in the same order

    def stand(self, stand_id: str) -> StandEntry | None:
        return next((s for s in self.stands if s.id == stand_id), None)

    def files(self) -> dict[str, PanelEntry]:
        """Every panel file (path relative to the output folder) → its entry."""
        return {p.file: p for s in self.stands for p in s.panels}

    def to_json(self) -> dict:
        return {"campaign": self.campaign, "generator": self.generator, "date": self.date,
                "catalogue_url": self.catalogue_url, "map": self.map.to_json(),
                "warnings": list(self.warnings), "stands": [s.to_json() for s in self.stands],
                "notes": [n.to_json() for n in self.notes]}

    @classmethod
    def from_json(cls, data: Any) -> StandsManifest:
        """Raises ``ValueError`` (with what is wrong) when a required part is missing."""
        if not isinstance(data, dict) or not isinstance(data.get("stands"), list):
            raise ValueError('no "stands" list')
        for s in data["stands"]:
            if not isinstance(s, dict) or not s.get("id"):
                raise ValueError('a stand entry has no "id"')
            for p in s.get("panels") or ():
                if not isinstance(p, dict) or not p.get("file"):
                    raise ValueError(f'a panel of stand "{s["id"]}" has no "file"')
        return cls(campaign=data.get("campaign"), generator=data.get("generator"),
                   date=data.get("date"), catalogue_url=data.get("catalogue_url"),
                   map=RiverMap.from_json(_dict(data.get("map"))),
                   warnings=tuple(str(w) for w in data.get("warnings") or ()),
                   stands=tuple(StandEntry.from_json(s) for s in data["stands"]),
                   notes=tuple(Note.from_json(n) for n in data.get("notes") or ()
                               if isinstance(n, dict)))

    @classmethod
    def read(cls, path: Path) -> StandsManifest:
        """``stands.json`` (or a folder holding it); :class:`InputError` if unusable."""
        return _read(cls.from_json, path, STANDS_JSON, "build again: the file is the build's")

    def write(self, path: Path) -> None:
        _dump(self.to_json(), path, indent=1)


# ------------------------------------------------------------------ a file's own spec


@dataclass(frozen=True)
class PrintSpec:
    """What one finished PDF says about itself: its stand and format and, per page, the
    :class:`PanelEntry` the preflight judges it by (one page for a panel file, one per
    panel for a stand file).

    The build writes it into each PDF's XMP (``render/pdfx.py``, namespace
    :data:`standpress.pdfread.SPEC_NS`) and into the print package's ``manifest.json``
    (``"spec"`` of each file), so that ``standpress check`` judges a file by its own
    format's floors and limits wherever it lies.
    """

    stand: str | None = None  # stand id
    format: str | None = None  # format id
    format_name: str | None = None
    pages: tuple[PanelEntry, ...] = ()

    def to_json(self) -> dict:
        return {"stand": self.stand, "format": self.format, "format_name": self.format_name,
                "pages": [p.to_json() for p in self.pages]}

    @classmethod
    def from_json(cls, data: Any) -> PrintSpec:
        """Raises ``ValueError`` when ``data`` is not a spec (no list of pages with files)."""
        if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
            raise ValueError('no "pages" list')
        if not all(isinstance(p, dict) and p.get("file") for p in data["pages"]):
            raise ValueError('a page has no "file"')
        return cls(stand=data.get("stand"), format=data.get("format"),
                   format_name=data.get("format_name"),
                   pages=tuple(PanelEntry.from_json(p) for p in data["pages"]))


# ------------------------------------------------------------------ preflight.json


@dataclass(frozen=True)
class Finding:
    """One verdict of one check about one file (or one page of it)."""

    check: str  # "boxes", "fonts", "images"…
    severity: str  # "ok" | "warning" | "error"
    detail: str
    page: int | None = None  # 1-based; None: the whole file

    def __post_init__(self) -> None:
        if self.severity not in RANK:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def to_json(self) -> dict:
        return {"check": self.check, "severity": self.severity, "page": self.page,
                "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict) -> Finding:
        return cls(str(data.get("check", "")), str(data.get("severity", "error")),
                   str(data.get("detail", "")), data.get("page"))


@dataclass(frozen=True)
class FileReport:
    """Every finding about one file."""

    path: str  # relative to the output folder when the build wrote it
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0  # wall time its preflight took (0 when replayed from the cache)

    @property
    def ok(self) -> bool:
        """No finding is an error (warnings allowed)."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def status(self, check: str) -> str | None:
        """The worst severity among the findings of ``check`` (None: not run)."""
        worst: str | None = None
        for f in self.findings:
            if f.check == check and (worst is None or RANK[f.severity] > RANK[worst]):
                worst = f.severity
        return worst

    def checks(self) -> list[str]:
        """The checks run, in order of appearance."""
        return list(dict.fromkeys(f.check for f in self.findings))

    def to_json(self, columns: list[str] | None = None) -> dict:
        columns = self.checks() if columns is None else columns
        return {"path": self.path, "ok": self.ok, "errors": len(self.errors),
                "warnings": len(self.warnings), "seconds": round(self.seconds, 3),
                "checks": {c: self.status(c) for c in columns if self.status(c) is not None},
                "findings": [f.to_json() for f in self.findings]}

    @classmethod
    def from_json(cls, data: dict) -> FileReport:
        return cls(str(data["path"]),
                   tuple(Finding.from_json(f) for f in data.get("findings") or ()
                         if isinstance(f, dict)),
                   float(data.get("seconds") or 0.0))


@dataclass(frozen=True)
class PreflightManifest:
    """``preflight.json``: the preflight's report on every file it read back."""

    reports: tuple[FileReport, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)

    def columns(self) -> list[str]:
        """The checks present, :data:`CHECKS` first in their order, then the others."""
        present = list(dict.fromkeys(c for r in self.reports for c in r.checks()))
        return [c for c in CHECKS if c in present] + [c for c in present if c not in CHECKS]

    def of_stand(self, stand_id: str) -> PreflightManifest:
        """The reports of the files in the stand's folder (``<id>/…``)."""
        return PreflightManifest(tuple(r for r in self.reports
                                       if r.path.startswith(stand_id + "/")))

    def report(self, path: str) -> FileReport | None:
        return next((r for r in self.reports if r.path == path), None)

    def to_json(self) -> dict:
        columns = self.columns()
        return {"ok": self.ok, "files": len(self.reports),
                "files_with_errors": sum(not r.ok for r in self.reports),
                "files_with_warnings": sum(bool(r.warnings) for r in self.reports),
                "reports": [r.to_json(columns) for r in self.reports]}

    @classmethod
    def from_json(cls, data: Any) -> PreflightManifest:
        """``{"reports": [...]}`` or a bare list of reports; ``ValueError`` if neither."""
        reports = data.get("reports") if isinstance(data, dict) else data
        if not isinstance(reports, list):
            raise ValueError('no "reports" list')
        if not all(isinstance(r, dict) and r.get("path") for r in reports):
            raise ValueError('a report has no "path"')
        return cls(tuple(FileReport.from_json(r) for r in reports))

    @classmethod
    def read(cls, path: Path) -> PreflightManifest:
        """``preflight.json`` (or a folder holding it); :class:`InputError` if unusable."""
        return _read(cls.from_json, path, PREFLIGHT_JSON, "run the preflight again")

    def write(self, path: Path) -> None:
        _dump(self.to_json(), path, indent=2)
