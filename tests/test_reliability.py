"""Issue #11: damaged input, interrupted work and escaped output (determinism and the offline build are in
tests/test_determinism.py).

Each test that damages input or interrupts a build does it in a project copy (tests/conftest.py
make_project: the inputs and the built book in a temporary folder, the package pointed at it with
CLAIMBOOK_ROOT), then proves that the last good chapter and book are untouched and that the next build
recovers. The checkout's data/, seeds/ and _build/ are only read.
"""

import html
import json
import signal
import subprocess
import time

import nbformat
import pytest
from conftest import (
    HTML,
    assert_exports_agree_with_pages,
    project_cli,
    project_command,
    project_env,
    published_state,
    tree_digest,
)
from markupsafe import escape

from claimbook import ROOT
from claimbook.builder import collect
from claimbook.core import html as html_helpers
from claimbook.core import register
from claimbook.core.rules import Verdict

BUILD = ROOT / "_build"
RESERVES_CSV = "data/usgs_ree_reserves.csv"
REGISTER = "seeds/claims.yaml"


def _change(damage):
    """A change for conftest's `damage`: bytes -> bytes, or None to delete the file."""

    def change(path):
        new = damage(path.read_bytes())
        if new is None:
            path.unlink()
        else:
            path.write_bytes(new)

    return change


def _executed_state(project):
    return tree_digest(project / "_build" / "executed"), tree_digest(project / "_build" / "html")


@pytest.mark.damaging
@pytest.mark.parametrize(
    "what, damage_, fragment",
    [
        ("truncated", lambda b: b[: len(b) // 2], "data/usgs_ree_reserves.csv"),
        ("altered", lambda b: b.replace(b"3800000", b"3900000", 1), "data/usgs_ree_reserves.csv"),
        ("missing", lambda b: None, "data/usgs_ree_reserves.csv"),
    ],
)
def test_a_damaged_data_file_is_named_and_the_last_good_book_stays(project, damage, what, damage_, fragment):
    before = _executed_state(project)
    damage(RESERVES_CSV, _change(damage_))
    proc = project_cli(project, "run", "reserves", "--build")
    assert proc.returncode != 0, what
    error = [ln for ln in proc.stderr.splitlines() if ln.startswith("claimbook: error:")]
    assert len(error) == 1 and fragment in error[0], proc.stderr
    assert _executed_state(project) == before
    assert not list((project / "_build" / "tmp").glob("*")), "nothing half-written is left behind"


@pytest.mark.damaging
@pytest.mark.parametrize(
    "what, damage_, fragment",
    [
        ("duplicate id", lambda b: b.replace(b"- id: RES-02\n", b"- id: RES-01\n", 1), "the id RES-01 is used twice"),
        ("broken reference", lambda b: b.replace(b"notebook: reserves", b"notebook: reservez", 1), "reservez"),
    ],
)
def test_a_damaged_register_is_named_and_the_last_good_book_stays(project, damage, what, damage_, fragment):
    before = _executed_state(project)
    damage(REGISTER, _change(damage_))
    proc = project_cli(project, "run", "reserves", "--build")
    check = project_cli(project, "check")
    assert proc.returncode != 0 and "seeds/claims.yaml" in proc.stderr and fragment in proc.stderr, proc.stderr
    assert check.returncode != 0 and fragment in check.stdout
    assert _executed_state(project) == before


@pytest.mark.reliability
def test_a_build_killed_midway_leaves_whole_files_and_the_next_build_recovers(project):
    build = project / "_build"
    proc = subprocess.Popen(
        project_command("run", "--force"),
        cwd=project,
        env=project_env(project),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:  # wait until notebooks are executing
        if "running" in line:
            break
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "interrupted" in err
    assert not list((build / "tmp").glob("*.ipynb"))
    for path in [*(build / "executed").glob("*.ipynb"), *(build / "sweeps").glob("*/*.ipynb")]:
        nb = nbformat.read(path, as_version=4)  # whole: parses, and carries the runner's mark
        assert nb.metadata["claimbook"]["inputs_hash"], path
    recovered = project_cli(project, "build")
    assert recovered.returncode == 0, recovered.stderr
    executed = collect.executed_verdicts(build / "executed")
    assert set(executed) == {c["id"] for c in register.claims()}


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.reliability
def test_a_summary_failing_while_the_book_reads_its_pages_keeps_the_last_book_and_the_next_build_is_whole(
    project, damage
):
    """The book is built while the summaries run: jupyter-book reads each page as the run writes it. A summary
    that fails stops the run and that build; the last good book, chapters and exports stay, and the next run
    builds a book whose pages agree with its exports (a build stopped while reading leaves its successor to
    read every page, claimbook.builder.book)."""
    source = project / "notebooks" / "05_claims.ipynb"

    def break_it(path):
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("broken on purpose")'))
        nbformat.write(nb, path)

    before = published_state(project)
    damage("notebooks/05_claims.ipynb", break_it)
    try:
        proc = project_cli(project, "run", "reserves", "-p", "edition=2024", "--build")
        assert proc.returncode != 0 and "05_claims.ipynb failed" in proc.stderr, proc.stdout + proc.stderr
        assert published_state(project) == before
        source.write_bytes((ROOT / "notebooks" / "05_claims.ipynb").read_bytes())  # mended
        proc = project_cli(project, "run", "reserves", "-p", "edition=2024", "--build")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert not (project / "_build" / "jb" / ".reading").exists()
        assert_exports_agree_with_pages(project)
    finally:
        project_cli(project, "run", "reserves", "--build")


def test_claim_text_is_escaped_in_html(monkeypatch):
    fake = {
        "id": "RES-01",
        "kind": "numeric",
        "claimant": MARKUP,
        "claimant_role": None,
        "as_of": "2025-02-24",
        "statement": MARKUP,
        "appearances": [{"article": "000_c4d03b90453defe8", "quote": MARKUP}],
    }
    monkeypatch.setattr(register, "claim", lambda claim_id: fake)
    page = register.ClaimQuote("RES-01")._repr_html_()
    assert "<script>" not in page and "<img" not in page
    assert escape(MARKUP) in page


def test_verdict_and_table_text_is_escaped_in_html():
    verdict = Verdict(
        "RES-01",
        "accurate",
        MARKUP,
        1,
        1,
        MARKUP,
        [MARKUP],
        sources=[
            {
                "id": "x",
                "type": "record",
                "title": MARKUP,
                "publisher": "p",
                "published": "2025-01-01",
                "tier": "primary",
                "url": "https://example.org/?a=<b>",
                "kind": "transcript",
            }
        ],
        findings=[
            {"part": "p", "role": "core", "holds": True, "shows": MARKUP, "published": None, "since_then": False}
        ],
    )
    page = verdict._repr_html_()
    # conclusion, rule, source title, finding
    assert "<script>" not in page and "<img" not in page and page.count(escape(MARKUP)) == 4
    assert "?a=&lt;b&gt;" in page
    assert (
        "<script>" not in html_helpers.link(MARKUP, "RES-01")
        and "<script>" not in html_helpers.table([MARKUP], []).markup
    )


def test_the_built_book_contains_no_unescaped_quote_markup(built_book):
    """Every quote of the register appears in the chapters, in its escaped form."""
    page = "".join(p.read_text() for p in (HTML / "_build" / "executed").glob("*.html"))
    for c in register.claims():
        for a in c["appearances"]:
            assert any(e in page for e in (html.escape(a["quote"], quote=False), escape(a["quote"]))), c["id"]
    json.loads((BUILD / "verdicts.json").read_text())  # and the exports carry them as data
