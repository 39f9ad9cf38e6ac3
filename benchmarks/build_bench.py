"""Build benchmark: the naive papermill + nbconvert loop against `tspolicy build`.

Runs, on the shipped plan and data, side by side:

1. the naive loop: for each page, the papermill CLI, then `jupyter nbconvert --to html`,
   one after the other;
2. a cold `tspolicy build --force`;
3. a no-op rebuild (nothing changed);
4. a rebuild after changing one figure's value (only the pages reading it re-run).

It prints wall times, ratios to the naive loop, the peak memory of the largest process,
and the number of pages executed, then where a page's time goes. Usage::

    python benchmarks/build_bench.py [--jobs N]

Everything is written to a temporary folder; the repository is not touched.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "seconds = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stdout.write(done.stdout)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(f'@@ {seconds:.3f} {peak} {done.returncode}')\n"
)


def measure(command: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """Run a command in a fresh measuring process: (seconds, peak RSS in MB, stdout)."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=cwd
    )
    seconds, peak_kb, code = result.stdout.strip().splitlines()[-1].split()[1:]
    if code != "0":
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return float(seconds), int(peak_kb) // 1024, result.stdout


def naive_loop(work: Path, jobs) -> tuple[float, int]:
    """papermill CLI then jupyter nbconvert CLI, per page, sequentially (one measuring process)."""
    script = ["set -e"]
    for job in jobs:
        executed = work / f"{job.lang}-{job.name}.ipynb"
        args = " ".join(
            f"-y {shlex_quote(f'{key}: {value!r}')}" for key, value in job.parameters.items()
        )
        script.append(
            f"{BIN}/papermill --no-progress-bar --cwd {job.notebook.parent} "
            f"{job.notebook} {executed} {args} 2>/dev/null"
        )
        script.append(f"{BIN}/jupyter nbconvert --to html {executed} --log-level ERROR")
    seconds, peak, _ = measure(["bash", "-c", "\n".join(script)])
    return seconds, peak


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count(), help="pages built at once (default: cores)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from tspolicy.build import read_plan

    plan = read_plan()
    jobs = plan.jobs()
    tspolicy = str(BIN / "tspolicy")
    with tempfile.TemporaryDirectory(prefix="tspolicy-bench-") as tmp:
        work = Path(tmp)
        data = work / "data"
        shutil.copytree(ROOT / "data", data)
        common = [
            "--out",
            str(work / "reports"),
            "--data-dir",
            str(data),
            "--no-figures",
            "--quiet",
            "--jobs",
            str(args.jobs),
        ]
        rows = []
        naive_seconds, naive_peak = naive_loop(work, jobs)
        rows.append(
            ("naive loop (papermill CLI + nbconvert CLI)", naive_seconds, naive_peak, len(jobs))
        )
        seconds, peak, out = measure([tspolicy, "build", "--force", "--timings", *common])
        breakdown = next((line for line in out.splitlines() if line.startswith("mean seconds")), "")
        rows.append(("tspolicy build --force (cold)", seconds, peak, len(jobs)))
        seconds, peak, out = measure([tspolicy, "build", *common])
        rows.append(("no-op rebuild", seconds, peak, 0 if "Nothing to rebuild" in out else -1))
        path = data / "figures.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle))
        row = next(r for r in table if r[0] == "F013")
        row[table[0].index("value")] = str(int(float(row[table[0].index("value")])) + 10)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(table)
        seconds, peak, out = measure([tspolicy, "build", "--explain", *common])
        rebuilt = [line.split()[0] for line in out.splitlines() if "rebuilt:" in line]
        rows.append(
            (
                "one figure changed (F013): "
                + ", ".join(sorted({p.split("/")[1] for p in rebuilt})),
                seconds,
                peak,
                len(rebuilt),
            )
        )

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {len(jobs)} pages ({len(plan.entries)} reports "
        f"x {len(plan.languages)} languages), --jobs {args.jobs}"
    )
    print(f"{'run':<62} {'seconds':>8} {'x naive':>8} {'peak MB':>8} {'pages run':>9}")
    for name, seconds, peak, pages in rows:
        print(f"{name:<62} {seconds:8.2f} {seconds / naive_seconds:8.2f} {peak:8d} {pages:9d}")
    if breakdown:
        print(re.sub(r"^mean seconds per page", "cold build, mean seconds per page", breakdown))


if __name__ == "__main__":
    main()
