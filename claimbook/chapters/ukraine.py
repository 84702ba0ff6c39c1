"""Ukraine's mineral wealth, the occupied territories and the 2025 US-Ukraine agreement: the checks behind
the Ukraine chapter.

Most of the chapter's claims are events and attributions, judged from dated public records
(`claimbook.core.evidence.judge`). Two are computed here from statistics with a threshold for a vague word:
"much" of the critical-mineral wealth in the Russian-held east (UKR-08, SecDev's share of deposits under
Russian control) and "vast" rare-earth deposits in both Russia and Ukraine (UKR-15, the USGS reserves table
of the edition a reader had on the claim's date). The other functions select the figures the Evidence
section shows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from claimbook.chapters import reserves
from claimbook.core import rules as v
from claimbook.core.data import load

DATA = "ukraine_minerals"
RESERVES = reserves.RESERVES

# What each total-value estimate counts, as the dossier describes it (notes of the rows and the sidecar's
# known_issues); `composition`: rows giving shares of the value by commodity.
ESTIMATES: dict[str, dict] = {
    "forbes_ukraine_mineral_value": {
        "short": "Forbes Ukraine",
        "measure": "resources and reserves together",
        "commodities": "all minerals",
        "prices": "",
        "composition": ("forbes_ukraine_share_coal", "forbes_ukraine_share_iron_ore"),
    },
    "reserves_value_critique_mykhailov": {
        "short": "Mykhailov (critique)",
        "measure": "reserves only",
        "commodities": "not stated in the report located",
        "prices": "price basis not stated",
        "composition": (),
    },
    "secdev_total_resource_value": {
        "short": "SecDev",
        "measure": "natural resources in deposits (basis not stated)",
        "commodities": "coal, oil, gas, metals, rare earths and other critical minerals",
        "prices": "price basis not stated",
        "composition": (),
    },
}
UNDER_RUSSIAN_CONTROL = "secdev_value_under_russian_control"
# SecDev's share of Ukraine's rare-earth and other critical-mineral deposits under Russian control: the one
# published share for critical minerals as a group (a share of deposits, counted, not of their value).
REE_UNDER_CONTROL = "secdev_russian_control_rare_earth_critical_minerals"
SIGNED = "us_ukraine_fund_signed"
COUNTRIES = ("Russia", "Ukraine")  # UKR-15, in the claim's order of comparison


# ---------------------------------------------------------------- rules


def rate_share(share: float, threshold: float) -> str:
    """MUCH: a share against the threshold read as 'much'."""
    if share >= threshold:
        return v.ACCURATE
    if share >= threshold / 2:
        return v.MIXED
    return v.INACCURATE


def rate_vast(ranks: dict[str, int | None], top_n: int) -> str:
    """VAST: each country named holds 'vast' deposits when it ranks within the top `top_n` of the reserves
    table (unlisted: it does not); the parts combine as a claim made of parts."""
    if top_n < 1:
        raise v.VerdictError(f"the number of places read as 'vast' must be at least 1, got {top_n}.")
    return v.rate_compound({c: v.ACCURATE if r is not None and r <= top_n else v.INACCURATE for c, r in ranks.items()})


MUCH = v.Rule(
    "much",
    "'Much' of a whole",
    "A published share at or above the threshold read as 'much' is "
    "accurate; below it but at least half of it, mixed; below half of it, inaccurate. The share must "
    "count the things the claim names.",
    rate_share,
)
VAST = v.Rule(
    "vast",
    "'Vast' deposits",
    "A country has 'vast' deposits when it ranks within the top places "
    "read as 'vast' of the USGS rare-earth reserves table in the edition published by the claim's date; "
    "a country the table does not list has none. For several countries the parts combine as for a "
    "claim made of parts: all hold, accurate; half hold, mixed; none, inaccurate.",
    rate_vast,
)


# ---------------------------------------------------------------- data selection


def _rows():
    return load(DATA)


def row(figure_id: str) -> dict:
    """One figure of the dataset as a dict (empty when absent)."""
    df = _rows()
    hit = df[df["figure_id"] == figure_id]
    return {} if hit.empty else hit.iloc[0].to_dict()


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
                f"; {p['figure'].split(chr(39))[0].lower()} {p['share_pct']:g}% of the value" for p in parts if p
            )
            out.append(
                {
                    "figure_id": fid,
                    "estimate": scope["short"],
                    "usd_trillion": float(r["value"]),
                    "qualifier": r["value_qualifier"] if isinstance(r["value_qualifier"], str) else "",
                    "measure": scope["measure"],
                    "commodities": commodities,
                    "prices": _prices(fid),
                    "as_of": r["as_of"],
                    "publisher": r["publisher"],
                    "tier": r["source_tier"],
                }
            )
    return pd.DataFrame(out).sort_values("usd_trillion", ascending=False).reset_index(drop=True)


def national_occupied():
    """Every figure for the share of all of Ukraine held by Russia, oldest first (with the date it applies to
    as a timestamp, `when`)."""
    df = _rows()
    df = df[(df["topic"] == "occupied_territory") & df["region"].isna() & df["share_pct"].notna()].copy()
    df["when"] = pd.to_datetime(df["as_of"].str.slice(0, 7) + "-01")
    return df.sort_values("when").reset_index(drop=True)


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


# ---------------------------------------------------------------- allowed values of parameters


def much_thresholds(params: dict) -> list[float]:
    """Allowed values of `much_pct`: the plausible readings of 'much' (from the book's table of vague words),
    in steps of 5 points, so that the robustness sweep shows where the verdict turns."""
    word = v.VAGUE["much"]
    steps = int(round((word.high - word.low) / 5))
    return sorted({float(word.low + 5 * i) for i in range(steps + 1)} | {float(word.threshold)})


def reserves_editions(params: dict) -> list[int]:
    """Allowed values of `edition`: the complete USGS editions in which Russia has a reserves figure."""
    return reserves.editions({"country": "Russia"})


# ---------------------------------------------------------------- checks


def _month_year(text: str) -> str:
    """'Aug 2022' -> 'August 2022' (other forms unchanged)."""
    try:
        return dt.datetime.strptime(text, "%b %Y").strftime("%B %Y")
    except ValueError:
        return text


def check_much_under_control(claim: dict, much_pct: float) -> v.Verdict:
    """UKR-08: 'much' of Ukraine's rare-earth and critical-mineral wealth lies in the Russian-held east."""
    r = row(REE_UNDER_CONTROL)
    share = float(r["share_pct"])
    label = MUCH(share, much_pct)
    where = "at or above" if share >= much_pct else "below"
    text = (
        f"SecDev counted {share:g}% of Ukraine's rare-earth and other critical-mineral deposits under Russian "
        f"control in {_month_year(str(r['as_of']))}, {where} the {much_pct:g}% read as 'much', though it "
        f"is a share of deposits, not of their value."
    )
    verdict = v.Verdict(claim["id"], label, text, "much of the value", f"{share:g}% of deposits", MUCH, [DATA])
    verdict.sensitivity = v.VAGUE["much"].sensitivity(share, threshold=much_pct)
    return verdict


def _published_after(edition: int, as_of: dt.date) -> bool:
    """USGS publishes MCS <year> at the end of January or in February of that year, so an edition of a later
    year than the claim's date came out after it."""
    return edition > as_of.year


def _ranks(edition: int) -> dict[str, int | None]:
    return {c: reserves.ranks_by_edition(c)[edition] for c in COUNTRIES}


def _edition_text(edition: int, ranks: dict[str, int | None]) -> str:
    """'USGS's 2025 summary ranks Russia 5th with 3.8 million t of rare-earth oxide and lists no reserves for
    Ukraine'."""
    parts = []
    for c, r in ranks.items():
        if r is None:
            parts.append(f"lists no reserves for {c}")
        else:
            t = reserves.figure(c, edition)["reserves_t"]
            parts.append(f"ranks {c} {reserves._ordinal(r)} with {t / 1e6:,.1f} million t of rare-earth oxide")
    return f"USGS's {edition} summary {' and '.join(parts)}"


def check_vast_pair(claim: dict, edition: int, top_n: int) -> v.Verdict:
    """UKR-15: 'Ukraine, like Russia, has vast rare-earth deposits', read from the USGS reserves table of the
    edition a reader had on the claim's date; later editions go to `since_then`."""
    as_of = claim["as_of"]
    if _published_after(edition, as_of):
        raise v.VerdictError(
            f"MCS {edition} was published after the claim's date ({as_of}); choose an edition "
            f"published by then (later editions are shown as published since)."
        )
    ranks = _ranks(edition)
    label = VAST(ranks, top_n)
    held = [c for c, r in ranks.items() if r is not None and r <= top_n]
    scope = "both" if len(held) == len(ranks) else f"{held[0]} only" if held else "neither"
    text = f"{_edition_text(edition, ranks)}; 'vast' is read as the top {top_n}, so the claim holds for {scope}."
    verdict = v.Verdict(claim["id"], label, text, "both have vast deposits", ranks, VAST, [RESERVES])
    verdict.since_then = [
        f"{_edition_text(ed, _ranks(ed))} (published {ed})."
        for ed in reserves.complete_editions()
        if _published_after(ed, as_of)
    ]
    # Only Russia's part can turn (an unlisted country fails at any threshold); a rank holds at or below the
    # threshold.
    verdict.sensitivity = v.VAGUE["vast"].sensitivity(ranks["Russia"], higher_holds=False, threshold=top_n)
    return verdict


# --- the figures ------------------------------------------------------------------------------------------------


def estimates_figure():
    """One bar per published estimate of Ukraine's mineral wealth, smallest first, labelled with what it counts
    and its price basis, Forbes Ukraine's (the one the claims cite) highlighted, and SecDev's value under
    Russian control as its own bar."""
    from claimbook.chapters import figures

    estimates = estimate_table()
    under_control = row(UNDER_RUSSIAN_CONTROL)
    labels = [f"{r.estimate}\n{r.measure}, {r.prices}" for r in estimates.itertuples()]
    values = list(estimates["usd_trillion"])
    colours = [
        figures.HIGHLIGHT if fid == "forbes_ukraine_mineral_value" else figures.BASE for fid in estimates["figure_id"]
    ]
    labels.append(f"SecDev: part under Russian control\n{under_control['as_of']}, lower bound")
    values.append(float(under_control["value"]))
    colours.append(figures.ACCENT)
    order = sorted(range(len(values)), key=lambda i: values[i])
    fig, ax = figures.new(
        "Estimates of the value of Ukraine's mineral wealth",
        "Forbes Ukraine (via UBN); V. Mykhailov (via 112.ua); SecDev (via the Washington Post) - dataset ukraine_minerals",
        size=(7.5, 3.6),
    )
    ax.barh([labels[i] for i in order], [values[i] for i in order], color=[colours[i] for i in order])
    for y, i in enumerate(order):
        ax.text(values[i], y, f"  ${values[i]:,.1f} tn", va="center", fontsize=8)
    ax.set_xlabel("USD trillion (each at its own date and price basis)")
    ax.set_xlim(0, max(values) * 1.2)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=8)
    return figures.done(fig)


def shares_figure(much_pct: float):
    """Forbes' share of value in the three eastern oblasts, then SecDev's share of each resource under Russian
    control (rare earths and other critical minerals highlighted), with the share read as 'much' dashed."""
    import textwrap

    from claimbook.chapters import figures

    three = row("forbes_ukraine_share_three_oblasts")
    fig, ax = figures.new(
        "Shares of Ukraine's resources held by Russia",
        "SecDev via the Washington Post; Forbes Ukraine via UBN - dataset ukraine_minerals",
        size=(7.5, 3.8),
    )
    names = [f"Forbes: value in Donetsk, Luhansk,\nDnipropetrovsk (> {three['share_pct']:g}%, Feb 2023)"]
    shares = [float(three["share_pct"])]
    cols = [figures.SECONDARY]
    for r in control_shares().itertuples():
        names.append("SecDev, under Russian control:\n" + textwrap.fill(f"{r.resource} ({r.as_of})", 34))
        shares.append(float(r.share_pct))
        cols.append(figures.HIGHLIGHT if r.figure_id == REE_UNDER_CONTROL else figures.BASE)
    ax.barh(names[::-1], shares[::-1], color=cols[::-1])
    ax.axvline(much_pct, color=figures.ACCENT, linestyle="--", linewidth=1.2, label=f"'much': {much_pct:g}%")
    ax.set_xlabel("% of the resource or its value")
    ax.set_xlim(0, 100)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=7)
    return figures.done(fig)


def occupied_figure():
    """The reported share of Ukraine's territory held by Russia at each date located, the tracker named beside
    each point, the weak source hollow."""
    from claimbook.chapters import figures

    national = national_occupied()
    fig, ax = figures.new(
        "Share of Ukraine's territory held by Russia, as reported",
        "DeepState, ISW, Guardian analysis of ISW data, europesays (weak) - as reported; dataset ukraine_minerals",
        size=(7.5, 3.4),
    )
    dates = national["when"]
    solid = national["source_tier"] != "weak"
    ax.scatter(dates[solid], national.loc[solid, "share_pct"], color=figures.BASE, zorder=2, label="secondary report")
    ax.scatter(
        dates[~solid],
        national.loc[~solid, "share_pct"],
        facecolor="white",
        edgecolor=figures.BASE,
        zorder=2,
        label="weak source",
    )
    for d, r in zip(dates, national.itertuples()):
        ax.annotate(
            f"{r.share_pct:g}%\n{r.publisher.split(' via ')[0].split(' analysis')[0]}",
            (d, r.share_pct),
            textcoords="offset points",
            xytext=(0, 8) if r.source_tier != "weak" else (0, -26),
            ha="center",
            fontsize=7,
        )
    ax.set_ylim(0, 30)
    ax.set_ylabel("% of Ukraine's territory")
    ax.set_xlabel("Date of the figure")
    ax.set_xlim(dates.min() - pd.Timedelta(days=120), dates.max() + pd.Timedelta(days=120))
    ax.legend(loc="lower right", fontsize=8)
    return figures.done(fig)
