"""Aluminium: Russia's 2025 offer to the US, the 2023 tariff, and Russia's place in US supply.

Most of the chapter's claims are events and attributions (the offer, the tariff, the Krasnoyarsk proposal):
they are judged from dated public records (`claimbook.core.evidence.judge`). Two are judged here from statistics:

- "Russia supplied about 15% of the US market before the 2023 tariffs": Russia's share of the whole the claim
  names. The US market is USGS *apparent consumption*; Russia's share of it is never published and is derived
  from a published Russian tonnage and one edition's apparent consumption. Editions define apparent
  consumption differently (MCS 2026 counts about 2 Mt more than MCS 2023/2024), so a share is always taken from
  one named edition and never spliced. The label uses the latest edition published by the claim's date; a
  later edition's figure is shown as since then.
- "The 2023 tariffs reduced Russia's presence in the US market": the Russian tonnage of the same products in
  the last year before the tariff against the first year under it, with the threshold of the vague word
  'reduced' from `verdicts.VAGUE`.

The USGS tables also put the offered tonnage in proportion (context for the predictions).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from claimbook.core import rules as v
from claimbook.core.data import load

SMELTER = "aluminium_smelter_production"
SALIENT = "aluminium_us_salient"
IMPORTS = "aluminium_us_imports_from_russia"
EVENTS = "aluminium_policy_events"
OFFER = "aluminium_offer_statements"

TARIFF_YEAR = 2023  # the year Proclamation 10522 took effect: shares before it are "before the tariffs"
# Release dates of the USGS Mineral Commodity Summaries (MCS 2025 is not in the data; MCS 2026 appeared in
# February 2026, after every claim's date, and is dated to the month's end).
MCS_PUBLISHED = {
    2023: dt.date(2023, 1, 31),
    2024: dt.date(2024, 1, 31),
    2025: dt.date(2025, 1, 31),
    2026: dt.date(2026, 2, 28),
}
DEFAULT_YEAR = 2023  # the latest year in the latest edition published before the claims (MCS 2024, estimated)

SHARE_OF = {"apparent_consumption": "US apparent consumption (the US market)", "imports": "US aluminium imports"}


def rate_share(
    claimed: float,
    found: float | None,
    tolerance_pct: float,
    same_whole_other_years: list[float],
    other_whole: list[float],
    qualifier: str = "about",
) -> str:
    """The label for a claimed share of a named whole (see SHARE)."""

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


SHARE = v.Rule(
    "share",
    "Shares of a named whole",
    "A claimed share is compared, as a number, with the share of "
    "the whole the claim names (here the US market) in the last year before the event it names. If it "
    "misses there but matches the same whole in another year, mixed; if it matches only a share of a "
    "different whole (imports instead of the market), mostly inaccurate: the number is real, but it "
    "measures something else.",
    rate_share,
)


def edition_published(edition: int) -> dt.date:
    """When an MCS edition was released (an unknown edition counts as not yet released)."""
    return MCS_PUBLISHED.get(int(edition), dt.date.max)


def editions_by(as_of: dt.date | str, year: int | None = None, metric: str = "apparent_consumption") -> list[int]:
    """Editions in the data released on or before `as_of` (those covering `year`, if given), oldest first."""
    as_of = dt.date.fromisoformat(str(as_of))
    df = _salient(metric)
    if year is not None:
        df = df[df["year"] == year]
    return sorted(int(e) for e in df["edition"].unique() if edition_published(e) <= as_of)


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
    return {
        "value_kt": float(r["value"]),
        "edition": int(r["edition"]),
        "estimated": bool(r["estimated"]),
        "tier": r["source_tier"],
    }


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
    return {
        "value_kt": float(r["primary_aluminium_kt"]),
        "edition": int(r["edition"]),
        "estimated": bool(r["estimated"]),
        "tier": r["source_tier"],
        "capacity_kt": None if pd.isna(r["capacity_kt"]) else float(r["capacity_kt"]),
    }


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
    year = params.get("year", DEFAULT_YEAR)
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
            out.append(
                (
                    int(year),
                    float(r["quantity_t"]),
                    r["product_scope"],
                    r["publisher"],
                    r["source_tier"],
                    [r["figure_id"]],
                )
            )
            continue
        best = min(
            g.groupby("publisher"),
            key=lambda kv: (min(rank[t] for t in kv[1]["source_tier"]), -kv[1]["quantity_t"].sum()),
        )
        pub, rows = best
        scope = " + ".join(rows["product_scope"])
        tier = max(rows["source_tier"], key=lambda t: rank[t])
        out.append((int(year), float(rows["quantity_t"].sum()), scope, pub, tier, list(rows["figure_id"])))
    return pd.DataFrame(out, columns=["year", "quantity_t", "product_scope", "publisher", "source_tier", "figure_ids"])


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
    return (
        out[
            [
                "figure_id",
                "period",
                "year",
                "russia_share_pct",
                "share_qualifier",
                "denominator",
                "product_scope",
                "publisher",
                "source_tier",
                "derived",
            ]
        ]
        .sort_values(["year", "figure_id"])
        .reset_index(drop=True)
    )


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
            rows.append(
                {
                    "whole": label,
                    "value_kt": rec["value_kt"],
                    "edition": rec["edition"],
                    "estimated": rec["estimated"],
                    "tier": rec["tier"],
                    "share_pct": offer_t / (rec["value_kt"] * 1000) * 100,
                }
            )
    return pd.DataFrame(rows)


def events() -> pd.DataFrame:
    return load(EVENTS)


def statements() -> pd.DataFrame:
    return load(OFFER)


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


def like_for_like_decline() -> dict:
    """The first year under the tariff with an annual Russian quantity, and the last year before it with a
    quantity of the same product scope."""
    df = _annual_imports()
    df = df[df["quantity_t"].notna()]
    after = df[df["year"] >= TARIFF_YEAR].sort_values("year")
    for _, a in after.iterrows():
        before = df[
            (df["year"] < TARIFF_YEAR) & (df["product_scope"].str.split().str[0] == a["product_scope"].split()[0])
        ].sort_values("year")
        if len(before):
            b = before.iloc[-1]
            return {"before": b, "after": a}
    return {}


# --- the two statistical checks ----------------------------------------------------------------------


def _mt(t: float) -> str:
    return f"{t / 1e6:,.1f} million t"


def _kt_as_mt(kt: float) -> str:
    return f"{kt / 1000:,.2f}".rstrip("0").rstrip(".") + " million tonnes"


def _share_text(x: float) -> str:
    return f"{x:.1f}%"


def share_found(pre_tariff_year: int, share_of: str, edition: int | None) -> dict:
    """Russia's share of the chosen whole in the chosen year: for apparent consumption, derived from the Russian
    tonnage and that edition's apparent consumption (empty when the edition lacks the year); for imports, the
    published share of the best tier (the largest among equals)."""
    if share_of == "apparent_consumption":
        df = consumption_shares()
        df = df[(df["year"] == pre_tariff_year) & (df["edition"] == edition)]
        if df.empty:
            return {}
        r = df.iloc[-1]
        return {
            "share_pct": float(r["share_pct"]),
            "year": int(r["year"]),
            "edition": int(r["edition"]),
            "quantity_t": float(r["quantity_t"]),
            "scope": r["product_scope"],
            "publisher": r["publisher"],
            "whole_kt": float(r["consumption_kt"]),
            "estimated": bool(r["estimated"]),
        }
    df = import_shares()
    df = df[(df["year"] == pre_tariff_year) & ~df["derived"]]
    if df.empty:
        return {}
    rank = {"primary": 0, "secondary": 1, "weak": 2}
    r = df.assign(t=df["source_tier"].map(rank)).sort_values(["t", "russia_share_pct"], ascending=[True, False]).iloc[0]
    return {
        "share_pct": float(r["russia_share_pct"]),
        "year": int(r["year"]),
        "edition": None,
        "qualifier": r["share_qualifier"] if isinstance(r["share_qualifier"], str) else "",
        "denominator": r["denominator"],
        "publisher": r["publisher"],
    }


def _import_match(claimed: float, tolerance_pct: float) -> pd.Series | None:
    """The published pre-tariff import share closest to the claimed one, if within the tolerance."""
    imp = import_shares()
    imp = imp[(imp["year"] < TARIFF_YEAR) & ~imp["derived"]]
    if imp.empty:
        return None
    best = imp.iloc[min(range(len(imp)), key=lambda i: v.deviation_pct(claimed, imp["russia_share_pct"].iloc[i]))]
    return best if v.deviation_pct(claimed, best["russia_share_pct"]) <= tolerance_pct else None


def check_market_share(
    claim: dict, pre_tariff_year: int, share_of: str, edition: int, tolerance_pct: float
) -> v.Verdict:
    """'Russia supplied about X% of the US market before the 2023 tariffs' (SHARE), as of the claim's date."""
    claimed = float(claim["asserted"]["value"])
    qualifier = claim["asserted"].get("qualifier") or "about"
    as_of = dt.date.fromisoformat(str(claim["as_of"]))
    readable = editions_by(as_of)
    covering = editions_by(as_of, pre_tariff_year)
    used = edition if edition in covering else (max(covering) if covering else None)
    datasets = [IMPORTS, SALIENT] if share_of == "apparent_consumption" else [IMPORTS]
    found = share_found(pre_tariff_year, share_of, used) if (used or share_of == "imports") else {}
    if not found:
        return v.Verdict(
            claim["id"],
            v.UNVERIFIABLE,
            f"The data give no share of {SHARE_OF[share_of]} for {pre_tariff_year} published by {as_of:%d %B %Y}.",
            claimed,
            None,
            SHARE,
            datasets,
        )
    imp = import_shares()
    imp = imp[(imp["year"] < TARIFF_YEAR) & ~imp["derived"]]
    cons = consumption_shares()
    cons = cons[(cons["year"] < TARIFF_YEAR) & cons["edition"].isin(readable)]
    if share_of == "apparent_consumption":
        same_other = list(cons.loc[cons["year"] != pre_tariff_year, "share_pct"])
        other_whole = list(imp["russia_share_pct"])
    else:
        same_other = list(imp.loc[imp["year"] != pre_tariff_year, "russia_share_pct"])
        other_whole = list(cons["share_pct"])
    label = rate_share(claimed, found["share_pct"], tolerance_pct, same_other, other_whole, qualifier)
    match = _import_match(claimed, tolerance_pct)
    if share_of == "apparent_consumption":
        text = (
            f"Russia's {found['quantity_t']:,.0f} tonnes of {found['scope']} in {found['year']} "
            f"({found['publisher'].split(' citing')[0]}) were {_share_text(found['share_pct'])} of US apparent "
            f"consumption in USGS's {found['edition']} edition, not {claimed:g}%"
        )
        if match is not None and label != v.ACCURATE:
            full = (
                f"{text}; {claimed:g}% was Russia's {int(match['year'])} share of "
                f"{match['denominator']} ({match['russia_share_pct']:g}%)."
            )
            short = f"{text}; {claimed:g}% was a {int(match['year'])} share of US imports."
            text = full if len(full.split()) <= v.MAX_CONCLUSION_WORDS else short
        else:
            text += "."
    else:
        q = "roughly " if found["qualifier"] == "about" else ""
        text = (
            f"{found['publisher'].split(' (')[0]} put Russia at {q}{found['share_pct']:g}% of "
            f"{found['denominator']} in {found['year']}, against the claimed {claimed:g}%"
        )
        if label == v.MIXED and match is not None:
            text += (
                f"; the figure matches {int(match['year'])} ({match['russia_share_pct']:g}%), years before the tariffs."
            )
        else:
            text += "."
    verdict = v.Verdict(claim["id"], label, text, claimed, round(found["share_pct"], 2), SHARE, datasets)
    if share_of == "apparent_consumption":
        verdict.since_then = _later_editions(found, as_of)
        if edition != used:
            verdict.since_then.insert(
                0,
                f"The edition chosen, USGS's {edition}, was not available on "
                f"{as_of:%d %B %Y}; the label uses the {used} edition, the latest then.",
            )
    return verdict


def _later_editions(found: dict, as_of: dt.date) -> list[str]:
    """The same share with editions released after the claim's date, one sentence each."""
    cons = consumption_shares()
    later = cons[(cons["year"] == found["year"]) & (cons["quantity_t"] == found["quantity_t"])]
    out = []
    for r in later.itertuples():
        published = edition_published(r.edition)
        if published > as_of:
            out.append(
                f"USGS's {r.edition} edition, released in {published:%B %Y}, counts US apparent "
                f"consumption in {found['year']} as {_kt_as_mt(r.consumption_kt)} under a wider "
                f"definition, which would make Russia's share {_share_text(r.share_pct)}."
            )
    return out


def check_decline(claim: dict, decline_ratio: float) -> v.Verdict:
    """'The 2023 tariffs reduced Russia's presence in the US market' (COMPARISON, with the threshold of the
    vague word 'reduced'): the same products, last year before the tariff against the first year under it."""
    pair = like_for_like_decline()
    if not pair:
        return v.Verdict(
            claim["id"],
            v.UNVERIFIABLE,
            "The data hold no Russian tonnage of the same products before and after the tariff.",
            "a fall",
            None,
            v.COMPARISON,
            [IMPORTS],
        )
    b, a = pair["before"], pair["after"]
    before, after = float(b["quantity_t"]), float(a["quantity_t"])
    label = v.COMPARISON(before, after, decline_ratio)
    ratio = before / after if after else float("inf")
    text = (
        f"Trade data reported by {b['publisher'].split(' citing')[0]} and a trade-data table show US imports of "
        f"Russian unwrought aluminium fell from {before:,.0f} tonnes in {int(b['year'])} to {after:,.0f} in "
        f"{int(a['year'])}, when the 200% tariff took effect: {ratio:,.0f} times less."
    )
    verdict = v.Verdict(
        claim["id"],
        label,
        text,
        f"a fall to at most 1/{decline_ratio:g}",
        {"before_t": before, "after_t": after, "ratio": round(ratio, 2)},
        v.COMPARISON,
        [IMPORTS],
    )
    verdict.sensitivity = v.VAGUE["reduced"].sensitivity(round(ratio, 2))
    return verdict


# --- the figures ------------------------------------------------------------------------------------------------

PROPORTION_ORDER = (
    "US primary aluminium production",
    "US imports (crude and semi-manufactures)",
    "US apparent consumption",
    "world primary aluminium output",
    "Russia's primary aluminium output",
)


def _edition_colours() -> dict[int, str]:
    from claimbook.chapters import figures

    return {2023: "#009E73", 2024: "#56B4E9", 2026: figures.ACCENT}


def proportion_figure(offer_t: float, year: int, edition: int):
    """One bar per whole that the offered tonnage is a share of (offer_in_proportion), Russia's in the
    highlight colour, the world's grey, the US wholes blue; the whole itself (100%) dotted."""
    from claimbook.chapters import figures

    prop = offer_in_proportion(offer_t, year, edition).set_index("whole")
    shown = prop.loc[[w for w in PROPORTION_ORDER if w in prop.index]]
    fig, ax = figures.new(
        f"{offer_t / 1e6:,.1f} million t a year as a share of ..., {year}",
        "USGS Mineral Commodity Summaries, Aluminum (datasets aluminium_smelter_production, aluminium_us_salient)",
        size=(7.5, 3.6),
    )
    labels = [
        f"{w}, {year}\n({r.value_kt:,.0f} kt, MCS {r.edition}{', estimated' if r.estimated else ''})"
        for w, r in shown.iterrows()
    ]
    colours = [
        figures.HIGHLIGHT if w.startswith("Russia") else figures.BASE if w.startswith("world") else figures.ACCENT
        for w in shown.index
    ]
    ax.barh(labels, shown["share_pct"], color=colours)
    ax.axvline(100, color="#333333", linewidth=0.8, linestyle=":")
    ax.text(100, len(shown) - 0.5, " = the whole", fontsize=8, va="center")
    for y, value in enumerate(shown["share_pct"]):
        ax.text(value, y, f"  {value:,.1f}%", va="center", fontsize=8)
    ax.set_xlim(0, max(shown["share_pct"].max(), 100) * 1.15)
    ax.set_xlabel("Offered tonnage as % of the whole")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=8)
    return figures.done(fig)


def _decimal_year(ts) -> float:
    return ts.year + (ts.day_of_year - 1) / 365.25


def measure_marks() -> list[tuple[float, str, str]]:
    """The measures against Russian aluminium marked on the share figure: (decimal year, event, event id)."""
    marks = []
    for _, r in events().iterrows():
        if "effective" in r["event"] or r["event"].startswith("Proclamation 9704") or "ban" in r["event"]:
            when = r["effective_date"] if pd.notna(r["effective_date"]) else r["date"]
            if pd.isna(when):
                when = pd.Timestamp(str(r["date_text"]) + "-01")
            marks.append((_decimal_year(when), r["event"], r["event_id"]))
    return marks


def shares_figure(claimed: float):
    """Two panels by year: left, Russia's share of US imports as published, a marker per denominator (hollow:
    weak source); right, its derived share of US apparent consumption, one colour per USGS edition. The claimed
    share dashed, the measures against Russian aluminium dotted."""
    import matplotlib.lines as mlines

    from claimbook.chapters import figures

    imp = import_shares()
    cons_shares = consumption_shares()
    marks = measure_marks()
    fig, (left, right) = figures.new(
        "Russia in US aluminium supply: share of imports and share of the market",
        "aluminium_us_imports_from_russia (as published); aluminium_us_salient (USGS MCS, by edition); "
        "aluminium_policy_events",
        size=(10, 4.6),
        ncols=2,
    )
    groups = {"US imports of unwrought aluminum and alloys": "o", "total US aluminum imports": "s"}
    for denom, g in imp.groupby("denominator"):
        marker = groups.get(denom, "^" if not g["derived"].any() else "D")
        x = g["year"] + 0.5
        filled = g["source_tier"] != "weak"
        left.scatter(x[filled], g.loc[filled, "russia_share_pct"], marker=marker, color=figures.HIGHLIGHT, zorder=3)
        left.scatter(
            x[~filled],
            g.loc[~filled, "russia_share_pct"],
            marker=marker,
            facecolor="white",
            edgecolor=figures.HIGHLIGHT,
            zorder=3,
        )
    handles = [
        mlines.Line2D([], [], marker=m, linestyle="", color=figures.HIGHLIGHT, label=lab)
        for lab, m in [
            ("of unwrought aluminium & alloy imports", "o"),
            ("of all aluminium imports", "s"),
            ("of all product imports, 1st half", "^"),
            ("of unwrought imports, derived", "D"),
        ]
    ]
    handles.append(
        mlines.Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=figures.HIGHLIGHT,
            label="hollow: weak source",
        )
    )
    left.set_title("Share of US imports (as published)", loc="left", fontsize=10)
    edition_colours = _edition_colours()
    offsets = {2023: -0.15, 2024: 0.0, 2026: 0.15}
    for ed, g in cons_shares.groupby("edition"):
        filled = g["source_tier"] != "weak"
        x = g["year"] + 0.5 + offsets.get(ed, 0)
        col = edition_colours.get(ed, figures.BASE)
        right.scatter(x[filled], g.loc[filled, "share_pct"], color=col, zorder=3, label=f"with MCS {ed}")
        right.scatter(x[~filled], g.loc[~filled, "share_pct"], facecolor="white", edgecolor=col, zorder=3)
    right.scatter([], [], facecolor="white", edgecolor=figures.BASE, label="hollow: weak source for the tonnage")
    right.set_title("Share of US apparent consumption (derived)", loc="left", fontsize=10)
    for ax in (left, right):
        ax.axhline(claimed, color="#333333", linestyle="--", linewidth=0.8)
        ax.text(2019.2, claimed + 0.3, f"claimed: about {claimed:g}%", fontsize=8)
        for x, _, _ in marks:
            ax.axvline(x, color=figures.BASE, linestyle=":", linewidth=1)
        ax.set_xlim(2017, 2025)
        ax.set_xticks(range(2017, 2026), [""] * 9)  # gridlines at the turn of each year
        ax.set_xticks([y + 0.5 for y in range(2017, 2025)], [str(y) for y in range(2017, 2025)], minor=True, fontsize=8)
        ax.tick_params(axis="x", which="minor", length=0)
        ax.set_ylim(0, claimed * 1.25)
        ax.set_ylabel("Russia's share, %")
        ax.set_xlabel("Year (dotted lines: measures against Russian aluminium)")
    short = {
        "proclamation_9704": "Proclamation 9704",
        "tariff_200pct_russian_origin_effective": "200% tariff",
        "us_ban_new_russian_aluminum_copper_nickel": "import ban",
    }
    for x, _, eid in marks:
        if eid in short:
            left.text(
                x, claimed * 1.24, short[eid] + " ", fontsize=6.5, rotation=90, va="top", ha="right", color="#555555"
            )
    left.legend(handles=handles, loc="center right", fontsize=7)
    right.legend(loc="center right", fontsize=7)
    return figures.done(fig)


def consumption_figure():
    """US apparent consumption by year, one line per USGS edition (never joined across editions), the
    edition's estimates hollow."""
    from claimbook.chapters import figures

    cons = salient_series("apparent_consumption")
    edition_colours = _edition_colours()
    fig, ax = figures.new(
        "US apparent consumption of aluminium, as each USGS edition gives it",
        "USGS Mineral Commodity Summaries 2023, 2024, 2026, Aluminum (dataset aluminium_us_salient)",
    )
    for ed, g in cons.groupby("edition"):
        col = edition_colours.get(ed, figures.BASE)
        ax.plot(g["year"], g["value"] * 1000, color=col, linewidth=1.2, label=f"MCS {ed}")
        est = g["estimated"].astype(bool)
        ax.scatter(g.loc[~est, "year"], g.loc[~est, "value"] * 1000, color=col, zorder=3)
        ax.scatter(g.loc[est, "year"], g.loc[est, "value"] * 1000, facecolor="white", edgecolor=col, zorder=3)
    figures.tonnes_axis(ax.yaxis, "Apparent consumption, million t")
    ax.set_xlabel("Year (hollow: estimated in that edition)")
    ax.set_ylim(0, cons["value"].max() * 1000 * 1.15)
    ax.legend(loc="lower right")
    return figures.done(fig)
