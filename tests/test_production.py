"""The production chapter's logic: shares by edition, the allowed parameter values, and every check, on
the real data and on small synthetic inputs."""

import pandas as pd
import pytest

from claimbook import production
from claimbook import verdicts as v
from claimbook.claims import claim


def test_shares_agree_with_the_dossiers_own_derivation():
    # ../shared/sources/russia_rare_earth_share_of_world_mine_production.csv, computed independently there
    dossier = {(2022, 2020): 1.12, (2022, 2021): 0.96, (2023, 2021): 0.90, (2023, 2022): 0.87,
               (2024, 2022): 0.87, (2024, 2023): 0.74, (2025, 2023): 0.66, (2025, 2024): 0.64,
               (2026, 2024): 0.68, (2026, 2025): 0.67}
    s = production.shares("Russia").set_index(["edition", "year"])["share_pct"]
    assert set(s.index) == set(dossier)
    for key, pct in dossier.items():
        assert s[key] == pytest.approx(pct, abs=0.006), key


def test_a_revised_year_is_kept_per_edition():
    assert production.figure("Russia", 2025, 2024)["production_t_reo"] == 2500
    assert production.figure("Russia", 2026, 2024)["production_t_reo"] == 2600
    assert (2024, 2025, 2500.0, 2026, 2600.0) in production.revisions("Russia")
    assert production.figure("Russia", 2025, 2020) == {}  # MCS 2025's table does not cover 2020


def test_partial_rows_give_no_share():
    # the US salient statistics of MCS 2025 (2020-2022) are not a world table
    assert production.table(2025, 2021).empty
    assert set(production.shares("United States")["edition"]) == {2022, 2023, 2024, 2025, 2026}


def test_allowed_values_depend_on_edition_and_country():
    assert production.editions({"country": "Russia"}) == [2022, 2023, 2024, 2025, 2026]
    assert production.years({"country": "Russia", "edition": 2025}) == [2023, 2024]
    assert production.years({"country": "Russia", "edition": 2022}) == [2020, 2021]
    assert production.editions({"country": "Burundi"}) == [2022, 2023]  # not listed from MCS 2024 on
    assert "Nigeria" in production.countries({})
    assert production.editions({"country": "Nigeria"}) == [2025, 2026]
    assert "Canada" not in production.countries({})  # listed, but never with positive output
    assert "World" not in production.countries({}) and "Other countries" not in production.countries({})


def test_the_share_claim_follows_the_tolerance():
    c = claim("PRD-01")  # about 1%; MCS 2025 gives 0.64% for 2024
    assert production.check_share(c, "Russia", 2025, 2024, 0.5).label == v.ACCURATE
    assert production.check_share(c, "Russia", 2025, 2024, 0.3).label == v.MOSTLY_ACCURATE
    assert production.check_share(c, "Russia", 2025, 2024, 0.1).label == v.MOSTLY_INACCURATE
    assert production.check_share(c, "Russia", 2022, 2020, 0.15).label == v.ACCURATE  # 1.12% in MCS 2022
    assert production.check_share(c, "Russia", 2025, 2024, 0.15).label == v.MOSTLY_INACCURATE  # 0.64%
    assert production.check_share(c, "China", 2025, 2024, 0.5).label == v.INACCURATE


def test_the_share_conclusion_names_the_edition_years_where_it_holds():
    verdict = production.check_share(claim("PRD-01"), "Russia", 2025, 2024, 0.15)
    assert "2021 (MCS 2022)" in verdict.conclusion and "2020 (MCS 2022)" in verdict.conclusion
    assert "2024 (MCS 2025)" not in verdict.conclusion.split("holds for")[1]


def test_the_bulk_rule_follows_the_threshold_and_the_year():
    c = claim("PRD-02")
    assert production.check_bulk(c, "China", 2025, 2024, 50).label == v.ACCURATE  # 69%
    # with 'the bulk' read as more than 60%: 2024 holds, MCS 2022's 2020 figure (58%) does not
    assert production.check_bulk(c, "China", 2025, 2024, 60).label == v.ACCURATE
    assert production.check_bulk(c, "China", 2022, 2020, 60).label == v.MIXED
    assert production.check_bulk(c, "China", 2025, 2024, 80).label == v.INACCURATE
    assert production.check_bulk(c, "United States", 2025, 2024, 50).label == v.INACCURATE


def test_the_development_ratio_uses_the_reserves_of_the_same_edition():
    r = production.development_ratio("Russia", 2025, 2024)
    assert r["reserves_share_pct"] == pytest.approx(3.8e6 / production.reserves_shares(2025)["reserves_t"].sum() * 100)
    assert r["ratio"] == pytest.approx(r["production_share_pct"] / r["reserves_share_pct"])
    assert production.development_ratio("Russia", 2022, 2021) == {}  # no complete reserves table in MCS 2022


def test_underdeveloped_holds_for_russia_not_for_china():
    c = claim("PRD-04")
    assert production.check_underdeveloped(c, "Russia", 2025, 2024, 0.5).label == v.ACCURATE
    assert production.check_underdeveloped(c, "China", 2025, 2024, 0.5).label == v.INACCURATE
    # MCS 2022 has no reserves table: judged on the editions that can test it
    assert production.check_underdeveloped(c, "Russia", 2022, 2021, 0.5).label == v.MOSTLY_ACCURATE
    # a threshold below Russia's ratio in MCS 2025 (0.15) but above MCS 2023's (0.05)
    assert production.check_underdeveloped(c, "Russia", 2025, 2024, 0.1).label == v.MIXED


def test_reserves_edition_pairing():
    assert production.reserves_edition_for(2025) == 2025
    assert production.reserves_edition_for(2022) == 2023


def test_a_record_with_a_secondary_part_is_capped_and_a_missing_part_is_unverifiable():
    c = claim("PRD-03")
    assert production.check_record(c, production.EVIDENCE["PRD-03"]).label == v.MOSTLY_ACCURATE
    primary_only = [{"part": "one US mine", "rows": ["mountain_pass_only_us_mine"]}]
    assert production.check_record(c, primary_only).label == v.ACCURATE
    missing = primary_only + [{"part": "something no row shows", "rows": ["no_such_row"]}]
    verdict = production.check_record(c, missing)
    assert verdict.label == v.UNVERIFIABLE and "something no row shows" in verdict.conclusion
    assert production.check_record(claim("PRD-05"), production.EVIDENCE["PRD-05"]).label == v.UNVERIFIABLE


def test_the_us_producer_verdict_reports_the_editions_output():
    verdict = production.check_us_producer(claim("PRD-03"), 2026, 2025)
    assert verdict.found["us_production_t"] == 51000
    assert verdict.label == v.MOSTLY_ACCURATE


def test_only_opinions_and_predictions_go_unrated():
    assert production.check_unrated(claim("PRD-08"), "a prediction", "later data").label == v.NOT_RATED
    with pytest.raises(v.VerdictError, match="must be rated"):
        production.check_unrated(claim("PRD-01"), "x", "y")


def test_every_claim_of_the_chapter_is_numeric_checked_or_declared():
    kinds = {c["id"]: c["kind"] for c in [claim(f"PRD-0{i}") for i in range(1, 10)]}
    unrated = {k for k, kind in kinds.items() if kind in ("opinion", "prediction")}
    assert unrated == {"PRD-08", "PRD-09"}
    assert set(production.EVIDENCE) == {"PRD-03", "PRD-05", "PRD-06", "PRD-07"}


def test_synthetic_table_shares_and_ranks(monkeypatch):
    rows = [
        ("MCS 2030", 2030, 2029, "A", "country", 60.0), ("MCS 2030", 2030, 2029, "B", "country", 30.0),
        ("MCS 2030", 2030, 2029, "C", "country", 30.0), ("MCS 2030", 2030, 2029, "World", "world", 100.0),
    ]
    df = pd.DataFrame(rows, columns=["source_edition", "edition", "year", "country", "entity", "production_t_reo"])
    df = df.assign(estimated=pd.array([False] * 4, dtype="boolean"), table_complete=pd.array([True] * 4, dtype="boolean"),
                   source_tier="primary")
    monkeypatch.setattr(production, "load", lambda name: df)
    t = production.table(2030, 2029).set_index("country")
    assert t.loc["A", "share_pct"] == 60 and t.loc["B", "rank"] == t.loc["C", "rank"] == 2
    assert production.check_bulk({"id": "X-01"}, "A", 2030, 2029, 50).label == v.ACCURATE
    assert production.check_bulk({"id": "X-01"}, "B", 2030, 2029, 50).label == v.INACCURATE


def test_every_evidence_row_exists_in_the_processing_dataset():
    # a renamed figure_id would otherwise turn a verdict into "unverifiable" without notice
    from claimbook.data import load

    ids = set(load(production.PROCESSING)["figure_id"])
    for claim_id, parts in production.EVIDENCE.items():
        for part in parts:
            assert set(part["rows"]) <= ids, (claim_id, part["rows"])
