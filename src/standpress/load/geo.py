"""Load the locator's city context: a GeoJSON FeatureCollection.

``locations.toml`` may name one in ``[map] geojson = "path"`` (relative to
that file): district outlines, a river, parks. Each feature's
``properties.kind`` chooses how the locator draws it (``KINDS``); its
``properties.name`` labels districts. Coordinates are GeoJSON's
``[longitude, latitude]`` in degrees (WGS 84); they become (lat, lon) pairs
like the rest of the project. Every problem is reported at once, each naming
the file, the feature (``features[3]``) and what is wrong.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model import MapFeature

KINDS = {
    # kind: geometries it may have
    "district": ("Polygon", "MultiPolygon"),
    "park": ("Polygon", "MultiPolygon"),
    "water": ("Polygon", "MultiPolygon", "LineString", "MultiLineString"),
}
MAX_BYTES = 20_000_000  # a city's outlines are a few MB at most; more is the wrong file
MAX_PROBLEMS = 30  # a wholly wrong file: the first few problems say enough


class _Problems:
    def __init__(self, shown: str):
        self.shown = shown
        self.items: list[Problem] = []

    def add(self, place: str | None, field: str | None, message: str, hint: str | None = None) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(message, self.shown, place, field, hint))


def load_geojson(path: Path, shown: str) -> tuple[tuple[MapFeature, ...], list[Problem]]:
    """The features of the GeoJSON file ``path`` (named ``shown`` in messages),
    areas first then lines, and every problem found (errors; nothing is dropped
    silently: a feature with a problem makes the whole file an error)."""
    out = _Problems(shown)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            out.add(None, None, f"{size / 1e6:.0f} MB is too large for a locator's outlines",
                    "simplify the outlines (e.g. mapshaper -simplify 5%) and keep districts, "
                    "water and parks only")
            return (), out.items
        raw = path.read_bytes()
    except FileNotFoundError:
        out.add(None, None, "file not found",
                "name a GeoJSON file relative to locations.toml in [map] geojson")
        return (), out.items
    except OSError as exc:
        out.add(None, None, f"cannot read: {exc.strerror or exc}")
        return (), out.items
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        out.add(None, None, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8")
        return (), out.items
    except json.JSONDecodeError as exc:
        out.add(f"{exc.lineno}:{exc.colno}", None, f"not valid JSON: {exc.msg}",
                "check the brackets and commas there")
        return (), out.items
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        got = data.get("type") if isinstance(data, dict) else type(data).__name__
        out.add(None, "type", f"is {got!r}, not a FeatureCollection",
                'the file must be {"type": "FeatureCollection", "features": [...]}')
        return (), out.items
    features = data.get("features")
    if not isinstance(features, list):
        out.add(None, "features", "must be a list of features")
        return (), out.items
    if not features:
        out.add(None, "features", "is empty: the file draws nothing",
                "add district, water or park features, or delete [map] geojson")
    areas: list[MapFeature] = []
    lines: list[MapFeature] = []
    for i, f in enumerate(features):
        feature = _feature(out, i, f)
        if feature is not None:
            (areas if feature.polygons else lines).append(feature)
    return tuple(areas + lines), out.items


def _feature(out: _Problems, i: int, f: Any) -> MapFeature | None:
    place = f"features[{i}]"
    if not isinstance(f, dict) or f.get("type") != "Feature":
        out.add(place, "type", "is not a Feature", '{"type": "Feature", "properties": {...}, "geometry": {...}}')
        return None
    props = f.get("properties") or {}
    if not isinstance(props, dict):
        out.add(place, "properties", "must be an object")
        return None
    kind = props.get("kind")
    name = props.get("name", "")
    if not isinstance(name, str):
        out.add(place, "properties.name", f"must be text, not {json.dumps(name)[:40]}")
        name = ""
    label = f"feature {i}" + (f" «{name}»" if name else "")
    if kind not in KINDS:
        shown = "missing" if kind is None else f"{json.dumps(kind, ensure_ascii=False)[:40]} is unknown"
        out.add(place, "properties.kind", f"{label}: the kind is {shown}",
                "kind chooses how it is drawn: " + ", ".join(sorted(KINDS)))
        return None
    geom = f.get("geometry")
    if not isinstance(geom, dict):
        out.add(place, "geometry", f"{label}: has no geometry", "give it a Polygon or LineString")
        return None
    gtype = geom.get("type")
    if gtype not in KINDS[kind]:
        out.add(place, "geometry.type", f"{label}: a {kind} cannot be a {gtype}",
                f"a {kind} is one of: " + ", ".join(KINDS[kind]))
        return None
    coords = geom.get("coordinates")
    field = "geometry.coordinates"
    try:
        if gtype == "Polygon":
            return MapFeature(kind, name.strip(), polygons=(_polygon(coords),))
        if gtype == "MultiPolygon":
            _expect_list(coords, "a list of polygons")
            return MapFeature(kind, name.strip(), polygons=tuple(_polygon(p) for p in coords))
        if gtype == "LineString":
            return MapFeature(kind, name.strip(), lines=(_line(coords),))
        _expect_list(coords, "a list of lines")
        return MapFeature(kind, name.strip(), lines=tuple(_line(c) for c in coords))
    except _Bad as exc:
        out.add(place, field, f"{label}: {exc}", exc.hint)
        return None


class _Bad(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def _expect_list(v: Any, what: str) -> None:
    if not isinstance(v, list) or not v:
        raise _Bad(f"must be {what}")


def _position(v: Any) -> tuple[float, float]:
    if (not isinstance(v, list) or len(v) < 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v[:2])
            or not all(math.isfinite(x) for x in v[:2])):
        raise _Bad(f"{json.dumps(v)[:40]} is not a [longitude, latitude] position")
    lon, lat = float(v[0]), float(v[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _Bad(f"[{lon:g}, {lat:g}] is outside [-180..180, -90..90]",
                   "GeoJSON positions are [longitude, latitude] in degrees (WGS 84)")
    return lat, lon


def _line(v: Any) -> tuple[tuple[float, float], ...]:
    _expect_list(v, "a list of positions")
    pts = tuple(_position(p) for p in v)
    if len(pts) < 2:
        raise _Bad("a line needs at least two positions")
    return pts


def _polygon(v: Any) -> tuple[tuple[tuple[float, float], ...], ...]:
    _expect_list(v, "a list of rings (the outline, then any holes)")
    rings = []
    for r, ring in enumerate(v):
        pts = _line(ring)
        which = "the outline" if r == 0 else f"hole {r}"
        if len(pts) < 4:
            raise _Bad(f"{which} has {len(pts)} positions; a ring needs at least 4")
        if pts[0] != pts[-1]:
            raise _Bad(f"{which} is not closed: its last position differs from its first",
                       "repeat the first position at the end of the ring")
        rings.append(pts[:-1])  # closed implicitly from here on
    return tuple(rings)
