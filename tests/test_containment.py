"""No test writes into the checkout: the tests that damage inputs do it in a project copy (tests/conftest.py
make_project), so a run of them, finished or killed midway, leaves the checkout as it was.

Finished: every test run compares `git status` and the bytes of data/, seeds/, notebooks/ and book/ at its
start and its end (tests/conftest.py, pytest_sessionstart and pytest_sessionfinish) and fails when they
differ; the suite's own run of every damaging test is that proof, and a run that writes into a checkout is
shown here to fail. Killed: the suite's damaging tests (marker `damaging`) run in a pytest of their own,
killed with SIGKILL a few seconds in (no `finally` runs then), and the checkout is compared before and after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import (
    BOOK_MARKER,
    book_marker,
    checkout_changes,
    checkout_state,
    in_git_checkout,
    make_project,
    project_env,
)

from claimbook import ROOT

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def inner_pytest(args: list[str], cwd, env: dict | None = None) -> subprocess.Popen:
    """A pytest of its own in a process group of its own (so a kill reaches the commands it started)."""
    env = env or {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CLAIMBOOK_ROOT"))}
    env["PYTHONUNBUFFERED"] = "1"  # progress as it happens, to kill it midway
    if book_marker() is not None:
        env[BOOK_MARKER] = str(book_marker())  # this run has built the book: the inner one need not check it
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_the_damaging_tests_killed_midway_leave_the_checkout_as_it_was(built_book, request, tmp_path):
    if not in_git_checkout():
        pytest.skip("not a git checkout: nothing to compare `git status` with")
    # the files this run collected damaging tests from (all of tests/ when this module runs alone)
    damaging = [item for item in request.session.items if item.get_closest_marker("damaging")]
    files = sorted({str(item.path.relative_to(ROOT)) for item in damaging}) or ["tests"]
    before = checkout_state()
    proc = inner_pytest(["-m", "damaging", "-v", "--basetemp", str(tmp_path / "killed"), *files], ROOT)
    started, passed = time.monotonic(), 0
    for line in proc.stdout:  # SIGKILL while the damaging tests run: a test's own clean-up never runs
        passed += " PASSED" in line
        if passed and time.monotonic() - started > 3:
            break
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL and passed, "the damaging tests were not running when killed"
    assert checkout_changes(before, checkout_state()) == ""


WRITES_INTO_THE_CHECKOUT = """
from claimbook import ROOT

def test_writes_a_file_into_the_checkout():
    (ROOT / "seeds" / "stray.yaml").write_text("left behind")
"""


def test_a_run_whose_test_writes_into_the_checkout_fails(tmp_path):
    """The check every run ends with is not vacuous: in a clone of the checkout, a run whose only test
    passes but leaves a file in seeds/ fails, naming it."""
    if not in_git_checkout():
        pytest.skip("not a git checkout: nothing to compare `git status` with")
    clone = make_project(tmp_path / "clone")
    (clone / "tests" / "test_stray.py").write_text(WRITES_INTO_THE_CHECKOUT)
    proc = inner_pytest(["tests/test_stray.py"], clone, project_env(clone))
    out, _ = proc.communicate(timeout=300)
    assert "1 passed" in out, out[-3000:]
    assert proc.returncode == pytest.ExitCode.TESTS_FAILED, out[-3000:]
    assert "FAILED (containment)" in out and "seeds/stray.yaml" in out and "'seeds'" in out, out[-3000:]


def test_the_comparison_names_a_changed_file_and_passes_an_unchanged_checkout():
    state = (" M data/a.csv\n", {"data": "1", "seeds": "2", "notebooks": "3", "book": "4"})
    assert checkout_changes(state, state) == ""
    grown = (state[0] + "?? seeds/x.yaml\n", {**state[1], "seeds": "9"})
    change = checkout_changes(state, grown)
    assert "?? seeds/x.yaml" in change and "'seeds'" in change and "data/a.csv" not in change
