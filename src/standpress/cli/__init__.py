"""The command line: parse options, call the library, print, set the exit code.

``main`` is the ``standpress`` command group (what tests invoke); :func:`run` runs it as
the installed command and ``python -m standpress.cli`` do. Each command group lives in its
own module and is registered below, explicitly. Errors become exit codes in one place,
:func:`~standpress.cli.common.handle_errors`: 0 success, 2 bad input (data,
configuration, templates), 1 any other failure, 130 interrupted; a traceback only with
``--debug``.

==============  ===================================================
``pipeline``    ``build``, ``clean`` (the build, ``standpress.pipeline``)
``typography``  ``typo`` (what the typography changes)
``printshop``   ``pack``, ``proof`` (print shop and office proofs)
``preflight``   ``check`` (the preflight of finished files, ``standpress.check``)
``live``        ``serve``, ``watch`` (the live preview, ``standpress.serve``)
``signoff``     ``signoff`` (approve or send back panels, ``standpress.signoff``)
``options``     the options ``build`` and ``watch`` share
``common``      ``handle_errors``, problem lines
==============  ===================================================
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

import click

from .. import __version__
from .common import handle_errors
from .live import serve, watch
from .pipeline import build, clean
from .preflight import check
from .printshop import pack, proof
from .signoff import signoff
from .typography import typo

__all__ = ["main", "handle_errors", "run"]


@click.group()
@click.version_option(__version__, prog_name="standpress")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """standpress: print-ready panels for street information stands."""


for command in (build, clean, typo, pack, proof, check, serve, watch, signoff):
    main.add_command(command)


def run() -> NoReturn:
    """The ``standpress`` command: :data:`main`, then the process ends at once.

    Ending a process the usual way tears down its interpreter: every module and every
    object the command made (a build's fonts, plans, numpy, pikepdf, PDFium…) is freed one
    by one, 0.15 s after an edit's rebuild had printed its last line. Nothing of that is
    needed once the command is done: the exit handlers still run (``atexit``: a pool's
    finalisers, coverage, logging), the output is flushed, then ``os._exit``. A thread
    still running (none is, after a build) is waited for, as Python would, and under a
    profiler (``python -m cProfile -m standpress.cli``) the command returns as usual.
    """
    try:
        main()  # standalone: always ends by raising SystemExit
        code = 0
    except SystemExit as exc:
        code = exc.code
    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        sys.exit(code)  # a thread to wait for, or a profiler that reports when run() returns
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # as Python does with SystemExit("message")
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter would call on its way out
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing left to say
            pass
    os._exit(status)
