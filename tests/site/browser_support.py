"""What the browser tests share: Debian's Chromium, driven by Playwright, or a clear skip
(which tests/conftest.py turns into a failure unless STANDPRESS_ALLOW_SKIPS is set)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def chromium_path() -> str | None:
    named = os.environ.get("STANDPRESS_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


#: ``pytestmark`` of every browser test module
NEEDS_BROWSER = [
    pytest.mark.skipif(sync_playwright is None,
                       reason="Playwright is not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(chromium_path() is None,
                       reason="Debian's chromium is not installed (apt-get install chromium; "
                              ".ci/run does it) and STANDPRESS_CHROMIUM names no browser"),
]
