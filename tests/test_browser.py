"""The built book in a real browser (Playwright driving Debian's Chromium), served over http on localhost.

Every page of _build/html is opened once (module fixture `visits`); the tests then check what a reader
would notice: errors in the console, images that did not load, links within the book that lead nowhere,
the verdict table and the verdict boxes. Screenshots of the front page and the reserves chapter are saved
under _build/screenshots/ for review. Chromium comes from `claimbook.builder.pdf.chromium()`, which installs it
with apt when missing and running as root; the tests are skipped, saying why, only where it cannot.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from claimbook import ROOT
from claimbook.builder.linkcheck import html_pages, parse
from claimbook.core.notebooks import all_notebooks
from claimbook.core.register import claims

pytestmark = pytest.mark.browser

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
    from claimbook.builder.pdf import CHROMIUM_ARGS, ChromiumMissing, chromium

    try:
        executable = chromium()
    except ChromiumMissing as exc:
        pytest.skip(str(exc))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        yield b
        b.close()


QUIET = 0.15  # seconds: after `load`, the page has settled once no request is in flight or starts for this long


def _watch_network(page) -> set:
    """The requests the page has in flight (kept up to date by the page's events)."""
    inflight: set = set()
    page.on("request", lambda r: inflight.add(r))
    page.on("requestfinished", lambda r: inflight.discard(r))
    page.on("requestfailed", lambda r: inflight.discard(r))
    return inflight


def _settle(page, inflight: set, timeout: float = 30.0) -> None:
    """Wait until the network is quiet: nothing in flight, and nothing started, for QUIET seconds. Playwright's
    "networkidle" waits a fixed 500 ms on every page; the one request after `load` (the favicon, ~50 ms after)
    is caught by this shorter window as well."""
    deadline = time.monotonic() + timeout
    quiet_since, seen = time.monotonic(), set(inflight)
    while time.monotonic() < deadline:
        page.wait_for_timeout(25)  # lets the page's events arrive
        if inflight or inflight != seen:
            quiet_since, seen = time.monotonic(), set(inflight)
        elif time.monotonic() - quiet_since >= QUIET:
            return
    raise AssertionError(f"the network never went quiet: {sorted(r.url for r in inflight)[:5]}")


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8", errors="replace").lower()


@pytest.fixture(scope="module")
def visits(browser, server, built_book) -> dict[str, Visit]:
    """Every page of the book opened once, with what the reader's browser saw."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    inflight = _watch_network(page)
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
        _settle(page, inflight)
        visit.final_url = page.url
        seen = page.evaluate(INSPECT)
        visit.images, visit.links, visit.verdicts, visit.tables = (
            seen["images"],
            seen["links"],
            seen["verdicts"],
            seen["tables"],
        )
        visit.ids = set(seen["ids"])
        if rel == "book/intro.html":
            page.screenshot(path=str(SCREENSHOTS / "front-page.png"), full_page=False)
        elif rel == f"{EXECUTED_PAGES}/10_reserves.html":
            # the whole chapter, 20,000 pixels tall: as a JPEG, a third of a PNG's three seconds
            page.screenshot(path=str(SCREENSHOTS / "reserves.jpeg"), full_page=True, type="jpeg", quality=80)
        found[rel] = visit
    context.close()
    return found


def test_every_page_of_the_book_is_visited(visits):
    assert {
        "index.html",
        "book/intro.html",
        f"{EXECUTED_PAGES}/03_verdicts.html",
        f"{EXECUTED_PAGES}/10_reserves.html",
    } <= set(visits)
    assert visits["index.html"].final_url.endswith("/book/intro.html")


def test_no_console_errors(visits):
    errors = [f"{v.page}: {e}" for v in visits.values() for e in v.errors]
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


def test_every_image_has_loaded(visits):
    broken = [
        f"{v.page}: {img['src']}"
        for v in visits.values()
        for img in v.images
        if not (img["complete"] and img["width"] > 0 and img["height"] > 0)
    ]
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
    magic = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}
    for name in ("front-page.png", "reserves.jpeg"):
        shot = SCREENSHOTS / name
        assert shot.exists() and shot.read_bytes().startswith(magic[name.rsplit(".", 1)[1]])


# --- issue 16: verdicts first, the data-choice control, the new pages, a phone-sized viewport ---------------------

STAGE_SCREENS = ROOT / "_build" / "screenshots"
NEW_PAGES = ("book/changes.html", "book/corrections.html", "book/execution.html")


def _a_flip(chapter: str):
    """(parameter, value, claim id, label there, label by default) for a claim that flips in the chapter's sweeps."""
    from claimbook.builder.collect import chapter_sweeps

    for sweep in chapter_sweeps(chapter):
        by_value = dict(sweep["values"])
        default = by_value.get(sweep["default"], {})
        for value, verdicts in sweep["values"]:
            for cid, v in verdicts.items():
                if cid in default and v["label"] != default[cid]["label"]:
                    return sweep["parameter"], str(value), cid, v["label"], default[cid]["label"]
    return None


@pytest.mark.parametrize("chapter", ["10_reserves", "50_ukraine", "60_economy"])
def test_switching_the_data_choice_flips_the_verdict_that_flips_in_the_matrix(browser, server, built_book, chapter):
    flip = _a_flip(chapter)
    assert flip, f"{chapter}: no verdict flips across its sweeps, so the control cannot be tested there"
    param, value, cid, label, default_label = flip
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{EXECUTED_PAGES}/{chapter}.html", wait_until="load")
    card, box = page.locator(f"#card-{cid}"), page.locator(f"#verdict-{cid}")
    assert page.locator(f"#verdicts-{chapter} form.claimbook-switch").is_visible()
    assert card.locator(".verdict-badge").inner_text() == default_label
    assert page.locator(f"select[data-param='{param}'] option:checked").inner_text().endswith("(default)")
    if chapter == "10_reserves":
        STAGE_SCREENS.mkdir(parents=True, exist_ok=True)
        page.locator(f"#verdicts-{chapter}").screenshot(path=str(STAGE_SCREENS / f"{chapter}-before.png"))
    page.select_option(f"select[data-param='{param}']", value)
    assert card.locator(".verdict-badge").inner_text() == label
    assert "card-differs" in card.get_attribute("class")
    assert "differs from the default" in card.locator("span.card-differs").inner_text()
    assert box.locator(".verdict-label .verdict-badge").inner_text() == label
    assert "verdict-differs" in box.get_attribute("class") and f"{param} = {value}" in box.inner_text()
    if chapter == "10_reserves":
        page.locator(f"#verdicts-{chapter}").screenshot(
            path=str(STAGE_SCREENS / f"{chapter}-after-{param}-{value}.png")
        )
    page.click(f"#verdicts-{chapter} .switch-reset")
    assert card.locator(".verdict-badge").inner_text() == default_label
    assert "card-differs" not in card.get_attribute("class") and "verdict-differs" not in box.get_attribute("class")
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("name", CHECKING)
def test_each_chapter_opens_with_a_card_per_claim(visits, name):
    """The cards come before the first section of the chapter, one per claim, each linking to its section."""
    stem = all_notebooks()[name].stem
    text = (ROOT / "_build" / "html" / EXECUTED_PAGES / f"{stem}.html").read_text()
    cards_at = text.index('class="claimbook-cards"')
    assert cards_at < text.index('id="the-claims"'), "the cards are not at the top of the page"
    expected = {c["id"] for c in claims(notebook=name)}
    for cid in expected:
        assert f'id="card-{cid}"' in text and f'href="#{cid.lower()}"' in text, cid
    visit = visits[f"{EXECUTED_PAGES}/{stem}.html"]
    assert {cid.lower() for cid in expected} <= visit.ids


def test_the_new_pages_are_in_the_book(visits):
    for page in NEW_PAGES:
        assert page in visits and not visits[page].errors, page
    assert any("Every executed notebook" in t for t in visits["book/execution.html"].tables)
    executed = "\n".join(visits["book/execution.html"].tables)
    assert "10_reserves.ipynb" in executed and "sweeps/10_reserves/edition=2023.ipynb" in executed


def test_every_page_says_when_its_content_last_changed(built_book):
    for path in html_pages(built_book):
        if _is_redirect(path) or path.name in ("search.html", "genindex.html"):
            continue
        assert "claimbook-last-changed" in path.read_text(), path.relative_to(built_book)


def test_every_page_fits_a_390_pixel_screen_without_errors(browser, server, built_book):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    inflight = _watch_network(page)
    problems = []
    current = [""]
    page.on("console", lambda m: m.type == "error" and problems.append(f"{current[0]}: console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"{current[0]}: uncaught: {e}"))
    for path in html_pages(built_book):
        rel = path.relative_to(built_book).as_posix()
        current[0] = rel
        page.goto(f"{server}/{rel}", wait_until="load")
        if _is_redirect(path):
            page.wait_for_url(lambda u, rel=rel: not u.endswith(rel), timeout=10_000)
        _settle(page, inflight)
        if rel == f"{EXECUTED_PAGES}/10_reserves.html":
            STAGE_SCREENS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(STAGE_SCREENS / "10_reserves-390px.png"))
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{rel}: scrolls horizontally ({width[0]} px wide in a {width[1]} px viewport)")
    context.close()
    assert not problems, "\n".join(problems)
