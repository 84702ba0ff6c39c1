"""What the executed chapters found: their verdicts, joined to the register, for the summaries.

Read from _build/executed/ (the outputs, never the source notebooks), so a summary cannot be staler
than the chapters it summarises.
"""

from __future__ import annotations

from pathlib import Path

from claimbook.builder.runner import declared_sweeps
from claimbook.builder.workspace import EXECUTED_DIR, SWEEP_DIR, read_executed
from claimbook.core import register
from claimbook.core.notebooks import all_notebooks
from claimbook.core.rules import NOT_RATED


def executed_verdicts(executed_dir: Path | None = None) -> dict[str, dict]:
    """claim id -> verdict (with the chapter file and the parameters it ran with)."""
    found: dict[str, dict] = {}
    for path in sorted((executed_dir or EXECUTED_DIR).glob("*.ipynb")):
        meta, verdicts = read_executed(path)
        for claim_id, verdict in verdicts.items():
            found[claim_id] = {**verdict, "chapter": path.stem, "parameters": meta.get("parameters", {})}
    return found


def swept_verdicts(sweep_dir: Path | None = None) -> dict[str, dict]:
    """claim id -> {parameter, default, labels: {value: label}} from the robustness sweeps.

    Only copies that vary the chapter's first declared sweep parameter (its data choice) alone, the others
    at their defaults, count, so a sweep run by hand with other parameters does not leak into the matrix.
    A second declared parameter (a threshold) is on the chapter's page only (chapter_sweeps).
    """
    found: dict[str, dict] = {}
    for sweeps in all_chapter_sweeps(sweep_dir).values():
        for sweep in sweeps[:1]:
            for value, verdicts in sweep["values"]:
                for claim_id, v in verdicts.items():
                    entry = found.setdefault(
                        claim_id, {"parameter": sweep["parameter"], "default": sweep["default"], "labels": {}}
                    )
                    entry["labels"][value] = v["label"]
    return found


def chapter_sweeps(chapter: str, sweep_dir: Path | None = None) -> list[dict]:
    """A chapter's swept copies, one entry per declared parameter in the order declared:
    {parameter, default, values: [(value, {claim id: verdict}), ...] sorted by value}.

    Only copies that vary that parameter alone (the others at their defaults) count.
    """
    chapters = {p.stem: p for p in all_notebooks().values()}
    folder = (sweep_dir or SWEEP_DIR) / chapter
    if chapter not in chapters or not folder.is_dir():
        return []
    from claimbook.core.params import notebook_parameters

    copies = []
    for path in sorted(folder.glob("*.ipynb")):
        copies.append((path.name, *read_executed(path)))
    declared = notebook_parameters(chapters[chapter])
    out = []
    for param in declared_sweeps(chapters[chapter]):
        rows: dict = {}  # by value: the default's copy may be there once per declared parameter
        for name, meta, verdicts in copies:
            # a copy is named after the parameter it sweeps: a stale copy of a sweep no longer declared (its
            # default copy has the same parameters as this one's) does not count
            if (
                name.startswith(f"{param}=")
                and not set(meta.get("non_default", {})) - {param}
                and param in meta.get("parameters", {})
            ):
                rows.setdefault(meta["parameters"][param], verdicts)
        if rows:
            out.append({"parameter": param, "default": declared[param].default, "values": sorted(rows.items())})
    return out


def all_chapter_sweeps(sweep_dir: Path | None = None) -> dict[str, list[dict]]:
    """chapter -> chapter_sweeps(chapter), for every chapter with swept copies."""
    found = {}
    for folder in sorted(p for p in (sweep_dir or SWEEP_DIR).glob("*") if p.is_dir()):
        sweeps = chapter_sweeps(folder.name, sweep_dir)
        if sweeps:
            found[folder.name] = sweeps
    return found


def flips(entry: dict) -> str:
    """In words, how a claim's verdict moves across a sweep ("" when it does not)."""
    by_label: dict[str, list] = {}
    for value, label in entry["labels"].items():
        by_label.setdefault(label, []).append(value)
    if len(by_label) < 2:
        return ""
    parts = [f"{label} with {entry['parameter']}={', '.join(map(str, values))}" for label, values in by_label.items()]
    return "; ".join(parts)


def claims_with_verdicts(executed_dir: Path | None = None):
    """One row per claim in the register: who, what, where it is checked, and its verdict if any."""
    import pandas as pd

    verdicts = executed_verdicts(executed_dir)
    chapters = {short: path.stem for short, path in all_notebooks().items()}
    rows = []
    for c in register.claims():
        v = verdicts.get(c["id"])
        if v is None and c["kind"] in register.UNRATED_KINDS:
            label = NOT_RATED
        else:
            label = v["label"] if v else ""
        rows.append(
            {  # "" where there is no chapter or no verdict yet
                "id": c["id"],
                "area": c["area"],
                "kind": c["kind"],
                "claimant": c["claimant"],
                "statement": c["statement"],
                "notebook": c["notebook"],
                "chapter": chapters.get(c["notebook"], ""),
                "articles": [a["article"] for a in c["appearances"]],
                "label": label,
                "conclusion": v["conclusion"] if v else "",
                "as_of": str(c["as_of"]),
            }
        )
    return pd.DataFrame(rows)
