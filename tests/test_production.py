"""The production chapter's logic: shares by edition, the edition a reader had on a claim's date, the allowed
parameter values, and the three statistical checks, on the real data and on small synthetic inputs. The
chapter's record-based claims are judged by claimbook.core.evidence (tests/test_evidence.py)."""

import datetime as dt

import pandas as pd
import pytest

from claimbook import ROOT
from claimbook.chapters import production
from claimbook.core import rules as v
from claimbook.core.evidence import IDENTIFIER
from claimbook.core.params import notebook_parameters
from claimbook.core.register import claim, claims

D = dt.date
NOTEBOOK = ROOT / "notebooks" / "20_production.ipynb"


def _claim(cid="PRD-01", as_of=None, value=None):
    """A register claim with another date (and claimed value): the same statement, read by another reader."""
    c = dict(claim(cid), as_of=as_of or D(2026, 1, 31))
    if value is not None:
        c["asserted"] = dict(c["asserted"], value=value)
    return c


# --- data selection ------------------------------------------------------------------------------------------


def test_shares_agree_with_the_dossiers_own_derivation():
    # ../shared/sources/russia_rare_earth_share_of_world_mine_production.csv, computed independently there
    dossier = {
        (2022, 2020): 1.12,
        (2022, 2021): 0.96,
        (2023, 2021): 0.90,
        (2023, 2022): 0.87,
        (2024, 2022): 0.87,
        (2024, 2023): 0.74,
        (2025, 2023): 0.66,
        (2025, 2024): 0.64,
        (2026, 2024): 0.68,
        (2026, 2025): 0.67,
    }
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


def test_the_development_ratio_uses_the_reserves_of_the_same_edition():
    r = production.development_ratio("Russia", 2025, 2024)
    assert r["reserves_share_pct"] == pytest.approx(3.8e6 / production.reserves_shares(2025)["reserves_t"].sum() * 100)
    assert r["ratio"] == pytest.approx(r["production_share_pct"] / r["reserves_share_pct"])
    assert production.development_ratio("Russia", 2022, 2021) == {}  # no complete reserves table in MCS 2022


def test_reserves_edition_pairing():
    assert production.reserves_edition_for(2025) == 2025
    assert production.reserves_edition_for(2022) == 2023


# --- the edition a reader had ---------------------------------------------------------------------------------


def test_editions_become_public_on_their_release_date():
    assert production.published(2025) == D(2025, 1, 31)
    assert production.published(2026) == D(2026, 2, 6)  # USGS data-release metadata, after every claim's date
    assert production.public_editions(D(2026, 1, 31))[-1] == 2025
    assert production.public_editions(D(2026, 2, 6))[-1] == 2026
    assert production.public_editions(D(2021, 6, 1)) == []


@pytest.mark.parametrize(
    "as_of,edition,year,expected",
    [
        (D(2026, 1, 31), 2025, 2024, (2025, 2024)),
        (D(2026, 1, 31), 2025, 2023, (2025, 2023)),
        (D(2026, 1, 31), 2026, 2025, (2025, 2024)),  # MCS 2026 not yet out: the latest public edition and year
        (D(2026, 1, 31), 2026, 2024, (2025, 2024)),
        (D(2026, 3, 1), 2026, 2025, (2026, 2025)),
        (D(2025, 4, 16), 2023, 2021, (2023, 2021)),  # an older edition the reader could have had
        (D(2021, 6, 1), 2025, 2024, None),
    ],
)
def test_the_reader_edition(as_of, edition, year, expected):
    assert production.reader_edition(as_of, edition, year) == expected


# --- PRD-01: a share in percentage points ---------------------------------------------------------------------


def test_the_share_claim_follows_the_tolerance():
    c = claim("PRD-01")  # about 1%; MCS 2025 gives 0.64% for 2024
    assert production.check_share(c, "Russia", 2025, 2024, 0.5).label == v.ACCURATE
    assert production.check_share(c, "Russia", 2025, 2024, 0.3).label == v.MOSTLY_ACCURATE
    assert production.check_share(c, "Russia", 2025, 2024, 0.1).label == v.MOSTLY_INACCURATE
    assert production.check_share(c, "Russia", 2025, 2024, 0.05).label == v.INACCURATE
    assert production.check_share(_claim(as_of=D(2025, 4, 16)), "Russia", 2022, 2020, 0.15).label == v.ACCURATE
    assert production.check_share(c, "China", 2025, 2024, 0.5).label == v.INACCURATE


def test_an_edition_published_after_the_claim_does_not_decide_it():
    # 0.68% claimed: MCS 2026 gives 0.684% for 2024 (accurate), MCS 2025 0.641% (0.039 points off: mostly accurate)
    before = production.check_share(_claim(as_of=D(2026, 1, 31), value=0.68), "Russia", 2026, 2024, 0.02)
    after = production.check_share(_claim(as_of=D(2026, 3, 1), value=0.68), "Russia", 2026, 2024, 0.02)
    assert before.label == v.MOSTLY_ACCURATE and "2025 summary" in before.conclusion
    assert after.label == v.ACCURATE and "2026 summary" in after.conclusion


def test_later_editions_are_shown_as_since_then():
    # a claim whose records do not report the later edition gets it from the table
    reader = {"id": "X-01", "as_of": D(2025, 4, 16), "asserted": {"value": 1, "qualifier": "about"}}
    verdict = production.check_share(reader, "Russia", 2025, 2024, 0.5)
    assert any("2026 summary" in s and "0.68%" in s for s in verdict.since_then)
    assert "2026" not in verdict.conclusion
    assert production.later_shares("Russia", D(2026, 3, 1)) == []
    # PRD-01's own records already report MCS 2026, so the table does not repeat them
    assert production.check_share(claim("PRD-01"), "Russia", 2025, 2024, 0.5).since_then == []


def test_a_share_the_edition_does_not_give_is_unverifiable():
    verdict = production.check_share(claim("PRD-01"), "Russia", 2025, 2020, 0.5)  # MCS 2025 has no 2020 table
    assert verdict.label == v.UNVERIFIABLE and verdict.found is None


# --- PRD-02: "the bulk" ---------------------------------------------------------------------------------------


def test_the_bulk_rule_follows_the_threshold_and_the_year():
    c = claim("PRD-02")
    assert production.check_bulk(c, "China", 2025, 2024, 50).label == v.ACCURATE  # 69%
    # with 'the bulk' read as more than 60%: 2024 holds, MCS 2022's 2020 figure (58%) does not
    assert production.check_bulk(c, "China", 2025, 2024, 60).label == v.ACCURATE
    assert production.check_bulk(c, "China", 2022, 2020, 60).label == v.MIXED
    assert production.check_bulk(c, "China", 2025, 2024, 80).label == v.INACCURATE
    assert production.check_bulk(c, "United States", 2025, 2024, 50).label == v.INACCURATE


def test_the_bulk_counts_only_editions_public_on_the_claims_date():
    # more than 70.5%: only MCS 2026's 2024 figure (71.1%) clears it
    assert (
        production.check_bulk(_claim("PRD-02", as_of=D(2025, 4, 16)), "China", 2025, 2024, 70.5).label == v.INACCURATE
    )
    assert production.check_bulk(_claim("PRD-02", as_of=D(2026, 3, 1)), "China", 2025, 2024, 70.5).label == v.MIXED


def test_the_bulk_says_when_another_reading_of_the_word_would_flip_it():
    china = production.check_bulk(claim("PRD-02"), "China", 2025, 2024)
    assert "above 69.2%" in china.sensitivity  # inside the plausible range of 50 to 75%; a higher one flips it
    failing = production.check_bulk(claim("PRD-02"), "China", 2025, 2024, 69.5)  # 70% in 2022 only
    assert failing.label == v.MIXED and "at or below 69.2%" in failing.sensitivity
    assert production.check_bulk(claim("PRD-02"), "United States", 2025, 2024).sensitivity == ""


# --- PRD-04: "underdeveloped" ---------------------------------------------------------------------------------


def test_underdeveloped_holds_for_russia_not_for_china():
    c = claim("PRD-04")
    assert production.check_underdeveloped(c, "Russia", 2025, 2024, 0.5).label == v.ACCURATE
    assert production.check_underdeveloped(c, "China", 2025, 2024, 0.5).label == v.INACCURATE
    # MCS 2022 has no reserves table: judged on the editions that can test it
    assert production.check_underdeveloped(c, "Russia", 2022, 2021, 0.5).label == v.MOSTLY_ACCURATE
    # a threshold below Russia's ratio in MCS 2025 (0.15) but above MCS 2023's (0.05)
    assert production.check_underdeveloped(c, "Russia", 2025, 2024, 0.1).label == v.MIXED


def test_underdeveloped_uses_only_the_editions_public_on_the_claims_date():
    before = production.check_underdeveloped(claim("PRD-04"), "Russia", 2026, 2025, 0.5)
    assert set(before.found) == {2023, 2024, 2025}
    assert any("2026 summary" in s for s in before.since_then)
    after = production.check_underdeveloped(_claim("PRD-04", as_of=D(2026, 3, 1)), "Russia", 2026, 2025, 0.5)
    assert 2026 in after.found and not any("2026 summary" in s for s in after.since_then)


def test_underdeveloped_says_when_another_reading_of_the_word_would_flip_it():
    c = claim("PRD-04")
    assert production.check_underdeveloped(c, "Russia", 2025, 2024).sensitivity == ""  # 0.15, below 0.2
    # Australia in MCS 2025: 3.3% of output against 6.3% of reserves, a ratio of 0.53, inside 0.2 to 0.8
    australia = production.check_underdeveloped(c, "Australia", 2025, 2024)
    assert australia.label == v.INACCURATE  # not under half in any edition
    assert "0.53" in australia.sensitivity and "above 0.53" in australia.sensitivity  # a higher threshold flips it


# --- the verdicts as readers see them -------------------------------------------------------------------------


def _defaults():
    p = {name: par.default for name, par in notebook_parameters(NOTEBOOK).items()}
    return [
        production.check_share(claim("PRD-01"), p["country"], p["edition"], p["year"], p["share_tolerance_pp"]),
        production.check_bulk(claim("PRD-02"), "China", p["edition"], p["year"], p["bulk_share_pct"]),
        production.check_underdeveloped(claim("PRD-04"), p["country"], p["edition"], p["year"], p["develop_ratio"]),
    ]


def test_the_notebooks_defaults_are_the_books_readings_of_the_words():
    p = notebook_parameters(NOTEBOOK)
    for word in ("the bulk", "underdeveloped"):
        vague = v.VAGUE[word]
        assert p[vague.parameter].default == vague.threshold, word
    assert p["edition"].default == 2025 and p["year"].default == 2024


def test_conclusions_are_plain_sentences():
    for verdict in _defaults():
        assert len(verdict.conclusion.split()) <= v.MAX_CONCLUSION_WORDS, verdict.conclusion
        assert not IDENTIFIER.search(verdict.conclusion), verdict.conclusion
        assert all(not IDENTIFIER.search(s) for s in verdict.since_then + [verdict.sensitivity])
    assert [verdict.rule for verdict in _defaults()] == [v.POINTS.title, v.HOLDS.title, v.HOLDS.title]


def test_every_claim_of_the_chapter_is_computed_or_judged_from_records():
    from claimbook.core.evidence import entry

    ids = {c["id"] for c in claims(notebook="production")}
    statistical = {cid for cid in ids if entry(cid).get("statistical")}
    assert statistical == {"PRD-01", "PRD-02", "PRD-04"}
    source = NOTEBOOK.read_text()
    for cid in ids - statistical:
        assert f'page.verdict(\\"{cid}\\")' in source, cid  # judged from its records


def test_synthetic_table_shares_and_ranks(monkeypatch):
    rows = [
        ("MCS 2030", 2030, 2029, "A", "country", 60.0),
        ("MCS 2030", 2030, 2029, "B", "country", 30.0),
        ("MCS 2030", 2030, 2029, "C", "country", 30.0),
        ("MCS 2030", 2030, 2029, "World", "world", 100.0),
    ]
    df = pd.DataFrame(rows, columns=["source_edition", "edition", "year", "country", "entity", "production_t_reo"])
    df = df.assign(
        estimated=pd.array([False] * 4, dtype="boolean"),
        table_complete=pd.array([True] * 4, dtype="boolean"),
        source_tier="primary",
    )
    monkeypatch.setattr(production, "load", lambda name: df)
    t = production.table(2030, 2029).set_index("country")
    assert t.loc["A", "share_pct"] == 60 and t.loc["B", "rank"] == t.loc["C", "rank"] == 2
    reader = {"id": "X-01", "as_of": D(2030, 6, 1)}
    assert production.check_bulk(reader, "A", 2030, 2029, 50).label == v.ACCURATE
    assert production.check_bulk(reader, "B", 2030, 2029, 50).label == v.INACCURATE
    # a reader before MCS 2030 came out had no table at all
    assert production.check_bulk(dict(reader, as_of=D(2029, 6, 1)), "A", 2030, 2029, 50).label == v.UNVERIFIABLE


def test_a_complete_table_without_its_world_total_gives_no_share(monkeypatch):
    # tests/test_data.py allows a complete table whose world row is missing: no share, not a crash on the total
    rows = [("MCS 2030", 2030, 2029, "A", "country", 60.0), ("MCS 2030", 2030, 2029, "B", "country", 30.0)]
    df = pd.DataFrame(rows, columns=["source_edition", "edition", "year", "country", "entity", "production_t_reo"])
    df = df.assign(
        estimated=pd.array([False] * 2, dtype="boolean"),
        table_complete=pd.array([True] * 2, dtype="boolean"),
        source_tier="primary",
    )
    monkeypatch.setattr(production, "load", lambda name: df)
    reader = {"id": "X-01", "as_of": D(2030, 6, 1), "asserted": {"value": 60}}
    assert production.world_total(2030, 2029) is None
    assert production.check_share(reader, "A", 2030, 2029, 0.5).label == v.UNVERIFIABLE
    assert production.check_bulk(reader, "A", 2030, 2029, 50).label == v.UNVERIFIABLE
