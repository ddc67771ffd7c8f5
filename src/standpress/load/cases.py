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

What people actually produce is read:

* CSV: UTF-8 with or without BOM; Windows-1251 (detected, read with a
  warning); CRLF; ``,`` ``;`` or tab as the delimiter; quoted fields with
  newlines; trailing empty rows and columns; stray spaces and capitals in
  the header. Anything else (UTF-16, Latin-1 bytes in a UTF-8 file, binary)
  is an error naming each cell that holds the bad bytes.
* XLSX: the first worksheet; formulas are read as the values the spreadsheet
  saved (a formula without a saved value is an error); a cell merged down a
  column gives its value to every row of the range (with a warning); cells
  merged across columns are an error; error values (``#DIV/0!``) are errors.
* TOML: ``[[case]]`` tables; every value must be text (``id = 8`` would lose
  the leading zeros of ``"008"``).

Photos are checked here, before anything is drawn: confined to the data
folder (absolute paths, ``..`` and symlinks leading out are refused), an
image Pillow can identify, not above the pixel limit (read from the header,
before decoding), not truncated.

Only :class:`standpress.errors.InputError` leaves this module.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import re
import tomllib
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem, display_path
from ..model import Campaign, Case, Source
from .config import MAX_URL, URL, district_key, toml_error_place
from .images import MAX_PIXELS  # the limit prepare_image applies

COLUMNS = ("id", "title", "organization", "district", "category", "summary",
           "partner", "url", "photo", "photo_credit")
REQUIRED = ("id", "title", "organization", "district", "category", "summary")
MAX_CELL = 5000
MAX_FILE = 50 * 1024 * 1024  # bytes of a cases file; a campaign's cases are a few hundred kB
MAX_ROWS = 100_000
MAX_REPORTED = 30  # encoding problems named one by one; the rest are counted
HEADER_HINT = "the header row: " + ",".join(COLUMNS)
NEAR_MISS = 0.8  # difflib ratio from which an unknown column is taken for a misspelt known one
_MISSING = "required column"


def load_cases(path: Path, campaign: Campaign) -> tuple[list[Case], list[Problem]]:
    """Read, check and return the cases and the warnings."""
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
            rows = _read_csv(path, problems)
        elif suffix in (".xlsx", ".xlsm"):
            rows = _read_xlsx(path, problems)
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
    missing = {p.field for p in problems if p.message.startswith(_MISSING)}
    cases = _check_rows(rows, path, campaign, problems, missing)
    InputError.collect(problems, f"{shown} has problems")
    return cases, [p for p in problems if not p.is_error]


@dataclass
class Row:
    """One case as read: where it is, its values, and where each value is."""

    place: str  # "row 17", "row 17 (line 19)" or, for TOML, "12:1"
    values: dict[str, str]
    places: dict[str, str] = field(default_factory=dict)  # TOML: each key's line:column
    bad: bool = False  # the reader already reported this row

    def where(self, key: str) -> str:
        return self.places.get(key, self.place)


# ---------------------------------------------------------------- header

def near_miss(name: str, known: tuple[str, ...]) -> str | None:
    """The known column or key ``name`` is very probably a misspelling of, or None.

    «tittle», «summery», «organisation», «Photo credit» are near misses;
    «Відповідальний», «notes», «website» are columns of their own.
    """
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    close = difflib.get_close_matches(key, known, n=1, cutoff=NEAR_MISS)
    return close[0] if close else None


def unknown_problem(name: str, shown: str, place: str, absent: set[str],
                    what: str = "column") -> Problem:
    """An unknown column (or TOML key): a warning, the build goes on without it.

    ``absent``: the known columns the file lacks.  A near miss of one of them
    says «did you mean»; of a required one it is an error: the cases would
    lose their title (or summary…) to a typo.
    """
    close = near_miss(name, COLUMNS)
    if close is not None and close not in absent:
        close = None  # the real column is there too: this one is a column of its own
    if close is not None and close in REQUIRED:
        return Problem(f'unknown {what} "{name}"', shown, place, name,
                       f'did you mean "{close}"? The required {what} "{close}" is missing')
    if close is not None:
        return Problem(f'unknown {what} "{name}": ignored', shown, place, name,
                       f'did you mean "{close}"? Rename it, or it is left out of the stands',
                       severity="warning")
    return Problem(f'unknown {what} "{name}": ignored', shown, place, name,
                   f"standpress reads only {', '.join(COLUMNS)}; the others stay in the file "
                   "and are left out of the stands", severity="warning")


def _header(names: list[str], shown: str, place: str, problems: list[Problem],
            label=lambda i: f"column {i + 1}") -> list[str]:
    """The column keys: a known column's name, an unknown one's as the file spells it."""
    spelled = [unicodedata.normalize("NFC", (n or "")).strip().lstrip("\ufeff").strip()
               for n in names]
    clean = []
    for n in spelled:
        key = re.sub(r"\s+", "_", n.lower())
        clean.append(key if key in COLUMNS else n)
    while clean and not clean[-1]:
        clean.pop()
    absent = {n for n in COLUMNS if n not in clean}
    for i, n in enumerate(clean):
        if not n:
            problems.append(Problem(f"{label(i)} has no name: its cells are ignored", shown,
                                    place, label(i), "name it (" + ",".join(COLUMNS) + ") if "
                                    "standpress should read it", severity="warning"))
        elif n not in COLUMNS:
            problems.append(unknown_problem(n, shown, place, absent))
    seen = set()
    for n in clean:
        if n in COLUMNS and n in seen:
            problems.append(Problem(f'column "{n}" appears twice', shown, place, n,
                                    "keep one of them (standpress cannot tell which is meant)"))
        seen.add(n)
    for n in REQUIRED:
        if n in absent:
            problems.append(Problem(f'{_MISSING} "{n}" is missing', shown, place, n, HEADER_HINT))
    return clean


def _zip_row(names: list[str], values: list, shown: str, place: str,
             problems: list[Problem], label=lambda i: f"column {i + 1}") -> tuple[dict[str, str], bool]:
    values = ["" if v is None else str(v) for v in values]
    while len(values) > len(names) and not values[-1].strip():
        values.pop()
    bad = False
    if len(values) > len(names):
        extra = [i for i in range(len(names), len(values)) if values[i].strip()]
        first = extra[0] if extra else len(names)
        problems.append(Problem(
            f"{len(values)} cells but the header has {len(names)} columns "
            f"({label(first)} holds «{_short(values[first])}»)", shown, place, label(first),
            "a comma inside a text needs the whole text in double quotes; "
            "otherwise the cells after it move one column to the right"))
        bad = True
    return {n: (values[i] if i < len(values) else "") for i, n in enumerate(names) if n}, bad


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- CSV

_SURROGATE = re.compile("[\udc80-\udcff]+")


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> tuple[str, bool]:
    """The text, and whether it holds undecodable bytes (as surrogates, to be
    reported cell by cell). File-level problems are added to ``problems``."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        enc = "UTF-32" if raw.startswith((b"\xff\xfe\0\0", b"\0\0\xfe\xff")) else "UTF-16"
        problems.append(Problem(
            f"the file is {enc} text (what Excel calls «Unicode text»), not UTF-8", shown,
            "line 1", hint="save it again as «CSV UTF-8 (comma delimited)»"))
        return "", False
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\0")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        problems.append(Problem(
            "the file holds NUL bytes: it is not a text (CSV) file", shown, f"line {line}",
            hint="export the cases from the spreadsheet as «CSV UTF-8»"))
        return "", False
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    mixed = raw.decode("utf-8", "surrogateescape")
    bad = sum(len(m) for m in _SURROGATE.findall(mixed))
    good = sum(1 for ch in mixed if ord(ch) > 127 and not "\udc80" <= ch <= "\udcff")
    if good > bad:  # UTF-8 with a few foreign bytes pasted in: name the cells
        return mixed, True
    text = _cp1251(raw)
    if text is not None:
        problems.append(Problem(
            "read as Windows-1251 (the file is not UTF-8)", shown, severity="warning",
            hint="check the Ukrainian letters in the output; save as «CSV UTF-8» to be sure"))
        return text, False
    return mixed, True


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > len(even) * 0.3 or odd.count(0) > len(odd) * 0.3


def _cp1251(raw: bytes) -> str | None:
    """The text if ``raw`` reads as Ukrainian in Windows-1251, else None.

    cp1251 decodes almost any bytes; Latin-1 accents (é, ü) become Cyrillic
    letters inside Latin words («Cafй»). Accept only text whose words with
    non-ASCII letters are Cyrillic through and through."""
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return None
    words = [w for w in re.findall(r"[^\W\d_]+", text) if any(ord(ch) > 127 for ch in w)]
    if not words:
        return None
    cyrillic = sum(1 for w in words if all("\u0400" <= ch <= "\u04ff" for ch in w))
    return text if cyrillic / len(words) >= 0.9 else None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _read_csv(path: Path, problems: list[Problem]) -> list[Row]:
    shown = display_path(path)
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        problems.append(Problem("the file is empty", shown, "line 1",
                                hint="write " + HEADER_HINT + ", then one case a row"))
        return []
    text, undecodable = _decode(raw, shown, problems)
    if not text:
        return []
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines: list[str] | None = None  # the physical lines, read only to explain a broken row
    rows: list[Row] = []
    names: list[str] | None = None
    record = 0  # records read: the header is row 1
    reported = 0
    last_line = 0
    while True:
        start = last_line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            record += 1
            place = f"row {record} (line {start})" if record != start else f"row {record}"
            reason = str(exc)
            hint = ("a double quote inside a quoted text is written twice (\"\"); "
                    "check the quotes in this row")
            if "end of data" in reason:
                reason = f"a quote opened in this row is never closed (the file ends at line {reader.line_num})"
                hint = "close the quote; everything after it was read as one cell"
            elif "expected after" in reason and reader.line_num > start:
                reason = (f"a quoted cell in this row is not closed where it should be: it runs "
                          f"on to line {reader.line_num}")
                hint = ('close the quote at the end of the text; a quote inside a quoted text '
                        'is written twice ("")')
            elif "expected after" in reason:
                reason = "text follows the closing quote of a quoted cell"
            elif "field larger" in reason:
                reason = "a cell is far too long (a quote is probably never closed)"
            if lines is None:
                lines = io.StringIO(text, newline="").readlines()
            i = _quote_column("".join(lines[start - 1:reader.line_num]), delimiter)
            column = None
            if i is not None:
                column = names[i] if names and i < len(names) and names[i] else f"column {i + 1}"
            problems.append(Problem(f"broken CSV: {reason}", shown, place, column, hint))
            if names is None:  # the header itself is broken: nothing below can be read
                break
            if reader.line_num <= last_line:  # no progress: give up on the rest
                break
            last_line = reader.line_num
            if names is not None:
                rows.append(Row(place, {}, bad=True))
            continue
        record += 1
        end = reader.line_num
        place = f"row {record}" if record == end else f"row {record} (line {start})"
        last_line = end
        if undecodable:
            reported += _report_bytes(values, names, shown, place, problems, reported)
        if names is None:
            names = _header(values, shown, place, problems)
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(f"more than {MAX_ROWS} rows", shown, place,
                                    hint="check that this is the cases file"))
            break
        data, bad = _zip_row(names, values, shown, place, problems)
        rows.append(Row(place, data, bad=bad))
    if names is None:
        problems.append(Problem("the file has no header row", shown, "line 1",
                                hint="write " + HEADER_HINT))
    if undecodable and reported > MAX_REPORTED:
        problems.append(Problem(f"… and {reported - MAX_REPORTED} more cells with bytes that are "
                                "not UTF-8", shown, "line 1", hint="save the file as «CSV UTF-8»"))
    return rows


def _quote_column(chunk: str, delimiter: str) -> int | None:
    """The column (0-based) of a record whose quotes are broken: a quote never
    closed, or text right after a closing quote."""
    col, i, n = 0, 0, len(chunk)
    at_start, quoted = True, False
    while i < n:
        ch = chunk[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and chunk[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
                if i + 1 < n and chunk[i + 1] not in (delimiter, "\r", "\n"):
                    return col
            i += 1
            continue
        if ch == '"' and at_start:
            quoted = True
        elif ch == delimiter:
            col += 1
            at_start = True
            i += 1
            continue
        elif ch in "\r\n":
            return None
        at_start = False
        i += 1
    return col if quoted else None


def _report_bytes(values: list[str], names: list[str] | None, shown: str, place: str,
                  problems: list[Problem], reported: int) -> int:
    n = 0
    for i, v in enumerate(values):
        m = _SURROGATE.search(v)
        if not m:
            continue
        n += 1
        if reported + n > MAX_REPORTED:
            continue
        col = (names[i] if names is not None and i < len(names) and names[i]
               else f"column {i + 1}")
        data = bytes(ord(ch) - 0xDC00 for ch in m.group())
        shown_text = _short(_SURROGATE.sub("\ufffd", v[max(0, m.start() - 25):m.end() + 25]), 60)
        latin = data.decode("cp1252", "replace")
        problems.append(Problem(
            f"not UTF-8: byte{'s' if len(data) > 1 else ''} {data.hex(' ').upper()} in «{shown_text}» "
            f"(in Latin-1 that would be «{latin}»)", shown, place, col,
            "retype the character in this cell, and save the file as «CSV UTF-8»"))
    return n


# ---------------------------------------------------------------- XLSX

def _read_xlsx(path: Path, problems: list[Problem]) -> list[Row]:
    shown = display_path(path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            problems.append(Problem("this is an old Excel 97–2003 workbook (.xls), not .xlsx",
                                    shown, hint="save it as «Excel workbook (.xlsx)» or «CSV UTF-8»"))
        elif not head.strip():
            problems.append(Problem("the file is empty", shown, "line 1",
                                    hint="save the spreadsheet again as .xlsx"))
        elif _is_text(head):
            problems.append(Problem("this is a CSV (text) file named .xlsx", shown, "line 1",
                                    hint=f"rename it to {path.stem}.csv"))
        else:
            problems.append(Problem("not an XLSX workbook", shown,
                                    hint="save it from the spreadsheet program as .xlsx"))
        return []
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except Exception as exc:  # BadZipFile, NotImplementedError (zip version), EOFError…
        problems.append(Problem(f"the workbook is damaged ({_short(str(exc), 60)})", shown,
                                hint="save it again from the spreadsheet program as .xlsx"))
        return []
    if unpacked > 20 * MAX_FILE:
        problems.append(Problem(f"the workbook unpacks to {unpacked // 1024 // 1024} MB", shown,
                                hint="check that this is the cases workbook"))
        return []
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values_wb = openpyxl.load_workbook(path, data_only=True)
            formulas_wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError, XML errors…
        problems.append(Problem(f"not a readable XLSX workbook ({type(exc).__name__}: "
                                f"{_short(str(exc), 80)})", shown,
                                hint="save it again from the spreadsheet program as .xlsx"))
        return []
    try:
        if not values_wb.worksheets:
            problems.append(Problem("the workbook has no worksheet", shown,
                                    hint="put the cases on the first sheet"))
            return []
        ws = values_wb.worksheets[0]
        fs = formulas_wb.worksheets[0]
        sheet = f"sheet «{ws.title}»"
        grid: list[list] = [list(r) for r in ws.iter_rows(
            min_row=1, max_row=min(ws.max_row, MAX_ROWS + 1), max_col=ws.max_column,
            values_only=True)]
        while grid and all(v is None or (isinstance(v, str) and not v.strip()) for v in grid[-1]):
            grid.pop()
        if not grid:
            problems.append(Problem("the first sheet is empty", shown, f"{sheet} row 1",
                                    hint="put " + HEADER_HINT + " in row 1, one case a row below"))
            return []
        names = _header([("" if h is None else str(h)) for h in grid[0]], shown, "row 1", problems,
                        label=lambda i: f"column {get_column_letter(i + 1)}")

        def col(i: int) -> str:
            return (names[i] if i < len(names) and names[i]
                    else f"column {get_column_letter(i + 1)}")

        bad_rows: set[int] = set()
        # merged cells: down one column, the value serves every row; across columns, an error
        for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            r0, c0, r1, c1 = rng.min_row, rng.min_col, rng.max_row, rng.max_col
            if c0 != c1:
                cols = ", ".join(col(i - 1) for i in range(c0, c1 + 1))
                problems.append(Problem(
                    f"cells {rng.coord} are merged across the columns {cols}", shown,
                    f"row {r0}", col(c0 - 1), "unmerge them and give each column its own value"))
                bad_rows.update(range(r0, r1 + 1))
                continue
            if r0 == 1 or r0 > len(grid):
                continue
            value = grid[r0 - 1][c0 - 1] if c0 - 1 < len(grid[r0 - 1]) else None
            last = min(r1, len(grid))
            for r in range(r0 + 1, last + 1):
                if c0 - 1 < len(grid[r - 1]):
                    grid[r - 1][c0 - 1] = value
            if last > r0:
                problems.append(Problem(
                    f"cells {rng.coord} are merged: «{_short(str(value or ''))}» is used for "
                    f"rows {r0}–{last}", shown, f"row {r0}", col(c0 - 1),
                    "unmerge the cells and fill in each row, so the file reads the same "
                    "everywhere", severity="warning"))
        rows: list[Row] = []
        for r, values in enumerate(grid[1:], start=2):
            place = f"row {r}"
            cells = []
            bad = r in bad_rows
            for i, v in enumerate(values):
                if v is None:
                    formula = fs.cell(row=r, column=i + 1).value
                    if isinstance(formula, str) and formula.startswith("="):
                        problems.append(Problem(
                            f"the formula {_short(formula)} has no saved value", shown, place,
                            col(i), "open the file in Excel or LibreOffice and save it again "
                            "(or type the value instead of the formula)"))
                        bad = True
                    cells.append("")
                    continue
                if isinstance(v, str) and v in _XL_ERRORS:
                    problems.append(Problem(f"the cell holds the spreadsheet error {v}", shown,
                                            place, col(i), "fix the formula in the spreadsheet"))
                    bad = True
                    v = ""
                cells.append(_cell_text(v))
            data, extra = _zip_row(names, cells, shown, place, problems, label=col)
            rows.append(Row(place, data, bad=bad or extra))
        if ws.max_row > MAX_ROWS + 1:
            problems.append(Problem(f"more than {MAX_ROWS} rows", shown, sheet,
                                    hint="check that this is the cases workbook"))
        return rows
    finally:
        values_wb.close()
        formulas_wb.close()


_XL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
              "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"}


def _cell_text(v) -> str:
    import datetime as dt

    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return False
    return b"\0" not in head and any(d in head for d in (b",", b";", b"\t"))


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
                                    hint, severity="error" if "case" not in data else "warning"))
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
                problems: list[Problem], missing: set[str] = frozenset()) -> list[Case]:
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
                problems.append(Problem(f'id "{_short(cid)}" cannot be used in an address',
                                        shown, where("id"), "id",
                                        "use up to 40 Latin letters, digits and - _ . only"))
                bad = True
        district = districts.get(district_key(values["district"])) if values["district"] else None
        if values["district"] and district is None:
            close = difflib.get_close_matches(district_key(values["district"]), list(districts), n=1)
            problems.append(Problem(
                f'"{_short(values["district"])}" is not a district the campaign serves', shown,
                where("district"), "district", f'did you mean "{districts[close[0]]}"?' if close
                else "write one of: " + ", ".join(campaign.districts)))
            bad = True
        url = values["url"] or (campaign.case_url_pattern.replace("{id}", cid) if cid else "")
        if values["url"] and not URL.match(url):
            hint = "write the full address, https://…"
            if " " in url.strip():
                hint += ("; if this is text from another column, a comma in an unquoted text "
                         "has moved the cells of this row")
            problems.append(Problem(f'"{_short(url, 60)}" is not an http(s) address', shown,
                                    where("url"), "url", hint))
            bad = True
        elif len(url) > MAX_URL:
            problems.append(Problem(f"the address is {len(url)} characters; a QR code of it would be "
                                    "too dense to scan at print size", shown, where("url"), "url",
                                    f"use a short link (under {MAX_URL} characters)"))
            bad = True
        errors = len([p for p in problems if p.is_error])
        photo = _photo(values["photo"], base, shown, where("photo"), problems, lenient)
        if len([p for p in problems if p.is_error]) > errors:
            bad = True
        if photo is not None and not values["photo_credit"]:
            problems.append(Problem("the photo has no credit", shown, where("photo_credit"),
                                    "photo_credit",
                                    "write the author and licence, e.g. «Фото: …, CC BY 4.0»",
                                    severity="warning"))
        if values["photo_credit"] and not values["photo"]:
            problems.append(Problem("a photo credit but no photo", shown, where("photo_credit"),
                                    "photo_credit", "name the photo file, or delete the credit",
                                    severity="warning"))
        if bad:
            continue
        cases.append(Case(
            id=cid, title=values["title"], organization=values["organization"],
            district=district or values["district"], category=values["category"],
            summary=values["summary"], partner=values["partner"], url=url, photo=photo,
            photo_credit=values["photo_credit"], source=Source(shown, row.place),
        ))
    if not seen_rows and not [p for p in problems if p.is_error]:
        place = "row 2" if path.suffix.lower() != ".toml" else None
        problems.append(Problem("no cases found: the file has a header and nothing under it",
                                shown, place, hint="add one case a row under the header"))
    return cases


# ---------------------------------------------------------------- photos

def _photo(value: str, base: Path, shown: str, place: str, problems: list[Problem],
           lenient: bool = False) -> Path | None:
    """The photo's real path, or None with a problem.

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
                severity="warning"))
        else:
            refuse(message, hint)

    inside = "give a path relative to the data file, inside its folder (e.g. photos/name.jpg)"
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        fail(f'"{_short(value)}" is a web address, not a file',
             "download the photo into the data folder and name the file here")
        return None
    if "\0" in value:
        refuse("the photo path holds a NUL character", inside)
        return None
    text = value.replace("\\", "/")
    raw = Path(text)
    if raw.is_absolute() or re.match(r"^[A-Za-z]:/", text) or text.startswith("~"):
        refuse(f'"{_short(value)}" points outside the data folder (an absolute path)', inside)
        return None
    if ".." in raw.parts:
        refuse(f'"{_short(value)}" points outside the data folder (..)', inside)
        return None
    full = base / raw
    try:
        real = full.resolve(strict=True)
    except (OSError, RuntimeError):
        hint = f"put the file in {display_path(base)} or fix the name"
        try:
            if full.parent.is_dir():
                close = difflib.get_close_matches(
                    full.name.lower(), [p.name.lower() for p in full.parent.iterdir()], n=1)
                if close:
                    hint = f'did you mean "{(raw.parent / close[0]).as_posix()}"? (names are case-sensitive)'
                    match = [p.name for p in full.parent.iterdir() if p.name.lower() == close[0]]
                    if match:
                        hint = f'did you mean "{(raw.parent / match[0]).as_posix()}"? (names are case-sensitive)'
        except OSError:
            pass
        fail(f'photo "{_short(value)}" not found', hint)
        return None
    if not real.is_relative_to(base):
        refuse(f'"{_short(value)}" leads outside the data folder (symlink)',
             "copy the photo itself into the data folder")
        return None
    if not real.is_file():
        fail(f'"{_short(value)}" is not a file', "name an image file (JPEG, PNG or TIFF)")
        return None
    if not _image_ok(real, value, fail):
        return None
    return real


def _image_ok(real: Path, value: str, fail) -> bool:
    """Check the image from its header (and, when in doubt, a reduced decode)."""
    from PIL import Image, UnidentifiedImageError

    name = _short(value)
    export = "export the picture again as JPEG, PNG or TIFF"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(real) as im:
                w, h = im.size
                if w <= 0 or h <= 0 or w * h > MAX_PIXELS:
                    fail(f'"{name}" is {w}×{h} = {w * h:,} pixels, more than the {MAX_PIXELS:,} '
                         "allowed (possibly a decompression bomb)",
                         "downscale it: about 150 ppi at the printed size is plenty")
                    return False
                if im.format == "PNG":
                    im.verify()  # chunk CRCs: a cut or damaged file shows here
                elif im.format in ("JPEG", "MPO") and not _jpeg_complete(real):
                    im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
                    im.load()
    except Image.DecompressionBombError as exc:
        m = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(m.group(1)):,} pixels" if m else "too many pixels"
        fail(f'"{name}" has {count}, more than the {MAX_PIXELS:,} allowed '
             "(possibly a decompression bomb)",
             "downscale it: about 150 ppi at the printed size is plenty")
        return False
    except UnidentifiedImageError:
        kind = "a text file" if _is_plain_text(real) else "a file Pillow cannot identify"
        fail(f'"{name}" is not an image: it is {kind}', export)
        return False
    except Exception as exc:  # Pillow's plugins raise OSError, SyntaxError, ValueError…
        reason = str(exc) or type(exc).__name__
        if "truncat" in reason.lower() or isinstance(exc, EOFError):
            what = "truncated: the file ends before the picture does"
        else:
            what = f"damaged ({_short(reason, 60)})"
        fail(f'"{name}" is {what}', "copy or download the photo again, or " + export)
        return False
    return True


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
