"""A finished file's own spec in its XMP: the ``standpress:`` properties.

The build writes, beside the PDF/X-4 properties of the XMP packet, what the preflight
needs to judge the file on its own (``manifest.PrintSpec`` as JSON-ready data): the
stand, the format, and per page the trim, bleed, safe margin, ink limit, resolution
floors, expected QR payloads and texts. Plain XMP (RDF/XML): simple properties, ordered
arrays (``rdf:Seq``) and one structure per page (``rdf:parseType="Resource"``), in the
private namespace :data:`SPEC_NS`, so any XMP reader shows them and PDF/X-4 validity is
untouched (ISO 15930-7 allows private XMP schemas).

:func:`spec_xmp` gives the properties to put inside the packet's ``rdf:Description``;
:func:`read_spec` reads them back from an open PDF (``None`` when the file has none).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pikepdf

__all__ = ["SPEC_NS", "SPEC_PREFIX", "parse_spec", "read_spec", "spec_xmp"]

SPEC_NS = "https://standpress.invalid/ns/print-spec/1.0/"
SPEC_PREFIX = "standpress"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: file-level fields: JSON key → XMP property
FILE_FIELDS = {"stand": "Stand", "format": "Format", "format_name": "FormatName"}
#: per-page fields: JSON key → (XMP property, type); "trim" is two properties
PAGE_FIELDS = {"file": ("File", str), "kind": ("Kind", str), "unit": ("Unit", int),
               "side": ("Side", str), "bleed": ("Bleed", float), "safe": ("Safe", float),
               "ink_limit": ("InkLimit", float), "warn_ppi": ("WarnPPI", float),
               "min_ppi": ("MinPPI", float), "outlined_text": ("OutlinedText", bool)}
LIST_FIELDS = {"cases": "Cases", "qr": "QR", "texts": "Texts"}


def _x(text) -> str:
    return escape(_XML_INVALID.sub("", str(text)))


def _number(value: float) -> str:
    return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(value)


def _prop(name: str, value, indent: str) -> str:
    if isinstance(value, bool):
        text = "True" if value else "False"
    elif isinstance(value, (int, float)):
        text = _number(value)
    else:
        text = _x(value)
    return f"{indent}<{SPEC_PREFIX}:{name}>{text}</{SPEC_PREFIX}:{name}>"


def _seq(name: str, items, indent: str) -> str:
    lis = "".join(f"<rdf:li>{_x(i)}</rdf:li>" for i in items)
    return f"{indent}<{SPEC_PREFIX}:{name}><rdf:Seq>{lis}</rdf:Seq></{SPEC_PREFIX}:{name}>"


def spec_xmp(spec: dict, indent: str = "   ") -> str:
    """``spec`` (``PrintSpec.to_json()``) as XMP properties, one per line; the packet
    must declare ``xmlns:standpress`` (:data:`SPEC_NS`) and ``xmlns:rdf``."""
    lines = [_prop(name, spec[k], indent) for k, name in FILE_FIELDS.items()
             if spec.get(k) is not None]
    inner = indent + "   "
    pages = []
    for page in spec.get("pages") or ():
        props = [_prop(name, page[k], inner) for k, (name, _) in PAGE_FIELDS.items()
                 if page.get(k) is not None]
        if page.get("trim"):
            props[1:1] = [_prop("TrimWidth", page["trim"][0], inner),
                          _prop("TrimHeight", page["trim"][1], inner)]
        props += [_seq(name, page.get(k) or (), inner) for k, name in LIST_FIELDS.items()]
        pages.append(f'{indent}  <rdf:li rdf:parseType="Resource">\n' + "\n".join(props)
                     + f"\n{indent}  </rdf:li>")
    lines.append(f"{indent}<{SPEC_PREFIX}:Pages><rdf:Seq>\n" + "\n".join(pages)
                 + f"\n{indent}</rdf:Seq></{SPEC_PREFIX}:Pages>")
    return "\n".join(lines)


def _q(name: str) -> str:
    return f"{{{SPEC_NS}}}{name}"


def _text(parent: ET.Element, name: str):
    el = parent.find(_q(name))
    return None if el is None else (el.text or "")


def _convert(text: str, kind):
    if kind is bool:
        return text.strip() == "True"
    return kind(text.strip()) if kind is not str else text


def _items(parent: ET.Element, name: str) -> list[str]:
    el = parent.find(_q(name))
    if el is None:
        return []
    return [li.text or "" for li in el.iter(f"{{{RDF}}}li")]


def parse_spec(xmp: bytes) -> dict | None:
    """The ``standpress:`` properties of an XMP packet as ``PrintSpec`` JSON data, or
    ``None`` when it has none. Raises ``ValueError`` when they are there but malformed."""
    if SPEC_NS.encode() not in xmp:
        return None
    try:
        root = ET.fromstring(xmp)
    except ET.ParseError as exc:
        raise ValueError(f"XMP cannot be parsed: {exc}") from None
    for desc in root.iter(f"{{{RDF}}}Description"):
        pages_el = desc.find(_q("Pages"))
        if pages_el is None:
            continue
        spec: dict = {k: _text(desc, name) for k, name in FILE_FIELDS.items()}
        pages = []
        for li in pages_el.iter(f"{{{RDF}}}li"):
            if li.find(_q("File")) is None:
                continue  # an item of a nested list
            page: dict = {}
            for k, (name, kind) in PAGE_FIELDS.items():
                text = _text(li, name)
                page[k] = None if text is None else _convert(text, kind)
            w, h = _text(li, "TrimWidth"), _text(li, "TrimHeight")
            page["trim"] = [float(w), float(h)] if w is not None and h is not None else None
            for k, name in LIST_FIELDS.items():
                page[k] = _items(li, name)
            pages.append(page)
        spec["pages"] = pages
        return spec
    return None


def read_spec(pdf: pikepdf.Pdf) -> dict | None:
    """The spec the file carries in its XMP (see :func:`parse_spec`), or ``None``."""
    meta = pdf.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        return None
    return parse_spec(meta.read_bytes())
