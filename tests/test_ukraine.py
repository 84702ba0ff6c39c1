"""The Ukraine chapter's two statistical measures ('much', 'vast'), on synthetic inputs and on the real data,
and its parameters. The record-based claims are judged by claimbook.core.evidence (tests/test_evidence.py)."""

import datetime as dt

import pytest

from claimbook.chapters import reserves, ukraine
from claimbook.core import rules as v
from claimbook.core.evidence import IDENTIFIER
from claimbook.core.notebooks import find
from claimbook.core.params import notebook_parameters
from claimbook.core.register import claim

# ---------------------------------------------------------------- rules, synthetic inputs


@pytest.mark.parametrize(
    "share, threshold, label",
    [
        (33, 25, v.ACCURATE),
        (25, 25, v.ACCURATE),  # at the threshold
        (33, 50, v.MIXED),  # below, but at least half the threshold
        (25, 50, v.MIXED),
        (24.9, 50, v.INACCURATE),  # below half of it
        (0, 10, v.INACCURATE),
    ],
)
def test_much_rule(share, threshold, label):
    assert ukraine.MUCH(share, threshold) == label


@pytest.mark.parametrize(
    "ranks, top_n, label",
    [
        ({"Russia": 5, "Ukraine": 7}, 10, v.ACCURATE),  # both within the top
        ({"Russia": 5, "Ukraine": None}, 10, v.MIXED),  # one unlisted: it has none
        ({"Russia": 5, "Ukraine": 11}, 10, v.MIXED),  # one just outside
        ({"Russia": 5, "Ukraine": None}, 4, v.INACCURATE),  # neither
        ({"Russia": 10, "Ukraine": 10}, 10, v.ACCURATE),  # at the last place counted
        ({"Russia": None, "Ukraine": None}, 12, v.INACCURATE),
    ],
)
def test_vast_rule(ranks, top_n, label):
    assert ukraine.VAST(ranks, top_n) == label


def test_vast_rule_refuses_an_empty_top():
    with pytest.raises(v.VerdictError):
        ukraine.VAST({"Russia": 1}, 0)


def test_the_rules_state_their_text_once():
    for rule in (ukraine.MUCH, ukraine.VAST):
        assert rule.markdown().startswith(f"**{rule.title}.**") and not IDENTIFIER.search(rule.text)


# ---------------------------------------------------------------- parameters


def test_defaults_are_the_books_readings_of_the_vague_words():
    params = notebook_parameters(find("ukraine"))
    assert params["much_pct"].default == v.VAGUE["much"].threshold
    assert params["vast_top_n"].default == v.VAGUE["vast"].threshold
    assert {"much_pct", "vast_top_n", "edition"} == set(params)  # nothing that no longer does anything
    assert params["edition"].default == 2025  # MCS 2025, the edition published before every claim's date


def test_the_sweep_runs_the_plausible_readings_of_much():
    word = v.VAGUE["much"]
    values = ukraine.much_thresholds({})
    assert values[0] == word.low and values[-1] == word.high and word.threshold in values
    assert values == sorted(values) and len(values) == len(set(values))


def test_allowed_editions_follow_the_reserves_data():
    assert ukraine.reserves_editions({}) == reserves.editions({"country": "Russia"})
    assert 2025 in ukraine.reserves_editions({})


# ---------------------------------------------------------------- the measures on the real data


def _plain(verdict):
    return len(verdict.conclusion.split()) <= v.MAX_CONCLUSION_WORDS and not IDENTIFIER.search(verdict.conclusion)


def test_much_follows_the_threshold_and_says_what_the_share_counts():
    c = claim("UKR-08")
    share = float(ukraine.row(ukraine.REE_UNDER_CONTROL)["share_pct"])
    low = ukraine.check_much_under_control(c, share)
    high = ukraine.check_much_under_control(c, share + 1)
    half = ukraine.check_much_under_control(c, 2 * share + 1)
    assert (low.label, high.label, half.label) == (v.ACCURATE, v.MIXED, v.INACCURATE)
    for verdict in (low, high, half):
        assert _plain(verdict) and "deposits, not of their value" in verdict.conclusion
        assert verdict.rule == ukraine.MUCH.title


def test_much_says_when_another_reading_would_turn_it():
    c = claim("UKR-08")
    share = float(ukraine.row(ukraine.REE_UNDER_CONTROL)["share_pct"])
    assert v.VAGUE["much"].low <= share <= v.VAGUE["much"].high  # the real share lies in the plausible range
    met = ukraine.check_much_under_control(c, v.VAGUE["much"].threshold).sensitivity
    missed = ukraine.check_much_under_control(c, share + 5).sensitivity
    assert f"above {share:g}%" in met and f"at or below {share:g}%" in missed


def test_vast_holds_for_russia_only_in_the_edition_a_reader_had():
    verdict = ukraine.check_vast_pair(claim("UKR-15"), 2025, int(v.VAGUE["vast"].threshold))
    assert verdict.label == v.MIXED and verdict.found == {"Russia": 5, "Ukraine": None}
    assert "Russia only" in verdict.conclusion and "3.8 million t" in verdict.conclusion and _plain(verdict)
    # MCS 2026 came out after the claim's date: shown since then, never deciding
    assert any("2026 summary" in s for s in verdict.since_then)
    assert "2026" not in verdict.conclusion
    # Russia ranks at the plausible range's lowest reading, so no plausible reading turns it
    assert verdict.sensitivity == ""


def test_vast_follows_the_number_of_places():
    verdict = ukraine.check_vast_pair(claim("UKR-15"), 2025, 4)  # Russia is 5th in MCS 2025
    assert verdict.label == v.INACCURATE and "neither" in verdict.conclusion


def test_vast_refuses_an_edition_published_after_the_claim():
    c = claim("UKR-15")
    assert c["as_of"] < dt.date(2026, 1, 1)
    with pytest.raises(v.VerdictError, match="after the claim's date"):
        ukraine.check_vast_pair(c, 2026, 10)


# ---------------------------------------------------------------- evidence figures


def test_the_estimates_table_keeps_what_each_estimate_counts():
    table = ukraine.estimate_table()
    assert list(table["usd_trillion"]) == sorted(table["usd_trillion"], reverse=True)
    forbes = table[table["figure_id"] == "forbes_ukraine_mineral_value"].iloc[0]
    assert "coal" in forbes["commodities"] and "iron ore" in forbes["commodities"]


def test_control_shares_are_secdevs_and_the_signing_date():
    shares = ukraine.control_shares()
    assert ukraine.REE_UNDER_CONTROL in set(shares["figure_id"]) and shares["resource"].notna().all()
    assert ukraine.signing_date() == dt.date(2025, 4, 30)
