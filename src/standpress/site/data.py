"""What the site reads from a build: ``stands.json`` and the preflight reports.

This module is the only place in the site that reads those files, and it reads them
through the build's own types (``standpress.manifest``: :class:`StandsManifest`,
:class:`PreflightManifest`): :func:`load_summary` checks ``stands.json`` and names every
malformed entry at once; :func:`read_site` gives the records the pages are made from:
:class:`Summary`, :class:`Stand`, :class:`Panel` and :class:`Preflight` with its
:class:`Report` and :class:`Finding`. Absent optional fields take the defaults below; a
malformed required field is an :class:`~standpress.errors.InputError` naming the file
and the entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError, Problem, display_path
from ..manifest import (PREFLIGHT_JSON, STANDS_JSON, Finding, Note, PanelEntry, PhotoEntry,
                        PreflightManifest, StandEntry, StandsManifest)

__all__ = ["SUMMARY", "PREFLIGHT", "Finding", "Note", "Panel", "PhotoEntry", "Preflight",
           "Report", "Stand", "Summary", "load_summary", "read_site", "worst"]

SUMMARY = STANDS_JSON
PREFLIGHT = PREFLIGHT_JSON
REBUILD = "the build writes this file: run `standpress build` again"
RANK = {"ok": 0, "none": 1, "warning": 2, "error": 3, "missing": 4}


def load_summary(out: Path) -> dict:
    """``out/stands.json``, checked enough to be walked safely: a ``stands`` list of
    objects, each with an ``id`` and a ``panels`` list of objects."""
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
    problems = []
    for i, s in enumerate(data["stands"]):
        if not isinstance(s, dict) or not s.get("id"):
            problems.append(Problem(f'stand entry {i + 1} has no "id"', display_path(path),
                                    field=f"stands[{i}]", hint=REBUILD))
            continue
        s.setdefault("panels", [])
        panels = s["panels"]
        if not isinstance(panels, list) or not all(isinstance(p, dict) for p in panels):
            problems.append(Problem(f'"panels" of stand {s["id"]!r} is not a list of objects',
                                    display_path(path), field=f"stands[{i}].panels",
                                    hint=REBUILD))
        elif not all(p.get("file") for p in panels):
            problems.append(Problem(f'a panel of stand {s["id"]!r} has no "file"',
                                    display_path(path), field=f"stands[{i}].panels",
                                    hint=REBUILD))
    if problems:
        raise InputError("cannot read the build summary", problems)
    return data


# ------------------------------------------------------------------ stands.json

@dataclass(frozen=True)
class Panel:
    file: str  # relative to the output folder
    kind: str  # "cover", "cases", "locator", "catalogue", or anything else
    unit: int
    side: str
    cases: tuple[str, ...]
    trim: tuple[float, float] | None  # mm
    bleed: float  # mm
    photos: tuple[PhotoEntry, ...] = ()  # the photos placed on it, in order
    min_ppi: float | None = None  # the format's floor and aim for photos
    warn_ppi: float | None = None

    @property
    def stem(self) -> str:
        return PurePosixPath(self.file).stem


@dataclass(frozen=True)
class Stand:
    id: str
    number: int
    name: str  # the full name, or the id
    short_name: str  # the short name, or the full name
    address: str
    lat: float | None
    lon: float | None
    format_name: str  # the format's display name, or its key, or ""
    units: int | None
    faces: int | None
    serves: tuple[str, ...]
    file: str  # the whole-stand PDF, relative to the output folder
    case_titles: dict[str, str]
    urls: dict[str, str]
    panels: tuple[Panel, ...]
    warnings: tuple[str, ...]  # the build's warnings that name this stand
    notes: tuple[Note, ...] = ()  # the same, as data (a build that wrote them)

    def cases(self) -> list[tuple[str, int]]:
        """Each case id once, with the index of the first panel that carries it."""
        seen: dict[str, int] = {}
        for i, p in enumerate(self.panels):
            for cid in p.cases:
                seen.setdefault(cid, i)
        return list(seen.items())

    @property
    def orientation(self) -> str:
        trims = [p.trim for p in self.panels if p.trim]
        return "landscape" if trims and trims[0][0] > trims[0][1] else "portrait"


@dataclass(frozen=True)
class Summary:
    campaign: str
    generator: str
    date: str  # ISO 8601, or ""
    warnings: tuple[str, ...]
    catalogue_url: str | None  # http(s) only
    river: tuple[tuple[float, float], ...]  # (lat, lon) points of the map's river
    river_name: str
    stands: tuple[Stand, ...]
    notes: tuple[Note, ...] = ()  # the build's warnings as data, when it wrote them


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value) -> str:
    return "" if value is None else str(value)


def _panel(p: PanelEntry) -> Panel:
    unit = _int(p.unit)
    trim = None
    try:
        if p.trim:
            trim = (float(p.trim[0]), float(p.trim[1]))
    except (TypeError, ValueError, IndexError):
        trim = None
    return Panel(file=_text(p.file), kind=_text(p.kind), unit=1 if unit is None else unit,
                 side=_text(p.side or "A"), cases=tuple(str(c) for c in p.cases),
                 trim=trim, bleed=_float(p.bleed) or 0.0, photos=p.photos,
                 min_ppi=_float(p.min_ppi), warn_ppi=_float(p.warn_ppi))


def _mine(n: Note, sid: str, case_ids: set[str], keys: list[str]) -> bool:
    """A note is a stand's if it says so, or its case is on the stand; a note that names
    neither goes to the stand its message quotes as «id» (as the build assigns them)."""
    if n.stand is not None:
        return n.stand == sid
    if n.case is not None:
        return n.case in case_ids
    return f"«{sid}»" in n.message


def _stand(s: StandEntry, index: int, warnings: tuple[str, ...], notes: tuple[Note, ...]) -> Stand:
    sid = s.id
    name = _text(s.name) or sid
    # until warnings say which stand they concern, a warning is a stand's if it names it
    keys = [sid] + [str(k) for k in (s.name, s.short_name) if k]
    panels = tuple(_panel(p) for p in s.panels)
    case_ids = {c for p in panels for c in p.cases}
    return Stand(
        id=sid, number=index + 1 if _int(s.number) is None else s.number, name=name,
        short_name=_text(s.short_name) or name, address=_text(s.address),
        lat=_float(s.lat), lon=_float(s.lon),
        format_name=_text(s.format_name or s.format),
        units=_int(s.units), faces=_int(s.faces),
        serves=tuple(str(d) for d in s.serves),
        file=_text(s.file) or f"{sid}/{sid}.pdf",
        case_titles={str(k): str(v) for k, v in s.case_titles.items() if v},
        urls={str(k): str(v) for k, v in s.urls.items() if v},
        panels=panels,
        warnings=tuple(w for w in warnings if any(k in w for k in keys)),
        notes=tuple(n for n in notes if _mine(n, sid, case_ids, keys)))


def _summary(m: StandsManifest) -> Summary:
    warnings = tuple(w for w in m.warnings if w.strip())
    cat = m.catalogue_url
    try:
        river = tuple((float(a), float(b)) for a, b in m.map.river)
    except (TypeError, ValueError):
        river = ()
    return Summary(
        campaign=_text(m.campaign),
        generator=_text(m.generator) or "standpress",
        date=_text(m.date), warnings=warnings,
        catalogue_url=cat if isinstance(cat, str) and cat.startswith(("http://", "https://"))
        else None,
        river=river, river_name=_text(m.map.river_name),
        stands=tuple(_stand(s, i, warnings, m.notes) for i, s in enumerate(m.stands)),
        notes=m.notes)


# ------------------------------------------------------------------ preflight.json

@dataclass(frozen=True)
class Report:
    """One file's preflight report."""

    key: str  # the file, relative to the output folder where it can be told, else as written
    ok: bool | None
    warned: bool  # the report counts warnings
    findings: tuple[Finding, ...]

    @property
    def status(self) -> str:
        severities = {f.severity for f in self.findings}
        if self.ok is False or "error" in severities:
            return "error"
        if "warning" in severities or self.warned:
            return "warning"
        return "ok"

    @property
    def problems(self) -> list[Finding]:
        """The warnings and errors, errors first."""
        found = [f for f in self.findings if f.severity in ("warning", "error")]
        return sorted(found, key=lambda f: f.severity != "error")


@dataclass
class Preflight:
    """The preflight reports found in an output folder, by path relative to it: its
    ``preflight.json`` (``standpress check``'s, or the build's) and each stand's
    ``<id>/print/preflight.json``; a list of reports, bare or under ``"reports"``."""

    out: Path
    stand_ids: set[str]
    found: bool = False
    reports: dict[str, Report] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path, stand_ids=()) -> Preflight:
        self = cls(Path(out), set(stand_ids))
        sources = [self.out / PREFLIGHT] + sorted(self.out.glob(f"*/print/{PREFLIGHT}"))
        for src in sources:
            try:
                manifest = PreflightManifest.from_json(json.loads(src.read_text("utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # no report there, or not one the site can read: "not checked"
            self.found = True
            for r in manifest.reports:
                key = self._key(r.path, src.parent)
                self.reports.setdefault(key, Report(key, r.ok, bool(r.warnings), r.findings))
        return self

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

    def report(self, rel: str) -> Report | None:
        if rel in self.reports:
            return self.reports[rel]
        for key, r in sorted(self.reports.items()):
            if key.endswith("/" + rel):
                return r
        return None

    def status(self, rel: str) -> str:
        """"none" when no report names the file."""
        r = self.report(rel)
        return "none" if r is None else r.status

    def for_stand(self, stand: Stand) -> list[Report]:
        """Every report about a file of the stand: in its folder (panels, stand PDF,
        ``print/``), or elsewhere in a folder named after it, or about one of its panels."""
        found: dict[str, Report] = {}
        for key, r in sorted(self.reports.items()):
            parts = key.split("/")
            if parts[0] == stand.id:
                found[key] = r
            elif key.startswith("/") and len(parts) >= 3 and stand.id in parts[-3:-1]:
                found[key] = r  # a report written elsewhere: match on the folder name
        for p in stand.panels:
            r = self.report(p.file)
            if r is not None and p.file not in found and not any(k.endswith("/" + p.file)
                                                                 for k in found):
                found[p.file] = r
        return [found[k] for k in sorted(found)]

    def stand_status(self, stand: Stand) -> str:
        if not self.found:
            return "none"
        return worst([r.status for r in self.for_stand(stand)]
                     + [self.status(p.file) for p in stand.panels])


def worst(statuses: list[str]) -> str:
    """The worst of some statuses; "none" when there are none or all are "none"."""
    known = [s for s in statuses if s != "none"]
    return max(known, key=RANK.__getitem__) if known else "none"


def read_site(out: Path) -> tuple[Summary, Preflight]:
    """The build summary and the preflight reports of the output folder ``out``."""
    summary = _summary(StandsManifest.from_json(load_summary(out)))
    return summary, Preflight.read(out, [s.id for s in summary.stands])
