"""The printer's package: per stand, a ``print/`` folder a print shop can act on.

It holds the panel PDFs, a manifest (CSV and JSON: file, stand, unit and side,
trim and bleed in mm, profile, page count, SHA-256), the preflight report and
a one-page job sheet in plain text. ``standpress pack`` zips the folders.
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

from ..model import Project
from ..plan import StandPlan

FIELDS = ("file", "stand", "panel", "kind", "unit", "side", "trim_w_mm", "trim_h_mm", "bleed_mm",
          "scale", "output_profile", "output_condition", "pages", "sha256")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_print_folder(folder: Path, plan: StandPlan, project: Project, date: str,
                       page_scale: str = "1:1") -> list[Path]:
    """Write ``folder/print/`` for one stand (the panel PDFs must already be in ``folder``)."""
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
            "sha256": _sha256(dst),
        })
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    (out / "manifest.json").write_text(
        json.dumps({"stand": loc.id, "date": date, "files": rows}, ensure_ascii=False, indent=1)
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
        f"Конструкцій / Units:  {loc.units} × {fmt.faces} бік(и) = {loc.units * fmt.faces} полів",
        f"Панелей / Panels:     {len(plan.panels)} (по 1 примірнику кожної)",
        f"Матеріал / Material:  {fmt.material or '—'}",
        f"Обробка / Finishing:  {fmt.finishing or '—'}",
        f"Колір / Colour:       PDF/X-4, CMYK, профіль {project.output_profile.name} "
        f"({project.output_condition_identifier}); сумарне покриття ≤ {fmt.ink_limit:g} %",
        f"Фото / Images:        ціль {fmt.target_ppi:g} ppi у розмірі 100 %",
        "",
        "Файли / Files (одна панель — один файл; мітки різу поза вильотом):",
    ]
    for p in plan.panels:
        lines.append(f"  {p.name}.pdf   конструкція {p.unit}, бік {p.side}   {p.kind}")
    lines += ["", "Контроль / Checks: manifest.csv (SHA-256), preflight.json.",
              f"Контакт / Contact:    {c.contact or c.organiser}", ""]
    return "\n".join(lines)


def pack(out: Path, stand_ids: list[str] | None = None) -> list[Path]:
    """Zip each stand's ``print/`` folder into ``<out>/<id>/<id>-print.zip`` (deterministic)."""
    made = []
    for folder in sorted(p for p in out.iterdir() if (p / "print").is_dir()):
        if stand_ids and folder.name not in stand_ids:
            continue
        target = folder / f"{folder.name}-print.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted((folder / "print").iterdir()):
                info = zipfile.ZipInfo(f"{folder.name}/{f.name}", date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, f.read_bytes())
        made.append(target)
    return made
