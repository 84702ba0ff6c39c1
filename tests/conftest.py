"""Shared fixtures: the built book (built once per session, as `make book` does) and CLI helpers."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimbook import ROOT

EXECUTED = ROOT / "_build" / "executed"
HTML = ROOT / "_build" / "html"


def run_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m claimbook ARGS` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "claimbook", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def tree_digest(path: Path) -> str:
    """One hash over every file below path (names and bytes), to prove a folder was left untouched."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if p.is_file():
            h.update(str(p.relative_to(path.parent)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def built_book():
    """The whole book, executed and built with warnings as errors, at its default parameters."""
    proc = run_cli("run")  # defaults for every chapter (a developer may have left a rerun behind)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("build")
    assert proc.returncode == 0, f"the book build failed:\n{proc.stdout}\n{proc.stderr}"
    assert (HTML / "index.html").exists()
    return HTML
