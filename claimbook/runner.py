"""Execute chapters with papermill into _build/executed/, safely and only when needed.

- Parameters are validated for every requested notebook before anything runs (params.resolve).
- A notebook is reused when its inputs (source, parameters, data, register, package code) hash the same
  as those recorded in its executed copy.
- Execution writes to _build/tmp/ and moves into place only on success, so an executed chapter is never
  half-written; a failed run is kept in _build/failed/ for inspection and the last good copy stays.
- Notebooks run in parallel, up to the number of cores, each in a process forked from this one after
  the heavy imports and the data are loaded once (claimbook.engine explains why).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from . import ROOT, ClaimbookError, relpath
from .notebooks import all_notebooks, find, short_name
from .params import check_name, convert, parameters_cell, parse_parameters, resolve

BUILD_DIR = ROOT / "_build"
EXECUTED_DIR = BUILD_DIR / "executed"
FAILED_DIR = BUILD_DIR / "failed"
SWEEP_DIR = BUILD_DIR / "sweeps"  # one folder per chapter: the chapter run once per value of a parameter
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
    sweeps: tuple[str, ...] = ()  # the parameter the build sweeps for the robustness matrix (metadata claimbook.sweep)
    sweep: str | None = None  # the parameter this copy varies; a swept copy never replaces the chapter
    inputs_hash: str = ""

    @property
    def output(self) -> Path:
        if self.sweep is None:
            return EXECUTED_DIR / self.path.name
        changed = {self.sweep: self.params[self.sweep], **self.non_default}
        return SWEEP_DIR / self.path.stem / ("_".join(f"{k}={changed[k]}" for k in sorted(changed)) + ".ipynb")

    @property
    def label(self) -> str:
        return self.name if self.sweep is None else f"{self.name}[{self.sweep}={self.params[self.sweep]}]"

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
        jobs.append(Job(name, path, params, {k: p.default for k, p in declared.items()}, _is_summary(nb),
                        _declared_sweeps(nb, path)))
    return jobs


def _declared_sweeps(nb, path: Path) -> tuple[str, ...]:
    declared = tuple(nb.metadata.get("claimbook", {}).get("sweep", []))
    if len(declared) > 1:  # the robustness matrix has one row per claim and one column per value
        raise RunError(f"{relpath(path)} declares {len(declared)} sweep parameters; give one.")
    return declared


def declared_sweeps(path: Path) -> tuple[str, ...]:
    """The parameter a chapter declares for its robustness sweep (notebook metadata claimbook.sweep)."""
    return _declared_sweeps(nbformat.read(path, as_version=4), path)


def plan_sweep(name: str, param: str, values: list | None, given: dict[str, Any] | None = None,
               from_text: bool = True) -> list[Job]:
    """One job per value of `param` (None: every allowed value), the other parameters at their defaults
    or as given; every value is validated before anything runs."""
    path = find(name)
    declared = parse_parameters(parameters_cell(nbformat.read(path, as_version=4)), where=path.name)
    short = short_name(path)
    check_name(param, declared, short)
    others = {k: v for k, v in (given or {}).items() if k != param}
    if values is None:
        values = declared[param].allowed(resolve(declared, others, short, from_text=from_text))
        if values is None:
            raise RunError(f"{param} of {short} has no finite set of values to sweep; name them, "
                           f"as in --sweep {param}=A,B.")
    else:
        values = [convert(declared[param], v) if isinstance(v, str) else v for v in values]
    defaults = {k: p.default for k, p in declared.items()}
    return [Job(short, path, resolve(declared, {**others, param: v}, short, from_text=from_text), defaults,
                sweep=param) for v in values]


# Fields papermill writes that differ between two executions of the same inputs: times, the paths of this
# machine and process, and the random id of the injected cell. They are removed, made relative or fixed, so
# that executed copies of the same inputs are identical byte for byte (tests/test_reliability.py).
VOLATILE_PAPERMILL_FIELDS = ("start_time", "end_time", "duration")


def _finish(job: Job, nb) -> None:
    """Mark the executed copy: its inputs, its parameters, the injected cell collapsed, a banner if non-default;
    drop what varies between executions."""
    papermill = nb.metadata.get("papermill", {})
    for key in VOLATILE_PAPERMILL_FIELDS:
        papermill.pop(key, None)
    papermill["input_path"] = relpath(job.path)
    papermill["output_path"] = relpath(job.output)
    nb.metadata["claimbook"] = {
        "inputs_hash": job.inputs_hash,
        "notebook": job.path.name,
        "parameters": job.params,
        "non_default": job.non_default,
    }
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"hide-input"})
    if job.non_default:
        changed = ", ".join(f"`{k}={v!r}` (default `{job.defaults[k]!r}`)" for k, v in job.non_default.items())
        banner = nbformat.v4.new_markdown_cell(
            f":::{{important}} Rerun with other parameters\nThis chapter was executed with {changed}; "
            f"its figures and verdicts follow from those values, not from the defaults.\n:::"
        )
        banner.metadata["tags"] = ["claimbook-banner"]
        banner["id"] = "claimbook-banner"
        first_heading = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), 0)
        nb.cells.insert(first_heading + 1, banner)


def check_inputs() -> None:
    """Refuse to run on a damaged register or data file, before any notebook starts (and so before any
    executed copy could change)."""
    from . import claims, data, evidence

    problems = [f"seeds/{p}" if p.startswith("claims.yaml") else p for p in claims.validate()] + data.check_all()
    problems += evidence.validate() if not problems else []
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise RunError(f"the inputs are damaged: {'; '.join(p.rstrip('.') for p in problems[:3])}{more}; nothing was run and the last "
                       f"good chapters and book are unchanged (`python -m claimbook check` lists every problem).")


def warm_up() -> None:
    """Import what the chapters import and parse the register and every dataset, once, before forking."""
    import importlib

    from . import claims, data, engine, evidence

    for module in engine.WARM_MODULES:
        importlib.import_module(module)
    for path in sorted(Path(__file__).parent.glob("[a-z]*.py")):  # not __main__, which would run the CLI
        try:
            importlib.import_module(f"claimbook.{path.stem}")
        except Exception:  # noqa: BLE001 - a broken module fails, with its own message, in the notebook that imports it
            pass
    try:
        claims.claims()
        for name in data.dataset_names():
            data.load(name)
        evidence.records()
        evidence.entry("")
    except ClaimbookError:
        pass  # a damaged input: the notebook that reads it will fail and name it


def _execute(job: Job) -> tuple[float, str | None]:
    """Run one notebook (in a forked child); returns (seconds, error sentence or None)."""
    import papermill as pm

    from .engine import ENGINE_NAME

    start = time.perf_counter()
    tmp = TMP_DIR / f"{job.output.stem}.{os.getpid()}.ipynb"
    error = None
    try:
        pm.execute_notebook(
            str(job.path), str(tmp), parameters=job.params, kernel_name=KERNEL, cwd=str(job.path.parent),
            progress_bar=False, log_output=False, engine_name=ENGINE_NAME,
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
            job.output.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, job.output)  # atomic: the executed copy is whole or absent
    if error is not None:
        FAILED_DIR.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            os.replace(tmp, FAILED_DIR / job.output.name)
    return seconds, error


def _child(job: Job, conn) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):  # the parent's handler is for the parent
        signal.signal(sig, signal.SIG_DFL)
    conn.send(_execute(job))
    conn.close()


@functools.cache
def _prepare() -> None:
    """Once per run, before the first notebook executes: refuse damaged inputs, then warm up. (When every
    notebook is reused, the inputs are those of the last good execution, so neither is needed.)"""
    check_inputs()
    warm_up()


def _execute_all(todo: list[Job], workers: int, out) -> list[str]:
    """Execute the jobs, `workers` at a time, each in a forked child; returns the error sentences."""
    import multiprocessing
    from multiprocessing.connection import wait

    _prepare()
    ctx = multiprocessing.get_context("fork")
    pending, running, errors = list(todo), {}, []
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop(0)
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(job, send), daemon=True)
            proc.start()
            send.close()
            running[proc.sentinel] = (proc, receive, job)
        for sentinel in wait(list(running)):
            proc, receive, job = running.pop(sentinel)
            try:
                seconds, error = receive.recv()
            except EOFError:  # the child died before reporting
                seconds, error = 0.0, f"{relpath(job.path)} could not be executed: its process ended with code {proc.exitcode}."
            proc.join()
            print(f"  {job.label:<12} {'FAILED' if error else 'done'} in {seconds:.1f} s", file=out, flush=True)
            if error:
                errors.append(error)
    return errors


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
    """Hash of the executed chapters and swept copies a summary reads (its own copy excluded)."""
    h = hashlib.sha256()
    for p in sorted([*EXECUTED_DIR.glob("*.ipynb"), *SWEEP_DIR.glob("*/*.ipynb")]):
        if p.name not in exclude:
            h.update(p.relative_to(BUILD_DIR).as_posix().encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _run_phase(jobs: list[Job], shared: str, force: bool, jobs_limit: int | None, out) -> list[str]:
    """Execute the jobs that are out of date, in parallel; returns the error sentences."""
    todo: dict[str, Job] = {}  # by inputs hash: a swept copy equal to the chapter is executed once
    current: dict[str, Path] = {}  # inputs hash -> an up-to-date executed copy
    copies: list[Job] = []
    for job in jobs:
        job.inputs_hash = inputs_hash(job.path, job.params, shared)
        if not force and job.output.exists() and recorded(job.output).get("inputs_hash") == job.inputs_hash:
            print(f"  {job.label:<12} reused (inputs unchanged)", file=out, flush=True)
            current[job.inputs_hash] = job.output
        elif job.inputs_hash in todo:
            copies.append(job)
        else:
            todo[job.inputs_hash] = job
    for h in [h for h in todo if h in current]:  # same inputs as a copy already up to date
        copies.append(todo.pop(h))
    if not todo and not copies:
        return []
    workers = max(1, min(len(todo) or 1, jobs_limit or os.cpu_count() or 1))
    for job in todo.values():
        print(f"  {job.label:<12} running" + (f" with {job.non_default}" if job.non_default else ""),
              file=out, flush=True)
    errors = _execute_all(list(todo.values()), workers, out) if todo else []
    for job in copies:
        source = current.get(job.inputs_hash) or todo[job.inputs_hash].output
        if source.exists() and recorded(source).get("inputs_hash") == job.inputs_hash:
            write_whole(source.read_bytes(), job.output)
            print(f"  {job.label:<12} copied from {relpath(source)} (same inputs)", file=out, flush=True)
    return errors


def write_whole(content: bytes, target: Path) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, target)


def run(names: list[str] | None = None, given: dict[str, Any] | None = None, from_text: bool = True,
        jobs_limit: int | None = None, force: bool = False, keep_parameters: bool = False,
        sweep: tuple[str, list | None] | None = None, sweeps: bool = True, out=None) -> list[Job]:
    """Execute what is out of date; raises RunError naming every failed notebook.

    Chapters run first, together with their robustness sweeps (each value of the parameters a chapter
    declares in `claimbook.sweep`, the others at their defaults; `sweeps=False` skips them). With `sweep` (the command line's
    --sweep), the named chapters run only as swept copies of that parameter. Then the exports are
    written and the summaries run (notebooks marked `claimbook.summary`, which read the executed
    chapters): they are always included, so they never show stale verdicts.
    """
    from . import exports

    out = out or sys.stdout
    if sweep is not None:
        if not names:
            raise RunError("--sweep needs the chapter to sweep, as in `run reserves --sweep edition`.")
        jobs = [j for n in names for j in plan_sweep(n, sweep[0], sweep[1], given, from_text)]
    else:
        jobs = plan(names, given or {}, from_text, keep_parameters)
        if sweeps:
            jobs += [sj for j in jobs if not j.summary for p in j.sweeps for sj in plan_sweep(j.name, p, None)]
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
    _prepare.cache_clear()
    shared = _shared_inputs_digest()
    errors = _run_phase(chapters, shared, force, jobs_limit, out)
    if not errors and (_prepare.cache_info().currsize or not all(
            (BUILD_DIR / f).exists() for f in ("verdicts.json", "verdicts.csv", "claimreview.jsonld"))):
        exports.write_all(EXECUTED_DIR, SWEEP_DIR, BUILD_DIR)  # something ran, or the exports are missing
    if not errors and summaries:
        own = {j.path.name for j in summaries}
        from .provenance import git_revision  # the reproducibility appendix names the revision

        errors = _run_phase(summaries, shared + _executed_digest(own) + git_revision(), force, jobs_limit, out)
    if errors:
        kept = "; ".join(dict.fromkeys(errors))  # a swept copy failing like its chapter is said once
        raise RunError(f"{kept}; the failed copy is in {relpath(FAILED_DIR)}/ and the last good "
                       f"executed chapter and book are unchanged.")
    return chapters + summaries


def _is_summary(nb) -> bool:
    return bool(nb.metadata.get("claimbook", {}).get("summary"))


def is_summary(path: Path) -> bool:
    """Whether a notebook summarises the executed chapters (and so runs after them)."""
    return _is_summary(nbformat.read(path, as_version=4))
