"""The processing chapter's share rule (synthetic cases) and its two statistical checks on the real data."""

import datetime as dt

import pytest

from claimbook.chapters import processing as p
from claimbook.core import rules as v
from claimbook.core.evidence import IDENTIFIER
from claimbook.core.register import claim

D = dt.date


def fig(year, share, published, fid=None):
    return {"year": year, "share_pct": share, "published": published, "figure_id": fid or f"{year}-{published}"}


# ---------------------------------------------------------------- which figure a reader had


def test_the_latest_year_published_by_the_date_decides():
    rows = [fig(2022, 85, D(2023, 5, 1)), fig(2023, 92, D(2024, 6, 3)), fig(2024, 60, D(2025, 10, 24))]
    decisive, later = p.as_published(rows, D(2025, 4, 16))
    assert decisive["year"] == 2023 and [r["year"] for r in later] == [2024]


def test_a_figure_published_on_the_day_counts_and_one_published_the_next_day_does_not():
    rows = [fig(2024, 70, D(2025, 4, 16))]
    assert p.as_published(rows, D(2025, 4, 16))[0] is not None
    assert p.as_published(rows, D(2025, 4, 15)) == (None, rows)


def test_a_revision_published_by_the_date_replaces_the_first_estimate():
    rows = [fig(2024, 69, D(2025, 1, 31)), fig(2024, 71, D(2025, 3, 1))]
    assert p.as_published(rows, D(2025, 4, 1))[0]["share_pct"] == 71
    assert p.as_published(rows, D(2025, 2, 1))[0]["share_pct"] == 69  # the revision came later


@pytest.mark.parametrize(
    "share, floor, tolerance, label",
    [
        (92, 80, 5, v.ACCURATE),
        (80, 80, 5, v.ACCURATE),
        (76, 80, 5, v.ACCURATE),
        (72, 80, 5, v.MOSTLY_ACCURATE),
        (69.2, 80, 5, v.MOSTLY_INACCURATE),
        (55, 80, 5, v.INACCURATE),
        (79, 80, 0, v.INACCURATE),
        (69.2, 50, 5, v.ACCURATE),
        (49, 50, 0.5, v.MOSTLY_ACCURATE),
        (48, 50, 0.5, v.MOSTLY_INACCURATE),
    ],
)
def test_share_rule_against_a_floor(share, floor, tolerance, label):
    rows = [fig(2023, share, D(2024, 6, 3))]
    assert p.rate_share(rows, D(2025, 4, 16), floor, tolerance) == label


def test_share_rule_with_nothing_published_by_the_date_is_unverifiable():
    rows = [fig(2024, 94, D(2025, 10, 24))]
    assert p.rate_share(rows, D(2025, 4, 16), 50, 5) == v.UNVERIFIABLE
    assert p.rate_share(rows, D(2025, 10, 24), 50, 5) == v.ACCURATE


def test_the_rule_is_one_object_whose_text_is_shown():
    assert p.SHARE.apply is p.rate_share and "published by the claim's date" in p.SHARE.markdown()


# ---------------------------------------------------------------- the record


def test_mcs_editions_are_never_counted_before_they_appeared():
    assert p.mcs_published(2025) == D(2025, 1, 31)
    assert p.mcs_published(2026) >= D(2026, 2, 1)


def test_china_mining_share_is_computed_per_usgs_edition():
    mining = p.china_series("mining")
    row = mining[(mining["edition"] == 2025) & (mining["year"] == 2024)].iloc[0]
    assert row["share_pct"] == pytest.approx(270_000 / 390_000 * 100)
    revised = mining[(mining["edition"] == 2026) & (mining["year"] == 2024)].iloc[0]
    assert revised["share_pct"] == pytest.approx(270_000 / 380_000 * 100)
    assert revised["published"] > row["published"]


def test_projections_are_never_used_as_observations():
    assert 2030 not in set(p.china_series("refining")["year"])
    assert 2030 in set(p.iea_shares("refining", projections=True)["year"])


def test_every_china_share_has_its_publication_date():
    for stage in p.STAGES:
        assert p.china_series(stage)["published"].notna().all()


def test_iea_reports_are_named_with_who_carried_them():
    assert p.iea_source("Global Critical Minerals Outlook 2024 (May 2024), as reported by SEAISI news 2024-06-03") == (
        "the IEA's Global Critical Minerals Outlook 2024",
        "SEAISI",
    )
    assert p.iea_source("IEA commentary 23 Oct 2025, as summarised by Rare Earth Exchanges 2025-10-24") == (
        "an IEA commentary",
        "Rare Earth Exchanges",
    )
    assert p.iea_source("Global Critical Minerals Outlook 2024, via SEAISI and wayenind.com")[1] == "SEAISI"


def test_stages_are_the_allowed_values():
    assert p.stages({}) == ["mining", "refining", "magnets"]
    with pytest.raises(ValueError):
        p.china_series("smelting")


# ---------------------------------------------------------------- the checks on the real data


def test_the_80_percent_floor_is_judged_on_the_figure_published_by_the_claims_date():
    verdict = p.check_floor(claim("PRC-02"), "refining", 5)
    assert verdict.found == 92 and verdict.label == v.ACCURATE  # the 2023 figure, published June 2024
    assert "3 June 2024" in verdict.conclusion and "92%" in verdict.conclusion
    assert any("91%" in s and "October 2025" in s for s in verdict.since_then)  # the 2024 figure came later
    later = p.check_floor(dict(claim("PRC-02"), as_of=D(2025, 11, 1)), "refining", 5)
    assert later.found == 91 and not later.since_then


def test_the_floor_follows_the_stage():
    mining = p.check_floor(claim("PRC-02"), "mining", 5)
    assert mining.found == pytest.approx(69.2, abs=0.1) and mining.label == v.MOSTLY_INACCURATE
    assert "270,000 of 390,000 tonnes" in mining.conclusion  # the published tonnages, not only the computed share
    assert p.check_floor(claim("PRC-02"), "magnets", 5).label == v.UNVERIFIABLE  # first figure: October 2025


def test_the_floor_check_refuses_a_claim_without_a_floor():
    with pytest.raises(v.VerdictError):
        p.check_floor(dict(claim("PRC-02"), asserted={"value": 80, "qualifier": "about"}), "refining", 5)


def test_dominance_depends_on_the_threshold_and_says_when_it_is_close():
    c = claim("PRC-01")
    assert p.check_dominance(c, "refining", v.VAGUE["dominates"].threshold, 5).label == v.ACCURATE
    mining = p.check_dominance(c, "mining", 50, 5)
    assert mining.label == v.ACCURATE and "69.2" in mining.sensitivity  # within the plausible 50-80%
    assert p.check_dominance(c, "mining", 80, 0.5).label == v.INACCURATE
    assert p.check_dominance(c, "refining", 50, 5).sensitivity == ""  # 92% is beyond every plausible threshold


def test_dominance_below_half_is_refused():
    with pytest.raises(v.VerdictError):
        p.check_dominance(claim("PRC-01"), "refining", 40, 5)


def test_a_later_figure_already_shown_by_the_claims_records_is_not_repeated():
    verdict = p.check_dominance(claim("PRC-01"), "refining", 50, 5)
    assert verdict.since_then == []  # the October 2025 commentary is among the claim's later findings


@pytest.mark.parametrize("stage", p.STAGES)
def test_conclusions_are_plain_and_short(stage):
    for verdict in (p.check_dominance(claim("PRC-01"), stage, 50, 5), p.check_floor(claim("PRC-02"), stage, 5)):
        assert len(verdict.conclusion.split()) <= v.MAX_CONCLUSION_WORDS
        assert not IDENTIFIER.search(verdict.conclusion)
        assert all(not IDENTIFIER.search(s) for s in verdict.since_then)
