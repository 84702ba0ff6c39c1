"""The HTML the package writes comes from the templates in claimbook/templates/, escaped by default.

Each template and each macro is rendered with hostile values in every field it shows; the checks are shown
to fail when the escaping is off. No module writes HTML tags in its string literals (outside an allowlist).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import jinja2
import markupsafe
import nbformat
import pytest
from markupsafe import Markup, escape

from claimbook.builder import runner, workspace
from claimbook.core import html
from claimbook.core.notebooks import all_notebooks

# closes an element, opens one, breaks out of an attribute value (either quote), and carries an ampersand
HOSTILE = '</script><script>alert(1)</script>" onmouseover="alert(2)\' & <img src=x onerror=alert(3)>'
RAW = ("<script>alert(1)", "<img src=x", 'onmouseover="alert(2)', "' & <")  # any of these: not escaped


def _correction(value) -> dict:
    return {
        "date": value,
        "claim": value,
        "old_label": value,
        "new_label": "mixed",
        "reason": value,
        "rating_changed": True,
    }


def _cases(h: str) -> dict[str, dict]:
    """template -> its values, each text a hostile h (the table's cells are markup by contract: escaped)."""
    verdict = {
        "label": h,
        "claim_id": h,
        "evidence": h,
        "conclusion": h,
        "content": {"label": h, "conclusion": h},
        "since_then": [h],
        "sensitivity": h,
        "searched": h,
        "rule": h,
        "sources": [{"published": h, "publisher": h, "url": h, "title": h, "tier": h}],
    }
    parameter = {"name": h, "help": h, "default": h, "current": h, "values": [h, "other"]}
    changes = {
        "edition": h,
        "n_labels": 1,
        "scale": ["mixed"],
        "rows": [{"claim": h, "label": (h, "mixed"), "texts": [(h, "x"), (h, h)], "moved_by": [h, h]}],
    }
    return {
        "table.html.j2": {"headers": [h, h], "rows": [[escape(h), "x"]], "caption": h},
        "claim.html.j2": {
            "c": {"id": h, "kind": h, "as_of": h, "statement": h},
            "who": h,
            "quotes": [{"quote": h, "source": h}],
        },
        "verdict.html.j2": {
            "d": verdict,
            "findings": [{"holds": v, "part": h, "shows": h} for v in (True, False, None)],
        },
        "cards.html.j2": {
            "data": {
                "chapter": h,
                "page": {h: {"label": h, "evidence": h, "conclusion": h, "note": h}},
                "parameters": [parameter, parameter],
                "alternatives": {f"{h}={h}": {h: {"label": h}}},
            },
            "summary": h,
            "corrections": {h: [_correction(h)]},
            "columns": [(parameter, h)],
            "alternatives": {h: [{"label": h}, None]},
        },
        "changes.html.j2": changes,
        "what_changed.html.j2": changes,
        "corrections.html.j2": {"rows": [_correction(h)]},
        "execution_report.html.j2": {
            "run_at": h,
            "rows": [{k: h for k in ("name", "kind", "status", "at", "took", "changed", "parameters", "inputs_hash")}],
        },
        "json_ld.html.j2": {"reviews": [{"claimReviewed": h, "author": {"name": h}}]},
    }


def _macro_cases(h: str) -> dict[str, tuple]:
    return {
        "badge": (h,),
        "evidence_badge": (h,),
        "link": (h, h),
        "claim_link": (h, h, h),
        "correction": (_correction(h),),
        "paragraph": (h, h),
    }


def _scripts(out: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", out, re.S)


def _strings(data) -> list[str]:
    """Every string in decoded JSON, keys too."""
    if isinstance(data, dict):
        return [*data, *(s for v in data.values() for s in _strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


def _check(out: str, h: str = HOSTILE) -> None:
    """The hostile value is shown (as escaped text, or as JSON data in a script element) and nowhere raw."""
    for raw in RAW:
        assert raw not in out, f"unescaped {raw!r} in {out[:300]}"
    bodies = _scripts(out)
    # each script element is the template's own, and carries JSON that decodes to the values given
    assert out.count("</script>") == len(bodies) == out.count("<script")
    shown_as_text = str(escape(h)) in re.sub(r"<script[^>]*>.*?</script>", "", out, flags=re.S)
    shown_as_data = any(h in _strings(json.loads(b)) for b in bodies)
    assert shown_as_text or shown_as_data, out[:300]
    assert not re.search(r">\s*\n\s*<", out), "a template's layout (a line break between tags) reached the output"


def test_every_template_and_every_macro_has_a_hostile_case():
    names = {p.name for p in html.TEMPLATES_DIR.glob("*.html.j2")}
    assert set(_cases(HOSTILE)) | {html.MACROS} == names
    module = html.environment().get_template(html.MACROS).module
    macros = {k for k, v in vars(module).items() if isinstance(v, jinja2.runtime.Macro)}
    assert set(_macro_cases(HOSTILE)) == macros


@pytest.mark.parametrize("template", sorted(_cases(HOSTILE)))
def test_every_template_escapes_every_value(template):
    _check(html.render(template, **_cases(HOSTILE)[template]))


@pytest.mark.parametrize("name", sorted(_macro_cases(HOSTILE)))
def test_every_macro_escapes_every_value(name):
    _check(html.macro(name, *_macro_cases(HOSTILE)[name]))


def _unsafe_environment():
    """The same templates with the escaping off: no autoescape, and JSON written as it is."""
    env = html.environment().overlay(autoescape=False, cache_size=0, bytecode_cache=None)  # compiled otherwise
    env.filters = {**env.filters, "tojson": lambda value: Markup(json.dumps(value, ensure_ascii=False))}
    return env


@pytest.mark.parametrize("template", sorted(_cases(HOSTILE)))
def test_the_template_checks_fail_without_escaping(template, monkeypatch):
    unsafe = _unsafe_environment()
    monkeypatch.setattr(html, "environment", lambda: unsafe)
    with pytest.raises(AssertionError):
        _check(html.render(template, **_cases(HOSTILE)[template]))


@pytest.mark.parametrize("name", sorted(_macro_cases(HOSTILE)))
def test_the_macro_checks_fail_without_escaping(name, monkeypatch):
    unsafe = _unsafe_environment()
    monkeypatch.setattr(html, "environment", lambda: unsafe)
    with pytest.raises(AssertionError):
        _check(html.macro(name, *_macro_cases(HOSTILE)[name]))


def test_a_value_a_template_needs_and_does_not_get_is_an_error():
    with pytest.raises(jinja2.UndefinedError):
        html.render("claim.html.j2", c={"id": "RES-01"}, who="x", quotes=[])


def test_the_table_takes_its_cells_as_markup_and_its_headers_as_text():
    out = html.table(["<b>"], [["<i>x</i>", escape("<y>")]], "a & b").markup
    assert "<th>&lt;b&gt;</th>" in out and "<td><i>x</i></td><td>&lt;y&gt;</td>" in out and "a &amp; b" in out
    assert markupsafe.escape(html.HTML("<p>x</p>")) == "<p>x</p>"  # already HTML, placed as it is


# -- no HTML in the package's string literals --------------------------------------------------------------------

PACKAGE = html.TEMPLATES_DIR.parent
ELEMENTS = (
    "a abbr b blockquote body br button caption code col dd del details div dl dt em form h1 h2 h3 h4 h5 h6 "
    "head hr html i iframe img input ins label li link meta nav ol option p pre q script section select "
    "small span strong style sub summary sup table tbody td textarea tfoot th thead title tr u ul"
).split()
TAG = re.compile(r"<(?:/?(?:" + "|".join(ELEMENTS) + r")(?=[\s/>]|$)|!doctype)", re.I)
# (module, the literal) that may stay, each with its reason
ALLOWED = {
    ("builder/pdf.py", "<details>"): "rewrites the page Sphinx wrote (unfolds each closed <details> for print); "
    "it assembles no markup",
    ("builder/pdf.py", "<details open>"): "the same replacement",
    ("builder/pdf.py", '<script\\b[^>]*\\bsrc="(?:https?:)?//[^"]*"[^>]*>\\s*</script>'): "matches the scripts from "
    "the web that it drops from the page Sphinx wrote; it assembles no markup",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def markup_in_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal (or literal part of an f-string) with an HTML tag, docstrings aside."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if TAG.search(node.value):
                found.append((node.lineno, node.value))
    return found


def test_the_guard_finds_markup_in_strings_and_f_strings():
    source = 'def f(x):\n    """A <div> in a docstring is prose."""\n    return f\'<td class="{x}">\' + "</tr>" + "(?P<short>x)"\n'
    assert sorted(text for _, text in markup_in_literals(source)) == ["</tr>", '<td class="']


def test_no_module_writes_html_tags_in_its_string_literals():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for line, text in markup_in_literals(path.read_text(encoding="utf-8")):
            if (module, text) not in ALLOWED:
                found.append(f"claimbook/{module}:{line}: {text[:80]!r}")
    assert not found, "HTML belongs in claimbook/templates/:\n" + "\n".join(found)
    unused = [k for k in ALLOWED if not any(t == k[1] for _, t in markup_in_literals((PACKAGE / k[0]).read_text()))]
    assert not unused, f"allowlist entries no longer needed: {unused}"


def test_no_notebook_takes_its_presentation_helpers_from_the_build():
    helpers = {"HTML", "badge", "evidence_badge", "link", "table"}
    for path in all_notebooks().values():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse("\n".join(ln for ln in cell.source.splitlines() if not ln.startswith("%")))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("claimbook.builder"):
                    assert not helpers & {a.name for a in node.names}, (path.name, node.module)


# -- a template is an input of the notebooks that render it --------------------------------------------------------


def test_editing_a_template_reruns_the_notebooks_that_use_core_html(tmp_path, monkeypatch):
    notebooks = all_notebooks()
    users = {n for n, p in notebooks.items() if "core/html" in runner.package_modules(p)}
    assert users >= {"reserves", "verdicts", "data_sources"}
    before = {n: runner._code_digest(p) for n, p in notebooks.items()}
    package = tmp_path / "claimbook"
    shutil.copytree(workspace.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    template = package / "templates" / "verdict.html.j2"
    template.write_text(template.read_text().replace("Verdict on", "The verdict on"))
    monkeypatch.setattr(workspace, "PACKAGE_DIR", package)
    after = {n: runner._code_digest(p) for n, p in notebooks.items()}
    assert {n for n in notebooks if before[n] != after[n]} == users


def test_the_templates_are_tracked_by_git():
    """A fresh clone (and the sandboxes of the tests) must have them."""
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "claimbook/templates"], cwd=PACKAGE.parent, capture_output=True, text=True, check=True
    ).stdout.split()
    assert {Path(p).name for p in listed} == {p.name for p in html.TEMPLATES_DIR.glob("*.html.j2")}


def test_compiled_templates_are_kept_and_a_folder_that_takes_none_costs_nothing_but_time(tmp_path, monkeypatch):
    import claimbook

    monkeypatch.setattr(claimbook, "BUILD_DIR", tmp_path)
    try:
        html.environment.cache_clear()
        expected = html.macro("badge", "accurate")
        kept = list((tmp_path / "cache" / "templates").glob("*/*.cache"))
        assert kept  # compiled once, for the next process

        def refuse(self, bucket):
            raise PermissionError("read-only")

        monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", refuse)
        for path in kept:
            path.unlink()
        html.environment.cache_clear()
        assert html.macro("badge", "accurate") == expected  # compiled again, nothing kept, no error
        assert not list((tmp_path / "cache" / "templates").glob("*/*.cache"))
    finally:
        html.environment.cache_clear()
