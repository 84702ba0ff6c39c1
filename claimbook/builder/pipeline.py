"""The build pipeline, above the runner: execute what is out of date, derive the exports from the
executed chapters, and assemble the book (or print it as a PDF).

Each step runs inside one session of the build folder (claimbook.builder.workspace): one command at a time,
and a command that fails or is interrupted leaves the last good chapters, exports and book as they were.
The exports (verdicts.json, verdicts.csv, claimreview.jsonld) are written before Sphinx reads the pages
(the verdicts page offers them for download, each chapter page embeds its ClaimReviews), so the pages and
the downloads never disagree.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from claimbook import ROOT, ClaimbookError
from claimbook.builder import book, exports, runner
from claimbook.builder.workspace import (
    BUILD_DIR,
    EXECUTED_DIR,
    PACKAGE_DIR,
    SWEEP_DIR,
    files_digest,
    read_executed,
    session,
    write_whole,
)

EXPORTS_STAMP = ".exports-derived-from"


def export() -> None:
    """The exports, from the executed chapters as they are now (a file is rewritten only when it changes)."""
    book.check_executed()
    # Deriving them reads every executed notebook (seconds); when neither the chapters, the swept copies, the
    # register, the package nor the exports themselves changed since they were last derived, they are current.
    stamp = BUILD_DIR / EXPORTS_STAMP
    derived_from = files_digest(
        sorted(
            [
                *(p for p in EXECUTED_DIR.glob("*.ipynb") if not _is_summary(p)),  # the summaries judge nothing
                *SWEEP_DIR.glob("*/*.ipynb"),
                *(ROOT / "seeds").glob("*.yaml"),
                *PACKAGE_DIR.rglob("*.py"),
            ]
        )
    )
    names = [BUILD_DIR / p.name for p in (exports.VERDICTS_JSON, exports.VERDICTS_CSV, exports.CLAIMREVIEW)]
    if (
        stamp.is_file()
        and all(p.is_file() for p in names)
        and stamp.read_text() == f"{derived_from} {files_digest(sorted(names))}"
    ):
        return
    written = exports.write_all(EXECUTED_DIR, SWEEP_DIR, BUILD_DIR)
    write_whole(f"{derived_from} {files_digest(sorted(written))}".encode(), stamp)


def _is_summary(executed: Path) -> bool:
    try:
        return bool(read_executed(executed)[0].get("summary"))
    except (OSError, ValueError):  # damaged: counted in, so deriving the exports meets it and says so
        return False


class _BookMeanwhile(runner.Alongside):
    """The book's work while the notebooks run: jupyter-book is started as soon as notebooks change (its own
    start takes seconds), starts building when the summaries run and reads each of their pages as it is
    written (claimbook.builder.book); the exports are derived while the summaries run (they come from the
    chapters alone, final by then)."""

    def __init__(self, builder: str = "html"):
        self.builder = builder

    def changing(self) -> None:
        book.prestart(self.builder)

    def summaries_running(self, outputs: list[Path]) -> None:
        book.read_when_written(outputs)
        with contextlib.suppress(ClaimbookError, OSError):  # met again, and said, when the book is assembled
            export()

    def written(self, output: Path) -> None:
        book.written(output)


def assemble(out=None) -> Path:
    """The exports, then the HTML book; returns its index page."""
    with session(out):
        export()
        return book.assemble(out)


def run(
    names: list[str] | None = None,
    given: dict[str, Any] | None = None,
    *,
    then_build: bool = False,
    out=None,
    **options,
) -> Path | None:
    """Execute the named notebooks (all when None) with the given parameters, then, when asked, the book.
    `options` are the runner's (from_text, jobs_limit, force, sweep, timeout)."""
    with session(out), book.started_early():
        if then_build:
            # jupyter-book's start (seconds) overlaps the plan as well, on the core the plan leaves idle: a
            # run that builds nearly always changes a page, and one that does not stops it unused
            book.prestart()
        runner.run(
            names,
            given or {},
            out=out,
            alongside=_BookMeanwhile() if then_build else None,
            **options,
        )
        return assemble(out) if then_build else None


def _run_whole_book(builder: str, out, **options) -> None:
    """Every notebook that is out of date, with its last parameters, while jupyter-book (`builder`) builds
    meanwhile; `options` are the runner's (force, sweeps, timeout)."""
    runner.run(None, {}, keep_parameters=True, out=out, alongside=_BookMeanwhile(builder), **options)


def build(force: bool = False, sweeps: bool = True, timeout: float | None = None, out=None) -> Path:
    """Everything that is out of date, the whole book: every notebook with its last parameters, the sweeps,
    the exports and the HTML book; returns the index page."""
    with session(out), book.started_early():
        _run_whole_book("html", out, timeout=timeout, force=force, sweeps=sweeps)
        return assemble(out)


def pdf(force: bool = False, timeout: float | None = None, out=None) -> Path:
    """Everything that is out of date, then the single-page book printed to a PDF; returns its path."""
    from claimbook.builder import pdf as printer  # Chromium and the print page: only this command needs them

    with session(out), book.started_early():
        _run_whole_book("singlehtml", out, timeout=timeout)
        export()  # the single page embeds and links them, as the HTML book does
        return printer.build(force, out)
