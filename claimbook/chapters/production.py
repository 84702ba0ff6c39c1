"""Rare-earth mine production: shares of world output by USGS edition, and the checks behind the
production chapter.

Every edition of the Mineral Commodity Summaries (MCS) reports two production years and revises the
earlier one, so a figure is always read as (edition, year). Shares are computed within one edition and
year, against the world total that edition publishes, and only from editions whose whole world table was
read (table_complete); the US salient statistics and the partial lists that secondary sources quote give
a country's tonnage but no share.

Three claims are computed here from those tables (a share, "the bulk", "underdeveloped"); each is judged on
the edition a reader had on the claim's date, and later editions are reported as what changed since. The
chapter's other claims are events, attributions and opinions, judged from dated public records
(`claimbook.core.evidence.judge`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from claimbook import ClaimbookError
from claimbook.chapters import reserves
from claimbook.core import evidence
from claimbook.core import rules as v
from claimbook.core.data import load

PRODUCTION = "usgs_ree_mine_production"
RESERVES = reserves.RESERVES
PROCESSING = "ree_processing_shares"

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
            rows.append(
                {
                    "edition": int(ed),
                    "year": int(yr),
                    "production_t": float(row["production_t_reo"]),
                    "world_t": world_total(int(ed), int(yr)),
                    "share_pct": float(row["share_pct"]),
                    "estimated": bool(row["estimated"]) if pd.notna(row["estimated"]) else None,
                    "source_tier": row["source_tier"],
                }
            )
    return pd.DataFrame(
        rows, columns=["edition", "year", "production_t", "world_t", "share_pct", "estimated", "source_tier"]
    )


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
        p[["country", "production_t_reo", "share_pct"]], on="country", how="left"
    )
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


def _tonnes(x: float) -> str:
    return f"{x:,.0f}"


def _pct(x: float) -> str:
    return f"{x:.2f}%" if x < 10 else f"{x:.0f}%"


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _summary(edition: int) -> str:
    return f"USGS's {edition} summary"


# --- which edition a reader had ----------------------------------------------------------------------------

# Editions whose release is a stored public record; the others came out, as USGS's summaries do, at the end of
# January of their year.
RELEASE_RECORDS = {2025: "usgs_mcs2025_ree_reserves_2025_01_31", 2026: "usgs_mcs2026_data_release_2026_02_06"}


def published(edition: int) -> dt.date:
    """When an edition became public: the date of its stored record (MCS 2025: 31 January 2025; MCS 2026:
    6 February 2026, from USGS's data-release metadata), else 31 January of the edition's year."""
    rid = RELEASE_RECORDS.get(edition)
    return evidence.records()[rid]["published"] if rid else dt.date(edition, 1, 31)


def public_editions(as_of: dt.date) -> list[int]:
    """Complete production editions public on `as_of`, oldest first."""
    eds = sorted(int(e) for e in _complete()["edition"].dropna().unique())
    return [e for e in eds if published(e) <= as_of]


def reader_edition(as_of: dt.date, edition: int, year: int) -> tuple[int, int] | None:
    """The (edition, year) a claim dated `as_of` is judged on: the chosen pair when that edition was public by
    then; otherwise the newest edition public by then, with the chosen year if it reports it, else its latest
    year. None when no edition was public."""
    if published(edition) <= as_of:
        return edition, year
    eds = public_editions(as_of)
    if not eds:
        return None
    e = eds[-1]
    yrs = sorted(int(y) for y in _complete().loc[_complete()["edition"] == e, "year"].unique())
    return e, (year if year in yrs else yrs[-1])


def _as_read(edition: int, as_of: dt.date) -> str:
    """'USGS's 2025 summary, the latest on 31 January 2026,' (the clause only when it was the latest)."""
    eds = public_editions(as_of)
    latest = f", the latest on {_date(as_of)}," if eds and edition == eds[-1] else ""
    return _summary(edition) + latest


def _reported_later(claim_id: str) -> bool:
    """Whether the claim's records already report a later edition of the production table (so the computed
    'since then' would repeat them)."""
    try:
        _now, later = evidence.findings(claim_id)
    except ClaimbookError:  # not a claim of the register (a synthetic one): no records
        return False
    return any(PRODUCTION in (f.get("datasets") or []) for f in later)


def later_shares(country: str, as_of: dt.date) -> list[str]:
    """One sentence per edition published after `as_of`: the country's tonnage and share for each year it
    reports (shown as since then, never deciding)."""
    out = []
    s = shares(country)
    for ed, grp in s[s["edition"].map(lambda e: published(int(e)) > as_of)].groupby("edition"):
        figs = " and ".join(
            f"{_tonnes(r.production_t)} of {_tonnes(r.world_t)} tonnes in {r.year} ({_pct(r.share_pct)})"
            for r in grp.itertuples()
        )
        out.append(f"{_summary(int(ed))}, published {_date(published(int(ed)))}, gives {_name(country)} {figs}.")
    return out


# --- checks of the statistical claims ------------------------------------------------------------------------


def check_share(claim: dict, country: str, edition: int, year: int, tolerance_pp: float) -> v.Verdict:
    """A claimed share of world mine output ('about N%') against the edition a reader had (POINTS): the gap in
    percentage points; a tolerance of half a point means the record rounds to the claimed whole percent."""
    as_of = claim["as_of"]
    claimed = float(claim["asserted"]["value"])
    qualifier = claim["asserted"].get("qualifier", "about")
    pick = reader_edition(as_of, edition, year)
    row = figure(country, *pick) if pick else {}
    total = world_total(*pick) if pick else None
    if not pick or not row or total is None:  # no summary public by then, no row for the country, or no world total
        text = f"No USGS summary public on {_date(as_of)} gives {_name(country)}'s share of world mine output" + (
            f" in {pick[1]}." if pick else "."
        )
        return v.Verdict(claim["id"], v.UNVERIFIABLE, text, claimed, None, v.POINTS, [PRODUCTION])
    ed, yr = pick
    found = float(row["share_pct"])
    label = v.POINTS(claimed, found, tolerance_pp, qualifier)
    gap = abs(claimed - found)
    head = (
        f"{_as_read(ed, as_of)} gives {_name(country)} {_tonnes(row['production_t_reo'])} of "
        f"{_tonnes(total)} tonnes mined in {yr}, {_pct(found)} of world output"
    )
    if label == v.ACCURATE:
        tail = f", about {claimed:g}% as the article says" + (", and below it." if found <= claimed else ".")
    else:
        tail = (
            f", {gap:.2f} points {'below' if found < claimed else 'above'} the claimed {claimed:g}%, more "
            f"than the {tolerance_pp:g} points allowed."
        )
    verdict = v.Verdict(claim["id"], label, head + tail, claimed, round(found, 2), v.POINTS, [PRODUCTION])
    if not _reported_later(claim["id"]):
        verdict.since_then = later_shares(country, as_of)
    return verdict


def _share_words(threshold_pct: float) -> str:
    return "more than half" if threshold_pct == 50 else f"more than {threshold_pct:g}%"


def check_bulk(
    claim: dict, country: str, edition: int, year: int, threshold_pct: float = v.VAGUE["the bulk"].threshold
) -> v.Verdict:
    """'Country X accounts for the bulk of world mining': X's share above the threshold (HOLDS), in the
    edition-year a reader had and in every other edition-year public on the claim's date."""
    as_of = claim["as_of"]
    pick = reader_edition(as_of, edition, year)
    s = shares(country)
    s = s[s["edition"].isin(public_editions(as_of))]
    holds: dict[tuple[int, int], bool | None] = {
        (int(r.edition), int(r.year)): bool(r.share_pct > threshold_pct) for r in s.itertuples()
    }
    row = figure(country, *pick) if pick else {}
    total = world_total(*pick) if pick else None
    if not pick or not row or total is None:  # as in check_share: without the world total there is no share
        text = f"No USGS summary public on {_date(as_of)} gives {_name(country)}'s share of world mine output."
        return v.Verdict(claim["id"], v.UNVERIFIABLE, text, f"> {threshold_pct:g}%", None, v.HOLDS, [PRODUCTION])
    ed, yr = pick
    holds.setdefault(pick, None)
    label = v.HOLDS(holds, pick)
    found = float(row["share_pct"])
    words = _share_words(threshold_pct)
    head = (
        f"{_as_read(ed, as_of)} gives {_name(country)} {_tonnes(row['production_t_reo'])} of "
        f"{_tonnes(total)} tonnes mined in {yr}, {_pct(found)} of world output, "
        + (f"{words}, as the article says" if holds[pick] else f"not {words}")
    )
    others = [h for k, h in holds.items() if k != pick and h is not None]
    first = min(e for e, _ in holds)
    if others and all(h == holds[pick] for h in others):
        tail = f"; every summary since {first} agrees."
    elif others:
        tail = (
            f"; {sum(others)} of the {len(others)} other years in summaries since {first} "
            f"{'is' if sum(others) == 1 else 'are'} {words}."
        )
    else:
        tail = "."
    verdict = v.Verdict(
        claim["id"], label, head + tail, f"> {threshold_pct:g}%", round(found, 1), v.HOLDS, [PRODUCTION]
    )
    # the sentence names the thresholds that would flip the verdict: above the share while it holds
    verdict.sensitivity = v.VAGUE["the bulk"].sensitivity(round(found, 1), threshold=threshold_pct)
    if not _reported_later(claim["id"]):
        verdict.since_then = later_shares(country, as_of)
    return verdict


def development_ratio(country: str, edition: int, year: int | None = None) -> dict:
    """The country's share of world output divided by its share of world reserves, one edition (production
    year: `year`, or the edition's latest year). {} when that edition lacks either table or the country."""
    year = year or latest_year(edition)
    h = holders(edition, year) if year else pd.DataFrame()
    row = h[h["country"] == country] if len(h) else h
    if row.empty:
        return {}
    r = row.iloc[0]
    return {
        "edition": edition,
        "year": year,
        "production_share_pct": float(r["share_pct"]),
        "reserves_share_pct": float(r["reserves_share_pct"]),
        "ratio": float(r["share_pct"]) / float(r["reserves_share_pct"]),
    }


def check_underdeveloped(
    claim: dict, country: str, edition: int, year: int, max_ratio: float = v.VAGUE["underdeveloped"].threshold
) -> v.Verdict:
    """'Underdeveloped relative to its resources': the share of world output below `max_ratio` times the share
    of world reserves, both from one edition (HOLDS), in the edition a reader had and in every other edition
    with both tables public on the claim's date."""
    as_of = claim["as_of"]
    pick = reader_edition(as_of, edition, year)
    ed, yr = pick if pick else (edition, year)
    eds = sorted({e for e in reserves.complete_editions() if published(e) <= as_of} | {ed})
    ratios = {e: development_ratio(country, e, yr if e == ed else None) for e in eds}
    holds = {e: (r["ratio"] < max_ratio) if r else None for e, r in ratios.items()}
    claimed = f"ratio < {max_ratio:g}"
    ref = ratios[ed] if pick else {}
    others = {e: h for e, h in holds.items() if e != ed and h is not None}
    if not pick or (not ref and not others):
        text = (
            f"No USGS summary public on {_date(as_of)} gives both {_name(country)}'s reserves and its mine "
            f"output to compare."
        )
        return v.Verdict(claim["id"], v.UNVERIFIABLE, text, claimed, None, v.HOLDS, [PRODUCTION, RESERVES])
    label = v.HOLDS(holds, ed)
    limit = "half" if max_ratio == 0.5 else f"{max_ratio:g} times"
    found = {e: round(r["ratio"], 3) for e, r in ratios.items() if r}
    if not ref:  # the chosen edition has no reserves table: judged on the editions that have both
        n = sum(others.values())
        text = (
            f"{_summary(ed)} has no reserves table; {n} of the {len(others)} summaries since {min(others)} "
            f"that have one give {_name(country)} a share of world mine output under {limit} its reserves share."
        )
        return v.Verdict(claim["id"], label, text, claimed, found, v.HOLDS, [PRODUCTION, RESERVES])
    limit = "half" if max_ratio == 0.5 else f"{max_ratio:g} times"
    head = (
        f"{_as_read(ed, as_of)} gives {_name(country)} {ref['reserves_share_pct']:.1f}% of listed world "
        f"reserves but {_pct(ref['production_share_pct'])} of world mine output in {ref['year']}, "
        f"{ref['ratio']:.2f} times its reserves share, {'under' if holds[ed] else 'not under'} {limit}"
        + (", as the article says" if holds[ed] else "")
    )
    if not others:
        tail = "."
    elif all(h == holds[ed] for h in others.values()):
        tail = f"; every summary since {min(others)} agrees."
    else:
        differ = [str(e) for e, h in others.items() if h != holds[ed]]
        tail = f"; the {' and '.join(differ)} {'summary differs' if len(differ) == 1 else 'summaries differ'}."
    verdict = v.Verdict(claim["id"], label, head + tail, claimed, found, v.HOLDS, [PRODUCTION, RESERVES])
    # the sentence names the thresholds that would flip the verdict: at or below the ratio while it holds
    verdict.sensitivity = v.VAGUE["underdeveloped"].sensitivity(
        round(ref["ratio"], 2), higher_holds=False, threshold=max_ratio
    )
    later = [e for e in reserves.complete_editions() if published(e) > as_of]
    verdict.since_then = [
        f"{_summary(e)}, published {_date(published(e))}, gives {_name(country)} {r['reserves_share_pct']:.1f}% of "
        f"listed reserves and {_pct(r['production_share_pct'])} of world mine output in {r['year']}, "
        f"{r['ratio']:.2f} times its reserves share."
        for e in later
        if (r := development_ratio(country, e))
    ]
    return verdict


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


# --- the figures ------------------------------------------------------------------------------------------------


def production_figure(country: str):
    """Mine production by country and year on a log scale, each year from the newest edition: one grey line
    per producer (named when it ends at 10,000 t or more), the world dashed, `country` highlighted with its
    primary (filled) and secondary (hollow) points."""
    from claimbook.chapters import figures

    series = latest_series()
    hist = history(country)
    fig, ax = figures.new(
        "Rare-earth mine production by country",
        "USGS Mineral Commodity Summaries, Rare Earths, each year from the newest edition (dataset usgs_ree_mine_production)",
        size=(7.5, 4.6),
    )
    last = series["year"].max()
    for name, grp in series[(series["entity"] != "other") & (series["production_t_reo"] > 0)].groupby("country"):
        if name == country:
            continue
        is_world = name == "World"
        ax.plot(
            grp["year"],
            grp["production_t_reo"],
            color=figures.ACCENT if is_world else figures.BASE,
            linestyle="--" if is_world else "-",
            linewidth=1.4 if is_world else 0.9,
            zorder=1,
        )
        end = grp[grp["year"] == grp["year"].max()].iloc[0]
        if is_world or end["production_t_reo"] >= 10_000:
            ax.annotate(
                name,
                (end["year"], end["production_t_reo"]),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=figures.ACCENT if is_world else "#555555",
            )
    own = hist[hist["production_t_reo"] > 0]
    ax.plot(own["year"], own["production_t_reo"], color=figures.HIGHLIGHT, linewidth=2.2, zorder=3)
    primary = own[own["source_tier"] == "primary"]
    other = own[own["source_tier"] != "primary"]
    ax.scatter(
        primary["year"],
        primary["production_t_reo"],
        color=figures.HIGHLIGHT,
        zorder=4,
        s=22,
        label=f"{country}, USGS (primary)",
    )
    if len(other):
        ax.scatter(
            other["year"],
            other["production_t_reo"],
            facecolor="white",
            edgecolor=figures.HIGHLIGHT,
            zorder=4,
            s=26,
            label=f"{country}, secondary report",
        )
    end = own.iloc[-1]
    ax.annotate(
        country,
        (end["year"], end["production_t_reo"]),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        color=figures.HIGHLIGHT,
        fontweight="bold",
    )
    ax.set_yscale("log")
    ax.set_ylabel("Mine production, t REO (log scale)")
    ax.set_xlabel("Production year")
    ax.set_xlim(min(series["year"].min(), own["year"].min()) - 0.3, last + 1.6)
    ax.legend(loc="lower left", fontsize=8)
    return figures.done(fig)


def older_text(country: str) -> str:
    """The country's figures outside the complete tables, with source and tier, as one sentence ("none")."""
    hist = history(country)
    older = hist[~hist["table_complete"].fillna(False).astype(bool)]
    return (
        "; ".join(
            f"{int(r.year)}: {r.production_t_reo:,.0f} t ({r.source_edition}, {r.source_tier})"
            for r in older.itertuples()
        )
        or "none"
    )


def share_figure(country: str, edition: int, claimed_pct: float, tolerance_pp: float):
    """The country's share of world output by year, one line per edition (the edition used highlighted), with
    the claimed share and its tolerance as a band."""
    from claimbook.chapters import figures

    by_edition = shares(country)
    fig, ax = figures.new(
        f"{country}: share of world rare-earth mine output, by USGS edition",
        "USGS Mineral Commodity Summaries, Rare Earths, world tables (dataset usgs_ree_mine_production)",
    )
    ax.axhspan(
        claimed_pct - tolerance_pp,
        claimed_pct + tolerance_pp,
        color=figures.SECONDARY,
        alpha=0.15,
        label=f"claimed about {claimed_pct:g}%, ± {tolerance_pp:g} points",
    )
    ax.axhline(claimed_pct, color=figures.SECONDARY, linewidth=1)
    for ed, grp in by_edition.groupby("edition"):
        chosen = ed == edition
        colour = figures.HIGHLIGHT if chosen else figures.BASE
        ax.plot(
            grp["year"],
            grp["share_pct"],
            color=colour,
            marker="o",
            linewidth=2 if chosen else 1,
            zorder=3 if chosen else 2,
            label=f"MCS {ed} (edition used)" if chosen else None,
        )
        end = grp.iloc[-1]
        ax.annotate(
            f"MCS {ed}",
            (end["year"], end["share_pct"]),
            xytext=(5, 4 if ed % 2 else -9),
            textcoords="offset points",
            fontsize=7,
            color=colour,
        )
    ax.set_ylabel("Share of world mine output, %")
    ax.set_xlabel("Production year")
    ax.set_xticks(sorted(by_edition["year"].unique()))
    top = max(by_edition["share_pct"].max(), claimed_pct + tolerance_pp)
    ax.set_ylim(0, top * 1.2)
    ax.set_xlim(by_edition["year"].min() - 0.4, by_edition["year"].max() + 0.8)
    ax.legend(loc="lower left", fontsize=8)
    return figures.done(fig)


def holders_figure(country: str, edition: int, year: int, top_n: int):
    """Paired bars for the `top_n` largest reserve holders of an edition: share of world reserves (blue) and of
    world mine output in `year` (orange), `country`'s row highlighted."""
    from claimbook.chapters import figures

    pairs = holders(edition, year).head(top_n).iloc[::-1]
    fig, ax = figures.new(
        f"Share of world reserves and of world mine output, USGS MCS {edition}",
        f"USGS MCS {edition}, Rare Earths (datasets usgs_ree_reserves, usgs_ree_mine_production)",
        size=(7.5, 0.42 * len(pairs) + 1.5),
    )
    ys = range(len(pairs))
    ax.barh(
        [y + 0.2 for y in ys],
        pairs["reserves_share_pct"],
        height=0.38,
        color=figures.ACCENT,
        label="share of world reserves (countries listed)",
    )
    ax.barh(
        [y - 0.2 for y in ys],
        pairs["share_pct"],
        height=0.38,
        color=figures.SECONDARY,
        label=f"share of world mine output, {year}",
    )
    ax.set_yticks(list(ys), pairs["country"])
    for y, (r, p) in enumerate(zip(pairs["reserves_share_pct"], pairs["share_pct"])):
        ax.text(r, y + 0.2, f" {r:.1f}", va="center", fontsize=7)
        ax.text(p, y - 0.2, f" {p:.2f}" if p < 1 else f" {p:.1f}", va="center", fontsize=7)
    ax.set_xlim(0, max(pairs["reserves_share_pct"].max(), pairs["share_pct"].max()) * 1.12)
    for y, name in zip(ys, pairs["country"]):
        if name == country:
            ax.axhspan(y - 0.5, y + 0.5, color=figures.HIGHLIGHT, alpha=0.12, zorder=0)
            ax.get_yticklabels()[y].set_color(figures.HIGHLIGHT)
            ax.get_yticklabels()[y].set_fontweight("bold")
    ax.set_xlabel("Share of world total, %")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    return figures.done(fig)
