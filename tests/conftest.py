"""Shared fixtures: a scratch copy of the shipped data, and CSV editing helpers."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tspolicy import paths

pytest_plugins = ["pytester"]  # tests/test_fixtures.py runs small suites of its own

#: The tests that need the document texts (../shared/sources, or $TSPOLICY_SOURCES) or the
#: external extracts (../shared/external): skipped on a checkout without them (a contributor's,
#: GitHub's workflow), failed where they must be (``.ci/run`` sets TSPOLICY_REQUIRE_SHARED=1),
#: so that that run never passes with them unchecked.
REQUIRE_SHARED_ENV = "TSPOLICY_REQUIRE_SHARED"
requires_sources = pytest.mark.requires_sources
requires_external = pytest.mark.requires_external


def _shared_inputs() -> dict[str, tuple[Path, str]]:
    return {
        "requires_sources": (paths.sources_dir(), f"set {paths.SOURCES_ENV}"),
        "requires_external": (paths.EXTERNAL_DIR, "the extracts of ../shared/external"),
    }


def pytest_configure(config):
    for name, (_, what) in _shared_inputs().items():
        config.addinivalue_line(
            "markers",
            f"{name}: needs {what}; skipped where absent, failed with {REQUIRE_SHARED_ENV}=1",
        )


def pytest_runtest_setup(item):
    for name, (folder, what) in _shared_inputs().items():
        if item.get_closest_marker(name) is None or folder.is_dir():
            continue
        message = f"{folder} not found ({what})"
        if os.environ.get(REQUIRE_SHARED_ENV, "").lower() in {"1", "true", "yes"}:
            pytest.fail(
                f"{message}: {REQUIRE_SHARED_ENV} is set, so this test must run, not skip",
                pytrace=False,
            )
        pytest.skip(message)


def read_rows(path: Path) -> list[list[str]]:
    """Read a CSV file as lists of strings, header first."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as the dataset does: UTF-8, LF line endings, minimal quoting."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def pending_cells(data_dir: Path | None = None) -> set[tuple[str, str, str]]:
    """The data's pending translations, as (file, row id, column).

    A contributor may add texts in one language (their translations stay pending until a
    reader writes them): tests compare with this set rather than assume nothing is pending.
    """
    from tspolicy.validate import validate

    return {(p.file, p.key, p.column) for p in validate(data_dir).pending}


def append_row(path: Path, row: dict[str, str]) -> None:
    """Append one row given as {column: value} (missing columns empty)."""
    rows = read_rows(path)
    rows.append([row.get(column, "") for column in rows[0]])
    write_rows(path, rows)


def row_of(path: Path, key: str) -> dict[str, str]:
    """The row whose first column is ``key``, as {column: value}."""
    rows = read_rows(path)
    return next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == key)


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


_SHARED = pytest.StashKey[dict]()
T = TypeVar("T")


def shared(request: pytest.FixtureRequest, what: str, make: Callable[[], T]) -> T:
    """``make()``, once per session, for every test that asks for ``what`` (a built site).

    Use it from a function-scoped fixture instead of a wider-scoped fixture: pytest repeats
    a wider fixture's error, whole, for every test using it (one kernel that did not start
    in time became 51 errors). Here the first test asking shows the error; every later one
    fails in one line naming ``what`` and that test.
    """
    made = request.config.stash.setdefault(_SHARED, {})
    if what not in made:
        try:
            made[what] = (True, make())
        except BaseException:
            made[what] = (False, request.node.nodeid)
            raise
    ok, value = made[what]
    if not ok:
        pytest.fail(f"{what} failed: see the error of {value}", pytrace=False)
    return value


def build_or_fail(what: str, **options):
    """``tspolicy.build.build(**options)``, failing with each failed page's error."""
    from tspolicy.build import build

    result = build(progress=False, **options)
    if result.failed:
        errors = "\n".join(f"  {r.job.key}: {r.error}" for r in result.failed)
        pytest.fail(
            f"{what}: {len(result.failed)} page(s) failed to build (their notebooks and "
            f"kernel logs are in {result.out}):\n{errors}",
            pytrace=False,
        )
    return result


@pytest.fixture
def built_site(request, tmp_path_factory) -> Path:
    """The whole site, built once for the session from the shipped plan and data."""

    def make() -> Path:
        out = tmp_path_factory.mktemp("site") / "reports"
        build_or_fail("the session site", out=out, figures_dir=None)
        return out

    return shared(request, "the session site", make)


#: Modules whose tests build sites, start browsers or run the CLI in subprocesses.
SLOW_MODULES = frozenset(
    {
        "test_browser",
        "test_pages",
        "test_build",
        "test_incremental",
        "test_faults",
        "test_benchmarks",
        "test_isolation",
        "test_drift",
        "test_explore",
    }
)
#: Tests elsewhere that start a kernel or papermill, or draw every chart (the gallery).
SLOW_TESTS = frozenset(
    {
        # a second or more each (a subprocess, every chart drawn, a page rendered): in
        # `make test`, out of `make test-fast`, which stays under a minute
        "test_no_traceback_from_the_command",
        "test_renders_without_missing_glyphs",
        "test_the_sources_report_says_pending_and_holds_no_english",
        "test_saving_twice_gives_identical_bytes",
        "test_pending_metrics_are_told_apart_and_hold_no_english",
        "test_two_page_images_and_their_css_sizes",
        "test_cli_reports_its_data_dir",
        "test_frictionless_validate_reports_valid",
        "test_every_figure_not_matching_its_source_carries_the_verdict",
        "test_every_number_comes_from_the_data",
        "test_accept_reads_a_spreadsheets_csv",
        "test_i18n_todo_lists_what_is_pending",
        "test_gallery",
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


@pytest.fixture
def browser(request):
    """One headless chromium for every browser test of the session (see :func:`shared`: a
    browser that does not start is one error, not one per test)."""

    def make():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        request.config.add_cleanup(playwright.stop)  # run last: cleanups run in reverse
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        request.config.add_cleanup(instance.close)
        return instance

    return shared(request, "the browser", make)
