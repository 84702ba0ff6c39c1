"""When each page's content last changed: the latest commit of the files it is made from (its own source, and
for a chapter the package module that computes it, the datasets its verdicts use and the register), from git.

An input with uncommitted changes is reported as such, so a page built from a working tree does not claim
a date it does not have.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from claimbook import ROOT

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the package's own files, wherever the project root is
REGISTER = ("seeds/claims.yaml", "seeds/evidence.yaml", "seeds/corrections.yaml")


def _git(*args: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout if proc.returncode == 0 else ""


# Two git commands for the whole book, not two per input and page: the build asks for a hundred inputs, and
# each command costs a few milliseconds (the early-started jupyter-book runs them before the build, see
# claimbook.builder.book).
@functools.cache
def _commit_dates() -> dict[str, str]:
    """Every file in the history -> the date (YYYY-MM-DD) of the last commit that touched it."""
    dates: dict[str, str] = {}
    date, expect_date = "", False
    # Each commit is NUL, its date, NUL, then its files, each ended by NUL (the first after a newline). No
    # file name is empty, so an empty field is a commit's start: the field after it is the date, whatever
    # the files are named.
    for field in _git("log", "--format=%x00%cs", "--name-only", "-z").split("\0"):
        if not field:
            expect_date = True
        elif expect_date:
            date, expect_date = field, False
        else:
            dates.setdefault(field.removeprefix("\n"), date)  # newest first: the first date seen is the last change
    return dates


@functools.cache
def _dirty() -> frozenset[str]:
    """The paths git reports as changed, staged or untracked."""
    entries = _git("status", "--porcelain", "-z", "--untracked-files=all").split("\0")
    paths, renamed_from = set(), False
    for entry in entries:
        if renamed_from:  # a rename's second field: the path it came from
            paths.add(entry)
            renamed_from = False
        elif entry:
            paths.add(entry[3:])
            renamed_from = entry[0] in "RC"
    return frozenset(paths)


def _under(path: str, candidates) -> list[str]:
    path = path.rstrip("/")
    return [c for c in candidates if c == path or c.startswith(path + "/")]


def committed(path: str) -> str:
    """The date (YYYY-MM-DD) of the last commit that touched path (a file, or anything in a folder), "" if none."""
    dates = _commit_dates()
    if path in dates:
        return dates[path]
    return max((dates[p] for p in _under(path, dates)), default="")


def uncommitted(path: str) -> bool:
    return bool(_under(path, _dirty()))


def read_git(again: bool = False) -> None:
    """Ask git now, once (jupyter-book started early calls it while it waits), or again (it waited long)."""
    if again:
        _commit_dates.cache_clear()
        _dirty.cache_clear()
    _commit_dates()
    _dirty()


def chapter_inputs(executed: Path) -> list[str]:
    """The files a chapter page is made from, relative to the checkout."""
    from claimbook.builder.workspace import read_executed

    meta, verdicts = read_executed(executed)
    source = f"notebooks/{meta.get('notebook', executed.name)}"
    inputs = [source]
    stem = executed.stem.split("_", 1)[-1]
    if (PACKAGE_DIR / "chapters" / f"{stem}.py").exists():
        inputs.append(f"claimbook/chapters/{stem}.py")
    datasets: set[str] = set()
    for v in verdicts.values():
        datasets.update(v.get("datasets") or [])
        if any(s.get("type") == "record" for s in v.get("sources") or []):
            datasets.add("public_records")
    inputs += [f"data/{d}.csv" for d in sorted(datasets) if (ROOT / "data" / f"{d}.csv").exists()]
    if meta.get("summary"):
        inputs.append("data")
    return inputs + [r for r in REGISTER if (ROOT / r).exists()]


def last_changed(inputs: list[str]) -> tuple[str, list[str], bool]:
    """(date of the latest commit among inputs, the inputs changed on that date, any uncommitted)."""
    dated = [(committed(p), p) for p in inputs]
    dated = [(d, p) for d, p in dated if d]
    dirty = any(uncommitted(p) for p in inputs)
    if not dated:
        return "", [], dirty
    latest = max(d for d, _ in dated)
    return latest, [p for d, p in dated if d == latest], dirty


def sentence(inputs: list[str]) -> str:
    """ "Content last changed on 2026-11-23 (data/usgs_ree_reserves.csv)." or "" without git."""
    date, which, dirty = last_changed(inputs)
    if not date:
        return ""
    shown = ", ".join(which[:3]) + (f" and {len(which) - 3} more" if len(which) > 3 else "")
    text = f"Content last changed on {date} ({shown})"
    if dirty:
        text += "; built with uncommitted changes to its inputs"
    return text + "."
