"""The economy chapter's logic: rules on small synthetic series, and the checks on the real data."""

import pandas as pd
import pytest

from claimbook import economy
from claimbook import verdicts as v
from claimbook.claims import claim


def frame(values: dict, tier: str = "secondary", previous: dict | None = None) -> pd.DataFrame:
    """A yearly series as the module builds it: None is a gap."""
    rows = [{"year": y, "value": x, "has_data": x is not None, "source_tier": tier,
             "previous": (previous or {}).get(y)} for y, x in values.items()]
    df = pd.DataFrame(rows)
    df["value"] = df["value"].astype(float)
    df["previous"] = df["previous"].astype(float)
    return df


# --- parameters -------------------------------------------------------------------------------------------

def test_allowed_years_are_the_years_the_record_covers():
    assert economy.start_years({}) == list(range(2015, 2025))
    assert economy.end_years({"start_year": 2022}) == [2022, 2023, 2024]
    assert economy.end_years({"start_year": 2024}) == [2024]


def test_a_reversed_or_uncovered_window_is_refused_clearly():
    with pytest.raises(economy.EconomyError, match=r"start_year \(2024\) is after end_year \(2022\)"):
        economy.window(2024, 2022)
    with pytest.raises(economy.EconomyError, match="covers 2015-2024"):
        economy.window(2010, 2024)
    assert economy.window(2022, 2024) == [2022, 2023, 2024]


def test_unknown_measures_are_refused():
    with pytest.raises(economy.EconomyError, match="allowed: december, annual_average"):
        economy.inflation([2022], "monthly")
    with pytest.raises(economy.EconomyError, match="allowed: first, latest"):
        economy.gdp_growth([2022], "final")


def test_the_parameter_cell_offers_exactly_the_measures_the_module_knows():
    from claimbook.notebooks import find
    from claimbook.params import notebook_parameters

    params = notebook_parameters(find("economy"))
    assert set(params["inflation_measure"].one_of) == set(economy.INFLATION_MEASURES)
    assert set(params["fdi_measure"].one_of) == set(economy.FDI_MEASURES)
    assert set(params["gdp_estimate"].one_of) == set(economy.GDP_ESTIMATES)


# --- per-year tests on synthetic series -------------------------------------------------------------------

def test_shrinking_means_negative_growth_and_a_gap_is_no_evidence():
    assert economy.shrinking_by_year(frame({2020: -0.5, 2021: 0.0, 2022: None})) == {2020: True, 2021: False,
                                                                                     2022: None}


def test_soaring_needs_the_threshold_and_a_rise():
    df = frame({2021: 9.0, 2022: 12.0, 2023: 7.0, 2024: 20.0}, previous={2022: 9.0, 2023: 12.0, 2024: 25.0})
    assert economy.soaring_by_year(df, 8.0) == {2021: None, 2022: True, 2023: False, 2024: False}
    assert economy.soaring_by_year(df, 13.0)[2022] is False


def test_fdi_falls_when_the_measure_is_negative():
    assert economy.fdi_fell_by_year(frame({2022: -1.0, 2023: 0.5, 2024: None})) == {2022: True, 2023: False,
                                                                                  2024: None}


def test_year_spans_are_written_compactly():
    assert economy._span([2015, 2016, 2017, 2019, 2022, 2023]) == "2015-2017, 2019, 2022-2023"


# --- the data ---------------------------------------------------------------------------------------------

def test_gaps_stay_gaps():
    gdp = economy.gdp_growth(list(range(2015, 2025)))
    assert not gdp.loc[gdp["year"] < 2021, "has_data"].any()
    assert gdp["value"].isna().sum() == 6  # 2015-2020, none filled in
    wdi = economy.inflation([2022, 2023, 2024], "annual_average")
    assert not wdi["has_data"].any()


def test_the_gdp_estimate_parameter_picks_the_vintage():
    first = economy.gdp_growth([2024], "first")["value"].iloc[0]
    latest = economy.gdp_growth([2024], "latest")["value"].iloc[0]
    assert (first, latest) == (4.1, 4.3)
    assert economy.gdp_growth([2022], "latest")["value"].iloc[0] == -2.1  # no revision located: same figure


def test_inflation_previous_year_comes_from_outside_the_window():
    infl = economy.inflation([2022], "december")
    assert infl["previous"].iloc[0] == pytest.approx(8.39)


# --- the checks on the real data --------------------------------------------------------------------------

def test_shrinking_gdp_is_true_for_2022_and_false_for_later_years():
    c = claim("ECO-01")
    default = economy.check_shrinking_gdp(c, 2022, 2024)
    assert default.label == v.MOSTLY_INACCURATE
    assert "2022 (-2.1%)" in default.conclusion and "2024 (+4.1%)" in default.conclusion
    assert economy.check_shrinking_gdp(c, 2022, 2022).label == v.MOSTLY_ACCURATE  # capped: secondary only
    assert economy.check_shrinking_gdp(c, 2023, 2024).label == v.INACCURATE
    assert economy.check_shrinking_gdp(c, 2015, 2020).label == v.UNVERIFIABLE


def test_soaring_inflation_depends_on_the_measure_and_threshold():
    c = claim("ECO-02")
    assert economy.check_soaring_inflation(c, 2022, 2024, "december", 8.0).label == v.MOSTLY_ACCURATE
    assert economy.check_soaring_inflation(c, 2022, 2024, "annual_average", 8.0).label == v.UNVERIFIABLE
    # with a 10% bar the latest year (9.52%) no longer counts; 2022 (11.94%) still does
    assert economy.check_soaring_inflation(c, 2022, 2024, "december", 10.0).label == v.MOSTLY_INACCURATE
    assert economy.check_soaring_inflation(c, 2015, 2021, "annual_average", 8.0).label == v.INACCURATE


def test_fdi_fall_is_capped_because_sharpness_has_no_baseline():
    c = claim("ECO-03")
    verdict = economy.check_fdi_fall(c, 2022, 2024, "stock_change")
    assert verdict.label == v.MOSTLY_ACCURATE and "-138" in verdict.conclusion
    assert economy.check_fdi_fall(c, 2023, 2024, "net_inflows_pct_gdp").label == v.UNVERIFIABLE


def test_weakening_combines_the_three_parts():
    parts = {"GDP": economy.check_shrinking_gdp(claim("ECO-01"), 2022, 2024),
             "inflation": economy.check_soaring_inflation(claim("ECO-02"), 2022, 2024),
             "FDI": economy.check_fdi_fall(claim("ECO-03"), 2022, 2024)}
    assert economy.check_weakening(claim("ECO-04"), parts).label == v.MIXED
    parts["GDP"] = economy.check_shrinking_gdp(claim("ECO-01"), 2022, 2022)
    assert economy.check_weakening(claim("ECO-04"), parts).label == v.MOSTLY_ACCURATE


def test_china_purchases_need_data_in_the_window():
    c = claim("ECO-05")
    verdict = economy.check_china_purchases(c, 2022, 2024)
    assert verdict.label == v.MOSTLY_ACCURATE and "pipeline gas grew fastest" in verdict.conclusion
    assert economy.check_china_purchases(c, 2015, 2021).label == v.UNVERIFIABLE


def test_sanctions_claims_follow_the_policy_record():
    assert economy.check_sanction_sectors(claim("ECO-07")).label == v.UNVERIFIABLE
    assert economy.check_sanctions_imposed(claim("ECO-08")).label == v.MOSTLY_ACCURATE


def test_sector_search_finds_a_sector_named_in_a_measure():
    measures = pd.DataFrame([{"event": "Ban", "detail": "on Russian oil and gas", "affected_origin": "Russia"},
                             {"event": "Tariff", "detail": "on aluminium", "affected_origin": "Russia"}])
    found = economy.sectors_targeted(measures)
    assert found["energy"] == ["Ban"] and found["banking"] == [] and found["technology"] == []


def test_unrecorded_events_are_unverifiable_and_say_what_was_searched():
    for cid in ("ECO-09", "ECO-13", "ECO-14", "ECO-15"):
        verdict = economy.check_unrecorded_event(claim(cid))
        assert verdict.label == v.UNVERIFIABLE and "search of all" in verdict.conclusion
    with pytest.raises(economy.EconomyError):
        economy.check_unrecorded_event(claim("ECO-01"))


def test_record_search_finds_words_that_are_there_and_not_those_that_are_not():
    assert "aluminium_policy_events" in economy.record_mentions(("proclamation",))
    assert economy.record_mentions(("bering",)) == {}


def test_only_opinions_and_predictions_go_unrated():
    assert economy.not_rated(claim("ECO-11"), "a prediction", "x", "y").label == v.NOT_RATED
    with pytest.raises(economy.EconomyError, match="is rated"):
        economy.not_rated(claim("ECO-01"), "an opinion", "x", "y")
