"""The scale benchmark's generator makes a valid plan and dataset k times larger."""

import sys

from tspolicy import paths
from tspolicy.build import read_plan, validate_plan
from tspolicy.data import load_dataset

sys.path.insert(0, str(paths.ROOT / "benchmarks"))
from generate_scale import generate


def test_generated_plan_and_data_scale(tmp_path):
    plan_path = generate(3, tmp_path / "project")
    plan = read_plan(plan_path)
    data = plan_path.parent.parent / "data"
    validate_plan(plan, data)  # every parameter set still fits the data
    base, scaled = load_dataset(), load_dataset(data)
    assert len(plan.jobs()) == 3 * len(read_plan().jobs())
    assert len(scaled.figures) == 3 * len(base.figures) and len(scaled.sources) == 3 * len(
        base.sources
    )
    assert scaled.figures["figure_id"].is_unique and set(scaled.figures["document_id"]) <= set(
        scaled.sources["document_id"]
    )
