"""Offline check of a built HTML tree: every relative link points to a file that exists, every #fragment
to an id on its target page.

Only what is inside the tree is checked: links with a scheme (https:, mailto:, data:, javascript:) or a
host (//cdn...) are left alone. The tests run it on _build/html; the browser test reuses `resolve` and
`Link` so that both agree on what an internal link is.
"""

from __future__ import annotations

import html.parser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

# (tag, attribute) pairs that load or point to another file of the tree.
LINK_ATTRIBUTES = {
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}


@dataclass(frozen=True)
class Link:
    page: Path  # the page the link is on
    tag: str
    attribute: str
    value: str  # as written in the page

    def __str__(self) -> str:
        return f"<{self.tag} {self.attribute}={self.value!r}>"


@dataclass
class Page:
    ids: set[str]
    links: list[Link]


class _Collector(html.parser.HTMLParser):
    def __init__(self, page: Path):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.ids: set[str] = set()
        self.links: list[Link] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if (tag, name) in LINK_ATTRIBUTES:
                self.links.append(Link(self.page, tag, name, value.strip()))

    handle_startendtag = handle_starttag


def parse(path: Path) -> Page:
    """The ids a page defines and the links it makes."""
    collector = _Collector(path)
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    collector.close()
    return Page(collector.ids, collector.links)


def is_internal(value: str) -> bool:
    """A link to something inside the tree: no scheme, no host, not empty."""
    parts = urlsplit(value)
    return bool(value) and not parts.scheme and not parts.netloc


def resolve(page: Path, value: str, root: Path) -> tuple[Path | None, str]:
    """The file an internal link points to (None when it leaves the tree) and its decoded fragment.

    A link to a folder means its index.html; a fragment-only link points to its own page.
    """
    parts = urlsplit(value)
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment
    if parts.path.startswith("/"):
        target = root / unquote(parts.path).lstrip("/")
    else:
        target = page.parent / unquote(parts.path)
    target = Path(_normalise(target))
    if not _inside(target, root):
        return None, fragment
    if target.is_dir():
        target = target / "index.html"
    return target, fragment


def _normalise(path: Path) -> str:
    import os.path

    return os.path.normpath(path)


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(_normalise(path)).relative_to(Path(_normalise(root)))
    except ValueError:
        return False
    return True


# Folders of a Sphinx build that hold no pages: theme assets (whose .html files are Jinja templates the
# theme ships, not pages) and the sources offered for download.
NOT_PAGES = ("_static", "_sources", "_images", "_downloads")


def html_pages(root: Path) -> list[Path]:
    """The book's pages: every .html file below root, except in the asset folders of NOT_PAGES."""
    return sorted(
        p for p in root.rglob("*.html") if p.is_file() and not set(p.relative_to(root).parts[:-1]) & set(NOT_PAGES)
    )


def check_tree(root: Path, pages: list[Path] | None = None) -> list[str]:
    """Every broken internal link in the HTML pages below root (all of them by default), one line each.

    A fragment is checked only on HTML targets (a fragment of an image or a PDF is not an element id), and
    the bare fragment '#' (the top of the page) is always fine.
    """
    root = Path(_normalise(root.resolve()))
    parsed: dict[Path, Page] = {}

    def page_of(path: Path) -> Page:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    problems = []
    for path in pages if pages is not None else html_pages(root):
        path = Path(_normalise(path.resolve()))
        for link in page_of(path).links:
            if not is_internal(link.value):
                continue
            target, fragment = resolve(path, link.value, root)
            where = path.relative_to(root).as_posix()
            if target is None:
                problems.append(f"{where}: {link} leaves the book's folder")
            elif not target.is_file():
                problems.append(f"{where}: {link} points to {target.relative_to(root).as_posix()}, which is missing")
            elif fragment and target.suffix == ".html" and fragment not in page_of(target).ids:
                problems.append(
                    f"{where}: {link} points to #{fragment}, which is not an id in "
                    f"{target.relative_to(root).as_posix()}"
                )
    return problems
