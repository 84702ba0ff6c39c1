"""Rare-earth mine production: shares of world output by USGS edition, and the checks behind the
production chapter.

Every edition of the Mineral Commodity Summaries (MCS) reports two production years and revises the
earlier one, so a figure is always read as (edition, year). Shares are computed within one edition and
year, against the world total that edition publishes, and only from editions whose whole world table was
read (table_complete); the US salient statistics and the partial lists that secondary sources quote give
a country's tonnage but no share.
"""

from __future__ import annotations

import pandas as pd

from . import reserves
from . import verdicts as v
from .data import load

PRODUCTION = "usgs_ree_mine_production"
RESERVES = reserves.RESERVES
PROCESSING = "ree_processing_shares"

BULK_RULE = ("'The bulk' is read as more than the threshold share of world mine output. " + v.HOLDS_RULE)
UNDERDEVELOPED_RULE = ("'Underdeveloped relative to its resources' is read as a share of world mine output below "
                       "the given fraction of the country's share of world reserves, both from the same edition. "
                       + v.HOLDS_RULE)
RECORD_RULE = ("A statement of fact, event or stated aim is accurate when a primary record located shows every "
               "part of it; mostly accurate when some part rests only on secondary reports (TIER_RULE); "
               "unverifiable when no record located shows some part.")


# --- data selection -------------------------------------------------------------------------------------

def _complete() -> pd.DataFrame:
    df = load(PRODUCTION)
    return df[df["table_complete"].fillna(False).astype(bool)]


def table(edition: int, year: int) -> pd.DataFrame:
    """One edition's world table for one year: countries largest first, with their share of the world
    total that edition publishes (percent) and competition ranks. Empty when the edition lacks that year."""
    df = _complete()
    df = df[(df["edition"] == edition) & (df["year"] == year)]
    world = df.loc[df["entity"] == "world", "production_t_reo"]
    out = df[df["entity"] == "country"].copy()
    out["share_pct"] = out["production_t_reo"] / float(world.iloc[0]) * 100 if len(world) else float("nan")
    out["rank"] = out["production_t_reo"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank", "country"]).reset_index(drop=True)


def world_total(edition: int, year: int) -> float | None:
    df = _complete()
    row = df[(df["edition"] == edition) & (df["year"] == year) & (df["entity"] == "world")]
    return float(row["production_t_reo"].iloc[0]) if len(row) else None


def figure(country: str, edition: int, year: int) -> dict:
    """The country's row in one edition's world table for one year (with share_pct), or {}."""
    t = table(edition, year)
    row = t[t["country"] == country]
    return row.iloc[0].to_dict() if len(row) else {}


def shares(country: str) -> pd.DataFrame:
    """The country's share of world output for every (edition, year) with a complete table, oldest first."""
    df = _complete()
    rows = []
    for (ed, yr), _ in df.groupby(["edition", "year"]):
        row = figure(country, int(ed), int(yr))
        if row:
            rows.append({"edition": int(ed), "year": int(yr), "production_t": float(row["production_t_reo"]),
                         "world_t": world_total(int(ed), int(yr)), "share_pct": float(row["share_pct"]),
                         "estimated": bool(row["estimated"]) if pd.notna(row["estimated"]) else None,
                         "source_tier": row["source_tier"]})
    return pd.DataFrame(rows, columns=["edition", "year", "production_t", "world_t", "share_pct", "estimated",
                                       "source_tier"])


def latest_series() -> pd.DataFrame:
    """Every country's production by year, each year read from the newest complete edition that reports
    it (the best current figure), with the edition used."""
    df = _complete()
    df = df.sort_values("edition").groupby(["year", "country"], as_index=False).last()
    return df.sort_values(["country", "year"]).reset_index(drop=True)


def history(country: str) -> pd.DataFrame:
    """The country's production for every year located, complete tables or not: each year from the newest
    complete edition if there is one, else from the newest other source (US salient statistics, secondary
    reports), with its tier."""
    df = load(PRODUCTION)
    df = df[df["country"] == country].copy()
    df["_complete"] = df["table_complete"].fillna(False).astype(bool)
    df["_edition"] = df["edition"].fillna(0)
    df = df.sort_values(["year", "_complete", "_edition"]).groupby("year", as_index=False).last()
    return df.drop(columns=["_complete", "_edition"]).reset_index(drop=True)


def revisions(country: str) -> list[tuple[int, int, float, int, float]]:
    """Years that two complete editions report with different figures: (year, older edition, value,
    newer edition, value)."""
    s = shares(country)
    out = []
    for yr, grp in s.groupby("year"):
        grp = grp.sort_values("edition")
        for a, b in zip(grp.itertuples(), grp.iloc[1:].itertuples()):
            if a.production_t != b.production_t:
                out.append((int(yr), a.edition, a.production_t, b.edition, b.production_t))
    return out


def reserves_shares(edition: int) -> pd.DataFrame:
    """Each country's share of world reserves in one complete reserves edition (percent), from the reserves
    chapter's ranking. USGS gives the world total only as a lower bound in MCS 2025 and 2026 ('>90 million
    t'), so the whole is the sum of the countries with a reported figure."""
    r = reserves.ranking(edition)
    if r.empty:
        return r.assign(reserves_share_pct=pd.Series(dtype=float))
    return r.assign(reserves_share_pct=r["reserves_t"] / r["reserves_t"].sum() * 100)


def holders(edition: int, year: int) -> pd.DataFrame:
    """Reserves share against production share for every country in the reserves table of `edition`,
    production read from the same edition for `year` (0 where the production table does not list it)."""
    r = reserves_shares(edition)
    p = table(edition, year)
    if r.empty or p.empty:
        return pd.DataFrame(columns=["country", "reserves_t", "reserves_share_pct", "production_t_reo", "share_pct"])
    out = r[["country", "reserves_t", "reserves_share_pct", "rank"]].merge(
        p[["country", "production_t_reo", "share_pct"]], on="country", how="left")
    out["listed_in_production"] = out["production_t_reo"].notna()
    return out.fillna({"production_t_reo": 0.0, "share_pct": 0.0})


# --- allowed values of the parameters -------------------------------------------------------------------

def countries(params: dict) -> list[str]:
    """Allowed values of `country`: countries with positive output in some complete edition's table."""
    df = _complete()
    df = df[(df["entity"] == "country") & (df["production_t_reo"] > 0)]
    return sorted(df["country"].unique())


def editions(params: dict) -> list[int]:
    """Allowed values of `edition`: complete editions whose table lists the chosen country."""
    df = _complete()
    df = df[df["country"] == params.get("country", "Russia")]
    return sorted(int(e) for e in df["edition"].dropna().unique())


def years(params: dict) -> list[int]:
    """Allowed values of `year`: the production years the chosen edition reports for the country."""
    df = _complete()
    df = df[(df["edition"] == params.get("edition", 2025)) & (df["country"] == params.get("country", "Russia"))]
    return sorted(int(y) for y in df["year"].unique())


def latest_year(edition: int) -> int | None:
    """The newest production year an edition reports (its estimate year)."""
    df = _complete()
    yrs = df.loc[df["edition"] == edition, "year"]
    return int(yrs.max()) if len(yrs) else None


# --- formatting ----------------------------------------------------------------------------------------

def _name(country: str) -> str:
    """A country's name as it reads in a sentence ('the United States')."""
    return f"the {country}" if country in ("United States", "Other countries") else country


def _t(x: float) -> str:
    return f"{x:,.0f} t"


def _pairs(keys) -> str:
    keys = list(keys)
    return ", ".join(f"{y} (MCS {e})" for e, y in keys) if keys else "none"


def _pct(x: float) -> str:
    return f"{x:.2f}%" if x < 10 else f"{x:.0f}%"


# --- checks ---------------------------------------------------------------------------------------------

def check_share(claim: dict, country: str, edition: int, year: int, tolerance_pp: float) -> v.Verdict:
    """A claimed share of world mine output ('about N%') against the chosen edition and year (POINTS_RULE),
    with the edition-years in which it would also hold."""
    claimed = float(claim["asserted"]["value"])
    qualifier = claim["asserted"].get("qualifier", "about")
    row = figure(country, edition, year)
    if not row:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"USGS MCS {edition} gives no {year} production for {_name(country)}.",
                         claimed, None, v.POINTS_RULE, [PRODUCTION])
    found = float(row["share_pct"])
    tiers = [row["source_tier"]]
    label = v.cap_for_tier(v.rate_points(claimed, found, tolerance_pp, qualifier), tiers)
    s = shares(country)
    ok = [(r.edition, r.year) for r in s.itertuples()
          if v.rate_points(claimed, r.share_pct, tolerance_pp, qualifier) == v.ACCURATE]
    low, high = s["share_pct"].min(), s["share_pct"].max()
    conclusion = (f"USGS MCS {edition} gives {_name(country)} {_t(row['production_t_reo'])} of {_t(world_total(edition, year))} "
                  f"world mine output in {year}, a share of {_pct(found)}, {abs(claimed - found):.2f} points from the "
                  f"claimed {claimed:g}% (tolerance {tolerance_pp:g} points); across the {len(s)} edition-years "
                  f"located the share runs from {_pct(low)} to {_pct(high)}, and the claim holds for "
                  f"{'all of them' if len(ok) == len(s) else _pairs(ok)}.")
    return v.Verdict(claim["id"], label, conclusion, claimed, round(found, 3), v.POINTS_RULE + " " + v.TIER_RULE,
                     [PRODUCTION], evidence_tiers=tiers)


def check_bulk(claim: dict, country: str, edition: int, year: int, threshold_pct: float) -> v.Verdict:
    """'Country X accounts for the bulk of world mining': X's share above the threshold (BULK_RULE)."""
    s = shares(country)
    holds = {(r.edition, r.year): r.share_pct > threshold_pct for r in s.itertuples()}
    ref = (edition, year)
    holds.setdefault(ref, None)
    label = v.rate_holds(holds, ref)
    row = figure(country, edition, year)
    fails = [k for k, h in holds.items() if h is False]
    if row:
        head = (f"USGS MCS {edition} gives {_name(country)} {_t(row['production_t_reo'])} of "
                f"{_t(world_total(edition, year))} world mine output in {year}, {_pct(row['share_pct'])}, "
                f"{'above' if holds[ref] else 'not above'} the {threshold_pct:g}% taken as 'the bulk'")
    else:
        head = f"USGS MCS {edition} gives no {year} production for {_name(country)}"
    tail = (f"; the share is above it in every edition-year located ({_pct(s['share_pct'].min())} to "
            f"{_pct(s['share_pct'].max())})." if not fails else f"; it is not above it in {_pairs(fails)}.")
    tiers = sorted(set(s["source_tier"])) or ["primary"]
    return v.Verdict(claim["id"], v.cap_for_tier(label, tiers), head + tail, f"> {threshold_pct:g}%",
                     round(float(row["share_pct"]), 3) if row else None, BULK_RULE, [PRODUCTION],
                     evidence_tiers=tiers)


def development_ratio(country: str, edition: int, year: int | None = None) -> dict:
    """The country's share of world output divided by its share of world reserves, one edition (production
    year: `year`, or the edition's latest year). {} when that edition lacks either table or the country."""
    year = year or latest_year(edition)
    h = holders(edition, year) if year else pd.DataFrame()
    row = h[h["country"] == country] if len(h) else h
    if row.empty:
        return {}
    r = row.iloc[0]
    return {"edition": edition, "year": year, "production_share_pct": float(r["share_pct"]),
            "reserves_share_pct": float(r["reserves_share_pct"]),
            "ratio": float(r["share_pct"]) / float(r["reserves_share_pct"])}


def check_underdeveloped(claim: dict, country: str, edition: int, year: int, max_ratio: float) -> v.Verdict:
    """'Underdeveloped relative to its resources': share of output below max_ratio times share of reserves,
    in the chosen edition and in every other edition that has both tables (UNDERDEVELOPED_RULE)."""
    eds = sorted(set(reserves.complete_editions()) | {edition})
    ratios = {e: development_ratio(country, e, year if e == edition else None) for e in eds}
    holds = {e: (r["ratio"] < max_ratio) if r else None for e, r in ratios.items()}
    label = v.rate_holds(holds, edition)
    ref = ratios[edition]
    tested = [e for e, h in holds.items() if h is not None]
    if ref:
        head = (f"In USGS MCS {edition} {_name(country)} holds {ref['reserves_share_pct']:.1f}% of the world's listed "
                f"reserves but mined {_pct(ref['production_share_pct'])} of world output in {ref['year']}, "
                f"{ref['ratio']:.2f} times its reserves share (taken as underdeveloped below {max_ratio:g})")
    else:
        head = f"USGS MCS {edition} has no reserves and production figures for {_name(country)} to compare"
    fails = [e for e in tested if not holds[e]]
    held = [e for e in tested if holds[e]]
    eds_text = lambda eds: ", ".join(f"MCS {e}" for e in eds)  # noqa: E731
    if not tested:
        tail = "; no edition located has both tables for it."
    elif not fails:
        tail = f"; it holds in every edition with both tables ({eds_text(tested)})."
    elif not held:
        tail = f"; it holds in no edition with both tables ({eds_text(tested)})."
    else:
        tail = f"; it holds in {eds_text(held)} and not in {eds_text(fails)}."
    found = {e: round(r["ratio"], 3) for e, r in ratios.items() if r}
    return v.Verdict(claim["id"], label, head + tail, f"ratio < {max_ratio:g}", found, UNDERDEVELOPED_RULE,
                     [PRODUCTION, RESERVES], evidence_tiers=["primary"])


# The parts of each factual claim and where the record shows them (rows of the processing-facts dataset). A
# part with no rows is shown by no record located. `via` and `tier` name the source where a part rests on a
# report quoted inside a row (the Reuters sentence in the note of the USGS row) rather than on the row's own
# publisher; otherwise both come from the rows.
EVIDENCE: dict[str, list[dict]] = {
    "PRD-03": [
        {"part": "rare earths were mined as a primary product at one US mine, Mountain Pass, CA",
         "rows": ["mountain_pass_only_us_mine"]},
        {"part": "MP Materials owns that mine", "rows": ["mountain_pass_only_us_mine"],
         "via": "Reuters", "tier": "secondary"},
    ],
    "PRD-05": [
        {"part": "an order by Putin to finalise a rare-earth roadmap by the end of 2025", "rows": []},
    ],
    "PRD-06": [
        {"part": "a Kremlin statement naming rare-earth metals a strategic focus of economic growth", "rows": []},
    ],
    "PRD-07": [
        {"part": "the Ministry of Industry and Trade targets domestic rare-earth metal production and a lower "
                 "import share by 2030",
         "rows": ["russia_rem_production_target_2030", "russia_import_share_target_2030"]},
        {"part": "separation and magnet-feed plants are planned downstream of Russia's only concentrate producer",
         "rows": ["russia_only_concentrate_producer"]},
    ],
}

SEARCHED_DATASETS = ["russia_ree_national_figures", PROCESSING, "aluminium_policy_events"]
SEARCHED = ("the project's datasets (Russian official figures, processing and company facts, policy events) and "
            "the source dossier behind them; Kremlin and government decree texts were not among the stored sources")


def check_record(claim: dict, parts: list[dict], settle: str = "") -> v.Verdict:
    """A factual claim checked part by part against rows of the processing-facts dataset (RECORD_RULE):
    every part shown by a primary row: accurate; some part only by secondary reports: mostly accurate;
    some part shown by no row: unverifiable."""
    df = load(PROCESSING).set_index("figure_id")
    shown, missing, tiers = [], [], []
    for part in parts:
        rows = [r for r in part["rows"] if r in df.index]
        if not rows:
            missing.append(part["part"])
            continue
        part_tiers = [part["tier"]] if "tier" in part else sorted(set(df.loc[rows, "source_tier"]))
        via = part.get("via") or "; ".join(sorted(set(df.loc[rows, "publisher"])))
        tiers.append(part_tiers)
        shown.append(f"{part['part']} ({via}, {'/'.join(part_tiers)})")
    all_tiers = sorted({t for ts in tiers for t in ts})
    if missing:
        text = (f"No record located shows {'; '.join(missing)}: searched {SEARCHED}"
                + (f"; {settle}" if settle else "") + ".")
        if shown:
            text = f"The record shows that {'; '.join(shown)}, but " + text[0].lower() + text[1:]
        return v.Verdict(claim["id"], v.UNVERIFIABLE, text, None, None, RECORD_RULE, SEARCHED_DATASETS,
                         evidence_tiers=all_tiers)
    capped = [v.cap_for_tier(v.ACCURATE, part_tiers) for part_tiers in tiers]
    label = v.ACCURATE if all(c == v.ACCURATE for c in capped) else v.MOSTLY_ACCURATE
    n_weak = sum(c != v.ACCURATE for c in capped)
    text = f"The record shows that {'; '.join(shown)}"
    if n_weak:
        text += (f", and {'every part' if n_weak == len(parts) else 'one part' if n_weak == 1 else 'some parts'} "
                 f"rests only on secondary reports, which caps the verdict at mostly accurate")
    return v.Verdict(claim["id"], label, text + ".", None, None, RECORD_RULE + " " + v.TIER_RULE, [PROCESSING],
                     evidence_tiers=all_tiers)


def check_us_producer(claim: dict, edition: int, year: int) -> v.Verdict:
    """'MP Materials is the only domestic US producer': the record parts of EVIDENCE plus the US output that
    the chosen edition reports for the year (so the single mine was producing)."""
    verdict = check_record(claim, EVIDENCE[claim["id"]])
    yr = year
    us = figure("United States", edition, yr)
    if us and verdict.label != v.UNVERIFIABLE:
        verdict.conclusion = (f"USGS MCS {edition} puts US mine output in {yr} at {_t(us['production_t_reo'])} "
                              f"({_pct(us['share_pct'])} of the world's), and " + verdict.conclusion[0].lower()
                              + verdict.conclusion[1:])
        verdict.found = {"us_production_t": float(us["production_t_reo"]), "year": yr, "edition": edition}
        verdict.datasets = [PRODUCTION, PROCESSING]
    return verdict


def check_unrated(claim: dict, reason: str, settle: str) -> v.Verdict:
    """Opinions and predictions: not rated, with the reason and what would settle them."""
    if claim["kind"] not in ("opinion", "prediction"):
        raise v.VerdictError(f"{claim['id']} is a {claim['kind']} claim and must be rated.")
    return v.not_rated(claim, f"{reason}; {settle}.")


def processing_fact(figure_id: str) -> dict:
    """One row of the processing-facts dataset as a dict ({} when absent)."""
    df = load(PROCESSING)
    row = df[df["figure_id"] == figure_id]
    return row.iloc[0].to_dict() if len(row) else {}


def reserves_edition_for(edition: int) -> int:
    """The reserves edition paired with a production edition: the same one when its reserves table is
    complete, otherwise the nearest complete one (the later on a tie)."""
    eds = reserves.complete_editions()
    return edition if edition in eds else min(eds, key=lambda e: (abs(e - edition), -e))
