"""The aluminium chapter: its share rule on small synthetic inputs, the choice of edition by the claim's date,
then its two statistical checks on the real data. (Events and attributions are judged from records, in
tests/test_evidence.py.)"""

import datetime as dt
from pathlib import Path

import pytest

from claimbook.chapters import aluminium as al
from claimbook.core import rules as v
from claimbook.core.data import load
from claimbook.core.evidence import IDENTIFIER
from claimbook.core.params import notebook_parameters
from claimbook.core.register import claim

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "40_aluminium.ipynb"

# --- the share rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "found, same_other_years, other_whole, label",
    [
        (14.6, [], [], v.ACCURATE),  # the share of the named whole matches
        (13.0, [], [15.0], v.MOSTLY_ACCURATE),  # 13% off: within twice the tolerance, decided there
        (2.8, [14.6], [14.6], v.MIXED),  # holds for the same whole only in another year
        (2.8, [7.5, 4.4], [14.6], v.MOSTLY_INACCURATE),  # matches only a share of another whole
        (2.8, [7.5], [8.9, 4.4], v.INACCURATE),  # matches nothing
        (None, [14.6], [14.6], v.UNVERIFIABLE),
    ],
)
def test_share_rule(found, same_other_years, other_whole, label):
    assert al.SHARE(15, found, 10, same_other_years, other_whole) == label


def test_share_rule_text_is_shown_from_the_object():
    assert al.SHARE.markdown().startswith(f"**{al.SHARE.title}.**")
    assert al.SHARE.text in al.SHARE.markdown()


# --- editions by the claim's date --------------------------------------------------------------------


def test_only_editions_released_by_the_date_are_readable():
    assert al.editions_by("2025-04-29", 2022) == [2023, 2024]  # MCS 2026 came out in February 2026
    assert al.editions_by("2026-03-31", 2022) == [2023, 2024, 2026]
    assert al.editions_by("2023-06-30", 2022) == [2023]
    assert al.editions_by("2025-04-29", 2024) == []  # only MCS 2026 reaches 2024
    assert al.edition_published(1999) == dt.date.max  # an unknown edition is never 'available'


def test_allowed_values():
    assert al.years({}) == [2021, 2022, 2023, 2024, 2025]
    assert al.editions({"year": 2023}) == [2024, 2026]
    assert al.editions({"year": 2022}) == [2023, 2024, 2026]
    imports = al.pre_tariff_years({"share_of": "imports"})
    market = al.pre_tariff_years({"share_of": "apparent_consumption"})
    assert 2017 in imports and 2017 not in market  # 2017 has a published share but no Russian tonnage
    assert all(y < al.TARIFF_YEAR for y in imports + market)


def test_notebook_defaults_follow_the_claims_dates_and_the_vague_words():
    params = {n: p.default for n, p in notebook_parameters(NOTEBOOK).items()}
    assert params["decline_ratio"] == v.VAGUE["reduced"].threshold
    assert v.VAGUE["reduced"].parameter == "decline_ratio"
    dates = [claim(cid)["as_of"] for cid in ("ALU-03", "ALU-06")]
    assert all(al.edition_published(params["edition"]) <= dt.date.fromisoformat(str(d)) for d in dates)
    assert params["edition"] == max(al.editions_by(min(map(str, dates))))


# --- data selection ---------------------------------------------------------------------------------


def test_market_shares_are_one_point_per_edition_never_spliced():
    df = al.consumption_shares()
    assert not df.duplicated(["year", "edition"]).any()
    y2022 = df[df["year"] == 2022].set_index("edition")["share_pct"]
    assert set(y2022.index) == {2023, 2024, 2026}
    assert y2022[2026] < y2022[2024]  # MCS 2026 counts a larger apparent consumption


def test_a_year_with_separate_product_rows_adds_one_publishers_rows():
    raw = load(al.IMPORTS)
    parts = raw[(raw["period"] == "2018") & raw["quantity_t"].notna()]
    q = al.russian_quantities().set_index("year")
    assert q.loc[2018, "quantity_t"] == parts["quantity_t"].sum()
    assert q.loc[2019, "product_scope"].startswith("all")  # a whole-scope row wins over its parts


def test_the_offer_in_proportion_follows_offer_and_edition():
    base = al.offer_in_proportion(2e6, 2023, 2024).set_index("whole")
    half = al.offer_in_proportion(1e6, 2023, 2024).set_index("whole")
    assert (half["share_pct"] * 2 - base["share_pct"]).abs().max() < 1e-9
    assert base.loc["US primary aluminium production", "share_pct"] > 100
    assert base.loc["world primary aluminium output", "share_pct"] < 5
    e23 = al.offer_in_proportion(2e6, 2022, 2023).set_index("whole")
    e24 = al.offer_in_proportion(2e6, 2022, 2024).set_index("whole")
    assert e23.loc["US apparent consumption", "share_pct"] != e24.loc["US apparent consumption", "share_pct"]


# --- the checks on the real data --------------------------------------------------------------------


def _plain(verdict):
    assert len(verdict.conclusion.split()) <= v.MAX_CONCLUSION_WORDS, verdict.conclusion
    assert not IDENTIFIER.search(verdict.conclusion), verdict.conclusion


def test_the_market_share_is_a_share_of_the_market_in_the_readers_edition():
    c = claim("ALU-03")
    verdict = al.check_market_share(c, 2022, "apparent_consumption", 2024, 10)
    _plain(verdict)
    # about 4% of the market, and the 15% is a share of imports (2017): the number is real, the whole is not
    assert verdict.label == v.MOSTLY_INACCURATE and 3.5 < verdict.found < 4.5
    assert "2024 edition" in verdict.conclusion and "2017" in verdict.conclusion
    # the later edition is shown as since then, never in the label
    assert any("2026 edition" in s for s in verdict.since_then) and "2026" not in verdict.conclusion
    chosen_later = al.check_market_share(c, 2022, "apparent_consumption", 2026, 10)
    assert chosen_later.label == verdict.label and chosen_later.found == verdict.found
    assert "2024 edition" in chosen_later.conclusion
    # with no tolerance the 2017 import share no longer matches: inaccurate
    assert al.check_market_share(c, 2022, "apparent_consumption", 2024, 0).label == v.INACCURATE


def test_the_market_share_follows_the_reading_of_the_market():
    c = claim("ALU-03")
    imports = al.check_market_share(c, 2022, "imports", 2024, 10)
    _plain(imports)
    assert imports.label == v.MIXED and imports.found == 4.4  # roughly 4.4% in 2022; 14.6% only in 2017
    assert al.check_market_share(c, 2017, "imports", 2024, 10).label == v.ACCURATE
    # a claimed share the record does hold for the market would be accurate
    near = {**c, "asserted": {"value": 4, "unit": "%", "qualifier": "about"}}
    assert al.check_market_share(near, 2022, "apparent_consumption", 2024, 10).label == v.ACCURATE
    # before MCS 2023 was released no edition gives 2022: nothing to rate
    early = {**c, "as_of": "2022-12-31"}
    assert al.check_market_share(early, 2022, "apparent_consumption", 2024, 10).label == v.UNVERIFIABLE


def test_reduced_is_judged_with_the_books_threshold():
    c = claim("ALU-06")
    pair = al.like_for_like_decline()
    assert pair["before"]["year"] < al.TARIFF_YEAR <= pair["after"]["year"]
    assert pair["before"]["product_scope"].split()[0] == pair["after"]["product_scope"].split()[0] == "unwrought"
    ratio = pair["before"]["quantity_t"] / pair["after"]["quantity_t"]
    verdict = al.check_decline(c, v.VAGUE["reduced"].threshold)
    _plain(verdict)
    assert verdict.label == v.ACCURATE and verdict.sensitivity == ""  # 11 times less: far beyond any reading
    # a threshold above the observed fall would make it only mostly accurate
    assert al.check_decline(c, ratio * 1.5).label == v.MOSTLY_ACCURATE


@pytest.mark.parametrize("observed, flips", [(1.5, True), (2.5, True), (11.4, False), (1.1, False)])
def test_reduced_says_when_another_reading_would_flip_it(observed, flips):
    assert bool(v.VAGUE["reduced"].sensitivity(observed)) is flips
