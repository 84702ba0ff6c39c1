"""What a reader needs to rebuild this exact book: the revision, the software, the data and the parameters.

Read at build time by the reproducibility appendix (a summary notebook), so it describes the build it is
part of.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata

from claimbook import ROOT
from claimbook.builder.workspace import EXECUTED_DIR, read_executed

# The packages whose versions decide what the book shows (the full lock is requirements.txt).
KEY_PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "papermill",
    "nbformat",
    "ipython",
    "pandas",
    "pandera",
    "numpy",
    "matplotlib",
    "pyyaml",
)


def git_revision() -> str:
    """The checkout's commit, with '+ uncommitted changes' when the tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def software() -> dict[str, str]:
    """Python and the key packages, name -> version."""
    versions = {"Python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def lock_digest() -> str:
    return hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()


def data_checksums() -> list[dict]:
    """Each dataset's file, its sha256 now, and whether it matches the one its sidecar records."""
    from claimbook.core.data import DATA_DIR, dataset_names, describe

    rows = []
    for name in dataset_names():
        recorded = describe(name).meta["sha256"]
        actual = hashlib.sha256((DATA_DIR / f"{name}.csv").read_bytes()).hexdigest()
        rows.append({"file": f"data/{name}.csv", "sha256": actual, "matches sidecar": actual == recorded})
    return rows


def chapter_parameters() -> list[dict]:
    """Each executed chapter with the parameters it ran with and those that differ from its defaults. The
    summaries are left out: they run beside this appendix, so whether their copies exist yet is a race."""
    rows = []
    for path in sorted(EXECUTED_DIR.glob("*.ipynb")):
        meta, _ = read_executed(path)
        if meta.get("summary"):
            continue
        rows.append(
            {"chapter": path.stem, "parameters": meta.get("parameters", {}), "non_default": meta.get("non_default", {})}
        )
    return rows
