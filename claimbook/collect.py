"""What the executed chapters found: their verdicts, joined to the register, for the summaries.

Read from _build/executed/ (the outputs, never the source notebooks), so a summary cannot be staler
than the chapters it summarises.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat

from . import claims as register
from .notebooks import all_notebooks
from .runner import EXECUTED_DIR
from .verdicts import NOT_RATED, from_notebook


def executed_verdicts(executed_dir: Path | None = None) -> dict[str, dict]:
    """claim id -> verdict (with the chapter file and the parameters it ran with)."""
    found: dict[str, dict] = {}
    for path in sorted((executed_dir or EXECUTED_DIR).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("claimbook", {})
        for claim_id, verdict in from_notebook(nb).items():
            found[claim_id] = {**verdict, "chapter": path.stem, "parameters": meta.get("parameters", {})}
    return found


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
        rows.append({  # "" where there is no chapter or no verdict yet
            "id": c["id"], "area": c["area"], "kind": c["kind"], "claimant": c["claimant"],
            "statement": c["statement"], "notebook": c["notebook"], "chapter": chapters.get(c["notebook"], ""),
            "articles": [a["article"] for a in c["appearances"]], "label": label,
            "conclusion": v["conclusion"] if v else "", "as_of": str(c["as_of"]),
        })
    return pd.DataFrame(rows)


def link(chapter: str, claim_id: str) -> str:
    """An HTML link from one executed chapter page to a claim's section in another (same folder)."""
    if not chapter:
        return html.escape(claim_id)
    return f'<a href="{html.escape(chapter)}.html#{claim_id.lower()}">{html.escape(claim_id)}</a>'


class HTML:
    """Ready-made, already escaped HTML for display() in a notebook."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup


def table(headers: list[str], rows: list[list[str]], caption: str = "") -> HTML:
    """An HTML table; cells are trusted markup built by the caller with html.escape."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="claimbook-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
