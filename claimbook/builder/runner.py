"""Execute chapters with papermill into _build/executed/, safely and only when needed.

- Parameters are validated for every requested notebook before anything runs (params.resolve).
- A notebook is reused when its inputs (source, parameters, data, register, the package modules it uses)
  hash the same as those recorded in its executed copy. A chapter's modules are the ones its cells import,
  followed through the package's own imports, plus the modules that execute it; so editing one chapter's
  module reruns that chapter only. A summary also hashes what it reads of the executed chapters (their
  verdicts and parameters, not their figures), so it reruns only when those changed.
- A build with nothing to do stops early: the plan stamp (_build/.plan-stamp.json) records a digest of every
  input and of every executed copy after a whole build; when both are the same, nothing is parsed, resolved
  or imported (no pandas) and every notebook is reported reused.
- Execution writes to _build/tmp/ and moves into place only on success, so an executed chapter is never
  half-written; a failed run is kept in _build/failed/ for inspection and the last good copy stays.
- Notebooks run in parallel, up to the number of cores, each in a process forked from this one after
  the heavy imports and the data are loaded once (claimbook.builder.engine explains why). A worker dies with its
  parent (PR_SET_PDEATHSIG) and is stopped after a time limit (`timeout`, default 300 s).
- One build at a time: `workspace.session()` holds a lock on _build/.lock; a second build, run or pdf says so in one
  sentence and exits with status 2. Every file a session replaces under _build is journalled first
  (_build/journal/), so a command that fails or is killed (even with SIGKILL) is undone: the next command
  puts back what was there, and publishes only what a whole build produced.
- Every path the runner writes is checked to lie under _build; values reach file names only as safe slugs.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from claimbook import NOTEBOOK_TIMEOUT, ROOT, ClaimbookError, relpath, say, shorten
from claimbook.builder import dependencies, runreport, workspace
from claimbook.builder.workspace import (
    RunError,
    current_session,
    die_with_parent,
    files_digest,
    inside_build,
    open_session,
    read_executed,
    session,
    write_whole,
)
from claimbook.core.notebooks import all_notebooks, find, short_name
from claimbook.core.params import check_name, convert, parameters_cell, parse_parameters, read_notebook, resolve

KERNEL = "python3"
# Everything besides the package code whose change can change a chapter's output.
INPUT_GLOBS = ("data/*.csv", "data/*.yaml", "seeds/*.yaml", "requirements.txt")
PLAN_STAMP = ".plan-stamp.json"
INPUTS_CHECKED = ".inputs-checked"  # the digest of the inputs last found sound


class NotebookFailed(RunError):
    """A notebook raised, died or ran out of time: exit status 1, as for a failing test."""

    exit_code = 1


def slug(value) -> str:
    """A value as a safe file-name part: ASCII letters, digits, '.', '+' and '-' kept; anything else (a '/',
    '..', spaces, markup) replaced, with a short hash so that two values never share a name."""
    text = str(value)
    if re.fullmatch(r"[A-Za-z0-9+-][A-Za-z0-9.+-]{0,39}", text, re.ASCII) and ".." not in text:
        return text
    safe = re.sub(r"[^A-Za-z0-9+-]+", "-", text, flags=re.ASCII).strip("-")[:32] or "value"
    return f"{safe}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


class Alongside:
    """What a command does while the runner works (the pipeline builds the book meanwhile); told what
    happens, each does nothing here."""

    def changing(self) -> None:
        """Notebooks are about to be executed or copied, their inputs found sound (once per phase)."""

    def summaries_running(self, outputs: list[Path]) -> None:
        """The summaries are executing into these copies; the chapters and swept copies are final."""

    def written(self, output: Path) -> None:
        """This executed copy is in place, final for this run."""


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
            return workspace.EXECUTED_DIR / self.path.name
        changed = {self.sweep: self.params[self.sweep], **self.non_default}
        name = "_".join(f"{k}={slug(changed[k])}" for k in sorted(changed)) + ".ipynb"
        return inside_build(workspace.SWEEP_DIR / self.path.stem / name)

    @property
    def label(self) -> str:
        return self.name if self.sweep is None else f"{self.name}[{self.sweep}={self.params[self.sweep]}]"

    @property
    def non_default(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if v != self.defaults[k]}


def _input_files() -> list[Path]:
    """The data, the register and the lock (every notebook's inputs besides its source and modules)."""
    return [p for pattern in INPUT_GLOBS for p in sorted(ROOT.glob(pattern))]


def _shared_inputs_digest() -> str:
    return files_digest(_input_files())


_NOTEBOOKS: dict[str, tuple[bytes, Any]] = {}


def _notebook(path: Path):
    """read_notebook, once per file version in this process (the plan reads each notebook several times).
    The notebook returned is shared: callers only read it."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError:
        return read_notebook(path)  # its one sentence
    cached = _NOTEBOOKS.get(str(path))
    if cached is None or cached[0] != content:
        cached = (content, read_notebook(path))
        _NOTEBOOKS[str(path)] = cached
    return cached[1]


def _code_sources(path: Path) -> list[str]:
    return [cell.source for cell in _notebook(path).cells if cell.cell_type == "code"]


def package_modules(path: Path) -> list[str]:
    """The package modules a notebook uses (claimbook.builder.dependencies)."""
    return dependencies.package_modules(_code_sources(path), workspace.PACKAGE_DIR)


def reads_executed(path: Path) -> bool:
    """Whether a notebook reads the executed chapters (their verdicts or parameters)."""
    return dependencies.reads_executed(_code_sources(path), workspace.PACKAGE_DIR)


def _uses(path: Path, module: str) -> bool:
    own, _ = dependencies.own_modules(_code_sources(path), workspace.PACKAGE_DIR)
    return module in own or dependencies.EVERY in own


def _code_digest(path: Path) -> str:
    """The notebook's package modules, each with its content (and the templates, for core/html)."""
    return files_digest(f for m in package_modules(path) for f in dependencies.module_files(m, workspace.PACKAGE_DIR))


def notebook_source_digest(path: Path) -> str:
    """Hash of what a notebook says (cell types, sources and tags), not of outputs or volatile metadata."""
    nb = _notebook(path)
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
    """The claimbook metadata of an executed notebook ({} when absent or damaged: it will be re-executed)."""
    try:
        return read_executed(path)[0]
    except (OSError, ValueError):
        return {}


def plan(names: list[str] | None, given: dict[str, Any], from_text: bool, keep_parameters: bool = False) -> list[Job]:
    """Resolve notebooks and validate their parameters; raises before anything runs.

    With keep_parameters (the `build` command), a chapter keeps the parameters of its last executed copy
    while they are still valid, so a rebuild does not undo a rerun.
    """
    paths = [find(n) for n in names] if names is not None else list(all_notebooks().values())
    jobs = []
    for path in paths:
        nb = _notebook(path)  # parameters and the summary mark
        declared = parse_parameters(parameters_cell(nb), where=path.name)
        name = short_name(path)
        params = None
        if keep_parameters:
            last = recorded(workspace.EXECUTED_DIR / path.name).get("non_default") or {}
            try:
                params = resolve(declared, last, name, from_text=False)
            except ClaimbookError:
                params = None  # the notebook or its data changed: back to the defaults
        if params is None:
            params = resolve(declared, given, name, from_text=from_text)
        jobs.append(
            Job(
                name,
                path,
                params,
                {k: p.default for k, p in declared.items()},
                _is_summary(nb),
                _declared_sweeps(nb, path),
            )
        )
    return jobs


def _sweep_spec(entry) -> tuple[str, list[str] | None]:
    """A sweep entry of the metadata: `edition` (every allowed value) or `leaders_top_n=2,3,4,5` (these)."""
    name, sep, values = str(entry).partition("=")
    return name.strip(), ([v.strip() for v in values.split(",")] if sep else None)


def _declared_sweeps(nb, path: Path) -> tuple[str, ...]:
    declared = nb.metadata.get("claimbook", {}).get("sweep", [])
    if not isinstance(declared, list) or not all(isinstance(d, str) for d in declared):
        raise RunError(
            f"{relpath(path)} declares its sweep as {shorten(declared)}; claimbook.sweep in the "
            f'notebook\'s metadata must be a list of parameter names, as in ["edition"] or '
            f'["edition", "tolerance_pct=5,10"].'
        )
    declared = tuple(_sweep_spec(s)[0] for s in declared)
    if len(declared) > 2:  # the data choice and at most one threshold, each swept alone
        raise RunError(f"{relpath(path)} declares {len(declared)} sweep parameters; give one or two.")
    return declared


def declared_sweeps(path: Path) -> tuple[str, ...]:
    """The parameters a chapter declares for its robustness sweep (notebook metadata claimbook.sweep): the
    data choice first (the robustness matrix), then optionally a threshold."""
    return _declared_sweeps(_notebook(path), path)


def declared_sweep_values(path: Path) -> dict[str, list[str] | None]:
    """Each declared sweep parameter with the values named in the metadata (None: every allowed value)."""
    nb = _notebook(path)
    _declared_sweeps(nb, path)
    return dict(_sweep_spec(s) for s in nb.metadata.get("claimbook", {}).get("sweep", []))


def plan_sweep(
    name: str, param: str, values: list | None, given: dict[str, Any] | None = None, from_text: bool = True
) -> list[Job]:
    """One job per value of `param` (None: every allowed value), the other parameters at their defaults
    or as given; every value is validated before anything runs."""
    path = find(name)
    declared = parse_parameters(parameters_cell(_notebook(path)), where=path.name)
    short = short_name(path)
    check_name(param, declared, short)
    others = {k: v for k, v in (given or {}).items() if k != param}
    if values is None:
        values = declared[param].allowed(resolve(declared, others, short, from_text=from_text))
        if values is None:
            raise RunError(
                f"{param} of {short} has no finite set of values to sweep; name them, as in --sweep {param}=A,B."
            )
    else:
        values = [convert(declared[param], v) if isinstance(v, str) else v for v in values]
    defaults = {k: p.default for k, p in declared.items()}
    return [
        Job(short, path, resolve(declared, {**others, param: v}, short, from_text=from_text), defaults, sweep=param)
        for v in values
    ]


# Fields papermill writes that differ between two executions of the same inputs: times, the paths of this
# machine and process, and the random id of the injected cell. They are removed, made relative or fixed, so
# that executed copies of the same inputs are identical byte for byte (tests/test_reliability.py). The output
# path goes too: a chapter and its swept copy with the same inputs are executed once and copied, in whichever
# order the plan met them, and each copy's place is its own path.
VOLATILE_PAPERMILL_FIELDS = ("start_time", "end_time", "duration", "output_path")


def _finish(job: Job, nb) -> None:
    """Mark the executed copy: its inputs, its parameters, the injected cell collapsed, a banner if non-default;
    drop what varies between executions."""
    papermill = nb.metadata.get("papermill", {})
    for key in VOLATILE_PAPERMILL_FIELDS:
        papermill.pop(key, None)
    papermill["input_path"] = relpath(job.path)
    nb.metadata["claimbook"] = {
        "inputs_hash": job.inputs_hash,
        "notebook": job.path.name,
        "parameters": job.params,
        "non_default": job.non_default,
        "summary": job.summary,  # the reproducibility appendix lists the chapters, not the other summaries
    }
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"hide-input"})
    if job.non_default:
        changed = ", ".join(
            f"{md_code(f'{k}={shorten(v)}')} (default {md_code(shorten(job.defaults[k]))})"
            for k, v in job.non_default.items()
        )
        banner = nbformat.v4.new_markdown_cell(
            f":::{{important}} Rerun with other parameters\nThis chapter was executed with {changed}; "
            f"its figures and verdicts follow from those values, not from the defaults.\n:::"
        )
        banner.metadata["tags"] = ["claimbook-banner"]
        banner["id"] = "claimbook-banner"
        first_heading = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), 0)
        nb.cells.insert(first_heading + 1, banner)


def md_code(text: str) -> str:
    """Text as a Markdown code span: shown literally (no markup, no roles, no HTML), whatever it holds."""
    text = " ".join(str(text).splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def check_inputs() -> None:
    """Refuse to run on a damaged register or data file, before any notebook starts (and so before any
    executed copy could change)."""
    from claimbook.core import data, evidence, register

    problems = [f"seeds/{p}" if p.startswith("claims.yaml") else p for p in register.validate()] + data.check_all()
    problems += evidence.validate() if not problems else []
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise RunError(
            f"the inputs are damaged: {'; '.join(p.rstrip('.') for p in problems[:3])}{more}; nothing was run and the last "
            f"good chapters and book are unchanged (`python -m claimbook check` lists every problem)."
        )


def warm_up(datasets: bool = True, modules: Iterable[str] | None = None) -> None:
    """Import what the notebooks import (the package `modules` they use, all by default), compile the
    templates, and parse the register and (for chapters, not the summaries) every dataset, once, before
    forking."""
    import importlib

    from claimbook.builder import engine
    from claimbook.core import data, evidence, html, register

    for module in engine.WARM_MODULES:
        importlib.import_module(module)
    for module in dependencies.all_modules() if modules is None else modules:
        if module.endswith("__main__"):  # it would run the CLI
            continue
        try:
            importlib.import_module("claimbook." + module.removesuffix("/__init__").replace("/", "."))
        except Exception:  # noqa: BLE001 - a broken module fails, with its own message, in the notebook that imports it
            pass
    try:
        html.compile_templates()
    except Exception:  # noqa: BLE001 - a broken template fails, with its own message, in the notebook that renders it
        pass
    try:
        register.claims()
        for name in data.dataset_names() if datasets else ():
            data.load(name)
        evidence.records()
        evidence.entry("")
    except ClaimbookError:
        pass  # a damaged input: the notebook that reads it will fail and name it


def _execute(job: Job) -> tuple[float, str | None, str | None]:
    """Run one notebook (in a forked child); returns (seconds, error sentence or None, the finished copy in
    _build/tmp/ that the parent moves into place)."""
    import papermill as pm

    from claimbook.builder.engine import ENGINE_NAME

    start = time.perf_counter()
    tmp = inside_build(workspace.TMP_DIR / f"{job.output.stem}.{os.getpid()}.ipynb")
    error = None
    try:
        pm.execute_notebook(
            str(job.path),
            str(tmp),
            parameters=job.params,
            kernel_name=KERNEL,
            cwd=str(job.path.parent),
            progress_bar=False,
            log_output=False,
            engine_name=ENGINE_NAME,
        )
    except pm.PapermillExecutionError as exc:
        error = (
            f"{relpath(job.path)} failed in cell {_source_cell_number(job.path, exc.source)}: "
            f"{exc.ename}: {shorten(_first_line(exc.evalue), 200)[1:-1]}"
        )
    except Exception as exc:  # kernel died, notebook unreadable, ...
        error = (
            f"{relpath(job.path)} could not be executed: {type(exc).__name__}: {shorten(_first_line(exc), 200)[1:-1]}"
        )
    seconds = time.perf_counter() - start
    if error is None and tmp.exists():
        nb = nbformat.read(tmp, as_version=4)
        if nb.metadata.get("papermill", {}).get("exception"):
            error = f"{relpath(job.path)} failed: papermill recorded an exception."
        else:
            _finish(job, nb)
            nbformat.write(nb, tmp)
            return seconds, None, str(tmp)  # whole; the parent moves it into place
    if error is not None:
        workspace.FAILED_DIR.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            os.replace(tmp, workspace.FAILED_DIR / job.output.name)
    return seconds, error, None


def _child(job: Job, conn, parent: int) -> None:
    gc.enable()  # a notebook's garbage is collected (claimbook.__main__ turned it off in the command's process)
    die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # its own group, so a time limit stops whatever the notebook started too
    for sig in (signal.SIGTERM, signal.SIGINT):  # the parent's handler is for the parent
        signal.signal(sig, signal.SIG_DFL)
    try:
        result = _execute(job)
    except BaseException as exc:  # noqa: BLE001 - reported as the notebook's failure, in one sentence
        result = (
            0.0,
            f"{relpath(job.path)} could not be executed: {type(exc).__name__}: {shorten(_first_line(exc), 200)[1:-1]}",
            None,
        )
    conn.send(result)
    conn.close()


@functools.cache
def _inputs_sound() -> None:
    """Once per run, before any executed copy changes: refuse damaged inputs. (When every notebook is reused,
    the inputs are those of the last good execution, so this is not needed.) Inputs found sound are not
    checked again until they, or the package that checks them, change."""
    checked = workspace.BUILD_DIR / INPUTS_CHECKED
    digest = files_digest(
        [
            *_input_files(),
            *sorted(p for p in workspace.PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
        ]
    )
    if not (checked.is_file() and checked.read_text() == digest):
        check_inputs()
        write_whole(digest.encode(), checked)


@functools.cache
def _warmed_up(datasets: bool, modules: tuple[str, ...]) -> None:
    warm_up(datasets, modules)


def _execute_all(
    todo: list[Job], workers: int, out, timeout: float, alongside: Alongside, summary_outputs: list[Path] | None = None
) -> list[str]:
    """Execute the jobs, `workers` at a time, each in a forked child; each finished copy is moved into place
    through the session's journal (and `alongside` told). `summary_outputs`: the copies this phase of
    summaries writes, announced once the first children run. Returns the error sentences."""
    import multiprocessing
    from multiprocessing.connection import wait

    # only the package modules these notebooks use: a rerun's summaries need none of the chapters' modules
    sources = {job.path for job in todo}  # a chapter and its swept copies share one
    _warmed_up(any(not job.summary for job in todo), tuple(sorted({m for p in sources for m in package_modules(p)})))
    if not gc.isenabled():  # the command's process (claimbook.__main__): the workers never walk what it loaded
        gc.freeze()
    ctx = multiprocessing.get_context("fork")
    pending, errors = list(todo), []
    running: dict[int, tuple] = {}  # sentinel -> (process, pipe, job, deadline)
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop(0)
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(job, send, os.getpid()), daemon=True)
            proc.start()
            send.close()
            running[proc.sentinel] = (proc, receive, job, time.monotonic() + timeout)
        if summary_outputs is not None:  # once the first children run: this process is free while they work
            alongside.summaries_running(summary_outputs)
            summary_outputs = None
        now = time.monotonic()
        ready = wait(list(running), timeout=max(0.0, min(r[3] for r in running.values()) - now))
        for sentinel in [s for s, r in running.items() if s not in ready and r[3] <= time.monotonic()]:
            proc, receive, job, _ = running.pop(sentinel)
            _stop(proc)
            (workspace.TMP_DIR / f"{job.output.stem}.{proc.pid}.ipynb").unlink(missing_ok=True)  # its half-written copy
            say(f"  {job.label:<12} STOPPED after {timeout:g} s", out)
            errors.append(
                f"{relpath(job.path)} did not finish within {timeout:g} s, the time limit per notebook, "
                f"and was stopped (give more with --timeout SECONDS)"
            )
        for sentinel in [s for s in ready if s in running]:
            proc, receive, job, _ = running.pop(sentinel)
            try:
                seconds, error, staged = receive.recv()
            except (EOFError, OSError):  # the child died before reporting
                seconds, error, staged = (
                    0.0,
                    (f"{relpath(job.path)} could not be executed: its process ended with code {proc.exitcode}"),
                    None,
                )
            proc.join()
            if staged is None:
                (workspace.TMP_DIR / f"{job.output.stem}.{proc.pid}.ipynb").unlink(missing_ok=True)
            if error is None and staged:
                current_session().replace(Path(staged), job.output)  # atomic and journalled
                alongside.written(job.output)
            say(f"  {job.label:<12} {'FAILED' if error else 'done'} in {seconds:.1f} s", out)
            runreport.note(job, "failed" if error else "executed", seconds)
            if error:
                errors.append(error.rstrip("."))
    return errors


def _stop(proc) -> None:
    """Kill a worker and whatever it started (its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, OSError):
        proc.kill()
    proc.join(timeout=10)


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
    """On SIGTERM/SIGINT: stop the workers, undo what this command replaced, drop half-written files, exit."""
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            child.kill()
    except Exception:
        pass
    with contextlib.suppress(Exception):
        if (held := open_session()) is not None:
            held.rollback()
    with contextlib.suppress(OSError):
        for p in workspace.TMP_DIR.glob("*.ipynb"):
            p.unlink(missing_ok=True)
    say("claimbook: interrupted; the executed chapters and the book are as they were before this command.", sys.stderr)
    os._exit(128 + signum)


def _executed_digest(exclude: set[str]) -> str:
    """Hash of what the summaries read of the executed chapters and swept copies (the summaries' own copies
    excluded): which copies there are, the parameters each ran with and the verdicts it recorded. Figures,
    tables and text are not read by any summary, so a rerun that changes them alone reruns no summary.
    (Reading them here also reads them once for the summaries, forked after it, and for the exports.)"""
    h = hashlib.sha256()
    for p in sorted([*workspace.EXECUTED_DIR.glob("*.ipynb"), *workspace.SWEEP_DIR.glob("*/*.ipynb")]):
        if p.name in exclude and p.parent == workspace.EXECUTED_DIR:
            continue
        h.update(p.relative_to(workspace.BUILD_DIR).as_posix().encode())
        try:
            meta, verdicts = read_executed(p)
            read = [meta.get("notebook"), meta.get("parameters"), meta.get("non_default"), verdicts]
            h.update(json.dumps(read, sort_keys=True, default=str).encode())
        except (OSError, ValueError):  # unreadable: its bytes, so any change still counts
            h.update(hashlib.sha256(p.read_bytes() if p.is_file() else b"").digest())
    return h.hexdigest()


def _summary_reads(path: Path, shared: str, own: set[str]) -> str:
    """What a summary's output depends on besides its source and modules: the data and register, the
    executed chapters' verdicts when it collects them, the checkout's revision when it names it."""
    extra = shared
    if reads_executed(path):
        extra += _executed_digest(own)
    if _uses(path, "builder/provenance"):
        from claimbook.builder.provenance import git_revision  # the reproducibility appendix names the revision

        extra += git_revision()
    return extra


def _run_phase(
    jobs: list[Job],
    shared,
    force: bool,
    jobs_limit: int | None,
    out,
    timeout: float = NOTEBOOK_TIMEOUT,
    alongside: Alongside | None = None,
) -> list[str]:
    """Execute the jobs that are out of date, in parallel; returns the error sentences. `shared` is the
    digest of the inputs besides the notebook, its parameters and its modules (text, or a function of the
    notebook's path)."""
    todo: dict[str, Job] = {}  # by inputs hash: a swept copy equal to the chapter is executed once
    current: dict[str, Path] = {}  # inputs hash -> an up-to-date executed copy
    copies: list[Job] = []
    extra: dict[Path, str] = {}
    for job in jobs:
        if job.path not in extra:
            extra[job.path] = (shared(job.path) if callable(shared) else shared) + _code_digest(job.path)
        job.inputs_hash = inputs_hash(job.path, job.params, extra[job.path])
        if not force and job.output.exists() and recorded(job.output).get("inputs_hash") == job.inputs_hash:
            say(f"  {job.label:<12} reused (inputs unchanged)", out)
            runreport.note(job, "reused")
            current[job.inputs_hash] = job.output
        elif job.inputs_hash in todo:
            copies.append(job)
        else:
            todo[job.inputs_hash] = job
    for h in [h for h in todo if h in current]:  # same inputs as a copy already up to date
        copies.append(todo.pop(h))
    if not todo and not copies:
        return []
    _inputs_sound()  # before anything changes
    alongside = alongside or Alongside()
    alongside.changing()
    workers = max(1, min(len(todo) or 1, jobs_limit or os.cpu_count() or 1))
    for job in todo.values():
        say(f"  {job.label:<12} running" + (f" with {shorten(job.non_default, 200)}" if job.non_default else ""), out)
    # a phase of summaries announces the copies it writes (the book reads each as it is written)
    outputs = [job.output for job in [*todo.values(), *copies]] if all(job.summary for job in jobs) else None
    errors = _execute_all(list(todo.values()), workers, out, timeout, alongside, outputs) if todo else []
    for job in copies:
        source = current.get(job.inputs_hash) or todo[job.inputs_hash].output
        if source.exists() and recorded(source).get("inputs_hash") == job.inputs_hash:
            write_whole(source.read_bytes(), job.output)
            alongside.written(job.output)
            say(f"  {job.label:<12} copied from {relpath(source)} (same inputs)", out)
            runreport.note(job, "copied")
    return errors


def run(
    names: list[str] | None = None,
    given: dict[str, Any] | None = None,
    from_text: bool = True,
    jobs_limit: int | None = None,
    force: bool = False,
    keep_parameters: bool = False,
    sweep: tuple[str, list | None] | None = None,
    sweeps: bool = True,
    out=None,
    timeout: float | None = None,
    alongside: Alongside | None = None,
) -> list[Job]:
    """Execute what is out of date inside a session (the lock, and all or nothing); raises RunError naming
    every failed notebook. `alongside` is told what happens, for the work the command does meanwhile (the book).

    Chapters run first, together with their robustness sweeps (each value of the parameters a chapter
    declares in `claimbook.sweep`, the others at their defaults; `sweeps=False` skips them). With `sweep` (the command line's
    --sweep), the named chapters run only as swept copies of that parameter. Then the summaries run
    (notebooks marked `claimbook.summary`, which read the executed chapters): they are always included, so
    they never show stale verdicts. The exports are derived by the pipeline (claimbook.builder.pipeline).
    """
    timeout = timeout or NOTEBOOK_TIMEOUT
    with session(out):
        out = out or sys.stdout
        # the build's own plan (every notebook, its last parameters, the sweeps as declared): it may stop early
        whole_plan = names is None and sweep is None and not given and keep_parameters
        stamp_key = _plan_key(sweeps) if whole_plan else ""
        if whole_plan and not force:
            reused = _unchanged(stamp_key, out)
            if reused is not None:
                return reused
        if sweep is not None:
            if not names:
                raise RunError("--sweep needs the chapter to sweep, as in `run reserves --sweep edition`.")
            jobs = [j for n in names for j in plan_sweep(n, sweep[0], sweep[1], given, from_text)]
        else:
            jobs = plan(names, given or {}, from_text, keep_parameters)
            if sweeps:
                jobs += [
                    sj
                    for j in jobs
                    if not j.summary
                    for p, values in declared_sweep_values(j.path).items()
                    for sj in plan_sweep(j.name, p, values)
                ]
        named = {j.path for j in jobs}
        summaries = [j for j in jobs if j.summary]
        unnamed = [p.name for p in all_notebooks().values() if p not in named and is_summary(p)]
        summaries += plan(unnamed, {}, True, keep_parameters=True) if unnamed else []
        chapters = [j for j in jobs if not j.summary]
        for d in (workspace.EXECUTED_DIR, workspace.TMP_DIR):
            inside_build(d).mkdir(parents=True, exist_ok=True)
        for stale in workspace.TMP_DIR.glob("*.ipynb"):  # left by a run that was killed
            stale.unlink()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, _kill_kernels)
        _inputs_sound.cache_clear()
        _warmed_up.cache_clear()
        runreport.start()
        shared = _shared_inputs_digest()
        errors = _run_phase(chapters, shared, force, jobs_limit, out, timeout, alongside)
        if not errors and summaries:
            own = {j.path.name for j in summaries}
            errors = _run_phase(
                summaries,
                lambda path: _summary_reads(path, shared, own),
                force,
                jobs_limit,
                out,
                timeout,
                alongside,
            )
        runreport.write()
        if not errors and whole_plan:
            _write_plan_stamp(stamp_key, chapters + summaries)
        if errors:
            kept = "; ".join(dict.fromkeys(errors))  # a swept copy failing like its chapter is said once
            where = (
                f"the failed copy is in {relpath(workspace.FAILED_DIR)}/ and "
                if any(" failed" in e for e in errors)
                else ""
            )
            raise NotebookFailed(f"{kept}; {where}the last good executed chapters and book are unchanged.")
        return chapters + summaries


def _plan_key(sweeps: bool) -> str:
    """A digest of every input of a whole build: the notebooks, the data, the register, the lock, the
    package, the revision (the reproducibility appendix names it) and whether the sweeps run."""
    from claimbook.builder.provenance import git_revision

    files = [
        *sorted(all_notebooks().values()),
        *_input_files(),
        *(
            f
            for m in dependencies.all_modules(workspace.PACKAGE_DIR)
            for f in dependencies.module_files(m, workspace.PACKAGE_DIR)
        ),
    ]
    return hashlib.sha256(f"plan 1 {sweeps} {git_revision()} {files_digest(files)}".encode()).hexdigest()


def _outputs_digest() -> str:
    """Every executed chapter and swept copy as it is now (a rerun by hand, a deletion: the plan is redone)."""
    return files_digest(sorted([*workspace.EXECUTED_DIR.glob("*.ipynb"), *workspace.SWEEP_DIR.glob("*/*.ipynb")]))


def _write_plan_stamp(key: str, jobs: list[Job]) -> None:
    stamp = {
        "key": key,
        "outputs": _outputs_digest(),
        "jobs": [
            {
                "name": j.name,
                "path": relpath(j.path),
                "params": j.params,
                "defaults": j.defaults,
                "summary": j.summary,
                "sweeps": list(j.sweeps),
                "sweep": j.sweep,
                "inputs_hash": j.inputs_hash,
            }
            for j in jobs
        ],
    }
    write_whole(
        json.dumps(stamp, sort_keys=True, default=str).encode(), workspace.BUILD_DIR / PLAN_STAMP, only_if_changed=True
    )


def _unchanged(key: str, out) -> list[Job] | None:
    """When the inputs and the executed copies are those of the last whole build: every job, reported
    reused, without parsing a notebook or loading a dataset. None when anything differs."""
    try:
        stamp = json.loads((workspace.BUILD_DIR / PLAN_STAMP).read_bytes())
        if stamp.get("key") != key or stamp.get("outputs") != _outputs_digest():
            return None
        jobs = [
            Job(
                j["name"],
                ROOT / j["path"],
                j["params"],
                j["defaults"],
                j["summary"],
                tuple(j["sweeps"]),
                j["sweep"],
                j["inputs_hash"],
            )
            for j in stamp["jobs"]
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(j.output.is_file() for j in jobs):
        return None
    runreport.start()
    for job in jobs:
        say(f"  {job.label:<12} reused (inputs unchanged)", out)
        runreport.note(job, "reused")
    runreport.write()
    return jobs


def _is_summary(nb) -> bool:
    return bool(nb.metadata.get("claimbook", {}).get("summary"))


def is_summary(path: Path) -> bool:
    """Whether a notebook summarises the executed chapters (and so runs after them)."""
    return _is_summary(_notebook(path))
