"""Report notebooks: thin, parameterised, committed clean, and runnable with papermill's CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tspolicy import paths, registry
from tspolicy.data import load_dataset
from tspolicy.parameters import NOTEBOOKS, ParameterError, check, spec

PAPERMILL = Path(sys.executable).with_name("papermill")
PARAMETER_LINE = re.compile(r"^(\w+): (str|int|list) = .+  # \S.*$")
#: Notebooks that are not reports (not in the registry nor the site): run by their own tests.
EXPLORE = {"90_explore.ipynb"}
NOTEBOOK_FILES = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def test_one_notebook_per_report_and_all_in_the_plan():
    reports = sorted(p.name for p in NOTEBOOK_FILES if p.name not in EXPLORE)
    assert reports == sorted(NOTEBOOKS.values())
    plan = yaml.safe_load((paths.NOTEBOOKS_DIR / "reports.yml").read_text(encoding="utf-8"))
    assert {entry["report"] for entry in plan["reports"]} == set(NOTEBOOKS)


@pytest.mark.parametrize("report", sorted(NOTEBOOKS))
def test_notebook_shape(report):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / NOTEBOOKS[report], as_version=4)
    nbformat.validate(nb)
    title, parameters, start, *rest = nb.cells
    assert (
        title.cell_type == "markdown"
        and title.source.startswith("# ")
        and "title" in title.metadata["tags"]
    )
    assert parameters.metadata["tags"] == ["parameters"]
    lines = parameters.source.splitlines()
    assert all(PARAMETER_LINE.match(line) for line in lines), lines
    names = [PARAMETER_LINE.match(line).group(1) for line in lines]
    assert names[:2] == ["language", "data_dir"]
    assert set(registry.load()[report].allowed) <= set(names)  # what the registry checks
    assert [p.name for p in spec(report)] == names  # read from this cell
    assert f'report.start("{report}", globals())' in start.source
    assert rest and all(len(cell.source.splitlines()) <= 3 for cell in rest), "cells stay thin"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


def test_help_notebook_documents_every_parameter():
    result = subprocess.run(
        [str(PAPERMILL), "--help-notebook", str(paths.NOTEBOOKS_DIR / NOTEBOOKS["content_counts"])],
        capture_output=True,
        text=True,
        check=True,
    )
    for parameter in spec("content_counts"):
        assert re.search(
            rf"{parameter.name}: \w+ \(default .*\)\s+{re.escape(parameter.help)}", result.stdout
        )


def test_papermill_cli_runs_a_notebook_in_french(tmp_path):
    out = tmp_path / "out.ipynb"
    subprocess.run(
        [
            str(PAPERMILL),
            str(paths.NOTEBOOKS_DIR / NOTEBOOKS["enforcement"]),
            str(out),
            "-p",
            "language",
            "fr",
            "--cwd",
            str(paths.NOTEBOOKS_DIR),
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    text = out.read_text(encoding="utf-8")
    assert "plus de 1\\u202f470" in text or "plus de 1\u202f470" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-p", "colour", "red"],
            "unknown parameter 'colour'; its parameters are: language, data_dir, year, highlight",
        ),
        (
            ["-p", "language", "de"],
            "parameter 'language' = 'de' is not allowed; allowed: 'en', 'fr', 'ar'",
        ),
        (["-p", "year", "1999"], "parameter 'year' = 1999 is not allowed; allowed: 2020"),
    ],
)
def test_notebook_rejects_bad_parameters(tmp_path, args, message):
    result = subprocess.run(
        [
            str(PAPERMILL),
            str(paths.NOTEBOOKS_DIR / NOTEBOOKS["platform_shares"]),
            str(tmp_path / "o.ipynb"),
            *args,
            "--cwd",
            str(paths.NOTEBOOKS_DIR),
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"10_platform_shares.ipynb: {message}" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_check_fills_defaults(dataset):
    assert check("platform_shares", {"language": "ar"}, dataset)["year"] == 2020


@pytest.mark.parametrize(
    ("report", "values", "message"),
    [
        (
            "enforcement",
            {"country": "France"},
            "parameter 'country' = 'France' is not allowed; allowed: 'Philippines'",
        ),
        ("content_counts", {"platforms": ["Facebook", "TikTok"]}, "parameter 'platforms'"),
        ("content_counts", {"scale": "sqrt"}, "allowed: 'auto', 'linear', 'log'"),
        ("timeline", {"year": 2020}, "50_timeline.ipynb: unknown parameter 'year'"),
        ("nope", {}, "unknown report 'nope'"),
    ],
)
def test_check_rejects(dataset, report, values, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        check(report, values, dataset)


def test_every_report_of_the_registry_is_valid(dataset):
    reports = registry.validate(registry.load(), dataset)
    assert reports.names == list(NOTEBOOKS) and all(reports[n].charts for n in reports)


def _platform_shares_with_scratch_cell() -> nbformat.NotebookNode:
    from papermill.iorw import load_notebook_node  # as papermill reads it: every cell tagged

    nb = load_notebook_node(str(paths.NOTEBOOKS_DIR / NOTEBOOKS["platform_shares"]))
    scratch = nbformat.v4.new_code_cell("ax = 1\nfor i in range(2):\n    total = i")
    scratch.metadata["tags"] = []
    nb.cells.insert(2, scratch)  # before report.start
    return nb


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(
        str(output.get("data", {}).get("text/markdown", output.get("text", "")))
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


def test_run_all_twice_in_one_kernel_after_editing_a_parameter():
    """The researcher's loop: Run All, edit a parameter, Run All again, no kernel restart."""
    from nbclient import NotebookClient

    nb = _platform_shares_with_scratch_cell()
    client = NotebookClient(nb, resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        assert "Facebook" in _outputs_text(nb)
        parameters = nb.cells[1]
        assert "language: str = 'en'" in parameters.source
        parameters.source = parameters.source.replace("language: str = 'en'", "language = 'fr'")
        for index in [1, 2, 3, 3, *range(4, len(nb.cells))]:  # any order, some cells twice
            client.execute_cell(nb.cells[index], index)
    assert "plateforme" in _outputs_text(nb).lower()


def test_injected_unknown_parameters_are_all_named():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(
        _platform_shares_with_scratch_cell(), {"colour": "red", "rep": 1, "language": "fr"}
    )
    assert "injected-parameters" in nb.cells[2].metadata["tags"]
    client = NotebookClient(nb, resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    with pytest.raises(CellExecutionError) as error:
        client.execute()
    assert (
        "10_platform_shares.ipynb: unknown parameters 'colour', 'rep'; its parameters are: "
        "language, data_dir, year, highlight"
    ) in str(error.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Instagram", ["Instagram"]),
        ("Facebook,Instagram", ["Facebook", "Instagram"]),
        ("Facebook, Instagram", ["Facebook", "Instagram"]),
        (["Instagram"], ["Instagram"]),
    ],
)
def test_a_list_parameter_from_papermills_command_line(dataset, given, expected):
    assert check("content_counts", {"platforms": given}, dataset)["platforms"] == expected


def test_a_list_written_as_text_names_the_accepted_forms(dataset):
    with pytest.raises(ParameterError) as error:
        check("content_counts", {"platforms": '["Instagram"]'}, dataset)
    message = str(error.value)
    assert "-p platforms Facebook,Instagram" in message
    assert "-y 'platforms: [Facebook, Instagram]'" in message


def test_papermill_cli_takes_a_list_parameter_with_p(tmp_path):
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [
            str(PAPERMILL),
            str(paths.NOTEBOOKS_DIR / NOTEBOOKS["content_counts"]),
            str(out),
            *("-p", "platforms", "Instagram"),
            *("--cwd", str(paths.NOTEBOOKS_DIR), "--no-progress-bar"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    text = _outputs_text(nbformat.read(out, as_version=4))
    assert "Instagram" in text and "Facebook" not in text


def test_papermill_cli_data_dir_not_a_path_is_a_message(tmp_path):
    result = subprocess.run(
        [
            str(PAPERMILL),
            str(paths.NOTEBOOKS_DIR / NOTEBOOKS["timeline"]),
            str(tmp_path / "o.ipynb"),
            *("-p", "data_dir", "5", "--cwd", str(paths.NOTEBOOKS_DIR), "--no-progress-bar"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    text = result.stdout + result.stderr
    assert "50_timeline.ipynb: parameter 'data_dir' = 5 is not a folder" in text
    assert "TypeError" not in text
