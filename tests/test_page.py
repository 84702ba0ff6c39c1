"""The calls every chapter page makes the same way (claimbook.chapters.page): what each displays, glues and
prints, and in which order."""

from __future__ import annotations

import IPython.display
import myst_nb
import pytest

from claimbook.chapters import page, reserves
from claimbook.core import rules as v
from claimbook.core.data import describe
from claimbook.core.register import ClaimQuote, claims


@pytest.fixture
def shown(monkeypatch):
    """What the page displayed, in order: ("display", object), or ("record", data) for what it recorded as raw
    JSON in the notebook for the summaries and exports."""
    out = []

    def display(*objs, raw=False, **kw):
        out.extend(("record" if raw else "display", o) for o in objs)

    monkeypatch.setattr(IPython.display, "display", display)
    return out


def test_claims_of_a_notebook_by_id_in_register_order():
    got = page.claims_of("reserves")
    assert list(got) == [c["id"] for c in claims(notebook="reserves")]
    assert all(c["notebook"] == "reserves" for c in got.values())
    assert page.claims_of("no such chapter") == {}


def test_show_claims_quotes_each_claim_in_order(shown):
    page.show_claims(["RES-02", "RES-01"])
    assert [(kind, type(o), o.claim["id"]) for kind, o in shown] == [
        ("display", ClaimQuote, "RES-02"),
        ("display", ClaimQuote, "RES-01"),
    ]


def test_a_verdict_is_the_quote_then_the_verdict_judged_from_the_records(shown):
    # nothing returned: the last line of a cell would show a returned verdict a second time
    assert page.verdict("RES-06") is None
    assert [kind for kind, _ in shown] == ["display", "display", "record"]
    assert shown[0][1].claim["id"] == "RES-06" and shown[1][1].claim_id == "RES-06"
    # recorded under the claim's name, as the summaries read it back (rules.from_notebook)
    assert shown[2][1] == {v.GLUE_MIME: shown[1][1].to_dict()} and shown[1][1].sources


def test_a_computed_verdict_is_shown_as_given(shown):
    claim = page.claims_of("reserves")["RES-01"]
    computed = reserves.check_amount(claim, "Russia", 2025, 10.0)
    page.verdict("RES-01", computed)
    assert shown[1] == ("display", computed) and computed.sources  # completed with its records in place
    with pytest.raises(v.VerdictError, match="under RES-02 is the verdict on RES-01"):
        page.verdict("RES-02", computed)


def test_rules_join_the_books_rules_and_the_chapters_in_the_order_given(shown):
    page.rules(["findings", "strength"], *reserves.RULES)
    ((kind, markdown),) = shown
    assert markdown.data == "\n".join(
        [v.rules_markdown(["findings", "strength"])] + [f"- {rule.markdown()}" for rule in reserves.RULES]
    )
    shown.clear()
    page.rules(reserves.RULES[0], ["findings"])
    assert shown[0][1].data == f"- {reserves.RULES[0].markdown()}\n{v.rules_markdown(['findings'])}"


def test_glue_all_glues_every_value_hidden_in_order(monkeypatch):
    glued = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: glued.append((name, value, display)))
    page.glue_all({"b": 2, "a": "x", "fig": None})
    assert glued == [("b", 2, False), ("a", "x", False), ("fig", None, False)]


def test_sources_cite_each_dataset_then_the_note(capsys):
    page.sources("usgs_ree_reserves", "public_records", note="Records are listed with each verdict.")
    out = capsys.readouterr().out
    for name in ("usgs_ree_reserves", "public_records"):
        meta = describe(name).meta
        assert f"{meta['title']} ({name}; tier: {meta['tier']}).\n  {' '.join(meta['citation'].split())}\n" in out
    assert out.index("usgs_ree_reserves") < out.index("public_records") < out.index("Records are listed")


def test_known_issues_list_each_issue_of_each_dataset(capsys):
    page.known_issues("usgs_ree_mine_production")
    lines = capsys.readouterr().out.splitlines()
    issues = describe("usgs_ree_mine_production").meta["known_issues"]
    assert lines[0].endswith("(usgs_ree_mine_production):")
    assert [ln for ln in lines if ln.startswith("  - ")] == [f"  - {' '.join(i.split())}" for i in issues]
