"""Time the commands a reader and CI actually run; prints medians over several runs (not a test).

    .venv/bin/python benchmarks/bench.py [--runs 3]

Measures, with the venv already installed: a cold `make book` (no _build/), a second `make book` with
nothing changed, and `make run NB=reserves P="edition=2024"` (one chapter rerun plus the rebuild). The
book is returned to its defaults at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    make = ["make", "--no-print-directory"]
    results: dict[str, list[float]] = {"cold make book": [], "make book, nothing changed": [],
                                       "make run NB=reserves P=edition=2024": []}
    for _ in range(runs):
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        results["cold make book"].append(timed(make + ["book"]))
        results["make book, nothing changed"].append(timed(make + ["book"]))
        results["make run NB=reserves P=edition=2024"].append(timed(make + ["run", "NB=reserves", "P=edition=2024"]))
        subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "claimbook", "run", "reserves", "--build"],
                       cwd=ROOT, check=True, capture_output=True)
    print(f"| measure (median of {runs}) | seconds | runs |")
    print("|---|---|---|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")


if __name__ == "__main__":
    main()
