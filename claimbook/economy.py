"""Russia's economy under sanctions: the yearly series, the rules, and the checks behind the economy chapter.

The macro record (dataset russia_macro) is partial and secondary: Rosstat and Bank of Russia figures come
through news copies, and many years were not located. A year without a figure is a gap: the series below
carry it as missing (never interpolated), the figures draw it as "no data", and the rules count it neither
way. Different measures of one thing (two inflation measures, three FDI measures) are never mixed in one
series; the parameters choose which one a verdict uses.
"""

from __future__ import annotations

import math

import pandas as pd

from . import ClaimbookError
from . import verdicts as v
from .data import dataset_names, load

MACRO = "russia_macro"
CHINA = "china_energy_imports_from_russia"
POLICY = "aluminium_policy_events"

GDP = "real_gdp_growth"
KEY_RATE = "key_rate"
INFLATION_MEASURES = {
    "december": ("cpi_inflation_dec_dec", "December-on-December CPI inflation (Rosstat)"),
    "annual_average": ("cpi_inflation_annual_average_wdi", "annual-average CPI inflation (World Bank WDI)"),
}
FDI_MEASURES = {
    "stock_change": ("fdi_stock_change", "yearly change in the stock of foreign direct investment (Bank of Russia)",
                     "USD bn"),
    "net_inflows_pct_gdp": ("fdi_net_inflows_pct_gdp_wdi", "net FDI inflows as % of GDP (World Bank WDI)",
                            "% of GDP"),
}
GDP_ESTIMATES = ("first", "latest")
FLOWS = {  # flow -> (label, is gas)
    "crude_oil": ("crude oil", False),
    "lng": ("LNG", True),
    "pipeline_gas_power_of_siberia": ("pipeline gas (Power of Siberia)", True),
}

FDI_RULE = ("Foreign investment counts as decreasing in a year when the chosen measure shows foreign investors taking "
            "out more than they put in (a negative net inflow or a fall in the FDI stock). 'Sharp' needs a "
            "pre-war baseline in the same measure, which the data lack, so a confirmed fall is rated at most "
            "mostly accurate.")
SOARING_RULE = ("Inflation counts as soaring in a year when the chosen measure is at or above the threshold and "
                "higher than in the year before; a year whose figure or previous-year figure is missing is a gap.")
SANCTIONS_WORDS = {  # sector named in a claim -> words that would show a measure aimed at it
    "energy": ("energy", "oil", "gas", "petroleum", "coal"),
    "banking": ("bank", "financ", "swift"),
    "technology": ("technolog", "semiconductor", "chip", "electronic", "software"),
}
# Events no dataset records: what was sought, the words searched for, and what would settle it.
UNRECORDED = {
    "ECO-09": ("Donald Trump's hint at large economic deals with Russia before Putin's offer",
               ("economic development", "transaction"),
               "a transcript or post with Trump's words and its date"),
    "ECO-13": ("Putin pushing for multimodal transport hubs on Russia's borders",
               ("multimodal", "transport hub"),
               "a Kremlin transcript or a dated report of Putin's words"),
    "ECO-14": ("talk of a Bering Strait tunnel linking Russia and the United States",
               ("bering", "tunnel"),
               "a dated report naming who proposed the tunnel"),
    "ECO-15": ("Elon Musk being floated as a participant in a Bering Strait tunnel",
               ("musk", "bering", "tunnel"),
               "a dated report naming who floated Musk's involvement"),
}


class EconomyError(ClaimbookError):
    pass


# --- years and parameters ---------------------------------------------------------------------------------

def data_years() -> list[int]:
    """Calendar years for which the macro record holds at least one annual figure."""
    df = load(MACRO)
    return sorted(int(y) for y in df.loc[df["indicator"] != KEY_RATE, "year"].unique())


def start_years(params: dict) -> list[int]:
    """Allowed values of `start_year`: the years the macro record covers."""
    return data_years()


def end_years(params: dict) -> list[int]:
    """Allowed values of `end_year`: the years the record covers, from the chosen start year on."""
    start = params.get("start_year", min(data_years()))
    return [y for y in data_years() if y >= start]


def window(start_year: int, end_year: int) -> list[int]:
    """Every calendar year from start_year to end_year; a reversed or uncovered window is an error."""
    if start_year > end_year:
        raise EconomyError(f"start_year ({start_year}) is after end_year ({end_year}); choose a start year "
                           f"at or before the end year.")
    covered = data_years()
    if start_year < covered[0] or end_year > covered[-1]:
        raise EconomyError(f"the years {start_year}-{end_year} go beyond the record, which covers "
                           f"{covered[0]}-{covered[-1]}.")
    return list(range(start_year, end_year + 1))


def _measure(table: dict, key: str, what: str):
    if key not in table:
        raise EconomyError(f"there is no {what} '{key}'; allowed: {', '.join(table)}.")
    return table[key]


# --- series -----------------------------------------------------------------------------------------------

def _annual(indicator: str, years: list[int] | None = None) -> pd.DataFrame:
    """One row per year with a figure for the indicator (several rows where vintages differ)."""
    df = load(MACRO)
    df = df[df["indicator"] == indicator].copy()
    df["year"] = df["year"].astype(int)
    if years is not None:
        df = df[df["year"].isin(years)]
    return df.sort_values("year").reset_index(drop=True)


def _on_years(df: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The rows reindexed on every year of the window, gaps as missing values (has_data False)."""
    out = pd.DataFrame({"year": years}).merge(df, on="year", how="left")
    out["has_data"] = out["value"].notna()
    return out


def gdp_growth(years: list[int], estimate: str = "first") -> pd.DataFrame:
    """Real GDP growth per year of the window. `first`: the estimate readers had first (the one current when
    the claims were made); `latest`: a later revision where one was located."""
    if estimate not in GDP_ESTIMATES:
        raise EconomyError(f"there is no GDP estimate '{estimate}'; allowed: {', '.join(GDP_ESTIMATES)}.")
    df = _annual(GDP, years)
    df["revision"] = df["vintage"].str.contains("revision", case=False)
    df = df.sort_values(["year", "revision"], ascending=[True, estimate == "first"])
    return _on_years(df.drop_duplicates("year", keep="first"), years)


def inflation(years: list[int], measure: str = "december") -> pd.DataFrame:
    """The chosen inflation measure per year of the window, with the previous year's figure in `previous`
    (taken from the record even when that year lies outside the window)."""
    indicator, _ = _measure(INFLATION_MEASURES, measure, "inflation measure")
    full = _annual(indicator)
    previous = dict(zip(full["year"] + 1, full["value"]))
    out = _on_years(full[full["year"].isin(years)], years)
    out["previous"] = out["year"].map(previous)
    return out


def fdi(years: list[int], measure: str = "stock_change") -> pd.DataFrame:
    """The chosen foreign-direct-investment measure per year of the window."""
    indicator, _, _ = _measure(FDI_MEASURES, measure, "FDI measure")
    return _on_years(_annual(indicator, years), years)


def fdi_all() -> pd.DataFrame:
    """Every FDI figure located, of any measure (they must not be compared with one another)."""
    df = load(MACRO)
    return df[df["indicator"].str.startswith("fdi_")].sort_values(["indicator", "year"]).reset_index(drop=True)


def key_rate() -> pd.DataFrame:
    """The Bank of Russia key-rate decisions located (dated)."""
    return _annual(KEY_RATE)


def china_imports(years: list[int]) -> pd.DataFrame:
    """China's imports from Russia by flow for the years of the window that have them."""
    df = load(CHINA)
    df = df[df["year"].astype(int).isin(years)].copy()
    df["year"] = df["year"].astype(int)
    df["label"] = df["flow"].map(lambda f: FLOWS[f][0])
    df["gas"] = df["flow"].map(lambda f: FLOWS[f][1])
    return df.sort_values(["flow", "year"]).reset_index(drop=True)


def growth_pct(df: pd.DataFrame, flow: str) -> tuple[int, int, float] | None:
    """(first year, last year, % change) of one flow between the first and last year it has data, or None."""
    rows = df[df["flow"] == flow].sort_values("year")
    if len(rows) < 2:
        return None
    a, b = rows.iloc[0], rows.iloc[-1]
    return int(a["year"]), int(b["year"]), float((b["value"] / a["value"] - 1) * 100)


# --- per-year tests ---------------------------------------------------------------------------------------

def _bool_or_gap(flag) -> bool | None:
    return None if flag is None or (isinstance(flag, float) and math.isnan(flag)) else bool(flag)


def shrinking_by_year(gdp: pd.DataFrame) -> dict[int, bool | None]:
    """Whether real GDP fell (growth below zero) in each year; None where the year has no figure."""
    return {int(r.year): (r.value < 0 if r.has_data else None) for r in gdp.itertuples()}


def soaring_by_year(infl: pd.DataFrame, threshold_pct: float) -> dict[int, bool | None]:
    """SOARING_RULE per year: at or above the threshold and above the previous year's figure."""
    out: dict[int, bool | None] = {}
    for r in infl.itertuples():
        if not r.has_data or pd.isna(r.previous):
            out[int(r.year)] = None
        else:
            out[int(r.year)] = bool(r.value >= threshold_pct and r.value > r.previous)
    return out


def fdi_fell_by_year(df: pd.DataFrame) -> dict[int, bool | None]:
    """FDI_RULE per year: the measure below zero (foreign investors took out more than they put in)."""
    return {int(r.year): (r.value < 0 if r.has_data else None) for r in df.itertuples()}


def _tiers(df: pd.DataFrame) -> list[str]:
    return sorted(set(df.loc[df["has_data"], "source_tier"])) if "has_data" in df else sorted(set(df["source_tier"]))


def _span(years: list[int]) -> str:
    """2015-2017, 2019 for a list of years."""
    years = sorted(years)
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _years_text(holds: dict[int, bool | None], values: dict[int, str], yes: str, no: str) -> str:
    """'it shrank in 2022 (-2.1%) and did not in 2023 (3.6%); no data for 2015-2020'."""
    parts = []
    held = [y for y, h in holds.items() if h]
    failed = [y for y, h in holds.items() if h is False]
    gaps = [y for y, h in holds.items() if h is None]
    if held:
        parts.append(f"{yes} in " + ", ".join(f"{y} ({values[y]})" for y in held))
    if failed:
        parts.append(f"{no} in " + ", ".join(f"{y} ({values[y]})" for y in failed))
    if gaps:
        parts.append(f"{'' if parts else 'has '}no usable figure for {_span(gaps)}")
    return "; ".join(parts)


def _now_text(holds: dict[int, bool | None]) -> str:
    known = [y for y, h in holds.items() if h is not None]
    if not known:
        return "no year of the window has a usable figure"
    now = max(known)
    return f"in the latest year with data, {now}, the statement {'holds' if holds[now] else 'does not hold'}"


def _pct(x: float, signed: bool = False) -> str:
    return f"{x:+.1f}%" if signed else f"{x:.1f}%"


def _tier_text(tiers: list[str], capped: bool) -> str:
    if not tiers:
        return "no figure could be used"
    if "primary" in tiers:
        return f"evidence tiers: {', '.join(tiers)}"
    return ("every figure used is secondary (news or aggregator copies)"
            + (", so the label is capped at mostly accurate" if capped else ""))


def _capped(label: str, tiers: list[str]) -> tuple[str, bool]:
    """TIER_RULE applied, and whether it lowered the label."""
    new = v.cap_for_tier(label, tiers) if tiers else label
    return new, new != label


# --- checks -----------------------------------------------------------------------------------------------

def check_shrinking_gdp(claim: dict, start_year: int, end_year: int, estimate: str = "first") -> v.Verdict:
    """'Russia's GDP is shrinking': real GDP growth below zero, year by year (YEARS_RULE, TIER_RULE)."""
    years = window(start_year, end_year)
    gdp = gdp_growth(years, estimate)
    holds = shrinking_by_year(gdp)
    tiers = _tiers(gdp)
    label, capped = _capped(v.rate_years(holds), tiers)
    values = {int(r.year): _pct(r.value, signed=True) for r in gdp.itertuples() if r.has_data}
    conclusion = (f"Real GDP growth ({estimate} estimate) {_years_text(holds, values, 'was negative', 'was positive')}, "
                  f"so {_now_text(holds)}; {_tier_text(tiers, capped)}.")
    found = {y: values.get(y) for y in years}
    return v.Verdict(claim["id"], label, conclusion, "GDP growth below 0", found, v.YEARS_RULE + " " + v.TIER_RULE,
                     [MACRO], evidence_tiers=tiers)


def check_soaring_inflation(claim: dict, start_year: int, end_year: int, measure: str = "december",
                            threshold_pct: float = 8.0) -> v.Verdict:
    """'Inflation is soaring': SOARING_RULE per year, then YEARS_RULE and TIER_RULE."""
    years = window(start_year, end_year)
    infl = inflation(years, measure)
    holds = soaring_by_year(infl, threshold_pct)
    used = infl[infl["has_data"] & infl["year"].isin([y for y, h in holds.items() if h is not None])]
    tiers = sorted(set(used["source_tier"]))
    label, capped = _capped(v.rate_years(holds), tiers)
    values = {int(r.year): (f"{_pct(r.value)}, after {_pct(r.previous)}" if not pd.isna(r.previous) else _pct(r.value))
              for r in infl.itertuples() if r.has_data}
    name = INFLATION_MEASURES[measure][1]
    conclusion = (f"Taking soaring as at least {threshold_pct:g}% and higher than the year before, {name} "
                  f"{_years_text(holds, values, 'soared', 'did not soar')}, so {_now_text(holds)}; "
                  f"{_tier_text(tiers, capped)}.")
    return v.Verdict(claim["id"], label, conclusion, f"inflation >= {threshold_pct:g}% and rising",
                     {y: values.get(y) for y in years}, SOARING_RULE + " " + v.YEARS_RULE + " " + v.TIER_RULE,
                     [MACRO], evidence_tiers=tiers)


def check_fdi_fall(claim: dict, start_year: int, end_year: int, measure: str = "stock_change") -> v.Verdict:
    """'A sharp decrease in foreign investment': FDI_RULE per year, YEARS_RULE, then the caps."""
    years = window(start_year, end_year)
    df = fdi(years, measure)
    holds = fdi_fell_by_year(df)
    tiers = _tiers(df)
    label = v.rate_years(holds)
    if label == v.ACCURATE:
        label = v.MOSTLY_ACCURATE  # the size of the fall ('sharp') is not measured against a baseline
    label, capped = _capped(label, tiers)
    _, name, unit = FDI_MEASURES[measure]
    values = {int(r.year): f"{r.value:+,.2f} {unit}".replace(".00 ", " ") for r in df.itertuples() if r.has_data}
    conclusion = (f"The {name} {_years_text(holds, values, 'fell', 'did not fall')}, so {_now_text(holds)}; no "
                  f"pre-war baseline in this measure was located to say how sharp the fall is, and "
                  f"{_tier_text(tiers, capped)}.")
    return v.Verdict(claim["id"], label, conclusion, "FDI falling sharply", {y: values.get(y) for y in years},
                     FDI_RULE + " " + v.YEARS_RULE + " " + v.TIER_RULE, [MACRO], evidence_tiers=tiers)


def check_weakening(claim: dict, parts: dict[str, v.Verdict]) -> v.Verdict:
    """'The economy has kept weakening': the article's own indicators (GDP, inflation, FDI) as parts,
    combined by COMPOUND_RULE. Whether sanctions caused what the indicators show is not tested."""
    labels = {name: p.label for name, p in parts.items()}
    label = v.rate_compound(labels)
    listed = ", ".join(f"{name} {lab} ({p.claim_id})" for (name, lab), p in zip(labels.items(), parts.values()))
    conclusion = (f"Rated by the article's own indicators of decline, the parts are: {listed}, which combine to "
                  f"{label}; whether the sanctions caused any of it is a question of cause that these figures "
                  f"cannot settle.")
    tiers = sorted({t for p in parts.values() for t in p.evidence_tiers})
    datasets = sorted({d for p in parts.values() for d in p.datasets})
    return v.Verdict(claim["id"], label, conclusion, "GDP, inflation and FDI all worsening", labels,
                     v.COMPOUND_RULE, datasets, evidence_tiers=tiers)


def check_china_purchases(claim: dict, start_year: int, end_year: int) -> v.Verdict:
    """China's purchases of Russian resources, 'particularly gas' (EVENT_RULE, TIER_RULE). The core is that
    China imported Russian gas in the window; 'large' and 'strategic' are not settled by the record (China's
    total imports are not in the data, and intent is not a figure)."""
    years = window(start_year, end_year)
    df = china_imports(years)
    gas = df[df["gas"] & (df["value"] > 0)]
    core = True if len(gas) else None
    label = v.cap_for_tier(v.rate_event(core, {"large": None, "strategic": None, "particularly gas": None}),
                           sorted(set(df["source_tier"])))
    tiers = sorted(set(df["source_tier"]))
    if core is None:
        located = _span(sorted(china_imports(data_years())["year"].unique()))
        return v.Verdict(claim["id"], label, f"The data hold no figure for China's imports of Russian gas in "
                         f"{_span(years)} (located only for {located or 'no year'}).", "China buys Russian gas", None,
                         v.EVENT_RULE, [CHINA], evidence_tiers=tiers)
    latest = int(df["year"].max())
    last = df[df["year"] == latest]
    amounts = ", ".join(f"{r.label} {'about ' if r.value_qualifier == 'about' else ''}{r.value:,.4g} {r.unit}"
                        for r in last.itertuples())
    changes = [(FLOWS[f][0], growth_pct(df, f)) for f in FLOWS]
    growth = "; ".join(f"{name} {_pct(g[2], signed=True)} from {g[0]} to {g[1]}" for name, g in changes if g)
    conclusion = (f"China imported from Russia, in {latest}, {amounts} (Chinese statistics via TASS, secondary)"
                  + (f"; {growth}, so pipeline gas grew fastest" if growth and _fastest_is_gas(changes) else
                     (f"; {growth}" if growth else ""))
                  + "; whether the purchases are 'large' or 'strategic' the record does not settle (China's total "
                    "imports are not in the data), so the core holds and the details stay open.")
    return v.Verdict(claim["id"], label, conclusion, "China buys Russian resources, particularly gas",
                     {r.flow: r.value for r in last.itertuples()}, v.EVENT_RULE + " " + v.TIER_RULE, [CHINA],
                     evidence_tiers=tiers)


def _fastest_is_gas(changes) -> bool:
    known = [(name, g[2]) for name, g in changes if g]
    return bool(known) and max(known, key=lambda x: x[1])[0].startswith("pipeline gas")


def measures_on_russia(as_of=None) -> pd.DataFrame:
    """Trade measures in the policy record aimed at Russian goods, dated on or before as_of."""
    df = load(POLICY)
    df = df[df["affected_origin"].fillna("").str.contains("Russia")].copy()
    if as_of is not None:
        df = df[df["date_text"].astype(str) <= str(as_of)]
    return df.reset_index(drop=True)


def _text(row) -> str:
    return " ".join(str(row[c]) for c in ("event", "detail", "affected_origin") if pd.notna(row[c])).lower()


def sectors_targeted(measures: pd.DataFrame) -> dict[str, list[str]]:
    """For each sector in SANCTIONS_WORDS, the measures whose text names it."""
    return {sector: [m["event"] for _, m in measures.iterrows() if any(w in _text(m) for w in words)]
            for sector, words in SANCTIONS_WORDS.items()}


def check_sanction_sectors(claim: dict) -> v.Verdict:
    """'Sanctions target energy, banking and technology' against the measures the project's record holds."""
    measures = measures_on_russia(claim.get("as_of"))
    found = sectors_targeted(measures)
    named = [s for s, ms in found.items() if ms]
    core = True if len(named) == len(found) else None
    label = v.rate_event(core, {s: (True if ms else None) for s, ms in found.items()})
    missing = [s for s, ms in found.items() if not ms]
    conclusion = (f"The policy record holds {len(measures)} measures against Russian goods, all on metals, minerals "
                  f"and chemicals (aluminium, copper, nickel); none names {' or '.join(missing)}, "
                  f"and no sanctions text for those sectors was located in the project's source dossier, so the "
                  f"record can neither confirm nor refute the sectors named.") if missing else (
                  f"The policy record names measures on {', '.join(named)}.")
    return v.Verdict(claim["id"], label, conclusion, "sanctions on energy, banking, technology",
                     {s: len(ms) for s, ms in found.items()}, v.EVENT_RULE, [POLICY],
                     evidence_tiers=sorted(set(measures["source_tier"])))


def check_sanctions_imposed(claim: dict) -> v.Verdict:
    """'The US and other Western countries imposed strict sanctions on Russian industries because of the
    war' (EVENT_RULE): the core is a US measure against Russian goods before the claim's date."""
    measures = measures_on_russia(claim.get("as_of"))
    tiers = sorted(set(measures["source_tier"]))
    rates = measures["tariff_rate_pct"].dropna()
    core = True if len(measures) else None
    details = {"by other Western countries": None, "because of the war": None}
    label = v.cap_for_tier(v.rate_event(core, details), tiers)
    if core is None:
        return v.Verdict(claim["id"], label, "The policy record holds no measure against Russian goods.",
                         "sanctions imposed", None, v.EVENT_RULE, [POLICY])
    primary = measures[measures["source_tier"] == "primary"]
    conclusion = (f"The record holds {len(measures)} US measures against Russian goods from "
                  f"{measures['date_text'].min()} to {measures['date_text'].max()}, among them "
                  f"{', '.join(primary['event'])} (Federal Register, primary)"
                  + (f" and a tariff of up to {rates.max():.0f}% on Russian aluminium" if len(rates) else "")
                  + "; other Western countries appear only in a weak state-media report of a joint US/UK ban, and the "
                    "record does not state the measures' reasons, so those details stay open.")
    return v.Verdict(claim["id"], label, conclusion, "strict sanctions on Russian industries",
                     list(measures["event"]), v.EVENT_RULE + " " + v.TIER_RULE, [POLICY], evidence_tiers=tiers)


def record_mentions(words: tuple[str, ...]) -> dict[str, int]:
    """Rows of every dataset whose text cells (other than URLs) contain one of the words, by dataset."""
    hits: dict[str, int] = {}
    for name in dataset_names():
        df = load(name)
        text = df.select_dtypes(include=["object", "string"]).drop(
            columns=[c for c in df.columns if "url" in c], errors="ignore")
        joined = text.fillna("").astype(str).agg(" ".join, axis=1).str.lower()
        n = int(joined.apply(lambda s: any(w in s for w in words)).sum())
        if n:
            hits[name] = n
    return hits


def check_unrecorded_event(claim: dict) -> v.Verdict:
    """An event or remark that no dataset records: unverifiable (EVENT_RULE), saying what was searched."""
    if claim["id"] not in UNRECORDED:
        raise EconomyError(f"{claim['id']} is not among the events checked by search: {', '.join(UNRECORDED)}.")
    what, words, settle = UNRECORDED[claim["id"]]
    hits = record_mentions(words)
    n = len(dataset_names())
    searched = f"a search of all {n} datasets for {', '.join(repr(w) for w in words)}"
    if hits:
        found_text = (f"{searched} finds rows in {', '.join(f'{k} ({c})' for k, c in hits.items())}, none of which "
                      f"records {what}")
    else:
        found_text = f"{searched} finds no row"
    conclusion = (f"The project's source dossier holds no report of {what}, and {found_text}; what would settle it "
                  f"is {settle}.")
    return v.Verdict(claim["id"], v.rate_event(None), conclusion, claim["statement"], None, v.EVENT_RULE, [],
                     evidence_tiers=[])


def not_rated(claim: dict, reason: str, bearing: str, settle: str, datasets: list[str] | None = None,
              tiers: list[str] | None = None) -> v.Verdict:
    """An opinion or prediction: not rated (NOT_RATED_RULE), with the facts that bear on it."""
    if claim.get("kind") not in ("opinion", "prediction"):
        raise EconomyError(f"{claim['id']} is a {claim.get('kind')} claim, which is rated, not left unrated.")
    conclusion = f"This is {reason}, so it is not rated; {bearing}; what would settle it: {settle}."
    return v.not_rated(claim, conclusion, datasets, tiers)


def collapse_facts(start_year: int, end_year: int, estimate: str = "first") -> str:
    """The figures that bear on 'signs of major collapse': the weakest and the latest GDP growth in the window."""
    gdp = gdp_growth(window(start_year, end_year), estimate)
    known = gdp[gdp["has_data"]]
    if known.empty:
        return f"the data hold no GDP growth figure for {start_year}-{end_year}"
    worst = known.loc[known["value"].idxmin()]
    latest = known.iloc[-1]
    return (f"the deepest fall of real GDP in {start_year}-{end_year} is {_pct(worst['value'], True)} in "
            f"{int(worst['year'])}, and growth in {int(latest['year'])} was {_pct(latest['value'], True)} "
            f"(secondary figures)")


def china_facts(start_year: int, end_year: int) -> str:
    """The figures that bear on China's purchases as a lifeline: the latest year's volumes."""
    df = china_imports(window(start_year, end_year))
    if df.empty:
        return f"the data hold no figure for China's imports from Russia in {start_year}-{end_year}"
    latest = int(df["year"].max())
    last = df[df["year"] == latest]
    return (f"China's imports from Russia in {latest} were " + ", ".join(
        f"{r.label} {'about ' if r.value_qualifier == 'about' else ''}{r.value:,.4g} {r.unit}"
        for r in last.itertuples())
        + " (secondary), but no figure shows what Russia's economy would have done without them")


# --- drawing ----------------------------------------------------------------------------------------------

def draw_years(ax, df: pd.DataFrame, colour: str, fmt: str = "{:+.1f}", width: float = 0.6,
               offset: float = 0.0, label: str | None = None) -> None:
    """Bars for the years with a figure, in the house style: a solid bar for a primary figure, a hatched
    one for a secondary or weak figure, and the words "no data" (no bar, no interpolation) for a gap."""
    from matplotlib.patches import Patch

    for r in df.itertuples():
        x = r.year + offset
        if not r.has_data:
            ax.text(x, 0.5, "no data", transform=ax.get_xaxis_transform(), rotation=90, ha="center", va="center",
                    fontsize=8, color="#777777")
            continue
        primary = r.source_tier == "primary"
        ax.bar(x, r.value, width=width, color=colour if primary else "white", edgecolor=colour,
               hatch=None if primary else "////", linewidth=1.2)
        ax.annotate(fmt.format(r.value), (x, r.value), textcoords="offset points",
                    xytext=(0, 3 if r.value >= 0 else -10), ha="center", fontsize=8)
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(list(df["year"]))
    if len(df) > 6:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlim(df["year"].min() - 0.6, df["year"].max() + 0.6)
    ax.grid(axis="x", visible=False)
    tiers = set(df.loc[df["has_data"], "source_tier"])
    handles = []
    if "primary" in tiers:
        handles.append(Patch(facecolor=colour, edgecolor=colour, label="primary figure"))
    if tiers - {"primary"}:
        handles.append(Patch(facecolor="white", edgecolor=colour, hatch="////", label="secondary figure"))
    if label:
        handles = [Patch(facecolor="white", edgecolor="white", label=label), *handles]
    if handles:
        ax.legend(handles=handles, loc="best", fontsize=8)
