"""Load the cases: CSV, XLSX (first sheet) or TOML ``[[case]]`` tables.

The contract (one header row, these names, any order)::

    id,title,organization,district,category,summary,partner,url,photo,photo_credit

Required: id, title, organization, district, category, summary. ``photo`` is
a path relative to the data file and may not leave its folder. ``url``
defaults to the campaign's per-case pattern. Every problem is reported with
its file, row (or line) and column, all at once.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

from ..errors import InputError, Problem, display_path
from ..model import Campaign, Case, Source
from .config import URL, district_key

COLUMNS = ("id", "title", "organization", "district", "category", "summary",
           "partner", "url", "photo", "photo_credit")
REQUIRED = ("id", "title", "organization", "district", "category", "summary")
MAX_URL = 300  # characters; longer addresses make QR codes too dense to scan at print size
MAX_CELL = 5000


def load_cases(path: Path, campaign: Campaign) -> tuple[list[Case], list[Problem]]:
    """Read, check and return the cases and the warnings."""
    path = Path(path)
    shown = display_path(path)
    if not path.is_file():
        raise InputError("cannot read the cases", [Problem(
            "file not found", shown, hint="pass --cases PATH (CSV, XLSX or TOML)")])
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    if suffix == ".csv":
        rows = _read_csv(path, problems)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path, problems)
    elif suffix == ".toml":
        rows = _read_toml(path, problems)
    else:
        raise InputError("cannot read the cases", [Problem(
            f'unknown file type "{suffix}"', shown, hint="use .csv, .xlsx or .toml")])
    InputError.collect(problems, f"{shown} cannot be read")
    cases = _check_rows(rows, path, campaign, problems)
    InputError.collect(problems, f"{shown} has problems")
    return cases, [p for p in problems if not p.is_error]


# rows are (place, {column: value}) with place like "row 17" or "line 12"
Row = tuple[str, dict[str, str]]


def _header(names: list[str], shown: str, place: str, problems: list[Problem]) -> list[str]:
    clean = [(n or "").strip().lstrip("\ufeff").strip().lower() for n in names]
    while clean and not clean[-1]:
        clean.pop()
    for i, n in enumerate(clean):
        if not n:
            problems.append(Problem(f"column {i + 1} has no name", shown, place,
                                    hint="name it or delete the column"))
        elif n not in COLUMNS:
            import difflib
            close = difflib.get_close_matches(n, COLUMNS, n=1)
            problems.append(Problem(f'unknown column "{n}"', shown, place, n,
                                    f'did you mean "{close[0]}"?' if close
                                    else "expected columns: " + ",".join(COLUMNS)))
    seen = set()
    for n in clean:
        if n and n in seen:
            problems.append(Problem(f'column "{n}" appears twice', shown, place, n))
        seen.add(n)
    for n in REQUIRED:
        if n not in clean:
            problems.append(Problem(f'required column "{n}" is missing', shown, place, n,
                                    "header row: " + ",".join(COLUMNS)))
    return clean


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        text = None
    # cp1251 decodes almost anything: accept it only when it reads as Cyrillic text
    if text is not None:
        letters = [ch for ch in text if ch.isalpha() and ord(ch) > 127]
        cyr = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
        if letters and cyr / len(letters) > 0.5:
            problems.append(Problem(
                "read as Windows-1251 (not UTF-8)", shown, severity="warning",
                hint="check the Ukrainian letters in the output; save as CSV UTF-8 to be sure"))
            return text
    line = raw[: utf8_error.start].count(b"\n") + 1
    problems.append(Problem(f"not UTF-8 text (byte {utf8_error.start})", shown, f"line {line}",
                            hint="save the file as «CSV UTF-8»"))
    return ""


def _read_csv(path: Path, problems: list[Problem]) -> list[Row]:
    shown = display_path(path)
    text = _decode(path.read_bytes(), shown, problems)
    if not text:
        if not problems:
            problems.append(Problem("the file is empty", shown, hint="add a header row and cases"))
        return []
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    try:
        header = next(reader, None)
        if header is None:
            problems.append(Problem("the file is empty", shown))
            return []
        names = _header(header, shown, "row 1", problems)
        for values in reader:
            rowno = reader.line_num  # physical line where the record ends
            place = f"row {len(rows) + 2}" if rowno == len(rows) + 2 else f"row {len(rows) + 2} (line {rowno})"
            rows.append((place, _zip_row(names, values, shown, place, problems)))
    except csv.Error as exc:
        problems.append(Problem(f"broken CSV: {exc}", shown, f"line {reader.line_num}",
                                hint="check the quotes on that line"))
    return rows


def _zip_row(names: list[str], values: list, shown: str, place: str,
             problems: list[Problem]) -> dict[str, str]:
    values = ["" if v is None else str(v) for v in values]
    while len(values) > len(names) and not values[-1].strip():
        values.pop()
    if len(values) > len(names):
        problems.append(Problem(f"{len(values)} cells but {len(names)} columns", shown, place,
                                hint="a comma inside a text needs the text in double quotes"))
    return {n: (values[i] if i < len(values) else "") for i, n in enumerate(names) if n}


def _read_xlsx(path: Path, problems: list[Problem]) -> list[Row]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    shown = display_path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError...
        problems.append(Problem(f"not a readable XLSX workbook ({type(exc).__name__})", shown,
                                hint="save it again from the spreadsheet program as .xlsx"))
        return []
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        problems.append(Problem("the first sheet is empty", shown, f"sheet «{ws.title}»"))
        return []
    names = _header([("" if h is None else str(h)) for h in header], shown, "row 1", problems)
    rows: list[Row] = []
    for r, values in enumerate(it, start=2):
        cells = []
        for i, v in enumerate(values):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if isinstance(v, str) and v.startswith("#") and v.endswith(("!", "?", "A")):
                col = names[i] if i < len(names) else get_column_letter(i + 1)
                problems.append(Problem(f"the cell holds a spreadsheet error {v}", shown, f"row {r}",
                                        col, "fix the formula in the spreadsheet"))
            cells.append(v)
        rows.append((f"row {r}", _zip_row(names, cells, shown, f"row {r}", problems)))
    wb.close()
    if getattr(ws, "merged_cells", None) and ws.merged_cells.ranges:
        problems.append(Problem("the sheet has merged cells; only their top-left cell has a value",
                                shown, severity="warning", hint="unmerge them"))
    return rows


def _read_toml(path: Path, problems: list[Problem]) -> list[Row]:
    from .tomlpos import TomlPositions

    shown = display_path(path)
    raw = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(f"not valid TOML: {exc}", shown))
        return []
    pos = TomlPositions(raw)
    rows: list[Row] = []
    for i, t in enumerate(data.get("case") or []):
        place = pos.find(f"case[{i}]") or f"case {i + 1}"
        for key in t:
            if key not in COLUMNS:
                problems.append(Problem(f'unknown key "{key}"', shown, pos.find(f"case[{i}].{key}"),
                                        key, "expected keys: " + ", ".join(COLUMNS)))
        rows.append((place, {k: "" if v is None else str(v) for k, v in t.items() if k in COLUMNS}))
    if not rows:
        problems.append(Problem("no [[case]] tables", shown, hint="add one [[case]] per case"))
    return rows


def _check_rows(rows: list[Row], path: Path, campaign: Campaign,
                problems: list[Problem]) -> list[Case]:
    shown = display_path(path)
    base = path.resolve().parent
    districts = {district_key(d): d for d in campaign.districts}
    first_seen: dict[str, str] = {}
    cases: list[Case] = []
    for place, row in rows:
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        if not any(values.values()):
            continue  # trailing empty rows are not cases
        bad = False
        for k in REQUIRED:
            if not values[k]:
                problems.append(Problem("is empty", shown, place, k, f"every case needs a {k}"))
                bad = True
        for k, v in values.items():
            if len(v) > MAX_CELL:
                problems.append(Problem(f"{len(v)} characters is far too long for a panel",
                                        shown, place, k, f"shorten it below {MAX_CELL}"))
                bad = True
        cid = values["id"]
        if cid:
            if cid in first_seen:
                problems.append(Problem(f'id "{cid}" is used twice (first at {first_seen[cid]})',
                                        shown, place, "id", "give every case its own id"))
                bad = True
            first_seen.setdefault(cid, place)
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,40}", cid):
                problems.append(Problem(f'id "{cid}" cannot be used in an address',
                                        shown, place, "id", "use letters, digits, - _ . only"))
                bad = True
        district = districts.get(district_key(values["district"])) if values["district"] else None
        if values["district"] and district is None:
            import difflib
            close = difflib.get_close_matches(district_key(values["district"]), list(districts), n=1)
            problems.append(Problem(
                f'"{values["district"]}" is not a district the campaign serves', shown, place,
                "district", f'did you mean "{districts[close[0]]}"?' if close
                else "expected one of: " + ", ".join(campaign.districts)))
            bad = True
        url = values["url"] or (campaign.case_url_pattern.replace("{id}", cid) if cid else "")
        if values["url"] and not URL.match(url):
            problems.append(Problem(f'"{url}" is not an http(s) address', shown, place, "url",
                                    "write the full address, https://…"))
            bad = True
        elif len(url) > MAX_URL:
            problems.append(Problem(f"the address is {len(url)} characters; a QR code of it would be "
                                    "too dense to scan at print size", shown, place, "url",
                                    f"use a short link (under {MAX_URL} characters)"))
            bad = True
        photo = _photo(values["photo"], base, shown, place, problems)
        if values["photo"] and photo is None:
            bad = True
        if photo is not None and not values["photo_credit"]:
            problems.append(Problem("the photo has no credit", shown, place, "photo_credit",
                                    "write the author and licence, e.g. «Фото: …, CC BY 4.0»",
                                    severity="warning"))
        if bad:
            continue
        cases.append(Case(
            id=cid, title=values["title"], organization=values["organization"],
            district=district or values["district"], category=values["category"],
            summary=values["summary"], partner=values["partner"], url=url, photo=photo,
            photo_credit=values["photo_credit"], source=Source(shown, place),
        ))
    if not cases and not [p for p in problems if p.is_error]:
        problems.append(Problem("no cases found", shown, hint="add rows under the header"))
    return cases


def _photo(value: str, base: Path, shown: str, place: str,
           problems: list[Problem]) -> Path | None:
    if not value:
        return None
    raw = Path(value.replace("\\", "/"))
    if raw.is_absolute() or ".." in raw.parts:
        problems.append(Problem(f'"{value}" points outside the data folder', shown, place, "photo",
                                "give a path relative to the data file, inside its folder"))
        return None
    full = base / raw
    try:
        real = full.resolve(strict=True)
    except (FileNotFoundError, OSError):
        problems.append(Problem(f'photo "{value}" not found', shown, place, "photo",
                                f"put the file in {display_path(base)} or fix the name"))
        return None
    if not real.is_relative_to(base):
        problems.append(Problem(f'"{value}" leads outside the data folder (symlink)', shown, place,
                                "photo", "copy the photo into the data folder"))
        return None
    if not real.is_file():
        problems.append(Problem(f'"{value}" is not a file', shown, place, "photo"))
        return None
    return real
