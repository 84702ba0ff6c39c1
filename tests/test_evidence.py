"""The record issue: verdicts from dated public records, truth apart from evidence strength, judged as of the
claim's date, attributions with two findings."""

import datetime as dt

import pytest

from claimbook.core import evidence
from claimbook.core import rules as v
from claimbook.core.register import claims

D = dt.date


def _records(**published):
    """Synthetic records: id -> publication date, tier and publisher."""
    out = {}
    for rid, (date, tier, publisher) in published.items():
        out[rid] = {"record_id": rid, "published": date, "tier": tier, "publisher": publisher}
    return out


MARCH_1 = D(2025, 3, 1)


def _claim(kind="event", as_of=MARCH_1, appearances=1):
    return {
        "id": "TST-01",
        "kind": kind,
        "as_of": as_of,
        "statement": "Something happened.",
        "appearances": [{"article": f"a{i}", "quote": "q"} for i in range(appearances)],
    }


def _finding(role, holds, records, shows="The record shows it."):
    return {"part": role, "role": role, "holds": holds, "records": records, "shows": shows}


RECS = _records(
    transcript=(D(2025, 2, 24), "primary", "Kremlin"),
    wire=(D(2025, 2, 25), "secondary", "Reuters"),
    paper=(D(2025, 2, 26), "secondary", "AFP"),
    later=(D(2025, 10, 23), "secondary", "IEA"),
)


@pytest.mark.parametrize(
    "parts,label",
    [
        ([("core", True)], v.ACCURATE),
        ([("core", True), ("detail", True)], v.ACCURATE),
        ([("core", True), ("detail", False), ("detail", True)], v.MOSTLY_ACCURATE),
        ([("core", True), ("detail", False)], v.MOSTLY_ACCURATE),  # one wrong detail
        ([("core", True), ("detail", False), ("detail", False), ("detail", True)], v.MIXED),
        ([("core", True), ("detail", False), ("detail", False), ("detail", True), ("detail", True)], v.MOSTLY_ACCURATE),
        ([("core", True), ("core", False)], v.MIXED),
        ([("core", False), ("detail", True)], v.MOSTLY_INACCURATE),
        ([("core", False)], v.INACCURATE),
        ([("detail", True)], v.UNVERIFIABLE),
        ([], v.UNVERIFIABLE),
        ([("said", True), ("quoted", True)], v.ACCURATE),
        ([("said", True), ("quoted", False)], v.MOSTLY_ACCURATE),  # a paraphrase printed as a direct quote
        ([("said", False)], v.INACCURATE),
    ],
)
def test_findings_rule(parts, label):
    assert v.FINDINGS(parts) == label


def test_content_and_context_never_move_the_label():
    assert v.rate_findings([("core", True), ("content", False), ("context", False)]) == v.ACCURATE


@pytest.mark.parametrize(
    "records,datasets,strength",
    [
        ([("primary", "Kremlin"), ("secondary", "Reuters")], [], "primary record"),
        ([("primary", "USGS", "official_statistics")], [], "official statistics"),
        ([("primary", "USGS", "official_statistics"), ("primary", "Kremlin", "transcript")], [], "primary record"),
        ([("secondary", "Reuters")], ["primary"], "official statistics"),
        ([("secondary", "Reuters"), ("secondary", "AFP")], [], "independent reports"),
        ([("secondary", "Reuters"), ("secondary", "Reuters")], [], "single report"),  # one publisher twice
        ([], ["secondary"], "secondary statistics"),
        ([], [], "no record"),
    ],
)
def test_evidence_strength(records, datasets, strength):
    assert v.STRENGTH(records, datasets) == strength


def test_secondary_evidence_does_not_cap_a_true_statement():
    e = {"findings": [_finding("core", True, ["wire"])]}
    verdict = evidence.decide(_claim(), e, RECS)
    assert verdict.label == v.ACCURATE


def test_evidence_published_after_the_claim_does_not_move_its_label():
    early = {"findings": [_finding("core", True, ["wire"])]}
    with_later = {"findings": [_finding("core", True, ["wire"]), _finding("core", False, ["later"])]}
    assert evidence.decide(_claim(), early, RECS).label == v.ACCURATE
    assert evidence.decide(_claim(), with_later, RECS).label == v.ACCURATE
    now, later = evidence.split_by_date(with_later, D(2025, 3, 1), RECS)
    assert [f["since_then"] for f in now + later] == [False, True]
    # ...but the same record decides a claim dated after its publication
    assert evidence.decide(_claim(as_of=D(2025, 11, 1)), with_later, RECS).label == v.MIXED


def test_a_record_published_on_the_claims_date_counts():
    e = {"findings": [_finding("core", False, ["transcript"])]}
    assert evidence.decide(_claim(as_of=D(2025, 2, 24)), e, RECS).label == v.INACCURATE
    assert evidence.decide(_claim(as_of=D(2025, 2, 23)), e, RECS).label == v.UNVERIFIABLE


def test_the_articles_do_not_corroborate_each_other():
    """How many articles repeat a claim plays no part: five appearances and no record stay unverifiable, one
    appearance with a record is settled by the record."""
    assert evidence.decide(_claim(appearances=5), {"findings": []}, RECS).label == v.UNVERIFIABLE
    e = {"findings": [_finding("core", True, ["wire"])]}
    assert (
        evidence.decide(_claim(appearances=1), e, RECS).label == evidence.decide(_claim(appearances=5), e, RECS).label
    )


def test_an_attribution_with_a_faithful_record_and_a_false_content():
    """'Putin said X' where he said it and X is false: the label is about the article's statement (he said
    it), and the content's falsity is a second finding, shown beside it."""
    e = {
        "findings": [
            _finding("said", True, ["transcript"], "The Kremlin transcript shows he said it."),
            _finding("content", False, ["wire"], "Reuters shows the figure is wrong."),
        ]
    }
    verdict = evidence.decide(_claim(kind="attribution"), e, RECS)
    assert verdict.label == v.ACCURATE
    assert verdict.conclusion == "The Kremlin transcript shows he said it."


def test_a_paraphrase_printed_as_a_quote_is_a_finding_that_lowers_the_label():
    e = {
        "findings": [
            _finding("said", True, ["transcript"], "The transcript shows he said it in substance."),
            _finding("quoted", False, ["transcript"], "The printed words are a paraphrase."),
        ]
    }
    verdict = evidence.decide(_claim(kind="attribution"), e, RECS)
    assert verdict.label == v.MOSTLY_ACCURATE
    assert "paraphrase" in verdict.conclusion


def test_opinions_and_predictions_are_not_rated_whatever_the_records_say():
    e = {"findings": [_finding("core", False, ["wire"])]}
    assert evidence.decide(_claim(kind="opinion"), e, RECS).label == v.NOT_RATED
    assert evidence.decide(_claim(kind="prediction"), e, RECS).label == v.NOT_RATED


def test_an_unverifiable_conclusion_says_no_record_was_found_by_the_date():
    verdict = evidence.decide(_claim(), {"findings": [], "searched": "x"}, RECS)
    assert verdict.label == v.UNVERIFIABLE and "1 March 2025" in verdict.conclusion


# --- the project's own record and evidence ------------------------------------------------------------------


def test_the_evidence_file_is_valid_and_names_only_existing_records():
    assert evidence.validate() == []


def test_the_validator_refuses_an_unknown_record_a_bad_role_and_a_missing_claim(tmp_path):
    import yaml

    real = yaml.safe_load(evidence.EVIDENCE_FILE.read_text(encoding="utf-8"))
    first = next(iter(real))
    broken = dict(real)
    del broken[first]
    some = next(cid for cid, e in real.items() if e.get("findings") and cid != first)
    broken[some] = {"findings": [dict(real[some]["findings"][0], records=["no_such_record"], role="maybe")]}
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    problems = " ".join(evidence.validate(path))
    assert f"no entry for claim {first}" in problems
    assert "no_such_record" in problems and "role 'maybe'" in problems


def test_every_record_has_a_url_a_publication_date_and_a_tier():
    for rid, r in evidence.records().items():
        assert r["url"].startswith("http"), rid
        assert isinstance(r["published"], dt.date), rid
        assert r["tier"] in ("primary", "secondary"), rid


def test_no_article_is_evidence_for_a_claim_it_makes():
    """The five articles are the object of the check: no record may be one of them (by headline), and no claim
    may rest on a record from the publisher of an article that makes it."""
    from claimbook.core.register import articles

    arts = articles()
    headlines = {a["headline"].lower() for a in arts.values() if a.get("headline")}
    recs = evidence.records()
    assert not [rid for rid, r in recs.items() if r["title"].lower() in headlines]
    for c in claims():
        own = {arts[a["article"]]["publication"].lower() for a in c["appearances"] if arts[a["article"]]["publication"]}
        used = {r for f in evidence.entry(c["id"]).get("findings") or [] for r in f.get("records") or []}
        assert not [r for r in used if any(p in recs[r]["publisher"].lower() for p in own)], c["id"]


def test_unverifiable_claims_say_what_was_searched_for():
    for c in claims():
        e = evidence.entry(c["id"])
        if c["kind"] in ("opinion", "prediction") or e.get("statistical"):
            continue
        if not any(f["role"] in ("core", "said") for f in e.get("findings") or []):
            assert len(str(e.get("searched") or "").split()) >= 5, c["id"]


@pytest.mark.parametrize(
    "text,bad",
    [
        ("Reuters reported the offer on 24 February 2025.", False),
        ("The min_corroboration threshold was reached.", True),
        ("RES-01 is accurate.", True),
        ("The NUMBER_RULE applies.", True),
    ],
)
def test_the_identifier_check_catches_internal_names(text, bad):
    assert bool(evidence.IDENTIFIER.search(text)) is bad


def test_every_vague_word_threshold_is_the_default_of_the_parameter_that_applies_it():
    """One place for each threshold: the notebooks' parameters default to the table in verdicts.VAGUE, and
    every word in the table is applied by some chapter."""
    from claimbook.core.notebooks import all_notebooks
    from claimbook.core.params import notebook_parameters

    by_parameter = {w.parameter: w for w in v.VAGUE.values()}
    used = set()
    for path in all_notebooks().values():
        for name, p in notebook_parameters(path).items():
            if name in by_parameter:
                used.add(name)
                assert p.default == by_parameter[name].threshold, (path.name, name)
    assert used == set(by_parameter), sorted(set(by_parameter) - used)


def test_the_default_usgs_edition_is_the_one_a_reader_had_on_every_claims_date():
    """MCS editions appear at the end of January (MCS 2026: 6 February 2026). Every chapter's default `edition`
    is the latest edition among those it allows that was published by its earliest rated claim's date."""
    from claimbook.core.notebooks import all_notebooks
    from claimbook.core.params import notebook_parameters

    published = {
        2018: D(2018, 1, 31),
        2019: D(2019, 2, 28),
        2020: D(2020, 1, 31),
        2021: D(2021, 1, 29),
        2022: D(2022, 1, 31),
        2023: D(2023, 1, 31),
        2024: D(2024, 1, 31),
        2025: D(2025, 1, 31),
        2026: D(2026, 2, 6),
    }
    checked = 0
    for short, path in all_notebooks().items():
        params = notebook_parameters(path)
        mine = [c for c in claims(notebook=short) if c["kind"] not in ("opinion", "prediction")]
        if "edition" not in params or not mine:
            continue
        defaults = {n: p.default for n, p in params.items()}
        allowed = params["edition"].allowed(defaults) or []
        earliest = min(c["as_of"] for c in mine)
        readable = [e for e in allowed if published[e] <= earliest]
        assert params["edition"].default == max(readable), (path.name, readable)
        checked += 1
    assert checked >= 2
