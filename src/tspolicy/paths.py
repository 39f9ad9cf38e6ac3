"""Path constants, built from this file's location so that no notebook or test hard-codes one.

The repository layout is ``<root>/src/tspolicy/paths.py``; the read-only inputs shared by
the project live beside the checkout, in ``<root>/../shared``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parents[1]
DATA_DIR = ROOT / "data"
DATAPACKAGE = DATA_DIR / "datapackage.json"
NOTEBOOKS_DIR = ROOT / "notebooks"
FIGURES_DIR = ROOT / "figures"
REPORTS_DIR = ROOT / "reports"
SHARED_DIR = ROOT.parent / "shared"
DEFAULT_SOURCES_DIR = SHARED_DIR / "sources"
EXTERNAL_DIR = SHARED_DIR / "external"

#: Environment variable naming the directory that holds the source documents' texts.
SOURCES_ENV = "TSPOLICY_SOURCES"


def sources_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory where the source documents' texts are looked up.

    Parameters
    ----------
    override
        An explicit directory; wins over everything else.

    Returns
    -------
    Path
        ``override`` if given, else ``$TSPOLICY_SOURCES`` if set, else ``../shared/sources``
        beside the checkout. The directory may not exist: callers report the checks that
        need it as skipped.
    """
    if override is not None:
        return Path(override)
    env = os.environ.get(SOURCES_ENV)
    return Path(env) if env else DEFAULT_SOURCES_DIR


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``override`` if given, else the repository's ``data/``."""
    return Path(override) if override is not None else DATA_DIR
