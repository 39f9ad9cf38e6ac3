"""Build benchmark: the naive papermill + nbconvert loop against `tspolicy build`.

Runs, on the shipped plan and data, side by side:

1. the naive loop: for each page, the papermill CLI, then `jupyter nbconvert --to html`,
   one after the other;
2. a cold `tspolicy build --force --fresh-kernels` (a new kernel process per page);
3. a cold `tspolicy build --force` (warm kernels, forked from a pre-imported process);
4. a no-op rebuild (nothing changed);
5. a rebuild after changing one figure's value (only the pages reading it re-run).

It prints the load average before and after (the figures are noisy on a busy machine), wall
times, ratios to the naive loop, the peak memory of the whole run (the sum over every process
of the run, sampled every 50 ms: proportional set size, so that the pages a forked kernel
shares with its parent count once), and the number of pages executed, then where a page's
time goes. Usage::

    python benchmarks/build_bench.py [--jobs N]

Everything is written to a temporary folder; the repository is not touched.
"""

from __future__ import annotations

import argparse
import contextlib
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


def _tree_memory(root) -> int:
    """Bytes of memory the process ``root`` and its descendants hold (sum of their PSS)."""
    import psutil

    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return total


def measure(command: list[str], cwd: Path = ROOT) -> tuple[float, int, str]:
    """Run a command: (seconds, peak memory of all its processes together in MB, stdout)."""
    import threading
    import time

    import psutil

    start = time.perf_counter()
    process = psutil.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            with contextlib.suppress(psutil.Error):
                peak = max(peak, _tree_memory(process))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stdout[-2000:]}\n{stderr[-2000:]}")
    return seconds, peak // 2**20, stdout


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
    load_before = os.getloadavg()
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
        breakdowns = {}
        for name, options in (
            ("tspolicy build --force --fresh-kernels (cold)", ["--fresh-kernels"]),
            ("tspolicy build --force (cold, warm kernels)", []),
        ):
            seconds, peak, out = measure(
                [tspolicy, "build", "--force", "--timings", *options, *common]
            )
            breakdowns[name] = next(
                (line for line in out.splitlines() if line.startswith("mean seconds")), ""
            )
            rows.append((name, seconds, peak, len(jobs)))
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

    load_after = os.getloadavg()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {len(jobs)} pages ({len(plan.entries)} reports "
        f"x {len(plan.languages)} languages), --jobs {args.jobs}"
    )
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print(f"{'run':<62} {'seconds':>8} {'x naive':>8} {'peak MB':>8} {'pages run':>9}")
    for name, seconds, peak, pages in rows:
        print(f"{name:<62} {seconds:8.2f} {seconds / naive_seconds:8.2f} {peak:8d} {pages:9d}")
    print("peak MB: all the run's processes together (sum of their proportional set sizes)")
    for name, breakdown in breakdowns.items():
        if breakdown:
            print(re.sub(r"^mean seconds per page", f"{name}: mean seconds per page", breakdown))


if __name__ == "__main__":
    main()
