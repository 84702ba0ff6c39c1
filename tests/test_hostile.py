"""Issue #19: what a hostile or careless user, or a second process, does must never publish a wrong or
half-built book.

Each CLI case runs in a project copy (tests/conftest.py make_project: the inputs and the built book in a
temporary folder, the package pointed at it with CLAIMBOOK_ROOT), damages it, and checks the exit status, the
one sentence on stderr, and that the HTML book, the executed chapters and the exports are byte-identical
afterwards. The checkout's data/, seeds/ and notebooks/ are never touched.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import (
    assert_exports_agree_with_pages,
    project_cli,
    project_command,
    project_env,
    published_state,
)

ERROR = re.compile(r"^claimbook: error: .+[.)]$")
MAX_MESSAGE = 600  # characters: a message never echoes a long value in full


@pytest.fixture(scope="module")
def box(project):
    """This module's project copy (conftest's `project`; `damage` puts back what a test damaged)."""
    return project


def one_sentence(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and ERROR.match(lines[0]), proc.stderr[-2000:]
    assert len(lines[0]) <= MAX_MESSAGE, len(lines[0])
    assert "Traceback" not in proc.stderr
    return lines[0]


# -- damage to one file of the project copy: (file, change) --------------------------------------------------


def _bytes(b: bytes):
    return lambda p: p.write_bytes(b)


def _replace(old: bytes, new: bytes):
    def change(p: Path):
        data = p.read_bytes()
        assert old in data, old
        p.write_bytes(data.replace(old, new, 1))

    return change


def _folder(p: Path):
    p.unlink()
    p.mkdir()
    (p / "x").write_text("x")


def _notebook(edit):
    def change(p: Path):
        nb = nbformat.read(p, as_version=4)
        edit(nb)
        nbformat.write(nb, p)

    return change


def _params_cell(extra: str):
    def edit(nb):
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source += "\n" + extra

    return _notebook(edit)


def _untag(nb):
    for c in nb.cells:
        c.metadata["tags"] = [t for t in c.metadata.get("tags", []) if t != "parameters"]


def _sweep_as_text(nb):
    nb.metadata["claimbook"]["sweep"] = "edition"


RESERVES_CSV = "data/usgs_ree_reserves.csv"
RESERVES_YAML = "data/usgs_ree_reserves.yaml"
RESERVES_NB = "notebooks/10_reserves.ipynb"
HEADER = b"edition,edition_inferred,table_complete,country,"
FIRST_VALUE = b"2026,false,true,China,country,44000000,"

FILE_CASES = [
    # id, file, change, command, exit status, fragment of the sentence
    (
        "sidecar-not-utf8",
        RESERVES_YAML,
        _replace(b"title:", b"\xff\xfetitle:"),
        ["run", "reserves", "--build"],
        2,
        "data/usgs_ree_reserves.yaml is not UTF-8 text",
    ),
    (
        "sidecar-duplicate-key",
        RESERVES_YAML,
        lambda p: p.write_bytes(p.read_bytes() + b"\ntier: primary\n"),
        ["run", "reserves", "--build"],
        2,
        "gives the key 'tier' twice",
    ),
    (
        "data-path-is-a-folder",
        RESERVES_CSV,
        _folder,
        ["run", "reserves", "--build"],
        2,
        "data/usgs_ree_reserves.csv is not a file",
    ),
    (
        "csv-duplicated-column",
        RESERVES_CSV,
        _replace(HEADER, HEADER.replace(b"country,", b"edition,")),
        ["run", "reserves", "--build"],
        2,
        "has the column 'edition' twice in its header",
    ),
    (
        "csv-extra-column",
        RESERVES_CSV,
        _replace(b"edition,edition_inferred", b"edition,bogus,edition_inferred"),
        ["run", "reserves", "--build"],
        2,
        "has a column 'bogus' that its sidecar does not describe",
    ),
    (
        "csv-inf",
        RESERVES_CSV,
        _replace(FIRST_VALUE, FIRST_VALUE.replace(b"44000000", b"inf")),
        ["run", "reserves", "--build"],
        2,
        "'inf' in column 'reserves_t' (line 2), which is not of type float (a finite number",
    ),
    (
        "csv-nan",
        RESERVES_CSV,
        _replace(FIRST_VALUE, FIRST_VALUE.replace(b"44000000", b"nan")),
        ["run", "reserves", "--build"],
        2,
        "'nan' in column 'reserves_t' (line 2), which is not of type float (a finite number",
    ),
    (
        "csv-underflow",
        RESERVES_CSV,
        _replace(FIRST_VALUE, FIRST_VALUE.replace(b"44000000", b"1e-400")),
        ["run", "reserves", "--build"],
        2,
        "'1e-400' in column 'reserves_t' (line 2), which is not of type float (a finite number",
    ),
    (
        "csv-underscore",
        RESERVES_CSV,
        _replace(FIRST_VALUE, FIRST_VALUE.replace(b"44000000", b"44_000_000")),
        ["run", "reserves", "--build"],
        2,
        "'44_000_000' in column 'reserves_t'",
    ),
    (
        "csv-extra-field-first-row",  # pandas would take the first column for the index and shift every value
        RESERVES_CSV,
        _replace(FIRST_VALUE, FIRST_VALUE.replace(b"China,", b"China,Beijing,", 1)),
        ["run", "reserves", "--build"],
        2,
        "fields on line 2 where its header has",
    ),
    (
        "csv-arabic-digits",
        RESERVES_CSV,
        _replace(FIRST_VALUE, FIRST_VALUE.replace(b"2026", "٢٠٢٦".encode(), 1)),
        ["run", "reserves", "--build"],
        2,
        "in column 'edition' (line 2), which is not of type int (a whole number",
    ),
    (
        "params-cell-syntax-error",
        RESERVES_NB,
        _params_cell("broken: int = (1"),
        ["build"],
        2,
        "10_reserves.ipynb: the parameters cell is not valid Python",
    ),
    (
        "choices-malformed",
        RESERVES_NB,
        _params_cell("bogus: int = 1  # help [choices: ../etc]"),
        ["build"],
        2,
        "it must name MODULE.FUNCTION",
    ),
    (
        "choices-missing-function",
        RESERVES_NB,
        _params_cell("bogus: int = 1  # help [choices: chapters.reserves.nothing]"),
        ["build"],
        2,
        "the allowed values of bogus come from claimbook.chapters.reserves.nothing, which failed",
    ),
    (
        "range-malformed",
        RESERVES_NB,
        _params_cell("bogus: int = 1  # help [range: 1-5]"),
        ["build"],
        2,
        "it must be [range: LOW..HIGH]",
    ),
    (
        "default-not-literal",
        RESERVES_NB,
        _params_cell("bogus: int = len('x')  # help"),
        ["build"],
        2,
        "the default of bogus is not a literal value",
    ),
    (
        "notebook-truncated",
        RESERVES_NB,
        lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
        ["build"],
        2,
        "notebooks/10_reserves.ipynb is not valid JSON (truncated?)",
    ),
    (
        "not-a-notebook",
        RESERVES_NB,
        _bytes(b'{"hello": 1}'),
        ["build"],
        2,
        "notebooks/10_reserves.ipynb is not a Jupyter notebook",
    ),
    (
        "notebook-not-utf8",
        RESERVES_NB,
        _bytes(b'{"cells": "\xff"}'),
        ["build"],
        2,
        "notebooks/10_reserves.ipynb is not UTF-8 text",
    ),
    (
        "sweep-declared-as-text",
        RESERVES_NB,
        _notebook(_sweep_as_text),
        ["build"],
        2,
        "must be a list of parameter names",
    ),
    (
        "no-parameters-tag",
        RESERVES_NB,
        _notebook(_untag),
        ["run", "reserves", "-p", "edition=2024"],
        2,
        "reserves takes no parameters",
    ),
    (
        "register-duplicate-key",
        "seeds/claims.yaml",
        lambda p: p.write_bytes(p.read_bytes() + b"\nclaims: []\n"),
        ["run", "reserves", "--build"],
        2,
        "seeds/claims.yaml gives the key 'claims' twice",
    ),
]


@pytest.mark.damaging
@pytest.mark.parametrize("case, rel, change, command, status, fragment", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_a_damaged_input_ends_in_one_sentence_and_the_book_stays(
    box, damage, case, rel, change, command, status, fragment
):
    before = published_state(box)
    damage(rel, change)
    proc = project_cli(box, *command)
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert fragment in one_sentence(proc)
    assert published_state(box) == before
    assert not list((box / "_build").glob("journal")) and not list((box / "_build").glob("html.*"))


# -- bad parameters, on the command line and in a parameters file ------------------------------------------

BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    + "edition: *i\n"
)

PARAM_CASES = [
    # id, -p/-f arguments (a dict value is a parameters file's bytes), exit status, fragment
    ("unclosed-quote", ["reserves", "-p", "country='Cote"], 2, "has an unclosed quote"),
    ("arabic-indic-digits", ["reserves", "-p", "edition=٢٠٢٤"], 2, "edition must be int"),
    ("underscore-int", ["reserves", "-p", "edition=2_024"], 2, "edition must be int"),
    ("underscore-float", ["economy", "-p", "soaring_pct=1_0"], 2, "soaring_pct must be float"),
    ("float-underflow", ["economy", "-p", "soaring_pct=1e-400"], 2, "soaring_pct must be float"),
    ("float-overflow", ["economy", "-p", "soaring_pct=1e400"], 2, "soaring_pct must be float"),
    ("float-nan", ["economy", "-p", "soaring_pct=nan"], 2, "soaring_pct must be float"),
    ("huge-value", ["reserves", "-p", "country=" + "x" * 100_000], 2, "is not available for reserves"),
    ("huge-name", ["reserves", "-p", "y" * 100_000 + "=1"], 2, "reserves has no parameter"),
    ("file-not-utf8", ["reserves", {"bytes": b"edition: \xff\n"}], 2, "is not UTF-8 text"),
    ("file-is-a-folder", ["reserves", {"folder": True}], 2, "is a folder, not a file"),
    (
        "file-duplicate-key",
        ["reserves", {"bytes": b"edition: 2024\nedition: 2023\n"}],
        2,
        "gives the key 'edition' twice (lines 1 and 2)",
    ),
    ("file-underscore", ["reserves", {"bytes": b"edition: 2_024\n"}], 2, "edition must be int"),
    (
        "file-no-is-not-false",
        ["reserves", {"bytes": b"country: no\n"}],
        2,
        "country='no' is not available for reserves",
    ),
    ("file-alias-bomb", ["reserves", {"bytes": BOMB.encode()}], 2, "must be a single value, not a list"),
]


@pytest.mark.parametrize("case, args, status, fragment", PARAM_CASES, ids=[c[0] for c in PARAM_CASES])
def test_a_bad_parameter_ends_in_one_sentence_and_the_book_stays(box, tmp_path, case, args, status, fragment):
    before = published_state(box)
    argv = []
    for a in args:
        if isinstance(a, dict):
            f = tmp_path / "params.yaml"
            if a.get("folder"):
                f.mkdir()
            else:
                f.write_bytes(a["bytes"])
            argv += ["-f", str(f)]
        else:
            argv.append(a)
    start = time.monotonic()
    proc = project_cli(box, "run", *argv, "--build", timeout=120)
    assert time.monotonic() - start < 60, "an error message took too long to build"
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert fragment in one_sentence(proc)
    assert published_state(box) == before


# -- the quote check without the articles --------------------------------------------------------------------


def test_check_says_when_the_quote_check_could_not_run(box):
    proc = project_cli(box, "check", env={"CLAIMBOOK_ARTICLES": str(box / "no-articles")})
    assert proc.returncode == 0 and "the quote check could not run (the articles are not in" in proc.stdout
    proc = project_cli(box, "check")
    assert proc.returncode == 0 and "every quote occurs in its article" in proc.stdout


def test_check_fails_in_ci_when_the_quote_check_could_not_run(box):
    proc = project_cli(box, "check", env={"CLAIMBOOK_ARTICLES": str(box / "no-articles"), "CI": "true"})
    assert proc.returncode == 1 and "the quote check could not run" in proc.stdout and "CI requires it" in proc.stdout


def test_the_build_says_when_the_quote_check_could_not_run_and_ci_fails(box):
    before = published_state(box)
    proc = project_cli(box, "build", env={"CLAIMBOOK_ARTICLES": str(box / "no-articles")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == (
        "claimbook: warning: the quote check could not run (the articles are not in "
        "no-articles); quotes in seeds/claims.yaml are unchecked."
    )
    proc = project_cli(box, "build", env={"CLAIMBOOK_ARTICLES": str(box / "no-articles"), "CI": "true"})
    assert proc.returncode == 2 and "the quote check could not run" in one_sentence(proc)
    assert published_state(box) == before


@pytest.mark.damaging
def test_a_made_up_quote_fails_check_when_the_articles_are_there(box, damage):
    damage("seeds/claims.yaml", _replace(b"quote: ", b"quote: Entirely made up words, "))
    proc = project_cli(box, "check")
    assert proc.returncode == 1 and "quote does not occur in article" in proc.stdout


# -- a rerun with other parameters, and back ------------------------------------------------------------------

MAKE = ["make", "--no-print-directory", "-o", ".venv/.ready", f"PY={sys.executable}"]  # the venv taken as set up


@pytest.mark.slow
def test_a_rerun_keeps_every_export_in_step_with_every_page_and_the_defaults_return(box):
    """The README's rerun example and its way back, in one project copy (three tests before, which reran the
    same chapter with the same edition and back, each rebuilding the book twice). It comes before the builds
    below, so its first build makes the copy's Sphinx environment (the copy has none) and theirs reuse it:

    1. `make run NB=reserves P="edition=2024"` after a build: the chapter is rerun (it reuses the swept copy),
       its verdict flips, the page says it was rerun, and every export agrees with every page;
    2. `make book` keeps the rerun's parameters rather than silently undoing it, and everything still agrees;
    3. back to the defaults with `run reserves --build | head -1`: a reader that goes away after the first line
       does not stop the run halfway, so the run and the rebuild go on to the end and pages and exports agree.
    """
    env = project_env(box)
    build = box / "_build"
    chapter = build / "executed" / "10_reserves.ipynb"
    try:
        _rerun_and_back(box, env, build, chapter)
    finally:  # whatever failed, the copy is left at the defaults for the module's other tests
        if nbformat.read(chapter, as_version=4).metadata["claimbook"]["non_default"]:
            project_cli(box, "run", "reserves", "--build")


def _rerun_and_back(box, env, build, chapter):
    from claimbook.core.rules import from_notebook

    proc = subprocess.run(
        [*MAKE, "run", "NB=reserves", "P=edition=2024"], cwd=box, capture_output=True, text=True, env=env, timeout=900
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "copied from" in proc.stdout or "running" in proc.stdout
    nb = nbformat.read(chapter, as_version=4)
    assert nb.metadata["claimbook"]["non_default"] == {"edition": 2024}
    assert from_notebook(nb)["RES-01"]["label"] == "inaccurate"  # MCS 2024 said 10 Mt
    res01 = {r["claim_id"]: r for r in json.loads((build / "verdicts.json").read_text())}["RES-01"]
    assert res01["label"] == "inaccurate" and res01["parameters"]["edition"] == 2024
    page = (build / "html" / "_build" / "executed" / "10_reserves.html").read_text()
    assert "Rerun with other parameters" in page and "edition=2024" in page
    assert_exports_agree_with_pages(box)

    again = subprocess.run([*MAKE, "book"], cwd=box, capture_output=True, text=True, env=env, timeout=900)
    assert again.returncode == 0, again.stderr
    assert "reused" in again.stdout
    assert nbformat.read(chapter, as_version=4).metadata["claimbook"]["non_default"] == {"edition": 2024}
    assert_exports_agree_with_pages(box)

    back = subprocess.Popen(
        project_command("run", "reserves", "--build"), cwd=box, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    back.stdout.readline()
    back.stdout.close()
    _, err = back.communicate(timeout=600)
    assert back.returncode == 0 and b"Traceback" not in err, err.decode()
    nb = nbformat.read(chapter, as_version=4)
    assert nb.metadata["claimbook"]["non_default"] == {}
    assert from_notebook(nb)["RES-01"]["label"] == "accurate"
    assert_exports_agree_with_pages(box)
    assert (build / "html" / "index.html").exists()


# -- one build at a time, and killed builds -------------------------------------------------------------------

BUSY = "another claimbook build, run or pdf is running in this checkout"


@pytest.mark.reliability
@pytest.mark.parametrize("round_", range(3))
def test_two_builds_started_together_never_publish_a_partial_book(box, round_):
    before = published_state(box)
    if round_ == 0:  # one round where the book is really rebuilt and swapped in
        (box / "_build" / "html" / ".claimbook-build").unlink()
    env = project_env(box)
    procs = [
        subprocess.Popen(
            project_command("build"), cwd=box, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert 0 in codes, results
    for code, _, err in results:
        assert code == 0 or (
            code == 2 and err.strip().startswith(f"claimbook: error: {BUSY}") and len(err.strip().splitlines()) == 1
        ), (code, err)
    assert (box / "_build" / "html" / "index.html").is_file()
    after = published_state(box)
    assert after[1:] == before[1:]  # the chapters and exports are the same inputs' results
    if round_:
        assert after == before


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids: list[int]) -> list[int]:
    import psutil

    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.reliability
@pytest.mark.parametrize("delay", [0.5, 3.0])
def test_a_run_killed_with_sigkill_leaves_no_worker_and_the_next_build_publishes_a_whole_build(box, delay):
    before = published_state(box)
    env = project_env(box)
    proc = subprocess.Popen(
        project_command("run", "reserves", "-p", "edition=2024", "--force", "--build"),
        cwd=box,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:
        if "running" in line:
            break
    time.sleep(delay)
    workers = _children(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()  # not read to the end: closed here rather than by the garbage collector (ResourceWarning)
    proc.stderr.close()
    deadline = time.monotonic() + 20
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(workers) == [], "workers outlived their killed parent"
    nxt = project_cli(box, "build")
    assert nxt.returncode == 0, nxt.stderr
    nb = nbformat.read(box / "_build" / "executed" / "10_reserves.ipynb", as_version=4)
    assert nb.metadata["claimbook"]["non_default"] == {}, "the next build published the killed run's parameters"
    assert published_state(box) == before
    assert not (box / "_build" / "journal").exists()
