"""Shared fixtures: a scratch copy of the shipped data, and CSV editing helpers."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tspolicy import paths

requires_sources = pytest.mark.skipif(
    not paths.sources_dir().is_dir(),
    reason=f"document texts not found at {paths.sources_dir()} (set {paths.SOURCES_ENV})",
)


def read_rows(path: Path) -> list[list[str]]:
    """Read a CSV file as lists of strings, header first."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as the dataset does: UTF-8, LF line endings, minimal quoting."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


@pytest.fixture
def edit() -> Callable[..., None]:
    """Edit one cell: edit(data_dir, table, figure_or_row_id, column, new_value)."""

    def _edit(data_dir: Path, table: str, row_id: str, column: str, value: str) -> None:
        path = data_dir / f"{table}.csv"
        rows = read_rows(path)
        col = rows[0].index(column)
        matches = [r for r in rows[1:] if r[0] == row_id]
        assert matches, f"no row {row_id} in {table}.csv"
        matches[0][col] = value
        write_rows(path, rows)

    return _edit


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site, built once for the session from the shipped plan and data."""
    from tspolicy.build import build

    out = tmp_path_factory.mktemp("site") / "reports"
    result = build(out=out, figures_dir=None, progress=False)
    assert not result.failed, [r.error for r in result.failed]
    return out


#: Modules whose tests build sites, start browsers or run the CLI in subprocesses.
SLOW_MODULES = frozenset(
    {
        "test_browser",
        "test_pages",
        "test_build",
        "test_incremental",
        "test_faults",
        "test_benchmarks",
        "test_drift",
        "test_explore",
    }
)
#: Tests elsewhere that start a kernel or papermill.
SLOW_TESTS = frozenset(
    {
        "test_help_notebook_documents_every_parameter",
        "test_papermill_cli_runs_a_notebook_in_french",
        "test_notebook_rejects_bad_parameters",
        "test_run_all_twice_in_one_kernel_after_editing_a_parameter",
        "test_injected_unknown_parameters_are_all_named",
        "test_papermill_cli_takes_a_list_parameter_with_p",
        "test_papermill_cli_data_dir_not_a_path_is_a_message",
    }
)


def pytest_collection_modifyitems(config, items):
    """Mark the slow tests (``make test-fast`` leaves them out): the modules above, the
    tests above, and every test that uses the built site."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if (
            module in SLOW_MODULES
            or item.originalname in SLOW_TESTS
            or "built_site" in getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.slow)


#: Debian's chromium, which Playwright drives (no browser download); `.ci/run` installs it.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for every browser test of the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()
