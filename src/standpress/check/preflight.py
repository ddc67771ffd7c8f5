"""Compatibility: the preflight is now ``check/runner.py`` and one module per check.

``check/cli.py`` imports ``check_paths`` from here until it moves to ``cli/``; new code
imports from :mod:`standpress.check`. Remove this module when nothing imports it.
"""

from .runner import check_paths, check_pdf

__all__ = ["check_paths", "check_pdf"]
