"""The pipeline end to end: runner, book, reruns, bad input and failures, through the CLI and make."""

import json
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import EXECUTED, HTML, project_env, run_cli, tree_digest

from claimbook import ROOT
from claimbook.builder import runner, workspace
from claimbook.core.notebooks import all_notebooks
from claimbook.core.register import claims
from claimbook.core.rules import SCALE, from_notebook

RESERVES = EXECUTED / "10_reserves.ipynb"
# `make` with the running interpreter, and the venv taken as set up (never installed by a test)
MAKE = ["make", "--no-print-directory", "-o", ".venv/.ready", f"PY={sys.executable}"]


CHECKING = sorted({c["notebook"] for c in claims()} & set(all_notebooks()))


@pytest.mark.parametrize("name", CHECKING)
def test_every_claim_of_an_executed_chapter_has_a_verdict(built_book, name):
    path = EXECUTED / all_notebooks()[name].name
    nb = nbformat.read(path, as_version=4)
    found = from_notebook(nb)
    expected = {c["id"] for c in claims(notebook=name)}
    assert expected and set(found) == expected
    for verdict in found.values():
        assert verdict["label"] in SCALE and verdict["conclusion"]
    assert not nb.metadata.get("papermill", {}).get("exception")


def test_the_book_shows_every_verdict_and_figure(built_book):
    page = (HTML / "_build" / "executed" / "10_reserves.html").read_text()
    for c in claims(notebook="reserves"):
        assert f'id="verdict-{c["id"]}"' in page
    assert page.count("<img") >= 3 and "data:image" not in page.split("<figure")[0][-200:]
    assert (HTML / "index.html").exists()


def test_the_claims_page_lists_every_claim_and_links_to_where_it_is_checked(built_book):
    page = (HTML / "_build" / "executed" / "05_claims.html").read_text()
    for c in claims():
        assert f">{c['id']}<" in page, c["id"]
        if c["notebook"] in all_notebooks():
            chapter = all_notebooks()[c["notebook"]].stem
            assert f'href="{chapter}.html#{c["id"].lower()}"' in page
    assert page.count("claimbook-table") >= 5 + 3  # five articles, three contradictions


def test_the_data_appendix_describes_every_dataset_and_who_uses_it(built_book):
    from claimbook.core.data import dataset_names

    page = (HTML / "_build" / "executed" / "90_data_sources.html").read_text()
    for name in dataset_names():
        assert f'id="dataset-{name}"' in page
    reserves_section = page.split('id="dataset-usgs_ree_reserves"')[1].split("</section>")[0]
    assert '<a href="10_reserves.html">10_reserves</a>' in reserves_section


def test_a_second_build_reuses_everything(built_book):
    before = tree_digest(HTML)
    proc = run_cli("build")
    assert proc.returncode == 0
    assert "reused" in proc.stdout and "book         up to date" in proc.stdout
    assert tree_digest(HTML) == before


BAD = [
    (["-p", "editon=2024"], "has no parameter 'editon'; its parameters are: country, edition"),
    (["-p", "edition=abc"], "edition must be int"),
    (["-p", "edition=2020"], "allowed: 2023, 2024, 2025, 2026"),
    (["-p", "country=Atlantis"], "country='Atlantis' is not available for reserves; allowed: Australia"),
    (["-p", "edition="], "edition is empty"),
    (["-p", "os.system('touch /tmp/pwned')=1"], "is not a valid parameter name"),
    (["-p", "edition"], "is not of the form NAME=VALUE"),
]


@pytest.mark.parametrize("args, fragment", BAD)
def test_bad_parameters_fail_clearly_and_touch_nothing(built_book, args, fragment):
    before = (tree_digest(RESERVES), tree_digest(HTML))
    proc = run_cli("run", "reserves", *args, "--build")
    assert proc.returncode != 0
    assert fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr  # one sentence, no traceback
    assert (tree_digest(RESERVES), tree_digest(HTML)) == before


def test_a_malformed_parameters_file_fails_clearly(built_book, tmp_path):
    f = tmp_path / "params.yaml"
    f.write_text("edition: [2024\n")
    before = tree_digest(RESERVES)
    proc = run_cli("run", "reserves", "-f", str(f))
    assert proc.returncode != 0 and "is not valid YAML" in proc.stderr
    assert tree_digest(RESERVES) == before


# `make run` in a project copy (its Makefile, inputs and book): a refusal that went wrong would write there
def _make(project, *args) -> subprocess.CompletedProcess:
    return subprocess.run([*MAKE, *args], cwd=project, capture_output=True, text=True, env=project_env(project))


def _state(project) -> tuple:
    return tree_digest(project / "_build" / "executed" / RESERVES.name), tree_digest(project / "_build" / "html")


@pytest.mark.parametrize("args, fragment", BAD)
def test_make_run_refuses_bad_parameters_too(project, args, fragment):
    before = _state(project)
    proc = _make(project, "run", "NB=reserves", f"P={args[1]}")
    assert proc.returncode != 0 and fragment in proc.stderr
    assert [ln for ln in proc.stderr.splitlines() if ln.startswith("claimbook: error:")] == [
        proc.stderr.splitlines()[0]
    ]
    assert _state(project) == before


def test_make_run_passes_quotes_and_dollars_through_as_text(project):
    before = _state(project)
    proc = _make(project, "run", "NB=reserves", "P=country='Cote d'\\''Ivoire'")
    assert proc.returncode != 0 and 'country="Cote d\'Ivoire" is not available for reserves' in proc.stderr
    proc = _make(project, "run", "NB=reserves", "P=edition=$(shell touch pwned)")
    assert proc.returncode != 0 and not (project / "pwned").exists() and not (ROOT / "pwned").exists()
    assert _state(project) == before


def test_params_lists_every_parameter_with_its_allowed_values(built_book):
    proc = run_cli("params", "reserves")
    assert proc.returncode == 0
    assert "edition (int, default 2025)" in proc.stdout and "allowed: 2023, 2024, 2025, 2026" in proc.stdout


def test_check_passes():
    proc = run_cli("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# The rerun with another edition and back to the defaults is checked, with the README's example and a reader
# that goes away, in one project copy: tests/test_hostile.py::test_a_rerun_keeps_every_export_in_step_...


@pytest.fixture
def failing_notebook(tmp_path, monkeypatch):
    """A notebook that raises in its third cell, run by the real runner in a temporary build folder."""
    nbdir, build = tmp_path / "notebooks", tmp_path / "_build"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x: int = 1  # a number [range: 0..10]", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("y = x + 1"),
            nbformat.v4.new_code_cell("if x > 2:\n    raise ValueError('x is too large')"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "90_broken.ipynb")
    monkeypatch.setattr("claimbook.core.notebooks.NOTEBOOK_DIR", nbdir)
    monkeypatch.setattr(workspace, "EXECUTED_DIR", build / "executed")
    monkeypatch.setattr(workspace, "FAILED_DIR", build / "failed")
    monkeypatch.setattr(workspace, "TMP_DIR", build / "tmp")
    monkeypatch.setattr(workspace, "SWEEP_DIR", build / "sweeps")
    monkeypatch.setattr(workspace, "BUILD_DIR", build)
    monkeypatch.setattr(runner, "check_inputs", lambda: None)  # the register names the real notebooks
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    return build


def test_a_notebook_that_raises_is_named_and_the_last_good_copy_stays(failing_notebook):
    build = failing_notebook
    runner.run(["broken"], {"x": "1"})  # a good run first
    good = build / "executed" / "90_broken.ipynb"
    before = tree_digest(good)
    with pytest.raises(workspace.RunError) as err:
        runner.run(["broken"], {"x": "5"})
    message = str(err.value)
    assert "notebooks/90_broken.ipynb failed in cell 3" in message and "ValueError: x is too large" in message
    assert tree_digest(good) == before
    assert (build / "failed" / "90_broken.ipynb").exists()
    assert not list((build / "tmp").glob("*.ipynb"))


def test_unchanged_inputs_are_reused_and_a_change_reruns(failing_notebook, capsys):
    runner.run(["broken"], {"x": "1"})
    runner.run(["broken"], {"x": "1"})
    assert "reused" in capsys.readouterr().out
    runner.run(["broken"], {"x": "2"})
    assert "running" in capsys.readouterr().out


def test_executed_chapters_record_their_inputs_and_parameters(built_book):
    meta = nbformat.read(RESERVES, as_version=4).metadata["claimbook"]
    assert set(meta) >= {"inputs_hash", "parameters", "non_default"}
    assert meta["parameters"]["edition"] == 2025
    json.dumps(meta)


def test_build_output_is_ignored_by_git():
    proc = subprocess.run(
        ["git", "check-ignore", "_build/html/index.html", ".venv/bin/python"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.stdout.split() == ["_build/html/index.html", ".venv/bin/python"]
    assert shutil.which("git")
