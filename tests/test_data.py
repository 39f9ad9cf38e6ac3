"""Loaders return typed DataFrames and refuse what they cannot parse with a clear message."""

import pandas as pd
import pytest

from conftest import pending_cells
from tspolicy.data import (
    DataError,
    load_dataset,
    load_events,
    load_figures,
    load_metrics,
    load_sources,
)


def test_figures_types():
    figures = load_figures()
    assert figures["value"].dtype == "Float64"
    for column in ("document_id", "metric", "subject", "unit", "qualifier"):
        assert isinstance(figures[column].dtype, pd.CategoricalDtype), column
    categories = ["exact", "more_than", "at_least", "about", "vague"]
    assert list(figures["qualifier"].cat.categories) == categories
    vague = figures[figures["qualifier"] == "vague"]
    assert len(vague) == 4 and vague["value"].isna().all(), "a vague word is stored as no number"
    assert figures.loc[figures["qualifier"] != "vague", "value"].notna().all()
    assert figures["period_start"].dtype == "Int64"
    assert figures["note"].dtype == "string"


def test_period_years():
    figures = load_figures().set_index("figure_id")
    assert figures.loc["F013", "period_start"] == 2011
    assert figures.loc["F013", "period_end"] is pd.NA  # "since 2011": open end
    assert figures.loc["F005", "period_start"] == figures.loc["F005", "period_end"] == 2020
    assert figures.loc["F004", "period_start"] is pd.NA  # the document gives no period
    # the document dropped it; the primary source gives January–September 2022
    assert figures.loc["F022", "period_start"] == figures.loc["F022", "period_end"] == 2022
    assert figures.loc["F022", "period_from"] == "primary_source"


def test_context_from_marks_what_the_document_does_not_state():
    figures = load_figures().set_index("figure_id")
    assert list(figures["geography_from"].cat.categories) == ["document", "primary_source"]
    # HTI's 2020 figures: the year is the document's, "United States" the report's scope.
    assert figures.loc["F005", "period_from"] == "document"
    assert figures.loc["F005", "geography_from"] == "primary_source"
    assert figures.loc["F013", "geography_from"] == "document"  # "the Philippine police"
    for column in ("period", "geography"):
        stated = figures[column].notna()
        assert (figures[f"{column}_from"].notna() == stated).all(), column


def test_lower_bounds_keep_their_qualifier():
    figures = load_figures().set_index("figure_id")
    assert figures.loc["F013", "value"] == 1470
    assert figures.loc["F013", "qualifier"] == "more_than"


def test_sources_dates():
    sources = load_sources().set_index("document_id")
    assert sources["published"].dtype.kind == "M"
    assert sources.loc["ar-wire-kuna-tip-2024", "published"] == pd.Timestamp("2024-06-24")
    assert pd.isna(sources.loc["ar-news-guardian-meta", "published"])


def test_events_dates_follow_precision():
    events = load_events().set_index("event_id")
    assert events["date"].dtype.kind == "M"
    assert events.loc["E001", "date"] == pd.Timestamp("2008-01-01")  # year precision
    assert events.loc["E007", "date"] == pd.Timestamp("2024-05-01")  # month precision
    assert events.loc["E006", "date"] == pd.Timestamp("2025-06-12")
    assert events["date_inferred"].dtype == "boolean"


def test_metrics_have_a_definition_and_a_caveat_in_each_language_labelled():
    """Every metric is defined, and caveated in each language its label is written in; a
    label or caveat not written yet in a language is a pending translation (a contribution
    in one language), never missing silently."""
    metrics = load_metrics()
    pending = pending_cells()
    assert metrics["definition"].notna().all()
    caveat = {"en": "caveat", "fr": "caveat_fr", "ar": "caveat_ar"}
    for record in metrics.to_dict("records"):
        labelled = [lang for lang in caveat if isinstance(record[f"label_{lang}"], str)]
        assert labelled, record["metric"]
        for lang in labelled:
            assert isinstance(record[caveat[lang]], str), (record["metric"], lang)
        for lang, column in caveat.items():
            for missing in (f"label_{lang}", column):
                if not isinstance(record[missing], str):
                    assert ("metrics.csv", record["metric"], missing) in pending


def test_load_dataset_from_a_directory(data_copy):
    dataset = load_dataset(data_copy)
    assert len(dataset.figures) == len(load_figures())


def test_unparseable_value_names_row_and_field(data_copy, edit):
    edit(data_copy, "figures", "F013", "value", "lots")
    with pytest.raises(DataError, match=r"figures.csv, row 14, field value: 'lots'"):
        load_figures(data_copy)


def test_missing_file(data_copy):
    (data_copy / "figures.csv").unlink()
    with pytest.raises(DataError, match=r"figures\.csv: not found"):
        load_figures(data_copy)


def test_dated_cells_are_real_days_and_not_in_the_future():
    from datetime import date

    from tspolicy.data import cell_problem

    today = date(2026, 12, 1)
    period = {"name": "period", "type": "string"}
    for value in ("2020-13", "2020-00", "2019-02-29", "2020-06-31", "2011/2020-02-30"):
        assert "impossible month or day" in cell_problem(value, period, today)[0], value
    for value in ("2020-02-29", "2026-12", "2011/..", "2022-01/2022-09"):
        assert cell_problem(value, period, today) is None, value
    quarter, year = {"name": "quarter", "type": "string"}, {"name": "year", "type": "integer"}
    assert cell_problem("2026Q4", quarter, today) is None
    assert "lies in the future" in cell_problem("2027Q1", quarter, today)[0]
    assert "lies in the future" in cell_problem("2099", year, today)[0]
