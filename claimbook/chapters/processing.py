"""Who refines rare earths and makes the magnets: China's share of each stage of the supply chain, as published
by a claim's date, and the two statistical checks of the processing chapter ("dominates", "80%+").

Every other claim of the chapter (the US and Russian gaps in processing, MP Materials, the Pentagon, the G7, the
end uses of rare earths, opinions and predictions) is judged from dated public records by
`claimbook.core.evidence.judge`; nothing here rates them.

China's shares of separation and refining and of magnet making are the IEA's, known through reports of its
outlooks (dataset `ree_processing_shares`, each figure with the date it was published). China's share of mining
is computed from the USGS world mine production table of each edition (`usgs_ree_mine_production`). A claim is
judged on the latest figure published by its date; figures published later are listed as "since then".
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from claimbook.core import rules as v
from claimbook.core.data import load

SHARES = "ree_processing_shares"
MINE = "usgs_ree_mine_production"

STAGES = ("mining", "refining", "magnets")
STAGE_NAMES = {"mining": "mine production", "refining": "separation and refining", "magnets": "magnet making"}

# Release of the USGS editions (the sidecar of usgs_ree_mine_production): MCS 2025 on 31 January 2025; MCS 2026
# in February 2026, its last day used so that the edition is never counted before it could have appeared.
# Earlier editions appeared by the end of February of their year at the latest.
MCS_PUBLISHED = {2025: dt.date(2025, 1, 31), 2026: dt.date(2026, 2, 28)}
MONTH_ONLY = {2026}  # editions whose release day is not on record: shown by month


def mcs_published(edition: int) -> dt.date:
    """The date by which a USGS Mineral Commodity Summaries edition had been published."""
    return MCS_PUBLISHED.get(int(edition), dt.date(int(edition), 2, 28))


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _pct(x: float, qualifier: str | None = None) -> str:
    prefix = {"about": "about ", ">": "more than "}.get(qualifier or "", "")
    return f"{prefix}{x:.0f}%"


# ---------------------------------------------------------------- the record


def figures() -> pd.DataFrame:
    """The processing dataset."""
    return load(SHARES)


def mining_shares_usgs(country: str = "China") -> pd.DataFrame:
    """The country's share of world mine production, one row per USGS edition and year with a complete world
    table, with the edition's publication date (computed from the published tonnages)."""
    df = load(MINE)
    df = df[df["table_complete"] & df["edition"].notna()]
    out = []
    for (edition, year), group in df.groupby(["edition", "year"]):
        world = group.loc[group["entity"] == "world", "production_t_reo"]
        mine = group[group["country"] == country]
        if not len(world) or not len(mine) or world.iloc[0] <= 0:
            continue
        ed = int(edition)
        tonnes, total = float(mine["production_t_reo"].iloc[0]), float(world.iloc[0])
        out.append(
            {
                "year": int(year),
                "share_pct": tonnes / total * 100,
                "share_qualifier": None,
                "share_of": "world rare-earth mine production",
                "tonnes": tonnes,
                "world_tonnes": total,
                "estimated": bool(mine["estimated"].fillna(False).iloc[0]),
                "projection": False,
                "published": mcs_published(ed),
                "edition": ed,
                "publisher": "USGS",
                "source_tier": "primary",
                "figure_id": f"usgs_mcs{ed}_{country.lower()}_{year}",
                "source": f"USGS's Mineral Commodity Summaries {ed}",
            }
        )
    return pd.DataFrame(out)


_VIA = re.compile(
    r"(?:as reported by|as summarised by|via) ([A-Z][A-Za-z ]*?)(?: news)?(?: \d{4}-\d{2}-\d{2})?"
    r"(?: and [\w.]+)?$"
)


def iea_source(document: str) -> tuple[str, str]:
    """The IEA report a figure comes from and who carried it: 'Global Critical Minerals Outlook 2024 (May 2024),
    as reported by SEAISI news 2024-06-03' -> ("the IEA's Global Critical Minerals Outlook 2024", "SEAISI");
    'IEA commentary 23 Oct 2025, as summarised by Rare Earth Exchanges 2025-10-24' -> ("an IEA commentary",
    "Rare Earth Exchanges"). The carrier is "" when the document names none."""
    head, _, tail = document.partition(",")
    head = re.sub(r"\s*\(.*?\)", "", head).strip()
    if head.startswith("IEA commentary"):
        head = "an IEA commentary"
    elif not head.startswith("IEA"):
        head = f"the IEA's {head}"
    m = _VIA.search(tail.strip())
    return head, (m.group(1) if m else "")


def _subject(r: dict) -> str:
    """Who published the figure and when, as the subject of a sentence."""
    when = _day(r["published"])
    if r["publisher"] == "USGS" and r.get("edition") in MONTH_ONLY:
        when = f"{r['published']:%B %Y}"
    if r["publisher"] == "USGS":
        text = f"{r['source']} ({when})"
    elif r.get("carrier"):
        text = f"{r['source']}, as reported by {r['carrier']} on {when},"
    else:
        text = f"{r['source']} ({when})"
    return text[0].upper() + text[1:]


def iea_shares(stage: str, projections: bool = False) -> pd.DataFrame:
    """China's share of one stage as the IEA gives it, observed years and, on request, projections; the average
    over several minerals is left out (it is not a rare-earth share)."""
    df = figures()
    df = df[
        (df["subject"] == "China")
        & (df["stage"] == stage)
        & df["share_pct"].notna()
        & (df["publisher"] == "IEA")
        & ~df["share_of"].fillna("").str.contains("average")
    ]
    if not projections:
        df = df[~df["projection"].astype(bool)]
    named = df["document"].map(iea_source)
    df = df.assign(
        published=df["published"].dt.date,
        source=named.str[0],
        carrier=named.str[1],
        share_qualifier=df["share_qualifier"].astype(object).where(df["share_qualifier"].notna(), None),
    )
    return (
        df[
            [
                "year",
                "share_pct",
                "share_qualifier",
                "share_of",
                "projection",
                "published",
                "publisher",
                "source_tier",
                "figure_id",
                "source",
                "carrier",
            ]
        ]
        .sort_values(["year", "published"])
        .reset_index(drop=True)
    )


def china_series(stage: str) -> pd.DataFrame:
    """Every observed China share of a stage, each with its publication date: USGS (computed) for mining, the
    IEA for separation and refining and for magnet making."""
    if stage not in STAGES:
        raise ValueError(f"stage '{stage}' is not one of {', '.join(STAGES)}.")
    return mining_shares_usgs("China") if stage == "mining" else iea_shares(stage)


def stages(params: dict) -> list[str]:
    """Allowed values of `stage`."""
    return list(STAGES)


# ---------------------------------------------------------------- the rule


def as_published(rows: list[dict], when: dt.date) -> tuple[dict | None, list[dict]]:
    """The figure a reader had on `when`: among the figures published on or before that day, the one for the
    latest year, and of those the latest published (a revision replaces the first estimate); and the figures
    published after `when`, oldest first."""
    known = [r for r in rows if r["published"] <= when]
    later = sorted((r for r in rows if r["published"] > when), key=lambda r: (r["published"], r["year"]))
    if not known:
        return None, later
    return max(known, key=lambda r: (r["year"], r["published"])), later


def rate_share(rows: list[dict], when: dt.date, floor: float, tolerance_pp: float) -> str:
    """SHARE: the label for 'China holds at least `floor`% of the stage' on `when` (unverifiable when no
    figure had been published by then)."""
    decisive, _ = as_published(rows, when)
    if decisive is None:
        return v.UNVERIFIABLE
    return v.rate_points(floor, float(decisive["share_pct"]), tolerance_pp, "at least")


SHARE = v.Rule(
    "stage_share",
    "China's share of a stage",
    "The claim's 'processing' is read as one stage of the chain (mining, separation and refining, or magnet "
    "making). China's share is the figure for the latest year published by the claim's date; figures published "
    "later are listed as since then and do not change the label. A claimed floor ('80%+') or the share read as "
    "'dominates' is met when the share reaches it; below it, the share is rated in percentage points as for "
    "shares (within the tolerance accurate, within twice mostly accurate, within four times mostly inaccurate, "
    "further inaccurate). No figure published by the date: unverifiable.",
    rate_share,
)


# ---------------------------------------------------------------- checks


def _figure_text(r: dict) -> str:
    """'92% of global refined rare-earth output in 2023', or, computed from USGS tonnages,
    '270,000 of 390,000 tonnes (69%) of world rare-earth mine production in 2024 (estimated)'."""
    if "tonnes" in r and r.get("tonnes") is not None and not pd.isna(r.get("tonnes")):
        est = " (estimated)" if r.get("estimated") else ""
        return (
            f"{r['tonnes']:,.0f} of {r['world_tonnes']:,.0f} tonnes ({r['share_pct']:.0f}%) of "
            f"{r['share_of']} in {int(r['year'])}{est}"
        )
    return f"{_pct(r['share_pct'], r['share_qualifier'])} of {r['share_of']} in {int(r['year'])}"


def _shown_later(claim_id: str) -> set[dt.date]:
    """Publication dates of the records the claim's evidence already lists as published since its date."""
    from claimbook.core.evidence import findings, records

    recs = records()
    return {recs[r]["published"] for f in findings(claim_id)[1] for r in f.get("records") or []}


def since_then(claim_id: str, later: list[dict]) -> list[str]:
    """One sentence per figure published after the claim's date, except those whose report the claim's
    evidence already shows."""
    shown = _shown_later(claim_id)
    return [f"{_subject(r)} put China at {_figure_text(r)}." for r in later if r["published"] not in shown]


def check_share(claim: dict, stage: str, floor: float, tolerance_pp: float, reading: str) -> v.Verdict:
    """China's share of the chosen stage on the claim's date against a floor (SHARE). `reading` names the
    floor in the conclusion ('the claimed 80%', 'half, read as dominance')."""
    when = claim["as_of"]
    rows = china_series(stage).to_dict("records")
    decisive, later = as_published(rows, when)
    label = rate_share(rows, when, floor, tolerance_pp)
    datasets = [MINE] if stage == "mining" else [SHARES]
    if decisive is None:
        text = (
            f"No figure for China's share of world rare-earth {STAGE_NAMES[stage]} had been published by "
            f"{_day(when)} in the sources on record."
        )
        found = None
    else:
        share = float(decisive["share_pct"])
        side = "reaching" if share >= floor else "short of"
        text = f"{_subject(decisive)} put China at {_figure_text(decisive)}, {side} {reading}."
        found = round(share, 1)
    verdict = v.Verdict(claim["id"], label, text, floor, found, SHARE, datasets)
    verdict.since_then = since_then(claim["id"], later)
    return verdict


def check_floor(claim: dict, stage: str, tolerance_pp: float) -> v.Verdict:
    """A claimed floor on China's share of processing ('80%+')."""
    asserted = claim["asserted"]
    if asserted.get("qualifier") != "at least":
        raise v.VerdictError(f"{claim['id']} does not claim a floor ('at least'), so this check does not apply.")
    floor = float(asserted["value"])
    return check_share(claim, stage, floor, tolerance_pp, f"the claimed {floor:g}%")


def check_dominance(claim: dict, stage: str, dominant_pct: float, tolerance_pp: float) -> v.Verdict:
    """'China dominates processing': China's share of the stage against the share read as dominance (at least
    half, so China is also the largest producer); says when another plausible reading would flip it."""
    if dominant_pct < 50:
        raise v.VerdictError(
            f"'dominates' needs at least half of the stage (so China is also the largest "
            f"producer); got {dominant_pct:g}%."
        )
    reading = "the half read as dominance" if dominant_pct == 50 else f"the {dominant_pct:g}% read as dominance"
    verdict = check_share(claim, stage, dominant_pct, tolerance_pp, reading)
    verdict.sensitivity = v.VAGUE["dominates"].sensitivity(verdict.found)
    return verdict


# ---------------------------------------------------------------- the figures


def then_and_latest(as_of: dt.date) -> tuple[dict, dict]:
    """For each stage, the figure published by `as_of` and the latest one on record (None where none)."""
    series = {s: china_series(s).to_dict("records") for s in STAGES}
    return (
        {s: as_published(series[s], as_of)[0] for s in STAGES},
        {s: as_published(series[s], dt.date.max)[0] for s in STAGES},
    )


def stages_figure(stage: str, as_of: dt.date):
    """Two bars per stage: China's share as published by `as_of` and the latest published later (hatched),
    the stage read as 'processing' highlighted; a stage without a (later) figure says so in place of its bar."""
    from matplotlib.patches import Patch

    from claimbook.chapters import figures as style

    then, latest = then_and_latest(as_of)
    fig, ax = style.new(
        f"China's share of each stage of the rare-earth supply chain, as published by {as_of:%d %B %Y} and later",
        "USGS Mineral Commodity Summaries, world mine production (computed); IEA via SEAISI and Rare Earth Exchanges",
    )
    positions, labels = [], []
    for i, s in enumerate(STAGES):
        for j, r in enumerate((then[s], latest[s])):
            x = i * 3 + j
            positions.append(x)
            labels.append("by the\nclaims' date" if j == 0 else "published\nlater")
            if r is None or (j == 1 and then[s] is not None and r["figure_id"] == then[s]["figure_id"]):
                ax.text(x, 3, "none" if r is None else "no later\nfigure", ha="center", fontsize=8, color="#555555")
                continue
            ax.bar(
                x,
                r["share_pct"],
                color=style.HIGHLIGHT if s == stage else style.BASE,
                edgecolor="white",
                hatch="//" if j == 1 else None,
            )
            ax.text(x, r["share_pct"] + 1.5, f"{r['share_pct']:.0f}%\n({int(r['year'])})", ha="center", fontsize=8)
        ax.text(
            i * 3 + 0.5, -0.17, STAGE_NAMES[s].capitalize(), transform=ax.get_xaxis_transform(), ha="center", fontsize=9
        )
    ax.set_xticks(positions, labels, fontsize=7.5)
    ax.set_ylim(0, 115)
    ax.set_ylabel("China's share of world total, %")
    ax.grid(axis="x", visible=False)
    ax.legend(
        handles=[
            Patch(facecolor=style.BASE, label=f"published by {as_of:%d %B %Y}"),
            Patch(facecolor=style.BASE, hatch="//", edgecolor="white", label="published later"),
            Patch(facecolor=style.HIGHLIGHT, label=f"stage read as 'processing': {stage}"),
        ],
        loc="upper left",
        fontsize=8,
    )
    return style.done(fig)


def years_figure(stage: str):
    """China's share by year: the USGS mining line (latest edition for each year), the IEA's squares per stage
    and its 2030 projections hollow in a shaded band; the stage read as 'processing' in the highlight colour."""
    from claimbook.chapters import figures as style

    usgs = (
        pd.DataFrame(china_series("mining").to_dict("records"))
        .sort_values(["year", "published"])
        .groupby("year")
        .last()
        .reset_index()
    )
    fig, ax = style.new(
        "China's share of world rare-earth mining, refining and magnets, by year",
        "USGS Mineral Commodity Summaries (computed); IEA via SEAISI and Rare Earth Exchanges",
    )
    colour = {"mining": style.BASE, "refining": style.HIGHLIGHT, "magnets": style.ACCENT}
    if stage != "refining":
        colour[stage], colour["refining"] = style.HIGHLIGHT, colour[stage]
    ax.plot(usgs["year"], usgs["share_pct"], color=colour["mining"], marker="o", label="mining (USGS, latest edition)")
    for s in STAGES:
        iea = iea_shares(s, projections=True)
        obs, proj = iea[~iea["projection"].astype(bool)], iea[iea["projection"].astype(bool)]
        ax.scatter(obs["year"], obs["share_pct"], color=colour[s], marker="s", zorder=3, label=f"{s} (IEA)")
        if len(proj) and len(obs):
            p = proj.iloc[0]
            same = obs[obs["published"] == p["published"]]  # the base year of the same outlook
            last = (same if len(same) else obs).iloc[-1]
            ax.plot(
                [last["year"], p["year"]],
                [last["share_pct"], p["share_pct"]],
                color=colour[s],
                linestyle=":",
                linewidth=1,
            )
            ax.scatter(proj["year"], proj["share_pct"], facecolor="white", edgecolor=colour[s], marker="s", zorder=3)
            ax.annotate(
                f"IEA projection {p['share_pct']:.0f}%",
                (p["year"], p["share_pct"]),
                textcoords="offset points",
                xytext=(-6, -14),
                ha="right",
                fontsize=8,
            )
    ax.axvspan(2025.5, 2030.5, color="#eeeeee", zorder=0)
    ax.text(2028, 103, "projections (IEA), not data", ha="center", fontsize=8, color="#555555")
    ax.set_ylim(40, 108)
    ax.set_xlim(2019.5, 2030.5)
    ax.set_ylabel("China's share of world total, %")
    ax.set_xlabel("Year the share describes")
    ax.legend(loc="lower left", fontsize=8)
    return style.done(fig)
