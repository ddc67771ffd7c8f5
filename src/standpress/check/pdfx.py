"""The pdfx check: the PDF/X-4 keys (ISO 15930-7) read back from the finished file.

PDF version ≤ 1.6; one /GTS_PDFX output intent with an embedded CMYK output profile;
XMP with the PDF/X-4 identification, dates, IDs and title; the Info dictionary in sync
with it; a trailer /ID; no encryption, JavaScript or actions.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pikepdf
from pikepdf import Name

from ..pdfread import actions
from .context import Context
from .report import Finding

__all__ = ["MAX_PDF_VERSION", "check_pdfx"]

MAX_PDF_VERSION = (1, 6)


def _parse_pdf_date(text: str) -> datetime | None:
    m = re.match(r"^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?$",
                 text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, sign, oh, om = m.groups()
    when = datetime(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(s or 0))
    offset = timedelta(0)
    if sign in ("+", "-"):
        offset = timedelta(hours=int(oh or 0), minutes=int(om or 0)) * (1 if sign == "+" else -1)
    return when.replace(tzinfo=timezone(offset))


def _parse_xmp_date(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


_XMP = {
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def _xmp_get(meta, qname: str):
    prefix, local = qname.split(":")
    try:
        return meta.get("{" + _XMP[prefix] + "}" + local)
    except Exception:  # noqa: BLE001 - pikepdf raises on odd values
        return None


def check_pdfx(ctx: Context) -> list[Finding]:
    """PDF/X-4 keys: version, output intent, XMP, Info, trailer ID; no encryption or actions."""
    pdf = ctx.pdf
    errors: list[str] = []
    warnings: list[str] = []
    # version
    version = str(pdf.pdf_version)
    root_version = pdf.Root.get(Name.Version)
    effective = max((tuple(int(x) for x in v.split(".")[:2])
                     for v in [version] + ([str(root_version)[1:]] if root_version is not None else [])
                     if re.match(r"^\d+\.\d+", v)), default=(0, 0))
    if effective > MAX_PDF_VERSION:
        errors.append(f"PDF version {effective[0]}.{effective[1]} (PDF/X-4 allows at most 1.6)")
    # output intent
    intents = pdf.Root.get(Name.OutputIntents)
    condition = None
    if not isinstance(intents, pikepdf.Array) or len(intents) == 0:
        errors.append("no /OutputIntents (PDF/X needs a GTS_PDFX output intent with the "
                      "CMYK output profile)")
    else:
        gts = [oi for oi in intents if isinstance(oi, pikepdf.Dictionary) and oi.get(Name.S) == Name.GTS_PDFX]
        if len(gts) != 1:
            errors.append(f"{len(gts)} /GTS_PDFX output intents (exactly one needed)")
        if gts:
            oi = gts[0]
            condition = str(oi.get(Name.OutputConditionIdentifier, "")) or None
            if condition is None:
                errors.append("output intent has no OutputConditionIdentifier")
            if Name.RegistryName not in oi:
                warnings.append("output intent has no RegistryName")
            prof = oi.get(Name.DestOutputProfile)
            if not isinstance(prof, pikepdf.Stream):
                errors.append("output intent has no embedded DestOutputProfile")
            else:
                n = int(prof.get(Name.N, 0))
                head = prof.read_bytes()[:40]
                cls, space = head[12:16], head[16:20]
                if n != 4:
                    errors.append(f"DestOutputProfile has /N {n} (CMYK needs 4)")
                if cls != b"prtr" or space != b"CMYK" or head[36:40] != b"acsp":
                    errors.append(f"DestOutputProfile is class {cls.decode('latin-1')!r}, "
                                  f"space {space.decode('latin-1')!r} (needs 'prtr' 'CMYK')")
    # XMP
    xmp_title = None
    xmp_dates: dict[str, datetime | None] = {}
    if not isinstance(pdf.Root.get(Name.Metadata), pikepdf.Stream):
        errors.append("no XMP metadata stream on the catalog")
    else:
        try:
            meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
            with meta:  # pikepdf parses on entry; nothing is written without changes
                values = {q: _xmp_get(meta, q) for q in (
                    "pdfxid:GTS_PDFXVersion", "xmp:CreateDate", "xmp:ModifyDate",
                    "xmp:MetadataDate", "xmpMM:DocumentID", "xmpMM:VersionID",
                    "xmpMM:InstanceID", "xmpMM:RenditionClass", "dc:title")}
        except Exception as exc:  # noqa: BLE001 - any XML or pikepdf error
            errors.append(f"XMP metadata cannot be parsed: {exc}")
            values = None
        if values is not None:
            if values["pdfxid:GTS_PDFXVersion"] != "PDF/X-4":
                errors.append(f"XMP pdfxid:GTS_PDFXVersion is {values['pdfxid:GTS_PDFXVersion']!r}, "
                              "expected 'PDF/X-4'")
            for q in ("xmp:CreateDate", "xmp:ModifyDate", "xmpMM:DocumentID",
                      "xmpMM:RenditionClass", "dc:title"):
                if not values[q]:
                    errors.append(f"XMP lacks {q}")
            if not values["xmpMM:VersionID"] and not values["xmpMM:InstanceID"]:
                errors.append("XMP lacks xmpMM:VersionID and xmpMM:InstanceID")
            if not values["xmp:MetadataDate"]:
                warnings.append("XMP lacks xmp:MetadataDate")
            for q in ("xmp:CreateDate", "xmp:ModifyDate"):
                if values[q]:
                    xmp_dates[q] = _parse_xmp_date(str(values[q]))
                    if xmp_dates[q] is None:
                        errors.append(f"XMP {q} {values[q]!r} is not a date")
            xmp_title = str(values["dc:title"]) if values["dc:title"] else None
    # Info
    info = pdf.trailer.get(Name.Info)
    if not isinstance(info, pikepdf.Dictionary):
        errors.append("no Info dictionary")
    else:
        if Name.GTS_PDFXVersion not in info:
            errors.append("Info has no /GTS_PDFXVersion (PDF/X-4)")
        elif str(info.GTS_PDFXVersion) != "PDF/X-4":
            errors.append(f"Info /GTS_PDFXVersion is {str(info.GTS_PDFXVersion)!r}, expected 'PDF/X-4'")
        trapped = info.get(Name.Trapped)
        if trapped not in (Name("/False"), Name("/True")):
            errors.append(f"Info /Trapped is {trapped if trapped is not None else 'missing'} "
                          "(PDF/X-4 needs /False or /True)")
        title = str(info.get(Name.Title)) if Name.Title in info else None
        if title is None:
            errors.append("Info has no /Title")
        elif xmp_title is not None and title != xmp_title:
            errors.append(f"Info /Title {title!r} differs from XMP dc:title {xmp_title!r}")
        for key, q in ((Name.CreationDate, "xmp:CreateDate"), (Name.ModDate, "xmp:ModifyDate")):
            if key in info and xmp_dates.get(q) is not None:
                when = _parse_pdf_date(str(info[key]))
                if when is None or when != xmp_dates[q]:
                    warnings.append(f"Info {key} {str(info[key])!r} differs from XMP {q}")
    # trailer, encryption, actions
    if Name.ID not in pdf.trailer:
        errors.append("no trailer /ID")
    if pdf.is_encrypted or Name.Encrypt in pdf.trailer:
        errors.append("the file is encrypted")
    errors += _actions(pdf)
    out = [Finding("pdfx", "error", e) for e in errors]
    out += [Finding("pdfx", "warning", w) for w in warnings]
    if not errors:
        out.append(Finding("pdfx", "ok", f"PDF/X-4, PDF {'.'.join(map(str, effective))}, "
                                         f"output intent {condition}"))
    return out


def _actions(pdf: pikepdf.Pdf) -> list[str]:
    found = actions(pdf)
    js = sum(_count_js(obj, 0) for obj in pdf.objects
             if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array))
             and not isinstance(obj, pikepdf.Stream))
    js += _count_js(pdf.trailer, 0)
    if js:
        found.append(f"{js} JavaScript action{'s' if js != 1 else ''}")
    return found


def _count_js(obj, depth: int) -> int:
    """JavaScript actions in ``obj`` and the direct objects inside it."""
    if depth > 12:
        return 0
    n = 0
    if isinstance(obj, pikepdf.Dictionary):
        if Name.JS in obj or obj.get(Name.S) == Name.JavaScript:
            n += 1
        children = list(obj.values())
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return 0
    for child in children:
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            n += _count_js(child, depth + 1)
    return n
