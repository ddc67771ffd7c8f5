"""Every word the preview site and the mock-ups show, and the functions that word them.

``STRINGS`` (read from ``strings.toml``) maps a key to a Ukrainian string
(``str.format`` fields in braces) or, for counted nouns, to a tuple of the three
Ukrainian plural forms (one, few, many). Another language is another file with the
same keys and its own plural rule. The templates reach the strings through
:func:`t`, :func:`count` and :func:`word` (``html.environment``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import datetime
from importlib import resources

__all__ = ["STRINGS", "bytes_text", "count", "date_text", "decimal", "load_strings", "metres",
           "plural_uk", "t", "when", "word"]


def plural_uk(n: int) -> int:
    """Index of the Ukrainian plural form of ``n``: 0 one, 1 few, 2 many."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def load_strings(name: str = "strings.toml") -> dict[str, str | tuple[str, ...]]:
    """A strings file of this package: each array becomes a tuple."""
    text = resources.files(__package__).joinpath(name).read_text("utf-8")
    return {k: tuple(v) if isinstance(v, list) else v for k, v in tomllib.loads(text).items()}


STRINGS = load_strings()


def t(key: str, strings: dict | None = None, **fields) -> str:
    """The string ``key``, formatted with ``fields``."""
    value = (strings or STRINGS)[key]
    if isinstance(value, tuple):
        raise TypeError(f"{key!r} is a plural form; use count()")
    return value.format(**fields) if fields else value


def count(n: int, key: str, strings: dict | None = None,
          rule: Callable[[int], int] = plural_uk) -> str:
    """``n`` and the right plural form of ``key``: «3 панелі», «5 кейсів»."""
    forms = (strings or STRINGS)[key]
    return f"{n} {forms[rule(n)]}"


def word(n: int, key: str, strings: dict | None = None,
         rule: Callable[[int], int] = plural_uk) -> str:
    """The plural form of ``key`` for ``n``, without the number."""
    return (strings or STRINGS)[key][rule(n)]


def decimal(x: float, digits: int = 2, strings: dict | None = None) -> str:
    """``1.8`` → «1,8»; trailing zeros dropped."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", (strings or STRINGS)["decimal_comma"])


def metres(mm: float, strings: dict | None = None) -> str:
    """A length in millimetres as metres: ``1750`` → «1,75 м»."""
    return f"{decimal(mm / 1000, 2, strings)}\u00a0м"


def date_text(iso: str, strings: dict | None = None) -> str:
    """``2022-10-12T00:00:00+00:00`` → «12 жовтня 2022»; anything else unchanged."""
    S = strings or STRINGS
    try:
        year, month, day = (int(v) for v in iso[:10].split("-"))
        return S["date"].format(day=day, month=S["months"][month - 1], year=year)
    except (ValueError, IndexError, TypeError):
        return str(iso)


def when(iso: str, strings: dict | None = None) -> str:
    """A decision's time, ``2026-12-02T07:31:05+00:00``, in the site's time zone:
    «2 грудня 2026, 09:31»; anything else unchanged."""
    S = strings or STRINGS
    try:
        moment = datetime.fromisoformat(iso)
        try:
            from zoneinfo import ZoneInfo
            moment = moment.astimezone(ZoneInfo(S["time_zone"]))
            zone = ""
        except Exception:  # noqa: BLE001 — no time zone data: say UTC
            zone = " UTC"
        return S["when"].format(date=date_text(moment.date().isoformat(), S),
                                time=moment.strftime("%H:%M")) + zone
    except (ValueError, TypeError):
        return str(iso)


def bytes_text(n: int, strings: dict | None = None) -> str:
    """«812 КБ», «2,4 МБ»."""
    S = strings or STRINGS
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))}\u00a0{S['unit_kb']}"
    return f"{decimal(n / 1024 / 1024, 1, S)}\u00a0{S['unit_mb']}"
