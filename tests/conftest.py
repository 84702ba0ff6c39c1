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


# -- a copy of the checkout for tests that damage inputs or kill builds (the real data/ and seeds/ stay) --

BUILD_PARTS = ("html", "executed", "sweeps", "jb")
EXPORTS = ("verdicts.json", "verdicts.csv", "claimreview.jsonld")


def make_sandbox(dest: Path) -> Path:
    """The checkout's tracked files (as they are now) and its built book, copied to dest."""
    import shutil

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    for part in BUILD_PARTS:
        if (ROOT / "_build" / part).exists():
            shutil.copytree(ROOT / "_build" / part, dest / "_build" / part, symlinks=True)
    for name in EXPORTS:
        shutil.copy2(ROOT / "_build" / name, dest / "_build" / name)
    return dest


def sandbox_cli(box: Path, *args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m claimbook ARGS` run in a sandbox (its own package, data, register and _build)."""
    return subprocess.run([sys.executable, "-m", "claimbook", *args], cwd=box, capture_output=True, text=True,
                          timeout=timeout, env={**sandbox_env(box), **(env or {})})


def sandbox_env(box: Path) -> dict:
    """The environment of a command run in a sandbox: its own package, the real articles, not in CI."""
    from claimbook.core import register

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({"PYTHONPATH": str(box), "PYTHONWARNINGS": "ignore", "CLAIMBOOK_ARTICLES": str(register.ARTICLES_DIR)})
    return env


def published_state(box: Path) -> tuple:
    """What a reader sees: the HTML book, the executed chapters and the exports (bytes)."""
    build = box / "_build"
    return (tree_digest(build / "html"), tree_digest(build / "executed"),
            tuple(tree_digest(build / name) for name in EXPORTS))
