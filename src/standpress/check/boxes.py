"""The boxes check: TrimBox and BleedBox present, sized as expected, nested; no ArtBox."""

from __future__ import annotations

from pikepdf import Name

from ..pdfread import box, inside, user_unit
from .context import MM, Context, fmt_box_mm, fmt_mm
from .report import Finding

__all__ = ["BOX_TOL_MM", "check_boxes"]

BOX_TOL_MM = 0.1


def check_boxes(ctx: Context) -> list[Finding]:
    """TrimBox and BleedBox present, sized as expected, nested in the MediaBox; no ArtBox."""
    out: list[Finding] = []
    for number, page in enumerate(ctx.pages, 1):
        exp = ctx.expect(number)
        uu = user_unit(page)
        k = uu / MM  # points → mm
        media = box(page.mediabox)
        trim_v, bleed_v = page.obj.get(Name.TrimBox), page.obj.get(Name.BleedBox)
        art_v, crop_v = page.obj.get(Name.ArtBox), page.obj.get(Name.CropBox)
        problems: list[tuple[str, str]] = []
        if trim_v is None:
            problems.append(("error", "no TrimBox"))
        trim = box(trim_v) if trim_v is not None else None
        if trim is not None and art_v is not None:
            problems.append(("error", "ArtBox together with TrimBox (PDF/X allows one of them; "
                                      "remove the ArtBox)"))
        bleed = box(bleed_v) if bleed_v is not None else None
        if bleed is None:
            if exp.bleed:
                problems.append(("error", f"no BleedBox (expected {exp.bleed:g} mm bleed)"))
            else:
                problems.append(("warning", "no BleedBox (it defaults to the CropBox/MediaBox)"))
        if trim is not None:
            rotate = int(page.obj.get(Name.Rotate, 0) or 0) % 360
            w, h = (trim[2] - trim[0]) * k, (trim[3] - trim[1]) * k
            if rotate in (90, 270):
                w, h = h, w
            if exp.trim is not None and (abs(w - exp.trim[0]) > BOX_TOL_MM
                                         or abs(h - exp.trim[1]) > BOX_TOL_MM):
                problems.append(("error", f"TrimBox is {fmt_mm(w)}×{fmt_mm(h)} mm, "
                                          f"expected {exp.trim[0]:g}×{exp.trim[1]:g} mm"))
            if bleed is not None:
                sides = [(trim[0] - bleed[0]) * k, (trim[1] - bleed[1]) * k,
                         (bleed[2] - trim[2]) * k, (bleed[3] - trim[3]) * k]
                if not inside(trim, bleed):
                    problems.append(("error", "TrimBox is not inside the BleedBox"))
                elif exp.bleed is not None and any(abs(s - exp.bleed) > BOX_TOL_MM for s in sides):
                    got = "/".join(fmt_mm(s) for s in sides)
                    problems.append(("error", f"bleed is {got} mm (left/bottom/right/top), "
                                              f"expected {exp.bleed:g} mm on every side"))
            if not inside(trim, media):
                problems.append(("error", "TrimBox is not inside the MediaBox"))
        if bleed is not None and not inside(bleed, media):
            problems.append(("error", "BleedBox is not inside the MediaBox"))
        if crop_v is not None and bleed is not None and not inside(bleed, box(crop_v)):
            problems.append(("warning", "CropBox cuts into the BleedBox"))
        for severity, text in problems:
            out.append(Finding("boxes", severity, text, number))
        if not any(s == "error" for s, _ in problems) and trim is not None:
            bleed_mm = ""
            if bleed is not None:
                bleed_mm = f", bleed {fmt_mm(min((trim[0] - bleed[0]), (trim[1] - bleed[1]), (bleed[2] - trim[2]), (bleed[3] - trim[3])) * k)} mm"
            unit = f", UserUnit {uu:g}" if uu != 1.0 else ""
            out.append(Finding("boxes", "ok", f"trim {fmt_box_mm(trim, uu)}{bleed_mm}, "
                                              f"media {fmt_box_mm(media, uu)}{unit}", number))
    return out
