"""Assemble the book with jupyter-book (v1, Sphinx) from book/*.md, the executed chapters and the exports.

The build runs in a staging folder (_build/jb, kept for incremental Sphinx builds) with warnings as
errors; only a successful build replaces _build/html, so a failure leaves the last good book intact. A
build whose inputs are unchanged is skipped. The pipeline (claimbook.builder.pipeline) writes the exports
before calling `assemble`, so the pages and the downloads never disagree.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from claimbook import ROOT, ClaimbookError, say
from claimbook.builder.workspace import BUILD_DIR, PACKAGE_DIR, current_session, die_with_parent, files_digest

HTML_DIR = BUILD_DIR / "html"
STAGING_DIR = BUILD_DIR / "jb"
STAMP = ".claimbook-build"
BOOK_INPUTS = (
    "_config.yml",
    "_toc.yml",
    "book/**/*",
    "_build/executed/*.ipynb",
    "_build/verdicts.json",
    "_build/verdicts.csv",
    "_build/claimreview.jsonld",
)
# The package's part, found in the package itself (not under ROOT, which CLAIMBOOK_ROOT may point elsewhere):
# the templates of the cards, the generated pages and every page's date line, and the Sphinx extension with
# what it renders with (cards, published, ...).
PACKAGE_INPUTS = ("templates/*.html.j2", "builder/*.py")


class BookError(ClaimbookError):
    pass


def book_digest() -> str:
    found = [(ROOT, pattern) for pattern in BOOK_INPUTS] + [(PACKAGE_DIR, pattern) for pattern in PACKAGE_INPUTS]
    return files_digest(p for base, pattern in found for p in sorted(base.glob(pattern)) if p.is_file())


@dataclass
class _Early:
    """jupyter-book started early (prestart)."""

    args: list[str]
    proc: subprocess.Popen
    waits_for: set[str] | None = None  # once told to build: the pages the run is still writing


_started: _Early | None = None
# Present while a build reads pages that the run may still put back: a build stopped then (the run failed, or
# was killed) may have kept doctrees of pages the run restored, which Sphinx would take for current.
READING = STAGING_DIR / ".reading"
STANDING_BY = "claimbook: jupyter-book started, waiting"  # its first line, when a standby started it
ENVIRONMENT = STAGING_DIR / "_build" / ".doctrees" / "environment.pickle"  # Sphinx's, of the last build


def _discard_interrupted_build() -> None:
    """After a build stopped while reading, drop the staging environment: the next build reads every page."""
    if READING.exists():
        ENVIRONMENT.unlink(missing_ok=True)
        READING.unlink()


def _jupyter_book_process(args: list[str], standby: bool = False) -> None:
    """The body of jupyter-book's process started early: run jupyter-book up to the point where Sphinx starts
    reading the pages (its imports, the configuration, the extensions, the environment of the last build:
    about two seconds) and prepare what the build will use, then wait on standard input for the pages still
    being written (a JSON list of page names, sphinx_ext.PagesAsWritten) and build; exit, building nothing,
    when the input closes first. Started by a standby (claimbook.builder.standby), it may wait minutes: what
    git said of the pages' dates is asked again once the build is wanted."""
    gc.disable()  # during the start: the collector walking what the imports create is a tenth of their time
    from sphinx.application import Sphinx

    from claimbook.builder import sphinx_ext

    build = Sphinx.build

    def build_when_told(app, *a, **kw):
        with contextlib.suppress(Exception):  # whatever fails here fails again, with its message, in the build
            sphinx_ext.prepare()
        gc.freeze()  # what the start loaded stays: the collector no longer walks it during the build
        gc.enable()
        if standby:  # the standby waits for this line before it says it is ready
            print(STANDING_BY, flush=True)
        line = sys.stdin.readline()
        if not line:  # the command needs no book after all
            os._exit(0)
        if standby:
            from claimbook.builder import pagedates

            pagedates.read_git(again=True)
        sphinx_ext.PagesAsWritten(app, json.loads(line), sys.stdin).connect()
        READING.parent.mkdir(parents=True, exist_ok=True)
        READING.touch()
        result = build(app, *a, **kw)
        READING.unlink(missing_ok=True)  # read to the end (a stop leaves it: see _discard_interrupted_build)
        return result

    Sphinx.build = build_when_told  # type: ignore[method-assign,assignment]
    from jupyter_book.cli.main import main

    try:
        main(args=args, prog_name="jupyter-book")
        status = 0
    except SystemExit as exc:  # the build's status
        status = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    # Out at once: the interpreter's own exit frees Sphinx's whole environment object by object, about half
    # a second after the book is written.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _popen(cmd: list[str], text_input: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdin=subprocess.PIPE if text_input else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - nothing else runs threads here
    )


def prestart(builder: str = "html", standby: bool = False) -> None:
    """Start jupyter-book now, so that its start (imports, configuration, environment) overlaps the
    notebooks' execution; `read_when_written` lets it build while the summaries run, and the next build
    with this builder takes it. Only inside `started_early()`, which stops it when no build needs it, or in
    a standby, the next command's process (it dies with it)."""
    global _started
    if _started is None:
        _discard_interrupted_build()
        args = jupyter_book_arguments(builder)
        code = (
            "import sys, json; from claimbook.builder.book import _jupyter_book_process as p; "
            "p(json.loads(sys.argv[1]), sys.argv[2] == 'standby')"
        )
        command = [sys.executable, "-c", code, json.dumps(args), "standby" if standby else "command"]
        _started = _Early(args, _popen(command, text_input=True))


def wait_started(timeout: float) -> bool:
    """In a standby: wait until the jupyter-book it started has started (its line on standard output), at most
    `timeout` seconds; whether it has."""
    import select

    if _started is None or _started.proc.stdout is None:
        return False
    ready, _, _ = select.select([_started.proc.stdout], [], [], timeout)
    return bool(ready) and _started.proc.stdout.readline().strip() == STANDING_BY


def jupyter_book_died() -> bool:
    """Whether the jupyter-book started early has ended (it waits for a line until it is told to build)."""
    return _started is not None and _started.proc.poll() is not None


def _page(executed: Path) -> str:
    """The page (Sphinx document name) of an executed copy."""
    return executed.with_suffix("").relative_to(ROOT).as_posix()


def _tell(line: str) -> None:
    """A line to jupyter-book started early; one that cannot take it (it died) is stopped, and the book is
    then built by a new one."""
    assert _started is not None and _started.proc.stdin is not None
    try:
        _started.proc.stdin.write(line + "\n")
        _started.proc.stdin.flush()
    except (OSError, ValueError):
        _stop_started()


def read_when_written(outputs: list[Path]) -> None:
    """Let jupyter-book started early build now, while these executed copies are still being written: it
    reads every other changed page, then each of these as `written` announces it. Not when one of them is
    new (a first build): Sphinx finds its pages when it starts reading, so it waits for the whole run."""
    if _started is not None and _started.waits_for is None and all(p.exists() for p in outputs):
        pages = [_page(p) for p in outputs]
        _started.waits_for = set(pages)
        _tell(json.dumps(pages))


def written(output: Path) -> None:
    """This executed copy is in place: jupyter-book started early may read its page."""
    if _started is not None and _started.waits_for is not None and _page(output) in _started.waits_for:
        _tell(f"written {_page(output)}")


@contextlib.contextmanager
def started_early() -> Iterator[None]:
    """A command that may call prestart(): whatever it started and did not use is stopped on the way out."""
    try:
        yield
    finally:
        _stop_started()


def _stop_started() -> None:
    global _started
    if _started is not None:
        proc = _started.proc
        _started = None
        with contextlib.suppress(OSError):
            proc.kill()
        proc.communicate()


def _jupyter_book(args: list[str]) -> tuple[int, str]:
    """Run jupyter-book with these arguments (the one started early, when it was started with them): told
    that the run is done, it reads the pages made from the whole run and writes the book. Returns its status
    and its output."""
    global _started
    early = _started if _started is not None and _started.args == args and _started.proc.poll() is None else None
    if early is not None and early.waits_for is None:
        _tell("[]")  # build now: every page is written
        early = _started  # None when it could not take the line
    if early is not None:
        proc = early.proc
        _started = None
        stdout, stderr = proc.communicate("done\n")
    else:  # none started early, with other arguments, or it died: a new one
        _stop_started()
        _discard_interrupted_build()
        script = Path(sys.executable).parent / "jupyter-book"
        command = [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]
        proc = _popen(command + args)
        stdout, stderr = proc.communicate()
    return proc.returncode, stdout + stderr


def assemble(out=None) -> Path:
    """Build the HTML book from the executed chapters and the exports, inside the command's session;
    returns the index page. Raises BookError and keeps the last good book."""
    out = out or sys.stdout
    digest = book_digest()
    stamp = HTML_DIR / STAMP
    building = _started is not None and _started.waits_for is not None  # stopped now, the next build reads all
    if not building and stamp.exists() and stamp.read_text() == digest and (HTML_DIR / "index.html").exists():
        say("  book         up to date", out)
        return HTML_DIR / "index.html"
    built = run_jupyter_book("html", out)
    _swap_in(built, digest)
    return HTML_DIR / "index.html"


def check_executed() -> None:
    """Every chapter in the table of contents has an executed copy, or a BookError naming the first missing."""
    missing = [p for p in toc_chapters() if not p.exists()]
    if missing:
        raise BookError(f"{missing[0].relative_to(ROOT)} has not been executed; run `python -m claimbook run` first.")


def jupyter_book_arguments(builder: str) -> list[str]:
    """The one jupyter-book command line of the project: the book in the staging folder, warnings as errors."""
    return [
        "build",
        str(ROOT),
        "--path-output",
        str(STAGING_DIR),
        "--builder",
        builder,
        "-n",
        "-W",
        "--keep-going",
        "-q",
    ]


def run_jupyter_book(builder: str, out=None) -> Path:
    """Build the book with a Sphinx builder (html, singlehtml) in the staging folder; returns the output
    folder. Raises BookError, with the first warning, when a chapter is missing or the build warns."""
    out = out or sys.stdout
    check_executed()
    label = "book" if builder == "html" else f"book ({builder})"
    say(f"  {label:<12} building", out)
    status, output = _jupyter_book(jupyter_book_arguments(builder))
    built = STAGING_DIR / "_build" / builder
    if status != 0 or not (built / "index.html").exists():
        text = re.sub(r"\x1b\[[0-9;]*m", "", output)  # no terminal colours in messages
        messages = [ln for ln in text.splitlines() if "WARNING" in ln or "ERROR" in ln]
        for line in messages[:20]:
            say("    " + line[:300], sys.stderr)
        first = messages[0].strip() if messages else (text.strip().splitlines() or ["unknown error"])[-1]
        first = first[:300]
        if builder == "html":
            raise BookError(f"the book build failed ({first}); the last good book in _build/html is unchanged.")
        raise BookError(f"the {builder} build of the book failed ({first}).")
    return built


def _copy_build(built: Path, fresh: Path, published: Path) -> None:
    """fresh: a copy of the build, where a file Sphinx left as it was at the last swap (same size and time:
    copy2 keeps the time) is a hard link to the published one, whose bytes are the same, so most of the
    book's 16 MB are not copied again. Sphinx writes its staging files in place, and never the published ones."""

    def copy_or_link(source, target):
        with contextlib.suppress(OSError):
            old = published / Path(source).relative_to(built)
            now, then = os.stat(source), os.stat(old)
            if (now.st_size, now.st_mtime_ns) == (then.st_size, then.st_mtime_ns):
                os.link(old, target)
                return target
        return shutil.copy2(source, target)

    shutil.copytree(built, fresh, copy_function=copy_or_link)


def _swap_in(built: Path, digest: str) -> None:
    """Replace _build/html by a whole copy of the new build (with its stamp), by renames journalled in the
    session, never leaving it half-copied; a copy that fails (a full disk) is removed and the book stays."""
    fresh = BUILD_DIR / "html.new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        _copy_build(built, fresh, HTML_DIR)
        (fresh / STAMP).write_text(digest)
        if not (fresh / "index.html").is_file():
            raise BookError("the book build produced no index.html; the last good book in _build/html is unchanged.")
        current_session().replace(fresh, HTML_DIR)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def toc_chapters() -> list[Path]:
    import yaml

    from claimbook import _yaml_base

    toc = yaml.load((ROOT / "_toc.yml").read_text(encoding="utf-8"), Loader=_yaml_base(True))  # noqa: S506 - safe
    files = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc)
    return [ROOT / f"{f}.ipynb" for f in files if f.startswith("_build/executed/")]
