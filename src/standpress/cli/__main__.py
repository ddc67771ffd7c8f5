"""``python -m standpress.cli``: the ``standpress`` command."""

from . import run

run()
