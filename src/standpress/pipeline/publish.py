"""Publish: swap the finished stand folders into the output folder, atomically, and
remember what standpress owns there; ``clean`` removes exactly that.

The build assembles everything in a temporary folder inside the output folder; only
when every stage has succeeded does :func:`publish` rename each stand folder into place
(the old one moved aside first) and copy ``stands.json``, ``preflight.json`` and
``index.html`` beside them. ``.standpress-owned.json`` lists what standpress wrote, so a
folder it did not write is never replaced and :func:`clean_output` removes nothing else.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..errors import PublishError, display_path
from ..manifest import PREFLIGHT_JSON, STANDS_JSON

OWNED_MANIFEST = ".standpress-owned.json"


def publish(tmp: Path, out: Path, stand_ids: list[str]) -> None:
    """Swap the new stand folders in; only folders and files standpress owns move."""
    owned_file = out / OWNED_MANIFEST
    try:
        owned = set(json.loads(owned_file.read_text("utf-8")).get("owned", []))
    except (FileNotFoundError, ValueError):
        owned = set()
    try:
        for sid in stand_ids:
            target = out / sid
            if target.exists() and sid not in owned and any(target.iterdir()):
                raise PublishError(
                    f"{display_path(target)} exists and was not written by standpress; "
                    "move it away or choose another --out folder")
        for sid in stand_ids:
            target = out / sid
            old = tmp / f".old-{sid}"
            if target.exists():
                target.rename(old)
            (tmp / sid).rename(target)
        shutil.copyfile(tmp / STANDS_JSON, out / STANDS_JSON)
        owned |= set(stand_ids) | {STANDS_JSON}
        for name in (PREFLIGHT_JSON, "index.html"):
            if (tmp / name).exists():
                shutil.copyfile(tmp / name, out / name)
                owned.add(name)
            elif name in owned and (out / name).exists():
                (out / name).unlink()  # ours, from an earlier build: it would describe old files
        owned_file.write_text(json.dumps({"owned": sorted(owned)}, indent=2) + "\n", "utf-8")
    except OSError as exc:
        raise PublishError(f"cannot write {display_path(out)}: {exc}") from exc


def clean_output(out: Path) -> list[str]:
    """Remove what standpress wrote in ``out`` (per its owned-file manifest) and the
    temporary folders of interrupted builds; nothing else. Returns the names removed."""
    out = Path(out)
    owned_file = out / OWNED_MANIFEST
    try:
        owned = json.loads(owned_file.read_text("utf-8")).get("owned", [])
    except (FileNotFoundError, NotADirectoryError, ValueError, AttributeError):
        owned = []
    removed = []
    try:
        for name in sorted(set(owned) | {p.name for p in out.glob(".standpress-*")
                                         if p.is_dir() and p.name != OWNED_MANIFEST}):
            if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
                continue  # only plain names inside out
            target = out / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            else:
                continue
            removed.append(name)
        if owned_file.exists():
            owned_file.unlink()
            removed.append(OWNED_MANIFEST)
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()
    except OSError as exc:
        raise PublishError(f"cannot clean {display_path(out)}: {exc}") from exc
    return removed
