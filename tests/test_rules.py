"""The verdict rules, each with cases where it must say yes and cases where it must say no."""

import json
import math

import nbformat
import pytest

from claimbook.core import rules as v


@pytest.mark.parametrize(
    "claimed, found, tol, qualifier, label",
    [
        (3.8e6, 3.8e6, 10, "about", v.ACCURATE),
        (3.8e6, 4.1e6, 10, "about", v.ACCURATE),  # 7.3 % off
        (3.8e6, 4.4e6, 10, "about", v.MOSTLY_ACCURATE),  # 13.6 % off
        (3.8e6, 10e6, 10, "about", v.INACCURATE),  # 62 % off
        (3.8e6, 5.0e6, 10, "about", v.MOSTLY_INACCURATE),  # 24 % off
        (80, 92, 5, "at least", v.ACCURATE),  # "80 %+" and the record is 92 %
        (80, 70, 5, "at least", v.MOSTLY_INACCURATE),  # below the bound by 14 %
        (80, 80, 5, "more than", v.ACCURATE),  # 0 % off still counts within tolerance
        (2e6, 1.5e6, 10, "up to", v.ACCURATE),
        (2e6, 3e6, 10, "up to", v.MOSTLY_INACCURATE),
        (15, 4.4, 10, "about", v.INACCURATE),
        (100, 109, 10, "exactly", v.ACCURATE),
        (100, 111, 0, "about", v.INACCURATE),
    ],
)
def test_number_rule(claimed, found, tol, qualifier, label):
    assert v.rate_number(claimed, found, tol, qualifier) == label


def test_number_rule_refuses_a_negative_tolerance():
    with pytest.raises(v.VerdictError, match="must not be negative"):
        v.rate_number(1, 1, -1)


@pytest.mark.parametrize(
    "claimed, found, tol, qualifier, label",
    [
        (1, 0.64, 0.5, "about", v.ACCURATE),  # "about 1%": 0.64% rounds to 1%
        (1, 1.12, 0.5, "about", v.ACCURATE),
        (1, 0.64, 0.3, "about", v.MOSTLY_ACCURATE),  # 0.36 points: within twice 0.3
        (1, 0.64, 0.1, "about", v.MOSTLY_INACCURATE),  # within four times 0.1
        (1, 69.2, 0.5, "about", v.INACCURATE),
        (1, 1.0, 0, "about", v.ACCURATE),
        (1, 1.01, 0, "about", v.INACCURATE),
        (80, 92, 2, "at least", v.ACCURATE),
        (80, 78.5, 1, "at least", v.MOSTLY_ACCURATE),  # 1.5 points below the bound
        (80, 80, 1, "more than", v.ACCURATE),  # at the bound: 0 points off
        (5, 4, 1, "less than", v.ACCURATE),
        (5, 10, 1, "up to", v.INACCURATE),  # 5 points above the bound
    ],
)
def test_points_rule(claimed, found, tol, qualifier, label):
    assert v.rate_points(claimed, found, tol, qualifier) == label


def test_points_rule_refuses_a_negative_tolerance():
    with pytest.raises(v.VerdictError, match="must not be negative"):
        v.rate_points(1, 1, -0.1)


@pytest.mark.parametrize(
    "holds, reference, label",
    [
        ({2023: True, 2024: True, 2025: True}, 2025, v.ACCURATE),
        ({2023: False, 2024: False, 2025: True}, 2025, v.ACCURATE),  # holds in the reference
        ({2023: True, 2024: False, 2025: False}, 2025, v.MIXED),  # only in another edition
        ({2023: False, 2024: False, 2025: False}, 2025, v.INACCURATE),
        ({2022: None, 2023: True, 2024: True}, 2022, v.MOSTLY_ACCURATE),  # reference cannot test it
        ({2022: None, 2023: True, 2024: False}, 2022, v.MIXED),
        ({2022: None, 2023: False}, 2022, v.INACCURATE),
        ({2022: None, 2023: None}, 2022, v.UNVERIFIABLE),
    ],
)
def test_holds_rule(holds, reference, label):
    assert v.rate_holds(holds, reference) == label


def test_holds_rule_needs_the_reference():
    with pytest.raises(v.VerdictError, match="reference 2020"):
        v.rate_holds({2025: True}, 2020)


@pytest.mark.parametrize(
    "claimed, ranks, reference, label",
    [
        (5, {2023: 3, 2024: 4, 2025: 5, 2026: 4}, 2025, v.ACCURATE),
        (3, {2023: 3, 2024: 4, 2025: 5, 2026: 4}, 2025, v.MIXED),  # only in MCS 2023
        (4, {2023: 3, 2024: 4, 2025: 5, 2026: 4}, 2025, v.MIXED),
        (6, {2023: 3, 2024: 4, 2025: 5, 2026: 4}, 2025, v.MOSTLY_INACCURATE),
        (1, {2023: 3, 2024: 4, 2025: 5, 2026: 4}, 2025, v.INACCURATE),
        (2, {2023: None, 2025: None}, 2025, v.UNVERIFIABLE),
    ],
)
def test_rank_rule(claimed, ranks, reference, label):
    assert v.rate_rank(claimed, ranks, reference) == label


def test_rank_rule_needs_the_reference_edition():
    with pytest.raises(v.VerdictError, match="reference edition 2020"):
        v.rate_rank(5, {2025: 5}, 2020)


@pytest.mark.parametrize(
    "a, b, ratio, label",
    [
        (10, 2, 2, v.ACCURATE),
        (10, 8, 2, v.MOSTLY_ACCURATE),
        (10, 9.8, 2, v.MIXED),
        (5, 10, 2, v.INACCURATE),
        (3.8e6, None, 2, v.MOSTLY_ACCURATE),
        (None, 5, 2, v.UNVERIFIABLE),
    ],
)
def test_comparison_rule(a, b, ratio, label):
    assert v.rate_comparison(a, b, ratio) == label


def test_a_verdict_refuses_an_unknown_label_an_empty_conclusion_or_an_unknown_evidence_strength():
    with pytest.raises(v.VerdictError, match="evidence"):
        v.Verdict("RES-01", v.ACCURATE, "x", 1, 1, "r", [], evidence="trust me")
    with pytest.raises(v.VerdictError, match="not a label"):
        v.Verdict("RES-01", "true-ish", "x", 1, 1, "r", [])
    with pytest.raises(v.VerdictError, match="no conclusion"):
        v.Verdict("RES-01", v.ACCURATE, " ", 1, 1, "r", [])


def test_ratings_follow_the_scale():
    assert [v.SCALE[label] for label in (v.ACCURATE, v.MIXED, v.INACCURATE, v.UNVERIFIABLE)] == [5, 3, 1, None]


def test_verdict_html_escapes_markup():
    verdict = v.Verdict("RES-01", v.ACCURATE, "<script>alert(1)</script> & more", 1, 1, "rule <b>", ["d"])
    html = verdict._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "rule &lt;b&gt;" in html


def test_verdicts_recorded_in_a_notebook_are_read_back():
    verdict = v.Verdict("RES-09", v.MIXED, "Holds in MCS 2023 only.", 3, 5, "rank rule", ["usgs_ree_reserves"])
    out = nbformat.v4.new_output(
        "display_data",
        data={v.GLUE_MIME: verdict.to_dict()},
        metadata={"scrapbook": {"name": "verdict-RES-09", "mime_prefix": v.GLUE_PREFIX}},
    )
    other = nbformat.v4.new_output(
        "display_data",
        data={"text/plain": "'x'"},
        metadata={"scrapbook": {"name": "found_t", "mime_prefix": v.GLUE_PREFIX}},
    )
    cell = nbformat.v4.new_code_cell("show(...)", outputs=[out, other])
    nb = nbformat.v4.new_notebook(cells=[cell])
    nbformat.validate(nb)
    found = v.from_notebook(nb)
    assert list(found) == ["RES-09"]
    assert found["RES-09"]["label"] == v.MIXED and found["RES-09"]["rating"] == 3
    assert json.loads(json.dumps(found["RES-09"])) == found["RES-09"]


@pytest.mark.parametrize(
    "holds, label",
    [
        ({2022: True, 2023: True, 2024: True}, v.ACCURATE),
        ({2022: False, 2023: True, 2024: True}, v.MOSTLY_ACCURATE),  # holds now, not always
        ({2022: True, 2023: False, 2024: False}, v.MOSTLY_INACCURATE),  # held once, not now
        ({2022: False, 2023: False}, v.INACCURATE),
        ({2022: True, 2023: None, 2024: None}, v.ACCURATE),  # gaps count neither way
        ({2022: None, 2023: False, 2024: None}, v.INACCURATE),
        ({2021: None, 2022: None}, v.UNVERIFIABLE),
        ({}, v.UNVERIFIABLE),
    ],
)
def test_years_rule(holds, label):
    assert v.rate_years(holds) == label


def test_years_rule_judges_the_latest_year_with_data_not_the_latest_key():
    assert v.rate_years({2022: False, 2023: True, 2024: None}) == v.MOSTLY_ACCURATE
    assert v.rate_years({2022: True, 2023: False, 2024: None}) == v.MOSTLY_INACCURATE


@pytest.mark.parametrize(
    "parts, label",
    [
        ({"a": v.ACCURATE, "b": v.ACCURATE}, v.ACCURATE),
        ({"a": v.ACCURATE, "b": v.INACCURATE}, v.MIXED),
        ({"a": v.MOSTLY_INACCURATE, "b": v.MOSTLY_ACCURATE, "c": v.MOSTLY_ACCURATE}, v.MIXED),  # 3.33
        ({"a": v.ACCURATE, "b": v.ACCURATE, "c": v.MOSTLY_INACCURATE}, v.MOSTLY_ACCURATE),  # 4.0
        ({"a": v.ACCURATE, "b": v.MOSTLY_ACCURATE}, v.MOSTLY_ACCURATE),  # 4.5 rounds down
        ({"a": v.MIXED, "b": v.MOSTLY_INACCURATE}, v.MOSTLY_INACCURATE),  # 2.5 rounds down
        ({"a": v.ACCURATE, "b": v.UNVERIFIABLE}, v.MOSTLY_ACCURATE),  # a part unchecked
        ({"a": v.INACCURATE, "b": v.UNVERIFIABLE}, v.INACCURATE),
        ({"a": v.UNVERIFIABLE, "b": v.NOT_RATED}, v.UNVERIFIABLE),
    ],
)
def test_compound_rule(parts, label):
    assert v.rate_compound(parts) == label


def test_compound_rule_refuses_empty_or_unknown_parts():
    with pytest.raises(v.VerdictError, match="at least one part"):
        v.rate_compound({})
    with pytest.raises(v.VerdictError, match="no valid label"):
        v.rate_compound({"a": "true-ish"})


def _d(a, b, label, what=""):
    import datetime as dt

    return v.Dated(dt.date.fromisoformat(a), dt.date.fromisoformat(b), label, what)


def test_as_of_rule_judges_on_the_state_at_the_claims_date_and_shows_the_later_change():
    import datetime as dt

    evidence = [
        _d("2024-01-01", "2024-12-31", v.ACCURATE, "2024"),
        _d("2025-01-01", "2025-03-31", v.ACCURATE, "Q1"),
        _d("2025-04-17", "9999-12-31", v.INACCURATE, "stopped"),
    ]
    found = v.rate_as_of(dt.date(2025, 4, 16), evidence)
    assert found.label == v.ACCURATE and found.decisive.what == "Q1"  # latest period before the date
    assert [e.what for e in found.changes] == ["stopped"]
    after = v.rate_as_of(dt.date(2025, 4, 17), evidence)  # on the day of the change, the change decides
    assert after.label == v.INACCURATE and after.later == ()


def test_as_of_rule_prefers_a_period_covering_the_date_over_an_older_one_that_ended_later_than_it_started():
    import datetime as dt

    evidence = [_d("2025-01-01", "2025-12-31", v.MIXED, "year"), _d("2025-03-01", "2025-03-31", v.ACCURATE, "March")]
    assert v.rate_as_of(dt.date(2025, 6, 1), evidence).decisive.what == "year"  # covers the date
    assert v.rate_as_of(dt.date(2025, 3, 15), evidence).decisive.what == "March"  # both cover: the later start


def test_as_of_rule_without_evidence_up_to_the_date_is_unverifiable():
    import datetime as dt

    found = v.rate_as_of(dt.date(2025, 4, 16), [_d("2025-07-01", "2025-09-30", v.ACCURATE, "later")])
    assert found.label == v.UNVERIFIABLE and found.decisive is None and [e.what for e in found.later] == ["later"]
    assert v.rate_as_of(dt.date(2025, 4, 16), []).label == v.UNVERIFIABLE


def test_dated_evidence_refuses_a_reversed_period_or_an_unknown_label():
    with pytest.raises(v.VerdictError, match="ends"):
        _d("2025-02-01", "2025-01-01", v.ACCURATE)
    with pytest.raises(v.VerdictError, match="has label"):
        _d("2025-01-01", "2025-01-02", "true-ish")


def test_every_rule_has_a_title_a_text_and_a_function_and_the_scale_is_generated_from_the_labels():
    for rule in v.RULES.values():
        assert rule.title and len(rule.text.split()) >= 10 and callable(rule.apply)
    table = v.scale_markdown()
    assert all(f"| {label} |" in table for label in v.SCALE)
    assert all(rule.title in v.rules_markdown() for rule in v.RULES.values())


def test_a_verdict_given_a_rule_object_records_its_title():
    verdict = v.Verdict("RES-01", v.ACCURATE, "x", 1, 1, v.NUMBER, [])
    assert verdict.rule == v.NUMBER.title


@pytest.mark.parametrize(
    "observed, flips, side",
    [
        (1.9, True, "at or below 1.9x"),  # fails the book's threshold of 2; a lower threshold would let it hold
        (2.5, True, "above 2.5x"),  # holds; a threshold above the record would make it fail
        (1.5, True, "at or below 1.5x"),
        (1.2, False, ""),
        (3.0, False, ""),
        (10.0, False, ""),
        (None, False, ""),
    ],
)
def test_a_vague_word_says_when_the_verdict_turns_on_its_threshold(observed, flips, side):
    word = v.Vague("significantly", "significant_ratio", 2.0, "x", "twice as large", 1.5, 3.0)
    text = word.sensitivity(observed)
    assert bool(text) is flips
    assert side in text


def test_a_vague_word_that_holds_below_its_threshold_flips_the_other_way():
    word = v.Vague("barely", "barely_pct", 1.0, "%", "at most about one per cent", 0.5, 1.5)
    assert "at or above 1.2%" in word.sensitivity(1.2, higher_holds=False)
    assert "below 0.8%" in word.sensitivity(0.8, higher_holds=False)
    assert word.sensitivity(0.5, higher_holds=False) == ""  # no plausible threshold lies below the record


def test_the_sensitivity_is_relative_to_the_threshold_in_use():
    word = v.Vague("much", "much_pct", 25.0, "%", "a quarter", 20.0, 50.0)
    assert "above 33%" in word.sensitivity(33)
    assert "at or below 33%" in word.sensitivity(33, threshold=40)


def test_the_chapter_strength_of_its_rows_is_kept_when_stronger():
    assert v.stronger("official statistics", "independent reports") == "official statistics"
    assert v.stronger("no record", "single report") == "single report"
    assert v.statistics_strength(["secondary", "primary"]) == "official statistics"
    assert v.statistics_strength(["secondary"]) == "secondary statistics"


@pytest.mark.parametrize(
    "claimed, found",
    [(1.0, math.inf), (math.nan, 2.0), (1.0, {"fall, %": -math.inf}), (1.0, {"rows": [1.0, {"share": math.nan}]})],
)
def test_a_verdict_refuses_a_figure_that_json_cannot_hold(claimed, found):
    with pytest.raises(v.VerdictError, match="finite number"):
        v.Verdict("RES-01", v.ACCURATE, "It holds.", claimed, found, "rule", [])


def test_a_verdict_takes_finite_figures_and_none():
    v.Verdict("RES-01", v.ACCURATE, "It holds.", 1.0, {"a": None, "b": [1, 2.5, "x"], "c": (0.0,)}, "rule", [])
