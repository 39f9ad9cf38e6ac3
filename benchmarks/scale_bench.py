"""Scale benchmark: build time and memory as the plan and dataset grow k-fold.

For each factor (default 1, 5, 20), generates a plan with k times the report entries and a
dataset with k times the documents, figures and events (benchmarks/generate_scale.py),
builds it cold, and prints wall time, time per page and the peak memory of all the build's
processes together (PSS). Linear growth shows as a constant time per page; flat memory as a
constant peak. Usage::

    python benchmarks/scale_bench.py [--factors 1 5 20] [--lang en] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import BIN, measure
from generate_scale import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument(
        "--lang", nargs="+", default=["en"], help="languages to build (default: en)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument(
        "--plan-only", action="store_true", help="scale the plan only; keep the shipped data"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"--jobs {args.jobs}, languages {args.lang}"
    )
    print(f"{'factor':>6} {'pages':>6} {'figures':>8} {'seconds':>8} {'s/page':>7} {'peak MB':>8}")
    for factor in args.factors:
        with tempfile.TemporaryDirectory(prefix=f"tspolicy-scale{factor}-") as tmp:
            plan = generate(factor, Path(tmp) / "project", 1 if args.plan_only else None)
            data = plan.parent.parent / "data"
            figures = sum(1 for _ in (data / "figures.csv").open(encoding="utf-8")) - 1
            command = [
                str(BIN / "tspolicy"),
                "build",
                "--plan",
                str(plan),
                "--data-dir",
                str(data),
                "--out",
                str(Path(tmp) / "reports"),
                "--no-figures",
                "--quiet",
                "--jobs",
                str(args.jobs),
                "--lang",
                *args.lang,
            ]
            seconds, peak, out = measure(command)
            pages = int(out.split("Rebuilt ")[1].split()[0])
            print(
                f"{factor:>6} {pages:>6} {figures:>8} {seconds:8.1f} "
                f"{seconds / pages:7.2f} {peak:8d}"
            )


if __name__ == "__main__":
    main()
