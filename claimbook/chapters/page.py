"""What every chapter page does the same way, one call each: its claims, each verdict, the rules, many glued
values at once and the datasets it rests on.

A chapter notebook reads as prose with a call between paragraphs:

    CLAIMS = page.claims_of("reserves")
    page.show_claims(CLAIMS)
    page.rules(["findings", "number"], *reserves.RULES)
    page.glue_all({"edition": edition, "fig_ranking": reserves.ranking_figure(table, country, edition, top_n)})
    page.verdict("RES-01", reserves.check_amount(CLAIMS["RES-01"], country, edition, tolerance_pct))
    page.verdict("RES-06")                       # judged from its records (seeds/evidence.yaml)
    page.sources("usgs_ree_reserves", "russia_ree_national_figures")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from claimbook.core import rules as v


def claims_of(notebook: str) -> dict[str, dict]:
    """The register's claims that a notebook checks, by id, in the register's order."""
    from claimbook.core.register import claims

    return {c["id"]: c for c in claims(notebook=notebook)}


def show_claims(claim_ids: Iterable[str]) -> None:
    """Each claim as the articles printed it (quotes, who made it, as of when), in the order given."""
    from IPython.display import display

    from claimbook.core.register import ClaimQuote

    for claim_id in claim_ids:
        display(ClaimQuote(claim_id))


def verdict(claim_id: str, result: v.Verdict | None = None) -> None:
    """A verdict section's body: the claim as quoted, then its verdict, recorded for the summaries and exports.

    `result` is the verdict a chapter computed from statistics (it is completed with its records in place, so a
    check that builds on it can take it afterwards); without it the claim is judged from its dated records
    (`judge`). Returns nothing: as the last line of a cell, a returned verdict would be shown a second time.
    """
    from IPython.display import display

    from claimbook.core.evidence import complete, judge
    from claimbook.core.register import ClaimQuote

    display(ClaimQuote(claim_id))
    if result is None:
        result = judge(claim_id)
    elif result.claim_id != claim_id:
        raise v.VerdictError(f"the verdict shown under {claim_id} is the verdict on {result.claim_id}.")
    result = complete(result)  # its sources, evidence strength and "since then" from the records
    display(result)
    # recorded as JSON in the executed notebook, where the summaries and exports read it (rules.from_notebook)
    display(
        {v.GLUE_MIME: result.to_dict()},
        raw=True,
        metadata={"scrapbook": {"name": f"verdict-{claim_id}", "mime_prefix": v.GLUE_PREFIX}},
    )


def rules(*parts: Iterable[str] | v.Rule) -> None:
    """The rules a chapter's labels follow, as one Markdown list: a list of keys gives the book's rules
    (`rules_markdown`), a Rule a chapter's own rule; in the order given."""
    from IPython.display import Markdown, display

    lines = [f"- {part.markdown()}" if isinstance(part, v.Rule) else v.rules_markdown(list(part)) for part in parts]
    display(Markdown("\n".join(lines)))


def glue_all(values: Mapping[str, Any]) -> None:
    """Glue every value under its name for the prose ({glue:text}`name`, {glue:figure}), none shown here."""
    from myst_nb import glue

    for name, value in values.items():
        glue(name, value, display=False)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def sources(*names: str, note: str = "") -> None:
    """The datasets a chapter rests on: title, name, tier and citation each, then an optional closing note."""
    from claimbook.core.data import describe

    for name in names:
        meta = describe(name).meta
        print(f"{meta['title']} ({name}; tier: {meta['tier']}).\n  {_one_line(meta['citation'])}\n")
    if note:
        print(note)


def known_issues(*names: str) -> None:
    """What the sidecars of some datasets record as not located or uncertain in the source."""
    from claimbook.core.data import describe

    for name in names:
        meta = describe(name).meta
        print(f"{meta['title']} ({name}):")
        for issue in meta.get("known_issues") or []:
            print(f"  - {_one_line(issue)}")
        print()
