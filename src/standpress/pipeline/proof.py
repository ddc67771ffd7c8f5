"""Office proofs: a stand's real panels scaled onto a small sheet (A3 by default).

City staff sign off what will be printed, so a proof is not laid out again: each
page of the finished stand PDF is placed, trimmed and scaled down whole, on its
own sheet with a caption (stand, panel, unit and side, real size, scale).

Proofs are written to ``<out>/_proofs/<id>-proof-<sheet>.pdf`` (:data:`PROOFS`): a folder
no build writes, swaps or removes, so a proof being signed off survives the next build.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..errors import InputError, Problem, display_path
from ..manifest import PROOFS_DIR, STANDS_JSON, StandEntry, StandsManifest
from ..model import Format

PROOFS = PROOFS_DIR  # inside the output folder; builds leave it alone
MARGIN = 12.0  # mm around the panel on the proof sheet
CAPTION = 14.0  # mm of caption below it


def make_proofs(out: Path, sheet: Format, font: Path, stand_ids: list[str] | None = None) -> list[Path]:
    """Write :func:`proof_path` for each stand in ``stands.json``."""
    summary_path = Path(out) / STANDS_JSON
    if not summary_path.is_file():
        raise InputError("nothing to proof", [Problem(
            "stands.json not found", display_path(summary_path), hint="run standpress build first")])
    summary = StandsManifest.read(summary_path)
    written = []
    for stand in summary.stands:
        if stand_ids and stand.id not in stand_ids:
            continue
        target = proof_path(out, stand.id, sheet.id)
        target.parent.mkdir(exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(proof_pdf(Path(out) / (stand.file or f"{stand.id}/{stand.id}.pdf"),
                                      stand, sheet, font))
        partial.replace(target)
        written.append(target)
    return written


def sheet_for(w_mm: float, h_mm: float, sheet: Format) -> tuple[float, float, float]:
    """(sheet width, sheet height, scale) for a panel of ``w_mm`` × ``h_mm``: the sheet
    turned the way the panel is (a landscape panel on a landscape sheet), and the panel
    as large as fits within the margins above its caption."""
    long, short = max(sheet.width, sheet.height), min(sheet.width, sheet.height)
    sw, sh = (long, short) if w_mm > h_mm else (short, long)
    return sw, sh, min((sw - 2 * MARGIN) / w_mm, (sh - 2 * MARGIN - CAPTION) / h_mm)


def proof_path(out: Path, stand_id: str, sheet_id: str) -> Path:
    """Where the proof of a stand on a sheet format is written."""
    return Path(out) / PROOFS / f"{stand_id}-proof-{sheet_id}.pdf"


def proof_pdf(stand_pdf: Path, stand: StandEntry, sheet: Format, font: Path) -> bytes:
    name = "SP-proof-" + font.stem
    try:
        pdfmetrics.getFont(name)
    except KeyError:
        pdfmetrics.registerFont(TTFont(name, str(font)))
    with pikepdf.open(stand_pdf) as src:
        boxes = [[float(v) for v in p.obj.get("/TrimBox", p.obj.MediaBox)] for p in src.pages]
        units = [float(p.obj.get("/UserUnit", 1)) for p in src.pages]
    title = stand.name or stand.id
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, initialFontName=name, pageCompression=1)
    c.setTitle(f"{title} — коректура {sheet.id.upper()}")
    places = []
    for i, (box, uu) in enumerate(zip(boxes, units)):
        panel = stand.panels[i] if i < len(stand.panels) else None
        w_mm = (box[2] - box[0]) * uu / mm
        h_mm = (box[3] - box[1]) * uu / mm
        sw, sh, scale = sheet_for(w_mm, h_mm, sheet)
        pw, ph = w_mm * scale, h_mm * scale
        # the panel and its caption as one block, centred: a panel wider than the sheet's
        # proportions keeps its caption right under it, not at the foot of the sheet
        x0 = (sw - pw) / 2
        foot = MARGIN + (sh - 2 * MARGIN - CAPTION - ph) / 2  # the caption's bottom
        y0 = foot + CAPTION
        c.setPageSize((sw * mm, sh * mm))
        c.setStrokeColorCMYK(0, 0, 0, 0.4)
        c.setLineWidth(0.3)
        c.rect(x0 * mm, y0 * mm, pw * mm, ph * mm, stroke=1, fill=0)
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFont(name, 9)
        unit, side = (panel.unit, panel.side) if panel is not None else ("?", "?")
        where = f"конструкція {'?' if unit is None else unit}, бік {side or '?'}"
        c.drawString(x0 * mm, (foot + CAPTION * 0.55) * mm,
                     f"{title} · панель {i + 1}/{len(boxes)} · {where}")
        c.setFont(name, 7.5)
        c.drawString(x0 * mm, (foot + CAPTION * 0.15) * mm,
                     f"КОРЕКТУРА, не для друку · справжній розмір {w_mm:.0f}×{h_mm:.0f} мм · "
                     f"масштаб 1:{1 / scale:.1f} · {Path(panel.file if panel else '').name}")
        c.showPage()
        places.append((x0 * mm, y0 * mm, (x0 + pw) * mm, (y0 + ph) * mm))
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as proof, pikepdf.open(stand_pdf) as src:
        for page, panel, rect in zip(proof.pages, src.pages, places):
            trim = panel.obj.get("/TrimBox", panel.obj.MediaBox)
            panel.obj.MediaBox = trim  # show the trim only: no bleed, no marks
            if "/CropBox" in panel.obj:
                del panel.obj.CropBox
            page.add_overlay(panel, pikepdf.Rectangle(*rect))
        out = io.BytesIO()
        proof.save(out, deterministic_id=True)
    return out.getvalue()
