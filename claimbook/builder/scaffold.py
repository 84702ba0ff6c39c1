"""`python -m claimbook new-chapter NAME`: a new chapter from the templates kept here.

It writes the chapter's own files (notebooks/NN_NAME.ipynb, claimbook/chapters/NAME.py, tests/test_NAME.py)
and lists it in _toc.yml among the checks. Everything else about a chapter is derived: the runner, the command
line, the summaries, the exports and the page dates find it from notebooks/ (`all_notebooks`) and its claims
from the register. So the only other place a new chapter touches is the register (seeds/: its area in
claims.yaml, its claims there and their evidence in evidence.yaml), which CONTRIBUTING.md walks through.

The notebook gets one verdict section per claim the register already assigns to NAME, each judged from its
dated records (`page.verdict("ID")`); a claim computed from statistics gets a check function in the module
instead. The templates are strings, not files, so no test collector or linter mistakes them for a chapter.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from claimbook import ROOT, ClaimbookError, read_yaml_mapping, relpath, shorten

NAME = re.compile(r"[a-z][a-z0-9_]*")
LAST_CHAPTER_NUMBER = 89  # 90 and above are the appendices
TOC_ENTRY = re.compile(r"^(?P<indent>\s*)- file: _build/executed/(?P<stem>\d+_[a-z0-9_]+)\s*$")

MODULE = '''"""__TITLE__: the data and the checks behind the __NAME__ chapter.

Say here what the chapter checks and against which sources. A claim judged from dated public records needs
nothing in this module: the notebook's `page.verdict("ID")` judges it from seeds/evidence.yaml. A claim judged
from statistics gets a `check_...(claim, ...) -> rules.Verdict` function here, with the rule it applies
(`rules.Rule`) and the parameters it reads; each figure of the chapter is a function here that returns it.
"""

from __future__ import annotations

from collections import Counter

from claimbook.core.register import claims

NOTEBOOK = "__NAME__"


def kinds() -> Counter:
    """How many of the chapter's claims are of each kind (the template's example data: replace it)."""
    return Counter(c["kind"] for c in claims(notebook=NOTEBOOK))


def kinds_figure(top_n: int):
    """One bar per kind of claim, the most frequent at the top (at most `top_n` kinds): the template's example
    figure, built in the house style (claimbook.chapters.figures) and returned for the notebook to glue."""
    from claimbook.chapters import figures

    shown = kinds().most_common(top_n)[::-1]
    fig, ax = figures.new(__TITLE_LITERAL__ + ": the claims by kind", "the claims register (seeds/claims.yaml)")
    ax.barh([kind for kind, _ in shown], [n for _, n in shown], color=figures.ACCENT)
    ax.set_xlabel("claims")
    ax.grid(axis="y", visible=False)
    return figures.done(fig)
'''

TEST = '''"""The __NAME__ chapter's module: its figures draw what the data say (counted here from the same data)."""

from claimbook.chapters import __NAME__


def test_the_kinds_figure_has_a_bar_per_kind_of_claim():
    ax = __NAME__.kinds_figure(20).axes[0]
    assert sum(len(container) for container in ax.containers) == len(__NAME__.kinds())
    assert len(__NAME__.kinds_figure(1).axes[0].containers[0]) == min(1, len(__NAME__.kinds()))
'''


class ScaffoldError(ClaimbookError):
    pass


def _md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def _code(text: str, *tags: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(text.strip("\n"), metadata={"tags": list(tags)})


def notebook(name: str, title: str, claims: list[dict]) -> nbformat.NotebookNode:
    """The chapter notebook: overview, parameters, setup, claims, method, evidence (an example figure),
    one verdict section per claim, what would change the verdicts, sources."""
    imports = ", ".join(sorted([name, "page"]))
    cells = [
        _md(f"""
# {title}

**Overview.** What the articles say about this subject, and against which dated records and data this chapter
checks it. Replace this paragraph: it is the first thing a reader sees.

**Prerequisites.** How to read a verdict is explained in the introduction.
"""),
        _code(
            "top_n: int = 10  # kinds of claim shown in the figure; changes the figure only, no verdict [range: 1..20]",
            "parameters",
            "hide-input",
        ),
        _code(
            f"""
from claimbook.chapters import {imports}
from claimbook.core import params

params.check_parameters("{name}", globals())  # a hand-edited value stops here, with the CLI's sentence
CLAIMS = page.claims_of("{name}")
page.glue_all({{"n_claims": len(CLAIMS)}})
""",
            "hide-input",
        ),
        _md("""
## The claims

Each statement below is quoted as the articles printed it; the register in `seeds/claims.yaml` records who
made it and as of which date it is judged.
"""),
        _code("page.show_claims(CLAIMS)", "hide-input"),
        _md("""
## Method

The {glue:text}`n_claims` claims of this chapter are judged from dated public records, part by part, as the
rules below say; only records published by a claim's date decide its label, and later ones are listed under
"since then". The articles under check are never evidence. The rules:
"""),
        _code('page.rules(["findings", "not_rated", "strength"])', "hide-input"),
        _md("""
## Evidence

### The claims by kind

An example figure from the template: replace it with the evidence the chapter draws on, built by a function of
the chapter's module.
"""),
        _code(f'page.glue_all({{"fig_kinds": {name}.kinds_figure(top_n)}})', "hide-input"),
        _md(f"""
```{{glue:figure}} fig_kinds
:name: fig-{name.replace("_", "-")}-kinds
:alt: Horizontal bar chart of the number of this chapter's claims of each kind.

The claims of this chapter by kind. Source: the claims register, `seeds/claims.yaml`.
```
"""),
        _md("## Verdicts"),
    ]
    for c in claims:
        cells += [
            _md(f"({c['id'].lower()})=\n### {c['id']}: {c['statement']}"),
            _code(f'page.verdict("{c["id"]}")', "hide-input"),
        ]
    if not claims:
        cells.append(
            _md(f"""
No claim in the register names this chapter yet. Add each to `seeds/claims.yaml` (with `notebook: {name}`) and
its findings to `seeds/evidence.yaml`, then give it a section here: a Markdown cell with its label and heading,
and below it a code cell with `page.verdict("ID")` (judged from its records) or
`page.verdict("ID", {name}.check_...(CLAIMS["ID"], ...))` (computed from statistics).
""")
        )
    cells += [
        _md("""
## What would change the verdicts

- **Better sources.** Say which record, published by a claim's date, would change which verdict.

## Sources

The records behind each verdict are listed with it, with their publication dates. The datasets:
"""),
        _code('page.sources("public_records")', "hide-input"),
    ]
    nb = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def _chapter_numbers(root: Path) -> dict[str, int]:
    """Stem -> number of every chapter that is not a summary (the notebooks as the runner finds them)."""
    from claimbook.builder.runner import is_summary
    from claimbook.core.notebooks import all_notebooks

    notebooks = all_notebooks(root / "notebooks").values()
    numbered = {path: path.stem.split("_", 1)[0] for path in notebooks}  # a notebook without NN_ is no chapter
    return {path.stem: int(n) for path, n in numbered.items() if n.isdigit() and not is_summary(path)}


def next_number(root: Path = ROOT) -> int:
    """The next multiple of ten after the last chapter (the appendices start at 90)."""
    numbers = _chapter_numbers(root).values()
    number = (max(numbers, default=0) // 10 + 1) * 10
    if number > LAST_CHAPTER_NUMBER:
        raise ScaffoldError(
            f"there is no multiple of ten left below 90 after the last chapter; give --number NN "
            f"(free numbers between the chapters, under {LAST_CHAPTER_NUMBER + 1})."
        )
    return number


def add_to_toc(stem: str, number: int, toc: Path) -> bool:
    """List the executed chapter in _toc.yml in number order among the other chapters (not the summaries);
    False when it is listed already."""
    lines = toc.read_text(encoding="utf-8").splitlines(keepends=True)
    if any((m := TOC_ENTRY.match(line)) and m["stem"] == stem for line in lines):
        return False
    chapters = _chapter_numbers(toc.parent)
    entries = [(i, m) for i, line in enumerate(lines) if (m := TOC_ENTRY.match(line)) and m["stem"] in chapters]
    if not entries:
        raise ScaffoldError(
            f"{relpath(toc)} lists no chapter to place {stem} beside; add "
            f"'- file: _build/executed/{stem}' to it by hand."
        )
    later = [(i, m) for i, m in entries if chapters[m["stem"]] > number]
    at, m = later[0] if later else (entries[-1][0] + 1, entries[-1][1])
    lines.insert(at, f"{m['indent']}- file: _build/executed/{stem}\n")
    toc.write_text("".join(lines), encoding="utf-8")
    return True


def register_claims(name: str, root: Path = ROOT) -> list[dict]:
    """The claims seeds/claims.yaml assigns to notebook `name`, read as written: the register is not valid until
    the notebook they name exists, so it is not validated here (`python -m claimbook check` does that after)."""
    raw = read_yaml_mapping(root / "seeds" / "claims.yaml", ScaffoldError)
    return [
        c
        for c in raw.get("claims") or []
        if isinstance(c, dict) and c.get("notebook") == name and c.get("id") and c.get("statement")
    ]


def new_chapter(name: str, number: int | None = None, title: str | None = None, root: Path = ROOT) -> list[Path]:
    """Write the chapter's notebook, module and test from the templates and list it in _toc.yml; returns the
    files written or changed. Refuses a name or number already taken, and overwrites nothing."""
    if not NAME.fullmatch(name):
        raise ScaffoldError(f"a chapter's name is lower-case letters, digits and _ (as reserves), not {shorten(name)}.")
    existing = {re.sub(r"^\d+_", "", p.stem): p for p in (root / "notebooks").glob("*.ipynb")}
    if name in existing:
        raise ScaffoldError(f"there is a chapter {name} already ({relpath(existing[name])}).")
    number = next_number(root) if number is None else number
    if not 1 <= number <= LAST_CHAPTER_NUMBER:
        raise ScaffoldError(
            f"a chapter's number is from 1 to {LAST_CHAPTER_NUMBER} (90 and above are the appendices), not {number}."
        )
    taken = {int(m.group(1)): p for p in (root / "notebooks").glob("*.ipynb") if (m := re.match(r"^(\d+)_", p.stem))}
    if number in taken:
        raise ScaffoldError(f"the number {number:02d} is taken by {relpath(taken[number])}; give another --number.")
    stem = f"{number:02d}_{name}"
    title = title or name.replace("_", " ").capitalize()
    files = {
        root / "notebooks" / f"{stem}.ipynb": nbformat.writes(notebook(name, title, register_claims(name, root)))
        + "\n",
        root / "claimbook" / "chapters" / f"{name}.py": MODULE.replace("__TITLE_LITERAL__", repr(title))
        .replace("__TITLE__", title)
        .replace("__NAME__", name),
        root / "tests" / f"test_{name}.py": TEST.replace("__NAME__", name),
    }
    for path in files:
        if path.exists():
            raise ScaffoldError(f"{relpath(path)} exists already; the template overwrites nothing.")
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    written = list(files)
    toc = root / "_toc.yml"
    if add_to_toc(stem, number, toc):
        written.append(toc)
    return written
