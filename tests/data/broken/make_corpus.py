"""Writes the corpus of broken inputs in this folder: ``python3 tests/data/broken/make_corpus.py``.

Each case is the same three cases of ``tests/data/small/cases.csv`` (007 and 008 in
Печерський, 010 in Оболонський: all on the stand «khreshchatyk») or a copy of the
repository's ``locations.toml``, with exactly one defect, and an ``expect.toml`` that
``tests/whole/test_bad_input_and_ctrl_c.py`` reads. Files that would be binary or large (photos, XLSX)
are made by the test from ``setup``. Rerun after changing the sample data; review the diff.
"""
import csv
import io
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent
ROOT = OUT.parents[2]
for old in OUT.iterdir():
    if old.is_dir():
        shutil.rmtree(old)

rows = list(csv.reader(open(ROOT / "tests/data/small/cases.csv", encoding="utf-8", newline="")))
HEADER = rows[0]
BASE = []
for r in rows[1:]:
    if r[0] in ("007", "008", "010"):
        r = list(r)
        r[8] = r[9] = ""
        BASE.append(r)
# row 2: 007 Печерський, row 3: 008 Печерський, row 4: 010 Оболонський


def to_csv(header, body, lineterminator="\n"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow(header)
    for r in body:
        w.writerow(r)
    return buf.getvalue()


def base():
    return [list(r) for r in BASE]


def col(name):
    return HEADER.index(name)


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expect(d):
    lines = []
    tables = {}
    for k, v in d.items():
        if isinstance(v, dict):
            tables[k] = v
            continue
        lines.append(f"{k} = {fmt(v)}")
    for k, t in tables.items():
        lines.append(f"\n[{k}]")
        for kk, vv in t.items():
            lines.append(f"{kk} = {fmt(vv)}")
    return "\n".join(lines) + "\n"


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return q(v)


def case(name, note, exp, files):
    d = OUT / name
    d.mkdir()
    for fname, content in files.items():
        p = d / fname
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_bytes(content.encode("utf-8"))
    exp = {"note": note, **exp}
    (d / "expect.toml").write_text(expect(exp), "utf-8")


def csvcase(name, note, exp, body=None, header=None, text=None, extra=None):
    text = text if text is not None else to_csv(header or HEADER, body if body is not None else base())
    files = {"cases.csv": text}
    files.update(extra or {})
    case(name, note, exp, files)


# ------------------------------------------------------------------ cases: CSV
b = base(); b[1][col("title")] = b[1][col("title")].replace("Тепловізори", "Café Тепловізори")
txt = to_csv(HEADER, b).encode("utf-8").replace("Café".encode("utf-8"), "Café".encode("latin-1"))
case("csv-latin1-bytes", "a UTF-8 file with one title pasted in Latin-1 (é as byte E9)",
     {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "title", "message": "not UTF-8"},
     {"cases.csv": txt})

case("csv-utf16", "saved as «Unicode text» (UTF-16 LE with BOM)",
     {"exit": 2, "file": "cases.csv", "place": "line 1", "field": "", "message": "UTF-16"},
     {"cases.csv": to_csv(HEADER, base()).encode("utf-16")})

b = base()
for r in b:
    for i, v in enumerate(r):
        r[i] = v.replace("«", '"').replace("»", '"').replace("—", "-").replace("²", "2")
case("csv-cp1251", "saved by an old Excel as Windows-1251: read, with a warning",
     {"exit": 0, "file": "cases.csv", "place": "", "field": "", "message": "Windows-1251"},
     {"cases.csv": to_csv(HEADER, b).encode("cp1251")})

case("csv-bom-crlf", "UTF-8 with BOM and CRLF line ends: fine",
     {"exit": 0, "message": "panels, 3 cases →"},
     {"cases.csv": ("\ufeff" + to_csv(HEADER, base(), "\r\n")).encode("utf-8")})

hdr = [" " + h + " " if i % 2 else h.upper() for i, h in enumerate(HEADER)] + ["", ""]
b = base()
b[0][col("title")] = "Сусіди з Липок:\nмережа взаємодопомоги"
b = [r + ["", ""] for r in b] + [[""] * 12, [""] * 12]
csvcase("csv-shapes", "stray spaces and capitals in headers, a quoted newline, trailing empty rows and columns: fine",
        {"exit": 0, "message": "panels, 3 cases →"}, body=b, header=hdr)

b = base()
h = [x for x in HEADER if x != "summary"]
b = [[v for i, v in enumerate(r) if HEADER[i] != "summary"] for r in b]
csvcase("csv-missing-column", "no summary column",
        {"exit": 2, "file": "cases.csv", "place": "row 1", "field": "summary", "message": 'required column "summary" is missing'},
        body=b, header=h)

h = list(HEADER) + ["Відповідальний"]
b = [r + ["Олена Петренко"] for r in base()]
csvcase("csv-unknown-column", "a column of the office's own: a warning naming it as spelled, the build goes on",
        {"exit": 0, "file": "cases.csv", "place": "row 1", "field": "Відповідальний",
         "message": 'unknown column "Відповідальний": ignored'},
        body=b, header=h)

h = [("tittle" if x == "title" else x) for x in HEADER]
csvcase("csv-misspelt-column", "a required column misspelt",
        {"exit": 2, "file": "cases.csv", "place": "row 1", "field": "tittle", "message": 'unknown column "tittle"'},
        body=base(), header=h)

h = list(HEADER) + ["title"]
b = [r + ["x"] for r in base()]
csvcase("csv-duplicate-column", "the title column appears twice",
        {"exit": 2, "file": "cases.csv", "place": "row 1", "field": "title", "message": "appears twice"},
        body=b, header=h)

b = base(); b[1][col("title")] = "   "
csvcase("csv-empty-title", "a required field holds only spaces",
        {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "title", "message": "is empty"}, body=b)

b = base(); b[2][col("id")] = "007"
csvcase("csv-duplicate-id", "two cases share an id",
        {"exit": 2, "file": "cases.csv", "place": "row 4", "field": "id", "message": 'id "007" is used twice'}, body=b)

b = base(); b[2][col("district")] = "Оболонь"
csvcase("csv-unknown-district", "a district the campaign does not have",
        {"exit": 2, "file": "cases.csv", "place": "row 4", "field": "district", "message": "is not a district"}, body=b)

b = base(); b[0][col("url")] = "ftp://top100.example.org/007"
csvcase("csv-url-scheme", "an ftp address",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "url", "message": "not an http(s) address"}, body=b)

b = base(); b[0][col("url")] = "https://top100.example.org/2022/" + "a" * 400
csvcase("csv-url-too-long", "an address too long for a scannable QR code",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "url", "message": "too dense"}, body=b)

b = base(); b[0][col("photo")] = "../outside.jpg"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-dotdot", "a photo path climbing out of the data folder",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "outside the data folder"}, body=b)

b = base(); b[0][col("photo")] = "/etc/hostname"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-absolute", "an absolute photo path",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "outside the data folder"}, body=b)

b = base(); b[0][col("photo")] = "photos/link.jpg"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-symlink", "photos/link.jpg is a symlink to a file outside the data folder (made by the test)",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "symlink", "setup": "symlink_out"}, body=b)

b = base(); b[0][col("photo")] = "photos/nuthatch.jpg"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-missing", "the photo file is not there",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "not found"}, body=b)

b = base(); b[0][col("photo")] = "photos/notes.jpg"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-not-image", "the photo is a text file named .jpg",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "not an image"}, body=b,
        extra={"photos/notes.jpg": "Підпис до фото: взяти у Олени.\n"})

b = base(); b[0][col("photo")] = "photos/cut.jpg"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-truncated", "a JPEG cut off half-way (made by the test)",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "truncated", "setup": "truncated_jpeg"}, body=b)

b = base(); b[0][col("photo")] = "photos/huge.png"; b[0][col("photo_credit")] = "Фото: автор"
csvcase("csv-photo-bomb", "a tiny PNG whose header claims 30000×30000 pixels (made by the test)",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "photo", "message": "900,000,000 pixels", "setup": "bomb_png"}, body=b)

b = base(); b[0][col("photo")] = "photos/ok.jpg"
csvcase("csv-photo-no-credit", "a good photo without its credit: a warning (photo made by the test)",
        {"exit": 0, "file": "cases.csv", "place": "row 2", "field": "photo_credit", "message": "the photo has no credit", "setup": "good_jpeg"}, body=b)

b = base(); b[1][col("summary")] = " ".join([b[1][col("summary")]] * 14)
csvcase("csv-summary-too-long", "a summary too long for one card: the case takes more room, with a warning",
        {"exit": 0, "file": "cases.csv", "place": "row 3", "field": "summary", "message": "too long for one card"}, body=b)

b = base(); b[1][col("title")] += " \U0001F389"
csvcase("csv-emoji", "an emoji in a title",
        {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "title", "message": "U+1F389"}, body=b)

b = base(); b[2][col("organization")] = "БФ «Оболонський рубіж» (भारत)"
csvcase("csv-devanagari", "Devanagari letters in an organisation",
        {"exit": 2, "file": "cases.csv", "place": "row 4", "field": "organization", "message": "U+092D"}, body=b)

b = base(); b[0][col("title")] = b[0][col("title")].replace("Сусіди", "Cусіди")
csvcase("csv-lookalike", "a Latin C in a Cyrillic word: a warning",
        {"exit": 0, "file": "cases.csv", "place": "row 2", "field": "title", "message": "mixes Latin and Cyrillic"}, body=b)

csvcase("csv-empty-file", "an empty file",
        {"exit": 2, "file": "cases.csv", "place": "line 1", "field": "", "message": "empty"}, text="")

csvcase("csv-header-only", "a header and no cases",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "", "message": "no cases"}, body=[])

b = base(); b[0] = b[0][:5]
csvcase("csv-short-row", "a row cut short after the category (the rest lost on copy)",
        {"exit": 2, "file": "cases.csv", "place": "row 2", "field": "summary", "message": "is empty"}, body=b)

b = base(); t = b[1][col("title")]; b[1][col("photo_credit")] = "Фото: Олена Петренко, CC BY 4.0"
b[1] = b[1][:1] + t.split(" ", 1) + b[1][2:]
csvcase("csv-extra-cells", "a comma in an unquoted title made an extra cell (the last column is filled)",
        {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "column 11", "message": "11 cells but the header has 10 columns"}, body=b)

b = base(); s_ = b[1][col("summary")]; i_ = s_.index(", ")
b[1] = b[1][:5] + [s_[:i_], s_[i_ + 1:]] + b[1][6:9]
csvcase("csv-shifted-cells", "a comma in an unquoted summary moved the partner into the url column",
        {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "url", "message": "moved the cells"}, body=b)

b = base()
csvcase("stand-without-cases", "two stands built, one of them with no cases: it still builds, with a warning",
        {"exit": 0, "only": ["khreshchatyk", "holosiivskyi-park"], "message": "«holosiivskyi-park» has no cases"}, body=b)

# ------------------------------------------------------------------ cases: XLSX
case("xlsx-formula", "an XLSX whose id and district cells are formulas with saved values: read as their values",
     {"exit": 0, "cases": "cases.xlsx", "setup": "xlsx", "message": "panels, 3 cases →",
      "formula": {"A2": ["=\"00\"&\"7\"", "007"], "D3": ["=D2", "Печерський"]}},
     {"sheet.csv": to_csv(HEADER, base())})

case("xlsx-formula-unsaved", "a formula with no saved value (the file was written by a program that does not calculate)",
     {"exit": 2, "cases": "cases.xlsx", "setup": "xlsx", "file": "cases.xlsx", "place": "row 3", "field": "district",
      "message": "no saved value", "formula": {"D3": ["=D2", ""]}},
     {"sheet.csv": to_csv(HEADER, base())})

b = base(); b[1][col("district")] = ""
case("xlsx-merged-down", "the district cell merged over two rows: its value serves both, with a warning",
     {"exit": 0, "cases": "cases.xlsx", "setup": "xlsx", "file": "cases.xlsx", "place": "row 2", "field": "district",
      "message": "merged", "merge": ["D2:D3"]},
     {"sheet.csv": to_csv(HEADER, b)})

b = base(); b[1][col("organization")] = ""
case("xlsx-merged-across", "title and organization merged into one cell",
     {"exit": 2, "cases": "cases.xlsx", "setup": "xlsx", "file": "cases.xlsx", "place": "row 3", "field": "title",
      "message": "merged", "merge": ["B3:C3"]},
     {"sheet.csv": to_csv(HEADER, b)})

b = base(); b[2][col("category")] = ""
case("xlsx-empty-cell", "an empty required cell in a spreadsheet",
     {"exit": 2, "cases": "cases.xlsx", "setup": "xlsx", "file": "cases.xlsx", "place": "row 4", "field": "category",
      "message": "is empty"},
     {"sheet.csv": to_csv(HEADER, b)})

case("xlsx-renamed-csv", "a CSV file renamed to .xlsx",
     {"exit": 2, "cases": "cases.xlsx", "file": "cases.xlsx", "place": "line 1", "field": "", "message": "is a CSV"},
     {"cases.xlsx": to_csv(HEADER, base())})

# ------------------------------------------------------------------ cases: TOML
def toml_cases(body, extra=None):
    out = []
    for r in body:
        out.append("[[case]]")
        for h, v in zip(HEADER, r):
            if v:
                out.append(f"{h} = {q(v)}")
        out.append("")
    return "\n".join(out)

t = toml_cases(base()).replace('summary = "Фонд', 'sumary = "Фонд')
line = next(i for i, l in enumerate(t.splitlines(), 1) if l.startswith("sumary"))
case("toml-unknown-key", "a misspelt key in a [[case]] table",
     {"exit": 2, "cases": "cases.toml", "file": "cases.toml", "place": f"{line}:1", "field": "sumary",
      "message": 'unknown key "sumary"'},
     {"cases.toml": t})

t = toml_cases(base()).replace('category = "Допомога ЗСУ та ТрО"\nsummary = "Фонд', 'category = "Допомога ЗСУ та ТрО\nsummary = "Фонд', 1)
line = next(i for i, l in enumerate(t.splitlines(), 1) if l.startswith('category = "Допомога ЗСУ та ТрО') and not l.endswith('"'))
case("toml-syntax", "an unclosed quote in a cases TOML",
     {"exit": 2, "cases": "cases.toml", "file": "cases.toml", "place": f"{line}:", "field": "", "message": "not valid TOML"},
     {"cases.toml": t})

t = toml_cases(base()).replace('id = "008"', 'id = 8', 1)
line = next(i for i, l in enumerate(t.splitlines(), 1) if l == "id = 8")
case("toml-number-id", "an id written as a number loses its leading zeros",
     {"exit": 2, "cases": "cases.toml", "file": "cases.toml", "place": f"{line}:1", "field": "id",
      "message": "must be text"},
     {"cases.toml": t})

# ------------------------------------------------------------------ locations.toml
LOC = (ROOT / "locations.toml").read_text("utf-8")


def loccase(name, note, old, new, exp, count=1, anchor=None):
    assert LOC.count(old) >= 1, old
    if anchor:
        i = LOC.index(anchor)
        j = LOC.index(old, i)
        text = LOC[:j] + new + LOC[j + len(old):]
    else:
        text = LOC.replace(old, new, count)
    exp = {"locations": "locations.toml", **exp}
    if "key_line" in exp:
        needle = exp.pop("key_line")
        idx = text.index(needle, text.index(anchor) if anchor else 0)
        line = text.count("\n", 0, idx) + 1
        colno = idx - (text.rfind("\n", 0, idx) + 1) + 1
        exp["place"] = f"{line}:{colno}"
    case(name, note, {"file": "locations.toml", **exp},
         {"locations.toml": text, "cases.csv": to_csv(HEADER, base())})


loccase("loc-unknown-format", "a location names a format that is not defined",
        'format = "banner"', 'format = "bilboard"',
        {"exit": 2, "key_line": 'format = "bilboard"', "field": "location[5].format", "message": 'unknown format "bilboard"'},
        anchor='id = "khreshchatyk"')
loccase("loc-negative-bleed", "a negative bleed", "bleed = 20", "bleed = -20",
        {"exit": 2, "key_line": "bleed = -20", "field": "format.banner.bleed", "message": "-20 is out of range"})
loccase("loc-zero-width", "a format 0 mm wide", "width = 3000", "width = 0",
        {"exit": 2, "key_line": "width = 0", "field": "format.banner.width", "message": "0 is out of range"})
loccase("loc-absurd-height", "a format 1e9 mm high", "height = 1500", "height = 1e9",
        {"exit": 2, "key_line": "height = 1e9", "field": "format.banner.height", "message": "out of range"})
loccase("loc-negative-safe", "a negative safe margin", "safe = 60", "safe = -60",
        {"exit": 2, "key_line": "safe = -60", "field": "format.banner.safe", "message": "out of range"})
loccase("loc-safe-too-big", "a safe margin that leaves nothing of the panel", "safe = 60", "safe = 480",
        {"exit": 2, "key_line": "safe = 480", "field": "format.banner.safe", "message": "leaves almost nothing"})
loccase("loc-unknown-template", "a template that does not exist", 'template = "landscape"', 'template = "landscap"',
        {"exit": 2, "key_line": 'template = "landscap"', "field": "format.banner.template", "message": 'template "landscap" not found'})
loccase("loc-district-twice", "a district served by two locations",
        'serves = ["Печерський", "Оболонський"]', 'serves = ["Печерський", "Оболонський", "Дарницький"]',
        {"exit": 2, "key_line": 'serves = ["Дарницький"]', "field": "location[6].serves",
         "message": '"Дарницький" is already served by "khreshchatyk"'})
loccase("loc-district-unserved", "a district no location serves",
        'serves = ["Печерський", "Оболонський"]', 'serves = ["Печерський"]',
        {"exit": 2, "key_line": "districts = [", "field": "campaign.districts",
         "message": 'district "Оболонський" is served by no location'})
loccase("loc-syntax", "a missing closing quote", 'width = 3000\n', 'width = 3000\nname2 = "Банер\n',
        {"exit": 2, "key_line": 'name2 = "Банер', "field": "", "message": "not valid TOML"})
loccase("loc-unknown-key", "a misspelt key", "faces = 2\nviewing_distance = 2.5", "faces = 2\nviewing_distanse = 2.5",
        {"exit": 2, "key_line": "viewing_distanse", "field": "format.banner.viewing_distanse",
         "message": 'unknown key "viewing_distanse"'})
loccase("loc-duplicate-id", "two locations with the same id", 'id = "pozniaky-park"', 'id = "khreshchatyk"',
        {"exit": 2, "key_line": 'id = "khreshchatyk"\nname = "Парк «Позняки»"', "field": "location[6].id",
         "message": "is used by two locations"})
loccase("loc-text-width", "a width written as text", "width = 3000", 'width = "3000 mm"',
        {"exit": 2, "key_line": 'width = "3000 mm"', "field": "format.banner.width", "message": "must be a number"})
loccase("loc-emoji-tagline", "an emoji in the campaign tagline", 'title = "ТОП-100"', 'title = "ТОП-100 \U0001F3C6"',
        {"exit": 2, "key_line": 'title = "ТОП-100 ', "field": "campaign.title", "message": "U+1F3C6"})

# ------------------------------------------------------------------ added later
text = to_csv(HEADER, base())
lines = text.split("\n")
lines[2] = lines[2].replace('"Фонд закупив', '"Фонд закупив "тепловізори" і', 1) if '"Фонд закупив' in lines[2] else lines[2]
assert '"тепловізори"' in lines[2]
lines[2] = lines[2].replace('"Фонд закупив "тепловізори" і', '"Фонд закупив "тепловізори"і', 1)
csvcase("csv-inner-quotes", "double quotes inside a quoted cell not doubled",
        {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "summary", "message": "broken CSV"}, text="\n".join(lines))

b = base(); b[1][col("summary")] = "Текст без кінця"
text = to_csv(HEADER, b).replace("Текст без кінця", '"Текст без кінця', 1)
csvcase("csv-unclosed-quote", "a quote opened in a summary and never closed: the rest of the file would be one cell",
        {"exit": 2, "file": "cases.csv", "place": "row 3", "field": "summary", "message": "runs on to line 4"}, text=text)

buf = io.StringIO(); w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
w.writerow(HEADER)
for r in base():
    w.writerow(r)
case("csv-semicolon", "semicolon-separated, as Excel saves CSV in a Ukrainian locale: fine",
     {"exit": 0, "message": "panels, 3 cases →"}, {"cases.csv": buf.getvalue().encode("utf-8-sig")})

case("xlsx-error-cell", "a spreadsheet error value (#DIV/0!) in a cell",
     {"exit": 2, "cases": "cases.xlsx", "setup": "xlsx", "file": "cases.xlsx", "place": "row 4", "field": "category",
      "message": "#DIV/0!", "formula": {"E4": ["=1/0", "#DIV/0!"]}},
     {"sheet.csv": to_csv(HEADER, base())})
print(len([p for p in OUT.iterdir() if p.is_dir()]), "cases written to", OUT)
