"""Generate a plan and dataset `k` times larger than the shipped ones, for scale benchmarks.

The dataset gets k times the documents, figures, events and primary checks (copies with
new ids, each copy a new set of documents); the plan gets k times the report entries (the
same notebooks with k parameter sets each). The result is a folder with ``data/`` and
``notebooks/reports.yml`` that ``tspolicy build --plan … --data-dir …`` builds. Usage::

    python benchmarks/generate_scale.py 20 /tmp/scale20
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(factor: int, target: Path, data_factor: int | None = None) -> Path:
    """Write the k-times plan and data under ``target``; return the plan's path.

    ``data_factor`` scales the data apart from the plan (default: as much as the plan;
    1 keeps the shipped data, to see how a build grows with the number of pages alone).
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "data", target / "data")
    data = target / "data"
    plan_factor, factor = factor, data_factor or factor
    header, sources = _table(data / "sources.csv")
    doc = header.index("document_id")
    _write(
        data / "sources.csv",
        header,
        [
            [*r[:doc], f"{r[doc]}-k{k:03d}" if k else r[doc], *r[doc + 1 :]]
            for k in range(factor)
            for r in sources
        ],
    )
    for name, id_column, prefix in (
        ("figures.csv", "figure_id", "F"),
        ("events.csv", "event_id", "E"),
    ):
        header, rows = _table(data / name)
        i, d = header.index(id_column), header.index("document_id")
        out, n = [], 0
        for k in range(factor):
            for row in rows:
                n += 1
                copy = list(row)
                copy[i] = f"{prefix}{n:05d}"
                copy[d] = f"{row[d]}-k{k:03d}" if k else row[d]
                out.append(copy)
        _write(data / name, header, out)
    plan = yaml.safe_load((ROOT / "notebooks" / "reports.yml").read_text(encoding="utf-8"))
    plan["reports"] = [
        {**entry, "name": f"{entry['name']}-{k:03d}" if k else entry["name"]}
        for k in range(plan_factor)
        for entry in plan["reports"]
    ]
    notebooks = target / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns("*.yml"))
    (notebooks / "reports.yml").write_text(
        yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8"
    )
    return notebooks / "reports.yml"


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
