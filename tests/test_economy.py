"""The economy chapter's measures: rules on small synthetic inputs, and the checks on the real data as of a
chosen date (so each case can say yes or no depending on what was published by then)."""

import datetime as dt
import json
import math

import pandas as pd
import pytest

from claimbook.chapters import economy
from claimbook.core import rules as v
from claimbook.core.evidence import IDENTIFIER
from claimbook.core.register import claim


def dated(claim_id: str, day: str) -> dict:
    """The claim as if it had been made on another day."""
    return {**claim(claim_id), "as_of": dt.date.fromisoformat(day)}


def rows(*items) -> pd.DataFrame:
    """(period, value, published[, date]) rows as the module reads them."""
    out = []
    for it in items:
        period, value, published, *rest = it
        out.append(
            {
                "year": period,
                "value": value,
                "vintage": "x",
                "published": pd.NaT if published is None else pd.Timestamp(published),
                "date": pd.Timestamp(rest[0]) if rest else pd.NaT,
            }
        )
    return pd.DataFrame(out)


# --- parameters ----------------------------------------------------------------------------------------------


def test_the_parameter_defaults_are_the_books_thresholds_and_the_measures_the_module_knows():
    from claimbook.core.notebooks import find
    from claimbook.core.params import notebook_parameters

    params = notebook_parameters(find("economy"))
    assert params["soaring_pct"].default == v.VAGUE["soaring"].threshold
    assert params["sharp_fall_pct"].default == v.VAGUE["sharply"].threshold
    assert set(params["inflation_measure"].one_of) == set(economy.INFLATION_MEASURES)
    assert not {"start_year", "end_year", "gdp_estimate", "fdi_measure"} & set(params)


def test_an_unknown_inflation_measure_is_refused():
    with pytest.raises(economy.EconomyError, match="allowed: latest_annual, december, annual_average"):
        economy.inflation("monthly", dt.date(2025, 3, 2))


# --- the rules on synthetic inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("holds, label", [(True, v.ACCURATE), (False, v.INACCURATE), (None, v.UNVERIFIABLE)])
def test_the_latest_reading_decides(holds, label):
    assert economy.LATEST(holds) == label


@pytest.mark.parametrize(
    "value, previous, threshold, expected",
    [
        (10.0, 7.6, 8.0, True),  # high and rising
        (10.0, 11.9, 8.0, False),  # high but falling
        (7.5, 4.0, 8.0, False),  # rising but below the threshold
        (8.0, 7.9, 8.0, True),  # at the threshold counts
        (9.0, None, 8.0, None),  # no reading a year before
    ],
)
def test_soaring_needs_the_threshold_and_a_rise(value, previous, threshold, expected):
    assert economy.soaring(value, previous, threshold) is expected


def test_a_turn_to_net_withdrawals_is_a_sharp_fall_whatever_the_baseline():
    assert economy.fall_pct(-1.78, None) == math.inf
    assert economy.fall_pct(-1.0, 2.0) == pytest.approx(150.0)
    assert economy.fell_sharply(economy.fall_pct(-1.0, 2.0), 50.0) is True


def test_a_smaller_positive_inflow_is_sharp_only_past_the_threshold():
    assert economy.fall_pct(1.0, 4.0) == pytest.approx(75.0)
    assert economy.fell_sharply(economy.fall_pct(1.0, 4.0), 50.0) is True
    assert economy.fell_sharply(economy.fall_pct(3.0, 4.0), 50.0) is False
    assert economy.fall_pct(3.0, None) is None and economy.fell_sharply(None, 50.0) is None


def test_particularly_gas_needs_gas_to_be_the_largest_purchase():
    assert economy.PARTICULARLY({"gas": 13.1, "crude": 62.4}) is False
    assert economy.PARTICULARLY({"gas": 70.0, "crude": 62.4}) is True
    with pytest.raises(economy.EconomyError):
        economy.gas_leads({"crude": 62.4})


def test_output_kept_falling_only_when_every_year_since_the_war_fell():
    gdp = pd.DataFrame({"year": [2021, 2022, 2023], "value": [5.6, -2.1, 3.6]})
    assert economy.output_kept_falling(gdp) is False
    assert economy.output_kept_falling(pd.DataFrame({"year": [2022, 2023], "value": [-2.1, -0.5]})) is True
    assert economy.output_kept_falling(gdp[gdp["year"] < 2022]) is None


def test_a_revision_counts_from_the_day_it_was_published():
    df = rows((2023, 3.6, "2024-02-07"), (2023, 4.1, "2025-02-07"), (2024, 4.1, "2025-02-07"))
    before = economy.as_published(df, "2025-01-31")
    after = economy.as_published(df, "2025-03-02")
    assert list(before["value"]) == [3.6] and list(after["value"]) == [4.1, 4.1]
    assert list(economy.published_after(df, "2025-01-31")["value"]) == [4.1, 4.1]


def test_a_figure_without_a_publication_date_is_taken_as_available():
    assert list(economy.as_published(rows((2022, -1.78, None)), "2025-03-02")["value"]) == [-1.78]


def test_dated_readings_are_kept_apart_within_a_year():
    df = rows((2025, 9.9, "2025-02-07", "2025-02-03"), (2025, 10.0, "2025-02-14", "2025-02-10"))
    assert list(economy.as_published(df, "2025-03-02")["value"]) == [9.9, 10.0]


def test_the_soaring_verdict_says_which_threshold_would_flip_it():
    c = claim("ECO-02")
    at_book = economy.check_soaring_inflation(c, "latest_annual", 8.0)
    assert at_book.label == v.ACCURATE and "above 10%" in at_book.sensitivity
    stricter = economy.check_soaring_inflation(c, "latest_annual", 11.0)
    assert stricter.label != v.ACCURATE and "at or below 10%" in stricter.sensitivity


# --- the checks on the real data, on dates when the answer differs -------------------------------------------


def test_gdp_was_shrinking_on_the_2022_figures_and_not_on_the_2024_ones():
    early = economy.check_shrinking_gdp(dated("ECO-01", "2023-06-01"))
    now = economy.check_shrinking_gdp(claim("ECO-01"))
    assert early.label == v.ACCURATE and "2022" in early.conclusion
    assert now.label == v.INACCURATE
    assert any("4.3" in s for s in now.since_then)  # the May 2025 revision is later news, not the label


def test_gdp_growth_takes_the_2023_revision_only_once_published():
    before = economy.gdp_growth(dt.date(2025, 2, 6))
    after = economy.gdp_growth(dt.date(2025, 2, 7))
    assert before.set_index("year").loc[2023, "value"] == 3.6
    assert after.set_index("year").loc[2023, "value"] == 4.1


def test_inflation_soared_in_early_2025_but_not_in_early_2024_on_december_figures():
    assert economy.check_soaring_inflation(claim("ECO-02"), "december").label == v.ACCURATE
    early = economy.check_soaring_inflation(dated("ECO-02", "2024-03-01"), "december")
    assert early.label == v.INACCURATE  # 7.42% for 2023, below 8% and below 11.94% the year before


def test_a_threshold_above_the_reading_flips_the_inflation_verdict():
    assert economy.check_soaring_inflation(claim("ECO-02"), "latest_annual", 8.0).label == v.ACCURATE
    assert economy.check_soaring_inflation(claim("ECO-02"), "latest_annual", 10.5).label == v.INACCURATE
    assert "soaring" in economy.check_soaring_inflation(claim("ECO-02")).sensitivity


def test_foreign_investment_verdict_uses_flows_not_the_stock():
    verdict = economy.check_fdi_fall(claim("ECO-03"))
    assert verdict.label == v.ACCURATE and "stock" not in verdict.conclusion
    assert economy.check_fdi_fall(claim("ECO-03"), 100.0).label == v.ACCURATE  # withdrawals exceed any fall


def test_a_turn_to_withdrawals_without_a_pre_war_figure_records_no_fall_figure():
    """The rule takes the fall as over 100% (infinite), but the verdict records no figure for it: JSON has no
    infinity, and the executed notebook and the exports must stay valid JSON."""
    verdict = economy.check_fdi_fall(claim("ECO-03"))
    assert verdict.found["pre-war"] is None and verdict.found["fall, %"] is None
    assert verdict.found["net inflows, % of GDP"] < 0
    json.dumps(verdict.to_dict(), allow_nan=False)  # raises on an infinity or a NaN


def test_weakening_is_mixed_when_output_grew_and_false_when_nothing_held():
    c = claim("ECO-04")
    soar = economy.check_soaring_inflation(claim("ECO-02"))
    fdi = economy.check_fdi_fall(claim("ECO-03"))
    assert economy.check_weakening(c, soar, fdi).label == v.MIXED
    calm = economy.check_soaring_inflation(claim("ECO-02"), "latest_annual", 12.0)
    assert economy.check_weakening(c, calm, fdi).label in (v.MOSTLY_INACCURATE, v.INACCURATE)


def test_china_purchases_hold_but_gas_is_not_the_main_part():
    verdict = economy.check_china_purchases(claim("ECO-05"))
    assert verdict.label == v.MOSTLY_ACCURATE
    assert verdict.found["crude"] > verdict.found["gas_full_year"] > verdict.found["gas"]


def test_no_value_published_by_an_earlier_date_leaves_gas_open():
    assert economy.gas_against_crude(dt.date(2024, 12, 31)) == {}


def test_conclusions_are_plain_sentences():
    c2, c3 = economy.check_soaring_inflation(claim("ECO-02")), economy.check_fdi_fall(claim("ECO-03"))
    for verdict in (
        economy.check_shrinking_gdp(claim("ECO-01")),
        c2,
        c3,
        economy.check_weakening(claim("ECO-04"), c2, c3),
        economy.check_china_purchases(claim("ECO-05")),
    ):
        assert len(verdict.conclusion.split()) <= v.MAX_CONCLUSION_WORDS, verdict.conclusion
        assert not IDENTIFIER.search(verdict.conclusion), verdict.conclusion
        assert all(not IDENTIFIER.search(s) for s in verdict.since_then)
