"""The HTML the package writes, from the templates in claimbook/templates/ (Jinja2), escaped by default.

Every value given to a template is text and is escaped, in every template (autoescape); a name the template
uses and the caller did not give is an error (StrictUndefined), not an empty string. The only markup a
template takes as it is is a fragment rendered by another template (passed as `markupsafe.Markup`), and the
cells of `table`, which its callers build as markup.

The templates are indented for reading: a line break between two tags (HTML or Jinja), with the indentation
after it, is layout only and is not written, so the pages carry no whitespace the templates do not spell
out. A line break inside text is kept (a browser shows it as a space).

The presentation helpers of the chapters and summaries are here too (`table`, `link`, `HTML`,
`evidence_badge`), so that a notebook that shows a table does not depend on the build.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
MACROS = "macros.html.j2"

# A line break between two tags, with the indentation around it: layout of the template, not output.
_LAYOUT = re.compile(r"(?<=[>}])\s*\n\s*(?=[<{])")


@functools.cache
def environment():
    """The one Jinja2 environment of the package (created on first use; it caches the compiled templates)."""
    import jinja2
    from jinja2.ext import Extension

    class _Layout(Extension):
        def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
            return _LAYOUT.sub("", source)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=[_Layout],
        bytecode_cache=_compiled_templates(),
    )
    # tojson (for JSON in a <script> element) escapes <, >, & and ' as \u003c...; keep other characters as
    # they are and the keys in order, as the exports write them.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def _compiled_templates():
    """The compiled templates kept between processes (compiling them is a tenth of a second of every build,
    kernel and jupyter-book), in a folder named after this module and Jinja's version: Jinja checks a
    template's source, not the layout rule above that rewrites it."""
    import hashlib

    import jinja2

    from claimbook import BUILD_DIR

    key = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
    return bytecode_cache(BUILD_DIR / "cache" / "templates" / key)


def bytecode_cache(folder: Path):
    """A Jinja bytecode cache in `folder` (the package's templates here, the theme's in the book's build), None
    where the folder cannot be made; a template it cannot write (a read-only or full build folder) is only
    compiled again next time. Jinja checks each template's source against its cached code."""
    import jinja2

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None

    class Kept(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return Kept(str(folder))


def compile_templates() -> None:
    """Compile every template now (a process about to fork, or to build the book, does it once)."""
    for template in sorted(TEMPLATES_DIR.glob("*.html.j2")):
        environment().get_template(template.name)


def render(template: str, **context) -> str:
    """A template of claimbook/templates/ rendered with these values (escaped unless Markup)."""
    return str(environment().get_template(template).render(**context))


def macro(name: str, *args, **kwargs) -> str:
    """One macro of macros.html.j2 (a badge, a link) rendered on its own."""
    return str(getattr(environment().get_template(MACROS).module, name)(*args, **kwargs))


def fragment(markup: str):
    """HTML rendered by another template of this package, to be placed in a template as it is."""
    from markupsafe import Markup

    return Markup(markup)


def badge(label: str) -> str:
    """The label as a coloured badge that also reads as text (for print and without colour)."""
    return macro("badge", label)


def evidence_badge(strength: str | None) -> str:
    """The evidence strength as the verdict boxes show it (a dashed pill, written out); "" without one."""
    return macro("evidence_badge", strength) if strength else ""


def link(chapter: str, claim_id: str) -> str:
    """An HTML link from one executed chapter page to a claim's section in another (same folder); the bare
    id when the claim has no chapter."""
    return macro("claim_link", claim_id, chapter)


class HTML:
    """Ready-made, already escaped HTML for display() in a notebook."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __html__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        """The text without tags: what a plain-text viewer shows (and no memory address, which would make
        two executions of the same notebook differ)."""
        import html

        return html.unescape(re.sub(r"<[^>]+>", " ", self.markup)).strip()


def table(headers: list[str], rows: list[list[str]], caption: str = "") -> HTML:
    """An HTML table. The headers and the caption are text (escaped); the cells are markup that the caller
    built, escaping what it took from the data (html.escape, `link`, `badge`)."""
    from markupsafe import Markup

    cells = [[Markup(cell) for cell in row] for row in rows]  # the caller's markup, as the docstring says
    return HTML(render("table.html.j2", headers=headers, rows=cells, caption=caption))
