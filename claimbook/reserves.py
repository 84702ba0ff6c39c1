"""Rare-earth reserves: rankings by USGS edition and the checks behind the reserves chapter.

Ranks are computed only from editions whose whole table was read (table_complete); the partial lists
quoted by secondary sources show a country's figure but cannot rank it.
"""

from __future__ import annotations

from . import verdicts as v
from .data import load

RESERVES = "usgs_ree_reserves"
NATIONAL = "russia_ree_national_figures"


def _reported():
    df = load(RESERVES)
    return df[(df["entity"] == "country") & (df["status"] == "reported")]


def ranking(edition: int):
    """Countries with a reported figure in one complete edition, largest first, with competition ranks
    (two countries with the same figure share a rank, as Brazil and Russia did in MCS 2023)."""
    df = _reported()
    df = df[(df["edition"] == edition) & df["table_complete"]].copy()
    df["rank"] = df["reserves_t"].rank(ascending=False, method="min").astype(int)
    return df.sort_values(["rank", "country"]).reset_index(drop=True)


def complete_editions() -> list[int]:
    df = load(RESERVES)
    return sorted(int(e) for e in df.loc[df["table_complete"], "edition"].unique())


def countries(params: dict) -> list[str]:
    """Allowed values of `country`: countries with a reported figure in some complete edition."""
    df = _reported()
    return sorted(df.loc[df["table_complete"], "country"].unique())


def editions(params: dict) -> list[int]:
    """Allowed values of `edition`: complete editions in which the chosen country has a figure."""
    df = _reported()
    df = df[df["table_complete"] & (df["country"] == params.get("country", "Russia"))]
    return sorted(int(e) for e in df["edition"].unique())


def ranks_by_edition(country: str) -> dict[int, int | None]:
    """The country's rank in every complete edition (None where it has no figure)."""
    out: dict[int, int | None] = {}
    for ed in complete_editions():
        table = ranking(ed)
        row = table[table["country"] == country]
        out[ed] = int(row["rank"].iloc[0]) if len(row) else None
    return out


def history(country: str):
    """The country's figure in every edition located (complete or partial), oldest first."""
    df = _reported()
    return df[df["country"] == country].sort_values("edition").reset_index(drop=True)


def figure(country: str, edition: int) -> dict:
    """The country's row in an edition as a dict: value, tier, note."""
    df = _reported()
    row = df[(df["country"] == country) & (df["edition"] == edition)]
    if row.empty:
        return {}
    return row.iloc[0].to_dict()


def _t(x: float) -> str:
    return f"{x / 1e6:,.1f} million t"


def _editions_text(eds) -> str:
    return ", ".join(f"MCS {e}" for e in eds)


def check_amount(claim: dict, country: str, edition: int, tolerance_pct: float) -> v.Verdict:
    """A claimed tonnage against the USGS figure of the chosen edition (NUMBER_RULE, TIER_RULE)."""
    claimed = claim["asserted"]["value"]
    row = figure(country, edition)
    if not row:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"USGS MCS {edition} gives no reserves figure for {country}.",
                         claimed, None, v.NUMBER_RULE, [RESERVES])
    found = row["reserves_t"]
    label = v.cap_for_tier(v.rate_number(claimed, found, tolerance_pct, claim["asserted"].get("qualifier", "about")),
                           [row["source_tier"]])
    dev = v.deviation_pct(claimed, found)
    others = {e: t for e, t in ((e, figure(country, e).get("reserves_t")) for e in complete_editions()) if t}
    matching = [e for e, t in others.items() if v.deviation_pct(claimed, t) <= tolerance_pct]
    conclusion = (f"USGS MCS {edition} puts {country}'s reserves at {_t(found)}, {dev:.0f}% from the claimed "
                  f"{_t(claimed)} (tolerance {tolerance_pct:g}%)")
    conclusion += (f"; editions that match: {_editions_text(matching)}." if matching
                   else "; no complete edition located matches it.")
    return v.Verdict(claim["id"], label, conclusion, claimed, found, v.NUMBER_RULE, [RESERVES],
                     evidence_tiers=[row["source_tier"]])


def check_rank(claim: dict, country: str, edition: int) -> v.Verdict:
    """A claimed rank against the rank in each complete edition (RANK_RULE)."""
    claimed = int(claim["asserted"]["value"])
    ranks = ranks_by_edition(country)
    label = v.rate_rank(claimed, ranks, edition)
    where = [e for e, r in ranks.items() if r == claimed]
    tied = ranking(edition)
    n_tied = int((tied["rank"] == ranks[edition]).sum()) if ranks[edition] else 0
    rank_text = f"{_ordinal(ranks[edition])}{' (tied)' if n_tied > 1 else ''}" if ranks[edition] else "unranked"
    conclusion = f"In USGS MCS {edition} {country} ranks {rank_text}, against the claimed {_ordinal(claimed)}"
    conclusion += (f"; the claimed rank holds in {_editions_text(where)}." if where
                   else "; no complete edition located gives that rank.")
    return v.Verdict(claim["id"], label, conclusion, claimed, ranks[edition], v.RANK_RULE, [RESERVES],
                     evidence_tiers=["primary"])


def check_top_n(claim: dict, country: str, edition: int, top_n: int) -> v.Verdict:
    """'Among the leaders' read as: within the top N holders (RANK_RULE applied to membership)."""
    ranks = ranks_by_edition(country)
    in_top = {e: (r is not None and r <= top_n) for e, r in ranks.items()}
    if in_top[edition]:
        label = v.ACCURATE
    elif any(in_top.values()):
        label = v.MIXED
    else:
        label = v.INACCURATE
    rank = ranks[edition]
    held = [e for e, ok in in_top.items() if ok]
    conclusion = (f"In USGS MCS {edition} {country} ranks {_ordinal(rank) if rank else 'nowhere'} of "
                  f"{len(ranking(edition))} countries with a figure, {'within' if in_top[edition] else 'outside'} "
                  f"the top {top_n} taken here as 'the leaders'; it is within the top {top_n} in "
                  f"{_editions_text(held) if held else 'no complete edition'}.")
    rule = f"Within the top {top_n} in the reference edition: accurate; only in other editions: mixed; else inaccurate."
    return v.Verdict(claim["id"], label, conclusion, f"top {top_n}", rank, rule, [RESERVES],
                     evidence_tiers=["primary"])


def check_larger_than(claim: dict, country: str, other: str, edition: int, min_ratio: float) -> v.Verdict:
    """'A has (significantly) larger reserves than B' from the same USGS table."""
    a = figure(country, edition).get("reserves_t")
    b = figure(other, edition).get("reserves_t")
    label = v.rate_comparison(a, b, min_ratio)
    if a is None:
        text = f"USGS MCS {edition} gives no figure for {country}."
    elif b is None:
        text = (f"USGS MCS {edition} lists {country} with {_t(a)} and gives no reserves at all for {other}, "
                f"so the record agrees with the claim but does not measure the gap.")
    else:
        text = (f"USGS MCS {edition} gives {country} {_t(a)} and {other} {_t(b)}, a ratio of {a / b:.1f} "
                f"(taken as 'significantly' from {min_ratio:g}).")
    return v.Verdict(claim["id"], label, text, f"{country} > {other}", {"a": a, "b": b},
                     "A ratio at or above the threshold is accurate; larger below it, mostly accurate; B not "
                     "listed in a table that lists A, mostly accurate; within 5%, mixed; smaller, inaccurate.",
                     [RESERVES], evidence_tiers=["primary"])


def national_figures(country: str):
    df = load(NATIONAL)
    return df[df["scope"] == "national"] if country == "Russia" else df.iloc[0:0]


def check_national_figure(claim: dict, country: str, tolerance_pct: float) -> v.Verdict:
    """A claimed official figure against the figures Russian officials published (NUMBER_RULE, TIER_RULE)."""
    claimed = claim["asserted"]["value"]
    df = national_figures(country)
    if df.empty:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"The data hold no national reserves figure for {country}.",
                         claimed, None, v.NUMBER_RULE, [NATIONAL])
    df = df.assign(dev=[v.deviation_pct(claimed, x) for x in df["value_t"]]).sort_values("dev")
    best = df.iloc[0]
    tiers = sorted(set(df.loc[df["dev"] <= tolerance_pct, "source_tier"])) or [best["source_tier"]]
    label = v.cap_for_tier(v.rate_number(claimed, best["value_t"], tolerance_pct), tiers)
    listed = "; ".join(f"{r.publisher}: {_t(r.value_t)} ({r.source_tier})" for r in df.itertuples())
    conclusion = (f"Russian officials' published figures are {listed}; the closest is {best['dev']:.1f}% from the "
                  f"claimed {_t(claimed)}, and the evidence within the tolerance is {', '.join(tiers)}.")
    return v.Verdict(claim["id"], label, conclusion, claimed, float(best["value_t"]), v.NUMBER_RULE + " " + v.TIER_RULE,
                     [NATIONAL], evidence_tiers=tiers)


def check_national_vs_usgs(claim: dict, country: str, edition: int) -> v.Verdict:
    """'The official figures are inflated': larger, yes; but a different measure, so at most mixed."""
    usgs = figure(country, edition).get("reserves_t")
    nat = national_figures(country)
    if usgs is None or nat.empty:
        return v.Verdict(claim["id"], v.UNVERIFIABLE,
                         f"The data lack a USGS MCS {edition} or a national figure for {country} to compare.",
                         None, None, "Needs both figures.", [RESERVES, NATIONAL])
    national = float(nat["value_t"].max())
    ratio = national / usgs
    label = v.MIXED if ratio > 1 else v.INACCURATE
    conclusion = (f"{country}'s national figure ({_t(national)}) is {ratio:.1f} times the USGS MCS {edition} figure "
                  f"({_t(usgs)}), but it counts state-balance categories that USGS does not call reserves, so "
                  f"the gap shows a different measure, not by itself an inflated one.")
    return v.Verdict(claim["id"], label, conclusion, "national > USGS", {"national": national, "usgs": usgs},
                     "Figures on different bases: a larger one is at most mixed (the bases differ); "
                     "a smaller one contradicts 'inflated'.", [RESERVES, NATIONAL],
                     evidence_tiers=["primary"] + sorted(set(nat["source_tier"])))


def _ordinal(n: int | None) -> str:
    if n is None:
        return "unranked"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
