"""The offer itself: what was said, by whom, and when.

Every claim of this area is an event, an attribution or an opinion, so each is judged from dated public
records (`seeds/evidence.yaml`, `data/public_records.csv`) by `claimbook.core.evidence.judge`; the articles under
check are never evidence. What this module adds is the chapter's picture of those records: a timeline of the
dated events around Putin's offer of 24 February 2025, in a window of days the reader can widen.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from claimbook.core.evidence import records

# The record that dates the offer: the Kremlin transcript of Putin's answers to Pavel Zarubin.
OFFER_RECORD = "kremlin_zarubin_offer_partners_2025_02_24"

# The dated records the timeline shows (each dated to the day), with a short label for the event.
TIMELINE: dict[str, str] = {
    "dmitriev_us_oil_return_2025_02_18": "Dmitriev, before the Riyadh talks: US oil firms will return",
    "novayagazeta_nbc_riyadh_minerals_offer_2025_02_26": "NBC reports Russia floated minerals access in Riyadh",
    "kremlin_meeting_rare_metals_2025_02_24": "Putin's meeting on rare-earth metals with ministers",
    "kremlin_zarubin_offer_partners_2025_02_24": "Putin's interview with Zarubin: the offer to American partners",
    "trump_oval_macron_rare_earth_2025_02_24": "Trump in the Oval Office with Macron on rare earths",
    "reuters_peskov_2025_02_25": 'Peskov: "We have a lot of them"',
    "bbc_znbc_copy_2025_02_25": "The BBC reports the offer",
    "tass_peskov_no_quick_results_2025_03_02": "Peskov: no quick results to be expected",
    "reuters_aawsat_dmitriev_talks_begun_2025_03_31": "Dmitriev: rare-earth talks with the US have begun",
    "nyt_dmitriev_witkoff_white_house_2025_04_02": "Dmitriev meets Witkoff at the White House",
    "wsj_exxon_secret_talks_rosneft_2025_08_26": "WSJ: Exxon held secret talks with Rosneft",
    "putin_eef_alaska_us_companies_2025_09_05": "Putin on energy cooperation with US companies in Alaska",
    "tass_titov_alaska_rare_earths_2025_09_24": "Titov: joint rare-earth extraction discussed, sanctions first",
}


def event_date(record_id: str) -> dt.date:
    """The day a record's event took place; a record dated only to the month or year has no day."""
    r = records()[record_id]
    if r["date_precision"] != "day":
        raise ValueError(f"The record {record_id} is dated to the {r['date_precision']} only, not to the day.")
    return dt.date.fromisoformat(str(r["event_date"]))


def offer_date() -> dt.date:
    """The day of Putin's offer, as the Kremlin transcript dates it."""
    return event_date(OFFER_RECORD)


def window(days_before: int, days_after: int) -> tuple[dt.date, dt.date]:
    """The first and last day shown: so many days before and after the offer (both ends included)."""
    if days_before < 0 or days_after < 0:
        raise ValueError("The window counts days before and after the offer; neither can be negative.")
    day = offer_date()
    return day - dt.timedelta(days=days_before), day + dt.timedelta(days=days_after)


def timeline(days_before: int, days_after: int, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The timeline's records whose event falls in the window, oldest first: event day, publication day,
    label, publisher, tier and title."""
    first, last = window(days_before, days_after)
    recs = records()
    rows = []
    for rid, label in (TIMELINE if labels is None else labels).items():
        day = event_date(rid)
        if first <= day <= last:
            r = recs[rid]
            rows.append(
                {
                    "record": rid,
                    "event_date": day,
                    "published": r["published"],
                    "label": label,
                    "publisher": r["publisher"],
                    "tier": r["tier"],
                    "title": r["title"],
                    "url": r["url"],
                }
            )
    columns = ["record", "event_date", "published", "label", "publisher", "tier", "title", "url"]
    return (
        pd.DataFrame(rows, columns=columns)
        .sort_values(["event_date", "published"], kind="stable")
        .reset_index(drop=True)
    )


def sources_sentence(events: pd.DataFrame) -> str:
    """The publishers of the records shown, once each with their tier, as one sentence for a caption."""
    seen = dict.fromkeys(f"{p} ({t})" for p, t in zip(events["publisher"], events["tier"]))
    return "; ".join(seen) + "." if seen else "no record falls in the window."


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from one day to a later one (24 February to 23 March is 0, to 24 March is 1)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


# --- the figure ---------------------------------------------------------------------------------------------------


def timeline_figure(days_before: int, days_after: int, judged_late: dt.date):
    """One row per dated record in the window: the day of the event (filled; orange primary, blue secondary)
    and, where later, the day it was published (hollow), the offer dashed and `judged_late` dotted when the
    window reaches it."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    from claimbook.chapters import figures

    events = timeline(days_before, days_after)
    first, last = window(days_before, days_after)
    offer_day = offer_date()
    fig, ax = figures.new(
        "Dated records around Putin's offer",
        "dated public records (data/public_records.csv); their publishers are named in the caption",
        size=(9, 0.38 * max(len(events), 1) + 1.8),
    )
    y = list(range(len(events)))[::-1]
    for yy, ev in zip(y, events.itertuples()):
        colour = figures.HIGHLIGHT if ev.tier == "primary" else figures.ACCENT
        if ev.published != ev.event_date:
            ax.plot(
                [pd.Timestamp(ev.event_date), pd.Timestamp(ev.published)], [yy, yy], color=figures.BASE, linewidth=1
            )
            ax.scatter(pd.Timestamp(ev.published), yy, facecolor="white", edgecolor=colour, s=30, zorder=3)
        ax.scatter(pd.Timestamp(ev.event_date), yy, color=colour, s=45, zorder=4)
    ax.axvline(pd.Timestamp(offer_day), color=figures.HIGHLIGHT, linestyle="--", linewidth=1)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=figures.HIGHLIGHT, label="primary record"),
        Line2D([], [], marker="o", linestyle="", color=figures.ACCENT, label="secondary report"),
        Line2D([], [], color=figures.HIGHLIGHT, linestyle="--", label="the offer"),
    ]
    if first <= judged_late <= last:
        ax.axvline(pd.Timestamp(judged_late), color="#333333", linestyle=":", linewidth=1)
        handles.append(
            Line2D([], [], color="#333333", linestyle=":", label="date the 'recent overtures' claim is judged")
        )
    ax.set_yticks(y, list(events["label"]), fontsize=8)
    ax.set_ylim(-0.7, len(events) - 0.3)
    ax.set_xlim(pd.Timestamp(first) - pd.Timedelta(days=1), pd.Timestamp(last) + pd.Timedelta(days=1))
    span = (last - first).days
    ax.xaxis.set_major_locator(
        mdates.WeekdayLocator(byweekday=0, interval=max(1, span // 42)) if span <= 120 else mdates.MonthLocator()
    )
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y" if span <= 120 else "%b\n%Y"))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("Date of the event (filled) and of the record's publication, where later (hollow)")
    ax.grid(axis="y", visible=False)
    ax.legend(handles=handles, loc="upper right", fontsize=8)
    return figures.done(fig)
