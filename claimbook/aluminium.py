"""Aluminium: Russia's 2025 offer to the US, the 2023 tariff, and Russia's place in US supply.

Three kinds of record meet here, and the chapter keeps them apart:

- USGS statistics by edition (world smelter output; US production, imports, apparent consumption). Editions
  revise figures and MCS 2026 defines US apparent consumption differently from MCS 2023/2024, so a figure is
  always taken from one named edition and never spliced across editions.
- Published shares of Russia in US imports, each with its own denominator (unwrought aluminium and alloys,
  all aluminium imports, ...). They are shown as published; a share of the US *market* (apparent
  consumption) is never published and is derived here from a Russian quantity and one edition's consumption.
- Dated statements and legal acts (Putin's offer, Proclamation 10522, other measures), whose checks ask
  whether the record holds the statement or act, in the year and at the figure claimed.

The rules are pure functions of numbers and flags (`rate_*`), tested on small synthetic inputs; the
`check_*` functions select the data and write the one-sentence conclusion.
"""

from __future__ import annotations

import re

import pandas as pd

from . import verdicts as v
from .data import load

SMELTER = "aluminium_smelter_production"
SALIENT = "aluminium_us_salient"
IMPORTS = "aluminium_us_imports_from_russia"
EVENTS = "aluminium_policy_events"
OFFER = "aluminium_offer_statements"

TARIFF_YEAR = 2023  # the year Proclamation 10522 took effect: shares before it are "before the tariffs"

STATEMENT_RULE = ("A reported figure is checked against the figure the record attaches to the same thing "
                  "(NUMBER_RULE). A figure the record attaches only to something else is mostly inaccurate: "
                  "the number is real, the thing it measures is not. Nothing in the record: unverifiable.")
SHARE_RULE = ("The claimed share is compared (NUMBER_RULE) with Russia's share of the whole the claim names "
              "in the reference year before the tariffs. If it misses there but matches the same whole in "
              "another year before the tariffs, it is mixed; if it matches only a share of a different whole "
              "(imports instead of the market), it is mostly inaccurate.")
EVENT_RULE = ("An event or statement is accurate when the record holds it in the year claimed (and at the "
              "figure claimed, NUMBER_RULE, where there is one); held in another year, mostly inaccurate; "
              "not in the record, unverifiable.")
IN_FORCE_RULE = ("Measures said to be in place at a date: accurate when the record holds each kind named "
                 "(tariffs; sanctions or import bans) taking effect before that date and records no lifting; "
                 "only one kind, mixed; none, unverifiable.")
DECLINE_RULE = ("'Reduced' is checked by the quantity imported from Russia, same products, in the last year "
                "before the measure against the first year under it: a fall to at most 1/ratio of the "
                "earlier quantity is accurate, a smaller fall mostly accurate, within 5% mixed, a rise "
                "inaccurate. The record shows timing, not cause.")
PLANT_RULE = ("A rank among smelters or producers needs figures by plant or company; without them in the "
              "record the claim is unverifiable.")

SHARE_OF = {"apparent_consumption": "US apparent consumption (the US market)",
            "imports": "US aluminium imports"}
ATTACHED = {"us_market_supply": "aluminium sold into the US market",
            "krasnoyarsk_project": "the proposed Krasnoyarsk project",
            "us_imports_before_2023": "Russia's past share of US imports",
            "price_effect": "the effect on prices"}


# --- data selection ----------------------------------------------------------------------------------

def _salient(metric: str) -> pd.DataFrame:
    df = load(SALIENT)
    return df[(df["metric"] == metric) & df["edition"].notna() & df["year"].notna()]


def salient_value(metric: str, year: int, edition: int) -> dict:
    """One US statistic for one year from one MCS edition, as a dict (empty when the edition lacks it)."""
    df = _salient(metric)
    row = df[(df["year"] == year) & (df["edition"] == edition)]
    if row.empty:
        return {}
    r = row.iloc[0]
    return {"value_kt": float(r["value"]), "edition": int(r["edition"]), "estimated": bool(r["estimated"]),
            "tier": r["source_tier"]}


def salient_series(metric: str) -> pd.DataFrame:
    """A US statistic in every edition located: one row per (edition, year), never joined across editions."""
    df = _salient(metric)[["edition", "year", "value", "estimated", "source_tier"]].copy()
    df["edition"] = df["edition"].astype(int)
    df["year"] = df["year"].astype(int)
    return df.sort_values(["edition", "year"]).reset_index(drop=True)


def _smelter() -> pd.DataFrame:
    df = load(SMELTER)
    return df[df["table_complete"] & df["edition"].notna()]


def smelter_value(country: str, year: int, edition: int | None = None) -> dict:
    """A country's (or 'World') primary aluminium output for a year: from `edition` when it reports the year,
    otherwise from the latest complete edition that does (the edition used is returned)."""
    df = _smelter()
    df = df[(df["country"] == country) & (df["year"] == year)]
    if df.empty:
        return {}
    same = df[df["edition"] == edition]
    r = (same if len(same) else df.sort_values("edition")).iloc[-1]
    return {"value_kt": float(r["primary_aluminium_kt"]), "edition": int(r["edition"]),
            "estimated": bool(r["estimated"]), "tier": r["source_tier"],
            "capacity_kt": None if pd.isna(r["capacity_kt"]) else float(r["capacity_kt"])}


# --- allowed values of the parameters ---------------------------------------------------------------

def years(params: dict) -> list[int]:
    """Allowed `year`: years with Russian and world output in a complete USGS table and US apparent
    consumption in some edition."""
    sm = _smelter()
    have = set(sm.loc[sm["country"] == "Russia", "year"]) & set(sm.loc[sm["country"] == "World", "year"])
    cons = set(_salient("apparent_consumption")["year"])
    return sorted(int(y) for y in have & cons)


def editions(params: dict) -> list[int]:
    """Allowed `edition`: MCS editions whose US salient statistics cover the chosen `year`."""
    year = params.get("year", 2024)
    df = _salient("apparent_consumption")
    return sorted(int(e) for e in df.loc[df["year"] == year, "edition"].unique())


def pre_tariff_years(params: dict) -> list[int]:
    """Allowed `pre_tariff_year`: years before the 2023 tariff for which Russia's share of the chosen whole
    can be given (a published import share, or a Russian quantity and an apparent consumption)."""
    if params.get("share_of", "apparent_consumption") == "imports":
        ys = import_shares()["year"]
    else:
        ys = consumption_shares()["year"]
    return sorted(int(y) for y in set(ys) if y < TARIFF_YEAR)


# --- Russia in US supply -------------------------------------------------------------------------------

def _annual_imports() -> pd.DataFrame:
    df = load(IMPORTS)
    return df[df["period"] == df["year"].astype(str)]


def russian_quantities() -> pd.DataFrame:
    """US imports from Russia per year, tonnes, with the widest product scope the record gives: a row for
    all aluminium products when there is one, otherwise the sum of one publisher's rows for that year
    (e.g. crude and alloys plus semi-manufactures), preferring the better tier."""
    df = _annual_imports()
    df = df[df["quantity_t"].notna()]
    out = []
    rank = {"primary": 0, "secondary": 1, "weak": 2}
    for year, g in df.groupby("year"):
        whole = g[g["product_scope"].str.startswith("all")]
        if len(whole):
            r = whole.iloc[0]
            out.append((int(year), float(r["quantity_t"]), r["product_scope"], r["publisher"], r["source_tier"],
                        [r["figure_id"]]))
            continue
        best = min(g.groupby("publisher"), key=lambda kv: (min(rank[t] for t in kv[1]["source_tier"]),
                                                           -kv[1]["quantity_t"].sum()))
        pub, rows = best
        scope = " + ".join(rows["product_scope"])
        tier = max(rows["source_tier"], key=lambda t: rank[t])
        out.append((int(year), float(rows["quantity_t"].sum()), scope, pub, tier, list(rows["figure_id"])))
    return pd.DataFrame(out, columns=["year", "quantity_t", "product_scope", "publisher", "source_tier",
                                      "figure_ids"])


def consumption_shares() -> pd.DataFrame:
    """Russia's share of US apparent consumption, derived for every year with a Russian quantity and every
    edition that gives that year's consumption (one row per year and edition: never spliced)."""
    q = russian_quantities()
    cons = salient_series("apparent_consumption")
    df = q.merge(cons.rename(columns={"value": "consumption_kt", "source_tier": "consumption_tier"}), on="year")
    df["share_pct"] = df["quantity_t"] / (df["consumption_kt"] * 1000) * 100
    return df.sort_values(["year", "edition"]).reset_index(drop=True)


def import_shares() -> pd.DataFrame:
    """Russia's share of US imports as published, each with its denominator; plus shares derived from a
    published Russian quantity and a published total of the same scope (marked derived)."""
    df = load(IMPORTS)
    pub = df[df["russia_share_pct"].notna()].copy()
    pub["derived"] = False
    der = df[df["russia_share_pct"].isna() & df["quantity_t"].notna() & df["denominator_t"].notna()].copy()
    der["russia_share_pct"] = der["quantity_t"] / der["denominator_t"] * 100
    der["derived"] = True
    out = pd.concat([pub, der])
    out["year"] = out["year"].astype(int)
    return out[["figure_id", "period", "year", "russia_share_pct", "share_qualifier", "denominator",
                "product_scope", "publisher", "source_tier", "derived"]].sort_values(["year", "figure_id"]) \
        .reset_index(drop=True)


def offer_in_proportion(offer_t: float, year: int, edition: int) -> pd.DataFrame:
    """The offered tonnage as a share of five wholes in `year`: Russia's and the world's primary output
    (USGS world table), US apparent consumption, US imports and US primary production (US salient
    statistics of `edition`). Each row names the edition it comes from."""
    rows = []
    for label, rec in [
        ("Russia's primary aluminium output", smelter_value("Russia", year, edition)),
        ("world primary aluminium output", smelter_value("World", year, edition)),
        ("US apparent consumption", salient_value("apparent_consumption", year, edition)),
        ("US imports (crude and semi-manufactures)", salient_value("imports_crude_and_semis", year, edition)),
        ("US primary aluminium production", salient_value("primary_production", year, edition)),
    ]:
        if rec:
            rows.append({"whole": label, "value_kt": rec["value_kt"], "edition": rec["edition"],
                         "estimated": rec["estimated"], "tier": rec["tier"],
                         "share_pct": offer_t / (rec["value_kt"] * 1000) * 100})
    return pd.DataFrame(rows)


def events() -> pd.DataFrame:
    return load(EVENTS)


def statements() -> pd.DataFrame:
    return load(OFFER)


# --- the rules (pure) --------------------------------------------------------------------------------

def rate_statement_figure(claimed: float, same_thing: list[float], other_things: list[float],
                          tolerance_pct: float) -> str:
    """STATEMENT_RULE: the closest figure attached to the same thing decides; else a matching figure
    attached to something else makes it mostly inaccurate; else unverifiable."""
    if same_thing:
        best = min(same_thing, key=lambda x: v.deviation_pct(claimed, x))
        return v.rate_number(claimed, best, tolerance_pct, "about")
    if any(v.deviation_pct(claimed, x) <= tolerance_pct for x in other_things):
        return v.MOSTLY_INACCURATE
    return v.UNVERIFIABLE


def rate_share(claimed: float, found: float | None, tolerance_pct: float, same_whole_other_years: list[float],
               other_whole: list[float], qualifier: str = "about") -> str:
    """SHARE_RULE."""
    def near(x):
        return v.deviation_pct(claimed, x) <= tolerance_pct
    if found is None:
        return v.UNVERIFIABLE
    label = v.rate_number(claimed, found, tolerance_pct, qualifier)
    if label in (v.ACCURATE, v.MOSTLY_ACCURATE):
        return label
    if any(near(x) for x in same_whole_other_years):
        return v.MIXED
    if any(near(x) for x in other_whole):
        return v.MOSTLY_INACCURATE
    return label


def rate_event(in_claimed_year: bool, in_other_year: bool, number_label: str | None = None) -> str:
    """EVENT_RULE (before the tier cap)."""
    if in_claimed_year:
        return number_label or v.ACCURATE
    if in_other_year:
        return v.MOSTLY_INACCURATE
    return v.UNVERIFIABLE


def rate_in_force(kinds_claimed: set[str], kinds_found: set[str], lifted: bool) -> str:
    """IN_FORCE_RULE."""
    held = kinds_claimed & kinds_found
    if lifted or not held:
        return v.UNVERIFIABLE if not held else v.MIXED
    return v.ACCURATE if held == kinds_claimed else v.MIXED


# --- checks ------------------------------------------------------------------------------------------

def _mt(t: float) -> str:
    return f"{t / 1e6:,.1f} million t"


def _usd(x: float) -> str:
    return f"${x / 1e9:,.0f} billion"


def _fmt(value: float, unit: str) -> str:
    return {"t/yr": lambda x: _mt(x) + " a year", "USD": _usd, "%": lambda x: f"{x:g}%"}[unit](value)


def _capped_note(label: str, capped: str) -> str:
    return (" It rests on one news report (secondary), so it is rated at most mostly accurate."
            if capped != label else "")


def check_statement_figure(claim: dict, attached_to: str, tolerance_pct: float) -> v.Verdict:
    """A figure attributed to the offer, checked against what the record attaches figures of that unit to."""
    claimed = float(claim["asserted"]["value"])
    unit = claim["asserted"]["unit"]
    df = statements()
    df = df[(df["unit"] == unit) & df["value"].notna()]
    same = df[df["attached_to"] == attached_to]
    other = df[df["attached_to"] != attached_to]
    label = rate_statement_figure(claimed, list(same["value"]), list(other["value"]), tolerance_pct)
    used = same if len(same) else other[[v.deviation_pct(claimed, x) <= tolerance_pct for x in other["value"]]]
    tiers = sorted(set(used["source_tier"]))
    capped = v.cap_for_tier(label, tiers) if tiers else label
    if len(same):
        r = same.iloc[0]
        text = (f"The {r['reported_by']} report of {r['date']:%d %b %Y} gives {r['speaker']}'s figure as "
                f"{(r['qualifier'] + ' ') if isinstance(r['qualifier'], str) else ''}{_fmt(r['value'], unit)} "
                f"for {r['subject']}, against the claimed {_fmt(claimed, unit)}.")
        found = float(r["value"])
    else:
        target = ATTACHED[attached_to]
        own = statements()
        own = own[(own["attached_to"] == attached_to) & own["value"].notna()]
        own_text = ("; the record's only figure for " + target + " is "
                    + ", ".join(f"{_fmt(x, u)} ({s})" for x, u, s in zip(own["value"], own["unit"], own["subject"]))
                    if len(own) else "")
        if len(used):
            r = used.iloc[0]
            text = (f"The record attaches {_fmt(r['value'], unit)} to {ATTACHED[r['attached_to']]} and gives no "
                    f"tonnage for {target}{own_text}.")
        else:
            text = f"The record holds no figure in {unit} for {target}{own_text}."
        found = None
    return v.Verdict(claim["id"], capped, text + _capped_note(label, capped), claimed, found,
                     STATEMENT_RULE + " " + v.TIER_RULE, [OFFER], evidence_tiers=tiers)


def share_found(pre_tariff_year: int, share_of: str, edition: int) -> dict:
    """Russia's share of the chosen whole in the chosen year: for apparent consumption, derived with the
    chosen edition when it covers the year, else the latest edition that does; for imports, the published
    share of the best tier (the largest among equals)."""
    if share_of == "apparent_consumption":
        df = consumption_shares()
        df = df[df["year"] == pre_tariff_year]
        if df.empty:
            return {}
        same = df[df["edition"] == edition]
        r = (same if len(same) else df).iloc[-1]
        tiers = sorted({r["source_tier"], r["consumption_tier"]})
        return {"share_pct": float(r["share_pct"]), "year": int(r["year"]), "edition": int(r["edition"]),
                "tiers": tiers, "quantity_t": float(r["quantity_t"]), "scope": r["product_scope"],
                "whole_kt": float(r["consumption_kt"]),
                "what": f"{r['product_scope']} from Russia as a share of US apparent consumption (MCS {int(r['edition'])})"}
    df = import_shares()
    df = df[(df["year"] == pre_tariff_year) & ~df["derived"]]
    if df.empty:
        return {}
    rank = {"primary": 0, "secondary": 1, "weak": 2}
    r = df.assign(t=df["source_tier"].map(rank)).sort_values(["t", "russia_share_pct"], ascending=[True, False]).iloc[0]
    return {"share_pct": float(r["russia_share_pct"]), "year": int(r["year"]), "edition": None,
            "tiers": [r["source_tier"]], "scope": r["product_scope"],
            "what": f"Russia's share of {r['denominator']} ({r['publisher']})"}


def check_market_share(claim: dict, pre_tariff_year: int, share_of: str, edition: int,
                       tolerance_pct: float) -> v.Verdict:
    """'Russia supplied about X% of the US market before the 2023 tariffs' (SHARE_RULE, TIER_RULE)."""
    claimed = float(claim["asserted"]["value"])
    found = share_found(pre_tariff_year, share_of, edition)
    if not found:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"The data give no share of {SHARE_OF[share_of]} for "
                         f"{pre_tariff_year}.", claimed, None, SHARE_RULE, [IMPORTS, SALIENT])
    imp = import_shares()
    imp = imp[(imp["year"] < TARIFF_YEAR) & ~imp["derived"]]
    cons = consumption_shares()
    cons = cons[cons["year"] < TARIFF_YEAR]
    if share_of == "apparent_consumption":
        same_other = list(cons.loc[cons["year"] != pre_tariff_year, "share_pct"])
        other_whole = list(imp["russia_share_pct"])
    else:
        same_other = list(imp.loc[imp["year"] != pre_tariff_year, "russia_share_pct"])
        other_whole = list(cons["share_pct"])
    label = rate_share(claimed, found["share_pct"], tolerance_pct, same_other, other_whole,
                       claim["asserted"].get("qualifier", "about"))
    capped = v.cap_for_tier(label, found["tiers"])
    near_imp = imp[[v.deviation_pct(claimed, x) <= tolerance_pct for x in imp["russia_share_pct"]]]
    text = (f"In {found['year']} (the reference year before the {TARIFF_YEAR} tariffs) {found['what']} was "
            f"{found['share_pct']:.1f}%, against the claimed {claimed:g}%")
    if label == v.MIXED:
        near_same = imp if share_of == "imports" else cons
        col = "russia_share_pct" if share_of == "imports" else "share_pct"
        held = sorted({int(y) for y, x in zip(near_same["year"], near_same[col])
                       if v.deviation_pct(claimed, x) <= tolerance_pct})
        text += f"; a share of the same whole near {claimed:g}% is recorded for {', '.join(map(str, held))}."
    elif share_of == "apparent_consumption" and len(near_imp):
        r = near_imp.iloc[0]
        text += (f"; the {claimed:g}% matches instead Russia's {r['russia_share_pct']:g}% of "
                 f"{r['denominator']} in {int(r['year'])} ({r['publisher']}), a share of imports, not of the market.")
    else:
        text += "."
    if capped != label:
        text += " The Russian figures come from secondary or weaker reports, so the label is capped."
    datasets = [IMPORTS, SALIENT] if share_of == "apparent_consumption" else [IMPORTS]
    return v.Verdict(claim["id"], capped, text, claimed, round(found["share_pct"], 2),
                     SHARE_RULE + " " + v.TIER_RULE, datasets, evidence_tiers=found["tiers"])


def claimed_year(claim: dict) -> int | None:
    """The calendar year a claim's statement names ('In 2023 the US ...'), if it names one."""
    m = re.search(r"\b(19|20)\d\d\b", claim["statement"])
    return int(m.group(0)) if m else None


def _event_year(row) -> int:
    d = row["effective_date"] if pd.notna(row["effective_date"]) else row["date"]
    if pd.notna(d):
        return int(d.year)
    return int(str(row["date_text"])[:4])


def tariff_events(origin: str = "Russia") -> pd.DataFrame:
    """Tariff measures with a rate that cover the given origin, with the year each took effect."""
    df = events()
    df = df[df["tariff_rate_pct"].notna() & df["affected_origin"].fillna("").str.contains(origin)].copy()
    df["year"] = [_event_year(r) for _, r in df.iterrows()]
    return df.sort_values("effective_date").reset_index(drop=True)


def check_tariff(claim: dict, tolerance_pct: float) -> v.Verdict:
    """'In YEAR the US imposed an X% tariff on Russian aluminium' (EVENT_RULE with NUMBER_RULE, TIER_RULE)."""
    claimed = float(claim["asserted"]["value"])
    year = claimed_year(claim)
    df = tariff_events()
    in_year = df[df["year"] == year]
    label_num = None
    if len(in_year):
        best = min(in_year["tariff_rate_pct"], key=lambda x: v.deviation_pct(claimed, x))
        label_num = v.rate_number(claimed, best, tolerance_pct, claim["asserted"].get("qualifier", "about"))
    label = rate_event(len(in_year) > 0, len(df) > 0, label_num)
    used = in_year if len(in_year) else df
    tiers = sorted(set(used["source_tier"]))
    capped = v.cap_for_tier(label, tiers)
    if len(in_year):
        r = in_year.iloc[0]
        signed = events().set_index("event_id").loc["proclamation_10522_signed"] \
            if "proclamation_10522_signed" in set(events()["event_id"]) else None
        inst = r["legal_instrument"]
        text = (f"{inst} ({r['fr_citation']}, FR Doc. {r['fr_document_number']}"
                + (f", signed {signed['date']:%d %b %Y}" if signed is not None else "")
                + f") set {r['tariff_rate_pct']:g}% ad valorem on aluminium from Russia from "
                + " and ".join(f"{row['effective_date']:%d %b %Y} ({_paren(row['event'])})"
                               for _, row in in_year.iterrows() if pd.notna(row["effective_date"]))
                + f", against the claimed {claimed:g}% in {year}.")
        if capped != label:
            text += (" The rate and effective dates are read from law-firm summaries of the proclamation "
                     "(secondary), so the label is capped at mostly accurate.")
        found = float(best)
    else:
        text = f"The record holds no tariff on Russian aluminium taking effect in {year}."
        found = None
    return v.Verdict(claim["id"], capped, text, claimed, found, EVENT_RULE + " " + v.TIER_RULE, [EVENTS],
                     evidence_tiers=tiers)


def _paren(text: str) -> str:
    m = re.search(r"\(([^)]*)\)", text)
    return m.group(1) if m else text


def check_event(claim: dict, event_id: str) -> v.Verdict:
    """A dated measure ('in 2023 the US also raised duties on ...') against the events record (EVENT_RULE)."""
    year = claimed_year(claim)
    df = events()
    row = df[df["event_id"] == event_id]
    if row.empty:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"The events record holds no '{event_id}'.", year, None,
                         EVENT_RULE, [EVENTS])
    r = row.iloc[0]
    ey = _event_year(r)
    label = rate_event(ey == year, ey != year)
    capped = v.cap_for_tier(label, [r["source_tier"]])
    text = (f"The record dates '{r['event']}' to {r['date_text']} ({r['citation']}; {r['source_tier']}), "
            f"{'the' if ey == year else 'not the'} year claimed")
    missing = "; its rate and Federal Register citation are not in the dossier" if pd.isna(r["tariff_rate_pct"]) else ""
    text += missing + "."
    if capped != label:
        text += " Only a secondary summary records it, so the label is capped at mostly accurate."
    return v.Verdict(claim["id"], capped, text, year, ey, EVENT_RULE + " " + v.TIER_RULE, [EVENTS],
                     evidence_tiers=[r["source_tier"]])


def measure_kind(row) -> set[str]:
    """'tariff' for a measure with a rate or named a tariff/duty; 'sanction' for a ban or sanction."""
    text = f"{row['event']} {row['detail']}".lower()
    kinds = set()
    if pd.notna(row["tariff_rate_pct"]) or "tariff" in text or "dut" in text:
        kinds.add("tariff")
    if "ban" in text or "sanction" in text:
        kinds.add("sanction")
    return kinds


def check_in_force(claim: dict) -> v.Verdict:
    """'The US has sanctions and tariffs in place on Russian metals' at the claim's date (IN_FORCE_RULE)."""
    as_of = pd.Timestamp(claim["as_of"])
    df = events()
    df = df[df["affected_origin"].fillna("").str.contains("Russia")].copy()
    df["start"] = [r["effective_date"] if pd.notna(r["effective_date"]) else
                   (r["date"] if pd.notna(r["date"]) else pd.Timestamp(str(r["date_text"]) + "-01"))
                   for _, r in df.iterrows()]
    df = df[df["start"] <= as_of]
    df["kinds"] = [measure_kind(r) for _, r in df.iterrows()]
    lifted = df["event"].str.lower().str.contains("lift|revok|terminat").any()
    found = set().union(*df["kinds"]) if len(df) else set()
    label = rate_in_force({"tariff", "sanction"}, found, bool(lifted))
    tiers_by_kind = {k: sorted(set(df.loc[[k in s for s in df["kinds"]], "source_tier"])) for k in found}
    # the cap looks at the best evidence for each kind: a kind known only from secondary reports caps it
    capped = label
    for ts in tiers_by_kind.values():
        capped = v.cap_for_tier(capped, ts)
    parts = []
    for k in ("tariff", "sanction"):
        rows = df[[k in s for s in df["kinds"]]]
        if len(rows):
            parts.append(f"{k}s: " + ", ".join(f"{r['event']} ({r['date_text']}, {r['source_tier']})"
                                                for _, r in rows.iterrows()))
    text = (f"Before {as_of:%d %b %Y} the record holds " + ("; ".join(parts) if parts else "no measure")
            + ", and no lifting of them" + ("" if not lifted else " (but a lifting is recorded)") + ".")
    if capped != label:
        text += (" The sanction (an import ban) is known only from a weak report and the tariff rates from "
                 "secondary summaries, so the label is capped.")
    tiers = sorted({t for ts in tiers_by_kind.values() for t in ts})
    return v.Verdict(claim["id"], capped, text, "tariffs and sanctions", sorted(found),
                     IN_FORCE_RULE + " " + v.TIER_RULE, [EVENTS], evidence_tiers=tiers)


def like_for_like_decline() -> dict:
    """The first year under the tariff with an annual Russian quantity, and the last year before it with a
    quantity of the same product scope."""
    df = _annual_imports()
    df = df[df["quantity_t"].notna()]
    after = df[df["year"] >= TARIFF_YEAR].sort_values("year")
    for _, a in after.iterrows():
        before = df[(df["year"] < TARIFF_YEAR) & (df["product_scope"].str.split().str[0] ==
                                                   a["product_scope"].split()[0])].sort_values("year")
        if len(before):
            b = before.iloc[-1]
            return {"before": b, "after": a}
    return {}


def check_decline(claim: dict, ratio: float) -> v.Verdict:
    """'The 2023 tariffs reduced Russia's presence in the US market' (DECLINE_RULE, TIER_RULE)."""
    pair = like_for_like_decline()
    if not pair:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, "The data hold no like-for-like Russian quantity before "
                         "and after the tariff.", "a fall", None, DECLINE_RULE, [IMPORTS])
    b, a = pair["before"], pair["after"]
    label = v.rate_comparison(float(b["quantity_t"]), float(a["quantity_t"]), ratio)
    tiers = sorted({b["source_tier"], a["source_tier"]})
    capped = v.cap_for_tier(label, tiers)
    text = (f"US imports of {a['product_scope']} from Russia fell from {b['quantity_t']:,.0f} t in "
            f"{int(b['year'])} ({b['publisher']}, {b['source_tier']}) to {a['quantity_t']:,.0f} t in "
            f"{int(a['year'])} ({a['publisher']}, {a['source_tier']}), {b['quantity_t'] / a['quantity_t']:,.0f} times "
            f"less, in the year the tariff took effect; the record shows the timing, not the cause.")
    if capped != label:
        text += " The quantities come from secondary and weak reports, so the label is capped."
    return v.Verdict(claim["id"], capped, text, "a fall", {"before_t": float(b["quantity_t"]),
                                                           "after_t": float(a["quantity_t"])},
                     DECLINE_RULE + " " + v.TIER_RULE, [IMPORTS], evidence_tiers=tiers)


def check_plant_rank(claim: dict) -> v.Verdict:
    """'Krasnoyarsk is home to Russia's largest producer / some of its largest smelters' (PLANT_RULE)."""
    sm = load(SMELTER)
    below_country = sm[~sm["entity"].isin(["country", "world", "other"])]
    if below_country.empty:
        text = ("The USGS tables in the data give Russia's output only as national totals (none by smelter "
                "or company), and the "
                "capacity of the Krasnoyarsk smelter was not located, so no ranking of Russian smelters or "
                "producers can be made from the record.")
        return v.Verdict(claim["id"], v.UNVERIFIABLE, text, claim["asserted"].get("value", "among the largest"),
                         None, PLANT_RULE, [SMELTER, EVENTS])
    raise NotImplementedError("plant-level rows appeared in the data; rank them here")  # pragma: no cover


def check_statement(claim: dict, statement_id: str, context: str = "") -> v.Verdict:
    """An attributed statement without a figure: does the record hold it, said on the claimed date?"""
    df = statements()
    row = df[df["statement_id"] == statement_id]
    as_of = pd.Timestamp(claim["as_of"])
    if row.empty:
        return v.Verdict(claim["id"], v.UNVERIFIABLE, f"The record holds no statement '{statement_id}'.",
                         claim["statement"], None, EVENT_RULE, [OFFER])
    r = row.iloc[0]
    label = rate_event(r["date"].year == as_of.year, r["date"].year != as_of.year)
    capped = v.cap_for_tier(label, [r["source_tier"]])
    text = (f"The {r['reported_by']} report of {r['date']:%d %b %Y} records {r['speaker']}'s remarks on "
            f"{r['subject']}{context}." + _capped_note(label, capped))
    return v.Verdict(claim["id"], capped, text, claim["statement"], r["subject"],
                     EVENT_RULE + " " + v.TIER_RULE, [OFFER], evidence_tiers=[r["source_tier"]])


def not_rated(claim: dict, why: str, settle: str, datasets: list[str]) -> v.Verdict:
    """A prediction or opinion: not rated, with the proportions that bear on it and what would settle it."""
    return v.not_rated(claim, f"Not rated: {why}; {settle}.", datasets)


def import_source_share(country: str, edition: int = 2026) -> dict:
    """A country's share of US imports over the span the edition gives (MCS 2026: 2021-2024)."""
    df = load(SALIENT)
    metric = "import_sources_share_" + country.lower().replace(" ", "_")
    row = df[(df["metric"] == metric) & (df["edition"] == edition)]
    if row.empty:
        return {}
    return {"share_pct": float(row["value"].iloc[0]), "period": row["period"].iloc[0], "edition": edition}


def check_producer_prediction(claim: dict, offer_t: float, year: int, edition: int) -> v.Verdict:
    """'Russian supply would stabilise prices but crush domestic US producers': not rated (a prediction)."""
    prop = offer_in_proportion(offer_t, year, edition).set_index("whole")
    canada = import_source_share("Canada")
    prod = prop.loc["US primary aluminium production"]
    cons = prop.loc["US apparent consumption"]
    world = prop.loc["world primary aluminium output"]
    why = (f"a prediction; {_mt(offer_t)} a year is {prod['share_pct'] / 100:.1f} times US primary production and "
           f"{cons['share_pct']:.0f}% of US apparent consumption in {year} (MCS {int(prod['edition'])}) but "
           f"{world['share_pct']:.1f}% of world output, so it is large against the US market and small against world supply")
    settle = ("whether it would displace domestic output or other imports"
              + (f" (Canada supplied {canada['share_pct']:g}% of US imports in {canada['period']})" if canada else "")
              + " could be settled only by a market model with the tariff regime assumed, or by US smelter "
              "output and the US price premium after Russian supply actually resumed")
    return not_rated(claim, why, settle, [SALIENT, SMELTER])


def check_reshape_prediction(claim: dict, offer_t: float, year: int, edition: int) -> v.Verdict:
    """'A deal would reshape commodity pricing, trade relations and supply chains': not rated (a prediction)."""
    prop = offer_in_proportion(offer_t, year, edition).set_index("whole")
    world = prop.loc["world primary aluminium output"]
    why = (f"a prediction about a deal that has not been made; the aluminium part of the offer, {_mt(offer_t)} a "
           f"year, is {world['share_pct']:.1f}% of world primary output in {year} (MCS {int(world['edition'])})")
    settle = ("the terms of an actual agreement, and trade flows and prices observed after it, would settle it; "
              "the rare-earth side is checked in the chapters on production and processing")
    return not_rated(claim, why, settle, [SMELTER])


def price_context(offer_t: float, year: int, edition: int) -> str:
    """The clause that puts a price statement in proportion (for the attribution verdict on it)."""
    prop = offer_in_proportion(offer_t, year, edition).set_index("whole")
    world = prop.loc["world primary aluminium output"]
    return (f"; the offered {_mt(offer_t)} is {world['share_pct']:.1f}% of world primary output in {year} "
            f"(MCS {int(world['edition'])}), but whether prices would move is a prediction the record cannot rate")
