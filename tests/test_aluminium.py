"""The aluminium chapter: its rules on small synthetic inputs, then its checks on the real data."""

import pytest

from claimbook import aluminium as al
from claimbook import verdicts as v
from claimbook.claims import claim
from claimbook.data import load

# --- the rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize("claimed, same, other, tol, label", [
    (2e6, [2e6], [], 10, v.ACCURATE),                   # the record gives the figure for the same thing
    (2e6, [2.3e6], [], 10, v.MOSTLY_ACCURATE),          # 13 % off
    (2e6, [1e6], [2e6], 10, v.INACCURATE),              # the same thing decides, even if another figure matches
    (2e6, [], [2e6], 10, v.MOSTLY_INACCURATE),          # the figure exists, attached to something else
    (2e6, [], [2.5e6], 10, v.UNVERIFIABLE),             # another thing's figure that does not match proves nothing
    (2e6, [], [], 10, v.UNVERIFIABLE),
])
def test_statement_rule(claimed, same, other, tol, label):
    assert al.rate_statement_figure(claimed, same, other, tol) == label


@pytest.mark.parametrize("found, same_other_years, other_whole, label", [
    (14.6, [], [], v.ACCURATE),
    (2.8, [14.6], [14.6], v.MIXED),                  # holds for the same whole in another year first
    (2.8, [7.5, 4.4], [14.6], v.MOSTLY_INACCURATE),  # matches only a share of another whole
    (2.8, [7.5], [8.9, 4.4], v.INACCURATE),          # matches nothing
    (None, [14.6], [14.6], v.UNVERIFIABLE),
])
def test_share_rule(found, same_other_years, other_whole, label):
    assert al.rate_share(15, found, 10, same_other_years, other_whole) == label


def test_share_rule_keeps_a_near_miss_in_the_reference_year():
    assert al.rate_share(15, 13, 10, [], [15]) == v.MOSTLY_ACCURATE  # 15 % off: within twice the tolerance


@pytest.mark.parametrize("in_year, other_year, number, label", [
    (True, True, None, v.ACCURATE),
    (True, False, v.INACCURATE, v.INACCURATE),   # right year, wrong rate
    (False, True, None, v.MOSTLY_INACCURATE),    # wrong year
    (False, False, None, v.UNVERIFIABLE),
])
def test_event_rule(in_year, other_year, number, label):
    assert al.rate_event(in_year, other_year, number) == label


@pytest.mark.parametrize("found, lifted, label", [
    ({"tariff", "sanction"}, False, v.ACCURATE),
    ({"tariff"}, False, v.MIXED),
    (set(), False, v.UNVERIFIABLE),
    ({"tariff", "sanction"}, True, v.MIXED),
])
def test_in_force_rule(found, lifted, label):
    assert al.rate_in_force({"tariff", "sanction"}, found, lifted) == label


# --- allowed values ---------------------------------------------------------------------------------


def test_allowed_years_and_editions():
    assert al.years({}) == [2021, 2022, 2023, 2024, 2025]
    assert al.editions({"year": 2024}) == [2026]          # only MCS 2026 reaches 2024
    assert al.editions({"year": 2022}) == [2023, 2024, 2026]
    assert al.editions({"year": 2019}) == [2023, 2024]


def test_allowed_pre_tariff_years_follow_the_reading_of_the_market():
    imports = al.pre_tariff_years({"share_of": "imports"})
    market = al.pre_tariff_years({"share_of": "apparent_consumption"})
    assert 2017 in imports and 2017 not in market  # 2017 has a published share but no Russian tonnage
    assert all(y < al.TARIFF_YEAR for y in imports + market)


# --- data selection ---------------------------------------------------------------------------------


def test_market_shares_are_one_point_per_edition_never_spliced():
    df = al.consumption_shares()
    assert not df.duplicated(["year", "edition"]).any()
    y2022 = df[df["year"] == 2022].set_index("edition")["share_pct"]
    assert set(y2022.index) == {2023, 2024, 2026}
    # MCS 2026 counts a larger apparent consumption, so the same tonnage is a smaller share of it
    assert y2022[2026] < y2022[2024]
    assert (df["share_pct"] < 10).all()  # no year, no edition comes near the claimed 15 %


def test_a_year_with_separate_product_rows_adds_one_publishers_rows():
    raw = load(al.IMPORTS)
    parts = raw[(raw["period"] == "2018") & raw["quantity_t"].notna()]
    q = al.russian_quantities().set_index("year")
    assert q.loc[2018, "quantity_t"] == parts["quantity_t"].sum()
    assert q.loc[2019, "product_scope"].startswith("all")  # a whole-scope row wins over its parts


def test_the_offer_in_proportion_follows_offer_and_edition():
    base = al.offer_in_proportion(2e6, 2024, 2026).set_index("whole")
    half = al.offer_in_proportion(1e6, 2024, 2026).set_index("whole")
    assert (half["share_pct"] * 2 - base["share_pct"]).abs().max() < 1e-9
    assert base.loc["US primary aluminium production", "share_pct"] > 100
    assert base.loc["world primary aluminium output", "share_pct"] < 5
    # for 2022 MCS 2023 (an estimate) and MCS 2024 give different Russian output and US consumption
    e23 = al.offer_in_proportion(2e6, 2022, 2023).set_index("whole")
    e24 = al.offer_in_proportion(2e6, 2022, 2024).set_index("whole")
    assert e23.loc["Russia's primary aluminium output", "edition"] == 2023
    assert e23.loc["US apparent consumption", "share_pct"] != e24.loc["US apparent consumption", "share_pct"]


# --- the checks on the real data --------------------------------------------------------------------


def test_the_two_million_tonnes_belong_to_the_us_market_not_to_krasnoyarsk():
    assert al.check_statement_figure(claim("ALU-01"), "us_market_supply", 10).label == v.MOSTLY_ACCURATE  # capped
    alu09 = al.check_statement_figure(claim("ALU-09"), "krasnoyarsk_project", 10)
    assert alu09.label == v.MOSTLY_INACCURATE and "US market" in alu09.conclusion
    wrong = {**claim("ALU-02"), "asserted": {"value": 30e9, "unit": "USD", "qualifier": "up to"}}
    assert al.check_statement_figure(wrong, "krasnoyarsk_project", 10).label == v.INACCURATE


def test_the_market_share_claim_follows_the_reading_and_the_tolerance():
    c = claim("ALU-03")
    assert al.check_market_share(c, 2022, "apparent_consumption", 2026, 10).label == v.MOSTLY_INACCURATE
    assert al.check_market_share(c, 2022, "apparent_consumption", 2026, 0).label == v.INACCURATE
    assert al.check_market_share(c, 2022, "imports", 2026, 10).label == v.MIXED
    assert al.check_market_share(c, 2017, "imports", 2026, 10).label == v.MOSTLY_ACCURATE  # 14.6 %, secondary
    # an edition that lacks the year falls back to one that has it, and says which
    verdict = al.check_market_share(c, 2018, "apparent_consumption", 2026, 10)
    assert "MCS 2023" in verdict.conclusion


def test_the_tariff_claim_checks_year_and_rate():
    assert al.check_tariff(claim("ALU-04"), 10).label == v.MOSTLY_ACCURATE  # rate from law-firm summaries
    wrong_year = {**claim("ALU-04"), "statement": "In 2022 the US imposed a 200% tariff on Russian aluminium."}
    assert al.check_tariff(wrong_year, 10).label == v.MOSTLY_INACCURATE
    wrong_rate = {**claim("ALU-04"), "asserted": {"value": 100, "unit": "%", "qualifier": "exactly"}}
    assert al.check_tariff(wrong_rate, 10).label == v.INACCURATE


def test_events_measures_and_unrateable_claims():
    assert al.check_event(claim("ALU-05"), "column2_tariffs_russian_metals_minerals_chemicals").label == v.MOSTLY_ACCURATE
    later = {**claim("ALU-05"), "statement": "In 2024 the US also raised duties on other Russian metals."}
    assert al.check_event(later, "column2_tariffs_russian_metals_minerals_chemicals").label == v.MOSTLY_INACCURATE
    assert al.check_in_force(claim("ALU-07")).label == v.MOSTLY_ACCURATE
    before_ban = {**claim("ALU-07"), "as_of": "2023-12-31"}  # only tariffs were in force then
    assert al.check_in_force(before_ban).label == v.MIXED
    assert al.check_plant_rank(claim("ALU-10")).label == v.UNVERIFIABLE
    assert al.check_producer_prediction(claim("ALU-13"), 2e6, 2024, 2026).label == v.NOT_RATED


def test_the_decline_is_like_for_like():
    pair = al.like_for_like_decline()
    assert pair["before"]["year"] < al.TARIFF_YEAR <= pair["after"]["year"]
    assert pair["before"]["product_scope"].split()[0] == pair["after"]["product_scope"].split()[0] == "unwrought"
    assert al.check_decline(claim("ALU-06"), 2).label == v.MOSTLY_ACCURATE  # an 11-fold fall, weak sources
