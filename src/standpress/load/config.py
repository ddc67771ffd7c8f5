"""Load ``locations.toml``: the campaign, the stand formats, the locations.

All problems are collected and reported at once, each with
``file:line:column``, the dotted key, what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, display_path
from ..model import Campaign, Figure, Format, Location, MapData, Project
from .tomlpos import TomlPositions

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

CAMPAIGN_TEXT = (
    "title", "full_title", "tagline", "ceremony_heading", "locator_heading",
    "locator_intro", "catalogue_heading", "catalogue_text", "catalogue_url",
    "case_url_pattern", "organiser", "credits", "city",
)
CAMPAIGN_KEYS = set(CAMPAIGN_TEXT) | {
    "year", "intro", "figures", "ceremony", "districts", "contact", "apostrophe",
    "placeholder_hosts",
}
FORMAT_NUMBERS = {
    # key: (minimum, maximum, required)
    "width": (50.0, 50_000.0, True),
    "height": (50.0, 50_000.0, True),
    "bleed": (0.0, 100.0, True),
    "safe": (0.0, 500.0, True),
    "viewing_distance": (0.2, 50.0, True),
    "scan_distance": (0.1, 10.0, False),
    "ink_limit": (100.0, 400.0, False),
    "target_ppi": (20.0, 1200.0, False),
    "warn_ppi": (10.0, 1200.0, False),
    "min_ppi": (10.0, 1200.0, False),
}
FORMAT_KEYS = set(FORMAT_NUMBERS) | {"name", "faces", "template", "material", "finishing",
                                     "oversize"}
LOCATION_KEYS = {
    "id", "name", "short_name", "address", "district", "lat", "lon", "format", "units", "serves",
}
TOP_KEYS = {"campaign", "print", "format", "map", "location"}
PRINT_KEYS = {"output_profile", "output_condition_identifier", "output_condition", "photos"}


def district_key(name: str) -> str:
    """Compare district names the way people write them: any apostrophe,
    any case, with or without the word «район»."""
    s = re.sub(r"['’ʼ`′]", "'", name.strip()).casefold()
    s = re.sub(r"\s+район$", "", s)
    return s


class _Collector:
    def __init__(self, path: Path, text: str):
        self.file = display_path(path)
        self.pos = TomlPositions(text)
        self.problems: list[Problem] = []

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(message, self.file, self.pos.find(key), key, hint))

    def warn(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(
            Problem(message, self.file, self.pos.find(key), key, hint, severity="warning")
        )

    def unknown_keys(self, table: dict, allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f'did you mean "{close[0]}"?' if close else (
                    "known keys: " + ", ".join(sorted(allowed)))
                self.error(f"{prefix}{key}", f'unknown key "{key}"', hint)

    def text(self, table: dict, key: str, prefix: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "is missing", f'add {key} = "…"')
            return ""
        if not isinstance(value, str):
            self.error(f"{prefix}{key}", f"must be text, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.error(f"{prefix}{key}", "is empty", "write the text between the quotes")
        return value.strip()

    def text_list(self, table: dict, key: str, prefix: str, required: bool = True) -> tuple[str, ...]:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "is missing", f'add {key} = ["…"]')
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"{prefix}{key}", "must be a list of texts", f'{key} = ["…", "…"]')
            return ()
        return tuple(v.strip() for v in value)

    def number(self, table: dict, key: str, prefix: str, lo: float, hi: float,
               required: bool = True, default: float = 0.0) -> float:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "is missing", f"add {key} = <number>")
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(f"{prefix}{key}", f"must be a number, not {value!r}")
            return default
        if not lo <= value <= hi:
            self.error(f"{prefix}{key}", f"{value:g} is out of range",
                       f"expected a value from {lo:g} to {hi:g}")
            return default
        return float(value)

    def integer(self, table: dict, key: str, prefix: str, lo: int, hi: int,
                required: bool = True, default: int = 1) -> int:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "is missing", f"add {key} = <whole number>")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{prefix}{key}", f"must be a whole number, not {value!r}")
            return default
        if not lo <= value <= hi:
            self.error(f"{prefix}{key}", f"{value} is out of range", f"expected {lo} to {hi}")
            return default
        return value


def load_project(path: Path, templates_dir: Path | None = None) -> tuple[Project, list[Problem]]:
    """Read and validate ``locations.toml``. Returns the project and warnings."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("cannot read the locations file", [Problem(
            "file not found", display_path(path),
            hint="pass --locations PATH, or run standpress in the project folder")]) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError("cannot read the locations file", [Problem(
            f"cannot read: {exc}", display_path(path), hint="save the file as UTF-8")]) from None
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        place = f"{m.group(1)}:{m.group(2)}" if m else None
        raise InputError("cannot parse the locations file", [Problem(
            f"not valid TOML: {str(exc).split(' (at line')[0]}", display_path(path), place,
            hint="check quotes, brackets and commas on that line")]) from None

    c = _Collector(path, raw_text)
    root = path.resolve().parent
    templates_dir = templates_dir or root / "templates"
    c.unknown_keys(data, TOP_KEYS, "")

    campaign = _campaign(c, data.get("campaign") or {})
    formats = _formats(c, data.get("format") or {}, templates_dir)
    locations = _locations(c, data.get("location") or [], formats, campaign)
    map_data = _map(c, data.get("map") or {})
    pr = data.get("print") or {}
    c.unknown_keys(pr, PRINT_KEYS, "print.")
    profile_name = c.text(pr, "output_profile", "print.")
    profile = (root / profile_name) if profile_name else root
    if profile_name and not profile.is_file():
        c.error("print.output_profile", f'profile "{profile_name}" not found',
                "name an ICC output profile relative to locations.toml")
    photo_mode = pr.get("photos", "convert")
    if photo_mode not in ("convert", "passthrough"):
        c.error("print.photos", f'"{photo_mode}" is not a photo mode',
                'use "convert" (to the output profile) or "passthrough"')

    InputError.collect(c.problems, f"{c.file} is not valid")
    project = Project(
        campaign=campaign, formats=formats, locations=locations, map=map_data, root=root,
        output_profile=profile,
        output_condition_identifier=c.text(pr, "output_condition_identifier", "print.", False) or "FOGRA39",
        output_condition=c.text(pr, "output_condition", "print.", False) or "",
        photo_mode=photo_mode,
    )
    return project, [p for p in c.problems if not p.is_error]


def _campaign(c: _Collector, t: dict[str, Any]) -> Campaign:
    if not t:
        c.error("campaign", "the [campaign] table is missing", "copy it from the sample locations.toml")
    c.unknown_keys(t, CAMPAIGN_KEYS, "campaign.")
    values = {k: c.text(t, k, "campaign.") for k in CAMPAIGN_TEXT}
    year = c.integer(t, "year", "campaign.", 1990, 2200, default=2000)
    for key in ("catalogue_url", "case_url_pattern"):
        url = values[key]
        if url and not URL.match(url.replace("{id}", "x")):
            c.error(f"campaign.{key}", f'"{url}" is not an http(s) address', "write it as https://…")
    if values["case_url_pattern"] and "{id}" not in values["case_url_pattern"]:
        c.error("campaign.case_url_pattern", "has no {id} placeholder",
                'e.g. "https://example.org/2022/{id}"')
    figures = []
    for i, f in enumerate(t.get("figures") or []):
        if not isinstance(f, dict) or not {"value", "label"} <= set(f):
            c.error(f"campaign.figures", f"figure {i + 1} needs a value and a label",
                    '{ value = "350", label = "…" }')
            continue
        figures.append(Figure(str(f["value"]).strip(), str(f["label"]).strip()))
    districts = c.text_list(t, "districts", "campaign.")
    seen: set[str] = set()
    for d in districts:
        if district_key(d) in seen:
            c.error("campaign.districts", f'"{d}" is listed twice')
        seen.add(district_key(d))
    apostrophe = t.get("apostrophe", "\u02bc")
    if apostrophe not in ("\u02bc", "\u2019"):
        c.error("campaign.apostrophe", "must be U+02BC (ʼ) or U+2019 (’)")
    return Campaign(
        year=year, intro=c.text_list(t, "intro", "campaign."), figures=tuple(figures),
        ceremony=c.text_list(t, "ceremony", "campaign."), districts=districts,
        contact=c.text(t, "contact", "campaign.", required=False),
        apostrophe=apostrophe,
        placeholder_hosts=tuple(t.get("placeholder_hosts", ("example.org", "example.com"))),
        **values,
    )


def _formats(c: _Collector, table: dict[str, Any], templates_dir: Path) -> dict[str, Format]:
    if not table:
        c.error("format", "no [format.<id>] table", "define at least one stand format")
    formats: dict[str, Format] = {}
    for fid, t in table.items():
        p = f"format.{fid}."
        if not isinstance(t, dict):
            c.error(f"format.{fid}", "must be a table")
            continue
        c.unknown_keys(t, FORMAT_KEYS, p)
        nums = {k: c.number(t, k, p, lo, hi, req, default=0.0)
                for k, (lo, hi, req) in FORMAT_NUMBERS.items()}
        w, h = nums["width"], nums["height"]
        if w and h and nums["safe"] * 2 >= min(w, h) * 0.6:
            c.error(p + "safe", f"{nums['safe']:g} mm leaves almost nothing of a "
                    f"{w:g}×{h:g} mm panel", "keep the safe margin under a fifth of the short side")
        template = c.text(t, "template", p)
        if template and not (templates_dir / f"{template}.toml").is_file():
            known = sorted(x.stem for x in templates_dir.glob("*.toml") if x.stem != "style")
            c.error(p + "template", f'template "{template}" not found in {display_path(templates_dir)}',
                    "known templates: " + ", ".join(known))
        faces = c.integer(t, "faces", p, 1, 2)
        target = nums["target_ppi"] or 150.0
        warn = nums["warn_ppi"] or min(100.0, target)
        floor = nums["min_ppi"] or min(70.0, warn)
        if not floor <= warn <= target:
            c.error(p + "warn_ppi", "resolutions must satisfy min_ppi ≤ warn_ppi ≤ target_ppi")
        oversize = t.get("oversize", "userunit")
        if oversize not in ("userunit", "scale"):
            c.error(p + "oversize", f'"{oversize}" is not an oversize mode',
                    'use "userunit" (/UserUnit 10) or "scale" (the page at 1:10)')
        formats[fid] = Format(
            id=fid, name=c.text(t, "name", p, required=False) or fid,
            width=w, height=h, bleed=nums["bleed"], safe=nums["safe"], faces=faces,
            viewing_distance=nums["viewing_distance"] or 1.0,
            scan_distance=nums["scan_distance"] or 0.5, template=template,
            ink_limit=nums["ink_limit"] or 300.0, target_ppi=target, warn_ppi=warn, min_ppi=floor,
            material=c.text(t, "material", p, required=False),
            finishing=c.text(t, "finishing", p, required=False), oversize=oversize,
        )
    return formats


def _locations(c: _Collector, items: list, formats: dict[str, Format],
               campaign: Campaign) -> tuple[Location, ...]:
    if not items:
        c.error("location", "no [[location]] tables", "add one per stand")
    by_key = {district_key(d): d for d in campaign.districts}
    served: dict[str, str] = {}
    ids: set[str] = set()
    out: list[Location] = []
    for i, t in enumerate(items):
        p = f"location[{i}]."
        c.unknown_keys(t, LOCATION_KEYS, p)
        lid = c.text(t, "id", p)
        if lid and not SLUG.match(lid):
            c.error(p + "id", f'"{lid}" is not a usable id',
                    "use lower-case ASCII letters, digits and hyphens (it names a folder)")
        if lid in ids:
            c.error(p + "id", f'"{lid}" is used by two locations', "give each location its own id")
        ids.add(lid)
        fmt = c.text(t, "format", p)
        if fmt and fmt not in formats:
            c.error(p + "format", f'unknown format "{fmt}"',
                    "defined formats: " + ", ".join(sorted(formats)))
        serves = c.text_list(t, "serves", p)
        canonical = []
        for d in serves:
            key = district_key(d)
            if key not in by_key:
                close = difflib.get_close_matches(key, list(by_key), n=1)
                c.error(p + "serves", f'"{d}" is not a district of campaign.districts',
                        f'did you mean "{by_key[close[0]]}"?' if close else None)
                continue
            if key in served:
                c.error(p + "serves", f'"{d}" is already served by "{served[key]}"',
                        "each district is served by exactly one location")
            served[key] = lid
            canonical.append(by_key[key])
        district = c.text(t, "district", p)
        out.append(Location(
            id=lid, number=i + 1, name=c.text(t, "name", p),
            short_name=c.text(t, "short_name", p, required=False) or c.text(t, "name", p),
            address=c.text(t, "address", p), district=by_key.get(district_key(district), district),
            lat=c.number(t, "lat", p, -90, 90), lon=c.number(t, "lon", p, -180, 180),
            format=fmt, units=c.integer(t, "units", p, 1, 100, required=False, default=1),
            serves=tuple(canonical),
        ))
    for key, name in by_key.items():
        if key not in served:
            c.error("campaign.districts", f'district "{name}" is served by no location',
                    'add it to the "serves" list of one [[location]]')
    return tuple(out)


def _map(c: _Collector, t: dict[str, Any]) -> MapData:
    river = []
    for pt in t.get("river") or []:
        if (not isinstance(pt, list) or len(pt) != 2
                or not all(isinstance(v, (int, float)) for v in pt)):
            c.error("map.river", f"{pt!r} is not a [lat, lon] pair")
            continue
        river.append((float(pt[0]), float(pt[1])))
    return MapData(river=tuple(river), river_name=str(t.get("river_name", "")))
