"""The offer chapter: the timeline of dated records (window, order, sources) and the notebook's verdict cells."""

import datetime as dt
import re

import nbformat
import pandas as pd
import pytest

from claimbook import ROOT
from claimbook.chapters import offer, page
from claimbook.core.evidence import IDENTIFIER, entry, records
from claimbook.core.params import ParameterError, notebook_parameters, resolve

D = dt.date
NOTEBOOK = ROOT / "notebooks" / "08_offer.ipynb"

MEETING = "kremlin_meeting_rare_metals_2025_02_24"  # 24 Feb 2025
PESKOV = "reuters_peskov_2025_02_25"  # event 25 Feb, published 26 Feb
AFP_PESKOV = "afp_peskov_2025_02_25"  # event 25 Feb, published 25 Feb
DMITRIEV = "reuters_aawsat_dmitriev_talks_begun_2025_03_31"  # 31 Mar 2025, 35 days after the offer
EARLIER = "dmitriev_us_oil_return_2025_02_18"  # 18 Feb 2025, 6 days before the offer
MONTH_ONLY = "pravdaru_dimukhamedov_rare_earths_for_sanctions_2025_09_09"


def test_the_offer_is_dated_by_the_kremlin_transcript():
    assert offer.offer_date() == D(2025, 2, 24)
    assert records()[offer.OFFER_RECORD]["tier"] == "primary"


def test_a_record_dated_to_the_month_has_no_event_day():
    assert offer.event_date(MEETING) == D(2025, 2, 24)
    with pytest.raises(ValueError, match="month"):
        offer.event_date(MONTH_ONLY)


def test_the_window_counts_days_around_the_offer_and_refuses_negative_counts():
    assert offer.window(0, 0) == (D(2025, 2, 24), D(2025, 2, 24))
    assert offer.window(10, 45) == (D(2025, 2, 14), D(2025, 4, 10))
    with pytest.raises(ValueError):
        offer.window(-1, 5)


@pytest.mark.parametrize(
    "before,after,shown",
    [
        (0, 0, {MEETING}),
        (0, 1, {MEETING, PESKOV}),
        (0, 34, {MEETING, PESKOV}),  # 30 March: Dmitriev's remarks of 31 March are outside
        (0, 35, {MEETING, PESKOV, DMITRIEV}),  # both ends of the window are included
    ],
)
def test_the_timeline_shows_exactly_the_records_in_the_window(before, after, shown):
    labels = {MEETING: "meeting", PESKOV: "Peskov", DMITRIEV: "Dmitriev"}
    assert set(offer.timeline(before, after, labels)["record"]) == shown


def test_days_before_reach_back_to_earlier_records():
    labels = {EARLIER: "Dmitriev before Riyadh", MEETING: "meeting"}
    assert set(offer.timeline(5, 0, labels)["record"]) == {MEETING}  # 19 Feb: the 18th is outside
    assert set(offer.timeline(6, 0, labels)["record"]) == {EARLIER, MEETING}


def test_the_timeline_runs_oldest_first_and_orders_a_day_by_publication():
    labels = {DMITRIEV: "Dmitriev", PESKOV: "Reuters", AFP_PESKOV: "AFP", MEETING: "meeting"}
    t = offer.timeline(0, 40, labels)
    assert list(t["record"]) == [MEETING, AFP_PESKOV, PESKOV, DMITRIEV]
    assert list(t["event_date"]) == sorted(t["event_date"])


def test_every_timeline_record_exists_is_dated_to_the_day_and_has_a_plain_label():
    recs = records()
    for rid, label in offer.TIMELINE.items():
        assert rid in recs, rid
        assert recs[rid]["date_precision"] == "day", rid
        assert not IDENTIFIER.search(label), label


def test_the_sources_sentence_names_each_publisher_once_with_its_tier():
    t = offer.timeline(0, 1, {MEETING: "meeting", PESKOV: "Peskov", AFP_PESKOV: "AFP"})
    text = offer.sources_sentence(t)
    for rid in (MEETING, PESKOV, AFP_PESKOV):
        r = records()[rid]
        assert text.count(f"{r['publisher']} ({r['tier']})") == 1
    once = offer.timeline(0, 1, {PESKOV: "one", MEETING: "two"})
    doubled = pd.concat([once, once.iloc[[0]]], ignore_index=True)  # the same publisher on two rows
    assert offer.sources_sentence(doubled).count(records()[PESKOV]["publisher"]) == 1
    assert offer.sources_sentence(offer.timeline(0, 0, {PESKOV: "Peskov"})) == "no record falls in the window."


@pytest.mark.parametrize(
    "earlier,later,months",
    [
        (D(2025, 2, 24), D(2025, 2, 24), 0),
        (D(2025, 2, 24), D(2025, 3, 23), 0),
        (D(2025, 2, 24), D(2025, 3, 24), 1),
        (D(2025, 2, 24), D(2026, 1, 31), 11),
        (D(2025, 2, 24), D(2026, 2, 23), 11),
        (D(2025, 2, 24), D(2026, 2, 24), 12),
    ],
)
def test_whole_months_between_two_days(earlier, later, months):
    assert offer.months_between(earlier, later) == months


def _sources(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_every_offer_claim_is_judged_from_its_records_exactly_once():
    source = _sources(nbformat.read(NOTEBOOK, 4))
    shown = re.findall(r'page\.verdict\("([A-Z]{3}-\d{2})"\)', source)  # judged from its records
    assert sorted(shown) == sorted(page.claims_of("offer"))
    assert len(shown) == len(set(shown))
    assert not re.search(r"page\.verdict\([^)]*,", source) and "show(" not in source  # no verdict from any other check
    for cid in page.claims_of("offer"):
        assert not entry(cid).get("statistical"), f"{cid} is judged from records, not statistics"


def test_each_offer_claim_has_its_own_section_label():
    text = "\n".join(c.source for c in nbformat.read(NOTEBOOK, 4).cells if c.cell_type == "markdown")
    for cid in page.claims_of("offer"):
        assert text.count(f"({cid.lower()})=") == 1, cid


def test_the_parameters_are_the_timeline_window_and_no_sweep_is_declared():
    nb = nbformat.read(NOTEBOOK, 4)
    declared = notebook_parameters(NOTEBOOK)
    assert set(declared) == {"days_before", "days_after"}
    resolve(declared, {}, NOTEBOOK.name)  # the defaults are allowed
    with pytest.raises(ParameterError):
        resolve(declared, {"days_before": "-1"}, NOTEBOOK.name)
    assert "sweep" not in nb.metadata.get("claimbook", {})


def test_the_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, 4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
