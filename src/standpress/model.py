"""Frozen, typed objects shared by the pipeline stages.

``load`` produces them, every later stage only reads them. Lengths are in
millimetres, distances in metres, colours as CMYK percentages (0–100).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CMYK = tuple[float, float, float, float]


@dataclass(frozen=True)
class Figure:
    value: str  # "350"
    label: str  # "організацій взяли участь у відборі"


@dataclass(frozen=True)
class Campaign:
    title: str
    year: int
    full_title: str
    tagline: str
    intro: tuple[str, ...]
    figures: tuple[Figure, ...]
    ceremony_heading: str
    ceremony: tuple[str, ...]
    locator_heading: str
    locator_intro: str
    catalogue_heading: str
    catalogue_text: str
    catalogue_url: str
    case_url_pattern: str
    organiser: str
    credits: str
    city: str
    districts: tuple[str, ...]
    contact: str = ""
    apostrophe: str = "\u02bc"
    missing_photos: str = "error"  # or "warn": the case gets the designed «no photo» card
    placeholder_hosts: tuple[str, ...] = ("example.org", "example.com")


@dataclass(frozen=True)
class Format:
    """A kind of stand: its printed size and how far it is read from."""

    id: str
    name: str
    width: float  # trim, mm
    height: float
    bleed: float
    safe: float  # margin inside the trim hidden by the frame, plus breathing room
    faces: int  # printable faces per unit (2 for a double-sided citylight)
    viewing_distance: float  # m, for reading the text
    scan_distance: float  # m, for scanning the per-case QR codes
    template: str
    ink_limit: float = 300.0  # % total area coverage
    target_ppi: float = 150.0
    warn_ppi: float = 100.0
    min_ppi: float = 70.0
    material: str = ""
    finishing: str = ""
    oversize: str = "userunit"  # pages over 5080 mm: "userunit" (/UserUnit 10) or "scale" (1:10)
    marks: tuple[str, ...] = ("crop",)  # and optionally "registration", "colour_bar"

    @property
    def page_unit(self) -> float:
        """1, or 10 when the page with its marks exceeds PDF's 200-inch limit."""
        return 10.0 if max(self.width, self.height) + 2 * (self.bleed + 30) > 5080 else 1.0

    @property
    def scale_label(self) -> str:
        if self.page_unit == 1:
            return "1:1"
        return "UserUnit 10 (1:1)" if self.oversize == "userunit" else "1:10"

    @property
    def orientation(self) -> str:
        return "landscape" if self.width > self.height else "portrait"

    @property
    def size_label(self) -> str:
        return f"{self.width:g}×{self.height:g} мм"


@dataclass(frozen=True)
class Location:
    id: str
    number: int  # 1-based, order of the leaflet
    name: str
    short_name: str
    address: str
    district: str
    lat: float
    lon: float
    format: str
    units: int
    serves: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """Where a record came from, for error messages."""

    file: str
    place: str  # "row 17" or "12:3"


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    organization: str
    district: str
    category: str
    summary: str
    partner: str
    url: str
    photo: Path | None
    photo_credit: str
    source: Source | None = field(default=None, compare=False)
    photo_px: tuple[int, int] | None = None  # the photo's pixels as printed (read at load)


LatLon = tuple[float, float]
Ring = tuple[LatLon, ...]


@dataclass(frozen=True)
class MapFeature:
    """One feature of the city context (from a GeoJSON file), in (lat, lon) degrees.

    ``kind`` chooses how it is drawn: ``district`` (an outline and its name),
    ``water`` (a river or lake), ``park``. A feature is either areas or lines.
    """

    kind: str
    name: str = ""
    polygons: tuple[tuple[Ring, ...], ...] = ()  # each: the outer ring, then its holes
    lines: tuple[Ring, ...] = ()


@dataclass(frozen=True)
class MapData:
    """The locator's map: the schematic river of ``locations.toml`` (lists of
    (lat, lon)) and the optional city context of ``[map] geojson``."""

    river: tuple[LatLon, ...] = ()
    river_name: str = ""
    features: tuple[MapFeature, ...] = ()  # in paint order: areas, then lines
    geojson: str = ""  # the file they came from, as shown to the user


@dataclass(frozen=True)
class SourceMap:
    """Where each dotted key of a configuration file stands (``"12:3"``), read once
    at load so later stages name the line of a problem without reading files."""

    file: str = ""
    places: tuple[tuple[str, str], ...] = ()

    def locate(self, key: str) -> tuple[str | None, str | None]:
        """``(file as shown, "line:col")`` of ``campaign.title``, ``location[2].name``…,
        or of the closest enclosing table."""
        if not self.file:
            return None, None
        places = dict(self.places)
        while key:
            for candidate in (key, re.sub(r"\[\d+\]", "", key)):
                if candidate in places:
                    return self.file, places[candidate]
            if "." not in key:
                break
            key = key.rsplit(".", 1)[0]
        return self.file, None


@dataclass(frozen=True)
class Project:
    """Everything ``locations.toml`` says, validated."""

    campaign: Campaign
    formats: dict[str, Format]
    locations: tuple[Location, ...]
    map: MapData
    root: Path  # folder of locations.toml; templates/ and fonts/ are resolved from here
    output_profile: Path
    output_condition_identifier: str
    output_condition: str
    photo_mode: str = "convert"  # or "passthrough"
    positions: SourceMap = field(default_factory=SourceMap, compare=False)

    def locate(self, key: str) -> tuple[str | None, str | None]:
        """Where a dotted key of ``locations.toml`` is: ``(file, "line:col")``."""
        return self.positions.locate(key)
