"""The chapters: notebooks/NN_name.ipynb, named by their short name (`reserves`) or their file name."""

from __future__ import annotations

import re
from pathlib import Path

from claimbook import ROOT, ClaimbookError

NOTEBOOK_DIR = ROOT / "notebooks"
_NAME = re.compile(r"^\d+_(?P<short>[a-z0-9_]+)$")


def short_name(path: Path) -> str:
    m = _NAME.match(path.stem)
    return m.group("short") if m else path.stem


def all_notebooks(notebook_dir: Path | None = None) -> dict[str, Path]:
    """Short name -> path, in file order (the order the book shows them)."""
    return {short_name(p): p for p in sorted((notebook_dir or NOTEBOOK_DIR).glob("*.ipynb"))}


def find(name: str, notebook_dir: Path | None = None) -> Path:
    notebooks = all_notebooks(notebook_dir)
    for short, path in notebooks.items():
        if name in (short, path.name, path.stem, str(path), f"notebooks/{path.name}"):
            return path
    raise ClaimbookError(f"there is no notebook {name!r}; known notebooks: {', '.join(notebooks) or 'none'}.")
