"""Find the line and column of a dotted key in a TOML file.

``tomllib`` gives values without positions; error messages need
``locations.toml:57:1``. This scanner follows table headers and array-of-table
indices well enough for configuration files written by people (it does not
need to be a full TOML parser: it only points at lines). It knows:

* ``[table]``, ``[a.b]``, quoted header parts (``[format."big one"]``);
* ``[[array]]`` tables, counted: ``location[2].format``; sub-tables of the
  current array element (``[location.extra]`` → ``location[2].extra``);
* ``key = …``, dotted and quoted keys;
* multi-line strings (``\"\"\"…\"\"\"``, ``'''…'''``), whose lines are not keys;
* for arrays written inline (``case = [{…}, {…}]``), ``case[1].title`` falls
  back to the line of ``case``.

It never raises on any text.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]\[#]+?)\s*\]\]?")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
                  r"""(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=""")
_PART = re.compile(r"""[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")
_INDEX = re.compile(r"\[\d+\]")
_STRING = re.compile(r"""\"(?:[^"\\]|\\.)*\"|'[^']*'""")


def _depth(text: str) -> int:
    """How many brackets and braces ``text`` leaves open (strings and comments aside)."""
    code = _STRING.sub("", text).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


def _parts(dotted: str) -> list[str]:
    return [p[1:-1] if p[:1] in "\"'" else p for p in _PART.findall(dotted)]


class TomlPositions:
    def __init__(self, text: str):
        self._where: dict[str, tuple[int, int]] = {}
        counters: dict[str, int] = {}
        table = ""
        in_string: str | None = None  # the delimiter of an open multi-line string
        depth = 0  # brackets left open by a value that spans lines
        for lineno, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            if depth > 0:  # inside a multi-line array: «[50.6, 30.5],» is not a header
                depth = max(0, depth + _depth(line))
                continue
            m = _HEADER.match(line)
            if m and not _KEY.match(line):
                parts = _parts(m.group(2))
                if not parts:
                    continue
                # the open elements of arrays of tables this header lies in
                name, resolved = "", ""
                for i, part in enumerate(parts):
                    name = f"{name}.{part}" if name else part
                    resolved = f"{resolved}.{part}" if resolved else part
                    last = i == len(parts) - 1
                    if not last and name in counters:
                        resolved += f"[{counters[name]}]"
                if m.group(1) == "[[":
                    counters[name] = counters.get(name, -1) + 1
                    # a new element closes the sub-arrays counted inside the previous one
                    for k in [k for k in counters if k.startswith(name + ".")]:
                        del counters[k]
                    table = f"{resolved}[{counters[name]}]"
                else:
                    table = resolved
                self._where.setdefault(table, (lineno, line.index("[") + 1))
                continue
            m = _KEY.match(line)
            if m:
                key = ".".join(_parts(m.group(1)))
                path = f"{table}.{key}" if table else key
                self._where.setdefault(path, (lineno, m.start(1) + 1))
                rest = line[m.end():]
                for delim in ('"""', "'''"):
                    if rest.count(delim) % 2 == 1:
                        in_string = delim
                        break
                else:
                    depth = max(0, _depth(rest))

    def places(self) -> tuple[tuple[str, str], ...]:
        """Every key's ``"line:col"``, for ``model.SourceMap``."""
        return tuple((k, f"{line}:{col}") for k, (line, col) in self._where.items())

    def find(self, path: str) -> str | None:
        """``"line:col"`` of the key, or of the closest enclosing table."""
        while path:
            for candidate in (path, _INDEX.sub("", path)):
                if candidate in self._where:
                    line, col = self._where[candidate]
                    return f"{line}:{col}"
            if "." not in path:
                break
            path = path.rsplit(".", 1)[0]
        return None
