"""Load the cases: CSV, XLSX (first sheet) or TOML ``[[case]]`` tables.

The contract (one header row, these names, any order)::

    id,title,organization,district,category,summary,partner,url,photo,photo_credit

Required: id, title, organization, district, category, summary. ``photo`` is
a path relative to the data file and may not leave its folder. ``url``
defaults to the campaign's per-case pattern. Every problem is reported with
its file, row (or line) and column, all at once.

Columns of the file's own (office files nearly always carry some:
«Відповідальний», «Примітки») are a warning naming the column as the file
spells it, and are ignored. A near miss of a known column the file lacks
(«tittle», «summery», «organisation») says «did you mean …»; of a required
one it is an error. TOML keys follow the same rule.

CSV and XLSX files are read by :mod:`.sheets` (encodings, delimiters, quotes,
merged cells, formulas: what people actually produce). TOML files hold
``[[case]]`` tables; every value must be text (``id = 8`` would lose the
leading zeros of ``"008"``).

Photos are checked here, before anything is drawn: confined to the data
folder (absolute paths, ``..`` and symlinks leading out are refused), an
image Pillow can identify, not above the pixel limit (read from the header,
before decoding), not truncated.

Only :class:`standpress.errors.InputError` leaves this module.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, display_path
from ..model import Campaign, Case, Source
from .config import MAX_URL, URL, district_hint, district_key, toml_error_place
from .sheets import (COLUMNS, MAX_FILE, MISSING, REQUIRED, Row, read_csv, read_xlsx, short,
                     unknown_problem)

__all__ = ["COLUMNS", "REQUIRED", "ImageFacts", "load_cases"]

MAX_CELL = 5000

ImageFacts = Callable[[Path, Callable[[], Any]], Any]  # (a photo file, its check) → answer


def _checked(path: Path, check: Callable[[], Any]) -> Any:
    """:data:`ImageFacts` without a memory: every photo is checked."""
    return check()

def load_cases(path: Path, campaign: Campaign,
               facts: ImageFacts | None = None) -> tuple[list[Case], list[Problem]]:
    """Read, check and return the cases and the warnings. ``facts(path, check)``: the
    answer of ``check()`` about a photo file, remembered by the caller while the file is
    unchanged (the header check decodes PNGs whole); by default checked every time."""
    path = Path(path)
    shown = display_path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "file not found"
        raise InputError("cannot read the cases", [Problem(
            what, shown, hint="pass --cases PATH (CSV, XLSX or TOML)")])
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError("cannot read the cases", [Problem(
            f"cannot read the file ({exc.strerror or exc})", shown,
            hint="check that the file exists and may be read")]) from None
    if size > MAX_FILE:
        raise InputError("cannot read the cases", [Problem(
            f"the file is {size / 1024 / 1024:.0f} MB, far more than a campaign's cases", shown,
            hint=f"check that this is the cases file (limit {MAX_FILE // 1024 // 1024} MB)")])
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            rows = read_csv(path, problems)
        elif suffix in (".xlsx", ".xlsm"):
            rows = read_xlsx(path, problems)
        elif suffix == ".toml":
            rows = _read_toml(path, problems)
        else:
            hint = "use .csv, .xlsx or .toml"
            if suffix in (".xls", ".ods", ".numbers"):
                hint = "save it as .xlsx (Excel workbook) or as «CSV UTF-8»"
            raise InputError("cannot read the cases", [Problem(
                f'unknown file type "{suffix or path.name}"', shown, hint=hint)])
    except OSError as exc:  # unreadable file, vanished mid-read…
        raise InputError("cannot read the cases", [Problem(
            f"cannot read the file ({exc.strerror or exc})", shown,
            hint="check that the file exists and may be read")]) from None
    # the rows are checked even when the header or some cells are wrong: every problem at once
    missing = {p.field for p in problems if p.message.startswith(MISSING)}
    cases = _check_rows(rows, path, campaign, problems, missing, facts or _checked)
    InputError.collect(problems, f"{shown} has problems")
    return cases, [p for p in problems if not p.is_error]


# ---------------------------------------------------------------- TOML

def _read_toml(path: Path, problems: list[Problem]) -> list[Row]:
    from .tomlpos import TomlPositions

    shown = display_path(path)
    raw_bytes = path.read_bytes()
    try:
        raw = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        problems.append(Problem(f"not UTF-8 text (byte {exc.start})", shown, f"line {line}",
                                hint="save the file as UTF-8"))
        return []
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        message, place = toml_error_place(exc, raw)
        problems.append(Problem(f"not valid TOML: {message}", shown, place,
                                hint="check the quotes, brackets and commas on that line"))
        return []
    pos = TomlPositions(raw)
    for key in data:
        if key != "case":
            hint = ('write each case as a [[case]] table' if key in ("cases", "Case")
                    else "only [[case]] tables are read from this file")
            problems.append(Problem(f'unknown key "{key}": ignored', shown, pos.find(key), key,
                                    hint, severity="error" if "case" not in data else "warning",
                                    kind="unknown-key"))
    tables = data.get("case")
    if tables is None:
        if not data:
            problems.append(Problem("the file has no cases", shown, "1:1",
                                    hint="add one [[case]] table per case"))
        return []
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(Problem("case must be a list of [[case]] tables", shown, pos.find("case"),
                                "case", "write each case as a [[case]] table"))
        return []
    rows: list[Row] = []
    unknown: dict[str, list[tuple[str, set[str]]]] = {}  # a key of the user's own: where
    for i, t in enumerate(tables):
        place = pos.find(f"case[{i}]") or f"case {i + 1}"
        row = Row(place, {})
        absent = {k for k in COLUMNS if k not in t}
        for key, value in t.items():
            where = pos.find(f"case[{i}].{key}") or place
            row.places[key] = where
            if key not in COLUMNS:
                problem = unknown_problem(key, shown, where, absent, "key")
                if problem.is_error:  # a misspelt required key: this case is wrong
                    problems.append(problem)
                    row.bad = True
                else:
                    unknown.setdefault(key, []).append((where, absent))
                continue
            if not isinstance(value, str):
                kind = {bool: "true/false", int: "a number", float: "a number",
                        list: "a list", dict: "a table"}.get(type(value), "a date or time")
                hint = f'write it in quotes: {key} = "…"'
                if key == "id" and isinstance(value, int):
                    hint = f'write it in quotes, with any leading zeros: id = "{value:03d}"'
                problems.append(Problem(f"must be text, not {kind}", shown, where, key, hint))
                row.bad = True
                continue
            row.values[key] = value
        rows.append(row)
    for key, places in unknown.items():  # a column of the user's own: said once
        problem = unknown_problem(key, shown, *places[0], "key")
        if len(places) > 1:
            problem = dataclasses.replace(
                problem, message=f"{problem.message} (in {len(places)} cases)")
        problems.append(problem)
    if not rows:
        problems.append(Problem("no [[case]] tables", shown, pos.find("case"), "case",
                                hint="add one [[case]] table per case"))
    return rows


# ---------------------------------------------------------------- checks

def _check_rows(rows: list[Row], path: Path, campaign: Campaign,
                problems: list[Problem], missing: set[str] = frozenset(),
                facts: ImageFacts = _checked) -> list[Case]:
    shown = display_path(path)
    base = path.resolve().parent
    districts = {district_key(d): d for d in campaign.districts}
    first_seen: dict[str, str] = {}
    cases: list[Case] = []
    lenient = getattr(campaign, "missing_photos", "error") == "warn"
    seen_rows = 0
    for row in rows:
        values = {k: unicodedata.normalize("NFC", (row.values.get(k) or "").strip())
                  for k in COLUMNS}
        if not any(values.values()):
            if row.bad:
                seen_rows += 1  # already reported by the reader
            continue  # trailing empty rows are not cases
        seen_rows += 1
        where = row.where
        bad = row.bad
        for k in REQUIRED:
            if not values[k] and k not in missing:  # a missing column is reported once
                problems.append(Problem("is empty", shown, where(k), k,
                                        f"every case needs its {k}; fill in the cell"))
                bad = True
        for k, v in values.items():
            if len(v) > MAX_CELL:
                problems.append(Problem(f"{len(v)} characters is far too long for a panel",
                                        shown, where(k), k, f"shorten it below {MAX_CELL}"))
                bad = True
        cid = values["id"]
        if cid:
            if cid in first_seen:
                problems.append(Problem(f'id "{cid}" is used twice (first at {first_seen[cid]})',
                                        shown, where("id"), "id", "give every case its own id"))
                bad = True
            first_seen.setdefault(cid, row.place)
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,40}", cid):
                problems.append(Problem(f'id "{short(cid)}" cannot be used in an address',
                                        shown, where("id"), "id",
                                        "use up to 40 Latin letters, digits and - _ . only"))
                bad = True
        district = districts.get(district_key(values["district"])) if values["district"] else None
        if values["district"] and district is None:
            problems.append(Problem(
                f'"{short(values["district"])}" is not a district the campaign serves', shown,
                where("district"), "district",
                district_hint(values["district"], campaign.districts)))
            bad = True
        url = values["url"] or (campaign.case_url_pattern.replace("{id}", cid) if cid else "")
        if values["url"] and not URL.match(url):
            hint = "write the full address, https://…"
            if " " in url.strip():
                hint += ("; if this is text from another column, a comma in an unquoted text "
                         "has moved the cells of this row")
            problems.append(Problem(f'"{short(url, 60)}" is not an http(s) address', shown,
                                    where("url"), "url", hint))
            bad = True
        elif len(url) > MAX_URL:
            problems.append(Problem(f"the address is {len(url)} characters; a QR code of it would be "
                                    "too dense to scan at print size", shown, where("url"), "url",
                                    f"use a short link (under {MAX_URL} characters)"))
            bad = True
        errors = len([p for p in problems if p.is_error])
        found = _photo(values["photo"], base, shown, where("photo"), problems, lenient,
                       cid or None, facts)
        photo, photo_px = found if found else (None, None)
        if len([p for p in problems if p.is_error]) > errors:
            bad = True
        if photo is not None and not values["photo_credit"]:
            problems.append(Problem("the photo has no credit", shown, where("photo_credit"),
                                    "photo_credit",
                                    "write the author and licence, e.g. «Фото: …, CC BY 4.0»",
                                    severity="warning", case=cid or None,
                                    kind="photo-no-credit"))
        if values["photo_credit"] and not values["photo"]:
            problems.append(Problem("a photo credit but no photo", shown, where("photo_credit"),
                                    "photo_credit", "name the photo file, or delete the credit",
                                    severity="warning", case=cid or None,
                                    kind="credit-no-photo"))
        if bad:
            continue
        cases.append(Case(
            id=cid, title=values["title"], organization=values["organization"],
            district=district or values["district"], category=values["category"],
            summary=values["summary"], partner=values["partner"], url=url, photo=photo,
            photo_credit=values["photo_credit"], photo_px=photo_px,
            source=Source(shown, row.place),
        ))
    if not seen_rows and not [p for p in problems if p.is_error]:
        place = "row 2" if path.suffix.lower() != ".toml" else None
        problems.append(Problem("no cases found: the file has a header and nothing under it",
                                shown, place, hint="add one case a row under the header"))
    return cases


# ---------------------------------------------------------------- photos

def _photo(value: str, base: Path, shown: str, place: str, problems: list[Problem],
           lenient: bool = False, case: str | None = None,
           facts: ImageFacts = _checked) -> tuple[Path, tuple[int, int]] | None:
    """The photo's real path and its size in pixels as printed, or None with a problem.

    A path leading out of the data folder is always an error. A photo that is
    missing or unusable is an error too — unless ``lenient`` (the campaign's
    ``missing_photos = "warn"``): then it is a warning, and the case is printed
    with the designed «no photo» card."""
    if not value:
        return None

    def refuse(message: str, hint: str | None = None) -> None:
        problems.append(Problem(message, shown, place, "photo", hint))

    def fail(message: str, hint: str | None = None) -> None:
        if lenient:
            problems.append(Problem(
                message, shown, place, "photo",
                (hint + "; " if hint else "") + "until then the case gets the «no photo» card",
                severity="warning", case=case, kind="photo-missing"))
        else:
            refuse(message, hint)

    inside = "give a path relative to the data file, inside its folder (e.g. photos/name.jpg)"
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        fail(f'"{short(value)}" is a web address, not a file',
             "download the photo into the data folder and name the file here")
        return None
    if "\0" in value:
        refuse("the photo path holds a NUL character", inside)
        return None
    text = value.replace("\\", "/")
    raw = Path(text)
    if raw.is_absolute() or re.match(r"^[A-Za-z]:/", text) or text.startswith("~"):
        refuse(f'"{short(value)}" points outside the data folder (an absolute path)', inside)
        return None
    if ".." in raw.parts:
        refuse(f'"{short(value)}" points outside the data folder (..)', inside)
        return None
    full = base / raw
    try:
        real = full.resolve(strict=True)
    except (OSError, RuntimeError):
        fail(f'photo "{short(value)}" not found', _missing_photo_hint(base, raw))
        return None
    if not real.is_relative_to(base):
        refuse(f'"{short(value)}" leads outside the data folder (symlink)',
             "copy the photo itself into the data folder")
        return None
    if not real.is_file():
        fail(f'"{short(value)}" is not a file', "name an image file (JPEG, PNG or TIFF)")
        return None
    checked = facts(real, lambda: _image_ok(real, value, fail))
    if checked is None:
        return None
    size, clear = (int(checked[0][0]), int(checked[0][1])), bool(checked[1])
    if clear:
        problems.append(Problem(
            f'"{short(value)}" has transparent areas: they print as paper white', shown, place,
            "photo", "flatten the picture onto the background it should have (or save it as "
            "JPEG) if white is not meant", severity="warning", case=case,
            kind="photo-transparent"))
    return real, size


def _transparent(im) -> bool:
    """Whether the open image has pixels that are not fully opaque (decoded only when it
    has an alpha channel or a transparent colour: most photos are read no further than
    the header)."""
    if im.mode not in ("RGBA", "LA", "PA", "RGBa", "La") and "transparency" not in im.info:
        return False
    return im.convert("RGBA").getchannel("A").getextrema()[0] < 255


PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp"}
SHOWN_PHOTOS = 5  # names listed when none is close


def _missing_photo_hint(base: Path, raw: Path) -> str:
    """How to fix a photo path that names no file.

    A near miss is named only when it is close: the same name in another case
    (or under folders of another case), the same name with another extension,
    or a stem with a difflib ratio of 0.85 or more. Otherwise the hint lists up
    to five photos of that folder (the nearest names first), or says the folder
    is empty or missing."""
    where = f"put the file in {display_path(base / raw.parent)} or fix the name"
    try:
        folder = base
        for i, part in enumerate(raw.parts[:-1]):  # the folders, matched in any case
            if (folder / part).is_dir():
                folder = folder / part
                continue
            same = [p for p in folder.iterdir() if p.is_dir() and p.name.casefold() == part.casefold()]
            if len(same) != 1:
                missing = Path(*raw.parts[:i + 1]).as_posix()
                return (f'there is no folder "{missing}" in {display_path(base)}; '
                        "put the photos there or fix the path")
            folder = same[0]
        rel = folder.relative_to(base)
        files = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and not p.name.startswith("."))
    except OSError:
        return where
    photos = [n for n in files if Path(n).suffix.lower() in PHOTO_SUFFIXES]
    name, stem = raw.name, Path(raw.name).stem.casefold()

    def named(n: str) -> str:
        return (rel / n).as_posix()

    exact = [n for n in files if n == name]  # the file is there, a folder's case differed
    same_case = [n for n in files if n.casefold() == name.casefold()]
    if exact or len(same_case) == 1:
        return f'did you mean "{named((exact or same_case)[0])}"? (names are case-sensitive)'
    other_ext = [n for n in photos if Path(n).stem.casefold() == stem]
    if len(other_ext) == 1:
        return f'did you mean "{named(other_ext[0])}"? (the extension differs)'

    def ratio(n: str) -> float:
        return difflib.SequenceMatcher(None, stem, Path(n).stem.casefold()).ratio()

    nearest = sorted(photos, key=lambda n: (-ratio(n), n))
    if nearest and ratio(nearest[0]) >= 0.85 and (
            len(nearest) == 1 or ratio(nearest[1]) < ratio(nearest[0])):
        return f'did you mean "{named(nearest[0])}"?'
    folder_name = display_path(folder)
    if not photos:
        what = "is empty" if not files else "holds no photos (JPEG, PNG or TIFF)"
        return f"{folder_name} {what}; put the photo there or fix the name"
    if len(photos) <= SHOWN_PHOTOS:
        return f"the photos in {folder_name} are: " + ", ".join(photos) + "; fix the name"
    return (f"{folder_name} holds {len(photos)} photos, none of that name; the nearest: "
            + ", ".join(nearest[:SHOWN_PHOTOS]) + "; fix the name")


def _image_ok(real: Path, value: str, fail) -> tuple[tuple[int, int], bool] | None:
    """Check the image from its header (and, when in doubt, a reduced decode); its size
    in pixels as printed (EXIF orientation applied) and whether it has transparent
    pixels, or None when it is unusable."""
    from PIL import Image, UnidentifiedImageError

    from .images import MAX_PIXELS  # the limit prepare_image applies (imported here: numpy,
    # Pillow and libvips come with it, which a rebuild that remembers the check never needs)

    name = short(value)
    export = "export the picture again as JPEG, PNG or TIFF"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(real) as im:
                w, h = im.size
                if _may_have_exif(im, real) and im.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                    size = (h, w)
                else:
                    size = (w, h)
                if w <= 0 or h <= 0 or w * h > MAX_PIXELS:
                    fail(f'"{name}" is {w}×{h} = {w * h:,} pixels, more than the {MAX_PIXELS:,} '
                         "allowed (possibly a decompression bomb)",
                         "downscale it: about 150 ppi at the printed size is plenty")
                    return None
                if im.format == "PNG":
                    with Image.open(real) as fresh:  # verify must come first after opening
                        fresh.verify()  # chunk CRCs: a cut or damaged file shows here
                elif im.format in ("JPEG", "MPO") and not _jpeg_complete(real):
                    im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
                    im.load()
                clear = _transparent(im)
    except Image.DecompressionBombError as exc:
        m = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(m.group(1)):,} pixels" if m else "too many pixels"
        fail(f'"{name}" has {count}, more than the {MAX_PIXELS:,} allowed '
             "(possibly a decompression bomb)",
             "downscale it: about 150 ppi at the printed size is plenty")
        return None
    except UnidentifiedImageError:
        kind = "a text file" if _is_plain_text(real) else "a file Pillow cannot identify"
        fail(f'"{name}" is not an image: it is {kind}', export)
        return None
    except Exception as exc:  # Pillow's plugins raise OSError, SyntaxError, ValueError…
        reason = str(exc) or type(exc).__name__
        if "truncat" in reason.lower() or isinstance(exc, EOFError):
            what = "truncated: the file ends before the picture does"
        else:
            what = f"damaged ({short(reason, 60)})"
        fail(f'"{name}" is {what}', "copy or download the photo again, or " + export)
        return None
    return size, clear


def _may_have_exif(im, path: Path) -> bool:
    """False for a PNG without an eXIf chunk (Pillow decodes a PNG's pixels to look for
    EXIF behind them; the chunk headers tell it without a decode); True otherwise."""
    if im.format != "PNG":
        return True
    with open(path, "rb") as fh:
        fh.seek(8)  # the signature
        while True:
            head = fh.read(8)
            if len(head) < 8:
                return True  # cut short: let Pillow find and report it
            length, kind = int.from_bytes(head[:4], "big"), head[4:]
            if kind == b"eXIf":
                return True
            if kind == b"IEND":
                return False
            fh.seek(length + 4, 1)  # the data and its CRC


def _jpeg_complete(path: Path) -> bool:
    """Whether a big JPEG's last bytes hold its end marker (trailers allowed).

    Small files (where an EXIF thumbnail's marker could be in the tail) are
    decoded at 1/8 scale instead, which is cheap for them."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        if size < 256 * 1024:
            return False
        fh.seek(size - 65536)
        tail = fh.read()
    return b"\xff\xd9" in tail


def _is_plain_text(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(2048)
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4
