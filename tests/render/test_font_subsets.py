"""Font subset tags: ISO 32000 9.6.4 — different subsets in one PDF file have different
tags. ReportLab names every subset ``AAAAAA+…``; a stand file merges panels that each hold
their own subset of a face, and a RIP that caches fonts by name may print one panel's text
with another panel's glyphs."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pikepdf
import pytest

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "pdffonts"], capture_output=True).returncode != 0,
    reason="pdffonts (poppler-utils) is needed")


def poppler_names(path) -> list[str]:
    """The embedded fonts' names as poppler lists them (one line per font object)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return [line.split()[0] for line in out if line.strip()]


def subsets(path) -> dict[str, set[str]]:
    """Subset name → hashes of the font programs filed under it (read with pikepdf)."""
    found: dict[str, set[str]] = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" \
                    and "/FontDescriptor" in obj:
                program = obj.FontDescriptor.get("/FontFile2")
                if program is not None:
                    found.setdefault(str(obj.BaseFont)[1:], set()).add(
                        hashlib.sha256(program.read_bytes()).hexdigest())
    return found


def test_each_font_subset_of_a_stand_file_has_a_tag_of_its_own(sample_build):
    stand = sample_build.out / "opera" / "opera.pdf"
    names = poppler_names(stand)
    assert names and all(re.fullmatch(r"[A-Z]{6}\+[\w-]+", n) for n in names), names
    found = subsets(stand)
    assert all(len(programs) == 1 for programs in found.values()), found
    # several panels, several subsets of the body face: each under its own tag
    regular = [n for n in found if n.endswith("+NotoSans-Regular")]
    assert len(regular) > 1, sorted(found)


def test_a_panels_faces_do_not_share_one_subset_tag(sample_build):
    panel = sample_build.out / "opera" / "02-cases.pdf"
    tags = [n.split("+")[0] for n in poppler_names(panel)]
    assert len(tags) > 1 and len(set(tags)) == len(tags), tags
