"""Page fingerprints on a stand the build wrote: its pages are its panels' pages, copied."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from standpress.pdfread import file_page_fingerprints


def test_stand_file_pages_have_the_fingerprints_of_their_panel_files(stand: Path) -> None:
    panels = sorted(p for p in stand.glob("*.pdf") if p.stem != stand.name)
    theirs = [file_page_fingerprints(p) for p in panels]
    assert all(len(t) == 1 for t in theirs)
    ours = file_page_fingerprints(stand / f"{stand.name}.pdf")
    assert ours == [t[0] for t in theirs]
    assert len(set(ours)) == len(ours)  # different panels, different fingerprints


def test_one_changed_byte_of_a_photo_changes_the_fingerprint(stand: Path, tmp_path: Path) -> None:
    source = stand / "02-cases.pdf"
    changed = tmp_path / "changed.pdf"
    with pikepdf.open(source) as pdf:
        [image] = [o for o in pdf.objects
                   if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        raw = bytearray(image.read_raw_bytes())
        raw[len(raw) // 2] ^= 0x01
        image.write(bytes(raw), filter=image.get("/Filter"))
        pdf.save(changed)
    assert file_page_fingerprints(changed) != file_page_fingerprints(source)
