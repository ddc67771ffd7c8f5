"""Colour spaces as a reader names them, and whether they are uncalibrated DeviceRGB."""

from __future__ import annotations

import pikepdf
from pikepdf import Name

__all__ = ["describe_colour_space", "named_space"]


def describe_colour_space(cs, resources=None, depth: int = 0) -> tuple[str, bool]:
    """A short name for a colour space and whether it is (uncalibrated) DeviceRGB.

    DeviceRGB remapped by an ICC-based ``/DefaultRGB`` in ``resources`` counts
    as ICC-based; an alternate or base space of DeviceRGB counts as RGB.
    """
    if depth > 8 or cs is None:
        return ("?", False)
    if isinstance(cs, pikepdf.Name):
        name = str(cs)[1:]
        name = {"RGB": "DeviceRGB", "CMYK": "DeviceCMYK", "G": "DeviceGray",
                "I": "Indexed"}.get(name, name)
        if name == "DeviceRGB":
            default = named_space(resources, Name.DefaultRGB)
            if default is not None:
                inner, rgb = describe_colour_space(default, None, depth + 1)
                if not rgb:
                    return (f"DeviceRGB→DefaultRGB {inner}", False)
            return ("DeviceRGB", True)
        if name in ("DeviceCMYK", "DeviceGray", "Pattern"):
            return (name, False)
        named = named_space(resources, cs)
        if named is not None:
            return describe_colour_space(named, resources, depth + 1)
        return (name, False)
    if isinstance(cs, pikepdf.Array) and len(cs) > 0:
        family = str(cs[0])[1:]
        if family == "ICCBased":
            try:
                n = int(cs[1].get(Name.N, 0))
            except Exception:  # noqa: BLE001 - malformed profile dictionary
                n = 0
            return (f"ICCBased({n})", False)
        if family in ("Indexed", "I") and len(cs) > 1:
            inner, rgb = describe_colour_space(cs[1], resources, depth + 1)
            return (f"Indexed({inner})", rgb)
        if family == "Separation" and len(cs) > 2:
            inner, rgb = describe_colour_space(cs[2], resources, depth + 1)
            return (f"Separation({str(cs[1])[1:]}, alt {inner})", rgb)
        if family == "DeviceN" and len(cs) > 2:
            inner, rgb = describe_colour_space(cs[2], resources, depth + 1)
            names = ",".join(str(n)[1:] for n in cs[1])
            return (f"DeviceN({names}, alt {inner})", rgb)
        if family == "Pattern":
            if len(cs) > 1:
                inner, rgb = describe_colour_space(cs[1], resources, depth + 1)
                return (f"Pattern({inner})", rgb)
            return ("Pattern", False)
        if family in ("DeviceRGB", "DeviceCMYK", "DeviceGray", "RGB", "CMYK", "G"):
            return describe_colour_space(cs[0], resources, depth + 1)
        return (family, False)  # CalRGB, CalGray, Lab
    return ("?", False)


def named_space(resources, name):
    """The colour space ``name`` in the /ColorSpace dictionary of ``resources``, or None."""
    if resources is None:
        return None
    spaces = resources.get(Name.ColorSpace)
    if not isinstance(spaces, pikepdf.Dictionary):
        return None
    return spaces.get(name)
