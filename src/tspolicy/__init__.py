"""tspolicy: provenance-checked figures on online child sexual exploitation and trafficking.

Data flows one way: ``data/`` → ``tspolicy`` (load, validate, corroborate, chart, narrate)
→ ``notebooks/`` → ``figures/`` and ``reports/``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tspolicy")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
