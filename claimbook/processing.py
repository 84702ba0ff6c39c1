"""Who refines rare earths and makes the magnets: China's share by stage of the supply chain, the US and
Russian gaps in processing, MP Materials' dependence on China, and the checks behind the processing chapter.

China's shares of refining and magnet making are the IEA's, known only through secondary reports (the IEA
reports were not retrieved), so every verdict resting on them is capped by TIER_RULE. China's share of mining
is computed here from the USGS world mine production table (primary) and shown beside the IEA's own figure.
Claims are judged as of their date (AS_OF_RULE in verdicts.py): each piece of evidence carries the period it
describes, parsed from the dataset's `period` column.
"""

from __future__ import annotations

import datetime as dt
import re

from . import verdicts as v
from .claims import UNRATED_KINDS
from .data import load

SHARES = "ree_processing_shares"
MINE = "usgs_ree_mine_production"

STAGES = ("mining", "refining", "magnets")
STAGE_NAMES = {"mining": "mine production", "refining": "separation and refining", "magnets": "magnet making"}

# Publication of the USGS editions the import-reliance figures come from. The dossier gives the month only
# (MCS 2025: January 2025; MCS 2026: February 2026); the month's last day is used so that an edition is never
# counted before it could have appeared.
MCS_PUBLISHED = {2025: dt.date(2025, 1, 31), 2026: dt.date(2026, 2, 28)}

# MP Materials' dependence on China for processing: the share of its revenue from concentrate sold to China
# for refining, and the dated facts after which no concentrate went to China.
MP_SHARES = ("mp_revenue_share_concentrate_2024", "mp_revenue_share_shenghe_q1_2025")
MP_STOPPED = ("mp_china_shipments_stopped", "mp_sales_to_china_ceased")
DOD_ACTIONS = ("dod_mp_partnership_2025",)

SHARE_RULE = ("China's share of the stage read as the claim's processing, in the latest year of the record up to "
              "the chosen year and the claim's date: a share at or above the claimed bound is accurate, below it "
              "NUMBER_RULE's bands apply; " + v.TIER_RULE)
DOMINANCE_RULE = ("'Dominates' is read as China holding at least the dominance share of the stage; the share is "
                  "rated like an 'at least' number (NUMBER_RULE). " + v.TIER_RULE)
LACK_RULE = ("'Lacks' a capacity is read against the share of the need met by imports: at or above the bound the "
             "statement sets ('lacks': almost all; 'lacks extensive': most), accurate; a majority below that bound, "
             "mostly accurate (the capacity is small, not absent); a quarter to half, mixed; less, inaccurate. "
             "Figures revised in a later edition are judged on the edition published by the claim's date. "
             + v.TIER_RULE)
RELIANCE_RULE = ("Reliance on a partner's refining needs both parts: the country imports at least half of what it "
                 "uses, and the partner supplies at least half of those imports (accurate; a quarter to half, "
                 "mixed; less, mostly inaccurate). Imports under half: mostly inaccurate, under a quarter: "
                 "inaccurate. No record of the partner's share: unverifiable, since that is the claim's point. "
                 + v.TIER_RULE)
LAG_RULE = ("'Lags behind' a producer holds when that producer's share of refined output is at least `min_ratio` "
            "times the most the country can hold (the remainder left by the producers the record names); each "
            "producer named is rated with the comparison rule and the lowest label counts. " + v.TIER_RULE)
DEPENDENCE_RULE = ("'Heavily dependent on China for processing' is read as at least the heavy share of revenue "
                   "coming from concentrate sent to China for refining ('at least' under NUMBER_RULE); from the "
                   "date shipments to China stopped the statement no longer holds. " + v.AS_OF_RULE + " "
                   + v.TIER_RULE)
ACTION_RULE = ("An action the record shows (a contract, an investment) supports the statement from the period it "
               "is reported for. " + v.AS_OF_RULE)
UNRECORDED_RULE = ("A factual statement that no dataset of the project addresses is unverifiable; the conclusion "
                   "names what was searched and what record would settle it.")


# ---------------------------------------------------------------- periods and dated evidence

_QUARTER = re.compile(r"Q([1-4]) (\d{4})")


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period as the dataset writes it: '2024', '2024 (IEA commentary Oct 2025)',
    '2021-2023', 'Q1 2025', '2025-07' or '2025-04-17'."""
    text = str(text).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        day = dt.date(*map(int, m.groups()))
        return day, day
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        y, mo = map(int, m.groups())
        if not 1 <= mo <= 12:
            raise ValueError(f"'{text}' is not a month.")
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return dt.date(y, mo, 1), nxt - dt.timedelta(days=1)
    if m := re.fullmatch(r"(\d{4})-(\d{4})", text):
        lo, hi = map(int, m.groups())
        if hi < lo:
            raise ValueError(f"'{text}' ends before it starts.")
        return dt.date(lo, 1, 1), dt.date(hi, 12, 31)
    if m := _QUARTER.fullmatch(text):
        q, y = map(int, m.groups())
        start = dt.date(y, 3 * q - 2, 1)
        end = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return start, end
    if m := re.fullmatch(r"(\d{4})(?: \(.*\))?", text):
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    raise ValueError(f"'{text}' is not a period this chapter reads (YYYY, YYYY-YYYY, Qn YYYY, YYYY-MM, YYYY-MM-DD).")


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def _pct(x: float, qualifier: str | None = None) -> str:
    prefix = {"about": "about ", ">": "more than "}.get(qualifier or "", "")
    return f"{prefix}{x:.0f}%"


# ---------------------------------------------------------------- the record

def figures():
    """The processing dataset."""
    return load(SHARES)


def row(figure_id: str) -> dict:
    df = figures()
    hit = df[df["figure_id"] == figure_id]
    if hit.empty:
        raise KeyError(f"{SHARES} has no figure '{figure_id}'.")
    return hit.iloc[0].to_dict()


def _source(r: dict) -> str:
    """'IEA via SEAISI news, secondary' style note on where a figure comes from."""
    return f"{r['publisher']}, {r['document']}; {r['source_tier']}"


def mining_shares_usgs(country: str = "China"):
    """The country's share of world mine production by year, from the latest USGS edition with a complete
    table for that year (primary)."""
    import pandas as pd

    df = load(MINE)
    df = df[df["table_complete"] & df["edition"].notna()]
    out = []
    for year, group in df.groupby("year"):
        latest = group[group["edition"] == group["edition"].max()]
        world = latest.loc[latest["entity"] == "world", "production_t_reo"]
        mine = latest.loc[latest["country"] == country, "production_t_reo"]
        if len(world) and len(mine) and world.iloc[0] > 0:
            ed = int(latest["edition"].iloc[0])
            out.append({"year": int(year), "share_pct": float(mine.iloc[0] / world.iloc[0] * 100),
                        "share_qualifier": None, "source_tier": "primary", "projection": False,
                        "estimated": bool(latest.loc[latest["country"] == country, "estimated"].fillna(False).iloc[0]),
                        "source": f"USGS MCS {ed} world mine production table (computed: {country} / world); primary",
                        "publisher": "USGS", "figure_id": f"usgs_mcs{ed}_{country.lower()}_{year}"})
    return pd.DataFrame(out)


def iea_shares(stage: str, projections: bool = False):
    """China's share of one stage as the IEA gives it (secondary reports), observed years and, on request,
    projections; the average over several minerals is left out (it is not a rare-earth share)."""
    df = figures()
    df = df[(df["subject"] == "China") & (df["stage"] == stage) & df["share_pct"].notna()
            & (df["publisher"] == "IEA") & ~df["share_of"].fillna("").str.contains("average")]
    if not projections:
        df = df[~df["projection"].astype(bool)]
    df = df.assign(source=[_source(r) for r in df.to_dict("records")])
    return df[["year", "share_pct", "share_qualifier", "source_tier", "projection", "source", "publisher",
               "figure_id", "period"]].sort_values("year").reset_index(drop=True)


def china_series(stage: str):
    """One observed China share per year for a stage: USGS (computed, primary) for mining, the IEA
    (secondary) for refining and magnets."""
    if stage not in STAGES:
        raise ValueError(f"stage '{stage}' is not one of {', '.join(STAGES)}.")
    if stage == "mining":
        return mining_shares_usgs("China")
    return iea_shares(stage)


def stages(params: dict) -> list[str]:
    """Allowed values of `stage`."""
    return list(STAGES)


def years(params: dict) -> list[int]:
    """Allowed values of `year`: years with an observed China share for the chosen stage."""
    return sorted(int(y) for y in china_series(params.get("stage", "refining"))["year"])


def share_for(stage: str, year: int) -> dict:
    """China's share of the stage in the latest year of the record up to `year` (empty when none)."""
    series = china_series(stage)
    series = series[series["year"] <= year]
    return {} if series.empty else series.iloc[-1].to_dict()


# ---------------------------------------------------------------- rules

def rate_lack(import_share_pct: float | None, accurate_from: float) -> str:
    """LACK_RULE: a claimed lack of capacity against the share of the need met by imports."""
    if import_share_pct is None:
        return v.UNVERIFIABLE
    if not 0 <= import_share_pct <= 100:
        raise v.VerdictError(f"an import share must lie between 0 and 100, got {import_share_pct}.")
    if import_share_pct >= accurate_from:
        return v.ACCURATE
    if import_share_pct >= 50:
        return v.MOSTLY_ACCURATE
    if import_share_pct >= 25:
        return v.MIXED
    return v.INACCURATE


def rate_reliance(import_share_pct: float | None, partner_share_pct: float | None) -> str:
    """RELIANCE_RULE: reliance on a named partner's refining."""
    if import_share_pct is None:
        return v.UNVERIFIABLE
    if import_share_pct < 25:
        return v.INACCURATE
    if import_share_pct < 50:
        return v.MOSTLY_INACCURATE
    if partner_share_pct is None:
        return v.UNVERIFIABLE
    if partner_share_pct >= 50:
        return v.ACCURATE
    if partner_share_pct >= 25:
        return v.MIXED
    return v.MOSTLY_INACCURATE


_ORDER = [v.INACCURATE, v.MOSTLY_INACCURATE, v.MIXED, v.MOSTLY_ACCURATE, v.ACCURATE]


def lowest(labels: list[str]) -> str:
    """The least favourable of several labels on the numeric scale."""
    return min(labels, key=_ORDER.index)


# ---------------------------------------------------------------- checks

def _share_evidence(stage: str, year: int, bound: float, tolerance_pct: float) -> list[v.Dated]:
    series = china_series(stage)
    out = []
    for r in series[series["year"] <= year].to_dict("records"):
        label = v.rate_number(bound, r["share_pct"], tolerance_pct, "at least")
        start, end = year_period(int(r["year"]))
        out.append(v.Dated(start, end, label, f"{_pct(r['share_pct'], r['share_qualifier'])} in {r['year']}",
                           r["source_tier"]))
    return out


def _share_verdict(claim: dict, stage: str, year: int, bound: float, tolerance_pct: float, rule: str,
                   what: str) -> v.Verdict:
    when = _as_date(claim["as_of"])
    found = v.rate_as_of(when, _share_evidence(stage, year, bound, tolerance_pct))
    datasets = [MINE] if stage == "mining" else [SHARES]
    if found.decisive is None:
        return v.Verdict(claim["id"], v.UNVERIFIABLE,
                         f"The record holds no China share of {STAGE_NAMES[stage]} for a year up to {year} and "
                         f"{_day(when)}.", bound, None, rule, datasets)
    r = share_for(stage, found.decisive.end.year)
    tier = r["source_tier"]
    label = v.cap_for_tier(found.label, [tier])
    share = _pct(r["share_pct"], r["share_qualifier"])
    side = "at or above" if r["share_pct"] >= bound else "below"
    est = " (an estimate)" if r.get("estimated") is True else ""
    text = (f"As of {_day(when)} the latest record is {r['year']}{est}: China held {share} of global "
            f"{STAGE_NAMES[stage]}, {side} the {what} of {bound:g}% (source: {r['source']}")
    if label != found.label:
        text += "; with only a secondary report of the IEA's figure, the verdict is capped at mostly accurate)"
    else:
        text += ")"
    later = [e for e in found.later]
    if later:
        text += "; a later year on the record: " + ", ".join(e.what for e in later)
    return v.Verdict(claim["id"], label, text + ".", bound, round(float(r["share_pct"]), 1), rule, datasets,
                     evidence_tiers=[tier])


def check_share(claim: dict, stage: str, year: int, tolerance_pct: float) -> v.Verdict:
    """A claimed share of processing ('80%+') against China's share of the chosen stage (SHARE_RULE)."""
    asserted = claim["asserted"]
    return _share_verdict(claim, stage, year, float(asserted["value"]), tolerance_pct,
                          SHARE_RULE + " " + v.AS_OF_RULE, "claimed bound")


def check_dominance(claim: dict, stage: str, year: int, dominant_pct: float, tolerance_pct: float) -> v.Verdict:
    """'China dominates processing': China's share of the chosen stage against the dominance share."""
    return _share_verdict(claim, stage, year, dominant_pct, tolerance_pct, DOMINANCE_RULE + " " + v.AS_OF_RULE,
                          "dominance share")


def import_share_rows(country: str):
    """The share of a country's need for refined rare-earth products met by imports, per row."""
    df = figures()
    df = df[(df["stage"] == "trade") & (df["subject"] == country) & (df["kind"] == "statistic")
            & df["share_of"].fillna("").str.contains(r"consumption|needs", regex=True)]
    return df.reset_index(drop=True)


def _edition(document: str) -> int | None:
    m = re.search(r"MCS (\d{4})", document)
    return int(m.group(1)) if m else None


def _import_evidence(country: str, accurate_from: float):
    """Dated import-share evidence, split into the rows published by a date and the later editions."""
    out = []
    for r in import_share_rows(country).to_dict("records"):
        start, end = parse_period(r["period"])
        label = rate_lack(float(r["share_pct"]), accurate_from)
        ed = _edition(r["document"])
        out.append((r, ed, v.Dated(start, end, label, f"{_pct(r['share_pct'], r['share_qualifier'])} in "
                                   f"{r['period']}" + (f" (MCS {ed})" if ed else ""), r["source_tier"])))
    return out


def _split_by_edition(evidence, when: dt.date):
    """Evidence from editions published by `when` (or from no edition), and from editions published later."""
    in_force = [e for r, ed, e in evidence if ed is None or MCS_PUBLISHED.get(ed, dt.date.max) <= when]
    revised = [e for r, ed, e in evidence if ed is not None and MCS_PUBLISHED.get(ed, dt.date.max) > when]
    return in_force, revised


def check_lacks(claim: dict, country: str, accurate_from: float) -> v.Verdict:
    """'<country> lacks (extensive) processing capacity', read against its import share (LACK_RULE)."""
    when = _as_date(claim["as_of"])
    evidence = _import_evidence(country, accurate_from)
    in_force, revised = _split_by_edition(evidence, when)
    found = v.rate_as_of(when, in_force)
    rule = LACK_RULE + " " + v.AS_OF_RULE
    if found.decisive is None:
        return v.Verdict(claim["id"], v.UNVERIFIABLE,
                         f"No figure located shows what share of {country}'s rare-earth needs was imported up to "
                         f"{_day(when)}.", f"lacks (imports >= {accurate_from:g}%)", None, rule, [SHARES])
    r = next(r for r, ed, e in evidence if e is found.decisive)
    label = v.cap_for_tier(found.label, [found.decisive.tier])
    share = float(r["share_pct"])
    text = (f"As of {_day(when)} the record shows {_pct(share, r['share_qualifier'])} of {r['share_of']} met by "
            f"imports in {r['period']} ({_source(r)}), so about {100 - share:.0f}% was met from domestic "
            f"supply, against a reading of the claim as at least {accurate_from:g}% imported")
    if label != found.label:
        text += "; resting on a single secondary report, the verdict is capped at mostly accurate"
    later = [e for e in found.later if e not in revised] + revised
    if later:
        text += "; later figures: " + ", ".join(e.what for e in sorted(later, key=lambda e: e.start))
        changed = sorted({e.label for e in later if e.label != found.label})
        text += (f", which would rate it {', '.join(changed)}" if changed else ", which do not change the label")
    return v.Verdict(claim["id"], label, text + ".", f"lacks (imports >= {accurate_from:g}%)", share, rule,
                     [SHARES], evidence_tiers=[found.decisive.tier])


def partner_share(country: str, partner: str) -> dict:
    """The partner's share of the country's imports of refined rare-earth products, if recorded."""
    df = figures()
    prefix = {"United States": "US imports"}.get(country, f"{country}'s imports")
    hit = df[(df["stage"] == "trade") & (df["subject"] == partner)
             & df["share_of"].fillna("").str.startswith(prefix)]
    return {} if hit.empty else hit.iloc[0].to_dict()


def check_relies_on(claim: dict, country: str, partner: str) -> v.Verdict:
    """'<country> relies on <partner>'s refining' (RELIANCE_RULE): the import share in force at the claim's
    date (or, with none, the first later one) and the partner's share of those imports."""
    when = _as_date(claim["as_of"])
    evidence = _import_evidence(country, 100)
    found = v.rate_as_of(when, _split_by_edition(evidence, when)[0])
    chosen = found.decisive or (found.later[0] if found.later else None)
    imp = next(r for r, _, e in evidence if e is chosen) if chosen else {}
    part = partner_share(country, partner)
    imp_pct = float(imp["share_pct"]) if imp else None
    part_pct = float(part["share_pct"]) if part else None
    tiers = sorted({x["source_tier"] for x in (imp, part) if x})
    label = v.cap_for_tier(rate_reliance(imp_pct, part_pct), tiers)
    if not imp:
        text = f"No record located gives the share of {country}'s rare-earth needs met by imports."
    else:
        text = (f"{_pct(imp_pct, imp['share_qualifier'])} of {imp['share_of']} was met by imports in "
                f"{imp['period']} ({_source(imp)})")
        if part:
            text += (f", and {partner} supplied {_pct(part_pct, part['share_qualifier'])} of those imports in "
                     f"{part['period']} ({_source(part)}).")
        else:
            text += (f", but no record located says where those imports come from or where {country}'s own "
                     f"concentrate is refined, so the claim's point, that the refiner is {partner}, cannot be "
                     f"checked.")
    return v.Verdict(claim["id"], label, text, f"relies on {partner}", {"imports": imp_pct, "partner": part_pct},
                     RELIANCE_RULE, [SHARES], evidence_tiers=tiers)


def check_lags(claim: dict, country: str, year: int, min_ratio: float) -> v.Verdict:
    """'<country> lags behind China and other major producers in refining' (LAG_RULE): compares each
    producer the record names with the most the country can hold of refined output."""
    df = figures()
    groups = df[(df["stage"] == "refining") & df["subject"].str.contains(",") & df["share_pct"].notna()
                & ~df["projection"].astype(bool) & df["share_of"].str.contains("refined rare-earth output")
                & (df["year"] <= year)]
    if groups.empty:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"No breakdown of refined output up to {year} was located.",
                         "lags", None, LAG_RULE, [SHARES])
    g = groups.sort_values("year").iloc[-1]
    named = [s.strip() for s in g["subject"].split(",")]
    if country in named:
        return v.Verdict(claim["id"], v.INACCURATE, f"{country} is itself among the leading refiners named.",
                         "lags", None, LAG_RULE, [SHARES])
    bound = 100 - float(g["share_pct"])
    gy = int(g["year"])
    producers = df[(df["stage"] == "refining") & df["subject"].isin(named) & (df["year"] == gy)
                   & ~df["projection"].astype(bool) & df["share_of"].str.contains("refined rare-earth output")]
    labels, parts = [], []
    for p in producers.to_dict("records"):
        labels.append(v.rate_comparison(float(p["share_pct"]), bound, min_ratio))
        parts.append(f"{p['subject']} {_pct(p['share_pct'])}")
    tiers = sorted(set(producers["source_tier"]) | {g["source_tier"]})
    label = v.cap_for_tier(lowest(labels), tiers)
    text = (f"In {gy} {', '.join(named[:-1])} and {named[-1]} together held {_pct(g['share_pct'])} of global refined "
            f"rare-earth output ({_source(g)}), which leaves {country} at most {bound:.0f}%, against "
            f"{'; '.join(parts)}; "
            + ("each is at least " if lowest(labels) == v.ACCURATE else "not every one is ")
            + f"{min_ratio:g} times that")
    if label != lowest(labels):
        text += ", and with only secondary reports of the IEA's figures the verdict is capped at mostly accurate"
    return v.Verdict(claim["id"], label, text + ".", "lags", {"country_at_most": bound, **dict(zip(
        producers["subject"], map(float, producers["share_pct"])))}, LAG_RULE, [SHARES], evidence_tiers=tiers)


def mp_evidence(heavy_pct: float, tolerance_pct: float) -> list[tuple[dict, v.Dated]]:
    """MP Materials' dependence on China, dated: revenue shares rated against the heavy share, and the
    dated facts after which no concentrate went to China (rated inaccurate for the claim from then on)."""
    out = []
    for fid in MP_SHARES:
        r = row(fid)
        start, end = parse_period(r["period"])
        label = v.rate_number(heavy_pct, float(r["share_pct"]), tolerance_pct, "at least")
        what = r["metric"].split(": ", 1)[1].replace("share of ", "", 1)
        out.append((r, v.Dated(start, end, label, f"{_pct(r['share_pct'], r['share_qualifier'])} of {what}",
                               r["source_tier"])))
    for fid in MP_STOPPED:
        r = row(fid)
        start, _ = parse_period(r["period"])
        out.append((r, v.Dated(start, dt.date.max, v.INACCURATE, f"{r['metric'].split(': ', 1)[1]} "
                               f"({r['period']}; {r['source_tier']})", r["source_tier"])))
    return out


def check_mp_dependence(claim: dict, heavy_pct: float, tolerance_pct: float) -> v.Verdict:
    """'MP Materials remains heavily dependent on China for processing', as of the claim's date."""
    import pandas as pd

    when = _as_date(claim["as_of"])
    evidence = mp_evidence(heavy_pct, tolerance_pct)
    found = v.rate_as_of(when, [e for _, e in evidence])
    if found.decisive is None:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"No record of MP Materials' sales up to {_day(when)}.",
                         f">= {heavy_pct:g}%", None, DEPENDENCE_RULE, [SHARES])
    r = next(r for r, e in evidence if e is found.decisive)
    label = v.cap_for_tier(found.label, [found.decisive.tier])
    text = (f"As of {_day(when)} the latest record ({r['period']}: {found.decisive.what}; {_source(r)}) "
            f"{'meets' if found.label == v.ACCURATE else 'falls short of'} the {heavy_pct:g}% read as 'heavily'")
    if label != found.label:
        text += ", capped at mostly accurate for resting on a secondary report"
    if found.changes:
        first = found.changes[0]
        days = (first.start - when).days
        text += (f"; the statement stopped holding {days} day{'s' if days != 1 else ''} later: "
                 + "; ".join(e.what for e in found.changes))
    return v.Verdict(claim["id"], label, text + ".", f">= {heavy_pct:g}% of revenue",
                     float(r["share_pct"]) if pd.notna(r["share_pct"]) else r["value_text"],
                     DEPENDENCE_RULE, [SHARES], evidence_tiers=[found.decisive.tier])


def check_action(claim: dict, actor: str, figure_ids: tuple[str, ...] = DOD_ACTIONS) -> v.Verdict:
    """An action attributed to an actor, judged as of the claim's date from the dated facts (ACTION_RULE)."""
    when = _as_date(claim["as_of"])
    evidence = []
    for fid in figure_ids:
        r = row(fid)
        start, end = parse_period(r["period"])
        evidence.append((r, v.Dated(start, dt.date.max, v.cap_for_tier(v.ACCURATE, [r["source_tier"]]),
                                    f"{r['metric']} ({r['value_text']}; {r['period']}; {_source(r)})",
                                    r["source_tier"])))
    found = v.rate_as_of(when, [e for _, e in evidence])
    if found.decisive is None:
        text = f"No action by the {actor} dated on or before {_day(when)} is in the record"
        if found.later:
            text += ("; the first one located is later and would support the statement only from then on: "
                     + "; ".join(e.what for e in found.later))
        text += "."
    else:
        text = f"As of {_day(when)} the record shows {found.decisive.what}."
    tiers = [found.decisive.tier] if found.decisive else []
    return v.Verdict(claim["id"], found.label, text, "action", found.decisive.what if found.decisive else None,
                     ACTION_RULE, [SHARES], evidence_tiers=tiers)


def check_unrecorded(claim: dict, searched: str, settle: str) -> v.Verdict:
    """A factual statement that no dataset addresses (UNRECORDED_RULE)."""
    if claim["kind"] in UNRATED_KINDS:
        raise v.VerdictError(f"{claim['id']} is an {claim['kind']}; use check_not_rated.")
    return v.Verdict(claim["id"], v.UNVERIFIABLE, f"Searched {searched}; none addresses it. {settle}",
                     claim.get("asserted", {}).get("value") if claim.get("asserted") else None, None,
                     UNRECORDED_RULE, [SHARES])


def check_not_rated(claim: dict, why: str, context: str = "") -> v.Verdict:
    """An opinion or prediction (v.NOT_RATED_RULE); refuses a claim the register lists as factual."""
    if claim["kind"] not in UNRATED_KINDS:
        raise v.VerdictError(f"{claim['id']} is a {claim['kind']} claim, which must be rated.")
    text = f"This is {'an' if claim['kind'] == 'opinion' else 'a'} {claim['kind']}: {why}"
    if context:
        text += f" For context: {context}"
    return v.not_rated(claim, text, [SHARES] if context else [])
