"""The reserves chapter's logic on the real data."""

from claimbook import reserves
from claimbook import verdicts as v
from claimbook.claims import claim


def test_ranks_share_places_on_equal_figures():
    table = reserves.ranking(2023).set_index("country")
    assert table.loc["Brazil", "rank"] == table.loc["Russia", "rank"] == 3
    assert table.loc["India", "rank"] == 5  # after the tie, competition ranking skips a place


def test_russia_ranks_by_edition():
    assert reserves.ranks_by_edition("Russia") == {2023: 3, 2024: 4, 2025: 5, 2026: 4}


def test_allowed_editions_depend_on_the_country():
    assert reserves.editions({"country": "Russia"}) == [2023, 2024, 2025, 2026]
    assert 2026 not in reserves.editions({"country": "India"})  # India is NA in MCS 2026
    assert "Ukraine" not in reserves.countries({})


def test_the_tonnage_claim_follows_the_edition():
    c = claim("RES-01")
    assert reserves.check_amount(c, "Russia", 2025, 10).label == v.ACCURATE
    assert reserves.check_amount(c, "Russia", 2024, 10).label == v.INACCURATE
    assert reserves.check_amount(c, "China", 2025, 10).label == v.INACCURATE


def test_the_rank_claims_follow_the_edition():
    fifth, third = claim("RES-02"), claim("RES-03")
    assert reserves.check_rank(fifth, "Russia", 2025).label == v.ACCURATE
    assert reserves.check_rank(fifth, "Russia", 2026).label == v.MIXED  # fifth only in MCS 2025
    assert reserves.check_rank(third, "Russia", 2025).label == v.MIXED
    assert reserves.check_rank(third, "Russia", 2023).label == v.ACCURATE


def test_the_national_figure_is_not_rated_above_what_its_sources_allow():
    verdict = reserves.check_national_figure(claim("RES-06"), "Russia", 10)
    assert verdict.label in (v.ACCURATE, v.MOSTLY_ACCURATE)
    assert verdict.found == 28_700_000
    assert reserves.check_national_figure(claim("RES-06"), "China", 10).label == v.UNVERIFIABLE
    # with no tolerance only the weak Rosnedra copy matches, so the label is capped
    assert reserves.check_national_figure(claim("RES-06"), "Russia", 0).label == v.MOSTLY_ACCURATE
