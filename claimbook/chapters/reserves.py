"""Rare-earth reserves: rankings by USGS edition and the checks behind the reserves chapter.

Ranks are computed only from editions whose whole table was read (table_complete); the partial lists
quoted by secondary sources show a country's figure but cannot rank it.

Every check judges a claim in the edition a reader had on the claim's date: the latest complete edition
published by then (and no newer than the `edition` parameter). Editions published after the claim go to
"since then"; older editions that the current one replaced are context and never lift a label.
"""

from __future__ import annotations

import datetime as dt

from claimbook.core import rules as v
from claimbook.core.data import load

RESERVES = "usgs_ree_reserves"
NATIONAL = "russia_ree_national_figures"

# When each complete edition became public. MCS 2025: the dataset's own publication date (31 January 2025,
# also record usgs_mcs2025_ree_reserves_2025_01_31); MCS 2026: the data-release metadata, 6 February 2026
# (record usgs_mcs2026_data_release_2026_02_06); MCS 2024: USGS Publications Warehouse, "January 31, 2024";
# MCS 2023: released on 31 January 2023, the same end-of-January schedule.
PUBLISHED = {
    2023: dt.date(2023, 1, 31),
    2024: dt.date(2024, 1, 31),
    2025: dt.date(2025, 1, 31),
    2026: dt.date(2026, 2, 6),
}


# --- the tables ------------------------------------------------------------------------------------------------


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


def published(edition: int) -> dt.date:
    """The day an edition became public."""
    if edition not in PUBLISHED:
        raise v.VerdictError(f"no publication date is recorded for USGS MCS {edition}.")
    return PUBLISHED[edition]


def edition_for(as_of: dt.date, newest: int | None = None) -> int | None:
    """The edition a reader had on `as_of`: the latest complete edition published by then, and no newer
    than `newest` (None: no complete edition was public yet)."""
    eds = [e for e in complete_editions() if published(e) <= as_of and (newest is None or e <= newest)]
    return max(eds) if eds else None


def later_editions(as_of: dt.date) -> list[int]:
    """Complete editions published after `as_of`, oldest first."""
    return [e for e in complete_editions() if published(e) > as_of]


def countries(params: dict) -> list[str]:
    """Allowed values of `country`: countries with a reported figure in some complete edition."""
    df = _reported()
    return sorted(df.loc[df["table_complete"], "country"].unique())


def editions(params: dict) -> list[int]:
    """Allowed values of `edition`: complete editions in which the chosen country has a figure."""
    df = _reported()
    df = df[df["table_complete"] & (df["country"] == params.get("country", "Russia"))]
    return sorted(int(e) for e in df["edition"].unique())


def rank_in(country: str, edition: int) -> int | None:
    """The country's rank in one complete edition (None where it has no figure)."""
    table = ranking(edition)
    row = table[table["country"] == country]
    return int(row["rank"].iloc[0]) if len(row) else None


def ranks_by_edition(country: str, as_of: dt.date | None = None) -> dict[int, int | None]:
    """The country's rank in every complete edition (only those published by `as_of`, when given)."""
    return {ed: rank_in(country, ed) for ed in complete_editions() if as_of is None or published(ed) <= as_of}


def history(country: str):
    """The country's figure in every edition located (complete or partial), oldest first."""
    df = _reported()
    return df[df["country"] == country].sort_values("edition").reset_index(drop=True)


def figure(country: str, edition: int) -> dict:
    """The country's row in an edition as a dict: value, qualifier, tier, note."""
    df = _reported()
    row = df[(df["country"] == country) & (df["edition"] == edition)]
    if row.empty:
        return {}
    return row.iloc[0].to_dict()


def national_figures(country: str):
    """The national (state-balance) figures Russian officials published, for the chapter's figure."""
    df = load(NATIONAL)
    return df[df["scope"] == "national"] if country == "Russia" else df.iloc[0:0]


# --- the rules this chapter adds --------------------------------------------------------------------------------


def rate_rank_in_edition(claimed: int, rank: int | None) -> str:
    """Label for a claimed rank against the rank in the edition of the day (see RANK_OF_THE_DAY)."""
    if rank is None:
        return v.UNVERIFIABLE
    return v.rate_rank(claimed, {"edition": rank}, "edition")


def rate_top_n(rank: int | None, top_n: int) -> str:
    """Label for 'among the largest / the leaders' read as a rank within `top_n` (see TOP_N)."""
    if top_n < 1:
        raise v.VerdictError(f"the number of places must be at least 1, got {top_n}.")
    if rank is None:
        return v.UNVERIFIABLE
    if rank <= top_n:
        return v.ACCURATE
    return v.MOSTLY_INACCURATE if rank == top_n + 1 else v.INACCURATE


RANK_OF_THE_DAY = v.Rule(
    "rank_of_the_day",
    "Ranks in the edition of the day",
    "A rank is judged in the latest edition of the table published by the claim's date: the same rank is "
    "accurate; one place off, mostly inaccurate; further off, inaccurate; no figure there, unverifiable. Older "
    "editions it replaced and editions published later are shown as context and never change the label.",
    rate_rank_in_edition,
)
TOP_N = v.Rule(
    "top_n",
    "'Among the largest' and 'the leaders'",
    "Read as ranking within a stated number of places in the latest edition published by the claim's date: "
    "within them, accurate; one place beyond, mostly inaccurate; further, inaccurate; no figure, unverifiable.",
    rate_top_n,
)
RULES = (RANK_OF_THE_DAY, TOP_N)


def rank_sensitivity(word: str, rank: int | None, top_n: int) -> str:
    """When another plausible number of places for `word` (v.VAGUE) would change a top-N verdict, say so."""
    vague = v.VAGUE[word]
    if rank is None:
        return ""
    holds = rank <= top_n
    flips = [n for n in range(int(vague.low), int(vague.high) + 1) if (rank <= n) != holds]
    if not flips:
        return ""
    other = f"the top {max(flips)} or fewer" if holds else f"the top {min(flips)} or more"
    return (
        f"The verdict turns on the words '{word}': the record shows {_ordinal(rank)} place, so reading them "
        f"as {other} would change it (plausible readings run from the top {vague.low:g} to the top "
        f"{vague.high:g}; the book uses the top {top_n})."
    )


# --- the checks --------------------------------------------------------------------------------------------------


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _tonnes(x: float, qualifier: str | None = None) -> str:
    more = "more than " if qualifier == ">" else ""
    if x >= 1e6:
        return f"{more}{x / 1e6:,.1f}".rstrip("0").rstrip(".") + " million tonnes"
    return f"{more}{x:,.0f} tonnes"


def _figure_text(row: dict) -> str:
    q = row.get("reserves_qualifier")
    return _tonnes(row["reserves_t"], q if isinstance(q, str) else None)


_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)


def _ordinal(n: int | None) -> str:
    if n is None:
        return "unranked"
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _source(claim: dict, ed: int) -> str:
    """'USGS's 2025 summary, the latest by 29 April 2025,' (or says that a newer one was current)."""
    current = edition_for(claim["as_of"])
    if ed == current:
        return f"USGS's {ed} summary, the latest by {_date(claim['as_of'])},"
    return f"USGS's {ed} summary, older than the {current} one current on {_date(claim['as_of'])},"


def _no_edition(claim: dict, rule: v.Rule, claimed) -> v.Verdict:
    return v.Verdict(
        claim["id"],
        v.UNVERIFIABLE,
        f"No complete USGS table had been published by {_date(claim['as_of'])}, so none can settle this.",
        claimed,
        None,
        rule,
        [RESERVES],
    )


def _later(country: str, as_of: dt.date, shows) -> list[str]:
    """One sentence per USGS edition published after the claim's date, saying what `shows(edition)` says."""
    return [f"USGS's {ed} summary, published {_date(published(ed))}, {shows(ed)}." for ed in later_editions(as_of)]


def _later_amounts(country: str, as_of: dt.date) -> list[str]:
    def shows(ed):
        row = figure(country, ed)
        return f"puts {country}'s reserves at {_figure_text(row)}" if row else f"gives no figure for {country}"

    return _later(country, as_of, shows)


def _later_ranks(country: str, as_of: dt.date) -> list[str]:
    def shows(ed):
        rank = rank_in(country, ed)
        return f"ranks {country} {_ordinal(rank)}" if rank else f"gives no figure for {country}"

    return _later(country, as_of, shows)


def check_amount(claim: dict, country: str, edition: int, tolerance_pct: float) -> v.Verdict:
    """A claimed tonnage against the USGS figure in the edition of the day (NUMBER)."""
    claimed = claim["asserted"]["value"]
    ed = edition_for(claim["as_of"], edition)
    if ed is None:
        return _no_edition(claim, v.NUMBER, claimed)
    row = figure(country, ed)
    when = _source(claim, ed)
    if not row:
        verdict = v.Verdict(
            claim["id"],
            v.UNVERIFIABLE,
            f"{when} gives no reserves figure for {country}.",
            claimed,
            None,
            v.NUMBER,
            [RESERVES],
        )
    else:
        found = row["reserves_t"]
        label = v.NUMBER(claimed, found, tolerance_pct, claim["asserted"].get("qualifier", "about"))
        tail = (
            "as the claim says"
            if label == v.ACCURATE
            else f"{v.deviation_pct(claimed, found):.0f}% from the claimed {_tonnes(claimed)}"
        )
        verdict = v.Verdict(
            claim["id"],
            label,
            f"{when} puts {country}'s reserves at {_figure_text(row)} of rare-earth oxide, {tail}.",
            claimed,
            found,
            v.NUMBER,
            [RESERVES],
        )
    verdict.since_then = _later_amounts(country, claim["as_of"])
    return verdict


def check_rank(claim: dict, country: str, edition: int) -> v.Verdict:
    """A claimed rank against the rank in the edition of the day (RANK_OF_THE_DAY); older editions the
    current one replaced are named in the conclusion as context only."""
    claimed = int(claim["asserted"]["value"])
    ed = edition_for(claim["as_of"], edition)
    if ed is None:
        return _no_edition(claim, RANK_OF_THE_DAY, claimed)
    rank = rank_in(country, ed)
    label = RANK_OF_THE_DAY(claimed, rank)
    tied = int((ranking(ed)["rank"] == rank).sum()) > 1 if rank else False
    rank_text = f"{_ordinal(rank)}{' (tied)' if tied else ''}" if rank else "nowhere, with no figure"
    text = f"{_source(claim, ed)} ranks {country} {rank_text}"
    if label == v.ACCURATE:
        text += ", as the claim says."
    else:
        older = [e for e, r in ranks_by_edition(country, claim["as_of"]).items() if e < ed and r == claimed]
        shared = any(int((ranking(e)["rank"] == claimed).sum()) > 1 for e in older)
        text += f", not {_ordinal(claimed)}"
        text += (
            f"; only the older {' and '.join(map(str, older))} edition{'s' if len(older) > 1 else ''}, "
            f"since replaced, had it {'tied ' if shared else ''}{_ordinal(claimed)}."
            if older
            else "."
        )
    verdict = v.Verdict(claim["id"], label, text, claimed, rank, RANK_OF_THE_DAY, [RESERVES])
    verdict.since_then = _later_ranks(country, claim["as_of"])
    return verdict


def check_top_n(claim: dict, country: str, edition: int, top_n: int, word: str) -> v.Verdict:
    """'Among the largest / the leaders' read as ranking within `top_n` places (TOP_N), the number of
    places being the book's threshold for `word` (v.VAGUE) unless the reader changes it."""
    ed = edition_for(claim["as_of"], edition)
    if ed is None:
        return _no_edition(claim, TOP_N, f"top {top_n}")
    rank = rank_in(country, ed)
    label = TOP_N(rank, top_n)
    table = ranking(ed)
    if rank is None:
        text = f"{_source(claim, ed)} gives no reserves figure for {country}."
    else:
        leader = table.iloc[0]
        side = "within" if label == v.ACCURATE else "outside"
        text = (
            f"{_source(claim, ed)} ranks {country} {_ordinal(rank)} of "
            f"{len(table)} countries, {side} the top {top_n} taken as '{word}'"
        )
        text += f", though {leader['country']} holds {_tonnes(leader['reserves_t'])}." if rank > 1 else "."
    verdict = v.Verdict(claim["id"], label, text, f"top {top_n}", rank, TOP_N, [RESERVES])
    verdict.sensitivity = rank_sensitivity(word, rank, top_n)
    verdict.since_then = _later_ranks(country, claim["as_of"])
    return verdict


def check_larger_than(claim: dict, country: str, other: str, edition: int, min_ratio: float) -> v.Verdict:
    """'A has significantly larger reserves than B' from the same USGS table (COMPARISON), 'significantly'
    being at least `min_ratio` times as large."""
    ed = edition_for(claim["as_of"], edition)
    if ed is None:
        return _no_edition(claim, v.COMPARISON, f"{country} > {other}")
    a = figure(country, ed).get("reserves_t")
    b = figure(other, ed).get("reserves_t")
    label = v.COMPARISON(a, b, min_ratio)
    src = _source(claim, ed)
    ratio = None
    if a is None:
        text = f"{src} gives no reserves figure for {country}, so it cannot settle the comparison."
    elif b is None:
        text = (
            f"{src} lists {country} with {_tonnes(a)} and gives no reserves figure for {other}: it agrees "
            f"{country} has more but does not measure the gap."
        )
    else:
        ratio = a / b
        text = (
            f"{src} gives {country} {_tonnes(a)} and {other} {_tonnes(b)}, {ratio:.1f} times as much, "
            f"against the at least {min_ratio:g} times read as 'significantly'."
        )
    verdict = v.Verdict(claim["id"], label, text, f"{country} > {other}", {"a": a, "b": b}, v.COMPARISON, [RESERVES])
    verdict.sensitivity = v.VAGUE["significantly"].sensitivity(ratio, threshold=min_ratio)
    return verdict


# --- the figures ------------------------------------------------------------------------------------------------


def ranking_figure(country: str, edition: int, top_n: int):
    """Horizontal bars of the `top_n` largest holders in one edition, largest at the top, `country` highlighted,
    each bar labelled with its rank and figure."""
    from claimbook.chapters import figures

    shown = ranking(edition).head(top_n).iloc[::-1]
    fig, ax = figures.new(
        f"Rare-earth reserves by country, USGS MCS {edition}",
        f"USGS Mineral Commodity Summaries {edition}, Rare Earths (dataset usgs_ree_reserves)",
        size=(7.5, 0.32 * len(shown) + 1.4),
    )
    ax.barh(shown["country"], shown["reserves_t"], color=figures.colours(shown["country"], country))
    figures.tonnes_axis(ax.xaxis, "Reserves, million t REO")
    ax.grid(axis="y", visible=False)
    for y, (value, rank) in enumerate(zip(shown["reserves_t"], shown["rank"])):
        ax.text(
            value,
            y,
            f"  #{rank}  {value / 1e6:,.1f}" if value >= 5e4 else f"  #{rank}  {value:,.0f} t",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, shown["reserves_t"].max() * 1.18)
    return figures.done(fig)


def history_figure(country: str, edition: int):
    """The country's figure in every edition located, filled where read from the USGS table, hollow where
    from a secondary report, its rank beside each complete edition; the edition used dashed."""
    from claimbook.chapters import figures

    hist = history(country)
    ranks = ranks_by_edition(country)
    fig, ax = figures.new(
        f"{country}: rare-earth reserves by USGS edition",
        "USGS Mineral Commodity Summaries, editions as located (dataset usgs_ree_reserves)",
    )
    primary = hist[hist["source_tier"] == "primary"]
    secondary = hist[hist["source_tier"] != "primary"]
    ax.plot(hist["edition"], hist["reserves_t"], color=figures.BASE, linewidth=1, zorder=1)
    ax.scatter(
        primary["edition"], primary["reserves_t"], color=figures.HIGHLIGHT, zorder=2, label="USGS table (primary)"
    )
    ax.scatter(
        secondary["edition"],
        secondary["reserves_t"],
        facecolor="white",
        edgecolor=figures.HIGHLIGHT,
        zorder=2,
        label="secondary report of it",
    )
    for ed, value in zip(hist["edition"], hist["reserves_t"]):
        rank = ranks.get(int(ed))
        ax.annotate(
            f"{value / 1e6:,.1f}" + (f" (#{rank})" if rank else ""),
            (ed, value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
        )
    ax.axvline(edition, color=figures.ACCENT, linestyle="--", linewidth=1, label=f"edition used: MCS {edition}")
    figures.tonnes_axis(ax.yaxis, "Reserves, million t REO")
    ax.set_xlabel("Edition of the Mineral Commodity Summaries")
    ax.set_ylim(0, hist["reserves_t"].max() * 1.25)
    ax.legend(loc="upper left")
    return figures.done(fig)


def revisions_text(country: str) -> str:
    """'MCS 2023 to MCS 2024: 10.0 to 3.8 million t; ...' between consecutive editions located ("none")."""
    hist = history(country)
    revisions = [
        (int(a.edition), int(b.edition), a.reserves_t, b.reserves_t)
        for a, b in zip(hist.itertuples(), hist.iloc[1:].itertuples())
        if a.reserves_t != b.reserves_t
    ]
    return (
        "; ".join(f"MCS {a} to MCS {b}: {x / 1e6:,.1f} to {y / 1e6:,.1f} million t" for a, b, x, y in revisions)
        or "none"
    )


def national_figure(country: str, edition: int):
    """The USGS figure (highlighted) beside each national figure Russian officials published, one bar each."""
    import textwrap

    from claimbook.chapters import figures

    national = national_figures(country)
    fig, ax = figures.new(
        f"{country}: USGS reserves and national figures",
        "USGS MCS (usgs_ree_reserves); Russian officials as reported (russia_ree_national_figures)",
    )
    labels = [f"USGS MCS {edition}"] + [
        textwrap.fill(f"{p} ({a})", 34) for p, a in zip(national["publisher"], national["as_of"])
    ]
    values = [figure(country, edition)["reserves_t"]] + list(national["value_t"])
    ax.barh(labels[::-1], values[::-1], color=[figures.BASE] * len(national) + [figures.HIGHLIGHT])
    figures.tonnes_axis(ax.xaxis, "Million t (USGS: REO; national: basis not stated)")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=8)
    return figures.done(fig)
