"""The public context series: tidy, reproducible from the extracts, with units and caveats."""

from __future__ import annotations

import filecmp
import shutil

import pytest

from conftest import requires_external
from tspolicy import paths
from tspolicy.context import SERIES, import_external, load_context, meta_sum

Q1_Q3_2022 = ("2022Q1", "2022Q3")
CHILD_ENDANGERMENT = [
    "Child Endangerment: Nudity and Physical Abuse",
    "Child Endangerment: Sexual Exploitation",
]


def test_meta_series_reproduces_73_3_million_for_facebook():
    meta = load_context("meta_content_actioned")
    assert meta_sum(meta, "Facebook", *Q1_Q3_2022, CHILD_ENDANGERMENT) == 73_300_000


def test_meta_series_gives_about_6_1_million_for_instagram():
    total = meta_sum(
        load_context("meta_content_actioned"), "Instagram", *Q1_Q3_2022, CHILD_ENDANGERMENT
    )
    assert total == 6_081_200
    assert round(total / 1e5) / 10 == 6.1  # the documents' "6,1 millions"


@pytest.mark.parametrize("name", sorted(SERIES))
def test_series_carry_unit_caveat_and_origin(name):
    series = load_context(name)
    assert series.unit in {"reports", "items"}
    assert "not" in series.caveat and ("children" in series.caveat)
    for key in (
        "producer",
        "title",
        "url",
        "date_published",
        "date_obtained",
        "licence",
        "intermediate",
    ):
        assert series.origin[key], key
    assert "10.5281/zenodo.13896438" in series.citation()
    assert series.frame[series.value_column].dtype == "Int64"


def test_ncmec_totals_agree():
    per_year = load_context("ncmec_reports_per_year").frame.set_index("year")
    by_platform = load_context("ncmec_reports_by_platform").frame
    assert per_year.loc[2023, "reports"] == 36_210_368
    listed = by_platform.groupby("year")["reports_received"].sum()
    assert (listed <= per_year.loc[listed.index, "esp_reports"]).all()  # selected providers only


def test_meta_quarters_are_parsed():
    frame = load_context("meta_content_actioned").frame
    assert frame["year"].dtype == "Int64" and set(frame["q"].dropna()) == {1, 2, 3, 4}


def test_unknown_series():
    with pytest.raises(KeyError, match="one of"):
        load_context("nope")


@requires_external
def test_committed_context_is_what_the_import_writes(tmp_path):
    shutil.copy(paths.DATA_DIR / "datapackage.json", tmp_path / "datapackage.json")
    written = import_external(paths.EXTERNAL_DIR, tmp_path / "context")
    assert len(written) == 3
    for path in written:
        assert filecmp.cmp(path, paths.DATA_DIR / "context" / path.name, shallow=False), path.name


@requires_external
def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    import errno
    import os

    from tspolicy import context

    shutil.copy(paths.DATA_DIR / "datapackage.json", tmp_path / "datapackage.json")
    out = tmp_path / "context"
    out.mkdir()
    (out / "meta_content_actioned.csv").write_text("before\n", encoding="utf-8")
    calls = []

    def full_disk(path, header, rows):
        calls.append(path)
        path.write_text("half a tab", encoding="utf-8")
        if len(calls) == 2:  # the disk fills while the second table is written
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(context, "_write_csv", full_disk)
    with pytest.raises(OSError, match="No space left"):
        import_external(paths.EXTERNAL_DIR, out)
    assert sorted(p.name for p in out.iterdir()) == ["meta_content_actioned.csv"]
    assert (out / "meta_content_actioned.csv").read_text(encoding="utf-8") == "before\n"
