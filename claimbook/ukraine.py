"""Ukraine's mineral wealth, the occupied territories and the 2025 US-Ukraine agreement: the checks behind
the Ukraine chapter.

The record here is thin and mostly secondary (news reports of Forbes Ukraine, SecDev, DeepState, ISW and the
Ukrainian government), so most labels are capped by TIER_RULE. Where the dossier has no record that reaches a
claim, the verdict is 'unverifiable' and says what was searched; nothing absent from the data is filled in.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import reserves
from . import verdicts as v
from .claims import articles
from .data import load

DATA = "ukraine_minerals"
EVENTS = "aluminium_policy_events"
RESERVES = reserves.RESERVES

# The three oblasts the claims name (UKR-02, UKR-04), in the claims' order.
NAMED_REGIONS = ("Donetsk", "Dnipropetrovsk", "Luhansk")

# What each total-value estimate counts, as the dossier describes it (notes of the rows and the sidecar's
# known_issues). `broader_than_critical`: True when the estimate demonstrably counts commodities beyond the
# critical minerals (its report names coal, iron ore, oil or gas); None when the dossier does not say.
# `composition`: rows giving shares of the value by commodity; `regional_share`: the row giving the share of
# this estimate in the named oblasts, if any.
ESTIMATES = {
    "forbes_ukraine_mineral_value": {
        "short": "Forbes Ukraine",
        "measure": "resources and reserves together",
        "commodities": "all minerals",
        "prices": "",
        "broader_than_critical": True,
        "composition": ("forbes_ukraine_share_coal", "forbes_ukraine_share_iron_ore"),
        "regional_share": "forbes_ukraine_share_three_oblasts",
    },
    "reserves_value_critique_mykhailov": {
        "short": "Mykhailov (critique)",
        "measure": "reserves only",
        "commodities": "not stated in the report located",
        "prices": "price basis not stated",
        "broader_than_critical": None,
        "composition": (),
        "regional_share": None,
    },
    "secdev_total_resource_value": {
        "short": "SecDev",
        "measure": "natural resources in deposits (basis not stated)",
        "commodities": "coal, oil, gas, metals, rare earths and other critical minerals",
        "prices": "price basis not stated",
        "broader_than_critical": True,
        "composition": (),
        "regional_share": None,
    },
}
UNDER_RUSSIAN_CONTROL = "secdev_value_under_russian_control"
REE_UNDER_CONTROL = "secdev_russian_control_rare_earth_critical_minerals"
SIGNED = "us_ukraine_fund_signed"
OFFER_EVENT = "putin_offer_aluminum_rare_earths"
# Terms of the agreement whose presence in the data establishes a fact the 'pay back' claim turns on.
REPAYMENT_TERMS = {
    "us_ukraine_fund_no_debt": ("debt_obligation", False),
    "us_ukraine_fund_us_contribution": ("new_aid_counted", True),
}

SCOPE_RULE = (v.NUMBER_RULE + " A figure that counts more than the claim names (all minerals presented as "
              "critical minerals) is rated at most mixed: the number holds, the description does not. " + v.TIER_RULE)
SHARE_RULE = (v.NUMBER_RULE + " A published lower bound ('more than 70%') is compared at the bound; a share from "
              "another estimate than the one chosen is not used. " + v.TIER_RULE)
MUCH_RULE = ("A share at or above the threshold read as 'much' is accurate; at or above half of it, mixed; below "
             "that, inaccurate. " + v.TIER_RULE)
OCCUPIED_RULE = ("An oblast counts as occupied when Russia holds at least the threshold share of it, taken from the "
                 "chosen tracker's report, else from the nearest report that gives the oblast. All named oblasts "
                 "occupied: accurate; some: mixed; none: inaccurate. 'Contested' is not measured: the data hold no "
                 "front-line record. " + v.TIER_RULE)
REPAY_RULE = ("'Pays back' aid needs a repayment obligation or a credit for past aid in the terms: either one, "
              "accurate; no debt but future aid counted as the US stake, mostly inaccurate (linked to aid, not a "
              "repayment); no debt and no link to aid, inaccurate; the debt question not in the terms, "
              "unverifiable. " + v.TIER_RULE)
PAIR_RULE = ("'Both are rich in vast deposits' holds for a country that ranks within the top N of the USGS reserves "
             "table of the chosen edition: both, accurate; one, mixed; neither, inaccurate.")


# ---------------------------------------------------------------- data selection


def _rows():
    return load(DATA)


def row(figure_id: str) -> dict:
    """One figure of the dataset as a dict (empty when absent)."""
    df = _rows()
    hit = df[df["figure_id"] == figure_id]
    return {} if hit.empty else hit.iloc[0].to_dict()


def _month(as_of: str) -> int:
    """'2025-03' or '2026-01-01' as a month count, for distances in time."""
    year, month = str(as_of)[:7].split("-")
    return int(year) * 12 + int(month)


def _prices(estimate: str) -> str:
    """The date and price basis of an estimate: its as_of, with the dossier's note on prices if any."""
    note = ESTIMATES[estimate]["prices"]
    return f"{row(estimate)['as_of']}" + (f" ({note})" if note else "")


def estimate_table():
    """The total-value estimates side by side with what each one counts, largest first."""
    out = []
    for fid, scope in ESTIMATES.items():
        r = row(fid)
        if r:
            parts = [row(p) for p in scope["composition"]]
            commodities = scope["commodities"] + "".join(
                f"; {p['figure'].split(chr(39))[0].lower()} {p['share_pct']:g}% of the value" for p in parts if p)
            out.append({"figure_id": fid, "estimate": scope["short"], "usd_trillion": float(r["value"]),
                        "qualifier": r["value_qualifier"] if isinstance(r["value_qualifier"], str) else "",
                        "measure": scope["measure"], "commodities": commodities,
                        "prices": _prices(fid), "as_of": r["as_of"], "publisher": r["publisher"],
                        "tier": r["source_tier"]})
    return pd.DataFrame(out).sort_values("usd_trillion", ascending=False).reset_index(drop=True)


def national_occupied():
    """Every figure for the share of all of Ukraine held by Russia, oldest first."""
    df = _rows()
    df = df[(df["topic"] == "occupied_territory") & df["region"].isna() & df["share_pct"].notna()].copy()
    df["month"] = df["as_of"].map(_month)
    return df.sort_values("month").reset_index(drop=True)


def occupied_share(as_of: str) -> dict:
    """The national occupied-share row for one date (as the data give it)."""
    df = national_occupied()
    hit = df[df["as_of"] == as_of]
    return {} if hit.empty else hit.iloc[0].to_dict()


def oblast_shares(as_of: str, regions=NAMED_REGIONS):
    """For each oblast, the share held by Russia: from the same report as the national figure of `as_of`,
    else the report nearest in time that gives the oblast (secondary before weak). Oblasts with no figure
    anywhere are listed with share None."""
    df = _rows()
    df = df[(df["topic"] == "occupied_territory") & df["region"].notna()].copy()
    df["month"] = df["as_of"].map(_month)
    national = occupied_share(as_of)
    target = _month(as_of)
    out = []
    for region in regions:
        cand = df[df["region"] == region].copy()
        if cand.empty:
            out.append({"region": region, "share_pct": None, "as_of": None, "publisher": None, "tier": None,
                        "same_report": False, "only_figure": False})
            continue
        cand["same"] = cand["source_url"] == national.get("source_url")
        cand["weak"] = cand["source_tier"] == "weak"
        cand["distance"] = (cand["month"] - target).abs()
        best = cand.sort_values(["same", "weak", "distance"], ascending=[False, True, True]).iloc[0]
        out.append({"region": region, "share_pct": float(best["share_pct"]), "as_of": best["as_of"],
                    "publisher": best["publisher"], "tier": best["source_tier"], "same_report": bool(best["same"]),
                    "only_figure": len(cand) == 1})
    return pd.DataFrame(out)


def control_shares():
    """SecDev's shares of each resource under Russian control (August 2022), largest first."""
    df = _rows()
    df = df[df["topic"] == "occupied_resources"].copy()
    df["resource"] = df["figure"].str.extract(r"Share of Ukraine's (.*) under Russian control", expand=False)
    return df.sort_values("share_pct", ascending=False).reset_index(drop=True)


def agreement_terms():
    """The terms of the US-Ukraine agreement located, as (figure, term) rows."""
    df = _rows()
    return df[df["topic"] == "us_ukraine_agreement"][["figure_id", "figure", "value_text", "source_tier", "note"]]


def signing_date() -> dt.date | None:
    r = row(SIGNED)
    return dt.date.fromisoformat(r["value_text"]) if r else None


def offer_event() -> dict:
    df = load(EVENTS)
    hit = df[df["event_id"] == OFFER_EVENT]
    return {} if hit.empty else hit.iloc[0].to_dict()


def us_measures_against_russia(before: dt.date):
    """US legal measures on Russian metals in the events dataset, dated on or before `before`."""
    df = load(EVENTS)
    when = df["date"].fillna(pd.to_datetime(df["date_text"].str.slice(0, 7) + "-01", errors="coerce"))
    keep = (df["affected_origin"].fillna("").str.contains("Russia") & df["legal_instrument"].notna()
            & (when <= pd.Timestamp(before)))
    return df[keep].assign(when=when[keep]).sort_values("when").reset_index(drop=True)


# ---------------------------------------------------------------- allowed values of parameters


def estimates(params: dict) -> list[str]:
    """Allowed values of `estimate`: the total-value estimates the data hold."""
    return [fid for fid in ESTIMATES if row(fid)]


def occupied_dates(params: dict) -> list[str]:
    """Allowed values of `occupied_as_of`: the dates with a national occupied-share figure."""
    return list(national_occupied()["as_of"])


def reserves_editions(params: dict) -> list[int]:
    """Allowed values of `edition`: the complete USGS editions in which Russia has a reserves figure."""
    return reserves.editions({"country": "Russia"})


# ---------------------------------------------------------------- rules


def rate_share(share: float, threshold: float) -> str:
    """MUCH_RULE: a share against the threshold read as 'much'."""
    if share >= threshold:
        return v.ACCURATE
    if share >= threshold / 2:
        return v.MIXED
    return v.INACCURATE


def rate_regions(occupied: list[bool | None]) -> str:
    """OCCUPIED_RULE: one flag per named oblast (None: no figure located)."""
    known = [o for o in occupied if o is not None]
    if not known:
        return v.UNVERIFIABLE
    if len(known) == len(occupied) and all(known):
        return v.ACCURATE
    if len(known) == len(occupied) and not any(known):
        return v.INACCURATE
    return v.MIXED


def rate_repayment(debt_obligation: bool | None, past_aid_counted: bool | None, new_aid_counted: bool | None) -> str:
    """REPAY_RULE: does the agreement 'pay back' aid?"""
    if debt_obligation or past_aid_counted:
        return v.ACCURATE
    if debt_obligation is None:
        return v.UNVERIFIABLE
    return v.MOSTLY_INACCURATE if new_aid_counted else v.INACCURATE


def rate_pair(in_top: list[bool]) -> str:
    """PAIR_RULE: how many of the countries named rank within the top N."""
    if all(in_top):
        return v.ACCURATE
    return v.MIXED if any(in_top) else v.INACCURATE


def cap_scope(label: str, broader: bool | None) -> str:
    """SCOPE_RULE: a right number under a narrower description than the source's stays at or below mixed."""
    if broader and label in (v.ACCURATE, v.MOSTLY_ACCURATE):
        return v.MIXED
    return label


# ---------------------------------------------------------------- checks


def _tn(x: float) -> str:
    return f"${x:,.1f} trillion"


def _pct(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") + "%"


def check_value(claim: dict, estimate: str, tolerance_pct: float) -> v.Verdict:
    """UKR-01: the claimed value of Ukraine's (critical) mineral resources against the chosen estimate."""
    claimed = claim["asserted"]["value"] / 1e12
    r, scope = row(estimate), ESTIMATES[estimate]
    found = float(r["value"])
    label = v.rate_number(claimed, found, tolerance_pct, claim["asserted"].get("qualifier", "about"))
    label = v.cap_for_tier(cap_scope(label, scope["broader_than_critical"]), [r["source_tier"]])
    dev = v.deviation_pct(claimed, found)
    text = (f"{scope['short']} puts the value at {_tn(found)} ({scope['measure']}, {_prices(estimate)}; "
            f"{r['source_tier']} report), {dev:.0f}% from the claimed {_tn(claimed)}")
    parts = [row(s) for s in scope["composition"]]
    if parts and all(parts):
        bulk = sum(float(p["share_pct"]) for p in parts)
        text += (f", but it values all minerals: coal and iron ore alone are {bulk:.0f}% of it, leaving at most "
                 f"{100 - bulk:.0f}% (about {_tn(found * (100 - bulk) / 100)}) for every other mineral, "
                 f"critical minerals included.")
    elif scope["broader_than_critical"]:
        text += ", and it counts oil, gas and coal besides the critical minerals the claim names."
    else:
        text += "; which commodities it counts is not stated in the report located."
    return v.Verdict(claim["id"], label, text, claimed * 1e12, found * 1e12, SCOPE_RULE, [DATA],
                     evidence_tiers=[r["source_tier"]])


def check_region_share(claim: dict, estimate: str, tolerance_pct: float) -> v.Verdict:
    """UKR-02: the share of the value in Donetsk, Dnipropetrovsk and Luhansk, from the chosen estimate."""
    claimed = float(claim["asserted"]["value"])
    scope = ESTIMATES[estimate]
    r = row(scope["regional_share"]) if scope["regional_share"] else {}
    if not r:
        with_split = [ESTIMATES[e]["short"] for e in ESTIMATES if ESTIMATES[e]["regional_share"]]
        return v.Verdict(claim["id"], v.UNVERIFIABLE,
                         f"The chosen estimate ({scope['short']}) gives no regional breakdown; only "
                         f"{', '.join(with_split)} does.", claimed, None, SHARE_RULE, [DATA])
    found = float(r["share_pct"])
    bound = {">": "more than ", ">=": "at least ", "about": "about "}.get(r["value_qualifier"], "")
    label = v.cap_for_tier(v.rate_number(claimed, found, tolerance_pct, claim["asserted"].get("qualifier", "about")),
                           [r["source_tier"]])
    text = (f"{scope['short']} puts {bound}{found:.0f}% of its {_tn(float(row(estimate)['value']))} in the Donetsk, "
            f"Luhansk and Dnipropetrovsk oblasts, which the claimed 'approximately {claimed:.0f}%' matches at the "
            f"bound, though the record is only a {r['source_tier']} report of the estimate.")
    return v.Verdict(claim["id"], label, text, claimed, f"{bound}{found:g}%", SHARE_RULE, [DATA],
                     evidence_tiers=[r["source_tier"]])


def check_regions_occupied(claim: dict, as_of: str, threshold_pct: float) -> v.Verdict:
    """UKR-04: are the three named oblasts occupied (at least the threshold share held by Russia)?"""
    shares = oblast_shares(as_of)
    flags = [None if s is None or pd.isna(s) else s >= threshold_pct for s in shares["share_pct"]]
    label = rate_regions(flags)
    tiers = sorted(set(shares["tier"].dropna()))
    label = v.cap_for_tier(label, tiers)
    parts = [f"{r.region} {_pct(r.share_pct)} ({r.publisher.split(' via ')[0]}, {r.as_of}"
             f"{', the only figure located' if r.only_figure else ''})"
             if r.share_pct is not None and not pd.isna(r.share_pct) else f"{r.region}: no figure located"
             for r in shares.itertuples()]
    n_occ = sum(1 for f in flags if f)
    text = (f"In the figures nearest to {as_of}, Russia held {'; '.join(parts)}, so {n_occ} of the "
            f"{len(flags)} named oblasts are occupied at the {threshold_pct:g}% line, while 'heavily contested' "
            f"cannot be measured from the data, which hold no front-line record.")
    found = {r.region: (None if r.share_pct is None or pd.isna(r.share_pct) else r.share_pct)
             for r in shares.itertuples()}
    return v.Verdict(claim["id"], label, text, "occupied or heavily contested", found, OCCUPIED_RULE, [DATA],
                     evidence_tiers=tiers)


def check_much_under_control(claim: dict, much_pct: float) -> v.Verdict:
    """UKR-08: 'much' of Ukraine's rare-earth and critical-mineral wealth in the Russian-held east."""
    r = row(REE_UNDER_CONTROL)
    share = float(r["share_pct"])
    label = v.cap_for_tier(rate_share(share, much_pct), [r["source_tier"]])
    where = "at or above" if share >= much_pct else "below"
    text = (f"SecDev counted {share:g}% of Ukraine's rare-earth and other critical-mineral deposits under Russian "
            f"control as of {r['as_of']} ({r['source_tier']} copy of the report), {where} the {much_pct:g}% read "
            f"here as 'much'; it counts deposits rather than their value, and no later figure was located.")
    return v.Verdict(claim["id"], label, text, f"at least {much_pct:g}%", share, MUCH_RULE, [DATA],
                     evidence_tiers=[r["source_tier"]])


def check_annexed_reserves(claim: dict) -> v.Verdict:
    """UKR-09: the annexed territories 'also hold certain reserves' of rare earths."""
    r, deposits, usgs = row(REE_UNDER_CONTROL), row("ukraine_ree_deposits"), row("ukraine_not_in_usgs_ree_reserves")
    share = float(r["share_pct"]) if r else None
    confirmed = None if share is None else share > 0
    label = v.cap_for_tier(v.rate_event(confirmed, {"detail": None}), [r.get("source_tier", "")])
    text = (f"SecDev counted {share:g}% of Ukraine's rare-earth and other critical-mineral deposits under Russian "
            f"control ({r['as_of']}), and the deposits Ukraine lists include {deposits['value_text']}, but none has "
            f"a reserves figure in the USGS sense (the USGS rare-earth reserves table has no entry for Ukraine in "
            f"{usgs['as_of'].replace(', ', ' and ')}).")
    return v.Verdict(claim["id"], label, text, "some rare-earth reserves in annexed territory", share,
                     v.EVENT_RULE + " " + v.TIER_RULE, [DATA], evidence_tiers=[r["source_tier"], usgs["source_tier"]])


def _article_dates(claim: dict) -> tuple[dt.date, dt.date]:
    arts = articles()
    dates = [arts[a["article"]]["date"] for a in claim["appearances"]]
    return min(d["earliest"] for d in dates), max(d["latest"] for d in dates)


def check_just_signed(claim: dict, recent_days: int) -> v.Verdict:
    """UKR-05: Ukraine 'just signed' a minerals agreement with the US."""
    signed = signing_date()
    r = row(SIGNED)
    if signed is None:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, "No signing of a US-Ukraine agreement was located.",
                         None, None, v.EVENT_RULE, [DATA])
    earliest, latest = _article_dates(claim)
    confirmed = signed <= latest
    recent = (earliest - signed).days <= recent_days
    label = v.cap_for_tier(v.rate_event(confirmed, {"recent": recent}), [r["source_tier"]])
    text = (f"The United States-Ukraine Reconstruction Investment Fund agreement was signed on {signed:%d %B %Y} "
            f"({r['source_tier']} report of the official statement), {(earliest - signed).days} to "
            f"{(latest - signed).days} days before the article was written, "
            f"{'within' if recent else 'more than'} the {recent_days} days read here as 'just'.")
    return v.Verdict(claim["id"], label, text, "signed just before the article", signed.isoformat(),
                     v.EVENT_RULE + " " + v.TIER_RULE, [DATA], evidence_tiers=[r["source_tier"]])


def check_repayment(claim: dict) -> v.Verdict:
    """UKR-06: the agreement is meant to 'pay back' or 'offset' US military aid."""
    facts: dict[str, bool | None] = {"debt_obligation": None, "past_aid_counted": None, "new_aid_counted": None}
    tiers = []
    for fid, (fact, value) in REPAYMENT_TERMS.items():
        r = row(fid)
        if r:
            facts[fact] = value
            tiers.append(r["source_tier"])
    label = v.cap_for_tier(rate_repayment(**facts), tiers)
    contribution = row("us_ukraine_fund_us_contribution").get("value_text", "no aid")
    text = (f"The signed terms as the Ukrainian government published them (secondary copies) give Ukraine "
            f"{'no debt obligations' if facts['debt_obligation'] is False else 'an unknown debt position'} and count "
            f"{contribution} as the US capital contribution, while past aid is not among the terms located, so the "
            f"agreement links future aid to a joint fund rather than paying back the aid already given.")
    return v.Verdict(claim["id"], label, text, "repays or offsets US military aid", facts, REPAY_RULE, [DATA],
                     evidence_tiers=sorted(set(tiers)))


def check_offer_before_signing(claim: dict) -> v.Verdict:
    """UKR-07: Putin's offer came while the US was negotiating its minerals deal with Ukraine."""
    offer, signed = offer_event(), signing_date()
    if not offer or signed is None:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, "The data lack the date of the offer or of the signing.",
                         None, None, v.EVENT_RULE, [DATA, EVENTS])
    offered = offer["date"].date()
    confirmed = offered < signed
    label = v.cap_for_tier(v.rate_event(confirmed, {"detail": None}), [offer["source_tier"], row(SIGNED)["source_tier"]])
    text = (f"Putin's offer ({offered:%d %B %Y}, {offer['source_tier']} copy of Reuters) came "
            f"{(signed - offered).days} days before the US-Ukraine agreement was signed ({signed:%d %B %Y}), so the "
            f"deal was still unsigned, but the data hold no date for the start of the talks.")
    return v.Verdict(claim["id"], label, text, "offer during the US-Ukraine talks",
                     {"offer": offered.isoformat(), "signed": signed.isoformat()}, v.EVENT_RULE + " " + v.TIER_RULE,
                     [DATA, EVENTS], evidence_tiers=[offer["source_tier"], row(SIGNED)["source_tier"]])


def check_legal_hurdles(claim: dict) -> v.Verdict:
    """UKR-16: US firms would face major legal (sanctions) hurdles with Russian entities and in occupied territory."""
    measures = us_measures_against_russia(claim["as_of"])
    confirmed = True if len(measures) else None
    label = v.cap_for_tier(v.rate_event(confirmed, {"detail": None}), list(measures["source_tier"]))
    if measures.empty:
        text = "The data hold no US legal measure against Russia dated before the claim."
    else:
        tariff = measures[measures["tariff_rate_pct"].notna()]
        example = tariff.iloc[0] if len(tariff) else measures.iloc[0]
        n = measures["legal_instrument"].nunique()
        text = (f"The data record {n} US legal instrument{'s' if n > 1 else ''} against Russian metals dated before the claim, such as "
                f"the {example['tariff_rate_pct']:.0f}% tariff on Russian aluminium effective "
                f"{example['when']:%d %B %Y} ({example['legal_instrument']}), but no record of the sanctions on dealing "
                f"with Russian entities or on the occupied territories, which is what the claim is about.")
    return v.Verdict(claim["id"], label, text, "major legal hurdles", int(measures["legal_instrument"].nunique()),
                     v.EVENT_RULE + " " + v.TIER_RULE, [EVENTS], evidence_tiers=sorted(set(measures["source_tier"])))


def check_vast_pair(claim: dict, edition: int, top_n: int) -> v.Verdict:
    """UKR-15: 'both Russia and Ukraine are rich with vast deposits', read from the USGS reserves table."""
    table = reserves.ranking(edition)
    ranks = {c: reserves.ranks_by_edition(c)[edition] for c in ("Russia", "Ukraine")}
    in_top = [r is not None and r <= top_n for r in ranks.values()]
    label = rate_pair(in_top)
    smallest = table.iloc[-1]
    russia = reserves.figure("Russia", edition)

    def where(country):
        r = ranks[country]
        return f"ranks {reserves._ordinal(r)}" if r else f"is not among the {len(table)} countries listed"

    text = (f"In USGS MCS {edition} Russia {where('Russia')} with {russia['reserves_t'] / 1e6:,.1f} million t REO "
            f"({'within' if in_top[0] else 'outside'} the top {top_n}), while Ukraine {where('Ukraine')}, a list that "
            f"goes down to {smallest['country']} with {smallest['reserves_t']:,.0f} t, so the record supports "
            f"'vast' for {'both' if all(in_top) else 'Russia only' if in_top[0] else 'neither'}.")
    return v.Verdict(claim["id"], label, text, f"both within the top {top_n}", ranks, PAIR_RULE, [RESERVES, DATA],
                     evidence_tiers=["primary"])


def reserves_cross_reference(edition: int) -> v.Verdict:
    """The reserves chapter's verdict on RES-04 (Russia's resources 'significantly' larger than Ukraine's),
    computed with that chapter's function and its default threshold, for the edition chosen here."""
    from .claims import claim
    from .notebooks import find
    from .params import notebook_parameters

    ratio = notebook_parameters(find("reserves"))["significant_ratio"].default
    return reserves.check_larger_than(claim("RES-04"), "Russia", "Ukraine", edition, ratio)


def check_offer_covers_occupied(claim: dict) -> v.Verdict:
    """UKR-03: the offer extends to the occupied territories. Searched: the offer's record in the events data."""
    offer = offer_event()
    text = " ".join(str(offer.get(k, "")) for k in ("event", "detail", "note")).lower()
    confirmed = True if any(w in text for w in ("occupied", "new territories", "annexed")) else None
    label = v.cap_for_tier(v.rate_event(confirmed), [offer.get("source_tier", "")])
    if confirmed:
        conclusion = f"The record of the offer ({offer['citation']}) mentions the occupied territories."
    else:
        conclusion = (f"The only record of the offer in the data ({str(offer.get('citation', 'none')).split(';')[0]}, "
                      f"{offer.get('source_tier', 'no')} tier) covers aluminium, Krasnoyarsk and rare earths but not the "
                      f"occupied territories, and no transcript of Putin's remarks was located.")
    return v.Verdict(claim["id"], label, conclusion, claim["statement"], None, v.EVENT_RULE, [EVENTS],
                     evidence_tiers=[offer["source_tier"]] if confirmed else [])


def check_remarks_after_meeting(claim: dict) -> v.Verdict:
    """UKR-13: Putin's remarks came after the tense White House meeting. Needs both dates; the data hold only
    the first."""
    offer = offer_event()
    offered = offer["date"].date() if offer else None
    conclusion = (f"The data date Putin's remarks to {offered:%d %B %Y} ({offer['source_tier']} copy of Reuters) but "
                  f"hold no record of the White House meeting, so which came first cannot be checked from them."
                  if offered else "The data hold neither the date of the remarks nor that of the meeting.")
    return v.Verdict(claim["id"], v.rate_event(None), conclusion, claim["statement"],
                     {"remarks": offered.isoformat() if offered else None, "meeting": None}, v.EVENT_RULE, [EVENTS])


def check_not_in_record(claim: dict, searched: str, datasets: list[str]) -> v.Verdict:
    """An event or attribution no record in the dossier reaches: unverifiable, saying what was searched."""
    label = v.rate_event(None)
    return v.Verdict(claim["id"], label, searched, claim["statement"], None, v.EVENT_RULE, datasets)


def check_opinion(claim: dict, reason: str) -> v.Verdict:
    """An opinion or prediction: not rated, with the reason and what evidence would settle it."""
    if claim["kind"] not in ("opinion", "prediction"):
        raise v.VerdictError(f"{claim['id']} is a {claim['kind']} claim, not an opinion or prediction.")
    return v.not_rated(claim, reason)
