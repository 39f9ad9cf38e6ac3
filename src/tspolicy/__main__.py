"""``python -m tspolicy``: the same command-line interface as the ``tspolicy`` script."""

from .cli import run

run()
