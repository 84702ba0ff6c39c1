"""Adding a chapter touches its own files and two places besides: _toc.yml and the register (seeds/). Nothing
else lists the chapters: the runner, the command line, the summaries, the exports and the page dates derive
them from notebooks/ and the register. Proved here by adding one, as CONTRIBUTING.md says, to a copy of the
checkout and building it; and by a scan for any hand-kept list of the chapters in the code."""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import make_project, project_cli, project_env

from claimbook import ROOT
from claimbook.builder import scaffold
from claimbook.builder.runner import is_summary
from claimbook.core.notebooks import all_notebooks

CHAPTERS = {short: path.stem for short, path in all_notebooks().items() if not is_summary(path)}

# What CONTRIBUTING.md asks of a new area with one claim judged from its records.
AREA = "  sample: SMP\n"
CLAIM = """- id: SMP-01
  area: sample
  notebook: sample
  kind: event
  claimant: article
  claimant_role: null
  statement: Putin made the rare-earth remarks on Russian state television.
  as_of: 2025-03-31
  appearances:
  - article: 000_c4d03b90453defe8
    quote: during a state TV broadcast
"""
EVIDENCE = """SMP-01:
  findings:
  - part: the remarks were made on Russian state television
    role: core
    holds: true
    records:
    - ria_crimea_putin_regions_tv_2025_02_24
    shows: RIA Novosti Crimea reported that Putin made the remarks to the host of a state-TV programme.
"""


def _strings(node: ast.AST) -> set[str]:
    parts = (node.keys + node.values) if isinstance(node, ast.Dict) else getattr(node, "elts", [])
    return {p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)}


def test_no_module_test_or_benchmark_keeps_a_list_of_the_chapters():
    """A literal list, tuple, set or dict naming every chapter (by short name or file stem) is a list someone
    must remember to extend; a sample of a few chapters, as some tests take, is not."""
    found = []
    for path in sorted([*ROOT.glob("claimbook/**/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("benchmarks/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
                names = _strings(node)
                if set(CHAPTERS) <= names or set(CHAPTERS.values()) <= names:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"hand-kept lists of the chapters: {found}"
    assert len(CHAPTERS) >= 2  # the scan has something to find


@pytest.fixture
def tree(tmp_path):
    """The parts of the checkout the template reads and writes."""
    for rel in ("notebooks", "claimbook/chapters", "tests"):
        (tmp_path / rel).mkdir(parents=True)
    for path in all_notebooks().values():
        shutil.copy(path, tmp_path / "notebooks")
    shutil.copy(ROOT / "_toc.yml", tmp_path)
    (tmp_path / "seeds").mkdir()
    shutil.copy(ROOT / "seeds" / "claims.yaml", tmp_path / "seeds")
    return tmp_path


def _toc_stems(toc: Path) -> list[str]:
    return [m["stem"] for line in toc.read_text().splitlines() if (m := scaffold.TOC_ENTRY.match(line))]


@pytest.mark.parametrize("number, after", [(None, "60_economy"), (15, "10_reserves"), (7, "05_claims")])
def test_the_template_lists_the_chapter_in_number_order_among_the_checks(tree, number, after):
    written = scaffold.new_chapter("sample", number, root=tree)
    stem = f"{number or 70:02d}_sample"
    stems = _toc_stems(tree / "_toc.yml")
    assert stems[stems.index(stem) - 1] == after and stems.count(stem) == 1
    assert {p.relative_to(tree).as_posix() for p in written} == {
        f"notebooks/{stem}.ipynb",
        "claimbook/chapters/sample.py",
        "tests/test_sample.py",
        "_toc.yml",
    }
    assert not scaffold.add_to_toc(stem, number or 70, tree / "_toc.yml")  # listed once


def test_the_template_writes_one_verdict_section_per_claim_of_the_register_and_lint_clean_files(tree):
    claims = tree / "seeds" / "claims.yaml"
    claims.write_text(claims.read_text().replace("\ncontradictions:", "\n" + CLAIM + "contradictions:", 1))
    scaffold.new_chapter("sample", title="A sample chapter", root=tree)
    nb = nbformat.read(tree / "notebooks" / "70_sample.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code if "page.verdict" in c.source] == ['page.verdict("SMP-01")']
    assert any("(smp-01)=\n### SMP-01: Putin made" in c.source for c in nb.cells if c.cell_type == "markdown")
    assert "parameters" in code[0].metadata["tags"] and 'params.check_parameters("sample", globals())' in code[1].source
    assert nb.cells[0].source.startswith("# A sample chapter")
    assert all(not c.outputs for c in code)
    assert (tree / "notebooks" / "70_sample.ipynb").read_text().endswith("}\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--config",
            "lint.isort.known-first-party = ['claimbook']",
            "notebooks/70_sample.ipynb",
            "claimbook/chapters/sample.py",
            "tests/test_sample.py",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "name, number, fragment",
    [
        ("reserves", None, "there is a chapter reserves already"),
        ("Sample", None, "lower-case letters, digits and _"),
        ("sample", 10, "the number 10 is taken by .*notebooks/10_reserves.ipynb"),
        ("sample", 95, "from 1 to 89"),
    ],
)
def test_the_template_refuses_a_name_or_number_taken_and_overwrites_nothing(tree, name, number, fragment):
    before = sorted(p.name for p in (tree / "notebooks").iterdir())
    with pytest.raises(scaffold.ScaffoldError, match=fragment):
        scaffold.new_chapter(name, number, root=tree)
    assert sorted(p.name for p in (tree / "notebooks").iterdir()) == before


def _digests(root: Path) -> dict[str, str]:
    skip = ("_build", ".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache")
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not set(p.relative_to(root).parts) & set(skip)
    }


def _env(box: Path) -> dict:
    """The project copy's own package first: the new chapter's module exists only there."""
    return {**project_env(box), "PYTHONPATH": str(box)}


def sandbox_cli(box: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return project_cli(box, *args, env={"PYTHONPATH": str(box)}, timeout=timeout)


def test_a_chapter_added_by_the_checklist_is_found_run_and_listed_touching_two_places(built_book, tmp_path):
    box = make_project(tmp_path / "repo")
    before = _digests(box)
    # the register: the area, the claim and its evidence (CONTRIBUTING.md, "Adding a chapter")
    claims = box / "seeds" / "claims.yaml"
    text = claims.read_text()
    assert "\nplanned_notebooks:" in text and "\ncontradictions:" in text
    claims.write_text(
        text.replace("\nplanned_notebooks:", "\n" + AREA.rstrip("\n") + "\nplanned_notebooks:", 1).replace(
            "\ncontradictions:", "\n" + CLAIM + "contradictions:", 1
        )
    )
    evidence = box / "seeds" / "evidence.yaml"
    evidence.write_text(evidence.read_text() + EVIDENCE)
    # the chapter's own files, and its line in _toc.yml
    proc = sandbox_cli(box, "new-chapter", "sample", "--title", "A sample chapter")
    assert proc.returncode == 0, proc.stderr

    after = _digests(box)
    added = set(after) - set(before)
    changed = {p for p in set(before) & set(after) if before[p] != after[p]}
    assert added == {"notebooks/70_sample.ipynb", "claimbook/chapters/sample.py", "tests/test_sample.py"}
    assert changed == {"_toc.yml", "seeds/claims.yaml", "seeds/evidence.yaml"}  # the two places
    assert not set(before) - set(after)

    proc = sandbox_cli(box, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(all_notebooks()) + 1} notebooks" in proc.stdout
    proc = sandbox_cli(box, "params", "sample")
    assert proc.returncode == 0 and "top_n (int, default 10)" in proc.stdout, proc.stderr
    proc = sandbox_cli(box, "build", "--no-sweeps", timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # found and run: executed with its verdict; listed: exported, on the summaries and in the book
    executed = box / "_build" / "executed" / "70_sample.ipynb"
    from claimbook.core.rules import from_notebook

    assert list(from_notebook(nbformat.read(executed, as_version=4))) == ["SMP-01"]
    records = json.loads((box / "_build" / "verdicts.json").read_text())
    records = records["verdicts"] if isinstance(records, dict) else records
    (smp,) = [r for r in records if r["claim_id"] == "SMP-01"]
    assert smp["chapter"] == "70_sample" and smp["label"] == "accurate"
    pages = box / "_build" / "html" / "_build" / "executed"
    assert 'id="smp-01"' in (pages / "70_sample.html").read_text()
    for summary in ("03_verdicts", "05_claims"):
        assert 'href="70_sample.html#smp-01"' in (pages / f"{summary}.html").read_text(), summary
    assert 'href="70_sample.html"' in (pages / "60_economy.html").read_text()  # next page, in the toc's order
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_sample.py",
            "notebooks/70_sample.ipynb",
        ],
        cwd=box,
        capture_output=True,
        text=True,
        env=_env(box),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
