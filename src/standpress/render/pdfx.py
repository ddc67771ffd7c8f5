"""Turn the PDF ReportLab wrote into a PDF/X-4 file (ISO 15930-7).

Contract
========

:func:`make_pdfx4` takes the bytes a ReportLab canvas wrote (with
``invariant=1``) and returns PDF/X-4 bytes. It is a pure function: the same
``src`` and :class:`PdfxInfo` (and the same profile file, ReportLab and
pikepdf versions) give byte-identical output.

What it adds or replaces

* header ``%PDF-1.6``;
* catalog ``/OutputIntents`` with one ``/GTS_PDFX`` output intent:
  ``OutputConditionIdentifier``, ``OutputCondition``, ``RegistryName``,
  ``Info`` (= ``OutputCondition``) and the output profile embedded as
  ``DestOutputProfile`` (Flate-compressed stream, ``/N 4``);
* an XMP metadata stream on the catalog (uncompressed, ``/Type /Metadata
  /Subtype /XML``) with ``pdfxid:GTS_PDFXVersion`` ``PDF/X-4``,
  ``xmp:CreateDate``/``ModifyDate``/``MetadataDate`` (all ``info.created``),
  ``xmp:CreatorTool``, ``xmpMM:DocumentID``/``InstanceID`` (``uuid:``…),
  ``xmpMM:VersionID`` ``1``, ``xmpMM:RenditionClass`` ``default``,
  ``dc:title`` (x-default), ``dc:creator``, ``dc:description``,
  ``dc:format``, ``pdf:Producer``, ``pdf:Trapped`` ``False``,
  ``pdf:PDFVersion`` and ``pdf:Keywords`` (when given); with ``info.spec``, the
  file's own spec (``manifest.PrintSpec``) as ``standpress:`` properties of the
  private schema ``pdfread.SPEC_NS`` (``pdfread/xmp.py``) — what ``standpress
  check`` judges the file by wherever it lies;
* a new Info dictionary in sync with the XMP: Title, Author, Subject,
  Creator, Producer, CreationDate, ModDate, Keywords (when given),
  ``GTS_PDFXVersion (PDF/X-4)``, ``Trapped /False``;
* trailer ``/ID``: the first string is the bytes of the XMP DocumentID,
  a hash of the input bytes, every ``PdfxInfo`` field and the profile; the
  second is qpdf's deterministic ID (an MD5 of the written file).

What it removes or refuses

* Fonts that are not embedded (ReportLab's default Helvetica lands in the
  resources when no ``initialFontName`` is given) are deleted from every
  ``/Font`` resource dictionary when no text is shown with them. A text
  showing operator (``Tj``, ``TJ``, ``'``, ``"``) that uses one — on a
  page, in a form XObject, tiling pattern, soft mask, Type3 glyph or
  annotation appearance, as :class:`standpress.pdfread.Walker` follows
  them — raises :class:`~standpress.errors.RenderError`: that is a bug in
  the renderer.
* Empty ``/Trans`` page dictionaries (ReportLab writes ``/Trans << >>``).
* Refused with :class:`~standpress.errors.RenderError`: encryption,
  JavaScript or actions (catalog ``/OpenAction`` or ``/AA``, page ``/AA``,
  annotation ``/A``/``/AA``, ``/Names /JavaScript``), a page without a
  TrimBox, a page with both TrimBox and ArtBox, boxes not nested
  (TrimBox ⊆ BleedBox ⊆ MediaBox, 0.01 pt tolerance).
* Refused with :class:`~standpress.errors.InputError`: an output profile
  that is missing or is not a CMYK output (``prtr``) profile; a naive
  ``created`` datetime raises ``ValueError``.

Page boxes, content streams and images are left as they are. What this
module does not check (the preflight's job): colour spaces of images and
vector content (plain DeviceRGB is not allowed with a CMYK intent), ink
coverage, transparency blending spaces, font subsetting.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
import reportlab
from pikepdf import Array, Dictionary, Name, String
from PIL import Image as PILImage
from PIL import ImageCms

from standpress.errors import InputError, Problem, RenderError, display_path
from standpress.pdfread import (SPEC_NS, SPEC_PREFIX, actions, box, font_embedded, inside, key,
                                page_box, spec_xmp, walk_pages)

__all__ = ["PdfxInfo", "make_pdfx4"]

PDF_VERSION = "1.6"
PDFX_VERSION = "PDF/X-4"
BOX_TOLERANCE = 0.01  # points
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class PdfxInfo:
    """Document facts for the Info dictionary, the XMP and the output intent."""

    title: str
    author: str
    subject: str
    creator: str  # e.g. "standpress 0.1.0"
    created: datetime  # tz-aware; from SOURCE_DATE_EPOCH by the caller
    output_profile: Path
    output_condition_identifier: str  # e.g. "FOGRA39"
    output_condition: str  # e.g. "Coated FOGRA39 (ISO 12647-2:2004), TAC 300 %"
    registry_name: str = "http://www.color.org"
    keywords: str = ""
    user_unit: float = 1.0  # written as /UserUnit on every page when not 1
    spec: dict | None = None  # manifest.PrintSpec.to_json(): written into the XMP


def make_pdfx4(src: bytes | pikepdf.Pdf, info: PdfxInfo, identity: bytes | None = None) -> bytes:
    """Return ``src`` (a ReportLab PDF) as PDF/X-4 bytes; see module doc.

    ``src`` may also be an open ``pikepdf.Pdf`` (it is changed in place, and saved once);
    then ``identity``, bytes that differ whenever its content does, stands in for its
    bytes in the document ID.
    """
    created = _utc(info.created)
    profile = _read_output_profile(Path(info.output_profile))
    if isinstance(src, pikepdf.Pdf):
        if identity is None:
            raise ValueError("make_pdfx4 of an open Pdf needs its identity")
        digest = _digest(identity, info, profile)
        opened = contextlib.nullcontext(src)
    else:
        digest = _digest(src if identity is None else identity, info, profile)
        opened = pikepdf.open(io.BytesIO(src))
    doc_id = uuid.UUID(bytes=digest[:16], version=4)
    instance_id = uuid.UUID(bytes=digest[16:32], version=4)
    producer = _producer(info.creator)
    with opened as pdf:
        _refuse_encryption_and_actions(pdf)
        _check_page_boxes(pdf)
        _drop_unused_unembedded_fonts(pdf)
        _drop_empty_transitions(pdf)
        _tag_device_rgb_jpegs(pdf)
        _tag_font_subsets(pdf)
        if info.user_unit != 1.0:  # oversize pages (> 200 in): PDF 1.6 /UserUnit
            for page in pdf.pages:
                page.obj.UserUnit = info.user_unit
        _set_output_intent(pdf, info, profile)
        _set_info(pdf, info, created, producer)
        _set_xmp(pdf, info, created, producer, doc_id, instance_id)
        pdf.trailer.ID = Array([String(doc_id.bytes), String(instance_id.bytes)])
        if Name.Version in pdf.Root:
            del pdf.Root.Version
        out = io.BytesIO()
        pdf.save(
            out,
            force_version=PDF_VERSION,
            fix_metadata_version=False,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,  # keeps our ID[0]; ID[1] = hash of the output
            linearize=False,
            qdf=False,
        )
    return out.getvalue()


# --------------------------------------------------------------------------
# inputs


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("PdfxInfo.created must be timezone-aware (UTC)")
    return when.astimezone(timezone.utc).replace(microsecond=0)


def _read_output_profile(path: Path) -> bytes:
    name = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{name}: output profile cannot be read",
            [Problem(f"output profile cannot be read ({exc.strerror})", file=name,
                     hint="name an existing CMYK output profile (.icc)")],
        ) from None
    device_class, space = data[12:16], data[16:20]
    if len(data) < 128 or data[36:40] != b"acsp" or device_class != b"prtr" or space != b"CMYK":
        raise InputError(
            f"{name}: not a CMYK output profile",
            [Problem(
                f"profile class {device_class!r}, colour space {space!r}: "
                "PDF/X-4 with a CMYK press needs a CMYK output (prtr) profile",
                file=name, hint="use the printer's CMYK output profile")],
        )
    return data


def _digest(src: bytes, info: PdfxInfo, profile: bytes) -> bytes:
    h = hashlib.sha256()
    for part in (src, profile):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    for f in fields(info):
        if f.name == "output_profile":
            continue  # the path is irrelevant; the bytes are hashed above
        value = getattr(info, f.name)
        if f.name == "spec":
            if value is None:
                continue  # (IDs of files without a spec as they always were)
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        text = value.isoformat() if isinstance(value, datetime) else str(value)
        h.update(f"{f.name}={text}\x00".encode())
    return h.digest()


def _producer(creator: str) -> str:
    return f"{creator} (ReportLab {reportlab.Version}, pikepdf {pikepdf.__version__})"


# --------------------------------------------------------------------------
# refusals and checks


def _refuse_encryption_and_actions(pdf: pikepdf.Pdf) -> None:
    found = ["the file is encrypted"] if pdf.is_encrypted else []
    found += actions(pdf)
    if found:
        raise RenderError(
            "PDF/X-4 forbids encryption, JavaScript and actions",
            [Problem(text, place="PDF/X-4") for text in found],
        )


def _check_page_boxes(pdf: pikepdf.Pdf) -> None:
    problems: list[Problem] = []
    for number, page in enumerate(pdf.pages, 1):
        place = f"page {number}"
        media = box(page.mediabox)
        trim = page_box(page, Name.TrimBox)
        bleed = page_box(page, Name.BleedBox) or media
        if trim is None:
            problems.append(Problem("no TrimBox", place=place))
            continue
        if page_box(page, Name.ArtBox) is not None:
            problems.append(Problem("both TrimBox and ArtBox", place=place))
        if not inside(trim, bleed, BOX_TOLERANCE):
            problems.append(Problem(f"TrimBox {trim} not inside BleedBox {bleed}", place=place))
        if not inside(bleed, media, BOX_TOLERANCE):
            problems.append(Problem(f"BleedBox {bleed} not inside MediaBox {media}", place=place))
    if problems:
        raise RenderError("page boxes do not meet PDF/X-4", problems)


# --------------------------------------------------------------------------
# fonts


def _drop_unused_unembedded_fonts(pdf: pikepdf.Pdf) -> None:
    """Delete unembedded fonts no text uses; raise if text uses one."""
    walked = walk_pages(pdf.pages)
    offenders: list[str] = []
    for fonts in walked.font_resources.values():
        for name in list(fonts.keys()):
            font = fonts[name]
            if font_embedded(font):
                continue
            if key(font) in walked.shown_fonts:
                offenders.append(f"{name} ({font.get(Name.BaseFont, '?')})")
            else:
                del fonts[name]
    if offenders:
        raise RenderError(
            "text is set in a font that is not embedded (renderer bug)",
            [Problem(f"unembedded font {o} is used", place="PDF/X-4",
                     hint="pass Canvas(initialFontName=...) and set every text "
                          "in a registered TrueType font")
             for o in sorted(set(offenders))],
        )


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def _tag_font_subsets(pdf: pikepdf.Pdf) -> None:
    """Give every font subset the tag its own glyphs earn.

    ReportLab names each subset ``AAAAAA+Family``, so a panel's two faces share a tag and a
    stand file holds several different subsets of one face under one name, which ISO 32000
    (9.6.4: "different subsets in the same PDF file shall have different tags") forbids and
    a RIP caching fonts by name may mix up. The tag is six letters of a hash of the subset's
    font program and its ToUnicode map: equal subsets keep equal tags, and the output stays
    byte-identical from run to run.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get(Name.Type) != Name.Font:
            continue
        base = str(obj.get(Name.BaseFont, ""))[1:]
        descriptor = obj.get(Name.FontDescriptor)
        if not _SUBSET.match(base) or descriptor is None:
            continue
        h = hashlib.sha256(base[7:].encode())
        for stream in (descriptor.get(Name.FontFile2), descriptor.get(Name.FontFile3),
                       descriptor.get(Name.FontFile), obj.get(Name.ToUnicode)):
            if stream is not None:
                h.update(stream.read_bytes())
        number = int.from_bytes(h.digest()[:8], "big")
        tag = "".join(chr(65 + number // 26 ** i % 26) for i in range(6))
        obj.BaseFont = Name("/" + tag + base[6:])
        descriptor.FontName = Name("/" + tag + base[6:])


def _drop_empty_transitions(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        trans = page.obj.get(Name.Trans)
        if isinstance(trans, pikepdf.Dictionary) and len(trans.keys()) == 0:
            del page.obj.Trans


# --------------------------------------------------------------------------
# output intent, Info, XMP


def _set_output_intent(pdf: pikepdf.Pdf, info: PdfxInfo, profile: bytes) -> None:
    stream = pdf.make_stream(profile)
    stream.N = 4
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(info.output_condition_identifier),
        OutputCondition=String(info.output_condition),
        RegistryName=String(info.registry_name),
        Info=String(info.output_condition),
        DestOutputProfile=stream,
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])


def _pdf_date(when: datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _set_info(pdf: pikepdf.Pdf, info: PdfxInfo, created: datetime, producer: str) -> None:
    entries = Dictionary(
        Title=String(info.title),
        Author=String(info.author),
        Subject=String(info.subject),
        Creator=String(info.creator),
        Producer=String(producer),
        CreationDate=String(_pdf_date(created)),
        ModDate=String(_pdf_date(created)),
        GTS_PDFXVersion=String(PDFX_VERSION),
        Trapped=Name("/False"),
    )
    if info.keywords:
        entries.Keywords = String(info.keywords)
    pdf.trailer.Info = pdf.make_indirect(entries)


def _x(text: str) -> str:
    """XML-escape text and drop characters XML 1.0 cannot carry."""
    return escape(_XML_INVALID.sub("", text))


def _xmp_packet(
    info: PdfxInfo, created: datetime, producer: str, doc_id: uuid.UUID,
    instance_id: uuid.UUID,
) -> bytes:
    date = _xmp_date(created)
    keywords = f"\n   <pdf:Keywords>{_x(info.keywords)}</pdf:Keywords>" if info.keywords else ""
    spec_ns = spec = ""
    if info.spec is not None:
        spec_ns = f'\n    xmlns:{SPEC_PREFIX}="{SPEC_NS}"'
        spec = "\n" + spec_xmp(info.spec)
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"{spec_ns}>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_x(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{_x(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_x(info.subject)}</rdf:li></rdf:Alt></dc:description>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{_x(info.creator)}</xmp:CreatorTool>
   <xmpMM:DocumentID>uuid:{doc_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{instance_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdf:Producer>{_x(producer)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <pdf:PDFVersion>{PDF_VERSION}</pdf:PDFVersion>{keywords}
   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>{spec}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def _set_xmp(
    pdf: pikepdf.Pdf, info: PdfxInfo, created: datetime, producer: str,
    doc_id: uuid.UUID, instance_id: uuid.UUID,
) -> None:
    stream = pdf.make_stream(_xmp_packet(info, created, producer, doc_id, instance_id))
    stream.Type = Name.Metadata
    stream.Subtype = Name.XML
    pdf.Root.Metadata = stream


# --------------------------------------------------------------------------
# passthrough photos


def _tag_device_rgb_jpegs(pdf: pikepdf.Pdf) -> None:
    """Give each DeviceRGB JPEG its own ICC profile (or sRGB) as ``/ICCBased``.

    In "passthrough" mode the original JPEGs are embedded untouched and
    ReportLab writes them as DeviceRGB, which PDF/X-4 with a CMYK output
    intent forbids; an ICC-tagged RGB image is allowed and leaves the
    separation to the printer's RIP. Profiles are shared between images.
    """
    streams: dict[bytes, pikepdf.Stream] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != Name.Image:
            continue
        filters = obj.get("/Filter")
        filters = list(filters) if isinstance(filters, Array) else [filters]
        if obj.get("/ColorSpace") != Name.DeviceRGB or filters != [Name.DCTDecode]:
            continue
        raw = obj.read_raw_bytes()
        try:
            icc = PILImage.open(io.BytesIO(raw)).info.get("icc_profile")
        except Exception:  # noqa: BLE001 - an unreadable JPEG keeps sRGB
            icc = None
        if not icc:
            icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        stream = streams.get(icc)
        if stream is None:
            stream = pdf.make_stream(icc)
            stream.N = 3
            stream.Alternate = Name.DeviceRGB
            streams[icc] = stream
        obj.ColorSpace = Array([Name.ICCBased, stream])
