"""Find the line and column of a dotted key in a TOML file.

``tomllib`` gives values without positions; error messages need
``locations.toml:57:1``. This scanner follows table headers and array-of-table
indices well enough for configuration files written by people (it does not
need to be a full TOML parser: it only points at lines).
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"\.]+)\s*=")


class TomlPositions:
    def __init__(self, text: str):
        self._where: dict[str, tuple[int, int]] = {}
        counters: dict[str, int] = {}
        table = ""
        for lineno, line in enumerate(text.splitlines(), start=1):
            m = _HEADER.match(line)
            if m:
                name = m.group(2).strip()
                if m.group(1) == "[[":
                    counters[name] = counters.get(name, -1) + 1
                    table = f"{name}[{counters[name]}]"
                else:
                    table = name
                self._where.setdefault(table, (lineno, line.index("[") + 1))
                continue
            m = _KEY.match(line)
            if m:
                key = m.group(1).strip('"')
                path = f"{table}.{key}" if table else key
                self._where.setdefault(path, (lineno, m.start(1) + 1))

    def find(self, path: str) -> str | None:
        """``"line:col"`` of the key, or of the closest enclosing table."""
        while path:
            if path in self._where:
                line, col = self._where[path]
                return f"{line}:{col}"
            if "." not in path:
                break
            path = path.rsplit(".", 1)[0]
        return None
