"""Assemble the book with jupyter-book (v1, Sphinx) from book/*.md, the executed chapters and the exports.

The build runs in a staging folder (_build/jb, kept for incremental Sphinx builds) with warnings as
errors; only a successful build replaces _build/html, so a failure leaves the last good book intact. A
build whose inputs are unchanged is skipped. The pipeline (claimbook.builder.pipeline) writes the exports
before calling `assemble`, so the pages and the downloads never disagree.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
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


def _jupyter_book() -> list[str]:
    script = Path(sys.executable).parent / "jupyter-book"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


def assemble(out=None) -> Path:
    """Build the HTML book from the executed chapters and the exports, inside the command's session;
    returns the index page. Raises BookError and keeps the last good book."""
    out = out or sys.stdout
    digest = book_digest()
    stamp = HTML_DIR / STAMP
    if stamp.exists() and stamp.read_text() == digest and (HTML_DIR / "index.html").exists():
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


def jupyter_book_command(builder: str) -> list[str]:
    """The one jupyter-book command line of the project: the book in the staging folder, warnings as errors."""
    return _jupyter_book() + [
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
    proc = subprocess.run(
        jupyter_book_command(builder), cwd=ROOT, capture_output=True, text=True, preexec_fn=die_with_parent
    )  # noqa: PLW1509 - nothing else runs threads here
    built = STAGING_DIR / "_build" / builder
    if proc.returncode != 0 or not (built / "index.html").exists():
        text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # no terminal colours in messages
        messages = [ln for ln in text.splitlines() if "WARNING" in ln or "ERROR" in ln]
        for line in messages[:20]:
            say("    " + line[:300], sys.stderr)
        first = messages[0].strip() if messages else (text.strip().splitlines() or ["unknown error"])[-1]
        first = first[:300]
        if builder == "html":
            raise BookError(f"the book build failed ({first}); the last good book in _build/html is unchanged.")
        raise BookError(f"the {builder} build of the book failed ({first}).")
    return built


def _swap_in(built: Path, digest: str) -> None:
    """Replace _build/html by a whole copy of the new build (with its stamp), by renames journalled in the
    session, never leaving it half-copied; a copy that fails (a full disk) is removed and the book stays."""
    fresh = BUILD_DIR / "html.new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        shutil.copytree(built, fresh)
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
