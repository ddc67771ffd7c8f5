"""Reading case tables: the header contract, CSV and XLSX.

:mod:`.cases` loads and checks the cases; this module turns a CSV or XLSX
file into :class:`Row` s and names every defect of the file itself (its
encoding, quotes, header, merged cells, formulas). What people actually
produce is read:

* CSV: UTF-8 with or without BOM; Windows-1251 (detected, read with a
  warning); CRLF; ``,`` ``;`` or tab as the delimiter; quoted fields with
  newlines; trailing empty rows and columns; stray spaces and capitals in
  the header, and the columns' usual Ukrainian names (``HEADER_NAMES``:
  «Назва», «Організація», «Район», «Опис», «Фото», «Автор фото»…). Anything
  else (UTF-16, Latin-1 bytes in a UTF-8 file, binary) is an error naming
  each cell that holds the bad bytes.
* XLSX: the first worksheet; formulas are read as the values the spreadsheet
  saved (a formula without a saved value is an error); a cell merged down a
  column gives its value to every row of the range (with a warning); cells
  merged across columns are an error; error values (``#DIV/0!``) are errors.

Columns of the file's own are a warning naming the column as the file spells
it (:func:`unknown_problem`).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, display_path

COLUMNS = ("id", "title", "organization", "district", "category", "summary",
           "partner", "url", "photo", "photo_credit")
REQUIRED = ("id", "title", "organization", "district", "category", "summary")
MAX_FILE = 50 * 1024 * 1024  # bytes of a cases file; a campaign's cases are a few hundred kB
MAX_ROWS = 100_000
MAX_REPORTED = 30  # encoding problems named one by one; the rest are counted
HEADER_HINT = ("the header row: " + ",".join(COLUMNS) + " (or in Ukrainian: №, Назва, "
               "Організація, Район, Категорія, Опис, Партнер, Посилання, Фото, Автор фото)")
# the header as people in Ukraine type it: each name (lower case, spaces as typed) → column
HEADER_NAMES = {
    "№": "id", "номер": "id", "код": "id", "ід": "id", "номер кейсу": "id", "№ кейсу": "id",
    "назва": "title", "назва кейсу": "title", "заголовок": "title", "назва проєкту": "title",
    "назва проекту": "title",
    "організація": "organization", "громадська організація": "organization",
    "організація-учасник": "organization", "учасник": "organization",
    "район": "district",
    "категорія": "category", "напрям": "category", "тема": "category",
    "опис": "summary", "короткий опис": "summary", "анотація": "summary",
    "опис кейсу": "summary",
    "партнер": "partner", "партнер від влади": "partner", "орган влади": "partner",
    "посилання": "url", "веб-сторінка": "url", "адреса сторінки": "url", "сайт": "url",
    "фото": "photo", "фотографія": "photo", "світлина": "photo", "файл фото": "photo",
    "автор фото": "photo_credit", "фото: автор": "photo_credit",
    "авторство фото": "photo_credit", "підпис до фото": "photo_credit",
}
NEAR_MISS = 0.8  # difflib ratio from which an unknown column is taken for a misspelt known one
MISSING = "required column"


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


def read_header(names: list[str], shown: str, place: str, problems: list[Problem],
            label=lambda i: f"column {i + 1}") -> list[str]:
    """The column keys: a known column's name, an unknown one's as the file spells it."""
    spelled = [unicodedata.normalize("NFC", (n or "")).strip().lstrip("\ufeff").strip()
               for n in names]
    clean = []
    for n in spelled:
        key = re.sub(r"\s+", "_", n.lower())
        named = HEADER_NAMES.get(re.sub(r"\s+", " ", n.lower().replace("’", "'")))
        clean.append(key if key in COLUMNS else named or n)
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
            problems.append(Problem(f'{MISSING} "{n}" is missing', shown, place, n, HEADER_HINT))
    return clean


def zip_row(names: list[str], values: list, shown: str, place: str,
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
            f"({label(first)} holds «{short(values[first])}»)", shown, place, label(first),
            "a comma inside a text needs the whole text in double quotes; "
            "otherwise the cells after it move one column to the right"))
        bad = True
    return {n: (values[i] if i < len(values) else "") for i, n in enumerate(names) if n}, bad


def short(text: str, n: int = 40) -> str:
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


def read_csv(path: Path, problems: list[Problem]) -> list[Row]:
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
            names = read_header(values, shown, place, problems)
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(f"more than {MAX_ROWS} rows", shown, place,
                                    hint="check that this is the cases file"))
            break
        data, bad = zip_row(names, values, shown, place, problems)
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
        shown_text = short(_SURROGATE.sub("\ufffd", v[max(0, m.start() - 25):m.end() + 25]), 60)
        latin = data.decode("cp1252", "replace")
        problems.append(Problem(
            f"not UTF-8: byte{'s' if len(data) > 1 else ''} {data.hex(' ').upper()} in «{shown_text}» "
            f"(in Latin-1 that would be «{latin}»)", shown, place, col,
            "retype the character in this cell, and save the file as «CSV UTF-8»"))
    return n


# ---------------------------------------------------------------- XLSX

def read_xlsx(path: Path, problems: list[Problem]) -> list[Row]:
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
        problems.append(Problem(f"the workbook is damaged ({short(str(exc), 60)})", shown,
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
                                f"{short(str(exc), 80)})", shown,
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
        names = read_header([("" if h is None else str(h)) for h in grid[0]], shown, "row 1", problems,
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
                    f"cells {rng.coord} are merged: «{short(str(value or ''))}» is used for "
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
                            f"the formula {short(formula)} has no saved value", shown, place,
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
            data, extra = zip_row(names, cells, shown, place, problems, label=col)
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
