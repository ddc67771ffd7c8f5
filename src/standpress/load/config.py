"""Load ``locations.toml``: the campaign, the stand formats, the locations.

All problems are collected and reported at once, each with
``file:line:column``, the dotted key, what is wrong and how to fix it.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, display_path
from ..model import Campaign, Figure, Format, Location, MapData, Project, SourceMap
from .tomlpos import TomlPositions

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_URL = 300  # characters; longer addresses make QR codes too dense to scan at print size

CAMPAIGN_TEXT = (
    "title", "full_title", "tagline", "ceremony_heading", "locator_heading",
    "locator_intro", "catalogue_heading", "catalogue_text", "catalogue_url",
    "case_url_pattern", "organiser", "credits", "city",
)
CAMPAIGN_KEYS = set(CAMPAIGN_TEXT) | {
    "year", "intro", "figures", "ceremony", "districts", "contact", "apostrophe",
    "placeholder_hosts", "missing_photos",
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
                                     "oversize", "marks"}
MARKS = ("crop", "registration", "colour_bar")
LOCATION_KEYS = {
    "id", "name", "short_name", "address", "district", "lat", "lon", "format", "units", "serves",
}
TOP_KEYS = {"campaign", "print", "format", "map", "location"}
PRINT_KEYS = {"output_profile", "output_condition_identifier", "output_condition", "photos"}


def toml_error_place(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, str | None]:
    """The message of a TOML syntax error without its position, and ``"line:col"``."""
    message = str(exc)
    for pattern, plain in _TOML_MESSAGES:
        if message.startswith(pattern):
            message = plain + message[len(pattern):]
            break
    m = re.match(r"Cannot declare \((.*?),?\) twice", message)
    if m:
        name = ".".join(x.strip().strip("'\"") for x in m.group(1).split(","))
        message = f"[{name}] is declared twice" + message[m.end():]
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if m:
        return message[: m.start()] + message[m.end():], f"{m.group(1)}:{m.group(2)}"
    m = re.search(r"\s*\(at end of document\)", message)
    if m:
        lines = text.splitlines() or [""]
        return message[: m.start()] + " at the end of the file", f"{len(lines)}:{len(lines[-1]) + 1}"
    return message, None


_TOML_MESSAGES = (
    ("Illegal character '\\n'", 'a line ends inside a text: its closing quote (") is missing'),
    ("Unclosed array", "a list is not closed: its ] is missing"),
    ("Unclosed inline table", "an inline table is not closed: its } is missing"),
    ("Cannot overwrite a value", "a key is given twice"),
)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f'the text "{value[:40]}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def district_key(name: str) -> str:
    """Compare district names the way people write them: any apostrophe,
    any case, with or without the word «район»."""
    s = re.sub(r"['’ʼ`′]", "'", name.strip()).casefold()
    s = re.sub(r"\s+район$", "", s)
    return s


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (letters added, dropped or changed)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def close_district(name: str, districts: Sequence[str]) -> str | None:
    """The one district of ``districts`` that ``name`` is a near miss of, or None.

    Compared on :func:`district_key`, a name is close to a district when
    - their difflib ratio is at least 0.8 (a typo or two: «Дніпровскький»), or
    - one letter is added, dropped or changed, for names of 4 letters or more
      (a short name's ratio drops fast with one typo), or
    - the name is the place the district is named after («Оболонь», «Дарниця»,
      «Поділ», «Печерськ»): the two share their first 5 letters or more and
      the name has at most 2 letters beyond them.
    The closest by ratio wins; when two are equally close, None: a guess
    between two is no help. «Оболонь» is not close to «Голосіївський»."""
    key = district_key(name)
    scored: dict[str, float] = {}
    for d in districts:
        dk = district_key(d)
        ratio = difflib.SequenceMatcher(None, key, dk).ratio()
        prefix = len(os.path.commonprefix([key, dk]))
        if (ratio >= 0.8 or (min(len(key), len(dk)) >= 4 and _edits(key, dk) <= 1)
                or (prefix >= 5 and len(key) - prefix <= 2)):
            scored[d] = ratio
    if not scored:
        return None
    best = max(scored.values())
    winners = [d for d, r in scored.items() if r == best]
    return winners[0] if len(winners) == 1 else None


def district_hint(name: str, districts: Sequence[str]) -> str:
    """How to fix an unknown district: the near miss if there is one, and always
    the valid districts in the campaign's order."""
    listed = ", ".join(districts)
    near = close_district(name, districts)
    if near:
        return f'did you mean "{near}"? The campaign\'s districts are: {listed}'
    return f"write one of the campaign's districts: {listed}"


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

    def table(self, data: dict, key: str, prefix: str = "") -> dict:
        """``data[key]`` when it is a table (else an error and ``{}``)."""
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(f"{prefix}{key}", f"must be a table, not {_type_name(value)}",
                       f"write it as [{prefix}{key}] with its keys below")
            return {}
        return value

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
            self.error(f"{prefix}{key}", f"must be text, not {_type_name(value)}",
                       f'write it in quotes: {key} = "…"')
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
            self.error(f"{prefix}{key}", "must be a list of texts",
                       f'write it as {key} = ["…", "…"]')
            return ()
        return tuple(v.strip() for v in value)

    def number(self, table: dict, key: str, prefix: str, lo: float, hi: float,
               required: bool = True, default: float = 0.0) -> float:
        value = self._in_range(table, key, prefix, lo, hi, required, whole=False)
        return default if value is None else float(value)

    def integer(self, table: dict, key: str, prefix: str, lo: int, hi: int,
                required: bool = True, default: int = 1) -> int:
        value = self._in_range(table, key, prefix, lo, hi, required, whole=True)
        return default if value is None else value

    def _in_range(self, table: dict, key: str, prefix: str, lo: float, hi: float,
                  required: bool, whole: bool) -> float | int | None:
        """The number at ``key`` (a whole number with ``whole``) from ``lo`` to ``hi``, or
        None when it is missing or wrong (the problem recorded, unless it may be missing)."""
        kind = "whole number" if whole else "number"
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "is missing", f"add {key} = <{kind}>")
            return None
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
            if whole:
                hint = f"write it without quotes or decimals: {key} = <whole number>"
            else:
                m = re.search(r"-?\d+(?:[.,]\d+)?", value) if isinstance(value, str) else None
                example = m.group().replace(",", ".") if m else "<number>"
                hint = f"write the number alone, without quotes or units: {key} = {example}"
            self.error(f"{prefix}{key}", f"must be a {kind}, not {_type_name(value)}", hint)
            return None
        if not lo <= value <= hi:
            if whole:
                self.error(f"{prefix}{key}", f"{value} is out of range", f"expected {lo} to {hi}")
            else:
                self.error(f"{prefix}{key}", f"{value:g} is out of range",
                           f"expected a value from {lo:g} to {hi:g}")
            return None
        return value


def load_project(path: Path, templates_dir: Path | None = None) -> tuple[Project, list[Problem]]:
    """Read and validate ``locations.toml``. Returns the project and warnings."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8-sig")  # a BOM (Notepad) is fine
    except FileNotFoundError:
        raise InputError("cannot read the locations file", [Problem(
            "file not found", display_path(path),
            hint="pass --locations PATH, or run standpress in the project folder")]) from None
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("cannot read the locations file", [Problem(
            f"not UTF-8 text (byte {exc.start})", display_path(path), f"{line}:1",
            hint="save the file as UTF-8")]) from None
    except OSError as exc:
        raise InputError("cannot read the locations file", [Problem(
            f"cannot read: {exc.strerror or exc}", display_path(path),
            hint="pass --locations PATH to a readable file")]) from None
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        message, place = toml_error_place(exc, raw_text)
        raise InputError("cannot parse the locations file", [Problem(
            f"not valid TOML: {message}", display_path(path), place,
            hint="check quotes, brackets and commas on that line")]) from None

    c = _Collector(path, raw_text)
    root = path.resolve().parent
    templates_dir = templates_dir or root / "templates"
    c.unknown_keys(data, TOP_KEYS, "")

    campaign = _campaign(c, c.table(data, "campaign"))
    formats = _formats(c, c.table(data, "format"), templates_dir)
    locations = _locations(c, data.get("location") or [], formats, campaign)
    map_data = _map(c, c.table(data, "map"))
    pr = c.table(data, "print")
    c.unknown_keys(pr, PRINT_KEYS, "print.")
    profile_name = c.text(pr, "output_profile", "print.")
    profile = (root / profile_name) if profile_name else root
    if profile_name and ("\0" in profile_name or not profile.is_file()):
        c.error("print.output_profile", f'profile "{profile_name[:80]}" not found',
                "name an ICC output profile relative to locations.toml")
    photo_mode = pr.get("photos", "convert")
    if photo_mode not in ("convert", "passthrough"):
        c.error("print.photos", f'{_type_name(photo_mode)} is not a photo mode',
                'use "convert" (to the output profile) or "passthrough"')
        photo_mode = "convert"

    InputError.collect(c.problems, f"{c.file} is not valid")
    project = Project(
        campaign=campaign, formats=formats, locations=locations, map=map_data, root=root,
        output_profile=profile,
        output_condition_identifier=c.text(pr, "output_condition_identifier", "print.", False) or "FOGRA39",
        output_condition=c.text(pr, "output_condition", "print.", False) or "",
        photo_mode=photo_mode,
        positions=SourceMap(c.file, c.pos.places()),
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
            c.error(f"campaign.{key}", f'"{url[:80]}" is not an http(s) address', "write it as https://…")
        elif len(url) > MAX_URL - 40:
            c.error(f"campaign.{key}", f"the address is {len(url)} characters; a QR code of it "
                    "would be too dense to scan at print size",
                    f"use a short link (under {MAX_URL - 40} characters)")
    if values["case_url_pattern"] and "{id}" not in values["case_url_pattern"]:
        c.error("campaign.case_url_pattern", "has no {id} placeholder",
                'e.g. "https://example.org/2022/{id}"')
    figures = []
    figures_value = t.get("figures") or []
    if not isinstance(figures_value, list):
        c.error("campaign.figures", "must be a list of { value, label } tables",
                'figures = [{ value = "350", label = "…" }]')
        figures_value = []
    for i, f in enumerate(figures_value):
        if not isinstance(f, dict) or not {"value", "label"} <= set(f):
            c.error("campaign.figures", f"figure {i + 1} needs a value and a label",
                    '{ value = "350", label = "…" }')
            continue
        if not all(isinstance(f[k], (str, int, float)) and not isinstance(f[k], bool)
                   for k in ("value", "label")):
            c.error("campaign.figures", f"figure {i + 1}: value and label must be texts",
                    '{ value = "350", label = "…" }')
            continue
        figures.append(Figure(str(f["value"]).strip(), str(f["label"]).strip()))
    districts = c.text_list(t, "districts", "campaign.")
    seen: set[str] = set()
    for d in districts:
        if district_key(d) in seen:
            c.error("campaign.districts", f'"{d}" is listed twice', "list each district once")
        seen.add(district_key(d))
    apostrophe = t.get("apostrophe", "\u02bc")
    if apostrophe not in ("\u02bc", "\u2019"):
        c.error("campaign.apostrophe", "must be U+02BC (ʼ) or U+2019 (’)",
                'write apostrophe = "ʼ" or delete the key')
        apostrophe = "\u02bc"
    hosts = t.get("placeholder_hosts", ("example.org", "example.com"))
    if not isinstance(hosts, (list, tuple)) or not all(isinstance(h, str) for h in hosts):
        c.error("campaign.placeholder_hosts", "must be a list of host names",
                'placeholder_hosts = ["example.org"]')
        hosts = ("example.org", "example.com")
    extra = {}
    missing = t.get("missing_photos", "error")
    if missing not in ("error", "warn"):
        c.error("campaign.missing_photos", f"{_type_name(missing)} is not a choice",
                'write "error" (a missing or unusable photo stops the build) or "warn" '
                "(a warning, and the case gets the «no photo» card)")
    elif "missing_photos" in {f.name for f in dataclasses.fields(Campaign)}:
        extra["missing_photos"] = missing
    elif missing != "error":
        c.warn("campaign.missing_photos", "this version of standpress cannot honour it yet",
               "missing photos stop the build")
    return Campaign(
        **extra,
        year=year, intro=c.text_list(t, "intro", "campaign."), figures=tuple(figures),
        ceremony=c.text_list(t, "ceremony", "campaign."), districts=districts,
        contact=c.text(t, "contact", "campaign.", required=False),
        apostrophe=apostrophe,
        placeholder_hosts=tuple(hosts),
        **values,
    )


def _marks(c: _Collector, t: dict[str, Any], p: str) -> tuple[str, ...]:
    marks = t.get("marks", ["crop"])
    if not isinstance(marks, list) or not all(isinstance(m, str) for m in marks):
        c.error(p + "marks", "must be a list of mark names", 'marks = ["crop", "registration"]')
        return ("crop",)
    for m in marks:
        if m not in MARKS:
            c.error(p + "marks", f'"{m}" is not a printer\'s mark', "use: " + ", ".join(MARKS))
    # crop marks are always drawn: the print shop cuts by them
    return ("crop",) + tuple(m for m in marks if m in MARKS and m != "crop")


def auto_template(width: float, height: float, viewing_distance: float) -> str:
    """The template a format without one (or with ``template = "auto"``) gets, by its shape
    and how far it is read from: an upright sheet up to A1 is a ``poster`` and a taller
    construction a ``portrait`` (citylights, pylons); a wide one read from 5 m or more a
    ``billboard``, nearer a ``landscape`` (banners). (The portrait template's catalogue code
    is too small a share of an A1 sheet to scan from where an A1 is read.)"""
    if height >= width:
        return "poster" if max(width, height) <= 900 else "portrait"
    return "billboard" if viewing_distance >= 5 else "landscape"


def _formats(c: _Collector, table: dict[str, Any], templates_dir: Path) -> dict[str, Format]:
    if not table:
        c.error("format", "no [format.<id>] table", "define at least one stand format")
    formats: dict[str, Format] = {}
    for fid, t in table.items():
        p = f"format.{fid}."
        if not isinstance(t, dict):
            c.error(f"format.{fid}", "must be a table", f"write it as [format.{fid}] with its keys")
            continue
        c.unknown_keys(t, FORMAT_KEYS, p)
        nums = {k: c.number(t, k, p, lo, hi, req, default=0.0)
                for k, (lo, hi, req) in FORMAT_NUMBERS.items()}
        w, h = nums["width"], nums["height"]
        if w and h and nums["safe"] * 2 >= min(w, h) * 0.6:
            c.error(p + "safe", f"{nums['safe']:g} mm leaves almost nothing of a "
                    f"{w:g}×{h:g} mm panel", "keep the safe margin under a fifth of the short side")
        template = c.text(t, "template", p, required=False) or "auto"
        chosen = template == "auto"
        if chosen and w and h:
            template = auto_template(w, h, nums["viewing_distance"] or 1.0)
        if template and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", template):
            c.error(p + "template", f'"{template[:60]}" is not a template name',
                    "name a file of templates/ without .toml, e.g. \"portrait\"")
        elif template and not (templates_dir / f"{template}.toml").is_file():
            known = sorted(x.stem for x in templates_dir.glob("*.toml") if x.stem != "style")
            c.error(p + "template", f'template "{template}"'
                    + (" (chosen by the format's shape)" if chosen else "")
                    + f" not found in {display_path(templates_dir)}",
                    "known templates: " + ", ".join(known)
                    + ("; name one with template = \"…\"" if chosen else ""))
        faces = c.integer(t, "faces", p, 1, 2)
        target = nums["target_ppi"] or 150.0
        warn = nums["warn_ppi"] or min(100.0, target)
        floor = nums["min_ppi"] or min(70.0, warn)
        if not floor <= warn <= target:
            c.error(p + "warn_ppi", "resolutions must satisfy min_ppi ≤ warn_ppi ≤ target_ppi",
                    f"now min_ppi = {floor:g}, warn_ppi = {warn:g}, target_ppi = {target:g}")
        oversize = t.get("oversize", "userunit")
        if oversize not in ("userunit", "scale"):
            c.error(p + "oversize", f'{_type_name(oversize)} is not an oversize mode',
                    'use "userunit" (/UserUnit 10) or "scale" (the page at 1:10)')
            oversize = "userunit"
        formats[fid] = Format(
            id=fid, name=c.text(t, "name", p, required=False) or fid,
            width=w, height=h, bleed=nums["bleed"], safe=nums["safe"], faces=faces,
            viewing_distance=nums["viewing_distance"] or 1.0,
            scan_distance=nums["scan_distance"] or 0.5, template=template,
            ink_limit=nums["ink_limit"] or 300.0, target_ppi=target, warn_ppi=warn, min_ppi=floor,
            material=c.text(t, "material", p, required=False),
            finishing=c.text(t, "finishing", p, required=False), oversize=oversize,
            marks=_marks(c, t, p),
        )
    return formats


def _locations(c: _Collector, items: list, formats: dict[str, Format],
               campaign: Campaign) -> tuple[Location, ...]:
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        c.error("location", "must be [[location]] tables", "write each stand as a [[location]] table")
        items = []
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
        if lid and lid in ids:
            c.error(p + "id", f'"{lid}" is used by two locations', "give each location its own id")
        ids.add(lid)
        who = f"location «{lid}»: " if lid else f"location {i + 1}: "
        fmt = c.text(t, "format", p)
        if fmt and fmt not in formats:
            c.error(p + "format", f'{who}unknown format "{fmt}"',
                    "defined formats: " + ", ".join(sorted(formats)))
        serves = c.text_list(t, "serves", p)
        canonical = []
        for d in serves:
            key = district_key(d)
            if key not in by_key:
                c.error(p + "serves", f'{who}"{d}" is not a district of campaign.districts',
                        district_hint(d, campaign.districts))
                continue
            if key in served:
                c.error(p + "serves", f'{who}"{d}" is already served by "{served[key]}"',
                        "each district is served by exactly one location: "
                        "delete it from one of the two serves lists")
            served.setdefault(key, lid)
            canonical.append(by_key[key])
        district = c.text(t, "district", p)
        if district and district_key(district) not in by_key and campaign.districts:
            # where the stand stands; nothing is drawn from it, so a warning: a typo
            # should not pass unseen, a stand just outside the campaign's districts may
            c.warn(p + "district", f'{who}"{district}" is not a district of campaign.districts',
                   district_hint(district, campaign.districts))
        name = c.text(t, "name", p)
        out.append(Location(
            id=lid, number=i + 1, name=name,
            short_name=c.text(t, "short_name", p, required=False) or name,
            address=c.text(t, "address", p), district=by_key.get(district_key(district), district),
            lat=c.number(t, "lat", p, -90, 90), lon=c.number(t, "lon", p, -180, 180),
            format=fmt, units=c.integer(t, "units", p, 1, 100, required=False, default=1),
            serves=tuple(canonical),
        ))
    for key, name in by_key.items():
        if key not in served:
            c.error("campaign.districts", f'district "{name}" is served by no location: '
                    "its cases would have no stand",
                    'add it to the "serves" list of one [[location]]')
    return tuple(out)


MAP_KEYS = {"river", "river_name", "geojson"}


def _map(c: _Collector, t: dict[str, Any]) -> MapData:
    from .geo import load_geojson

    c.unknown_keys(t, MAP_KEYS, "map.")
    river = []
    points = t.get("river") or []
    if not isinstance(points, list):
        c.error("map.river", "must be a list of [lat, lon] pairs", "river = [[50.45, 30.52], …]")
        points = []
    for pt in points:
        if (not isinstance(pt, list) or len(pt) != 2
                or not all(isinstance(v, (int, float)) for v in pt)):
            c.error("map.river", f"{str(pt)[:40]} is not a [lat, lon] pair",
                    "write each point as [lat, lon] in degrees, e.g. [50.45, 30.52]")
            continue
        river.append((float(pt[0]), float(pt[1])))
    river_name = t.get("river_name", "")
    if not isinstance(river_name, str):
        c.error("map.river_name", f"must be text, not {_type_name(river_name)}",
                'write it in quotes: river_name = "…"')
        river_name = ""
    features: tuple = ()
    shown = ""
    name = c.text(t, "geojson", "map.", required=False)
    if name:
        path = Path(c.file).resolve().parent / name  # c.file is as shown: relative to the cwd
        shown = display_path(path)
        if "\0" in name:
            c.error("map.geojson", f'"{name[:80]}" is not a file name')
        else:
            features, problems = load_geojson(path, shown)
            if problems:
                c.error("map.geojson", f"{shown}: {len(problems)} problem(s), listed below",
                        "fix the GeoJSON file or delete the geojson key")
                c.problems.extend(problems)
    return MapData(river=tuple(river), river_name=river_name, features=features, geojson=shown)
