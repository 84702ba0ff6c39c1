"""No test writes into the checkout: the tests that damage inputs do it in a project copy (tests/conftest.py
make_project), so a run of them, finished or killed midway, leaves the checkout as it was.

The proof runs the suite's damaging tests (marker `damaging`) in a pytest of their own, once to the end and
once killed with SIGKILL a few seconds in (no `finally` runs then), and compares `git status` and the bytes of
data/, seeds/, notebooks/ and book/ before and after.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import BOOK_MARKER, book_marker, in_git_checkout, tree_digest

from claimbook import ROOT

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

WATCHED = ("data", "seeds", "notebooks", "book")


def checkout_state() -> tuple:
    """`git status` (tracked changes and untracked files, ignored ones aside) and one hash per input folder."""
    status = subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return status, {name: tree_digest(ROOT / name) for name in WATCHED}


def damaging_tests(files: list[str], basetemp) -> subprocess.Popen:
    """`pytest -m damaging FILES` in a process group of its own (so a kill reaches the commands it started)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CLAIMBOOK_ROOT"))}
    env["PYTHONUNBUFFERED"] = "1"  # progress as it happens, to kill it midway
    if book_marker() is not None:
        env[BOOK_MARKER] = str(book_marker())  # this run has built the book: the inner one need not check it
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-m",
        "damaging",
        "-p",
        "no:cacheprovider",
        "-v",
        "--basetemp",
        str(basetemp),
        *files,
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def test_the_damaging_tests_leave_the_checkout_as_it_was_finished_or_killed(built_book, request, tmp_path):
    if not in_git_checkout():
        pytest.skip("not a git checkout: nothing to compare `git status` with")
    # the files this run collected damaging tests from (all of tests/ when this module runs alone)
    damaging = [item for item in request.session.items if item.get_closest_marker("damaging")]
    files = sorted({str(item.path.relative_to(ROOT)) for item in damaging}) or ["tests"]
    before = checkout_state()

    proc = damaging_tests(files, tmp_path / "finished")
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out[-4000:]
    passed = re.search(r"(\d+) passed", out)
    assert passed, out[-2000:]
    if damaging:  # every damaging test this run collected ran, and passed, there
        assert int(passed.group(1)) == len(damaging), out[-2000:]
    else:
        assert int(passed.group(1)) >= 20, out[-2000:]
    assert checkout_state() == before, "a damaging test changed the checkout"

    proc = damaging_tests(files, tmp_path / "killed")
    started = time.monotonic()
    for line in proc.stdout:  # SIGKILL while the damaging tests run: a test's own clean-up never runs
        if " PASSED" in line and time.monotonic() - started > 3:
            break
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert checkout_state() == before, "a damaging test killed midway left the checkout changed"
