"""The console script and `python -m tspolicy` are the same program."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tspolicy.cli import main

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
    assert any(line.startswith("content_reported|Facebook|,") for line in out)


def test_corroborate_on_bad_data_is_a_message(data_copy, edit, capsys):
    edit(data_copy, "figures", "F013", "value", "lots")
    assert main(["corroborate", "--data-dir", str(data_copy)]) == 1
    assert "row 14, field value" in capsys.readouterr().err
