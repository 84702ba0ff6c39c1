"""Rerunning a chapter by hand, as in JupyterLab (`make lab`): edit the parameters cell, then Run All.

The chapters run here in a real Jupyter kernel (nbclient with the standard `python3` kernel, not the runner's
forked engine), with the parameters cell edited as a notebook user edits it. Run that way, a chapter gives
the verdicts `make run` gives with the same values, and a value that is not allowed stops the notebook in
its first code cell with the sentence the command line prints.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest
from conftest import ipc_kernel_manager, make_project, project_cli, run_cli
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from claimbook import ROOT
from claimbook.builder.runner import is_summary
from claimbook.core.notebooks import all_notebooks, find, short_name
from claimbook.core.params import NotebookParameterError, ParameterError, check_parameters, notebook_parameters
from claimbook.core.rules import from_notebook

# The chapters are the notebooks that are not summaries (derived: a new chapter is checked here without an edit).
CHAPTERS = [short for short, path in all_notebooks().items() if not is_summary(path)]


def edited(name: str, values: dict[str, str]) -> nbformat.NotebookNode:
    """The chapter with its parameters cell edited by hand: each NAME's value replaced by the given text."""
    nb = nbformat.read(find(name), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", []))
    for param, text in values.items():
        cell.source, n = re.subn(rf"^({param}: \w+ = )[^#\n]*?(\s+#)", rf"\g<1>{text}\g<2>", cell.source, flags=re.M)
        assert n == 1, f"{param} is not declared in the parameters cell of {name}"
    return nb


def run_in_kernel(nb) -> nbformat.NotebookNode:
    """Run All in a fresh `python3` kernel whose working directory is notebooks/, as JupyterLab does."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONWARNINGS": "ignore",
    }
    client = NotebookClient(
        nb,
        km=ipc_kernel_manager(kernel_name="python3"),
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute(env=env)
    return nb


def cli_error(*args: str) -> str:
    """The one sentence `python -m claimbook ARGS` prints for bad input."""
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert line.startswith("claimbook: error: ") and "\n" not in line, line
    return line.removeprefix("claimbook: error: ")


def test_every_chapter_checks_its_parameters_in_the_first_cell_after_them():
    for name in CHAPTERS:
        nb = nbformat.read(find(name), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        at = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
        assert f'params.check_parameters("{name}", globals())' in code[at + 1].source, name
    with_parameters = {short_name(p) for p in all_notebooks().values() if notebook_parameters(p)}
    assert with_parameters == set(CHAPTERS), "every chapter has parameters, and no summary has any"


def test_check_parameters_accepts_the_defaults_and_gives_resolves_sentences():
    declared = notebook_parameters(find("reserves"))
    defaults = {k: p.default for k, p in declared.items()}
    assert check_parameters("reserves", {**defaults, "unrelated": 1}) == defaults
    assert check_parameters("reserves", {**defaults, "tolerance_pct": 20})["tolerance_pct"] == 20.0
    with pytest.raises(NotebookParameterError) as bad:
        check_parameters("reserves", {**defaults, "edition": 1999})
    assert isinstance(bad.value, ParameterError)
    assert str(bad.value).startswith("edition=1999 is not available for reserves")
    assert bad.value._render_traceback_() == [f"ParameterError: {bad.value}"]  # what IPython shows, no traceback
    with pytest.raises(NotebookParameterError, match=r"^top_n must be int .*but got '5' \(str\)\.$"):
        check_parameters("reserves", {**defaults, "top_n": "5"})
    with pytest.raises(NotebookParameterError, match=r"^the parameters cell of reserves does not set edition; "):
        check_parameters("reserves", {k: v for k, v in defaults.items() if k != "edition"})


@pytest.mark.slow
def test_a_chapter_edited_by_hand_in_a_kernel_gives_the_verdicts_of_make_run(built_book, tmp_path):
    """Reserves with another edition and tolerance: the kernel's verdicts equal the runner's, field for field,
    and differ from the defaults' (so the edit reached the verdicts). The runner reruns a project copy (no
    rerun of the checkout's book to put back afterwards)."""
    values = {"edition": "2024", "tolerance_pct": "30.0"}
    by_hand = from_notebook(run_in_kernel(edited("reserves", values)))
    project = make_project(tmp_path / "root")
    executed = project / "_build" / "executed" / find("reserves").name
    defaults = from_notebook(nbformat.read(executed, as_version=4))
    proc = project_cli(project, "run", "reserves", "-p", " ".join(f"{k}={v}" for k, v in values.items()))
    assert proc.returncode == 0, proc.stderr
    runner = from_notebook(nbformat.read(executed, as_version=4))
    assert by_hand and set(by_hand) == set(runner) == set(defaults)
    assert by_hand == runner
    assert any(by_hand[c]["label"] != defaults[c]["label"] for c in by_hand), "the edit changed no verdict"


@pytest.mark.parametrize(
    ("name", "values", "cli"),
    [
        ("reserves", {"edition": "1999"}, "edition=1999"),  # a value with no data
        ("production", {"top_n": "50"}, "top_n=50"),  # out of range
        ("aluminium", {"share_of": '"exports"'}, "share_of=exports"),  # not one of the listed values
    ],
)
def test_a_bad_value_in_the_parameters_cell_stops_the_notebook_with_the_clis_sentence(name, values, cli):
    nb = edited(name, values)
    with pytest.raises(CellExecutionError):
        run_in_kernel(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    at = next(i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", []))
    errors = [o for o in code[at + 1].outputs if o.output_type == "error"]
    assert len(errors) == 1, "the first cell after the parameters cell must be the one that fails"
    sentence = cli_error("run", name, "-p", cli)
    assert errors[0].evalue == sentence
    assert errors[0].traceback == [f"ParameterError: {sentence}"]  # the sentence alone, no traceback
    assert all(c.get("execution_count") is None for c in code[at + 2 :]), "cells after the check ran"


def test_jupyterlab_is_an_optional_extra_with_its_own_exact_lock():
    """`make lab` installs requirements-lab.txt (exact pins, constrained by the book's lock) and registers the
    kernel; `make book` and `make test` install requirements.txt alone, which holds no notebook server."""

    def pins(path):
        lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        return lines, {ln.split("==")[0].lower().replace("_", "-"): ln for ln in lines if "==" in ln}

    lab_lines, lab = pins(ROOT / "requirements-lab.txt")
    _, book = pins(ROOT / "requirements.txt")
    assert lab_lines[0] == "-c requirements.txt"
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9.+\-]*", ln) for ln in lab_lines[1:]), lab_lines
    assert "jupyterlab" in lab and "jupyterlab" not in book and "jupyter-server" not in book
    assert not set(lab) & set(book), "a package locked twice"
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\n$(LAB): ", 1)[1].split("\n\n", 1)[0]
    assert "-r requirements-lab.txt" in recipe
    assert re.search(
        r"-m ipykernel install --sys-prefix --name \S+ --display-name \"claimbook \(project venv\)\"", recipe
    )
    assert re.search(r"^lab: \$\(LAB\)\n\t\$\(PY\) -m jupyterlab .*notebooks/$", makefile, flags=re.M)
    for target in ("book", "test"):
        assert re.search(rf"^{target}: \$\(READY\)$", makefile, flags=re.M), f"make {target} must not need the lab"
    assert "make lab" in (ROOT / "README.md").read_text().split("## Rerunning a chapter", 1)[1].split("\n## ", 1)[0]
