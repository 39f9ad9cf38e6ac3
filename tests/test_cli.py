"""The console script and `python -m tspolicy` are the same program."""

import errno
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import requires_external
from tspolicy.build import PlanError
from tspolicy.cli import main
from tspolicy.context import SERIES
from tspolicy.data import DataError
from tspolicy.errors import exit_status
from tspolicy.parameters import ParameterError

SCRIPT = Path(sys.executable).with_name("tspolicy")


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


def test_module_and_script_print_the_same_help():
    module = run(sys.executable, "-m", "tspolicy", "--help")
    script = run(str(SCRIPT) if SCRIPT.exists() else shutil.which("tspolicy"), "--help")
    assert module.returncode == script.returncode == 0
    assert module.stdout == script.stdout
    assert "validate" in module.stdout and "corroborate" in module.stdout


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("tspolicy ")


def test_corroborate_csv(capsys):
    assert main(["corroborate", "--multi", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("claim,metric,subject,period")
    assert any(line.startswith("content_reported|Facebook|2022-01/2022-09,") for line in out)


def test_corroborate_on_bad_data_is_a_message(data_copy, edit, capsys):
    edit(data_copy, "figures", "F013", "value", "lots")
    assert main(["corroborate", "--data-dir", str(data_copy)]) == 1
    assert "row 14, field value" in capsys.readouterr().err


@requires_external
def test_import_context(data_copy, capsys):
    shutil.rmtree(data_copy / "context")
    assert main(["import-context", "--data-dir", str(data_copy)]) == 0
    written = sorted(p.name for p in (data_copy / "context").iterdir())
    assert written == sorted(name for name, _ in SERIES.values())
    assert capsys.readouterr().out.count("wrote ") == 3


def test_import_context_missing_extracts(tmp_path, data_copy, capsys):
    missing = tmp_path / "x"
    assert (
        main(["import-context", "--external-dir", str(missing), "--data-dir", str(data_copy)]) == 1
    )
    err = capsys.readouterr().err
    assert "not found" in err and str(missing) in err and "Traceback" not in err


def test_import_context_refuses_a_folder_without_a_data_package(tmp_path, capsys):
    assert main(["import-context", "--data-dir", str(tmp_path)]) == 1
    assert "not a data folder (no datapackage.json)" in capsys.readouterr().err
    assert not (tmp_path / "context").exists()


def test_corroborate_json_counts_documents_and_independent_origins(capsys):
    assert main(["corroborate", "--format", "json"]) == 0
    claims = {c["claim"]: c for c in json.loads(capsys.readouterr().out)}
    facebook = claims["content_reported|Facebook|2022-01/2022-09"]
    assert facebook["documents"] == ["fr-news-guardian-meta", "fr-podcast-choses-a-savoir"]
    assert facebook["independent_origins"] == 1 and not facebook["corroborated"]
    assert facebook["origins"] == ["guardian-2023-meta-trafficking"]


def test_corroborate_csv_names_the_origins(capsys):
    assert main(["corroborate", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert "independent_origins" in text.splitlines()[0]
    assert "guardian-2023-meta-trafficking" in text


@pytest.mark.parametrize(
    ("raised", "status", "words"),
    [
        (DataError("figures.csv, row 3, field value: 'x'; write a number"), 1, ["row 3"]),
        (PlanError("reports.yml: 'reports' is empty"), 1, ["'reports' is empty"]),
        (ParameterError("parameter 'year' = 1 is not allowed"), 1, ["'year'"]),
        (OSError(errno.EACCES, "Permission denied", "/x/y"), 1, ["/x/y", "can write to"]),
        (OSError(errno.ENOSPC, "No space left", "/x/y"), 1, ["no space left", "/x/y"]),
        (ValueError("a bug of ours"), 2, ["internal error: ValueError", "This is a bug"]),
        (KeyError("column"), 2, ["internal error: KeyError", "This is a bug"]),
        (KeyboardInterrupt(), 130, ["interrupted"]),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None,
)
def test_one_mapping_from_exception_to_exit_status(monkeypatch, capsys, raised, status, words):
    """Every command goes through the same mapping (tspolicy.errors): bad input exits 1 with
    its message, a bug exits 2 and says so, an interruption exits 130; never a traceback."""
    from tspolicy import cli

    def command(args):
        raise raised

    monkeypatch.delenv("TSPOLICY_DEBUG", raising=False)
    monkeypatch.setattr(cli, "cmd_gallery", command)
    assert main(["gallery"]) == status == exit_status(raised)
    err = capsys.readouterr().err
    assert err.startswith("tspolicy: ") and err.count("\n") == 1, err
    assert all(word in err for word in words) and "Traceback" not in err, err
    assert ("This is a bug" in err) == (status == 2), err


def test_debug_shows_a_bugs_traceback_but_not_bad_inputs(monkeypatch, capsys):
    from tspolicy import cli

    monkeypatch.setenv("TSPOLICY_DEBUG", "1")
    monkeypatch.setattr(cli, "cmd_gallery", lambda args: {}["missing"])
    with pytest.raises(KeyError):
        main(["gallery"])

    def bad_input(args):
        raise DataError("figures.csv: not found")

    monkeypatch.setattr(cli, "cmd_gallery", bad_input)
    assert main(["gallery"]) == 1
    assert capsys.readouterr().err == "tspolicy: figures.csv: not found\n"


def test_the_program_skips_a_slow_import_no_command_needs():
    """``tspolicy`` (cli.run) treats rfc3987_syntax as not installed: jsonschema, imported by
    nbformat, goes without its ``iri`` check, and notebooks still validate."""
    code = (
        "import sys\n"
        "sys.argv = ['tspolicy', '--version']\n"
        "from tspolicy.cli import run\n"
        "try:\n"
        "    run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "import nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "print(sys.modules['rfc3987_syntax'] is None)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "True", done.stdout + done.stderr
