"""90_explore.ipynb: the researcher's starting point runs, and stays out of the site."""

from __future__ import annotations

import nbformat
import pytest
import yaml

from tspolicy import paths, registry

EXPLORE = paths.NOTEBOOKS_DIR / "90_explore.ipynb"


def test_not_a_report_nor_a_page():
    plan = yaml.safe_load((paths.NOTEBOOKS_DIR / "reports.yml").read_text(encoding="utf-8"))
    notebooks = {e.notebook.name for e in registry.load().entries.values()}
    assert EXPLORE.name not in notebooks
    assert all(entry.get("notebook") != EXPLORE.name for entry in plan["reports"])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_explore_notebook_runs(tmp_path, language):
    import papermill

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(EXPLORE),
        str(out),
        parameters={"language": language},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(paths.NOTEBOOKS_DIR),
    )
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    outputs = [o for c in cells for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 3  # the whole table, the filtered rows, the pivots
    assert any("image/png" in o.get("data", {}) for o in outputs)  # a chart of one's own
    text = "".join(o.get("text", "") for o in outputs)
    from tspolicy.i18n import t

    caveat = t("caveat", language, caveat="").strip()  # "Note:", "تنبيه:"
    assert caveat in text, text[:500]  # the notes under the chart: caveats, sources
