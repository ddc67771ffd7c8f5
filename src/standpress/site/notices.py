"""The build's warnings and the preflight's findings as notices staff can act on.

Each :class:`Notice` names a string of ``strings.toml`` (``n_<kind>``: what is wrong, in
Ukrainian, naming the case, the field or photo file, and what to do) and the values it is
worded with; the templates word it. The build's warnings are read as data
(:class:`~standpress.manifest.Note`: ``kind``, ``case``, ``stand``, ``field``, ``file``,
``place``); a warning of a kind without a string of its own is framed in Ukrainian with
the original (English) text beside it. A preflight finding about an image is matched to
the photo it is (the panel's photos, by the size it is placed at) so it can name the
case and the file and say how many pixels the photo needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import ppi_text
from ..manifest import Finding
from .data import Panel, Stand

__all__ = ["Notice", "KINDS", "note_notices", "finding_notices", "place_uk"]

#: the kinds of warnings that have their own Ukrainian wording (``n_<kind>`` strings)
KINDS = ("lookalike", "placeholder", "fit", "photo-low-res", "photo-below-floor",
         "units-unused", "no-cases", "double-card", "own-panel")
#: the preflight's checks that have their own name and advice (``check_<name>``)
CHECKS = ("file", "boxes", "pdfx", "fonts", "colour", "ink", "images", "qr", "text", "twin",
          "manifest")
PPI = re.compile(r"(\d+(?:\.\d+)?) ppi")
PLACED = re.compile(r"placed at (\d+(?:\.\d+)?)×(\d+(?:\.\d+)?) mm")
QUOTED = re.compile(r"«([^»]+)»")


@dataclass(frozen=True)
class Notice:
    severity: str  # "warning" or "error"
    key: str  # the string that words it: "n_lookalike", "n_other"…
    fields: tuple[tuple[str, str], ...]  # what it is worded with
    where: str  # «cases.csv, рядок 17», or ""
    original: str  # as the build said it (English), for whoever fixes the code or data
    stand: str = ""  # the stand's short name, for lists of every stand's notices

    @property
    def values(self) -> dict[str, str]:
        return dict(self.fields)


def place_uk(file: str | None, place: str | None) -> str:
    """«cases.csv, рядок 17» from ``cases.csv`` and ``row 17`` or ``17:5``."""
    parts = []
    if file:
        parts.append(PurePosixPath(str(file).replace("\\", "/")).name)
    if place:
        m = re.fullmatch(r"(?:row |line )?(\d+)(?::\d+)?", place.strip())
        page = re.fullmatch(r"page (\d+)", place.strip())
        if m:
            parts.append(f"рядок {m.group(1)}")
        elif page:
            parts.append(f"с. {page.group(1)}")
        else:
            parts.append(place)
    return ", ".join(parts)


def _photo_of(stand: Stand | None, case: str | None) -> str:
    for p in stand.panels if stand else ():
        for ph in p.photos:
            if ph.case == case and ph.file:
                return ph.file
    return ""


def note_notices(notes, stand: Stand | None = None) -> tuple[Notice, ...]:
    """The build's warnings (:class:`Note`) of a stand, or of the campaign, as notices."""
    found = []
    for n in notes:
        kind = n.kind if n.kind in KINDS else "other"
        fields = {"case": n.case or "", "field": n.field or "", "stand": n.stand or "",
                  "photo": _photo_of(stand, n.case) or "—", "message": n.message}
        if kind == "lookalike":
            m = QUOTED.search(n.message)
            fields["word"] = m.group(1) if m else ""
        if kind == "units-unused" and stand is not None:
            used = max([p.unit for p in stand.panels] or [0])
            fields.update(used=str(used), units=str(stand.units or used))
        found.append(Notice(n.severity, f"n_{kind}", tuple(fields.items()),
                            place_uk(n.file, n.place), str(n.message),
                            stand.short_name if stand is not None else ""))
    return tuple(found)


def _panel_for(stand: Stand, file: str, page: int | None) -> Panel | None:
    """The panel a file (a panel's, or the stand file's page) shows."""
    for p in stand.panels:
        if file == p.file or file.endswith("/" + p.file):
            return p
    if page and 1 <= page <= len(stand.panels):
        return stand.panels[page - 1]  # the stand file: one page per panel, in order
    return None


def _image_fields(stand: Stand, panel: Panel | None, detail: str,
                  nth: int) -> dict[str, str] | None:
    """The photo an image finding is about, and the pixels it needs, or None.

    The photos of the panel placed at that size; of those, the ones whose case the build
    named for a low resolution (its notes, as data); of several still, the ``nth`` (the
    preflight reports a page's images in the order they are placed, as the build does).
    """
    ppi, placed = PPI.search(detail), PLACED.search(detail)
    if panel is None or not panel.photos or not ppi or not placed:
        return None
    w, h = float(placed.group(1)), float(placed.group(2))
    best = min(abs(ph.w - w) + abs(ph.h - h) for ph in panel.photos)
    same = [ph for ph in panel.photos if abs(ph.w - w) + abs(ph.h - h) <= best + 1.0]
    low = {n.case for n in stand.notes if n.kind in ("photo-low-res", "photo-below-floor")}
    named = [ph for ph in same if ph.case in low] or same
    photo = named[min(nth, len(named) - 1)]
    aim = panel.warn_ppi or panel.min_ppi or float(ppi.group(1))
    shown = ppi_text(float(ppi.group(1)), panel.min_ppi or 0.0, panel.warn_ppi or 0.0)
    return {"case": photo.case, "photo": photo.file, "ppi": shown,
            "floor": f"{panel.min_ppi or 0:g}", "aim": f"{aim:g}",
            "w_cm": f"{w / 10:.0f}", "h_cm": f"{h / 10:.0f}",
            "need_w": f"{w / 25.4 * aim:.0f}", "need_h": f"{h / 25.4 * aim:.0f}"}


def finding_notices(stand: Stand, file: str, findings: list[Finding]) -> tuple[Notice, ...]:
    """A file's warnings and errors from the preflight as notices, errors first."""
    found = []
    seen: dict[str, int] = {}  # image findings so far, by panel
    for f in findings:
        panel = _panel_for(stand, file, f.page)
        fields = {"check": f.check, "detail": f.detail,
                  "panel": PurePosixPath(panel.file if panel else file).name}
        key = f"check_{f.check}" if f.check in CHECKS else "check_other"
        if f.check == "images":
            nth = seen.get(panel.file, 0) if panel else 0
            photo = _image_fields(stand, panel, f.detail, nth)
            if panel is not None:
                seen[panel.file] = nth + 1
            if photo is not None:
                fields.update(photo)
                below = panel is not None and float(photo["ppi"]) < (panel.min_ppi or 0)
                key = "n_image_floor" if below else "n_image_low"
        where = f"с. {f.page}" if f.page else ""
        found.append(Notice(f.severity, key, tuple(fields.items()), where, f.detail))
    return tuple(sorted(found, key=lambda n: n.severity != "error"))
