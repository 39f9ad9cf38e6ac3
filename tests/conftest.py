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
