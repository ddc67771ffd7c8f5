"""``python -m standpress.cli``: the ``standpress`` command."""

from . import main

main()
