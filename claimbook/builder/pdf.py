"""The whole book as one PDF: jupyter-book's single-page HTML build, printed by headless Chromium.

jupyter-book's own PDF route downloads a browser of its own, which fails offline; the Debian Chromium
package does the printing instead. `chromium()` finds it, and installs it with apt when running as root
(the tests' browser check uses the same function), so `make pdf` works on a fresh machine as `make book`
does. The print layout (no sidebars, no code toggles, tables within the page) is the `@media print` part
of book/_static/claimbook.css.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from claimbook import ROOT, ClaimbookError, relpath, say
from claimbook.builder.workspace import BUILD_DIR, current_session, die_with_parent, write_whole

PDF_DIR = BUILD_DIR / "pdf"
PDF = PDF_DIR / "claimbook.pdf"
PRINT_PAGE = "claimbook-print.html"
STAMP = ".claimbook-pdf"

# Command-line switches for Chromium on this kind of machine: as root it needs --no-sandbox; without the
# background-networking switches it keeps trying to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "install it with `apt-get install chromium` (as root) or set CLAIMBOOK_CHROMIUM to a Chromium binary"


# A script element loading from the web, in the page Sphinx wrote (print_page drops it).
REMOTE_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="(?:https?:)?//[^"]*"[^>]*>\s*</script>')


class PdfError(ClaimbookError):
    pass


class ChromiumMissing(PdfError):
    pass


def find_chromium() -> Path | None:
    """The Chromium binary: $CLAIMBOOK_CHROMIUM if set, else the first of CHROMIUM_NAMES on the PATH."""
    given = os.environ.get("CLAIMBOOK_CHROMIUM")
    if given:
        return Path(given) if Path(given).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def chromium(install: bool = True, out=None) -> Path:
    """The Chromium binary; when missing and `install`, installs Debian's package with apt as root.

    Raises ChromiumMissing, in one sentence saying what is missing and how to install it, when there is
    none and it cannot be installed here (not root, no apt-get, or apt failed).
    """
    found = find_chromium()
    if found:
        return found
    given = os.environ.get("CLAIMBOOK_CHROMIUM")
    if given:
        raise ChromiumMissing(
            f"CLAIMBOOK_CHROMIUM names {given}, which is not a file; unset it to use Debian's chromium package."
        )
    missing = f"Chromium is not installed (no {' or '.join(CHROMIUM_NAMES)} on the PATH)"
    if not install:
        raise ChromiumMissing(f"{missing}; {INSTALL_HINT}.")
    why = _cannot_install()
    if why:
        raise ChromiumMissing(f"{missing} and cannot be installed here ({why}); {INSTALL_HINT}.")
    out = out or sys.stderr
    print("  chromium     installing the Debian package with apt-get (once per machine)", file=out, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install_cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    proc = subprocess.run(install_cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:  # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, text=True, env=env)
        proc = subprocess.run(install_cmd, capture_output=True, text=True, env=env)
    found = find_chromium()
    if proc.returncode != 0 or not found:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise ChromiumMissing(f"{missing} and `apt-get install chromium` failed ({last}); {INSTALL_HINT}.")
    return found


def _cannot_install() -> str:
    """Why apt cannot install a package here, or '' when it can."""
    if not shutil.which("apt-get"):
        return "no apt-get"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not running as root"
    return ""


def build(force: bool = False, out=None) -> Path:
    """Build the single-page book and print it to _build/pdf/claimbook.pdf; returns the PDF's path.

    The chapters must have been executed and the exports written (claimbook.builder.pipeline.pdf does
    both). A PDF whose book inputs are unchanged is kept. The PDF is written to a temporary file and
    renamed, inside the command's session, so a failure never leaves half a PDF.
    """
    from claimbook.builder import book

    out = out or sys.stdout
    digest = book.book_digest()
    stamp = PDF_DIR / STAMP
    if not force and PDF.exists() and stamp.exists() and stamp.read_text() == digest:
        say("  pdf          up to date", out)
        return PDF
    browser = chromium(out=out)
    built = book.run_jupyter_book("singlehtml", out)
    page = print_page(built, _root_page(built))
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    say("  pdf          printing", out)
    tmp = PDF_DIR / f".{PDF.name}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        print_to_pdf(browser, page, tmp)
        current_session().replace(tmp, PDF)
    finally:
        tmp.unlink(missing_ok=True)
    write_whole(digest.encode(), stamp)
    return PDF


def _root_page(built: Path) -> Path:
    """The single page: jupyter-book writes it under the root document's name (book/intro.html)."""
    import yaml

    root = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["root"]
    page = built / f"{root}.html"
    if not page.exists():
        raise PdfError(f"the single-page build has no {relpath(page)}; is `root` in _toc.yml a page?")
    return page


def print_page(built: Path, page: Path) -> Path:
    """A copy of the single page at the top of the build folder, ready to print.

    Sphinx's single-page builder writes the page under its document's name (book/intro.html) but with
    links relative to the top (`_static/...`, `_images/...`), so the copy goes to the top. Links that the
    chapters write by hand to another chapter (`10_reserves.html#res-01`) become links within the page,
    and folded details (a dataset's columns) are unfolded, since paper cannot be clicked; folded code
    cells stay hidden (print CSS). Every other link that is not to the web (http, https, mailto) would
    print as a file:// link to this machine's build folder (a download, a source file): it loses its
    href and stays as text. Scripts from the web (the single-page builder adds MathJax from a CDN, though the
    book has no formula) are dropped: the PDF is printed offline, where they only delay the print.
    """
    text = page.read_text(encoding="utf-8")
    from claimbook.builder.linkcheck import parse

    ids = parse(page).ids
    documents = {i.rsplit("/", 1)[-1].removeprefix("document-"): i for i in ids if i.startswith("document-")}

    def within(match: re.Match) -> str:
        value = html.unescape(match.group(2))
        if value.startswith("#") or re.match(r"(?i)(https?|mailto):", value):
            return match.group(0)
        path, _, fragment = value.partition("#")
        if fragment and fragment in ids:
            return f'{match.group(1)}"#{html.escape(fragment)}"'
        document = documents.get(Path(path).stem) if path.endswith(".html") else None
        if document:
            return f'{match.group(1)}"#{html.escape(document)}"'
        return match.group(1)[: -len("href=")].rstrip() + " data-claimbook-unlinked=" + '"' + match.group(2) + '"'

    text = re.sub(r'(<a\b[^>]*?\bhref=)"([^"]*)"', within, text)
    text = REMOTE_SCRIPT.sub("", text)
    text = text.replace("<details>", "<details open>")
    target = built / PRINT_PAGE
    target.write_text(text, encoding="utf-8")
    return target


def print_to_pdf(browser: Path, page: Path, target: Path, timeout: int = 300) -> None:
    """Print an HTML page to a PDF file with headless Chromium (its own throwaway profile)."""
    with tempfile.TemporaryDirectory(prefix="claimbook-chromium-") as profile:
        cmd = [
            str(browser),
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=die_with_parent)  # noqa: PLW1509
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not finish printing {relpath(page)} within {timeout} s.") from None
    if proc.returncode != 0 or not target.exists() or target.read_bytes()[:5] != b"%PDF-":
        lines = [ln for ln in proc.stderr.splitlines() if "dbus" not in ln] or ["no message"]
        raise PdfError(f"Chromium could not print {relpath(page)} to a PDF ({lines[-1].strip()}).")
