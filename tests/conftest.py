"""Shared fixtures: the built book (built once per run, as `make book` does), CLI helpers, and temporary
project roots for the tests that damage inputs or change what the build holds.

The checkout is never written outside its `_build/` (generated, git-ignored). A test that damages data, the
register or a notebook, or that reruns, kills or races builds, works in a temporary project root: a copy of
the inputs and of the built `_build/`, which the package is pointed at with CLAIMBOOK_ROOT. An interrupted
run leaves that copy behind in the temporary folder and the checkout clean (tests/test_containment.py).

Markers (pyproject.toml): `book` is added here to every test that needs the built book (the `built_book` or
`project` fixtures, and the notebooks nbval runs); `browser`, `reliability`, `damaging` and `slow` are set
by the tests themselves.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import claimbook
from claimbook import BUILD_DIR, ROOT

BUILD = BUILD_DIR
# No standby (claimbook.builder.standby) after the tests' commands: it would outlive them and their project
# copies. tests/test_standby.py turns it on for its own commands.
os.environ["CLAIMBOOK_STANDBY"] = "0"
EXECUTED = BUILD / "executed"
HTML = BUILD / "html"
PACKAGE_PARENT = Path(claimbook.__file__).resolve().parents[1]  # where `import claimbook` finds the package

# -- the checkout's _build: one command at a time across the test processes -----------------------------------

TESTS_LOCK = BUILD / ".tests.lock"  # held by a test process while it runs a build command in the checkout
_held = {"fd": -1, "depth": 0}


@contextlib.contextmanager
def checkout_lock():
    """Hold the test processes' lock on the checkout's _build (re-entrant within a process).

    Under pytest-xdist two workers could otherwise start commands in the checkout together, and the second
    would end with the build's own "another claimbook build ... is running" (it holds _build/.lock)."""
    if _held["depth"] == 0:
        BUILD.mkdir(exist_ok=True)
        fd = os.open(TESTS_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held["fd"] = fd
    _held["depth"] += 1
    try:
        yield
    finally:
        _held["depth"] -= 1
        if _held["depth"] == 0:
            os.close(_held["fd"])  # closing the descriptor releases the lock
            _held["fd"] = -1


# -- `python -m claimbook ARGS`, as a user runs it ---------------------------------------------------------------

SERVER = Path(__file__).parent / "tools" / "cli_server.py"


class CliServer:
    """Runs `python -m claimbook ARGS` commands for one project root, each in a process forked from a server that
    has the package and its libraries imported already (tests/tools/cli_server.py): a command costs its own
    work, not the second of imports a new interpreter pays (the suite runs some hundred commands)."""

    def __init__(self, env: dict, cwd: Path):
        self.env = env
        self.proc = subprocess.Popen(
            [sys.executable, "-P", str(SERVER)],
            cwd=cwd,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        ready = self.proc.stdout.readline()
        assert ready == "ready\n", f"the command server did not start ({ready!r})"

    def run(self, args: tuple[str, ...], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
        import json
        import tempfile

        command = [sys.executable, "-m", "claimbook", *args]
        with tempfile.TemporaryDirectory(prefix="claimbook-cli-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            request = {"argv": list(args), "cwd": str(cwd), "out": str(out), "err": str(err), "timeout": timeout}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            answer = json.loads(self.proc.stdout.readline())
            if answer == "timeout":
                raise subprocess.TimeoutExpired(command, timeout)
            return subprocess.CompletedProcess(
                command, answer, out.read_text(errors="replace"), err.read_text(errors="replace")
            )

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        for pipe in (self.proc.stdin, self.proc.stdout):  # closed here, not by the garbage collector (a warning)
            if pipe is not None and not pipe.closed:
                pipe.close()


_SERVERS: dict[Path, CliServer] = {}
_SERVED: set[Path] = {ROOT}  # the roots whose commands go through a server (the others start an interpreter)


def cli_server(root: Path, env: dict) -> CliServer:
    server = _SERVERS.get(root)
    if server is None or server.proc.poll() is not None:  # one per root, started with its environment
        if server is not None:
            server.close()
        server = _SERVERS[root] = CliServer(env, root)
    return server


def close_cli_server(root: Path) -> None:
    server = _SERVERS.pop(root, None)
    if server is not None:
        server.close()


def package_path() -> str:
    """PYTHONPATH for a command the tests start: this checkout's package first, then the tests' own path."""
    path = [str(PACKAGE_PARENT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return os.pathsep.join(dict.fromkeys(path))


def checkout_env() -> dict:
    """The environment of a command in the checkout: the tests' own, warnings off, the package importable."""
    return {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": package_path()}


def run_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m claimbook ARGS` in the checkout, as a user runs it (one command at a time)."""
    with checkout_lock():
        return cli_server(ROOT, checkout_env()).run(args, ROOT, timeout)


def tree_digest(path: Path) -> str:
    """One hash over every file below path (names and bytes), to prove a folder was left untouched."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if p.is_file():
            h.update(str(p.relative_to(path.parent)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


_BOOK: dict[str, Path] = {}
BOOK_MARKER = "CLAIMBOOK_TESTS_BOOK_MARKER"  # names the file that says this test run has built the book
_CONFIG: dict = {}


def pytest_configure(config):
    _CONFIG["config"] = config
    try:
        import nbval.kernel
    except ImportError:
        return
    nbval.kernel.KernelManager = ipc_kernel_manager  # the kernels nbval starts for the notebooks


def ipc_kernel_manager(**kwargs):
    """A Jupyter kernel manager whose kernel listens on Unix sockets in the temporary folder, not on TCP ports.

    A TCP port is picked for a kernel some time before the kernel binds it; with two workers (and Chromium's
    connections) another process can take it first, and the kernel dies at start ("Kernel died before replying
    to kernel_info")."""
    import tempfile
    import uuid

    from jupyter_client.manager import KernelManager

    if "kernels" not in _CONFIG:  # this process's folder of sockets, removed at the end of the run
        _CONFIG["kernels"] = tempfile.mkdtemp(prefix="claimbook-kernels-")
    return KernelManager(transport="ipc", ip=os.path.join(_CONFIG["kernels"], uuid.uuid4().hex[:12]), **kwargs)


def pytest_unconfigure(config):
    if "kernels" in _CONFIG:
        shutil.rmtree(_CONFIG.pop("kernels"), ignore_errors=True)


def book_marker() -> Path | None:
    """The file that says this test run built the book: in the run's temporary folder, shared by the xdist
    workers, and handed (BOOK_MARKER) to the pytest runs that tests start; None outside a test run."""
    if os.environ.get(BOOK_MARKER):
        return Path(os.environ[BOOK_MARKER])
    config = _CONFIG.get("config")
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return None
    base = factory.getbasetemp()
    return (base.parent if hasattr(config, "workerinput") else base) / "book-built"


def ensure_built_book() -> Path:
    """The whole book, executed and built with warnings as errors, at its default parameters: built once per
    test run, by the first process that needs it (the others wait, then find it done)."""
    if "html" not in _BOOK:
        with checkout_lock():
            marker = book_marker()
            if marker is None or not marker.exists():
                if _rerun_left_behind():  # back to the defaults first (`build` keeps a rerun's parameters)
                    proc = run_cli("run")
                    assert proc.returncode == 0, proc.stderr
                proc = run_cli("build")
                assert proc.returncode == 0, f"the book build failed:\n{proc.stdout}\n{proc.stderr}"
                if marker is not None:
                    marker.write_text("built\n")
        assert (HTML / "index.html").exists()
        _BOOK["html"] = HTML
    return _BOOK["html"]


def _rerun_left_behind() -> bool:
    """Whether an executed chapter ran with parameters other than its defaults (a developer's `make run`)."""
    import json

    for path in EXECUTED.glob("*.ipynb"):
        try:
            meta = json.loads(path.read_bytes())["metadata"].get("claimbook", {})
        except (OSError, ValueError, KeyError):
            return True  # unreadable: let `run` deal with it
        if meta.get("non_default"):
            return True
    return False


@pytest.fixture(scope="session")
def built_book():
    """The checkout's built book (_build/html). Tests only read it: whatever changes it runs in a project copy."""
    return ensure_built_book()


# -- a temporary project root: the inputs and the built book, copied; the package pointed at it ---------------

INPUTS = ("data", "seeds", "notebooks", "book", "_config.yml", "_toc.yml", "requirements.txt", "Makefile")
BUILD_PARTS = ("html", "executed", "sweeps", "cache")  # not jb/: Sphinx starts afresh in another folder anyway
EXPORTS = ("verdicts.json", "verdicts.csv", "claimreview.jsonld")
BUILD_FILES = (*EXPORTS, ".plan-stamp.json", "run-report.json", ".inputs-checked")


def _git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True)


@functools.cache
def in_git_checkout() -> bool:
    if shutil.which("git") is None:
        return False
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=ROOT, capture_output=True, text=True)
    return proc.returncode == 0 and Path(proc.stdout.strip()).resolve() == ROOT


def make_project(dest: Path) -> Path:
    """A project root at dest with the checkout's inputs as they are now and its built book.

    In a git checkout dest is a clone at the same commit with the same uncommitted changes, so the book's
    revision and page dates are the checkout's and the copied book is up to date there (no rebuild); elsewhere
    a plain copy of the inputs, settled by one build (the appendix that names the revision runs again)."""
    if in_git_checkout():
        head = _git("rev-parse", "HEAD").stdout.decode().strip()
        _git("clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(dest), cwd=dest.parent)
        _git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", head, cwd=dest)
        changed = _git(
            "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"
        ).stdout
        for entry in filter(None, changed.decode().split("\0")):
            name = entry[3:]
            src, target = ROOT / name, dest / name
            if src.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target)
            elif target.is_file():
                target.unlink()
    else:
        dest.mkdir(parents=True, exist_ok=True)
        for name in INPUTS:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
            elif src.is_file():
                shutil.copy2(src, dest / name)
    for part in BUILD_PARTS:
        if (BUILD / part).is_dir():  # cache/: only once a dataset was validated
            shutil.copytree(BUILD / part, dest / "_build" / part, symlinks=True)
    for name in BUILD_FILES:
        if (BUILD / name).is_file():
            shutil.copy2(BUILD / name, dest / "_build" / name)
    if not in_git_checkout():  # settle a plain copy: the appendix that names the revision runs once here
        proc = project_cli(dest, "build")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return dest


def project_env(box: Path) -> dict:
    """The environment of a command run in a project copy: CLAIMBOOK_ROOT names it, the package is this
    checkout's, the articles are the real ones, and CI is unset (tests that want it set it)."""
    from claimbook.core import register

    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CLAIMBOOK_ROOT")}
    env.update(
        {
            "CLAIMBOOK_ROOT": str(box),
            "PYTHONPATH": package_path(),
            "PYTHONWARNINGS": "ignore",
            "CLAIMBOOK_ARTICLES": str(register.ARTICLES_DIR),
        }
    )
    return env


def project_command(*args: str) -> list[str]:
    """`python -m claimbook ARGS` that imports this checkout's package (-P: not a copy in the working folder)."""
    return [sys.executable, "-P", "-m", "claimbook", *args]


def project_cli(box: Path, *args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m claimbook ARGS` run in a project copy (its own data, register, notebooks and _build); with
    `env` (variables the package reads when imported, such as CLAIMBOOK_ARTICLES), in a new interpreter."""
    if env or box not in _SERVED:
        return subprocess.run(
            project_command(*args),
            cwd=box,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**project_env(box), **(env or {})},
        )
    return cli_server(box, project_env(box)).run(args, box, timeout)


@pytest.fixture(scope="module")
def project(built_book, tmp_path_factory):
    """A project root of this module's own, with the built book; a test that changes it puts it back."""
    box = make_project(tmp_path_factory.mktemp("project") / "root")
    _SERVED.add(box)  # many commands run here: through a command server
    yield box
    _SERVED.discard(box)
    close_cli_server(box)


# -- the checkout as it was: no test writes into it --------------------------------------------------------------

WATCHED = ("data", "seeds", "notebooks", "book")  # the inputs the damaging tests damage (in project copies)


def checkout_state() -> tuple:
    """`git status` (tracked changes and untracked files, ignored ones aside) and one hash per input folder."""
    status = subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return status, {name: tree_digest(ROOT / name) for name in WATCHED}


def checkout_changes(before: tuple, after: tuple) -> str:
    """What differs between two checkout_state()s, in one sentence ("" when nothing does)."""
    status = sorted(set(before[0].splitlines()) ^ set(after[0].splitlines()))
    folders = [name for name in WATCHED if before[1].get(name) != after[1].get(name)]
    if not status and not folders:
        return ""
    parts = ([f"`git status` lines {status}"] if status else []) + ([f"the files of {folders}"] if folders else [])
    return f"the test run changed the checkout ({'; '.join(parts)}): a test wrote outside its project copy."


def pytest_sessionstart(session):
    # The whole run, every damaging test finished, leaves the checkout as it was (the controller checks,
    # once, around all the xdist workers; tests/test_containment.py kills a run of them midway).
    if not hasattr(session.config, "workerinput") and in_git_checkout():
        _CONFIG["checkout"] = checkout_state()


def pytest_sessionfinish(session):
    for root in list(_SERVERS):
        close_cli_server(root)
    before = _CONFIG.pop("checkout", None)
    change = checkout_changes(before, checkout_state()) if before is not None else ""
    if change:
        session.config.get_terminal_writer().line(f"FAILED (containment): {change}", red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def damage(project):
    """Damage files of the project copy; they are put back from the checkout after the test."""
    touched: list[str] = []

    def apply(rel: str, change):
        touched.append(rel)
        change(project / rel)

    yield apply
    for rel in touched:
        target, source = project / rel, ROOT / rel
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.copy2(source, target)


def published_state(box: Path) -> tuple:
    """What a reader sees: the HTML book, the executed chapters and the exports (bytes)."""
    build = box / "_build"
    return (
        tree_digest(build / "html"),
        tree_digest(build / "executed"),
        tuple(tree_digest(build / name) for name in EXPORTS),
    )


def assert_exports_agree_with_pages(root: Path) -> None:
    """Every export says what every page says: labels in verdicts.json and .csv equal the executed
    chapters', the ClaimReviews equal those embedded in each chapter's HTML, and the verdicts page's
    download copies are the exports themselves."""
    import csv
    import io

    from claimbook.core.rules import from_notebook

    build = root / "_build"
    shown = {}
    for path in sorted((build / "executed").glob("*.ipynb")):
        for cid, v in from_notebook(nbformat.read(path, as_version=4)).items():
            shown[cid] = (v["label"], v["conclusion"], path.stem)
    recs = {r["claim_id"]: r for r in json.loads((build / "verdicts.json").read_text())}
    rows = {r["claim_id"]: r for r in csv.DictReader(io.StringIO((build / "verdicts.csv").read_text()))}
    for cid, (label, conclusion, chapter) in shown.items():
        assert (recs[cid]["label"], recs[cid]["conclusion"], recs[cid]["chapter"]) == (label, conclusion, chapter), cid
        assert (rows[cid]["label"], rows[cid]["conclusion"]) == (label, conclusion), cid
    reviews = json.loads((build / "claimreview.jsonld").read_text())
    for page in sorted((build / "html" / "_build" / "executed").glob("*.html")):
        mine = [r for r in reviews if r["url"].startswith(f"_build/executed/{page.name}#")]
        embedded = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text())
        if mine:
            assert len(embedded) == 1 and json.loads(embedded[0]) == mine, page.name
            assert "<" not in embedded[0]
            text = page.read_text()
            for r in mine:  # the label shown on the page is the exported one
                cid = r["url"].rsplit("#", 1)[1].upper()
                assert f'id="verdict-{cid}"' in text, cid
        else:
            assert embedded == [], page.name
    for name in EXPORTS:
        copies = list((build / "html" / "_downloads").glob(f"*/{name}"))
        assert copies and all(c.read_bytes() == (build / name).read_bytes() for c in copies), name


# -- markers, and the order that keeps the pytest-xdist workers busy --------------------------------------------

BOOK_FIXTURES = {"built_book", "project"}

# `make test` runs `pytest -n 3 --dist loadscope --no-loadscope-reorder`: each module (each notebook, for nbval)
# is one unit of work on one worker, so its module fixtures are made once and a notebook's cells share a kernel;
# units are handed out in this order. The longest modules go first, and the many short ones fill in around
# them. Before the book is built (a fresh clone), the modules that do not need it come right after the first:
# one worker builds the book, the others run those.
LONGEST_FIRST = (  # by their time in a warm run (86, 54, 35, 34, 33, 30, 21, 18 and 5 s, three workers, 2026-11-29)
    "test_hostile.py",
    "test_new_chapter.py",
    "test_reliability.py",
    "test_browser.py",
    "test_determinism.py",
    "test_pdf.py",
    "test_lab.py",
    "test_pipeline.py",
    "test_containment.py",
)


def pytest_collection_modifyitems(config, items):
    needs_book: dict[str, bool] = {}
    for item in items:
        if BOOK_FIXTURES & set(getattr(item, "fixturenames", ())) or _is_notebook(item):
            item.add_marker(pytest.mark.book)
        module = _module(item)
        needs_book[module] = needs_book.get(module, False) or item.get_closest_marker("book") is not None
    cold = not (HTML / "index.html").exists()
    rank = {name: i + 1 for i, name in enumerate(LONGEST_FIRST[1:])}
    rank[LONGEST_FIRST[0]] = 0

    def key(item):
        module = _module(item)
        if module in rank:
            return rank[module] + (len(LONGEST_FIRST) if cold and rank[module] else 0)
        if cold and not needs_book[module]:
            return 1
        return 2 * len(LONGEST_FIRST)

    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (key(item), order[id(item)]))


def _module(item) -> str:
    return Path(str(item.fspath)).name


def _is_notebook(item) -> bool:
    return str(item.fspath).endswith(".ipynb")


def pytest_runtest_setup(item):
    if _is_notebook(item):  # the summaries read the executed chapters
        ensure_built_book()
