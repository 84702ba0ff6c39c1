"""The verdicts in machine-readable form, derived from the executed chapters whenever the book is assembled.

- `_build/verdicts.json` and `_build/verdicts.csv`: one record per claim in the register, with the claim,
  every field of its verdict, the parameters its chapter ran with, the datasets, and how the verdict
  moves across the chapter's robustness sweep.
- `_build/claimreview.jsonld`: one schema.org ClaimReview per claim with a verdict. Labels outside the
  numeric scale ("unverifiable", "not rated") carry no ratingValue, only their alternateName.

The files are written whole or not at all, and with sorted keys, so two builds of the same inputs give
identical bytes. Their JSON Schemas are in claimbook/builder/schemas/.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from claimbook.builder.collect import executed_verdicts, swept_verdicts
from claimbook.builder.workspace import BUILD_DIR, write_whole
from claimbook.core import register
from claimbook.core.rules import SCALE

VERDICTS_JSON = BUILD_DIR / "verdicts.json"
VERDICTS_CSV = BUILD_DIR / "verdicts.csv"
CLAIMREVIEW = BUILD_DIR / "claimreview.jsonld"
SCHEMA_DIR = Path(__file__).parent / "schemas"
PUBLISHER = {"@type": "Organization", "name": "claimbook"}
BEST, WORST = max(v for v in SCALE.values() if v), min(v for v in SCALE.values() if v)
CSV_COLUMNS = (
    "claim_id",
    "area",
    "kind",
    "claimant",
    "claimant_role",
    "as_of",
    "statement",
    "articles",
    "label",
    "rating",
    "evidence",
    "conclusion",
    "claimed",
    "found",
    "rule",
    "datasets",
    "sources",
    "findings",
    "since_then",
    "content",
    "searched",
    "sensitivity",
    "chapter",
    "section",
    "parameters",
    "robustness",
)


def section_url(chapter: str, claim_id: str) -> str:
    """Where the book checks a claim, relative to the book's root."""
    return f"_build/executed/{chapter}.html#{claim_id.lower()}"


def records(executed_dir: Path | None = None, sweep_dir: Path | None = None) -> list[dict]:
    """One record per claim of the register (verdict fields None where no chapter has judged it)."""
    verdicts = executed_verdicts(executed_dir)
    swept = swept_verdicts(sweep_dir)
    arts = register.articles()
    out = []
    for c in register.claims():
        v = verdicts.get(c["id"], {})
        appearances = []
        for a in c["appearances"]:
            meta = arts.get(a["article"], {})
            appearances.append(
                {
                    "article": a["article"],
                    "headline": meta.get("headline"),
                    "publication": meta.get("publication"),
                    "author": meta.get("author"),
                    "date_earliest": str(meta.get("date", {}).get("earliest")),
                    "date_latest": str(meta.get("date", {}).get("latest")),
                    "quote": a["quote"],
                }
            )
        robustness = swept.get(c["id"])
        out.append(
            {
                "claim_id": c["id"],
                "area": c["area"],
                "kind": c["kind"],
                "claimant": c["claimant"],
                "claimant_role": c.get("claimant_role"),
                "as_of": str(c["as_of"]),
                "statement": c["statement"],
                "articles": appearances,
                "label": v.get("label"),
                "rating": v.get("rating"),
                "conclusion": v.get("conclusion"),
                "claimed": v.get("claimed"),
                "found": v.get("found"),
                "rule": v.get("rule"),
                "datasets": v.get("datasets", []),
                "evidence": v.get("evidence"),
                "sources": v.get("sources", []),
                "findings": v.get("findings", []),
                "since_then": v.get("since_then", []),
                "content": v.get("content"),
                "searched": v.get("searched"),
                "sensitivity": v.get("sensitivity"),
                "chapter": v.get("chapter"),
                "section": section_url(v["chapter"], c["id"]) if v else None,
                "parameters": v.get("parameters"),
                "robustness": None
                if robustness is None
                else {
                    "parameter": robustness["parameter"],
                    "default": robustness["default"],
                    "labels": {str(k): lab for k, lab in robustness["labels"].items()},
                },
            }
        )
    return out


def _claim_author(record: dict) -> dict:
    if record["claimant"] == "article":
        first = record["articles"][0]
        name = first["publication"] or first["headline"] or f"seed article {first['article'][:3]}"
        return {"@type": "Organization", "name": name}
    person = {"@type": "Person", "name": record["claimant"]}
    if record["claimant_role"]:
        person["jobTitle"] = record["claimant_role"]
    return person


def _appearance(a: dict) -> dict:
    work = {
        "@type": "CreativeWork",
        "identifier": a["article"],
        "headline": a["headline"] or a["publication"] or f"seed article {a['article'][:3]}",
    }
    if a["publication"]:
        work["publisher"] = {"@type": "Organization", "name": a["publication"]}
    if a["date_earliest"] == a["date_latest"]:
        work["datePublished"] = a["date_earliest"]
    else:  # the seeds carry no exact date: the bounds the register established
        work["temporalCoverage"] = f"{a['date_earliest']}/{a['date_latest']}"
    return work


def claim_review(record: dict) -> dict:
    """A schema.org ClaimReview for one judged claim."""
    rating = {"@type": "Rating", "bestRating": BEST, "worstRating": WORST, "alternateName": record["label"]}
    if record["rating"] is not None:
        rating["ratingValue"] = record["rating"]
    appearances = [_appearance(a) for a in record["articles"]]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": record["section"],
        "claimReviewed": record["statement"],
        "author": PUBLISHER,
        "itemReviewed": {
            "@type": "Claim",
            "author": _claim_author(record),
            "datePublished": record["as_of"],
            "appearance": appearances,
            "firstAppearance": appearances[0],
        },
        "reviewRating": rating,
        "reviewBody": record["conclusion"],
    }
    from claimbook.builder.published import (
        last_corrected,  # a corrected verdict carries the date of its latest correction
    )

    modified = last_corrected(record["claim_id"])
    if modified:
        review["dateModified"] = modified
    return review


def claim_reviews(recs: list[dict], chapter: str | None = None) -> list[dict]:
    """ClaimReviews for the judged claims (of one chapter, if given)."""
    return [claim_review(r) for r in recs if r["label"] and (chapter is None or r["chapter"] == chapter)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "; ".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def to_csv(recs: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in recs:
        row = dict(r, articles=[a["article"] for a in r["articles"]])
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _json(value) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n").encode()


def write_all(
    executed_dir: Path | None = None, sweep_dir: Path | None = None, out_dir: Path | None = None
) -> list[Path]:
    """Write the three exports (each atomically) into out_dir (default _build/); returns their paths."""
    recs = records(executed_dir, sweep_dir)
    out_dir = out_dir or BUILD_DIR
    files = {
        VERDICTS_JSON.name: _json(recs),
        VERDICTS_CSV.name: to_csv(recs).encode(),
        CLAIMREVIEW.name: _json(claim_reviews(recs)),
    }
    for name, content in files.items():
        write_whole(content, out_dir / name, only_if_changed=True)
    return [out_dir / name for name in files]
