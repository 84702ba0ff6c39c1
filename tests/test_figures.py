"""Every figure a page shows is built by a function of its chapter module (or of `figures` for the summaries):
each draws what the data say, one bar, point or label per row, counted here from the same data, so a figure
that dropped or doubled a series fails."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.text import Annotation

from claimbook.chapters import aluminium, economy, figures, offer, processing, production, reserves, ukraine
from claimbook.core.register import claim


@pytest.fixture(autouse=True)
def _no_open_figures():
    yield
    plt.close("all")


def bars(ax) -> list:
    return [patch for c in ax.containers if isinstance(c, BarContainer) for patch in c]


def annotations(ax) -> list[Annotation]:
    return [t for t in ax.texts if isinstance(t, Annotation)]


def plain_texts(ax) -> list:
    return [t for t in ax.texts if not isinstance(t, Annotation)]


def ytick_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def colour(patch) -> str:
    return to_hex(patch.get_facecolor())


def vertical_lines(ax, linestyle: str) -> list:
    return [ln for ln in ax.lines if ln.get_linestyle() == linestyle and len(set(ln.get_xdata())) == 1]


def test_every_figure_keeps_the_house_style_and_is_closed_for_pyplot():
    fig = reserves.ranking_figure("Russia", 2025, 5)
    assert not plt.fignum_exists(fig.number)  # glued, not shown twice
    assert fig.axes[0].get_title(loc="left").startswith("Rare-earth reserves by country")
    assert any(t.get_text().startswith("Source: USGS") for t in fig.texts)


# --- reserves ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("top_n", [3, 12, 40])
def test_reserves_ranking_has_one_labelled_bar_per_country_shown(top_n):
    table = reserves.ranking(2025)
    ax = reserves.ranking_figure("Russia", 2025, top_n).axes[0]
    shown = list(table["country"].head(top_n))
    assert len(bars(ax)) == len(shown) == min(top_n, len(table))
    assert ytick_texts(ax) == shown[::-1]  # the largest at the top
    highlighted = [name for name, bar in zip(shown[::-1], bars(ax)) if colour(bar) == figures.HIGHLIGHT.lower()]
    assert highlighted == (["Russia"] if "Russia" in shown else [])
    ranks = table["rank"].head(top_n).tolist()[::-1]
    assert [t.get_text().split()[0] for t in plain_texts(ax)] == [f"#{r}" for r in ranks]


def test_reserves_history_has_a_point_and_a_label_per_edition_located():
    hist = reserves.history("Russia")
    ax = reserves.history_figure("Russia", 2024).axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == len(hist)
    assert len(annotations(ax)) == len(hist)
    ranked = [t.get_text() for t in annotations(ax) if "(#" in t.get_text()]
    assert len(ranked) == sum(1 for e in hist["edition"] if reserves.ranks_by_edition("Russia").get(int(e)))
    assert [ln.get_xdata()[0] for ln in vertical_lines(ax, "--")] == [2024]  # the edition used


def test_reserves_national_figure_sets_usgs_beside_each_national_figure():
    national = reserves.national_figures("Russia")
    ax = reserves.national_figure("Russia", 2025).axes[0]
    assert len(bars(ax)) == 1 + len(national) > 1
    assert ytick_texts(ax)[-1] == "USGS MCS 2025" and colour(bars(ax)[-1]) == figures.HIGHLIGHT.lower()
    assert len(bars(reserves.national_figure("China", 2025).axes[0])) == 1  # national figures are Russia's only


def test_reserves_revisions_name_each_change_between_editions():
    text = reserves.revisions_text("Russia")
    hist = reserves.history("Russia")
    changes = sum(a != b for a, b in zip(hist["reserves_t"], hist["reserves_t"].iloc[1:]))
    assert text.count("MCS") == 2 * changes > 0


# --- offer ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days_before, days_after", [(10, 45), (0, 400)])
def test_offer_timeline_has_a_row_per_record_in_the_window(days_before, days_after):
    judged_late = claim("OFR-11")["as_of"]
    events = offer.timeline(days_before, days_after)
    ax = offer.timeline_figure(days_before, days_after, judged_late).axes[0]
    assert ytick_texts(ax) == list(events["label"])  # the first at the top
    later = int((events["published"] != events["event_date"]).sum())
    assert len(ax.collections) == len(events) + later  # the event, and its publication where later
    first, last = offer.window(days_before, days_after)
    assert len(vertical_lines(ax, ":")) == int(first <= judged_late <= last)
    assert len(vertical_lines(ax, "--")) == 1  # the offer
    assert len(ax.get_legend().get_texts()) == 3 + int(first <= judged_late <= last)


# --- production -------------------------------------------------------------------------------------------------


def test_production_figure_names_the_large_producers_and_the_country():
    series = production.latest_series()
    ax = production.production_figure("Russia").axes[0]
    drawn = series[(series["entity"] != "other") & (series["production_t_reo"] > 0)]
    others = drawn[drawn["country"] != "Russia"].groupby("country")
    large = [
        name
        for name, grp in others
        if name == "World" or grp.loc[grp["year"] == grp["year"].max(), "production_t_reo"].iloc[0] >= 10_000
    ]
    assert sorted(t.get_text() for t in annotations(ax)) == sorted([*large, "Russia"])
    assert len(ax.lines) == others.ngroups + 1  # one line per other producer, the country's own
    assert ax.get_yscale() == "log"


def test_production_share_figure_has_one_line_per_edition_and_the_claimed_band():
    shares = production.shares("Russia")
    ax = production.share_figure("Russia", 2025, 1.0, 0.5).axes[0]
    editions = shares["edition"].nunique()
    assert len(ax.lines) == editions + 1  # and the claimed share
    assert sorted(t.get_text() for t in annotations(ax)) == sorted(f"MCS {e}" for e in shares["edition"].unique())
    used = [ln for ln in ax.lines if to_hex(ln.get_color()) == figures.HIGHLIGHT.lower()]
    assert len(used) == 1 and sorted(used[0].get_xdata()) == sorted(shares.loc[shares["edition"] == 2025, "year"])


@pytest.mark.parametrize("top_n", [3, 10])
def test_production_holders_pair_two_bars_per_holder(top_n):
    pairs = production.holders(2025, 2024).head(top_n)
    ax = production.holders_figure("Russia", 2025, 2024, top_n).axes[0]
    assert len(bars(ax)) == 2 * len(pairs)
    assert ytick_texts(ax) == list(pairs["country"])[::-1]
    assert len(plain_texts(ax)) == 2 * len(pairs)


# --- processing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", processing.STAGES)
def test_processing_stages_show_each_stage_then_and_later(stage):
    as_of = claim("PRC-01")["as_of"]
    then, latest = processing.then_and_latest(as_of)
    ax = processing.stages_figure(stage, as_of).axes[0]
    assert len(ax.get_xticks()) == 2 * len(processing.STAGES)
    drawn = [
        r
        for s in processing.STAGES
        for j, r in enumerate((then[s], latest[s]))
        if r is not None and not (j == 1 and then[s] is not None and r["figure_id"] == then[s]["figure_id"])
    ]
    assert len(bars(ax)) == len(drawn)
    highlighted = [b for b in bars(ax) if colour(b) == figures.HIGHLIGHT.lower()]
    assert len(highlighted) == sum(r is not None and r in drawn for r in (then[stage], latest[stage]))


def test_processing_years_show_every_iea_figure_and_the_usgs_line():
    ax = processing.years_figure("refining").axes[0]
    iea = {s: processing.iea_shares(s, projections=True) for s in processing.STAGES}
    points = sum(len(c.get_offsets()) for c in ax.collections if len(c.get_offsets()))
    assert points == sum(len(df) for df in iea.values())
    projections = sum(bool(df["projection"].astype(bool).any()) for df in iea.values())
    assert len(annotations(ax)) == projections > 0
    usgs = ax.lines[0]
    assert sorted(usgs.get_xdata()) == sorted(processing.china_series("mining")["year"].unique())


# --- aluminium --------------------------------------------------------------------------------------------------


def test_aluminium_proportion_has_a_bar_per_whole():
    prop = aluminium.offer_in_proportion(2e6, 2023, 2024)
    ax = aluminium.proportion_figure(2e6, 2023, 2024).axes[0]
    assert len(bars(ax)) == len(prop) == 5
    assert sorted(round(b.get_width(), 6) for b in bars(ax)) == sorted(round(x, 6) for x in prop["share_pct"])
    assert [colour(b) for b in bars(ax)].count(figures.HIGHLIGHT.lower()) == 1  # Russia's own output


def test_aluminium_shares_mark_every_measure_on_both_panels():
    marks = aluminium.measure_marks()
    fig = aluminium.shares_figure(15.0)
    left, right = fig.axes
    for ax in (left, right):
        assert len(vertical_lines(ax, ":")) == len(marks) > 0
    assert sum(len(c.get_offsets()) for c in left.collections) == len(aluminium.import_shares())
    assert sum(len(c.get_offsets()) for c in right.collections) == len(aluminium.consumption_shares())


def test_aluminium_consumption_has_one_line_per_edition():
    cons = aluminium.salient_series("apparent_consumption")
    ax = aluminium.consumption_figure().axes[0]
    assert len(ax.lines) == cons["edition"].nunique()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"MCS {e}" for e in sorted(cons["edition"].unique())]


# --- ukraine ----------------------------------------------------------------------------------------------------


def test_ukraine_estimates_have_a_bar_each_and_the_part_under_control():
    estimates = ukraine.estimate_table()
    ax = ukraine.estimates_figure().axes[0]
    assert len(bars(ax)) == len(estimates) + 1
    assert [colour(b) for b in bars(ax)].count(figures.HIGHLIGHT.lower()) == 1  # Forbes Ukraine's
    widths = [b.get_width() for b in bars(ax)]
    assert widths == sorted(widths)


@pytest.mark.parametrize("much_pct", [10.0, 40.0])
def test_ukraine_shares_have_a_bar_per_resource_and_the_threshold(much_pct):
    ax = ukraine.shares_figure(much_pct).axes[0]
    assert len(bars(ax)) == 1 + len(ukraine.control_shares())
    assert [ln.get_xdata()[0] for ln in vertical_lines(ax, "--")] == [much_pct]


def test_ukraine_occupied_labels_every_figure():
    national = ukraine.national_occupied()
    ax = ukraine.occupied_figure().axes[0]
    assert len(annotations(ax)) == len(national) > 0
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(national)


# --- economy ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [dt.date(2025, 2, 16), dt.date(2024, 3, 1)])
def test_economy_gdp_has_a_bar_per_year_as_published_and_a_diamond_per_later_figure(as_of):
    gdp = economy.gdp_growth(as_of)
    later = economy.published_after(economy.readings(economy.GDP), as_of)
    ax = economy.gdp_figure(as_of).axes[0]
    assert len(bars(ax)) == len(gdp)
    assert len(annotations(ax)) == len(gdp) + len(later)


def test_economy_inflation_draws_each_reading_and_the_threshold():
    as_of = claim("ECO-02")["as_of"]
    ax = economy.inflation_figure(as_of, 8.0).axes[0]
    dec, yoy = economy.readings("cpi_inflation_dec_dec"), economy.readings("cpi_inflation_yoy")
    assert len(bars(ax)) == len(dec)
    assert len(annotations(ax)) == len(dec) + len(yoy) + 2  # the threshold and the claim's date
    assert any(t.get_text() == "'soaring' threshold, 8%" for t in annotations(ax))


def test_economy_china_has_a_bar_per_flow_with_its_date():
    as_of = claim("ECO-05")["as_of"]
    cn = economy.china(as_of)
    values = cn[(cn["unit"] == "USD bn") & (cn["year"] == 2024) & (cn["flow"] != "all_goods")]
    ax = economy.china_figure(as_of).axes[0]
    assert len(bars(ax)) == len(values) > 0
    assert [colour(b) for b in bars(ax)] == ["#ffffff"] * len(values)  # hatched outlines, not fills
    assert len(annotations(ax)) == len(values)


def test_economy_day_shows_the_month_alone_when_only_the_month_is_known():
    assert economy.day(pd.Timestamp("2025-02-07")) == "7 Feb 2025"
    assert economy.day(pd.Timestamp("2025-02-28"), "end of the month: only the month is known") == "Feb 2025"
    assert economy.day(pd.NaT) == "date unknown"


# --- the summaries ----------------------------------------------------------------------------------------------


def test_claims_figure_counts_by_article_kind_and_area():
    claims = pd.DataFrame(
        {
            "articles": [["000_a", "001_b"], ["000_a"], ["002_c"]],
            "kind": ["event", "event", "opinion"],
            "area": ["offer", "reserves", "offer"],
        }
    )
    fig = figures.claims_figure(claims)
    panels = [{t: b.get_width() for t, b in zip(ytick_texts(ax), bars(ax))} for ax in fig.axes]
    assert panels == [{"002": 1, "001": 1, "000": 2}, {"opinion": 1, "event": 2}, {"reserves": 1, "offer": 2}]


def test_verdicts_figure_stacks_each_label_in_its_colour():
    judged = [
        {"label": "accurate", "articles": [{"article": "000_a"}, {"article": "001_b"}], "area": "offer"},
        {"label": "inaccurate", "articles": [{"article": "000_a"}], "area": "offer"},
        {"label": "accurate", "articles": [{"article": "000_a"}], "area": "reserves"},
    ]
    by_verdict, by_article, by_area = figures.verdicts_figure(judged).axes
    assert {t: b.get_width() for t, b in zip(ytick_texts(by_verdict), bars(by_verdict))} == {
        "inaccurate": 1,
        "accurate": 2,
    }
    assert len(bars(by_article)) == 2 * 2 and len(bars(by_area)) == 2 * 2  # two labels stacked on two rows
    stacked = Counter()
    for container in by_area.containers:
        for name, bar in zip(["reserves", "offer"], container):
            stacked[name] += bar.get_width()
    assert stacked == {"offer": 2, "reserves": 1}
    assert [t.get_text() for t in by_area.get_legend().get_texts()] == ["accurate", "inaccurate"]


def test_a_summary_figure_is_drawn_once_per_counts_and_shows_as_the_figure_itself(tmp_path):
    """In IPython (the runner's engine here, a kernel in Jupyter) the figure comes back rendered, from the
    kept copy when the same counts were drawn before; its display is the figure's own."""
    script = """
import json
import pandas as pd
from claimbook.builder.engine import _Sink, _shell
from claimbook.chapters import figures

shell = _shell(_Sink())
drawn = []
new = figures.new
figures.new = lambda *a, **k: drawn.append(a[0]) or new(*a, **k)
claims = pd.DataFrame({"articles": [["000_a"], ["001_b"]], "kind": ["event", "opinion"], "area": ["offer", "offer"]})
other = claims.assign(kind=["event", "event"])
first = figures.claims_figure(claims)
again = figures.claims_figure(claims)
after_draws = len(drawn)
figures.claims_figure(other)
for kept in figures.FIGURE_CACHE.glob("*.json"):
    kept.write_text("damaged")
redrawn = figures.claims_figure(claims)
draws = [after_draws, len(drawn)]
itself = figures._claims_panels.__wrapped__({"by article (seed)": {"000": 1, "001": 1}, "by kind": {"event": 1, "opinion": 1}, "by area": {"offer": 2}})
show = shell.display_formatter.format
print(json.dumps({
    "draws": draws,
    "same": show(first) == show(again) == show(redrawn) == show(itself),
    "png": "image/png" in show(first)[0],
}))
"""
    env = {**os.environ, "CLAIMBOOK_ROOT": str(tmp_path), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    # drawn once for the first counts, not again for the same, once for other counts, once after the damage
    assert result == {"draws": [1, 3], "same": True, "png": True}
