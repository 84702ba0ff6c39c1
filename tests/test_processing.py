"""The processing chapter's rules (synthetic cases) and its checks on the real data."""

import datetime as dt

import pytest

from claimbook import processing as p
from claimbook import verdicts as v
from claimbook.claims import claim


@pytest.mark.parametrize("text, start, end", [
    ("2024", "2024-01-01", "2024-12-31"),
    ("2024 (IEA commentary Oct 2025)", "2024-01-01", "2024-12-31"),
    ("2021-2023", "2021-01-01", "2023-12-31"),
    ("Q1 2025", "2025-01-01", "2025-03-31"),
    ("Q4 2025", "2025-10-01", "2025-12-31"),
    ("2025-07", "2025-07-01", "2025-07-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2025-04-17", "2025-04-17", "2025-04-17"),
])
def test_periods_are_read_as_first_and_last_day(text, start, end):
    assert p.parse_period(text) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize("text", ["July 2025", "2025-13", "2023-2021", ""])
def test_unreadable_periods_are_refused(text):
    with pytest.raises(ValueError):
        p.parse_period(text)


@pytest.mark.parametrize("imported, bound, label", [
    (100, 95, v.ACCURATE), (96, 95, v.ACCURATE), (80, 95, v.MOSTLY_ACCURATE), (75, 50, v.ACCURATE),
    (40, 95, v.MIXED), (10, 50, v.INACCURATE), (None, 95, v.UNVERIFIABLE),
])
def test_lack_rule(imported, bound, label):
    assert p.rate_lack(imported, bound) == label


def test_lack_rule_refuses_a_share_outside_0_to_100():
    with pytest.raises(v.VerdictError):
        p.rate_lack(120, 95)


@pytest.mark.parametrize("imported, partner, label", [
    (80, 70, v.ACCURATE), (80, 30, v.MIXED), (80, 10, v.MOSTLY_INACCURATE), (75, None, v.UNVERIFIABLE),
    (40, 90, v.MOSTLY_INACCURATE), (10, 90, v.INACCURATE), (None, 90, v.UNVERIFIABLE),
])
def test_reliance_rule(imported, partner, label):
    assert p.rate_reliance(imported, partner) == label


def test_lowest_label():
    assert p.lowest([v.ACCURATE, v.MIXED, v.MOSTLY_ACCURATE]) == v.MIXED


def test_allowed_values():
    assert p.stages({}) == ["mining", "refining", "magnets"]
    assert p.years({"stage": "refining"}) == [2023, 2024]
    assert p.years({"stage": "magnets"}) == [2024]
    assert 2020 in p.years({"stage": "mining"})  # the USGS-based mining share reaches further back


def test_china_mining_share_is_computed_from_the_latest_usgs_edition():
    shares = p.mining_shares_usgs("China").set_index("year")
    assert shares.loc[2024, "share_pct"] == pytest.approx(270_000 / 380_000 * 100)  # MCS 2026 revises the world total
    assert (shares["source_tier"] == "primary").all()


def test_projections_are_never_used_as_observations():
    assert 2030 not in set(p.china_series("refining")["year"])
    assert 2030 in set(p.iea_shares("refining", projections=True)["year"])


def test_share_claims_are_capped_for_secondary_evidence_and_follow_the_stage():
    c = claim("PRC-02")
    refining = p.check_share(c, "refining", 2024, 10)
    assert refining.found == 91 and refining.label == v.MOSTLY_ACCURATE and "capped" in refining.conclusion
    mining = p.check_share(c, "mining", 2024, 5)  # China mines about 71%, below "80%+"
    assert mining.found < 80 and mining.label == v.MOSTLY_INACCURATE and mining.evidence_tiers == ["primary"]


def test_a_year_after_the_claims_date_is_shown_but_does_not_decide():
    c = claim("PRC-02")  # judged as of 2025-04-29
    verdict = p.check_share(c, "mining", 2025, 10)
    assert verdict.found == pytest.approx(69.2, abs=0.1)  # 2025 covers the claim's date
    early = dict(c, as_of=dt.date(2024, 6, 1))
    verdict = p.check_share(early, "mining", 2025, 10)
    assert verdict.found == pytest.approx(71.1, abs=0.1) and "later year" in verdict.conclusion  # 2024 decides


def test_dominance_depends_on_the_threshold():
    c = claim("PRC-01")
    assert p.check_dominance(c, "mining", 2024, 50, 10).label == v.ACCURATE  # primary USGS share, 71%
    assert p.check_dominance(c, "mining", 2024, 90, 10).label == v.MOSTLY_INACCURATE


def test_mp_materials_is_judged_as_of_the_day_before_it_stopped_shipping_to_china():
    c = claim("PRC-04")
    verdict = p.check_mp_dependence(c, 50, 10)
    assert verdict.label == v.ACCURATE and "1 day later" in verdict.conclusion
    later = p.check_mp_dependence(dict(c, as_of=dt.date(2025, 5, 1)), 50, 10)
    assert later.label == v.INACCURATE
    assert p.check_mp_dependence(c, 60, 10).label == v.MOSTLY_ACCURATE  # about 50% falls short of 60%


def test_us_lack_of_processing_uses_the_edition_in_force():
    verdict = p.check_lacks(claim("PRC-03"), "United States", 95)
    assert verdict.found == 80 and verdict.label == v.MOSTLY_ACCURATE and "MCS 2026" in verdict.conclusion
    assert p.check_lacks(claim("PRC-03"), "United States", 80).label == v.ACCURATE
    after = p.check_lacks(dict(claim("PRC-03"), as_of=dt.date(2026, 3, 1)), "United States", 95)
    assert after.found == 67  # MCS 2026 is in force by then and its 2025 estimate covers the date


def test_reliance_on_a_partner_needs_the_partners_share():
    assert p.check_relies_on(claim("PRC-05"), "Russia", "China").label == v.UNVERIFIABLE
    us = p.check_relies_on(claim("PRC-05"), "United States", "China")
    assert us.label == v.ACCURATE and us.found == {"imports": 80.0, "partner": 70.0}


def test_lag_compares_with_the_most_the_country_can_hold():
    verdict = p.check_lags(claim("PRC-07"), "Russia", 2024, 2)
    assert verdict.found["country_at_most"] == pytest.approx(2) and verdict.label == v.MOSTLY_ACCURATE
    assert p.check_lags(claim("PRC-07"), "Russia", 2024, 3).label == v.MOSTLY_ACCURATE  # Malaysia 5% < 3 x 2%
    assert p.check_lags(claim("PRC-07"), "Malaysia", 2024, 2).label == v.INACCURATE


def test_an_action_after_the_claims_date_does_not_confirm_it():
    c = claim("PRC-10")
    assert p.check_action(c, "Pentagon").label == v.UNVERIFIABLE
    assert p.check_action(dict(c, as_of=dt.date(2025, 10, 1)), "Pentagon").label == v.MOSTLY_ACCURATE


def test_opinions_are_not_rated_and_facts_must_be():
    assert p.check_not_rated(claim("PRC-14"), "a judgement.").label == v.NOT_RATED
    with pytest.raises(v.VerdictError):
        p.check_not_rated(claim("PRC-01"), "x")
    with pytest.raises(v.VerdictError):
        p.check_unrecorded(claim("PRC-14"), "x", "y")
    assert p.check_unrecorded(claim("PRC-11"), "x", "y").label == v.UNVERIFIABLE
