"""Benchmark the build against jupyter-book's own execution and against the floor (not a test).

    make bench            # or: .venv/bin/python benchmarks/bench.py [--runs 3]

Prints a table of medians over the runs, the ratios the performance targets are stated in, and where the
time goes. Every measure starts from the venv already installed:

1. cold build: `make book` from a clean _build/ (every chapter, its sweeps and the summaries, then Sphinx);
   and the same with the sweeps off (`build --no-sweeps`), which executes exactly the peer's notebooks;
2. peer: the same chapters executed by jupyter-book itself (`execute_notebooks: force`, temporary config
   and table of contents pointing at notebooks/), the way most books are built;
3. floor: every notebook the cold build executes, run as a plain Python script (no kernel, as many at once
   as the build runs), plus a Sphinx build with execution off;
4. `make book` with nothing changed;
5. `make run NB=reserves P="edition=…"`: one chapter rerun with a new parameter plus the rebuild;
6. peak memory (resident, the whole process tree) of the cold build.

The book is returned to its defaults at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
MAKE = ["make", "--no-print-directory"]
BUILD = ROOT / "_build"


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def peak_memory(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MiB summed over the process and all its descendants, sampled every 20 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed")
    return time.perf_counter() - start, peak / 2**20


def peer_build(workdir: Path) -> float:
    """jupyter-book executing the notebooks itself, from a clean output folder."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": "force", "timeout": 300}
    config["sphinx"]["config"]["include_patterns"] = ["book/**", "notebooks/*.ipynb"]
    config["sphinx"]["config"]["exclude_patterns"] = [".venv", "**/.ipynb_checkpoints", "_build"]
    toc = (ROOT / "_toc.yml").read_text().replace("_build/executed/", "notebooks/")
    (workdir / "config.yml").write_text(yaml.safe_dump(config))
    (workdir / "toc.yml").write_text(toc)
    out = workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    return timed([str(ROOT / ".venv/bin/jupyter-book"), "build", str(ROOT), "--config", str(workdir / "config.yml"),
                  "--toc", str(workdir / "toc.yml"), "--path-output", str(out), "--builder", "html", "-q"])


def floor_build(workdir: Path) -> float:
    """Every notebook of the cold build as a plain script (as many at once as the runner), then Sphinx alone."""
    from claimbook import runner

    jobs = runner.plan(None, {}, True)
    chapters = [j for j in jobs if not j.summary]
    jobs += [s for j in chapters for p in j.sweeps for s in runner.plan_sweep(j.name, p, None)]
    scripts = []
    for i, job in enumerate(jobs):
        nb = nbformat.read(job.path, as_version=4)
        code = [f"{k} = {v!r}" for k, v in job.params.items()]
        code += [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
        path = workdir / f"{i:02d}_{job.path.stem}.py"
        path.write_text("import matplotlib\nmatplotlib.use('Agg')\n" + "\n\n".join(code) + "\n")
        scripts.append((path, job.path.parent, job.summary))

    def run(item):
        path, cwd, _ = item
        subprocess.run([PY, str(path)], cwd=cwd, check=True, capture_output=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:  # chapters, then the summaries that read them
        list(pool.map(run, [s for s in scripts if not s[2]]))
        list(pool.map(run, [s for s in scripts if s[2]]))
    scripts_time = time.perf_counter() - start
    return scripts_time + sphinx_only()


def sphinx_only() -> float:
    """The Sphinx build alone, from a clean staging folder, the executed notebooks already in place."""
    shutil.rmtree(BUILD / "jb", ignore_errors=True)
    (BUILD / "html" / ".claimbook-build").unlink(missing_ok=True)
    return timed([PY, "-c", "from claimbook import book; book.build()"])


def where_the_time_goes() -> dict[str, float]:
    """One notebook's fixed costs, measured apart."""
    from claimbook.engine import WARM_MODULES

    out = {}
    out["python start"] = timed([PY, "-c", "pass"])
    out["imports (pandas, pandera, matplotlib, IPython)"] = timed([PY, "-c", "import " + ", ".join(WARM_MODULES)]) - out["python start"]
    out["data: parse and validate every dataset"] = timed([PY, "-c", "import " + ", ".join(WARM_MODULES) + "\nfrom claimbook import data\n"
                                                            "[data.load(n) for n in data.dataset_names()]"]) - out["imports (pandas, pandera, matplotlib, IPython)"] - out["python start"]
    code = ("import time; from jupyter_client.manager import start_new_kernel\n"
            "t = time.perf_counter(); km, kc = start_new_kernel(kernel_name='python3'); "
            "print(time.perf_counter() - t); km.shutdown_kernel(now=True)")
    out["Jupyter kernel start (not used by the runner)"] = float(subprocess.run(
        [PY, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()[-1])
    out["papermill, reserves chapter alone, own kernel"] = papermill_alone()
    out["Sphinx build alone (clean staging)"] = sphinx_only()
    return out


def papermill_alone(edition: int = 2024) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        return timed([PY, "-c", "import papermill as pm; pm.execute_notebook('notebooks/10_reserves.ipynb', "
                                f"{str(Path(tmp) / 'out.ipynb')!r}, parameters={{'edition': {edition}}}, "
                                "progress_bar=False, cwd='notebooks')"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    results: dict[str, list[float]] = {k: [] for k in (
        "cold build (make book, clean _build)", "cold build, sweeps off (the peer's notebooks)",
        "peer: jupyter-book executes the notebooks",
        "floor: plain scripts + Sphinx", "make book, nothing changed", "one chapter rerun + rebuild",
        "peak memory of the cold build (MiB)")}
    rerun_editions = [2024, 2023, 2026]
    with tempfile.TemporaryDirectory(prefix="claimbook-bench-") as tmp:
        work = Path(tmp)
        for i in range(runs):
            shutil.rmtree(BUILD, ignore_errors=True)
            seconds, mib = peak_memory(MAKE + ["book"])
            results["cold build (make book, clean _build)"].append(seconds)
            results["peak memory of the cold build (MiB)"].append(mib)
            results["make book, nothing changed"].append(timed(MAKE + ["book"]))
            shutil.rmtree(BUILD, ignore_errors=True)
            results["cold build, sweeps off (the peer's notebooks)"].append(
                timed([PY, "-m", "claimbook", "build", "--no-sweeps"]))
            timed(MAKE + ["book"])  # the sweeps back, for the rerun below
            edition = rerun_editions[i % len(rerun_editions)]
            results["one chapter rerun + rebuild"].append(timed(MAKE + ["run", "NB=reserves", f"P=edition={edition}"]))
            timed([PY, "-m", "claimbook", "run", "reserves", "--build"])  # back to the defaults
            results["floor: plain scripts + Sphinx"].append(floor_build(work))
            results["peer: jupyter-book executes the notebooks"].append(peer_build(work))
        parts = where_the_time_goes()
        timed([PY, "-m", "claimbook", "build"])
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"Machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, Python "
          f"{sys.version.split()[0]}; medians of {runs} runs.\n")
    print("| measure | median | runs |\n|---|---|---|")
    for name, values in results.items():
        unit = "" if "MiB" in name else " s"
        print(f"| {name} | {med[name]:.2f}{unit} | {', '.join(f'{v:.2f}' for v in values)} |")
    cold, peer, floor = med["cold build (make book, clean _build)"], med["peer: jupyter-book executes the notebooks"], med["floor: plain scripts + Sphinx"]
    rerun_target = 1.3 * (parts["papermill, reserves chapter alone, own kernel"] + med["make book, nothing changed"])
    print("\n| target | measured | limit | met |\n|---|---|---|---|")
    rows = [
        ("cold build / peer", cold / peer, 0.5),
        ("cold build, sweeps off / peer (same notebooks)", med["cold build, sweeps off (the peer's notebooks)"] / peer, 0.5),
        ("cold build / floor", cold / floor, 1.5),
        ("unchanged build (s)", med["make book, nothing changed"], 3.0),
        ("rerun + rebuild (s) vs 1.3 x (papermill alone + unchanged build)", med["one chapter rerun + rebuild"], rerun_target),
        ("peak memory (MiB)", med["peak memory of the cold build (MiB)"], 1024),
    ]
    for name, value, limit in rows:
        print(f"| {name} | {value:.2f} | {limit:.2f} | {'yes' if value <= limit else 'NO'} |")
    print("\n| where the time goes (one measurement) | seconds |\n|---|---|")
    for name, value in parts.items():
        print(f"| {name} | {value:.2f} |")
    (BUILD / "bench.json").write_text(json.dumps({"results": results, "parts": parts}, indent=2))


if __name__ == "__main__":
    main()
