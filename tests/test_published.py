"""Issue 16: the published edition, what changed since, and the corrections gate.

Unit tests with cases that must pass and cases that must fail, then the gate itself on the built book: a
built label that differs from book/verdicts.published.json with no correction fails the suite, naming the
claims.
"""

from __future__ import annotations

import copy
import json

import pytest
from conftest import run_cli

from claimbook.builder import published
from claimbook.builder.published import (
    Change,
    PublishedError,
    diff,
    gate,
    moved_inputs,
    publish,
    read_corrections,
    validate_corrections,
)


def entry(
    label="accurate",
    evidence="official statistics",
    conclusion="It holds.",
    sha="aaa",
    edition=2025,
    rule="Numbers",
    register="r1",
):
    return {
        "label": label,
        "rating": None,
        "evidence": evidence,
        "conclusion": conclusion,
        "chapter": "10_reserves",
        "inputs": {
            "datasets": {"usgs_ree_reserves": sha},
            "parameters": {"edition": edition},
            "rule": rule,
            "register": register,
        },
    }


def correction(claim="RES-01", old="accurate", new="mixed", **kw):
    return {
        "date": "2026-12-01",
        "claim": claim,
        "old_label": old,
        "new_label": new,
        "reason": "USGS revised the figure.",
        "rating_changed": old != new,
        **kw,
    }


PUBLISHED = {"RES-01": entry(), "RES-02": entry(label="mixed")}


# --- diff -----------------------------------------------------------------------------------------------------


def test_no_change_no_diff():
    assert diff(PUBLISHED, copy.deepcopy(PUBLISHED)) == []


def test_a_moved_label_is_listed_with_the_dataset_that_moved_it():
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"] = entry(label="mixed", sha="bbb")
    [change] = diff(PUBLISHED, built)
    assert change.claim_id == "RES-01" and change.fields == ["label"] and change.label_changed
    assert change.moved_by == ["dataset usgs_ree_reserves changed (sha256 aaa -> bbb)"]


@pytest.mark.parametrize(
    "kw, expected",
    [
        ({"edition": 2024}, "parameter edition: 2025 -> 2024"),
        ({"rule": "Ranks"}, "rule: Numbers -> Ranks"),
        ({"register": "r2"}, "the claim's entry in the register or its evidence changed"),
    ],
)
def test_each_kind_of_input_is_named(kw, expected):
    assert moved_inputs(entry(), entry(**kw)) == [expected]


def test_evidence_or_conclusion_alone_is_a_change_but_not_a_label_change():
    built = {"RES-01": entry(evidence="single report", conclusion="Reworded."), "RES-02": entry(label="mixed")}
    [change] = diff(PUBLISHED, built)
    assert change.fields == ["evidence", "conclusion"] and not change.label_changed
    assert change.moved_by == ["none of the recorded inputs (the chapter's code or text changed)"]


def test_added_and_removed_claims_are_changes():
    built = {"RES-02": entry(label="mixed"), "RES-09": entry()}
    changes = {c.claim_id: c for c in diff(PUBLISHED, built)}
    assert set(changes) == {"RES-01", "RES-09"}
    assert changes["RES-01"].new is None and changes["RES-09"].old is None


# --- the gate: cases that must pass -------------------------------------------------------------------------


def test_gate_passes_when_nothing_changed():
    assert gate(PUBLISHED, copy.deepcopy(PUBLISHED), []) == []


def test_gate_passes_when_only_the_wording_changed():
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"]["conclusion"] = "Reworded."
    assert gate(PUBLISHED, built, []) == []


def test_gate_passes_when_a_correction_records_the_change():
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"]["label"] = "mixed"
    assert gate(PUBLISHED, built, [correction()]) == []


# --- the gate: cases that must fail -------------------------------------------------------------------------


def test_gate_fails_on_an_unexplained_label_change_and_names_the_claims():
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"]["label"] = "mixed"
    built["RES-02"]["label"] = "inaccurate"
    problems = gate(PUBLISHED, built, [])
    assert len(problems) == 2 and problems[0].startswith("RES-01") and problems[1].startswith("RES-02")


@pytest.mark.parametrize(
    "wrong",
    [
        correction(claim="RES-02"),  # another claim
        correction(new="inaccurate"),  # another new label
        correction(old="mostly accurate"),  # another old label
    ],
)
def test_gate_fails_when_the_correction_does_not_match(wrong):
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"]["label"] = "mixed"
    assert [p[:6] for p in gate(PUBLISHED, built, [wrong])] == ["RES-01"]


def test_gate_fails_when_a_claim_disappears():
    assert gate(PUBLISHED, {"RES-01": entry()}, [])[0].startswith("RES-02")


# --- the corrections log --------------------------------------------------------------------------------------


def test_a_valid_log_has_no_problems():
    assert validate_corrections([correction(), correction(old="mixed", new="mixed", rating_changed=False)]) == []


@pytest.mark.parametrize(
    "bad, fragment",
    [
        (correction(date="01/12/2026"), "YYYY-MM-DD"),
        (correction(new="half true"), "new_label 'half true'"),
        (correction(reason=" "), "no reason"),
        (correction(rating_changed=False), "rating_changed: False"),
        ({"date": "2026-12-01", "claim": "RES-01"}, "missing"),
        (correction(extra=1), "unknown extra"),
    ],
)
def test_a_bad_correction_is_named(bad, fragment):
    problems = validate_corrections([bad])
    assert len(problems) == 1 and fragment in problems[0], problems


def test_reading_a_bad_log_raises_one_sentence(tmp_path):
    path = tmp_path / "corrections.yaml"
    path.write_text("corrections:\n  - date: 2026-12-01\n    claim: RES-01\n")
    with pytest.raises(PublishedError, match="missing"):
        read_corrections(path)


def test_the_committed_log_is_valid():
    read_corrections()


# --- publish ---------------------------------------------------------------------------------------------------


def test_publish_refuses_an_unexplained_change_and_writes_once_corrected(tmp_path):
    import datetime as dt

    path = tmp_path / "published.json"
    publish(PUBLISHED, [], path, today=dt.date(2026, 12, 1))
    assert json.loads(path.read_text()) == {"edition": "2026-12-01", "verdicts": PUBLISHED}
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"]["label"] = "mixed"
    with pytest.raises(PublishedError, match="RES-01"):
        publish(built, [], path)
    assert json.loads(path.read_text())["verdicts"] == PUBLISHED  # unchanged
    publish(built, [correction()], path, today=dt.date(2026, 12, 2))
    assert json.loads(path.read_text())["verdicts"]["RES-01"]["label"] == "mixed"


def test_the_changes_page_shows_old_and_new_and_what_moved_it():
    built = copy.deepcopy(PUBLISHED)
    built["RES-01"] = entry(label="mixed", sha="bbb", conclusion="<b>Now mixed</b>.")
    page = published.changes_html({"edition": "2026-11-29", "verdicts": PUBLISHED}, built)
    assert "RES-01" in page and "verdict-accurate" in page and "verdict-mixed" in page
    assert "&lt;b&gt;Now mixed&lt;/b&gt;" in page and "<b>Now" not in page
    assert "dataset usgs_ree_reserves changed" in page
    assert "No verdict" in published.changes_html({"edition": "x", "verdicts": PUBLISHED}, PUBLISHED)
    assert isinstance(diff(PUBLISHED, built)[0], Change)


def test_the_corrections_page_lists_each_correction():
    page = published.corrections_html([correction(reason="<script>x</script>")])
    assert "RES-01" in page and "2026-12-01" in page and "&lt;script&gt;" in page and "<script>" not in page
    assert "No corrections" in published.corrections_html([])


def test_last_corrected_gives_the_latest_date():
    log = [correction(), correction(date="2026-12-05", old="mixed", new="inaccurate"), correction(claim="RES-02")]
    assert published.last_corrected("RES-01", log) == "2026-12-05"
    assert published.last_corrected("RES-09", log) is None


# --- the gate on the built book --------------------------------------------------------------------------------


def test_every_built_label_matches_the_published_edition_or_a_correction(built_book):
    """A rebuild that changes a verdict's label must come with a correction (then `claimbook publish`)."""
    problems = gate(published.read_published()["verdicts"], published.read_built(), read_corrections())
    assert not problems, (
        "labels differ from book/verdicts.published.json without a correction in "
        "seeds/corrections.yaml:\n" + "\n".join(problems)
    )


def test_diff_command_prints_the_comparison_and_writes_the_page(built_book):
    proc = run_cli("diff")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Against the published edition of" in proc.stdout
    assert (built_book.parent / "what-changed.html").exists()
