"""The design loader and the layout stage's purity and shape."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from standpress.errors import InputError
from standpress.layout.templates import Setting
from standpress.load.design import FontBook, load_design, load_style

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ROOT / "src" / "standpress" / "layout"


def test_the_style_sheet_carries_the_one_body_setting_rule(project):
    style = load_design(project).style
    assert style.setting == Setting(justify_min_chars=60, max_word_stretch=0.5,
                                    max_word_shrink=0.15, min_last_line_chars=5)


def test_an_unknown_setting_key_is_named_with_its_line(tmp_path):
    text = (ROOT / "templates" / "style.toml").read_text(encoding="utf-8")
    bad = tmp_path / "style.toml"
    bad.write_text(text.replace("justify_min_chars = 60", "justify_min_char = 60"),
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_style(bad, ROOT / "fonts")
    p = info.value.problems[0]
    assert p.field == "setting.justify_min_char" and p.place and "justify_min_chars" in p.hint


def test_fonts_are_loaded_by_the_loader_and_travel_to_workers_by_name(project):
    style = load_design(project).style
    assert isinstance(style.book, FontBook) and "regular" in style.book.stacks
    again = pickle.loads(pickle.dumps(style))
    assert again.book == style.book and "FontBook((" in repr(style.book)
    assert again.stack("bold").width("Київ", 10.0) == style.stack("bold").width("Київ", 10.0)


def test_layout_reads_no_file():
    for path in LAYOUT.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in ("open(", ".read_text(", ".read_bytes(", "tomllib", "load_font("):
            assert call not in source, (path.name, call)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_layout_modules_import_downwards_only():
    order = ["frame", "templates", "marks", "cartography", "qr", "fit", "context", "cards", "spare",
             "grid", "locmap", "locator", "panels"]
    assert {p.stem for p in LAYOUT.glob("*.py")} - {"__init__"} == set(order)  # every module ranked
    for i, name in enumerate(order):
        below = set(order[:i])
        assert _imports(LAYOUT / f"{name}.py") <= below, name


def test_every_layout_module_is_under_600_lines():
    for path in LAYOUT.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600, path.name
