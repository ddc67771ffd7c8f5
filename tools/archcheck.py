#!/usr/bin/env python3
"""The shape of standpress, read from the source with nothing imported.

Parses every module under ``src/standpress`` with :mod:`ast`, builds the import graph
(imports inside functions and under ``TYPE_CHECKING`` count) and reports:

* ``cycle``    modules that import each other, directly or through others;
* ``size``     a module over :data:`MAX_LINES` lines;
* ``private``  a private name (``_x``) of one standpress module used in another:
               ``from .m import _x``, or ``m._x`` where ``m`` names a standpress module.

Usage: ``python tools/archcheck.py [SRC]`` prints one line per violation and exits 1 if
there is any. ``tests/whole/test_architecture.py`` runs :func:`violations` with an allow-list
of the known ones.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

MAX_LINES = 600
ROOT = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "standpress"


@dataclass(frozen=True, order=True)
class Violation:
    kind: str  # "cycle", "size", "private"
    module: str  # the module (for a cycle: its members, sorted, joined by " ↔ ")
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.module}: {self.detail}"


def modules(src: Path = ROOT) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file of the package."""
    found = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_package(name: str, mods: dict[str, Path]) -> bool:
    return mods[name].name == "__init__.py"


def _base(name: str, node: ast.ImportFrom, mods: dict[str, Path]) -> str:
    """The absolute module a ``from … import`` names."""
    if not node.level:
        return node.module or ""
    package = name if _is_package(name, mods) else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _private(attr: str) -> bool:
    return attr.startswith("_") and not (attr.startswith("__") and attr.endswith("__"))


def imports(name: str, tree: ast.AST, mods: dict[str, Path]):
    """(imported standpress module, private names taken from it, line) of every import,
    and the local names bound to standpress modules."""
    edges: list[tuple[str, list[str], int]] = []
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] != PACKAGE:
                    continue
                target = a.name
                while target not in mods and "." in target:
                    target = target.rpartition(".")[0]
                edges.append((target, [], node.lineno))
                if a.asname:
                    aliases[a.asname] = target
        elif isinstance(node, ast.ImportFrom):
            base = _base(name, node, mods)
            if base.split(".")[0] != PACKAGE:
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in mods:  # a submodule
                    edges.append((sub, [], node.lineno))
                    aliases[a.asname or a.name] = sub
                elif base in mods:
                    edges.append((base, [a.name] if _private(a.name) else [], node.lineno))
    return edges, aliases


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def violations(src: Path = ROOT) -> list[Violation]:
    mods = modules(src)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    found: list[Violation] = []
    for name, path in mods.items():
        text = path.read_text("utf-8")
        lines = text.count("\n") + (not text.endswith("\n") and bool(text))
        if lines > MAX_LINES:
            found.append(Violation("size", name, f"{lines} lines (at most {MAX_LINES})"))
        tree = ast.parse(text, str(path))
        edges, aliases = imports(name, tree, mods)
        for target, private, line in edges:
            if target != name:
                graph[name].add(target)
            for p in private:
                if target != name:
                    found.append(Violation("private", name,
                                           f"line {line}: imports {p} from {target}"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and _private(node.attr)
                    and aliases[node.value.id] != name):
                found.append(Violation("private", name, f"line {node.lineno}: uses "
                                       f"{aliases[node.value.id]}.{node.attr}"))
    for comp in _cycles(graph):
        path = " → ".join(_loop(graph, comp))
        found.append(Violation("cycle", " ↔ ".join(comp), path))
    return sorted(set(found))


def _loop(graph: dict[str, set[str]], comp: list[str]) -> list[str]:
    """One import loop through the first module of ``comp``, to show."""
    members = set(comp)
    start = comp[0]
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                todo.append(w)
    return comp


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else ROOT
    found = violations(src)
    for v in found:
        print(v)
    print(f"{len(modules(src))} modules: {len(found)} violation(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
