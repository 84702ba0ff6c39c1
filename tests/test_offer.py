"""The offer chapter's logic: corroboration counts, the calendar checks, places and the real verdicts."""

import datetime as dt

import pytest

from claimbook import offer
from claimbook import verdicts as v
from claimbook.claims import claim

D = dt.date


def test_stated_weekday_and_date_are_read_from_the_statement():
    assert offer.stated_date("Putin spoke on Monday 24 February 2025, on TV.") == ("Monday", D(2025, 2, 24))
    assert offer.stated_date("Putin spoke in February 2025.") is None


def test_weekday_of_a_date():
    assert offer.weekday_of(D(2025, 2, 24)) == "Monday"
    assert offer.weekday_of(D(2025, 2, 25)) == "Tuesday"


def test_on_monday_in_a_text_of_one_week_means_one_day_only():
    assert offer.weekday_candidates("Monday", D(2025, 2, 24), D(2025, 3, 2)) == [D(2025, 2, 24)]
    # a window reaching the next Monday leaves two readings
    assert offer.weekday_candidates("Monday", D(2025, 2, 24), D(2025, 3, 3)) == [D(2025, 2, 24), D(2025, 3, 3)]
    # written on a Wednesday, "on Monday" is two days before
    assert offer.weekday_candidates("Monday", D(2025, 2, 26), D(2025, 2, 26)) == [D(2025, 2, 24)]


def test_an_article_written_before_the_event_is_flagged():
    arts = ["001_5e08cd89a83175d0", "004_4fbd776ee30146d3"]  # written from 28 Feb and from 24 Feb 2025
    assert offer.written_before(D(2025, 2, 24), arts) == []
    assert offer.written_before(D(2025, 3, 5), arts) == ["004_4fbd776ee30146d3"]  # 004 ends by 2 Mar


def test_search_matches_whole_words_only():
    assert len(offer.search(["Murmansk"])) >= 1
    assert offer.search(["Murm"]).empty
    assert offer.search(["Peskov"]).empty


def test_deposit_name_beside_a_region():
    assert offer.deposit_named("Reserves concentrated in Lovozero (Murmansk)", "Murmansk") == "Lovozero"
    assert offer.deposit_named("Tomtor (Yakutia) 4,000,000 t", "Yakutia") == "Tomtor"
    assert offer.deposit_named("deposits in Murmansk", "Murmansk") is None


def test_every_region_checked_is_named_in_the_claim():
    statement = claim("OFR-04")["statement"]
    assert all(region in statement for region in offer.REGIONS)


def test_allowed_corroboration_levels_run_from_one_to_every_possible_report():
    assert offer.corroboration_levels({}) == [1, 2, 3, 4, 5, 6]  # five articles plus one record


def test_records_are_dated_and_tiered():
    (rec,) = offer.records("OFR-02")
    assert rec["date"] == D(2025, 2, 24) and rec["tier"] == "secondary"
    assert offer.records("OFR-05") == []


def _synthetic(cid="OFR-99", statement="Putin spoke on Monday 24 February 2025.", arts=("004_4fbd776ee30146d3",),
               quote="While speaking on Monday"):
    return {"id": cid, "statement": statement, "kind": "event",
            "appearances": [{"article": a, "quote": quote} for a in arts]}


def test_date_check_says_no_when_the_weekday_is_wrong():
    c = _synthetic(statement="Putin spoke on Tuesday 24 February 2025.", quote="He spoke")
    verdict = offer.check_date(c, 1)
    assert verdict.label == v.INACCURATE and "was a Monday, not a Tuesday" in verdict.conclusion


def test_date_check_says_no_when_an_article_predates_the_date_or_its_weekday_means_another_day():
    c = _synthetic(statement="Putin spoke on Monday 3 March 2025.")
    verdict = offer.check_date(c, 1)
    assert verdict.label == v.INACCURATE
    assert "before the date" in verdict.conclusion and "can only mean 24 February 2025" in verdict.conclusion


def test_date_check_says_yes_on_enough_reports_and_no_contradiction():
    c = _synthetic(arts=("004_4fbd776ee30146d3", "002_9b9adaff7cf23c2c"), quote="He spoke")
    assert offer.check_date(c, 2).label == v.MOSTLY_ACCURATE
    assert offer.check_date(c, 3).label == v.UNVERIFIABLE


def test_the_real_verdicts_at_the_defaults():
    assert offer.check_event(claim("OFR-01"), 2).label == v.MOSTLY_ACCURATE
    assert offer.check_date(claim("OFR-02"), 2).label == v.MOSTLY_ACCURATE
    assert offer.check_event(claim("OFR-05"), 2).label == v.UNVERIFIABLE
    assert offer.check_opinion(claim("OFR-09")).label == v.NOT_RATED


def test_a_stricter_corroboration_requirement_changes_the_meeting_verdict():
    meeting = claim("OFR-03")  # two articles, no record
    assert offer.check_event(meeting, 2).label == v.MOSTLY_ACCURATE
    assert offer.check_event(meeting, 3).label == v.UNVERIFIABLE
    # the offer itself, with every article and a record, stays corroborated up to the most reports possible
    assert offer.check_event(claim("OFR-01"), 6).label == v.MOSTLY_ACCURATE


def test_a_single_article_attribution_is_corroborated_only_if_one_report_suffices():
    peskov = claim("OFR-05")
    assert offer.check_event(peskov, 1).label == v.MOSTLY_ACCURATE
    assert "found nothing" in offer.check_event(peskov, 2).conclusion


@pytest.mark.parametrize("share, label", [(0.5, v.UNVERIFIABLE), (0.4, v.MOSTLY_ACCURATE), (1.0, v.UNVERIFIABLE)])
def test_regions_follow_the_required_share(share, label):
    verdict = offer.check_regions(claim("OFR-04"), share, 2)
    assert verdict.label == label
    assert verdict.found == ["Murmansk", "Yakutia"]  # Lovozero and Tomtor, in the national-figures table


def test_the_corroboration_table_counts_articles_and_records():
    t = offer.corroboration_table(2).set_index("claim")
    assert "OFR-09" not in t.index  # opinions are not counted
    assert (t.loc["OFR-01", "n_articles"], t.loc["OFR-01", "n_records"]) == (5, 1)
    assert t.loc["OFR-03", "reports"] == 2 and t.loc["OFR-03", "corroborated"]
    assert not t.loc["OFR-08", "corroborated"]
