"""The data package is valid for Frictionless's own command, and documented."""

import json
import subprocess
import sys
from pathlib import Path

from tspolicy import paths

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def test_frictionless_validate_reports_valid():
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=paths.DATA_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[:2000]
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert {task["name"] for task in report["tasks"]} == {
        r["name"] for r in descriptor["resources"]
    }


def test_descriptor_declares_keys_licence_and_version():
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    assert descriptor["version"] and descriptor["licenses"] and descriptor["sources"]
    resources = {r["name"]: r for r in descriptor["resources"]}
    references = {
        (fk["fields"][0], fk["reference"]["resource"])
        for fk in resources["figures"]["schema"]["foreignKeys"]
    }
    assert references == {
        ("document_id", "sources"),
        ("metric", "metrics"),
        ("subject", "subjects"),
    }
    for resource in resources.values():
        assert resource["schema"]["primaryKey"]


def test_data_dictionary_documents_every_column():
    dictionary = (paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    descriptor = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert f"`{resource['path']}`" in dictionary, resource["path"]
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` |" in dictionary, f"{resource['name']}.{field['name']}"


def test_citation_cff_has_the_package_version():
    import yaml

    from tspolicy import __version__

    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == __version__
    assert citation["license"] == "Apache-2.0"
