"""ruff over the package, the tests and the notebooks; notebooks committed without outputs."""

import subprocess
import sys

import nbformat

from claimbook import ROOT
from claimbook.core.notebooks import all_notebooks


def test_ruff_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "claimbook", "tests", "notebooks", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_code_is_formatted():
    """`ruff format` has been run (pre-commit runs it on every commit; notebooks are left out, pyproject says why)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "claimbook", "tests", "notebooks", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_notebooks_are_committed_without_outputs_and_with_one_parameters_cell():
    for path in all_notebooks().values():
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        # a chapter that checks claims has exactly one parameters cell; a summary may have none
        expected = (0, 1) if nb.metadata.get("claimbook", {}).get("summary") else (1,)
        assert sum("parameters" in c.metadata.get("tags", []) for c in code) in expected, path.name
