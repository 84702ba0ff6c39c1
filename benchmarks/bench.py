"""Benchmark the build against jupyter-book and papermill doing the same work (not a test).

    make bench            # or: .venv/bin/python benchmarks/bench.py [--runs 3] [--no-clone]

Every figure of issue 18, each with its peer measured in the same invocation, printed as Markdown tables
(medians over the runs) with the ratio and its limit. The machine may be busy: read the ratios.

1. cold build: `make book` from a clean _build/ (every chapter, its sweeps, the summaries, Sphinx), with the
   peak memory of the whole process tree; and `build --no-sweeps` from a clean _build/;
2. `make book` with nothing changed;
3. `make run NB=reserves P="edition=…"`: one chapter rerun with a new parameter plus the rebuild;
   2 and 3 are served by the standby the command before started (claimbook.builder.standby), as a user's
   are; each is measured again with it turned off (CLAIMBOOK_STANDBY=0). Every figure is timed only once
   the command before it has finished starting its standby, so a standby's start never overlaps a
   measurement (ours or a peer's);
4. peers, in a separate output folder:
   - jupyter-book executing the chapters itself (`execute_notebooks: cache`, empty cache), then the same
     build again with nothing changed (its execution cache and Sphinx's environment in place);
   - papermill on exactly the notebooks and swept copies the cold build executes (as many at once as
     there are cores, the summaries after the chapters), then jupyter-book assembling them;
   - the usual rerun: papermill on that one notebook with the new parameter, then jupyter-book's
     incremental build;
   - for reference: that chapter executed alone by papermill;
5. a fresh clone to a built book, installation included (`git clone`, then `make book`, which creates the
   venv, installs uv with pip, the lock with uv and the package, editable); uv's and pip's download caches
   are those of the machine.

The book is returned to its defaults at the end, and the tables are written into README.md between its
bench markers (--no-readme: printed only).
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

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from claimbook.builder import standby  # noqa: E402 - this checkout's package

PY = sys.executable
JB = str(Path(PY).parent / "jupyter-book")
MAKE = ["make", "--no-print-directory"]
BUILD = ROOT / "_build"
PEER = BUILD / "peer"  # the papermill peer's executed notebooks (inside the book, where a toc can list them)
CHAPTER, EDITIONS = "reserves", [2024, 2023, 2026]


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    seconds = time.perf_counter() - start
    standby.wait_ready()  # the next figure is not timed while this command's standby starts
    return seconds


NO_STANDBY = {**os.environ, "CLAIMBOOK_STANDBY": "0"}


def clear_build() -> None:
    """An empty _build/, with no standby of the last build waiting."""
    standby.stop()
    shutil.rmtree(BUILD, ignore_errors=True)


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
    seconds = time.perf_counter() - start
    standby.wait_ready()
    return seconds, peak / 2**20


def peer_config(work: Path, execute: str, chapters: str, include: str) -> list[str]:
    """jupyter-book's command line for the book with its chapters taken from `chapters`/ (a folder of the
    checkout) and execution set to `execute`; output in work/out."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": execute, "timeout": 300}
    config["sphinx"]["config"]["include_patterns"] = ["book/**", include]
    config["sphinx"]["config"]["exclude_patterns"] = [
        ".venv",
        "**/.ipynb_checkpoints",
        "_build/html*",
        "_build/jb",
        "_build/executed",
        "_build/sweeps",
    ]
    toc = (ROOT / "_toc.yml").read_text().replace("_build/executed/", chapters)
    (work / f"config-{execute}.yml").write_text(yaml.safe_dump(config))
    (work / f"toc-{execute}.yml").write_text(toc)
    return [
        JB,
        "build",
        str(ROOT),
        "--config",
        str(work / f"config-{execute}.yml"),
        "--toc",
        str(work / f"toc-{execute}.yml"),
        "--path-output",
        str(work / f"out-{execute}"),
        "--builder",
        "html",
        "-q",
    ]


def peer_jupyter_book(work: Path) -> tuple[float, float]:
    """jupyter-book executing the chapters itself from an empty cache, then again with nothing changed."""
    shutil.rmtree(work / "out-cache", ignore_errors=True)
    cmd = peer_config(work, "cache", "notebooks/", "notebooks/*.ipynb")
    return timed(cmd), timed(cmd)


def cold_jobs():
    """Exactly the notebooks and swept copies the cold build executes (one per distinct inputs)."""
    from claimbook.builder import runner

    jobs = runner.plan(None, {}, True)
    chapters = [j for j in jobs if not j.summary]
    sweeps = [
        s
        for j in chapters
        for p, values in runner.declared_sweep_values(j.path).items()
        for s in runner.plan_sweep(j.name, p, values)
    ]
    seen, unique = set(), []
    for job in chapters + sweeps:  # the runner copies a swept copy equal to its chapter instead of executing it
        key = (job.path, json.dumps(job.params, sort_keys=True, default=str))
        if key not in seen:
            seen.add(key)
            unique.append(job)
    return unique, [j for j in jobs if j.summary]


def papermill(path: Path, output: Path, params: dict) -> None:
    import papermill as pm

    output.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(
        str(path), str(output), parameters=params, progress_bar=False, cwd=str(path.parent), log_output=False
    )


def peer_papermill(work: Path) -> tuple[float, float, int]:
    """papermill on every notebook and swept copy (cores at once), the summaries after, then jupyter-book;
    returns (seconds, seconds of the jupyter-book part, notebooks executed)."""
    shutil.rmtree(PEER, ignore_errors=True)
    shutil.rmtree(work / "out-off", ignore_errors=True)
    chapters, summaries = cold_jobs()
    start = time.perf_counter()

    def run(job):
        name = job.path.name if job.sweep is None else f"{job.path.stem}/{job.output.name}"
        folder = "executed" if job.sweep is None else "sweeps"
        papermill(job.path, PEER / folder / name, job.params)

    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(run, chapters))
        list(pool.map(run, summaries))
    jb = timed(peer_config(work, "off", "_build/peer/executed/", "_build/peer/executed/*.ipynb"))
    return time.perf_counter() - start, jb, len(chapters) + len(summaries)


def peer_rerun(work: Path, edition: int) -> tuple[float, float]:
    """The usual way: papermill on the chapter with the new parameter, then jupyter-book's incremental build
    (the peer's book built just before); returns (total, papermill alone)."""
    from claimbook.core.notebooks import find

    path = find(CHAPTER)
    start = time.perf_counter()
    papermill(path, PEER / "executed" / path.name, {"edition": edition})
    alone = time.perf_counter() - start
    timed(peer_config(work, "off", "_build/peer/executed/", "_build/peer/executed/*.ipynb"))
    return time.perf_counter() - start, alone


def fresh_clone(work: Path) -> float:
    """git clone, then make book in the clone: venv, pip installs uv, uv the lock and the package, the cold build."""
    clone = work / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH", "VIRTUAL_ENV", "MAKEOVERRIDES")
    }
    start = time.perf_counter()
    timed(["git", "clone", "--quiet", str(ROOT), str(clone)], env=env)
    timed(MAKE + ["book"], env=env, cwd=clone)
    seconds = time.perf_counter() - start
    subprocess.run([clone / ".venv/bin/python", "-m", "claimbook", "standby", "stop"], cwd=clone, capture_output=True)
    shutil.rmtree(clone, ignore_errors=True)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-clone", action="store_true", help="skip the fresh clone (it needs the package index)")
    ap.add_argument("--no-readme", action="store_true", help="print the tables only, leaving README.md as it is")
    args = ap.parse_args()
    other = os.environ.get("CLAIMBOOK_ROOT")
    if other and Path(other).resolve() != ROOT:  # its commands would build that project, and it clears this one
        raise SystemExit(
            f"bench: CLAIMBOOK_ROOT names {other}; the bench measures its own checkout ({ROOT}), unset it."
        )
    r: dict[str, list[float]] = {}
    load = os.getloadavg()[0]

    def add(name, value):
        r.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory(prefix="claimbook-bench-") as tmp:
        work = Path(tmp)
        for i in range(args.runs):
            edition = EDITIONS[i % len(EDITIONS)]
            clear_build()
            seconds, mib = peak_memory(MAKE + ["book"])
            add("cold", seconds)
            add("memory", mib)
            add("unchanged", timed(MAKE + ["book"]))
            add("unchanged, no standby", timed(MAKE + ["book"], env=NO_STANDBY))
            rerun = MAKE + ["run", f"NB={CHAPTER}", f"P=edition={edition}"]
            back = [PY, "-m", "claimbook", "run", CHAPTER, "--build"]  # to the defaults
            add("rerun", timed(rerun))
            timed(back)
            add("rerun, no standby", timed(rerun, env=NO_STANDBY))
            timed(back)
            total, jb, count = peer_papermill(work)
            add("peer papermill", total)
            add("peer papermill: jupyter-book part", jb)
            add("peer notebooks", count)
            total, alone = peer_rerun(work, edition)
            add("peer rerun", total)
            add("chapter alone", alone)
            add("peer incremental render", total - alone)
            shutil.rmtree(PEER, ignore_errors=True)
            executes, unchanged = peer_jupyter_book(work)
            add("peer executes", executes)
            add("peer unchanged", unchanged)
            clear_build()
            add("cold, no sweeps", timed([PY, "-m", "claimbook", "build", "--no-sweeps"]))
            if not args.no_clone:
                add("fresh clone", fresh_clone(work))
        timed(MAKE + ["book"])  # the sweeps back
        standby.stop()  # the bench leaves nothing running
    m = {k: statistics.median(v) for k, v in r.items()}
    rows = [
        ("cold build, `make book` from a clean `_build/` (chapters, swept copies, summaries, Sphinx)", "cold", "s"),
        ("cold build, `build --no-sweeps` (the chapters and summaries only)", "cold, no sweeps", "s"),
        ("`make book` with nothing changed", "unchanged", "s"),
        ("the same, without the standby (`CLAIMBOOK_STANDBY=0`)", "unchanged, no standby", "s"),
        (
            f'`make run NB={CHAPTER} P="edition=…"` (one chapter rerun with a new parameter, plus the rebuild)',
            "rerun",
            "s",
        ),
        ("the same, without the standby (`CLAIMBOOK_STANDBY=0`)", "rerun, no standby", "s"),
        (
            "fresh clone to built book (`git clone`, `make book`: venv, uv, the lock, the cold build)",
            "fresh clone",
            "s",
        ),
        ("peak memory of the cold build (resident, whole process tree)", "memory", "MiB"),
        (
            f"peer: papermill on the same {int(m['peer notebooks'])} notebooks and swept copies "
            f"({os.cpu_count()} at once), then jupyter-book",
            "peer papermill",
            "s",
        ),
        (
            "peer: jupyter-book executing the chapters itself (`execute_notebooks: cache`, empty cache)",
            "peer executes",
            "s",
        ),
        ("peer: the same jupyter-book build again, nothing changed (its cache in place)", "peer unchanged", "s"),
        (
            "peer: papermill on the chapter with the new parameter, then jupyter-book's incremental build",
            "peer rerun",
            "s",
        ),
        ("reference: the chapter alone in papermill", "chapter alone", "s"),
        ("reference: jupyter-book's incremental build after that rerun", "peer incremental render", "s"),
    ]
    lines = [
        f"Measured on {time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {sys.version.split()[0]}, load average "
        f"{load:.1f} at the start; medians of {args.runs} run(s).",
        "",
        "| measure | median | runs |",
        "|---|---|---|",
    ]
    for text, key, unit in rows:
        if key in r:
            fmt = ".0f" if unit == "MiB" else ".2f"
            lines.append(f"| {text} | {m[key]:{fmt}} {unit} | {', '.join(f'{v:{fmt}}' for v in r[key])} |")
    targets = [
        ("unchanged `make book` (s)", m["unchanged"], 1.0),
        (
            "unchanged `make book` / jupyter-book's unchanged build with its cache",
            m["unchanged"] / m["peer unchanged"],
            0.3,
        ),
        ("rerun + rebuild / papermill + jupyter-book incremental", m["rerun"] / m["peer rerun"], 0.5),
        (
            "rerun + rebuild / (the chapter alone + the incremental render), 'near'",
            m["rerun"] / (m["chapter alone"] + m["peer incremental render"]),
            1.0,
        ),
        (
            "cold build with sweeps / papermill on the same notebooks + jupyter-book",
            m["cold"] / m["peer papermill"],
            0.5,
        ),
        (
            "cold build without sweeps / jupyter-book executing the chapters",
            m["cold, no sweeps"] / m["peer executes"],
            0.4,
        ),
        ("fresh clone to built book (s)", m.get("fresh clone", float("nan")), 60.0),
        ("peak memory of the cold build (MiB)", m["memory"], 1024.0),
    ]
    lines += ["", "| target | measured | limit | met |", "|---|---|---|---|"]
    for name, value, limit in targets:
        met = "not measured" if value != value else "yes" if value <= limit else "NO"
        lines.append(f"| {name} | {value:.2f} | {limit:g} | {met} |")
    print("\n".join(lines))
    (BUILD / "bench.json").write_text(json.dumps(r, indent=2))
    if not args.no_readme:
        write_readme("\n".join(lines))


README_START, README_END = "<!-- bench: start (benchmarks/bench.py writes this part) -->", "<!-- bench: end -->"


def write_readme(tables: str) -> None:
    """Put the tables into README.md, between its two markers (the text around them is the README's own)."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"bench: README.md lacks the markers {README_START} ... {README_END}; tables not written.")
    readme.write_text(text[: start + len(README_START)] + "\n" + tables + "\n" + text[end:], encoding="utf-8")
    print("bench: the tables are in README.md")


if __name__ == "__main__":
    main()
