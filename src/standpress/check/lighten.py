"""Compatibility: the lighter copy is now :mod:`standpress.pdfread.lighten`.

``build.py`` imports ``Lighter`` from here until it moves to ``pipeline/``; new code
imports from :mod:`standpress.pdfread`. Remove this module when nothing imports it.
"""

from ..pdfread import Lighter

__all__ = ["Lighter"]
