"""Execute chapters with papermill into _build/executed/, safely and only when needed.

- Parameters are validated for every requested notebook before anything runs (params.resolve).
- A notebook is reused when its inputs (source, parameters, data, register, package code) hash the same
  as those recorded in its executed copy.
- Execution writes to _build/tmp/ and moves into place only on success, so an executed chapter is never
  half-written; a failed run is kept in _build/failed/ for inspection and the last good copy stays.
- Notebooks run in threads (the work happens in their kernels), up to the number of cores.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from . import ROOT, ClaimbookError, relpath
from .notebooks import all_notebooks, find, short_name
from .params import parameters_cell, parse_parameters, resolve

BUILD_DIR = ROOT / "_build"
EXECUTED_DIR = BUILD_DIR / "executed"
FAILED_DIR = BUILD_DIR / "failed"
TMP_DIR = BUILD_DIR / "tmp"
KERNEL = "python3"
# Everything whose change can change a chapter's output.
INPUT_GLOBS = ("data/*.csv", "data/*.yaml", "seeds/*.yaml", "claimbook/*.py", "requirements.txt")


class RunError(ClaimbookError):
    pass


@dataclass
class Job:
    name: str
    path: Path
    params: dict[str, Any]
    defaults: dict[str, Any]
    summary: bool = False  # reads the executed chapters, so runs after them
    inputs_hash: str = ""

    @property
    def output(self) -> Path:
        return EXECUTED_DIR / self.path.name

    @property
    def non_default(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if v != self.defaults[k]}


def _shared_inputs_digest() -> str:
    h = hashlib.sha256()
    for pattern in INPUT_GLOBS:
        for p in sorted(ROOT.glob(pattern)):
            h.update(p.relative_to(ROOT).as_posix().encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def notebook_source_digest(path: Path) -> str:
    """Hash of what a notebook says (cell types, sources and tags), not of outputs or volatile metadata."""
    nb = nbformat.read(path, as_version=4)
    h = hashlib.sha256()
    for cell in nb.cells:
        h.update(json.dumps([cell.cell_type, cell.source, cell.metadata.get("tags", [])]).encode())
    return h.hexdigest()


def inputs_hash(path: Path, params: dict, shared: str) -> str:
    h = hashlib.sha256()
    h.update(notebook_source_digest(path).encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(shared.encode())
    return h.hexdigest()


def recorded(path: Path) -> dict:
    """The claimbook metadata of an executed notebook ({} when absent or unreadable)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # a damaged copy counts as absent: it will be re-executed
        return {}
    return dict(nb.metadata.get("claimbook", {}))


def plan(names: list[str] | None, given: dict[str, Any], from_text: bool,
         keep_parameters: bool = False) -> list[Job]:
    """Resolve notebooks and validate their parameters; raises before anything runs.

    With keep_parameters (the `build` command), a chapter keeps the parameters of its last executed copy
    while they are still valid, so a rebuild does not undo a rerun.
    """
    paths = [find(n) for n in names] if names is not None else list(all_notebooks().values())
    jobs = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)  # read once: parameters and the summary mark
        declared = parse_parameters(parameters_cell(nb), where=path.name)
        name = short_name(path)
        params = None
        if keep_parameters:
            last = recorded(EXECUTED_DIR / path.name).get("non_default") or {}
            try:
                params = resolve(declared, last, name, from_text=False)
            except ClaimbookError:
                params = None  # the notebook or its data changed: back to the defaults
        if params is None:
            params = resolve(declared, given, name, from_text=from_text)
        jobs.append(Job(name, path, params, {k: p.default for k, p in declared.items()}, _is_summary(nb)))
    return jobs


def _finish(job: Job, nb) -> None:
    """Mark the executed copy: its inputs, its parameters, the injected cell collapsed, a banner if non-default."""
    nb.metadata["claimbook"] = {
        "inputs_hash": job.inputs_hash,
        "notebook": job.path.name,
        "parameters": job.params,
        "non_default": job.non_default,
    }
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"hide-input"})
    if job.non_default:
        changed = ", ".join(f"`{k}={v!r}` (default `{job.defaults[k]!r}`)" for k, v in job.non_default.items())
        banner = nbformat.v4.new_markdown_cell(
            f":::{{important}} Rerun with other parameters\nThis chapter was executed with {changed}; "
            f"its figures and verdicts follow from those values, not from the defaults.\n:::"
        )
        banner.metadata["tags"] = ["claimbook-banner"]
        first_heading = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), 0)
        nb.cells.insert(first_heading + 1, banner)


def _kernel_manager_class():
    """Kernels talk over local IPC sockets in a private temporary folder, not over TCP ports."""
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        transport = "ipc"

        def _ip_default(self):  # the socket files' prefix; jupyter_client removes them at shutdown
            return os.path.join(tempfile.gettempdir(), f"claimbook-kernel-{uuid.uuid4().hex}")

    return IPCKernelManager


def _execute(job: Job) -> tuple[Job, float, str | None]:
    """Run one notebook; returns (job, seconds, error sentence or None)."""
    import papermill as pm

    start = time.perf_counter()
    tmp = TMP_DIR / f"{job.path.stem}.{os.getpid()}.{threading.get_ident()}.ipynb"
    error = None
    try:
        pm.execute_notebook(
            str(job.path), str(tmp), parameters=job.params, kernel_name=KERNEL, cwd=str(job.path.parent),
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            kernel_manager_class=_kernel_manager_class(),
        )
    except pm.PapermillExecutionError as exc:
        error = (f"{relpath(job.path)} failed in cell {_source_cell_number(job.path, exc.source)}: "
                 f"{exc.ename}: {_first_line(exc.evalue)}")
    except Exception as exc:  # kernel died, notebook unreadable, ...
        error = f"{relpath(job.path)} could not be executed: {type(exc).__name__}: {_first_line(exc)}"
    seconds = time.perf_counter() - start
    if error is None and tmp.exists():
        nb = nbformat.read(tmp, as_version=4)
        if nb.metadata.get("papermill", {}).get("exception"):
            error = f"{relpath(job.path)} failed: papermill recorded an exception."
        else:
            _finish(job, nb)
            nbformat.write(nb, tmp)
            os.replace(tmp, job.output)  # atomic: the executed copy is whole or absent
    if error is not None:
        FAILED_DIR.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            os.replace(tmp, FAILED_DIR / job.path.name)
    return job, seconds, error


def _first_line(text) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else ""


def _source_cell_number(path: Path, source: str) -> str:
    """The failing cell's number (from 1) in the committed notebook, found by its source text:
    papermill's index counts the cells it inserted (parameters, error banner)."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and cell.source == source:
            return str(i)
    return "?"


def _kill_kernels(signum, frame):
    """On SIGTERM/SIGINT: stop kernels, drop half-written files, exit; executed copies stay whole."""
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            child.kill()
    except Exception:
        pass
    for p in TMP_DIR.glob("*.ipynb"):
        p.unlink(missing_ok=True)
    print("claimbook: interrupted; executed chapters are unchanged or complete.", file=sys.stderr, flush=True)
    os._exit(128 + signum)


def _executed_digest(exclude: set[str]) -> str:
    """Hash of the executed chapters a summary reads (its own copy excluded)."""
    h = hashlib.sha256()
    for p in sorted(EXECUTED_DIR.glob("*.ipynb")):
        if p.name not in exclude:
            h.update(p.name.encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _run_phase(jobs: list[Job], shared: str, force: bool, jobs_limit: int | None, out) -> list[str]:
    """Execute the jobs that are out of date, in parallel; returns the error sentences."""
    todo = []
    for job in jobs:
        job.inputs_hash = inputs_hash(job.path, job.params, shared)
        if not force and job.output.exists() and recorded(job.output).get("inputs_hash") == job.inputs_hash:
            print(f"  {job.name:<12} reused (inputs unchanged)", file=out, flush=True)
        else:
            todo.append(job)
    if not todo:
        return []
    workers = max(1, min(len(todo), jobs_limit or os.cpu_count() or 1))
    for job in todo:
        print(f"  {job.name:<12} running" + (f" with {job.non_default}" if job.non_default else ""), file=out, flush=True)
    errors = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for job, seconds, error in pool.map(_execute, todo):
            print(f"  {job.name:<12} {'FAILED' if error else 'done'} in {seconds:.1f} s", file=out, flush=True)
            if error:
                errors.append(error)
    return errors


def run(names: list[str] | None = None, given: dict[str, Any] | None = None, from_text: bool = True,
        jobs_limit: int | None = None, force: bool = False, keep_parameters: bool = False,
        out=None) -> list[Job]:
    """Execute what is out of date; raises RunError naming every failed notebook.

    Chapters run first; then the summaries (notebooks marked `claimbook.summary` in their metadata, which
    read the executed chapters), always included so that they never show stale verdicts.
    """
    out = out or sys.stdout
    jobs = plan(names, given or {}, from_text, keep_parameters)
    named = {j.path for j in jobs}
    summaries = [j for j in jobs if j.summary]
    unnamed = [p.name for p in all_notebooks().values() if p not in named and is_summary(p)]
    summaries += plan(unnamed, {}, True, keep_parameters=True) if unnamed else []
    chapters = [j for j in jobs if not j.summary]
    for d in (EXECUTED_DIR, TMP_DIR):
        d.mkdir(parents=True, exist_ok=True)
    for stale in TMP_DIR.glob("*.ipynb"):  # left by a run that was killed
        stale.unlink()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _kill_kernels)
    shared = _shared_inputs_digest()
    errors = _run_phase(chapters, shared, force, jobs_limit, out)
    if not errors and summaries:
        own = {j.path.name for j in summaries}
        errors = _run_phase(summaries, shared + _executed_digest(own), force, jobs_limit, out)
    if errors:
        kept = "; ".join(errors)
        raise RunError(f"{kept}; the failed copy is in {relpath(FAILED_DIR)}/ and the last good "
                       f"executed chapter and book are unchanged.")
    return chapters + summaries


def _is_summary(nb) -> bool:
    return bool(nb.metadata.get("claimbook", {}).get("summary"))


def is_summary(path: Path) -> bool:
    """Whether a notebook summarises the executed chapters (and so runs after them)."""
    return _is_summary(nbformat.read(path, as_version=4))
