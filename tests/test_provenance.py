"""The reproducibility appendix: revision, software, data checksums and parameters, read at build time."""

import re
import shutil

from conftest import HTML

from claimbook import ROOT
from claimbook.builder import provenance
from claimbook.core.data import dataset_names


def test_the_revision_is_the_checkouts_commit():
    assert re.fullmatch(r"[0-9a-f]{40}( \+ uncommitted changes)?", provenance.git_revision())


def test_a_data_file_that_differs_from_its_sidecar_is_flagged(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setattr("claimbook.core.data.DATA_DIR", data)
    assert all(r["matches sidecar"] for r in provenance.data_checksums())
    csv = data / "russia_macro.csv"
    csv.write_text(csv.read_text().replace("\n", "\n\n", 1))
    flagged = [r["file"] for r in provenance.data_checksums() if not r["matches sidecar"]]
    assert flagged == ["data/russia_macro.csv"]


def test_the_software_list_names_python_and_the_book_stack():
    versions = provenance.software()
    assert versions["Python"].count(".") == 2
    assert versions["jupyter-book"].startswith("1.") and versions["papermill"] != "not installed"


def test_the_appendix_lists_every_data_file_and_chapter(built_book):
    page = (HTML / "_build" / "executed" / "95_reproducibility.html").read_text()
    assert provenance.git_revision().split()[0] in page
    for name in dataset_names():
        assert f"data/{name}.csv" in page
    for row in provenance.chapter_parameters():
        assert row["chapter"] in page


def test_the_parameters_table_lists_chapters_and_not_the_summaries_that_run_beside_it(tmp_path, monkeypatch):
    import nbformat

    for name, summary in (("10_reserves", False), ("03_verdicts", True)):
        nb = nbformat.v4.new_notebook()
        nb.metadata["claimbook"] = {"parameters": {"edition": 2025}, "non_default": {}, "summary": summary}
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    monkeypatch.setattr(provenance, "EXECUTED_DIR", tmp_path)
    assert [row["chapter"] for row in provenance.chapter_parameters()] == ["10_reserves"]
