"""The public record behind each claim: dated records (dataset `public_records`) and, per claim, what they show
(`seeds/evidence.yaml`, schema in seeds/README.md).

One path judges every event and attribution: `judge(claim_id)` reads the claim's findings, keeps those whose
records were published by the claim's date, applies the FINDINGS rule and writes a plain conclusion from what
the deciding records show. `complete(verdict)` adds to any verdict, also one a chapter computed from
statistics, its sources with their dates and tiers, the strength of the evidence, what was published since
the claim's date, and, for an attribution, the second finding: whether what was said is true.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

from claimbook import ClaimbookError, read_yaml_mapping, relpath
from claimbook.core import rules as v
from claimbook.core.data import describe, load
from claimbook.core.register import SEEDS_DIR, UNRATED_KINDS, claim, claims

RECORDS_DATASET = "public_records"
EVIDENCE_FILE = SEEDS_DIR / "evidence.yaml"
ENTRY_FIELDS = ("findings", "searched", "statistical")
FINDING_FIELDS = ("part", "role", "holds", "records", "datasets", "shows")
MAX_SHOWS_WORDS = 30
DECIDING_ROLES = ("core", "detail", "said", "quoted")
# An identifier-like token (snake_case, a claim id, a CamelCase name, a code-looking word) in reader-facing text.
IDENTIFIER = re.compile(r"\b([A-Za-z]+_[A-Za-z0-9_]+|[A-Z]{3}-\d{2}|[a-z]+[A-Z]\w+|\w+\(\))")


class EvidenceError(ClaimbookError):
    pass


def words(text: str) -> int:
    return len(text.split())


@cache
def _records_cached(stamp: tuple) -> dict[str, dict]:
    df = load(RECORDS_DATASET)
    out = {}
    for row in df.to_dict("records"):
        row = {k: (None if isinstance(val, float) and val != val else val) for k, val in row.items()}
        row["published"] = row["published"].date()
        out[row["record_id"]] = row
    return out


def records() -> dict[str, dict]:
    """Every public record by id, validated through the loader."""
    ds = describe(RECORDS_DATASET)
    return _records_cached((ds.csv_path.stat().st_mtime_ns, ds.sidecar_path.stat().st_mtime_ns))


def _read(path: Path) -> dict:
    return read_yaml_mapping(path, EvidenceError, "a mapping of claim ids to their findings")


def validate(path: Path | None = None) -> list[str]:
    """Every problem in seeds/evidence.yaml, one sentence each (empty: valid)."""
    path = path or EVIDENCE_FILE
    try:
        entries = _read(path)
    except EvidenceError as exc:
        return [str(exc)]
    rel = relpath(path)
    known_records = records()
    known_datasets = set(_dataset_names())
    register = {c["id"]: c for c in claims()}
    problems = [
        f"{rel} has no entry for claim {cid}; every claim names the records that bear on it."
        for cid in register
        if cid not in entries
    ]
    for cid, entry in entries.items():
        if cid not in register:
            problems.append(f"{rel} has an entry for {cid}, which is not a claim in seeds/claims.yaml.")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{rel}: the entry for {cid} is not a mapping.")
            continue
        unknown = set(entry) - set(ENTRY_FIELDS)
        if unknown:
            problems.append(
                f"{rel}: {cid} has unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(ENTRY_FIELDS)}."
            )
        findings = entry.get("findings") or []
        if not isinstance(findings, list):
            problems.append(f"{rel}: {cid}'s findings must be a list.")
            continue
        rated = register[cid]["kind"] not in UNRATED_KINDS
        has_core = any(isinstance(f, dict) and f.get("role") in ("core", "said") for f in findings)
        if rated and not entry.get("statistical") and not has_core and not entry.get("searched"):
            problems.append(f"{rel}: {cid} has no core finding and says nothing of what was searched for.")
        for i, f in enumerate(findings, 1):
            problems += _check_finding(rel, cid, i, f, known_records, known_datasets)
    return problems


def _check_finding(rel: str, cid: str, i: int, f, known_records: dict, known_datasets: set) -> list[str]:
    where = f"{rel}: {cid} finding {i}"
    if not isinstance(f, dict):
        return [f"{where} is not a mapping."]
    out = []
    unknown = set(f) - set(FINDING_FIELDS)
    if unknown:
        out.append(f"{where} has unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(FINDING_FIELDS)}.")
    if f.get("role") not in v.ROLES:
        out.append(f"{where} has role {f.get('role')!r}; allowed: {', '.join(v.ROLES)}.")
    if f.get("role") != "context" and not isinstance(f.get("holds"), bool):
        out.append(f"{where} needs holds: true or false.")
    if not f.get("part") or not f.get("shows"):
        out.append(f"{where} needs a part and what the record shows.")
    elif words(str(f["shows"])) > MAX_SHOWS_WORDS or IDENTIFIER.search(str(f["shows"])):
        out.append(f"{where}: 'shows' must be one plain sentence of at most {MAX_SHOWS_WORDS} words without ids.")
    recs, dsets = f.get("records") or [], f.get("datasets") or []
    if not recs and not dsets:
        out.append(f"{where} names no record and no dataset.")
    out += [
        f"{where} names record {r!r}, which is not in data/{RECORDS_DATASET}.csv."
        for r in recs
        if r not in known_records
    ]
    out += [f"{where} names dataset {d!r}, which does not exist." for d in dsets if d not in known_datasets]
    return out


def _dataset_names() -> list[str]:
    from claimbook.core.data import dataset_names

    return dataset_names()


@cache
def _entries_cached(stamp: int) -> dict:
    problems = validate()
    if problems:
        raise EvidenceError(f"seeds/evidence.yaml is invalid: {problems[0]} (run `python -m claimbook check`).")
    return _read(EVIDENCE_FILE)


def entry(claim_id: str) -> dict:
    """The claim's entry in seeds/evidence.yaml (validated)."""
    return _entries_cached(EVIDENCE_FILE.stat().st_mtime_ns).get(claim_id) or {}


# --- sources -----------------------------------------------------------------------------------------------


def record_source(record_id: str) -> dict:
    r = records()[record_id]
    return {
        "id": record_id,
        "type": "record",
        "title": r["title"],
        "publisher": r["publisher"],
        "published": str(r["published"]),
        "tier": r["tier"],
        "url": r["url"],
        "kind": r["kind"],
    }


def dataset_source(name: str) -> dict:
    meta = describe(name).meta
    return {
        "id": name,
        "type": "dataset",
        "title": meta["title"],
        "publisher": meta["producer"],
        "published": str(meta["published"]),
        "tier": meta["tier"],
        "url": meta["url"],
        "kind": "statistics",
    }


def split_by_date(entry: dict, as_of: dt.date, recs: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    """A claim's findings split into those available on its date and those published since. A finding is
    available from its earliest record's publication; one resting on datasets alone is available (the
    chapter picks the edition a reader had on the date)."""
    now: list[dict] = []
    later: list[dict] = []
    for f in entry.get("findings") or []:
        dates = [recs[r]["published"] for r in f.get("records") or []]
        published = min(dates) if dates else None
        item = {
            **f,
            "published": None if published is None else str(published),
            "since_then": published is not None and published > as_of,
        }
        (later if item["since_then"] else now).append(item)
    return now, later


def findings(claim_id: str) -> tuple[list[dict], list[dict]]:
    return split_by_date(entry(claim_id), claim(claim_id)["as_of"], records())


def _earliest(f: dict) -> dict:
    """The finding's first published record (its date is the finding's)."""
    return min((records()[r] for r in f["records"]), key=lambda r: r["published"])


def _date(d: str | dt.date) -> str:
    d = dt.date.fromisoformat(str(d))
    return f"{d.day} {d:%B %Y}"


def _join(first: str, second: str) -> str:
    second = second[0].lower() + second[1:] if second.startswith(("The ", "A ", "An ")) else second
    return f"{first.rstrip('.')}; but {second}"


def _conclusion(label: str, deciding: list[dict], as_of: dt.date) -> str:
    if label == v.UNVERIFIABLE:
        return f"No public record published by {_date(as_of)} was found that settles this; what was searched for is listed."
    failing = [f for f in deciding if f["holds"] is False]
    holding = [f for f in deciding if f["holds"] and f["role"] in ("core", "said")]
    if not failing:
        return holding[0]["shows"]
    if holding and label in (v.MOSTLY_ACCURATE, v.MIXED):
        joined = _join(holding[0]["shows"], failing[0]["shows"])
        if words(joined) <= v.MAX_CONCLUSION_WORDS:
            return joined
    return failing[0]["shows"]


def judge(claim_id: str) -> v.Verdict:
    """The verdict on an event or attribution from its dated records (FINDINGS), completed with its sources."""
    return complete(decide(claim(claim_id), entry(claim_id), records()))


def decide(c: dict, e: dict, recs: dict[str, dict]) -> v.Verdict:
    """The label and conclusion for claim `c` from its evidence entry `e` and the records (pure: the
    articles' appearances play no part, and records published after the claim's date do not count)."""
    if c["kind"] in UNRATED_KINDS:
        return _not_rated(c, e)
    now, _later = split_by_date(e, c["as_of"], recs)
    deciding = [f for f in now if f["role"] in DECIDING_ROLES]
    label = v.rate_findings([(f["role"], f["holds"]) for f in deciding])
    return v.Verdict(
        c["id"],
        label,
        _conclusion(label, deciding, c["as_of"]),
        c["statement"],
        {f["part"]: f["holds"] for f in deciding},
        v.FINDINGS,
        sorted({d for f in now for d in f.get("datasets") or []}),
    )


def _not_rated(c: dict, e: dict) -> v.Verdict:
    what = "a prediction" if c["kind"] == "prediction" else "an opinion"
    text = f"Not rated: this is {what}, which no record can show true or false; the records that bear on it are listed."
    context = [f for f in e.get("findings") or [] if f["role"] == "context"]
    if context:
        with_context = f"Not rated, as {what}; for context: {context[0]['shows']}"
        if words(with_context) <= v.MAX_CONCLUSION_WORDS:
            text = with_context
    return v.not_rated(c, text)


def complete(verdict: v.Verdict) -> v.Verdict:
    """Add the claim's records to a verdict: sources, evidence strength, findings, since then, and for an
    attribution computed from statistics, the split into 'was it said' (the label) and 'is it true'."""
    c = claim(verdict.claim_id)
    e = entry(verdict.claim_id)
    now, later = findings(verdict.claim_id)
    said = [f for f in now if f["role"] in ("said", "quoted")]
    if e.get("statistical") and said and verdict.content is None and verdict.label != v.NOT_RATED:
        # "X said Y": the chapter's statistics judge Y; the records judge whether X said it.
        verdict.content = {"label": verdict.label, "conclusion": verdict.conclusion}
        verdict.label = v.rate_findings([(f["role"], f["holds"]) for f in said])
        verdict.conclusion = _conclusion(verdict.label, said, c["as_of"])
        verdict.rule = v.FINDINGS.title
    deciding_records = [r for f in now if f["role"] != "context" for r in f.get("records") or []]
    shown_records = [r for f in now + later for r in f.get("records") or []]
    datasets = list(dict.fromkeys(verdict.datasets + [d for f in now + later for d in f.get("datasets") or []]))
    verdict.datasets = datasets
    verdict.sources = [record_source(r) for r in dict.fromkeys(shown_records)] + [dataset_source(d) for d in datasets]
    verdict.sources.sort(key=lambda s: (s["published"], s["id"]))
    rec = records()
    # a chapter may have set the strength of the rows it used (a dataset of mixed tiers); keep the stronger
    verdict.evidence = v.stronger(
        verdict.evidence,
        v.evidence_strength(
            [(rec[r]["tier"], rec[r]["publisher"], rec[r]["kind"]) for r in deciding_records],
            [describe(d).meta["tier"] for d in verdict.datasets] if verdict.label != v.NOT_RATED else [],
        ),
    )
    if verdict.label == v.UNVERIFIABLE or (verdict.label == v.NOT_RATED and not deciding_records):
        verdict.evidence = "no record"
    verdict.findings = [
        {k: f.get(k) for k in ("part", "role", "holds", "shows", "published", "since_then")} for f in now + later
    ]
    # idempotent: a verdict from judge() is completed again by show()
    verdict.since_then = list(
        dict.fromkeys(
            verdict.since_then
            + [f"{f['shows'].rstrip('.')} ({_earliest(f)['publisher']}, {_date(f['published'])})." for f in later]
        )
    )
    verdict.searched = verdict.searched or str(e.get("searched") or "")
    return verdict
