"""The command line: parse options, call the library, print, set the exit code.

``main`` is the ``standpress`` command; each command group lives in its own module and
is registered below, explicitly. Errors become exit codes in one place,
:func:`~standpress.cli.common.handle_errors`: 0 success, 2 bad input (data,
configuration, templates), 1 any other failure, 130 interrupted; a traceback only with
``--debug``.

==============  ===================================================
``pipeline``    ``build``, ``clean`` (the build, ``standpress.pipeline``)
``typography``  ``typo`` (what the typography changes)
``printshop``   ``pack``, ``proof`` (print shop and office proofs)
``preflight``   ``check`` (the preflight of finished files, ``standpress.check``)
``live``        ``serve``, ``watch`` (the live preview, ``standpress.serve``)
``options``     the options ``build`` and ``watch`` share
``common``      ``handle_errors``, problem lines
==============  ===================================================
"""

from __future__ import annotations

import click

from .. import __version__
from .common import handle_errors
from .live import serve, watch
from .pipeline import build, clean
from .preflight import check
from .printshop import pack, proof
from .typography import typo

__all__ = ["main", "handle_errors"]


@click.group()
@click.version_option(__version__, prog_name="standpress")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """standpress: print-ready panels for street information stands."""


for command in (build, clean, typo, pack, proof, check, serve, watch):
    main.add_command(command)
