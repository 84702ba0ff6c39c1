"""`make pdf`: the single-page book printed by Chromium, and the pieces that get it there."""

import io
import re

import pytest
from conftest import checkout_lock

from claimbook.builder import pdf, pipeline


def page_count(data: bytes) -> int:
    """Pages of a PDF whose page objects are written out (as Chromium's are): one /Type /Page each."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))


@pytest.mark.browser
@pytest.mark.slow
def test_the_book_prints_to_one_pdf(built_book):
    """The checkout's book printed (as `make pdf` does, forced), then again: unchanged, the PDF is kept. It writes
    only under _build/ (pdf/, and the single-page build beside the HTML one, which it reuses)."""
    try:
        pdf.chromium()
    except pdf.ChromiumMissing as exc:
        pytest.skip(str(exc))
    with checkout_lock():
        path = pipeline.pdf(force=True, out=io.StringIO())
        data = path.read_bytes()
        assert path == pdf.PDF and data[:5] == b"%PDF-"
        assert page_count(data) > 5
        assert not list(pdf.PDF_DIR.glob(".*.tmp")), "the temporary PDF was left behind"
        printed = (pdf.PDF_DIR / pdf.STAMP).read_text()
        out = io.StringIO()
        assert pipeline.pdf(out=out) == path and (pdf.PDF_DIR / pdf.STAMP).read_text() == printed  # kept
        assert "pdf          up to date" in out.getvalue()


def test_the_print_page_sits_at_the_top_and_links_within_itself(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "x.css").write_text("")
    page = tmp_path / "book" / "intro.html"
    page.write_text(
        '<link href="_static/x.css" rel="stylesheet"><span id="document-_build/executed/10_reserves">'
        '</span><h2 id="res-01">RES-01</h2><a href="10_reserves.html#res-01">to RES-01</a>'
        '<a href="10_reserves.html">to the chapter</a><a href="20_production.html#prd-01">elsewhere</a>'
        '<a href="https://example.org/a.html#res-01">outside</a><details><summary>Columns</summary>'
        '</details><details class="admonition hide above-input"></details>'
        '<script defer="defer" src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>'
        '<script src="_static/local.js"></script>'
    )
    text = pdf.print_page(tmp_path, page).read_text()
    assert pdf.print_page(tmp_path, page) == tmp_path / pdf.PRINT_PAGE
    assert '<a href="#res-01">to RES-01</a>' in text
    assert '<a href="#document-_build/executed/10_reserves">to the chapter</a>' in text
    # no such section in the page: no link (it would print as a file:// link to this machine), the text stays
    assert 'href="20_production.html' not in text and ">elsewhere</a>" in text
    assert 'href="https://example.org/a.html#res-01"' in text
    assert "<details open><summary>Columns" in text and '<details class="admonition hide above-input">' in text
    assert "cdn.jsdelivr.net" not in text and '<script src="_static/local.js"></script>' in text  # printed offline


def test_a_missing_chromium_says_what_is_missing_and_how_to_install_it(monkeypatch):
    monkeypatch.delenv("CLAIMBOOK_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    monkeypatch.setattr(pdf, "_cannot_install", lambda: "not running as root")
    with pytest.raises(pdf.ChromiumMissing) as exc:
        pdf.chromium()
    message = str(exc.value)
    assert "Chromium is not installed" in message and "not running as root" in message
    assert "apt-get install chromium" in message and message.count(".") == 1 and message.endswith(".")
    with pytest.raises(pdf.ChromiumMissing, match="apt-get install chromium"):
        pdf.chromium(install=False)


def test_claimbook_chromium_names_the_browser(monkeypatch, tmp_path):
    fake = tmp_path / "my-chromium"
    fake.write_text("")
    monkeypatch.setenv("CLAIMBOOK_CHROMIUM", str(fake))
    assert pdf.chromium(install=False) == fake
    monkeypatch.setenv("CLAIMBOOK_CHROMIUM", str(tmp_path / "absent"))
    with pytest.raises(pdf.ChromiumMissing, match="CLAIMBOOK_CHROMIUM names .*absent, which is not a file"):
        pdf.chromium()  # a wrong path is reported, not papered over by an install
