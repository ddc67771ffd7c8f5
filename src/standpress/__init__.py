"""standpress: print-ready panels for street information stands.

The pipeline runs one way — load → normalise → plan → layout → render →
check → publish — one package per stage; see ARCHITECTURE.md.
"""

__version__ = "0.1.0"
