"""Conventions of the package as a whole: what it imports is declared, one exception
hierarchy, one progress library."""

from __future__ import annotations

import ast
import importlib
import io
import pkgutil
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import tspolicy
from tspolicy import paths
from tspolicy.errors import TspolicyError
from tspolicy.progress import ProgressBar


def _imported_modules() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in src/tspolicy → the files importing them."""
    found: dict[str, set[str]] = {}
    for path in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def _declared() -> set[str]:
    """Distributions pyproject.toml declares as the package's dependencies (normalised)."""
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in project["project"]["dependencies"]
    }


def test_every_direct_import_is_declared():
    """A library the code imports is a dependency of its own, not one that happens to come
    with another (pip may drop it when that other stops needing it)."""
    distributions = packages_distributions()
    declared = _declared()
    missing = {}
    for module, files in _imported_modules().items():
        if module in sys.stdlib_module_names or module in {"tspolicy", "__future__"}:
            continue
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = sorted(files)
    assert missing == {}, f"imported by src/tspolicy but not in pyproject.toml: {missing}"


def test_every_declared_dependency_is_imported():
    """And no dependency is declared that the code does not import (one progress library:
    rich; tqdm comes with papermill only)."""
    distributions = packages_distributions()
    imported = {
        d.lower().replace("_", "-")
        for module in _imported_modules()
        for d in distributions.get(module, [])
    }
    # ipykernel runs the notebooks and nbconvert exports them: used, never imported by name
    # (nbconvert is imported; ipykernel is the kernel papermill starts).
    unused = _declared() - imported - {"ipykernel"}
    assert unused == set(), f"declared in pyproject.toml but never imported: {sorted(unused)}"
    assert "tqdm" not in imported and "rich" in imported


#: Exceptions that never leave the package: raised and caught inside it.
INTERNAL = {"kernels.ZygoteError"}  # a worker's zygote died: the worker starts another


def test_every_exception_of_the_package_is_bad_input():
    """One hierarchy: an exception class tspolicy defines is a TspolicyError, so that the
    command line exits 1 with its message (a new one outside it would exit 2, "a bug")."""
    found = {}
    for module in pkgutil.iter_modules(tspolicy.__path__):
        if module.name == "__main__":  # runs the command line
            continue
        loaded = importlib.import_module(f"tspolicy.{module.name}")
        for name, value in vars(loaded).items():
            if (
                isinstance(value, type)
                and issubclass(value, Exception)
                and value.__module__ == loaded.__name__
            ):
                found[f"{module.name}.{name}"] = value
    assert {"data.DataError", "plan.PlanError", "parameters.ParameterError"} <= set(found)
    outside = sorted(
        name
        for name, cls in found.items()
        if not issubclass(cls, TspolicyError) and name not in INTERNAL
    )
    assert outside == [], f"exceptions outside TspolicyError: {outside}"


def test_the_progress_bar_counts_and_names_each_page():
    stream = io.StringIO()
    bar = ProgressBar(2, enabled=True, file=stream)
    bar.advance("en/timeline")
    bar.advance("fr/timeline")
    bar.close()
    text = stream.getvalue()
    assert "2/2 pages" in text and "fr/timeline" in text, text
    quiet = io.StringIO()
    bar = ProgressBar(2, enabled=False, file=quiet)
    bar.advance("en/timeline")
    bar.close()
    assert quiet.getvalue() == ""
