"""The built book in a real browser (Playwright driving Debian's Chromium), served over http on localhost.

Every page of _build/html is opened once (module fixture `visits`); the tests then check what a reader
would notice: errors in the console, images that did not load, links within the book that lead nowhere,
the verdict table and the verdict boxes. Screenshots of the front page and the reserves chapter are saved
under _build/screenshots/ for review. Chromium comes from `claimbook.pdf.chromium()`, which installs it
with apt when missing and running as root; the tests are skipped, saying why, only where it cannot.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from claimbook import ROOT
from claimbook.claims import claims
from claimbook.linkcheck import html_pages, parse
from claimbook.notebooks import all_notebooks

SCREENSHOTS = ROOT / "_build" / "screenshots"
EXECUTED_PAGES = "_build/executed"

# Run in each page once it has loaded: images (made eager and decoded), links, ids and verdict elements.
INSPECT = """async () => {
  const images = Array.from(document.images);
  for (const img of images) { img.loading = 'eager'; }
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  return {
    images: images.map(img => ({src: img.getAttribute('src'), complete: img.complete,
                                width: img.naturalWidth, height: img.naturalHeight})),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => ({raw: a.getAttribute('href'), url: a.href})),
    ids: Array.from(document.querySelectorAll('[id], a[name]')).map(el => el.id || el.getAttribute('name')),
    verdicts: Array.from(document.querySelectorAll('.claimbook-verdict')).filter(visible).map(el => el.id),
    tables: Array.from(document.querySelectorAll('table.claimbook-table')).filter(visible).map(t => t.innerText),
  };
}"""


@dataclass
class Visit:
    page: str  # path below _build/html
    final_url: str = ""
    errors: list[str] = field(default_factory=list)  # console errors, uncaught exceptions, failed requests
    images: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    verdicts: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name is http.server's
        pass


@pytest.fixture(scope="module")
def server(built_book):
    """_build/html over http on a free localhost port, for the duration of this module."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from claimbook.pdf import CHROMIUM_ARGS, ChromiumMissing, chromium

    try:
        executable = chromium()
    except ChromiumMissing as exc:
        pytest.skip(str(exc))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        yield b
        b.close()


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8", errors="replace").lower()


@pytest.fixture(scope="module")
def visits(browser, server, built_book) -> dict[str, Visit]:
    """Every page of the book opened once, with what the reader's browser saw."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    current: list[Visit] = []
    page.on("console", lambda m: m.type == "error" and current[-1].errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: current[-1].errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: current[-1].errors.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and current[-1].errors.append(f"HTTP {r.status}: {r.url}"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, Visit] = {}
    for path in html_pages(built_book):
        rel = path.relative_to(built_book).as_posix()
        visit = Visit(rel)
        current.append(visit)
        url = f"{server}/{rel}"
        if _is_redirect(path):  # index.html: a meta refresh to the introduction
            page.goto(url)
            page.wait_for_url(lambda u, url=url: u != url, timeout=10_000)
        else:
            page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        visit.final_url = page.url
        seen = page.evaluate(INSPECT)
        visit.images, visit.links, visit.verdicts, visit.tables = (
            seen["images"], seen["links"], seen["verdicts"], seen["tables"])
        visit.ids = set(seen["ids"])
        if rel == "book/intro.html":
            page.screenshot(path=str(SCREENSHOTS / "front-page.png"), full_page=False)
        elif rel == f"{EXECUTED_PAGES}/10_reserves.html":
            page.screenshot(path=str(SCREENSHOTS / "reserves.png"), full_page=True)
        found[rel] = visit
    context.close()
    return found


def test_every_page_of_the_book_is_visited(visits):
    assert {"index.html", "book/intro.html", f"{EXECUTED_PAGES}/03_verdicts.html",
            f"{EXECUTED_PAGES}/10_reserves.html"} <= set(visits)
    assert visits["index.html"].final_url.endswith("/book/intro.html")


def test_no_console_errors(visits):
    errors = [f"{v.page}: {e}" for v in visits.values() for e in v.errors]
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


def test_every_image_has_loaded(visits):
    broken = [f"{v.page}: {img['src']}" for v in visits.values() for img in v.images
              if not (img["complete"] and img["width"] > 0 and img["height"] > 0)]
    assert not broken, "images that did not load:\n" + "\n".join(broken)
    assert sum(len(v.images) for v in visits.values()) >= 10


def test_internal_links_resolve(visits, server, built_book):
    ids_of = {f"/{rel}": v.ids for rel, v in visits.items()}
    problems = []
    for v in visits.values():
        for link in v.links:
            parts = urlsplit(link["url"])
            if f"{parts.scheme}://{parts.netloc}" != server or link["raw"].startswith("#") and not link["raw"][1:]:
                continue
            path = unquote(parts.path)
            target = built_book / path.lstrip("/")
            if target.is_dir():
                target, path = target / "index.html", path.rstrip("/") + "/index.html"
            if not target.is_file():
                problems.append(f"{v.page}: {link['raw']} -> {path} is missing")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = ids_of.get(path) or parse(target).ids
                if fragment not in ids:
                    problems.append(f"{v.page}: {link['raw']} -> no id {fragment!r} in {path}")
    assert not problems, "links within the book that lead nowhere:\n" + "\n".join(problems)


def test_the_verdicts_page_shows_a_table_of_every_claim(visits):
    tables = visits[f"{EXECUTED_PAGES}/03_verdicts.html"].tables
    assert tables, "the verdicts page shows no table.claimbook-table"
    text = "\n".join(tables)
    missing = [c["id"] for c in claims() if c["id"] not in text]
    assert not missing, f"claims missing from the verdicts page's tables: {missing}"


CHECKING = sorted({c["notebook"] for c in claims()} & set(all_notebooks()))


@pytest.mark.parametrize("name", CHECKING)
def test_each_chapter_shows_a_verdict_box_per_claim(visits, name):
    visit = visits[f"{EXECUTED_PAGES}/{all_notebooks()[name].stem}.html"]
    expected = {f"verdict-{c['id']}" for c in claims(notebook=name)}
    assert expected and expected <= set(visit.verdicts), sorted(expected - set(visit.verdicts))


def test_screenshots_are_saved_for_review(visits):
    for name in ("front-page.png", "reserves.png"):
        shot = SCREENSHOTS / name
        assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
