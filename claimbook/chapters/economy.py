"""Russia's economy under sanctions: the readings, the measures and the checks behind the economy chapter.

The article's statistical statements are in the present tense ("GDP is shrinking", "inflation is soaring"), so
each is judged on the latest reading PUBLISHED by the claim's date, with the reading of twelve months earlier
where the word needs a direction. Every figure in the data carries its publication date (column `published`),
so revisions are taken as a reader had them on the day: the 2023 GDP growth is the revised 4.1% from
7 February 2025 on, the first estimate 3.6% before. Readings published after the claim's date go to the
verdict's "since then", never into its label. The other claims of the chapter (events, opinions) are judged
from the public record by `claimbook.core.evidence.judge`.
"""

from __future__ import annotations

import math

import pandas as pd

from claimbook import ClaimbookError
from claimbook.core import rules as v
from claimbook.core.data import load

MACRO = "russia_macro"
CHINA = "china_energy_imports_from_russia"

GDP = "real_gdp_growth"
KEY_RATE = "key_rate"
INFLATION_MEASURES = {  # parameter value -> (indicator, name in a sentence)
    "latest_annual": ("cpi_inflation_yoy", "annual inflation"),
    "december": ("cpi_inflation_dec_dec", "December-on-December inflation"),
    "annual_average": ("cpi_inflation_annual_average_wdi", "annual-average inflation (World Bank)"),
}
FDI_FLOW = "fdi_net_inflows_pct_gdp_wdi"  # the only net-inflow series located for the war years
WITHDRAWALS = "fdi_withdrawals_exits"
GAS_FLOWS = ("lng", "pipeline_gas_power_of_siberia")
CRUDE = "crude_oil"

# The parts of ECO-04 and ECO-05 that this chapter computes; their names are those in seeds/evidence.yaml.
OUTPUT_PART = "output has kept falling since the war began"
STRAINS_PART = "strains had been building by early 2025"
GAS_PART = "gas is the main part of these purchases"


class EconomyError(ClaimbookError):
    pass


# --- the rules ---------------------------------------------------------------------------------------------


def rate_latest(holds_now: bool | None) -> str:
    """Label for a present-tense statement about a statistic, from whether it holds on the latest reading
    published by the claim's date (None: no such reading); see LATEST."""
    if holds_now is None:
        return v.UNVERIFIABLE
    return v.ACCURATE if holds_now else v.INACCURATE


LATEST = v.Rule(
    "latest",
    "Present-tense statements about statistics",
    "A statement about how things are now is "
    "judged on the latest reading published by the claim's date (with the reading of a year earlier "
    "where it speaks of a rise or a fall): it holds there, accurate; it does not, inaccurate. "
    "Readings published later are shown as since then.",
    rate_latest,
)


def gas_leads(values: dict[str, float]) -> bool:
    """'Particularly gas': gas (all kinds together) is the largest of the purchases compared, by value."""
    if "gas" not in values or len(values) < 2:
        raise EconomyError("comparing gas with the other purchases needs gas and at least one other kind.")
    return values["gas"] > max(x for k, x in values.items() if k != "gas")


PARTICULARLY = v.Rule(
    "particularly",
    "'Particularly' one kind",
    "Purchases said to be 'particularly' of one kind "
    "count as such when that kind is the largest of them by value in the figures published by "
    "the claim's date.",
    gas_leads,
)


def _date(d) -> str:
    d = pd.Timestamp(d)
    return f"{d.day} {d:%B %Y}"


# --- readings ----------------------------------------------------------------------------------------------


def readings(indicator: str) -> pd.DataFrame:
    """Every figure of one indicator with its publication date, oldest period first."""
    df = load(MACRO)
    df = df[df["indicator"] == indicator].copy()
    df["year"] = df["year"].astype(int)
    return df.sort_values(["year", "published"], na_position="first").reset_index(drop=True)


def as_published(df: pd.DataFrame, as_of) -> pd.DataFrame:
    """Per period, the figure a reader had on `as_of`: the latest one published by then (a figure without a
    publication date counts as available, and is marked by an empty date). Periods with no such figure are
    left out."""
    when = pd.Timestamp(as_of)
    ok = df[df["published"].isna() | (df["published"] <= when)].copy()
    key = "date" if ok["date"].notna().any() else "year"
    ok = ok.sort_values([key, "published"], na_position="first")
    return ok.drop_duplicates(key, keep="last").reset_index(drop=True)


def published_after(df: pd.DataFrame, as_of) -> pd.DataFrame:
    """The figures published after `as_of` (shown as since then), oldest publication first."""
    return df[df["published"] > pd.Timestamp(as_of)].sort_values("published").reset_index(drop=True)


def gdp_growth(as_of) -> pd.DataFrame:
    """Real GDP growth per year as a reader had it on `as_of` (revisions taken once published)."""
    return as_published(readings(GDP), as_of)


def inflation(measure: str, as_of) -> tuple[pd.Series | None, pd.Series | None]:
    """The latest reading of the inflation measure published by `as_of` and the reading a year before it
    (None where absent)."""
    if measure not in INFLATION_MEASURES:
        raise EconomyError(f"there is no inflation measure '{measure}'; allowed: {', '.join(INFLATION_MEASURES)}.")
    df = as_published(readings(INFLATION_MEASURES[measure][0]), as_of)
    if df.empty:
        return None, None
    latest = df.iloc[-1]
    if pd.notna(latest["date"]):
        target = latest["date"] - pd.DateOffset(years=1)
        near = df[(df["date"] - target).abs() <= pd.Timedelta(days=31)]
        before = near.iloc[0] if len(near) else None
    else:
        prev = df[df["year"] == latest["year"] - 1]
        before = prev.iloc[0] if len(prev) else None
    return latest, before


def key_rate() -> pd.DataFrame:
    """The Bank of Russia key-rate decisions located (dated)."""
    return readings(KEY_RATE).sort_values("date").reset_index(drop=True)


def china(as_of=None) -> pd.DataFrame:
    """China's imports from Russia by flow and unit, published by `as_of` (all when None)."""
    df = load(CHINA)
    df["year"] = df["year"].astype(int)
    if as_of is not None:
        df = df[df["published"].isna() | (df["published"] <= pd.Timestamp(as_of))]
    return df.sort_values(["year", "unit", "flow"]).reset_index(drop=True)


# --- measures ----------------------------------------------------------------------------------------------


def soaring(value: float, previous: float | None, threshold_pct: float) -> bool | None:
    """'Soaring': at or above the threshold and higher than a year before (None: no reading a year before)."""
    if previous is None or (isinstance(previous, float) and math.isnan(previous)):
        return None
    return bool(value >= threshold_pct and value > previous)


def fall_pct(latest: float, baseline: float | None) -> float | None:
    """How far a net inflow fell against the pre-war baseline, in % of it. A turn to net withdrawals is a fall
    of more than 100% whatever the baseline (infinite when none was located); None when neither tells."""
    if latest < 0 and (baseline is None or baseline > 0):
        return math.inf if baseline is None else (baseline - latest) / baseline * 100
    if baseline is None or baseline <= 0:
        return None
    return (baseline - latest) / baseline * 100


def _figure(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def fell_sharply(fall: float | None, sharp_fall_pct: float) -> bool | None:
    return None if fall is None else fall >= sharp_fall_pct


def _pct(x: float, signed: bool = False) -> str:
    """A published percentage as printed (at most four significant digits; WDI files carry more)."""
    return f"{x:+.4g}%" if signed else f"{x:.4g}%"


def _gdp_since(claim: dict, after: pd.DataFrame) -> list[str]:
    return [
        f"Rosstat's {'revised ' if 'revision' in r.vintage.lower() else ''}figure for {r.year} growth, "
        f"{_pct(r.value, True)}, was first reported on {_date(r.published)}."
        for r in after.itertuples()
    ]


# --- checks on statistics ----------------------------------------------------------------------------------


def check_shrinking_gdp(claim: dict) -> v.Verdict:
    """'Russia's GDP is shrinking': the latest annual real GDP growth published by the claim's date below 0."""
    gdp = gdp_growth(claim["as_of"])
    if gdp.empty:
        return v.Verdict(
            claim["id"],
            v.UNVERIFIABLE,
            "No figure for Russia's real GDP growth published by the claim's date was located.",
            "growth below 0",
            None,
            LATEST,
            [MACRO],
        )
    latest = gdp.iloc[-1]
    before = gdp[gdp["year"] == latest["year"] - 1]
    holds = bool(latest["value"] < 0)
    prev = ""
    if len(before):
        b = before.iloc[0]
        prev = f" and {_pct(abs(b['value']))} in {int(b['year'])}{' (revised)' if 'revision' in b['vintage'].lower() else ''}"
    conclusion = (
        f"Rosstat's figures published by {_date(claim['as_of'])} had real GDP "
        f"{'falling' if holds else 'growing'} {_pct(abs(latest['value']))} in {int(latest['year'])}"
        f"{prev}, so the economy was {'shrinking' if holds else 'not shrinking'}."
    )
    verdict = v.Verdict(
        claim["id"],
        rate_latest(holds),
        conclusion,
        "real GDP growth below 0",
        {int(r.year): r.value for r in gdp.itertuples()},
        LATEST,
        [MACRO],
    )
    verdict.since_then = _gdp_since(claim, published_after(readings(GDP), claim["as_of"]))
    return verdict


def check_soaring_inflation(claim: dict, measure: str = "latest_annual", soaring_pct: float = 8.0) -> v.Verdict:
    """'Inflation is soaring': the latest reading of the measure at or above `soaring_pct` and above the
    reading a year earlier."""
    latest, before = inflation(measure, claim["as_of"])
    name = INFLATION_MEASURES[measure][1]
    if latest is None:
        return v.Verdict(
            claim["id"],
            v.UNVERIFIABLE,
            f"No figure of {name} published by the claim's date was located.",
            f"inflation at least {soaring_pct:g}% and rising",
            None,
            LATEST,
            [MACRO],
        )
    when = _date(latest["date"]) if pd.notna(latest["date"]) else str(int(latest["year"]))
    was = None if before is None else float(before["value"])
    holds = soaring(float(latest["value"]), was, soaring_pct)
    if holds is None or before is None or was is None:  # soaring() is None without a reading a year before
        conclusion = (
            f"The latest {name} published by the claim's date, {_pct(latest['value'])} for {when}, has no "
            "reading a year earlier to show whether it was rising."
        )
    else:
        then = _date(before["date"]) if pd.notna(before["date"]) else str(int(before["year"]))
        high = latest["value"] >= soaring_pct
        rising = latest["value"] > was
        reason = (
            f"at or above the {soaring_pct:g}% taken as soaring, and rising"
            if holds
            else (
                "high but not rising"
                if high
                else "below the level taken as soaring" + ("" if rising else " and not rising")
            )
        )
        conclusion = (
            f"Official figures put {name} at {_pct(latest['value'])} for {when}, against {_pct(was)} for "
            f"{then}: {reason}, so 'soaring' {'holds' if holds else 'does not hold'}."
        )
    verdict = v.Verdict(
        claim["id"],
        rate_latest(holds),
        conclusion,
        f"inflation at least {soaring_pct:g}% and rising",
        {"latest": float(latest["value"]), "a year before": was},
        LATEST,
        [MACRO],
    )
    if holds is not None and (was is None or latest["value"] > was):
        verdict.sensitivity = v.VAGUE["soaring"].sensitivity(float(latest["value"]), threshold=soaring_pct)
    return verdict


def check_fdi_fall(claim: dict, sharp_fall_pct: float = 50.0) -> v.Verdict:
    """'Foreign investment has fallen sharply': net FDI inflows (a flow) on the latest reading published by the
    claim's date, against the pre-war year, or turned to net withdrawals. A change in the FDI stock is not used:
    it is not an inflow, and it also moves with valuations and exchange rates."""
    flows = as_published(readings(FDI_FLOW), claim["as_of"])
    if flows.empty:
        return v.Verdict(
            claim["id"],
            v.UNVERIFIABLE,
            "No figure of net foreign direct investment inflows published by the claim's date was located.",
            "inflows fell sharply",
            None,
            LATEST,
            [MACRO],
        )
    latest = flows.iloc[-1]
    pre_war = flows[flows["year"] == 2021]
    baseline = float(pre_war.iloc[0]["value"]) if len(pre_war) else None
    fall = fall_pct(float(latest["value"]), baseline)
    holds = fell_sharply(fall, sharp_fall_pct)
    withdrawn = as_published(readings(WITHDRAWALS), claim["as_of"])
    out = (
        f"; investors who sold Russian businesses took out about ${withdrawn.iloc[0]['value']:g}bn by March 2023"
        if len(withdrawn)
        else ""
    )
    if holds is None:
        conclusion = (
            f"World Bank figures put net foreign direct investment inflows at {latest['value']:g}% of GDP "
            f"in {int(latest['year'])}, and no pre-war figure in that measure was located to size the fall."
        )
    elif latest["value"] < 0:
        conclusion = (
            f"World Bank figures show net foreign direct investment inflows turning to net withdrawals in "
            f"{int(latest['year'])}, {latest['value']:g}% of GDP, a sharp fall{out}."
        )
    else:
        conclusion = (
            f"World Bank figures put net foreign direct investment inflows {fall:.0f}% below the pre-war "
            f"year in {int(latest['year'])}, {'a' if holds else 'not a'} sharp fall{out}."
        )
    verdict = v.Verdict(
        claim["id"],
        rate_latest(holds),
        conclusion,
        f"inflows down by at least {sharp_fall_pct:g}%",
        # a turn to withdrawals with no pre-war figure is a fall of over 100% (the rule's infinity), but no figure
        {"net inflows, % of GDP": float(latest["value"]), "pre-war": baseline, "fall, %": _figure(fall)},
        LATEST,
        [MACRO],
    )
    verdict.sensitivity = v.VAGUE["sharply"].sensitivity(fall, threshold=sharp_fall_pct) if holds is not None else ""
    return verdict


def output_kept_falling(gdp: pd.DataFrame, since: int = 2022) -> bool | None:
    """Whether real GDP fell in every year from `since` on (None: no year with a figure)."""
    years = gdp[gdp["year"] >= since]
    return None if years.empty else bool((years["value"] < 0).all())


def _combine(claim: dict, computed: dict[str, bool | None]) -> tuple[str, list[dict]]:
    """The FINDINGS label of a claim whose parts are partly computed here: the findings available on the
    claim's date, with the holds of the computed parts replaced by the computation."""
    from claimbook.core.evidence import findings

    now, _later = findings(claim["id"])
    parts = {f["part"]: f for f in now if f["role"] in ("core", "detail")}
    missing = [p for p in computed if p not in parts]
    if missing:
        raise EconomyError(f"{claim['id']} has no finding '{missing[0]}' in the record to compute.")
    deciding = [{**f, "holds": computed.get(f["part"], f["holds"])} for f in parts.values()]
    known = [(f["role"], f["holds"]) for f in deciding if f["holds"] is not None]
    return v.rate_findings(known), deciding


def check_weakening(claim: dict, inflation_verdict: v.Verdict, fdi_verdict: v.Verdict) -> v.Verdict:
    """'The economy has kept weakening since the war began': output falling in every year since 2022
    (computed), strains building (inflation soaring and foreign investment down, from the two verdicts), and
    the sanctions detail from the record. Whether sanctions caused any of it is not rated."""
    gdp = gdp_growth(claim["as_of"])
    fell = output_kept_falling(gdp)
    strains = inflation_verdict.label == v.ACCURATE and fdi_verdict.label == v.ACCURATE
    label, _ = _combine(claim, {OUTPUT_PART: fell, STRAINS_PART: strains})
    years = {int(r.year): r.value for r in gdp[gdp["year"] >= 2022].itertuples()}
    grew = [y for y, x in years.items() if x >= 0]
    shrank = [y for y, x in years.items() if x < 0]
    growth = " and ".join(f"{_pct(years[y])} in {y}" for y in grew)
    conclusion = (
        (
            f"Rosstat figures show output fell in {', '.join(map(str, shrank)) or 'no year'} but grew "
            f"{growth or 'in no year'}, so it did not keep weakening, though inflation, interest rates and "
            f"foreign investment had worsened."
        )
        if grew
        else (
            "Rosstat figures show output falling in every year since the war began, with inflation and "
            "foreign investment worsening."
        )
    )
    return v.Verdict(
        claim["id"],
        label,
        conclusion,
        "output falling every year since 2022, with strains",
        {"growth by year": years, "output kept falling": fell, "strains": strains},
        v.FINDINGS,
        [MACRO],
    )


def gas_against_crude(as_of) -> dict:
    """China's 2024 purchases from Russia by value as published by `as_of`: crude, gas (LNG plus pipeline), and
    the pipeline figure's months, with the gas total scaled to twelve months where only part of the year was
    published (an upper estimate, stated as such)."""
    df = china(as_of)
    val = df[(df["unit"] == "USD bn") & (df["year"] == 2024)].set_index("flow")
    if CRUDE not in val.index or not any(f in val.index for f in GAS_FLOWS):
        return {}
    gas_parts = {f: float(val.loc[f, "value"]) for f in GAS_FLOWS if f in val.index}
    months = {f: (9 if val.loc[f, "period"] == "Jan-Sep" else 12) for f in gas_parts}
    scaled = sum(x * 12 / months[f] for f, x in gas_parts.items())
    return {
        "crude": float(val.loc[CRUDE, "value"]),
        "gas": sum(gas_parts.values()),
        "gas_full_year": scaled,
        "partial": any(m < 12 for m in months.values()),
        "total": float(val.loc["all_goods", "value"]) if "all_goods" in val.index else None,
    }


def check_china_purchases(claim: dict) -> v.Verdict:
    """'China makes large strategic purchases of Russian natural resources, particularly gas': the core
    (large) and 'strategic' from the record; 'particularly gas' computed from the values published by the
    claim's date (PARTICULARLY), with the part-year pipeline value scaled to a full year in gas's favour."""
    figures = gas_against_crude(claim["as_of"])
    leads = gas_leads({"gas": figures["gas_full_year"], "crude": figures["crude"]}) if figures else None
    label, _ = _combine(claim, {GAS_PART: leads})
    if not figures:
        conclusion = "No value of China's purchases of Russian crude and gas published by the claim's date was located."
    else:
        share = (
            f", about {figures['crude'] / figures['total'] * 100:.0f}% of all its imports from Russia"
            if figures["total"]
            else ""
        )
        conclusion = (
            f"China's customs data show large purchases, crude alone worth ${figures['crude']:g}bn in "
            f"2024{share}; but gas was worth about ${figures['gas_full_year']:.0f}bn at most, so gas was "
            f"{'the largest part' if leads else 'not the main part'}."
        )
    verdict = v.Verdict(
        claim["id"], label, conclusion, "gas the largest of the purchases", figures, v.FINDINGS, [CHINA]
    )
    return verdict


# --- the figures ------------------------------------------------------------------------------------------------


def day(d, basis="") -> str:
    """A publication date as established: '7 Feb 2025', the month alone ('Feb 2025') where the basis says only
    the month is known, 'date unknown' where there is none."""
    if pd.isna(d):
        return "date unknown"
    return f"{d:%b %Y}" if "end of the month" in (basis if isinstance(basis, str) else "") else f"{d.day} {d:%b %Y}"


def gdp_figure(as_of):
    """Real GDP growth per year as published by `as_of` (hatched bars, each with its publication date) and the
    figures for the same years reported later (diamonds)."""
    from claimbook.chapters import figures

    gdp = gdp_growth(as_of)
    later = published_after(readings(GDP), as_of)
    fig, ax = figures.new(
        f"Russia: real GDP growth as published by {as_of:%d %b %Y}", "Rosstat via news reports (dataset russia_macro)"
    )
    ax.bar(
        gdp["year"],
        gdp["value"],
        color="white",
        edgecolor=figures.HIGHLIGHT,
        hatch="////",
        width=0.6,
        label="figure published by the claim's date (secondary)",
    )
    for r in gdp.itertuples():
        ax.annotate(
            f"{r.value:+.1f}\n({day(r.published)})",
            (r.year, r.value),
            textcoords="offset points",
            xytext=(0, 4 if r.value >= 0 else -22),
            ha="center",
            fontsize=8,
        )
    ax.scatter(
        later["year"] + 0.3,
        later["value"],
        marker="D",
        facecolor="white",
        edgecolor=figures.ACCENT,
        zorder=3,
        label="reported later",
    )
    for r in later.itertuples():
        ax.annotate(
            f"{r.value:+.1f}\n({day(r.published)})",
            (r.year + 0.3, r.value),
            textcoords="offset points",
            xytext=(6, -4),
            fontsize=8,
            color=figures.ACCENT,
            ha="left",
        )
    ax.set_xlim(gdp["year"].min() - 0.6, gdp["year"].max() + 1.1)
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(list(gdp["year"]))
    ax.set_ylim(min(gdp["value"].min(), 0) - 2, max(gdp["value"].max(), later["value"].max()) + 2)
    ax.set_ylabel("Real GDP growth, % on the year before")
    ax.set_xlabel("Year")
    ax.legend(fontsize=8, loc="lower right")
    return figures.done(fig)


def inflation_figure(as_of, soaring_pct: float):
    """December-on-December inflation as bars at the end of each year, the 12-month rate at weekly readings as
    points, the key-rate decisions as steps; the 'soaring' threshold dashed and the claim's date dotted."""
    import matplotlib.dates as mdates

    from claimbook.chapters import figures

    dec = readings("cpi_inflation_dec_dec")
    yoy = readings("cpi_inflation_yoy")
    rate = key_rate()
    fig, ax = figures.new(
        "Russia: inflation and the key rate, as published by early 2025",
        "Rosstat, Ministry of Economic Development and Bank of Russia via news reports (dataset russia_macro)",
    )
    x_dec = pd.to_datetime(dec["year"].astype(str) + "-12-31")
    ax.bar(
        x_dec,
        dec["value"],
        width=120,
        color="white",
        edgecolor=figures.HIGHLIGHT,
        hatch="////",
        label="December on December (Rosstat; secondary)",
    )
    for x, r in zip(x_dec, dec.itertuples()):
        ax.annotate(f"{r.value:g}", (x, r.value), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=8)
    ax.scatter(yoy["date"], yoy["value"], color=figures.ACCENT, zorder=3, label="12-month rate at a weekly reading")
    for r in yoy.itertuples():
        ax.annotate(
            f"{r.value:g} ({r.date:%d %b %Y})",
            (r.date, r.value),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=8,
            color=figures.ACCENT,
        )
    ax.step(
        rate["date"], rate["value"], where="post", color=figures.BASE, marker="s", label="key rate decisions located"
    )
    ax.axhline(soaring_pct, color=figures.BASE, linestyle="--", linewidth=1)
    ax.annotate(
        f"'soaring' threshold, {soaring_pct:g}%",
        (x_dec.min(), soaring_pct),
        textcoords="offset points",
        xytext=(-40, 3),
        fontsize=8,
        color="#555555",
    )
    ax.axvline(as_of, color="#333333", linestyle=":", linewidth=1)
    ax.annotate("claim's date", (as_of, 1), fontsize=8, rotation=90, ha="right", color="#333333")
    ax.set_ylim(0, max(dec["value"].max(), rate["value"].max()) * 1.2)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel("Percent")
    ax.set_xlabel("Date (a December bar stands at the end of its year)")
    ax.legend(fontsize=8, loc="upper left")
    return figures.done(fig)


CHINA_FLOW_NAMES = {"crude_oil": "crude oil", "lng": "LNG", "pipeline_gas_power_of_siberia": "pipeline gas"}


def china_figure(as_of):
    """China's 2024 imports from Russia by value as published by `as_of`, one bar per flow (gas highlighted),
    each labelled with its value and publication date."""
    from claimbook.chapters import figures

    cn = china(as_of)
    values = cn[(cn["unit"] == "USD bn") & (cn["year"] == 2024) & (cn["flow"] != "all_goods")]
    fig, ax = figures.new(
        "China's 2024 imports from Russia by value, as published by early 2025",
        "China customs via Reuters, Russia's Pivot to Asia, SMI.today (dataset china_energy_imports_from_russia)",
    )
    labels = [
        CHINA_FLOW_NAMES[f] + (" (Jan-Sep)" if p != "year" else "") for f, p in zip(values["flow"], values["period"])
    ]
    colours = [figures.BASE if f == "crude_oil" else figures.HIGHLIGHT for f in values["flow"]]
    ax.barh(labels, values["value"], color="white", edgecolor=colours, hatch="////")
    for i, r in enumerate(values.itertuples()):
        ax.annotate(
            f"${r.value:g}bn ({day(r.published, r.published_basis)})",
            (r.value, i),
            textcoords="offset points",
            xytext=(4, -3),
            fontsize=8,
        )
    ax.set_xlim(0, values["value"].max() * 1.35)
    ax.set_xlabel("Billion US dollars")
    ax.invert_yaxis()
    return figures.done(fig)
