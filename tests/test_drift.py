"""A page reads no data its cache key does not cover.

The key of a page hashes the data its registry entry declares (``reads``). For every data
file (and context series), one at a time, the test changes what a page would show if it
read that file (every text a page prints from it in English, or every value of a series),
and for each page whose key did not change checks that its executed notebook is
byte-identical to one built fresh on the changed data. A report that read an undeclared
table or series would differ, and fail here. English only, every report of the plan.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import read_rows, write_rows
from tspolicy import cache, paths
from tspolicy.build import build, read_plan

EDIT = " (edited)"


def _append(*columns: str) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        for column in columns:
            index = rows[0].index(column)
            for row in rows[1:]:
                if row[index]:
                    row[index] += EDIT

    return change


def _add_one(column: str) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        index = rows[0].index(column)
        for row in rows[1:]:
            if row[index].isdigit():
                row[index] = str(int(row[index]) + 1)

    return change


#: Each data file, and a change every page that read it would show.
CHANGES = {
    "figures.csv": _append("excerpt_en"),
    "metrics.csv": _append("label_en", "caveat"),
    "primary_checks.csv": _append("explanation"),
    "events.csv": _append("event"),
    "sources.csv": _append("title_en"),
    "subjects.csv": _append("label_en"),
    "origins.csv": _append("label_en"),
    "vocabulary.csv": _append("meaning"),
    "left_out.csv": _append("reason"),
    "context/meta_content_actioned.csv": _add_one("content_actioned"),
    "context/ncmec_reports_by_platform.csv": _add_one("reports_received"),
    "context/ncmec_reports_per_year.csv": _add_one("reports"),
}


#: Data files no page reads: no report shows that series; the numbers left out are for the
#: completeness check. A page whose key a change to them keeps must stay the same.
UNREAD = {"context/ncmec_reports_per_year.csv", "left_out.csv"}


def test_every_data_file_is_covered():
    files = {p.relative_to(paths.DATA_DIR).as_posix() for p in paths.DATA_DIR.rglob("*.csv")}
    assert files == set(CHANGES)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("drift")
    folder = root / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, folder, ignore=shutil.ignore_patterns("*.yml"))
    shutil.copy(paths.NOTEBOOKS_DIR / "registry.yml", folder / "registry.yml")
    plan = yaml.safe_load((paths.NOTEBOOKS_DIR / "reports.yml").read_text(encoding="utf-8"))
    plan["languages"] = ["en"]
    (folder / "reports.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    shutil.copytree(paths.DATA_DIR, root / "data")
    result = build(
        plan_path=folder / "reports.yml",
        out=root / "site",
        data_dir=root / "data",
        figures_dir=None,
        progress=False,
    )
    assert not result.failed, [r.error for r in result.failed]
    return root


def _keys(plan_path: Path, data: Path) -> dict[str, str]:
    plan = read_plan(plan_path)
    return {
        job.name: cache.key(
            cache.components(
                notebook=job.notebook,
                name=job.name,
                report=job.report,
                lang=job.lang,
                parameters=job.parameters,
                options={},
                data_dir=data,
                code="code",
                environment="environment",
            )
        )
        for job in plan.jobs()
    }


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_page_whose_key_did_not_change_equals_a_fresh_build(base, tmp_path, name):
    plan = base / "notebooks" / "reports.yml"
    data = tmp_path / "data"
    shutil.copytree(base / "data", data)
    path = data / name
    rows = read_rows(path)
    before = [list(r) for r in rows]
    CHANGES[name](rows)
    assert rows != before, f"the change to {name} changes nothing"
    write_rows(path, rows)
    old, new = _keys(plan, base / "data"), _keys(plan, data)
    same = [page for page in old if old[page] == new[page]]
    if name not in UNREAD:
        assert len(same) < len(old), f"no page reads {name}?"
    if not same:
        return
    out = tmp_path / "fresh"
    result = build(
        plan_path=plan, out=out, data_dir=data, figures_dir=None, progress=False, only=same
    )
    assert not result.failed, [r.error for r in result.failed]
    for page in same:
        executed = f"en/{page}.ipynb"
        assert (out / executed).read_bytes() == (base / "site" / executed).read_bytes(), (
            f"{page} shows a change to {name} that its cache key does not cover; "
            "declare it in the report's `reads` (notebooks/registry.yml)"
        )
