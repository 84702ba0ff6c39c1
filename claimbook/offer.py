"""The offer itself: what was said, by whom, and when.

Most claims of this area are events ("Putin offered ...", "on Monday 24 February 2025") and attributions
("Peskov called it ..."). The project's data are mostly statistics, so few of these events have a record
there; the five articles are secondary reports. The chapter therefore rates an event by corroboration: how
many independent reports give it, counted from the claim's appearances in `seeds/claims.yaml` (one article,
one report) plus the rows of the project's data that report the same event (listed in RECORDS, reviewed by
hand). What the calendar can settle (a weekday, whether a report was written before the event it reports) is
computed exactly and can refute a claim. A statement of several places (OFR-04) is checked place by place
against the rare-earth datasets (PARTS_RULE). Opinions are listed and not rated.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache

import pandas as pd

from . import verdicts as v
from .claims import articles, claims
from .data import dataset_names, describe, load

NOTEBOOK = "offer"
ARTICLE_TIER = "secondary"  # the five articles are news reports of the events, never the record itself

# Rows of the project's data that report an event independently of the five articles: (dataset, key value).
# Reviewed by hand: same event, same day. The Reuters report of 24 Feb 2025 (in the aluminium events table)
# is headed "Russia's Putin outlines aluminium, rare earth deals with the US".
RECORDS: dict[str, list[tuple[str, str]]] = {
    "OFR-01": [("aluminium_policy_events", "putin_offer_aluminum_rare_earths")],
    "OFR-02": [("aluminium_policy_events", "putin_offer_aluminum_rare_earths")],
}

# What every text cell of every dataset was searched for, for the claims that have no record (whole words,
# case-insensitive).
SEARCH_TERMS: dict[str, tuple[str, ...]] = {
    "OFR-03": ("televised", "meeting", "economic advisers"),
    "OFR-05": ("Peskov",),
    "OFR-06": ("Dmitriev", "sovereign wealth fund", "Russian Direct Investment Fund", "RDIF"),
    "OFR-07": ("energy company", "energy companies"),
    "OFR-08": ("BBC", "Khalil", "Shevchenko"),
    "OFR-09": ("joint venture", "sanctions relief"),
}
# What would bear on an opinion claim (shown in its conclusion).
OPINION_EVIDENCE: dict[str, str] = {
    "OFR-09": ("a signed agreement, licence or joint venture between a US company and a Russian rare-earth "
               "producer, or US sanctions relief that would allow one, set against the dates of the US-Ukraine "
               "negotiations"),
}

# OFR-04: the regions Putin named, with the other names the data might use for them.
REGIONS: dict[str, tuple[str, ...]] = {
    "Murmansk": ("Murmansk",),
    "Caucasus": ("Caucasus",),
    "Irkutsk": ("Irkutsk",),
    "Yakutia": ("Yakutia", "Sakha"),
    "Tuva": ("Tuva", "Tyva"),
}
# The datasets about rare earths, in which a place name locates a rare-earth deposit or producer.
REE_DATASETS = ("russia_ree_national_figures", "ree_processing_shares", "usgs_ree_reserves", "usgs_ree_mine_production")

# Dated events on record, for the timeline: (dataset, key value, date column, short label).
TIMELINE_ROWS = [
    ("aluminium_policy_events", "putin_offer_aluminum_rare_earths", "date", "Putin's offer (Reuters)"),
    ("ukraine_minerals", "us_ukraine_fund_signed", "as_of", "US-Ukraine fund agreement signed"),
]

WEEKDAYS = list(calendar.day_name)
_DATE_IN_TEXT = re.compile(rf"\b(?P<weekday>{'|'.join(WEEKDAYS)})\s+(?P<date>\d{{1,2}}\s+[A-Z][a-z]+\s+\d{{4}})")


# --- the register -------------------------------------------------------------------------------------------

def offer_claims() -> dict[str, dict]:
    return {c["id"]: c for c in claims(notebook=NOTEBOOK)}


def reporting_articles(claim: dict) -> list[str]:
    """The articles that report the claim, once each, in register order."""
    return list(dict.fromkeys(a["article"] for a in claim["appearances"]))


def article_window(article_id: str) -> tuple[dt.date, dt.date]:
    d = articles()[article_id]["date"]
    return d["earliest"], d["latest"]


def _seed(article_id: str) -> str:
    return f"seed {article_id[:3]}"


def _seeds(ids) -> str:
    return ", ".join(_seed(a) for a in ids) or "none"


# --- records and searches in the project's data -------------------------------------------------------------

def _row(dataset: str, key: str) -> dict:
    ds = describe(dataset)
    (key_col,) = ds.key
    df = load(dataset)
    row = df[df[key_col] == key]
    if row.empty:
        raise KeyError(f"{dataset} has no row {key_col}={key!r}.")
    return row.iloc[0].to_dict()


def _tier(dataset: str, row: dict) -> str:
    return str(row.get("source_tier") or describe(dataset).meta["tier"])


def records(claim_id: str) -> list[dict]:
    """The rows of the project's data that report the claim's event independently of the articles."""
    out = []
    for dataset, key in RECORDS.get(claim_id, []):
        row = _row(dataset, key)
        date = row.get("date")
        out.append({"dataset": dataset, "key": key, "tier": _tier(dataset, row),
                    "date": None if pd.isna(date) else pd.Timestamp(date).date(),
                    "citation": row.get("citation", "")})
    return out


def _pattern(terms) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b", re.IGNORECASE)


def search(terms, datasets=None) -> pd.DataFrame:
    """Every text cell of the given datasets (default: all) that mentions one of the terms as a whole word:
    one row per hit with dataset, key, column, term found, the row's tier and the cell's text."""
    pattern = _pattern(terms)
    hits = []
    for name in datasets or dataset_names():
        ds = describe(name)
        df = load(name)
        key_cols = ds.key
        text_cols = [c for c, spec in ds.columns.items() if spec["type"] == "str"]
        for _, row in df.iterrows():
            for col in text_cols:
                cell = row[col]
                if isinstance(cell, str) and (m := pattern.search(cell)):
                    hits.append({"dataset": name, "key": " / ".join(str(row[k]) for k in key_cols), "column": col,
                                 "term": m.group(0), "tier": _tier(name, row.to_dict()), "text": cell})
    return pd.DataFrame(hits, columns=["dataset", "key", "column", "term", "tier", "text"])


@cache
def n_datasets() -> int:
    return len(dataset_names())


# --- corroboration ------------------------------------------------------------------------------------------

def max_reports() -> int:
    """The most reports any claim could have: every article plus the most records any claim has."""
    return len(articles()) + max((len(r) for r in RECORDS.values()), default=0)


def corroboration_levels(params: dict) -> list[int]:
    """Allowed values of `min_corroboration`: from one report to the most any claim could have."""
    return list(range(1, max_reports() + 1))


def corroboration_table(min_corroboration: int) -> pd.DataFrame:
    """One row per rated claim (not opinions): the articles and records that report it and whether they reach
    the required number."""
    rows = []
    for cid, c in offer_claims().items():
        if c["kind"] in ("opinion", "prediction"):
            continue
        arts = reporting_articles(c)
        recs = records(cid)
        rows.append({"claim": cid, "kind": c["kind"], "claimant": c["claimant"], "articles": arts,
                     "n_articles": len(arts), "records": [f"{r['dataset']}: {r['key']}" for r in recs],
                     "n_records": len(recs), "reports": len(arts) + len(recs),
                     "corroborated": len(arts) + len(recs) >= min_corroboration})
    return pd.DataFrame(rows)


def _reports_text(arts: list[str], recs: list[dict]) -> str:
    text = f"{len(arts)} of the {len(articles())} articles report{'s' * (len(arts) == 1)} it ({_seeds(arts)})"
    if recs:
        text += " and the project's data hold " + "; ".join(
            f"an independent {r['tier']} record ({r['dataset']}: {r['key']})" for r in recs)
    return text


def _searched_text(terms) -> str:
    if not terms:
        return ""
    hits = search(terms)
    return (f"; a search of every text cell of the project's {n_datasets()} datasets for "
            + ", ".join(f"'{t}'" for t in terms)
            + (f" found {len(hits)} mention(s), none a report of it" if len(hits) else " found nothing"))


def check_event(claim: dict, min_corroboration: int) -> v.Verdict:
    """An event or attribution rated by the number of independent reports (CORROBORATION_RULE)."""
    cid = claim["id"]
    arts = reporting_articles(claim)
    recs = records(cid)
    tiers = [ARTICLE_TIER] * bool(arts) + [r["tier"] for r in recs]
    n = len(arts) + len(recs)
    label = v.rate_corroboration(n, min_corroboration, tiers)
    conclusion = _reports_text(arts, recs) + f": {n} report{'s' * (n != 1)} against the {min_corroboration} required"
    if label == v.MOSTLY_ACCURATE:
        conclusion += ", so it is corroborated, but only by secondary reports and no primary record."
    elif label == v.UNVERIFIABLE:
        conclusion += _searched_text(SEARCH_TERMS.get(cid, ())) + ", so no record settles it."
    else:
        conclusion += "."
    return v.Verdict(cid, label, conclusion, claim["statement"], {"reports": n, "articles": arts,
                     "records": [r["key"] for r in recs]}, v.CORROBORATION_RULE,
                     sorted({r["dataset"] for r in recs}), evidence_tiers=tiers)


# --- what the calendar settles ------------------------------------------------------------------------------

def stated_date(statement: str) -> tuple[str, dt.date] | None:
    """The weekday and date a statement gives ("Monday 24 February 2025"), or None."""
    m = _DATE_IN_TEXT.search(statement)
    if not m:
        return None
    return m.group("weekday"), dt.datetime.strptime(m.group("date"), "%d %B %Y").date()


def weekday_of(date: dt.date) -> str:
    return WEEKDAYS[date.weekday()]


def weekday_candidates(weekday: str, earliest: dt.date, latest: dt.date) -> list[dt.date]:
    """The dates that "on <weekday>" (past tense) can mean in a text written between earliest and latest:
    for each possible writing day, the most recent such weekday on or before it."""
    target = WEEKDAYS.index(weekday)
    out = set()
    day = earliest
    while day <= latest:
        out.add(day - dt.timedelta(days=(day.weekday() - target) % 7))
        day += dt.timedelta(days=1)
    return sorted(out)


def weekday_mentions(claim: dict) -> dict[str, str]:
    """Articles whose quote for the claim names a weekday: article id -> weekday."""
    out = {}
    for app in claim["appearances"]:
        m = re.search(rf"\b({'|'.join(WEEKDAYS)})\b", str(app["quote"]))
        if m:
            out[app["article"]] = m.group(1)
    return out


def written_before(event: dt.date, article_ids) -> list[str]:
    """Articles whose latest possible writing date precedes the event they report (a contradiction)."""
    return [a for a in article_ids if article_window(a)[1] < event]


def check_date(claim: dict, min_corroboration: int) -> v.Verdict:
    """An event with a stated weekday and date: the calendar checks the weekday, the records' dates and the
    articles' writing windows can contradict the date, and corroboration rates the rest (CORROBORATION_RULE)."""
    cid = claim["id"]
    stated = stated_date(claim["statement"])
    if stated is None:
        raise ValueError(f"{cid} states no weekday and date.")
    weekday, date = stated
    arts = reporting_articles(claim)
    recs = records(cid)
    problems = []
    if weekday_of(date) != weekday:
        problems.append(f"{date:%d %B %Y} was a {weekday_of(date)}, not a {weekday}")
    for r in recs:
        if r["date"] is not None and r["date"] != date:
            problems.append(f"the record {r['key']} dates it {r['date']:%d %B %Y}")
    for a in written_before(date, arts):
        problems.append(f"{_seed(a)} was written by {article_window(a)[1]:%d %B %Y}, before the date")
    for a, wd in weekday_mentions(claim).items():
        cands = weekday_candidates(wd, *article_window(a))
        if date not in cands:
            problems.append(f"'{wd}' in {_seed(a)} can only mean " + ", ".join(f"{c:%d %B %Y}" for c in cands))
    tiers = [ARTICLE_TIER] * bool(arts) + [r["tier"] for r in recs]
    n = len(arts) + len(recs)
    label = v.rate_corroboration(n, min_corroboration, tiers, contradicted=bool(problems))
    if problems:
        conclusion = "The calendar or the record contradicts the claim: " + "; ".join(problems) + "."
    else:
        rec_dates = [r for r in recs if r["date"] == date]
        conclusion = (f"{date:%d %B %Y} was a {weekday_of(date)}; "
                      + (f"the independent {rec_dates[0]['tier']} record ({rec_dates[0]['key']}) is dated that day; "
                         if rec_dates else "")
                      + f"{len(arts)} of the {len(articles())} articles report{'s' * (len(arts) == 1)} the remarks ({_seeds(arts)}), none "
                      f"written before that day: {n} reports against the {min_corroboration} required"
                      + (", corroborated on secondary reports only." if label == v.MOSTLY_ACCURATE
                         else ", too few to settle it." if label == v.UNVERIFIABLE else "."))
    return v.Verdict(cid, label, conclusion, f"{weekday} {date.isoformat()}",
                     {"weekday": weekday_of(date), "record_dates": [str(r["date"]) for r in recs], "reports": n},
                     v.CORROBORATION_RULE, sorted({r["dataset"] for r in recs}),
                     evidence_tiers=tiers)


# --- places (OFR-04) ----------------------------------------------------------------------------------------

def region_evidence() -> pd.DataFrame:
    """For each region named in OFR-04, the rows of the rare-earth datasets that mention it."""
    frames = []
    for region, names in REGIONS.items():
        hits = search(names, REE_DATASETS)
        frames.append(hits.assign(region=region) if len(hits) else
                      pd.DataFrame([{"region": region}], columns=["region", *hits.columns]))
    return pd.concat(frames, ignore_index=True)[["region", "dataset", "key", "column", "term", "tier", "text"]]


def deposit_named(text: str, term: str) -> str | None:
    """The name written just before "(term)" in a cell, e.g. "Lovozero" in "Lovozero (Murmansk)"."""
    m = re.search(rf"([A-Z][\w-]+)\s*\({re.escape(term)}\)", text)
    return m.group(1) if m else None


def _places(hits: pd.DataFrame) -> list[str]:
    return [f"{deposit_named(h.text, h.term) or 'a mention'} in {h.dataset} row {h.key} ({h.tier})"
            for h in hits.itertuples()]


def check_regions(claim: dict, min_share: float, min_corroboration: int) -> v.Verdict:
    """The regions named against the rare-earth datasets, region by region (PARTS_RULE, TIER_RULE). The data
    are not a register of deposits: a region they do not mention is not covered, not contradicted."""
    ev = region_evidence()
    found = ev.dropna(subset=["dataset"])
    confirmed = list(dict.fromkeys(found["region"]))
    missing = [r for r in REGIONS if r not in confirmed]
    tiers = sorted(set(found["tier"]))
    label = v.cap_for_tier(v.rate_parts(len(confirmed), 0, len(REGIONS), min_share), tiers)
    where = "; ".join(f"{r}: {', '.join(_places(found[found['region'] == r]))}" for r in confirmed)
    arts = reporting_articles(claim)
    conclusion = (f"The project's rare-earth data place deposits in {len(confirmed)} of the {len(REGIONS)} regions "
                  f"named ({where or 'none'}) and do not mention {', '.join(missing) or 'none'}; "
                  f"{len(confirmed) / len(REGIONS):.0%} confirmed against the {min_share:.0%} required, and only "
                  f"{len(arts)} article{'s' * (len(arts) != 1)} ({_seeds(arts)}) reports that Putin named them "
                  f"({'fewer than' if len(arts) < min_corroboration else 'at least'} the {min_corroboration} reports "
                  f"required to corroborate an event); the need for investment is a judgement not rated here.")
    return v.Verdict(claim["id"], label, conclusion, list(REGIONS), confirmed, v.PARTS_RULE + " " + v.TIER_RULE,
                     sorted(set(found["dataset"])), evidence_tiers=tiers)


# --- opinions -----------------------------------------------------------------------------------------------

def check_opinion(claim: dict) -> v.Verdict:
    """An opinion: not rated; the conclusion says who holds it and what evidence would bear on it."""
    arts = reporting_articles(claim)
    evidence_needed = OPINION_EVIDENCE.get(claim["id"], "a record of the facts the opinion rests on")
    conclusion = (f"A judgement of motive, voiced in {len(arts)} of the {len(articles())} articles "
                  f"({_seeds(arts)}), that no record can rate; evidence that would bear on it: {evidence_needed}"
                  f"{_searched_text(SEARCH_TERMS.get(claim['id'], ()))}.")
    return v.not_rated(claim, conclusion)


# --- the timeline -------------------------------------------------------------------------------------------

def timeline_events() -> pd.DataFrame:
    """Dated events on record (TIMELINE_ROWS), with their dataset and tier."""
    rows = []
    for dataset, key, col, label in TIMELINE_ROWS:
        row = _row(dataset, key)
        rows.append({"date": pd.Timestamp(row[col]).date(), "event": label, "dataset": dataset, "key": key,
                     "tier": _tier(dataset, row)})
    return pd.DataFrame(rows).sort_values("date").reset_index(drop=True)


def article_windows() -> pd.DataFrame:
    """Each article's writing window and the offer claims it carries."""
    by_article: dict[str, list[str]] = {}
    for cid, c in offer_claims().items():
        for a in reporting_articles(c):
            by_article.setdefault(a, []).append(cid)
    rows = []
    for aid, meta in articles().items():
        lo, hi = meta["date"]["earliest"], meta["date"]["latest"]
        rows.append({"article": aid, "seed": _seed(aid), "earliest": lo, "latest": hi,
                     "offer_claims": by_article.get(aid, [])})
    return pd.DataFrame(rows)


def as_of_dates() -> pd.DataFrame:
    """The offer claims grouped by the date as of which each is judged."""
    df = pd.DataFrame([{"claim": cid, "as_of": c["as_of"]} for cid, c in offer_claims().items()])
    return df.groupby("as_of")["claim"].apply(list).reset_index()
