"""The shape of the source, read with nothing imported (tools/archcheck.py): no import
cycle (imports inside functions and under TYPE_CHECKING count), no module over 600
lines, no private name of one module used in another."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Known violations, each in a part another helper of issue 13 is mending on its branch.
# (kind, module) → who fixes it. Empty this list as the branches are merged: an entry
# that no longer happens fails the test too, so the list cannot go stale.
KNOWN: dict[tuple[str, str], str] = {}  # nothing known: every violation fails


def _archcheck():
    spec = importlib.util.spec_from_file_location("archcheck", ROOT / "tools" / "archcheck.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("archcheck", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_no_cycle_no_oversized_module_no_private_import():
    found = _archcheck().violations(ROOT / "src")
    new = [str(v) for v in found if (v.kind, v.module) not in KNOWN]
    assert not new, "architecture violations:\n" + "\n".join(new)


def test_the_known_violations_still_happen():
    """An entry of KNOWN that no longer happens is done: remove it from the list."""
    seen = {(v.kind, v.module) for v in _archcheck().violations(ROOT / "src")}
    assert not [k for k in KNOWN if k not in seen], "fixed; remove from KNOWN"


def test_archcheck_sees_a_cycle_through_a_function_import_and_a_private_name(tmp_path):
    """The checker itself can fail: a cycle hidden in a function, a private import."""
    pkg = tmp_path / "standpress"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import _helper\n")
    (pkg / "b.py").write_text("def _helper():\n    from . import a\n")
    (pkg / "big.py").write_text("x = 1\n" * 601)
    found = {(v.kind, v.module) for v in _archcheck().violations(tmp_path)}
    assert found == {("cycle", "standpress.a ↔ standpress.b"), ("private", "standpress.a"),
                     ("size", "standpress.big")}
