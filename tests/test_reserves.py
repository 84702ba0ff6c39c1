"""The reserves chapter's logic on the real data: editions as of the claim's date, ranks, 'top N' readings,
comparisons and the sentences the reader sees."""

import datetime as dt

import pytest

from claimbook.chapters import reserves
from claimbook.core import rules as v
from claimbook.core.evidence import IDENTIFIER, records
from claimbook.core.notebooks import find
from claimbook.core.params import notebook_parameters
from claimbook.core.register import claim

D = dt.date


def _dated(claim_id, as_of):
    """The register's claim, moved to another date (to test what a reader had then)."""
    return {**claim(claim_id), "as_of": as_of}


def test_ranks_share_places_on_equal_figures():
    table = reserves.ranking(2023).set_index("country")
    assert table.loc["Brazil", "rank"] == table.loc["Russia", "rank"] == 3
    assert table.loc["India", "rank"] == 5  # after the tie, competition ranking skips a place


def test_russia_ranks_by_edition_and_as_of_a_date():
    assert reserves.ranks_by_edition("Russia") == {2023: 3, 2024: 4, 2025: 5, 2026: 4}
    assert reserves.ranks_by_edition("Russia", D(2026, 1, 31)) == {2023: 3, 2024: 4, 2025: 5}
    assert reserves.ranks_by_edition("Russia", D(2026, 2, 6)) == {2023: 3, 2024: 4, 2025: 5, 2026: 4}


def test_allowed_editions_depend_on_the_country():
    assert reserves.editions({"country": "Russia"}) == [2023, 2024, 2025, 2026]
    assert 2026 not in reserves.editions({"country": "India"})  # India is NA in MCS 2026
    assert "Ukraine" not in reserves.countries({})


def test_edition_dates_agree_with_the_public_records():
    recs = records()
    assert reserves.published(2025) == recs["usgs_mcs2025_ree_reserves_2025_01_31"]["published"]
    assert reserves.published(2026) == recs["usgs_mcs2026_data_release_2026_02_06"]["published"]
    assert set(reserves.PUBLISHED) >= set(reserves.complete_editions())
    with pytest.raises(v.VerdictError):
        reserves.published(2019)


@pytest.mark.parametrize(
    "as_of,newest,expected",
    [
        (D(2026, 1, 31), None, 2025),  # MCS 2026 came out a week later
        (D(2026, 2, 6), None, 2026),  # the day it came out
        (D(2025, 1, 30), None, 2024),  # the day before MCS 2025
        (D(2025, 4, 29), None, 2025),
        (D(2026, 3, 1), 2025, 2025),  # a newer edition, but the reader asked for no newer than 2025
        (D(2026, 1, 31), 2024, 2024),
        (D(2023, 1, 30), None, None),  # before the first complete edition located
    ],
)
def test_the_edition_a_reader_had(as_of, newest, expected):
    assert reserves.edition_for(as_of, newest) == expected


def test_the_tonnage_claim_is_judged_in_the_edition_of_its_date():
    c = claim("RES-01")
    assert reserves.check_amount(c, "Russia", 2025, 10).label == v.ACCURATE
    assert reserves.check_amount(c, "Russia", 2024, 10).label == v.INACCURATE  # MCS 2024: 10 million t
    assert reserves.check_amount(c, "China", 2025, 10).label == v.INACCURATE
    later = reserves.check_amount(c, "Russia", 2026, 10)  # MCS 2026 appeared after the claim's date
    assert later.label == v.ACCURATE and "2025 summary" in later.conclusion
    assert any("2026 summary" in s for s in later.since_then)
    assert reserves.check_amount(_dated("RES-01", D(2024, 6, 1)), "Russia", 2026, 10).label == v.INACCURATE


@pytest.mark.parametrize(
    "claimed,rank,label",
    [
        (5, 5, v.ACCURATE),
        (5, 4, v.MOSTLY_INACCURATE),
        (4, 5, v.MOSTLY_INACCURATE),
        (3, 5, v.INACCURATE),
        (3, None, v.UNVERIFIABLE),
    ],
)
def test_the_rank_rule(claimed, rank, label):
    assert reserves.RANK_OF_THE_DAY(claimed, rank) == label


def test_the_rank_claims_ignore_later_editions_and_superseded_ones():
    fifth, third = claim("RES-02"), claim("RES-03")
    assert reserves.check_rank(fifth, "Russia", 2025).label == v.ACCURATE
    # asking for MCS 2026 changes nothing for a claim dated before it appeared ...
    assert reserves.check_rank(fifth, "Russia", 2026).label == v.ACCURATE
    # ... but a claim dated after it is judged there (fourth)
    assert reserves.check_rank(_dated("RES-02", D(2026, 3, 1)), "Russia", 2026).label == v.MOSTLY_INACCURATE
    # MCS 2023 (tied third) had been replaced twice by April 2025: context, not a lift to mixed
    verdict = reserves.check_rank(third, "Russia", 2025)
    assert verdict.label == v.INACCURATE and "2023" in verdict.conclusion
    assert reserves.check_rank(third, "Russia", 2023).label == v.ACCURATE  # a reader holding the 2023 edition


@pytest.mark.parametrize(
    "rank,top_n,label",
    [
        (5, 5, v.ACCURATE),
        (1, 5, v.ACCURATE),
        (6, 5, v.MOSTLY_INACCURATE),
        (8, 5, v.INACCURATE),
        (5, 4, v.MOSTLY_INACCURATE),
        (None, 5, v.UNVERIFIABLE),
    ],
)
def test_the_top_n_rule(rank, top_n, label):
    assert reserves.TOP_N(rank, top_n) == label


def test_the_top_n_rule_needs_a_place():
    with pytest.raises(v.VerdictError):
        reserves.TOP_N(1, 0)


def test_among_the_largest_follows_the_threshold_and_says_when_it_turns():
    c = claim("RES-07")
    verdict = reserves.check_top_n(c, "Russia", 2025, 5, "some of the largest")
    assert verdict.label == v.ACCURATE and "top 4 or fewer" in verdict.sensitivity
    assert reserves.check_top_n(c, "Russia", 2025, 4, "some of the largest").label == v.MOSTLY_INACCURATE
    assert reserves.check_top_n(c, "Thailand", 2025, 5, "some of the largest").label == v.INACCURATE


@pytest.mark.parametrize(
    "word,rank,top_n,turns",
    [
        ("uncontested leaders", 5, 3, "top 5 or more"),  # fifth: the loosest reading (top 5) would turn it
        ("uncontested leaders", 6, 3, ""),  # sixth: outside every reading from 2 to 5
        ("uncontested leaders", 2, 3, ""),  # second: inside every reading
        ("some of the largest", 7, 5, "top 7 or more"),  # seventh: a looser reading (up to 10) turns it
        ("vast", 5, 10, ""),  # readings from 5 to 12 all include fifth
    ],
)
def test_the_rank_sensitivity_sentence(word, rank, top_n, turns):
    text = reserves.rank_sensitivity(word, rank, top_n)
    assert (turns in text) if turns else text == ""


def test_defaults_of_the_vague_words_are_the_books_thresholds():
    params = notebook_parameters(find("reserves"))
    for word in ("uncontested leaders", "some of the largest", "significantly"):
        vague = v.VAGUE[word]
        assert params[vague.parameter].default == vague.threshold, word


@pytest.mark.parametrize(
    "a,b,label,turns",
    [
        ("Russia", "Ukraine", v.MOSTLY_ACCURATE, ""),  # Ukraine has no USGS figure at all
        ("China", "Russia", v.ACCURATE, ""),  # 11.6 times: no plausible threshold turns it
        ("Australia", "United States", v.ACCURATE, ""),  # 3.0 times: only a threshold above 3, beyond the range
        ("Vietnam", "United States", v.MOSTLY_ACCURATE, "at or below"),  # 1.8 times: below 2
        ("Russia", "China", v.INACCURATE, ""),
    ],
)
def test_significantly_larger(a, b, label, turns):
    verdict = reserves.check_larger_than(claim("RES-04"), a, b, 2025, 2.0)
    assert verdict.label == label
    assert (turns in verdict.sensitivity) if turns else verdict.sensitivity == ""


CHECKS = [
    lambda ed: reserves.check_amount(claim("RES-01"), "Russia", ed, 10.0),
    lambda ed: reserves.check_rank(claim("RES-02"), "Russia", ed),
    lambda ed: reserves.check_rank(claim("RES-03"), "Russia", ed),
    lambda ed: reserves.check_larger_than(claim("RES-04"), "Russia", "Ukraine", ed, 2.0),
    lambda ed: reserves.check_top_n(claim("RES-05"), "Russia", ed, 3, "uncontested leaders"),
    lambda ed: reserves.check_top_n(claim("RES-07"), "Russia", ed, 4, "some of the largest"),
    lambda ed: reserves.check_larger_than(claim("RES-04"), "Vietnam", "United States", ed, 2.0),
    lambda ed: reserves.check_amount(_dated("RES-01", D(2022, 1, 1)), "Russia", ed, 10.0),
]


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("edition", [2023, 2024, 2025, 2026])
def test_conclusions_are_one_plain_sentence(check, edition):
    verdict = check(edition)
    for text in [verdict.conclusion, verdict.sensitivity, *verdict.since_then]:
        assert not IDENTIFIER.search(text), text
    assert len(verdict.conclusion.split()) <= v.MAX_CONCLUSION_WORDS, verdict.conclusion
    assert verdict.conclusion.count(". ") == 0 and verdict.conclusion.endswith(".")


def test_an_older_edition_is_named_as_older():
    verdict = reserves.check_amount(claim("RES-01"), "Russia", 2024, 10)
    assert "older than the 2025 one" in verdict.conclusion and "10 million tonnes" in verdict.conclusion
