"""The printer's package: per stand, a ``print/`` folder a print shop can act on.

It holds the panel PDFs, a manifest (CSV and JSON: file, stand, unit and side,
trim and bleed in mm, profile, page count, SHA-256; the JSON also each file's ``spec``,
what the preflight judges it by — the spec the PDF carries in its own XMP), the
preflight report and a one-page job sheet in plain text.

``standpress pack`` zips the folders into ``<out>/_packages/<id>-print.zip``
(:data:`PACKAGES`): a folder no build writes, swaps or removes, so a package made
yesterday is still there, unchanged, after today's build.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pikepdf

from ..errors import InputError, Problem
from ..manifest import PACKAGES_DIR, PrintSpec, package_path
from ..model import Project
from ..pdfread import read_spec
from ..plan import StandPlan
from ..signoff import PanelState, panel_states

#: where ``pack`` writes the zips, inside the output folder; builds leave it alone
PACKAGES = PACKAGES_DIR

FIELDS = ("file", "stand", "panel", "kind", "unit", "side", "trim_w_mm", "trim_h_mm", "bleed_mm",
          "scale", "output_profile", "output_condition", "pages", "sha256")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_spec(path: Path) -> dict | None:
    """The spec a finished PDF carries in its XMP (``PrintSpec`` JSON), or None."""
    try:
        with pikepdf.open(path) as pdf:
            data = read_spec(pdf)
        return PrintSpec.from_json(data).to_json() if data is not None else None
    except (pikepdf.PdfError, OSError, ValueError):
        return None


def write_print_folder(folder: Path, plan: StandPlan, project: Project, date: str,
                       page_scale: str = "1:1", sha256: dict[str, str] | None = None
                       ) -> list[Path]:
    """Write ``folder/print/`` for one stand (the panel PDFs must already be in ``folder``).
    ``sha256``: the files' digests where already known (by file name; the build's cache
    holds each PDF's, taken from the bytes it wrote); the others are read and hashed."""
    sha256 = sha256 or {}
    out = folder / "print"
    out.mkdir(exist_ok=True)
    fmt, loc = plan.format, plan.location
    rows = []
    written: list[Path] = []
    for panel in plan.panels:
        src = folder / f"{panel.name}.pdf"
        dst = out / src.name
        try:
            os.link(src, dst)  # same bytes, no second copy on disk
        except OSError:
            shutil.copyfile(src, dst)
        written.append(dst)
        rows.append({
            "file": dst.name, "stand": loc.id, "panel": panel.number, "kind": panel.kind,
            "unit": panel.unit, "side": panel.side, "trim_w_mm": fmt.width, "trim_h_mm": fmt.height,
            "bleed_mm": fmt.bleed, "scale": page_scale, "output_profile": project.output_profile.name,
            "output_condition": project.output_condition_identifier, "pages": 1,
            "sha256": sha256.get(dst.name) or _sha256(dst),
        })
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    files = [dict(row, spec=file_spec(out / row["file"])) for row in rows]
    (out / "manifest.json").write_text(
        json.dumps({"stand": loc.id, "date": date, "files": files}, ensure_ascii=False, indent=1)
        + "\n", encoding="utf-8")
    (out / "job-sheet.txt").write_text(job_sheet(plan, project, date, page_scale), encoding="utf-8")
    written += [out / "manifest.csv", out / "manifest.json", out / "job-sheet.txt"]
    return written


def job_sheet(plan: StandPlan, project: Project, date: str, page_scale: str) -> str:
    c, fmt, loc = project.campaign, plan.format, plan.location
    lines = [
        f"ЗАВДАННЯ НА ДРУК / PRINT JOB — {c.title} {c.year}",
        "=" * 72,
        f"Стенд / Stand:        {loc.number}. {loc.name}",
        f"Адреса / Address:     {loc.address}",
        f"Дата файлів / Date:   {date}",
        "",
        f"Формат / Format:      {fmt.name} ({fmt.id})",
        f"Обріз / Trim:         {fmt.width:g} × {fmt.height:g} мм",
        f"Виліт / Bleed:        {fmt.bleed:g} мм з кожного боку → {fmt.width + 2 * fmt.bleed:g} × "
        f"{fmt.height + 2 * fmt.bleed:g} мм",
        f"Масштаб / Scale:      {page_scale}",
        f"Конструкцій / Units:  {units_line(loc.units, fmt.faces)}",
        f"Панелей / Panels:     {len(plan.panels)} (по 1 примірнику кожної)",
        f"Матеріал / Material:  {fmt.material or '—'}",
        f"Обробка / Finishing:  {fmt.finishing or '—'}",
        f"Колір / Colour:       PDF/X-4, CMYK, профіль {project.output_profile.name} "
        f"({project.output_condition_identifier}); сумарне покриття ≤ {fmt.ink_limit:g} %",
        f"Фото / Images:        ціль {fmt.target_ppi:g} ppi у розмірі 100 %",
        "",
        "Файли / Files (одна панель — один файл; мітки різу поза вильотом):",
    ]
    lines += file_table(plan)
    lines += ["", "Контроль / Checks:    manifest.csv (SHA-256), preflight.json; "
                  "`standpress check .` (вимоги — у XMP кожного PDF)",
              f"Контакт / Contact:    {c.contact or c.organiser}", ""]
    return "\n".join(lines)


def plural(n: int, one: str, few: str, many: str) -> str:
    """``n`` and the Ukrainian form for it: 1 конструкція, 2 конструкції, 5 конструкцій
    (21 бік, 22 боки, 11–14 and 25 полів)."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} {one}"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} {few}"
    return f"{n} {many}"


def units_line(units: int, faces: int) -> str:
    """«4 конструкції × 1 бік = 4 поля»."""
    return (f"{plural(units, 'конструкція', 'конструкції', 'конструкцій')} × "
            f"{plural(faces, 'бік', 'боки', 'боків')} = "
            f"{plural(units * faces, 'поле', 'поля', 'полів')}")


KIND_NAMES = {"cover": "обкладинка / cover", "cases": "справи / cases",
              "locator": "карта / locator", "catalogue": "каталог / catalogue"}


def file_table(plan: StandPlan) -> list[str]:
    """The job sheet's table of files: one row per panel, columns aligned (in characters,
    as a terminal and a text editor show them)."""
    head = ("Файл / File", "Конструкція / Unit", "Бік / Side", "Вміст / Content")
    rows = [(f"{p.name}.pdf", str(p.unit), str(p.side), KIND_NAMES.get(p.kind, p.kind))
            for p in plan.panels]
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]

    def line(cells) -> str:
        return ("  " + "   ".join(c.ljust(w) for c, w in zip(cells, widths))).rstrip()

    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def pack(out: Path, stand_ids: list[str] | None = None) -> list[Path]:
    """Zip each stand's ``print/`` folder into ``<out>/_packages/<id>-print.zip``
    (deterministic: same files, same bytes), where no build removes it."""
    made = []
    for folder in sorted(p for p in out.iterdir() if (p / "print").is_dir()):
        if stand_ids and folder.name not in stand_ids:
            continue
        target = package_path(out, folder.name)
        target.parent.mkdir(exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted((folder / "print").iterdir()):
                info = zipfile.ZipInfo(f"{folder.name}/{f.name}", date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, packed_bytes(f, out, folder.name))
        partial.replace(target)
        made.append(target)
    return made


# ------------------------------------------------------------------ sign-off gate

SIGNOFF_WORDS = {"approved": "ПОГОДЖЕНО / APPROVED", "returned": "ПОВЕРНУТО / RETURNED",
                 "stale": "ЗМІНЕНО ПІСЛЯ ПОГОДЖЕННЯ / CHANGED SINCE",
                 "none": "НЕ ПЕРЕГЛЯНУТО / NOT REVIEWED", "missing": "ФАЙЛУ НЕМАЄ / MISSING"}


def check_signoff(out: Path, stand_ids: list[str] | None, force: bool = False) -> list[PanelState]:
    """The panels of the stands to pack that are not approved (on their current bytes).

    Raises :class:`InputError` naming each of them (its state, and who decided on which
    bytes), unless ``force``; returns them either way (empty: all approved).
    """
    folders = {p.name for p in Path(out).iterdir() if (p / "print").is_dir()}
    ids = [i for i in (stand_ids or sorted(folders)) if i in folders]
    pending = [s for s in panel_states(out, stand_ids=ids) if not s.approved]
    if pending and not force:
        problems = []
        for s in pending:
            d = s.decision
            said = f" ({d.decision} by {d.by} at {d.at} on sha256 {d.sha256[:12]}…)" if d else ""
            problems.append(Problem(f"{s.state.replace('none', 'not reviewed')}{said}", s.file,
                                    stand=s.stand, kind="signoff"))
        raise InputError(f"{len(pending)} panel{'s' if len(pending) != 1 else ''} not approved: "
                         "nothing was packed", problems + [Problem(
                             "approve them in `standpress serve` or with `standpress signoff "
                             "STAND --approve --by NAME`, or pack anyway with --force",
                             severity="warning")])
    return pending


def approval_lines(out: Path, stand_id: str) -> str:
    """The job sheet's sign-off section: each panel, its state, who and when, the hash."""
    lines = ["Погодження / Sign-off (signoff.json, за SHA-256 файлу / by the file's SHA-256):"]
    for s in panel_states(out, stand_ids=[stand_id]):
        d = s.decision if s.state in ("approved", "returned") else None
        who = f"   {d.by}, {d.at}" if d else ""
        lines.append(f"  {Path(s.file).name:<18} {SIGNOFF_WORDS[s.state]}{who}")
        if s.sha256:
            lines.append(f"  {'':<18} sha256 {s.sha256}")
        if d and d.note:
            lines.append(f"  {'':<18} {d.note}")
    return "\n".join(lines) + "\n"


def packed_bytes(f: Path, out: Path, stand_id: str) -> bytes:
    """A file of ``print/`` as it goes into the zip: the job sheet with its sign-off
    section added, anything else as it is."""
    data = f.read_bytes()
    if f.name == "job-sheet.txt":
        data = data.rstrip(b"\n") + b"\n\n" + approval_lines(out, stand_id).encode("utf-8")
    return data
