"""`build --svg-photos link`: the SVGs link their photos as files beside them (svg/photos/),
for designers who place and replace images in their own tools."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from click.testing import CliRunner
from PIL import Image

from standpress.cli import main

XLINK = "{http://www.w3.org/1999/xlink}href"


def build_banner_svgs(root, out, *options: str):
    """The small campaign's banner stand, SVGs only beside its PDFs; its svg/ folder."""
    r = CliRunner().invoke(main, [
        "build", "--cases", str(root / "tests" / "data" / "small" / "cases.csv"),
        "--locations", str(root / "locations.toml"), "--out", str(out), "--only",
        "khreshchatyk", "--allow-low-res", "--no-check", "--no-site", "--jobs", "1",
        "--no-cache", "-q", *options])
    assert r.exit_code == 0, r.output
    return out / "khreshchatyk" / "svg"


def test_linked_svg_photos_are_files_beside_the_svg_and_decode(tmp_path, root):
    svg_dir = build_banner_svgs(root, tmp_path / "out", "--svg-photos", "link")
    hrefs = []
    for svg in sorted(svg_dir.glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        assert "data:image/jpeg;base64" not in text  # nothing embedded
        for el in ET.fromstring(text).iter("{http://www.w3.org/2000/svg}image"):
            hrefs.append(el.get("href") or el.get(XLINK))
    assert hrefs and all(re.fullmatch(r"photos/[\w-]+-[0-9a-f]{8}\.jpg", h) for h in hrefs)
    for h in set(hrefs):
        with Image.open(svg_dir / h) as im:  # a real picture, readable by another program
            im.load()
            assert im.width > 0 and im.format == "JPEG"


def test_embedded_svg_photos_stay_the_default(tmp_path, root):
    svg_dir = build_banner_svgs(root, tmp_path / "out")
    assert not (svg_dir / "photos").exists()
    assert any("data:image/jpeg;base64" in s.read_text(encoding="utf-8")
               for s in svg_dir.glob("*.svg"))
