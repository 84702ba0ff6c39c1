"""The offline link check: its rules on tiny synthetic trees, then on the built book (no browser needed)."""

from pathlib import Path

from claimbook.builder.linkcheck import check_tree, html_pages, is_internal, resolve


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_reports_exactly_the_broken_link(tmp_path):
    write(tmp_path / "index.html", '<a href="ch/one.html">good</a> <a href="ch/two.html">broken</a>')
    write(tmp_path / "ch" / "one.html", "<p>one</p>")
    problems = check_tree(tmp_path)
    assert len(problems) == 1
    assert "ch/two.html" in problems[0] and "missing" in problems[0] and problems[0].startswith("index.html:")


def test_fragments_must_name_an_id_of_the_target_page(tmp_path):
    write(
        tmp_path / "a.html",
        '<h1 id="top">A</h1><a href="b.html#here">ok</a> <a href="b.html#gone">bad</a>'
        ' <a href="#top">self ok</a> <a href="#nowhere">self bad</a> <a href="#">top</a>'
        ' <a href="b.html#old">named anchor ok</a> <a href="b.html#caf%C3%A9">encoded ok</a>',
    )
    write(tmp_path / "b.html", '<section id="here"></section><a name="old"></a><div id="café"></div>')
    problems = check_tree(tmp_path)
    assert len(problems) == 2
    assert any("b.html#gone" in p and "not an id in b.html" in p for p in problems)
    assert any("#nowhere" in p and "not an id in a.html" in p for p in problems)


def test_images_scripts_and_styles_are_checked_but_outside_links_are_not(tmp_path):
    write(tmp_path / "_static" / "style.css", "")
    write(
        tmp_path / "p" / "page.html",
        '<link rel="stylesheet" href="../_static/style.css?v=1"><script src="../_static/gone.js"></script>'
        '<img src="../_images/fig.png"><a href="https://example.org/x.html">out</a>'
        '<a href="mailto:a@b.c">mail</a><img src="data:image/png;base64,AAAA"><a href="../../outside.html">x</a>',
    )
    problems = check_tree(tmp_path)
    assert len(problems) == 3, problems
    assert any("gone.js" in p for p in problems)
    assert any("fig.png" in p for p in problems)
    assert any("outside.html" in p and "leaves the book" in p for p in problems)


def test_a_folder_link_means_its_index_and_asset_folders_hold_no_pages(tmp_path):
    write(tmp_path / "index.html", '<a href="sub/">sub</a>')
    write(tmp_path / "sub" / "index.html", "")
    write(tmp_path / "_static" / "macros.html", "<link href=\"{{ pathto('x') }}\">")  # a theme template
    assert check_tree(tmp_path) == []
    assert [p.relative_to(tmp_path).as_posix() for p in html_pages(tmp_path)] == ["index.html", "sub/index.html"]


def test_what_counts_as_internal(tmp_path):
    assert is_internal("../a.html#x") and is_internal("#x") and is_internal("/a.html")
    assert not any(is_internal(v) for v in ("", "https://a.org", "//cdn.org/x.js", "mailto:x@y", "javascript:0"))
    page = tmp_path / "d" / "p.html"
    assert resolve(page, "#x", tmp_path) == (page, "x")
    assert resolve(page, "../q.html?v=2#y%20z", tmp_path) == (tmp_path / "q.html", "y z")


def test_every_internal_link_of_the_built_book_resolves(built_book):
    pages = html_pages(built_book)
    assert len(pages) >= 10
    assert check_tree(built_book) == []
